#include "tools/ehb/feed_consumers.hpp"

#include <cstdio>
#include <string>
#include <system_error>

namespace ehb::cli {

namespace {

// Followers wait for commits; with nothing to receive for this long they
// reconnect from their position (and see a target set meanwhile).
constexpr auto kFollowTimeout = std::chrono::milliseconds(1000);

}  // namespace

FeedFollowers::FeedFollowers(const net::Endpoint& endpoint, const net::Credentials& credentials, std::size_t n,
                             uint64_t from, bool stalled)
    : endpoint_(endpoint), credentials_(credentials), positions_(new std::atomic<uint64_t>[n]), n_(n) {
    for (std::size_t i = 0; i < n; ++i) positions_[i] = from;
    if (stalled) {
        net::ClientOptions o;
        o.client_name = "ehb bench (stalled consumer)";
        stalled_ = std::make_unique<net::Client>(endpoint, credentials, o);
        wire::Subscribe request;
        request.from = from;
        request.follow = true;
        request.window = 1;
        request.name = "bench-stalled";
        stalled_->subscribe(request);
    }
    threads_.reserve(n);
    for (std::size_t i = 0; i < n; ++i) threads_.emplace_back([this, i] { run(i); });
}

FeedFollowers::~FeedFollowers() {
    stop_ = true;
    for (auto& t : threads_) t.join();
}

void FeedFollowers::run(std::size_t i) {
    net::ClientOptions o;
    o.client_name = "ehb bench (feed consumer)";
    o.timeout = kFollowTimeout;
    auto done = [&] {
        const uint64_t target = target_.load();
        return stop_.load() || (target != 0 && positions_[i].load() > target);
    };
    while (!done()) {
        try {
            net::Client client(endpoint_, credentials_, o);
            wire::Subscribe request;
            request.from = positions_[i].load();
            request.follow = true;
            request.window = 10'000;
            request.name = "bench-" + std::to_string(i + 1);
            const uint32_t id = client.subscribe(request);
            while (auto feed = client.next_feed(id)) {
                received_ += feed->events.size();
                positions_[i] = feed->next;
                client.ack_feed(feed->next);
                if (done()) return;
            }
        } catch (const std::system_error&) {
            // A timeout while caught up, or a broken connection: resubscribe from the position.
        } catch (const std::exception& e) {
            std::fprintf(stderr, "ehb bench: feed consumer %zu: %s\n", i + 1, e.what());
            return;
        }
        if (!done()) ++reconnections_;
    }
}

std::optional<double> FeedFollowers::drain(uint64_t head, std::chrono::seconds deadline) {
    const auto start = std::chrono::steady_clock::now();
    target_ = head;
    for (;;) {
        bool all = true;
        for (std::size_t i = 0; i < n_; ++i) all = all && positions_[i].load() > head;
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (all) return seconds;
        if (std::chrono::steady_clock::now() - start > deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

uint64_t FeedFollowers::received() const { return received_.load(); }
uint64_t FeedFollowers::reconnections() const { return reconnections_.load(); }

std::vector<FeedReading> read_feed_at_once(const net::Endpoint& endpoint, const net::Credentials& credentials,
                                           std::size_t n) {
    std::vector<FeedReading> readings(n);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < n; ++i) {
        threads.emplace_back([&, i] {
            FeedReading& r = readings[i];
            try {
                net::ClientOptions o;
                o.client_name = "ehb bench (feed reader)";
                net::Client client(endpoint, credentials, o);
                const auto start = std::chrono::steady_clock::now();
                wire::Subscribe request;
                request.window = 10'000;
                request.name = "bench-reader-" + std::to_string(i + 1);
                const uint32_t id = client.subscribe(request);
                while (auto feed = client.next_feed(id)) {
                    r.changes += feed->events.size();
                    if (feed->end) {
                        r.complete = true;
                        break;
                    }
                    client.ack_feed(feed->next);
                }
                r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            } catch (const std::exception& e) {
                std::fprintf(stderr, "ehb bench: feed reader %zu: %s\n", i + 1, e.what());
            }
        });
    }
    for (auto& t : threads) t.join();
    return readings;
}

}  // namespace ehb::cli
