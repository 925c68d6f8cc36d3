#include "tools/ehb/scale_run.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "engine/principals.hpp"
#include "storage/store.hpp"
#include "tools/ehb/chart.hpp"
#include "tools/ehb/pusher.hpp"
#include "tools/ehb/scale_probe.hpp"
#include "tools/ehb/scale_server.hpp"
#include "tools/ehb/space_json.hpp"
#include "tools/ehb/status_check.hpp"

namespace ehb::cli {

namespace {

using Clock = std::chrono::steady_clock;

constexpr double kNationalEpisodes = 230e6;
constexpr double kTenthTarget = 0.70;  // the last tenth's rate against the first's (issue 8)
constexpr std::size_t kChartPoints = 150;
constexpr std::size_t kMinWindow = 40;  // samples: a chart point is at least 10 s of the run (commits are seconds apart)
constexpr auto kSampleEvery = std::chrono::milliseconds(250);
constexpr std::size_t kSamplesPerLine = 240;  // a progress line a minute when stderr is not a terminal
constexpr std::size_t kRecentSamples = 40;    // "now" is the rate over the last 10 s

struct Sample {
    double seconds;
    uint64_t records;  // answered by then
};

// Records answered, sampled four times a second from the pusher while it runs, with
// the progress on stderr: a line that rewrites itself on a terminal, else a
// line a minute (a long run's log).
class RateLog {
public:
    RateLog(const Pusher& pusher, uint64_t total) : pusher_(pusher), total_(total) {
        thread_ = std::thread([this] { run(); });
    }
    ~RateLog() { stop(); }

    void stop() {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            stopping_ = true;
        }
        wake_.notify_all();
        thread_.join();
        sample();
        show();
        if (tty_) std::fputc('\n', stderr);
    }
    const std::vector<Sample>& samples() const { return samples_; }

private:
    void run() {
        std::unique_lock lock(mutex_);
        auto next = start_ + kSampleEvery;
        while (!wake_.wait_until(lock, next, [&] { return stopping_; })) {
            next += kSampleEvery;
            sample();
            if ((tty_ && samples_.size() % 4 == 0) || samples_.size() % kSamplesPerLine == 0) show();
        }
    }
    void sample() {
        samples_.push_back({std::chrono::duration<double>(Clock::now() - start_).count(), pusher_.records_answered()});
    }
    // Done, share, the rate over the last 10 s and overall, and the time left at the overall rate.
    void show() const {
        const Sample& now = samples_.back();
        const Sample& before = samples_[samples_.size() > kRecentSamples ? samples_.size() - kRecentSamples - 1 : 0];
        const double recent = now.seconds > before.seconds
                                  ? double(now.records - before.records) / (now.seconds - before.seconds)
                                  : 0;
        const double overall = now.seconds > 0 ? double(now.records) / now.seconds : 0;
        const double left = overall > 0 ? double(total_ - std::min(total_, now.records)) / overall : 0;
        std::fprintf(stderr, "%sehb bench: %llu of %llu records (%.1f%%), %.0f/s now, %.0f/s overall, %.0f s, ETA %.0f min%s",
                     tty_ ? "\r" : "", static_cast<unsigned long long>(now.records),
                     static_cast<unsigned long long>(total_), 100.0 * double(now.records) / double(total_), recent,
                     overall, now.seconds, left / 60, tty_ ? "   " : "\n");
    }

