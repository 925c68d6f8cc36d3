#include "tools/ehb/client_flags.hpp"

#include <string_view>

namespace ehb::cli {

bool ClientFlags::parse(int argc, char** argv, int& i) {
    std::string_view flag = argv[i];
    std::string* target = flag == "--server"            ? &server
                          : flag == "--principal"       ? &principal
                          : flag == "--credential-file" ? &credential_file
                                                        : nullptr;
    if (target == nullptr || i + 1 >= argc) return false;
    *target = argv[++i];
    server_given = server_given || target == &server;
    return true;
}

net::Endpoint ClientFlags::endpoint() const { return net::Endpoint::parse(server); }

net::Credentials ClientFlags::credentials() const { return net::resolve_credentials(principal, credential_file); }

}  // namespace ehb::cli
