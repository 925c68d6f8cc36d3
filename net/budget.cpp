#include "net/budget.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace ehb::net {

namespace asio = boost::asio;

asio::awaitable<bool> Budget::acquire(std::size_t bytes) {
    if (waiters_.empty() && fits(bytes)) {
        used_ += bytes;
        co_return true;
    }
    asio::steady_timer timer(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
    Waiter waiter{bytes, &timer};
    waiters_.push_back(&waiter);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return waiter.granted;
}

void Budget::release(std::size_t bytes) {
    used_ -= bytes;
    grant();
}

void Budget::grant() {
    while (!waiters_.empty() && fits(waiters_.front()->bytes)) {
        Waiter* w = waiters_.front();
        waiters_.pop_front();
        used_ += w->bytes;
        w->granted = true;
        w->timer->cancel();
    }
}

void Budget::cancel_all() {
    for (Waiter* w : waiters_) w->timer->cancel();
    waiters_.clear();
}

}  // namespace ehb::net
