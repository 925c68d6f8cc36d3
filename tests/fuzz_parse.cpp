// libFuzzer target: any bytes into the episode parser (the untrusted boundary).
// Accepted documents must come back canonical: the canonical form re-parses to
// itself (idempotent), its hash is the hash of those bytes, and the episode key
// is well formed. Rejected ones must carry a code and a reason. (A QĐ 4210
// document is stored under today's names and codes, so its canonical form
// reads as QĐ 130, which also asks a referral for MA_NOI_DEN: 4210 had no
// such field, so that one rejection is allowed on the re-parse.)
#include <cstdint>
#include <cstdlib>
#include <string>

#include "engine/canonical.hpp"
#include "engine/parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    static ehb::EpisodeParser parser;
    static ehb::EpisodeParser again;
    ehb::ParsedRecord record, reparsed;
    ehb::Issue error;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    if (!parser.parse(input, record, error)) {
        if (error.code.empty() || error.reason.empty()) std::abort();
        return 0;
    }
    if (record.facility.size() != 5 || record.ma_lk.empty()) std::abort();
    if (!(record.hash == ehb::canonical_hash(record.canonical))) std::abort();
    if (!again.parse(record.canonical, reparsed, error)) {
        if (record.generation == ehb::Generation::qd4210 && error.field == "XML1.MA_NOI_DEN") return 0;
        std::abort();
    }
    if (reparsed.canonical != record.canonical || !(reparsed.hash == record.hash)) std::abort();
    return 0;
}
