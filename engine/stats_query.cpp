#include "engine/stats.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "engine/appointments.hpp"
#include "engine/provinces.hpp"
#include "engine/stats_keys.hpp"
#include "engine/stats_table.hpp"

namespace ehb {

namespace {

using namespace stats;

const std::vector<std::string_view> kDiagnosisDims = {"week", "province", "residence", "chapter", "code", "age", "sex"};
const std::vector<std::string_view> kFacilityDims = {"day", "province", "facility"};
const std::vector<std::string_view> kReferralDims = {"month", "from_province", "from", "to_province", "to"};
const std::vector<std::string_view> kAppointmentDims = {"day", "week", "province"};

constexpr std::string_view kDefinitions =
    R"j({"week":"ISO 8601 (Monday to Sunday; week 1 holds the year's first Thursday) of XML1.NGAY_VAO",)j"
    R"j("province":"the facility's: the first two characters of MA_CSKCB","residence":"XML1.MATINH_CU_TRU",)j"
    R"j("age":"completed years at NGAY_VAO from NGAY_SINH: 0-4, 5-14, 15-24, 25-44, 45-64, 65+",)j"
    R"j("cost_vnd":"XML1.T_TONGCHI_BV, dong","counted":"the current version of each episode's full record (XML1)"})j";

std::string two_digits(unsigned n) {
    if (n == 0) return "unknown";
    char buf[384];
    std::snprintf(buf, sizeof buf, "%02u", n);
    return buf;
}

std::string day_text(uint32_t d) {
    char buf[384];
    std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", d / 10000, d / 100 % 100, d % 100);
    return buf;
}

std::string facility_name(const Facility& f) {
    const std::string_view t = facility_text(f);
    return t.empty() ? std::string("unknown") : std::string(t);
}

int64_t u32(std::string_view v, std::size_t at) { return v.size() >= at + 4 ? schema::load<uint32_t>(v.data() + at) : 0; }
int64_t i64(std::string_view v, std::size_t at) { return v.size() >= at + 8 ? schema::load<int64_t>(v.data() + at) : 0; }

// Calls f(key, value) for the keys of `kind` from `first` to `last` (the u32 after the kind, both included).
// `skip(key)` may return a key to continue from instead (to jump over what a filter drops), or "".
template <class Skip, class F>
void scan(const StoreReader& r, Kind kind, uint32_t first, uint32_t last, Skip skip, F f) {
    lmdb::Cursor c(r.txn(), r.tables().stats);
    std::string start = kind_key(kind, first);
    std::string_view k = start, v;
    for (bool ok = c.get(k, v, MDB_SET_RANGE); ok;) {
        if (k.size() < 5 || k[0] != static_cast<char>(kind) || get_be32(k, 1) > last) break;
        if (std::string next = skip(k); !next.empty()) {
            start = std::move(next);
            k = start;
            ok = c.get(k, v, MDB_SET_RANGE);
            continue;
        }
        f(k, v);
        ok = c.get(k, v, MDB_NEXT);
    }
}

// Jumps within a key whose province byte (or two-digit facility prefix) is at `at` to the wanted province.
std::string province_skip(std::string_view k, Kind kind, std::size_t at, std::string_view wanted, bool two_chars) {
    if (wanted.empty()) return {};
    const std::string_view have = two_chars ? k.substr(at, 2) : std::string_view();
    const int cmp = two_chars ? have.compare(wanted)
                              : int(static_cast<uint8_t>(k[at])) - int(schema::province_number(wanted));
    if (cmp == 0) return {};
    const uint32_t first = get_be32(k, 1);
    std::string next = kind_key(kind, cmp < 0 ? first : first + 1);
    if (cmp < 0) {
        if (two_chars) next.append(wanted);
        else next.push_back(static_cast<char>(schema::province_number(wanted)));
    }
    return next;
}

bool set_day(uint32_t& day, std::string_view value, std::string_view name, std::string& error) {
    if (parse_day(value, day)) return true;
    error = std::string(name) + ": '" + std::string(value) + "' is not a real day YYYYMMDD";
    return false;
}

bool set_province(std::string& province, std::string_view value, std::string& error) {
    if (value.empty() || is_province_code(value)) {
        province = value;
        return true;
    }
    error = std::string("'") + std::string(value) + "' is not a province code";
    return false;
}

bool set_facility(std::string& facility, std::string_view value, std::string& error) {
    if (value.size() <= 5) {
        facility = value;
        return true;
    }
    error = std::string("facility: '") + std::string(value) + "' is not a facility code (MA_CSKCB, 5 characters)";
    return false;
}

bool unknown(std::string_view name, std::string& error) {
    error = std::string("unknown parameter '") + std::string(name) + "'";
    return false;
}

void query_common(std::string& out, uint32_t from, uint32_t to, std::string_view province) {
    out += std::string("{\"from\":\"") + day_text(from) + std::string("\",\"to\":\"") + day_text(to) + "\",\"province\":";
    append_json_string(out, province);
}

void query_group_by(std::string& out, const std::vector<std::string>& group_by) {
    out += ",\"group_by\":[";
    for (std::size_t i = 0; i < group_by.size(); ++i) {
        if (i) out.push_back(',');
        append_json_string(out, group_by[i]);
    }
    out += "]}";
}

// ---- diagnoses ----

Table diagnoses(const Store& store, const DiagnosisQuery& q) {
    Table t(kDiagnosisDims, q.group_by, {{"visits"}, {"cost_vnd", MetricType::money}});
    const Icd prefix = icd_key(q.code);
    const std::size_t prefix_size = std::find(prefix.begin(), prefix.end(), '\0') - prefix.begin();
    const uint8_t residence = schema::province_number(q.residence);
    std::vector<std::string> dims(kDiagnosisDims.size());
    store.read([&](const StoreReader& r) {
        scan(
            r, Kind::diagnoses, iso_week(q.from), iso_week(q.to),
            [&](std::string_view k) { return province_skip(k, Kind::diagnoses, 5, q.province, false); },
            [&](std::string_view k, std::string_view v) {
                if (k.size() != 16) return;
                Icd icd{};
                std::copy_n(k.data() + 6, icd.size(), icd.begin());
                if (!std::equal(prefix.begin(), prefix.begin() + static_cast<std::ptrdiff_t>(prefix_size), icd.begin()))
                    return;
                const int chapter = icd_chapter({icd.data(), 3});
                if (q.chapter != 0 && chapter != q.chapter) return;
                if (residence != 0 && static_cast<uint8_t>(k[15]) != residence) return;
                dims[0] = iso_week_text(get_be32(k, 1));
                dims[1] = two_digits(static_cast<uint8_t>(k[5]));
                dims[2] = two_digits(static_cast<uint8_t>(k[15]));
                dims[3] = chapter ? std::string(chapter_numeral(chapter)) : "unknown";
                dims[4] = icd_text(icd);
                dims[5] = age_band_name(static_cast<uint8_t>(k[13]));
                dims[6] = sex_name(static_cast<uint8_t>(k[14]));
                t.add(dims, {u32(v, 0), i64(v, 4)});
            });
        return 0;
    });
    return t;
}

std::string diagnosis_query_json(const DiagnosisQuery& q) {
    std::string out;
    query_common(out, q.from, q.to, q.province);
    const uint32_t first = iso_week(q.from), last = iso_week(q.to);
    out += std::string(",\"weeks\":{\"first\":\"") + iso_week_text(first) + std::string("\",\"last\":\"") + iso_week_text(last) +
           std::string("\",\"from\":\"") + day_text(iso_week_monday(first)) + std::string("\",\"to\":\"") +
           day_text(day_of(day_number(iso_week_monday(last)) + 6)) + "\"},\"residence\":";
    append_json_string(out, q.residence);
    out += ",\"code\":";
    append_json_string(out, q.code);
    out += ",\"chapter\":";
    append_json_string(out, chapter_numeral(q.chapter));
    query_group_by(out, q.group_by);
    return out;
}

// ---- facilities ----

Table facilities(const Store& store, const FacilityQuery& q) {
    Table t(kFacilityDims, q.group_by, {{"visits"}, {"cost_vnd", MetricType::money}});
    std::vector<std::string> dims(kFacilityDims.size());
    const std::string_view province = q.facility.empty() ? std::string_view(q.province)
                                                         : std::string_view(q.facility).substr(0, 2);
    store.read([&](const StoreReader& r) {
        scan(
            r, Kind::facilities, q.from, q.to,
            [&](std::string_view k) { return province_skip(k, Kind::facilities, 5, province, true); },
            [&](std::string_view k, std::string_view v) {
                if (k.size() != 10) return;
                const Facility f = get_facility(k, 5);
                if (!q.facility.empty() && facility_text(f) != q.facility) return;
                if (!q.province.empty() && k.substr(5, 2) != q.province) return;
                dims[0] = day_text(get_be32(k, 1));
                dims[1] = two_digits(schema::province_number(k.substr(5, 2)));
                dims[2] = facility_name(f);
                t.add(dims, {u32(v, 0), i64(v, 4)});
            });
        return 0;
    });
    return t;
}

std::string facility_query_json(const FacilityQuery& q) {
    std::string out;
    query_common(out, q.from, q.to, q.province);
    out += ",\"facility\":";
    append_json_string(out, q.facility);
    query_group_by(out, q.group_by);
    return out;
}

// ---- referrals ----

Table referrals(const Store& store, const ReferralQuery& q) {
    Table t(kReferralDims, q.group_by, {{"referred"}, {"arrived"}});
    std::vector<std::string> dims(kReferralDims.size());
    store.read([&](const StoreReader& r) {
        scan(
            r, Kind::referrals, q.from / 100, q.to / 100, [](std::string_view) { return std::string(); },
            [&](std::string_view k, std::string_view v) {
                if (k.size() != 15) return;
                const Facility from = get_facility(k, 5), to = get_facility(k, 10);
                const std::string_view a = facility_text(from), b = facility_text(to);
                if (!q.facility.empty() && a != q.facility && b != q.facility) return;
                if (!q.province.empty() && !a.starts_with(q.province) && !b.starts_with(q.province)) return;
                const uint32_t month = get_be32(k, 1);
                char buf[384];
                std::snprintf(buf, sizeof buf, "%04u-%02u", month / 100, month % 100);
                dims[0] = buf;
                dims[1] = two_digits(schema::province_number(a));
                dims[2] = facility_name(from);
                dims[3] = two_digits(schema::province_number(b));
                dims[4] = facility_name(to);
                t.add(dims, {u32(v, 0), u32(v, 4)});
            });
        return 0;
    });
    return t;
}

std::string referral_query_json(const ReferralQuery& q) {
    std::string out;
    query_common(out, q.from, q.to, q.province);
    out += std::string(",\"months\":{\"first\":\"") + day_text(q.from).substr(0, 7) + std::string("\",\"last\":\"") + day_text(q.to).substr(0, 7) +
           "\"},\"facility\":";
    append_json_string(out, q.facility);
    query_group_by(out, q.group_by);
    return out;
}

// ---- appointments ----

Table appointments(const Store& store, const AppointmentStatsQuery& q) {
    Table t(kAppointmentDims, q.group_by, {{"booked"}, {"attended"}, {"missed"}, {"pending"}});
    std::vector<std::string> dims(kAppointmentDims.size());
    store.read([&](const StoreReader& r) {
        scan(
            r, Kind::appointments, q.from, q.to,
            [&](std::string_view k) { return province_skip(k, Kind::appointments, 5, q.province, false); },
            [&](std::string_view k, std::string_view v) {
                if (k.size() != 6) return;
                const uint32_t due = get_be32(k, 1);
                const int64_t booked = u32(v, 0), attended = u32(v, 4), open = booked - attended;
                dims[0] = day_text(due);
                dims[1] = iso_week_text(iso_week(due));
                dims[2] = two_digits(static_cast<uint8_t>(k[5]));
                t.add(dims, {booked, attended, due < q.today ? open : 0, due < q.today ? 0 : open});
            });
        return 0;
    });
    return t;
}

std::string appointment_query_json(const AppointmentStatsQuery& q) {
    std::string out;
    query_common(out, q.from, q.to, q.province);
    out += std::string(",\"today\":\"") + day_text(q.today) + "\"";
    query_group_by(out, q.group_by);
    return out;
}

constexpr std::string_view kAppointmentDefinitions =
    R"j({"day":"XML14.NGAY_HEN_KL","province":"the appointment facility's (XML14.MA_CSKCB)",)j"
    R"j("attended":"a later visit (admitted no earlier than the appointment's discharge) at the same facility carries the slip SO_GIAYHEN_KL in XML1.GIAY_CHUYEN_TUYEN",)j"
    R"j("missed":"booked - attended, for days before today","pending":"booked - attended, for today and later"})j";

constexpr std::string_view kReferralDefinitions =
    R"j({"referred":"referral papers (XML13: MA_CSKCB_DI, else the episode's facility, to MA_CSKCB_DEN), by the month of the referring episode's NGAY_RA",)j"
    R"j("arrived":"visits naming the facility they came from (XML1.MA_NOI_DI to MA_CSKCB), by the month of NGAY_VAO"})j";

constexpr std::string_view kFacilityDefinitions =
    R"j({"day":"XML1.NGAY_VAO","visits":"the current version of each episode's full record","cost_vnd":"XML1.T_TONGCHI_BV, dong"})j";

bool set_group_by(std::vector<std::string>& group_by, const std::vector<std::string_view>& dims,
                  std::string_view value, std::string& error) {
    return parse_group_by(value, dims, group_by, error);
}

}  // namespace

// ---- parameters ----

bool set_param(DiagnosisQuery& q, std::string_view name, std::string_view value, std::string& error) {
    if (name == "from") return set_day(q.from, value, name, error);
    if (name == "to") return set_day(q.to, value, name, error);
    if (name == "province") return set_province(q.province, value, error);
    if (name == "residence") return set_province(q.residence, value, error);
    if (name == "code") {
        q.code = value;
        return true;
    }
    if (name == "chapter") {
        for (int c = 1; c <= 22; ++c) {
            if (value == chapter_numeral(c) || value == std::to_string(c)) {
                q.chapter = c;
                return true;
            }
        }
        q.chapter = 0;
        if (value.empty()) return true;
        error = std::string("chapter: '") + std::string(value) + "' is not an ICD-10 chapter (I-XXII)";
        return false;
    }
    if (name == "group_by") return set_group_by(q.group_by, kDiagnosisDims, value, error);
    return unknown(name, error);
}

bool set_param(FacilityQuery& q, std::string_view name, std::string_view value, std::string& error) {
    if (name == "from") return set_day(q.from, value, name, error);
    if (name == "to") return set_day(q.to, value, name, error);
    if (name == "province") return set_province(q.province, value, error);
    if (name == "facility") return set_facility(q.facility, value, error);
    if (name == "group_by") return set_group_by(q.group_by, kFacilityDims, value, error);
    return unknown(name, error);
}

bool set_param(ReferralQuery& q, std::string_view name, std::string_view value, std::string& error) {
    if (name == "from") return set_day(q.from, value, name, error);
    if (name == "to") return set_day(q.to, value, name, error);
    if (name == "province") return set_province(q.province, value, error);
    if (name == "facility") return set_facility(q.facility, value, error);
    if (name == "group_by") return set_group_by(q.group_by, kReferralDims, value, error);
    return unknown(name, error);
}

bool set_param(AppointmentStatsQuery& q, std::string_view name, std::string_view value, std::string& error) {
    if (name == "from") return set_day(q.from, value, name, error);
    if (name == "to") return set_day(q.to, value, name, error);
    if (name == "today") return set_day(q.today, value, name, error);
    if (name == "province") return set_province(q.province, value, error);
    if (name == "group_by") return set_group_by(q.group_by, kAppointmentDims, value, error);
    return unknown(name, error);
}

bool set_param(MonitorQuery& q, std::string_view name, std::string_view value, std::string& error) {
    if (name == "day") return set_day(q.day, value, name, error);
    if (name == "province") return set_province(q.province, value, error);
    if (name == "facility") {
        if (value == "unknown") {
            q.facility = value;
            return true;
        }
        return set_facility(q.facility, value, error);
    }
    if (name == "top_codes") {
        if (value.empty() || value.size() > 3 || value.find_first_not_of("0123456789") != std::string_view::npos) {
            error = "top_codes: a number from 0 to 999";
            return false;
        }
        q.top_codes = std::stoul(std::string(value));
        return true;
    }
    return unknown(name, error);
}

// ---- reports ----

std::string diagnoses_json(const Store& store, const DiagnosisQuery& q) {
    return diagnoses(store, q).json("diagnoses", diagnosis_query_json(q), kDefinitions);
}
std::string diagnoses_csv(const Store& store, const DiagnosisQuery& q) { return diagnoses(store, q).csv(); }
std::string facilities_json(const Store& store, const FacilityQuery& q) {
    return facilities(store, q).json("facilities", facility_query_json(q), kFacilityDefinitions);
}
std::string facilities_csv(const Store& store, const FacilityQuery& q) { return facilities(store, q).csv(); }
std::string referrals_json(const Store& store, const ReferralQuery& q) {
    return referrals(store, q).json("referrals", referral_query_json(q), kReferralDefinitions);
}
std::string referrals_csv(const Store& store, const ReferralQuery& q) { return referrals(store, q).csv(); }
std::string appointment_adherence_json(const Store& store, const AppointmentStatsQuery& q) {
    return appointments(store, q).json("appointments", appointment_query_json(q), kAppointmentDefinitions);
}
std::string appointment_adherence_csv(const Store& store, const AppointmentStatsQuery& q) {
    return appointments(store, q).csv();
}

}  // namespace ehb
