// The handlers of the HTTP API's routes (docs/http.md), each in the
// routes_*.cpp of its resource; routes.cpp lists them.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/http/exchange.hpp"

namespace ehb::net::http {

boost::asio::awaitable<void> get_book(Exchange& x);
boost::asio::awaitable<void> get_episode(Exchange& x);
boost::asio::awaitable<void> get_person(Exchange& x);
boost::asio::awaitable<void> get_person_audit(Exchange& x);
boost::asio::awaitable<void> get_reviews(Exchange& x);
boost::asio::awaitable<void> get_appointments(Exchange& x);
boost::asio::awaitable<void> get_feed(Exchange& x);
boost::asio::awaitable<void> post_token(Exchange& x);
boost::asio::awaitable<void> delete_current_token(Exchange& x);
boost::asio::awaitable<void> get_stats_diagnoses(Exchange& x);
boost::asio::awaitable<void> get_stats_facilities(Exchange& x);
boost::asio::awaitable<void> get_stats_referrals(Exchange& x);
boost::asio::awaitable<void> get_stats_appointments(Exchange& x);
boost::asio::awaitable<void> get_monitor_page(Exchange& x);
boost::asio::awaitable<void> get_monitor(Exchange& x);
boost::asio::awaitable<void> get_metrics(Exchange& x);

// Shared by the handlers: false (with x.response set to the 400) when the
// query has a parameter not in `allowed`.
bool only_params(Exchange& x, std::initializer_list<std::string_view> allowed);
// The parameter as an integer from `min` to `max`, `fallback` when absent;
// nullopt (with x.response set to the 400) when it is not.
std::optional<uint64_t> number_param(Exchange& x, std::string_view name, uint64_t fallback, uint64_t min,
                                     uint64_t max);
// A province code parameter (engine/provinces.hpp) as its number, 0 when absent; nullopt (400) when not one.
std::optional<uint8_t> province_param(Exchange& x, std::string_view name);
// A statistics parameter's value as engine/stats.hpp's set_param takes it (a day
// yyyy-mm-dd as yyyymmdd); nullopt when absent (routes_stats.cpp).
std::optional<std::string> stats_param(const Exchange& x, std::string_view name);

}  // namespace ehb::net::http