    const Pusher& pusher_;
    const uint64_t total_;
    const bool tty_ = isatty(STDERR_FILENO) != 0;
    const Clock::time_point start_ = Clock::now();
    std::vector<Sample> samples_{{0, 0}};
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

struct Tenth {
    uint64_t records;  // at its end
    double seconds;    // at its end
    double rate;       // records/s within it
};

// When the run passed each tenth of its records (interpolated between samples).
std::vector<Tenth> tenths(const std::vector<Sample>& samples) {
    std::vector<Tenth> out;
    const uint64_t total = samples.back().records;
    if (total < 10) return out;
    std::size_t i = 0;
    Tenth previous{0, 0, 0};
    for (uint64_t k = 1; k <= 10; ++k) {
        const uint64_t target = total * k / 10;
        while (samples[i].records < target) ++i;
        const Sample& a = samples[i == 0 ? 0 : i - 1];
        const Sample& b = samples[i];
        const double at = b.records == a.records ? b.seconds
                                                 : a.seconds + (b.seconds - a.seconds) * double(target - a.records) /
                                                                   double(b.records - a.records);
        const double took = at - previous.seconds;
        out.push_back({target, at, took > 0 ? double(target - previous.records) / took : 0});
        previous = out.back();
    }
    return out;
}

// The rate over windows of the run (about kChartPoints of them), as
// (records done, records/s) at each window's end.
std::vector<std::pair<double, double>> rate_over_time(const std::vector<Sample>& samples) {
    std::vector<std::pair<double, double>> points;
    std::size_t step = std::max(kMinWindow, samples.size() / kChartPoints);
    if (step >= samples.size()) step = std::max<std::size_t>(1, samples.size() / 10);  // a run of seconds
    for (std::size_t i = step; i < samples.size(); i += step) {
        const Sample& a = samples[i - step];
        const Sample& b = samples[i];
        if (b.seconds > a.seconds) points.emplace_back(double(b.records), double(b.records - a.records) / (b.seconds - a.seconds));
    }
    return points;
}

void write_chart(const std::string& path, const std::vector<std::pair<double, double>>& rates,
                 const std::vector<Tenth>& tenth, const workload::Config& config) {
    Chart chart;
    chart.title = "ehb bench --scale: " + std::to_string(config.citizens) + " citizens, " +
                  std::to_string(config.episodes) + " episodes";
    chart.x_label = "records answered (millions)";
    chart.y_label = "records/s";
    ChartSeries windows{"rate over the run", {}, 0x1f77b4};
    for (const auto& [records, rate] : rates) windows.points.emplace_back(records / 1e6, rate);
    ChartSeries steps{"rate per tenth", {}, 0xd62728};
    uint64_t from = 0;
    for (const Tenth& t : tenth) {
        steps.points.emplace_back(double(from) / 1e6, t.rate);
        steps.points.emplace_back(double(t.records) / 1e6, t.rate);
        chart.x_marks.push_back(double(t.records) / 1e6);
        from = t.records;
    }
    chart.series = {std::move(windows), std::move(steps)};
    write_png_chart(chart, path);
}

bool write_file(const std::string& path, const std::string& text) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    return f != nullptr && std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fclose(f) == 0;
}

uint64_t own_peak_rss() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<uint64_t>(usage.ru_maxrss) * 1024;
}

std::string gb(uint64_t bytes) { return fixed(double(bytes) / 1e9, 2); }

}  // namespace

