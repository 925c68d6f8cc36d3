// ehbd: the ehb server (docs/operations.md "Running ehbd", docs/protocol.md).
#include <sys/resource.h>

#include <cstdio>
#include <exception>

#include "net/config.hpp"
#include "net/log.hpp"
#include "net/server.hpp"

namespace {

// Every connection is a descriptor: allow as many as the hard limit does.
void raise_file_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

}  // namespace

int main(int argc, char** argv) {
    ehb::net::ServerConfig config;
    try {
        if (!ehb::net::parse_config(argc - 1, argv + 1, config)) {
            std::fputs(ehb::net::kServerUsage, stdout);
            return 0;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ehbd: %s\n\n%s", e.what(), ehb::net::kServerUsage);
        return 2;
    }
    raise_file_limit();
    try {
        ehb::net::Server server(config);
        return server.run();
    } catch (const std::exception& e) {
        ehb::net::log(ehb::net::LogLevel::error, "ehbd: %s", e.what());
        return 1;
    }
}
