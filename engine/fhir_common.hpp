// What the FHIR reader (engine/fhir_in.cpp) and writer (engine/fhir_out.cpp)
// share: the identifier and code systems, our extension URLs, and the value
// conversions between the BHYT spellings and the FHIR ones. Internal to those
// two files and their tests.
//
// Each conversion to FHIR returns "" when the BHYT value has no exact FHIR
// spelling; when it returns a value, the conversion back gives the BHYT value
// unchanged. The writer relies on this to decide which fields the core FHIR
// elements carry and which need the bhyt-field extension.
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/calendar.hpp"

namespace ehb::fhir {

// ---- Identifier systems (domain reference §4.1) ----
inline constexpr std::string_view kSidNationalId =
    "http://fhir.ehealth.gov.vn/core/sid/national_id";  // 12-digit citizen ID
inline constexpr std::string_view kSidCitizenId = "http://fhir.ehealth.gov.vn/core/sid/citizen_id";  // old 9-digit ID
inline constexpr std::string_view kSidPassport = "http://fhir.ehealth.gov.vn/core/sid/passport_number";
inline constexpr std::string_view kSidInsurance = "http://fhir.ehealth.gov.vn/core/sid/insurance_number";  // card code
inline constexpr std::string_view kSidPatientInternal =
    "http://fhir.ehealth.gov.vn/core/sid/patient-internal-id";  // MA_BN
inline constexpr std::string_view kSidFacility = "http://fhir.ehealth.gov.vn/core/sid/provider-medical-license-number";
inline constexpr std::string_view kSidMaLk = "http://fhir.hl7.org.vn/core/sid/ma-lk";
// No published system: ours.
inline constexpr std::string_view kSidPractitioner =
    "urn:ehb:sid:practitioner-licence";  // MA_BAC_SI, MA_BS_DOC_KQ (CCHN)
inline constexpr std::string_view kSidReferralPaper = "urn:ehb:sid:giay-chuyen-tuyen";
inline constexpr std::string_view kSidReferralFile = "urn:ehb:sid:so-hoso";
inline constexpr std::string_view kSidReferralRegister = "urn:ehb:sid:so-chuyentuyen";
inline constexpr std::string_view kSidAppointmentSlip = "urn:ehb:sid:so-giayhen-kl";
inline constexpr std::string_view kSidPayor = "urn:ehb:sid:payor";
// A vaccination's record id in its source system: this prefix + HE_THONG_NGUON.
inline constexpr std::string_view kSourcePrefix = "urn:ehb:source:";

// ---- Code systems ----
inline constexpr std::string_view kCsIcd10 = "http://hl7.org/fhir/sid/icd-10";
inline constexpr std::string_view kCsActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
inline constexpr std::string_view kCsSnomed = "http://snomed.info/sct";
inline constexpr std::string_view kCsConditionCategory = "http://terminology.hl7.org/CodeSystem/condition-category";
inline constexpr std::string_view kCsDataAbsent = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
inline constexpr std::string_view kCsDischargeDisposition =
    "http://terminology.hl7.org/CodeSystem/discharge-disposition";
// No published system: ours.
inline constexpr std::string_view kCsIndicator = "urn:ehb:codesystem:qd1227-indicator";   // MA_CHI_SO
inline constexpr std::string_view kCsService = "urn:ehb:codesystem:ma-dich-vu";           // MA_DICH_VU
inline constexpr std::string_view kCsDrug = "urn:ehb:codesystem:ma-thuoc";                // MA_THUOC
inline constexpr std::string_view kCsVaccine = "urn:ehb:codesystem:vaccine";              // MA_VACCINE
inline constexpr std::string_view kCsRoute = "urn:ehb:codesystem:duong-dung";             // DUONG_DUNG
inline constexpr std::string_view kCsVisitType = "urn:ehb:codesystem:ma-loai-kcb";        // MA_LOAI_KCB
inline constexpr std::string_view kCsDischargeType = "urn:ehb:codesystem:ma-loai-rv";     // MA_LOAI_RV
inline constexpr std::string_view kCsVisitObject = "urn:ehb:codesystem:ma-doituong-kcb";  // MA_DOITUONG_KCB

// ---- Extensions ----
// A table field no core element carries, its name (as append_url_name
// writes it) after the prefix: "urn:ehb:fhir:bhyt-field:T_BHTT" with
// valueString, valueDecimal or valueBoolean as the document held a string,
// number or boolean (valueInteger is read too).
inline constexpr std::string_view kExtField = "urn:ehb:fhir:bhyt-field:";
// A field whose value is an object or array, its name after the prefix:
// valueString, the value's JSON.
inline constexpr std::string_view kExtJsonField = "urn:ehb:fhir:bhyt-json:";
// A field the row does not have, though the reader would fill it in (a
// resource row's MA_LK): valueString, its name.
inline constexpr std::string_view kExtAbsentField = "urn:ehb:fhir:bhyt-absent";
// A table with no resource of its own, on the Encounter (or Immunization),
// its name after the prefix: one "row" part per row (array tables) or one
// "object" part (object tables), each holding the field extensions above;
// or valueString, the JSON of a value of any other shape.
inline constexpr std::string_view kExtTable = "urn:ehb:fhir:bhyt-table:";
// On a ServiceRequest note: the XML13 field the note's text is (valueString).
inline constexpr std::string_view kExtNoteField = "urn:ehb:fhir:bhyt-note-field";
// On a Coverage: the card's initial-registration facility MA_DKBD (valueIdentifier).
inline constexpr std::string_view kExtRegisteredFacility = "urn:ehb:fhir:ma-dkbd";
inline constexpr std::string_view kExtBirthTime = "http://hl7.org/fhir/StructureDefinition/patient-birthTime";

// ---- The tables a record is carried by ----
inline constexpr std::string_view kEpisodeTable = "XML1";
inline constexpr std::string_view kCheckinTable = "XML0";
inline constexpr std::string_view kVaccinationTable = "TIEM_CHUNG";

// Which person fields the Patient and its Coverages carry for a record's
// table (others of those names are ordinary fields of the table). HO_TEN,
// SO_CCCD, NGAY_SINH, GIOI_TINH and MA_THE_BHYT always.
struct PersonMapping {
    bool ma_bn = false;          // MA_BN (identifier assigned by the facility)
    bool address_phone = false;  // DIA_CHI, DIEN_THOAI
    bool card_details = false;   // MA_DKBD, GT_THE_TU, GT_THE_DEN on the Coverages
};
inline PersonMapping person_mapping(std::string_view table) {
    if (table == kEpisodeTable) return {true, true, true};
    if (table == kCheckinTable) return {true, false, true};
    return {};
}

// ---- Calendar ----

inline bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
inline int month_days(int y, int m) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// The n digits at pos as a number; false if any is not a digit or s is too short.
inline bool digits_at(std::string_view s, std::size_t pos, std::size_t n, int& v) {
    if (s.size() < pos + n) return false;
    v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    return true;
}

inline bool is_real_day(int y, int m, int d) { return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m); }

