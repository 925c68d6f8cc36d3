// Durable ingest of the standard workload into a fresh store: one commit per
// batch (Engine) for batch sizes 1 to 10,000, and the group-commit pipeline
// (Pipeline) that `ehb import` and the server use.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "bench/common.hpp"
#include "engine/ingest.hpp"
#include "engine/pipeline.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::filesystem::path fresh_dir() {
    const char* base = std::getenv("EHB_BENCH_DIR");
    std::filesystem::path dir = std::filesystem::path(base && *base ? base : "/tmp") / "ehb-bench-ingest";
    std::filesystem::remove_all(dir);
    return dir;
}

uint64_t documents_for(int64_t batch) {
    // One fsync per record is slow by nature: fewer documents keep that run short.
    return batch == 1 ? ehb::bench::env_u64("EHB_BENCH_DOCS_B1", 2'000)
                      : ehb::bench::env_u64("EHB_BENCH_DOCS", 200'000);
}

const std::vector<std::string>& documents() {
    static const auto docs = ehb::bench::standard_documents(
        std::max(documents_for(1), documents_for(1000)), ehb::bench::env_u64("EHB_BENCH_CITIZENS", 1'000'000));
    return docs;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::size_t k = std::min(v.size() - 1, std::size_t(p * double(v.size())));
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(k), v.end());
    return v[k];
}

void BM_DurableIngest(benchmark::State& state) {
    const auto& docs = documents();
    const std::size_t batch = std::size_t(state.range(0));
    const std::size_t n = std::min<std::size_t>(documents_for(state.range(0)), docs.size());
    std::vector<std::string_view> views(docs.begin(), docs.begin() + std::ptrdiff_t(n));
    uint64_t bytes = 0;
    for (auto v : views) bytes += v.size();
    std::vector<double> latencies_ms;
    uint64_t stored = 0;
    for (auto _ : state) {
        state.PauseTiming();
        auto dir = fresh_dir();
        {
            ehb::Store store(dir);
            ehb::Engine engine(store);
            state.ResumeTiming();
            for (std::size_t at = 0; at < n; at += batch) {
                auto t0 = Clock::now();
                auto results = engine.ingest(std::span(views).subspan(at, std::min(batch, n - at)), "bench");
                latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
                for (const auto& r : results) stored += r.status == ehb::Status::accepted || r.status == ehb::Status::new_version;
            }
            state.PauseTiming();
        }
        std::filesystem::remove_all(dir);
        state.ResumeTiming();
    }
    state.SetItemsProcessed(int64_t(state.iterations() * n));
    state.SetBytesProcessed(int64_t(state.iterations() * bytes));
    state.counters["batch_p50_ms"] = percentile(latencies_ms, 0.50);
    state.counters["batch_p99_ms"] = percentile(latencies_ms, 0.99);
    state.counters["stored"] = double(stored) / double(state.iterations());
}
BENCHMARK(BM_DurableIngest)->Arg(1)->Arg(100)->Arg(1000)->Arg(10000)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_PipelineIngest(benchmark::State& state) {
    const auto& docs = documents();
    const std::size_t batch = std::size_t(state.range(0));
    const std::size_t n = std::min<std::size_t>(documents_for(1000), docs.size());
    uint64_t bytes = 0, commits = 0;
    for (std::size_t i = 0; i < n; ++i) bytes += docs[i].size();
    for (auto _ : state) {
        state.PauseTiming();
        auto dir = fresh_dir();
        {
            ehb::Store store(dir);
            state.ResumeTiming();
            ehb::Pipeline pipeline(store);
            for (std::size_t at = 0; at < n; at += batch) {
                std::string buffer;
                std::vector<ehb::Pipeline::Span> spans;
                for (std::size_t i = at; i < std::min(n, at + batch); ++i) {
                    spans.emplace_back(buffer.size(), docs[i].size());
                    buffer += docs[i];
                }
                pipeline.submit(std::move(buffer), spans, "bench", nullptr);
            }
            pipeline.close();
            commits += pipeline.stats().commits;
            state.PauseTiming();
        }
        std::filesystem::remove_all(dir);
        state.ResumeTiming();
    }
    state.SetItemsProcessed(int64_t(state.iterations() * n));
    state.SetBytesProcessed(int64_t(state.iterations() * bytes));
    state.counters["commits"] = double(commits) / double(state.iterations());
}
BENCHMARK(BM_PipelineIngest)->Arg(100)->Arg(1000)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
