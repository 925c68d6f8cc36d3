#include "tools/ehb/pusher.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>

#include "engine/fhir_in.hpp"
#include "engine/xml_submission.hpp"
#include "net/tls.hpp"

namespace ehb::cli {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t kPushHeader = 4 + 8 + 1 + 4;  // stream, batch_seq, format, count
constexpr std::size_t kMaxWindow = 4;               // batches in flight per connection
constexpr milliseconds kFirstBackoff{100};
constexpr milliseconds kMaxBackoff{5000};

// A reply the push cannot go on after (a rejected principal, a batch the server
// will never take): every connection stops.
struct Fatal : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace

struct Pusher::Batch {
    uint64_t seq = 0;
    std::string bytes;                                    // the documents, back to back
    std::vector<std::pair<std::size_t, std::size_t>> spans;  // offset and length of each
    std::vector<std::string> signatures;                  // each one's, when signing
    bool sent = false;                                    // on the current connection
    uint32_t request_id = 0;
    Clock::time_point sent_at;

    // Empty for the next cut, keeping what its buffers hold room for.
    void clear() {
        seq = 0;
        bytes.clear();
        spans.clear();
        signatures.clear();
        sent = false;
        request_id = 0;
    }

    std::vector<std::string_view> views() const {
        std::vector<std::string_view> v;
        v.reserve(spans.size());
        for (auto [offset, length] : spans) v.emplace_back(bytes.data() + offset, length);
        return v;
    }
};

struct Pusher::Lane {
    std::size_t index = 0;
    uint32_t stream = 0;
    std::thread thread;

    std::mutex mutex;  // guards queue, closed and spare
    std::condition_variable changed;
    std::deque<Batch> queue;  // cut, not sent yet
    bool closed = false;      // nothing more will be queued
    // Answered batches, cleared, for the next cuts to fill: a long push then
    // allocates no batch buffers after its first few, and the client's memory
    // stays flat (freeing multi-megabyte buffers and allocating new ones left
    // glibc's heap fragmented, the resident set growing with the push).
    std::vector<Batch> spare;

    Batch filling;  // the adding thread's
    uint64_t next_seq = 1;

    std::deque<Batch> window;  // sent and unanswered, in order; the lane's thread's
    Tally tally;
    uint64_t batches = 0, retries = 0, replayed = 0;
    std::string last_error;
};

// The episode key of a document, hashed to a connection: XML1's or XML0's
// MA_CSKCB + MA_LK (so a check-in and its full record share a stream), or a
// vaccination's source system + record id. An XML submission or a FHIR
// Bundle is read into its episode document first, as the server will.
class Pusher::Router {
public:
    explicit Router(std::size_t connections) : connections_(connections) {}

