// Feed consumers for `ehb bench --consumers N` (docs/benchmarks.md, "The
// change feed"): followers that receive the changes live while the workload
// is pushed, an optional stalled one that never acknowledges, and readers
// that read the whole feed at once afterwards (delivery throughput).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "net/client.hpp"

namespace ehb::cli {

class FeedFollowers {
public:
    // `n` followers subscribe from `from` at once; `stalled` adds a consumer
    // with a window of one change that never acknowledges it.
    FeedFollowers(const net::Endpoint& endpoint, const net::Credentials& credentials, std::size_t n, uint64_t from,
                  bool stalled);
    ~FeedFollowers();
    FeedFollowers(const FeedFollowers&) = delete;
    FeedFollowers& operator=(const FeedFollowers&) = delete;

    // Waits until every follower holds every change up to `head`, at most
    // `deadline`; the seconds it took, or nullopt when one did not get there.
    std::optional<double> drain(uint64_t head, std::chrono::seconds deadline);
    uint64_t received() const;     // changes, all followers together
    uint64_t reconnections() const;

private:
    void run(std::size_t i);

    net::Endpoint endpoint_;
    net::Credentials credentials_;
    std::unique_ptr<std::atomic<uint64_t>[]> positions_;
    std::size_t n_;
    std::atomic<uint64_t> target_{0};  // 0 until drain(): stop once past it
    std::atomic<uint64_t> received_{0}, reconnections_{0};
    std::atomic<bool> stop_{false};
    std::vector<std::thread> threads_;
    std::unique_ptr<net::Client> stalled_;
};

struct FeedReading {
    uint64_t changes = 0;
    double seconds = 0;
    bool complete = false;  // reached the end
};

// `n` readers, each on its own connection, read the feed from 1 to its head at the same time.
std::vector<FeedReading> read_feed_at_once(const net::Endpoint& endpoint, const net::Credentials& credentials,
                                           std::size_t n);

}  // namespace ehb::cli
