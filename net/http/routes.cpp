#include "net/http/routes.hpp"

#include <charconv>

#include "engine/provinces.hpp"
#include "net/http/access.hpp"
#include "net/http/router.hpp"

namespace ehb::net::http {

using bhttp::verb;

Router api_routes() {
    Router r;
    r.add(verb::get, "/v1/books/{id}", Access::readers, get_book);
    r.add(verb::get, "/v1/books/{id}/reads", Access::readers, get_book_reads);
    r.add(verb::get, "/v1/episodes/{facility}/{ma_lk}", Access::readers, get_episode);
    r.add(verb::get, "/v1/appointments", Access::readers, get_appointments);
    r.add(verb::get, "/v1/feed", Access::readers, get_feed);
    r.add(verb::get, "/v1/persons/{n}", Access::stewards, get_person);
    r.add(verb::get, "/v1/persons/{n}/audit", Access::stewards, get_person_audit);
    r.add(verb::get, "/v1/reviews", Access::stewards, get_reviews);
    r.add(verb::post, "/v1/tokens", Access::authenticated, post_token);
    r.add(verb::delete_, "/v1/tokens/current", Access::authenticated, delete_current_token);
    r.add(verb::get, "/v1/stats/diagnoses", Access::readers, get_stats_diagnoses);
    r.add(verb::get, "/v1/stats/facilities", Access::readers, get_stats_facilities);
    r.add(verb::get, "/v1/stats/referrals", Access::readers, get_stats_referrals);
    r.add(verb::get, "/v1/stats/appointments", Access::readers, get_stats_appointments);
    r.add(verb::get, "/", Access::open, get_monitor_page);
    r.add(verb::get, "/v1/monitor", Access::admins, get_monitor);
    r.add(verb::get, "/metrics", Access::admins, get_metrics);
    return r;
}

bool only_params(Exchange& x, std::initializer_list<std::string_view> allowed) {
    const std::string_view name = x.query.unknown(allowed);
    if (name.empty()) return true;
    x.response = bad_parameter(name, "unknown parameter");
    return false;
}

std::optional<uint64_t> number_param(Exchange& x, std::string_view name, uint64_t fallback, uint64_t min,
                                     uint64_t max) {
    const auto text = x.query.get(name);
    if (!text) return fallback;
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec == std::errc() && end == text->data() + text->size() && v >= min && v <= max) return v;
    x.response = bad_parameter(name, std::string("not a whole number from ") + std::to_string(min) + " to " +
                                         std::to_string(max));
    return std::nullopt;
}

std::optional<uint8_t> province_param(Exchange& x, std::string_view name) {
    const auto text = x.query.get(name);
    if (!text) return uint8_t{0};
    if (is_province_code(*text)) return schema::province_number(*text);
    x.response = bad_parameter(name, "not a province code (two digits, as in MATINH_CU_TRU)");
    return std::nullopt;
}

}  // namespace ehb::net::http
