#include "tools/ehb/client_flags.hpp"

#include <cstdlib>
#include <string_view>

#include "net/tls.hpp"

namespace ehb::cli {

namespace {

std::string or_env(const std::string& value, const char* name) {
    const char* v = std::getenv(name);
    return !value.empty() || v == nullptr ? value : v;
}

}  // namespace

bool ClientFlags::parse(int argc, char** argv, int& i) {
    std::string_view flag = argv[i];
    std::string* target = flag == "--server"            ? &server
                          : flag == "--principal"       ? &principal
                          : flag == "--credential-file" ? &credential_file
                          : flag == "--tls-ca"          ? &tls_ca
                          : flag == "--tls-cert"        ? &tls_cert
                          : flag == "--tls-key"         ? &tls_key
                                                        : nullptr;
    if (target == nullptr || i + 1 >= argc) return false;
    *target = argv[++i];
    server_given = server_given || target == &server;
    return true;
}

net::Endpoint ClientFlags::endpoint() const { return endpoint(server); }

net::Endpoint ClientFlags::endpoint(std::string_view host_port) const {
    net::Endpoint e = net::Endpoint::parse(host_port);
    if (!tls_) {
        net::TlsClientFiles files{or_env(tls_ca, "EHB_TLS_CA"), or_env(tls_cert, "EHB_TLS_CERT"),
                                  or_env(tls_key, "EHB_TLS_KEY")};
        if (!files.ca.empty() || !files.cert.empty() || !files.key.empty()) {
            tls_ = std::make_shared<net::TlsClient>(files);
        }
    }
    e.tls = tls_;
    return e;
}

net::Credentials ClientFlags::credentials() const { return net::resolve_credentials(principal, credential_file); }

}  // namespace ehb::cli
