// The person index in the store (docs/persons.md, "The person index"): the
// resolver's Candidates over the tables `links`, `members`, `persons` and
// `person_blocks`, and the writes that file a record under its person.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/person/person_entry.hpp"
#include "engine/person/resolver.hpp"
#include "storage/store.hpp"

namespace ehb::person {

// The key of the `links` table an identifier is filed under; none for one
// that has no key (a passport that is not a letter and 7 digits).
schema::PersonKey identifier_key(const Identifier& id);

class StoreIndex final : public Candidates {
public:
    StoreIndex(const StoreReader& store, const MatchConfig& cfg) : store_(store), cfg_(cfg) {}

    void by_identifier(const Identifier& id, std::vector<uint64_t>& persons) override;
    bool by_block(const BlockKey& key, std::vector<uint64_t>& persons) override;
    void profiles(uint64_t person, std::vector<const Profile*>& out) override;
    uint64_t root(uint64_t person) override;
    bool never_link(uint64_t a, uint64_t b) override { return store_.never_link(a, b); }

    // The person's entry as this transaction has it (decoded once); null when there is none.
    PersonEntry* entry(uint64_t person);
    // Forgets what was decoded: entries change when the writer files a record.
    void clear() { entries_.clear(); }

private:
    const StoreReader& store_;
    const MatchConfig& cfg_;
    std::unordered_map<uint64_t, PersonEntry> entries_;  // nodes: the profiles' addresses stay put
    std::vector<uint64_t> values_;
};

}  // namespace ehb::person
