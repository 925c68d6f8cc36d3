// zstd dictionaries for log payloads (docs/architecture.md, "Compression").
// A store trains its first dictionary from its own first records; each is kept
// in the meta table under its zstd dictionary ID, which every compressed frame
// carries, so any entry can be decoded with the dictionary it was written with.
#pragma once

#include <zstd.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ehb {

class Dictionary {
public:
    // `bytes` is a zstd dictionary (as ZDICT_trainFromBuffer writes them).
    explicit Dictionary(std::string bytes);
    ~Dictionary();
    Dictionary(const Dictionary&) = delete;
    Dictionary& operator=(const Dictionary&) = delete;

    uint32_t id() const { return id_; }
    std::string_view bytes() const { return bytes_; }
    const ZSTD_DDict* ddict() const { return ddict_; }

    // Trains a dictionary from sample records; nullptr when zstd finds too little to learn.
    static std::shared_ptr<const Dictionary> train(const std::vector<std::string>& samples);

private:
    std::string bytes_;
    uint32_t id_ = 0;
    ZSTD_DDict* ddict_ = nullptr;
};

// The dictionaries of one store; shared by every compressing and decompressing thread.
class DictionarySet {
public:
    std::shared_ptr<const Dictionary> latest() const;  // nullptr until the first is trained
    std::shared_ptr<const Dictionary> find(uint32_t id) const;
    void add(std::shared_ptr<const Dictionary> dictionary);  // becomes the latest

private:
    mutable std::mutex mutex_;
    std::vector<std::shared_ptr<const Dictionary>> all_;
};

inline constexpr int kCompressionLevel = 3;       // with a dictionary, level 3 is as fast as level 1 without
// Matches shorter than 7 bytes are left as literals: fewer, longer sequences
// make decompression (every book read) ~9% faster, compression no slower and
// the payload no larger (docs/architecture.md, "Compression").
inline constexpr int kMinMatch = 7;
inline constexpr std::size_t kDictionaryBytes = 64 << 10;
inline constexpr std::size_t kDictionarySamples = 1000;  // records a store trains its first dictionary on

}  // namespace ehb
