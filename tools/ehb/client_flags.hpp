// The flags of every command that talks to ehbd: --server, --principal,
// --credential-file (or EHB_PRINCIPAL and EHB_CREDENTIAL), --tls-ca,
// --tls-cert, --tls-key (or EHB_TLS_CA, EHB_TLS_CERT, EHB_TLS_KEY); numeric flag values.
#pragma once

#include <charconv>
#include <memory>
#include <string>
#include <string_view>

#include "net/client.hpp"

namespace ehb::cli {

inline constexpr const char* kClientFlagsUsage =
    "  --server HOST:PORT       ehbd's address (default 127.0.0.1:7600)\n"
    "  --principal NAME         who to authenticate as (default: $EHB_PRINCIPAL)\n"
    "  --credential-file FILE   the principal's credential (default: $EHB_CREDENTIAL, the credential itself)\n"
    "  --tls-ca FILE            TLS: trust server certificates signed by this CA (PEM; default: $EHB_TLS_CA);\n"
    "                           the certificate must name the --server host\n"
    "  --tls-cert FILE          TLS: the client certificate, when ehbd requires one (default: $EHB_TLS_CERT)\n"
    "  --tls-key FILE           TLS: its private key (default: $EHB_TLS_KEY)\n";

// A flag's decimal value, at least `min`; false when it is not one.
template <class T>
bool parse_number(std::string_view s, T& out, T min) {
    T v{};
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < min) return false;
    out = v;
    return true;
}

struct ClientFlags {
    std::string server = "127.0.0.1:7600";
    std::string principal, credential_file;
    std::string tls_ca, tls_cert, tls_key;
    bool server_given = false;

    // Takes argv[i] and its value when it is one of the flags above.
    bool parse(int argc, char** argv, int& i);
    // Throw std::invalid_argument for a bad address or missing credentials
    // (usage errors), std::runtime_error for an unreadable credential or TLS file.
    // TLS when one of the TLS flags (or their variables) is set.
    net::Endpoint endpoint() const;
    net::Endpoint endpoint(std::string_view host_port) const;  // another address of the same server (--http)
    net::Credentials credentials() const;

private:
    mutable std::shared_ptr<net::TlsClient> tls_;  // built once, shared by the connections
};

}  // namespace ehb::cli
