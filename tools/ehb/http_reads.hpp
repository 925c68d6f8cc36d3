// Book reads over ehbd's HTTP API for `ehb bench --http HOST:PORT`
// (docs/benchmarks.md, "Reading books over HTTP"): keep-alive connections
// each GET /v1/books/{id} of random citizens for a while; reads per second
// and latency percentiles.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "net/client.hpp"

namespace ehb::cli {

struct HttpReads {
    uint64_t reads = 0, ok = 0, not_found = 0, errors = 0;  // 200; 404 (a citizen without a visit); anything else
    uint64_t bytes = 0;
    double seconds = 0;
    double p50_ms = 0, p99_ms = 0, p999_ms = 0;
};

// `connections` threads read books of `citizen_id(random i < citizens)` for
// `duration`, authenticating with HTTP Basic as `credentials`.
HttpReads read_books_over_http(const net::Endpoint& endpoint, const net::Credentials& credentials,
                               std::size_t connections, std::chrono::seconds duration, uint64_t citizens,
                               const std::function<std::string(uint64_t)>& citizen_id);

}  // namespace ehb::cli
