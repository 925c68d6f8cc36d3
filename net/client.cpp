#include "net/client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

#include "net/tls.hpp"

namespace ehb::net {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr std::string_view kSpace = " \t\r\n\v\f";

std::string trim_right(std::string s) {
    s.erase(std::min(s.size(), s.find_last_not_of(kSpace) + 1));
    return s;
}

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

[[noreturn]] void broken(const std::string& what) { throw std::runtime_error("ehbd: " + what); }

template <class Message>
Message decoded(std::string_view payload, std::string_view name) {
    Message m;
    if (!wire::decode(payload, m)) broken("malformed " + std::string(name));
    return m;
}

}  // namespace

Endpoint Endpoint::parse(std::string_view host_port) {
    auto fail = [&](std::string_view why) {
        throw std::invalid_argument("endpoint '" + std::string(host_port) + "': " + std::string(why));
    };
    std::string_view host, port;
    if (host_port.starts_with('[')) {
        std::size_t close = host_port.find(']');
        if (close == std::string_view::npos || host_port.substr(close + 1, 1) != ":") fail("expected [ADDRESS]:PORT");
        host = host_port.substr(1, close - 1);
        port = host_port.substr(close + 2);
    } else {
        std::size_t colon = host_port.rfind(':');
        if (colon == std::string_view::npos) fail("expected HOST:PORT");
        host = host_port.substr(0, colon);
        port = host_port.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) fail("write an IPv6 address in brackets: [ADDRESS]:PORT");
    }
    if (host.empty()) fail("the host is empty");
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
        fail("the port must be a number from 1 to 65535");
    }
    return Endpoint{std::string(host), static_cast<uint16_t>(value)};
}

Credentials resolve_credentials(std::string_view principal, const std::string& credential_file) {
    Credentials c;
    c.principal = principal.empty() ? env("EHB_PRINCIPAL") : std::string(principal);
    if (c.principal.empty()) throw std::invalid_argument("no principal: pass --principal NAME or set EHB_PRINCIPAL");
    if (credential_file.empty()) {
        c.credential = trim_right(env("EHB_CREDENTIAL"));
        if (c.credential.empty()) {
            throw std::invalid_argument("no credential: pass --credential-file FILE or set EHB_CREDENTIAL");
        }
        return c;
    }
    std::ifstream in(credential_file, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot open the credential file " + credential_file + ": " + std::strerror(errno));
    }
    c.credential.assign(std::istreambuf_iterator<char>(in), {});
    c.credential = trim_right(std::move(c.credential));
    if (c.credential.empty()) throw std::invalid_argument("the credential file " + credential_file + " is empty");
    return c;
}

ProtocolError::ProtocolError(wire::ErrorCode code, uint32_t request_id, std::string_view message)
    : std::runtime_error("ehbd: " + std::string(wire::error_name(code)) +
                         (message.empty() ? "" : ": " + std::string(message))),
      code_(code),
      request_id_(request_id) {}

// The connection: a non-blocking socket whose every wait is a poll() bounded by
// the timeout (Asio's blocking calls cannot time out, and they would wait on
// past SO_RCVTIMEO), OpenSSL on it for TLS, and a read buffer.
struct Client::Socket {
    asio::io_context io;
    tcp::socket socket{io};
    std::shared_ptr<TlsClient> tls;
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl{nullptr, SSL_free};
    std::chrono::milliseconds timeout;
    std::string buffer = std::string(64 << 10, '\0');
    std::size_t begin = 0, end = 0;  // the buffered bytes not read yet

    Socket(const Endpoint& endpoint, const ClientOptions& options) : tls(endpoint.tls), timeout(options.timeout) {
        std::string where = endpoint.host + ":" + std::to_string(endpoint.port);
        boost::system::error_code ec;
        auto addresses = tcp::resolver(io).resolve(endpoint.host, std::to_string(endpoint.port), ec);
        if (ec) throw std::system_error(ec, "resolving " + endpoint.host);
        std::optional<boost::system::error_code> result;
        asio::async_connect(socket, addresses, [&](const boost::system::error_code& e, const tcp::endpoint&) {
            result = e;
        });
        if (options.connect_timeout.count() > 0) {
            io.run_for(options.connect_timeout);
        } else {
            io.run();
        }
        if (!result) {
            socket.close();
            io.run();  // the aborted handler
            throw std::system_error(std::make_error_code(std::errc::timed_out), "connecting to " + where);
        }
        if (*result) throw std::system_error(*result, "connecting to " + where);
        socket.set_option(tcp::no_delay(true));
        socket.non_blocking(true);
        if (tls) handshake(endpoint.host, where);
    }

