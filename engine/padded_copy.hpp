// A reusable copy of an input with simdjson's padding after it: simdjson
// reads up to SIMDJSON_PADDING bytes past the end of what it parses, so it
// parses this copy rather than the caller's bytes.
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>

namespace ehb {

class PaddedCopy {
public:
    // The bytes of `json`, padded; valid until the next call.
    const char* of(std::string_view json) {
        if (!buf_ || cap_ < json.size()) {
            cap_ = std::max(json.size(), cap_ * 2);
            buf_ = std::make_unique<char[]>(cap_ + simdjson::SIMDJSON_PADDING);
        }
        if (!json.empty()) std::memcpy(buf_.get(), json.data(), json.size());
        std::memset(buf_.get() + json.size(), 0, simdjson::SIMDJSON_PADDING);
        return buf_.get();
    }

private:
    std::unique_ptr<char[]> buf_;
    std::size_t cap_ = 0;
};

}  // namespace ehb
