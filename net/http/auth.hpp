// Who sent a request: `Authorization: Basic base64(name:credential)` (a
// principal's own credential) or `Authorization: Bearer TOKEN` (a token it
// was issued, net/http/tokens.hpp). Checked on the reader pool.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/principals.hpp"
#include "storage/store.hpp"

namespace ehb::net::http {

struct Authorization {
    enum Scheme { none, basic, bearer, malformed } scheme = none;
    std::string name, secret;  // basic: principal and credential; bearer: the token in secret
};

Authorization parse_authorization(std::string_view header);

// The principal, or nullopt for a wrong credential, an unknown, expired or
// revoked token, or a revoked principal. A store read and a SHA-256: call it
// on the reader pool.
std::optional<Principal> check(const Store& store, const Authorization& a, int64_t now_us);

}  // namespace ehb::net::http
