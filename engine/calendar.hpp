// Civil dates and the BHYT times (yyyymmddHHMM, local time in Vietnam) as
// counts from 1970-01-01, for date arithmetic (H. Hinnant's algorithms for the
// proleptic Gregorian calendar).
#pragma once

#include <cstdint>

namespace ehb {

// Days since 1970-01-01 of a civil date.
constexpr int64_t days_from_civil(int64_t y, int64_t m, int64_t d) noexcept {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

// The civil date of a day count from 1970-01-01.
constexpr void civil_from_days(int64_t z, int& y, int& m, int& d) noexcept {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    y = static_cast<int>(yoe + era * 400 + (m <= 2));
}

// Minutes since 1970-01-01 00:00 of a checked yyyymmddHHMM, on its own clock
// (no time zone applied).
constexpr int64_t minutes_of(uint64_t t) noexcept {
    const auto v = static_cast<int64_t>(t);
    return days_from_civil(v / 100000000, v / 1000000 % 100, v / 10000 % 100) * 1440 + v / 100 % 100 * 60 + v % 100;
}

// Vietnam is UTC+7 all year.
inline constexpr int64_t kVietnamOffsetMinutes = 7 * 60;

}  // namespace ehb
