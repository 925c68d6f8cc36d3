// `ehb bench --scale` (docs/benchmarks.md, "At national scale"): loads a node
// with millions of citizens' records over the wire, as the portals would,
// and reports how the ingest rate holds up as the store grows, what reads and
// identity resolution cost at that size, peak memory and disk.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "tools/workload/generator.hpp"

namespace ehb::cli {

struct ScaleOptions {
    workload::Config config;
    std::filesystem::path data = "ehb-scale";  // ehbd's data directory: must be absent or empty
    std::string json_file, chart_file;
    std::size_t connections = 4;
    std::size_t batch = 1000;
    std::size_t lookups = 20'000;      // citizens whose books are read at the end, cold then warm
    std::size_t resolutions = 10'000;  // documents resolved again at the end
};

// 0 when every target holds, 1 when one does not, 2 for a usage error.
int run_scale(const ScaleOptions& options);

}  // namespace ehb::cli
