// ehbd's HTTP/JSON read API (docs/http.md): a listener on ehbd's I/O thread
// and one coroutine per connection (http_session.hpp). Store reads and
// credential checks go to the reader pool, writes to the pipeline.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

#include "net/http/router.hpp"

namespace ehb::net {
class Server;
}

namespace ehb::net::http {

class HttpSession;

// Limits of one connection.
struct Limits {
    static constexpr std::size_t header_bytes = 16 * 1024;
    static constexpr std::size_t body_bytes = 64 * 1024;
    // A request's own time, from its first byte (the connection's start for the first request)
    // to its end, is ServerConfig::http_request_timeout.
    static constexpr std::chrono::seconds idle_timeout{60};   // between requests of a kept-alive connection
    static constexpr std::chrono::seconds write_timeout{60};  // an answer's bytes to a client that reads nothing
};

class HttpServer {
public:
    // Binds config().http; throws std::runtime_error naming it when it cannot.
    // `on_idle` is called when, stopping, the last connection has closed.
    HttpServer(Server& server, std::function<void()> on_idle);
    ~HttpServer();

    void start();     // accepts; writes config().http_port_file
    void shutdown();  // closes the listener; connections finish what they were answering, then close
    bool idle() const { return sessions_.empty(); }
    uint16_t port() const { return port_; }

    // For sessions.
    const Router& router() const { return router_; }
    bool stopping() const { return stopping_; }
    void closed(HttpSession* session);
    // Ends the event streams whose principal was revoked, or whose bearer
    // token was revoked or expired (ehbd's revocation watch, every second).
    boost::asio::awaitable<void> end_revoked_streams();

private:
    static boost::asio::awaitable<void> accept_loop(HttpServer* self);
    void write_port_file() const;

    Server& server_;
    std::function<void()> on_idle_;
    Router router_;
    boost::asio::ip::tcp::acceptor acceptor_;
    uint16_t port_ = 0;
    bool stopping_ = false;
    std::unordered_map<HttpSession*, std::shared_ptr<HttpSession>> sessions_;
};

}  // namespace ehb::net::http