// ---- BHYT → FHIR ----

// "yyyymmdd" → "yyyy-mm-dd".
inline std::string fhir_date(std::string_view d8) {
    int y, m, d;
    if (d8.size() != 8 || !digits_at(d8, 0, 4, y) || !digits_at(d8, 4, 2, m) || !digits_at(d8, 6, 2, d) ||
        !is_real_day(y, m, d))
        return {};
    std::string out(d8.substr(0, 4));
    out += '-';
    out += d8.substr(4, 2);
    out += '-';
    out += d8.substr(6, 2);
    return out;
}

// "yyyymmddHHMM" (local time, UTC+7) → "yyyy-mm-ddThh:mm:00+07:00", a valid dateTime and instant.
inline std::string fhir_time(std::string_view t12) {
    int hh, mi;
    if (t12.size() != 12 || !digits_at(t12, 8, 2, hh) || !digits_at(t12, 10, 2, mi) || hh > 23 || mi > 59) return {};
    std::string out = fhir_date(t12.substr(0, 8));
    if (out.empty()) return out;
    out += 'T';
    out += t12.substr(8, 2);
    out += ':';
    out += t12.substr(10, 2);
    out += ":00+07:00";
    return out;
}

// A time (12 digits) or a date (8 digits), e.g. NGAY_TIEM.
inline std::string fhir_time_or_date(std::string_view s) { return s.size() == 8 ? fhir_date(s) : fhir_time(s); }

