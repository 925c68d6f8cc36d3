// The HTTP API's side of the access audit (engine/access_log.hpp): a read is
// recorded before its answer leaves, and the access history is served.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "engine/access_log.hpp"
#include "net/http/exchange.hpp"

namespace ehb::net::http {

// The `purpose` query parameter (≤ 512 bytes), or empty; nullopt (with x.response the 400) when too long.
std::optional<std::string> purpose_param(Exchange& x);

// Records `read` in the next group commit and resumes on the I/O thread once
// it is durable. False when the writer has failed (x.response is then a 503).
boost::asio::awaitable<bool> record_read(Exchange& x, AccessRecord read);

// GET /v1/books/{id}/reads: the book's access history, newest first. Reading
// it is recorded too (what: access_history), before the answer leaves.
boost::asio::awaitable<void> get_book_reads(Exchange& x);

}  // namespace ehb::net::http
