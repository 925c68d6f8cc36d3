// The 63 province codes of the pre-2025 administrative map (TT 07/2016/TT-BCA).
// Citizen IDs keep them for life (the 2025 merger renumbered nothing), as do
// facility codes (first two digits) and MATINH_CU_TRU.
#pragma once

#include <algorithm>
#include <array>
#include <string_view>

namespace ehb {

inline constexpr std::array<std::string_view, 63> kProvinceCodes = {
    "01", "02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20", "22", "24", "25",
    "26", "27", "30", "31", "33", "34", "35", "36", "37", "38", "40", "42", "44", "45", "46", "48",
    "49", "51", "52", "54", "56", "58", "60", "62", "64", "66", "67", "68", "70", "72", "74", "75",
    "77", "79", "80", "82", "83", "84", "86", "87", "89", "91", "92", "93", "94", "95", "96"};

// Two-digit code, as in MA_CSKCB[0..2] and MATINH_CU_TRU.
inline bool is_province_code(std::string_view two_digits) {
    return std::binary_search(kProvinceCodes.begin(), kProvinceCodes.end(), two_digits);
}

}  // namespace ehb
