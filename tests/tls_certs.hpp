// Certificates for TLS tests, made in-process with OpenSSL into a directory:
// a CA, a server certificate for 127.0.0.1 and localhost (SAN), client
// certificates with a given CN. EC P-256 keys, valid from an hour ago for a day.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace ehb::test {

struct CertFiles {
    std::filesystem::path cert, key;
};

class TestCa {
public:
    // Writes `dir`/`name`.pem (the CA's certificate).
    TestCa(const std::filesystem::path& dir, const std::string& name) : dir_(dir), key_(new_key()) {
        cert_ = make(name, nullptr, key_.get(), "critical,CA:TRUE", "critical,keyCertSign,cRLSign", nullptr, nullptr);
        ca_file_ = dir / (name + ".pem");
        write_cert(ca_file_, cert_.get());
    }

    const std::filesystem::path& ca_file() const { return ca_file_; }

    // A server certificate naming `san` ("IP:127.0.0.1,DNS:localhost" by default).
    CertFiles server(const std::string& stem, const std::string& san = "IP:127.0.0.1,DNS:localhost") {
        return issue(stem, "localhost", "serverAuth", san.c_str());
    }
    // A client certificate whose subject CN is `cn`.
    CertFiles client(const std::string& stem, const std::string& cn) { return issue(stem, cn, "clientAuth", nullptr); }

private:
    using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
    using Cert = std::unique_ptr<X509, decltype(&X509_free)>;

    static Key new_key() {
        Key k(EVP_EC_gen("P-256"), EVP_PKEY_free);
        if (!k) throw std::runtime_error("EVP_EC_gen failed");
        return k;
    }

    static void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
        X509V3_CTX ctx;
        X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
        if (!ext) throw std::runtime_error(std::string("bad extension ") + value);
        X509_add_ext(cert, ext, -1);
        X509_EXTENSION_free(ext);
    }

    // Signed by this CA, or self-signed when `issuer` is null.
    Cert make(const std::string& cn, X509* issuer, EVP_PKEY* subject_key, const char* basic, const char* usage,
              const char* eku, const char* san) {
        Cert c(X509_new(), X509_free);
        X509_set_version(c.get(), 2);
        ASN1_INTEGER_set(X509_get_serialNumber(c.get()), ++serial_);
        X509_gmtime_adj(X509_getm_notBefore(c.get()), -3600);
        X509_gmtime_adj(X509_getm_notAfter(c.get()), 86400);
        X509_set_pubkey(c.get(), subject_key);
        X509_NAME* name = X509_get_subject_name(c.get());
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1,
                                   -1, 0);
        X509_set_issuer_name(c.get(), issuer ? X509_get_subject_name(issuer) : name);
        add_ext(c.get(), issuer, NID_basic_constraints, basic);
        add_ext(c.get(), issuer, NID_key_usage, usage);
        add_ext(c.get(), issuer, NID_subject_key_identifier, "hash");
        if (issuer) add_ext(c.get(), issuer, NID_authority_key_identifier, "keyid:always");
        if (eku) add_ext(c.get(), issuer, NID_ext_key_usage, eku);
        if (san) add_ext(c.get(), issuer, NID_subject_alt_name, san);
        if (X509_sign(c.get(), key_.get(), EVP_sha256()) == 0) throw std::runtime_error("X509_sign failed");
        return c;
    }

    CertFiles issue(const std::string& stem, const std::string& cn, const char* eku, const char* san) {
        Key key = new_key();
        Cert cert = make(cn, cert_.get(), key.get(), "critical,CA:FALSE", "critical,digitalSignature", eku, san);
        CertFiles files{dir_ / (stem + ".pem"), dir_ / (stem + ".key")};
        write_cert(files.cert, cert.get());
        FILE* f = std::fopen(files.key.c_str(), "w");
        if (!f || !PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr)) {
            throw std::runtime_error("cannot write " + files.key.string());
        }
        std::fclose(f);
        return files;
    }

    static void write_cert(const std::filesystem::path& path, X509* cert) {
        FILE* f = std::fopen(path.c_str(), "w");
        if (!f || !PEM_write_X509(f, cert)) throw std::runtime_error("cannot write " + path.string());
        std::fclose(f);
    }

    std::filesystem::path dir_, ca_file_;
    Key key_;
    Cert cert_{nullptr, X509_free};
    long serial_ = 0;
};

}  // namespace ehb::test
