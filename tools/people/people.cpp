// generate(): the population, the arrival order of its records (a heap of the
// next arrival per person), and each record as its source writes it.
#include "tools/people/people.hpp"

#include <algorithm>
#include <functional>
#include <iterator>
#include <queue>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include "tools/people/corrupt.hpp"
#include "tools/workload/dates.hpp"
#include "tools/workload/json_writer.hpp"
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

enum Salt : uint64_t { kSaltTime = 0x7065'0101, kSaltRecord, kSaltMrnStyle };

enum class Source : uint8_t { kNational, kInsurance, kFacility };
constexpr std::string_view kSourceNames[] = {"national", "insurance", "facility"};

enum Corruption : uint8_t {
    kNameFolded, kNameCaps, kNameTypo, kNameWestern, kNameMiddleDropped, kNameVariant, kNameNfd, kNameDoubleSpace,
    kDateDashed, kDateSwapped, kDateYearOnly, kDateDigit, kDateMissing, kSexMissing, kSexWrong,
    kAddressAbbreviated, kAddressMissing, kWardMissing, kCardDigit, kCccdDigit, kHouseholdCard, kCmndForCccd,
    kAfterMove, kCorruptionCount
};
constexpr std::string_view kCorruptionNames[kCorruptionCount] = {
    "name_folded", "name_caps", "name_typo", "name_western_order", "name_middle_dropped", "name_variant",
    "name_nfd", "name_double_space", "date_dashed", "date_day_month_swapped", "date_year_only", "date_digit_wrong",
    "date_missing", "sex_missing", "sex_wrong", "address_abbreviated", "address_missing", "ward_missing",
    "card_digit_wrong", "cccd_digit_wrong", "household_card", "cmnd_for_cccd", "after_move"};

constexpr std::string_view kPlaceholderNames[] = {"Không rõ tên", "Vô danh", "Bệnh nhân vô danh", "BN vô danh"};

// Beneficiary groups by age (kGroupCodes order: TE HS GD DN HC HN CN CC HT), cumulative per 100.
struct Band {
    int max_age;
    uint8_t cum[9];
};
constexpr Band kBands[] = {
    {5, {100, 100, 100, 100, 100, 100, 100, 100, 100}},  // TE
    {17, {0, 85, 95, 95, 95, 98, 100, 100, 100}},        // pupils, family-paid, poor, near-poor
    {22, {0, 45, 75, 95, 95, 98, 100, 100, 100}},        // students, family, first jobs
    {59, {0, 0, 38, 80, 88, 93, 97, 98, 100}},           // workers, family, civil servants
    {999, {0, 0, 30, 35, 40, 46, 49, 55, 100}},          // pensioners mostly
};

// The central hospitals people travel to.
constexpr int kCentral[] = {T::kHaNoi, T::kHoChiMinh, T::kHue, T::kDaNang, T::kCanTho};

// Facility f = province index * 1000 + number (1..count of the province).
constexpr uint32_t kFacilityStride = 1000;

// k in [0, n), skewed to small k (the big facilities of a province get most visits).
uint32_t skewed(uint64_t x, uint32_t n) {
    const uint64_t u = x >> 44;  // 20 bits
    return static_cast<uint32_t>((n * u * u) >> 40);
}

enum class DateForm : uint8_t { kCompact, kDashed, kYearOnly, kMissing };

// One record before it is written.
struct Record {
    Source source = Source::kFacility;
    std::string_view tokens[6];
    int n_tokens = 0;
    NameStyle name;
    DateForm date_form = DateForm::kCompact;
    int64_t day = 0;
    uint8_t sex = 0;                   // 0: not recorded
    const Address* address = nullptr;  // null: not recorded
    AddressStyle address_style;
    uint32_t ward = kNone;
    int prov = -1;  // residence province, -1: not recorded
    bool has_cccd = false, has_card = false, bhxh = false, mrn = false;
    char cccd[12] = {};
    char card[15] = {};
    uint32_t cmnd = kNone, passport = kNone, facility = kNone;
};

class Generator {
public:
    Generator(const Config& cfg, std::FILE* out)
        : seed_(cfg.seed),
          records_(cfg.records),
          pop_(cfg.records - placeholders(cfg.records), placeholders(cfg.records), cfg.seed),
          out_(out),
          province_(T::kProvinces, [](const T::Province& p) { return p.pop_k; }),
          buf_(kBuffer + kRecordMax) {
        // Facilities per province as in the standard workload: 13,000 by population, 40..990 each.
        uint64_t popsum = 0;
        for (const auto& pr : T::kProvinces) popsum += pr.pop_k;
        for (int p = 0; p < 63; ++p)
            fac_count_[p] = static_cast<uint32_t>(
                std::clamp<uint64_t>(workload::kFacilities * T::kProvinces[p].pop_k / popsum, 40, 990));
    }

