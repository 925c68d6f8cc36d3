// Randomness: splitmix64 hashing and salts, the Rng stream, the weighted Picker, affine permutations.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ehb::workload {

__extension__ typedef unsigned __int128 u128;

inline constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

constexpr uint64_t mix64(uint64_t z) {
    z += kGolden;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

constexpr uint64_t hash3(uint64_t a, uint64_t b, uint64_t c) { return mix64(mix64(a ^ mix64(b)) ^ c); }

// Salts of the independent streams.
enum Salt : uint64_t {
    kSaltKind = 1, kSaltCitizen, kSaltConflict, kSaltPlan, kSaltCorrection, kSaltSchedule, kSaltInvalid,
    kSaltPerm1, kSaltPerm2, kSaltSi, kSaltOld, kSaltPerson, kSaltFacility, kSaltSerial, kSaltTarget
};

struct Rng {
    uint64_t s;
    explicit Rng(uint64_t seed) : s(seed) {}
    uint64_t next() {
        s += kGolden;
        uint64_t z = s;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, n) (n > 0); multiply-shift, no library distribution.
    uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<u128>(next()) * n) >> 64); }
    int64_t range(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo + 1))); }
    bool per10k(uint32_t p) { return below(10000) < p; }
};

// Weighted choice over a fixed table: cumulative weights, binary search.
class Picker {
public:
    Picker() = default;
    template <class Range, class W>
    Picker(const Range& r, W weight) {
        uint64_t acc = 0;
        for (const auto& e : r) {
            acc += weight(e);
            cum_.push_back(acc);
        }
    }
    size_t pick(Rng& rng) const { return pick_at(rng.below(cum_.back())); }
    size_t pick_at(uint64_t x) const {
        return static_cast<size_t>(std::upper_bound(cum_.begin(), cum_.end(), x) - cum_.begin());
    }
    uint64_t total() const { return cum_.empty() ? 0 : cum_.back(); }

private:
    std::vector<uint64_t> cum_;
};

inline uint64_t affine(uint64_t a, uint64_t b, uint64_t x, uint64_t n) {
    return static_cast<uint64_t>((static_cast<u128>(a) * x + b) % n);
}

}  // namespace ehb::workload
