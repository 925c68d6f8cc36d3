// The standard workload generator (see generator.hpp and shared/workload.md).
//
// Design notes
// - Everything a document holds is derived from (seed, episode index, version)
//   by hashing, so resends and corrections regenerate an earlier episode
//   instead of keeping it: the only per-episode state is a one-byte version
//   counter. Citizens and facilities are derived from their index the same way.
// - Citizens: citizen i maps through an affine permutation of [0, P) to a
//   rank; ranks are laid out in (birth province, sex, birth year) buckets sized
//   by the census, so the 6-digit serial of the citizen ID is the offset inside
//   the bucket (through a bijection): unique without storing anything. The
//   social-insurance code and the old 9-digit ID are affine bijections of i.
// - Visits: a second permutation orders citizens into visit-frequency classes;
//   an episode draws a class by its share of visits, then a citizen of it.
// - Time: episode j is admitted at day floor(j * D / V) of the run, with the
//   time of day increasing within the day, so NGAY_VAO never decreases.
// - Only integer arithmetic and our own PRNG (splitmix64) decide the output,
//   so it is identical on every platform and library.
#include "tools/workload/generator.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "engine/provinces.hpp"
#include "tools/workload/tables.hpp"

namespace ehb::workload {
namespace {

namespace T = tables;
__extension__ typedef unsigned __int128 u128;

// ---------------------------------------------------------------- randomness

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

constexpr uint64_t mix64(uint64_t z) {
    z += kGolden;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

constexpr uint64_t hash3(uint64_t a, uint64_t b, uint64_t c) { return mix64(mix64(a ^ mix64(b)) ^ c); }

// Salts of the independent streams.
enum Salt : uint64_t {
    kSaltKind = 1, kSaltCitizen, kSaltConflict, kSaltPlan, kSaltCorrection, kSaltSchedule, kSaltInvalid,
    kSaltPerm1, kSaltPerm2, kSaltSi, kSaltOld, kSaltPerson, kSaltFacility, kSaltSerial, kSaltTarget
};

struct Rng {
    uint64_t s;
    explicit Rng(uint64_t seed) : s(seed) {}
    uint64_t next() {
        s += kGolden;
        uint64_t z = s;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, n) (n > 0); multiply-shift, no library distribution.
    uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<u128>(next()) * n) >> 64); }
    int64_t range(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo + 1))); }
    bool per10k(uint32_t p) { return below(10000) < p; }
};

// Weighted choice over a fixed table: cumulative weights, binary search.
class Picker {
public:
    Picker() = default;
    template <class Range, class W>
    Picker(const Range& r, W weight) {
        uint64_t acc = 0;
        for (const auto& e : r) {
            acc += weight(e);
            cum_.push_back(acc);
        }
    }
    size_t pick(Rng& rng) const { return pick_at(rng.below(cum_.back())); }
    size_t pick_at(uint64_t x) const {
        return static_cast<size_t>(std::upper_bound(cum_.begin(), cum_.end(), x) - cum_.begin());
    }
    uint64_t total() const { return cum_.empty() ? 0 : cum_.back(); }

private:
    std::vector<uint64_t> cum_;
};

// --------------------------------------------------------------------- dates

// Days since 1970-01-01 (proleptic Gregorian), after H. Hinnant.
constexpr int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Ymd {
    int y;
    unsigned m, d;
};

constexpr Ymd civil_from_days(int64_t z) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t y = static_cast<int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<int>(y + (m <= 2)), m, d};
}

constexpr int64_t kRunStartDay = days_from_civil(2025, 1, 1);
constexpr int kRunStartYear = 2025;

inline int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// -------------------------------------------------------------------- writer

struct Digits {
    char pairs[200];
    constexpr Digits() : pairs() {
        for (int i = 0; i < 100; ++i) {
            pairs[2 * i] = static_cast<char>('0' + i / 10);
            pairs[2 * i + 1] = static_cast<char>('0' + i % 10);
        }
    }
};
constexpr Digits kDigits;

// Appends into a caller-owned buffer that is large enough for any document
// (documents are bounded by construction: at most 12 drug and 32 lab rows).
struct W {
    char* p;
    int64_t cached_day = std::numeric_limits<int64_t>::min();
    char cached[8] = {};

