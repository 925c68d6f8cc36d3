// One client connection of ehbd: a coroutine reading frames, a chain of
// writes sending answers, and a watchdog enforcing the timeouts. Everything
// here runs on the I/O thread; work done elsewhere posts its answer back.
// The bytes go through a Stream: plain TCP, or TLS when ehbd has a certificate.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "engine/principals.hpp"
#include "net/budget.hpp"
#include "net/per_address.hpp"
#include "net/stream.hpp"
#include "net/wire.hpp"

namespace ehb::net {
class FeedPump;
}

namespace ehb::net {

class Server;

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(Server& server, boost::asio::ip::tcp::socket socket);
    void start();
    // Refuses the connection (server full) with ERROR BUSY, after the TLS handshake if any.
    void refuse();
    // Shutdown: read no further frame, answer what was received, then BYE.
    void drain();
    // The authenticated principal's name, or null before AUTH.
    const std::string* principal_name() const { return principal_ ? &principal_->name : nullptr; }
    const Address& address() const { return address_; }  // the client's
    // The principal was revoked while connected: ERROR AUTH_FAILED, then the
    // connection ends; answers still in flight are not sent (a retried batch
    // is answered from the ledger, as after any broken line).
    void revoked();

private:
    using Clock = std::chrono::steady_clock;
    enum class State { fresh, greeted, authenticated };

    boost::asio::awaitable<void> read_loop();
    boost::asio::awaitable<void> watchdog();
    boost::asio::awaitable<bool> authenticate(uint32_t request_id, std::string payload);
    void dispatch(const wire::Header& h, std::string payload, std::size_t charge);
    void push(uint32_t request_id, std::string payload, std::size_t charge);
    void get_book(uint32_t request_id, std::string payload);
    void appointments(uint32_t request_id, std::string payload);
    void stats(uint32_t request_id);
    void person_op(uint32_t request_id, std::string payload);
    void subscribe(uint32_t request_id, std::string payload);
    void feed_ack(std::string payload);
    void end_subscription();  // stops the feed, if any; the subscription no longer counts as in flight
    void answer(std::string frame, std::size_t charge);  // a request's answer, back on the I/O thread
    void maybe_finish();

    void send(std::string frame);
    void send(wire::Type type, uint32_t request_id, std::string_view payload);
    void error(uint32_t request_id, wire::ErrorCode code, std::string message);
    void write_next();
    void close();
    void arm(std::chrono::milliseconds timeout);  // the deadline for the client's next bytes
    void disarm();
    void wake_reader();

    Server& server_;
    Stream<boost::asio::ip::tcp::socket> stream_;
    boost::asio::steady_timer deadline_;
    boost::asio::steady_timer wake_;  // the reader waits on it for in-flight room
    std::string peer_;
    Address address_;
    std::string certificate_cn_;  // mutual TLS: the principal the client's certificate names
    std::shared_ptr<Budget::Account> account_;  // what its frames charge: the principal's once authenticated
    State state_ = State::fresh;
    bool secured_ = false;        // the TLS handshake is done (at once for plaintext)
    bool refused_ = false;        // the server is full: BUSY, then close
    std::optional<Principal> principal_;
    std::deque<std::string> outbox_;
    bool writing_ = false;
    bool reading_ = false;        // the read loop has not ended
    bool awaiting_header_ = false;  // between frames: the idle timeout applies
    bool closing_ = false;        // after a fatal error, BYE or drain: no new requests
    bool say_bye_ = false;        // after the last answer (BYE received, or shutdown)
    bool close_after_flush_ = false;
    bool closed_ = false;
    unsigned in_flight_ = 0;
    std::shared_ptr<FeedPump> feed_;  // while subscribed (one subscription per connection)
};

}  // namespace ehb::net
