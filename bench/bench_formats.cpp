// Parse + normalise per input format: one episode from its bytes to the
// accepted record (validated, canonical, hashed), as an episode document in
// JSON, as the XML submission a facility sends the insurance portal, and as
// a FHIR R4 Bundle. The same episodes of the standard workload in each.
#include <benchmark/benchmark.h>

#include "bench/common.hpp"
#include "engine/fhir_in.hpp"
#include "engine/fhir_out.hpp"
#include "engine/parse.hpp"
#include "engine/xml_submission.hpp"
#include "tools/workload/xml_envelope.hpp"

namespace {

struct Corpus {
    std::vector<std::string> json, xml, fhir;
    uint64_t json_bytes = 0, xml_bytes = 0, fhir_bytes = 0;
};

// The workload's valid episodes, in the three formats.
const Corpus& corpus() {
    static const Corpus c = [] {
        Corpus out;
        ehb::EpisodeParser parser;
        ehb::ParsedRecord record;
        ehb::Issue error;
        std::string bundle;
        for (std::string& doc :
             ehb::bench::standard_documents(ehb::bench::env_u64("EHB_BENCH_FORMAT_DOCS", 5'000), 1'000'000)) {
            if (!parser.parse(doc, record, error) || !ehb::record_fhir(doc, bundle, error)) continue;
            out.xml.push_back(ehb::workload::xml_submission(doc));
            out.fhir.push_back(bundle);
            out.json.push_back(std::move(doc));
            out.json_bytes += out.json.back().size();
            out.xml_bytes += out.xml.back().size();
            out.fhir_bytes += out.fhir.back().size();
        }
        return out;
    }();
    return c;
}

// Runs `to_record` over `docs` round and round; every one must be accepted.
template <class F>
void run(benchmark::State& state, const std::vector<std::string>& docs, uint64_t bytes, F to_record) {
    if (docs.empty()) return state.SkipWithError("no documents");
    ehb::ParsedRecord record;
    ehb::Issue error;
    for (const std::string& d : docs) {
        if (!to_record(d, record, error)) return state.SkipWithError((error.code + " " + error.reason).c_str());
    }
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(to_record(docs[i], record, error));
        benchmark::DoNotOptimize(record.hash);
        if (++i == docs.size()) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(int64_t(state.iterations() * (bytes / docs.size())));
}

void BM_JsonDocumentToRecord(benchmark::State& state) {
    ehb::EpisodeParser parser;
    run(state, corpus().json, corpus().json_bytes,
        [&](const std::string& d, ehb::ParsedRecord& r, ehb::Issue& e) { return parser.parse(d, r, e); });
}
BENCHMARK(BM_JsonDocumentToRecord);

void BM_XmlSubmissionToRecord(benchmark::State& state) {
    ehb::EpisodeParser parser;
    ehb::XmlSubmissionReader reader;
    ehb::XmlSubmission submission;
    run(state, corpus().xml, corpus().xml_bytes, [&](const std::string& d, ehb::ParsedRecord& r, ehb::Issue& e) {
        return reader.read(d, submission, e) && parser.parse(submission.document, r, e);
    });
}
BENCHMARK(BM_XmlSubmissionToRecord);

void BM_FhirBundleToRecord(benchmark::State& state) {
    ehb::EpisodeParser parser;
    ehb::FhirBundleReader reader;
    std::string document;
    run(state, corpus().fhir, corpus().fhir_bytes, [&](const std::string& d, ehb::ParsedRecord& r, ehb::Issue& e) {
        return reader.read(d, document, e) && parser.parse(document, r, e);
    });
}
BENCHMARK(BM_FhirBundleToRecord);

// The reading steps alone (to an episode document, before EpisodeParser).
void BM_XmlSubmissionRead(benchmark::State& state) {
    ehb::XmlSubmissionReader reader;
    ehb::XmlSubmission submission;
    run(state, corpus().xml, corpus().xml_bytes, [&](const std::string& d, ehb::ParsedRecord&, ehb::Issue& e) {
        return reader.read(d, submission, e);
    });
}
BENCHMARK(BM_XmlSubmissionRead);

void BM_FhirBundleRead(benchmark::State& state) {
    ehb::FhirBundleReader reader;
    std::string document;
    run(state, corpus().fhir, corpus().fhir_bytes, [&](const std::string& d, ehb::ParsedRecord&, ehb::Issue& e) {
        return reader.read(d, document, e);
    });
}
BENCHMARK(BM_FhirBundleRead);

}  // namespace

BENCHMARK_MAIN();
