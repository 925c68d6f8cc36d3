#include "engine/principals.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>

#include "engine/ingest.hpp"
#include "engine/provinces.hpp"

namespace ehb {

namespace {

constexpr std::size_t kCredentialBytes = 32;

bool is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

bool valid_name(std::string_view name) {
    if (name.empty() || name.size() > schema::kMaxPrincipalName) return false;
    for (char c : name) {
        if (!is_alnum(c) && c != '.' && c != '_' && c != '-') return false;
    }
    return true;
}

void random_bytes(unsigned char* out, std::size_t n) {
    if (RAND_bytes(out, static_cast<int>(n)) != 1) throw std::runtime_error("OpenSSL RAND_bytes failed");
}

// SHA-256(salt || credential text as AUTH carries it). The credential is 256
// random bits, so one SHA-256 cannot be brute-forced and no slow password hash
// is needed (those are for human-chosen passwords, which ehb does not have).
std::array<unsigned char, 32> digest(const std::array<unsigned char, 16>& salt, std::string_view credential) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    std::array<unsigned char, 32> out{};
    unsigned int n = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), salt.data(), salt.size()) != 1 ||
        EVP_DigestUpdate(ctx.get(), credential.data(), credential.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), out.data(), &n) != 1 || n != out.size()) {
        throw std::runtime_error("OpenSSL SHA-256 failed");
    }
    return out;
}

schema::PrincipalRecord decode(std::string_view name, std::string_view value) {
    auto r = schema::PrincipalRecord::decode(value);
    if (!r || r->role < uint8_t(Role::facility) || r->role > uint8_t(Role::province)) {
        throw std::runtime_error("the record of principal '" + std::string(name) + "' has an unknown layout");
    }
    return *r;
}

Principal to_principal(std::string_view name, const schema::PrincipalRecord& r) {
    Principal p{std::string(name), static_cast<Role>(r.role), {}, {}, r.created_us, r.revoked_us};
    if (p.role == Role::facility) p.facility.assign(r.facility.data(), r.facility.size());
    if (p.role == Role::province) p.province.assign(r.facility.data(), 2);
    return p;
}

}  // namespace

std::string_view role_name(Role role) {
    switch (role) {
        case Role::facility: return "facility";
        case Role::portal: return "portal";
        case Role::reader: return "reader";
        case Role::admin: return "admin";
        case Role::steward: return "steward";
        case Role::province: return "province";
    }
    return "unknown";
}

std::optional<Role> parse_role(std::string_view name) {
    for (Role r : {Role::facility, Role::portal, Role::reader, Role::admin, Role::steward, Role::province}) {
        if (name == role_name(r)) return r;
    }
    return std::nullopt;
}

void validate_principal(std::string_view name, Role role, std::string_view code) {
    if (name.empty() || name.size() > schema::kMaxPrincipalName) {
        throw std::invalid_argument("a principal name is 1 to 64 bytes long");
    }
    if (!valid_name(name)) {
        throw std::invalid_argument("a principal name may contain only letters A-Z a-z, digits and . _ -");
    }
    if (role == Role::facility) {
        bool ok = code.size() == schema::kFacilityLength;
        for (char c : code) ok = ok && is_alnum(c);
        if (!ok) throw std::invalid_argument("a facility principal needs its 5-character alphanumeric MA_CSKCB");
    } else if (role == Role::province) {
        if (!is_province_code(code)) {
            throw std::invalid_argument("a province principal needs its two-digit province code");
        }
    } else if (!code.empty()) {
        throw std::invalid_argument("a facility code is for facility principals, a province code for province ones");
    }
}

std::string add_principal(Store& store, std::string_view name, Role role, std::string_view code) {
    validate_principal(name, role, code);
    std::array<unsigned char, kCredentialBytes> secret{};
    random_bytes(secret.data(), secret.size());
    std::string credential;
    credential.reserve(2 * secret.size());
    for (unsigned char b : secret) {
        credential.push_back("0123456789abcdef"[b >> 4]);
        credential.push_back("0123456789abcdef"[b & 15]);
    }
    OPENSSL_cleanse(secret.data(), secret.size());

    schema::PrincipalRecord r;
    r.role = static_cast<uint8_t>(role);
    std::copy(code.begin(), code.end(), r.facility.begin());  // schema.hpp: the code's meaning depends on the role
    random_bytes(r.salt.data(), r.salt.size());
    r.digest = digest(r.salt, credential);
    r.created_us = now_us();
    auto value = r.encode();
    bool added = false;
    store.write([&](StoreWriter& w) {
        std::string_view existing;
        added = w.tables().principals.insert(w.txn(), name, {value.data(), value.size()}, existing);
    });
    // Names are never reused, not even a revoked one's, so the log's principals stay unambiguous.
    if (!added) throw std::invalid_argument("the principal name '" + std::string(name) + "' is already taken");
    return credential;
}

std::vector<Principal> list_principals(const Store& store) {
    return store.read([](const StoreReader& r) {
        std::vector<Principal> out;
        lmdb::Cursor cursor(r.txn(), r.tables().principals);
        std::string_view key, value;
        for (MDB_cursor_op op = MDB_FIRST; cursor.get(key, value, op); op = MDB_NEXT) {
            out.push_back(to_principal(key, decode(key, value)));
        }
        return out;
    });
}

bool revoke_principal(Store& store, std::string_view name) {
    if (!valid_name(name)) return false;
    int64_t now = now_us();
    bool found = false;
    store.write([&](StoreWriter& w) {
        std::string_view value;
        found = w.tables().principals.get(w.txn(), name, value);
        if (!found) return;
        schema::PrincipalRecord r = decode(name, value);
        if (r.revoked_us != 0) return;
        r.revoked_us = now;
        auto bytes = r.encode();
        w.tables().principals.put(w.txn(), name, {bytes.data(), bytes.size()});
    });
    return found;
}

std::optional<Principal> authenticate(const Store& store, std::string_view name, std::string_view credential) {
    if (!valid_name(name)) return std::nullopt;
    return store.read([&](const StoreReader& r) -> std::optional<Principal> {
        std::string_view value;
        if (!r.tables().principals.get(r.txn(), name, value)) return std::nullopt;
        schema::PrincipalRecord rec = decode(name, value);
        auto d = digest(rec.salt, credential);
        if (CRYPTO_memcmp(d.data(), rec.digest.data(), d.size()) != 0 || rec.revoked_us != 0) return std::nullopt;
        return to_principal(name, rec);
    });
}

std::optional<Principal> active_principal(const StoreReader& r, std::string_view name) {
    std::string_view value;
    if (!valid_name(name) || !r.tables().principals.get(r.txn(), name, value)) return std::nullopt;
    schema::PrincipalRecord rec = decode(name, value);
    if (rec.revoked_us != 0) return std::nullopt;
    return to_principal(name, rec);
}

}  // namespace ehb
