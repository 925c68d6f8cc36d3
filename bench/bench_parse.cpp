// The CPU stage per episode: parse + validate + canonicalise + hash, and the
// same followed by compression (what Preparer does before the writer).
#include <benchmark/benchmark.h>

#include "bench/common.hpp"
#include "engine/ingest.hpp"
#include "engine/parse.hpp"

namespace {

const std::vector<std::string>& documents(uint64_t& bytes) {
    static uint64_t total = 0;
    static const auto docs =
        ehb::bench::standard_documents(ehb::bench::env_u64("EHB_BENCH_PARSE_DOCS", 20'000), 1'000'000, &total);
    bytes = total;
    return docs;
}

void BM_ParseValidateCanonicaliseHash(benchmark::State& state) {
    uint64_t bytes = 0;
    const auto& docs = documents(bytes);
    ehb::EpisodeParser parser;
    ehb::ParsedRecord record;
    ehb::Issue error;
    // Check before timing: the workload's documents are (nearly all) valid.
    std::size_t ok = 0;
    for (const auto& d : docs) ok += parser.parse(d, record, error);
    if (ok < docs.size() * 9 / 10) state.SkipWithError("workload documents fail to parse");
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(parser.parse(docs[i], record, error));
        benchmark::DoNotOptimize(record.hash);
        if (++i == docs.size()) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(int64_t(state.iterations() * (bytes / docs.size())));
}
BENCHMARK(BM_ParseValidateCanonicaliseHash);

void BM_PrepareWithCompression(benchmark::State& state) {
    uint64_t bytes = 0;
    const auto& docs = documents(bytes);
    // As in a store past its first records: a dictionary trained on them.
    ehb::EpisodeParser parser;
    ehb::ParsedRecord record;
    ehb::Issue error;
    std::vector<std::string> samples;
    for (std::size_t i = 0; i < docs.size() && samples.size() < ehb::kDictionarySamples; ++i) {
        if (parser.parse(docs[i], record, error)) samples.push_back(record.canonical);
    }
    ehb::DictionarySet dictionaries;
    if (auto d = ehb::Dictionary::train(samples)) dictionaries.add(d);
    ehb::Preparer preparer(&dictionaries);
    ehb::Prepared out;
    uint64_t raw = 0, packed = 0;
    std::size_t i = 0;
    for (auto _ : state) {
        preparer.prepare(docs[i], out);
        raw += docs[i].size();
        packed += out.payload.size();
        if (++i == docs.size()) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(int64_t(state.iterations() * (bytes / docs.size())));
    state.counters["payload_ratio"] = raw ? double(packed) / double(raw) : 0;
}
BENCHMARK(BM_PrepareWithCompression);

}  // namespace

BENCHMARK_MAIN();
