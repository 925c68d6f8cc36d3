// Blocking (docs/persons.md, "Blocking"): the keys under which a record looks
// for candidates, so that it is compared with a handful of persons, not all.
// Each key survives a different corruption: a typo in the family name, in the
// given name, a day/month swap, a year-only or a missing birth date. A name
// that reads two ways (Profile::alt) has the keys of both readings.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/person/profile.hpp"

namespace ehb::person {

// Appends the record's keys (none for a placeholder or a nameless record).
void block_keys(const Profile& p, std::vector<uint64_t>& out);

}  // namespace ehb::person