    std::size_t route(std::string_view document) {
        if (connections_ == 1) return 0;
        std::string_view episode = document;
        if (looks_like_xml(document)) {
            if (!xml_.read(document, submission_, issue_)) return 0;
            episode = submission_.document;
        } else if (looks_like_fhir(document)) {
            if (!fhir_.read(document, normalised_, issue_)) return 0;
            episode = normalised_;
        }
        padded_.assign(episode);
        padded_.append(simdjson::SIMDJSON_PADDING, ' ');
        simdjson::ondemand::document doc;
        simdjson::ondemand::object root, table;
        if (parser_.iterate(padded_.data(), episode.size(), padded_.size()).get(doc) || doc.get_object().get(root))
            return 0;
        const char* first = "MA_CSKCB";
        const char* second = "MA_LK";
        if (root.find_field_unordered("XML1").get_object().get(table) &&
            root.find_field_unordered("XML0").get_object().get(table)) {
            if (root.find_field_unordered("TIEM_CHUNG").get_object().get(table)) return 0;
            first = "HE_THONG_NGUON";
            second = "MA_BAN_GHI";
        }
        std::string_view a, b;
        if (table.find_field_unordered(first).get_string().get(a) ||
            table.find_field_unordered(second).get_string().get(b))
            return 0;
        key_.assign(a);
        key_.push_back('\0');
        key_.append(b);
        return wire::checksum(key_) % connections_;  // XXH3: the same routing on every run
    }

private:
    std::size_t connections_;
    XmlSubmissionReader xml_;
    FhirBundleReader fhir_;
    XmlSubmission submission_;
    std::string normalised_;
    Issue issue_;
    simdjson::ondemand::parser parser_;
    std::string padded_, key_;
};

std::string push_fields(const PushReport& report) {
    std::string out = "\"batches\":";
    out += std::to_string(report.batches);
    out += ",\"retries\":" + std::to_string(report.retries);
    out += ",\"replayed\":" + std::to_string(report.replayed);
    return out;
}

Pusher::Pusher(PushOptions options)
    : options_(std::move(options)), router_(std::make_unique<Router>(options_.connections)) {
    for (std::size_t i = 0; i < options_.connections; ++i) {
        auto lane = std::make_unique<Lane>();
        lane->index = i;
        lane->stream = options_.stream + static_cast<uint32_t>(i);
        lanes_.push_back(std::move(lane));
    }
    batches_made_ = lanes_.size();  // each lane's first filling batch
}

Pusher::~Pusher() {
    stop("abandoned");
    for (auto& lane : lanes_) {
        if (lane->thread.joinable()) lane->thread.join();
    }
}

void Pusher::start() {
    start_ = Clock::now();
    deadline_ = start_ + options_.deadline;
    running_ = lanes_.size();
    for (auto& lane : lanes_) lane->thread = std::thread([this, l = lane.get()] { run(*l); });
}

bool Pusher::add(std::string_view document) {
    if (stopped_) return false;
    Lane& lane = *lanes_[router_->route(document)];
    Batch& b = lane.filling;
    std::string signature;
    if (options_.signing_key) signature = options_.signing_key->sign(document);
    const std::size_t per_signature = options_.signing_key ? 2 + options_.signing_key->key_id().size() + 4 : 0;
    std::size_t frame = kPushHeader + (4 + per_signature) * (b.spans.size() + 1) + b.bytes.size() + document.size();
    for (const std::string& s : b.signatures) frame += s.size();
    if (!b.spans.empty() && frame + signature.size() > wire::kMaxFrame && !cut(lane, true)) return false;
    b.spans.emplace_back(b.bytes.size(), document.size());
    b.bytes.append(document);
    if (options_.signing_key) b.signatures.push_back(std::move(signature));
    return b.spans.size() < options_.batch || cut(lane, true);
}

// Numbers the filling batch and queues it, first waiting for room when `block`;
// the next one fills a spare batch when there is one.
bool Pusher::cut(Lane& lane, bool block) {
    lane.filling.seq = lane.next_seq++;
    std::size_t size = lane.filling.bytes.size();
    // With no queue limit every batch may be held until the push starts (ehb bench's): no slack.
    if (options_.queue == 0) lane.filling.bytes.shrink_to_fit();
    std::unique_lock lock(lane.mutex);
    if (block && options_.queue > 0) {
        lane.changed.wait_until(lock, deadline_, [&] { return lane.queue.size() < options_.queue || stopped_; });
    }
    lane.queue.push_back(std::move(lane.filling));
    lane.changed.notify_all();
    if (!lane.spare.empty()) {
        lane.filling = std::move(lane.spare.back());
        lane.spare.pop_back();
    } else {
        lane.filling = Batch();
        lane.filling.bytes.reserve(size);
        batches_made_.fetch_add(1, std::memory_order_relaxed);
    }
    return !stopped_ && Clock::now() < deadline_;
}

// Keeps an answered batch's buffers for a later cut: as many as the queue and
// the window hold, which is all a steady push needs.
void Pusher::recycle(Lane& lane, Batch&& batch) {
    batch.clear();
    std::lock_guard lock(lane.mutex);
    if (lane.spare.size() < options_.queue + kMaxWindow) lane.spare.push_back(std::move(batch));
}

// Moves the next queued batch to the window; when `wait`, waits for one until
// the queue is closed, the push stops or the deadline passes.
bool Pusher::take(Lane& lane, bool wait) {
    std::unique_lock lock(lane.mutex);
    if (wait) {
        lane.changed.wait_until(lock, deadline_, [&] { return !lane.queue.empty() || lane.closed || stopped_; });
    }
    if (lane.queue.empty()) return false;
    lane.window.push_back(std::move(lane.queue.front()));
    lane.queue.pop_front();
    lane.changed.notify_all();
    return true;
}

bool Pusher::finished(Lane& lane) {
    std::lock_guard lock(lane.mutex);
    return lane.closed && lane.queue.empty() && lane.window.empty();
}

void Pusher::stop(const std::string& why) {
    {
        std::lock_guard lock(mutex_);
        if (failure_.empty()) failure_ = why;
    }
    stopped_ = true;
    for (auto& lane : lanes_) {
        std::lock_guard lock(lane->mutex);
        lane->changed.notify_all();
    }
}

milliseconds Pusher::remaining() const {
    return std::max(milliseconds(1), std::chrono::duration_cast<milliseconds>(deadline_ - Clock::now()));
}

void Pusher::send(net::Client& client, Lane& lane, Batch& batch) {
    std::vector<std::string_view> documents = batch.views();
    std::vector<wire::DocumentSignature> signatures;
    signatures.reserve(batch.signatures.size());
    for (const std::string& s : batch.signatures) signatures.push_back({options_.signing_key->key_id(), s});
    batch.request_id = client.send_push(lane.stream, batch.seq, documents, signatures);
    batch.sent = true;
    batch.sent_at = Clock::now();
}

void Pusher::answer(Lane& lane, const net::Reply& reply) {
    if (const auto* result = std::get_if<wire::PushResult>(&reply.body)) {
        auto it = std::find_if(lane.window.begin(), lane.window.end(),
                               [&](const Batch& b) { return b.sent && b.seq == result->batch_seq; });
        if (result->stream != lane.stream || it == lane.window.end()) {
            throw std::runtime_error("ehbd answered a batch that was not sent on this connection");
        }
        if (result->results.size() != it->spans.size()) {
            throw Fatal("ehbd answered batch " + std::to_string(it->seq) + " of stream " + std::to_string(lane.stream) +
                        " with " + std::to_string(result->results.size()) + " results for " +
                        std::to_string(it->spans.size()) + " documents");
        }
        lane.tally.add(result->results);
        lane.tally.bytes += it->bytes.size();
        lane.tally.latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - it->sent_at).count());
        ++lane.batches;
        lane.replayed += result->replayed;
        records_answered_.fetch_add(it->spans.size(), std::memory_order_relaxed);
        bytes_answered_.fetch_add(it->bytes.size(), std::memory_order_relaxed);
        recycle(lane, std::move(*it));
        lane.window.erase(it);
        lane.last_error.clear();
    } else if (const auto* error = std::get_if<wire::Error>(&reply.body)) {
        net::ProtocolError e(error->code, reply.header.request_id, error->message);
        // A broken connection (or a garbled frame) is retried; anything else about a batch would repeat forever.
        wire::ErrorCode code = error->code;
        if ((e.fatal() && code != wire::ErrorCode::auth_failed) || code == wire::ErrorCode::bad_checksum) throw e;
        auto it = std::find_if(lane.window.begin(), lane.window.end(),
                               [&](const Batch& b) { return b.sent && b.request_id == reply.header.request_id; });
        std::string what = it == lane.window.end() ? std::string()
                                                    : "stream " + std::to_string(lane.stream) + " batch " +
                                                          std::to_string(it->seq) + ": ";
        what += e.what();
        if (code == wire::ErrorCode::batch_mismatch) {
            what += " (this stream already holds other documents under that number: use another --stream)";
        }
        throw Fatal(what);
    } else if (std::holds_alternative<net::Bye>(reply.body)) {
        throw std::runtime_error("ehbd closed the connection (BYE)");
    } else if (!std::holds_alternative<net::Pong>(reply.body)) {
        throw std::runtime_error("ehbd sent an unexpected reply");
    }
}

