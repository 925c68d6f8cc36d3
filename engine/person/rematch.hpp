// Re-matching when the rules change (docs/persons.md, "Re-matching"): matching
// run again from scratch over every episode's current version, in log order,
// with the store's latest model and thresholds (or others: a what-if), by the
// resolver `ehb link` uses, and compared with the persons the episodes are
// filed under now. Stewards' decisions hold in the re-run: persons a steward
// said are two stay apart, merges a steward made stay, and an episode a steward
// moved stays with the person it was moved to. The differences become a plan:
// persons to merge and episodes to move, which the stewards' operations carry out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/person/match_config.hpp"
#include "engine/person/model.hpp"
#include "engine/person/steward.hpp"
#include "storage/store.hpp"

namespace ehb::person {

// What the re-run resolves with.
struct RematchModel {
    std::string version;  // of the stored model; empty: the bootstrap model
    Model model;
    MatchConfig config;
};

// The store's latest model with the configuration stored with it; the
// bootstrap model and the default configuration before there is one.
RematchModel rematch_model(const Store& store);

// An episode the re-run files elsewhere.
struct RematchMove {
    std::string episode;  // episode key: MA_CSKCB (5 characters) + MA_LK
    uint64_t from = 0;    // the person it is filed under now (merges followed)
    uint64_t to = 0;      // the person it moves to; 0: a new person
    uint32_t fresh = 0;   // a new person: which one (episodes with the same number go together)
    uint64_t unmerge = 0; // the merge (audit id) whose undoing carries the move: `to` is the person it gives back
    double score = 0;     // the re-run's decision for it (NaN: no candidate)
    std::string_view reason;
};

// Persons the re-run puts together, and the decisions that brought them together.
struct RematchMerge {
    uint64_t into = 0;           // the oldest of them
    std::vector<uint64_t> from;  // merged into it
    uint64_t records = 0;        // episodes of the person the re-run finds
    struct Evidence {
        uint64_t person = 0;  // the person whose record met the others
        double score = 0;
        std::string_view reason;
    };
    std::vector<Evidence> evidence;
};

// A person whose episodes the re-run separates.
struct RematchSplit {
    uint64_t person = 0;
    uint64_t records = 0;  // its episodes now
    std::vector<RematchMove> moves;
};

// A review item the re-run opens: a record in the review band against a
// person it is not filed with, a pair not put to a steward before.
struct RematchReview {
    std::string episode;    // episode key
    uint64_t seq = 0;       // its current version
    uint64_t candidate = 0; // the other person of the pair; 0: a new person of the plan
    uint32_t fresh = 0;     // that new person's number (as RematchMove::fresh)
    double score = 0;
    std::string_view reason;
};

struct RematchPlan {
    std::string model_version;
    MatchConfig config;
    uint64_t records = 0;   // episodes compared
    uint64_t skipped = 0;   // episodes whose record could not be read back, or filed under no person
    uint64_t persons = 0;   // persons their episodes are filed under now
    uint64_t unchanged = 0; // of those, persons the re-run finds exactly again
    uint64_t moves = 0;     // episodes that would move
    std::vector<RematchMerge> merges;
    std::vector<RematchSplit> splits;
    std::vector<RematchReview> reviews;
    // The store as the plan saw it: a plan is applied only to that store.
    uint64_t last_seq = 0, last_audit = 0, last_person = 0;

    bool empty() const { return merges.empty() && moves == 0 && reviews.empty(); }
};

// Re-runs matching over the store (read-only) and compares.
RematchPlan plan_rematch(const Store& store, const RematchModel& with);

// The plan as JSON; `limit` bounds each list (merges, splits, the moves of a
// split), the counts are complete.
std::string rematch_json(const RematchPlan& plan, std::size_t limit, bool applied);

// Carries the plan out in one transaction by the stewards' operations (merges
// first, then moves), each an audit entry of `who`, and opens its review items. Throws StewardError, and
// changes nothing, when the store changed since the plan was made.
void apply_rematch(Store& store, const RematchPlan& plan, const Actor& who);

}  // namespace ehb::person
