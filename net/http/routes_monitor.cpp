// GET / (the connectivity monitor's page) and GET /v1/monitor (its data):
// docs/monitor.md. The page is static; it fetches /v1/monitor with the
// bearer token in its URL's fragment.
#include "engine/book.hpp"
#include "engine/ingest.hpp"
#include "engine/stats.hpp"
#include "net/http/monitor_page.hpp"
#include "net/http/routes.hpp"

namespace ehb::net::http {

asio::awaitable<void> get_monitor_page(Exchange& x) {
    // The page's own parameters (it reads them from its URL).
    if (!only_params(x, {"province", "sort", "dir", "day"})) co_return;
    x.response.content_type = "text/html; charset=utf-8";
    x.response.body = monitor_page();
    // Inline script and style only; it may talk to this server and nothing else.
    x.response.fields.emplace_back("Content-Security-Policy",
                                   "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                                   "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
                                   "frame-ancestors 'none'");
    x.response.fields.emplace_back("X-Content-Type-Options", "nosniff");
    x.response.fields.emplace_back("Referrer-Policy", "no-referrer");
    co_return;
}

asio::awaitable<void> get_monitor(Exchange& x) {
    if (!only_params(x, {"day", "province", "facility", "top_codes"})) co_return;
    MonitorQuery q;
    q.day = vietnam_today();
    for (std::string_view name : {"day", "province", "facility", "top_codes"}) {
        std::string why;
        if (auto value = stats_param(x, name); value && !set_param(q, name, *value, why)) {
            x.response = bad_parameter(name, why);
            co_return;
        }
    }
    std::string body = co_await on_readers(x.server, [&] { return facility_monitor_json(x.server.store(), q); });
    // The feed hub lives on the I/O thread, where the handler is again.
    body.pop_back();  // the closing brace
    body += ",\"feed\":";
    body += feed_stats_json(x.server.feed(), now_us());
    body += '}';
    x.response.body = std::move(body);
}

}  // namespace ehb::net::http