    void handshake(const std::string& host, const std::string& where) {
        ssl.reset(SSL_new(tls->context().native_handle()));
        if (!ssl || SSL_set_fd(ssl.get(), socket.native_handle()) != 1) throw TlsError("TLS: " + openssl_errors());
        SSL_set_mode(ssl.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        expect_host(ssl.get(), host);
        for (;;) {
            ERR_clear_error();
            errno = 0;
            int rc = SSL_connect(ssl.get());
            if (rc == 1) return;
            if (long v = SSL_get_verify_result(ssl.get()); v != X509_V_OK) {
                throw TlsError("TLS handshake with " + where + ": the server's certificate does not verify: " +
                               X509_verify_cert_error_string(v));
            }
            settle(rc, "TLS handshake with " + where);
        }
    }

    // After an SSL call returned rc <= 0: waits for what it wants, or throws.
    void settle(int rc, const std::string& what) {
        int saved = errno;
        switch (SSL_get_error(ssl.get(), rc)) {
            case SSL_ERROR_WANT_READ: return wait(POLLIN);
            case SSL_ERROR_WANT_WRITE: return wait(POLLOUT);
            case SSL_ERROR_SYSCALL:
                if (ERR_peek_error() == 0) {
                    if (saved == 0) saved = ECONNRESET;  // the peer left in the middle of the handshake
                    throw std::system_error(saved, std::generic_category(), what);
                }
                [[fallthrough]];
            default: throw TlsError(what + ": " + openssl_errors());
        }
    }

    // Throws when the socket is not ready for `events` within the timeout.
    void wait(short events) {
        pollfd p{socket.native_handle(), events, 0};
        int ms = timeout.count() > 0 ? static_cast<int>(std::min<int64_t>(timeout.count(), INT_MAX)) : -1;
        for (;;) {
            int rc = ::poll(&p, 1, ms);
            if (rc > 0) return;  // also on an error or hang-up, which the next call reports
            if (rc == 0) throw std::system_error(std::make_error_code(std::errc::timed_out), "waiting for ehbd");
            if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "poll");
        }
    }

    // Some bytes, or 0 at EOF.
    std::size_t read_some(char* p, std::size_t n) {
        while (ssl) {
            ERR_clear_error();
            errno = 0;
            int k = SSL_read(ssl.get(), p, static_cast<int>(std::min<std::size_t>(n, INT_MAX)));
            if (k > 0) return std::size_t(k);
            if (SSL_get_error(ssl.get(), k) == SSL_ERROR_ZERO_RETURN) return 0;
            settle(k, "reading from ehbd");
        }
        for (;;) {
            boost::system::error_code ec;
            std::size_t k = socket.read_some(asio::buffer(p, n), ec);
            if (!ec) return k;
            if (ec == asio::error::eof) return 0;
            if (ec != asio::error::would_block && ec != asio::error::try_again) {
                throw std::system_error(ec, "reading from ehbd");
            }
            wait(POLLIN);
        }
    }

    // Fills dst with n bytes. False at EOF before the first byte when `eof_ok`.
    bool read(char* dst, std::size_t n, bool eof_ok) {
        std::size_t got = 0;
        while (got < n) {
            if (begin == end) {
                std::size_t k;
                if (n - got >= buffer.size()) {  // a large payload goes straight to its place
                    k = read_some(dst + got, n - got);
                    got += k;
                } else {
                    k = read_some(buffer.data(), buffer.size());
                    begin = 0;
                    end = k;
                }
                if (k == 0) {
                    if (got == 0 && eof_ok) return false;
                    broken("the connection closed in the middle of a frame");
                }
                continue;
            }
            std::size_t take = std::min(n - got, end - begin);
            std::memcpy(dst + got, buffer.data() + begin, take);
            begin += take;
            got += take;
        }
        return true;
    }

    void write(std::string_view bytes) {
        while (ssl && !bytes.empty()) {
            ERR_clear_error();
            errno = 0;
            int k = SSL_write(ssl.get(), bytes.data(), static_cast<int>(std::min<std::size_t>(bytes.size(), INT_MAX)));
            if (k > 0) {
                bytes.remove_prefix(std::size_t(k));
            } else {
                settle(k, "writing to ehbd");
            }
        }
        while (!bytes.empty()) {
            boost::system::error_code ec;
            std::size_t k = socket.write_some(asio::buffer(bytes.data(), bytes.size()), ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again) {
                wait(POLLOUT);
            } else if (ec) {
                throw std::system_error(ec, "writing to ehbd");
            }
            bytes.remove_prefix(k);
        }
    }
};

