// TLS for ehbd's two ports and for the clients (docs/operations.md "TLS"):
// contexts built once from PEM files, with errors naming the file; the
// certificate checks a client makes of the server; the common name that
// binds a client certificate to a principal (mutual TLS).
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

using SSL = struct ssl_st;

namespace ehb::net {

// A TLS failure: a certificate that does not verify, a refused handshake, an
// alert. Retrying the same connection will not help, unlike a network error.
class TlsError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// ehbd's context: TLS 1.2 at least, OpenSSL's default ciphers, no
// renegotiation. With `client_ca`, a client certificate signed by it is
// required. Throws std::runtime_error naming the unreadable or mismatched file.
std::unique_ptr<boost::asio::ssl::context> server_context(const std::string& cert, const std::string& key,
                                                          const std::string& client_ca);

// What a client trusts and shows: built once, shared by its connections.
struct TlsClientFiles {
    std::string ca;         // the server's certificate must verify against it; empty: the system's store
    std::string cert, key;  // a client certificate for mutual TLS, or both empty
};
class TlsClient {
public:
    explicit TlsClient(const TlsClientFiles& files);  // throws std::runtime_error naming the file
    boost::asio::ssl::context& context() { return context_; }

private:
    boost::asio::ssl::context context_;
};

// Before a client's handshake: the server's certificate must name `host` (a
// DNS name in its SAN or CN, or an IP address in its SAN); sends SNI for names.
void expect_host(SSL* ssl, const std::string& host);

// The subject CN of the peer's verified certificate, empty without one.
std::string peer_common_name(SSL* ssl);

// The OpenSSL errors queued on this thread, as one line (and clears them).
std::string openssl_errors();

// 127.0.0.0/8, ::1 or "localhost": where ehbd may speak plaintext.
bool is_loopback_host(std::string_view host);

}  // namespace ehb::net
