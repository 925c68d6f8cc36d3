// What `ehb bench --scale` measures on the loaded store once ehbd has
// stopped: book lookups with a cold and a warm page cache, and identity
// resolution, in this process, through the engine's own read path.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace ehb::cli {

struct Latencies {
    uint64_t count = 0;
    double p50_us = 0, p99_us = 0, max_us = 0;
};

struct LookupFigures {
    double resident_before = 0;  // share of the data file in the page cache before the cold pass
    Latencies cold, warm;
    uint64_t found = 0;          // books with at least one episode (of `count`, per pass)
};

// Drops the data file from the page cache, then reads the books of
// `citizens` through BookReader (each read a lookup by citizen ID: links,
// the person's episodes, every current version decompressed): the cold pass.
// The same lookups again are the warm pass.
LookupFigures probe_lookups(const std::filesystem::path& data, const std::vector<std::string>& citizens);

struct ResolutionFigures {
    double resident_before = 0;  // as for lookups
    Latencies cold, warm;
    uint64_t linked = 0;    // decided as a person already known (per pass)
    uint64_t unparsed = 0;  // sample documents that are invalid (not resolved)
};

// Drops the data file from the page cache, then resolves the person of each
// document against the store as the writer does before filing a record
// (engine/person/resolver.hpp), each in its own read transaction: the cold
// pass. The same documents again are the warm pass.
ResolutionFigures probe_resolution(const std::filesystem::path& data, const std::vector<std::string>& documents);

std::string latencies_json(const Latencies& l);

}  // namespace ehb::cli
