#include "engine/read_ahead.hpp"

#include <exception>

namespace ehb {

namespace {

// A value on LMDB's overflow pages is not read by finding it: read a byte of each page.
void touch(std::string_view bytes) {
    for (std::size_t i = 0; i < bytes.size(); i += 4096) {
        [[maybe_unused]] volatile char c = bytes[i];
    }
}

}  // namespace

void ReadAhead::read(std::span<const Prepared> records) {
    try {
        store_.read(txn_, [&](const StoreReader& r) {
            person::StoreIndex index(r, cfg_);
            for (const Prepared& p : records) {
                if (p.ok) read(r, index, p);
            }
            return 0;
        });
    } catch (const std::exception&) {
        // Only a hint: what failed here (no reader slot, a damaged value) the
        // writer meets again on its own reads, and reports.
    }
}

void ReadAhead::read(const StoreReader& r, person::StoreIndex& index, const Prepared& p) {
    schema::episode_key(p.record.facility, p.record.ma_lk, key_);
    (void)r.episode(key_);

    const person::Profile& profile = p.profile;
    if (profile.placeholder || !profile.has_name()) return;
    persons_.clear();
    for (const person::Identifier& id : profile.ids) index.by_identifier(id, persons_);
    if (!persons_.empty()) {
        // A returning person: the writer reads the entry, rewrites it and files the episode.
        for (uint64_t person : persons_) {
            touch(r.person(person));
            seqs_.clear();
            r.filed(schema::PersonKey::person(person), seqs_);
        }
        return;
    }
    // Nobody holds its identifiers yet: the writer compares it with the persons under its keys.
    keys_.clear();
    person::query_keys(profile, keys_);
    persons_.clear();
    for (const person::BlockKey& k : keys_) index.by_block(k, persons_);
    for (uint64_t person : persons_) touch(r.person(person));
}

}  // namespace ehb
