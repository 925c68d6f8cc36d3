// New signing keys for tests and benchmarks of facility data signatures
// (engine/signatures.hpp), made in-process with OpenSSL, as PEM.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace ehb::test {

struct KeyPems {
    std::string private_pem, public_pem;
};

// `type`: "ED25519", "EC" (P-256) or "RSA" (`rsa_bits`).
inline KeyPems new_signing_key(const std::string& type, unsigned rsa_bits = 2048) {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        type == "EC"    ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")
        : type == "RSA" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(rsa_bits))
                        : EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"),
        EVP_PKEY_free);
    if (!key) throw std::runtime_error("keygen failed");
    auto pem = [&](bool priv) {
        std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
        if (priv) PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
        else PEM_write_bio_PUBKEY(bio.get(), key.get());
        char* data = nullptr;
        const long n = BIO_get_mem_data(bio.get(), &data);
        return std::string(data, static_cast<std::size_t>(n));
    };
    return {pem(true), pem(false)};
}

}  // namespace ehb::test
