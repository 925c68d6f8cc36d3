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
    uint64_t persons() const { return variants_.size(); }

    void by_identifier(const Identifier& id, std::vector<uint64_t>& persons) override;
    bool by_block(uint64_t key, std::vector<uint64_t>& persons) override;
    void profiles(uint64_t person, std::vector<const Profile*>& out) override;

private:
    static std::string id_key(const Identifier& id);

    const std::vector<Profile>& records_;
    const MatchConfig& cfg_;
    std::unordered_map<std::string, uint64_t> ids_;               // system + value → its first holder
    std::unordered_map<uint64_t, std::vector<uint32_t>> blocks_;  // key → persons, capped at max_block + 1
    std::vector<std::vector<uint32_t>> variants_;                 // person - 1 → records with distinct demographics
    std::vector<uint64_t> keys_;
};

}  // namespace ehb::person
