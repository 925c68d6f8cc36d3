// ehb push [--server HOST:PORT] [--connections N] [--batch N] [--deadline SECONDS] [--stream S]
//          [--signing-key FILE] FILE...
// Input files of any format (tools/ehb/inputs.hpp) to ehbd over the push protocol (docs/protocol.md).
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tools/ehb/client_flags.hpp"
#include "tools/ehb/commands.hpp"
#include "tools/ehb/inputs.hpp"
#include "tools/ehb/pusher.hpp"

namespace ehb::cli {

namespace {

constexpr const char* kUsage =
    "usage: ehb push [options] FILE...   (FILE may be - for stdin)\n"
    "  Pushes files of episode documents, XML submissions or FHIR Bundles (one per line, or one\n"
    "  per file) to ehbd and prints a JSON summary.\n"
    "  --connections N          connections, one stream each (default 4)\n"
    "  --batch N                documents per batch (default 1000)\n"
    "  --deadline SECONDS       every batch must be answered within this time (default 300)\n"
    "  --stream S               streams S..S+N-1 instead of random ones: re-running with the same\n"
    "                           --stream, --connections, --batch and files stores nothing twice\n"
    "  --signing-key FILE       sign each document with this PEM private key (Ed25519, ECDSA P-256\n"
    "                           or RSA), registered for its facility with `ehb admin facility-key add`\n";

int usage_error(const char* what, const char* arg) {
    std::fprintf(stderr, "ehb push: %s%s%s\n%s%s", what, arg ? ": " : "", arg ? arg : "", kUsage, kClientFlagsUsage);
    return 2;
}

}  // namespace

int cmd_push(int argc, char** argv) {
    ClientFlags flags;
    PushOptions options;
    options.queue = 4;
    bool stream_given = false;
    uint64_t deadline = 300;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            std::fputs(kClientFlagsUsage, stdout);
            return 0;
        }
        if (flags.parse(argc, argv, i)) continue;
        if (a == "-" || !a.starts_with("-")) {
            files.emplace_back(a);
            continue;
        }
        if (a != "--connections" && a != "--batch" && a != "--deadline" && a != "--stream" && a != "--signing-key") {
            return usage_error("unknown option", argv[i]);
        }
        if (i + 1 >= argc) return usage_error("missing value for", argv[i]);
        std::string_view value = argv[++i];
        if (a == "--signing-key") {
            try {
                options.signing_key = std::make_shared<const signatures::SigningKey>(read_small_file(std::string(value)));
            } catch (const std::exception& e) {
                std::fprintf(stderr, "ehb push: --signing-key %s: %s\n", argv[i], e.what());
                return 2;
            }
            continue;
        }
        bool ok = a == "--connections" ? parse_number<std::size_t>(value, options.connections, 1)
                  : a == "--batch"     ? parse_number<std::size_t>(value, options.batch, 1)
                  : a == "--deadline"  ? parse_number<uint64_t>(value, deadline, 1)
                                       : parse_number<uint32_t>(value, options.stream, 0);
        if (!ok) return usage_error("not a number in range", argv[i]);
        stream_given = stream_given || a == "--stream";
    }
    if (files.empty()) return usage_error("no FILE to push", nullptr);
    if (options.connections > 1024) return usage_error("--connections is at most 1024", nullptr);
    try {
        options.endpoint = flags.endpoint();
        options.credentials = flags.credentials();
    } catch (const std::invalid_argument& e) {
        return usage_error(e.what(), nullptr);
    }
    options.deadline = std::chrono::seconds(deadline);
    if (!stream_given) options.stream = static_cast<uint32_t>(std::random_device()());
    std::fprintf(stderr, "ehb push: streams %u to %u (--stream %u pushes the same files again idempotently)\n",
                 options.stream, options.stream + static_cast<uint32_t>(options.connections - 1), options.stream);

    Pusher pusher(options);
    Progress progress(total_size(files));
    auto tick = [&] { progress.update(pusher.records_answered(), pusher.bytes_answered()); };
    pusher.start();
    bool all_added = true;
    bool read = read_documents(files, "push", [&](std::string_view document) {
        all_added = pusher.add(document);
        return all_added;
    }, tick);
    PushReport report = pusher.finish(tick);
    progress.finish(pusher.records_answered(), pusher.bytes_answered());

    std::string out = "{";
    out += summary_fields(report.tally, report.seconds);
    out += ',';
    out += push_fields(report);
    out += ",\"stream\":" + std::to_string(options.stream);
    out += ",\"connections\":" + std::to_string(options.connections);
    out += ',';
    out += rejections_field(report.tally);
    out += "}\n";
    std::fwrite(out.data(), 1, out.size(), stdout);

    for (const std::string& problem : report.problems) std::fprintf(stderr, "ehb push: %s\n", problem.c_str());
    if (!all_added) std::fputs("ehb push: the rest of the input was not sent\n", stderr);
    return report.complete && all_added && read ? 0 : 1;
}

}  // namespace ehb::cli
