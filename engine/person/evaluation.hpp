// Pairwise accuracy of a linkage against the ground truth (docs/persons.md,
// "Accuracy"): a pair of records is linked when both went to one person.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ehb::person {

struct PairCounts {
    double linked = 0, true_pairs = 0, correct = 0;
    double precision() const { return linked == 0 ? 1 : correct / linked; }
    double recall() const { return true_pairs == 0 ? 1 : correct / true_pairs; }
    double f1() const {
        const double p = precision(), r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }
};

struct Accuracy {
    PairCounts all;
    PairCounts no_id;  // pairs with at least one record that carries no national identifier
};

// person[i]: the person record i was assigned; truth[i]: its true person;
// has_id[i]: whether it carries a national identifier.
Accuracy pairwise_accuracy(const std::vector<uint64_t>& person, const std::vector<std::string>& truth,
                           const std::vector<bool>& has_id);

}  // namespace ehb::person
