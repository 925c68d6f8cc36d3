// GET /metrics: Prometheus' text format (net/metrics.hpp, docs/operations.md
// "Metrics"). The server's figures are read here on the I/O thread, the
// store's on the reader pool.
#include "engine/book.hpp"
#include "engine/ingest.hpp"
#include "engine/stats.hpp"
#include "net/http/routes.hpp"
#include "net/metrics.hpp"

namespace ehb::net::http {

namespace {

// Today's counts of every facility that pushed: the connectivity monitor's, as series.
void facility_metrics(MetricsText& out, const Store& store) {
    MonitorQuery q;
    q.day = vietnam_today();
    const std::vector<MonitorFacility> facilities = facility_monitor_counts(store, q);
    static constexpr std::string_view kStatuses[] = {"pushed", "accepted", "duplicate", "new_version", "rejected"};
    out.family("ehb_facility_records_today", "gauge",
               "Records a facility pushed today (Vietnam local date), by outcome; pushed is their sum.");
    for (const MonitorFacility& f : facilities) {
        for (std::size_t i = 0; i < f.counts.size(); ++i) {
            out.sample("ehb_facility_records_today", double(f.counts[i]),
                       {{"facility", f.facility}, {"status", kStatuses[i]}});
        }
    }
    out.family("ehb_facility_last_push_timestamp_seconds", "gauge", "When a facility last pushed (Unix time).");
    for (const MonitorFacility& f : facilities) {
        out.sample("ehb_facility_last_push_timestamp_seconds", double(f.last_push_us) / 1e6,
                   {{"facility", f.facility}});
    }
}

}  // namespace

asio::awaitable<void> get_metrics(Exchange& x) {
    if (!only_params(x, {})) co_return;
    MetricsText text;
    server_metrics(text, x.server, now_us());
    std::string body = text.take();
    body += co_await on_readers(x.server, [&] {
        MetricsText store;
        store_metrics(store, x.server.store());
        facility_metrics(store, x.server.store());
        return store.take();
    });
    x.response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    x.response.body = std::move(body);
}

}  // namespace ehb::net::http
