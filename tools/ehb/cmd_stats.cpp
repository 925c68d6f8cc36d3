// ehb stats --data DIR [--json]
// Bytes on disk per table and index, per episode and per log entry, against
// the documents the log holds (docs/operations.md, "Space: `ehb stats`").
#include <cinttypes>
#include <cstdio>
#include <string>
#include <string_view>

#include "storage/space.hpp"
#include "tools/ehb/commands.hpp"
#include "tools/ehb/space_json.hpp"

namespace ehb::cli {
namespace {

constexpr const char* kUsage =
    "usage: ehb stats --data DIR [--json]\n"
    "  Where the store's bytes go: every table's entries and pages, LMDB's free pages, bytes per\n"
    "  episode and per log entry, and the store against the documents it holds as received (the\n"
    "  target: at most 40%). Safe while ehbd runs (one read transaction). --json prints one object.\n";

int usage(const std::string& why) {
    std::fprintf(stderr, "ehb stats: %s\n%s", why.c_str(), kUsage);
    return 2;
}

double mb(uint64_t bytes) { return double(bytes) / 1e6; }

void print_row(std::string_view name, const std::string& entries, uint64_t pages, uint64_t bytes,
               const StoreSpace& s) {
    std::printf("%-20.*s %12s %10" PRIu64 " %10.2f %6.1f%% %10.1f\n", int(name.size()), name.data(), entries.c_str(),
                pages, mb(bytes), 100 * ratio(bytes, s.used_bytes()), ratio(bytes, s.episodes));
}

void print_human(const StoreSpace& s) {
    std::printf("%-20s %12s %10s %10s %7s %10s\n", "table", "entries", "pages", "MB", "share", "B/episode");
    for (const TableSpace& t : s.tables) print_row(t.name, std::to_string(t.entries), t.pages(), t.bytes, s);
    print_row("(free pages)", "-", s.free_pages, s.free_bytes(), s);
    print_row("(meta pages)", "-", s.meta_pages, s.meta_pages * s.page_size, s);
    std::printf("\n");
    std::printf("store file (allocated)   %12.2f MB\n", mb(s.file_bytes));
    std::printf("used (map's last page)   %12.2f MB  (%" PRIu64 " pages of %" PRIu64 " bytes)\n", mb(s.used_bytes()),
                s.used_pages, s.page_size);
    std::printf("free list (reusable)     %12.2f MB\n", mb(s.free_bytes()));
    std::printf("episodes                 %12" PRIu64 "\n", s.episodes);
    std::printf("log entries              %12" PRIu64 "\n", s.log_entries);
    std::printf("bytes per episode        %12.1f  (used / episodes)\n", ratio(s.used_bytes(), s.episodes));
    std::printf("bytes per log entry      %12.1f  (used / log entries)\n", ratio(s.used_bytes(), s.log_entries));
    if (!s.log_totals) {
        std::printf("raw input held           not recorded (the store was created before ehb kept it)\n");
        return;
    }
    const LogTotals& t = *s.log_totals;
    std::printf("raw input held           %12.2f MB  (the stored documents as received)\n", mb(t.received));
    std::printf("canonical                %12.2f MB\n", mb(t.canonical));
    std::printf("compressed payload       %12.2f MB\n", mb(t.payload));
    const double store_raw = ratio(s.file_bytes, t.received);
    std::printf("store / raw input        %12.1f%%  target <= 40%%: %s\n", 100 * store_raw,
                t.received > 0 && store_raw <= kStoreToReceivedTarget ? "met" : "not met");
    std::printf("payload / canonical      %12.1f%%  (compression)\n", 100 * ratio(t.payload, t.canonical));
}

}  // namespace

int cmd_stats(int argc, char** argv) {
    std::string data;
    bool json = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if (arg == "--data" && i + 1 < argc) data = argv[++i];
        else if (arg == "--json") json = true;
        else return usage("unexpected argument " + std::string(arg));
    }
    if (data.empty()) return usage("--data DIR is needed");
    const StoreSpace space = measure_data_dir(data);
    if (json) std::printf("%s\n", space_json(space).c_str());
    else print_human(space);
    return 0;
}

}  // namespace ehb::cli
