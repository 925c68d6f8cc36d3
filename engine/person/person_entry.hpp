// What the person index keeps about a person (table `persons`,
// docs/persons.md, "The person index"): the distinct profiles it is compared
// by, every identifier it was seen with and when, and its best record built
// by survivorship, each field with its provenance.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/person/profile.hpp"

namespace ehb::person {

// One field of the best record and where it came from.
struct BestField {
    std::string value;
    Source source = Source::facility;
    uint64_t seq = 0;  // the log entry of the record that gave it (log order is arrival order)
};

enum BestFieldId : uint8_t { kBestName, kBestBirth, kBestSex, kBestAddress, kBestWard, kBestProvince, kBestFields };
std::string_view best_field_name(BestFieldId f);

struct IdentifierSeen {
    Identifier id;
    uint32_t first_day = 0, last_day = 0;  // arrival of the first and the latest record carrying it, days since 1970
    uint64_t first_seq = 0;                // the log entry of the first (an unmerge tells who brought it)
};

struct PersonEntry {
    int64_t created_us = 0;
    uint64_t merged_into = 0;  // 0: active; else the person it was merged into
    uint32_t members = 0;      // persons merged into it (table `members` lists them)
    std::vector<Profile> profiles;
    std::vector<IdentifierSeen> identifiers;
    std::array<BestField, kBestFields> best{};
};

std::string encode_entry(const PersonEntry& e);
std::optional<PersonEntry> decode_entry(std::string_view bytes);

// Survivorship: national population data over insurance data over facility
// data, then the most recent. Returns true when any field changed.
bool survive(PersonEntry& e, const PersonRecord& r, uint64_t seq);

// Adds the identifiers of the record at log entry `seq`, or moves their
// last-seen day; true when the entry changed.
bool see_identifiers(PersonEntry& e, const Profile& p, uint32_t day, uint64_t seq);

}  // namespace ehb::person
