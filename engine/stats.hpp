// The statistics for health management (docs/statistics.md), read from the
// counters every commit keeps up to date (engine/stats_writer.hpp). Each query
// struct maps one to one to the query parameters of its HTTP endpoint
// (GET /v1/stats/…?from=…&to=…&province=…[&format=csv]); set_param fills it
// from one parameter. Every query reads only the key range it asks for.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store.hpp"

namespace ehb {

// GET /v1/stats/diagnoses: visits and costs by main diagnosis (XML1.MA_BENH_CHINH).
struct DiagnosisQuery {
    uint32_t from = 0, to = 0;  // from, to: days yyyymmdd of admission, both included; counted in whole ISO weeks
    std::string province;       // province: the facility's (first two of MA_CSKCB), two digits; empty: all
    std::string residence;      // residence: the patient's (MATINH_CU_TRU), two digits; empty: all
    std::string code;           // code: an ICD-10 code or prefix ("J", "J06", "J06.9"); empty: all
    int chapter = 0;            // chapter: ICD-10 chapter, I-XXII or 1-22; 0: all
    // group_by: any of week, province, residence, chapter, code, age, sex (comma-separated)
    std::vector<std::string> group_by = {"week", "province", "code", "age", "sex"};
};

// GET /v1/stats/facilities: visits and costs per facility per day of admission.
struct FacilityQuery {
    uint32_t from = 0, to = 0;  // from, to: days yyyymmdd, both included
    std::string province;       // province: two digits; empty: all
    std::string facility;       // facility: one MA_CSKCB; empty: all
    std::vector<std::string> group_by = {"day", "facility"};  // group_by: any of day, province, facility
};

// GET /v1/stats/referrals: referral flows between facilities per month.
struct ReferralQuery {
    uint32_t from = 0, to = 0;  // from, to: days yyyymmdd; the months holding them, both included
    std::string province;       // province: flows with either end in it; empty: all
    std::string facility;       // facility: flows with either end at it; empty: all
    // group_by: any of month, from_province, from, to_province, to
    std::vector<std::string> group_by = {"month", "from", "to"};
};

// GET /v1/stats/appointments: re-examination appointments by due day, booked and kept.
struct AppointmentStatsQuery {
    uint32_t from = 0, to = 0;  // from, to: due days yyyymmdd, both included
    std::string province;       // province: the appointment facility's, two digits; empty: all
    uint32_t today = 0;         // today: yyyymmdd (Vietnam); appointments due before it and not kept are missed
    std::vector<std::string> group_by = {"week", "province"};  // group_by: any of day, week, province
};

// The connectivity monitor's page: per facility, what it pushed on one day (Vietnam local date of arrival).
struct MonitorQuery {
    uint32_t day = 0;          // day: yyyymmdd
    std::string province;      // province: two digits; empty: all
    std::string facility;      // facility: one MA_CSKCB ("unknown" for the documents no facility is known of)
    std::size_t top_codes = 5; // top_codes: how many reject codes to list per facility, most frequent first
};

// Sets the field named by a query parameter ("from", "to", "province", …,
// "group_by"); false with `error` for an unknown name or a bad value.
bool set_param(DiagnosisQuery& q, std::string_view name, std::string_view value, std::string& error);
bool set_param(FacilityQuery& q, std::string_view name, std::string_view value, std::string& error);
bool set_param(ReferralQuery& q, std::string_view name, std::string_view value, std::string& error);
bool set_param(AppointmentStatsQuery& q, std::string_view name, std::string_view value, std::string& error);
bool set_param(MonitorQuery& q, std::string_view name, std::string_view value, std::string& error);

std::string diagnoses_json(const Store& store, const DiagnosisQuery& q);
std::string diagnoses_csv(const Store& store, const DiagnosisQuery& q);
std::string facilities_json(const Store& store, const FacilityQuery& q);
std::string facilities_csv(const Store& store, const FacilityQuery& q);
std::string referrals_json(const Store& store, const ReferralQuery& q);
std::string referrals_csv(const Store& store, const ReferralQuery& q);
std::string appointment_adherence_json(const Store& store, const AppointmentStatsQuery& q);
std::string appointment_adherence_csv(const Store& store, const AppointmentStatsQuery& q);
std::string facility_monitor_json(const Store& store, const MonitorQuery& q);

// One facility's counts of a day (ehbd's /metrics): records pushed, accepted,
// duplicate, new_version and rejected, and the last push.
struct MonitorFacility {
    std::string facility;
    std::array<int64_t, 5> counts{};  // in the order above
    int64_t last_push_us = 0;
};
std::vector<MonitorFacility> facility_monitor_counts(const Store& store, const MonitorQuery& q);

}  // namespace ehb
