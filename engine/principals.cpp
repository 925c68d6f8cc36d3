#include "engine/principals.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

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

// The slow hash every stored credential gets: scrypt with r = 8, p = 1 and
// N = 2^12 (4 MiB, a few milliseconds). Credentials are 256 random bits, so
// even one SHA-256 could not be brute-forced: the slow hash is defence in
// depth for a stolen data directory, and its cost is set by what ehbd pays
// when every facility reconnects after a restart (13,000 checks on the
// reader pool: under a minute). Each digest records its own N, so a rotation
// can move a principal to a stronger one.
constexpr uint8_t kLog2N = 12;

std::array<unsigned char, 32> slow_digest(const schema::CredentialDigest& d, std::string_view credential) {
    std::array<unsigned char, 32> out{};
    if (EVP_PBE_scrypt(credential.data(), credential.size(), d.salt.data(), d.salt.size(), uint64_t{1} << d.log2_n, 8,
                       1, uint64_t{64} << 20, out.data(), out.size()) != 1) {
        throw std::runtime_error("OpenSSL scrypt failed");
    }
    return out;
}

// A credential that matched once is not hashed slowly again at every AUTH or
// HTTP request: remembered as SHA-256(pepper || credential) beside the stored
// digest it matched, in this process's memory only (the pepper is random per
// process). Only digests the principal's record holds now are consulted, so a
// rotation or a revocation takes effect at once.
class Verified {
public:
    bool contains(const schema::CredentialDigest& d, std::string_view credential) {
        const auto fast = fast_digest(credential);
        std::lock_guard lock(mutex_);
        auto it = known_.find(key(d));
        return it != known_.end() && CRYPTO_memcmp(it->second.data(), fast.data(), fast.size()) == 0;
    }
    void add(const schema::CredentialDigest& d, std::string_view credential) {
        const auto fast = fast_digest(credential);
        std::lock_guard lock(mutex_);
        if (known_.size() >= kMaxEntries) known_.clear();  // more than every principal twice: start over
        known_[key(d)] = fast;
    }

private:
    static constexpr std::size_t kMaxEntries = 1 << 17;
    static std::string key(const schema::CredentialDigest& d) {
        return std::string(reinterpret_cast<const char*>(d.digest.data()), d.digest.size());
    }
    std::array<unsigned char, 32> fast_digest(std::string_view credential) {
        std::call_once(pepper_once_, [this] { random_bytes(pepper_.data(), pepper_.size()); });
        std::array<unsigned char, 32> out{};
        unsigned int n = 0;
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
        if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
            EVP_DigestUpdate(ctx.get(), pepper_.data(), pepper_.size()) != 1 ||
            EVP_DigestUpdate(ctx.get(), credential.data(), credential.size()) != 1 ||
            EVP_DigestFinal_ex(ctx.get(), out.data(), &n) != 1 || n != out.size()) {
            throw std::runtime_error("OpenSSL SHA-256 failed");
        }
        return out;
    }

    std::once_flag pepper_once_;
    std::array<unsigned char, 32> pepper_{};
    std::mutex mutex_;
    std::unordered_map<std::string, std::array<unsigned char, 32>> known_;
};

Verified& verified() {
    static Verified v;
    return v;
}

bool matches(const schema::CredentialDigest& d, std::string_view credential) {
    if (d.log2_n == 0) return false;
    if (verified().contains(d, credential)) return true;
    const auto digest = slow_digest(d, credential);
    if (CRYPTO_memcmp(digest.data(), d.digest.data(), digest.size()) != 0) return false;
    verified().add(d, credential);
    return true;
}

// A new random credential (64 hex digits, as AUTH carries it) and its digest.
std::string new_credential(schema::CredentialDigest& out) {
    std::array<unsigned char, kCredentialBytes> secret{};
    random_bytes(secret.data(), secret.size());
    std::string credential;
    credential.reserve(2 * secret.size());
    for (unsigned char b : secret) {
        credential.push_back("0123456789abcdef"[b >> 4]);
        credential.push_back("0123456789abcdef"[b & 15]);
    }
    OPENSSL_cleanse(secret.data(), secret.size());
    out.log2_n = kLog2N;
    random_bytes(out.salt.data(), out.salt.size());
    out.digest = slow_digest(out, credential);
    return credential;
}

schema::PrincipalRecord decode(std::string_view name, std::string_view value) {
    auto r = schema::PrincipalRecord::decode(value);
    if (!r || r->role < uint8_t(Role::facility) || r->role > uint8_t(Role::province)) {
        throw std::runtime_error("the record of principal '" + std::string(name) + "' has an unknown layout");
    }
    return *r;
}

Principal to_principal(std::string_view name, const schema::PrincipalRecord& r) {
    Principal p{std::string(name), static_cast<Role>(r.role), {}, {}, r.created_us, r.revoked_us, r.rotated_us};
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
    schema::PrincipalRecord r;
    r.role = static_cast<uint8_t>(role);
    std::copy(code.begin(), code.end(), r.facility.begin());  // schema.hpp: the code's meaning depends on the role
    std::string credential = new_credential(r.current);
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

std::optional<std::string> rotate_principal(Store& store, std::string_view name, std::chrono::seconds overlap) {
    if (!valid_name(name)) return std::nullopt;
    schema::CredentialDigest fresh;
    std::string credential = new_credential(fresh);  // outside the write transaction: it is slow
    const int64_t now = now_us();
    bool rotated = false;
    store.write([&](StoreWriter& w) {
        std::string_view value;
        rotated = false;
        if (!w.tables().principals.get(w.txn(), name, value)) return;
        schema::PrincipalRecord r = decode(name, value);
        if (r.revoked_us != 0) return;
        const bool keep_old = overlap.count() > 0;
        r.previous = keep_old ? r.current : schema::CredentialDigest{};
        r.previous_until_us = keep_old ? now + overlap.count() * 1'000'000 : 0;
        r.current = fresh;
        r.rotated_us = now;
        auto bytes = r.encode();
        w.tables().principals.put(w.txn(), name, {bytes.data(), bytes.size()});
        rotated = true;
    });
    if (!rotated) return std::nullopt;
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
        w.tables().meta.put(w.txn(), schema::kMetaPrincipalsRevoked,
                            {reinterpret_cast<const char*>(&now), sizeof now});
    });
    return found;
}

std::optional<Principal> authenticate(const Store& store, std::string_view name, std::string_view credential) {
    if (!valid_name(name)) return std::nullopt;
    return store.read([&](const StoreReader& r) -> std::optional<Principal> {
        std::string_view value;
        if (!r.tables().principals.get(r.txn(), name, value)) return std::nullopt;
        schema::PrincipalRecord rec = decode(name, value);
        if (rec.revoked_us != 0) return std::nullopt;
        if (matches(rec.current, credential)) return to_principal(name, rec);
        if (now_us() < rec.previous_until_us && matches(rec.previous, credential)) return to_principal(name, rec);
        return std::nullopt;
    });
}

int64_t last_revocation(const StoreReader& r) {
    std::string_view v;
    if (!r.tables().meta.get(r.txn(), schema::kMetaPrincipalsRevoked, v) || v.size() != sizeof(int64_t)) return 0;
    return schema::load<int64_t>(v.data());
}

std::optional<Principal> active_principal(const StoreReader& r, std::string_view name) {
    std::string_view value;
    if (!valid_name(name) || !r.tables().principals.get(r.txn(), name, value)) return std::nullopt;
    schema::PrincipalRecord rec = decode(name, value);
    if (rec.revoked_us != 0) return std::nullopt;
    return to_principal(name, rec);
}

}  // namespace ehb