void Pusher::run(Lane& lane) {
    std::optional<net::Client> client;
    std::size_t window_max = 1;
    milliseconds backoff = kFirstBackoff;
    bool connected_before = false, outage_reported = false;
    for (;;) {
        if (lane.window.empty() && !take(lane, true) && finished(lane)) {
            if (client) {
                try {
                    client->bye();
                } catch (const std::exception&) {
                    // everything was answered: how the connection ends does not matter
                }
            }
            break;
        }
        if (stopped_) break;
        if (Clock::now() >= deadline_) {
            std::string why = "the deadline (" + std::to_string(options_.deadline.count()) + " s) passed";
            if (!lane.last_error.empty()) why += "; last error: " + lane.last_error;
            stop(why);
            break;
        }
        try {
            if (!client) {
                net::ClientOptions o;
                o.client_name = "ehb " + std::string(options_.command);
                o.connect_timeout = std::min(remaining(), milliseconds(10'000));
                o.timeout = remaining();
                client.emplace(options_.endpoint, options_.credentials, o);
                window_max = std::clamp<std::size_t>(client->limits().max_in_flight, 1, kMaxWindow);
                lane.retries += connected_before;
                connected_before = true;
                for (Batch& b : lane.window) b.sent = false;
            }
            for (Batch& b : lane.window) {
                if (!b.sent) send(*client, lane, b);
            }
            while (lane.window.size() < window_max && take(lane, false)) send(*client, lane, lane.window.back());
            if (lane.window.empty()) continue;
            client->set_timeout(remaining());
            answer(lane, client->receive());
            backoff = kFirstBackoff;
            outage_reported = false;
            continue;
        } catch (const Fatal& e) {
            stop(e.what());
            break;
        } catch (const net::TlsError& e) {  // a certificate that does not verify will not verify on a retry
            stop(e.what());
            break;
        } catch (const std::invalid_argument& e) {  // a batch over the server's limits
            stop(std::string(e.what()) + " (use a smaller --batch)");
            break;
        } catch (const net::ProtocolError& e) {
            if (e.code() == wire::ErrorCode::auth_failed || e.code() == wire::ErrorCode::forbidden) {
                stop(e.what());
                break;
            }
            lane.last_error = e.what();
        } catch (const std::exception& e) {
            lane.last_error = e.what();
        }
        // The connection broke: a new one after the backoff.
        client.reset();
        if (!outage_reported) {
            std::fprintf(stderr, "ehb %s: connection %zu (stream %u): %s; reconnecting\n", options_.command, lane.index,
                         lane.stream, lane.last_error.c_str());
            outage_reported = true;
        }
        std::unique_lock lock(lane.mutex);
        lane.changed.wait_until(lock, std::min(Clock::now() + backoff, deadline_), [&] { return bool(stopped_); });
        backoff = std::min(backoff * 2, kMaxBackoff);
    }
    std::lock_guard lock(mutex_);
    --running_;
    lane_done_.notify_all();
}

PushReport Pusher::finish(const std::function<void()>& tick) {
    for (auto& lane : lanes_) {
        if (!lane->filling.spans.empty()) cut(*lane, false);
        std::lock_guard lock(lane->mutex);
        lane->closed = true;
        lane->changed.notify_all();
    }
    {
        std::unique_lock lock(mutex_);
        while (running_ > 0) {
            if (tick) {
                lock.unlock();
                tick();
                lock.lock();
            }
            lane_done_.wait_for(lock, milliseconds(500), [&] { return running_ == 0; });
        }
    }
    PushReport report;
    report.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    report.complete = true;
    for (auto& lane : lanes_) {
        lane->thread.join();
        report.tally.merge(lane->tally);
        report.batches += lane->batches;
        report.retries += lane->retries;
        report.replayed += lane->replayed;
        std::deque<Batch>& left = lane->window;
        for (Batch& b : lane->queue) left.push_back(std::move(b));
        if (left.empty()) continue;
        report.complete = false;
        std::size_t documents = 0;
        for (const Batch& b : left) documents += b.spans.size();
        std::string batches = left.size() == 1 ? "batch " + std::to_string(left.front().seq)
                                               : "batches " + std::to_string(left.front().seq) + "-" +
                                                     std::to_string(left.back().seq);
        report.problems.push_back("stream " + std::to_string(lane->stream) + " (connection " +
                                  std::to_string(lane->index) + "): " + batches + " unanswered (" +
                                  std::to_string(documents) + " documents)");
    }
    if (!failure_.empty()) {
        report.complete = false;
        report.problems.insert(report.problems.begin(), failure_);
    }
    return report;
}

}  // namespace ehb::cli
