#include "net/http/tokens.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

#include "net/http/url.hpp"

namespace ehb::net::http {

namespace {

constexpr std::size_t kSweep = 16;  // neighbours looked at for expired tokens, per token issued

std::string_view key(const TokenDigest& d) { return {reinterpret_cast<const char*>(d.data()), d.size()}; }

}  // namespace

std::string new_token() {
    std::array<unsigned char, 32> secret{};
    if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1) {
        throw std::runtime_error("OpenSSL RAND_bytes failed");
    }
    std::string token = to_hex({reinterpret_cast<const char*>(secret.data()), secret.size()});
    OPENSSL_cleanse(secret.data(), secret.size());
    return token;
}

TokenDigest token_digest(std::string_view token) {
    TokenDigest out{};
    unsigned int n = 0;
    if (EVP_Digest(token.data(), token.size(), out.data(), &n, EVP_sha256(), nullptr) != 1 || n != out.size()) {
        throw std::runtime_error("OpenSSL SHA-256 failed");
    }
    return out;
}

void store_token(StoreWriter& w, const TokenDigest& digest, const schema::TokenRecord& record) {
    const std::string value = record.encode();
    w.tables().tokens.put(w.txn(), key(digest), value);
    std::vector<std::string> expired;
    {
        lmdb::Cursor c(w.txn(), w.tables().tokens);
        std::string_view k = key(digest), v;
        std::size_t seen = 0;
        for (bool ok = c.get(k, v, MDB_SET_RANGE); ok && seen < kSweep; ok = c.get(k, v, MDB_NEXT), ++seen) {
            auto r = schema::TokenRecord::decode(v);
            if (r && r->expires_us < record.issued_us) expired.emplace_back(k);
        }
    }
    for (const std::string& k : expired) {
        MDB_val mk{k.size(), const_cast<char*>(k.data())};
        lmdb::check("mdb_del", "tokens", mdb_del(w.txn().get(), w.tables().tokens.get(), &mk, nullptr));
    }
}

bool delete_token(StoreWriter& w, const TokenDigest& digest) {
    MDB_val k{digest.size(), const_cast<unsigned char*>(digest.data())};
    const int rc = mdb_del(w.txn().get(), w.tables().tokens.get(), &k, nullptr);
    if (rc == MDB_NOTFOUND) return false;
    lmdb::check("mdb_del", "tokens", rc);
    return true;
}

std::optional<Principal> token_principal(const StoreReader& r, std::string_view token, int64_t now_us) {
    if (token.size() != 64) return std::nullopt;
    std::string_view value;
    if (!r.tables().tokens.get(r.txn(), key(token_digest(token)), value)) return std::nullopt;
    auto record = schema::TokenRecord::decode(value);
    if (!record || record->expires_us <= now_us) return std::nullopt;
    return active_principal(r, record->principal);
}

}  // namespace ehb::net::http
