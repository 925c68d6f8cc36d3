// Parse, validate and canonicalise one episode document (docs/records.md).
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "engine/record.hpp"

namespace ehb {

struct ParseLimits {
    std::size_t max_document_bytes = 8u << 20;  // larger documents: E_TOO_LARGE
    std::size_t max_depth = 32;                 // deeper nesting: E_DEPTH
};

// Reusable, single-threaded: keep one per thread and feed it many documents;
// its buffers are recycled, so steady-state parsing does not allocate.
class EpisodeParser {
public:
    explicit EpisodeParser(ParseLimits limits = {});
    ~EpisodeParser();
    EpisodeParser(EpisodeParser&&) noexcept;
    EpisodeParser& operator=(EpisodeParser&&) noexcept;

    // True: `out` holds the accepted record (possibly with warnings).
    // False: `error` says why the document is rejected; `out` is unspecified.
    bool parse(std::string_view json, ParsedRecord& out, Issue& error);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ehb
