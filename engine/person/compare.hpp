// Comparison of two profiles, field by field, into agreement levels (the
// Fellegi–Sunter comparison vector). Level 0 is the strongest agreement; the
// last level of a field is "disagrees"; kMissing means one side lacks the field
// and the field then says nothing (weight 0).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "engine/person/profile.hpp"

namespace ehb::person {

enum Field : uint8_t { kFamily, kMiddle, kGiven, kBirth, kSex, kResidence, kIds, kFields };
inline constexpr uint8_t kMissing = 0xff;

// Levels per field, strongest first (docs/persons.md, "Comparisons").
inline constexpr std::array<uint8_t, kFields> kLevels = {
    3,  // family: equal, close (Jaro–Winkler >= 0.88 or one edit apart), different
    4,  // middle: equal, one side has none, close, different
    4,  // given: equal with diacritics, equal without, close (as family), different
    7,  // birth: equal, day/month swapped, year only on a side and years equal, one-character typo,
        //        year and month equal, year one off (rest equal), different
    2,  // sex: equal, different
    5,  // residence: address similar (token overlap >= 0.8), same ward (or postcode), address partly
        //            similar (>= 0.5), same province, different. One field, not two: the address and
        //            its ward say the same thing, and counting both would count it twice.
    3,  // identifiers of one system: equal, a typo apart, different
};

std::string_view field_name(Field f);

struct Gamma {
    std::array<uint8_t, kFields> level{};
    bool a_alt = false;  // the names compared a's other reading of its name order
    // Packs the levels into one key (8 bits a field) for counting patterns.
    uint64_t key() const;
};

Gamma compare(const Profile& a, const Profile& b);

// Both carry a citizen ID and none is shared: never an automatic link.
bool different_citizen_ids(const Profile& a, const Profile& b);
// They share a citizen ID.
bool same_citizen_id(const Profile& a, const Profile& b);

}  // namespace ehb::person
