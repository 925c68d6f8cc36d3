#include "engine/signatures.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>

#include "storage/chain.hpp"

namespace ehb::signatures {

namespace {

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

// The algorithm a key signs with, or nullopt for a type or size not accepted.
std::optional<Algorithm> algorithm_of(EVP_PKEY* pkey) {
    switch (EVP_PKEY_get_base_id(pkey)) {
        case EVP_PKEY_ED25519:
            return Algorithm::ed25519;
        case EVP_PKEY_EC: {
            char group[64];
            std::size_t n = 0;
            if (EVP_PKEY_get_utf8_string_param(pkey, "group", group, sizeof group, &n) != 1) return std::nullopt;
            if (std::string_view(group, n) != "prime256v1") return std::nullopt;
            return Algorithm::ecdsa_sha256;
        }
        case EVP_PKEY_RSA:
            if (EVP_PKEY_get_bits(pkey) < 2048) return std::nullopt;
            return Algorithm::rsa_sha256;
        default:
            return std::nullopt;
    }
}

std::string spki_of(EVP_PKEY* pkey) {
    unsigned char* der = nullptr;
    const int n = i2d_PUBKEY(pkey, &der);
    if (n <= 0) throw std::runtime_error("signatures: cannot encode a public key");
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
    return out;
}

PkeyPtr pkey_from_spki(std::string_view spki) {
    const auto* p = reinterpret_cast<const unsigned char*>(spki.data());
    PkeyPtr pkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())), EVP_PKEY_free);
    if (pkey && p != reinterpret_cast<const unsigned char*>(spki.data() + spki.size())) pkey.reset();
    return pkey;
}

std::shared_ptr<void> shared(PkeyPtr pkey) {
    return std::shared_ptr<void>(pkey.release(), [](void* p) { EVP_PKEY_free(static_cast<EVP_PKEY*>(p)); });
}

// Ed25519 hashes inside the signature; the others sign a SHA-256 digest.
const EVP_MD* digest_for(Algorithm a) { return a == Algorithm::ed25519 ? nullptr : EVP_sha256(); }

const char* const kWhich = "an Ed25519, ECDSA P-256 or RSA (2048 bits or more) key";

}  // namespace

std::string_view algorithm_name(Algorithm a) {
    switch (a) {
        case Algorithm::ed25519: return "ed25519";
        case Algorithm::ecdsa_sha256: return "ecdsa-sha256";
        case Algorithm::rsa_sha256: return "rsa-sha256";
    }
    return "unknown";
}

PublicKey read_public_key(std::string_view pem) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    PkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
    if (!pkey) {
        BioPtr again(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
        std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(again.get(), nullptr, nullptr, nullptr),
                                                          X509_free);
        if (cert) pkey.reset(X509_get_pubkey(cert.get()));
    }
    if (!pkey) throw std::invalid_argument("not a PEM public key or certificate");
    const auto algorithm = algorithm_of(pkey.get());
    if (!algorithm) throw std::invalid_argument(std::string("the key is not ") + kWhich);
    std::string spki = spki_of(pkey.get());
    return {std::move(spki), *algorithm, shared(std::move(pkey))};
}

std::optional<PublicKey> public_key_from_spki(std::string_view spki) {
    PkeyPtr pkey = pkey_from_spki(spki);
    if (!pkey) return std::nullopt;
    const auto algorithm = algorithm_of(pkey.get());
    if (!algorithm) return std::nullopt;
    return PublicKey{std::string(spki), *algorithm, shared(std::move(pkey))};
}

std::string sha256_hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &n, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("signatures: SHA-256 failed");
    return chain::hex(digest, n);
}

std::string key_id(std::string_view spki) { return sha256_hex(spki).substr(0, 16); }

bool verify(const PublicKey& key, std::string_view data, std::string_view signature) {
    PkeyPtr parsed(nullptr, EVP_PKEY_free);
    auto* pkey = static_cast<EVP_PKEY*>(key.parsed.get());
    if (!pkey) {
        parsed = pkey_from_spki(key.spki);
        pkey = parsed.get();
    }
    if (!pkey) return false;
    MdCtxPtr ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, digest_for(key.algorithm), nullptr, pkey) != 1)
        return false;
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

