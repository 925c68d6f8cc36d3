#include "engine/person/evaluation.hpp"

#include <unordered_map>

namespace ehb::person {
namespace {

struct Cell {
    double n = 0, with_id = 0;
    // Pairs in the cell, and those among them with at least one record lacking an identifier.
    double pairs() const { return n * (n - 1) / 2; }
    double no_id_pairs() const { return pairs() - with_id * (with_id - 1) / 2; }
};

template <class Key, class Hash = std::hash<Key>>
void add_up(const std::unordered_map<Key, Cell, Hash>& cells, double& all, double& no_id) {
    for (const auto& [k, c] : cells) {
        all += c.pairs();
        no_id += c.no_id_pairs();
    }
}

struct PairHash {
    size_t operator()(const std::pair<uint64_t, uint32_t>& p) const { return std::hash<uint64_t>()(p.first * 0x9e3779b97f4a7c15ULL ^ p.second); }
};

}  // namespace

Accuracy pairwise_accuracy(const std::vector<uint64_t>& person, const std::vector<std::string>& truth,
                           const std::vector<bool>& has_id) {
    std::unordered_map<std::string, uint32_t> truth_ids;
    std::unordered_map<uint64_t, Cell> by_person;
    std::unordered_map<uint32_t, Cell> by_truth;
    std::unordered_map<std::pair<uint64_t, uint32_t>, Cell, PairHash> both;
    for (size_t i = 0; i < person.size(); ++i) {
        const uint32_t t = truth_ids.try_emplace(truth[i], static_cast<uint32_t>(truth_ids.size())).first->second;
        const double id = has_id[i] ? 1 : 0;
        for (Cell* c : {&by_person[person[i]], &by_truth[t], &both[{person[i], t}]}) {
            c->n += 1;
            c->with_id += id;
        }
    }
    Accuracy a;
    add_up(by_person, a.all.linked, a.no_id.linked);
    add_up(by_truth, a.all.true_pairs, a.no_id.true_pairs);
    add_up(both, a.all.correct, a.no_id.correct);
    return a;
}

}  // namespace ehb::person