Client::Client(const Endpoint& endpoint, const ClientOptions& options)
    : socket_(std::make_unique<Socket>(endpoint, options)), client_name_(options.client_name) {}

Client::Client(const Endpoint& endpoint, const Credentials& credentials, ClientOptions options)
    : Client(endpoint, options) {
    hello();
    authenticate(credentials);
}

Client Client::connect_only(const Endpoint& endpoint, ClientOptions options) { return Client(endpoint, options); }

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

void Client::set_timeout(std::chrono::milliseconds timeout) { socket_->timeout = timeout; }

const wire::HelloOk& Client::hello() {
    begin_frame();
    wire::encode(out_, wire::Hello{wire::kProtocolVersion, wire::kProtocolVersion, client_name_});
    expect(finish_frame(wire::Type::hello, new_id()), wire::Type::hello_ok);
    auto ok = decoded<wire::HelloOk>(payload_, "HELLO_OK");
    if (ok.version != wire::kProtocolVersion) broken("HELLO_OK chose version " + std::to_string(ok.version));
    limits_ = std::move(ok);
    return limits_;
}

const wire::AuthOk& Client::authenticate(const Credentials& credentials) {
    begin_frame();
    wire::encode(out_, wire::Auth{credentials.principal, credentials.credential});
    expect(finish_frame(wire::Type::auth, new_id()), wire::Type::auth_ok);
    identity_ = decoded<wire::AuthOk>(payload_, "AUTH_OK");
    return identity_;
}

uint32_t Client::send_push(uint32_t stream, uint64_t batch_seq, std::span<const std::string_view> documents,
                           std::span<const wire::DocumentSignature> signatures) {
    if (documents.empty() || documents.size() > limits_.max_records) {
        throw std::invalid_argument("a batch holds 1 to " + std::to_string(limits_.max_records) + " documents, not " +
                                    std::to_string(documents.size()));
    }
    begin_frame();
    wire::encode_push(out_, stream, batch_seq, documents, signatures);
    if (std::size_t size = out_.size() - wire::kHeaderSize; size > limits_.max_frame) {
        throw std::invalid_argument("a batch of " + std::to_string(size) + " bytes is over the server's max_frame (" +
                                    std::to_string(limits_.max_frame) + ")");
    }
    return finish_frame(wire::Type::push, new_id());
}

uint32_t Client::send_get_book(std::string_view id, bool history, bool fhir, std::string_view purpose) {
    begin_frame();
    wire::encode(out_, wire::GetBook{history, std::string(id), fhir, std::string(purpose)});
    return finish_frame(wire::Type::get_book, new_id());
}

uint32_t Client::send_ping(std::string_view payload) {
    begin_frame();
    out_.append(payload);
    return finish_frame(wire::Type::ping, new_id());
}

void Client::send_bye() {
    begin_frame();
    finish_frame(wire::Type::bye, new_id());
}

Reply Client::receive() {
    Reply reply;
    reply.header = next_reply();
    switch (static_cast<wire::Type>(reply.header.type)) {
        case wire::Type::push_result: reply.body = decoded<wire::PushResult>(payload_, "PUSH_RESULT"); break;
        case wire::Type::book: reply.body = Book{payload_}; break;
        case wire::Type::pong: reply.body = Pong{payload_}; break;
        case wire::Type::error: reply.body = decoded<wire::Error>(payload_, "ERROR"); break;
        case wire::Type::bye: reply.body = Bye{}; break;
        default: broken("unexpected " + std::string(wire::type_name(reply.header.type)) + " frame");
    }
    return reply;
}

wire::PushResult Client::push(uint32_t stream, uint64_t batch_seq, std::span<const std::string_view> documents,
                              std::span<const wire::DocumentSignature> signatures) {
    expect(send_push(stream, batch_seq, documents, signatures), wire::Type::push_result);
    return decoded<wire::PushResult>(payload_, "PUSH_RESULT");
}

std::string Client::get_book(std::string_view id, bool history, bool fhir, std::string_view purpose) {
    expect(send_get_book(id, history, fhir, purpose), wire::Type::book);
    return payload_;
}

std::string Client::appointments(uint32_t from, uint32_t to, std::string_view province) {
    begin_frame();
    wire::encode(out_, wire::Appointments{from, to, std::string(province)});
    expect(finish_frame(wire::Type::appointments, new_id()), wire::Type::appointments_reply);
    return payload_;
}

std::string Client::stats() {
    begin_frame();
    expect(finish_frame(wire::Type::stats, new_id()), wire::Type::stats_reply);
    return payload_;
}

