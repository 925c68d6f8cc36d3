// The OpenSSL side of engine/xmldsig.cpp: digests, certificates and
// signature checks, on bytes only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ehb::xmldsig {

enum class Hash : uint8_t { sha1, sha256, sha384, sha512 };
enum class KeyType : uint8_t { rsa, ecdsa };

std::string digest(Hash hash, std::string_view data);

struct Certificate {
    std::string spki;     // DER SubjectPublicKeyInfo
    std::string subject;  // one line, RFC 2253 order, UTF-8
};

// False when `der` is not an X.509 certificate with a public key.
bool read_certificate(std::string_view der, Certificate& out);

// True when `signature` (as XMLDSig encodes it: PKCS #1 v1.5 for RSA, r||s
// for ECDSA) signs `data` with `hash` under the key of `spki`, a key of `type`.
bool signature_matches(KeyType type, Hash hash, std::string_view spki, std::string_view data, std::string_view signature);

}  // namespace ehb::xmldsig
