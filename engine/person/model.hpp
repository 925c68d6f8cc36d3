// The Fellegi–Sunter model (docs/persons.md, "The model"): for each field and
// level, m = P(level | same person) and u = P(level | different persons), and
// the term frequencies of names, all estimated from the records themselves:
// u from random pairs; m from pairs of records that share an identifier when
// there are enough of them, else by expectation–maximisation over blocked pairs.
#pragma once

#include <array>
#include <optional>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/person/compare.hpp"
#include "engine/person/match_config.hpp"

namespace ehb::person {

// How often each value of a name part occurs among the records.
class TermFrequencies {
public:
    void add(std::string_view value);
    // Share of records with this value; never below 1/total (a value seen once).
    double share(std::string_view value) const;
    uint64_t total() const { return total_; }
    // Appends the table (values seen more than once, and the total) to `out`;
    // reads it back from the front of `in`, consuming it.
    void encode(std::string& out) const;
    bool decode(std::string_view& in);

private:
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const;
    };
    std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> counts_;
    uint64_t total_ = 0;
};

struct Model {
    std::array<std::array<double, 8>, kFields> m{}, u{};
    double prior = 1e-6;  // probability that two records drawn at random are one person
    TermFrequencies family, middle, given;

    // Sum over fields of log2(m / u); a name that agrees counts by how rare it is.
    double weight(const Gamma& g, const Profile& a, const Profile& b) const;
    // Log2 of the posterior odds that a and b are one person.
    double score(const Gamma& g, const Profile& a, const Profile& b) const;
    // The score a probability threshold corresponds to.
    static double score_of(double probability);
};

struct TrainingReport {
    uint64_t records = 0, random_pairs = 0, pairs_by_birth = 0, pairs_by_name = 0;
    uint64_t labelled_pairs = 0;  // pairs sharing an identifier compared (m comes from them from 1,000 on)
    double lambda_by_birth = 0, lambda_by_name = 0;  // share of matches EM found in each sample
    double expected_matches = 0;                      // pairs of one person in the whole set
    int iterations = 0;
    // Review items a steward decided: "link" pairs counted as matches in m;
    // "nolink" pairs scored by the new model, and how many of them it would
    // still link automatically or send to review (at the online prior).
    uint64_t decided_links = 0, decided_nolinks = 0, nolinks_linked = 0, nolinks_reviewed = 0;
};

// Estimates a model from prepared records (placeholders and nameless ones are
// skipped). `matches` are pairs known to be one person (a steward's
// decisions): they count in every estimate of m, in the pairs sharing an
// identifier and as certain matches in each EM sample.
Model train(const std::vector<Profile>& records, const MatchConfig& cfg, TrainingReport& report,
            const std::vector<Gamma>& matches = {});

// Online, the prior is the chance that a new record is one given known person:
// about one in twice the persons (half the records are a person's first).
// Below 1,000 persons it stays at 1/2,000, so that a young store does not link
// on thin evidence.
double online_prior(uint64_t known_persons);

// The model as JSON: every m, u and weight by field and level, the prior, the
// configuration (version, thresholds, limits) and what training used.
std::string model_json(const Model& model, const MatchConfig& cfg, const TrainingReport& report);

// The model as bytes for the store (m, u, prior, term frequencies), and back.
std::string encode_model(const Model& model);
std::optional<Model> decode_model(std::string_view bytes);

}  // namespace ehb::person
