// The FHIR round trip that engine/fhir_out.hpp promises, as a harness
// property: the Bundle written from an accepted record's canonical form reads
// back to a document with the same canonical form.
#pragma once

#include <string>

#include "engine/fhir_in.hpp"
#include "engine/fhir_out.hpp"
#include "engine/parse.hpp"
#include "tests/fuzz/harness.hpp"

namespace ehb::fuzz {

inline void require_fhir_round_trip(const ParsedRecord& record) {
    static FhirBundleReader reader;
    static EpisodeParser parser;
    std::string bundle, back;
    ParsedRecord round;
    Issue error;
    require(record_fhir(record.canonical, bundle, error), "an accepted record is written as a Bundle");
    require(reader.read(bundle, back, error), "the Bundle written from a record reads back");
    require(parser.parse(back, round, error), "the record read back from its Bundle is accepted");
    require(round.canonical == record.canonical, "a record read back from its Bundle is the same record");
}

}  // namespace ehb::fuzz