std::string Client::person_op(const wire::PersonOp& op) {
    begin_frame();
    wire::encode(out_, op);
    expect(finish_frame(wire::Type::person_op, new_id()), wire::Type::person_reply);
    return payload_;
}

uint32_t Client::subscribe(const wire::Subscribe& request) {
    begin_frame();
    wire::encode(out_, request);
    return finish_frame(wire::Type::subscribe, new_id());
}

std::optional<wire::Feed> Client::next_feed(uint32_t request_id) {
    wire::Header h;
    if (!next_answering_pings(h) || h.type == static_cast<uint8_t>(wire::Type::bye)) return std::nullopt;
    if (h.type == static_cast<uint8_t>(wire::Type::error)) {
        auto error = decoded<wire::Error>(payload_, "ERROR");
        throw ProtocolError(error.code, h.request_id, error.message);
    }
    if (h.type != static_cast<uint8_t>(wire::Type::feed) || h.request_id != request_id) {
        broken("expected FEED for request " + std::to_string(request_id) + ", got " +
               std::string(wire::type_name(h.type)) + " for request " + std::to_string(h.request_id));
    }
    return decoded<wire::Feed>(payload_, "FEED");
}

void Client::ack_feed(uint64_t next) {
    begin_frame();
    wire::encode(out_, wire::FeedAck{next});
    finish_frame(wire::Type::feed_ack, 0);
}

void Client::ping() {
    constexpr std::string_view kToken = "ehb";
    expect(send_ping(kToken), wire::Type::pong);
    if (payload_ != kToken) broken("PONG does not echo the PING");
}

void Client::bye() {
    send_bye();
    wire::Header h;
    while (next_frame(h) && h.type != static_cast<uint8_t>(wire::Type::bye)) {
    }
    socket_->socket.close();
}

void Client::send_raw(std::string_view bytes) { socket_->write(bytes); }

std::optional<std::pair<wire::Header, std::string>> Client::read_frame() {
    wire::Header h;
    if (!next_frame(h)) return std::nullopt;
    return std::pair{h, payload_};
}

void Client::begin_frame() { out_.assign(wire::kHeaderSize, '\0'); }

uint32_t Client::new_id() {
    uint32_t id = next_id_;
    next_id_ = next_id_ == UINT32_MAX ? 1 : next_id_ + 1;  // 0 is the id of the server's unprompted frames
    return id;
}

uint32_t Client::finish_frame(wire::Type type, uint32_t request_id) {
    auto payload = std::string_view(out_).substr(wire::kHeaderSize);
    wire::encode_header(wire::header_for(type, request_id, payload), reinterpret_cast<uint8_t*>(out_.data()));
    socket_->write(out_);
    return request_id;
}

bool Client::next_frame(wire::Header& h) {
    uint8_t raw[wire::kHeaderSize];
    if (!socket_->read(reinterpret_cast<char*>(raw), sizeof raw, true)) return false;
    if (!wire::decode_header(raw, h) || h.version != wire::kFrameVersion) broken("bad frame magic or version");
    if (h.length > wire::kMaxFrame) broken("a frame of " + std::to_string(h.length) + " bytes is over 16 MiB");
    payload_.resize(h.length);
    socket_->read(payload_.data(), h.length, false);
    if (wire::checksum(payload_) != h.checksum) {
        broken("bad checksum on a " + std::string(wire::type_name(h.type)) + " frame");
    }
    return true;
}

bool Client::next_answering_pings(wire::Header& h) {
    for (;;) {
        if (!next_frame(h)) return false;
        if (h.type != static_cast<uint8_t>(wire::Type::ping)) return true;
        begin_frame();
        out_.append(payload_);
        finish_frame(wire::Type::pong, h.request_id);
    }
}

wire::Header Client::next_reply() {
    wire::Header h;
    if (!next_answering_pings(h)) broken("the connection closed");
    return h;
}

wire::Header Client::expect(uint32_t request_id, wire::Type expected) {
    wire::Header h = next_reply();
    std::string_view type = wire::type_name(h.type);
    if (h.type == static_cast<uint8_t>(wire::Type::error) && (h.request_id == request_id || h.request_id == 0)) {
        auto error = decoded<wire::Error>(payload_, "ERROR");
        throw ProtocolError(error.code, h.request_id, error.message);
    }
    if (h.type != static_cast<uint8_t>(expected) || h.request_id != request_id) {
        broken("expected " + std::string(wire::type_name(static_cast<uint8_t>(expected))) + " for request " +
               std::to_string(request_id) + ", got " + std::string(type) + " for request " +
               std::to_string(h.request_id));
    }
    return h;
}

}  // namespace ehb::net
