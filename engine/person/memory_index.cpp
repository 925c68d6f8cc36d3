#include "engine/person/memory_index.hpp"

#include <algorithm>

#include "engine/person/blocking.hpp"

namespace ehb::person {

MemoryIndex::MemoryIndex(const std::vector<Profile>& records, const MatchConfig& cfg) : records_(records), cfg_(cfg) {}

std::string MemoryIndex::id_key(const Identifier& id) {
    std::string k(1, static_cast<char>(id.system));
    k += id.value;
    return k;
}

uint64_t MemoryIndex::add(uint32_t r, uint64_t person) {
    const bool fresh = person == 0;
    if (fresh) {
        variants_.emplace_back();
        merged_into_.push_back(0);
        members_.emplace_back();
        person = variants_.size();
    }
    const Profile& p = records_[r];
    auto& variants = variants_[person - 1];
    const bool known = std::any_of(variants.begin(), variants.end(),
                                   [&](uint32_t v) { return records_[v].same_demographics(p); });
    if (!known && variants.size() < cfg_.max_variants) variants.push_back(r);
    for (const Identifier& id : p.ids) ids_.try_emplace(id_key(id), person);
    if (known) return person;  // filed under these keys already (as online: PersonIndex::place)
    keys_.clear();
    index_keys(p, keys_);
    for (const BlockKey& k : keys_) {
        auto& list = blocks_[k.key];
        const uint64_t value = block_value(person, k.tag);
        if (list.size() > block_scan_limit(k, cfg_)) continue;
        // A new person is under no key yet; another spelling of a known one may share a key and tag.
        if (!fresh && std::find(list.begin(), list.end(), value) != list.end()) continue;
        list.push_back(value);
    }
    return person;
}

void MemoryIndex::by_identifier(const Identifier& id, std::vector<uint64_t>& persons) {
    auto it = ids_.find(id_key(id));
    if (it != ids_.end()) persons.push_back(it->second);
}

bool MemoryIndex::by_block(const BlockKey& key, std::vector<uint64_t>& persons) {
    auto it = blocks_.find(key.key);
    if (it == blocks_.end()) return true;
    if (it->second.size() > block_scan_limit(key, cfg_)) return false;
    return filter_block(it->second, key, cfg_.max_block, persons);
}

void MemoryIndex::profiles(uint64_t person, std::vector<const Profile*>& out) {
    for (uint32_t r : variants_[person - 1]) out.push_back(&records_[r]);
    for (uint64_t m : members_[person - 1]) profiles(m, out);
}

uint64_t MemoryIndex::root(uint64_t person) {
    while (merged_into_[person - 1] != 0) person = merged_into_[person - 1];
    return person;
}

void MemoryIndex::merge(uint64_t from, uint64_t into) {
    from = root(from), into = root(into);
    if (from == into) return;
    merged_into_[from - 1] = into;
    members_[into - 1].push_back(from);
    ++merged_count_;
}

}  // namespace ehb::person
