// Bulk linking (`ehb link`): prepares every record, estimates the model from
// them, then resolves them in order against a person index in memory, exactly
// as ingest resolves one record online.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/person/model.hpp"
#include "engine/person/resolver.hpp"

namespace ehb::person {

struct LinkResult {
    std::vector<Decision> decisions;  // per record, in input order; person filled in (never 0)
    uint64_t persons = 0;
    uint64_t by_band[3] = {};
    Model model;
    TrainingReport training;
    double prepare_seconds = 0, train_seconds = 0, resolve_seconds = 0;
};

// `threads` prepare the records in parallel; resolution is sequential (its order is the input order).
LinkResult link_records(const std::vector<PersonRecord>& records, const MatchConfig& cfg, unsigned threads,
                        std::vector<Profile>& profiles);

}  // namespace ehb::person
