// Book lookup latency on a store of P citizens and V episodes (1,000,000 and
// 3,000,000 by default). The store is built once through the ingest pipeline
// and kept in EHB_BENCH_LOOKUP_DIR for later runs.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>

#include "bench/common.hpp"
#include "engine/book.hpp"
#include "engine/pipeline.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Fixture {
    uint64_t citizens = ehb::bench::env_u64("EHB_BENCH_LOOKUP_CITIZENS", 1'000'000);
    uint64_t episodes = ehb::bench::env_u64("EHB_BENCH_LOOKUP_EPISODES", 3'000'000);
    std::filesystem::path dir;
    std::unique_ptr<ehb::Store> store;
    std::vector<std::string> ids;  // random citizens, in lookup order

    Fixture() {
        const char* base = std::getenv("EHB_BENCH_LOOKUP_DIR");
        dir = base && *base ? std::filesystem::path(base)
                            : std::filesystem::path("/tmp") / ("ehb-bench-lookup-" + std::to_string(citizens) + "-" +
                                                              std::to_string(episodes));
        ehb::workload::Config config;
        config.citizens = citizens;
        config.episodes = episodes;
        ehb::workload::Generator gen(config);
        if (!std::filesystem::exists(dir / ehb::bench::complete_marker())) build(gen);
        store = std::make_unique<ehb::Store>(dir);
        if (std::getenv("EHB_BENCH_COLD") == nullptr) warm();
        std::mt19937_64 rng(5);
        for (int i = 0; i < 200'000; ++i) ids.push_back(gen.citizen_id(rng() % citizens));
    }

    // Touches every page of every table through the memory map once, so that
    // lookups measure a warm cache with the process's page tables in place, as
    // in a long-running server (EHB_BENCH_COLD=1 skips it; drop the page cache
    // first for a cold figure).
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
        std::fprintf(stderr, "building the lookup store in %s (%llu citizens, %llu episodes)...\n", dir.c_str(),
                     static_cast<unsigned long long>(citizens), static_cast<unsigned long long>(episodes));
        std::filesystem::remove_all(dir);
        ehb::Store s(dir);
        ehb::Pipeline pipeline(s);
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

Fixture& fixture() {
    static Fixture f;
    return f;
}

void BM_BookLookup(benchmark::State& state) {
    Fixture& f = fixture();
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
    state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_BookLookup)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
