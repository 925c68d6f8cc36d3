// GET /v1/stats/diagnoses|facilities|referrals|appointments: the statistics
// for health management (engine/stats.hpp; docs/http.md, "Statistics"). Each
// query parameter is the field of the same name of the report's query, as
// `ehb report` takes them; JSON, or CSV with format=csv.
#include "engine/book.hpp"
#include "engine/stats.hpp"
#include "net/http/routes.hpp"

namespace ehb::net::http {

namespace {

template <class Query>
struct Report {
    std::string_view name;  // of the route, and of the CSV file
    std::string (*json)(const Store&, const Query&);
    std::string (*csv)(const Store&, const Query&);
};

const Report<DiagnosisQuery> kDiagnoses{"diagnoses", diagnoses_json, diagnoses_csv};
const Report<FacilityQuery> kFacilities{"facilities", facilities_json, facilities_csv};
const Report<ReferralQuery> kReferrals{"referrals", referrals_json, referrals_csv};
const Report<AppointmentStatsQuery> kAppointments{"appointments", appointment_adherence_json,
                                                  appointment_adherence_csv};

// Fills `q` (holding the defaults) from the query, whose parameters may be `params` (the report's and
// "format"); false with the 400 naming the parameter at fault.
template <class Query>
bool parse(Exchange& x, Query& q, std::initializer_list<std::string_view> params) {
    if (!only_params(x, params)) return false;
    for (std::string_view name : params) {
        std::string why;
        if (auto value = stats_param(x, name); value && name != "format" && !set_param(q, name, *value, why)) {
            x.response = bad_parameter(name, why);
            return false;
        }
    }
    for (std::string_view name : {"from", "to"}) {
        if (!x.query.get(name)) {
            x.response = bad_parameter(name, "required (a day yyyy-mm-dd)");
            return false;
        }
    }
    if (q.to < q.from) {
        x.response = bad_parameter("to", "before from");
        return false;
    }
    const std::string_view format = x.query.get("format").value_or("json");
    if (format != "json" && format != "csv") {
        x.response = bad_parameter("format", "json or csv");
        return false;
    }
    // A province sees the statistics of its own facilities, whatever it asks.
    if (x.principal->role == Role::province) q.province = x.principal->province;
    return true;
}

template <class Query>
asio::awaitable<void> answer(Exchange& x, const Report<Query>& kind, const Query& q) {
    const bool csv = x.query.get("format") == "csv";
    x.response = co_await on_readers(x.server, [&] {
        Response r;
        r.body = (csv ? kind.csv : kind.json)(x.server.store(), q);
        return r;
    });
    if (csv) {
        x.response.content_type = "text/csv; charset=utf-8";
        std::string file = std::string(kind.name) + "-" + std::to_string(q.from) + "-" + std::to_string(q.to);
        if (!q.province.empty()) file.append("-").append(q.province);
        x.response.fields.emplace_back("Content-Disposition", std::string("attachment; filename=\"") + file + ".csv\"");
    }
}

}  // namespace

std::optional<std::string> stats_param(const Exchange& x, std::string_view name) {
    const auto text = x.query.get(name);
    if (!text) return std::nullopt;
    std::string value(*text);
    const bool day = name == "from" || name == "to" || name == "today" || name == "day";
    if (day && value.size() == 10 && value[4] == '-' && value[7] == '-') value.erase(7, 1).erase(4, 1);
    return value;
}

asio::awaitable<void> get_stats_diagnoses(Exchange& x) {
    DiagnosisQuery q;
    if (parse(x, q, {"from", "to", "province", "residence", "code", "chapter", "group_by", "format"})) {
        co_await answer(x, kDiagnoses, q);
    }
}

asio::awaitable<void> get_stats_facilities(Exchange& x) {
    FacilityQuery q;
    if (parse(x, q, {"from", "to", "province", "facility", "group_by", "format"})) co_await answer(x, kFacilities, q);
}

asio::awaitable<void> get_stats_referrals(Exchange& x) {
    ReferralQuery q;
    if (parse(x, q, {"from", "to", "province", "facility", "group_by", "format"})) co_await answer(x, kReferrals, q);
}

asio::awaitable<void> get_stats_appointments(Exchange& x) {
    AppointmentStatsQuery q;
    q.today = vietnam_today();
    if (parse(x, q, {"from", "to", "province", "today", "group_by", "format"})) co_await answer(x, kAppointments, q);
}

}  // namespace ehb::net::http
