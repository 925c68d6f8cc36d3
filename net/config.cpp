#include "net/config.hpp"

#include <charconv>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace ehb::net {

const char* const kServerUsage =
    "usage: ehbd [--data DIR] [--listen HOST:PORT] [--config FILE] [options]\n"
    "\n"
    "  --data DIR                       data directory (created when missing)        [data/ehb]\n"
    "  --listen HOST:PORT               address to accept connections on             [127.0.0.1:7600]\n"
    "  --config FILE                    `key = value` lines with the names below, without the dashes\n"
    "  --port-file FILE                 write the bound port there once listening (useful with port 0)\n"
    "  --log-level debug|info|warn|error                                              [info]\n"
    "  --max-frame BYTES                largest frame payload                         [16777216]\n"
    "  --max-records N                  documents per PUSH                            [10000]\n"
    "  --max-in-flight N                unanswered requests per connection            [8]\n"
    "  --max-connections N              connections, server-wide                      [4096]\n"
    "  --max-connections-per-principal N                                              [1024]\n"
    "  --max-connections-per-address N  on each port, per client address (IPv6: /64) [256]\n"
    "  --auth-failures-per-minute N     failed logins per address and minute before\n"
    "                                   the next are refused unchecked                [20]\n"
    "  --handshake-timeout-ms MS        HELLO and AUTH must be done within            [10000]\n"
    "  --frame-timeout-ms MS            a frame's payload must arrive within          [30000]\n"
    "  --idle-timeout-ms MS             a connection with no frame is closed after    [300000]\n"
    "  --commit-records N               a group commit flushes at this many records   [32768]\n"
    "  --commit-delay-us US             ...or this long after its first batch         [1000]\n"
    "  --memory-budget-mb MB            pushed bytes held before reading stops        [256]\n"
    "  --book-threads N                 threads serving GET_BOOK, feeds and HTTP reads [2]\n"
    "  --http HOST:PORT                 serve the HTTP/JSON read API there (docs/http.md)  [off]\n"
    "  --http-port-file FILE            write the bound HTTP port there once listening\n"
    "  --http-max-connections N         HTTP connections; the next one gets 503       [1024]\n"
    "  --http-request-timeout-ms MS     an HTTP request must arrive within            [10000]\n"
    "  --tls-cert FILE                  TLS on both ports with this certificate chain (PEM);\n"
    "                                   without it both addresses must be loopback\n"
    "  --tls-key FILE                   the certificate's private key (PEM)\n"
    "  --tls-client-ca FILE             require client certificates signed by this CA (PEM);\n"
    "                                   a certificate's CN must be the principal that authenticates\n"
    "  --signatures optional|required   whether every document needs a verified signature of\n"
    "                                   a key registered for its facility (docs/records.md)   [optional]\n"
    "  --checkpoint-key FILE            Ed25519 PEM key signing log checkpoints       [DIR/checkpoint.key]\n"
    "  --checkpoint-entries N           a checkpoint after this many log entries      [100000]\n"
    "  --checkpoint-seconds S           ...or this long after the last one            [60]\n"
    "  --initial-map-mb MB              LMDB map size of a new store (it grows)       [256]\n";

namespace {

template <class T>
T number(std::string_view key, std::string_view value, T min, T max) {
    T v{};
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || end != value.data() + value.size() || v < min || v > max) {
        throw std::invalid_argument(std::string(key) + ": '" + std::string(value) + "' is not a number from " +
                                    std::to_string(min) + " to " + std::to_string(max));
    }
    return v;
}

using Setter = std::function<void(ServerConfig&, std::string_view key, std::string_view value)>;