    Stats run() {
        Stats st;
        st.persons = pop_.persons.size();
        st.households = pop_.households.size();
        st.twin_pairs = pop_.twin_pairs;
        st.movers = pop_.movers;
        struct Arrival {
            uint64_t t;
            uint32_t person, j;
            bool operator>(const Arrival& o) const { return t != o.t ? t > o.t : person > o.person; }
        };
        std::vector<Arrival> heap;
        heap.reserve(pop_.persons.size());
        for (uint32_t i = 0; i < pop_.persons.size(); ++i) {
            const uint64_t k = pop_.persons[i].records;
            st.true_pairs += k * (k - 1) / 2;
            heap.push_back({arrival(i, 0), i, 0});
        }
        std::priority_queue<Arrival, std::vector<Arrival>, std::greater<>> queue(std::greater<>{}, std::move(heap));

        W w{buf_.data()};
        w.str(kHeader);
        w.ch('\n');
        for (uint64_t seq = 1; seq <= records_; ++seq) {
            const Arrival a = queue.top();
            queue.pop();
            if (a.j + 1u < pop_.persons[a.person].records) queue.push({arrival(a.person, a.j + 1), a.person, a.j + 1});
            write(seq, a.person, build(a.person, a.j, a.t), w, st);
            if (w.p - buf_.data() >= static_cast<std::ptrdiff_t>(kBuffer)) flush(w);
        }
        flush(w);
        st.records = records_;
        for (int c = 0; c < kCorruptionCount; ++c)
            st.corruptions.emplace_back(std::string(kCorruptionNames[c]), counts_[c]);
        return st;
    }

private:
    static constexpr size_t kBuffer = 1 << 20, kRecordMax = 4096;

    static uint64_t placeholders(uint64_t records) {
        return (records * rate::kPlaceholderPerMille + 500) / 1000;
    }

    // The j-th smallest of the person's arrival times (one per record, drawn independently).
    uint64_t arrival(uint32_t i, uint32_t j) const {
        uint64_t t[12];
        const uint32_t k = pop_.persons[i].records;
        for (uint32_t q = 0; q < k; ++q) t[q] = hash3(seed_, kSaltTime, uint64_t{i} << 4 | q);
        std::nth_element(t, t + j, t + k);
        return t[j];
    }

    Record build(uint32_t i, uint32_t j, uint64_t t) {
        const Person& p = pop_.persons[i];
        Rng r(hash3(seed_, kSaltRecord, uint64_t{i} << 4 | j));
        Record rec;
        if (p.flags & kPlaceholder) {
            placeholder(p, r, rec);
            return rec;
        }
        const uint64_t x = r.below(10000);
        rec.source = x < rate::kNational                     ? Source::kNational
                     : x < rate::kNational + rate::kInsurance ? Source::kInsurance
                                                              : Source::kFacility;
        uint32_t home = p.home;
        if (p.moved_to != kNone && (t >> 32) >= p.move_at) {
            home = p.moved_to;
            ++counts_[kAfterMove];
        }
        const Address& a = pop_.addresses[home];
        rec.day = p.bday;
        rec.sex = p.sex;
        rec.address = &a;
        rec.ward = ward_code(a);
        rec.prov = a.prov;
        if (rec.source == Source::kNational) {
            name_tokens(p, false, false, false, rec);
            if (p.cccd != kNone) cccd(p, rec);
            rec.cmnd = p.cmnd;
        } else if (rec.source == Source::kInsurance) {
            name_tokens(p, false, false, false, rec);
            if (r.per10k(rate::kInsuranceTypo)) typo(r, rec);
            if (p.cccd != kNone && r.per10k(rate::kInsuranceCccd)) cccd(p, rec);
            if (!r.per10k(rate::kInsuranceAddress)) {
                rec.address = nullptr;
                rec.ward = kNone;
            }
            make_card(i, rec);
            rec.bhxh = true;
        } else {
            facility(p, i, r, rec);
        }
        return rec;
    }

