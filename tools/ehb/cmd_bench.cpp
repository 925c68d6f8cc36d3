// ehb bench: the standard workload (tools/workload), generated in memory, then
// pushed to ehbd like `ehb push` while idle connections are held open; checks
// every status count against the generator's and reports the rates.
#include <simdjson.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tools/ehb/client_flags.hpp"
#include "tools/ehb/commands.hpp"
#include "tools/ehb/feed_consumers.hpp"
#include "tools/ehb/http_reads.hpp"
#include "tools/ehb/pusher.hpp"
#include "tools/ehb/scale_run.hpp"
#include "tools/ehb/status_check.hpp"
#include "tools/workload/generator.hpp"

namespace ehb::cli {

namespace {

constexpr const char* kUsage =
    "usage: ehb bench [options]\n"
    "  Generates the standard workload in memory, pushes it to ehbd and checks every status count.\n"
    "  --citizens P             population (default 1000000)\n"
    "  --episodes V             new episodes (default 1000000)\n"
    "  --seed S                 generator seed (default 1)\n"
    "  --connections N          pushing connections, one stream each (default 4)\n"
    "  --batch N                documents per batch (default 1000)\n"
    "  --idle N                 authenticated idle connections held during the push (default 0)\n"
    "  --deadline SECONDS       every batch must be answered within this time (default 3600)\n"
    "  --consumers N            feed consumers following the changes during the push, then N reading\n"
    "                           the whole feed at once (default 0)\n"
    "  --stalled-consumer       one more consumer that never acknowledges (it must not slow the push)\n"
    "  --http HOST:PORT         after the push, read books of random citizens over ehbd's HTTP API\n"
    "  --read-seconds S         for this long (default 30)\n"
    "  --read-connections N     on this many keep-alive connections (default 8)\n"
    "  --json FILE              also write the JSON result there\n"
    "\n"
    "  --scale                  the national-scale run (docs/benchmarks.md): starts its own ehbd on --data,\n"
    "                           generates the workload while pushing it, shows progress, then reads books\n"
    "                           cold and warm and resolves identities at the final size\n"
    "  --data DIR               --scale: the node's data directory, absent or empty (default ./ehb-scale)\n"
    "  --chart FILE.png         --scale: the ingest rate over the run, as a PNG chart\n"
    "  --lookups N              --scale: books read at the end (default 20000)\n";

constexpr double kNationalEpisodes = 230e6;
constexpr auto kKeepAlive = std::chrono::seconds(60);  // well under ehbd's default idle timeout (300 s)

int usage_error(const char* what, const char* arg) {
    std::fprintf(stderr, "ehb bench: %s%s%s\n%s%s", what, arg ? ": " : "", arg ? arg : "", kUsage, kClientFlagsUsage);
    return 2;
}

// Idle connections, each sent a PING now and then as a real idle client must
// to stay under the server's idle timeout.
class IdleConnections {
public:
    IdleConnections(const PushOptions& options, std::size_t n) {
        if (n == 0) return;
        rlimit limit{};  // one descriptor per connection
        if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
            limit.rlim_cur = limit.rlim_max;
            setrlimit(RLIMIT_NOFILE, &limit);
        }
        net::ClientOptions o;
        o.client_name = "ehb bench (idle)";
        o.timeout = std::chrono::seconds(30);
        clients_.reserve(n);
        for (std::size_t i = 0; i < n; ++i) clients_.emplace_back(options.endpoint, options.credentials, o);
        alive_.assign(n, true);
        keeper_ = std::thread([this] {
            std::unique_lock lock(mutex_);
            while (!stopping_) {
                if (!wake_.wait_for(lock, kKeepAlive, [&] { return stopping_; })) ping_all();
            }
        });
    }
    ~IdleConnections() {
        if (!keeper_.joinable()) return;
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        keeper_.join();
    }

