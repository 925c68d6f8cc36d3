#include "engine/validate.hpp"

#include <charconv>
#include <cstring>

#include "engine/provinces.hpp"

namespace ehb {

// ---------------------------------------------------------------------------
// Field-name lookup: FNV-1a into a 256-slot open-addressing table built at
// compile time (66 names, load ~26%), confirmed by one string compare.

namespace {

constexpr uint32_t fnv1a(std::string_view s) noexcept {
    uint32_t h = 2166136261u;
    for (char c : s) {
        h ^= static_cast<uint8_t>(c);
        h *= 16777619u;
    }
    return h;
}

constexpr std::size_t kLookupSize = 256;  // power of two, > 3x the field count
constexpr uint8_t kEmpty = 0xFF;
static_assert(kXml1FieldCount < kEmpty && kXml1FieldCount * 3 < kLookupSize);

constexpr std::array<uint8_t, kLookupSize> build_lookup() {
    std::array<uint8_t, kLookupSize> t{};
    for (auto& x : t) x = kEmpty;
    for (std::size_t i = 0; i < kXml1FieldCount; ++i) {
        std::size_t p = fnv1a(kXml1Fields[i].name) & (kLookupSize - 1);
        while (t[p] != kEmpty) p = (p + 1) & (kLookupSize - 1);
        t[p] = static_cast<uint8_t>(i);
    }
    return t;
}

constexpr std::array<uint8_t, kLookupSize> kLookup = build_lookup();

}  // namespace

int xml1_field_index(std::string_view name) noexcept {
    std::size_t p = fnv1a(name) & (kLookupSize - 1);
    for (;;) {
        uint8_t i = kLookup[p];
        if (i == kEmpty) return -1;
        if (kXml1Fields[i].name == name) return i;
        p = (p + 1) & (kLookupSize - 1);
    }
}

// ---------------------------------------------------------------------------
// Small helpers.

std::size_t utf8_length(std::string_view s) noexcept {
    std::size_t n = 0;
    for (char c : s) n += (static_cast<uint8_t>(c) & 0xC0) != 0x80;
    return n;
}

namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) noexcept {
    for (char c : s)
        if (!is_digit(c)) return false;
    return !s.empty();
}

// Digits at [pos, pos+n) as a number; the caller has checked they are digits.
int digits_at(std::string_view s, std::size_t pos, std::size_t n) noexcept {
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) v = v * 10 + (s[pos + i] - '0');
    return v;
}

