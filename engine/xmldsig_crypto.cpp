#include "engine/xmldsig_crypto.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

namespace ehb::xmldsig {

namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using EcSig = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;

// Hostile input makes OpenSSL fail often; its thread's error queue would keep every failure.
struct ClearErrors {
    ClearErrors() = default;
    ClearErrors(const ClearErrors&) = delete;
    ClearErrors& operator=(const ClearErrors&) = delete;
    ~ClearErrors() { ERR_clear_error(); }
};

const EVP_MD* md(Hash hash) {
    switch (hash) {
        case Hash::sha1: return EVP_sha1();
        case Hash::sha256: return EVP_sha256();
        case Hash::sha384: return EVP_sha384();
        case Hash::sha512: return EVP_sha512();
    }
    return nullptr;
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// XMLDSig's ECDSA value is r||s, each as wide as the group order; OpenSSL wants DER.
std::string ecdsa_der(std::string_view raw, int key_bits) {
    const std::size_t half = (static_cast<std::size_t>(key_bits) + 7) / 8;
    if (raw.size() != 2 * half) return {};
    EcSig sig(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(bytes(raw), static_cast<int>(half), nullptr);
    BIGNUM* s = BN_bin2bn(bytes(raw) + half, static_cast<int>(half), nullptr);
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
        BN_free(r);
        BN_free(s);
        return {};
    }
    unsigned char* der = nullptr;
    const int n = i2d_ECDSA_SIG(sig.get(), &der);
    if (n <= 0) return {};
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
    return out;
}

}  // namespace

std::string digest(Hash hash, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(data.data(), data.size(), out, &n, md(hash), nullptr) != 1) return {};
    return std::string(reinterpret_cast<const char*>(out), n);
}

bool read_certificate(std::string_view der, Certificate& out) {
    const ClearErrors clear;
    const unsigned char* p = bytes(der);
    Cert cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!cert) return false;
    EVP_PKEY* key = X509_get0_pubkey(cert.get());
    if (!key) return false;
    unsigned char* spki = nullptr;
    const int n = i2d_PUBKEY(key, &spki);
    if (n <= 0) return false;
    out.spki.assign(reinterpret_cast<const char*>(spki), static_cast<std::size_t>(n));
    OPENSSL_free(spki);
    Bio bio(BIO_new(BIO_s_mem()));
    out.subject.clear();
    if (bio && X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert.get()), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
        char* text = nullptr;
        const long len = BIO_get_mem_data(bio.get(), &text);
        if (len > 0) out.subject.assign(text, static_cast<std::size_t>(len));
    }
    return true;
}

bool signature_matches(KeyType type, Hash hash, std::string_view spki, std::string_view data, std::string_view signature) {
    const ClearErrors clear;
    const unsigned char* p = bytes(spki);
    Pkey key(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
    if (!key) return false;
    const int id = EVP_PKEY_get_base_id(key.get());
    if ((type == KeyType::rsa && id != EVP_PKEY_RSA) || (type == KeyType::ecdsa && id != EVP_PKEY_EC)) return false;
    std::string der;
    if (type == KeyType::ecdsa) {
        der = ecdsa_der(signature, EVP_PKEY_get_bits(key.get()));
        if (der.empty()) return false;
        signature = der;
    }
    MdCtx ctx(EVP_MD_CTX_new());
    return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, md(hash), nullptr, key.get()) == 1 &&
           EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(data), data.size()) == 1;
}

}  // namespace ehb::xmldsig
