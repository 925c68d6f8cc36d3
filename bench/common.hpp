// Shared set-up for the Google Benchmark suite (docs/benchmarks.md).
// Sizes come from the environment so that CI runs a small smoke of the same code.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/schema.hpp"
#include "tools/workload/generator.hpp"

namespace ehb::bench {

// The file a kept fixture store is marked complete with: named by the storage
// format, so that a store an older ehb built is built again, not opened.
inline std::string complete_marker() { return "complete-format-" + std::to_string(schema::kFormatVersion); }

inline uint64_t env_u64(const char* name, uint64_t fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

// Drops `file`'s pages from the page cache, for a cold-cache figure without
// dropping the cache of the whole machine (other builds and benchmarks run
// beside these). Pages some process still maps stay: unmap them first.
inline void evict_from_page_cache(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot open " + file.string());
    const int rc = ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
    if (rc != 0) throw std::runtime_error("posix_fadvise failed on " + file.string());
}

// The first `n` documents of the standard workload for `citizens` people.
inline std::vector<std::string> standard_documents(uint64_t n, uint64_t citizens, uint64_t* bytes = nullptr) {
    workload::Config config;
    config.citizens = citizens;
    config.episodes = n;  // enough new episodes that the stream does not end early
    config.seed = 1;
    workload::Generator gen(config);
    std::vector<std::string> docs;
    docs.reserve(n);
    std::string doc;
    uint64_t total = 0;
    while (docs.size() < n && gen.next(doc)) {
        total += doc.size();
        docs.push_back(doc);
    }
    if (bytes) *bytes = total;
    return docs;
}

}  // namespace ehb::bench
