// A histogram with fixed buckets, as Prometheus exposes them: counts per
// upper bound, a sum and a count. Not synchronised: each owner guards its own.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace ehb {

class Histogram {
public:
    // Latencies in microseconds, 100 µs to a minute.
    static constexpr std::array<uint64_t, 18> kMicroseconds = {
        100, 250, 500, 1'000, 2'500, 5'000, 10'000, 25'000, 50'000, 100'000, 250'000, 500'000,
        1'000'000, 2'500'000, 5'000'000, 10'000'000, 30'000'000, 60'000'000};
    // Sizes (records in a commit, changes in a delivery).
    static constexpr std::array<uint64_t, 9> kSizes = {1, 10, 100, 1'000, 4'096, 10'000, 32'768, 100'000, 1'000'000};

    // `bounds` are ascending upper bounds; an unbounded bucket follows them.
    explicit Histogram(std::span<const uint64_t> bounds = kMicroseconds)
        : bounds_(bounds), counts_(bounds.size() + 1) {}

    void add(uint64_t value) {
        std::size_t i = 0;
        while (i < bounds_.size() && value > bounds_[i]) ++i;
        ++counts_[i];
        ++count_;
        sum_ += value;
    }
    std::span<const uint64_t> bounds() const { return bounds_; }
    uint64_t count() const { return count_; }
    uint64_t sum() const { return sum_; }
    uint64_t bucket(std::size_t i) const { return counts_[i]; }  // not cumulative; i ≤ bounds().size()
    // The q-quantile (0 < q ≤ 1), interpolated within its bucket; 0 when
    // empty. In the unbounded bucket it answers the last bound.
    uint64_t quantile(double q) const {
        if (count_ == 0) return 0;
        const double rank = q * double(count_);
        double below = 0;
        for (std::size_t i = 0; i < counts_.size(); ++i) {
            if (counts_[i] == 0 || below + double(counts_[i]) < rank) {
                below += double(counts_[i]);
                continue;
            }
            if (i == bounds_.size()) break;
            const double lo = i == 0 ? 0 : double(bounds_[i - 1]), hi = double(bounds_[i]);
            return uint64_t(lo + (hi - lo) * (rank - below) / double(counts_[i]));
        }
        return bounds_.back();
    }
    // Adds another histogram of the same bounds.
    void merge(const Histogram& other) {
        for (std::size_t i = 0; i < counts_.size() && i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
        count_ += other.count_;
        sum_ += other.sum_;
    }

private:
    std::span<const uint64_t> bounds_;
    std::vector<uint64_t> counts_;
    uint64_t count_ = 0, sum_ = 0;
};

}  // namespace ehb
