// ehb feed [--from SEQ] [--follow] [--out FILE] [filters] --server HOST:PORT
// Prints ehbd's change feed as JSON Lines (docs/feed.md), acknowledging each
// chunk once it is written; following, it reconnects by itself and resumes
// where it stopped. With --out, the file is the position: a restarted
// command resumes after its last complete line, so each change is written once.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "engine/feed.hpp"
#include "engine/provinces.hpp"
#include "tools/ehb/client_flags.hpp"
#include "tools/ehb/commands.hpp"

namespace ehb::cli {

namespace {

constexpr const char* kUsage =
    "usage: ehb feed [--from SEQ] [--follow] [--out FILE] [--types LIST] [--kinds LIST] [--province CODE]\n"
    "                [--facility-province CODE] [--records] [--window N] [--name NAME]\n"
    "                [--server HOST:PORT] [--principal NAME --credential-file FILE]\n"
    "  Prints the change feed from sequence number SEQ (default 1) as JSON Lines, one change\n"
    "  per line. --follow: stay subscribed, print changes as they commit, and reconnect after\n"
    "  a disconnect. --out FILE: append to FILE (flushed to disk before each acknowledgement)\n"
    "  and resume after its last complete line. --types: episode,identity,appointment.\n"
    "  --kinds: the records episode and appointment changes are about: episode,checkin,vaccination.\n"
    "  --province: persons living there; --facility-province: facilities there. --records:\n"
    "  episode changes carry their record. --window: changes in flight (default 1000).\n";

// Where the output file resumes: after the seq of its last complete line;
// a partial last line (a crash while writing it) is cut off. 0: nothing in it.
uint64_t resume_after(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0644);
    if (fd < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
    std::string text;
    char buf[65536];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) text.append(buf, std::size_t(n));
    std::size_t end = text.rfind('\n');
    const std::size_t complete = end == std::string::npos ? 0 : end + 1;
    if (complete != text.size() && ::ftruncate(fd, off_t(complete)) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot cut the partial last line of " + path);
    }
    ::close(fd);
    if (complete == 0) return 0;
    const std::size_t begin = text.rfind('\n', complete - 2);
    const std::string_view last = std::string_view(text).substr(begin == std::string::npos ? 0 : begin + 1);
    constexpr std::string_view kPrefix = R"({"seq":)";
    uint64_t seq = 0;
    if (last.substr(0, kPrefix.size()) != kPrefix ||
        !parse_number(last.substr(kPrefix.size(), last.find(',') - kPrefix.size()), seq, uint64_t{1})) {
        throw std::runtime_error(path + ": the last line is not a change of the feed");
    }
    return seq;
}

bool province_flag(const char* value, uint8_t& out) {
    if (!is_province_code(value)) return false;
    out = schema::province_number(value);
    return true;
}

}  // namespace

