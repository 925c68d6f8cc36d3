#include "net/server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include "net/http/http_server.hpp"
#include "net/log.hpp"
#include "net/session.hpp"
#include "net/tls.hpp"

namespace ehb::net {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

tcp::endpoint resolve(asio::io_context& io, const std::string& host_port) {
    auto colon = host_port.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == host_port.size()) {
        throw std::invalid_argument("--listen " + host_port + ": expected HOST:PORT");
    }
    std::string host = host_port.substr(0, colon), port = host_port.substr(colon + 1);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    boost::system::error_code ec;
    tcp::resolver resolver(io);
    auto results = resolver.resolve(host, port, tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) throw std::invalid_argument("--listen " + host_port + ": " + ec.message());
    return *results.begin();
}

// Plaintext only where nobody else can listen in (docs/operations.md "TLS").
void require_tls_or_loopback(const ServerConfig& c) {
    if (!c.tls_cert.empty()) return;
    for (const auto& [flag, where] : {std::pair{"--listen", &c.listen}, std::pair{"--http", &c.http}}) {
        if (where->empty() || is_loopback_host(where->substr(0, where->rfind(':')))) continue;
        throw std::runtime_error(std::string("refusing plaintext on ") + flag + " " + *where +
                                 ", which is not a loopback address: pass --tls-cert FILE --tls-key FILE "
                                 "(and --tls-client-ca FILE for client certificates), or listen on 127.0.0.1, "
                                 "::1 or localhost");
    }
}

}  // namespace

