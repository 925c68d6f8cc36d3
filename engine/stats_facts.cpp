#include "engine/stats_facts.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "engine/calendar.hpp"
#include "engine/padded_copy.hpp"
#include "storage/schema.hpp"

namespace ehb::stats {

namespace {

using simdjson::dom::element;

enum : uint8_t { kReferral = 1, kArrival = 2, kSlip = 4, kAppointment = 8 };
constexpr std::size_t kCoreSize = 1 + 8 + 8 + kIcdLength + 1 + 1 + 1 + 8;

std::string_view text(const element& table, const char* field) {
    std::string_view v;
    if (table[field].get(v) != simdjson::SUCCESS) return {};
    return v;
}

void put_short(std::string& out, std::string_view s) {
    s = s.substr(0, 255);
    out.push_back(static_cast<char>(s.size()));
    out.append(s);
}

bool get_short(std::string_view& in, std::string& out) {
    if (in.empty() || in.size() < std::size_t{1} + static_cast<uint8_t>(in[0])) return false;
    const std::size_t n = static_cast<uint8_t>(in[0]);
    out.assign(in.substr(1, n));
    in.remove_prefix(1 + n);
    return true;
}

template <class T>
void put(std::string& out, T v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

// Hundredths of a dong of a money field (a number in the canonical form).
int64_t money(const element& table, const char* field) {
    element v;
    if (table[field].get(v) != simdjson::SUCCESS) return 0;
    int64_t i = 0;
    if (v.get(i) == simdjson::SUCCESS) return i * 100;
    double d = 0;
    if (v.get(d) == simdjson::SUCCESS && std::isfinite(d) && std::fabs(d) < 9e16) return std::llround(d * 100);
    return 0;
}

uint64_t digits(std::string_view s) {
    uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return 0;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    return v;
}

}  // namespace

void Facts::encode(std::string& out) const {
    if (!counted) return;
    const uint8_t flags = (has_referral() ? kReferral : 0) | (has_arrival() ? kArrival : 0) |
                          (slip.empty() ? 0 : kSlip) | (appointment_slip.empty() ? 0 : kAppointment);
    put(out, flags);
    put(out, admitted);
    put(out, discharged);
    out.append(icd.data(), icd.size());
    put(out, age_band);
    put(out, sex);
    put(out, residence);
    put(out, cost);
    if (flags & kReferral) out.append(referred_from.data(), 5).append(referred_to.data(), 5);
    if (flags & kArrival) out.append(came_from.data(), 5);
    if (flags & kSlip) put_short(out, slip);
    if (flags & kAppointment) {
        put(out, appointment_due);
        put_short(out, appointment_slip);
    }
}

bool Facts::decode(std::string_view in, Facts& out) {
    out = Facts{};
    if (in.empty()) return true;
    if (in.size() < kCoreSize) return false;
    const char* p = in.data();
    const auto flags = schema::load<uint8_t>(p);
    out.admitted = schema::load<uint64_t>(p + 1);
    out.discharged = schema::load<uint64_t>(p + 9);
    std::memcpy(out.icd.data(), p + 17, kIcdLength);
    out.age_band = schema::load<uint8_t>(p + 24);
    out.sex = schema::load<uint8_t>(p + 25);
    out.residence = schema::load<uint8_t>(p + 26);
    out.cost = schema::load<int64_t>(p + 27);
    in.remove_prefix(kCoreSize);
    if (flags & kReferral) {
        if (in.size() < 10) return false;
        std::memcpy(out.referred_from.data(), in.data(), 5);
        std::memcpy(out.referred_to.data(), in.data() + 5, 5);
        in.remove_prefix(10);
    }
    if (flags & kArrival) {
        if (in.size() < 5) return false;
        std::memcpy(out.came_from.data(), in.data(), 5);
        in.remove_prefix(5);
    }
    if ((flags & kSlip) && !get_short(in, out.slip)) return false;
    if (flags & kAppointment) {
        if (in.size() < 4) return false;
        out.appointment_due = schema::load<uint32_t>(in.data());
        in.remove_prefix(4);
        if (!get_short(in, out.appointment_slip)) return false;
    }
    out.counted = in.empty();
    return out.counted;
}

struct Extractor::Impl {
    simdjson::dom::parser parser;
    PaddedCopy padded;
};

Extractor::Extractor() : impl_(std::make_unique<Impl>()) {}
Extractor::~Extractor() = default;
Extractor::Extractor(Extractor&&) noexcept = default;
Extractor& Extractor::operator=(Extractor&&) noexcept = default;

void Extractor::extract(const ParsedRecord& record, Facts& out, std::string& facility) {
    out = Facts{};
    facility = record.facility;
    if (record.kind == RecordKind::checkin) return;
    element root;
    if (impl_->parser.parse(impl_->padded.of(record.canonical), record.canonical.size(), false).get(root)) return;
    element t;
    if (record.kind == RecordKind::vaccination) {
        if (root["TIEM_CHUNG"].get(t) == simdjson::SUCCESS) facility = text(t, "MA_CSKCB");
        return;
    }
    if (root["XML1"].get(t) != simdjson::SUCCESS) return;
    out.counted = true;
    out.admitted = record.admitted;
    out.discharged = record.discharged;
    out.icd = icd_key(text(t, "MA_BENH_CHINH"));
    out.age_band = age_band(text(t, "NGAY_SINH"), record.admitted);
    uint64_t sex = 0;
    if (t["GIOI_TINH"].get(sex) == simdjson::SUCCESS && sex <= 3) out.sex = static_cast<uint8_t>(sex);
    out.residence = schema::province_number(record.person.province.size() == 2 ? record.person.province : "");
    out.cost = money(t, "T_TONGCHI_BV");
    const std::string_view came_from = text(t, "MA_NOI_DI");
    if (!came_from.empty() && came_from != record.facility) out.came_from = facility_code(came_from);
    out.slip = text(t, "GIAY_CHUYEN_TUYEN");
    if (root["XML13"].get(t) == simdjson::SUCCESS && !text(t, "MA_CSKCB_DEN").empty()) {
        const std::string_view from = text(t, "MA_CSKCB_DI");
        out.referred_from = facility_code(from.empty() ? std::string_view(record.facility) : from);
        out.referred_to = facility_code(text(t, "MA_CSKCB_DEN"));
    }
    // XML14.MA_CSKCB is the episode's own facility (E_FACILITY otherwise).
    if (root["XML14"].get(t) == simdjson::SUCCESS && record.appointment != 0) {
        out.appointment_slip = text(t, "SO_GIAYHEN_KL");
        out.appointment_due = out.appointment_slip.empty() ? 0 : record.appointment;
    }
}

void Extractor::facility_of(std::string_view document, std::string& facility) {
    facility.clear();
    element root, t;
    if (impl_->parser.parse(impl_->padded.of(document), document.size(), false).get(root)) return;
    for (const char* table : {"XML1", "XML0", "TIEM_CHUNG"}) {
        if (root[table].get(t) != simdjson::SUCCESS) continue;
        const std::string_view code = text(t, "MA_CSKCB");
        const bool valid = code.size() == 5 && std::all_of(code.begin(), code.end(), [](char c) {
                               return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
                           });
        if (valid) facility = code;
        return;
    }
}

Facility facility_code(std::string_view code) {
    Facility f{};
    std::memcpy(f.data(), code.data(), std::min(code.size(), f.size()));
    return f;
}

std::string_view facility_text(const Facility& f) {
    std::size_t n = 0;
    while (n < f.size() && f[n] != 0) ++n;
    return {f.data(), n};
}

Icd icd_key(std::string_view code) {
    Icd k{};
    std::size_t n = 0;
    for (char c : code) {
        if (c == ';' || n == k.size()) break;
        if (c == '.' || c == ' ') continue;
        k[n++] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    return k;
}

std::string icd_text(const Icd& icd) {
    std::string s(icd.data(), std::find(icd.begin(), icd.end(), '\0'));
    if (s.size() > 3) s.insert(3, 1, '.');
    return s;
}

int icd_chapter(std::string_view code) {
    if (code.size() < 3 || code[0] < 'A' || code[0] > 'Z' || code[1] < '0' || code[1] > '9' || code[2] < '0' ||
        code[2] > '9')
        return 0;
    // Each chapter's first three-character category, in order (WHO ICD-10).
    static constexpr std::array<std::string_view, 22> kFirst = {
        "A00", "C00", "D50", "E00", "F00", "G00", "H00", "H60", "I00", "J00", "K00",
        "L00", "M00", "N00", "O00", "P00", "Q00", "R00", "S00", "V01", "Z00", "U00"};
    const std::string_view c = code.substr(0, 3);
    if (c >= "U00" && c <= "U99") return 22;
    int chapter = 0;
    for (int i = 0; i < 21; ++i)
        if (c >= kFirst[static_cast<std::size_t>(i)]) chapter = i + 1;
    // The gaps of the ranges (D49, E91-E99, H96-H99, K94-K99, P97-P99, T99, Y99) count for no chapter.
    if (c == "D49" || (c > "E90" && c < "F00") || (c > "H95" && c < "I00") || (c > "K93" && c < "L00") ||
        (c > "P96" && c < "Q00") || (c > "T98" && c < "U00") || (c > "Y98" && c < "Z00"))
        return 0;
    return chapter;
}

std::string_view chapter_numeral(int chapter) {
    static constexpr std::array<std::string_view, 23> kNumerals = {
        "",   "I",   "II",   "III", "IV", "V",   "VI",   "VII",   "VIII", "IX",  "X",   "XI",
        "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX", "XXI", "XXII"};
    return chapter >= 0 && chapter <= 22 ? kNumerals[static_cast<std::size_t>(chapter)] : "";
}

uint8_t age_band(std::string_view birth, uint64_t admitted) {
    if (birth.size() != 8 && birth.size() != 12) return kUnknownAgeBand;
    const uint64_t b = digits(birth.substr(0, 8));
    const uint64_t by = b / 10000, bmd = b % 10000;
    const uint64_t ay = admitted / 100000000, amd = admitted / 10000 % 10000;
    // An unknown day and month (0000) count as born on 1 January.
    const bool before_birthday = bmd != 0 && amd < bmd;
    if (by == 0 || ay < by || (ay == by && before_birthday)) return kUnknownAgeBand;
    const uint64_t age = ay - by - (before_birthday ? 1 : 0);
    return age < 5 ? 0 : age < 15 ? 1 : age < 25 ? 2 : age < 45 ? 3 : age < 65 ? 4 : 5;
}

std::string_view age_band_name(uint8_t band) {
    static constexpr std::array<std::string_view, 6> kNames = {"0-4", "5-14", "15-24", "25-44", "45-64", "65+"};
    return band < kNames.size() ? kNames[band] : "unknown";
}

std::string_view sex_name(uint8_t sex) {
    switch (sex) {
        case 1: return "male";
        case 2: return "female";
        case 3: return "undetermined";
        default: return "unknown";
    }
}

int64_t day_number(uint32_t d) { return days_from_civil(d / 10000, d / 100 % 100, d % 100); }

uint32_t day_of(int64_t days) {
    int y = 0, m = 0, d = 0;
    civil_from_days(days, y, m, d);
    return static_cast<uint32_t>(y * 10000 + m * 100 + d);
}

uint32_t iso_week(uint32_t yyyymmdd) {
    const int64_t days = day_number(yyyymmdd);
    const int64_t weekday = ((days + 3) % 7 + 7) % 7;  // Monday 0; 1970-01-01 was a Thursday
    const int64_t thursday = days - weekday + 3;
    const uint32_t year = day_of(thursday) / 10000;
    const int64_t week = (thursday - days_from_civil(year, 1, 1)) / 7 + 1;
    return year * 100 + static_cast<uint32_t>(week);
}

uint32_t iso_week_monday(uint32_t yyyyww) {
    // Week 1 holds 4 January.
    const int64_t jan4 = days_from_civil(yyyyww / 100, 1, 4);
    const int64_t monday1 = jan4 - ((jan4 + 3) % 7 + 7) % 7;
    return day_of(monday1 + (yyyyww % 100 - 1) * 7);
}

std::string iso_week_text(uint32_t yyyyww) {
    char buf[384];
    std::snprintf(buf, sizeof buf, "%04u-W%02u", yyyyww / 100, yyyyww % 100);
    return buf;
}

uint32_t vietnam_day(int64_t time_us) {
    const int64_t minutes = (time_us >= 0 ? time_us / 60'000'000 : -((-time_us + 59'999'999) / 60'000'000)) +
                            kVietnamOffsetMinutes;
    return day_of(minutes >= 0 ? minutes / 1440 : -((-minutes + 1439) / 1440));
}

int64_t minutes_since(uint64_t local_time, int64_t time_us) {
    const int64_t utc = minutes_of(local_time) - kVietnamOffsetMinutes;
    return time_us / 60'000'000 - utc;
}

}  // namespace ehb::stats
