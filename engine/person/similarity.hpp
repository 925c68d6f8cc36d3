// String similarity for folded ASCII names and hand-typed identifiers (byte strings).
#pragma once

#include <string_view>

namespace ehb::person {

// Jaro–Winkler similarity in [0, 1]: prefix scale 0.1, common prefix up to 4, applied when the Jaro
// similarity exceeds 0.7 (Winkler's boost threshold). Two empty strings are equal (1); one empty → 0.
// No allocation: strings longer than 64 bytes are compared on their first 64.
double jaro_winkler(std::string_view a, std::string_view b);

// Optimal-string-alignment (Damerau) distance, but stops early: returns min(distance, limit + 1).
// Work O(len * (2*limit+1)); no allocation when the second string is at most 64 bytes.
unsigned edit_distance_within(std::string_view a, std::string_view b, unsigned limit);

// For identifiers typed by hand: equal length and at most `max_diff` differing positions, or exactly
// one adjacent transposition. Equal strings → true.
bool typo_close(std::string_view a, std::string_view b, unsigned max_diff);

}  // namespace ehb::person
