// Bearer tokens of the HTTP API (docs/http.md, "Tokens"): 32 random bytes as
// 64 hex characters, issued to a principal for a while. Only their SHA-256 is
// kept, in the durable table `tokens` (storage/schema.hpp: TokenRecord), so
// tokens survive a restart and a copy of the store reveals none. A token is
// good until it expires, it is revoked, or its principal is.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/principals.hpp"
#include "storage/store.hpp"

namespace ehb::net::http {

inline constexpr int64_t kDefaultTokenSeconds = 3600;
inline constexpr int64_t kMaxTokenSeconds = 86400;

using TokenDigest = std::array<unsigned char, 32>;

std::string new_token();  // OpenSSL RAND_bytes
TokenDigest token_digest(std::string_view token);

// In a write job: stores the token's record, and drops a few expired tokens
// found next to it (the keys are random, so in time every one is met).
void store_token(StoreWriter& w, const TokenDigest& digest, const schema::TokenRecord& record);
// In a write job: false when there was no such token.
bool delete_token(StoreWriter& w, const TokenDigest& digest);

// The token's principal, unless the token is unknown, expired at `now_us`, or
// its principal revoked.
std::optional<Principal> token_principal(const StoreReader& r, std::string_view token, int64_t now_us);

}  // namespace ehb::net::http