int run_scale(const ScaleOptions& o) {
    std::error_code ec;
    if (std::filesystem::exists(o.data) && !std::filesystem::is_empty(o.data, ec)) {
        std::fprintf(stderr, "ehb bench: %s is not empty: --scale loads a fresh node (give another --data)\n",
                     o.data.c_str());
        return 2;
    }
    std::filesystem::create_directories(o.data);
    std::filesystem::path data = std::filesystem::absolute(o.data).lexically_normal();
    if (data.filename().empty()) data = data.parent_path();  // "DIR/": its log and port file go beside it

    PushOptions push;
    push.command = "bench";
    push.credentials.principal = "bench-scale";
    {
        Store store(data);
        push.credentials.credential = add_principal(store, push.credentials.principal, Role::portal, "");
    }
    ServerProcess server(ehbd_beside_this_program(), data, data.string() + ".ehbd.log");
    push.endpoint.host = "127.0.0.1";
    push.endpoint.port = server.port();
    push.connections = o.connections;
    push.batch = o.batch;
    push.queue = 4;  // batches cut ahead per connection: the workload is generated as it is pushed
    push.deadline = std::chrono::hours(24 * 7);
    push.stream = static_cast<uint32_t>(std::random_device()());

    workload::Generator generator(o.config);
    const uint64_t total = generator.documents_total();
    std::fprintf(stderr, "ehb bench: --scale: %llu citizens, %llu episodes, %llu documents into %s (ehbd port %u)\n",
                 static_cast<unsigned long long>(o.config.citizens), static_cast<unsigned long long>(o.config.episodes),
                 static_cast<unsigned long long>(total), data.c_str(), server.port());

    // Every stride-th document is kept, to resolve its person again at the end.
    const uint64_t stride = std::max<uint64_t>(1, total / std::max<std::size_t>(1, o.resolutions));
    std::vector<std::string> kept;
    Pusher pusher(push);
    pusher.start();
    RateLog log(pusher, total);
    std::string doc;
    for (uint64_t n = 0; generator.next(doc); ++n) {
        if (n % stride == 0 && kept.size() < o.resolutions) kept.push_back(doc);
        if (!pusher.add(doc)) break;
    }
    PushReport report = pusher.finish();
    log.stop();
    for (const std::string& problem : report.problems) std::fprintf(stderr, "ehb bench: %s\n", problem.c_str());

    const ServerProcess::Usage ehbd = server.stop();
    const uint64_t disk = disk_used(data);
    const StoreSpace space = measure_data_dir(data);
    const std::vector<Tenth> tenth = tenths(log.samples());
    const double last_to_first = tenth.size() == 10 && tenth[0].rate > 0 ? tenth[9].rate / tenth[0].rate : 0;

    std::fprintf(stderr, "ehb bench: resolving %zu documents' persons again, cold then warm...\n", kept.size());
    const ResolutionFigures resolution = probe_resolution(data, kept);
    std::fprintf(stderr, "ehb bench: reading %zu books, cold then warm...\n", o.lookups);
    std::vector<std::string> citizens;
    std::mt19937_64 rng(o.config.seed + 7);
    for (std::size_t i = 0; i < o.lookups; ++i) citizens.push_back(generator.citizen_id(rng() % o.config.citizens));
    const LookupFigures lookups = probe_lookups(data, citizens);

    Tally& t = report.tally;
    const StatusCheck statuses = check_statuses(t, generator.expected());
    const double rate = report.seconds > 0 ? double(t.records) / report.seconds : 0;
    const bool rate_holds = last_to_first >= kTenthTarget;
    const bool pass = statuses.match && report.complete && rate_holds && lookups.found > 0;
    const auto rates = rate_over_time(log.samples());

    std::string out = "{\"scale\":true,";
    out += summary_fields(t, report.seconds);
    out += ',' + push_fields(report) + ',' + statuses.json;
    out += ",\"complete\":" + std::string(report.complete ? "true" : "false");
    out += ",\"citizens\":" + std::to_string(o.config.citizens);
    out += ",\"episodes\":" + std::to_string(o.config.episodes);
    out += ",\"seed\":" + std::to_string(o.config.seed);
    out += ",\"connections\":" + std::to_string(o.connections) + ",\"batch\":" + std::to_string(o.batch);
    out += ",\"hours_for_230m_episodes\":" + fixed(rate > 0 ? kNationalEpisodes / rate / 3600 : 0, 2);
    out += ",\"tenths\":[";
    for (const Tenth& x : tenth) {
        if (out.back() != '[') out += ',';
        out += "{\"records\":" + std::to_string(x.records) + ",\"seconds\":" + fixed(x.seconds, 1) +
               ",\"records_per_second\":" + fixed(x.rate, 0) + "}";
    }
    out += "],\"last_to_first_tenth\":" + fixed(last_to_first, 3);
    out += ",\"last_to_first_target\":" + fixed(kTenthTarget, 2);
    out += ",\"rate_over_time\":[";
    for (const auto& [records, r] : rates) {
        if (out.back() != '[') out += ',';
        out.append("[").append(std::to_string(uint64_t(records))).append(",").append(fixed(r, 0)).append("]");
    }
    out += "],\"book_lookup\":{\"books\":" + std::to_string(citizens.size());
    out += ",\"found\":" + std::to_string(lookups.found);
    out += ",\"resident_before_cold\":" + fixed(lookups.resident_before, 3);
    out += ",\"cold\":" + latencies_json(lookups.cold) + ",\"warm\":" + latencies_json(lookups.warm) + "}";
    out += ",\"identity_resolution\":{\"resident_before_cold\":" + fixed(resolution.resident_before, 3);
    out += ",\"cold\":" + latencies_json(resolution.cold) + ",\"warm\":" + latencies_json(resolution.warm);
    out += ",\"linked\":" + std::to_string(resolution.linked) + ",\"invalid\":" + std::to_string(resolution.unparsed) + "}";
    out += ",\"ehbd_peak_rss_bytes\":" + std::to_string(ehbd.peak_rss_bytes);
    out += ",\"ehbd_cpu_seconds\":" + fixed(ehbd.cpu_seconds, 1);
    out += ",\"ehbd_cpu_us_per_record\":" + fixed(t.records ? ehbd.cpu_seconds * 1e6 / double(t.records) : 0, 1);
    out += ",\"bench_peak_rss_bytes\":" + std::to_string(own_peak_rss());
    out += ",\"disk_bytes\":" + std::to_string(disk);
    out += ",\"space\":" + space_json(space);
    out += ",\"pass\":" + std::string(pass ? "true" : "false");
    out += ',' + rejections_field(t) + "}\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    if (!o.json_file.empty() && !write_file(o.json_file, out)) {
        std::fprintf(stderr, "ehb bench: cannot write %s\n", o.json_file.c_str());
        return 1;
    }
    if (!o.chart_file.empty()) write_chart(o.chart_file, rates, tenth, o.config);

    std::fprintf(stderr, "ehb bench: %llu records in %.1f s: %.0f records/s, %.1f MB/s; batch latency p50 %.1f ms, "
                 "p99 %.1f ms\n",
                 static_cast<unsigned long long>(t.records), report.seconds, rate,
                 report.seconds > 0 ? double(t.bytes) / 1e6 / report.seconds : 0.0, percentile(t.latencies_ms, 0.50),
                 percentile(t.latencies_ms, 0.99));
    statuses.print();
    std::fprintf(stderr, "  rate per tenth (records/s):");
    for (const Tenth& x : tenth) std::fprintf(stderr, " %.0f", x.rate);
    std::fprintf(stderr, "\n  last tenth / first tenth: %.2f (target at least %.2f): %s\n", last_to_first, kTenthTarget,
                 rate_holds ? "met" : "NOT MET");
    std::fprintf(stderr, "  230,000,000 episodes at this rate: %.1f hours\n",
                 rate > 0 ? kNationalEpisodes / rate / 3600 : 0.0);
    std::fprintf(stderr, "  book lookup by citizen ID, %zu books (%llu with episodes): cold p50 %.0f us, p99 %.0f us "
                 "(%.0f%% of the file cached before); warm p50 %.0f us, p99 %.0f us\n",
                 citizens.size(), static_cast<unsigned long long>(lookups.found), lookups.cold.p50_us,
                 lookups.cold.p99_us, 100 * lookups.resident_before, lookups.warm.p50_us, lookups.warm.p99_us);
    std::fprintf(stderr, "  identity resolution, %llu records (%llu of a known person): cold p50 %.0f us, p99 %.0f us; "
                 "warm p50 %.0f us, p99 %.0f us\n",
                 static_cast<unsigned long long>(resolution.cold.count), static_cast<unsigned long long>(resolution.linked),
                 resolution.cold.p50_us, resolution.cold.p99_us, resolution.warm.p50_us, resolution.warm.p99_us);
    std::fprintf(stderr, "  peak memory: ehbd %s GB, ehb bench %s GB; disk used: %s GB; ehbd CPU %.0f s (%.0f us a record)\n",
                 gb(ehbd.peak_rss_bytes).c_str(), gb(own_peak_rss()).c_str(), gb(disk).c_str(), ehbd.cpu_seconds,
                 t.records ? ehbd.cpu_seconds * 1e6 / double(t.records) : 0.0);
    if (space.log_totals) {
        std::fprintf(stderr, "  store: %.0f bytes per episode, %.1f%% of the %s GB of documents it holds as received "
                     "(target at most %.0f%%; ehb stats --data DIR for every table)\n",
                     ratio(space.used_bytes(), space.episodes), 100 * ratio(space.file_bytes, space.log_totals->received),
                     gb(space.log_totals->received).c_str(), 100 * kStoreToReceivedTarget);
    }
    std::fprintf(stderr, "  the loaded node stays in %s (ehb stats --data %s)\n", data.c_str(), data.c_str());
    std::fprintf(stderr, "ehb bench: %s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}

}  // namespace ehb::cli
