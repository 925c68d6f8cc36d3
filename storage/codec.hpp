// Payload compression for log entries (zstd; see docs/architecture.md).
// One Compressor / Decompressor per thread: each owns a reusable zstd context.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "storage/schema.hpp"

namespace ehb {

class Compressor {
public:
    explicit Compressor(int level = 1);
    ~Compressor();
    Compressor(Compressor&&) noexcept;
    Compressor& operator=(Compressor&&) noexcept;

    // Writes the encoded form of `raw` into `out` and returns its codec: zstd,
    // or raw when compression does not make the payload smaller.
    schema::Codec compress(std::string_view raw, std::string& out);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

class Decompressor {
public:
    Decompressor();
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
