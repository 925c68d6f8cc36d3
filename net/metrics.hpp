// ehbd's Prometheus metrics (GET /metrics, docs/operations.md "Metrics"), in
// the text exposition format 0.0.4. The I/O thread's part (pipeline,
// connections, budget, feed) and the store's part (read on the reader pool)
// are separate families, so their texts are simply concatenated.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "engine/histogram.hpp"
#include "storage/store.hpp"

namespace ehb::net {

class Server;

class MetricsText {
public:
    using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

    // Starts a family: its # HELP and # TYPE lines (type: counter, gauge, histogram).
    void family(std::string_view name, std::string_view type, std::string_view help);
    void sample(std::string_view name, double value, Labels labels = {});
    // A histogram family's samples: cumulative _bucket{le=…}, _sum and _count;
    // bounds and sum are multiplied by `scale` (1e-6: microseconds to seconds).
    void histogram(std::string_view name, const Histogram& h, double scale);
    const std::string& text() const { return text_; }
    std::string take() { return std::move(text_); }

private:
    void labels(Labels labels, std::string_view le = {});
    std::string text_;
};

// The I/O thread's figures: records by status, commits, queue, connections, budget, the feed and its consumers.
void server_metrics(MetricsText& out, Server& server, int64_t now_us);
// The store's figures: bytes on disk, the map, log entries, episodes, feed changes, persons.
void store_metrics(MetricsText& out, const Store& store);

}  // namespace ehb::net
