// The population: households of persons with names, birth dates, addresses and
// identifiers, built once per run by one sequential stream (people.hpp).
#include <algorithm>
#include <iterator>
#include <string_view>

#include "tools/people/corrupt.hpp"
#include "tools/people/name_tables.hpp"
#include "tools/people/people.hpp"
#include "tools/workload/dates.hpp"
#include "tools/workload/model.hpp"
#include "tools/workload/random.hpp"
#include "tools/workload/tables.hpp"

namespace ehb::people {
namespace {

namespace T = workload::tables;
using workload::hash3;
using workload::mix64;
using workload::Picker;
using workload::Rng;

enum Salt : uint64_t { kSaltBuild = 0x7065'0001, kSaltSi, kSaltCccd, kSaltCmnd, kSaltPassport };

constexpr uint64_t kE6 = 1'000'000, kE7 = 10'000'000, kE9 = 1'000'000'000, kE10 = 10'000'000'000;

// A bijection of [0, n), n a power of ten, chosen by h: i -> (a i + b) mod n with a coprime to n.
uint64_t shuffle(uint64_t h, uint64_t i, uint64_t n) {
    uint64_t a = mix64(h) % n | 1;
    if (a % 5 == 0) a += 2;
    const uint64_t b = mix64(h ^ 0xb) % n;
    return static_cast<uint64_t>((static_cast<workload::u128>(a) * i + b) % n);
}

bool has_variant(std::string_view name) {
    for (size_t at = 0; at <= name.size();) {
        size_t end = name.find(' ', at);
        if (end == std::string_view::npos) end = name.size();
        if (!spelling_variant(name.substr(at, end - at)).empty()) return true;
        at = end + 1;
    }
    return false;
}

// What a household plan says about one member before the person is made.
struct Member {
    int age = 0;
    uint8_t sex = 1, family = 0;
    int twin_of = -1;  // index of the co-twin in the plan
};

class Builder {
public:
    explicit Builder(Population& pop)
        : pop_(pop),
          r_(hash3(pop.seed, kSaltBuild, 0)),
          family_(T::kFamilyNames, [](const T::Weighted& x) { return x.w; }),
          middle_m_(T::kMiddleMale, [](const T::Weighted& x) { return x.w; }),
          middle_f_(T::kMiddleFemale, [](const T::Weighted& x) { return x.w; }),
          given_m_(names::kGivenMale, [](const T::Weighted& x) { return x.w; }),
          given_f_(names::kGivenFemale, [](const T::Weighted& x) { return x.w; }),
          province_(T::kProvinces, [](const T::Province& p) { return p.pop_k; }),
          household_size_(rate::kHouseholdSize, [](uint32_t x) { return x; }),
          cccd_counter_(63 * 2 * 2 * 100, 0) {
        uint32_t per_age[workload::kAgeMax + 1];
        for (int a = 0; a <= workload::kAgeMax; ++a) per_age[a] = workload::kAgeGroups[std::min(a / 5, 20)];
        age_ = Picker(per_age, [](uint32_t x) { return x; });
        // Movers go to the big cities and industrial provinces more than their population says.
        uint32_t w[63];
        for (int p = 0; p < 63; ++p) w[p] = T::kProvinces[p].pop_k;
        w[T::kHoChiMinh] += 9000;
        w[T::kHaNoi] += 5000;
        w[T::kBinhDuong] += 5000;
        w[T::kDongNai] += 2500;
        w[T::kDaNang] += 1000;
        migrate_ = Picker(w, [](uint32_t x) { return x; });
    }

    // One household; persons stop being added once `planned` reaches `target` records.
    void household(uint64_t& planned, uint64_t target) {
        Member m[7];
        const int n = plan(m);
        const uint32_t home = add_address(static_cast<uint8_t>(province_.pick(r_)));
        const uint32_t index = static_cast<uint32_t>(pop_.households.size());
        const uint32_t first = static_cast<uint32_t>(pop_.persons.size());
        for (int k = 0; k < n && planned < target; ++k) {
            Person p = person(m[k], index, home);
            const Person* twin =
                m[k].twin_of >= 0 ? &pop_.persons[first + static_cast<uint32_t>(m[k].twin_of)] : nullptr;
            if (twin) make_twin(p, *twin);
            p.records = static_cast<uint8_t>(std::min<uint64_t>(records(), target - planned));
            planned += p.records;
            pop_.persons.push_back(p);
            if (twin) ++pop_.twin_pairs;
        }
        pop_.households.push_back({first, static_cast<uint32_t>(pop_.persons.size()) - first});
    }

