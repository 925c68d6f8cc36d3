// Book lookup latency on a store of P citizens and V episodes (1,000,000 and
// 3,000,000 by default), with payloads compressed (as ehbd stores them) and
// raw (PipelineOptions::compress_payloads off), to tell what compression costs
// the read path. Each store is built once through the ingest pipeline and kept
// for later runs: in EHB_BENCH_LOOKUP_DIR, and the raw one beside it with the
// suffix "-raw". Both variants look up the same citizens in the same order.
// BM_BookLookup times the store read alone (BookReader::read); BM_BookServed
// times the book as GET_BOOK and `ehb book` serve it: the read, then the JSON
// rendered from it (book_json), all but the access audit's commit. The run
// ends with the ratio of each pair's median p99 latencies (on stderr). A raw
// record (~4 KB) takes two LMDB overflow pages: the raw store is ~4 times the
// compressed one (6.2 GB at 300,000 citizens, 900,000 episodes), so at the
// default size it no longer fits a 24 GB machine's page cache warm
// (--benchmark_filter=compressed measures the compressed store alone).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <random>

#include "bench/common.hpp"
#include "engine/book.hpp"
#include "engine/pipeline.hpp"

namespace {

using Clock = std::chrono::steady_clock;

enum class Variant { compressed, raw };
constexpr std::size_t kVariants = 2;
constexpr std::array<const char*, kVariants> kVariantNames = {"compressed", "raw"};

bool cold() { return std::getenv("EHB_BENCH_COLD") != nullptr; }

struct Fixture {
    uint64_t citizens = ehb::bench::env_u64("EHB_BENCH_LOOKUP_CITIZENS", 1'000'000);
    uint64_t episodes = ehb::bench::env_u64("EHB_BENCH_LOOKUP_EPISODES", 3'000'000);
    Variant variant;
    std::filesystem::path dir;
    std::unique_ptr<ehb::Store> store;
    std::vector<std::string> ids;  // random citizens, in lookup order (the same for both variants)

    explicit Fixture(Variant v) : variant(v) {
        const char* base = std::getenv("EHB_BENCH_LOOKUP_DIR");
        dir = base && *base ? std::filesystem::path(base)
                            : std::filesystem::path("/tmp") / ("ehb-bench-lookup-" + std::to_string(citizens) + "-" +
                                                              std::to_string(episodes));
        if (variant == Variant::raw) dir += "-raw";
        ehb::workload::Config config;
        config.citizens = citizens;
        config.episodes = episodes;
        ehb::workload::Generator gen(config);
        if (!std::filesystem::exists(dir / ehb::bench::complete_marker())) build(gen);
        store = std::make_unique<ehb::Store>(dir);
        if (!cold()) warm();
        std::mt19937_64 rng(5);
        for (int i = 0; i < 200'000; ++i) ids.push_back(gen.citizen_id(rng() % citizens));
    }

    // Touches every page of every table through the memory map once, so that
    // lookups measure a warm cache with the process's page tables in place, as
    // in a long-running server (EHB_BENCH_COLD=1 skips it, and each run then
    // starts with the store's file evicted from the page cache instead).
    void warm() const {
        store->read([](const ehb::StoreReader& r) {
            const ehb::Tables& t = r.tables();
            uint64_t sum = 0;
            for (const ehb::lmdb::Dbi* table : {&t.log, &t.episodes, &t.person_log, &t.links, &t.members}) {
                ehb::lmdb::Cursor c(r.txn(), *table);
                std::string_view k, v;
                for (bool ok = c.get(k, v, MDB_FIRST); ok; ok = c.get(k, v, MDB_NEXT)) {
                    for (std::size_t i = 0; i < v.size(); i += 4096) sum += uint8_t(v[i]);
                }
            }
            return sum;
        });
    }

    void build(ehb::workload::Generator& gen) {
        std::fprintf(stderr, "building the %s lookup store in %s (%llu citizens, %llu episodes)...\n",
                     kVariantNames[std::size_t(variant)], dir.c_str(), static_cast<unsigned long long>(citizens),
                     static_cast<unsigned long long>(episodes));
        std::filesystem::remove_all(dir);
        ehb::Store s(dir);
        ehb::PipelineOptions options;
        options.compress_payloads = variant == Variant::compressed;
        ehb::Pipeline pipeline(s, options);
        std::string doc;
        for (bool more = true; more;) {
            std::string buffer;
            std::vector<ehb::Pipeline::Span> spans;
            while (spans.size() < 1000 && (more = gen.next(doc))) {
                spans.emplace_back(buffer.size(), doc.size());
                buffer += doc;
            }
            if (!spans.empty()) pipeline.submit(std::move(buffer), spans, "bench", nullptr);
        }
        pipeline.close();
        std::ofstream(dir / ehb::bench::complete_marker()) << "built\n";
    }
};

// Built (or opened) on first use: a run filtered to one variant builds only its store.
Fixture& fixture(Variant v) {
    static std::array<std::unique_ptr<Fixture>, kVariants> fixtures;
    auto& f = fixtures[std::size_t(v)];
    if (!f) f = std::make_unique<Fixture>(v);
    return *f;
}

// What a lookup does: read the book, and with `served` also render it.
enum class Lookup { read, served };
constexpr std::size_t kLookups = 2;
constexpr std::array<const char*, kLookups> kLookupNames = {"BM_BookLookup", "BM_BookServed"};

void BM_Book(benchmark::State& state, Lookup lookup, Variant variant) {
    Fixture& f = fixture(variant);
    const uint32_t today = ehb::vietnam_today();
    if (cold()) {
        f.store->release_mapped_pages();
        ehb::bench::evict_from_page_cache(f.dir / "data.mdb");
    }
    ehb::BookReader reader(*f.store);
    ehb::Book book;
    std::vector<double> us;
    std::vector<std::size_t> sizes;  // episodes in each book read
    std::size_t i = 0;
    // Page faults that had to read the disk: pages the kernel evicted despite the
    // warm-up (this VM's DAMON reclaim pages out file pages idle for a while).
    rusage before{}, after{};
    getrusage(RUSAGE_SELF, &before);
    for (auto _ : state) {
        auto t0 = Clock::now();
        reader.read(f.ids[i], book);
        if (lookup == Lookup::served) benchmark::DoNotOptimize(ehb::book_json(book, today));
        us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
        sizes.push_back(book.episodes.size());
        if (++i == f.ids.size()) i = 0;
    }
    getrusage(RUSAGE_SELF, &after);
    state.counters["major_faults_per_1k"] = 1000.0 * double(after.ru_majflt - before.ru_majflt) / double(state.iterations());
    auto pct = [](std::vector<double> v, double p) {
        if (v.empty()) return 0.0;
        std::size_t k = std::min(v.size() - 1, std::size_t(p * double(v.size())));
        std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(k), v.end());
        return v[k];
    };
    state.counters["p50_us"] = pct(us, 0.50);
    state.counters["p99_us"] = pct(us, 0.99);
    state.counters["p999_us"] = pct(us, 0.999);
    // Latency grows with the book: the median for books of 1, 10 and 20 episodes.
    for (std::size_t n : {1, 10, 20}) {
        std::vector<double> of_size;
        for (std::size_t j = 0; j < us.size(); ++j) {
            if (sizes[j] == n) of_size.push_back(us[j]);
        }
        state.counters["p50_us_" + std::to_string(n) + "ep"] = pct(of_size, 0.50);
    }
    std::vector<double> episodes(sizes.begin(), sizes.end());
    state.counters["episodes_per_book"] = std::accumulate(episodes.begin(), episodes.end(), 0.0) / double(episodes.size());
    state.counters["book_p99_episodes"] = pct(episodes, 0.99);
    state.counters["store_mb"] = double(f.store->bytes_on_disk()) / 1e6;
    state.SetItemsProcessed(int64_t(state.iterations()));
}
void BM_BookLookup(benchmark::State& state, Variant variant) { BM_Book(state, Lookup::read, variant); }
void BM_BookServed(benchmark::State& state, Variant variant) { BM_Book(state, Lookup::served, variant); }
BENCHMARK_CAPTURE(BM_BookLookup, compressed, Variant::compressed)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_BookLookup, raw, Variant::raw)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_BookServed, compressed, Variant::compressed)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_BookServed, raw, Variant::raw)->UseRealTime()->Unit(benchmark::kMicrosecond);