bool is_leap(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) noexcept {
    static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

constexpr const char* kMonthNames[12] = {"January", "February", "March",     "April",   "May",      "June",
                                         "July",    "August",   "September", "October", "November", "December"};

std::string two(int v) {
    char b[4] = {char('0' + v / 10 % 10), char('0' + v % 10), 0, 0};
    return b;
}

// Month and day real for year y; explains otherwise. Year range is the caller's.
bool real_month_day(int y, int m, int d, std::string* why) {
    if (m < 1 || m > 12) {
        if (why) *why = "month " + two(m) + " does not exist";
        return false;
    }
    if (d < 1 || d > days_in_month(y, m)) {
        if (why) {
            if (d == 0)
                *why = "day 00 does not exist";
            else if (m == 2 && d == 29)
                *why = "February " + std::to_string(y) + " has no day 29 (not a leap year)";
            else
                *why = std::string(kMonthNames[m - 1]) + " has no day " + two(d);
        }
        return false;
    }
    return true;
}

bool real_hour_minute(int h, int mi, std::string* why) {
    if (h > 23) {
        if (why) *why = "hour " + two(h) + " is out of range 00-23";
        return false;
    }
    if (mi > 59) {
        if (why) *why = "minute " + two(mi) + " is out of range 00-59";
        return false;
    }
    return true;
}

bool year_in(int y, int lo, int hi, std::string* why) {
    if (y < lo || y > hi) {
        if (why) *why = "year " + std::to_string(y) + " is outside " + std::to_string(lo) + "-" + std::to_string(hi);
        return false;
    }
    return true;
}

// A value shown inside a reason: JSON-quoted, cut at 64 bytes on a code-point boundary.
std::string show(std::string_view v) {
    constexpr std::size_t kMax = 64;
    bool cut = v.size() > kMax;
    if (cut) {
        std::size_t n = kMax;
        while (n > 0 && (static_cast<uint8_t>(v[n]) & 0xC0) == 0x80) --n;
        v = v.substr(0, n);
    }
    std::string s = "\"";
    for (char c : v) {
        if (c == '"' || c == '\\') {
            s += '\\';
            s += c;
        } else if (static_cast<uint8_t>(c) < 0x20) {
            s += '?';
        } else {
            s += c;
        }
    }
    s += cut ? "...\"" : "\"";
    return s;
}

std::string path(std::size_t field) { return "XML1." + std::string(kXml1Fields[field].name); }

bool fail(Issue& e, std::string_view code, std::size_t field, std::string reason) {
    e.code.assign(code);
    e.field = path(field);
    e.reason = std::move(reason);
    return false;
}

void warn(ParsedRecord& out, std::string_view code, std::size_t field, std::string reason) {
    Issue& w = out.warnings.emplace_back();
    w.code.assign(code);
    w.field = path(field);
    w.reason = std::move(reason);
}

std::string_view kind_name(JsonKind k) noexcept {
    switch (k) {
        case JsonKind::absent: return "absent";
        case JsonKind::null: return "null";
        case JsonKind::string: return "a string";
        case JsonKind::int64:
        case JsonKind::uint64:
        case JsonKind::dbl: return "a number";
        case JsonKind::boolean: return "a boolean";
        case JsonKind::object: return "an object";
        case JsonKind::array: return "an array";
    }
    return "?";
}

// "" or -?digits(.digits)?
bool is_decimal_text(std::string_view s) noexcept {
    if (s.empty()) return true;
    std::size_t i = s[0] == '-' ? 1 : 0;
    std::size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return false;
    if (i == s.size()) return true;
    if (s[i] != '.') return false;
    std::size_t frac = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    return i == s.size() && i > frac;
}

bool present(const FieldValue& f) noexcept {
    return f.kind != JsonKind::absent && f.kind != JsonKind::null &&
           !(f.kind == JsonKind::string && f.text.empty());
}

// Integer value of a numeric field: a JSON integer, an integral JSON number,
// or a string of 1-9 digits. False for anything else.
bool int_value(const FieldValue& f, int64_t& v) noexcept {
    switch (f.kind) {
        case JsonKind::int64: v = f.i64; return true;
        case JsonKind::uint64:
            if (f.u64 > static_cast<uint64_t>(INT64_MAX)) return false;
            v = static_cast<int64_t>(f.u64);
            return true;
        case JsonKind::dbl:
            if (!(f.dbl >= -1e9 && f.dbl <= 1e9) || f.dbl != static_cast<double>(static_cast<int64_t>(f.dbl)))
                return false;
            v = static_cast<int64_t>(f.dbl);
            return true;
        case JsonKind::string:
            if (f.text.size() > 9 || !all_digits(f.text)) return false;
            v = digits_at(f.text, 0, f.text.size());
            return true;
        default: return false;
    }
}

std::string value_text(const FieldValue& f) {
    switch (f.kind) {
        case JsonKind::string: return show(f.text);
        case JsonKind::int64: return std::to_string(f.i64);
        case JsonKind::uint64: return std::to_string(f.u64);
        case JsonKind::dbl: {
            char b[32];
            auto r = std::to_chars(b, b + sizeof b, f.dbl);
            return std::string(b, r.ptr);
        }
        default: return std::string(kind_name(f.kind));
    }
}

}  // namespace

// ---------------------------------------------------------------------------
// Dates.

bool is_real_timestamp12(std::string_view s, std::string* why) {
    if (s.size() != 12 || !all_digits(s)) {
        if (why) *why = "must be 12 digits yyyymmddHHMM";
        return false;
    }
    int y = digits_at(s, 0, 4);
    return year_in(y, 1900, 2100, why) && real_month_day(y, digits_at(s, 4, 2), digits_at(s, 6, 2), why) &&
           real_hour_minute(digits_at(s, 8, 2), digits_at(s, 10, 2), why);
}

bool is_real_date8(std::string_view s, std::string* why) {
    if (s.size() != 8 || !all_digits(s)) {
        if (why) *why = "must be 8 digits yyyymmdd";
        return false;
    }
    int y = digits_at(s, 0, 4);
    return year_in(y, 1900, 2100, why) && real_month_day(y, digits_at(s, 4, 2), digits_at(s, 6, 2), why);
}

