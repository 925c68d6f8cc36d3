#include "engine/validate.hpp"

#include <charconv>

#include "engine/provinces.hpp"
#include "engine/tables.hpp"

namespace ehb {

// ---------------------------------------------------------------------------
// Field-name lookup.

namespace {
constexpr FieldIndex kXml1Index = build_field_index(kXml1Fields);
}  // namespace

int find_field(std::span<const FieldSpec> specs, const FieldIndex& index, std::string_view name) noexcept {
    std::size_t p = fnv1a(name) & (kFieldIndexSize - 1);
    for (;;) {
        const uint8_t i = index[p];
        if (i == 0xFF) return -1;
        if (specs[i].name == name) return i;
        p = (p + 1) & (kFieldIndexSize - 1);
    }
}

int xml1_field_index(std::string_view name) noexcept { return find_field(kXml1Fields, kXml1Index, name); }

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

std::string field_path(const FieldRef& at) {
    std::string p(at.row);
    p += '.';
    p += at.name;
    return p;
}

}  // namespace

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

bool present(const FieldValue& f) noexcept {
    return f.kind != JsonKind::absent && f.kind != JsonKind::null && !(f.kind == JsonKind::string && f.text.empty());
}

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

uint64_t digits_value(std::string_view s) noexcept {
    uint64_t v = 0;
    for (char c : s) v = v * 10 + static_cast<uint64_t>(c - '0');
    return v;
}

// ---------------------------------------------------------------------------
// Errors.

bool field_error(Issue& e, std::string_view code, const FieldRef& at, std::string reason) {
    if (!at.sent_as.empty() && at.sent_as != at.name) {
        reason += " (";
        reason += at.sent_as;
        reason += " in QĐ ";
        reason += generation_name(at.generation);
        reason += ')';
    }
    e.code.assign(code);
    e.field = field_path(at);
    e.reason = std::move(reason);
    return false;
}

void field_warning(std::vector<Issue>& warnings, std::string_view code, const FieldRef& at, std::string reason) {
    Issue& w = warnings.emplace_back();
    w.code.assign(code);
    w.field = field_path(at);
    w.reason = std::move(reason);
}

std::string required_reason(std::string_view name, const FieldValue& f) {
    const char* how = f.kind == JsonKind::absent ? "missing" : f.kind == JsonKind::null ? "null" : "empty";
    std::string r(name);
    r += " is required but is ";
    r += how;
    return r;
}

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
// Single-field checks.

namespace {

// The allowed values of an integer code format and what they mean.
struct CodeRange {
    int64_t lo, hi;
    std::string_view meaning;
};

CodeRange code_range(Format f) noexcept {
    switch (f) {
        case Format::sex: return {1, 3, "1 male, 2 female, 3 undetermined"};
        case Format::treatment_result: return {1, 8, "treatment result"};
        case Format::discharge_type: return {1, 5, "discharge type"};
        case Format::referral_reason:
            return {1, 3,
                    "referral reason: 1 meets the referral rules, 2 beyond the facility's capacity, 3 at the "
                    "patient's request"};
        case Format::yes_no: return {0, 1, "0 no, 1 yes"};
        case Format::pregnancy_weeks: return {1, 42, "weeks of pregnancy"};
        case Format::dose_number: return {1, 99, "dose number"};
        default: return {0, -1, ""};  // not an integer code: no value fits
    }
}

// Codes are digits in practice; letters are allowed, anything else is not a
// facility code (and the episode key relies on the code being 5 bytes).
bool check_facility(std::string_view code, const FieldRef& at, Issue& e) {
    const std::size_t n = utf8_length(code);
    if (n != 5)
        return field_error(
            e, "E_FACILITY", at,
            std::string(at.name) + " " + show(code) + " must be exactly 5 characters, has " + std::to_string(n));
    for (char c : code) {
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
            return field_error(
                e, "E_FACILITY", at,
                std::string(at.name) + " " + show(code) + " must be 5 letters or digits (A-Z, a-z, 0-9)");
    }
    return true;
}

bool check_timestamp(std::string_view s, const FieldRef& at, Issue& e) {
    std::string why;
    if (is_real_timestamp12(s, &why)) return true;
    if (s.size() == 12 && all_digits(s))
        return field_error(e, "E_DATE", at,
                           std::string(at.name) + " " + std::string(s) + " is not a real time: " + why);
    return field_error(e, "E_DATE", at, std::string(at.name) + " " + show(s) + " " + why);
}

bool check_date8(std::string_view s, const FieldRef& at, Issue& e) {
    std::string why;
    if (is_real_date8(s, &why)) return true;
    if (s.size() == 8 && all_digits(s))
        return field_error(e, "E_DATE", at,
                           std::string(at.name) + " " + std::string(s) + " is not a real date: " + why);
    return field_error(e, "E_DATE", at, std::string(at.name) + " " + show(s) + " " + why);
}

bool check_time_or_date(std::string_view s, const FieldRef& at, Issue& e) {
    if (all_digits(s) && s.size() == 8) return check_date8(s, at, e);
    if (all_digits(s) && s.size() == 12) return check_timestamp(s, at, e);
    return field_error(e, "E_DATE", at,
                       std::string(at.name) + " " + show(s) + " must be 8 digits yyyymmdd or 12 digits yyyymmddHHMM");
}

bool check_visit_type(std::string_view k, const FieldRef& at, Issue& e) {
    if (k.size() == 2 && all_digits(k) && digits_at(k, 0, 2) >= 1 && digits_at(k, 0, 2) <= 16) return true;
    return field_error(
        e, "E_CODE", at,
        std::string(at.name) + " " + show(k) + " is not a valid visit type: expected two digits \"01\"-\"16\"");
}

// A source system's code goes into a vaccination's episode key before '|'.
bool check_source_code(std::string_view s, const FieldRef& at, Issue& e) {
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.' || c == '_' ||
              c == '-'))
            return field_error(e, "E_CODE", at,
                               std::string(at.name) + " " + show(s) +
                                   " is not a source system code: letters, digits, '.', '_' and '-' only");
    }
    return true;
}