const std::vector<std::pair<std::string_view, Setter>>& setters() {
    static const std::vector<std::pair<std::string_view, Setter>> table = {
        {"data", [](ServerConfig& c, auto, auto v) { c.data = std::string(v); }},
        {"listen", [](ServerConfig& c, auto, auto v) { c.listen = std::string(v); }},
        {"port-file", [](ServerConfig& c, auto, auto v) { c.port_file = std::string(v); }},
        {"log-level",
         [](ServerConfig& c, auto k, auto v) {
             if (!parse_log_level(v, c.log_level)) {
                 throw std::invalid_argument(std::string(k) + ": '" + std::string(v) +
                                             "' is not one of debug, info, warn, error");
             }
         }},
        {"max-frame", [](ServerConfig& c, auto k, auto v) { c.max_frame = number<uint32_t>(k, v, 1024, 1u << 30); }},
        {"max-records", [](ServerConfig& c, auto k, auto v) { c.max_records = number<uint32_t>(k, v, 1, 1'000'000); }},
        {"max-in-flight", [](ServerConfig& c, auto k, auto v) { c.max_in_flight = number<uint16_t>(k, v, 1, 1024); }},
        {"max-connections",
         [](ServerConfig& c, auto k, auto v) { c.max_connections = number<uint32_t>(k, v, 1, 1'000'000); }},
        {"max-connections-per-principal",
         [](ServerConfig& c, auto k, auto v) {
             c.max_connections_per_principal = number<uint32_t>(k, v, 1, 1'000'000);
         }},
        {"max-connections-per-address",
         [](ServerConfig& c, auto k, auto v) {
             c.max_connections_per_address = number<uint32_t>(k, v, 1, 1'000'000);
         }},
        {"auth-failures-per-minute",
         [](ServerConfig& c, auto k, auto v) { c.auth_failures_per_minute = number<uint32_t>(k, v, 1, 1'000'000); }},
        {"handshake-timeout-ms",
         [](ServerConfig& c, auto k, auto v) {
             c.handshake_timeout = std::chrono::milliseconds(number<int64_t>(k, v, 1, 86'400'000));
         }},
        {"frame-timeout-ms",
         [](ServerConfig& c, auto k, auto v) {
             c.frame_timeout = std::chrono::milliseconds(number<int64_t>(k, v, 1, 86'400'000));
         }},
        {"idle-timeout-ms",
         [](ServerConfig& c, auto k, auto v) {
             c.idle_timeout = std::chrono::milliseconds(number<int64_t>(k, v, 1, 86'400'000));
         }},
        {"commit-records",
         [](ServerConfig& c, auto k, auto v) { c.commit_records = number<std::size_t>(k, v, 1, 10'000'000); }},
        {"commit-delay-us",
         [](ServerConfig& c, auto k, auto v) {
             c.commit_delay = std::chrono::microseconds(number<int64_t>(k, v, 0, 10'000'000));
         }},
        {"memory-budget-mb",
         [](ServerConfig& c, auto k, auto v) {
             c.memory_budget = number<std::size_t>(k, v, 16, 1 << 20) << 20;
         }},
        {"book-threads", [](ServerConfig& c, auto k, auto v) { c.book_threads = number<unsigned>(k, v, 1, 256); }},
        {"http", [](ServerConfig& c, auto, auto v) { c.http = std::string(v); }},
        {"http-port-file", [](ServerConfig& c, auto, auto v) { c.http_port_file = std::string(v); }},
        {"http-max-connections",
         [](ServerConfig& c, auto k, auto v) { c.http_max_connections = number<uint32_t>(k, v, 1, 1'000'000); }},
        {"http-request-timeout-ms",
         [](ServerConfig& c, auto k, auto v) {
             c.http_request_timeout = std::chrono::milliseconds(number<int64_t>(k, v, 1, 86'400'000));
         }},
        {"tls-cert", [](ServerConfig& c, auto, auto v) { c.tls_cert = std::string(v); }},
        {"tls-key", [](ServerConfig& c, auto, auto v) { c.tls_key = std::string(v); }},
        {"tls-client-ca", [](ServerConfig& c, auto, auto v) { c.tls_client_ca = std::string(v); }},
        {"signatures",
         [](ServerConfig& c, auto k, auto v) {
             if (v != "optional" && v != "required")
                 throw std::invalid_argument(std::string(k) + ": '" + std::string(v) + "' is not optional or required");
             c.require_signatures = v == "required";
         }},
        {"checkpoint-key", [](ServerConfig& c, auto, auto v) { c.store.checkpoint_key = std::string(v); }},
        {"checkpoint-entries",
         [](ServerConfig& c, auto k, auto v) { c.store.checkpoint_entries = number<uint64_t>(k, v, 1, 1ull << 40); }},
        {"checkpoint-seconds",
         [](ServerConfig& c, auto k, auto v) {
             c.store.checkpoint_seconds = std::chrono::seconds(number<int64_t>(k, v, 1, 86'400));
         }},
        {"initial-map-mb",
         [](ServerConfig& c, auto k, auto v) { c.store.initial_map_size = number<std::size_t>(k, v, 1, 1 << 20) << 20; }},
    };
    return table;
}

void set(ServerConfig& c, std::string_view key, std::string_view value, const std::string& where) {
    for (const auto& [name, setter] : setters()) {
        if (name == key) {
            try {
                setter(c, key, value);
            } catch (const std::invalid_argument& e) {
                throw std::invalid_argument(where + e.what());
            }
            return;
        }
    }
    throw std::invalid_argument(where == "--" ? "unknown option --" + std::string(key)
                                              : where + "unknown setting '" + std::string(key) + "'");
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

void load_file(ServerConfig& c, const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::invalid_argument("config file " + path + ": cannot be read");
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        std::string_view l = trim(line);
        if (l.empty() || l.front() == '#') continue;
        std::string where = path + ":" + std::to_string(n) + ": ";
        auto eq = l.find('=');
        if (eq == std::string_view::npos) throw std::invalid_argument(where + "expected `key = value`");
        set(c, trim(l.substr(0, eq)), trim(l.substr(eq + 1)), where);
    }
}

}  // namespace

bool parse_config(int argc, char** argv, ServerConfig& out) {
    std::vector<std::pair<std::string_view, std::string_view>> flags;
    for (int i = 0; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--help" || a == "-h") return false;
        if (!a.starts_with("--")) throw std::invalid_argument("unexpected argument '" + std::string(a) + "'");
        if (i + 1 >= argc) throw std::invalid_argument(std::string(a) + " needs a value");
        flags.emplace_back(a.substr(2), argv[++i]);
    }
    for (auto [key, value] : flags) {
        if (key == "config") load_file(out, std::string(value));
    }
    for (auto [key, value] : flags) {
        if (key != "config") set(out, key, value, "--");
    }
    if (out.tls_cert.empty() != out.tls_key.empty()) {
        throw std::invalid_argument("--tls-cert and --tls-key go together");
    }
    if (!out.tls_client_ca.empty() && out.tls_cert.empty()) {
        throw std::invalid_argument("--tls-client-ca needs --tls-cert and --tls-key");
    }
    return true;
}

}  // namespace ehb::net
