#include "net/feed_hub.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <cstdio>

#include "engine/canonical.hpp"
#include "engine/ingest.hpp"

namespace ehb::net {

void FeedHub::start(uint64_t head) {
    head_ = head;
    started_us_ = now_us();
}

void FeedHub::committed(uint64_t head) {
    const int64_t at = now_us();
    boost::asio::post(io_, [this, head, at] {
        if (head <= head_) return;  // a commit without feed changes (a refused write job, a replayed batch)
        commits_.push_back({head_ + 1, head, at});
        head_ = head;
        if (commits_.size() > kCommitsKept) commits_.pop_front();
        // A copy: a woken consumer may remove itself.
        auto consumers = consumers_;
        for (auto& c : consumers) {
            if (c->wake) c->wake();
        }
    });
}

int64_t FeedHub::commit_time(uint64_t seq) const {
    auto it = std::lower_bound(commits_.begin(), commits_.end(), seq,
                               [](const Commit& c, uint64_t s) { return c.last < s; });
    return it != commits_.end() && it->first <= seq ? it->at_us : 0;
}

std::shared_ptr<FeedHub::Consumer> FeedHub::add(Consumer consumer) {
    consumer.since_us = now_us();
    consumers_.push_back(std::make_shared<Consumer>(std::move(consumer)));
    return consumers_.back();
}

void FeedHub::remove(const std::shared_ptr<Consumer>& consumer) {
    std::erase(consumers_, consumer);
}

void FeedHub::delivered(Consumer& c, uint64_t seq, int64_t now_us) {
    const int64_t committed_at = commit_time(seq);
    if (committed_at == 0 || committed_at < c.since_us) return;
    const uint64_t us = now_us > committed_at ? uint64_t(now_us - committed_at) : 0;
    c.freshness.add(us);
    freshness_.add(us);
}

double FeedHub::lag_seconds(const Consumer& c, int64_t now_us) const {
    if (c.acked > head_) return 0;
    int64_t oldest = commit_time(c.acked);
    // Committed before the oldest commit kept: it has waited at least since then.
    if (oldest == 0) oldest = commits_.size() == kCommitsKept ? commits_.front().at_us : started_us_;
    return now_us > oldest ? double(now_us - oldest) / 1e6 : 0;
}

std::string feed_stats_json(const FeedHub& hub, int64_t now_us) {
    std::string out = "{\"head\":" + std::to_string(hub.head());
    const Histogram& f = hub.freshness();
    append_json_number(out, "deliveries", f.count());
    append_json_number(out, "freshness_p50_us", f.quantile(0.50));
    append_json_number(out, "freshness_p99_us", f.quantile(0.99));
    out += ",\"consumers\":[";
    const char* sep = "";
    for (const auto& c : hub.consumers()) {
        out += sep;
        sep = ",";
        out += "{\"principal\":";
        append_canonical_string(out, c->principal);
        append_json_member(out, "name", c->name);
        append_json_member(out, "transport", c->transport);
        append_json_member(out, "peer", c->peer);
        out += ",\"since\":";
        append_json_time(out, c->since_us);
        append_json_number(out, "sent", c->sent);
        append_json_number(out, "acked", c->acked);
        append_json_number(out, "delivered", c->delivered);
        append_json_number(out, "lag_records", hub.lag_records(*c));
        char buf[384];
        std::snprintf(buf, sizeof buf, ",\"lag_seconds\":%.3f", hub.lag_seconds(*c, now_us));
        out += buf;
        append_json_number(out, "freshness_p50_us", c->freshness.quantile(0.50));
        append_json_number(out, "freshness_p99_us", c->freshness.quantile(0.99));
        out += '}';
    }
    return out + "]}";
}

}  // namespace ehb::net
