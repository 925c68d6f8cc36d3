// The person index in memory, for bulk linking (`ehb link`): persons are
// numbered from 1 in the order they are created.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "engine/person/resolver.hpp"

namespace ehb::person {

class MemoryIndex final : public Candidates {
public:
    MemoryIndex(const std::vector<Profile>& records, const MatchConfig& cfg);

    // Files record `r` under `person` (0: a new person) and returns the person.
    uint64_t add(uint32_t r, uint64_t person);
    // Merges person `from` (and whatever was merged into it) into `into`.
    void merge(uint64_t from, uint64_t into);
    uint64_t persons() const { return variants_.size(); }
    uint64_t merged() const { return merged_count_; }

    void by_identifier(const Identifier& id, std::vector<uint64_t>& persons) override;
    bool by_block(const BlockKey& key, std::vector<uint64_t>& persons) override;
    void profiles(uint64_t person, std::vector<const Profile*>& out) override;
    uint64_t root(uint64_t person) override;
    bool never_link(uint64_t, uint64_t) override { return false; }  // no stewards in bulk

private:
    static std::string id_key(const Identifier& id);

    const std::vector<Profile>& records_;
    const MatchConfig& cfg_;
    std::unordered_map<std::string, uint64_t> ids_;               // system + value → its first holder
    std::unordered_map<uint64_t, std::vector<uint64_t>> blocks_;  // key → block values, capped as the store's scan
    std::vector<std::vector<uint32_t>> variants_;                 // person - 1 → records with distinct demographics
    std::vector<uint64_t> merged_into_;                           // person - 1 → 0, or the person it joined
    std::vector<std::vector<uint64_t>> members_;                  // person - 1 → the persons merged into it
    std::vector<BlockKey> keys_;
    uint64_t merged_count_ = 0;
};

}  // namespace ehb::person
