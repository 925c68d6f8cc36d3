// ehb import --data DIR [--batch N] FILE...
// The offline bulk path: input files of any format (tools/ehb/inputs.hpp) through the group-commit pipeline.
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/pipeline.hpp"
#include "tools/ehb/commands.hpp"
#include "tools/ehb/inputs.hpp"
#include "tools/ehb/summary.hpp"

namespace ehb::cli {

namespace {

// Results as the pipeline's writer thread acknowledges them; `records` and
// `bytes` are also read by the progress line.
struct Totals {
    Tally tally;
    std::atomic<uint64_t> records{0}, bytes{0};
};

// Cuts documents into batches; each batch owns a copy of its bytes.
class Batcher {
public:
    Batcher(Pipeline& pipeline, Totals& totals, std::size_t batch_size)
        : pipeline_(pipeline), totals_(totals), batch_size_(batch_size) {}

    void add(std::string_view text) {
        offsets_.emplace_back(buffer_.size(), text.size());
        buffer_.append(text);
        if (offsets_.size() >= batch_size_) flush();
    }

    void flush() {
        if (offsets_.empty()) return;
        auto submitted = std::chrono::steady_clock::now();
        std::size_t bytes = buffer_.size();
        pipeline_.submit(std::move(buffer_), offsets_, "import",
                         [this, submitted, bytes](std::span<const RecordResult> results) {
                             Tally& t = totals_.tally;
                             t.latencies_ms.push_back(std::chrono::duration<double, std::milli>(
                                                          std::chrono::steady_clock::now() - submitted)
                                                          .count());
                             t.add(results);
                             t.bytes += bytes;
                             totals_.records.fetch_add(results.size(), std::memory_order_relaxed);
                             totals_.bytes.fetch_add(bytes, std::memory_order_relaxed);
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
    Progress progress(total_size(files));
    auto start = std::chrono::steady_clock::now();
    {
        Pipeline pipeline(store);
        Batcher batcher(pipeline, totals, batch);
        bool read = read_documents(files, "import", [&](std::string_view document) {
                                   batcher.add(document);
                                   return true;
                               },
                               [&] { progress.update(totals.records.load(), totals.bytes.load()); });
        if (!read) return 1;
        batcher.flush();
        pipeline.close();
        stats = pipeline.stats();
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress.finish(totals.records.load(), totals.bytes.load());

    std::string out = "{";
    out += summary_fields(totals.tally, seconds);
    // The store's footprint: allocated blocks of the data file, per log entry.
    struct stat st {};
    bool sized = ::stat((std::filesystem::path(data) / "data.mdb").c_str(), &st) == 0;
    uint64_t on_disk = sized ? uint64_t(st.st_blocks) * 512 : 0;
    uint64_t entries = store.read([](const StoreReader& r) { return r.last_seq(); });
    out += ",\"store_bytes\":" + std::to_string(on_disk);
    out += ",\"store_bytes_per_entry\":" + std::to_string(entries ? on_disk / entries : 0);
    out += ",\"commits\":" + std::to_string(stats.commits);
    out += ",\"writer_seconds\":" + fixed(stats.write_seconds, 3);
    out += ',';
    out += rejections_field(totals.tally);
    out += "}\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

}  // namespace ehb::cli