SigningKey::SigningKey(std::string_view pem) : key_(nullptr), algorithm_(Algorithm::ed25519) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
    if (!pkey) throw std::invalid_argument("not a PEM private key");
    const auto algorithm = algorithm_of(pkey.get());
    if (!algorithm) throw std::invalid_argument(std::string("the key is not ") + kWhich);
    algorithm_ = *algorithm;
    key_id_ = signatures::key_id(spki_of(pkey.get()));
    key_ = pkey.release();
}

SigningKey::~SigningKey() { EVP_PKEY_free(static_cast<EVP_PKEY*>(key_)); }

std::string SigningKey::sign(std::string_view data) const {
    MdCtxPtr ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    std::size_t n = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    if (!ctx ||
        EVP_DigestSignInit(ctx.get(), nullptr, digest_for(algorithm_), nullptr, static_cast<EVP_PKEY*>(key_)) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &n, in, data.size()) != 1)
        throw std::runtime_error("signatures: signing failed");
    std::string out(n, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n, in, data.size()) != 1)
        throw std::runtime_error("signatures: signing failed");
    out.resize(n);  // an ECDSA signature's DER is often shorter than its bound
    return out;
}

std::string_view method_name(Method m) { return m == Method::xmldsig ? "xmldsig" : "detached"; }
std::string_view status_name(Status s) { return s == Status::verified ? "verified" : "unverifiable"; }

void Evidence::encode(std::string& out) const {
    out.clear();
    char head[1 + 1 + 1 + 1 + 4 + 1 + 1 + 2 + 2];
    char* p = head;
    p = schema::store(p, kLayout);
    p = schema::store(p, static_cast<uint8_t>(method));
    p = schema::store(p, static_cast<uint8_t>(status));
    p = schema::store(p, static_cast<uint8_t>(codec));
    p = schema::store(p, raw_size);
    p = schema::store(p, static_cast<uint8_t>(algorithm.size()));
    p = schema::store(p, static_cast<uint8_t>(key_id.size()));
    p = schema::store(p, static_cast<uint16_t>(signature.size()));
    schema::store(p, static_cast<uint16_t>(reason.size()));
    out.append(head, sizeof head);
    for (std::string_view part : {algorithm, key_id, signature, reason, signed_bytes}) out.append(part);
}

std::optional<Evidence> Evidence::decode(std::string_view b) {
    constexpr std::size_t kHead = 1 + 1 + 1 + 1 + 4 + 1 + 1 + 2 + 2;
    if (b.size() < kHead || schema::load<uint8_t>(b.data()) != kLayout) return std::nullopt;
    const char* p = b.data();
    Evidence e;
    const auto method = schema::load<uint8_t>(p + 1), status = schema::load<uint8_t>(p + 2),
               codec = schema::load<uint8_t>(p + 3);
    if (method < 1 || method > 2 || status < 1 || status > 2 || codec > 1) return std::nullopt;
    e.method = static_cast<Method>(method);
    e.status = static_cast<Status>(status);
    e.codec = static_cast<schema::Codec>(codec);
    e.raw_size = schema::load<uint32_t>(p + 4);
    const std::size_t lengths[] = {schema::load<uint8_t>(p + 8), schema::load<uint8_t>(p + 9),
                                   schema::load<uint16_t>(p + 10), schema::load<uint16_t>(p + 12)};
    std::string_view* parts[] = {&e.algorithm, &e.key_id, &e.signature, &e.reason};
    std::size_t offset = kHead;
    for (int i = 0; i < 4; ++i) {
        if (offset + lengths[i] > b.size()) return std::nullopt;
        *parts[i] = b.substr(offset, lengths[i]);
        offset += lengths[i];
    }
    e.signed_bytes = b.substr(offset);
    return e;
}

}  // namespace ehb::signatures
