// Episodes: kind and people of an episode, building its Plan, and applying corrections.
#include <algorithm>

#include "tools/workload/model.hpp"

namespace ehb::workload {

Kind Generator::Impl::base_kind(uint64_t j) const {
    const uint64_t u = hash3(cfg.seed, kSaltKind, j) >> 32;
    if (u < kind_cut[0]) return kInvalid;
    if (u < kind_cut[1]) return kConflict;
    if (u < kind_cut[2]) return kOldId;
    if (u < kind_cut[3]) return kCardOnly;
    return kNormal;
}

uint64_t Generator::Impl::sample_citizen(uint64_t j, uint32_t attempt, uint8_t& cls) const {
    Rng r(hash3(cfg.seed, kSaltCitizen + (uint64_t{attempt} << 8), j));
    cls = static_cast<uint8_t>(class_picker.pick(r));
    const uint64_t rank = class_lo[cls] + r.below(class_lo[cls + 1] - class_lo[cls]);
    return affine(perm2_a, perm2_b, rank, P);
}

// The episode's kind and people: `a` presents themselves, `b` owns the card.
// A conflict takes the card of the person of an earlier normal episode: that
// episode was stored with both of that person's identifiers, so the card's SI
// is already linked to them. Without one the episode is normal.
Kind Generator::Impl::resolve(uint64_t j, uint64_t& a, uint64_t& b, uint8_t& cls) const {
    Kind k = base_kind(j);
    a = sample_citizen(j, 0, cls);
    b = a;
    if (k == kOldId) {
        // Old 9-digit IDs belong to adults: draw again until an adult comes.
        for (uint32_t t = 1; t < 64 && citizen(a).age() < 18; ++t) a = sample_citizen(j, t, cls);
        if (citizen(a).age() < 18) k = kCardOnly;
        b = a;
    } else if (k == kConflict) {
        k = kNormal;
        if (j > 0) {
            Rng r(hash3(cfg.seed, kSaltConflict, j));
            const uint64_t window = std::min<uint64_t>(j, 4096);
            for (int t = 0; t < 64; ++t) {
                const uint64_t jp = j - 1 - r.below(window);
                if (base_kind(jp) != kNormal) continue;
                uint8_t c2;
                const uint64_t other = sample_citizen(jp, 0, c2);
                if (other == a) continue;
                b = other;
                k = kConflict;
                break;
            }
        }
    }
    return k;
}

void Generator::Impl::build(uint64_t j, Plan& p) const {
    p = Plan{};
    p.j = j;
    uint64_t ia, ib;
    p.kind = resolve(j, ia, ib, p.cls);
    p.a = citizen(ia);
    p.card = ib == ia ? p.a : citizen(ib);
    const Citizen& a = p.a;
    const int age = a.age();
    Rng r(hash3(cfg.seed, kSaltPlan, j));
    if (p.kind == kInvalid) p.invalid = static_cast<uint8_t>(r.below(kInvalidKinds));

    // Time of admission.
    {
        const u128 x = (static_cast<u128>(j) * days_span << 32) / E;
        const uint64_t day_off = static_cast<uint64_t>(x >> 32);
        const uint32_t frac = static_cast<uint32_t>(x);
        const uint64_t first = static_cast<uint64_t>((static_cast<u128>(day_off) * E + days_span - 1) / days_span);
        p.day = kRunStartDay + static_cast<int64_t>(day_off);
        p.within_day = static_cast<uint32_t>(j - first);
        p.vao = p.day * 1440 + tod[frac >> 20];
    }

    // Facility: mostly in the residence province, else anywhere (central hospitals).
    if (r.per10k(8000))
        p.fac = prov_fac[a.rprov][prov_picker[a.rprov].pick(r)];
    else
        p.fac = fac_order_[fac_global.pick(r)];
    const Facility& f = fac[p.fac];

    // Diagnosis.
    const bool chronic_visit = p.cls >= 3 && age >= 30 && r.per10k(7000);
    if (chronic_visit) {
        Rng rc(mix64(a.h ^ 0xc4c));  // the person's own long-term condition
        p.icd = static_cast<uint16_t>(icd_chronic.pick(rc));
    } else {
        p.icd = 0;
        for (int t = 0; t < 5; ++t) {
            const uint16_t c = static_cast<uint16_t>(icd_all.pick(r));
            const uint8_t fl = T::kIcd[c].flags;
            if ((fl & T::kFemale) && (a.sex != 2 || age < 15 || age > 49)) continue;
            if ((fl & T::kAdult) && age < 30) continue;
            p.icd = c;
            break;
        }
    }
    const T::Icd& icd = T::kIcd[p.icd];
    p.n_sec = static_cast<uint8_t>(age >= 40 ? r.below(4) : r.below(2));
    for (uint8_t k = 0; k < p.n_sec; ++k) p.sec[k] = static_cast<uint8_t>(r.below(std::size(T::kSecondary)));

    // Visit type.
    uint8_t loai = 1;
    if (icd.cat == T::kObst && (icd.flags & T::kInpatient)) {
        loai = 3;
    } else if (chronic_visit) {
        const uint64_t x = r.below(100);
        loai = x < 30 ? 1 : x < 70 ? 5 : x < 85 ? 7 : 8;
    } else if (icd.flags & T::kInpatient) {
        const uint64_t x = r.below(100);
        loai = x < 70 ? 3 : x < 90 ? 1 : 9;
    } else {
        const uint64_t x = r.below(1000);
        loai = x < 860 ? 1 : x < 880 ? 2 : x < 940 ? 3 : x < 955 ? 4 : x < 960 ? 6 : x < 980 ? 9 : 10;
    }
    if (f.level == 4 && (loai == 3 || loai == 4 || loai == 9)) loai = r.per10k(5000) ? 6 : 1;
    p.loai = loai;

    // Dates and treatment days (QĐ 130: SO_NGAY_DTRI by visit type).
    const int64_t vao_date = floor_div(p.vao, 1440);
    switch (loai) {
        case 2: case 5: case 7: {  // a course: NGAY_RA is its last day at 23:59
            const int64_t days = loai == 2 ? r.range(3, 14) : r.range(28, 30);
            p.ra = (vao_date + days - 1) * 1440 + 23 * 60 + 59;
            p.so_ngay = loai == 7 ? 0 : static_cast<int>(days);
            break;
        }
        case 3: {
            int64_t nights = 1 + static_cast<int64_t>(r.below(6)) + static_cast<int64_t>(r.below(6));
            if (r.per10k(1000)) nights += r.range(5, 20);
            p.vao_nt = p.vao + r.range(20, 180);
            p.ra = (vao_date + nights) * 1440 + r.range(8 * 60, 16 * 60 + 59);
            p.so_ngay = static_cast<int>(nights + 1);
            break;
        }
        case 4: {
            const int64_t days = r.range(5, 15);
            p.vao_nt = p.vao + r.range(15, 60);
            p.ra = (vao_date + days - 1) * 1440 + r.range(16 * 60, 16 * 60 + 59);
            if (p.ra < p.vao_nt) p.ra = p.vao_nt + 30;
            p.so_ngay = static_cast<int>(floor_div(p.ra, 1440) - vao_date + 1);
            break;
        }
        case 6: {
            const int64_t nights = r.range(1, 3);
            p.vao_nt = p.vao + r.range(10, 60);
            p.ra = (vao_date + nights) * 1440 + r.range(7 * 60, 10 * 60);
            p.so_ngay = static_cast<int>(nights + 1);
            break;
        }
        case 8:
            p.ra = p.vao + r.range(30, 180);
            p.so_ngay = 1;
            break;
        case 9:
            p.vao_nt = p.vao + r.range(10, 30);
            p.ra = p.vao + r.range(60, 230);
            p.so_ngay = 0;
            break;
        default:  // 01, 10
            p.ra = p.vao + r.range(20, 240);
            p.so_ngay = 0;
            break;
    }
    const bool inpatient = loai == 3 || loai == 4 || loai == 6;
    const bool course = loai == 2 || loai == 5 || loai == 7;
    const int64_t course_days = floor_div(p.ra, 1440) - vao_date + 1;

    // Visit object, referral in, injury.
    p.doituong = static_cast<uint8_t>(doituong.pick(r));
    if (icd.cat == T::kInjury && r.per10k(5000)) p.doituong = 5;  // emergency
    if (p.doituong == 1) {  // referred in: from a smaller facility of the province
        const auto& list = prov_fac[f.prov];
        const uint32_t from = list[list.size() / 2 + r.below(list.size() - list.size() / 2)];
        if (from != p.fac) p.noi_di = from;
    }
    p.tai_nan = icd.cat == T::kInjury ? static_cast<uint8_t>(1 + r.below(9)) : 0;
    p.doctor = static_cast<uint8_t>(r.below(24));
    p.lab_doctor = static_cast<uint8_t>(24 + r.below(6));
    p.advice = static_cast<uint8_t>(r.below(std::size(T::kAdvice)));
    if (inpatient || age < 16)
        p.weight10 = static_cast<uint16_t>(age < 16 ? 30 + age * 28 + r.below(60) : 420 + r.below(400));

    // Referral out (XML13) or re-examination appointment (XML14).
    const uint32_t p13 = loai == 3 ? 1300 : loai == 1 ? 500 : loai == 7 ? 0 : 300;
    p.xml13 = r.per10k(p13);
    if (p.xml13) {
        uint32_t to = p.fac;
        for (int t = 0; t < 8 && (to == p.fac || fac[to].rank >= f.rank); ++t) {
            const auto& list = prov_fac[f.prov];
            to = r.per10k(6000) ? list[r.below(std::min<size_t>(3, list.size()))] : top[r.below(top.size())];
        }
        if (to == p.fac) to = top[0] == p.fac ? top[1] : top[0];
        p.noi_den = to;
        p.rv = r.per10k(8500) ? 2 : 5;
        p.lydo_ct = p.rv == 5 ? 3 : static_cast<uint8_t>(1 + r.below(2));
        p.kq = r.per10k(7000) ? 3 : 4;
        p.transport = static_cast<uint8_t>(r.below(std::size(T::kTransport)));
        p.direction = static_cast<uint8_t>(p.rv == 5 ? 2 : r.below(2));
        p.signs = static_cast<uint8_t>(r.below(std::size(T::kSigns)));
        p.course = static_cast<uint8_t>(r.below(std::size(T::kCourse)));
        p.escort = p.transport < 2;
    } else {
        const uint32_t p14 = inpatient ? 4000 : loai == 5 || loai == 8 ? 2000 : loai == 2 ? 2000 : 650;
        p.xml14 = r.per10k(p14);
        if (inpatient) {
            const uint64_t x = r.below(1000);
            p.kq = x < 350 ? 1 : x < 900 ? 2 : x < 950 ? 3 : x < 975 ? 4 : x < 985 ? 5 : x < 995 ? 6 : 7;
            const uint64_t y = r.below(100);
            p.rv = y < 96 ? 1 : y < 99 ? 4 : 3;
        } else {
            const uint64_t x = r.below(100);
            p.kq = x < 20 ? 1 : x < 90 ? 2 : 3;
            p.rv = 1;
        }
        if (p.xml14) p.hen = (floor_div(p.ra, 1440) + r.range(7, 30)) * 1440 + r.range(7 * 60, 9 * 60 + 59);
    }

    // Drugs (XML2).
    const uint32_t p2 = course ? 10000 : inpatient ? 9500 : loai == 9 ? 8000 : 5000;
    if (r.per10k(p2)) {
        const auto& cands = drugs_by_cat[icd.cat];
        uint64_t n = course ? r.range(2, 5) : inpatient ? r.range(3, 10) : r.range(1, 7);
        n = std::min<uint64_t>(n, cands.size());
        uint16_t chosen[12];
        for (uint64_t k = 0; k < n; ++k) {
            uint16_t d;
            bool dup;
            int guard = 0;
            do {
                d = cands[r.below(cands.size())];
                dup = false;
                for (uint64_t q = 0; q < k; ++q) dup |= chosen[q] == d;
            } while (dup && ++guard < 16);
            if (dup) break;
            chosen[k] = d;
            const T::Drug& dr = T::kDrugs[d];
            DrugRow& row = p.drugs[p.n_drugs++];
            row.drug = d;
            row.per_time = dr.per_time;
            row.times = dr.times_per_day;
            row.days = static_cast<uint8_t>(course      ? course_days
                                            : inpatient ? std::min(p.so_ngay, 30)
                                                        : r.range(3, 7));
            const bool bottle = dr.route == "3.05" || dr.route == "4.04" || dr.route == "4.06";
            row.qty = static_cast<uint16_t>(bottle ? 1 : uint32_t{row.per_time} * row.times * row.days);
            const int64_t base = p.vao_nt >= 0 ? p.vao_nt : p.vao;
            const int64_t span = std::max<int64_t>(1, std::min<int64_t>(p.ra - base, 120));
            row.yl = base + span / 4 + static_cast<int64_t>(r.below(static_cast<uint64_t>(span / 4 + 1)));
            row.th = row.yl + static_cast<int64_t>(r.below(static_cast<uint64_t>(std::max<int64_t>(1, std::min<int64_t>(p.ra - row.yl, 30)))));
        }
    }

    // Labs and imaging (XML4).
    const uint32_t p4 = loai == 7 ? 0 : inpatient ? 9500 : loai == 5 ? 3500 : loai == 8 ? 6000 : 3500;
    if (r.per10k(p4)) {
        bool panel[std::size(T::kLabPanels)] = {};
        panel[0] = r.per10k(5500);
        panel[1] = r.per10k(icd.cat == T::kEndo || icd.cat == T::kCardio || icd.cat == T::kRenal ? 9000 : 4000);
        panel[2] = r.per10k(icd.cat == T::kUro ? 9000 : 1000);
        panel[3] = r.per10k(icd.cat == T::kResp ? 3500 : 500);
        panel[4] = r.per10k(icd.cat == T::kGastro ? 4000 : 500);
        panel[5] = r.per10k(icd.cat == T::kCardio ? 4000 : age >= 50 ? 1000 : 200);
        panel[6] = icd.code.starts_with("A97") || r.per10k(50);
        panel[7] = icd.code.starts_with("B18") || r.per10k(200);
        bool any = false;
        for (bool b : panel) any |= b;
        if (!any) panel[0] = true;
        const int64_t base = p.vao_nt >= 0 ? p.vao_nt : p.vao;
        for (uint8_t pi = 0; pi < std::size(T::kLabPanels); ++pi) {
            if (!panel[pi]) continue;
            const T::LabPanel& lp = T::kLabPanels[pi];
            const int64_t kq = base + r.range(45, 150);
            uint32_t mask = (1u << lp.count) - 1;
            if (lp.pick) {  // a subset of the panel
                const uint64_t want = r.range(2, lp.pick + 1);
                mask = 0;
                for (uint64_t t = 0; t < want; ++t) mask |= 1u << r.below(lp.count);
            }
            for (uint8_t it = 0; it < lp.count; ++it) {
                if (!(mask & (1u << it)) || p.n_labs >= 32) continue;
                LabRow& row = p.labs[p.n_labs++];
                row.panel = pi;
                row.item = static_cast<uint8_t>(lp.first + it);
                const T::LabItem& li = T::kLabItems[row.item];
                row.value = static_cast<int32_t>(r.range(li.lo, li.hi));
                row.finding = static_cast<uint8_t>(r.below(64));
                row.kq = kq;
            }
        }
        // Some values arrive late (sent empty, filled by a correction).
        if (r.per10k(2500)) {
            const int n = r.per10k(2000) ? 2 : 1;
            for (int t = 0; t < n; ++t) {
                const uint8_t k = static_cast<uint8_t>(r.below(p.n_labs));
                if (!T::kLabPanels[p.labs[k].panel].imaging) p.pending |= 1u << k;
            }
        }
    }

    // Costs (VND): examination, beds, services; supplies for inpatients and injuries.
    static constexpr int64_t kExam[5] = {0, 50600, 42100, 38700, 34500};
    static constexpr int64_t kBed[5] = {0, 330000, 262000, 215000, 150000};
    p.services = kExam[f.level];
    if (inpatient) p.services += int64_t{p.so_ngay} * kBed[f.level];
    for (uint8_t k = 0; k < p.n_labs; ++k)
        if (k == 0 || p.labs[k].panel != p.labs[k - 1].panel) p.services += T::kLabPanels[p.labs[k].panel].price;
    if (inpatient || icd.cat == T::kInjury) p.vtyt = r.range(15, 600) * 1000;

    // Payment: most pay at discharge; the rest are sent unpaid and re-sent later.
    if (r.per10k(8500)) p.ttoan = (course ? p.vao + 30 : p.ra) + r.range(5, 90);

    // The single structural error of an invalid episode that lives in the plan.
    if (p.kind == kInvalid && p.invalid == kDischargeFirst) {
        p.ra = p.vao - r.range(30, 2880);
        if (p.ttoan >= 0) p.ttoan = p.vao + 10;
    }
}

// Version `version` of an episode: corrections 1..version applied in turn.
// Each changes something visible, so the content differs from the version before.
void Generator::Impl::correct(Plan& p, uint32_t version) const {
    for (uint32_t v = 1; v <= version; ++v) {
        Rng r(hash3(cfg.seed, kSaltCorrection, (p.j << 8) | v));
        const uint64_t want = r.below(100);  // 40% lab value, 30% payment, 30% ICD
        if (want < 40 && p.pending) {
            p.pending &= p.pending - 1;
            continue;
        }
        if (want < 70 && p.ttoan < 0) {
            p.ttoan = std::max(p.ra, p.vao) + r.range(60, 3 * 1440);
            continue;
        }
        if (p.pending) {
            p.pending &= p.pending - 1;
            continue;
        }
        if (p.ttoan < 0) {
            p.ttoan = std::max(p.ra, p.vao) + r.range(60, 3 * 1440);
            continue;
        }
        // ICD-10 corrected: another code of the same chapter when there is one.
        const T::Icd& old = T::kIcd[p.icd];
        uint16_t same[std::size(T::kIcd)];
        size_t n = 0;
        for (uint16_t c = 0; c < std::size(T::kIcd); ++c)
            if (c != p.icd && T::kIcd[c].cat == old.cat) same[n++] = c;
        if (n == 0)
            p.icd = static_cast<uint16_t>((p.icd + 1 + r.below(std::size(T::kIcd) - 1)) % std::size(T::kIcd));
        else
            p.icd = same[r.below(n)];
    }
}

}  // namespace ehb::workload
