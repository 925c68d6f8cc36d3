// One HTTP connection of ehbd: a coroutine on the I/O thread reading
// requests (HTTP/1.1 keep-alive), routing each, and writing its answer; the
// handlers' store reads run on the reader pool. Plain or TLS (HttpStream).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <memory>
#include <string>

#include "net/http/exchange.hpp"
#include "net/per_address.hpp"

namespace ehb::net::http {

class HttpServer;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
public:
    HttpSession(HttpServer& owner, Server& server, boost::asio::ip::tcp::socket socket);
    void start();
    void refuse();  // the server holds its maximum of connections: 503, then close
    void drain();   // shutdown: finish the request being read or answered, then close; an event stream ends
    // The event stream this connection is answering (its request, principal and bearer token), if any.
    const Exchange* stream() const { return exchange_ && exchange_->streamed ? exchange_ : nullptr; }
    void revoked();  // the stream's principal or token was revoked: it ends without another change
    const Address& address() const { return address_; }  // the client's

private:
    enum class Phase { waiting, reading, answering };

    static boost::asio::awaitable<void> serve(std::shared_ptr<HttpSession> self);
    static boost::asio::awaitable<void> refusal(std::shared_ptr<HttpSession> self);
    // The TLS handshake, within the handshake timeout (at once for plaintext); false when it failed.
    boost::asio::awaitable<bool> secure();
    boost::asio::awaitable<void> requests();
    // Routes, authenticates and answers one request; false when the connection ends after it.
    boost::asio::awaitable<bool> answer(const Request& request);
    boost::asio::awaitable<void> route(Exchange& x);
    boost::asio::awaitable<bool> send(Response r, const Request* request);

    HttpServer& owner_;
    Server& server_;
    HttpStream stream_;
    boost::asio::steady_timer wake_;
    Connection connection_{stream_, wake_};
    std::string peer_;
    Address address_;
    std::string certificate_cn_;  // mutual TLS: the principal the client's certificate names
    Phase phase_ = Phase::waiting;
    const Exchange* exchange_ = nullptr;  // the request being answered
};

}  // namespace ehb::net::http