// NGAY_SINH → Patient.birthDate and the patient-birthTime extension:
// "198500000000" → "1985"; "198503000000" → "1985-03"; "198503150000" →
// "1985-03-15"; "198503150830" → "1985-03-15" + "1985-03-15T08:30:00+07:00".
// `exact` is false when the conversion back would not give `s` (an 8-digit
// date gives a birthDate all the same).
struct FhirBirth {
    std::string date;
    std::string time;
    bool exact = false;
};
inline FhirBirth fhir_birth(std::string_view s) {
    FhirBirth b;
    if (s.size() == 8) {
        b.date = fhir_date(s);
        return b;
    }
    int y, m, d, hhmm;
    if (s.size() != 12 || !digits_at(s, 0, 4, y) || !digits_at(s, 4, 2, m) || !digits_at(s, 6, 2, d) ||
        !digits_at(s, 8, 4, hhmm) || y < 1)
        return b;
    if (m == 0 && d == 0 && hhmm == 0) {
        b.date.assign(s.substr(0, 4));
    } else if (d == 0 && hhmm == 0 && m >= 1 && m <= 12) {
        b.date.assign(s.substr(0, 4));
        b.date += '-';
        b.date += s.substr(4, 2);
    } else {
        b.date = fhir_date(s.substr(0, 8));
        if (b.date.empty()) return b;
        if (hhmm != 0) {
            b.time = fhir_time(s);
            if (b.time.empty()) {
                b.date.clear();
                return b;
            }
        }
    }
    b.exact = true;
    return b;
}

// GIOI_TINH 1/2/3 → Patient.gender.
inline std::string_view fhir_gender(std::string_view g) {
    if (g == "1") return "male";
    if (g == "2") return "female";
    if (g == "3") return "unknown";
    return {};
}

// MA_LOAI_KCB → Encounter.class (v3 ActCode).
struct ActClass {
    std::string_view code;
    std::string_view display;
};
inline ActClass encounter_class(std::string_view ma_loai_kcb) {
    if (ma_loai_kcb == "03" || ma_loai_kcb == "09") return {"IMP", "inpatient encounter"};
    if (ma_loai_kcb == "04") return {"SS", "short stay"};
    if (ma_loai_kcb == "12") return {"HH", "home health"};
    if (ma_loai_kcb == "14") return {"VR", "virtual"};
    return {"AMB", "ambulatory"};
}

// ---- FHIR → BHYT ----

// A FHIR date, dateTime or instant. A time of day is converted to Vietnam
// time (UTC+7) and kept to the minute, as BHYT times are.
struct Moment {
    enum class Precision : uint8_t { year, month, day, minute };
    int year = 0, month = 0, day = 0, hour = 0, minute = 0;
    Precision precision = Precision::year;
};
inline bool parse_moment(std::string_view s, Moment& t) {
    t = {};
    if (!digits_at(s, 0, 4, t.year) || t.year < 1) return false;
    if (s.size() == 4) return true;
    if (s[4] != '-' || !digits_at(s, 5, 2, t.month) || t.month < 1 || t.month > 12) return false;
    t.precision = Moment::Precision::month;
    if (s.size() == 7) return true;
    if (s[7] != '-' || !digits_at(s, 8, 2, t.day) || !is_real_day(t.year, t.month, t.day)) return false;
    t.precision = Moment::Precision::day;
    if (s.size() == 10) return true;
    int sec;
    if (s[10] != 'T' || !digits_at(s, 11, 2, t.hour) || s.size() < 19 || s[13] != ':' ||
        !digits_at(s, 14, 2, t.minute) || s[16] != ':' || !digits_at(s, 17, 2, sec) || t.hour > 23 || t.minute > 59 ||
        sec > 60)
        return false;
    std::size_t pos = 19;
    if (pos < s.size() && s[pos] == '.') {
        const std::size_t first = ++pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
        if (pos == first) return false;
    }
    int offset = 0;  // minutes east of UTC
    if (pos < s.size() && s[pos] == 'Z') {
        ++pos;
    } else {
        int oh, om;
        if (pos + 6 != s.size() || (s[pos] != '+' && s[pos] != '-') || !digits_at(s, pos + 1, 2, oh) ||
            s[pos + 3] != ':' || !digits_at(s, pos + 4, 2, om) || oh > 14 || om > 59)
            return false;
        offset = (s[pos] == '-' ? -1 : 1) * (oh * 60 + om);
        pos += 6;
    }
    if (pos != s.size()) return false;
    const int64_t minutes =
        days_from_civil(t.year, t.month, t.day) * 1440 + t.hour * 60 + t.minute - offset + kVietnamOffsetMinutes;
    const int64_t days = minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440;
    const int64_t in_day = minutes - days * 1440;
    civil_from_days(days, t.year, t.month, t.day);
    t.hour = static_cast<int>(in_day / 60);
    t.minute = static_cast<int>(in_day % 60);
    t.precision = Moment::Precision::minute;
    return true;
}