    void placeholder() {
        Person p;
        p.h = r_.next();
        p.flags = kPlaceholder;
        p.records = 1;
        p.household = kNone;
        p.home = kNone;
        // The year staff would guess.
        const int age = std::max(1, age_between(15, workload::kAgeMax) / 5 * 5);
        p.bday = static_cast<int32_t>(workload::days_from_civil(kReferenceYear - age, 1, 1));
        pop_.persons.push_back(p);
    }

private:
    // The members of a household: a single adult, a couple or a single parent,
    // maybe a grandparent, children (with twins sometimes). The eldest child's
    // age is drawn first and the parents' from it, so that children (who may be
    // adults themselves) follow the age structure too.
    int plan(Member* m) {
        const int size = 1 + static_cast<int>(household_size_.pick(r_));
        int n = 0;
        if (size == 1) {
            m[n++] = {age_between(18, workload::kAgeMax), sex(), family()};
            return n;
        }
        const bool couple = r_.per10k(size == 2 ? rate::kCoupleOfTwo : rate::kCoupleOfMore);
        const bool grandparent = size >= 4 && r_.per10k(rate::kGrandparent);
        const int children = size - (couple ? 2 : 1) - (grandparent ? 1 : 0);
        int eldest = 0, mother_age = 0, father_age = 0;
        if (children > 0) {
            eldest = age_between(0, 30);
            mother_age = std::min(workload::kAgeMax, eldest + static_cast<int>(r_.range(20, 40)));
            father_age = std::clamp(mother_age + static_cast<int>(r_.range(-2, 7)), 20, workload::kAgeMax);
        } else {
            father_age = age_between(20, workload::kAgeMax);
            mother_age = std::clamp(father_age - static_cast<int>(r_.range(-2, 7)), 18, workload::kAgeMax);
        }
        const uint8_t father_family = family();
        if (couple) {
            m[n++] = {father_age, 1, father_family};
            m[n++] = {mother_age, 2, family_other_than(father_family)};
        } else if (r_.per10k(rate::kSingleMother)) {
            m[n++] = {mother_age, 2, family_other_than(father_family)};  // the children carry the absent father's name
        } else {
            m[n++] = {father_age, 1, father_family};
        }
        if (grandparent) {
            const uint8_t s = sex();
            const int youngest = std::min(workload::kAgeMax, std::max(mother_age, father_age) + 20);
            const int age = age_between(youngest, workload::kAgeMax);
            m[n++] = {age, s, s == 1 ? m[0].family : family_other_than(m[0].family)};  // the parent's parent
        }
        const int first_child = n;
        for (int k = 0; k < children; ++k)
            m[n++] = {k == 0 ? eldest : age_between(std::max(0, mother_age - 42), eldest), sex(), father_family};
        if (children > 0 && r_.per10k(rate::kTwins)) {
            if (children == 1) ++n;  // an only child gets a co-twin
            Member& twin = m[first_child + 1];
            twin = m[first_child];
            twin.twin_of = first_child;
            if (!r_.per10k(rate::kTwinsSameSex)) twin.sex = static_cast<uint8_t>(3 - twin.sex);
        }
        return n;
    }

    Person person(const Member& m, uint32_t household, uint32_t home) {
        Person p;
        p.h = r_.next();
        p.household = household;
        p.home = home;
        p.sex = m.sex;
        p.family = m.family;
        const int year = kReferenceYear - m.age;
        const int64_t y0 = workload::days_from_civil(year, 1, 1);
        p.bday = static_cast<int32_t>(y0 + static_cast<int64_t>(r_.below(static_cast<uint64_t>(
                                                workload::days_from_civil(year + 1, 1, 1) - y0))));
        // The traditional middle name (Văn / Thị) is less common among the young.
        const Picker& middle = m.sex == 1 ? middle_m_ : middle_f_;
        size_t mid = middle.pick(r_);
        if (mid == 0 && year >= 1995 && r_.per10k(6000)) mid = middle.pick(r_);
        p.middle = static_cast<uint8_t>(mid);
        draw_given(p);
        p.bprov = r_.per10k(rate::kBornElsewhere) ? static_cast<uint8_t>(province_.pick(r_))
                                                  : pop_.addresses[home].prov;
        identifiers(p, m.age);
        if (r_.per10k(rate::kMover)) {
            const uint8_t from = pop_.addresses[home].prov;
            p.moved_to = add_address(r_.per10k(rate::kMoveAway) ? static_cast<uint8_t>(migrate_.pick(r_)) : from);
            p.move_at = static_cast<uint32_t>(0x1999'9999u + r_.below(0xCCCC'CCCCu));  // 10% .. 90% of the run
            ++pop_.movers;
        }
        return p;
    }

    // The co-twin: born the same day; with the same sex also the same middle name; another given name.
    void make_twin(Person& p, const Person& twin) {
        p.bday = twin.bday;
        if (p.sex == twin.sex) p.middle = twin.middle;
        do draw_given(p);
        while (given_name(p) == given_name(twin));
    }

    // A given name other than the middle name (no "Văn Văn", no "Minh Minh Anh").
    void draw_given(Person& p) {
        const bool male = p.sex == 1;
        do {
            if (r_.per10k(rate::kCompoundGiven)) {
                const size_t count = male ? std::size(names::kCompoundMale) : std::size(names::kCompoundFemale);
                p.given = static_cast<uint16_t>(r_.below(count));
                p.flags = kCompound;
            } else {
                p.given = static_cast<uint16_t>((male ? given_m_ : given_f_).pick(r_));
                p.flags = 0;
            }
        } while (given_name(p).substr(0, given_name(p).find(' ')) == middle_name(p));
        if (has_variant(family_name(p)) || has_variant(middle_name(p)) || has_variant(given_name(p)))
            p.flags |= kHasVariant;
    }

