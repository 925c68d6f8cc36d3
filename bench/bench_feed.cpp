// Reading the change feed (engine/feed.hpp): changes per second rendered from
// a store of the standard workload, as ehbd's reader pool does for every
// consumer: every change, every change with its record, and one province's
// (the rest scanned and left out). EHB_BENCH_FEED_DOCS documents (200,000 by
// default); the store is built once in /tmp and kept.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "bench/common.hpp"
#include "engine/feed.hpp"
#include "engine/pipeline.hpp"

namespace {

struct Fixture {
    uint64_t docs = ehb::bench::env_u64("EHB_BENCH_FEED_DOCS", 200'000);
    std::filesystem::path dir = std::filesystem::path("/tmp") / ("ehb-bench-feed-" + std::to_string(docs));
    std::unique_ptr<ehb::Store> store;
    uint64_t changes = 0;

    Fixture() {
        if (!std::filesystem::exists(dir / ehb::bench::complete_marker())) build();
        store = std::make_unique<ehb::Store>(dir);
        changes = store->read([](const ehb::StoreReader& r) { return r.last_feed(); });
    }

    void build() {
        std::fprintf(stderr, "building the feed store in %s (%llu documents)...\n", dir.c_str(),
                     static_cast<unsigned long long>(docs));
        std::filesystem::remove_all(dir);
        {
            ehb::Store s(dir);
            ehb::Pipeline pipeline(s);
            const auto documents = ehb::bench::standard_documents(docs, docs);
            for (std::size_t i = 0; i < documents.size(); i += 1000) {
                std::string buffer;
                std::vector<ehb::Pipeline::Span> spans;
                for (std::size_t j = i; j < std::min(documents.size(), i + 1000); ++j) {
                    spans.emplace_back(buffer.size(), documents[j].size());
                    buffer += documents[j];
                }
                pipeline.submit(std::move(buffer), spans, "bench", nullptr);
            }
        }
        std::FILE* f = std::fopen((dir / ehb::bench::complete_marker()).c_str(), "w");
        if (f) std::fclose(f);
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

// Reads the whole feed in chunks of 1,000 changes, as one consumer catching up.
void read_all(benchmark::State& state, const ehb::FeedFilter& filter) {
    Fixture& f = fixture();
    ehb::FeedReader reader(&f.store->dictionaries());
    ehb::FeedChunk chunk;
    uint64_t kept = 0;
    for (auto _ : state) {
        for (uint64_t from = 1; from <= f.changes;) {
            f.store->read([&](const ehb::StoreReader& r) { reader.read(r, from, filter, {}, chunk); });
            kept += chunk.size();
            from = chunk.next;
        }
    }
    state.SetItemsProcessed(int64_t(f.changes) * state.iterations());  // changes looked at
    state.counters["kept_per_pass"] = double(kept) / double(state.iterations());
}

void BM_FeedEveryChange(benchmark::State& state) { read_all(state, {}); }

void BM_FeedWithRecords(benchmark::State& state) {
    ehb::FeedFilter filter;
    filter.records = true;
    read_all(state, filter);
}

void BM_FeedOneProvince(benchmark::State& state) {
    ehb::FeedFilter filter;
    filter.facility_province = 79;  // Hồ Chí Minh City's facilities
    read_all(state, filter);
}

BENCHMARK(BM_FeedEveryChange)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FeedWithRecords)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FeedOneProvince)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
