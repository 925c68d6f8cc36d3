// fuzz_fhir: any bytes into the FHIR Bundle reader (engine/fhir_in*). A
// rejection carries one of the reader's codes and a reason. An accepted
// Bundle is one the router (looks_like_fhir) sends to the reader, and yields
// a JSON document that the episode parser can read. When the parser accepts
// it, the record survives the trip out and back: the Bundle that
// engine/fhir_out writes from its canonical form reads back to a document with
// the same canonical form (docs/records.md). The prepare stage reaches the
// same verdict as reader then parser.
#include <array>
#include <string>

#include "engine/fhir_in.hpp"
#include "engine/ingest.hpp"
#include "engine/parse.hpp"
#include "engine/xml_submission.hpp"
#include "tests/fuzz/fhir_round_trip.hpp"
#include "tests/fuzz/harness.hpp"

namespace {

bool reader_code(std::string_view code) {
    constexpr std::array<std::string_view, 9> codes = {"E_TOO_LARGE", "E_UTF8",          "E_DEPTH",
                                                       "E_JSON",      "E_DUPLICATE_KEY", "E_FHIR",
                                                       "E_FHIR_RESOURCE", "E_FHIR_REFERENCE", "E_FHIR_VALUE"};
    for (std::string_view c : codes)
        if (c == code) return true;
    return false;
}

}  // namespace

void ehb::fuzz::fhir(std::string_view input) {
    static FhirBundleReader reader;
    static EpisodeParser parser;
    static Preparer preparer;
    std::string document;
    Issue error;
    const bool ok = reader.read(input, document, error);
    bool episode_ok = false;
    if (!ok) {
        require(reader_code(error.code) && !error.reason.empty(), "a rejection carries a reader's code and a reason");
    } else {
        require(looks_like_fhir(input), "what the reader accepts is routed to it");
        ParsedRecord record;
        episode_ok = parser.parse(document, record, error);
        require(episode_ok || (error.code != "E_JSON" && error.code != "E_UTF8" && error.code != "E_DUPLICATE_KEY"),
                "the reader writes JSON the parser can read");
        if (episode_ok) require_fhir_round_trip(record);
    }
    if (looks_like_fhir(input) && !looks_like_xml(input)) {
        Prepared prepared;
        preparer.prepare(input, prepared);
        require(prepared.format == SourceFormat::fhir, "a FHIR resource is prepared as FHIR");
        require(prepared.ok == (ok && episode_ok), "the prepare stage reaches reader and parser's verdict");
    }
}

EHB_FUZZ_ENTRY(ehb::fuzz::fhir)
