#include "net/http/http_session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "engine/ingest.hpp"
#include "net/http/auth.hpp"
#include "net/http/http_server.hpp"
#include "net/log.hpp"

namespace ehb::net::http {

using asio::use_awaitable;
using asio::ip::tcp;

HttpSession::HttpSession(HttpServer& owner, Server& server, tcp::socket socket)
    : owner_(owner), server_(server), stream_(beast::tcp_stream(std::move(socket)), server.tls()), wake_(server.io()) {
    boost::system::error_code ec;
    auto remote = stream_.socket().remote_endpoint(ec);
    peer_ = ec ? "?" : remote.address().to_string() + ":" + std::to_string(remote.port());
    if (!ec) address_ = remote.address();
    stream_.socket().set_option(tcp::no_delay(true), ec);
}

void HttpSession::start() { asio::co_spawn(server_.io(), serve(shared_from_this()), asio::detached); }
void HttpSession::refuse() { asio::co_spawn(server_.io(), refusal(shared_from_this()), asio::detached); }

void HttpSession::drain() {
    connection_.draining = true;
    wake_.cancel();
    if (phase_ == Phase::waiting) stream_.next_layer().cancel();  // between requests: nothing is lost
}

void HttpSession::revoked() {
    connection_.revoked = true;
    wake_.cancel();
}

asio::awaitable<void> HttpSession::serve(std::shared_ptr<HttpSession> self) {
    try {
        co_await self->requests();
    } catch (const std::exception& e) {
        log(LogLevel::debug, "http %s: %s", self->peer_.c_str(), e.what());
    }
    boost::system::error_code ec;
    self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    self->stream_.next_layer().close();
    self->owner_.closed(self.get());
}

asio::awaitable<void> HttpSession::refusal(std::shared_ptr<HttpSession> self) {
    log(LogLevel::warn, "http %s: refused: the server holds its maximum of HTTP connections", self->peer_.c_str());
    Response r = error(bhttp::status::service_unavailable, "BUSY",
                       "the server holds its maximum number of connections; try again later");
    r.fields.emplace_back("Retry-After", "1");
    try {
        if (co_await self->secure()) co_await self->send(std::move(r), nullptr);
    } catch (const std::exception&) {
        // The client left first.
    }
    self->stream_.next_layer().close();
}

asio::awaitable<bool> HttpSession::secure() {
    if (!stream_.tls()) co_return true;
    stream_.next_layer().expires_after(server_.config().handshake_timeout);
    boost::system::error_code ec;
    co_await stream_.async_handshake(asio::redirect_error(use_awaitable, ec));
    if (ec) {
        log(LogLevel::info, "http %s: TLS handshake failed: %s", peer_.c_str(),
            ec == beast::error::timeout ? "not completed in time" : ec.message().c_str());
        co_return false;
    }
    certificate_cn_ = stream_.peer_common_name();
    co_return true;
}

asio::awaitable<void> HttpSession::requests() {
    if (!co_await secure()) co_return;
    beast::flat_buffer buffer;
    bool first = true;
    while (!connection_.draining) {
        boost::system::error_code ec;
        phase_ = Phase::waiting;
        if (buffer.size() == 0) {
            stream_.next_layer().expires_after(first ? server_.config().http_request_timeout : Limits::idle_timeout);
            const std::size_t n =
                co_await stream_.async_read_some(buffer.prepare(4096), asio::redirect_error(use_awaitable, ec));
            if (ec) co_return;  // the client closed, idled too long, or the server is stopping
            buffer.commit(n);
        }
        first = false;
        phase_ = Phase::reading;
        stream_.next_layer().expires_after(server_.config().http_request_timeout);  // however it trickles in
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(Limits::header_bytes);
        parser.body_limit(Limits::body_bytes);
        co_await bhttp::async_read(stream_, buffer, parser, asio::redirect_error(use_awaitable, ec));
        if (ec == beast::error::timeout) log(LogLevel::info, "http %s: no complete request in time", peer_.c_str());
        if (ec == beast::error::timeout || ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
            ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
            co_return;
        }
        if (ec) {
            // Named, not a temporary in the co_await expression (g++ 12 may destroy those twice).
            Response refusal = ec == bhttp::error::header_limit
                                   ? error(bhttp::status::request_header_fields_too_large, "HEADERS_TOO_LARGE",
                                           "the request's head is over 16 KiB")
                               : ec == bhttp::error::body_limit
                                   ? error(bhttp::status::payload_too_large, "PAYLOAD_TOO_LARGE",
                                           "the request's body is over 64 KiB")
                                   : error(bhttp::status::bad_request, "BAD_REQUEST",
                                           std::string("malformed HTTP request: ") + ec.message());
            co_await send(std::move(refusal), nullptr);
            co_return;
        }
        phase_ = Phase::answering;
        stream_.next_layer().expires_never();
        if (!co_await answer(parser.get())) co_return;
    }
}

asio::awaitable<bool> HttpSession::answer(const Request& request) {
    Exchange x{server_, request, connection_, peer_, {}, {}, {}, {}, {}, false};
    exchange_ = &x;
    struct Forget {
        const Exchange*& exchange;
        ~Forget() { exchange = nullptr; }
    } forget{exchange_};
    co_await route(x);
    if (x.streamed) co_return false;
    co_return co_await send(std::move(x.response), &request);
}

asio::awaitable<void> HttpSession::route(Exchange& x) {
    const std::string_view target(x.request.target().data(), x.request.target().size());
    const std::size_t question = target.find('?');
    Router::Match m = owner_.router().match(x.request.method(), target.substr(0, question));
    std::string bad;
    if (m.bad_path) {
        x.response = error(bhttp::status::bad_request, "BAD_REQUEST", "malformed %-escape in the path");
        co_return;
    }
    if (!m.route) {
        if (m.allow.empty()) {
            x.response = error(bhttp::status::not_found, "NOT_FOUND", "no such resource");
        } else {
            x.response = error(bhttp::status::method_not_allowed, "METHOD_NOT_ALLOWED",
                               std::string("this resource answers ").append(m.allow));
            x.response.fields.emplace_back("Allow", m.allow);
        }
        co_return;
    }
    if (question != std::string_view::npos && !x.query.parse(target.substr(question + 1), bad)) {
        x.response = bad_parameter(bad, "malformed %-escape or empty name");
        co_return;
    }
    x.path_params = std::move(m.params);
    const Router::Route& route = *m.route;
    if (route.access != Access::open) {
        const Authorization a = parse_authorization(x.header(bhttp::field::authorization));
        if (a.scheme == Authorization::none) {
            x.response = unauthorized("credentials required: Authorization: Basic or Bearer");
            co_return;
        }
        if (a.scheme == Authorization::malformed) {
            x.response = unauthorized("malformed Authorization: Basic base64(name:credential) or Bearer TOKEN");
            co_return;
        }
        // Beyond its logins for the minute, an address is refused before the check (docs/operations.md "Abuse").
        if (const unsigned wait = server_.failed_logins().attempt(address_, Clock::now())) {
            log(LogLevel::warn, "http %s: login refused unchecked: too many failed from this address", peer_.c_str());
            x.response = error(bhttp::status::too_many_requests, "TOO_MANY_LOGINS",
                               "too many failed logins from this address; try again later");
            x.response.fields.emplace_back("Retry-After", std::to_string(wait));
            co_return;
        }
        if (a.scheme == Authorization::basic) server_.credential_check_started();
        // A credential's slow hash on the server's thread for them; a token (a store read) on the reader pool.
        x.principal = co_await asio::co_spawn(
            a.scheme == Authorization::basic ? server_.credential_checks() : server_.readers(),
            call([&] { return check(server_.store(), a, now_us()); }), asio::use_awaitable);
        server_.failed_logins().finished(address_, x.principal.has_value());
        if (!x.principal) {
            log(LogLevel::warn, "http %s: authentication failed%s%s", peer_.c_str(),
                a.scheme == Authorization::basic ? " for principal " : " (bearer token)", a.name.c_str());
            x.response = unauthorized("unknown principal, wrong credential, unknown, expired or revoked token, "
                                      "or revoked principal");
            co_return;
        }
        // Mutual TLS binds the connection to the principal its certificate names (two factors).
        if (!server_.config().tls_client_ca.empty() && x.principal->name != certificate_cn_) {
            log(LogLevel::warn, "http %s: principal %s is not the client certificate's CN %s", peer_.c_str(),
                x.principal->name.c_str(), certificate_cn_.c_str());
            x.response = error(bhttp::status::forbidden, "CERTIFICATE_MISMATCH",
                               "the client certificate is for '" + certificate_cn_ + "', not for principal '" +
                                   x.principal->name + "'");
            co_return;
        }
        if (!allows(route.access, x.principal->role)) {
            x.response = error(bhttp::status::forbidden, "FORBIDDEN",
                               std::string("a ").append(role_name(x.principal->role)).append(" may not read this"));
            co_return;
        }
        if (a.scheme == Authorization::bearer) x.bearer = a.secret;
    }
    try {
        co_await route.handler(x);
    } catch (const std::exception& e) {
        const std::string method(bhttp::to_string(x.request.method()));
        log(LogLevel::error, "http %s: %s %s: %s", peer_.c_str(), method.c_str(), std::string(target).c_str(), e.what());
        if (x.streamed) co_return;
        x.response = error(bhttp::status::internal_server_error, "INTERNAL", "the server could not answer");
    }
}

asio::awaitable<bool> HttpSession::send(Response r, const Request* request) {
    if (request && request->method() == bhttp::verb::get && r.status == bhttp::status::ok) {
        const auto inm = request->find(bhttp::field::if_none_match), ae = request->find(bhttp::field::accept_encoding);
        const std::string if_none_match = inm == request->end() ? std::string() : std::string(inm->value());
        const std::string accept_encoding = ae == request->end() ? std::string() : std::string(ae->value());
        // Hashing and compressing a large body is work for the pool, not for the I/O thread.
        if (r.body.size() > kCompressAbove) {
            co_await on_readers(server_, [&] { finish(r, if_none_match, accept_encoding); });
        } else {
            finish(r, if_none_match, accept_encoding);
        }
    }
    const bool keep_alive = request && request->keep_alive() && !connection_.draining && !r.close;
    bhttp::response<bhttp::string_body> res{r.status, request ? request->version() : 11};
    res.set(bhttp::field::server, "ehbd");
    if (r.status != bhttp::status::not_modified && r.status != bhttp::status::no_content) {
        res.set(bhttp::field::content_type, r.content_type);
    }
    res.set(bhttp::field::cache_control, "no-store");  // every answer is personal data, or about a principal
    if (!r.etag.empty()) {
        res.set(bhttp::field::etag, r.etag);
        res.set(bhttp::field::vary, "Accept-Encoding");
    }
    if (r.gzipped) res.set(bhttp::field::content_encoding, "gzip");
    for (const auto& [name, value] : r.fields) res.insert(name, value);
    res.body() = std::move(r.body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    boost::system::error_code ec;
    stream_.next_layer().expires_after(Limits::write_timeout);
    co_await bhttp::async_write(stream_, res, asio::redirect_error(use_awaitable, ec));
    co_return !ec && keep_alive;
}

}  // namespace ehb::net::http
