// Citizens: attributes derived from the citizen index, and writers of their identifiers, name, address.
#include <algorithm>
#include <string_view>

#include "tools/workload/model.hpp"

namespace ehb::workload {

Citizen Generator::Impl::citizen(uint64_t i) const {
    Citizen c;
    c.i = i;
    const uint64_t r1 = affine(perm1_a, perm1_b, i, P);
    const size_t k = static_cast<size_t>(std::upper_bound(bucket_start.begin(), bucket_start.end(), r1) -
                                         bucket_start.begin()) - 1;
    const uint32_t info = bucket_info[k];
    c.bprov = static_cast<uint8_t>(info & 0xff);
    c.sex = static_cast<uint8_t>((info >> 8) & 0xff);
    c.byear = static_cast<uint16_t>(info >> 16);
    const uint64_t offset = r1 - bucket_start[k];
    c.serial = static_cast<uint32_t>((offset * 741457 + hash3(cfg.seed, kSaltSerial, k) % 1'000'000) % 1'000'000);
    c.si = affine(si_a, si_b, i, 10'000'000'000ULL);
    c.old9 = static_cast<uint32_t>(affine(old_a, old_b, i, 1'000'000'000ULL));

    Rng r(hash3(cfg.seed, kSaltPerson, i));
    const int64_t y0 = days_from_civil(c.byear, 1, 1);
    const int64_t ylen = days_from_civil(c.byear + 1, 1, 1) - y0;
    c.bday = y0 + static_cast<int64_t>(r.below(static_cast<uint64_t>(ylen)));
    c.bminute = static_cast<uint16_t>(r.below(1440));
    c.rprov = r.per10k(8500) ? c.bprov : static_cast<uint8_t>(migrate.pick(r));
    const int age = c.age();
    const uint64_t g = r.below(100);
    if (age < 6) {
        c.group = gTE;
        c.temp_card = r.below(1000) < 5;
    } else if (age < 18) {
        c.group = g < 85 ? gHS : g < 95 ? gGD : g < 98 ? gHN : gCN;
    } else if (age < 23) {
        c.group = g < 45 ? gHS : g < 75 ? gGD : g < 95 ? gDN : g < 98 ? gHN : gCN;
    } else if (age < 60) {
        c.group = g < 42 ? gDN : g < 80 ? gGD : g < 88 ? gHC : g < 93 ? gHN : g < 97 ? gCN : g < 98 ? gCC : gHT;
    } else {
        c.group = g < 45 ? gHT : g < 75 ? gGD : g < 81 ? gCC : g < 87 ? gHN : g < 90 ? gCN : g < 95 ? gDN : gHC;
    }
    c.benefit = kBenefit[c.group];
    c.h = r.next();
    return c;
}

void Generator::Impl::write_citizen_id(W& w, const Citizen& c) const {
    w.ch('0');
    w.str(T::kProvinces[c.bprov].code);
    w.ch(static_cast<char>('0' + (c.byear >= 2000 ? 2 : 0) + (c.sex == 2 ? 1 : 0)));
    w.two(c.byear % 100);
    w.pad(c.serial, 6);
}

void Generator::Impl::write_card(W& w, const Citizen& c) const {
    w.str(kGroupCodes[c.group]);
    w.ch(static_cast<char>('0' + c.benefit));
    w.str(T::kProvinces[c.rprov].code);
    w.pad(c.si, 10);
}

void Generator::Impl::write_dkbd(W& w, const Citizen& c) const {
    if (c.temp_card) {
        w.str(T::kProvinces[c.rprov].code);
        w.lit("000");
        return;
    }
    // A primary-care facility of the residence province, stable per person.
    const auto& list = prov_fac[c.rprov];
    const size_t n = list.size();
    const size_t lo = n / 4;
    const size_t idx = lo + static_cast<size_t>(mix64(c.h ^ 0xd1) % (n - lo));
    w.str(std::string_view(fac[list[idx]].code, 5));
}

void Generator::Impl::write_name(W& w, const Citizen& c) const {
    Rng r(mix64(c.h ^ 0x4e41));
    w.str(T::kFamilyNames[family.pick(r)].text);
    w.ch(' ');
    const Picker& mid = c.sex == 1 ? middle_m : middle_f;
    size_t m = mid.pick(r);
    if (m == 0 && c.byear >= 1995 && r.per10k(6000)) m = mid.pick(r);
    w.str(c.sex == 1 ? T::kMiddleMale[m].text : T::kMiddleFemale[m].text);
    w.ch(' ');
    if (c.sex == 1)
        w.str(T::kGivenMale[r.below(std::size(T::kGivenMale))]);
    else
        w.str(T::kGivenFemale[r.below(std::size(T::kGivenFemale))]);
}

void Generator::Impl::write_address(W& w, const Citizen& c) const {
    Rng r(mix64(c.h ^ 0xadd7));
    const auto& pr = T::kProvinces[c.rprov];
    const bool urban = pr.name.starts_with("Thành phố") ? r.per10k(8000) : r.per10k(3000);
    const size_t np = std::size(T::kPlaces);
    if (urban) {
        w.lit("Số ");
        w.u(1 + r.below(350));
        w.lit(", ");
        w.str(T::kStreets[r.below(std::size(T::kStreets))]);
        w.ch(' ');
        w.str(T::kPlaces[r.below(np)]);
        w.lit(", Phường ");
        w.str(T::kPlaces[r.below(np)]);
        w.lit(", Quận ");
        w.str(T::kPlaces[r.below(np)]);
    } else {
        w.lit("Thôn ");
        w.u(1 + r.below(15));
        w.lit(", Xã ");
        w.str(T::kPlaces[r.below(np)]);
        w.lit(", Huyện ");
        w.str(T::kPlaces[r.below(np)]);
    }
    w.lit(", ");
    w.str(pr.name);
}

void Generator::Impl::write_birth(W& w, const Citizen& c) const {
    w.date(c.bday);
    if (c.byear == kRunStartYear - 1) {  // infants carry the hour of birth
        w.two(c.bminute / 60u);
        w.two(c.bminute % 60u);
    } else {
        w.lit("0000");
    }
}

void Generator::Impl::write_ethnic(W& w, const Citizen& c) const {
    const uint64_t e = (c.h >> 16) % 100;
    const bool highland = T::kProvinces[c.rprov].highland;
    w.str(e < (highland ? 45u : 88u) ? kEthnic[0] : kEthnic[1 + e % 10]);
}

void Generator::Impl::write_job(W& w, const Citizen& c) const {
    const int age = c.age();
    const uint64_t jb = (c.h >> 24) % std::size(kJobs);
    w.str(age < 18 || (age >= 60 && jb < 8) ? kJobs[0] : kJobs[jb]);
}

void Generator::Impl::write_doctor(W& w, uint32_t facility, uint32_t k) const {
    const uint64_t h = hash3(cfg.seed, facility, k);
    w.pad(h % 1'000'000, 6);
    w.ch('/');
    w.str(T::kProvinces[fac[facility].prov].abbr);
    w.lit("-CCHN");
}

}  // namespace ehb::workload
