// The chunks of the feed read most recently, shared by consumers that read
// the same stretch with the same filter (docs/feed.md, "How it is built"):
// followers woken by the same commit ask for the same chunk, and ten of them
// then cost one read and one rendering instead of ten. Thread-safe: the
// reader pool's threads use it.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "engine/feed.hpp"

namespace ehb::net {

class FeedCache {
public:
    using Read = std::function<void(FeedChunk&)>;
    // The chunk from `from` with `filter` within `limits`: a copy kept from an
    // earlier read of exactly that, or read now with `read` and kept.
    std::shared_ptr<const FeedChunk> get(uint64_t from, const FeedFilter& filter, const FeedLimits& limits,
                                         const Read& read);

private:
    struct Entry {
        uint64_t from;
        FeedFilter filter;
        FeedLimits limits;
        std::shared_ptr<const FeedChunk> chunk;
    };
    static constexpr std::size_t kKept = 8;  // chunks of up to 4 MiB each
    std::mutex mutex_;
    std::deque<Entry> entries_;  // newest last
};

}  // namespace ehb::net