    // How many answer a PING now (and did every time before).
    std::size_t answering() {
        std::lock_guard lock(mutex_);
        ping_all();
        return static_cast<std::size_t>(std::count(alive_.begin(), alive_.end(), true));
    }

private:
    void ping_all() {
        for (std::size_t i = 0; i < clients_.size(); ++i) {
            if (!alive_[i]) continue;
            try {
                clients_[i].ping();
            } catch (const std::exception& e) {
                alive_[i] = false;
                std::fprintf(stderr, "ehb bench: idle connection %zu: %s\n", i, e.what());
            }
        }
    }

    std::vector<net::Client> clients_;
    std::vector<bool> alive_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread keeper_;
};

// {"log_entries":N,"episodes":E,"store_bytes":B,...} from ehbd, or "" when it cannot be had.
std::string server_stats(const PushOptions& options) {
    try {
        net::Client client(options.endpoint, options.credentials);
        std::string json = client.stats();
        client.bye();
        return json;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ehb bench: no statistics from ehbd: %s\n", e.what());
        return {};
    }
}

uint64_t stat_field(simdjson::dom::element stats, const char* key) {
    uint64_t v = 0;
    return stats[key].get(v) == simdjson::SUCCESS ? v : 0;
}

// The feed's durable head, from ehbd's STATS; 0 when it cannot be had.
uint64_t feed_head(const PushOptions& options) {
    const std::string stats = server_stats(options);
    simdjson::dom::parser parser;
    simdjson::dom::element json;
    uint64_t head = 0;
    if (stats.empty() || parser.parse(stats).get(json) != simdjson::SUCCESS) return 0;
    return json["feed"]["head"].get(head) == simdjson::SUCCESS ? head : 0;
}

// What the consumers of --consumers saw, as the "feed" member of the result.
struct FeedResult {
    std::size_t consumers = 0;
    bool stalled = false;
    uint64_t received = 0, reconnections = 0, changes = 0;
    std::optional<double> drain_seconds;  // after the push, until every follower held every change
    std::vector<FeedReading> readings;
    bool pass() const {
        if (!drain_seconds || received != changes * consumers) return false;
        for (const FeedReading& r : readings) {
            if (!r.complete || r.changes < changes) return false;
        }
        return true;
    }
};

std::string feed_fields(const FeedResult& f, simdjson::dom::element stats, bool have_stats) {
    simdjson::dom::element server_feed;
    const bool have_feed = have_stats && stats["feed"].get(server_feed) == simdjson::SUCCESS;
    const uint64_t p50 = have_feed ? stat_field(server_feed, "freshness_p50_us") : 0;
    const uint64_t p99 = have_feed ? stat_field(server_feed, "freshness_p99_us") : 0;
    double slowest = 0;
    uint64_t read = 0;
    for (const FeedReading& r : f.readings) {
        slowest = std::max(slowest, r.seconds);
        read += r.changes;
    }
    std::string out = "\"feed\":{\"consumers\":" + std::to_string(f.consumers);
    out += ",\"stalled_consumer\":";
    out += f.stalled ? "true" : "false";
    out += ",\"changes\":" + std::to_string(f.changes);
    out += ",\"received\":" + std::to_string(f.received);
    out += ",\"reconnections\":" + std::to_string(f.reconnections);
    out += ",\"drain_seconds\":" + (f.drain_seconds ? fixed(*f.drain_seconds, 3) : std::string("null"));
    out += ",\"commit_to_delivery_p50_ms\":" + fixed(double(p50) / 1000, 1);
    out += ",\"commit_to_delivery_p99_ms\":" + fixed(double(p99) / 1000, 1);
    out += ",\"readers\":" + std::to_string(f.readings.size());
    out += ",\"read_seconds\":" + fixed(slowest, 3);
    out += ",\"read_changes_per_second\":" + fixed(slowest > 0 ? double(read) / slowest : 0, 0);
    out += ",\"pass\":";
    out += f.pass() ? "true" : "false";
    return out + "}";
}

}  // namespace

