// ehb people: write labelled person records (CSV with the ground truth) for
// measuring the person index, and a summary of what was generated on stderr.
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "tools/ehb/client_flags.hpp"
#include "tools/ehb/commands.hpp"
#include "tools/people/people.hpp"

namespace ehb::cli {
namespace {

constexpr const char* kUsage =
    "usage: ehb people --records N [--seed S] --out FILE\n"
    "  Writes N person records to FILE as CSV (header line first): Vietnamese people as\n"
    "  hospitals, the insurance system and the national population database hold them,\n"
    "  with realistic errors, and in true_person the person each record belongs to.\n"
    "  Prints what was generated (persons, true pairs, corruptions) on stderr.\n"
    "  --records N   records to write (at most 100000000)\n"
    "  --seed S      PRNG seed (default 1); the same seed gives the same file\n";

int usage_error(const char* what, const char* arg) {
    std::fprintf(stderr, "ehb people: %s%s%s\n%s", what, arg ? ": " : "", arg ? arg : "", kUsage);
    return 2;
}

double percent(uint64_t part, uint64_t whole) {
    return whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

void print_summary(const people::Stats& st, const std::string& out, double secs) {
    std::fprintf(stderr,
                 "ehb people: %llu records of %llu persons in %.2f s to %s\n"
                 "  households %llu, twin pairs %llu, movers %llu, placeholders %llu\n"
                 "  true pairs %llu; records without a national identifier %llu (%.1f%%)\n"
                 "  corruptions:",
                 static_cast<unsigned long long>(st.records), static_cast<unsigned long long>(st.persons), secs,
                 out.c_str(), static_cast<unsigned long long>(st.households),
                 static_cast<unsigned long long>(st.twin_pairs), static_cast<unsigned long long>(st.movers),
                 static_cast<unsigned long long>(st.placeholders), static_cast<unsigned long long>(st.true_pairs),
                 static_cast<unsigned long long>(st.no_national_id), percent(st.no_national_id, st.records));
    for (size_t k = 0; k < st.corruptions.size(); ++k)
        std::fprintf(stderr, "%s %s %llu", k % 4 == 0 ? "\n   " : ",", st.corruptions[k].first.c_str(),
                     static_cast<unsigned long long>(st.corruptions[k].second));
    std::fputc('\n', stderr);
}

}  // namespace

int cmd_people(int argc, char** argv) {
    people::Config cfg;
    std::string out;
    bool have_records = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if (a != "--records" && a != "--seed" && a != "--out") return usage_error("unknown argument", argv[i]);
        if (i + 1 >= argc) return usage_error("missing value for", argv[i]);
        const char* value = argv[++i];
        if (a == "--out") {
            out = value;
            if (out.empty()) return usage_error("empty --out", nullptr);
        } else if (!parse_number<uint64_t>(value, a == "--records" ? cfg.records : cfg.seed, 0)) {
            return usage_error("not a non-negative integer", value);
        } else if (a == "--records") {
            have_records = true;
        }
    }
    if (!have_records) return usage_error("--records N is required", nullptr);
    if (cfg.records > people::kMaxRecords) return usage_error("too many records", nullptr);
    if (out.empty()) return usage_error("--out FILE is required", nullptr);

    const auto start = std::chrono::steady_clock::now();
    std::FILE* f = std::fopen(out.c_str(), "wb");
    if (f == nullptr) {
        std::fprintf(stderr, "ehb people: cannot open %s: %s\n", out.c_str(), std::strerror(errno));
        return 1;
    }
    const people::Stats st = people::generate(cfg, f);
    const bool ok = !std::ferror(f);
    if (std::fclose(f) != 0 || !ok) {
        std::fprintf(stderr, "ehb people: writing %s failed: %s\n", out.c_str(), std::strerror(errno));
        return 1;
    }
    print_summary(st, out, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return 0;
}

}  // namespace ehb::cli
