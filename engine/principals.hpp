// Who may talk to ehbd: principals, their roles and credentials
// (docs/protocol.md section 4, docs/operations.md "Principals").
// Kept in the data directory's `principals` table, so `ehb admin` manages
// them offline and a running ehbd sees every change at the next handshake.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store.hpp"

namespace ehb {

// A steward runs the person operations (docs/persons.md, "Stewards"): merge,
// unmerge, link, unlink, review decisions, and reading persons and their audit.
enum class Role : uint8_t { facility = 1, portal = 2, reader = 3, admin = 4, steward = 5 };
std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view name);

struct Principal {
    std::string name;
    Role role = Role::reader;
    std::string facility;  // MA_CSKCB (5 characters) for a facility, else empty
    int64_t created_us = 0;
    int64_t revoked_us = 0;  // 0 while valid
};

// Throws std::invalid_argument unless `name` is 1..64 bytes of [A-Za-z0-9._-]
// and `facility` is a 5-character alphanumeric MA_CSKCB exactly when `role` is facility.
void validate_principal(std::string_view name, Role role, std::string_view facility);

// Adds a principal and returns its new credential (shown once; only a salted
// SHA-256 of it is stored). Throws std::invalid_argument for a bad name,
// role/facility combination or a name already taken.
std::string add_principal(Store& store, std::string_view name, Role role, std::string_view facility);
std::vector<Principal> list_principals(const Store& store);
// False when there is no such principal; revoking twice keeps the first time.
bool revoke_principal(Store& store, std::string_view name);
// The principal when `credential` is its current one and it is not revoked.
std::optional<Principal> authenticate(const Store& store, std::string_view name, std::string_view credential);

}  // namespace ehb