    void facility(const Person& p, uint32_t i, Rng& r, Record& rec) {
        rec.facility = r.per10k(rate::kHomeFacility) ? home_facility(p, static_cast<uint8_t>(rec.prov), r)
                                                     : away_facility(p, static_cast<uint8_t>(rec.prov));
        rec.mrn = r.per10k(rate::kMrn);

        if (p.cccd != kNone && r.per10k(rate::kFacilityCccd)) {
            if (p.cmnd != kNone && r.per10k(rate::kCmndForCccd)) {
                rec.cmnd = p.cmnd;
                ++counts_[kCmndForCccd];
            } else {
                cccd(p, rec);
            }
        }
        if (p.passport != kNone && r.per10k(rate::kPassportShown)) rec.passport = p.passport;
        uint32_t card_owner = r.per10k(rate::kFacilityCard) ? i : kNone;
        const Household& hh = pop_.households[p.household];
        if (hh.size > 1 && r.per10k(rate::kHouseholdCard)) {
            card_owner = hh.first + (i - hh.first + 1 + static_cast<uint32_t>(r.below(hh.size - 1))) % hh.size;
            rec.has_cccd = false;
            rec.cmnd = kNone;
            ++counts_[kHouseholdCard];
        }
        if (card_owner != kNone) {
            make_card(card_owner, rec);
            if (r.per10k(rate::kCardDigit)) {
                wrong_digit(rec.card + 5, 10, r);
                ++counts_[kCardDigit];
            }
        }
        if (rec.has_cccd && r.per10k(rate::kCccdDigit)) {
            wrong_digit(rec.cccd, 12, r);
            ++counts_[kCccdDigit];
        }

        const bool western = r.per10k(rate::kWestern), dropped = r.per10k(rate::kMiddleDropped);
        const bool variant = (p.flags & kHasVariant) && r.per10k(rate::kVariant);
        name_tokens(p, western, dropped, variant, rec);
        counts_[kNameWestern] += western;
        counts_[kNameMiddleDropped] += dropped;
        counts_[kNameVariant] += variant;
        rec.name.fold = r.per10k(rate::kFolded);
        rec.name.caps = r.per10k(rate::kCaps);
        rec.name.nfd = !rec.name.fold && r.per10k(rate::kNfd);  // folded names have nothing to decompose
        counts_[kNameFolded] += rec.name.fold;
        counts_[kNameCaps] += rec.name.caps;
        counts_[kNameNfd] += rec.name.nfd;
        if (r.per10k(rate::kTypo)) typo(r, rec);
        if (r.per10k(rate::kDoubleSpace)) {
            rec.name.double_space = static_cast<int>(r.below(static_cast<uint64_t>(rec.n_tokens - 1)));
            ++counts_[kNameDoubleSpace];
        }

        if (r.per10k(rate::kDateMissing)) {
            rec.date_form = DateForm::kMissing;
            ++counts_[kDateMissing];
        } else if (r.per10k(birth_year(p) < 1950 ? rate::kYearOnlyOld : rate::kYearOnly)) {
            rec.date_form = DateForm::kYearOnly;
            ++counts_[kDateYearOnly];
        } else {
            if (day_month_swappable(rec.day) && r.per10k(rate::kDayMonthSwapped)) {
                rec.day = swap_day_month(rec.day);
                ++counts_[kDateSwapped];
            }
            if (r.per10k(rate::kDateDigit)) {
                rec.day = with_wrong_digit(rec.day, r.next());
                ++counts_[kDateDigit];
            }
            if (r.per10k(rate::kDateDashed)) {
                rec.date_form = DateForm::kDashed;
                ++counts_[kDateDashed];
            }
        }

        if (r.per10k(rate::kSexMissing)) {
            rec.sex = 0;
            ++counts_[kSexMissing];
        } else if (r.per10k(rate::kSexWrong)) {
            rec.sex = static_cast<uint8_t>(3 - rec.sex);
            ++counts_[kSexWrong];
        }

        if (r.per10k(rate::kAddressMissing)) {
            rec.address = nullptr;
            ++counts_[kAddressMissing];
        } else if (r.per10k(rate::kAbbreviated)) {
            rec.address_style = {true, r.below(2) == 0, r.below(2) == 0};
            ++counts_[kAddressAbbreviated];
        }
        if (r.per10k(rate::kWardMissing)) {
            rec.ward = kNone;
            ++counts_[kWardMissing];
        }
    }