int cmd_bench(int argc, char** argv) {
    ClientFlags flags;
    workload::Config config;
    config.episodes = 1'000'000;
    PushOptions options;
    options.command = "bench";
    uint64_t deadline = 3600;
    std::size_t idle = 0, consumers = 0, read_connections = 8;
    uint64_t read_seconds = 30;
    bool stalled_consumer = false, scale = false;
    std::string json_file, http, data = "ehb-scale", chart;
    std::size_t lookups = 20'000;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            std::fputs(kClientFlagsUsage, stdout);
            return 0;
        }
        if (flags.parse(argc, argv, i)) continue;
        if (a == "--stalled-consumer" || a == "--scale") {
            (a == "--scale" ? scale : stalled_consumer) = true;
            continue;
        }
        bool known = a == "--citizens" || a == "--episodes" || a == "--seed" || a == "--connections" ||
                     a == "--batch" || a == "--idle" || a == "--deadline" || a == "--json" || a == "--consumers" ||
                     a == "--http" || a == "--read-seconds" || a == "--read-connections" || a == "--data" ||
                     a == "--chart" || a == "--lookups";
        if (!known) return usage_error("unexpected argument", argv[i]);
        if (i + 1 >= argc) return usage_error("missing value for", argv[i]);
        std::string_view value = argv[++i];
        if (a == "--json" || a == "--http" || a == "--data" || a == "--chart") {
            (a == "--json" ? json_file : a == "--http" ? http : a == "--data" ? data : chart) = value;
            continue;
        }
        bool ok = a == "--citizens"      ? parse_number<uint64_t>(value, config.citizens, 1)
                  : a == "--episodes"    ? parse_number<uint64_t>(value, config.episodes, 1)
                  : a == "--seed"        ? parse_number<uint64_t>(value, config.seed, 0)
                  : a == "--connections" ? parse_number<std::size_t>(value, options.connections, 1)
                  : a == "--batch"       ? parse_number<std::size_t>(value, options.batch, 1)
                  : a == "--idle"        ? parse_number<std::size_t>(value, idle, 0)
                  : a == "--consumers"   ? parse_number<std::size_t>(value, consumers, 0)
                  : a == "--read-seconds" ? parse_number<uint64_t>(value, read_seconds, 1)
                  : a == "--read-connections" ? parse_number<std::size_t>(value, read_connections, 1)
                  : a == "--lookups"     ? parse_number<std::size_t>(value, lookups, 1)
                                         : parse_number<uint64_t>(value, deadline, 1);
        if (!ok) return usage_error("bad value", argv[i]);
    }
    if (options.connections > 1024) return usage_error("--connections is at most 1024", nullptr);
    if (scale) {
        if (flags.server_given || !http.empty() || idle > 0 || consumers > 0 || stalled_consumer) {
            return usage_error("--scale starts its own ehbd: no --server, --http, --idle or --consumers", nullptr);
        }
        return run_scale({config, data, json_file, chart, options.connections, options.batch, lookups, 10'000});
    }
    if (!chart.empty() || lookups != 20'000 || data != "ehb-scale") {
        return usage_error("--data, --chart and --lookups belong to --scale", nullptr);
    }
    net::Endpoint http_endpoint;
    try {
        options.endpoint = flags.endpoint();
        options.credentials = flags.credentials();
        if (!http.empty()) http_endpoint = flags.endpoint(http);
    } catch (const std::invalid_argument& e) {
        return usage_error(e.what(), nullptr);
    }
    options.deadline = std::chrono::seconds(deadline);
    options.stream = static_cast<uint32_t>(std::random_device()());

    // Not timed: the workload, already cut into each connection's batches.
    auto generation = std::chrono::steady_clock::now();
    workload::Generator generator(config);
    Pusher pusher(options);
    std::string doc;
    while (generator.next(doc)) pusher.add(doc);
    const workload::Counts expected = generator.expected();
    std::fprintf(stderr, "ehb bench: generated %llu documents (%.1f MB) in %.1f s\n",
                 static_cast<unsigned long long>(expected.records), double(expected.bytes) / 1e6,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - generation).count());

    IdleConnections idlers(options, idle);
    if (idle > 0) std::fprintf(stderr, "ehb bench: %zu idle connections open\n", idle);

    FeedResult feed;
    feed.consumers = consumers;
    feed.stalled = stalled_consumer;
    const uint64_t head_before = consumers > 0 || stalled_consumer ? feed_head(options) : 0;
    std::optional<FeedFollowers> followers;
    if (consumers > 0 || stalled_consumer) {
        followers.emplace(options.endpoint, options.credentials, consumers, head_before + 1, stalled_consumer);
    }

    Progress progress(expected.bytes);
    pusher.start();
    PushReport report =
        pusher.finish([&] { progress.update(pusher.records_answered(), pusher.bytes_answered()); });
    progress.finish(pusher.records_answered(), pusher.bytes_answered());
    for (const std::string& problem : report.problems) std::fprintf(stderr, "ehb bench: %s\n", problem.c_str());
    std::size_t idle_answering = idlers.answering();

    if (followers) {
        const uint64_t head = feed_head(options);
        feed.changes = head - head_before;
        feed.drain_seconds = followers->drain(head, std::chrono::seconds(600));
        feed.received = followers->received();
        feed.reconnections = followers->reconnections();
        followers.reset();
        if (consumers > 0) {
            std::fprintf(stderr, "ehb bench: %zu consumers read the whole feed at once...\n", consumers);
            feed.readings = read_feed_at_once(options.endpoint, options.credentials, consumers);
        }
    }

    std::optional<HttpReads> reads;
    if (!http.empty()) {
        std::fprintf(stderr, "ehb bench: reading books over HTTP for %llu s on %zu connections...\n",
                     static_cast<unsigned long long>(read_seconds), read_connections);
        reads = read_books_over_http(http_endpoint, options.credentials, read_connections,
                                     std::chrono::seconds(read_seconds), config.citizens,
                                     [&](uint64_t i) { return generator.citizen_id(i); });
    }

    std::string stats = server_stats(options);
    simdjson::dom::parser parser;
    simdjson::dom::element stats_json;
    bool have_stats = !stats.empty() && parser.parse(stats).get(stats_json) == simdjson::SUCCESS;
    uint64_t store_bytes = have_stats ? stat_field(stats_json, "store_bytes") : 0;
    uint64_t episodes_stored = have_stats ? stat_field(stats_json, "episodes") : 0;

    Tally& t = report.tally;
    const StatusCheck statuses = check_statuses(t, expected);
    bool pass = statuses.match && report.complete && idle_answering == idle && (consumers == 0 || feed.pass()) &&
                (!reads || (reads->errors == 0 && reads->ok > 0));
    double rate = report.seconds > 0 ? double(t.records) / report.seconds : 0;

    std::string out = "{";
    out += summary_fields(t, report.seconds);
    out += ',';
    out += push_fields(report);
    out += ',';
    out += statuses.json;
    out += ",\"pass\":";
    out += pass ? "true" : "false";
    out += ",\"complete\":";
    out += report.complete ? "true" : "false";
    out += ",\"hours_for_230m_episodes\":" + fixed(rate > 0 ? kNationalEpisodes / rate / 3600 : 0, 2);
    out += ",\"store_bytes\":" + std::to_string(store_bytes);
    out += ",\"episodes_stored\":" + std::to_string(episodes_stored);
    out += ",\"store_bytes_per_episode\":" + std::to_string(episodes_stored ? store_bytes / episodes_stored : 0);
    out += ",\"server\":";
    out += have_stats ? stats : "null";
    out += ",\"citizens\":" + std::to_string(config.citizens);
    out += ",\"episodes\":" + std::to_string(config.episodes);
    out += ",\"seed\":" + std::to_string(config.seed);
    out += ",\"connections\":" + std::to_string(options.connections);
    out += ",\"batch\":" + std::to_string(options.batch);
    out += ",\"idle\":" + std::to_string(idle);
    out += ",\"idle_answering\":" + std::to_string(idle_answering);
    if (consumers > 0 || stalled_consumer) out += "," + feed_fields(feed, stats_json, have_stats);
    if (reads) {
        out += ",\"http_book_reads\":{\"connections\":" + std::to_string(read_connections);
        out += ",\"reads\":" + std::to_string(reads->reads) + ",\"ok\":" + std::to_string(reads->ok);
        out += ",\"not_found\":" + std::to_string(reads->not_found);
        out += ",\"errors\":" + std::to_string(reads->errors) + ",\"seconds\":" + fixed(reads->seconds, 3);
        out += ",\"reads_per_second\":" + fixed(reads->seconds > 0 ? double(reads->reads) / reads->seconds : 0, 0);
        out += ",\"bytes_per_read\":" + std::to_string(reads->reads ? reads->bytes / reads->reads : 0);
        out += ",\"latency_ms\":{\"p50\":" + fixed(reads->p50_ms, 2) + ",\"p99\":" + fixed(reads->p99_ms, 2);
        out += ",\"p999\":" + fixed(reads->p999_ms, 2) + "}}";
    }
    out += ',';
    out += rejections_field(t);
    out += "}\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    if (!json_file.empty()) {
        std::FILE* f = std::fopen(json_file.c_str(), "wb");
        if (f == nullptr || std::fwrite(out.data(), 1, out.size(), f) != out.size() || std::fclose(f) != 0) {
            std::fprintf(stderr, "ehb bench: cannot write %s\n", json_file.c_str());
            return 1;
        }
    }

    std::fprintf(stderr, "ehb bench: %llu records in %.1f s: %.0f records/s, %.1f MB/s; batch latency p50 %.1f ms, "
                 "p99 %.1f ms, p999 %.1f ms\n",
                 static_cast<unsigned long long>(t.records), report.seconds, rate,
                 report.seconds > 0 ? double(t.bytes) / 1e6 / report.seconds : 0.0,
                 percentile(t.latencies_ms, 0.50), percentile(t.latencies_ms, 0.99),
                 percentile(t.latencies_ms, 0.999));
    statuses.print();
    std::fprintf(stderr, "  230,000,000 episodes at this rate: %.1f hours\n",
                 rate > 0 ? kNationalEpisodes / rate / 3600 : 0.0);
    if (episodes_stored) {
        std::fprintf(stderr, "  store: %.1f MB, %llu bytes per episode\n", double(store_bytes) / 1e6,
                     static_cast<unsigned long long>(store_bytes / episodes_stored));
    }
    if (idle > 0) std::fprintf(stderr, "  idle connections answering a PING: %zu of %zu\n", idle_answering, idle);
    if (consumers > 0) {
        std::fprintf(stderr, "  feed: %llu changes to %zu consumers (%llu received, %llu reconnections), all held "
                     "%s s after the push; %zu readers of the whole feed: %s\n",
                     static_cast<unsigned long long>(feed.changes), consumers,
                     static_cast<unsigned long long>(feed.received),
                     static_cast<unsigned long long>(feed.reconnections),
                     feed.drain_seconds ? fixed(*feed.drain_seconds, 3).c_str() : "never", feed.readings.size(),
                     feed.pass() ? "complete" : "INCOMPLETE");
    }
    if (reads) {
        std::fprintf(stderr, "  HTTP book reads: %.0f/s on %zu connections (%llu: %llu books, %llu citizens without "
                     "a visit, %llu errors), p50 %.2f ms, p99 %.2f ms, p999 %.2f ms\n",
                     reads->seconds > 0 ? double(reads->reads) / reads->seconds : 0.0, read_connections,
                     static_cast<unsigned long long>(reads->reads), static_cast<unsigned long long>(reads->ok),
                     static_cast<unsigned long long>(reads->not_found), static_cast<unsigned long long>(reads->errors),
                     reads->p50_ms, reads->p99_ms, reads->p999_ms);
    }
    std::fprintf(stderr, "ehb bench: %s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}

}  // namespace ehb::cli