// ---------------------------------------------------------------------------
// Identifiers.

SoCccdKind classify_so_cccd(std::string_view s) noexcept {
    if (s.empty()) return SoCccdKind::none;
    if (all_digits(s)) {
        if (s.size() == 12) return SoCccdKind::citizen;
        if (s.size() == 9) return SoCccdKind::old_id;
        return SoCccdKind::bad_digits;
    }
    if (s.size() == 8 && s[0] >= 'A' && s[0] <= 'Z' && all_digits(s.substr(1))) return SoCccdKind::passport;
    return SoCccdKind::other;
}

bool is_card_code(std::string_view s) noexcept {
    if (s.size() != 15) return false;
    auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
    return upper(s[0]) && upper(s[1]) && s[2] >= '1' && s[2] <= '5' && all_digits(s.substr(3));
}

// ---------------------------------------------------------------------------
// XML1.

namespace {

// A timestamp field (12 digits, real time): E_DATE with the value and why.
bool check_timestamp(const FieldValue& f, std::size_t field, Issue& e) {
    std::string why;
    if (is_real_timestamp12(f.text, &why)) return true;
    const auto name = kXml1Fields[field].name;
    if (f.text.size() == 12 && all_digits(f.text))
        return fail(e, "E_DATE", field, std::string(name) + " " + std::string(f.text) + " is not a real time: " + why);
    return fail(e, "E_DATE", field, std::string(name) + " " + show(f.text) + " " + why);
}

// "" or a `;`-list of real dates yyyymmdd.
bool check_date_list(const FieldValue& f, std::size_t field, Issue& e) {
    std::string_view rest = f.text;
    if (rest.empty()) return true;
    const auto name = kXml1Fields[field].name;
    for (;;) {
        std::size_t semi = rest.find(';');
        std::string_view item = rest.substr(0, semi);
        std::string why;
        if (!is_real_date8(item, &why)) {
            if (item.size() == 8 && all_digits(item))
                return fail(e, "E_DATE", field,
                            std::string(name) + " date " + std::string(item) + " is not a real date: " + why);
            return fail(e, "E_DATE", field,
                        std::string(name) + " item " + show(item) + " " + why + " (list separated by ';')");
        }
        if (semi == std::string_view::npos) return true;
        rest.remove_prefix(semi + 1);
    }
}

bool check_birth(const FieldValue& f, int admit_year, Issue& e) {
    const std::string_view s = f.text;
    const std::size_t field = X1::NGAY_SINH;
    if ((s.size() != 12 && s.size() != 8) || !all_digits(s))
        return fail(e, "E_DATE", field, "NGAY_SINH " + show(s) + " must be 12 digits yyyymmddHHMM or 8 digits yyyymmdd");
    int y = digits_at(s, 0, 4);
    int m = digits_at(s, 4, 2);
    int d = digits_at(s, 6, 2);
    std::string why;
    if (y < 1880 || y > admit_year) {
        why = "year " + std::to_string(y) + " is outside 1880-" + std::to_string(admit_year) + " (the year of NGAY_VAO)";
    } else if (!(m == 0 && d == 0) && !real_month_day(y, m, d, &why)) {
        why += " (use 0000 for an unknown day and month)";
    } else if (s.size() == 12) {
        real_hour_minute(digits_at(s, 8, 2), digits_at(s, 10, 2), &why);
    }
    if (why.empty()) return true;
    return fail(e, "E_DATE", field, "NGAY_SINH " + std::string(s) + " is not a real birth date: " + why);
}

// Code value of a numeric field within [lo, hi].
bool check_code(const FieldValue& f, std::size_t field, int64_t lo, int64_t hi, const char* meaning, Issue& e) {
    int64_t v = 0;
    if (int_value(f, v) && v >= lo && v <= hi) return true;
    return fail(e, "E_CODE", field,
                std::string(kXml1Fields[field].name) + " " + value_text(f) + " is not a valid code: expected " +
                    std::to_string(lo) + "-" + std::to_string(hi) + " (" + meaning + ")");
}

uint64_t timestamp_value(std::string_view s) noexcept {
    uint64_t v = 0;
    for (char c : s) v = v * 10 + static_cast<uint64_t>(c - '0');
    return v;
}

}  // namespace

