// GET /v1/feed: the change feed as server-sent events (docs/http.md, "Feed").
// A FeedPump reads on the reader pool and delivers on the I/O thread; each
// delivery is written as one chunk, and the pump hears that it was taken
// only when the write completed: TCP back-pressure is the flow control.
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include <charconv>
#include <memory>

#include "engine/feed.hpp"
#include "net/feed_pump.hpp"
#include "net/http/routes.hpp"

namespace ehb::net::http {

namespace {

// A client that takes nothing for this long is dropped.
constexpr std::chrono::seconds kWriteTimeout{60};

// The last event of a stream whose principal or token was revoked (or the token expired).
constexpr std::string_view kRevokedEvent =
    "event: revoked\ndata: {\"error\":{\"code\":\"REVOKED\",\"message\":\"the principal or its bearer token was "
    "revoked, or the token expired\"}}\n\n";

// What the pump delivered and the connection has not written yet.
struct Pending {
    std::string text;
    uint64_t next = 0;  // the position after it
    bool end = false;
};

std::string_view event_type(std::string_view change) {
    // Rendered as {"seq":…,"time":…,"type":"…",…}: the first "type" member is the change's.
    const std::size_t at = change.find("\"type\":\"");
    if (at == std::string_view::npos) return "change";
    change.remove_prefix(at + 8);
    return change.substr(0, change.find('"'));
}

void append_events(std::string& out, const FeedChunk& chunk) {
    for (std::size_t i = 0; i < chunk.size(); ++i) {
        out += "id: ";
        out += std::to_string(chunk.seqs[i]);
        out += "\nevent: ";
        out += event_type(chunk.event(i));
        out += "\ndata: ";
        out += chunk.event(i);
        out += "\n\n";
    }
}

}  // namespace

boost::asio::awaitable<void> get_feed(Exchange& x) {
    if (!only_params(x, {"from", "types", "kinds", "province", "facility_province", "records", "name"})) co_return;
    auto from = number_param(x, "from", 1, 0, UINT64_MAX - 1);
    if (!from) co_return;
    FeedFilter filter;
    if (auto types = x.query.get("types"); types && !parse_feed_types(*types, filter.types)) {
        x.response = bad_parameter("types", "a comma-separated list of episode, identity, appointment");
        co_return;
    }
    if (auto kinds = x.query.get("kinds"); kinds && !parse_feed_kinds(*kinds, filter.kinds)) {
        x.response = bad_parameter("kinds", "a comma-separated list of episode, checkin, vaccination");
        co_return;
    }
    const auto residence = province_param(x, "province"), facility = province_param(x, "facility_province");
    if (!residence || !facility) co_return;
    const std::string_view records = x.query.get("records").value_or("false");
    if (records != "true" && records != "false") {
        x.response = bad_parameter("records", "true or false");
        co_return;
    }
    const std::string_view name = x.query.get("name").value_or(x.principal->name);
    if (name.empty() || name.size() > 64) {
        x.response = bad_parameter("name", "1 to 64 bytes");
        co_return;
    }
    // EventSource reconnects with the last id it received: resume right after it.
    if (const std::string_view last = x.header("Last-Event-ID"); !last.empty()) {
        uint64_t seq = 0;
        auto [end, ec] = std::from_chars(last.data(), last.data() + last.size(), seq);
        if (ec != std::errc() || end != last.data() + last.size() || seq == UINT64_MAX) {
            x.response = bad_parameter("Last-Event-ID", "not an event id this server sent");
            co_return;
        }
        *from = seq + 1;
    }
    filter.residence_province = *residence;
    filter.facility_province = *facility;
    filter.records = records == "true";
    // A province reads the changes of its own residents, whatever it asks.
    if (x.principal->role == Role::province) filter.residence_province = schema::province_number(x.principal->province);

    bhttp::response<bhttp::empty_body> head{bhttp::status::ok, x.request.version()};
    head.set(bhttp::field::server, "ehbd");
    head.set(bhttp::field::content_type, "text/event-stream; charset=utf-8");
    head.set(bhttp::field::cache_control, "no-store");
    head.keep_alive(false);  // the stream ends with the connection
    head.chunked(true);
    x.streamed = true;
    HttpStream& stream = x.connection.stream;
    boost::system::error_code ec;
    stream.next_layer().expires_after(kWriteTimeout);
    bhttp::response_serializer<bhttp::empty_body> serializer{head};
    co_await bhttp::async_write_header(stream, serializer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;

    Server& server = x.server;
    FeedHub::Consumer consumer;
    consumer.principal = x.principal->name;
    consumer.name.assign(name);
    consumer.transport = "sse";
    consumer.peer = x.peer;
    consumer.filter = filter;
    FeedPump::Options options;
    options.from = *from;
    options.follow = true;
    auto pending = std::make_shared<Pending>();
    asio::steady_timer& wake = x.connection.wake;
    // Nothing is delivered after stop(), which comes before this frame ends: `wake` outlives every delivery.
    auto pump = std::make_shared<FeedPump>(
        server.io(), server.readers(), server.store(), server.feed(), server.feed().add(std::move(consumer)), options,
        [pending, &wake](const FeedChunk& chunk, uint64_t next, uint64_t, bool end) {
            if (chunk.size() == 0 && !end) pending->text += ": heartbeat\n\n";
            append_events(pending->text, chunk);
            pending->next = next;
            pending->end = pending->end || end;
            wake.cancel();
        });
    pump->start();
    while (!ec) {
        if (x.connection.revoked) break;  // nothing more for a principal who may no longer read
        if (!pending->text.empty()) {
            const std::string text = std::move(pending->text);
            pending->text.clear();
            const uint64_t next = pending->next;
            stream.next_layer().expires_after(kWriteTimeout);
            co_await asio::async_write(stream, bhttp::make_chunk(asio::buffer(text)),
                                       asio::redirect_error(asio::use_awaitable, ec));
            if (!ec) pump->acknowledged(next);
            continue;
        }
        if (pending->end || x.connection.draining) break;
        wake.expires_at(asio::steady_timer::time_point::max());
        boost::system::error_code cancelled;
        co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, cancelled));
    }
    pump->stop();
    if (ec) co_return;
    stream.next_layer().expires_after(kWriteTimeout);
    if (x.connection.revoked) {
        co_await asio::async_write(stream, bhttp::make_chunk(asio::buffer(std::string_view(kRevokedEvent))),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
    }
    co_await asio::async_write(stream, bhttp::make_chunk_last(), asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace ehb::net::http
