// The bytes of pushed batches ehbd holds between reading them and answering
// them. A connection acquires a frame's share before reading its payload and
// waits, unread, while the budget is spent: back-pressure reaches the sender
// through TCP, and memory stays bounded however many connections push.
// Used on the I/O thread only.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <deque>

namespace ehb::net {

class Budget {
public:
    explicit Budget(std::size_t bytes) : capacity_(bytes) {}

    // False when the wait was cancelled (shutdown). A request larger than the
    // whole budget waits until nothing else holds any.
    boost::asio::awaitable<bool> acquire(std::size_t bytes);
    void release(std::size_t bytes);
    void cancel_all();
    std::size_t in_use() const { return used_; }

private:
    struct Waiter {
        std::size_t bytes;
        boost::asio::steady_timer* timer;
        bool granted = false;
    };
    bool fits(std::size_t bytes) const { return used_ == 0 || used_ + bytes <= capacity_; }
    void grant();

    std::size_t capacity_;
    std::size_t used_ = 0;
    std::deque<Waiter*> waiters_;  // first come, first served
};

}  // namespace ehb::net
