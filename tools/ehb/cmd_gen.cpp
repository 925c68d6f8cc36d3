// ehb gen: write the standard workload as JSON Lines, plus the statuses the
// engine must report for it (FILE.expected.json).
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "tools/ehb/commands.hpp"
#include "tools/workload/generator.hpp"

namespace ehb::cli {
namespace {

constexpr const char* kUsage =
    "usage: ehb gen [--citizens P] [--episodes V] [--seed S] --out FILE\n"
    "  Writes the standard workload (one episode document per line) to FILE and the\n"
    "  counts the engine must report to FILE.expected.json.\n"
    "  --citizens P   population size (default 1000000)\n"
    "  --episodes V   new episodes; documents = V / (1 - resend - correction - reorder) (default 3000000)\n"
    "  --seed S       PRNG seed (default 1)\n";

bool parse_u64(std::string_view s, uint64_t& out) {
    if (s.empty() || s.size() > 19) return false;
    uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    out = v;
    return true;
}

int usage_error(const char* what, const char* arg) {
    std::fprintf(stderr, "ehb gen: %s%s%s\n%s", what, arg ? ": " : "", arg ? arg : "", kUsage);
    return 2;
}

bool write_all(std::FILE* f, const std::string& s) { return std::fwrite(s.data(), 1, s.size(), f) == s.size(); }

}  // namespace

int cmd_gen(int argc, char** argv) {
    workload::Config cfg;
    std::string out;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        uint64_t* target = a == "--citizens" ? &cfg.citizens
                           : a == "--episodes" ? &cfg.episodes
                           : a == "--seed"     ? &cfg.seed
                                               : nullptr;
        if (target == nullptr && a != "--out") return usage_error("unknown argument", argv[i]);
        if (i + 1 >= argc) return usage_error("missing value for", argv[i]);
        const char* value = argv[++i];
        if (target == nullptr) {
            out = value;
            if (out.empty()) return usage_error("empty --out", nullptr);
        } else if (!parse_u64(value, *target)) {
            return usage_error("not a non-negative integer", value);
        }
    }
    if (out.empty()) return usage_error("--out FILE is required", nullptr);
    if (cfg.episodes > 0 && cfg.citizens == 0) return usage_error("--citizens must be positive", nullptr);

    const auto start = std::chrono::steady_clock::now();
    workload::Generator gen(cfg);

    std::FILE* f = std::fopen(out.c_str(), "wb");
    if (f == nullptr) {
        std::fprintf(stderr, "ehb gen: cannot open %s: %s\n", out.c_str(), std::strerror(errno));
        return 1;
    }
    std::string doc;
    doc.reserve(1 << 16);
    std::string chunk;
    constexpr size_t kChunk = 8u << 20;
    chunk.reserve(kChunk + (1 << 17));
    bool ok = true;
    while (gen.next(doc)) {
        chunk += doc;
        chunk += '\n';
        if (chunk.size() >= kChunk) {
            ok = ok && write_all(f, chunk);
            chunk.clear();
        }
    }
    ok = ok && write_all(f, chunk);
    ok = (std::fclose(f) == 0) && ok;
    if (!ok) {
        std::fprintf(stderr, "ehb gen: writing %s failed: %s\n", out.c_str(), std::strerror(errno));
        return 1;
    }

    const workload::Counts& c = gen.expected();
    char json[512];
    const int n = std::snprintf(json, sizeof json,
                                "{\"records\":%llu,\"accepted\":%llu,\"duplicate\":%llu,\"new_version\":%llu,"
                                "\"rejected\":%llu,\"flagged\":%llu,\"bytes\":%llu,\"citizens\":%llu,"
                                "\"episodes\":%llu,\"seed\":%llu}\n",
                                static_cast<unsigned long long>(c.records), static_cast<unsigned long long>(c.accepted),
                                static_cast<unsigned long long>(c.duplicate),
                                static_cast<unsigned long long>(c.new_version),
                                static_cast<unsigned long long>(c.rejected), static_cast<unsigned long long>(c.flagged),
                                static_cast<unsigned long long>(c.bytes), static_cast<unsigned long long>(cfg.citizens),
                                static_cast<unsigned long long>(cfg.episodes), static_cast<unsigned long long>(cfg.seed));
    const std::string side = out + ".expected.json";
    std::FILE* e = std::fopen(side.c_str(), "wb");
    if (e == nullptr || std::fwrite(json, 1, static_cast<size_t>(n), e) != static_cast<size_t>(n) ||
        std::fclose(e) != 0) {
        std::fprintf(stderr, "ehb gen: writing %s failed: %s\n", side.c_str(), std::strerror(errno));
        return 1;
    }

    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double mb = static_cast<double>(c.bytes) / 1e6;
    std::fprintf(stderr, "ehb gen: %llu documents, %.1f MB (avg %.0f B) in %.2f s: %.0f docs/s, %.1f MB/s -> %s\n",
                 static_cast<unsigned long long>(c.records), mb,
                 c.records ? static_cast<double>(c.bytes) / static_cast<double>(c.records) : 0.0, secs,
                 secs > 0 ? static_cast<double>(c.records) / secs : 0.0, secs > 0 ? mb / secs : 0.0, out.c_str());
    return 0;
}

}  // namespace ehb::cli
