#include "net/http/response.hpp"

#include <xxhash.h>
#include <zlib.h>

#include <cstdio>
#include <stdexcept>

#include "engine/canonical.hpp"

namespace ehb::net::http {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
    }
    return true;
}

// True when an Accept-Encoding list accepts gzip: "gzip" or "*" without q=0.
bool accepts_gzip(std::string_view list) {
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        std::string_view item = trim(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        const std::size_t semi = item.find(';');
        const std::string_view coding = trim(item.substr(0, semi));
        if (!iequals(coding, "gzip") && coding != "*") continue;
        if (semi == std::string_view::npos) return true;
        std::string_view q = trim(item.substr(semi + 1));
        if (!q.starts_with("q=") && !q.starts_with("Q=")) return true;
        q.remove_prefix(2);
        // q=0, q=0.0, q=0.000: refused; any other weight accepts.
        return q.find_first_not_of("0.") != std::string_view::npos;
    }
    return false;
}

// True when an If-None-Match list names `tag` (or is "*"); weak comparison, as for GET.
bool names(std::string_view list, std::string_view tag) {
    if (trim(list) == "*") return true;
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        std::string_view item = trim(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        if (item.starts_with("W/")) item.remove_prefix(2);
        if (item == tag) return true;
    }
    return false;
}

}  // namespace

Response error(bhttp::status status, std::string_view code, std::string_view message, std::string_view parameter) {
    Response r;
    r.status = status;
    r.body = "{\"error\":{\"code\":";
    append_canonical_string(r.body, code);
    append_json_member(r.body, "message", message);
    if (!parameter.empty()) append_json_member(r.body, "parameter", parameter);
    r.body += "}}";
    return r;
}

Response bad_parameter(std::string_view name, std::string_view why) {
    std::string message = "parameter '";
    message.append(name).append("': ").append(why);
    return error(bhttp::status::bad_request, "BAD_REQUEST", message, name);
}

Response unauthorized(std::string_view message) {
    Response r = error(bhttp::status::unauthorized, "UNAUTHORIZED", message);
    r.fields.emplace_back("WWW-Authenticate", "Basic realm=\"ehb\", charset=\"UTF-8\"");
    r.fields.emplace_back("WWW-Authenticate", "Bearer realm=\"ehb\"");
    return r;
}

void finish(Response& r, std::string_view if_none_match, std::string_view accept_encoding) {
    char tag[384];
    const unsigned long long hash = XXH3_64bits(r.body.data(), r.body.size());
    std::snprintf(tag, sizeof tag, "\"%016llx\"", hash);
    // A strong validator names one representation: the gzip one has its own tag.
    const bool compress = r.body.size() > kCompressAbove && accepts_gzip(accept_encoding);
    r.etag = tag;
    if (compress) r.etag.insert(r.etag.size() - 1, "-gzip");
    if (names(if_none_match, tag) || names(if_none_match, r.etag)) {
        r.status = bhttp::status::not_modified;
        r.body.clear();
        return;
    }
    if (compress) {
        r.body = gzip(r.body);
        r.gzipped = true;
    }
}

std::string gzip(std::string_view in) {
    z_stream z{};
    // windowBits 15 + 16: a gzip header and trailer around the deflate stream.
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("zlib: deflateInit2 failed");
    }
    std::string out(deflateBound(&z, in.size()), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate did not finish");
    return out;
}

}  // namespace ehb::net::http
