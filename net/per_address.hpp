// Limits kept per client address (docs/operations.md "Abuse"): the open
// connections on one port, and the logins failed from it. An IPv6 address
// counts as its /64, which one site usually holds whole. I/O thread only.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <cstdint>
#include <list>
#include <map>

namespace ehb::net {

using Address = boost::asio::ip::address;
using Clock = std::chrono::steady_clock;

class ConnectionsPerAddress {
public:
    ConnectionsPerAddress(uint32_t limit, const char* port) : limit_(limit), port_(port) {}
    // False beyond the limit: the caller closes the connection unanswered. A
    // refusal is logged at most once a second per address.
    bool admit(const Address& address);
    void release(const Address& address);
    uint64_t refused() const { return refused_; }

private:
    struct Entry {
        uint32_t open = 0;
        Clock::time_point logged{};
    };
    uint32_t limit_;
    const char* port_;
    uint64_t refused_ = 0;
    std::map<Address, Entry> open_;
};

// At most `per_minute` failed logins from one address in a minute (its window
// starts with its first login): beyond, a login is refused before its
// credential is checked, the slow hash a flood would otherwise keep busy.
// Once an address has failed, the logins under way count as failures until
// they end, so a flood over many connections at once is bounded too; an
// address that never failed may log in on as many connections at once as it
// likes. Addresses beyond `max_addresses` forget the oldest window.
class FailedLogins {
public:
    explicit FailedLogins(uint32_t per_minute, std::size_t max_addresses = 100'000)
        : per_minute_(per_minute), max_addresses_(max_addresses) {}
    // 0 when the login may be checked (finished() must follow), else the seconds until this address may try again.
    unsigned attempt(const Address& address, Clock::time_point now);
    void finished(const Address& address, bool succeeded);
    uint64_t refused() const { return refused_; }
    std::size_t addresses() const { return windows_.size(); }

    static constexpr std::chrono::seconds kWindow{60};

private:
    struct Window {
        Clock::time_point start;
        uint32_t failed = 0, checking = 0;
        std::list<Address>::iterator age;
    };
    uint32_t per_minute_;
    std::size_t max_addresses_;
    uint64_t refused_ = 0;
    std::map<Address, Window> windows_;
    std::list<Address> oldest_first_;  // by window start
};

}  // namespace ehb::net
