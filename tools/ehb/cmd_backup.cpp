// ehb backup --data DIR --out DIR2 and ehb restore --from DIR2 --data DIR
// (docs/operations.md, "Tamper evidence, backup and restore").
#include <cstdio>
#include <string>
#include <string_view>

#include "storage/backup.hpp"
#include "tools/ehb/commands.hpp"

namespace ehb::cli {
namespace {

constexpr const char* kBackupUsage =
    "usage: ehb backup --data DIR --out DIR2\n"
    "  A consistent, compacted copy of the store while ehbd runs, written to DIR2.partial, flushed\n"
    "  and renamed to DIR2 (which must not exist), then verified as `ehb verify` does. The private\n"
    "  checkpoint key is not copied.\n";
constexpr const char* kRestoreUsage =
    "usage: ehb restore --from DIR2 --data DIR\n"
    "  Verifies the backup in DIR2, then copies it durably into DIR, which must be missing or empty.\n"
    "  Start ehbd on DIR with --checkpoint-key FILE (a new key is registered otherwise).\n";

// Reads `--a X --b Y` into the two values; 0 when both were given, else the exit code.
int two_flags(const char* command, const char* usage, int argc, char** argv, std::string_view a, std::string& va,
              std::string_view b, std::string& vb) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(usage, stdout);
            return -1;
        }
        if (arg == a && i + 1 < argc) {
            va = argv[++i];
        } else if (arg == b && i + 1 < argc) {
            vb = argv[++i];
        } else {
            std::fprintf(stderr, "ehb %s: unexpected argument %s\n%s", command, argv[i], usage);
            return 2;
        }
    }
    if (va.empty() || vb.empty()) {
        std::fprintf(stderr, "ehb %s: %s and %s are needed\n%s", command, std::string(a).c_str(),
                     std::string(b).c_str(), usage);
        return 2;
    }
    return 0;
}

}  // namespace

int cmd_backup(int argc, char** argv) {
    std::string data, out;
    if (int rc = two_flags("backup", kBackupUsage, argc, argv, "--data", data, "--out", out); rc != 0)
        return rc < 0 ? 0 : rc;
    const BackupResult result = backup(data, out);
    if (!result.verified.ok()) {
        std::fprintf(stderr, "ehb backup: the copy in %s does not verify: %s\n", out.c_str(),
                     result.verified.problem.c_str());
        return 1;
    }
    std::printf("backup %s: %llu log entries, %llu bytes; %s\n", out.c_str(),
                (unsigned long long)result.verified.entries, (unsigned long long)result.bytes,
                result.verified.summary().c_str());
    std::printf("the private checkpoint key is not in the backup: keep it (or its public key) apart\n");
    return 0;
}

int cmd_restore(int argc, char** argv) {
    std::string from, data;
    if (int rc = two_flags("restore", kRestoreUsage, argc, argv, "--from", from, "--data", data); rc != 0)
        return rc < 0 ? 0 : rc;
    const VerifyReport report = restore(from, data);
    if (!report.ok()) {
        std::fprintf(stderr, "ehb restore: the backup in %s does not verify, nothing was restored: %s\n",
                     from.c_str(), report.problem.c_str());
        return 1;
    }
    std::printf("restored %s into %s: %s\n", from.c_str(), data.c_str(), report.summary().c_str());
    return 0;
}

}  // namespace ehb::cli
