#include "engine/person/similarity.hpp"

#include <algorithm>
#include <vector>

namespace ehb::person {

namespace {

constexpr std::size_t kStackLen = 64;

}  // namespace

double jaro_winkler(std::string_view a, std::string_view b) {
    if (a == b) return 1.0;
    if (a.empty() || b.empty()) return 0.0;
    a = a.substr(0, kStackLen);
    b = b.substr(0, kStackLen);
    const std::size_t la = a.size(), lb = b.size();
    const std::size_t window = std::max(la, lb) / 2 > 0 ? std::max(la, lb) / 2 - 1 : 0;

    bool a_matched[kStackLen] = {}, b_matched[kStackLen] = {};
    std::size_t matches = 0;
    for (std::size_t i = 0; i < la; ++i) {
        const std::size_t lo = i > window ? i - window : 0, hi = std::min(lb, i + window + 1);
        for (std::size_t j = lo; j < hi; ++j) {
            if (b_matched[j] || a[i] != b[j]) continue;
            a_matched[i] = b_matched[j] = true;
            ++matches;
            break;
        }
    }
    if (matches == 0) return 0.0;

    std::size_t half_transpositions = 0;  // matched characters out of order
    for (std::size_t i = 0, j = 0; i < la; ++i) {
        if (!a_matched[i]) continue;
        while (!b_matched[j]) ++j;
        if (a[i] != b[j++]) ++half_transpositions;
    }
    const double m = static_cast<double>(matches);
    const double jaro = (m / la + m / lb + (m - half_transpositions / 2.0) / m) / 3.0;
    if (jaro <= 0.7) return jaro;
    std::size_t prefix = 0;
    while (prefix < 4 && prefix < std::min(la, lb) && a[prefix] == b[prefix]) ++prefix;
    return jaro + prefix * 0.1 * (1.0 - jaro);
}

unsigned edit_distance_within(std::string_view a, std::string_view b, unsigned limit) {
    if (a.size() < b.size()) std::swap(a, b);  // b the shorter: it sizes the rows
    const std::size_t la = a.size(), lb = b.size();
    if (la - lb > limit) return limit + 1;
    if (a == b) return 0;
    // The distance is at most la: a larger limit changes nothing (and limit + 1 must not overflow).
    const std::size_t band = std::min<std::size_t>(limit, la);
    const auto beyond = static_cast<unsigned>(band + 1);

    // Three rows (OSA looks two rows back); only the cells within `band` of the diagonal are computed,
    // and the one just outside each end is set to `beyond` so the next rows read no stale value.
    unsigned stack_rows[3][kStackLen + 1];
    std::vector<unsigned> heap_rows;
    unsigned* rows[3] = {stack_rows[0], stack_rows[1], stack_rows[2]};
    if (lb > kStackLen) {
        heap_rows.resize(3 * (lb + 1));
        for (int r = 0; r < 3; ++r) rows[r] = heap_rows.data() + r * (lb + 1);
    }
    unsigned *older = rows[0], *prev = rows[1], *cur = rows[2];
    for (std::size_t j = 0; j <= std::min(lb, band + 1); ++j) prev[j] = static_cast<unsigned>(std::min(j, band + 1));

    for (std::size_t i = 1; i <= la; ++i) {
        const std::size_t lo = i > band ? i - band : 1, hi = std::min(lb, i + band);
        cur[lo - 1] = lo == 1 ? static_cast<unsigned>(std::min(i, band + 1)) : beyond;
        unsigned row_min = cur[lo - 1];
        for (std::size_t j = lo; j <= hi; ++j) {
            unsigned v = std::min({prev[j - 1] + (a[i - 1] != b[j - 1]), prev[j] + 1, cur[j - 1] + 1});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = std::min(v, older[j - 2] + 1);
            cur[j] = std::min(v, beyond);
            row_min = std::min(row_min, cur[j]);
        }
        if (hi < lb) cur[hi + 1] = beyond;
        if (row_min >= beyond) return limit + 1;
        std::swap(older, prev);
        std::swap(prev, cur);
    }
    return prev[lb] >= beyond ? limit + 1 : prev[lb];
}

bool typo_close(std::string_view a, std::string_view b, unsigned max_diff) {
    if (a.size() != b.size()) return false;
    std::size_t diffs = 0, first = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] == b[i]) continue;
        if (diffs++ == 0) first = i;
        if (diffs > max_diff && diffs > 2) return false;
    }
    if (diffs <= max_diff) return true;
    return diffs == 2 && first + 1 < a.size() && a[first] == b[first + 1] && a[first + 1] == b[first];
}

}  // namespace ehb::person
