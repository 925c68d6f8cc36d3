// The matcher's configuration: the band thresholds and limits, versioned with
// the model they were set for (docs/persons.md, "Configuration").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

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

// Reads `key = value` lines ('#' starts a comment) over what `cfg` holds: a
// key not given keeps its value. False with `error` set on an unknown key or a
// bad value.
bool load_match_config(const std::string& path, MatchConfig& cfg, std::string& error);
// The same from text; `origin` names it in the error ("origin:line: ...").
bool parse_match_config(std::string_view text, std::string_view origin, MatchConfig& cfg, std::string& error);

// Every setting but the version as `key = value` lines, which
// parse_match_config reads back exactly: the model store keeps a model's
// configuration so, under the model's version.
std::string match_config_text(const MatchConfig& cfg);

}  // namespace ehb::person
