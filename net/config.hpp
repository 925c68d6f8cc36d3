// ehbd's configuration: flags, or `key = value` lines of a config file (the
// same names as the flags without their dashes); flags win over the file.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "net/log.hpp"
#include "storage/store.hpp"

namespace ehb::net {

struct ServerConfig {
    std::filesystem::path data = "data/ehb";
    std::string listen = "127.0.0.1:7600";
    std::filesystem::path port_file;  // when set, the bound port is written there once listening (port 0: any)
    LogLevel log_level = LogLevel::info;
    // Protocol limits (docs/protocol.md section 10).
    uint32_t max_frame = 16u << 20;
    uint32_t max_records = 10000;
    uint16_t max_in_flight = 8;
    uint32_t max_connections = 4096;
    uint32_t max_connections_per_principal = 1024;
    // Per client address (an IPv6 one as its /64), on each port: several
    // facilities behind one NAT or a portal push over several connections,
    // while one address alone cannot fill the server (docs/operations.md "Abuse").
    uint32_t max_connections_per_address = 256;
    // Failed logins (binary AUTH, HTTP Basic or Bearer) from one address in a
    // minute; beyond, logins are refused before the slow credential check.
    uint32_t auth_failures_per_minute = 20;
    std::chrono::milliseconds handshake_timeout{10'000};
    std::chrono::milliseconds frame_timeout{30'000};
    std::chrono::milliseconds idle_timeout{300'000};
    // Group commit: flush when this many records are ready, or after the delay.
    std::size_t commit_records = 32768;
    std::chrono::microseconds commit_delay{1000};
    // Bytes of pushed batches held between their receipt and their answer;
    // beyond it no connection is read (back-pressure).
    std::size_t memory_budget = std::size_t{256} << 20;
    unsigned book_threads = 2;
    // The HTTP/JSON read API (docs/http.md): off while `http` is empty.
    std::string http;
    std::filesystem::path http_port_file;  // as port_file, for the HTTP port
    uint32_t http_max_connections = 1024;
    // A request's head and body must arrive within this from its first byte.
    std::chrono::milliseconds http_request_timeout{10'000};
    // TLS on both ports (docs/operations.md "TLS"): PEM files. Without a
    // certificate both ports must be loopback addresses. With a client CA,
    // clients need a certificate it signed, whose CN is their principal.
    std::string tls_cert, tls_key, tls_client_ca;
    // Every pushed document needs a verified signature (engine/signature_check.hpp).
    bool require_signatures = false;
    StoreOptions store;  // --checkpoint-key, --checkpoint-entries, --checkpoint-seconds, --initial-map-mb
};

// Parses argv (after the program name). Throws std::invalid_argument with a
// message naming the flag or the file and line. Returns false for --help.
bool parse_config(int argc, char** argv, ServerConfig& out);
extern const char* const kServerUsage;

}  // namespace ehb::net
