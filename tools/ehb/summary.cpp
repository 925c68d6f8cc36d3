#include "tools/ehb/summary.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "engine/canonical.hpp"

namespace ehb::cli {

void Tally::add(std::span<const RecordResult> results) {
    for (const RecordResult& r : results) {
        switch (r.status) {
            case Status::accepted: ++accepted; break;
            case Status::duplicate: ++duplicate; break;
            case Status::new_version: ++new_version; break;
            case Status::rejected: ++rejected; ++rejections[r.error.code]; break;
        }
        if (r.flagged) ++flagged;
    }
    records += results.size();
}

void Tally::merge(const Tally& other) {
    records += other.records;
    accepted += other.accepted;
    duplicate += other.duplicate;
    new_version += other.new_version;
    rejected += other.rejected;
    flagged += other.flagged;
    for (const auto& [code, count] : other.rejections) rejections[code] += count;
    bytes += other.bytes;
    latencies_ms.insert(latencies_ms.end(), other.latencies_ms.begin(), other.latencies_ms.end());
}

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    auto k = std::min(v.size() - 1, static_cast<std::size_t>(p * double(v.size())));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

std::string summary_fields(Tally& t, double seconds) {
    std::string out = "\"records\":";
    out += std::to_string(t.records);
    out += ",\"accepted\":" + std::to_string(t.accepted);
    out += ",\"duplicate\":" + std::to_string(t.duplicate);
    out += ",\"new_version\":" + std::to_string(t.new_version);
    out += ",\"rejected\":" + std::to_string(t.rejected);
    out += ",\"flagged\":" + std::to_string(t.flagged);
    out += ",\"seconds\":" + fixed(seconds, 3);
    out += ",\"records_per_second\":" + fixed(seconds > 0 ? double(t.records) / seconds : 0, 0);
    out += ",\"mb_per_second\":" + fixed(seconds > 0 ? double(t.bytes) / 1e6 / seconds : 0, 1);
    out += ",\"batch_latency_ms\":{\"p50\":" + fixed(percentile(t.latencies_ms, 0.50), 1);
    out += ",\"p99\":" + fixed(percentile(t.latencies_ms, 0.99), 1);
    out += ",\"p999\":" + fixed(percentile(t.latencies_ms, 0.999), 1) + "}";
    return out;
}

std::string rejections_field(const Tally& t) {
    std::string out = "\"rejections\":{";
    bool first = true;
    for (const auto& [code, count] : t.rejections) {
        if (!first) out += ',';
        first = false;
        append_canonical_string(out, code);
        out += ':' + std::to_string(count);
    }
    out += '}';
    return out;
}

Progress::Progress(uint64_t total_bytes)
    : enabled_(isatty(STDERR_FILENO)),
      total_bytes_(total_bytes),
      start_(std::chrono::steady_clock::now()),
      last_shown_(start_) {}

void Progress::update(uint64_t records, uint64_t bytes) {
    if (!enabled_ || std::chrono::steady_clock::now() - last_shown_ < std::chrono::milliseconds(500)) return;
    show(records, bytes);
}

void Progress::finish(uint64_t records, uint64_t bytes) {
    if (!enabled_) return;
    show(records, bytes);
    std::fputc('\n', stderr);
}

void Progress::show(uint64_t records, uint64_t bytes) {
    last_shown_ = std::chrono::steady_clock::now();
    double secs = std::chrono::duration<double>(last_shown_ - start_).count();
    std::fprintf(stderr, "\r%12llu records  %9.0f records/s  %7.1f s", static_cast<unsigned long long>(records),
                 secs > 0 ? double(records) / secs : 0.0, secs);
    if (total_bytes_ > 0) {
        double left = bytes > 0 ? secs * double(total_bytes_ - std::min(bytes, total_bytes_)) / double(bytes) : 0;
        std::fprintf(stderr, "  ETA %6.0f s", left);
    }
}

}  // namespace ehb::cli