    template <size_t N>
    void lit(const char (&s)[N]) {
        std::memcpy(p, s, N - 1);
        p += N - 1;
    }
    void str(std::string_view s) {
        if (s.empty()) return;  // data() may be null
        std::memcpy(p, s.data(), s.size());
        p += s.size();
    }
    void ch(char c) { *p++ = c; }
    void u(uint64_t v) {
        char t[24];
        int n = 0;
        do {
            t[n++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v);
        while (n) *p++ = t[--n];
    }
    void i(int64_t v) {
        if (v < 0) {
            *p++ = '-';
            v = -v;
        }
        u(static_cast<uint64_t>(v));
    }
    void two(unsigned v) {
        std::memcpy(p, kDigits.pairs + 2 * v, 2);
        p += 2;
    }
    void pad(uint64_t v, int width) {
        for (int k = width - 1; k >= 0; --k) {
            p[k] = static_cast<char>('0' + v % 10);
            v /= 10;
        }
        p += width;
    }
    void date(int64_t day) {  // yyyymmdd
        if (day != cached_day) {
            const Ymd c = civil_from_days(day);
            std::memcpy(cached, kDigits.pairs + 2 * (c.y / 100), 2);
            std::memcpy(cached + 2, kDigits.pairs + 2 * (c.y % 100), 2);
            std::memcpy(cached + 4, kDigits.pairs + 2 * c.m, 2);
            std::memcpy(cached + 6, kDigits.pairs + 2 * c.d, 2);
            cached_day = day;
        }
        std::memcpy(p, cached, 8);
        p += 8;
    }
    void ts(int64_t minute) {  // yyyymmddHHMM
        const int64_t day = floor_div(minute, 1440);
        const int64_t mod = minute - day * 1440;
        date(day);
        two(static_cast<unsigned>(mod / 60));
        two(static_cast<unsigned>(mod % 60));
    }
    // Money in hundredths of a dong: integer when whole, else two decimals.
    void money(int64_t cents) {
        i(cents / 100);
        const int64_t frac = cents % 100;
        if (frac) {
            *p++ = '.';
            two(static_cast<unsigned>(frac));
        }
    }
    // A decimal with `dec` digits after the point (values are non-negative).
    void fixed(int64_t v, int dec) {
        if (dec == 0) {
            i(v);
            return;
        }
        int64_t scale = 1;
        for (int k = 0; k < dec; ++k) scale *= 10;
        i(v / scale);
        *p++ = '.';
        pad(static_cast<uint64_t>(v % scale), dec);
    }
};

// Field helpers: FS = string field (key, opening quote), FN = number field.
#define FS(key) ",\"" key "\":\""
#define FN(key) ",\"" key "\":"
#define FE(key) ",\"" key "\":\"\""

// ------------------------------------------------------------------ the model

enum Kind : uint8_t { kNormal, kCardOnly, kOldId, kConflict, kInvalid };
enum DocType : uint8_t { kNew, kResend, kCorrection, kReorder };
enum Invalid : uint8_t { kMissingField, kBadDate, kBadId, kDischargeFirst, kInvalidKinds };

constexpr int kAgeMax = 100;
constexpr uint64_t kFacilities = 13000;
constexpr int kVisitClasses = 5;
// Share of citizens (per 10,000) and visits per year of each visit class:
// mean 0.3*0.3 + 0.35*1 + 0.2*3 + 0.1*6 + 0.05*13 = 2.29 visits a year.
constexpr uint32_t kClassShare[kVisitClasses] = {3000, 3500, 2000, 1000, 500};
constexpr uint32_t kClassRate10[kVisitClasses] = {3, 10, 30, 60, 130};

// Vietnam's age structure (2019 census, per mille of the population, 5-year groups, last = 95-100).
constexpr uint32_t kAgeGroups[21] = {79, 82, 72, 67, 71, 80, 84, 79, 74, 70, 63,
                                     55, 44, 32, 20, 13, 9, 5, 2, 1, 1};

constexpr std::string_view kGroupCodes[] = {"TE", "HS", "GD", "DN", "HC", "HN", "CN", "CC", "HT"};
enum Group : uint8_t { gTE, gHS, gGD, gDN, gHC, gHN, gCN, gCC, gHT };
constexpr uint8_t kBenefit[] = {1, 4, 4, 4, 4, 2, 3, 1, 3};
constexpr uint32_t kRatePct[6] = {0, 100, 100, 95, 80, 100};

struct Citizen {
    uint64_t i = 0;
    uint8_t bprov = 0, rprov = 0, sex = 1, group = 0, benefit = 4;
    bool temp_card = false;
    uint16_t byear = 2000;
    int64_t bday = 0;  // days since epoch
    uint16_t bminute = 0;
    uint32_t serial = 0;
    uint64_t si = 0;
    uint32_t old9 = 0;
    uint64_t h = 0;  // bits for the rest of the person's attributes
    int age() const { return kRunStartYear - 1 - byear; }
};

struct Facility {
    char code[5];
    uint8_t prov;
    uint8_t level;  // 1 central .. 4 commune
    uint32_t rank;
};

struct DrugRow {
    uint16_t drug;
    uint16_t qty;
    uint8_t per_time, times, days;
    int64_t yl, th;
};

struct LabRow {
    uint8_t panel, item, finding;
    int32_t value;
    int64_t kq;
};

struct Plan {
    uint64_t j = 0;
    Kind kind = kNormal;
    uint8_t invalid = 0;
    Citizen a, card;  // the person, and the owner of the card presented
    uint32_t fac = 0;
    uint8_t cls = 0;
    uint8_t loai = 1;
    int64_t day = 0;
    uint32_t within_day = 0;
    int64_t vao = 0, vao_nt = -1, ra = 0, ttoan = -1, hen = -1;
    int so_ngay = 0;
    uint16_t icd = 0;
    uint8_t n_sec = 0;
    uint8_t sec[3] = {};
    uint8_t kq = 2, rv = 1, doituong = 0, tai_nan = 0, doctor = 0, lab_doctor = 0, advice = 0;
    uint32_t noi_di = UINT32_MAX, noi_den = UINT32_MAX;
    int64_t services = 0, vtyt = 0;  // VND
    uint16_t weight10 = 0;           // CAN_NANG in 0.1 kg, 0 = empty
    bool xml13 = false, xml14 = false;
    uint8_t lydo_ct = 1, transport = 0, direction = 0, signs = 0, course = 0;
    bool escort = false;
    uint8_t n_drugs = 0, n_labs = 0;
    uint32_t pending = 0;  // lab rows whose value has not arrived yet
    DrugRow drugs[12];
    LabRow labs[32];
};

constexpr std::string_view kDoituong[] = {"1.1", "1.2", "1.3", "1.4", "1.7", "2", "3.1", "3.2", "3.3"};
constexpr uint32_t kDoituongW[] = {70, 8, 6, 3, 4, 0, 4, 3, 2};
constexpr std::string_view kDept[T::kCatCount] = {"K03", "K05", "K07", "K08", "K15", "K09", "K21", "K13",
                                                  "K19", "K26", "K33", "K31", "K03", "K37", "K16"};
constexpr std::string_view kLoai[11] = {"", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10"};
constexpr std::string_view kEthnic[] = {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "12"};
constexpr std::string_view kJobs[] = {"00000", "61110", "92110", "71110", "23410", "22110", "41100",
                                      "52230", "83220", "75310", "31110", "96290"};
constexpr std::string_view kPhone[] = {"90", "91", "93", "94", "96", "97", "98", "32", "33", "34", "35",
                                       "36", "37", "38", "39", "70", "76", "77", "78", "79", "81", "82",
                                       "83", "84", "85", "86", "88", "89"};
constexpr std::string_view kBlood[] = {"O+", "O+", "O+", "O+", "B+", "B+", "B+", "A+", "A+", "AB+"};
constexpr std::string_view kBadDates[] = {"0431", "0631", "0931", "1131", "0230", "0231", "1315", "0732"};

// Hour-of-day weights of admissions (outpatient mornings dominate).
constexpr uint32_t kHourW[24] = {3, 2, 2, 2, 3, 6, 25, 80, 100, 100, 90, 60,
                                 20, 55, 70, 60, 40, 20, 15, 10, 10, 8, 5, 4};

}  // namespace

// ======================================================================= Impl

struct Generator::Impl {
    Config cfg;
    uint64_t P = 0, E = 0, total = 0;
    uint64_t rem[4] = {};  // remaining documents per DocType
    uint64_t emitted_new = 0, valid_new = 0;
    Rng sched{0};
    std::vector<uint8_t> versions;
    Counts counts;

