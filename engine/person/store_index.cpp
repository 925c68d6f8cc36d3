#include "engine/person/store_index.hpp"

#include <xxhash.h>

namespace ehb::person {

using schema::PersonKey;
using schema::PersonType;

// Merges are chains at most this long; the bound only guards against a damaged store.
constexpr int kMaxMergeDepth = 64;

PersonKey identifier_key(const Identifier& id) {
    switch (id.system) {
        case IdSystem::cccd: return PersonKey::citizen(id.value);
        case IdSystem::cmnd: return PersonKey::old_id(id.value);
        case IdSystem::passport: return PersonKey::passport(id.value);
        case IdSystem::bhxh: return PersonKey::social_insurance(id.value);
        case IdSystem::te1: return PersonKey::temp_card(id.value);
        case IdSystem::mrn: return {PersonType::patient_number, XXH3_64bits(id.value.data(), id.value.size())};
    }
    return {};
}

void StoreIndex::by_identifier(const Identifier& id, std::vector<uint64_t>& persons) {
    const PersonKey key = identifier_key(id);
    if (!key) return;
    const PersonKey owner = store_.owner_of(key);
    if (owner.type == PersonType::person) persons.push_back(owner.value);
}

bool StoreIndex::by_block(const BlockKey& key, std::vector<uint64_t>& persons) {
    values_.clear();
    if (!store_.block(key.key, block_scan_limit(key, cfg_), values_)) return false;
    return filter_block(values_, key, cfg_.max_block, persons);
}

PersonEntry* StoreIndex::entry(uint64_t person) {
    auto it = entries_.find(person);
    if (it != entries_.end()) return &it->second;
    auto decoded = decode_entry(store_.person(person));
    if (!decoded) return nullptr;
    return &entries_.emplace(person, std::move(*decoded)).first->second;
}

void StoreIndex::profiles(uint64_t person, std::vector<const Profile*>& out) {
    PersonEntry* e = entry(person);
    if (e == nullptr) return;
    for (const Profile& p : e->profiles) out.push_back(&p);
    if (e->members == 0) return;
    std::vector<PersonKey> members;
    store_.members(PersonKey::person(person), members);
    for (PersonKey m : members) profiles(m.value, out);
}

uint64_t StoreIndex::root(uint64_t person) {
    for (int i = 0; i < kMaxMergeDepth; ++i) {
        const PersonEntry* e = entry(person);
        if (e == nullptr || e->merged_into == 0) break;
        person = e->merged_into;
    }
    return person;
}

}  // namespace ehb::person
