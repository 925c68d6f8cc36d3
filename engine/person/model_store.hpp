// The matching model kept in the store (docs/persons.md, "The model online"):
// estimated from the stored records by `ehb person-model train`, versioned,
// and used by ingest from the next batch on.
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

// The demographics of the record at log entry `seq`, prepared (false when it
// cannot be read back). `canonical` is scratch space.
bool stored_profile(const StoreReader& r, Decompressor& decompressor, EpisodeParser& parser, std::string& canonical,
                    uint64_t seq, Profile& out);

// Estimates a model from up to `sample` of the store's episodes (their current
// versions, spread evenly over the episodes table).
Model train_from_store(const Store& store, const MatchConfig& cfg, std::size_t sample, TrainingReport& report);

// Stores `model` under `version` and makes it the latest.
void save_model(StoreWriter& w, const std::string& version, const Model& model);

// The latest stored model's version (empty when there is none).
std::string latest_model_version(const StoreReader& r);
std::optional<Model> load_model(const StoreReader& r, const std::string& version);

}  // namespace ehb::person
