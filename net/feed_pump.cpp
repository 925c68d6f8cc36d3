#include "net/feed_pump.hpp"

#include <boost/asio/post.hpp>

#include "engine/ingest.hpp"
#include "net/log.hpp"

namespace ehb::net {

namespace asio = boost::asio;

FeedPump::FeedPump(asio::io_context& io, asio::thread_pool& readers, const Store& store, FeedHub& hub,
                   std::shared_ptr<FeedHub::Consumer> consumer, Options options, Deliver deliver)
    : io_(io),
      readers_(readers),
      store_(store),
      hub_(hub),
      consumer_(std::move(consumer)),
      options_(options),
      deliver_(std::move(deliver)),
      heartbeat_(io),
      cursor_(options.from == 0 ? 1 : options.from) {
    consumer_->sent = consumer_->acked = cursor_;
}

void FeedPump::start() {
    end_at_ = hub_.head();
    std::weak_ptr<FeedPump> weak = weak_from_this();
    consumer_->wake = [weak] {
        if (auto self = weak.lock()) self->pump();
    };
    if (options_.follow) arm_heartbeat();
    pump();
}

void FeedPump::stop() {
    if (stopped_) return;
    stopped_ = true;
    consumer_->wake = nullptr;
    heartbeat_.cancel();
    hub_.remove(consumer_);
}

void FeedPump::acknowledged(uint64_t next) {
    if (next > consumer_->acked) consumer_->acked = next;
    while (!unacked_.empty() && unacked_.front().first <= next) {
        outstanding_ -= unacked_.front().second;
        unacked_.pop_front();
    }
    pump();
}

void FeedPump::pump() {
    if (stopped_ || ended_ || reading_ || outstanding_ >= options_.window) return;
    const uint64_t until = options_.follow ? hub_.head() : end_at_;
    if (cursor_ > until) {
        if (!options_.follow) {
            ended_ = true;
            deliver_({}, cursor_, hub_.head(), true);
        }
        return;  // following: the hub wakes it at the next commit
    }
    read(until, options_.window - outstanding_);
}

void FeedPump::read(uint64_t until, std::size_t room) {
    reading_ = true;
    asio::post(readers_, [self = shared_from_this(), until, room] {
        // One reader per pool thread, for as long as the store lives.
        thread_local std::unique_ptr<FeedReader> reader;
        thread_local const Store* reader_store = nullptr;
        if (!reader || reader_store != &self->store_) {
            reader = std::make_unique<FeedReader>(&self->store_.dictionaries());
            reader_store = &self->store_;
        }
        FeedLimits limits;
        limits.until = until;
        limits.events = std::min<std::size_t>(room, limits.events);
        std::shared_ptr<const FeedChunk> chunk;
        try {
            chunk = self->hub_.cache().get(self->cursor_, self->consumer_->filter, limits, [&](FeedChunk& out) {
                self->store_.read([&](const StoreReader& r) {
                    reader->read(r, self->cursor_, self->consumer_->filter, limits, out);
                });
            });
        } catch (const std::exception& e) {
            log(LogLevel::error, "feed for %s: %s", self->consumer_->principal.c_str(), e.what());
        }
        asio::post(self->io_, [self, chunk = std::move(chunk)]() mutable { self->arrived(std::move(chunk)); });
    });
}

void FeedPump::arrived(std::shared_ptr<const FeedChunk> read) {
    reading_ = false;
    if (stopped_) return;
    if (!read) {
        // A store that cannot be read: the subscription ends; the consumer resumes from its position later.
        ended_ = true;
        deliver_({}, cursor_, hub_.head(), true);
        return;
    }
    const FeedChunk& chunk = *read;
    cursor_ = chunk.next;
    FeedHub::Consumer& c = *consumer_;
    c.sent = cursor_;
    const bool end = !options_.follow && cursor_ > end_at_;
    if (chunk.size() > 0) {
        const int64_t now = now_us();
        for (uint64_t seq : chunk.seqs) hub_.delivered(c, seq, now);
        c.delivered += chunk.size();
        unacked_.emplace_back(cursor_, chunk.size());
        outstanding_ += chunk.size();
        if (options_.follow) arm_heartbeat();
    }
    if (chunk.size() > 0 || end) deliver_(chunk, cursor_, hub_.head(), end);
    if (end) {
        ended_ = true;
        return;
    }
    pump();
}

void FeedPump::arm_heartbeat() {
    heartbeat_.expires_after(options_.heartbeat);
    heartbeat_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
        auto self = weak.lock();
        if (ec || !self || self->stopped_ || self->ended_) return;
        // Nothing to deliver for a while: tell the consumer the server lives and where it stands.
        self->deliver_({}, self->cursor_, self->hub_.head(), false);
        self->arm_heartbeat();
    });
}

}  // namespace ehb::net
