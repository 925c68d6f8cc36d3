// The matching model kept in the store (docs/persons.md, "The model online"):
// estimated from the stored records and the stewards' decisions by `ehb
// person-model train`, versioned with its thresholds, and used by ingest from
// the next batch on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "engine/parse.hpp"
#include "engine/person/model.hpp"
#include "storage/codec.hpp"
#include "storage/store.hpp"

namespace ehb::person {

// The person record of the log entry `seq` (false when it cannot be read back).
// `canonical` is scratch space.
bool stored_record(const StoreReader& r, Decompressor& decompressor, EpisodeParser& parser, std::string& canonical,
                   uint64_t seq, PersonRecord& out);
// The same, its demographics prepared.
bool stored_profile(const StoreReader& r, Decompressor& decompressor, EpisodeParser& parser, std::string& canonical,
                    uint64_t seq, Profile& out);

// Estimates a model from up to `sample` of the store's episodes (their current
// versions, spread evenly over the episodes table) and the review items
// stewards decided: a "link" is a pair of one person (the record against the
// candidate's closest profile) that counts in m; a "nolink" is scored by the
// new model, and the report says how many it would still link or send to review.
Model train_from_store(const Store& store, const MatchConfig& cfg, std::size_t sample, TrainingReport& report);

// A model as the store keeps it: with the configuration it goes with (its
// thresholds and limits, versioned with it) and what its training used.
struct StoredModel {
    Model model;
    MatchConfig config;  // version: the model's
    TrainingReport report;
};

// Stores `model` with `cfg` and `report` under `version` and makes it the latest.
void save_model(StoreWriter& w, const std::string& version, const Model& model, const MatchConfig& cfg = {},
                const TrainingReport& report = {});

// The latest stored model's version (empty when there is none).
std::string latest_model_version(const StoreReader& r);
// A model stored before thresholds were kept with it comes with the default
// configuration. Nullopt when there is no such version or it cannot be read.
std::optional<StoredModel> load_model(const StoreReader& r, const std::string& version);

}  // namespace ehb::person
