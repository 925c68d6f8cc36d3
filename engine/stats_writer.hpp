// The writer's side of the statistics (docs/statistics.md): inside Applier::apply,
// an episode's new current version replaces its predecessor's contribution,
// and every pushed document counts for the connectivity monitor. Counter
// changes are summed in memory over a whole commit and written once per key
// just before it commits (flush), in key order; the follow-up slip index is
// written at once, since later records read it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/record.hpp"
#include "engine/stats_facts.hpp"
#include "engine/stats_keys.hpp"
#include "storage/store.hpp"

namespace ehb::stats {

class Writer {
public:
    void reset() { deltas_.clear(); }  // at the start of a commit: a retried one starts over
    // The episode's current version counted `before` and now counts `after`.
    void replace(StoreWriter& w, std::string_view episode_key, const Facts& before, const Facts& after);
    // One pushed document's outcome. `delay_minutes` ≥ 0: it was the episode's
    // first full record, that many minutes after its discharge (negative: not).
    void pushed(std::string_view facility, Status status, std::string_view reject_code, int64_t arrival_us,
                int64_t delay_minutes);
    // Writes the summed changes; once per commit, the last thing before it.
    void flush(StoreWriter& w);

private:
    using Delta = std::array<int64_t, kMaxFields>;
    Delta& delta(const std::string& key);
    void count(const Facts& f, const Facility& facility, int64_t sign);
    void add_visit(StoreWriter& w, const Facility& facility, std::string_view slip, std::string_view episode_key,
                   uint64_t admitted);
    void remove_visit(StoreWriter& w, const Facility& facility, std::string_view slip, std::string_view episode_key);
    void add_appointment(StoreWriter& w, const Facility& facility, const Facts& f, std::string_view episode_key);
    void remove_appointment(StoreWriter& w, const Facility& facility, std::string_view slip,
                            std::string_view episode_key);
    // The appointments of the slip's group whose attendance changed, after a visit came or went.
    void recheck(StoreWriter& w, const Facility& facility, std::string_view slip);

    std::unordered_map<std::string, Delta> deltas_;
    std::string key_;
};

}  // namespace ehb::stats
