// An HTTP answer before it is written: status, body and fields, the JSON
// error shape, and the conventions every GET answer gets (docs/http.md,
// "Conventions"): a strong ETag and 304, gzip, Vary.
#pragma once

#include <boost/beast/http/status.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ehb::net::http {

namespace bhttp = boost::beast::http;

struct Response {
    bhttp::status status = bhttp::status::ok;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> fields;  // beyond the usual ones
    std::string etag;              // set by finish()
    bool gzipped = false;          // set by finish()
    bool close = false;            // the connection ends after it
};

// {"error":{"code":CODE,"message":MESSAGE[,"parameter":NAME]}} with `status`.
Response error(bhttp::status status, std::string_view code, std::string_view message,
               std::string_view parameter = {});
// 400 BAD_REQUEST naming the query parameter (or path segment) at fault.
Response bad_parameter(std::string_view name, std::string_view why);
Response unauthorized(std::string_view message);

// Bodies above this are worth compressing (and finishing on the reader pool).
inline constexpr std::size_t kCompressAbove = 1024;

// For a successful GET: the ETag (XXH3-64 of the body), 304 when
// `if_none_match` names it, gzip when `accept_encoding` allows it and the body
// is over kCompressAbove.
void finish(Response& r, std::string_view if_none_match, std::string_view accept_encoding);

// gzip (RFC 1952) of `in`; throws std::runtime_error when zlib fails.
std::string gzip(std::string_view in);

}  // namespace ehb::net::http
