// libFuzzer target: any bytes into the episode parser (the untrusted boundary).
// Accepted documents must come back canonical: the canonical form re-parses to
// itself (idempotent), its hash is the hash of those bytes, and the episode key
// is well formed. Rejected ones must carry a code and a reason. (A QĐ 4210
// document is stored under today's names, so its canonical form reads as
// QĐ 130, whose rules differ: the re-parse is checked for the others.)
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
    if (record.generation == ehb::Generation::qd4210) return 0;
    if (!again.parse(record.canonical, reparsed, error)) std::abort();
    if (reparsed.canonical != record.canonical || !(reparsed.hash == record.hash)) std::abort();
    return 0;
}