bool check_date_list(std::string_view s, const FieldRef& at, Issue& e) {
    std::string_view rest = s;
    if (rest.empty()) return true;
    const std::string name(at.name);
    for (;;) {
        std::size_t semi = rest.find(';');
        std::string_view item = rest.substr(0, semi);
        std::string why;
        if (!is_real_date8(item, &why)) {
            if (item.size() == 8 && all_digits(item))
                return field_error(e, "E_DATE", at,
                                   name + " date " + std::string(item) + " is not a real date: " + why);
            return field_error(e, "E_DATE", at, name + " item " + show(item) + " " + why + " (list separated by ';')");
        }
        if (semi == std::string_view::npos) return true;
        rest.remove_prefix(semi + 1);
    }
}

// The year of admission bounds a birth; `admit_field` names where it comes from.
bool check_birth(std::string_view s, int admit_year, std::string_view admit_field, const FieldRef& at, Issue& e) {
    const std::string name(at.name);
    if ((s.size() != 12 && s.size() != 8) || !all_digits(s))
        return field_error(e, "E_DATE", at,
                           name + " " + show(s) + " must be 12 digits yyyymmddHHMM or 8 digits yyyymmdd");
    int y = digits_at(s, 0, 4);
    int m = digits_at(s, 4, 2);
    int d = digits_at(s, 6, 2);
    std::string why;
    if (y < 1880 || y > admit_year) {
        why = "year " + std::to_string(y) + " is outside 1880-" + std::to_string(admit_year) + " (the year of ";
        why += admit_field;
        why += ")";
    } else if (!(m == 0 && d == 0) && !real_month_day(y, m, d, &why)) {
        why += " (use 0000 for an unknown day and month)";
    } else if (s.size() == 12) {
        real_hour_minute(digits_at(s, 8, 2), digits_at(s, 10, 2), &why);
    }
    if (why.empty()) return true;
    return field_error(e, "E_DATE", at, name + " " + std::string(s) + " is not a real birth date: " + why);
}

bool check_code(const FieldValue& f, Format format, const FieldRef& at, Issue& e) {
    const CodeRange r = code_range(format);
    int64_t v = 0;
    if (int_value(f, v) && v >= r.lo && v <= r.hi) return true;
    return field_error(e, "E_CODE", at,
                       std::string(at.name) + " " + value_text(f) + " is not a valid code: expected " +
                           std::to_string(r.lo) + "-" + std::to_string(r.hi) + " (" + std::string(r.meaning) + ")");
}

}  // namespace

