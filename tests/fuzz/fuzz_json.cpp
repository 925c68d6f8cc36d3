// fuzz_json: any bytes into the episode parser (engine/parse.*), the boundary
// every format ends at. Accepted documents must come back canonical: the
// canonical form re-parses to itself (idempotent), its hash is the hash of
// those bytes, and the episode key is well formed. Rejected ones carry a code,
// and a reason. (A QĐ 4210 document is stored under today's names and codes,
// so its canonical form reads as QĐ 130, which also asks a referral for
// MA_NOI_DEN: 4210 had no such field, so that one rejection is allowed on the
// re-parse.) An accepted record survives the trip through FHIR: the Bundle
// engine/fhir_out writes from its canonical form reads back to the same
// canonical form (engine/fhir_out.hpp). The prepare stage (engine/ingest.*) must route what looks like
// neither XML nor FHIR to the same parser and reach the same verdict.
#include <string>

#include "engine/canonical.hpp"
#include "engine/fhir_in.hpp"
#include "engine/ingest.hpp"
#include "engine/parse.hpp"
#include "engine/xml_submission.hpp"
#include "tests/fuzz/fhir_round_trip.hpp"
#include "tests/fuzz/harness.hpp"

void ehb::fuzz::json(std::string_view input) {
    static EpisodeParser parser;
    static EpisodeParser again;
    static Preparer preparer;
    ParsedRecord record, reparsed;
    Issue error;
    const bool ok = parser.parse(input, record, error);
    if (!looks_like_xml(input) && !looks_like_fhir(input)) {
        Prepared prepared;
        preparer.prepare(input, prepared);
        require(prepared.format == SourceFormat::json, "a document neither XML nor FHIR is prepared as JSON");
        require(prepared.ok == ok, "the prepare stage reaches the parser's verdict");
        if (ok) require(prepared.record.hash == record.hash, "the prepare stage keeps the parser's record");
        else require(prepared.error.code == error.code, "the prepare stage keeps the parser's error");
    }
    if (!ok) {
        require(!error.code.empty() && !error.reason.empty(), "a rejection carries a code and a reason");
        return;
    }
    require(record.facility.size() == 5 && !record.ma_lk.empty(), "an accepted record has a well-formed key");
    require(record.hash == canonical_hash(record.canonical), "the hash is the canonical bytes' hash");
    if (!again.parse(record.canonical, reparsed, error)) {
        require(record.generation == Generation::qd4210 && error.field == "XML1.MA_NOI_DEN",
                "the canonical form re-parses");
        return;
    }
    require(reparsed.canonical == record.canonical && reparsed.hash == record.hash, "canonicalisation is idempotent");
    require_fhir_round_trip(record);
}

EHB_FUZZ_ENTRY(ehb::fuzz::json)
