// Who may talk to ehbd: principals, their roles and credentials
// (docs/protocol.md section 4, docs/operations.md "Principals").
// Kept in the data directory's `principals` table, so `ehb admin` manages
// them offline and a running ehbd sees every change at the next handshake.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store.hpp"

namespace ehb {

// A steward runs the person operations (docs/persons.md, "Stewards"): merge,
// unmerge, link, unlink, review decisions, and reading persons and their audit.
// A province (a provincial health department) reads the books, feed and
// appointments of its own province over HTTP (docs/http.md, "Scopes").
enum class Role : uint8_t { facility = 1, portal = 2, reader = 3, admin = 4, steward = 5, province = 6 };
std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view name);

struct Principal {
    std::string name;
    Role role = Role::reader;
    std::string facility;  // MA_CSKCB (5 characters) for a facility, else empty
    std::string province;  // the two-digit province code for a province, else empty
    int64_t created_us = 0;
    int64_t revoked_us = 0;  // 0 while valid
    int64_t rotated_us = 0;  // the last rotation of its credential, 0 for none
};

// Throws std::invalid_argument unless `name` is 1..64 bytes of [A-Za-z0-9._-]
// and `code` is a 5-character alphanumeric MA_CSKCB exactly when `role` is
// facility, a province code (engine/provinces.hpp) exactly when it is province.
void validate_principal(std::string_view name, Role role, std::string_view code);

// Adds a principal and returns its new credential (shown once; only a salted
// slow hash of it, scrypt, is stored). `code` as validate_principal takes it. Throws
// std::invalid_argument for a bad name, role/code combination or a name already taken.
std::string add_principal(Store& store, std::string_view name, Role role, std::string_view code);
// Gives the principal a new credential and returns it (shown once). The old
// one keeps working for `overlap` (0: stops at once), so a portal can be
// reconfigured without a gap; nullopt for an unknown or revoked principal.
// Takes effect at the next AUTH or HTTP request, without a restart.
std::optional<std::string> rotate_principal(Store& store, std::string_view name, std::chrono::seconds overlap);
std::vector<Principal> list_principals(const Store& store);
// False when there is no such principal; revoking twice keeps the first time.
bool revoke_principal(Store& store, std::string_view name);
// When a principal was last revoked (µs since the epoch, 0: never), for ehbd
// to notice revocations made by `ehb admin` while it runs.
int64_t last_revocation(const StoreReader& r);
// The principal when `credential` is its current one and it is not revoked.
std::optional<Principal> authenticate(const Store& store, std::string_view name, std::string_view credential);
// The principal named `name` unless there is none or it is revoked (a bearer
// token's principal, checked at each use), inside the caller's transaction.
std::optional<Principal> active_principal(const StoreReader& r, std::string_view name);

}  // namespace ehb