// ---------------------------------------------------------------------------
// A row of declared fields.

FieldRef Row::ref(std::size_t i) const noexcept {
    return {path, specs[i].name, former_field_name(generation, table, specs[i].name), generation};
}

std::string_view Row::text(std::size_t i) const noexcept {
    return values[i].kind == JsonKind::string ? values[i].text : std::string_view{};
}

bool check_types(const Row& row, Issue& e) {
    for (std::size_t i = 0; i < row.specs.size(); ++i) {
        const FieldValue& v = row[i];
        const FieldSpec& spec = row.specs[i];
        if (v.kind == JsonKind::absent || v.kind == JsonKind::null || v.kind == JsonKind::string) {
            if (spec.type == FieldType::num && v.kind == JsonKind::string && !is_decimal_text(v.text))
                return field_error(e, "E_TYPE", row.ref(i),
                                   std::string(spec.name) + " " + show(v.text) +
                                       " is not a number: a numeric field takes a JSON number or a decimal string "
                                       "like \"12\" or \"1500.50\"");
            continue;
        }
        if (spec.type == FieldType::num &&
            (v.kind == JsonKind::int64 || v.kind == JsonKind::uint64 || v.kind == JsonKind::dbl))
            continue;
        return field_error(e, "E_TYPE", row.ref(i),
                           std::string(spec.name) + " must be " +
                               (spec.type == FieldType::num ? "a number or a numeric string" : "a string") + ", got " +
                               std::string(kind_name(v.kind)));
    }
    return true;
}

bool check_required(const Row& row, Issue& e) {
    for (std::size_t i = 0; i < row.specs.size(); ++i)
        if (row.specs[i].required && !present(row[i]))
            return field_error(e, "E_REQUIRED", row.ref(i), required_reason(row.specs[i].name, row[i]));
    return true;
}

bool check_lengths(const Row& row, Issue& e) {
    for (std::size_t i = 0; i < row.specs.size(); ++i) {
        // Byte length bounds the code points: count only when it exceeds.
        const std::size_t max = row.specs[i].max_len;
        if (max == 0 || row[i].kind != JsonKind::string || row[i].text.size() <= max) continue;
        const std::size_t n = utf8_length(row[i].text);
        if (n > max)
            return field_error(e, "E_LENGTH", row.ref(i),
                               std::string(row.specs[i].name) + " has " + std::to_string(n) +
                                   " characters; the maximum is " + std::to_string(max));
    }
    return true;
}

bool check_facilities(const Row& row, Issue& e) {
    for (std::size_t i = 0; i < row.specs.size(); ++i)
        if (row.specs[i].format == Format::facility && present(row[i]) && !check_facility(row.text(i), row.ref(i), e))
            return false;
    return true;
}

bool check_dates(const Row& row, Issue& e) {
    for (std::size_t i = 0; i < row.specs.size(); ++i) {
        if (!present(row[i])) continue;
        const std::string_view s = row.text(i);
        bool ok = true;
        switch (row.specs[i].format) {
            case Format::time: ok = check_timestamp(s, row.ref(i), e); break;
            case Format::date: ok = check_date8(s, row.ref(i), e); break;
            case Format::date_list: ok = check_date_list(s, row.ref(i), e); break;
            case Format::time_or_date: ok = check_time_or_date(s, row.ref(i), e); break;
            default: break;
        }
        if (!ok) return false;
    }
    return true;
}

bool check_births(const Row& row, int admit_year, std::string_view admit_field, Issue& e) {
    for (std::size_t i = 0; i < row.specs.size(); ++i)
        if (row.specs[i].format == Format::birth && present(row[i]) &&
            !check_birth(row.text(i), admit_year, admit_field, row.ref(i), e))
            return false;
    return true;
}

bool check_codes(const Row& row, Issue& e) {
    for (std::size_t i = 0; i < row.specs.size(); ++i) {
        if (!present(row[i])) continue;
        const Format f = row.specs[i].format;
        bool ok = true;
        if (f == Format::visit_type)
            ok = check_visit_type(row.text(i), row.ref(i), e);
        else if (f == Format::source_code)
            ok = check_source_code(row.text(i), row.ref(i), e);
        else if (code_range(f).lo <= code_range(f).hi)
            ok = check_code(row[i], f, row.ref(i), e);
        if (!ok) return false;
    }
    return true;
}

