// One request as a route handler sees it (docs/http.md): the request, its
// path and query parameters, who sent it, the answer being built; and the
// two ways a handler leaves the I/O thread: reads on the reader pool, writes
// as the pipeline's write jobs.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/pipeline.hpp"
#include "engine/principals.hpp"
#include "net/http/response.hpp"
#include "net/server.hpp"
#include "net/stream.hpp"

namespace ehb::net::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using Request = bhttp::request<bhttp::string_body>;
// An HTTP connection's bytes: plain or TLS, over Beast's stream with timeouts (in next_layer()).
using HttpStream = net::Stream<beast::tcp_stream>;

// The query string's parameters, percent-decoded.
class Query {
public:
    // False with the offending text in `bad` when the query is not name=value pairs.
    bool parse(std::string_view query, std::string& bad);
    std::optional<std::string_view> get(std::string_view name) const;
    // The first parameter not in `allowed`, or empty: unknown parameters are refused (a typo is not ignored).
    std::string_view unknown(std::initializer_list<std::string_view> allowed) const;

private:
    std::vector<std::pair<std::string, std::string>> params_;
};

// What a streaming answer (server-sent events) needs of its connection.
struct Connection {
    HttpStream& stream;
    asio::steady_timer& wake;  // cancelled when something changed: shutdown, or what the handler waits for
    bool draining = false;     // the server is stopping: finish the stream
    bool revoked = false;      // the stream's principal or bearer token no longer holds: end it now
};

struct Exchange {
    Server& server;
    const Request& request;
    Connection& connection;
    std::string peer;
    std::vector<std::pair<std::string, std::string>> path_params;  // {name} segments of the route, decoded
    Query query;
    std::optional<Principal> principal;
    std::string bearer;   // the token it authenticated with, empty for Basic
    Response response;
    bool streamed = false;  // the handler wrote its answer itself (and the connection ends)

    std::string_view param(std::string_view name) const;  // a path parameter
    std::string_view header(bhttp::field field) const;
    std::string_view header(std::string_view name) const;  // a field Beast has no enumerator for
};

// Runs f() on the reader pool and resumes with its result (or its exception)
// on the I/O thread. f may refer to the awaiting coroutine's locals.
template <class F>
asio::awaitable<std::invoke_result_t<F&>> call(F f) {
    co_return f();
}
template <class F>
auto on_readers(Server& server, F f) {
    return asio::co_spawn(server.readers(), call(std::move(f)), asio::use_awaitable);
}

// A write job's outcome, once its commit is durable.
struct Written {
    enum Outcome { done, refused, failed } outcome = done;
    std::string answer;  // the job's answer, the refusal, or why the writer failed
};
// Submits `job` to the pipeline (in order with the batches) and resumes on the I/O thread after its commit.
asio::awaitable<Written> write(Server& server, Pipeline::WriteJob job);

}  // namespace ehb::net::http
