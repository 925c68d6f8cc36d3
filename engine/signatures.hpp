// Facilities' data signatures (docs/records.md, "Signatures"): the public-key
// operations, and the evidence a record keeps of how its sender signed it.
//
// A facility signs each document it sends with a key registered for its
// MA_CSKCB (engine/facility_keys.hpp): Ed25519, ECDSA P-256 with SHA-256 (a
// DER signature), or RSA (2048 bits or more) PKCS#1 v1.5 with SHA-256. The
// key's type decides the algorithm, so a signature names only its key.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "storage/schema.hpp"

namespace ehb::signatures {

enum class Algorithm : uint8_t { ed25519 = 1, ecdsa_sha256 = 2, rsa_sha256 = 3 };
std::string_view algorithm_name(Algorithm a);

// A public key as registered: its DER SubjectPublicKeyInfo and what it signs with.
struct PublicKey {
    std::string spki;
    Algorithm algorithm = Algorithm::ed25519;
    // The key parsed once (an EVP_PKEY, shared read-only between threads):
    // OpenSSL 3's decoders cost more than the verification itself.
    std::shared_ptr<void> parsed;
};

// A PEM public key or certificate (the certificate's key). Throws
// std::invalid_argument for anything else, and for a key of another type or
// size than the three above.
PublicKey read_public_key(std::string_view pem);
// The SPKI DER of a key of one of the three types; nullopt otherwise.
std::optional<PublicKey> public_key_from_spki(std::string_view spki);
// The first 8 bytes of SHA-256(spki) in hex: how a signature names its key.
std::string key_id(std::string_view spki);
// SHA-256 of `data` in hex, for showing what was signed.
std::string sha256_hex(std::string_view data);
// True when `signature` is the key's signature of `data`.
bool verify(const PublicKey& key, std::string_view data, std::string_view signature);

// A private key for signing (the sending side: `ehb push --signing-key`).
class SigningKey {
public:
    // A PEM private key (PKCS#8 or traditional); throws std::invalid_argument.
    explicit SigningKey(std::string_view pem);
    ~SigningKey();
    SigningKey(const SigningKey&) = delete;
    SigningKey& operator=(const SigningKey&) = delete;
    const std::string& key_id() const { return key_id_; }
    std::string sign(std::string_view data) const;

private:
    void* key_;  // EVP_PKEY
    Algorithm algorithm_;
    std::string key_id_;
};

// ---- The evidence a log entry keeps (LogEntry::signature) ----

enum class Method : uint8_t { detached = 1, xmldsig = 2 };
// A signature that does not verify is never stored: its record is rejected.
enum class Status : uint8_t { verified = 1, unverifiable = 2 };

struct Evidence {
    Method method = Method::detached;
    Status status = Status::verified;
    std::string_view algorithm;   // "ed25519", "ecdsa-sha256", "rsa-sha256", or an XML signature's method
    std::string_view key_id;      // the registered key that verified it; empty when unverifiable
    std::string_view signature;   // a detached signature's bytes; empty for an XML signature (it is in the document)
    std::string_view reason;      // why unverifiable; else empty
    schema::Codec codec = schema::Codec::raw;
    uint32_t raw_size = 0;        // of the signed bytes
    std::string_view signed_bytes;  // the document exactly as received, encoded with `codec`

    static constexpr uint8_t kLayout = 1;
    void encode(std::string& out) const;
    // Views point into `b`; nullopt when `b` is not Evidence of this layout.
    static std::optional<Evidence> decode(std::string_view b);
};

std::string_view method_name(Method m);
std::string_view status_name(Status s);

}  // namespace ehb::signatures