    void identifiers(Person& p, int age) {
        const int year = kReferenceYear - age;
        if (age >= 14 || r_.per10k(rate::kChildCccd)) {
            // Serials are unique within (birth province, century, sex, year), the rest of the ID.
            const size_t bucket = ((p.bprov * 2u + (year >= 2000)) * 2u + (p.sex == 2)) * 100u + year % 100;
            p.cccd = static_cast<uint32_t>(shuffle(hash3(pop_.seed, kSaltCccd, bucket), cccd_counter_[bucket]++, kE6));
        }
        if (year < 1990 && r_.per10k(rate::kCmnd))
            p.cmnd = static_cast<uint32_t>(shuffle(hash3(pop_.seed, kSaltCmnd, 0), cmnd_counter_++, kE9));
        if (age >= 18 && r_.per10k(rate::kPassport))
            p.passport = static_cast<uint32_t>(shuffle(hash3(pop_.seed, kSaltPassport, 0), passport_counter_++, kE7));
    }

    uint32_t add_address(uint8_t prov) {
        Address a;
        a.prov = prov;
        a.urban = r_.per10k(T::kProvinces[prov].name.starts_with("Thành phố") ? 8000 : 3000);
        const uint64_t places = std::size(T::kPlaces);
        a.number = static_cast<uint16_t>(1 + r_.below(a.urban ? 350 : 15));
        a.street_kind = static_cast<uint8_t>(r_.below(std::size(T::kStreets)));
        a.street = static_cast<uint8_t>(r_.below(places));
        a.ward = static_cast<uint8_t>(r_.below(places));
        a.district = static_cast<uint8_t>(r_.below(places));
        pop_.addresses.push_back(a);
        return static_cast<uint32_t>(pop_.addresses.size() - 1);
    }

    // Vietnam's age structure, restricted to [lo, hi].
    int age_between(int lo, int hi) {
        if (lo >= hi) return lo;
        for (int attempt = 0; attempt < 64; ++attempt) {
            const int a = static_cast<int>(age_.pick(r_));
            if (a >= lo && a <= hi) return a;
        }
        return static_cast<int>(r_.range(lo, hi));
    }

    uint8_t records() {
        const uint64_t x = r_.below(100);
        uint64_t cum = 0;
        for (uint8_t k = 0; k < 4; ++k)
            if (x < (cum += rate::kRecordsPerPerson[k])) return static_cast<uint8_t>(k + 1);
        return static_cast<uint8_t>(5 + r_.below(8));
    }

    uint8_t sex() { return static_cast<uint8_t>(1 + r_.below(2)); }
    uint8_t family() { return static_cast<uint8_t>(family_.pick(r_)); }
    uint8_t family_other_than(uint8_t f) {
        uint8_t g = family();
        while (g == f) g = family();
        return g;
    }

    Population& pop_;
    Rng r_;
    Picker family_, middle_m_, middle_f_, given_m_, given_f_, province_, household_size_, age_, migrate_;
    std::vector<uint32_t> cccd_counter_;
    uint64_t cmnd_counter_ = 0, passport_counter_ = 0;
};

}  // namespace

Population::Population(uint64_t regular, uint64_t placeholders, uint64_t s) : seed(s) {
    persons.reserve(regular / 2 + placeholders + 16);
    Builder b(*this);
    uint64_t planned = 0;
    while (planned < regular) b.household(planned, regular);
    for (uint64_t k = 0; k < placeholders; ++k) b.placeholder();
}

uint64_t Population::bhxh(uint32_t i) const { return shuffle(hash3(seed, kSaltSi, 0), i, kE10); }

uint64_t Population::mrn(uint32_t facility, uint32_t i, uint64_t n) const {
    return shuffle(hash3(seed, facility, 0x6d726e), i, n);
}

uint32_t ward_code(const Address& a) {
    return static_cast<uint32_t>(
        mix64(uint64_t{a.prov} << 24 | uint64_t{a.urban} << 16 | uint64_t{a.district} << 8 | a.ward) % 100'000);
}

int birth_year(const Person& p) { return workload::civil_from_days(p.bday).y; }

std::string_view family_name(const Person& p) { return T::kFamilyNames[p.family].text; }

std::string_view middle_name(const Person& p) {
    return (p.sex == 1 ? T::kMiddleMale : T::kMiddleFemale)[p.middle].text;
}

std::string_view given_name(const Person& p) {
    const bool male = p.sex == 1;
    if (p.flags & kCompound) return (male ? names::kCompoundMale : names::kCompoundFemale)[p.given];
    return (male ? names::kGivenMale : names::kGivenFemale)[p.given].text;
}

}  // namespace ehb::people
