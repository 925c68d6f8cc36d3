// Pushes episode documents to ehbd over several connections, one stream each
// (docs/protocol.md section 5), for `ehb push` and `ehb bench`. Every version
// of an episode goes through the same stream, in the order added, so that a
// correction is applied after the version it corrects. After a broken
// connection the batches it left unanswered are resent in order under the same
// numbers: the server replays what had committed, so nothing is stored twice.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "engine/signatures.hpp"
#include "net/client.hpp"
#include "tools/ehb/summary.hpp"

namespace ehb::cli {

struct PushOptions {
    const char* command = "push";  // for messages
    net::Endpoint endpoint;
    net::Credentials credentials;
    std::size_t connections = 4;
    std::size_t batch = 1000;  // documents per batch (fewer when a batch would pass the 16 MiB frame limit)
    uint32_t stream = 0;       // connection i uses stream + i
    std::chrono::seconds deadline{300};  // from start(): every batch answered by then, or the push fails
    std::size_t queue = 0;               // cut batches waiting per connection before add() blocks; 0: no limit
    // Signs each document (PUSH format 2) when set; the signature is made once,
    // when the document is added, so a resent batch repeats it exactly.
    std::shared_ptr<const signatures::SigningKey> signing_key;
};

struct PushReport {
    Tally tally;
    uint64_t batches = 0;   // answered
    uint64_t retries = 0;   // reconnections
    uint64_t replayed = 0;  // batches answered as replays of an earlier copy
    double seconds = 0;     // from start() until every connection was done
    bool complete = false;  // every batch added was answered
    std::vector<std::string> problems;  // why not, one line each
};

// "batches":..,"retries":..,"replayed":.. for a JSON summary.
std::string push_fields(const PushReport& report);

class Pusher {
public:
    explicit Pusher(PushOptions options);
    ~Pusher();
    Pusher(const Pusher&) = delete;
    Pusher& operator=(const Pusher&) = delete;

    // Starts the deadline and one thread per connection. Documents may be added before.
    void start();
    // Copies the document into the batch of its connection, chosen by hashing its
    // episode key (XML1.MA_CSKCB, XML1.MA_LK; connection 0 when there is none).
    // False once the push has failed: add nothing more.
    bool add(std::string_view document);
    // No more documents: waits until every batch is answered or the push fails,
    // calling `tick` about twice a second meanwhile.
    PushReport finish(const std::function<void()>& tick = {});

    // Answered so far, for a progress line.
    uint64_t records_answered() const { return records_answered_.load(std::memory_order_relaxed); }
    uint64_t bytes_answered() const { return bytes_answered_.load(std::memory_order_relaxed); }
    // Batches allocated so far. An answered batch's buffers are reused, so with
    // a queue limit this stays within connections * (queue + 6) however long
    // the push (each connection's filling batch, its queue, the last cut, and
    // its window of 4): the client's memory does not grow with it.
    uint64_t batches_made() const { return batches_made_.load(std::memory_order_relaxed); }

private:
    struct Batch;
    struct Lane;
    class Router;

    bool cut(Lane& lane, bool block);
    void recycle(Lane& lane, Batch&& batch);
    bool take(Lane& lane, bool wait);
    bool finished(Lane& lane);
    void run(Lane& lane);
    void send(net::Client& client, Lane& lane, Batch& batch);
    void answer(Lane& lane, const net::Reply& reply);
    void stop(const std::string& why);
    std::chrono::milliseconds remaining() const;

    PushOptions options_;
    std::vector<std::unique_ptr<Lane>> lanes_;
    std::unique_ptr<Router> router_;
    std::chrono::steady_clock::time_point start_, deadline_ = std::chrono::steady_clock::time_point::max();
    std::atomic<bool> stopped_{false};
    std::atomic<uint64_t> records_answered_{0}, bytes_answered_{0}, batches_made_{0};
    std::mutex mutex_;  // guards failure_ and running_
    std::condition_variable lane_done_;
    std::string failure_;
    std::size_t running_ = 0;
};

}  // namespace ehb::cli
