// Blocking (docs/persons.md, "Blocking"): the keys under which a record looks
// for candidates, so that it is compared with a handful of persons, not all.
// Each key survives a different corruption: a typo in the family name, in the
// given name, a wrong day or month, a day/month swap, a year-only or (with a
// ward) a missing birth date. Few keys, because each is a random insert into
// a large index for every new person (docs/persons.md, "Blocking"). A name
// that reads two ways (Profile::alt) is filed under its first reading and
// looks under both: a record written family-last finds the person either way.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/person/profile.hpp"

namespace ehb::person {

// The keys a record is filed under (none for a placeholder or a nameless record),
// of its first reading.
void index_keys(const Profile& p, std::vector<uint64_t>& out);
// The keys it looks for candidates under: those of both readings.
void query_keys(const Profile& p, std::vector<uint64_t>& out);

}  // namespace ehb::person
