// The change feed's live side (docs/feed.md): how far the feed is durable,
// when each recent commit became durable, and every consumer reading it with
// its progress and freshness. Lives on the I/O thread; only committed() may
// be called from elsewhere (the writer).
#pragma once

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/feed.hpp"
#include "engine/histogram.hpp"
#include "net/feed_cache.hpp"

namespace ehb::net {

class FeedHub {
public:
    // One subscription, over the binary protocol or server-sent events.
    // Positions are feed sequence numbers: "everything before it".
    struct Consumer {
        std::string principal, name, transport, peer;
        FeedFilter filter;
        int64_t since_us = 0;     // when it subscribed
        uint64_t sent = 1;        // everything before it was sent (or filtered out)
        uint64_t acked = 1;       // everything before it was acknowledged
        uint64_t delivered = 0;   // changes sent
        Histogram freshness;      // commit → sent, µs, for the changes committed since it subscribed
        std::function<void()> wake;  // more of the feed is durable
    };

    explicit FeedHub(boost::asio::io_context& io) : io_(io) {}

    void start(uint64_t head);         // the store's last feed sequence number when the server opens
    void committed(uint64_t head);     // any thread: a commit made the feed durable up to `head`
    uint64_t head() const { return head_; }
    // When the commit holding `seq` became durable (µs since the epoch), 0 when not known (before start, or long ago).
    int64_t commit_time(uint64_t seq) const;

    std::shared_ptr<Consumer> add(Consumer consumer);
    void remove(const std::shared_ptr<Consumer>& consumer);
    const std::vector<std::shared_ptr<Consumer>>& consumers() const { return consumers_; }
    // A change was sent to `c` at `now_us`: its freshness, when its commit time is known.
    void delivered(Consumer& c, uint64_t seq, int64_t now_us);
    const Histogram& freshness() const { return freshness_; }  // of every consumer since start

    // Changes durable but not acknowledged by `c`, and how long the oldest of them has waited.
    uint64_t lag_records(const Consumer& c) const { return c.acked <= head_ ? head_ - c.acked + 1 : 0; }
    double lag_seconds(const Consumer& c, int64_t now_us) const;

    // The one part used off the I/O thread: consumers' reads on the reader pool share chunks through it.
    FeedCache& cache() { return cache_; }

private:
    static constexpr std::size_t kCommitsKept = 65536;
    boost::asio::io_context& io_;
    uint64_t head_ = 0;
    int64_t started_us_ = 0;
    struct Commit {
        uint64_t first, last;  // the feed sequence numbers it made durable
        int64_t at_us;
    };
    std::deque<Commit> commits_;  // the recent ones, ascending
    std::vector<std::shared_ptr<Consumer>> consumers_;
    Histogram freshness_;
    FeedCache cache_;
};

// The feed's state for STATS and operators: the head, the freshness of
// every delivery, and each consumer with its progress and lag (docs/feed.md).
std::string feed_stats_json(const FeedHub& hub, int64_t now_us);

}  // namespace ehb::net