bool validate_xml1(const Xml1Fields& in, ParsedRecord& out, Issue& e) {
    const auto& f = in.slot;

    // 1. Types, in field-table order.
    for (std::size_t i = 0; i < kXml1FieldCount; ++i) {
        const FieldValue& v = f[i];
        const Xml1FieldSpec& spec = kXml1Fields[i];
        if (v.kind == JsonKind::absent || v.kind == JsonKind::null || v.kind == JsonKind::string) {
            if (spec.type == FieldType::num && v.kind == JsonKind::string && !is_decimal_text(v.text))
                return fail(e, "E_TYPE", i,
                            std::string(spec.name) + " " + show(v.text) +
                                " is not a number: a numeric field takes a JSON number or a decimal string like "
                                "\"12\" or \"1500.50\"");
            continue;
        }
        if (spec.type == FieldType::num &&
            (v.kind == JsonKind::int64 || v.kind == JsonKind::uint64 || v.kind == JsonKind::dbl))
            continue;
        return fail(e, "E_TYPE", i,
                    std::string(spec.name) + " must be " +
                        (spec.type == FieldType::num ? "a number or a numeric string" : "a string") + ", got " +
                        std::string(kind_name(v.kind)));
    }

    // 2. Required fields.
    for (std::size_t i = 0; i < kXml1FieldCount; ++i) {
        if (kXml1Fields[i].required && !present(f[i])) {
            const char* how = f[i].kind == JsonKind::absent ? "missing" : f[i].kind == JsonKind::null ? "null" : "empty";
            return fail(e, "E_REQUIRED", i, std::string(kXml1Fields[i].name) + " is required but is " + how);
        }
    }

    // 3. Lengths in code points (byte length is an upper bound: count only when it exceeds).
    for (std::size_t i = 0; i < kXml1FieldCount; ++i) {
        const std::size_t max = kXml1Fields[i].max_len;
        if (max == 0 || f[i].kind != JsonKind::string || f[i].text.size() <= max) continue;
        const std::size_t n = utf8_length(f[i].text);
        if (n > max)
            return fail(e, "E_LENGTH", i,
                        std::string(kXml1Fields[i].name) + " has " + std::to_string(n) +
                            " characters; the maximum is " + std::to_string(max));
    }
    {
        const std::string_view kt = f[X1::MA_BENH_KT].kind == JsonKind::string ? f[X1::MA_BENH_KT].text : "";
        if (!kt.empty()) {
            std::size_t codes = 1;
            for (char c : kt) codes += c == ';';
            if (codes > 12)
                return fail(e, "E_LENGTH", X1::MA_BENH_KT,
                            "MA_BENH_KT has " + std::to_string(codes) + " codes; the maximum is 12");
        }
    }

    // 4. Facility code.
    // Codes are digits in practice; letters are allowed, anything else is not a
    // facility code (and the episode key relies on the code being 5 bytes).
    const std::string_view facility = f[X1::MA_CSKCB].text;
    if (utf8_length(facility) != 5)
        return fail(e, "E_FACILITY", X1::MA_CSKCB,
                    "MA_CSKCB " + show(facility) + " must be exactly 5 characters, has " +
                        std::to_string(utf8_length(facility)));
    for (char c : facility) {
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
            return fail(e, "E_FACILITY", X1::MA_CSKCB,
                        "MA_CSKCB " + show(facility) + " must be 5 letters or digits (A-Z, a-z, 0-9)");
    }

    // 5. Timestamps and dates.
    const std::string_view vao = f[X1::NGAY_VAO].text;
    const std::string_view ra = f[X1::NGAY_RA].text;
    if (!check_timestamp(f[X1::NGAY_VAO], X1::NGAY_VAO, e)) return false;
    if (!check_timestamp(f[X1::NGAY_RA], X1::NGAY_RA, e)) return false;
    for (std::size_t i : {std::size_t{X1::NGAY_VAO_NOI_TRU}, std::size_t{X1::NGAY_TTOAN}})
        if (present(f[i]) && !check_timestamp(f[i], i, e)) return false;
    if (present(f[X1::NGAY_MIEN_CCT])) {
        const std::string_view s = f[X1::NGAY_MIEN_CCT].text;
        std::string why;
        if (s.size() == 8 && all_digits(s)) {
            if (!is_real_date8(s, &why))
                return fail(e, "E_DATE", X1::NGAY_MIEN_CCT,
                            "NGAY_MIEN_CCT " + std::string(s) + " is not a real date: " + why);
        } else if (s.size() == 12 && all_digits(s)) {
            if (!check_timestamp(f[X1::NGAY_MIEN_CCT], X1::NGAY_MIEN_CCT, e)) return false;
        } else {
            return fail(e, "E_DATE", X1::NGAY_MIEN_CCT,
                        "NGAY_MIEN_CCT " + show(s) + " must be empty, 8 digits yyyymmdd or 12 digits yyyymmddHHMM");
        }
    }
    for (std::size_t i : {std::size_t{X1::GT_THE_TU}, std::size_t{X1::GT_THE_DEN}, std::size_t{X1::NGAY_TAI_KHAM}})
        if (present(f[i]) && !check_date_list(f[i], i, e)) return false;
    const int admit_year = digits_at(vao, 0, 4);
    if (!check_birth(f[X1::NGAY_SINH], admit_year, e)) return false;

    // 6. Order.
    const uint64_t t_vao = timestamp_value(vao);
    const uint64_t t_ra = timestamp_value(ra);
    if (t_vao > t_ra)
        return fail(e, "E_DATE_ORDER", X1::NGAY_RA,
                    "NGAY_RA " + std::string(ra) + " is before NGAY_VAO " + std::string(vao));
    if (present(f[X1::NGAY_VAO_NOI_TRU])) {
        const std::string_view nt = f[X1::NGAY_VAO_NOI_TRU].text;
        const uint64_t t_nt = timestamp_value(nt);
        if (t_nt < t_vao || t_nt > t_ra)
            return fail(e, "E_DATE_ORDER", X1::NGAY_VAO_NOI_TRU,
                        "NGAY_VAO_NOI_TRU " + std::string(nt) + " is outside the episode [NGAY_VAO " +
                            std::string(vao) + ", NGAY_RA " + std::string(ra) + "]");
    }

    // 7. Codes.
    if (!check_code(f[X1::GIOI_TINH], X1::GIOI_TINH, 1, 3, "1 male, 2 female, 3 undetermined", e)) return false;
    if (!check_code(f[X1::KET_QUA_DTRI], X1::KET_QUA_DTRI, 1, 8, "treatment result", e)) return false;
    if (!check_code(f[X1::MA_LOAI_RV], X1::MA_LOAI_RV, 1, 5, "discharge type", e)) return false;
    {
        const std::string_view k = f[X1::MA_LOAI_KCB].text;
        if (k.size() != 2 || !all_digits(k) || digits_at(k, 0, 2) < 1 || digits_at(k, 0, 2) > 16)
            return fail(e, "E_CODE", X1::MA_LOAI_KCB,
                        "MA_LOAI_KCB " + show(k) + " is not a valid visit type: expected two digits \"01\"-\"16\"");
    }
    int64_t sex = 0;
    int_value(f[X1::GIOI_TINH], sex);

    // 8. SO_CCCD.
    const std::string_view id = f[X1::SO_CCCD].kind == JsonKind::string ? f[X1::SO_CCCD].text : "";
    const SoCccdKind id_kind = classify_so_cccd(id);
    int id_birth_year = 0;
    if (id_kind == SoCccdKind::bad_digits)
        return fail(e, "E_ID", X1::SO_CCCD,
                    "SO_CCCD " + show(id) + " has " + std::to_string(id.size()) +
                        " digits: an all-digit SO_CCCD must be a 12-digit citizen ID or a 9-digit old ID");
    if (id_kind == SoCccdKind::citizen) {
        const int g = id[3] - '0';
        id_birth_year = 1900 + 100 * (g / 2) + digits_at(id, 4, 2);
        if (id_birth_year > admit_year)
            return fail(e, "E_ID", X1::SO_CCCD,
                        "SO_CCCD " + std::string(id) + " is not a valid citizen ID: century/sex digit " +
                            std::to_string(g) + " and year digits " + std::string(id.substr(4, 2)) +
                            " give birth year " + std::to_string(id_birth_year) + ", after the admission year " +
                            std::to_string(admit_year));
    }

    // 9. Cards: check all before taking any.
    const std::string_view cards = f[X1::MA_THE_BHYT].kind == JsonKind::string ? f[X1::MA_THE_BHYT].text : "";
    if (!cards.empty()) {
        std::string_view rest = cards;
        for (std::size_t n = 1;; ++n) {
            const std::size_t semi = rest.find(';');
            const std::string_view card = rest.substr(0, semi);
            if (!is_card_code(card))
                return fail(e, "E_CARD", X1::MA_THE_BHYT,
                            "MA_THE_BHYT card " + std::to_string(n) + " " + show(card) +
                                " is not a card code: expected 2 capital letters, benefit level 1-5, 2-digit "
                                "province and 10-digit social-insurance code (15 characters; several cards "
                                "separated by ';')");
            if (semi == std::string_view::npos) break;
            rest.remove_prefix(semi + 1);
        }
    }

    // Accepted: fill the record.
    out.facility.assign(facility);
    out.ma_lk.assign(f[X1::MA_LK].text);
    out.admitted = t_vao;
    out.ids.citizen.clear();
    out.ids.old_id.clear();
    out.ids.passport.clear();
    out.ids.si_codes.clear();
    switch (id_kind) {
        case SoCccdKind::citizen: out.ids.citizen.assign(id); break;
        case SoCccdKind::old_id: out.ids.old_id.assign(id); break;
        case SoCccdKind::passport: out.ids.passport.assign(id); break;
        default: break;
    }
    if (!cards.empty()) {
        std::string_view rest = cards;
        for (;;) {
            const std::size_t semi = rest.find(';');
            const std::string_view si = rest.substr(0, semi).substr(5);
            bool seen = false;
            for (const auto& s : out.ids.si_codes) seen = seen || s == si;
            if (!seen) out.ids.si_codes.emplace_back(si);
            if (semi == std::string_view::npos) break;
            rest.remove_prefix(semi + 1);
        }
    }

    // Warnings.
    if (!is_province_code(facility.substr(0, 2)))
        warn(out, "W_PROVINCE", X1::MA_CSKCB,
             "MA_CSKCB " + show(facility) + " does not start with a known province code");
    if (present(f[X1::MATINH_CU_TRU]) && !is_province_code(f[X1::MATINH_CU_TRU].text))
        warn(out, "W_PROVINCE", X1::MATINH_CU_TRU,
             "MATINH_CU_TRU " + show(f[X1::MATINH_CU_TRU].text) + " is not a known province code");
    if (id_kind == SoCccdKind::citizen) {
        if (id[0] != '0' || !is_province_code(id.substr(1, 2)))
            warn(out, "W_PROVINCE", X1::SO_CCCD,
                 "SO_CCCD " + std::string(id) + " birth-registration code " + std::string(id.substr(0, 3)) +
                     " is not a province code (may be a country code for a birth abroad)");
        const int birth_year = digits_at(f[X1::NGAY_SINH].text, 0, 4);
        if (id_birth_year != birth_year)
            warn(out, "W_BIRTH_YEAR", X1::SO_CCCD,
                 "SO_CCCD " + std::string(id) + " encodes birth year " + std::to_string(id_birth_year) +
                     " but NGAY_SINH says " + std::to_string(birth_year));
        const int g = id[3] - '0';
        const int64_t id_sex = g % 2 == 0 ? 1 : 2;
        if ((sex == 1 || sex == 2) && sex != id_sex)
            warn(out, "W_SEX", X1::SO_CCCD,
                 "SO_CCCD " + std::string(id) + " encodes " + (id_sex == 1 ? "male" : "female") +
                     " (digit " + std::to_string(g) + ") but GIOI_TINH is " + std::to_string(sex));
    } else if (id_kind == SoCccdKind::other) {
        warn(out, "W_SO_CCCD_OTHER", X1::SO_CCCD,
             "SO_CCCD " + show(id) + " is not a citizen ID, old ID or passport number; kept but not used to identify "
                                     "the person");
    }
    if (out.ids.citizen.empty() && out.ids.old_id.empty() && out.ids.passport.empty() && out.ids.si_codes.empty())
        warn(out, "W_UNIDENTIFIED", X1::SO_CCCD,
             "no citizen ID, old ID, passport or insurance card: the record is stored but filed in no book");
    return true;
}

}  // namespace ehb
