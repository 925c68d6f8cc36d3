// Keys and values of the statistics tables (storage/schema.hpp: `stats`,
// `followup_slips`; docs/statistics.md). Every counter lives in `stats` under
// a one-byte kind, then big-endian fields in the order a query walks them;
// values are little-endian counters.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "engine/stats_facts.hpp"

namespace ehb::stats {

enum class Kind : char {
    appointments = 'A',  // + due day (u32 yyyymmdd) + facility province (u8)        → booked, attended
    diagnoses = 'D',     // + ISO week (u32 yyyyww) + facility province (u8) + ICD (7)
                         //   + age band (u8) + sex (u8) + residence province (u8)    → visits, cost
    facilities = 'F',    // + day of admission (u32 yyyymmdd) + facility (5)          → visits, cost
    monitor = 'M',       // + arrival day, local (u32 yyyymmdd) + facility (5; zeros: unknown)
                         //   [+ reject code]                                          → MonitorField…, or rejected
    referrals = 'R',     // + month (u32 yyyymm) + from facility (5) + to facility (5)   → referred, arrived
};

// The value fields of each kind: all counters, summed; the monitor's last push is a maximum.
enum MonitorField : std::size_t {
    kPushed, kAccepted, kDuplicate, kNewVersion, kRejected, kLastPush, kDelayCount, kDelayMinutes,
    kDelayBuckets,  // kDelayBucketCount of them
};
inline constexpr std::size_t kDelayBucketCount = 6;
// Upper bounds (minutes, exclusive) of the discharge-to-arrival buckets: <1 h, <6 h, <24 h, <48 h, <7 d, more.
inline constexpr std::array<int64_t, kDelayBucketCount - 1> kDelayBounds = {60, 360, 1440, 2880, 10080};
inline constexpr std::size_t kMaxFields = kDelayBuckets + kDelayBucketCount;

struct Layout {
    std::size_t fields;
    std::array<uint8_t, kMaxFields> width;  // 4: u32, 8: i64
    std::size_t max_field = kMaxFields;     // kept as a maximum, not a sum
};
inline constexpr Layout kCountCost{2, {4, 8}};
inline constexpr Layout kTwoCounts{2, {4, 4}};
inline constexpr Layout kOneCount{1, {4}};
inline constexpr Layout kMonitorTotals{kMaxFields, {4, 4, 4, 4, 4, 8, 4, 8, 4, 4, 4, 4, 4, 4}, kLastPush};

const Layout& layout_of(std::string_view key);  // by the key's kind (and, for the monitor, its length)

inline void put_be32(std::string& k, uint32_t v) {
    const uint32_t be = __builtin_bswap32(v);
    k.append(reinterpret_cast<const char*>(&be), 4);
}
inline uint32_t get_be32(std::string_view k, std::size_t at) {
    uint32_t v;
    std::memcpy(&v, k.data() + at, 4);
    return __builtin_bswap32(v);
}
inline void put_facility(std::string& k, const Facility& f) { k.append(f.data(), f.size()); }
inline Facility get_facility(std::string_view k, std::size_t at) {
    Facility f{};
    std::memcpy(f.data(), k.data() + at, f.size());
    return f;
}

// The start of a kind's keys at `first` (a day, week or month).
inline std::string kind_key(Kind kind, uint32_t first) {
    std::string k(1, static_cast<char>(kind));
    put_be32(k, first);
    return k;
}
inline constexpr std::size_t kMonitorKeySize = 1 + 4 + 5;  // the totals row; a reject code follows for its row

// ---- followup_slips: appointments and the visits that may keep them ----
// key: facility (5) + slip length (u8) + slip + type (u8) + episode key
// value: appointment: due day (u32) + its discharge (u64 yyyymmddHHMM) + attended (u8); visit: NGAY_VAO (u64)
enum class SlipType : char { appointment = 'A', visit = 'V' };
inline std::string slip_prefix(const Facility& facility, std::string_view slip) {
    std::string k(facility.data(), facility.size());
    k.push_back(static_cast<char>(std::min<std::size_t>(slip.size(), 255)));
    k.append(slip.substr(0, 255));
    return k;
}

}  // namespace ehb::stats