int cmd_feed(int argc, char** argv) {
    ClientFlags flags;
    wire::Subscribe request;
    std::string out_path;
    for (int i = 1; i < argc; ++i) {
        const bool has_value = i + 1 < argc;
        if (std::strcmp(argv[i], "--from") == 0 && has_value) {
            if (!parse_number(argv[++i], request.from, uint64_t{1})) {
                std::fprintf(stderr, "ehb feed: --from takes a sequence number from 1\n");
                return 2;
            }
        } else if (std::strcmp(argv[i], "--follow") == 0) {
            request.follow = true;
        } else if (std::strcmp(argv[i], "--records") == 0) {
            request.records = true;
        } else if (std::strcmp(argv[i], "--out") == 0 && has_value) {
            out_path = argv[++i];
        } else if (std::strcmp(argv[i], "--name") == 0 && has_value) {
            request.name = argv[++i];
        } else if (std::strcmp(argv[i], "--types") == 0 && has_value) {
            if (!parse_feed_types(argv[++i], request.types)) {
                std::fprintf(stderr, "ehb feed: --types takes episode, identity, appointment, comma-separated\n");
                return 2;
            }
        } else if (std::strcmp(argv[i], "--kinds") == 0 && has_value) {
            if (!parse_feed_kinds(argv[++i], request.kinds)) {
                std::fprintf(stderr, "ehb feed: --kinds takes episode, checkin, vaccination, comma-separated\n");
                return 2;
            }
        } else if (std::strcmp(argv[i], "--province") == 0 && has_value) {
            if (!province_flag(argv[++i], request.residence_province)) {
                std::fprintf(stderr, "ehb feed: '%s' is not a province code\n", argv[i]);
                return 2;
            }
        } else if (std::strcmp(argv[i], "--facility-province") == 0 && has_value) {
            if (!province_flag(argv[++i], request.facility_province)) {
                std::fprintf(stderr, "ehb feed: '%s' is not a province code\n", argv[i]);
                return 2;
            }
        } else if (std::strcmp(argv[i], "--window") == 0 && has_value) {
            if (!parse_number(argv[++i], request.window, uint32_t{1})) {
                std::fprintf(stderr, "ehb feed: --window takes a number from 1\n");
                return 2;
            }
        } else if (!flags.parse(argc, argv, i)) {
            std::fprintf(stderr, "ehb feed: unexpected argument '%s'\n%s", argv[i], kUsage);
            return 2;
        }
    }
    FILE* out = stdout;
    int out_fd = -1;
    if (!out_path.empty()) {
        if (const uint64_t last = resume_after(out_path); last >= request.from) request.from = last + 1;
        out = std::fopen(out_path.c_str(), "a");
        if (!out) {
            std::fprintf(stderr, "ehb feed: cannot open %s: %s\n", out_path.c_str(), std::strerror(errno));
            return 1;
        }
        out_fd = fileno(out);
    }
    const net::Endpoint endpoint = flags.endpoint();
    const net::Credentials credentials = flags.credentials();
    net::ClientOptions options;
    options.client_name = "ehb feed";
    options.timeout = std::chrono::milliseconds(0);  // following waits for commits as long as it takes
    auto backoff = std::chrono::milliseconds(100);
    for (;;) {
        try {
            net::Client client(endpoint, credentials, options);
            const uint32_t id = client.subscribe(request);
            while (auto feed = client.next_feed(id)) {
                backoff = std::chrono::milliseconds(100);
                for (const wire::FeedEvent& e : feed->events) {
                    std::fwrite(e.json.data(), 1, e.json.size(), out);
                    std::fputc('\n', out);
                }
                if (std::fflush(out) != 0 || (out_fd >= 0 && !feed->events.empty() && ::fdatasync(out_fd) != 0)) {
                    std::fprintf(stderr, "ehb feed: cannot write: %s\n", std::strerror(errno));
                    return 1;
                }
                request.from = feed->next;
                if (feed->end) return 0;
                client.ack_feed(feed->next);
            }
            // BYE or a closed connection: the server is stopping.
        } catch (const net::ProtocolError& e) {
            const auto code = e.code();
            if (code == wire::ErrorCode::auth_failed || code == wire::ErrorCode::forbidden ||
                code == wire::ErrorCode::bad_payload || code == wire::ErrorCode::protocol) {
                std::fprintf(stderr, "ehb feed: %s\n", e.what());
                return 1;
            }
            std::fprintf(stderr, "ehb feed: %s; reconnecting\n", e.what());
        } catch (const std::system_error& e) {
            std::fprintf(stderr, "ehb feed: %s; %s\n", e.what(), request.follow ? "reconnecting" : "giving up");
            if (!request.follow) return 1;
        }
        if (!request.follow) {
            std::fprintf(stderr, "ehb feed: the server closed the connection before the end\n");
            return 1;
        }
        std::this_thread::sleep_for(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    }
}

}  // namespace ehb::cli
