// The bytes of pushed batches ehbd holds between reading them and answering
// them. A connection acquires a frame's share before reading its payload and
// waits, unread, while the budget is spent: back-pressure reaches the sender
// through TCP, and memory stays bounded however many connections push.
//
// Shared fairly among principals (docs/architecture.md "Back-pressure"): each
// charges its own Account; one account holds at most half the budget (more
// only for a single request larger than that, when it holds nothing else);
// and when bytes free up, the waiting account holding least goes first. A
// principal flooding over many connections thus waits behind one that holds
// nothing, instead of ahead of it. Used on the I/O thread only.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <memory>
#include <vector>

namespace ehb::net {

class Budget {
    struct Waiter;

public:
    // What one principal (or all connections not yet authenticated) holds and waits for.
    class Account {
    public:
        std::size_t held() const { return held_; }

    private:
        friend class Budget;
        std::size_t held_ = 0;
        Waiter* first_ = nullptr;  // its connections waiting, first come first served
        Waiter* last_ = nullptr;
    };

    explicit Budget(std::size_t bytes) : capacity_(bytes), share_(bytes / 2) {}

    // False when the wait was cancelled (shutdown). A request larger than the
    // whole budget waits until nothing else holds any. The waiting coroutine
    // keeps the account alive.
    boost::asio::awaitable<bool> acquire(std::shared_ptr<Account> account, std::size_t bytes);
    void release(Account& account, std::size_t bytes);
    void cancel_all();
    std::size_t in_use() const { return used_; }
    std::size_t waiting() const { return waiters_; }  // connections waiting for bytes

private:
    struct Waiter {
        std::size_t bytes;
        boost::asio::steady_timer* timer;
        Waiter* next = nullptr;
        bool granted = false;
    };
    bool fits(std::size_t bytes) const { return used_ == 0 || used_ + bytes <= capacity_; }
    bool within_share(const Account& a, std::size_t bytes) const { return a.held_ == 0 || a.held_ + bytes <= share_; }
    void take(Account& a, std::size_t bytes) {
        used_ += bytes;
        a.held_ += bytes;
    }
    void grant();

    std::size_t capacity_, share_;
    std::size_t used_ = 0;
    std::size_t waiters_ = 0;
    std::vector<Account*> waiting_;  // accounts with a waiter, in no order
};

}  // namespace ehb::net
