// ehb audit-reads --data DIR [--limit N] [--before SEQ] [--purpose TEXT] ID
// A citizen's access history (engine/access_log.hpp): who read the book an
// identifier leads to, when, why and with what outcome, newest first, as the
// JSON of GET /v1/books/{id}/reads (docs/http.md). Works beside a running ehbd.
// Reading the history is itself recorded, as `ehb book --data` records a book
// read: by os.<login>, offline, durably before the history is shown; so the
// store is opened for writing (a copy on read-only media cannot be audited
// this way).
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "engine/access_log.hpp"
#include "engine/canonical.hpp"
#include "engine/ingest.hpp"
#include "tools/ehb/commands.hpp"

namespace ehb::cli {

namespace {

constexpr const char* kUsage =
    "usage: ehb audit-reads --data DIR [--limit N] [--before SEQ] [--purpose TEXT] ID\n"
    "  ID              a citizen ID, card number, social-insurance code or old ID\n"
    "  --limit N       at most N reads, newest first                                 [100]\n"
    "  --before SEQ    only reads older than SEQ (the `next_before` of a previous page)\n"
    "  --purpose TEXT  why the history is read; this reading is itself kept in the access audit\n";

bool number(const char* text, uint64_t& out) {
    const char* end = text + std::strlen(text);
    auto [p, ec] = std::from_chars(text, end, out);
    return ec == std::errc() && p == end;
}

}  // namespace

int cmd_audit_reads(int argc, char** argv) {
    std::string data, id, purpose;
    uint64_t limit = 100, before = 0;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
            data = argv[++i];
        } else if (std::strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
            if (!number(argv[++i], limit) || limit == 0) {
                std::fprintf(stderr, "ehb audit-reads: --limit needs a positive number\n");
                return 2;
            }
        } else if (std::strcmp(argv[i], "--before") == 0 && i + 1 < argc) {
            if (!number(argv[++i], before)) {
                std::fprintf(stderr, "ehb audit-reads: --before needs a sequence number\n");
                return 2;
            }
        } else if (std::strcmp(argv[i], "--purpose") == 0 && i + 1 < argc) {
            purpose = argv[++i];
            if (purpose.size() > kMaxPurpose) {
                std::fprintf(stderr, "ehb audit-reads: --purpose is at most 512 bytes\n");
                return 2;
            }
        } else if (argv[i][0] != '-' && id.empty()) {
            id = argv[i];
        } else {
            std::fprintf(stderr, "ehb audit-reads: unexpected argument '%s'\n%s", argv[i], kUsage);
            return 2;
        }
    }
    if (data.empty() || id.empty()) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    if (!std::filesystem::exists(std::filesystem::path(data) / "data.mdb")) {
        std::fprintf(stderr, "ehb audit-reads: %s is not an ehb data directory (no data.mdb)\n", data.c_str());
        return 1;
    }
    Store store(data);
    schema::PersonKey person;
    auto rows = store.read([&](const StoreReader& r) {
        person = book_person(r, id);
        return reads_of(r, id, limit, before);
    });
    if (!rows) {
        std::fprintf(stderr,
                     "ehb audit-reads: '%s' is not a citizen ID (12 digits), card number (15 characters), "
                     "social-insurance code (10 digits) or old ID (9 digits)\n",
                     id.c_str());
        return 2;
    }
    // Durably recorded before the history is shown, as ehbd does.
    const AccessRecord read{now_us(), person, offline_reader(), Role::admin, AccessChannel::offline,
                            AccessWhat::access_history, false, AccessOutcome::served, 0, id, purpose};
    store.write([&](StoreWriter& w) { append_access(w, read); });
    std::string out = "{\"identifier\":";
    append_canonical_string(out, id);
    out += ",\"reads\":[";
    for (std::size_t i = 0; i < rows->size(); ++i) {
        out += i ? ",\n  " : "\n  ";
        append_access_json(out, (*rows)[i]);
    }
    out += rows->empty() ? "]" : "\n]";
    if (rows->size() == limit) append_json_number(out, "next_before", rows->back().seq);
    out += "}\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

}  // namespace ehb::cli
