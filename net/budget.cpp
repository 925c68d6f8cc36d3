#include "net/budget.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace ehb::net {

namespace asio = boost::asio;

asio::awaitable<bool> Budget::acquire(std::shared_ptr<Account> account, std::size_t bytes) {
    Account& a = *account;
    if (waiters_ == 0 && fits(bytes) && within_share(a, bytes)) {
        take(a, bytes);
        co_return true;
    }
    asio::steady_timer timer(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
    Waiter waiter{bytes, &timer};
    if (a.last_) {
        a.last_->next = &waiter;
    } else {
        a.first_ = &waiter;
        waiting_.push_back(&a);
    }
    a.last_ = &waiter;
    ++waiters_;
    grant();  // it may go at once: it may hold less than those waiting
    if (!waiter.granted) {
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return waiter.granted;
}

void Budget::release(Account& a, std::size_t bytes) {
    used_ -= bytes;
    a.held_ -= bytes;
    grant();
}

void Budget::grant() {
    for (;;) {
        // The account holding least among those whose next request is within their share.
        auto next = waiting_.end();
        for (auto it = waiting_.begin(); it != waiting_.end(); ++it) {
            if (within_share(**it, (*it)->first_->bytes) && (next == waiting_.end() || (*it)->held_ < (*next)->held_)) {
                next = it;
            }
        }
        // When it does not fit it keeps its place: later, smaller requests do not starve a large one.
        if (next == waiting_.end() || !fits((*next)->first_->bytes)) return;
        Account& a = **next;
        Waiter* w = a.first_;
        a.first_ = w->next;
        if (!a.first_) {
            a.last_ = nullptr;
            *next = waiting_.back();
            waiting_.pop_back();
        }
        --waiters_;
        take(a, w->bytes);
        w->granted = true;
        w->timer->cancel();
    }
}

void Budget::cancel_all() {
    for (Account* a : waiting_) {
        for (Waiter* w = a->first_; w; w = w->next) w->timer->cancel();
        a->first_ = a->last_ = nullptr;
    }
    waiting_.clear();
    waiters_ = 0;
}

}  // namespace ehb::net