// ---------------------------------------------------------------------------
// The person's identifiers.

namespace {

FieldRef person_ref(const PersonFields& p, std::string_view name) {
    return {p.row, name, former_field_name(p.generation, p.row, name), p.generation};
}

int citizen_birth_year(std::string_view id) noexcept { return 1900 + 100 * ((id[3] - '0') / 2) + digits_at(id, 4, 2); }

}  // namespace

bool read_person_ids(const PersonFields& p, PersonIds& ids, Issue& e) {
    const std::string_view id = p.so_cccd;
    const SoCccdKind kind = classify_so_cccd(id);
    const FieldRef at_id = person_ref(p, "SO_CCCD");
    if (kind == SoCccdKind::bad_digits)
        return field_error(e, "E_ID", at_id,
                           "SO_CCCD " + show(id) + " has " + std::to_string(id.size()) +
                               " digits: an all-digit SO_CCCD must be a 12-digit citizen ID or a 9-digit old ID");
    if (kind == SoCccdKind::citizen && citizen_birth_year(id) > p.admit_year)
        return field_error(e, "E_ID", at_id,
                           "SO_CCCD " + std::string(id) + " is not a valid citizen ID: century/sex digit " +
                               std::string(1, id[3]) + " and year digits " + std::string(id.substr(4, 2)) +
                               " give birth year " + std::to_string(citizen_birth_year(id)) +
                               ", after the admission year " + std::to_string(p.admit_year));

    // Cards: check all before taking any.
    std::string_view rest = p.cards;
    for (std::size_t n = 1; !p.cards.empty(); ++n) {
        const std::size_t semi = rest.find(';');
        const std::string_view card = rest.substr(0, semi);
        if (!is_card_code(card))
            return field_error(e, "E_CARD", person_ref(p, "MA_THE_BHYT"),
                               "MA_THE_BHYT card " + std::to_string(n) + " " + show(card) +
                                   " is not a card code: expected 2 capital letters, benefit level 1-5, 2-digit "
                                   "province and 10-digit social-insurance code (15 characters; several cards "
                                   "separated by ';')");
        if (semi == std::string_view::npos) break;
        rest.remove_prefix(semi + 1);
    }

    ids.citizen.clear();
    ids.old_id.clear();
    ids.passport.clear();
    ids.si_codes.clear();
    switch (kind) {
        case SoCccdKind::citizen: ids.citizen.assign(id); break;
        case SoCccdKind::old_id: ids.old_id.assign(id); break;
        case SoCccdKind::passport: ids.passport.assign(id); break;
        default: break;
    }
    rest = p.cards;
    while (!rest.empty()) {
        const std::size_t semi = rest.find(';');
        const std::string_view si = rest.substr(0, semi).substr(5);
        bool seen = false;
        for (const auto& s : ids.si_codes) seen = seen || s == si;
        if (!seen) ids.si_codes.emplace_back(si);
        if (semi == std::string_view::npos) break;
        rest.remove_prefix(semi + 1);
    }
    return true;
}

void warn_person_ids(const PersonFields& p, const PersonIds& ids, std::vector<Issue>& warnings) {
    const std::string_view id = p.so_cccd;
    const FieldRef at = person_ref(p, "SO_CCCD");
    const SoCccdKind kind = classify_so_cccd(id);
    if (kind == SoCccdKind::citizen) {
        if (id[0] != '0' || !is_province_code(id.substr(1, 2)))
            field_warning(warnings, "W_PROVINCE", at,
                          "SO_CCCD " + std::string(id) + " birth-registration code " + std::string(id.substr(0, 3)) +
                              " is not a province code (may be a country code for a birth abroad)");
        const int id_year = citizen_birth_year(id);
        const int birth_year = digits_at(p.birth, 0, 4);
        if (id_year != birth_year)
            field_warning(warnings, "W_BIRTH_YEAR", at,
                          "SO_CCCD " + std::string(id) + " encodes birth year " + std::to_string(id_year) +
                              " but NGAY_SINH says " + std::to_string(birth_year));
        const int g = id[3] - '0';
        const int64_t id_sex = g % 2 == 0 ? 1 : 2;
        if ((p.sex == 1 || p.sex == 2) && p.sex != id_sex)
            field_warning(warnings, "W_SEX", at,
                          "SO_CCCD " + std::string(id) + " encodes " + (id_sex == 1 ? "male" : "female") + " (digit " +
                              std::to_string(g) + ") but GIOI_TINH is " + std::to_string(p.sex));
    } else if (kind == SoCccdKind::other) {
        field_warning(warnings, "W_SO_CCCD_OTHER", at,
                      "SO_CCCD " + show(id) +
                          " is not a citizen ID, old ID or passport number; kept but not used to identify the person");
    }
    if (ids.citizen.empty() && ids.old_id.empty() && ids.passport.empty() && ids.si_codes.empty())
        field_warning(warnings, "W_UNIDENTIFIED", at,
                      "no citizen ID, old ID, passport or insurance card: the person is found by name, birth date and "
                      "address (docs/persons.md)");
}

