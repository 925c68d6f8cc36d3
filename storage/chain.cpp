#include "storage/chain.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace ehb::chain {

namespace {

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

constexpr std::string_view kLogDomain{"ehb log checkpoint v1", 22};      // with its NUL
constexpr std::string_view kReadsDomain{"ehb reads checkpoint v1", 24};  // with its NUL

std::string raw_public(EVP_PKEY* pkey) {
    std::string raw(32, '\0');
    std::size_t n = raw.size();
    if (EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(raw.data()), &n) != 1 || n != 32)
        throw std::runtime_error("the checkpoint key is not an Ed25519 key");
    return raw;
}

}  // namespace

// ---- Hasher ----

struct Hasher::Impl {
    MdCtxPtr ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
};

Hasher::Hasher() : impl_(std::make_unique<Impl>()) {
    if (!impl_->ctx) throw std::runtime_error("OpenSSL: no digest context");
}
Hasher::~Hasher() = default;

Hash Hasher::next(const Hash& previous, uint64_t seq, std::string_view entry) {
    EVP_MD_CTX* ctx = impl_->ctx.get();
    Hash out{};
    unsigned int n = 0;
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx, previous.data(), previous.size()) != 1 ||
        EVP_DigestUpdate(ctx, &seq, sizeof seq) != 1 || EVP_DigestUpdate(ctx, entry.data(), entry.size()) != 1 ||
        EVP_DigestFinal_ex(ctx, out.data(), &n) != 1 || n != out.size()) {
        throw std::runtime_error("OpenSSL SHA-256 failed");
    }
    return out;
}

// ---- Checkpoint ----

std::array<char, Checkpoint::kSize> Checkpoint::bytes() const {
    std::array<char, kSize> b{};
    char* p = b.data();
    std::memcpy(p, &seq, 8);
    std::memcpy(p + 8, hash.data(), 32);
    std::memcpy(p + 40, &time_us, 8);
    std::memcpy(p + 48, key_id.data(), 8);
    std::memcpy(p + 56, signature.data(), 64);
    return b;
}

std::optional<Checkpoint> Checkpoint::from_bytes(std::string_view b) {
    if (b.size() != kSize) return std::nullopt;
    Checkpoint c;
    const char* p = b.data();
    std::memcpy(&c.seq, p, 8);
    std::memcpy(c.hash.data(), p + 8, 32);
    std::memcpy(&c.time_us, p + 40, 8);
    std::memcpy(c.key_id.data(), p + 48, 8);
    std::memcpy(c.signature.data(), p + 56, 64);
    return c;
}

std::string Checkpoint::signed_message(Of of) const {
    auto b = bytes();
    std::string m(of == Of::log ? kLogDomain : kReadsDomain);
    m.append(b.data(), kSize - signature.size());
    return m;
}

// ---- keys ----

KeyId key_id_of(std::string_view raw_public_key) {
    unsigned char digest[32];
    unsigned int n = 0;
    if (EVP_Digest(raw_public_key.data(), raw_public_key.size(), digest, &n, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("OpenSSL SHA-256 failed");
    KeyId id;
    std::memcpy(id.data(), digest, id.size());
    return id;
}

std::string hex(const unsigned char* p, std::size_t n) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s += kDigits[p[i] >> 4];
        s += kDigits[p[i] & 15];
    }
    return s;
}

SigningKey::SigningKey(void* pkey) : pkey_(pkey), public_key_(raw_public(static_cast<EVP_PKEY*>(pkey))) {}

SigningKey::~SigningKey() { EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey_)); }

SigningKey::SigningKey(SigningKey&& o) noexcept : pkey_(std::exchange(o.pkey_, nullptr)), public_key_(std::move(o.public_key_)) {}

SigningKey& SigningKey::operator=(SigningKey&& o) noexcept {
    std::swap(pkey_, o.pkey_);
    std::swap(public_key_, o.public_key_);
    return *this;
}

SigningKey SigningKey::load(const std::filesystem::path& pem) {
    std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(pem.c_str(), "r"), std::fclose);
    if (!f) throw std::runtime_error("checkpoint key " + pem.string() + ": cannot be read");
    EVP_PKEY* pkey = PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr);
    if (!pkey || EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(pkey);
        throw std::runtime_error("checkpoint key " + pem.string() + ": not an Ed25519 private key in PEM");
    }
    return SigningKey(pkey);
}

SigningKey SigningKey::create(const std::filesystem::path& pem) {
    PkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), EVP_PKEY_free);
    if (!pkey) throw std::runtime_error("OpenSSL: cannot generate an Ed25519 key");
    const int fd = ::open(pem.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("checkpoint key " + pem.string() + ": cannot be created: " + std::strerror(errno));
    std::unique_ptr<FILE, decltype(&std::fclose)> f(fdopen(fd, "w"), std::fclose);
    if (!f) {
        ::close(fd);
        throw std::runtime_error("checkpoint key " + pem.string() + ": fdopen failed");
    }
    if (PEM_write_PrivateKey(f.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
        std::fflush(f.get()) != 0 || ::fsync(fd) != 0) {
        throw std::runtime_error("checkpoint key " + pem.string() + ": cannot be written");
    }
    return SigningKey(pkey.release());
}

Signature SigningKey::sign(std::string_view message) const {
    MdCtxPtr ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    Signature sig{};
    std::size_t n = sig.size();
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, static_cast<EVP_PKEY*>(pkey_)) != 1 ||
        EVP_DigestSign(ctx.get(), sig.data(), &n, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) != 1 ||
        n != sig.size()) {
        throw std::runtime_error("OpenSSL: Ed25519 signing failed");
    }
    return sig;
}

std::string read_public_key(const std::filesystem::path& pem) {
    std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(pem.c_str(), "r"), std::fclose);
    if (!f) throw std::runtime_error("public key " + pem.string() + ": cannot be read");
    PkeyPtr pkey(PEM_read_PUBKEY(f.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
    if (!pkey || EVP_PKEY_get_id(pkey.get()) != EVP_PKEY_ED25519)
        throw std::runtime_error("public key " + pem.string() + ": not an Ed25519 public key in PEM");
    return raw_public(pkey.get());
}

bool signature_valid(std::string_view raw_public_key, std::string_view message, const Signature& signature) {
    PkeyPtr pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                             reinterpret_cast<const unsigned char*>(raw_public_key.data()),
                                             raw_public_key.size()),
                 EVP_PKEY_free);
    MdCtxPtr ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!pkey || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) return false;
    return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

}  // namespace ehb::chain
