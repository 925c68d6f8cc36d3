// What import, push and bench report: the tally of results, the JSON summary
// fields they share, and the progress line on a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "engine/ingest.hpp"

namespace ehb::cli {

struct Tally {
    uint64_t records = 0, accepted = 0, duplicate = 0, new_version = 0, rejected = 0, flagged = 0;
    std::map<std::string, uint64_t> rejections;  // by error code
    uint64_t bytes = 0;                          // of the documents answered
    std::vector<double> latencies_ms;            // per batch

    void add(std::span<const RecordResult> results);
    void merge(const Tally& other);
};

std::string fixed(double v, int decimals);
double percentile(std::vector<double>& v, double p);

// "records":..,"accepted":..,...,"mb_per_second":..,"batch_latency_ms":{"p50":..,"p99":..,"p999":..}
std::string summary_fields(Tally& tally, double seconds);
// "rejections":{"E_DATE":3,...}
std::string rejections_field(const Tally& tally);

// The progress line on stderr, shown only when stderr is a terminal, at most
// twice a second. With the input's size known it also shows the ETA.
class Progress {
public:
    explicit Progress(uint64_t total_bytes = 0);
    void update(uint64_t records, uint64_t bytes);
    // The final figures, then a newline.
    void finish(uint64_t records, uint64_t bytes);

private:
    void show(uint64_t records, uint64_t bytes);

    bool enabled_;
    uint64_t total_bytes_;
    std::chrono::steady_clock::time_point start_, last_shown_;
};

}  // namespace ehb::cli
