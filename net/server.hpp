// ehbd: the async server (docs/protocol.md, docs/architecture.md "Server").
//
// One I/O thread runs every connection as a C++20 coroutine and does only
// framing; documents are parsed by the pipeline's prepare workers, written by
// its single writer in group commits, and books and credentials are read on a
// small pool of their own. Answers travel back to the I/O thread as posted
// completions.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <unordered_map>
#include <string>

#include "engine/pipeline.hpp"
#include "net/budget.hpp"
#include "net/config.hpp"
#include "net/feed_hub.hpp"
#include "net/per_address.hpp"
#include "storage/store.hpp"

namespace ehb::net {

class Session;
namespace http {
class HttpServer;
}

class Server {
public:
    // Loads the TLS files, opens the store and binds the listening socket;
    // throws with a clear message when one fails (unreadable certificate,
    // plaintext on a non-loopback address, unwritable directory, busy port).
    explicit Server(const ServerConfig& config);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Serves until SIGTERM/SIGINT or stop(), then drains: every request
    // received is answered after its commit, and the store is closed.
    // Returns the process exit code (0, or 1 after a failed commit).
    int run();
    void stop();  // thread-safe
    uint16_t port() const { return port_; }

    // For sessions (I/O thread only).
    const ServerConfig& config() const { return config_; }
    boost::asio::ssl::context* tls() { return tls_.get(); }  // nullptr: plaintext
    boost::asio::io_context& io() { return io_; }
    boost::asio::thread_pool& readers() { return readers_; }
    // Where credentials are checked (a slow hash, engine/principals.cpp): one
    // thread of its own, so that a flood of wrong credentials delays only
    // other logins, never the book reads on the reader pool.
    boost::asio::thread_pool& credential_checks() { return credential_checks_; }
    Store& store() { return *store_; }
    Pipeline& pipeline() { return *pipeline_; }
    Budget& budget() { return budget_; }
    FeedHub& feed() { return feed_; }
    std::size_t connections() const { return sessions_.size(); }
    bool stopping() const { return stopping_; }
    // The principal's share of the budget; null beyond the per-principal limit.
    std::shared_ptr<Budget::Account> admit_principal(const std::string& name);
    void release_principal(const std::string& name);
    // What connections not yet authenticated charge, together.
    const std::shared_ptr<Budget::Account>& anonymous() const { return anonymous_; }
    // Shared by both ports: failed logins per address, and the credential checks run.
    FailedLogins& failed_logins() { return failed_logins_; }
    void credential_check_started() { ++credential_checks_run_; }
    uint64_t credential_checks_run() const { return credential_checks_run_; }
    ConnectionsPerAddress& http_per_address() { return http_per_address_; }
    const ConnectionsPerAddress& http_per_address() const { return http_per_address_; }
    const ConnectionsPerAddress& binary_per_address() const { return binary_per_address_; }
    void closed(Session* session);
    void fail(const char* what);  // the writer failed: stop, exit 1

private:
    boost::asio::awaitable<void> accept_loop();
    // Every second: a principal revoked since (by `ehb admin`, in any process)
    // loses its open connections, and an HTTP event stream ends once its
    // principal or bearer token no longer holds.
    boost::asio::awaitable<void> watch_revocations();
    void begin_shutdown();
    void maybe_finish();
    void write_port_file() const;

    ServerConfig config_;
    std::unique_ptr<boost::asio::ssl::context> tls_;  // built once; certificates change with a restart
    boost::asio::io_context io_{1};
    // Before the pipeline and the reader pool: the writer reports commits to
    // it, and reads of the feed use its cache, until both are gone.
    FeedHub feed_{io_};
    std::unique_ptr<Store> store_;
    std::unique_ptr<Pipeline> pipeline_;
    boost::asio::thread_pool readers_;
    boost::asio::thread_pool credential_checks_{1};
    Budget budget_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::signal_set signals_;
    uint16_t port_ = 0;
    bool stopping_ = false;
    std::atomic<bool> failed_{false};
    std::unordered_map<Session*, std::shared_ptr<Session>> sessions_;
    struct PrincipalConnections {
        uint32_t open = 0;
        std::shared_ptr<Budget::Account> account = std::make_shared<Budget::Account>();
    };
    std::map<std::string, PrincipalConnections> per_principal_;
    std::shared_ptr<Budget::Account> anonymous_ = std::make_shared<Budget::Account>();
    ConnectionsPerAddress binary_per_address_, http_per_address_;
    FailedLogins failed_logins_;
    uint64_t credential_checks_run_ = 0;
    std::unique_ptr<http::HttpServer> http_;  // the HTTP/JSON read API (docs/http.md), when configured
};

}  // namespace ehb::net
