// One consumer's reading of the change feed (docs/feed.md): reads on the
// reader pool from its position, never past the durable head, hands each
// chunk to the connection on the I/O thread as far as the consumer's window
// of unacknowledged changes allows, and waits for commits once caught up.
// Shared by SUBSCRIBE (binary protocol) and GET /v1/feed (server-sent events).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <utility>

#include "engine/feed.hpp"
#include "net/feed_hub.hpp"
#include "storage/store.hpp"

namespace ehb::net {

class FeedPump : public std::enable_shared_from_this<FeedPump> {
public:
    struct Options {
        uint64_t from = 1;
        bool follow = true;          // else: end once the head at the start is delivered
        std::size_t window = 1000;   // changes sent and not acknowledged
        std::chrono::milliseconds heartbeat{15'000};  // following: an empty delivery after this long without one
    };
    // On the I/O thread. `chunk` is empty for a heartbeat and for the end;
    // `next` is the position after it (where the consumer resumes).
    using Deliver = std::function<void(const FeedChunk& chunk, uint64_t next, uint64_t head, bool end)>;

    FeedPump(boost::asio::io_context& io, boost::asio::thread_pool& readers, const Store& store, FeedHub& hub,
             std::shared_ptr<FeedHub::Consumer> consumer, Options options, Deliver deliver);
    void start();
    void stop();  // nothing is delivered after it; idempotent
    // The consumer holds everything before `next`: room in its window.
    void acknowledged(uint64_t next);
    const FeedHub::Consumer& consumer() const { return *consumer_; }

private:
    void pump();
    void read(uint64_t until, std::size_t room);
    void arrived(std::shared_ptr<const FeedChunk> chunk);  // null: the read failed
    void arm_heartbeat();

    boost::asio::io_context& io_;
    boost::asio::thread_pool& readers_;
    const Store& store_;
    FeedHub& hub_;
    std::shared_ptr<FeedHub::Consumer> consumer_;
    Options options_;
    Deliver deliver_;
    boost::asio::steady_timer heartbeat_;
    uint64_t cursor_;
    uint64_t end_at_ = 0;  // not following: the head when it started
    std::deque<std::pair<uint64_t, std::size_t>> unacked_;  // (position after a delivery, its changes)
    std::size_t outstanding_ = 0;
    bool reading_ = false, stopped_ = false, ended_ = false;
};

}  // namespace ehb::net
