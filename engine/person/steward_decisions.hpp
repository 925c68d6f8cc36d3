// What stewards decided, read back from the store for re-matching
// (docs/persons.md, "Re-matching"), which keeps it: the persons they said are
// two (never-link rules), the merges they made (a merge whose audit entry is
// not "automatic"), the episodes they moved (audit ops link and unlink), and
// the pairs put to them already (review items).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "storage/store.hpp"

namespace ehb::person {

struct StewardDecisions {
    std::unordered_map<uint64_t, uint64_t> merged_into;     // every merged person → the person it is merged into
    std::unordered_set<uint64_t> manual;                    // merged persons whose merge a steward made
    std::unordered_map<uint64_t, uint64_t> merge_audit;     // merged person → its merge's audit id (unmerge takes it)
    std::vector<std::pair<uint64_t, uint64_t>> never_link;  // pairs of persons, the smaller first
    // Episode key → the person a steward last filed it under (by hand, not
    // by re-matching). Whether it is still there, the caller checks.
    std::unordered_map<std::string, uint64_t> moved;
    // (record's log entry, candidate) of every review item, open or decided.
    std::set<std::pair<uint64_t, uint64_t>> reviewed;

    // The person `person` is merged into, merges followed (itself when it is not merged).
    uint64_t root(uint64_t person) const;
};

StewardDecisions read_steward_decisions(const StoreReader& r);

}  // namespace ehb::person