// ---------------------------------------------------------------------------
// XML1.

namespace {

// QĐ 4210 wrote MA_LOAI_KCB (1-3) and CAN_NANG (kg) as numbers.
constexpr std::array<FieldSpec, kXml1FieldCount> xml1_fields_4210() {
    auto f = kXml1Fields;
    f[X1::MA_LOAI_KCB].type = FieldType::num;
    f[X1::CAN_NANG].type = FieldType::num;
    return f;
}
constexpr std::array<FieldSpec, kXml1FieldCount> kXml1Fields4210 = xml1_fields_4210();

}  // namespace

bool validate_xml1(const Xml1Fields& in, Generation g, ParsedRecord& out, Issue& e) {
    const auto& f = in.slot;
    const bool qd4210 = g == Generation::qd4210;
    const Row row{qd4210 ? std::span<const FieldSpec>(kXml1Fields4210) : std::span<const FieldSpec>(kXml1Fields),
                  f.data(), "XML1", "XML1", g};

    // 1-3. Types, required fields (and MA_NOI_DEN for a referral), lengths.
    if (!check_types(row, e) || !check_required(row, e)) return false;
    int64_t rv = 0;
    if (!qd4210 && int_value(f[X1::MA_LOAI_RV], rv) && (rv == 2 || rv == 5) && !present(f[X1::MA_NOI_DEN]))
        return field_error(e, "E_REQUIRED", row.ref(X1::MA_NOI_DEN),
                           required_reason("MA_NOI_DEN", f[X1::MA_NOI_DEN]) + ": MA_LOAI_RV " + std::to_string(rv) +
                               " is a referral, which names the facility the patient is referred to");
    if (!check_lengths(row, e)) return false;
    const std::string_view kt = row.text(X1::MA_BENH_KT);
    if (!kt.empty()) {
        std::size_t codes = 1;
        for (char c : kt) codes += c == ';';
        if (codes > 12)
            return field_error(e, "E_LENGTH", row.ref(X1::MA_BENH_KT),
                               "MA_BENH_KT has " + std::to_string(codes) + " codes; the maximum is 12");
    }

    // 4. Facility code.
    const std::string_view facility = row.text(X1::MA_CSKCB);
    if (!check_facility(facility, row.ref(X1::MA_CSKCB), e)) return false;

    // 5. Timestamps and dates.
    const std::string_view vao = row.text(X1::NGAY_VAO);
    const std::string_view ra = row.text(X1::NGAY_RA);
    for (std::size_t i : {std::size_t{X1::NGAY_VAO}, std::size_t{X1::NGAY_RA}})
        if (!check_timestamp(row.text(i), row.ref(i), e)) return false;
    for (std::size_t i : {std::size_t{X1::NGAY_VAO_NOI_TRU}, std::size_t{X1::NGAY_TTOAN}})
        if (present(f[i]) && !check_timestamp(row.text(i), row.ref(i), e)) return false;
    if (present(f[X1::NGAY_MIEN_CCT]) &&
        !check_time_or_date(row.text(X1::NGAY_MIEN_CCT), row.ref(X1::NGAY_MIEN_CCT), e))
        return false;
    for (std::size_t i : {std::size_t{X1::GT_THE_TU}, std::size_t{X1::GT_THE_DEN}, std::size_t{X1::NGAY_TAI_KHAM}})
        if (present(f[i]) && !check_date_list(row.text(i), row.ref(i), e)) return false;
    const int admit_year = digits_at(vao, 0, 4);
    if (!check_birth(row.text(X1::NGAY_SINH), admit_year, "NGAY_VAO", row.ref(X1::NGAY_SINH), e)) return false;

    // 6. Order.
    const uint64_t t_vao = digits_value(vao);
    const uint64_t t_ra = digits_value(ra);
    if (t_vao > t_ra)
        return field_error(e, "E_DATE_ORDER", row.ref(X1::NGAY_RA),
                           "NGAY_RA " + std::string(ra) + " is before NGAY_VAO " + std::string(vao));
    if (present(f[X1::NGAY_VAO_NOI_TRU])) {
        const std::string_view nt = row.text(X1::NGAY_VAO_NOI_TRU);
        const uint64_t t_nt = digits_value(nt);
        if (t_nt < t_vao || t_nt > t_ra)
            return field_error(e, "E_DATE_ORDER", row.ref(X1::NGAY_VAO_NOI_TRU),
                               "NGAY_VAO_NOI_TRU " + std::string(nt) + " is outside the episode [NGAY_VAO " +
                                   std::string(vao) + ", NGAY_RA " + std::string(ra) + "]");
    }

    // 7. Codes. QĐ 4210 had four discharge types (no 5) and three visit types as numbers.
    if (!check_code(f[X1::GIOI_TINH], Format::sex, row.ref(X1::GIOI_TINH), e)) return false;
    if (!check_code(f[X1::KET_QUA_DTRI], Format::treatment_result, row.ref(X1::KET_QUA_DTRI), e)) return false;
    if (!check_code(f[X1::MA_LOAI_RV], Format::discharge_type, row.ref(X1::MA_LOAI_RV), e)) return false;
    if (qd4210) {
        int64_t v = 0;
        if (int_value(f[X1::MA_LOAI_RV], v) && v == 5)
            return field_error(e, "E_CODE", row.ref(X1::MA_LOAI_RV),
                               "MA_LOAI_RV 5 is not a valid code in QĐ 4210: expected 1-4 (discharge type)");
        if (!int_value(f[X1::MA_LOAI_KCB], v) || v < 1 || v > 3)
            return field_error(e, "E_CODE", row.ref(X1::MA_LOAI_KCB),
                               "MA_LOAI_KCB " + value_text(f[X1::MA_LOAI_KCB]) +
                                   " is not a valid visit type in QĐ 4210: expected 1-3 (1 examination, 2 outpatient "
                                   "treatment, 3 inpatient treatment)");
    } else if (!check_visit_type(row.text(X1::MA_LOAI_KCB), row.ref(X1::MA_LOAI_KCB), e)) {
        return false;
    }
    int64_t sex = 0;
    int_value(f[X1::GIOI_TINH], sex);

    // 8-9. SO_CCCD, then the cards.
    const PersonFields person{
        "XML1", g, row.text(X1::SO_CCCD), row.text(X1::MA_THE_BHYT), row.text(X1::NGAY_SINH), sex, admit_year};
    PersonIds ids;
    if (!read_person_ids(person, ids, e)) return false;

    // Accepted: fill the record.
    out.facility.assign(facility);
    out.ma_lk.assign(row.text(X1::MA_LK));
    out.admitted = t_vao;
    out.ids = std::move(ids);
    Demographics& who = out.person;
    who.name.assign(row.text(X1::HO_TEN));
    who.birth.assign(row.text(X1::NGAY_SINH));
    who.address.assign(row.text(X1::DIA_CHI));
    who.ward.assign(row.text(X1::MAXA_CU_TRU));
    who.province.assign(row.text(X1::MATINH_CU_TRU));
    who.patient_number.assign(row.text(X1::MA_BN));
    who.sex = sex == 1 || sex == 2 ? static_cast<uint8_t>(sex) : 0;

    // Warnings.
    if (!is_province_code(facility.substr(0, 2)))
        field_warning(out.warnings, "W_PROVINCE", row.ref(X1::MA_CSKCB),
                      "MA_CSKCB " + show(facility) + " does not start with a known province code");
    if (present(f[X1::MATINH_CU_TRU]) && !is_province_code(row.text(X1::MATINH_CU_TRU)))
        field_warning(out.warnings, "W_PROVINCE", row.ref(X1::MATINH_CU_TRU),
                      "MATINH_CU_TRU " + show(row.text(X1::MATINH_CU_TRU)) + " is not a known province code");
    warn_person_ids(person, out.ids, out.warnings);
    return true;
}

}  // namespace ehb