    // population
    std::vector<uint64_t> bucket_start;
    std::vector<uint32_t> bucket_info;  // prov | sex << 8 | year << 16
    uint64_t perm1_a = 1, perm1_b = 0, perm2_a = 1, perm2_b = 0;
    uint64_t si_a = 1, si_b = 0, old_a = 1, old_b = 0;
    uint64_t class_lo[kVisitClasses + 1] = {};
    Picker class_picker;
    Picker family, middle_m, middle_f, birth_prov, migrate;

    // facilities
    std::vector<Facility> fac;
    Picker fac_global;
    std::vector<std::vector<uint32_t>> prov_fac;  // by rank
    std::vector<Picker> prov_picker;
    std::vector<uint32_t> top;  // national top facilities by rank

    // episodes
    uint64_t days_span = 1;
    uint16_t tod[4096] = {};
    uint64_t kind_cut[4] = {};  // cumulative thresholds on 32 bits: invalid, conflict, old id, card only
    Picker icd_all, icd_chronic, doituong;
    std::vector<uint16_t> drugs_by_cat[T::kCatCount];

    std::vector<uint32_t> fac_order_;  // facility index by rank

    std::vector<char> buf;
    std::unique_ptr<Plan> plan_ = std::make_unique<Plan>();
    Kind last_kind_ = kNormal;

    explicit Impl(const Config& c);

    // citizens
    Citizen citizen(uint64_t i) const;
    void write_citizen_id(W& w, const Citizen& c) const;
    void write_card(W& w, const Citizen& c) const;
    void write_dkbd(W& w, const Citizen& c) const;
    void write_name(W& w, const Citizen& c) const;
    void write_address(W& w, const Citizen& c) const;
    void write_birth(W& w, const Citizen& c) const;
    void write_ethnic(W& w, const Citizen& c) const;
    void write_job(W& w, const Citizen& c) const;