    void placeholder(const Person& p, Rng& r, Record& rec) {
        rec.tokens[0] = kPlaceholderNames[r.below(std::size(kPlaceholderNames))];
        rec.n_tokens = 1;
        rec.day = p.bday;
        rec.date_form = r.per10k(rate::kPlaceholderYear) ? DateForm::kYearOnly : DateForm::kMissing;
        rec.sex = r.per10k(rate::kPlaceholderSex) ? static_cast<uint8_t>(1 + r.below(2)) : 0;
        if (r.per10k(rate::kPlaceholderZeroId)) {
            std::fill(rec.cccd, rec.cccd + 12, '0');
            rec.has_cccd = true;
        }
        const uint32_t prov = static_cast<uint32_t>(province_.pick_at(p.h % province_.total()));
        rec.facility = prov * kFacilityStride + 1 + skewed(mix64(p.h), fac_count_[prov]);
        rec.mrn = true;
    }

    // family middle given, or in Western order middle given family; the middle may be dropped,
    // a token may take its old spelling.
    static void name_tokens(const Person& p, bool western, bool drop_middle, bool variant, Record& rec) {
        std::string_view given[2];
        const std::string_view g = given_name(p);
        const size_t space = g.find(' ');
        const int n_given = space == std::string_view::npos ? 1 : 2;
        given[0] = g.substr(0, space);
        if (n_given == 2) given[1] = g.substr(space + 1);
        int n = 0;
        if (!western) rec.tokens[n++] = family_name(p);
        if (!drop_middle) rec.tokens[n++] = middle_name(p);
        for (int k = 0; k < n_given; ++k) rec.tokens[n++] = given[k];
        if (western) rec.tokens[n++] = family_name(p);
        if (variant)
            for (int k = 0; k < n; ++k)
                if (const std::string_view v = spelling_variant(rec.tokens[k]); !v.empty()) rec.tokens[k] = v;
        rec.n_tokens = n;
    }

    void typo(Rng& r, Record& rec) {
        rec.name.typo_token = static_cast<int>(r.below(static_cast<uint64_t>(rec.n_tokens)));
        rec.name.typo_bits = r.next();
        ++counts_[kNameTypo];
    }

    // 0PP G YY NNNNNN: birth province, century and sex, year, serial.
    static void cccd(const Person& p, Record& rec) {
        const int year = birth_year(p);
        W w{rec.cccd};
        w.ch('0');
        w.str(T::kProvinces[p.bprov].code);
        w.ch(static_cast<char>('0' + (year >= 2000 ? 2 : 0) + (p.sex == 2 ? 1 : 0)));
        w.two(static_cast<unsigned>(year % 100));
        w.pad(p.cccd, 6);
        rec.has_cccd = true;
    }

    // Group, benefit, the record's province, the owner's social-insurance code.
    void make_card(uint32_t owner, Record& rec) const {
        const Person& p = pop_.persons[owner];
        const int age = kReferenceYear - birth_year(p);
        const uint64_t x = (p.h >> 40) % 100;
        const Band* band = kBands;
        while (age > band->max_age) ++band;
        int g = 0;
        while (x >= band->cum[g]) ++g;
        W w{rec.card};
        w.str(workload::kGroupCodes[g]);
        w.ch(static_cast<char>('0' + workload::kBenefit[g]));
        w.str(T::kProvinces[rec.prov].code);
        w.pad(pop_.bhxh(owner), 10);
        rec.has_card = true;
    }

    static void wrong_digit(char* digits, int n, Rng& r) {
        char& d = digits[r.below(static_cast<uint64_t>(n))];
        d = static_cast<char>('0' + (d - '0' + 1 + static_cast<int>(r.below(9))) % 10);
    }

    // One of the person's one or two facilities in the province.
    uint32_t home_facility(const Person& p, uint8_t prov, Rng& r) const {
        const bool two = mix64(p.h ^ 0x2f) % 10000 < rate::kTwoFacilities;
        const bool second = two && r.per10k(rate::kSecondFacility);
        return prov * kFacilityStride + 1 + skewed(hash3(p.h, prov, second), fac_count_[prov]);
    }

    // The person's facility outside the province: a central hospital of a big city, or any.
    uint32_t away_facility(const Person& p, uint8_t prov) const {
        if (mix64(p.h ^ 0xce) % 10000 < rate::kAwayCentral) {
            size_t c = (p.h >> 8) % std::size(kCentral);
            if (kCentral[c] == prov) c = (c + 1) % std::size(kCentral);
            return static_cast<uint32_t>(kCentral[c]) * kFacilityStride + 1 + static_cast<uint32_t>((p.h >> 16) % 5);
        }
        uint32_t q = static_cast<uint32_t>(province_.pick_at(mix64(p.h ^ 0xa7) % province_.total()));
        if (q == prov) q = (q + 1) % 63;
        return q * kFacilityStride + 1 + skewed(mix64(p.h ^ 0x5a), fac_count_[q]);
    }

