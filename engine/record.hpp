// The record as the engine sees it after parsing: what every later stage
// (identity, storage, the differential model) works from.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/hash128.hpp"

namespace ehb {

enum class Status : uint8_t {
    accepted = 1,     // new episode key
    duplicate = 2,    // same key, same canonical content as the current version
    new_version = 3,  // same key, different content: appended, becomes current
    rejected = 4,     // structural error; nothing stored
};

std::string_view status_name(Status s);

// An error (rejects the record) or a warning (stored with it).
// `code` is a stable identifier from docs/records.md, `field` a path such as
// "XML1.NGAY_RA" (empty when the problem is the whole document).
struct Issue {
    std::string code;
    std::string field;
    std::string reason;
};

// Identifiers of the person, as classified from XML1.
struct PersonIds {
    std::string citizen;               // 12-digit citizen ID, or empty
    std::string old_id;                // legacy 9-digit ID, or empty
    std::string passport;              // [A-Z] + 7 digits, or empty
    std::vector<std::string> si_codes; // 10-digit social-insurance codes of the card(s), unique, in card order
};

struct ParsedRecord {
    std::string facility;     // XML1.MA_CSKCB (5 characters)
    std::string ma_lk;        // XML1.MA_LK
    PersonIds ids;
    uint64_t admitted = 0;    // XML1.NGAY_VAO as the integer yyyymmddHHMM
    std::string canonical;    // canonical JSON: sorted keys, no insignificant whitespace
    Hash128 hash;             // XXH3-128 of `canonical`
    std::vector<Issue> warnings;
};

}  // namespace ehb