// The display reporter (as --benchmark_format asks), which also keeps each
// variant's reported p50 and p99: of a single run, or the median aggregate
// of repetitions. Finalize writes the comparison.
class ComparingReporter : public benchmark::BenchmarkReporter {
public:
    bool ReportContext(const Context& context) override { return display_->ReportContext(context); }

    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& run : runs) {
            const bool reported = run.run_type == Run::RT_Aggregate ? run.aggregate_name == "median" : run.repetitions == 1;
            if (run.error_occurred || !reported) continue;
            for (std::size_t l = 0; l < kLookups; ++l) {
                for (std::size_t v = 0; v < kVariants; ++v) {
                    if (run.run_name.function_name != std::string(kLookupNames[l]) + "/" + kVariantNames[v]) continue;
                    figures_[l][v] = Figures{true, run.counters.at("p50_us").value, run.counters.at("p99_us").value,
                                             run.counters.at("store_mb").value};
                }
            }
        }
        display_->ReportRuns(runs);
    }

    void Finalize() override {
        display_->Finalize();
        constexpr std::array<const char*, kLookups> kWhat = {"book read", "book served"};
        for (std::size_t l = 0; l < kLookups; ++l) {
            for (std::size_t v = 0; v < kVariants; ++v) {
                const Figures& x = figures_[l][v];
                if (!x.seen) continue;
                std::fprintf(stderr, "%-11s %-10s p50 %7.1f us  p99 %7.1f us  store %9.1f MB\n", kWhat[l],
                             kVariantNames[v], x.p50, x.p99, x.store_mb);
            }
            const Figures& z = figures_[l][std::size_t(Variant::compressed)];
            const Figures& r = figures_[l][std::size_t(Variant::raw)];
            if (z.seen && r.seen && r.p99 > 0) {
                std::fprintf(stderr, "%-11s p99 compressed/raw: %.2f (p50 %.2f; store size %.2f)\n", kWhat[l],
                             z.p99 / r.p99, z.p50 / r.p50, z.store_mb / r.store_mb);
            }
        }
    }

private:
    struct Figures {
        bool seen;
        double p50, p99, store_mb;
    };
    std::unique_ptr<benchmark::BenchmarkReporter> display_{benchmark::CreateDefaultDisplayReporter()};
    std::array<std::array<Figures, kVariants>, kLookups> figures_{};
};

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    ComparingReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}