// The digits of a moment: year, month, day, hour, minute, each zero-padded,
// for as many parts as `parts` (3 = yyyymmdd, 5 = yyyymmddHHMM). Parts the
// moment does not have are 00.
inline std::string bhyt_digits(const Moment& t, int parts) {
    const int v[] = {t.year, t.month, t.day, t.hour, t.minute};
    std::string out;
    for (int i = 0; i < parts; ++i) {
        char buf[8];
        const int width = i == 0 ? 4 : 2;
        auto r = std::to_chars(buf, buf + sizeof buf, v[i]);
        out.append(static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, width - (r.ptr - buf))), '0');
        out.append(buf, r.ptr);
    }
    return out;
}

inline std::string_view bhyt_gender(std::string_view g) {
    if (g == "male") return "1";
    if (g == "female") return "2";
    if (g == "other" || g == "unknown") return "3";
    return {};
}

// Encounter.class → MA_LOAI_KCB, for a sender that gives no MA_LOAI_KCB coding.
inline std::string_view visit_type_of_class(std::string_view act_code) {
    if (act_code == "AMB") return "01";
    if (act_code == "IMP") return "03";
    if (act_code == "SS") return "04";
    if (act_code == "HH") return "12";
    if (act_code == "VR") return "14";
    return {};
}

// ---- Names in extension urls ----

// A field or table name at the end of an extension url: the unreserved
// characters of RFC 3986 as they are, every other byte as %XX.
inline void append_url_name(std::string& out, std::string_view name) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 15];
        }
    }
}

// The name back (%XX decoded, other characters as they are); false on a
// malformed escape.
inline bool decode_url_name(std::string_view s, std::string& out) {
    auto hex = [](char h) {
        return h >= '0' && h <= '9'   ? h - '0'
               : h >= 'a' && h <= 'f' ? h - 'a' + 10
               : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                      : -1;
    };
    out.clear();
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        const int hi = i + 2 < s.size() ? hex(s[i + 1]) : -1;
        const int lo = hi >= 0 ? hex(s[i + 2]) : -1;
        if (lo < 0) return false;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return true;
}

// ---- Values ----

// An element already known to be an array or object, as one (a copy, so that
// a range-for over it does not outlive a temporary).
inline simdjson::dom::array as_array(const simdjson::dom::element& e) { return e.get_array().value_unsafe(); }
inline simdjson::dom::object as_object(const simdjson::dom::element& e) { return e.get_object().value_unsafe(); }

// A FHIR code: [^\s]+( [^\s]+)*
inline bool is_fhir_code(std::string_view s) {
    if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return false;
        if (c == ' ' && s[i + 1] == ' ') return false;
    }
    return true;
}

// A JSON number as text: integers in decimal, other numbers in the shortest
// form that reads back to the same double (what the canonical form writes).
inline std::string number_text(const simdjson::dom::element& e) {
    char buf[32];
    std::to_chars_result r{buf, {}};
    switch (e.type()) {
        case simdjson::dom::element_type::INT64:
            r = std::to_chars(buf, buf + sizeof buf, int64_t(e.get_int64().value_unsafe()));
            break;
        case simdjson::dom::element_type::UINT64:
            r = std::to_chars(buf, buf + sizeof buf, uint64_t(e.get_uint64().value_unsafe()));
            break;
        case simdjson::dom::element_type::DOUBLE:
            r = std::to_chars(buf, buf + sizeof buf, double(e.get_double().value_unsafe()));
            break;
        default: break;
    }
    return std::string(buf, r.ptr);
}

// True when `s` written as a JSON number reads back (by number_text) as `s`:
// "5.6", "120", "-3" yes; "5.60", "007", "1e2", "-0" no.
inline bool is_exact_number_text(std::string_view s) {
    const std::size_t lead = !s.empty() && s[0] == '-';
    if (s.size() <= lead || s[lead] < '0' || s[lead] > '9') return false;  // also keeps out "inf" and "nan"
    char buf[32];
    const char* end = s.data() + s.size();
    std::to_chars_result r;
    if (s.find_first_of(".eE") == std::string_view::npos) {
        int64_t i;
        uint64_t u;
        if (auto p = std::from_chars(s.data(), end, i); p.ec == std::errc() && p.ptr == end) {
            r = std::to_chars(buf, buf + sizeof buf, i);
        } else if (auto q = std::from_chars(s.data(), end, u); q.ec == std::errc() && q.ptr == end) {
            r = std::to_chars(buf, buf + sizeof buf, u);
        } else {
            return false;
        }
    } else {
        double d;
        auto p = std::from_chars(s.data(), end, d);
        if (p.ec != std::errc() || p.ptr != end) return false;
        r = std::to_chars(buf, buf + sizeof buf, d);
    }
    return std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)) == s;
}

}  // namespace ehb::fhir
