// The chunks consumers share (net/feed_cache.hpp): the same stretch with the
// same filter is read once; anything else is read again.
#include <gtest/gtest.h>

#include "net/feed_cache.hpp"

namespace ehb {
namespace {

TEST(FeedCache, TheSameStretchWithTheSameFilterIsReadOnce) {
    net::FeedCache cache;
    int reads = 0;
    auto read = [&](FeedChunk& out) {
        ++reads;
        out.seqs = {7};
        out.ends = {2};
        out.text = "{}";
        out.next = 8;
    };
    FeedFilter all, hcm;
    hcm.facility_province = 79;
    FeedLimits limits;
    limits.until = 10;
    auto first = cache.get(7, all, limits, read);
    auto again = cache.get(7, all, limits, read);
    EXPECT_EQ(reads, 1);
    EXPECT_EQ(first.get(), again.get());
    EXPECT_EQ(again->next, 8u);

    cache.get(7, hcm, limits, read);  // another filter
    cache.get(8, all, limits, read);  // another position
    FeedLimits later = limits;
    later.until = 11;  // a later head: the chunk may hold more
    cache.get(7, all, later, read);
    EXPECT_EQ(reads, 4);

    for (uint64_t from = 100; from < 120; ++from) cache.get(from, all, limits, read);  // pushes the first out
    cache.get(7, all, limits, read);
    EXPECT_EQ(reads, 25);
}

}  // namespace
}  // namespace ehb
