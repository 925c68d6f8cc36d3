// The bench's verdict on statuses: every count the engine answered against
// the one the generator knows it produced (tools/workload/generator.hpp).
#pragma once

#include <string>

#include "tools/ehb/summary.hpp"
#include "tools/workload/generator.hpp"

namespace ehb::cli {

struct StatusCheck {
    std::string json;    // "statuses":{"accepted":{"count":..,"expected":..,"match":..},...}
    bool match = true;   // every count that does not depend on arrival order matches
    // One line per status on stderr, then a hint when they differ.
    void print() const;

    struct Row {
        const char* name;
        uint64_t count, expected;
        bool criterion;  // `flagged` may depend on the order of episodes across streams
    };
    std::vector<Row> rows;
};

StatusCheck check_statuses(const Tally& tally, const workload::Counts& expected);

}  // namespace ehb::cli