    // episodes
    Kind base_kind(uint64_t j) const;
    uint64_t sample_citizen(uint64_t j, uint32_t attempt, uint8_t& cls) const;
    Kind resolve(uint64_t j, uint64_t& a, uint64_t& b, uint8_t& cls) const;
    void build(uint64_t j, Plan& p) const;
    void correct(Plan& p, uint32_t version) const;
    void serialize(const Plan& p, W& w) const;
    void write_doctor(W& w, uint32_t facility, uint32_t k) const;
    uint64_t pick_target(DocType t);
    void make_invalid(const Plan& p, std::string& doc) const;
    static void reorder(std::string_view in, std::string& out);
    void emit(uint64_t j, uint32_t version, std::string& doc, bool reordered);
    bool next(std::string& doc);
};

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

inline uint64_t affine(uint64_t a, uint64_t b, uint64_t x, uint64_t n) {
    return static_cast<uint64_t>((static_cast<u128>(a) * x + b) % n);
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

// ================================================================== citizens

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

// ================================================================== episodes

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

// ----------------------------------------------------------------- serialise

void Generator::Impl::serialize(const Plan& p, W& w) const {
    const Citizen& a = p.a;
    const Citizen& cd = p.card;
    const Facility& f = fac[p.fac];
    const T::Icd& icd = T::kIcd[p.icd];
    const std::string_view fcode(f.code, 5);
    const bool inpatient = p.loai == 3 || p.loai == 4 || p.loai == 6;
    const uint32_t rate = kRatePct[cd.benefit];

    // MA_LK: admission date + a counter, unique per facility.
    char malk[24];
    W lk{malk};
    lk.date(p.day);
    lk.pad(p.within_day, p.within_day < 1'000'000 ? 6 : 9);
    const std::string_view ma_lk(malk, static_cast<size_t>(lk.p - malk));

    auto ma_benh_kt = [&](W& o) {
        for (uint8_t k = 0; k < p.n_sec; ++k) {
            if (k) o.ch(';');
            o.str(T::kSecondary[p.sec[k]]);
        }
    };
    auto chan_doan_rv = [&](W& o) {
        o.str(icd.name);
        if (p.n_sec) o.lit("; bệnh kèm theo");
    };

    int64_t t_thuoc = 0;  // VND cents
    for (uint8_t k = 0; k < p.n_drugs; ++k) t_thuoc += int64_t{p.drugs[k].qty} * T::kDrugs[p.drugs[k].drug].price * 100;
    const int64_t tong = t_thuoc + (p.vtyt + p.services) * 100;
    const int64_t bhtt = tong * rate / 100;
    const int64_t ra_date = floor_div(p.ra, 1440);
    const Ymd settle = civil_from_days(p.loai == 2 || p.loai == 5 || p.loai == 7 ? p.day : ra_date);
    const int episode_year = civil_from_days(p.day).y;
    const int64_t the_tu = std::max(days_from_civil(episode_year, 1, 1), cd.bday);
    const int64_t the_den = days_from_civil(episode_year, 12, 31);

    // ------------------------------------------------------------ XML1
    w.lit("{\"XML1\":{\"MA_LK\":\"");
    w.str(ma_lk);
    w.lit("\",\"STT\":1" FS("MA_BN"));
    w.pad(hash3(cfg.seed, p.fac, a.i) % 10'000'000'000ULL, 10);
    w.lit("\"" FS("HO_TEN"));
    write_name(w, a);
    w.lit("\"" FS("SO_CCCD"));
    if (p.kind == kOldId)
        w.pad(a.old9, 9);
    else if (p.kind != kCardOnly)
        write_citizen_id(w, a);
    w.lit("\"" FS("NGAY_SINH"));
    write_birth(w, a);
    w.lit("\"" FN("GIOI_TINH"));
    w.u(a.sex);
    w.lit(FS("NHOM_MAU"));
    if ((a.h & 0xff) < 40) w.str(kBlood[(a.h >> 8) % std::size(kBlood)]);
    w.lit("\"" FS("MA_QUOCTICH") "000\"" FS("MA_DANTOC"));
    write_ethnic(w, a);
    w.lit("\"" FS("MA_NGHE_NGHIEP"));
    write_job(w, a);
    w.lit("\"" FS("DIA_CHI"));
    write_address(w, a);
    w.lit("\"" FS("MATINH_CU_TRU"));
    w.str(T::kProvinces[a.rprov].code);
    w.lit("\"" FS("MAHUYEN_CU_TRU"));
    w.pad(a.rprov * 15u + (a.h >> 32) % 15 + 1, 3);
    w.lit("\"" FS("MAXA_CU_TRU"));
    w.pad(a.rprov * 500u + (a.h >> 40) % 500 + 1, 5);
    w.lit("\"" FS("DIEN_THOAI"));
    if ((a.h >> 48) % 4 != 0) {
        w.ch('0');
        w.str(kPhone[(a.h >> 50) % std::size(kPhone)]);
        w.pad(mix64(a.h) % 10'000'000, 7);
    }
    w.lit("\"" FS("MA_THE_BHYT"));
    write_card(w, cd);
    w.lit("\"" FS("MA_DKBD"));
    write_dkbd(w, cd);
    w.lit("\"" FS("GT_THE_TU"));
    w.date(the_tu);
    w.lit("\"" FS("GT_THE_DEN"));
    w.date(the_den);
    w.lit("\"" FE("NGAY_MIEN_CCT") FS("LY_DO_VV"));
    w.str(icd.reason);
    w.lit("\"" FS("LY_DO_VNT"));
    if (p.vao_nt >= 0) w.str(icd.reason);
    w.lit("\"" FE("MA_LY_DO_VNT") FS("CHAN_DOAN_VAO"));
    w.str(icd.name);
    w.lit("\"" FS("CHAN_DOAN_RV"));
    chan_doan_rv(w);
    w.lit("\"" FS("MA_BENH_CHINH"));
    w.str(icd.code);
    w.lit("\"" FS("MA_BENH_KT"));
    ma_benh_kt(w);
    w.lit("\"" FE("MA_BENH_YHCT") FS("MA_PTTT_QT"));
    if (icd.cat == T::kObst && p.loai == 3) w.str(icd.code == "O82" ? "74.1" : "73.59");
    w.lit("\"" FS("MA_DOITUONG_KCB"));
    w.str(kDoituong[p.doituong]);
    w.lit("\"" FS("MA_NOI_DI"));
    if (p.noi_di != UINT32_MAX) w.str(std::string_view(fac[p.noi_di].code, 5));
    w.lit("\"" FS("MA_NOI_DEN"));
    if (p.noi_den != UINT32_MAX) w.str(std::string_view(fac[p.noi_den].code, 5));
    w.lit("\"" FN("MA_TAI_NAN"));
    w.u(p.tai_nan);
    w.lit(FS("NGAY_VAO"));
    w.ts(p.vao);
    w.lit("\"" FS("NGAY_VAO_NOI_TRU"));
    if (p.vao_nt >= 0) w.ts(p.vao_nt);
    w.lit("\"" FS("NGAY_RA"));
    w.ts(p.ra);
    w.lit("\"" FS("GIAY_CHUYEN_TUYEN"));
    if (p.xml13) {
        w.u(p.within_day % 9000 + 1);
        w.ch('/');
        w.u(static_cast<uint64_t>(episode_year));
        w.lit("/GCT");
    }
    w.lit("\"" FN("SO_NGAY_DTRI"));
    w.u(static_cast<uint64_t>(p.so_ngay));
    w.lit(FS("PP_DIEU_TRI"));
    w.str(T::kTreatment[icd.cat]);
    w.lit("\"" FN("KET_QUA_DTRI"));
    w.u(p.kq);
    w.lit(FN("MA_LOAI_RV"));
    w.u(p.rv);
    w.lit(FS("GHI_CHU"));
    w.str(T::kAdvice[p.advice]);
    w.lit("\"" FS("NGAY_TTOAN"));
    if (p.ttoan >= 0) w.ts(p.ttoan);
    w.lit("\"" FN("T_THUOC"));
    w.money(t_thuoc);
    w.lit(FN("T_VTYT"));
    w.money(p.vtyt * 100);
    w.lit(FN("T_TONGCHI_BV"));
    w.money(tong);
    w.lit(FN("T_TONGCHI_BH"));
    w.money(tong);
    w.lit(FN("T_BNTT") "0" FN("T_BNCCT"));
    w.money(tong - bhtt);
    w.lit(FN("T_BHTT"));
    w.money(bhtt);
    w.lit(FN("T_NGUONKHAC") "0" FN("T_BHTT_GDV") "0" FN("NAM_QT"));
    w.u(static_cast<uint64_t>(settle.y));
    w.lit(FN("THANG_QT"));
    w.u(settle.m);
    w.lit(FS("MA_LOAI_KCB"));
    w.str(kLoai[p.loai]);
    w.lit("\"" FS("MA_KHOA"));
    if (inpatient || p.loai == 9) {
        w.lit("K01;");
        w.str(kDept[icd.cat]);
    } else {
        w.lit("K01");
    }
    w.lit("\"" FS("MA_CSKCB"));
    w.str(fcode);
    w.lit("\"" FS("MA_KHUVUC"));
    if (T::kProvinces[a.rprov].highland && (a.h >> 56) % 10 < 3) {
        w.ch('K');
        w.ch(static_cast<char>('1' + (a.h >> 60) % 3));
    }
    w.lit("\"" FS("CAN_NANG"));
    if (p.weight10) w.fixed(p.weight10, 1);
    w.lit("\"" FS("CAN_NANG_CON"));
    if (icd.cat == T::kObst && p.loai == 3) w.u(2600 + (a.h >> 20) % 1200);
    w.lit("\"" FS("NAM_NAM_LIEN_TUC"));
    if ((cd.group == gDN || cd.group == gHT || cd.group == gHC) && (a.h >> 12) % 5 == 0)
        w.date(days_from_civil(2015 + static_cast<int>((a.h >> 4) % 5), 1 + (a.h >> 7) % 12, 1));
    w.lit("\"" FS("NGAY_TAI_KHAM"));
    if (p.hen >= 0) w.date(floor_div(p.hen, 1440));
    w.lit("\"" FS("MA_HSBA"));
    if (inpatient) w.lit("BA");
    w.str(ma_lk);
    w.lit("\"" FS("MA_TTDV"));
    w.pad(hash3(cfg.seed, p.fac, 0x77d) % 10'000'000'000ULL, 10);
    w.lit("\"" FE("DU_PHONG") "}");

    // ------------------------------------------------------------ XML2
    if (p.n_drugs) {
        w.lit(",\"XML2\":[");
        for (uint8_t k = 0; k < p.n_drugs; ++k) {
            const DrugRow& d = p.drugs[k];
            const T::Drug& dr = T::kDrugs[d.drug];
            const int64_t tt = int64_t{d.qty} * dr.price * 100;
            const int64_t bh = tt * rate / 100;
            if (k) w.ch(',');
            w.lit("{\"MA_LK\":\"");
            w.str(ma_lk);
            w.lit("\",\"STT\":");
            w.u(k + 1u);
            w.lit(FS("MA_THUOC"));
            w.str(dr.code);
            w.lit("\"" FE("MA_PP_CHEBIEN") FE("MA_CSKCB_THUOC") FN("MA_NHOM") "4" FS("TEN_THUOC"));
            w.str(dr.name);
            w.lit("\"" FS("DON_VI_TINH"));
            w.str(dr.unit);
            w.lit("\"" FS("HAM_LUONG"));
            w.str(dr.strength);
            w.lit("\"" FS("DUONG_DUNG"));
            w.str(dr.route);
            w.lit("\"" FS("DANG_BAO_CHE"));
            w.str(dr.form);
            w.lit("\"" FS("LIEU_DUNG"));
            w.u(d.per_time);
            w.ch(' ');
            w.str(dr.unit_lower);
            w.lit("/lần * ");
            w.u(d.times);
            w.lit(" lần/ngày * ");
            w.u(d.days);
            w.lit(" ngày [");
            w.u(uint32_t{d.per_time} * d.times);
            w.ch(' ');
            w.str(dr.unit_lower);
            w.lit("/ngày]" "\"" FS("CACH_DUNG"));
            w.str(dr.usage);
            w.lit("\"" FS("SO_DANG_KY"));
            w.str(dr.reg);
            w.lit("\"" FS("TT_THAU"));
            w.u(100 + (hash3(f.prov, d.drug, 3) % 900));
            w.lit("/QĐ-SYT;G1;N");
            w.u(1 + d.drug % 5);
            w.lit(";2024\"" FN("PHAM_VI") "1" FN("TYLE_TT_BH") "100" FN("SO_LUONG"));
            w.u(d.qty);
            w.lit(FN("DON_GIA"));
            w.u(dr.price);
            w.lit(FN("THANH_TIEN_BV"));
            w.money(tt);
            w.lit(FN("THANH_TIEN_BH"));
            w.money(tt);
            w.lit(FN("T_NGUONKHAC_NSNN") "0" FN("T_NGUONKHAC_VTNN") "0" FN("T_NGUONKHAC_VTTN") "0" FN(
                "T_NGUONKHAC_CL") "0" FN("T_NGUONKHAC") "0" FN("MUC_HUONG"));
            w.u(rate);
            w.lit(FN("T_BHTT"));
            w.money(bh);
            w.lit(FN("T_BNCCT"));
            w.money(tt - bh);
            w.lit(FN("T_BNTT") "0" FS("MA_KHOA"));
            w.str(inpatient ? kDept[icd.cat] : std::string_view("K01"));
            w.lit("\"" FS("MA_BAC_SI"));
            write_doctor(w, p.fac, p.doctor);
            w.lit("\"" FE("MA_DICH_VU") FS("NGAY_YL"));
            w.ts(d.yl);
            w.lit("\"" FS("NGAY_TH_YL"));
            w.ts(d.th);
            w.lit("\"" FN("MA_PTTT") "1" FN("NGUON_CTRA") "1" FE("VET_THUONG_TP") FE("DU_PHONG") "}");
        }
        w.ch(']');
    }

    // ------------------------------------------------------------ XML4
    if (p.n_labs) {
        w.lit(",\"XML4\":[");
        for (uint8_t k = 0; k < p.n_labs; ++k) {
            const LabRow& row = p.labs[k];
            const T::LabPanel& lp = T::kLabPanels[row.panel];
            const T::LabItem& li = T::kLabItems[row.item];
            const bool pending = p.pending & (1u << k);
            if (k) w.ch(',');
            w.lit("{\"MA_LK\":\"");
            w.str(ma_lk);
            w.lit("\",\"STT\":");
            w.u(k + 1u);
            w.lit(FS("MA_DICH_VU"));
            w.str(lp.service);
            w.lit("\"" FS("MA_CHI_SO"));
            w.str(li.code);
            w.lit("\"" FS("TEN_CHI_SO"));
            w.str(li.name);
            w.lit("\"" FS("GIA_TRI"));
            std::string_view desc, concl;
            if (lp.imaging) {
                const T::Finding* fs = row.item == 26 ? T::kXray : row.item == 27 ? T::kUltrasound : T::kEcg;
                const size_t nf = row.item == 26 ? std::size(T::kXray)
                                  : row.item == 27 ? std::size(T::kUltrasound)
                                                   : std::size(T::kEcg);
                const T::Finding& fd = fs[row.finding < 40 ? 0 : row.finding % nf];
                desc = fd.description;
                concl = fd.conclusion;
            } else if (!pending) {
                if (!li.choices.empty()) {
                    // the n-th '|'-separated choice
                    std::string_view c = li.choices;
                    size_t n = 0;
                    for (char ch : c) n += ch == '|';
                    size_t want = row.finding % (n + 1);
                    while (want--) c.remove_prefix(c.find('|') + 1);
                    w.str(c.substr(0, c.find('|')));
                } else {
                    w.fixed(row.value, li.dec);
                }
            }
            w.lit("\"" FS("DON_VI_DO"));
            w.str(li.unit);
            w.lit("\"" FS("MO_TA"));
            w.str(desc);
            w.lit("\"" FS("KET_LUAN"));
            w.str(concl);
            w.lit("\"" FS("NGAY_KQ"));
            w.ts(row.kq);
            w.lit("\"" FS("MA_BS_DOC_KQ"));
            write_doctor(w, p.fac, p.lab_doctor);
            w.lit("\"" FE("DU_PHONG") "}");
        }
        w.ch(']');
    }

    // ------------------------------------------------------------ XML13
    if (p.xml13) {
        w.lit(",\"XML13\":{\"MA_LK\":\"");
        w.str(ma_lk);
        w.lit("\"" FS("SO_HOSO") "HS");
        w.pad(p.within_day, 6);
        w.lit("\"" FS("SO_CHUYENTUYEN"));
        w.u(p.within_day % 9000 + 1);
        w.lit("\"" FS("GIAY_CHUYEN_TUYEN"));
        w.u(p.within_day % 9000 + 1);
        w.ch('/');
        w.u(static_cast<uint64_t>(episode_year));
        w.lit("/GCT\"" FS("MA_CSKCB"));
        w.str(fcode);
        w.lit("\"" FS("MA_NOI_DI"));
        w.str(fcode);
        w.lit("\"" FS("MA_NOI_DEN"));
        w.str(std::string_view(fac[p.noi_den].code, 5));
        w.lit("\"" FS("HO_TEN"));
        write_name(w, a);
        w.lit("\"" FS("NGAY_SINH"));
        write_birth(w, a);
        w.lit("\"" FN("GIOI_TINH"));
        w.u(a.sex);
        w.lit(FS("MA_QUOCTICH") "000\"" FS("MA_DANTOC"));
        write_ethnic(w, a);
        w.lit("\"" FS("MA_NGHE_NGHIEP"));
        write_job(w, a);
        w.lit("\"" FS("DIA_CHI"));
        write_address(w, a);
        w.lit("\"" FS("MA_THE_BHYT"));
        write_card(w, cd);
        w.lit("\"" FS("GT_THE_DEN"));
        w.date(the_den);
        w.lit("\"" FS("NGAY_VAO"));
        w.ts(p.vao);
        w.lit("\"" FS("NGAY_VAO_NOI_TRU"));
        if (p.vao_nt >= 0) w.ts(p.vao_nt);
        w.lit("\"" FS("NGAY_RA"));
        w.ts(p.ra);
        w.lit("\"" FS("DAU_HIEU_LS"));
        w.str(T::kSigns[p.signs]);
        w.lit("\"" FS("CHAN_DOAN_RV"));
        chan_doan_rv(w);
        w.lit("\"" FS("QT_BENHLY"));
        w.str(T::kCourse[p.course]);
        w.lit("\"" FS("TOMTAT_KQ"));
        for (uint8_t k = 0, n = 0; k < p.n_labs && n < 3; ++k) {
            if (p.pending & (1u << k)) continue;
            const T::LabItem& li = T::kLabItems[p.labs[k].item];
            if (!li.choices.empty() || T::kLabPanels[p.labs[k].panel].imaging) continue;
            if (n++) w.lit("; ");
            w.str(li.name);
            w.lit(": ");
            w.fixed(p.labs[k].value, li.dec);
            w.ch(' ');
            w.str(li.unit);
        }
        w.lit("\"" FS("PP_DIEUTRI"));
        w.str(T::kTreatment[icd.cat]);
        w.lit("\"" FS("MA_BENH_CHINH"));
        w.str(icd.code);
        w.lit("\"" FS("MA_BENH_KT"));
        ma_benh_kt(w);
        w.lit("\"" FE("MA_BENH_YHCT") FS("TEN_DICH_VU") "Khám bệnh");
        for (uint8_t k = 0; k < p.n_labs; ++k)
            if (k == 0 || p.labs[k].panel != p.labs[k - 1].panel) {
                w.lit("; ");
                w.str(T::kLabPanels[p.labs[k].panel].name);
            }
        w.lit("\"" FS("TEN_THUOC"));
        for (uint8_t k = 0; k < p.n_drugs; ++k) {
            if (k) w.lit("; ");
            w.str(T::kDrugs[p.drugs[k].drug].name);
        }
        w.lit("\"" FS("PP_DIEU_TRI"));
        w.str(T::kTreatment[icd.cat]);
        w.lit("\"" FN("MA_LOAI_RV"));
        w.u(p.rv);
        w.lit(FN("MA_LYDO_CT"));
        w.u(p.lydo_ct);
        w.lit(FS("HUONG_DIEU_TRI"));
        w.str(T::kDirections[p.direction]);
        w.lit("\"" FS("PHUONGTIEN_VC"));
        w.str(T::kTransport[p.transport]);
        w.lit("\"" FS("HOTEN_NGUOI_HT"));
        if (p.escort) {
            Citizen nurse = a;
            nurse.h = hash3(cfg.seed, p.fac, 0x4e55);
            nurse.sex = 2;
            nurse.byear = 1990;
            write_name(w, nurse);
        }
        w.lit("\"" FS("CHUCDANH_NGUOI_HT"));
        if (p.escort) w.str("Điều dưỡng");
        w.lit("\"" FS("MA_BAC_SI"));
        write_doctor(w, p.fac, p.doctor);
        w.lit("\"" FS("MA_TTDV"));
        w.pad(hash3(cfg.seed, p.fac, 0x77d) % 10'000'000'000ULL, 10);
        w.lit("\"" FE("DU_PHONG") "}");
    }

    // ------------------------------------------------------------ XML14
    if (p.xml14) {
        w.lit(",\"XML14\":{\"MA_LK\":\"");
        w.str(ma_lk);
        w.lit("\"" FS("SO_GIAYHEN_KL") "GH");
        w.pad(p.within_day, 6);
        w.lit("\"" FS("MA_CSKCB"));
        w.str(fcode);
        w.lit("\"" FS("HO_TEN"));
        write_name(w, a);
        w.lit("\"" FS("NGAY_SINH"));
        write_birth(w, a);
        w.lit("\"" FN("GIOI_TINH"));
        w.u(a.sex);
        w.lit(FS("DIA_CHI"));
        write_address(w, a);
        w.lit("\"" FS("MA_THE_BHYT"));
        write_card(w, cd);
        w.lit("\"" FS("GT_THE_DEN"));
        w.date(the_den);
        w.lit("\"" FS("NGAY_VAO"));
        w.ts(p.vao);
        w.lit("\"" FS("NGAY_VAO_NOI_TRU"));
        if (p.vao_nt >= 0) w.ts(p.vao_nt);
        w.lit("\"" FS("NGAY_RA"));
        w.ts(p.ra);
        w.lit("\"" FS("NGAY_HEN_KL"));
        w.ts(p.hen);
        w.lit("\"" FS("CHAN_DOAN_RV"));
        chan_doan_rv(w);
        w.lit("\"" FS("MA_BENH_CHINH"));
        w.str(icd.code);
        w.lit("\"" FS("MA_BENH_KT"));
        ma_benh_kt(w);
        w.lit("\"" FE("MA_BENH_YHCT") FS("MA_DOITUONG_KCB"));
        w.str(kDoituong[p.doituong]);
        w.lit("\"" FS("MA_BAC_SI"));
        write_doctor(w, p.fac, p.doctor);
        w.lit("\"" FS("MA_TTDV"));
        w.pad(hash3(cfg.seed, p.fac, 0x77d) % 10'000'000'000ULL, 10);
        w.lit("\"" FS("NGAY_CT"));
        w.date(ra_date);
        w.lit("\"" FE("DU_PHONG") "}");
    }
    w.ch('}');
}

// --------------------------------------------------------- invalid documents

namespace {

// Span of the value of the first `"key":` member (XML1 comes first).
bool find_member(const std::string& doc, std::string_view key, size_t& key_pos, size_t& val_begin, size_t& val_end) {
    std::string pat;
    pat.reserve(key.size() + 3);
    pat += '"';
    pat += key;
    pat += "\":";
    key_pos = doc.find(pat);
    if (key_pos == std::string::npos) return false;
    val_begin = key_pos + pat.size();
    if (doc[val_begin] == '"') {
        size_t i = val_begin + 1;
        while (doc[i] != '"') i += doc[i] == '\\' ? 2 : 1;
        val_end = i + 1;
    } else {
        size_t i = val_begin;
        while (doc[i] != ',' && doc[i] != '}' && doc[i] != ']') ++i;
        val_end = i;
    }
    return true;
}

}  // namespace

void Generator::Impl::make_invalid(const Plan& p, std::string& doc) const {
    Rng r(hash3(cfg.seed, kSaltInvalid, p.j));
    size_t k, b, e;
    switch (p.invalid) {
        case kMissingField: {
            static constexpr std::string_view kRequired[] = {
                "MA_LK",   "MA_BN",    "HO_TEN",      "NGAY_SINH",     "GIOI_TINH",    "MA_CSKCB",
                "NGAY_VAO", "NGAY_RA", "MA_LOAI_KCB", "MA_BENH_CHINH", "KET_QUA_DTRI", "MA_LOAI_RV"};
            const std::string_view key = kRequired[r.below(std::size(kRequired))];
            if (!find_member(doc, key, k, b, e)) return;
            if (doc[b] == '"' && r.per10k(5000)) {
                doc.replace(b, e - b, "\"\"");  // present but empty
            } else if (doc[k - 1] == ',') {
                doc.erase(k - 1, e - (k - 1));  // drop ",\"KEY\":value"
            } else {
                doc.erase(k, e + 1 - k);  // first member: drop "\"KEY\":value,"
            }
            return;
        }
        case kBadDate: {
            static constexpr std::string_view kDates[] = {"NGAY_VAO", "NGAY_RA", "NGAY_SINH", "GT_THE_TU",
                                                          "GT_THE_DEN"};
            const std::string_view key = kDates[r.below(std::size(kDates))];
            if (!find_member(doc, key, k, b, e)) return;
            doc.replace(b + 5, 4, kBadDates[r.below(std::size(kBadDates))]);  // after '"' + yyyy
            return;
        }
        case kBadId: {
            const uint64_t x = r.below(4);
            if (x < 3) {
                if (!find_member(doc, "SO_CCCD", k, b, e)) return;
                if (x < 2)
                    doc.erase(e - 2, 1);  // 11 digits
                else
                    doc.insert(e - 1, 1, static_cast<char>('0' + r.below(10)));  // 13 digits
            } else {
                if (!find_member(doc, "MA_THE_BHYT", k, b, e)) return;
                doc.erase(e - 2, 1);  // 14-character card
            }
            return;
        }
        default:
            return;  // kDischargeFirst is built into the plan
    }
}

// ------------------------------------------------------------ reordering

namespace {

size_t skip_value(std::string_view s, size_t i) {
    if (s[i] == '"') {
        ++i;
        while (s[i] != '"') i += s[i] == '\\' ? 2 : 1;
        return i + 1;
    }
    if (s[i] == '{' || s[i] == '[') {
        int depth = 0;
        for (;; ++i) {
            const char c = s[i];
            if (c == '"') {
                i = skip_value(s, i) - 1;
            } else if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) return i + 1;
            }
        }
    }
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']') ++i;
    return i;
}

// Same content, members of every object in reverse order, with whitespace
// (spaces and tabs only: a document stays on one line).
void reorder_value(std::string_view v, std::string& out, int depth) {
    if (v[0] == '{') {
        struct Member {
            std::string_view key, value;
        };
        std::vector<Member> members;
        size_t i = 1;
        while (v[i] != '}') {
            const size_t ke = skip_value(v, i);
            const size_t vb = ke + 1;  // after ':'
            const size_t ve = skip_value(v, vb);
            members.push_back({v.substr(i, ke - i), v.substr(vb, ve - vb)});
            i = ve;
            if (v[i] == ',') ++i;
        }
        out += depth == 0 ? "{ " : "{";
        for (size_t m = members.size(); m-- > 0;) {
            out += members[m].key;
            out += depth % 2 ? ":" : " : ";
            reorder_value(members[m].value, out, depth + 1);
            if (m) out += depth == 0 ? ",\t" : ", ";
        }
        out += depth == 0 ? " }" : "}";
    } else if (v[0] == '[') {
        size_t i = 1;
        out += "[ ";
        bool first = true;
        while (v[i] != ']') {
            const size_t e = skip_value(v, i);
            if (!first) out += " ,";
            first = false;
            reorder_value(v.substr(i, e - i), out, depth + 1);
            i = e;
            if (v[i] == ',') ++i;
        }
        out += " ]";
    } else {
        out += v;
    }
}

}  // namespace

void Generator::Impl::reorder(std::string_view in, std::string& out) {
    out.clear();
    out.reserve(in.size() + in.size() / 4);
    out += ' ';
    reorder_value(in, out, 0);
    out += '\t';
}

// ------------------------------------------------------------------ the stream

void Generator::Impl::emit(uint64_t j, uint32_t version, std::string& doc, bool reordered) {
    Plan& p = *plan_;
    build(j, p);
    correct(p, version);
    W w{buf.data()};
    serialize(p, w);
    const std::string_view json(buf.data(), static_cast<size_t>(w.p - buf.data()));
    if (reordered) {
        reorder(json, doc);
    } else {
        doc.assign(json);
        if (p.kind == kInvalid) make_invalid(p, doc);
    }
    last_kind_ = p.kind;
}

uint64_t Generator::Impl::pick_target(DocType t) {
    Rng r(hash3(cfg.seed, kSaltTarget, counts.records));
    const uint64_t n = emitted_new;
    uint64_t d;
    if (t == kReorder) {
        d = r.below(n);
    } else {
        // Recent episodes are resent most (retries), corrections come days later.
        const uint64_t scale = t == kResend ? 2000 : 60000;
        d = r.below(1 + r.below(2 * scale));
        if (d >= n) d = r.below(n);
    }
    uint64_t j = n - 1 - d;
    for (uint64_t step = 0; step < n; ++step) {
        if (base_kind(j) != kInvalid && (t != kCorrection || versions[j] < 255)) return j;
        j = j == 0 ? n - 1 : j - 1;
    }
    return UINT64_MAX;
}

bool Generator::Impl::next(std::string& doc) {
    if (counts.records >= total) return false;
    const uint64_t left = rem[kNew] + rem[kResend] + rem[kCorrection] + rem[kReorder];
    uint64_t x = sched.below(left);
    DocType t = kNew;
    for (int k = 0; k < 4; ++k) {
        if (x < rem[k]) {
            t = static_cast<DocType>(k);
            break;
        }
        x -= rem[k];
    }
    if (t != kNew && valid_new == 0 && rem[kNew] > 0) t = kNew;  // nothing valid to refer to yet
    --rem[t];

    ++counts.records;
    if (t == kNew) {
        const uint64_t j = emitted_new++;
        emit(j, 0, doc, false);
        if (last_kind_ == kInvalid) {
            ++counts.rejected;
        } else {
            ++counts.accepted;
            ++valid_new;
            if (last_kind_ == kConflict) ++counts.flagged;
        }
    } else {
        uint64_t j = valid_new ? pick_target(t) : UINT64_MAX;
        if (j == UINT64_MAX && t == kCorrection && valid_new) {
            t = kResend;  // every valid episode already has 255 versions
            j = pick_target(t);
        }
        if (j == UINT64_MAX) {
            // Degenerate mix (every episode invalid): resend the last one, rejected again.
            j = emitted_new - 1;
            emit(j, 0, doc, false);
            ++counts.rejected;
        } else if (t == kCorrection) {
            ++versions[j];
            emit(j, versions[j], doc, false);
            ++counts.new_version;
            if (last_kind_ == kConflict) ++counts.flagged;
        } else {
            emit(j, versions[j], doc, t == kReorder);
            ++counts.duplicate;
        }
    }
    counts.bytes += doc.size();
    return true;
}

// ================================================================== Generator

Generator::Generator(const Config& config) : impl_(std::make_unique<Impl>(config)) {}
Generator::~Generator() = default;
Generator::Generator(Generator&&) noexcept = default;
Generator& Generator::operator=(Generator&&) noexcept = default;

bool Generator::next(std::string& doc) { return impl_->next(doc); }
const Counts& Generator::expected() const { return impl_->counts; }
uint64_t Generator::documents_total() const { return impl_->total; }

std::string Generator::citizen_id(uint64_t i) const {
    char b[16];
    W w{b};
    impl_->write_citizen_id(w, impl_->citizen(i));
    return std::string(b, w.p);
}

std::string Generator::card_number(uint64_t i) const {
    char b[16];
    W w{b};
    impl_->write_card(w, impl_->citizen(i));
    return std::string(b, w.p);
}

}  // namespace ehb::workload
