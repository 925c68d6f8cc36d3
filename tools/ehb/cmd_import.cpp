// ehb import --data DIR [--batch N] FILE...
// The offline bulk path: JSON Lines files through the group-commit pipeline.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/canonical.hpp"
#include "engine/pipeline.hpp"
#include "tools/ehb/commands.hpp"

namespace ehb::cli {

namespace {

struct Totals {
    std::atomic<uint64_t> records{0};
    uint64_t accepted = 0, duplicate = 0, new_version = 0, rejected = 0, flagged = 0;
    std::map<std::string, uint64_t> rejections;  // by error code
    uint64_t bytes = 0;                          // of the documents
    std::vector<double> latencies_ms;            // per batch, from submission to durable acknowledgement

    // Runs on the pipeline's writer thread only.
    void add(std::span<const RecordResult> results) {
        for (const RecordResult& r : results) {
            switch (r.status) {
                case Status::accepted: ++accepted; break;
                case Status::duplicate: ++duplicate; break;
                case Status::new_version: ++new_version; break;
                case Status::rejected: ++rejected; ++rejections[r.error.code]; break;
            }
            if (r.flagged) ++flagged;
        }
        records.fetch_add(results.size(), std::memory_order_relaxed);
    }
};

// Cuts files into batches of whole lines; each batch owns a copy of its bytes.
class Batcher {
public:
    Batcher(Pipeline& pipeline, Totals& totals, std::size_t batch_size)
        : pipeline_(pipeline), totals_(totals), batch_size_(batch_size) {}

    void line(std::string_view text) {
        while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
        if (text.empty()) return;  // blank lines separate nothing and are not records
        offsets_.emplace_back(buffer_.size(), text.size());
        buffer_.append(text);
        if (offsets_.size() >= batch_size_) flush();
    }

    void flush() {
        if (offsets_.empty()) return;
        totals_.bytes += buffer_.size();
        auto submitted = std::chrono::steady_clock::now();
        pipeline_.submit(std::move(buffer_), offsets_, "import", [this, submitted](std::span<const RecordResult> results) {
            totals_.latencies_ms.push_back(
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - submitted).count());
            totals_.add(results);
        });
        buffer_ = std::string();
        offsets_.clear();
    }

private:
    Pipeline& pipeline_;
    Totals& totals_;
    std::size_t batch_size_;
    std::string buffer_;
    std::vector<Pipeline::Span> offsets_;
};

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    auto k = std::min(v.size() - 1, static_cast<std::size_t>(p * double(v.size())));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

void show_progress(const Totals& totals, std::chrono::steady_clock::time_point start) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    uint64_t n = totals.records.load(std::memory_order_relaxed);
    std::fprintf(stderr, "\r%12llu records committed  %9.0f records/s  %7.1f s", static_cast<unsigned long long>(n),
                 secs > 0 ? double(n) / secs : 0.0, secs);
}

}  // namespace

int cmd_import(int argc, char** argv) {
    std::string data;
    std::size_t batch = 1000;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--data") == 0 && i + 1 < argc) data = argv[++i];
        else if (std::strcmp(argv[i], "--batch") == 0 && i + 1 < argc) batch = std::strtoull(argv[++i], nullptr, 10);
        else if (argv[i][0] != '-' || std::strcmp(argv[i], "-") == 0) files.emplace_back(argv[i]);
        else {
            std::fprintf(stderr, "ehb import: unexpected argument '%s'\n", argv[i]);
            return 2;
        }
    }
    if (data.empty() || files.empty() || batch == 0) {
        std::fputs("usage: ehb import --data DIR [--batch N] FILE...   (FILE may be - for stdin)\n", stderr);
        return 2;
    }

    Store store(data);
    Totals totals;
    PipelineStats stats;
    bool tty = isatty(STDERR_FILENO);
    auto start = std::chrono::steady_clock::now();
    auto last_shown = start;
    {
        Pipeline pipeline(store);
        Batcher batcher(pipeline, totals, batch);
        std::vector<char> chunk(std::size_t{8} << 20);
        std::string partial;
        for (const std::string& file : files) {
            FILE* in = file == "-" ? stdin : std::fopen(file.c_str(), "rb");
            if (!in) {
                std::fprintf(stderr, "ehb import: cannot open %s: %s\n", file.c_str(), std::strerror(errno));
                return 1;
            }
            std::size_t n;
            while ((n = std::fread(chunk.data(), 1, chunk.size(), in)) > 0) {
                std::string_view rest(chunk.data(), n);
                for (std::size_t nl; (nl = rest.find('\n')) != std::string_view::npos; rest.remove_prefix(nl + 1)) {
                    if (partial.empty()) {
                        batcher.line(rest.substr(0, nl));
                    } else {
                        partial.append(rest.substr(0, nl));
                        batcher.line(partial);
                        partial.clear();
                    }
                }
                partial.append(rest);
                if (tty && std::chrono::steady_clock::now() - last_shown > std::chrono::milliseconds(500)) {
                    last_shown = std::chrono::steady_clock::now();
                    show_progress(totals, start);
                }
            }
            bool failed = std::ferror(in);
            if (in != stdin) std::fclose(in);
            if (failed) {
                std::fprintf(stderr, "ehb import: error reading %s\n", file.c_str());
                return 1;
            }
            batcher.line(partial);  // a last line without its newline
            partial.clear();
        }
        batcher.flush();
        pipeline.close();
        stats = pipeline.stats();
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (tty) {
        show_progress(totals, start);
        std::fputc('\n', stderr);
    }

    std::string out = "{\"records\":" + std::to_string(totals.records.load());
    out += ",\"accepted\":" + std::to_string(totals.accepted);
    out += ",\"duplicate\":" + std::to_string(totals.duplicate);
    out += ",\"new_version\":" + std::to_string(totals.new_version);
    out += ",\"rejected\":" + std::to_string(totals.rejected);
    out += ",\"flagged\":" + std::to_string(totals.flagged);
    out += ",\"seconds\":" + fixed(seconds, 3);
    out += ",\"records_per_second\":" + fixed(seconds > 0 ? double(totals.records.load()) / seconds : 0, 0);
    out += ",\"mb_per_second\":" + fixed(seconds > 0 ? double(totals.bytes) / 1e6 / seconds : 0, 1);
    out += ",\"batch_latency_ms\":{\"p50\":" + fixed(percentile(totals.latencies_ms, 0.50), 1);
    out += ",\"p99\":" + fixed(percentile(totals.latencies_ms, 0.99), 1);
    out += ",\"p999\":" + fixed(percentile(totals.latencies_ms, 0.999), 1) + "}";
    // The store's footprint: allocated blocks of the data file, per log entry.
    struct stat st {};
    uint64_t on_disk = ::stat((std::filesystem::path(data) / "data.mdb").c_str(), &st) == 0 ? uint64_t(st.st_blocks) * 512 : 0;
    uint64_t entries = store.read([](const StoreReader& r) { return r.last_seq(); });
    out += ",\"store_bytes\":" + std::to_string(on_disk);
    out += ",\"store_bytes_per_entry\":" + std::to_string(entries ? on_disk / entries : 0);
    out += ",\"commits\":" + std::to_string(stats.commits);
    out += ",\"writer_seconds\":" + fixed(stats.write_seconds, 3);
    out += ",\"rejections\":{";
    bool first = true;
    for (const auto& [code, count] : totals.rejections) {
        if (!first) out += ',';
        first = false;
        append_canonical_string(out, code);
        out += ':' + std::to_string(count);
    }
    out += "}}\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

}  // namespace ehb::cli
