// The log's tamper evidence (docs/records.md, "Tamper evidence"): a hash chain
// over the log entries, and checkpoints that sign the chain's head with an
// Ed25519 key kept outside the store.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ehb::chain {

using Hash = std::array<unsigned char, 32>;
using KeyId = std::array<unsigned char, 8>;      // the first 8 bytes of SHA-256 of the raw public key
using Signature = std::array<unsigned char, 64>;  // Ed25519

// h(seq) = SHA-256(h(seq-1) || seq as u64 little-endian || the entry's stored bytes); h(0) = 32 zero bytes.
class Hasher {
public:
    Hasher();
    ~Hasher();
    Hasher(const Hasher&) = delete;
    Hasher& operator=(const Hasher&) = delete;

    Hash next(const Hash& previous, uint64_t seq, std::string_view entry);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Which chain a checkpoint signs: the log's (`checkpoints`) or the access
// audit's (`reads_checkpoints`). Each is signed under its own label, so that
// one can never pass for the other.
enum class Of : uint8_t { log, reads };

// A row of the `checkpoints` (or `reads_checkpoints`) table: the chain's hash at `seq`, signed.
struct Checkpoint {
    static constexpr std::size_t kSize = 8 + 32 + 8 + 8 + 64;
    uint64_t seq = 0;
    Hash hash{};
    int64_t time_us = 0;  // when it was written, microseconds since the epoch (UTC)
    KeyId key_id{};
    Signature signature{};

    std::array<char, kSize> bytes() const;
    static std::optional<Checkpoint> from_bytes(std::string_view b);
    // What is signed: the chain's domain-separation label, then seq, hash, time and key id as stored.
    std::string signed_message(Of of = Of::log) const;
};

KeyId key_id_of(std::string_view raw_public_key);
std::string hex(const unsigned char* p, std::size_t n);
template <std::size_t N>
std::string hex(const std::array<unsigned char, N>& a) {
    return hex(a.data(), N);
}

// An Ed25519 private key read from a PEM file.
class SigningKey {
public:
    static SigningKey load(const std::filesystem::path& pem);
    // Writes a new key to `pem` (mode 0600, flushed to disk); fails when the file exists.
    static SigningKey create(const std::filesystem::path& pem);
    ~SigningKey();
    SigningKey(SigningKey&&) noexcept;
    SigningKey& operator=(SigningKey&&) noexcept;

    const std::string& public_key() const { return public_key_; }  // raw, 32 bytes
    KeyId id() const { return key_id_of(public_key_); }
    Signature sign(std::string_view message) const;

private:
    explicit SigningKey(void* pkey);
    void* pkey_ = nullptr;  // EVP_PKEY
    std::string public_key_;
};

// The raw Ed25519 public key in a PEM file ("PUBLIC KEY", as `openssl pkey -pubout` writes it).
std::string read_public_key(const std::filesystem::path& pem);
bool signature_valid(std::string_view raw_public_key, std::string_view message, const Signature& signature);

}  // namespace ehb::chain
