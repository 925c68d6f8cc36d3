// Blocking (docs/persons.md, "Blocking"): the keys under which a record looks
// for candidates, so that it is compared with a handful of persons, not all.
// Each key survives a different corruption: a typo in the family name, in the
// given name, in the year, a day/month swap, a year-only or a missing birth date. A name
// that reads two ways (Profile::alt) has the keys of both readings.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/person/profile.hpp"

namespace ehb::person {

// The keys a record is filed under (none for a placeholder or a nameless record).
void index_keys(const Profile& p, std::vector<uint64_t>& out);
// The keys it looks for candidates under: the same, but the whole-name key
// only when it has no whole birth date.
void query_keys(const Profile& p, std::vector<uint64_t>& out);

}  // namespace ehb::person
