// Payload compression for log entries (zstd; see docs/architecture.md).
// One Compressor / Decompressor per thread: each owns a reusable zstd context.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "storage/dictionary.hpp"
#include "storage/schema.hpp"

namespace ehb {

class Compressor {
public:
    explicit Compressor(int level = kCompressionLevel);
    ~Compressor();
    Compressor(Compressor&&) noexcept;
    Compressor& operator=(Compressor&&) noexcept;

    // Writes the encoded form of `raw` into `out` and returns its codec: zstd
    // (with `dictionary` when given), or raw when compression does not help.
    schema::Codec compress(std::string_view raw, std::string& out, const Dictionary* dictionary = nullptr);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

class Decompressor {
public:
    // `dictionaries` resolves the dictionary ID a frame names; may be null for a store without any.
    explicit Decompressor(const DictionarySet* dictionaries = nullptr);
    ~Decompressor();
    Decompressor(Decompressor&&) noexcept;
    Decompressor& operator=(Decompressor&&) noexcept;

    // Decodes a log entry's payload into `out`; throws std::runtime_error on corrupt data.
    void decompress(schema::Codec codec, std::string_view payload, std::size_t raw_size, std::string& out);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ehb
