#include "engine/person/person_index.hpp"

#include <algorithm>
#include <stdexcept>

#include "engine/person/blocking.hpp"
#include "engine/person/model_store.hpp"
#include "engine/person/steward.hpp"
#include "engine/person/store_index.hpp"

namespace ehb::person {

using schema::PersonKey;

Model bootstrap_model() {
    Model m;
    // m and u by field and level (docs/persons.md, "Comparisons"), rounded.
    m.m[kFamily] = {0.979, 0.0203, 0.00085};
    m.u[kFamily] = {0.158, 0.0214, 0.820};
    m.m[kMiddle] = {0.927, 0.0478, 0.0166, 0.00852};
    m.u[kMiddle] = {0.0532, 0.0461, 0.0214, 0.879};
    m.m[kGiven] = {0.977, 0.00003, 0.0219, 0.00111};
    m.u[kGiven] = {0.00895, 0.00147, 0.0405, 0.949};
    m.m[kBirth] = {0.922, 0.00796, 0.0535, 0.0158, 0.00001, 0.00001, 0.0009};
    m.u[kBirth] = {0.000032, 0.000019, 0.000705, 0.00111, 0.000695, 0.00001, 0.997};
    m.m[kSex] = {0.995, 0.00517};
    m.u[kSex] = {0.5, 0.5};
    m.m[kResidence] = {0.885, 0.0383, 0.00005, 0.0739, 0.00317};
    m.u[kResidence] = {0.000016, 0.000019, 0.000379, 0.0291, 0.970};
    m.m[kIds] = {0.994, 0.00428, 0.00129};
    m.u[kIds] = {0.000012, 0.000003, 0.99999};
    return m;
}

PersonIndex::PersonIndex(MatchConfig cfg) : cfg_(std::move(cfg)), model_(bootstrap_model()) {}

void PersonIndex::refresh_model(const StoreReader& store) {
    std::string latest = latest_model_version(store);
    if (latest == version_) return;
    if (auto stored = load_model(store, latest)) {
        // The thresholds and limits are versioned with the model: they come with it.
        model_ = std::move(stored->model);
        cfg_ = std::move(stored->config);
        version_ = std::move(latest);
    }
}

uint64_t PersonIndex::place(StoreWriter& store, const Profile& profile, const PersonRecord& record, uint64_t seq,
                            int64_t arrival_us, std::string_view principal, Decision& d) {
    StoreIndex index(store, cfg_);
    const uint64_t known = store.last_person();
    // Online, the prior is the chance that a new record is one given known
    // person: about one in twice the persons (half the records are a person's
    // first). Below 1,000 persons it stays at 1/2,000, so that a young store
    // does not link on thin evidence.
    model_.prior = online_prior(known);
    Resolver resolver(model_, cfg_);
    d = resolver.resolve(profile, index);

    const uint64_t person = file(store, index, d.person, profile, record, seq, arrival_us);

    if (d.merge != 0) {
        const uint64_t from = index.root(d.merge), into = index.root(person);
        if (from != into) merge_persons(store, into, from, {std::string(principal), std::string(d.reason), arrival_us, true});
    }
    d.person = person;
    if (d.band == Band::review) open_review(store, d, person, seq);
    return person;
}

uint64_t PersonIndex::file(StoreWriter& store, uint64_t person, const Profile& profile, const PersonRecord& record,
                           uint64_t seq, int64_t arrival_us) {
    StoreIndex index(store, cfg_);
    return file(store, index, person, profile, record, seq, arrival_us);
}

uint64_t PersonIndex::file(StoreWriter& store, StoreIndex& index, uint64_t person, const Profile& profile,
                           const PersonRecord& record, uint64_t seq, int64_t arrival_us) {
    PersonEntry fresh;
    PersonEntry* entry = person != 0 ? index.entry(person) : nullptr;
    bool changed = false;
    if (entry == nullptr) {
        person = person != 0 ? person : store.last_person() + 1;
        // Blocking values hold the person in 32 bits (engine/person/blocking.hpp).
        if (person >> 32) throw std::length_error("the person index is full: 2^32 persons");
        fresh.created_us = arrival_us;
        entry = &fresh;
        changed = true;
    }
    const bool seen = std::any_of(entry->profiles.begin(), entry->profiles.end(),
                                  [&](const Profile& p) { return p.same_demographics(profile); });
    if (!seen) {
        if (entry->profiles.size() < cfg_.max_variants) entry->profiles.push_back(profile), changed = true;
        // Findable under its new spellings even when no more profiles are kept.
        keys_.clear();
        index_keys(profile, keys_);
        for (const BlockKey& k : keys_) store.file_block(k.key, block_value(person, k.tag));
    }
    const PersonKey self = PersonKey::person(person);
    for (const Identifier& id : profile.ids) {
        const PersonKey key = identifier_key(id);
        // An identifier another person holds stays theirs (a steward decides).
        if (key && !store.owner_of(key)) store.link(key, self);
    }
    changed = see_identifiers(*entry, profile, static_cast<uint32_t>(arrival_us / 86'400'000'000), seq) || changed;
    const bool best_changed = survive(*entry, record, seq);
    if (changed || best_changed) store.put_person(person, encode_entry(*entry));
    if (best_changed && entry != &fresh) {
        identity_event(store, "best_record_changed", person, 0, 0, arrival_us,
                       schema::province_number(entry->best[kBestProvince].value));
    }
    return person;
}

}  // namespace ehb::person