Server::Server(const ServerConfig& config)
    : config_(config),
      readers_(config.book_threads),
      budget_(config.memory_budget),
      acceptor_(io_),
      signals_(io_, SIGINT, SIGTERM),
      binary_per_address_(config.max_connections_per_address, "binary"),
      http_per_address_(config.max_connections_per_address, "HTTP"),
      failed_logins_(config.auth_failures_per_minute) {
    set_log_level(config.log_level);
    require_tls_or_loopback(config);
    if (!config.tls_cert.empty()) tls_ = server_context(config.tls_cert, config.tls_key, config.tls_client_ca);
    try {
        store_ = std::make_unique<Store>(config.data, config.store);
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot open the data directory " + config.data.string() + ": " + e.what());
    }
    if (store_->created_checkpoint_key())
        log(LogLevel::warn, "created %s/checkpoint.key to sign log checkpoints; production keeps the key outside "
            "the data directory (--checkpoint-key FILE)", config.data.c_str());
    PipelineOptions options;
    options.max_commit_records = config.commit_records;
    options.commit_delay = config.commit_delay;
    options.require_signatures = config.require_signatures;
    options.max_queued_records = SIZE_MAX;  // bounded by the budget instead, without blocking the I/O thread
    options.on_failure = [this](const std::exception& e) {
        asio::post(io_, [this, what = std::string(e.what())] { fail(what.c_str()); });
    };
    options.on_commit = [this](uint64_t feed_head) { feed_.committed(feed_head); };
    options.on_no_space = [](const std::exception& e) {
        log(LogLevel::error, "the disk is full (%s): a commit was refused and answered UNAVAILABLE; nothing "
            "acknowledged is lost, and ingest resumes when there is space", e.what());
    };
    feed_.start(store_->read([](const StoreReader& r) { return r.last_feed(); }));
    pipeline_ = std::make_unique<Pipeline>(*store_, options);
    tcp::endpoint endpoint = resolve(io_, config.listen);
    try {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(tcp::acceptor::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(asio::socket_base::max_listen_connections);
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("cannot listen on " + config.listen + ": " + e.code().message());
    }
    port_ = acceptor_.local_endpoint().port();
    if (!config.http.empty()) http_ = std::make_unique<http::HttpServer>(*this, [this] { maybe_finish(); });
}

Server::~Server() = default;

int Server::run() {
    signals_.async_wait([this](boost::system::error_code ec, int signal) {
        if (ec) return;
        log(LogLevel::info, "signal %d: stopping: no new connections, answering what was received", signal);
        begin_shutdown();
    });
    asio::co_spawn(io_, accept_loop(), asio::detached);
    asio::co_spawn(io_, watch_revocations(), asio::detached);
    log(LogLevel::info, "ehbd listening on %s (port %u%s), data directory %s", config_.listen.c_str(), port_,
        !tls_ ? ", plaintext" : config_.tls_client_ca.empty() ? ", TLS" : ", TLS with client certificates",
        config_.data.string().c_str());
    if (http_) http_->start();  // before the port file: once it exists, both ports listen
    if (!config_.port_file.empty()) write_port_file();
    io_.run();
    try {
        pipeline_->close();
    } catch (const std::exception& e) {
        log(LogLevel::error, "the writer failed: %s", e.what());
        return 1;
    }
    PipelineStats stats = pipeline_->stats();
    log(LogLevel::info, "stopped: %llu records in %llu batches, %llu commits", (unsigned long long)stats.records,
        (unsigned long long)stats.batches, (unsigned long long)stats.commits);
    return failed_ ? 1 : 0;
}

void Server::write_port_file() const {
    // Written whole, then renamed: a reader never sees half a number.
    std::filesystem::path tmp = config_.port_file;
    tmp += ".tmp";
    {
        std::ofstream out(tmp);
        out << port_ << '\n';
        if (!out.flush()) throw std::runtime_error("cannot write the port file " + tmp.string());
    }
    std::filesystem::rename(tmp, config_.port_file);
}

void Server::stop() {
    asio::post(io_, [this] { begin_shutdown(); });
}

asio::awaitable<void> Server::accept_loop() {
    while (!stopping_) {
        boost::system::error_code ec;
        tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping_) break;
        if (ec) {
            // Out of file descriptors, for example: wait rather than spin.
            log(LogLevel::warn, "accept: %s", ec.message().c_str());
            asio::steady_timer pause(io_, std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        auto session = std::make_shared<Session>(*this, std::move(socket));
        if (!binary_per_address_.admit(session->address())) continue;  // closed unanswered: the cheapest refusal
        if (sessions_.size() >= config_.max_connections) {
            binary_per_address_.release(session->address());
            session->refuse();
            continue;
        }
        sessions_.emplace(session.get(), session);
        session->start();
    }
}

namespace {

// Coroutine functions rather than capturing lambdas: g++ 12 destroys a
// coroutine lambda's captures twice when co_spawn moves it.
asio::awaitable<int64_t> read_last_revocation(const Store& store) {
    co_return store.read([](const StoreReader& r) { return last_revocation(r); });
}

asio::awaitable<std::set<std::string>> revoked_among(const Store& store, std::set<std::string> names) {
    std::set<std::string> revoked;
    store.read([&](const StoreReader& r) {
        for (const std::string& name : names) {
            if (!active_principal(r, name)) revoked.insert(name);
        }
        return 0;
    });
    co_return revoked;
}

}  // namespace

asio::awaitable<void> Server::watch_revocations() {
    asio::steady_timer tick(io_);
    int64_t seen = co_await asio::co_spawn(readers_, read_last_revocation(*store_), asio::use_awaitable);
    while (!stopping_) {
        tick.expires_after(std::chrono::seconds(1));
        boost::system::error_code ec;
        co_await tick.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping_) break;
        if (http_) co_await http_->end_revoked_streams();
        const int64_t last = co_await asio::co_spawn(readers_, read_last_revocation(*store_), asio::use_awaitable);
        if (last == seen) continue;
        seen = last;
        std::set<std::string> names;
        for (auto& [session, _] : sessions_) {
            if (const std::string* name = session->principal_name()) names.insert(*name);
        }
        std::set<std::string> revoked =
            co_await asio::co_spawn(readers_, revoked_among(*store_, std::move(names)), asio::use_awaitable);
        if (revoked.empty() || stopping_) continue;
        std::vector<std::shared_ptr<Session>> open;
        for (auto& [session, s] : sessions_) {
            const std::string* name = session->principal_name();
            if (name && revoked.count(*name)) open.push_back(s);
        }
        for (auto& s : open) s->revoked();
    }
}

std::shared_ptr<Budget::Account> Server::admit_principal(const std::string& name) {
    PrincipalConnections& p = per_principal_[name];
    if (p.open >= config_.max_connections_per_principal) return nullptr;
    ++p.open;
    return p.account;
}

void Server::release_principal(const std::string& name) {
    // Its account lives on with the sessions that still hold it.
    auto it = per_principal_.find(name);
    if (it != per_principal_.end() && --it->second.open == 0) per_principal_.erase(it);
}

void Server::closed(Session* session) {
    if (sessions_.erase(session)) binary_per_address_.release(session->address());  // refused ones never counted
    maybe_finish();
}

void Server::begin_shutdown() {
    if (stopping_) return;
    stopping_ = true;
    boost::system::error_code ec;
    acceptor_.close(ec);
    signals_.cancel(ec);
    budget_.cancel_all();
    if (http_) http_->shutdown();
    std::vector<std::shared_ptr<Session>> open;
    for (auto& [_, s] : sessions_) open.push_back(s);
    for (auto& s : open) s->drain();
    maybe_finish();
}

void Server::maybe_finish() {
    if (stopping_ && sessions_.empty() && (!http_ || http_->idle())) io_.stop();
}

void Server::fail(const char* what) {
    log(LogLevel::error, "a commit failed, nothing of it was acknowledged; stopping: %s", what);
    failed_ = true;
    // The writer is gone: nobody will answer the requests in flight, so no session can drain.
    stopping_ = true;
    boost::system::error_code ec;
    acceptor_.close(ec);
    io_.stop();
}

}  // namespace ehb::net
