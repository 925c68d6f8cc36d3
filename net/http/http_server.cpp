#include "net/http/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "engine/ingest.hpp"
#include "net/http/http_session.hpp"
#include "net/http/tokens.hpp"
#include "net/log.hpp"
#include "net/server.hpp"

namespace ehb::net::http {

using asio::ip::tcp;

HttpServer::HttpServer(Server& server, std::function<void()> on_idle)
    : server_(server), on_idle_(std::move(on_idle)), router_(api_routes()), acceptor_(server.io()) {
    const std::string& where = server.config().http;
    try {
        // HOST:PORT or [IPV6]:PORT; port 0 picks a free one.
        const std::size_t colon = where.rfind(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == where.size()) {
            throw std::invalid_argument("expected HOST:PORT");
        }
        std::string host = where.substr(0, colon);
        if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
        tcp::resolver resolver(server.io());
        const auto results =
            resolver.resolve(host, where.substr(colon + 1), tcp::resolver::passive | tcp::resolver::numeric_service);
        if (results.empty()) throw std::invalid_argument("no such address");
        const tcp::endpoint endpoint = *results.begin();
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(tcp::acceptor::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(asio::socket_base::max_listen_connections);
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot listen for HTTP on " + where + ": " + e.what());
    }
    port_ = acceptor_.local_endpoint().port();
}

HttpServer::~HttpServer() = default;

void HttpServer::start() {
    asio::co_spawn(server_.io(), accept_loop(this), asio::detached);
    log(LogLevel::info, "HTTP API on %s (port %u)", server_.config().http.c_str(), port_);
    if (!server_.config().http_port_file.empty()) write_port_file();
}

void HttpServer::write_port_file() const {
    // Written whole, then renamed: a reader never sees half a number.
    const std::filesystem::path& path = server_.config().http_port_file;
    std::filesystem::path tmp = path;
    tmp += ".tmp";
    {
        std::ofstream out(tmp);
        out << port_ << '\n';
        if (!out.flush()) throw std::runtime_error("cannot write the HTTP port file " + tmp.string());
    }
    std::filesystem::rename(tmp, path);
}

asio::awaitable<void> HttpServer::accept_loop(HttpServer* self) {
    while (!self->stopping_) {
        boost::system::error_code ec;
        tcp::socket socket = co_await self->acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (self->stopping_) break;
        if (ec) {
            // Out of file descriptors, for example: wait rather than spin.
            log(LogLevel::warn, "http accept: %s", ec.message().c_str());
            asio::steady_timer pause(self->server_.io(), std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        auto session = std::make_shared<HttpSession>(*self, self->server_, std::move(socket));
        if (!self->server_.http_per_address().admit(session->address())) continue;  // closed unanswered
        if (self->sessions_.size() >= self->server_.config().http_max_connections) {
            self->server_.http_per_address().release(session->address());
            session->refuse();
            continue;
        }
        self->sessions_.emplace(session.get(), session);
        session->start();
    }
}

void HttpServer::shutdown() {
    if (stopping_) return;
    stopping_ = true;
    boost::system::error_code ec;
    acceptor_.close(ec);
    std::vector<std::shared_ptr<HttpSession>> open;
    for (auto& [_, s] : sessions_) open.push_back(s);
    for (auto& s : open) s->drain();
}

namespace {

struct StreamOwner {
    std::string principal, bearer;  // bearer: empty for Basic
};

// Whether each stream's credentials still hold. A coroutine function rather
// than a capturing lambda (g++ 12 destroys those captures twice in co_spawn).
asio::awaitable<std::vector<bool>> still_hold(const Store& store, std::vector<StreamOwner> owners, int64_t now) {
    std::vector<bool> out;
    store.read([&](const StoreReader& r) {
        for (const StreamOwner& o : owners) {
            const auto p = o.bearer.empty() ? active_principal(r, o.principal) : token_principal(r, o.bearer, now);
            out.push_back(p && p->name == o.principal);
        }
        return 0;
    });
    co_return out;
}

}  // namespace

asio::awaitable<void> HttpServer::end_revoked_streams() {
    std::vector<std::shared_ptr<HttpSession>> streaming;
    std::vector<StreamOwner> owners;
    for (auto& [_, s] : sessions_) {
        const Exchange* x = s->stream();
        if (!x || !x->principal) continue;
        streaming.push_back(s);
        owners.push_back({x->principal->name, x->bearer});
    }
    if (streaming.empty()) co_return;
    const std::vector<bool> hold = co_await asio::co_spawn(
        server_.readers(), still_hold(server_.store(), std::move(owners), now_us()), asio::use_awaitable);
    for (std::size_t i = 0; i < streaming.size(); ++i) {
        if (!hold[i] && streaming[i]->stream()) streaming[i]->revoked();
    }
}

void HttpServer::closed(HttpSession* session) {
    if (sessions_.erase(session)) server_.http_per_address().release(session->address());
    if (stopping_ && sessions_.empty()) on_idle_();
}

}  // namespace ehb::net::http
