#include "net/per_address.hpp"

#include <algorithm>

#include "net/log.hpp"

namespace ehb::net {

namespace {

Address key(const Address& a) {
    if (!a.is_v6() || a.to_v6().is_v4_mapped()) return a.is_v6() ? Address(a.to_v6().to_v4()) : a;
    auto bytes = a.to_v6().to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);  // the /64
    return boost::asio::ip::address_v6(bytes);
}

}  // namespace

bool ConnectionsPerAddress::admit(const Address& address) {
    Entry& e = open_[key(address)];
    if (e.open < limit_) {
        ++e.open;
        return true;
    }
    ++refused_;
    const Clock::time_point now = Clock::now();
    if (now - e.logged >= std::chrono::seconds(1)) {
        e.logged = now;
        log(LogLevel::warn, "%s: %s connection refused: %u already open from this address (--max-connections-per-address)",
            address.to_string().c_str(), port_, limit_);
    }
    return false;
}

void ConnectionsPerAddress::release(const Address& address) {
    auto it = open_.find(key(address));
    if (it != open_.end() && --it->second.open == 0) open_.erase(it);
}

unsigned FailedLogins::attempt(const Address& address, Clock::time_point now) {
    const Address k = key(address);
    auto it = windows_.find(k);
    if (it == windows_.end()) {
        if (windows_.size() >= max_addresses_) {
            windows_.erase(oldest_first_.front());
            oldest_first_.pop_front();
        }
        it = windows_.emplace(k, Window{now, 0, 0, oldest_first_.insert(oldest_first_.end(), k)}).first;
    } else if (now - it->second.start >= kWindow) {
        // A check under way when its window ends no longer counts: nothing lingers beyond a window.
        it->second = Window{now, 0, 0, it->second.age};
        oldest_first_.splice(oldest_first_.end(), oldest_first_, it->second.age);
    }
    Window& w = it->second;
    if (w.failed < per_minute_ && (w.failed == 0 || w.failed + w.checking < per_minute_)) {
        ++w.checking;
        return 0;
    }
    ++refused_;
    const auto left = std::chrono::ceil<std::chrono::seconds>(w.start + kWindow - now).count();
    return left < 1 ? 1u : unsigned(left);
}

void FailedLogins::finished(const Address& address, bool succeeded) {
    auto it = windows_.find(key(address));
    if (it == windows_.end()) return;  // forgotten meanwhile
    if (it->second.checking > 0) --it->second.checking;
    if (!succeeded) ++it->second.failed;
}

}  // namespace ehb::net
