#include "storage/codec.hpp"

#include <zstd.h>

#include <stdexcept>

namespace ehb {

struct Compressor::Impl {
    ZSTD_CCtx* ctx = ZSTD_createCCtx();
    uint32_t loaded = 0;  // ID of the dictionary `ctx` has digested (0: none)
    explicit Impl(int level) {
        if (!ctx) throw std::bad_alloc();
        ZSTD_CCtx_setParameter(ctx, ZSTD_c_compressionLevel, level);
        ZSTD_CCtx_setParameter(ctx, ZSTD_c_minMatch, kMinMatch);
    }
    ~Impl() { ZSTD_freeCCtx(ctx); }
};

Compressor::Compressor(int level) : impl_(std::make_unique<Impl>(level)) {}
Compressor::~Compressor() = default;
Compressor::Compressor(Compressor&&) noexcept = default;
Compressor& Compressor::operator=(Compressor&&) noexcept = default;

schema::Codec Compressor::compress(std::string_view raw, std::string& out, const Dictionary* dictionary) {
    if (uint32_t id = dictionary ? dictionary->id() : 0; id != impl_->loaded) {
        // Digested once per compressor and dictionary, then reused for every record.
        std::size_t rc = dictionary ? ZSTD_CCtx_loadDictionary(impl_->ctx, dictionary->bytes().data(),
                                                               dictionary->bytes().size())
                                    : ZSTD_CCtx_loadDictionary(impl_->ctx, nullptr, 0);
        if (ZSTD_isError(rc)) throw std::runtime_error(std::string("zstd dictionary: ") + ZSTD_getErrorName(rc));
        impl_->loaded = id;
    }
    out.resize(ZSTD_compressBound(raw.size()));
    std::size_t n = ZSTD_compress2(impl_->ctx, out.data(), out.size(), raw.data(), raw.size());
    if (ZSTD_isError(n) || n >= raw.size()) {
        out.assign(raw);
        return schema::Codec::raw;
    }
    out.resize(n);
    return schema::Codec::zstd;
}

struct Decompressor::Impl {
    ZSTD_DCtx* ctx = ZSTD_createDCtx();
    const DictionarySet* dictionaries;
    // The dictionary used last: nearly every record names the same one.
    std::shared_ptr<const Dictionary> last;
    explicit Impl(const DictionarySet* d) : dictionaries(d) {
        if (!ctx) throw std::bad_alloc();
    }
    ~Impl() { ZSTD_freeDCtx(ctx); }
};

Decompressor::Decompressor(const DictionarySet* dictionaries) : impl_(std::make_unique<Impl>(dictionaries)) {}
Decompressor::~Decompressor() = default;
Decompressor::Decompressor(Decompressor&&) noexcept = default;
Decompressor& Decompressor::operator=(Decompressor&&) noexcept = default;

void Decompressor::decompress(schema::Codec codec, std::string_view payload, std::size_t raw_size, std::string& out) {
    if (codec == schema::Codec::raw) {
        out.assign(payload);
        return;
    }
    if (codec != schema::Codec::zstd) throw std::runtime_error("log entry: unknown payload codec");
    out.resize(raw_size);
    std::size_t n;
    if (unsigned id = ZSTD_getDictID_fromFrame(payload.data(), payload.size()); id != 0) {
        if (!impl_->last || impl_->last->id() != id) {
            impl_->last = impl_->dictionaries ? impl_->dictionaries->find(id) : nullptr;
            if (!impl_->last) {
                throw std::runtime_error("log entry: compressed with unknown dictionary " + std::to_string(id));
            }
        }
        n = ZSTD_decompress_usingDDict(impl_->ctx, out.data(), out.size(), payload.data(), payload.size(),
                                       impl_->last->ddict());
    } else {
        n = ZSTD_decompressDCtx(impl_->ctx, out.data(), out.size(), payload.data(), payload.size());
    }
    if (ZSTD_isError(n) || n != raw_size) {
        throw std::runtime_error(std::string("log entry: corrupt zstd payload: ") +
                                 (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "size mismatch"));
    }
}

}  // namespace ehb
