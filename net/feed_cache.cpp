#include "net/feed_cache.hpp"

#include <algorithm>

namespace ehb::net {

namespace {

bool same(const FeedFilter& a, const FeedFilter& b) {
    return a.residence_province == b.residence_province && a.facility_province == b.facility_province &&
           a.types == b.types && a.kinds == b.kinds && a.records == b.records;
}

bool same(const FeedLimits& a, const FeedLimits& b) {
    return a.until == b.until && a.events == b.events && a.bytes == b.bytes && a.scanned == b.scanned;
}

}  // namespace

std::shared_ptr<const FeedChunk> FeedCache::get(uint64_t from, const FeedFilter& filter, const FeedLimits& limits,
                                                const Read& read) {
    {
        std::lock_guard lock(mutex_);
        auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) {
            return e.from == from && same(e.filter, filter) && same(e.limits, limits);
        });
        if (it != entries_.end()) return it->chunk;
    }
    // Read outside the lock: two readers missing the same chunk both read it.
    auto chunk = std::make_shared<FeedChunk>();
    read(*chunk);
    std::lock_guard lock(mutex_);
    entries_.push_back({from, filter, limits, chunk});
    if (entries_.size() > kKept) entries_.pop_front();
    return chunk;
}

}  // namespace ehb::net
