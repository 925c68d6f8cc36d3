// ehb verify --data DIR [--public-key FILE]...
// Checks the hash chains of the log and of the access audit, their signed
// checkpoints and the indexes that point into them (docs/operations.md, "Tamper evidence, backup and restore").
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "storage/verify.hpp"
#include "tools/ehb/commands.hpp"

namespace ehb::cli {
namespace {

constexpr const char* kUsage =
    "usage: ehb verify --data DIR [--public-key FILE]...\n"
    "  Recomputes the log's hash chain from its first entry, and the access audit's (`reads`)\n"
    "  from its first read, checks that every entry decodes, that every checkpoint is signed and\n"
    "  matches its chain, that neither ends before its newest checkpoint, and that the indexes\n"
    "  point at existing entries and reads (each read filed once). Safe while ehbd\n"
    "  runs (one read transaction). Checkpoints are checked with the keys registered in the\n"
    "  store, or with --public-key only (an Ed25519 public key in PEM, kept outside DIR).\n"
    "  Exit 0 when the store verifies, 1 naming the first problem.\n";

int usage(const std::string& why) {
    std::fprintf(stderr, "ehb verify: %s\n%s", why.c_str(), kUsage);
    return 2;
}

// Progress for large stores, on a terminal only.
void print_progress(uint64_t done, uint64_t total) {
    if (isatty(STDERR_FILENO))
        std::fprintf(stderr, "\rverifying: %llu of %llu log entries", (unsigned long long)done,
                     (unsigned long long)total);
}

}  // namespace

int cmd_verify(int argc, char** argv) {
    std::string data;
    VerifyOptions options;
    options.progress = print_progress;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if (arg == "--data" && i + 1 < argc) {
            data = argv[++i];
        } else if (arg == "--public-key" && i + 1 < argc) {
            options.public_keys.push_back(chain::read_public_key(argv[++i]));
        } else {
            return usage("unexpected argument " + std::string(arg));
        }
    }
    if (data.empty()) return usage("--data DIR is needed");
    StoreOptions read_only;
    read_only.read_only = true;
    Store store(data, read_only);
    const VerifyReport report = verify(store, options);
    if (isatty(STDERR_FILENO)) std::fputs("\r\033[K", stderr);
    if (!report.ok()) {
        std::fprintf(stderr, "ehb verify: %s\n", report.problem.c_str());
        return 1;
    }
    std::printf("%s\n", report.summary().c_str());
    return 0;
}

}  // namespace ehb::cli
