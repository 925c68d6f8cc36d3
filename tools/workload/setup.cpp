// Generator::Impl's constructor: document counts, population buckets, permutations, facilities, pickers.
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

#include "tools/workload/model.hpp"

namespace ehb::workload {

namespace {

uint64_t gcd(uint64_t a, uint64_t b) {
    while (b) {
        const uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

// A multiplier coprime with n, derived from `h`.
uint64_t coprime(uint64_t h, uint64_t n) {
    if (n <= 1) return 1;
    uint64_t a = h % n;
    if (a == 0) a = 1;
    while (gcd(a, n) != 1) a = a + 1 == n ? 1 : a + 1;
    return a;
}

}  // namespace

Generator::Impl::Impl(const Config& c) : cfg(c), P(c.citizens), E(c.episodes), sched(hash3(c.seed, kSaltSchedule, 0)) {
    const Mix& m = cfg.mix;
    const double old_share = m.resend + m.correction + m.reorder;
    auto bad_share = [](double x) { return !(x >= 0.0 && x <= 1.0); };
    if (bad_share(m.resend) || bad_share(m.correction) || bad_share(m.reorder) || !(old_share < 1.0) ||
        bad_share(m.card_only) || bad_share(m.old_id) || bad_share(m.conflict) || bad_share(m.invalid) ||
        m.card_only + m.old_id + m.conflict + m.invalid > 1.0)
        throw std::invalid_argument("workload: mix shares must lie in [0, 1] and resend + correction + reorder < 1");
    if (E > 0 && P == 0) throw std::invalid_argument("workload: episodes need at least one citizen");
    if (P > (uint64_t{1} << 40)) throw std::invalid_argument("workload: too many citizens");

    // Document counts: exact, decided up front.
    total = static_cast<uint64_t>(static_cast<double>(E) / (1.0 - old_share) + 0.5);
    if (total < E) total = E;
    const uint64_t extra = total - E;
    uint64_t n_res = static_cast<uint64_t>(static_cast<double>(total) * m.resend + 0.5);
    uint64_t n_cor = static_cast<uint64_t>(static_cast<double>(total) * m.correction + 0.5);
    n_res = std::min(n_res, extra);
    n_cor = std::min(n_cor, extra - n_res);
    uint64_t n_reo = extra - n_res - n_cor;
    if (E == 0) n_res = n_cor = n_reo = 0, total = 0;
    rem[kNew] = E;
    rem[kResend] = n_res;
    rem[kCorrection] = n_cor;
    rem[kReorder] = n_reo;
    versions.assign(E, 0);

    auto cut = [](double x) { return static_cast<uint64_t>(x * 4294967296.0); };
    kind_cut[0] = cut(m.invalid);
    kind_cut[1] = kind_cut[0] + cut(m.conflict);
    kind_cut[2] = kind_cut[1] + cut(m.old_id);
    kind_cut[3] = kind_cut[2] + cut(m.card_only);

    // ---- population buckets: (birth province, sex, birth year), apportioned by largest remainder.
    struct B {
        uint64_t w;
        uint32_t info;
    };
    std::vector<B> buckets;
    for (uint32_t p = 0; p < 63; ++p)
        for (uint32_t s = 1; s <= 2; ++s)
            for (int age = 0; age <= kAgeMax; ++age) {
                const uint64_t aw = age < 100 ? kAgeGroups[age / 5] : kAgeGroups[20];
                const uint64_t w = T::kProvinces[p].pop_k * aw * (s == 1 ? 499 : 501);
                const uint32_t year = static_cast<uint32_t>(kRunStartYear - 1 - age);
                buckets.push_back({w, p | (s << 8) | (year << 16)});
            }
    uint64_t wsum = 0;
    for (const B& b : buckets) wsum += b.w;
    std::vector<uint64_t> size(buckets.size());
    std::vector<std::pair<uint64_t, uint32_t>> rems;
    uint64_t given = 0;
    for (size_t k = 0; k < buckets.size(); ++k) {
        const u128 q = static_cast<u128>(P) * buckets[k].w;
        size[k] = static_cast<uint64_t>(q / wsum);
        given += size[k];
        rems.push_back({static_cast<uint64_t>(q % wsum), static_cast<uint32_t>(k)});
    }
    std::sort(rems.begin(), rems.end(), [](const auto& x, const auto& y) {
        return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    for (size_t k = 0; given < P; ++k, ++given) ++size[rems[k].second];
    uint64_t start = 0;
    for (size_t k = 0; k < buckets.size(); ++k) {
        if (size[k] > 1'000'000) throw std::invalid_argument("workload: too many citizens for 6-digit ID serials");
        if (size[k] == 0) continue;
        bucket_start.push_back(start);
        bucket_info.push_back(buckets[k].info);
        start += size[k];
    }

    const uint64_t s = cfg.seed;
    perm1_a = coprime(hash3(s, kSaltPerm1, 1), P);
    perm1_b = P ? hash3(s, kSaltPerm1, 2) % P : 0;
    perm2_a = coprime(hash3(s, kSaltPerm2, 1), P);
    perm2_b = P ? hash3(s, kSaltPerm2, 2) % P : 0;
    si_a = coprime(hash3(s, kSaltSi, 1), 10'000'000'000ULL);
    si_b = hash3(s, kSaltSi, 2) % 10'000'000'000ULL;
    old_a = coprime(hash3(s, kSaltOld, 1), 1'000'000'000ULL);
    old_b = hash3(s, kSaltOld, 2) % 1'000'000'000ULL;

    // Visit classes over permuted ranks; a class is drawn by its share of visits.
    {
        uint64_t acc = 0;
        for (int k = 0; k < kVisitClasses; ++k) {
            class_lo[k] = static_cast<uint64_t>(static_cast<u128>(P) * acc / 10000);
            acc += kClassShare[k];
        }
        class_lo[kVisitClasses] = P;
        uint64_t w[kVisitClasses];
        for (int k = 0; k < kVisitClasses; ++k)
            w[k] = class_lo[k + 1] > class_lo[k] ? uint64_t{kClassShare[k]} * kClassRate10[k] : 0;
        class_picker = Picker(w, [](uint64_t x) { return x; });
    }
    family = Picker(T::kFamilyNames, [](const T::Weighted& x) { return x.w; });
    middle_m = Picker(T::kMiddleMale, [](const T::Weighted& x) { return x.w; });
    middle_f = Picker(T::kMiddleFemale, [](const T::Weighted& x) { return x.w; });
    {
        // Migration destinations: the big cities and industrial provinces.
        uint64_t w[63] = {};
        for (int p = 0; p < 63; ++p) w[p] = T::kProvinces[p].pop_k / 10;
        w[T::kHoChiMinh] += 35000;
        w[T::kHaNoi] += 20000;
        w[T::kBinhDuong] += 20000;
        w[T::kDongNai] += 10000;
        w[T::kDaNang] += 4000;
        w[T::kCanTho] += 3000;
        w[T::kHaiPhong] += 3000;
        migrate = Picker(w, [](uint64_t x) { return x; });
    }

    // ---- facilities: per province proportional to population, capped at 999 codes.
    {
        uint64_t popsum = 0;
        for (const auto& pr : T::kProvinces) popsum += pr.pop_k;
        uint32_t count[63];
        uint64_t assigned = 0;
        for (int p = 0; p < 63; ++p) {
            count[p] = static_cast<uint32_t>(std::clamp<uint64_t>(kFacilities * T::kProvinces[p].pop_k / popsum, 40, 990));
            assigned += count[p];
        }
        for (int p = 0; assigned < kFacilities; p = (p + 1) % 63)
            if (count[p] < 990) ++count[p], ++assigned;
        for (int p = 62; assigned > kFacilities; p = (p + 62) % 63)
            if (count[p] > 40) --count[p], --assigned;
        for (uint8_t p = 0; p < 63; ++p)
            for (uint32_t k = 1; k <= count[p]; ++k) {
                Facility f{};
                std::memcpy(f.code, T::kProvinces[p].code.data(), 2);
                f.code[2] = static_cast<char>('0' + k / 100);
                f.code[3] = static_cast<char>('0' + k / 10 % 10);
                f.code[4] = static_cast<char>('0' + k % 10);
                f.prov = p;
                fac.push_back(f);
            }
        // Ranks: the central hospitals of the big cities first, then a seeded shuffle.
        std::vector<uint32_t> order;
        std::vector<bool> used(fac.size(), false);
        const int centres[] = {T::kHaNoi, T::kHoChiMinh, T::kHaNoi, T::kHoChiMinh, T::kHue, T::kHaNoi,
                               T::kHoChiMinh, T::kCanTho, T::kDaNang, T::kHaiPhong, T::kHaNoi, T::kHoChiMinh};
        for (int cprov : centres) {
            uint32_t idx = 0;
            for (uint32_t k = 0; k < fac.size(); ++k)
                if (fac[k].prov == cprov && !used[k]) {
                    idx = k;
                    break;
                }
            used[idx] = true;
            order.push_back(idx);
        }
        std::vector<uint32_t> rest;
        for (uint32_t k = 0; k < fac.size(); ++k)
            if (!used[k]) rest.push_back(k);
        Rng r(hash3(s, kSaltFacility, 0));
        for (size_t k = rest.size(); k > 1; --k) std::swap(rest[k - 1], rest[r.below(k)]);
        order.insert(order.end(), rest.begin(), rest.end());
        for (uint32_t rank = 0; rank < order.size(); ++rank) {
            Facility& f = fac[order[rank]];
            f.rank = rank;
            f.level = rank < 40 ? 1 : rank < 800 ? 2 : rank < 3500 ? 3 : 4;
        }
        // Zipf-Mandelbrot volume: weight 1 / (rank + 6).
        auto zipf = [](uint32_t rank) { return (uint64_t{1} << 40) / (rank + 6); };
        fac_global = Picker(order, [&](uint32_t k) { return zipf(fac[k].rank); });
        top.assign(order.begin(), order.begin() + 12);
        prov_fac.assign(63, {});
        for (uint32_t k : order) prov_fac[fac[k].prov].push_back(k);
        for (int p = 0; p < 63; ++p)
            prov_picker.push_back(Picker(prov_fac[p], [&](uint32_t k) { return zipf(fac[k].rank); }));
        fac_order_ = std::move(order);
    }

    // ---- time: the run spans V / (P * 2.3) years.
    if (P > 0) {
        const u128 d = static_cast<u128>(E) * 36525 / (static_cast<u128>(P) * 230);
        days_span = std::max<uint64_t>(1, static_cast<uint64_t>(d));
    }
    {
        uint64_t cum[1441] = {};
        for (int mi = 0; mi < 1440; ++mi) cum[mi + 1] = cum[mi] + kHourW[mi / 60];
        int mi = 0;
        for (uint64_t f = 0; f < 4096; ++f) {
            const uint64_t target = f * cum[1440] / 4096;
            while (cum[mi + 1] <= target) ++mi;
            tod[f] = static_cast<uint16_t>(mi);
        }
    }

    icd_all = Picker(T::kIcd, [](const T::Icd& x) { return uint64_t{x.w}; });
    icd_chronic = Picker(T::kIcd, [](const T::Icd& x) {
        return (x.flags & T::kChronic) && (x.flags & T::kAdult) ? uint64_t{x.w} : 0;
    });
    doituong = Picker(kDoituongW, [](uint32_t x) { return uint64_t{x}; });
    for (uint16_t d = 0; d < std::size(T::kDrugs); ++d)
        for (int cat = 0; cat < T::kCatCount; ++cat)
            if (T::kDrugs[d].cats & (1u << cat)) drugs_by_cat[cat].push_back(d);

    buf.resize(1 << 20);
}

}  // namespace ehb::workload
