#pragma once

#include <cstdint>

namespace ehb {

// XXH3-128 of a record's canonical bytes: its content identity.
struct Hash128 {
    uint64_t lo = 0;
    uint64_t hi = 0;
    friend bool operator==(const Hash128&, const Hash128&) = default;
};

}  // namespace ehb
