// The matcher's configuration: the band thresholds and limits, versioned with
// the model they were set for (docs/persons.md, "Configuration").
#pragma once

#include <cstdint>
#include <string>

namespace ehb::person {

struct MatchConfig {
    std::string version = "1";        // names the thresholds and the model they belong to
    double link_probability = 0.999;  // at or above: linked automatically
    double review_probability = 0.5;  // at or above (and below link): a review item
    uint32_t max_block = 1000;        // persons in one blocking key before it is oversized
    uint32_t max_variants = 8;        // distinct profiles kept per person for comparisons
    uint64_t seed = 1;                // of the training samples
    uint64_t u_pairs = 2'000'000;     // random pairs for the u probabilities
    uint64_t em_pairs = 2'000'000;    // blocked pairs for each EM sample
    int em_iterations = 30;
};

// Reads `key = value` lines ('#' starts a comment). False with `error` set on
// an unknown key or a bad value.
bool load_match_config(const std::string& path, MatchConfig& cfg, std::string& error);

}  // namespace ehb::person
