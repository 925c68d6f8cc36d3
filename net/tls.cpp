#include "net/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

#include <fstream>

namespace ehb::net {

namespace asio = boost::asio;
namespace ssl = asio::ssl;

namespace {

// Readable before OpenSSL tries: "cannot read" is clearer than a PEM error.
void require_readable(const std::string& file, const char* what) {
    if (!std::ifstream(file)) throw std::runtime_error(std::string("cannot read the ") + what + " " + file);
}

[[noreturn]] void fail(const char* what, const std::string& file, const boost::system::error_code& ec) {
    std::string why = openssl_errors();
    throw std::runtime_error(std::string("cannot load the ") + what + " " + file + ": " +
                             (why.empty() ? ec.message() : why));
}

void harden(ssl::context& c) {
    c.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(c.native_handle(), TLS1_2_VERSION);
    SSL_CTX_set_options(c.native_handle(), SSL_OP_NO_RENEGOTIATION);
}

void load_identity(ssl::context& c, const std::string& cert, const std::string& key) {
    require_readable(cert, "TLS certificate");
    require_readable(key, "TLS key");
    boost::system::error_code ec;
    if (c.use_certificate_chain_file(cert, ec)) fail("TLS certificate", cert, ec);
    c.use_private_key_file(key, ssl::context::pem, ec);
    const bool mismatch = ec ? ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH
                             : SSL_CTX_check_private_key(c.native_handle()) != 1;
    if (mismatch) {
        openssl_errors();
        throw std::runtime_error("the TLS key " + key + " does not match the certificate " + cert);
    }
    if (ec) fail("TLS key", key, ec);
}

void load_ca(ssl::context& c, const std::string& ca, const char* what) {
    require_readable(ca, what);
    boost::system::error_code ec;
    if (c.load_verify_file(ca, ec)) fail(what, ca, ec);
}

}  // namespace

std::unique_ptr<ssl::context> server_context(const std::string& cert, const std::string& key,
                                             const std::string& client_ca) {
    auto c = std::make_unique<ssl::context>(ssl::context::tls_server);
    harden(*c);
    load_identity(*c, cert, key);
    if (!client_ca.empty()) {
        load_ca(*c, client_ca, "TLS client CA");
        // The CA's name in the CertificateRequest lets a client pick the right certificate.
        SSL_CTX_set_client_CA_list(c->native_handle(), SSL_load_client_CA_file(client_ca.c_str()));
        c->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    }
    return c;
}

TlsClient::TlsClient(const TlsClientFiles& files) : context_(ssl::context::tls_client) {
    harden(context_);
    // ehbd ends a connection without close_notify; frames and HTTP messages delimit themselves.
    SSL_CTX_set_options(context_.native_handle(), SSL_OP_IGNORE_UNEXPECTED_EOF);
    if (files.ca.empty()) {
        context_.set_default_verify_paths();
    } else {
        load_ca(context_, files.ca, "TLS CA");
    }
    context_.set_verify_mode(ssl::verify_peer);
    if (files.cert.empty() != files.key.empty()) {
        throw std::runtime_error("a client certificate needs both --tls-cert and --tls-key");
    }
    if (!files.cert.empty()) load_identity(context_, files.cert, files.key);
}

void expect_host(SSL* ssl, const std::string& host) {
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    if (!ec) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
    } else {
        SSL_set_tlsext_host_name(ssl, host.c_str());
        SSL_set1_host(ssl, host.c_str());
    }
}

std::string peer_common_name(SSL* ssl) {
    X509* cert = SSL_get0_peer_certificate(ssl);
    if (cert == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return {};
    X509_NAME* subject = X509_get_subject_name(cert);
    int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (i < 0) return {};
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, data);
    if (n < 0) return {};
    std::string cn(reinterpret_cast<char*>(utf8), std::size_t(n));
    OPENSSL_free(utf8);
    return cn;
}

std::string openssl_errors() {
    std::string out;
    while (unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        if (!out.empty()) out += "; ";
        out += buf;
    }
    return out;
}

bool is_loopback_host(std::string_view host) {
    if (host == "localhost") return true;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    boost::system::error_code ec;
    auto address = asio::ip::make_address(std::string(host), ec);
    return !ec && address.is_loopback();
}

}  // namespace ehb::net