    // Writes a value, quoted (RFC 4180) when it holds a comma, quote or line break.
    static void field(std::string_view v, W& w) {
        if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
            w.str(v);
            return;
        }
        w.ch('"');
        for (const char c : v) {
            if (c == '"') w.ch('"');
            w.ch(c);
        }
        w.ch('"');
    }

    void write(uint64_t seq, uint32_t i, const Record& rec, W& w, Stats& st) {
        w.ch('R');
        w.u(seq);
        w.lit(",T");
        w.u(i + 1);
        w.ch(',');
        w.str(kSourceNames[static_cast<int>(rec.source)]);
        w.ch(',');
        W s{scratch_};
        write_name(std::span(rec.tokens, static_cast<size_t>(rec.n_tokens)), rec.name, s);
        field(std::string_view(scratch_, static_cast<size_t>(s.p - scratch_)), w);
        w.ch(',');
        if (rec.date_form != DateForm::kMissing) {
            const workload::Ymd c = workload::civil_from_days(rec.day);
            w.pad(static_cast<uint64_t>(c.y), 4);
            if (rec.date_form == DateForm::kCompact) {
                w.two(c.m);
                w.two(c.d);
            } else if (rec.date_form == DateForm::kDashed) {
                w.ch('-');
                w.two(c.m);
                w.ch('-');
                w.two(c.d);
            }
        }
        w.ch(',');
        if (rec.sex) w.ch(static_cast<char>('0' + rec.sex));
        w.ch(',');
        if (rec.address) {
            s.p = scratch_;
            write_address(*rec.address, rec.address_style, s);
            field(std::string_view(scratch_, static_cast<size_t>(s.p - scratch_)), w);
        }
        w.ch(',');
        if (rec.ward != kNone) w.pad(rec.ward, 5);
        w.ch(',');
        if (rec.prov >= 0) w.str(T::kProvinces[rec.prov].code);
        w.ch(',');
        if (rec.has_cccd) w.str(std::string_view(rec.cccd, 12));
        w.ch(',');
        if (rec.cmnd != kNone) w.pad(rec.cmnd, 9);
        w.ch(',');
        if (rec.passport != kNone) {
            w.ch(rec.passport % 10 < 3 ? 'B' : 'C');  // older B-series and current C-series booklets
            w.pad(rec.passport, 7);
        }
        w.ch(',');
        if (rec.has_card) w.str(std::string_view(rec.card, 15));
        w.ch(',');
        if (rec.bhxh) w.str(std::string_view(rec.card + 5, 10));
        w.ch(',');
        if (rec.facility != kNone) {
            w.str(T::kProvinces[rec.facility / kFacilityStride].code);
            w.pad(rec.facility % kFacilityStride, 3);
        }
        w.ch(',');
        if (rec.mrn) mrn(rec.facility, i, w);
        w.ch('\n');
        if (!rec.has_cccd && rec.cmnd == kNone && rec.passport == kNone && !rec.has_card) ++st.no_national_id;
        if (pop_.persons[i].flags & kPlaceholder) ++st.placeholders;
    }

    // Each facility numbers its patients its own way: 8 digits, "BN" and 8 digits, or 10 digits.
    void mrn(uint32_t facility, uint32_t i, W& w) const {
        const uint64_t style = mix64(hash3(seed_, kSaltMrnStyle, facility)) % 3;
        if (style == 1) w.lit("BN");
        const int width = style == 2 ? 10 : 8;
        w.pad(pop_.mrn(facility, i, style == 2 ? 10'000'000'000ULL : 100'000'000ULL), width);
    }

    void flush(W& w) {
        const size_t n = static_cast<size_t>(w.p - buf_.data());
        if (n > 0) std::fwrite(buf_.data(), 1, n, out_);
        w.p = buf_.data();
    }

    uint64_t seed_, records_;
    Population pop_;
    std::FILE* out_;
    Picker province_;
    uint32_t fac_count_[63] = {};
    std::vector<char> buf_;
    char scratch_[kRecordMax] = {};
    uint64_t counts_[kCorruptionCount] = {};
};

}  // namespace

Stats generate(const Config& cfg, std::FILE* out) {
    if (cfg.records > kMaxRecords) throw std::invalid_argument("people: at most 100000000 records");
    return Generator(cfg, out).run();
}

}  // namespace ehb::people
