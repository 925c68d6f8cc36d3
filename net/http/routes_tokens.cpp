// POST /v1/tokens and DELETE /v1/tokens/current (docs/http.md, "Tokens"):
// written by the pipeline's writer, in order with the batches, and answered
// once durable.
#include "engine/canonical.hpp"
#include "engine/ingest.hpp"
#include "net/http/routes.hpp"
#include "net/http/tokens.hpp"
#include "net/log.hpp"

namespace ehb::net::http {

namespace {

Response unwritten(const Written& w) {
    log(LogLevel::error, "token: %s", w.answer.c_str());
    return error(bhttp::status::internal_server_error, "INTERNAL", "the token could not be written");
}

}  // namespace

boost::asio::awaitable<void> post_token(Exchange& x) {
    if (!only_params(x, {"ttl"})) co_return;
    if (!x.bearer.empty()) {
        // A token never begets another: one stolen token must not outlive its expiry.
        x.response = unauthorized("tokens are issued to Basic credentials (the principal's own)");
        co_return;
    }
    const auto ttl = number_param(x, "ttl", kDefaultTokenSeconds, 1, kMaxTokenSeconds);
    if (!ttl) co_return;
    const std::string token = new_token();
    schema::TokenRecord record;
    record.principal = x.principal->name;
    record.issued_us = now_us();
    record.expires_us = record.issued_us + int64_t(*ttl) * 1'000'000;
    // A named job, not a temporary in the co_await expression: g++ 12 destroys those twice.
    Pipeline::WriteJob job = [digest = token_digest(token), record](StoreWriter& sw) {
        store_token(sw, digest, record);
        return std::string();
    };
    const Written w = co_await write(x.server, std::move(job));
    if (w.outcome != Written::done) {
        x.response = unwritten(w);
        co_return;
    }
    x.response.status = bhttp::status::created;
    x.response.body = "{\"token\":";
    append_canonical_string(x.response.body, token);
    append_json_member(x.response.body, "principal", record.principal);
    x.response.body += ",\"expires\":";
    append_json_time(x.response.body, record.expires_us);
    x.response.body += '}';
}

boost::asio::awaitable<void> delete_current_token(Exchange& x) {
    if (!only_params(x, {})) co_return;
    if (x.bearer.empty()) {
        x.response = error(bhttp::status::bad_request, "BAD_REQUEST",
                           "authenticate with the bearer token to revoke (Authorization: Bearer TOKEN)");
        co_return;
    }
    Pipeline::WriteJob job = [digest = token_digest(x.bearer)](StoreWriter& sw) {
        delete_token(sw, digest);  // gone already (revoked by a request racing this one): revoked all the same
        return std::string();
    };
    const Written w = co_await write(x.server, std::move(job));
    if (w.outcome != Written::done) {
        x.response = unwritten(w);
        co_return;
    }
    x.response.status = bhttp::status::no_content;
}

}  // namespace ehb::net::http
