#include "tools/ehb/space_json.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>

namespace ehb::cli {

namespace {

[[gnu::format(printf, 2, 3)]] void appendf(std::string& out, const char* format, ...) {
    char buf[512];
    va_list args;
    va_start(args, format);
    const int n = std::vsnprintf(buf, sizeof buf, format, args);
    va_end(args);
    if (n > 0) out.append(buf, std::min<std::size_t>(std::size_t(n), sizeof buf - 1));
}

}  // namespace

double ratio(uint64_t a, uint64_t b) { return b == 0 ? 0.0 : double(a) / double(b); }

StoreSpace measure_data_dir(const std::filesystem::path& data) {
    StoreOptions read_only;
    read_only.read_only = true;
    const Store store(data, read_only);
    StoreSpace space = measure_space(store);
    std::stable_sort(space.tables.begin(), space.tables.end(),
                     [](const TableSpace& a, const TableSpace& b) { return a.bytes > b.bytes; });
    return space;
}

std::string space_json(const StoreSpace& s) {
    std::string out;
    appendf(out, "{\"page_size\":%" PRIu64 ",\"file_bytes\":%" PRIu64 ",\"used_bytes\":%" PRIu64
                     ",\"free_bytes\":%" PRIu64 ",\"meta_bytes\":%" PRIu64 ",\"episodes\":%" PRIu64
                     ",\"log_entries\":%" PRIu64 ",\"bytes_per_episode\":%.3f,\"bytes_per_log_entry\":%.3f",
                     s.page_size, s.file_bytes, s.used_bytes(), s.free_bytes(), s.meta_pages * s.page_size, s.episodes,
                     s.log_entries, ratio(s.used_bytes(), s.episodes), ratio(s.used_bytes(), s.log_entries));
    if (s.log_totals) {
        const LogTotals& t = *s.log_totals;
        const double store_raw = ratio(s.file_bytes, t.received);
        appendf(out, ",\"log_totals_recorded\":true,\"received_bytes\":%" PRIu64 ",\"canonical_bytes\":%" PRIu64
                 ",\"payload_bytes\":%" PRIu64 ",\"store_to_received\":%.6f,\"target_met\":%s"
                 ",\"payload_to_canonical\":%.6f",
                 t.received, t.canonical, t.payload, store_raw,
                 t.received > 0 && store_raw <= kStoreToReceivedTarget ? "true" : "false",
                 ratio(t.payload, t.canonical));
    } else {
        appendf(out, ",\"log_totals_recorded\":false,\"received_bytes\":null,\"canonical_bytes\":null"
                 ",\"payload_bytes\":null,\"store_to_received\":null,\"target_met\":null"
                 ",\"payload_to_canonical\":null");
    }
    out += ",\"tables\":[";
    for (std::size_t i = 0; i < s.tables.size(); ++i) {
        const TableSpace& t = s.tables[i];
        appendf(out, "%s{\"name\":\"%s\",\"entries\":%" PRIu64 ",\"depth\":%" PRIu64 ",\"branch_pages\":%" PRIu64
                 ",\"leaf_pages\":%" PRIu64 ",\"overflow_pages\":%" PRIu64 ",\"dup_pages\":%" PRIu64
                 ",\"pages\":%" PRIu64 ",\"bytes\":%" PRIu64 "}",
                 i ? "," : "", t.name.c_str(), t.entries, t.depth, t.branch_pages, t.leaf_pages, t.overflow_pages,
                 t.dup_pages, t.pages(), t.bytes);
    }
    out += "]}";
    return out;
}

}  // namespace ehb::cli
