// Online resolution inside ingest (docs/persons.md, "The person index"): each
// record is resolved as it is applied, in the writer's transaction, and filed
// under its person.
#pragma once

#include <cstdint>

#include "engine/person/match_config.hpp"
#include "engine/person/model.hpp"
#include "engine/person/resolver.hpp"
#include "storage/store.hpp"

namespace ehb::person {

class StoreIndex;

// The model ingest starts with, before one was estimated from stored records:
// the weights `ehb link` estimated from 1,000,000 labelled records (`ehb people
// --seed 1`), without term frequencies.
Model bootstrap_model();

class PersonIndex {
public:
    explicit PersonIndex(MatchConfig cfg = {});

    // Takes the store's latest model when it changed (ehb person-model train),
    // with the thresholds and limits stored with it; the bootstrap model and
    // the configuration given here until there is one. Ingest calls it once a batch.
    void refresh_model(const StoreReader& store);
    const std::string& model_version() const { return version_; }

    // Decides who `profile` (prepared from `record`) is, files the record's
    // identifiers, profile, blocking keys and best-record fields under that
    // person, merges persons the record shows to be one, and returns the person
    // to file the record's episode under. `seq` is the record's log entry (the
    // best record's provenance); `arrival_us` dates the identifiers it carries.
    // A review decision opens a review item; a merge and a change of an
    // existing person's best record are identity events, the merge also an
    // audit entry in `principal`'s name.
    uint64_t place(StoreWriter& store, const Profile& profile, const PersonRecord& record, uint64_t seq,
                   int64_t arrival_us, std::string_view principal, Decision& decision);

    // The filing half of place, for a record whose person is known already
    // (the benchmarks file their stores from the generator's truth): files it
    // under `person`, or under a new person when `person` is 0, and returns
    // the person.
    uint64_t file(StoreWriter& store, uint64_t person, const Profile& profile, const PersonRecord& record,
                  uint64_t seq, int64_t arrival_us);

private:
    uint64_t file(StoreWriter& store, StoreIndex& index, uint64_t person, const Profile& profile,
                  const PersonRecord& record, uint64_t seq, int64_t arrival_us);

    MatchConfig cfg_;
    Model model_;
    std::string version_;  // of model_; empty: the bootstrap model
    std::vector<BlockKey> keys_;
};

}  // namespace ehb::person
