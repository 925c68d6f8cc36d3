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

#include "engine/person/match_config.hpp"
#include "engine/person/profile.hpp"

namespace ehb::person {

// How the persons filed under a key are told apart before any of them is
// read: each is filed with a tag, and a record looking under the key takes
// only those whose tag goes with its own. This keeps candidates few where a
// key is shared by many (a birth date, a common name in a year) and lets one
// key (one insert) do the work of two.
enum class Filter : uint8_t {
    none,   // every person under the key is a candidate
    names,  // the birth-date key: the same sex (where both are known), and the
            // same given name, or the same family name and the given name's
            // first or last letter (a typo leaves one)
    date,   // the name-and-year key: the same month or the same day (one of
            // the two wrong), or a date without them on either side
};

struct BlockKey {
    uint64_t key = 0;
    uint32_t tag = 0;
    Filter filter = Filter::none;
};

// The keys a record is filed under (none for a placeholder or a nameless record),
// of its first reading.
void index_keys(const Profile& p, std::vector<BlockKey>& out);
// The keys it looks for candidates under: those of both readings.
void query_keys(const Profile& p, std::vector<BlockKey>& out);

// A person as the index files it under a key (the value of person_blocks);
// persons are numbered below 2^32.
inline uint64_t block_value(uint64_t person, uint32_t tag) { return person << 32 | tag; }
inline uint64_t block_person(uint64_t value) { return value >> 32; }
// Whether a person filed with `value` is a candidate for a record looking under `key`.
bool block_match(uint64_t value, const BlockKey& key);
// How many values of a key are read at most before it counts as oversized:
// max_block, or 64 times that for a filtered key, which many more persons
// share (a birth date: about 5,500 among 100 million) than pass its filter.
inline std::size_t block_scan_limit(const BlockKey& key, const MatchConfig& cfg) {
    return key.filter != Filter::none ? std::size_t{cfg.max_block} * 64 : cfg.max_block;
}
// Appends the persons of `values` that pass `key`'s filter; false (nothing
// appended) when more than `limit` do.
bool filter_block(const std::vector<uint64_t>& values, const BlockKey& key, std::size_t limit,
                  std::vector<uint64_t>& persons);

}  // namespace ehb::person
