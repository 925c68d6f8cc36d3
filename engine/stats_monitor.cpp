// facility_monitor_json: the connectivity monitor's page (engine/stats.hpp).
#include <algorithm>
#include <cstdio>

#include "engine/calendar.hpp"
#include "engine/stats.hpp"
#include "engine/stats_keys.hpp"
#include "engine/stats_table.hpp"

namespace ehb {

namespace {

using namespace stats;

struct FacilityDay {
    std::string facility;
    std::array<int64_t, kMaxFields> totals{};
    std::vector<std::pair<std::string, int64_t>> codes;
};

constexpr std::array<std::string_view, kDelayBucketCount> kBucketNames = {"<1h",    "1-6h", "6-24h",
                                                                          "24-48h", "2-7d", ">7d"};
constexpr std::array<std::string_view, 5> kCounterNames = {"pushed", "accepted", "duplicate", "new_version",
                                                           "rejected"};

// "2025-01-10T08:30:00+07:00" of a UTC time in microseconds.
std::string local_time(int64_t us) {
    const int64_t s = us / 1'000'000 + kVietnamOffsetMinutes * 60;
    int y = 0, m = 0, d = 0;
    civil_from_days(s / 86400, y, m, d);
    const int64_t t = s % 86400;
    char buf[384];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", y, m, d, static_cast<int>(t / 3600),
                  static_cast<int>(t / 60 % 60), static_cast<int>(t % 60));
    return buf;
}

void append_facility(std::string& out, const FacilityDay& f, std::size_t top_codes) {
    out += "{\"facility\":";
    append_json_string(out, f.facility);
    for (std::size_t i = 0; i < kCounterNames.size(); ++i)
        out.append(",\"").append(kCounterNames[i]).append("\":").append(std::to_string(f.totals[i]));
    out += ",\"last_push\":";
    if (f.totals[kLastPush] > 0) out += std::string("\"") + local_time(f.totals[kLastPush]) + "\"";
    else out += "null";
    std::vector<std::pair<std::string, int64_t>> codes = f.codes;
    std::sort(codes.begin(), codes.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    codes.resize(std::min(codes.size(), top_codes));
    out += ",\"reject_codes\":[";
    for (std::size_t i = 0; i < codes.size(); ++i) {
        out += i ? ",{\"code\":" : "{\"code\":";
        append_json_string(out, codes[i].first);
        out += std::string(",\"count\":") + std::to_string(codes[i].second) + "}";
    }
    const int64_t n = f.totals[kDelayCount];
    out += std::string("],\"discharge_to_arrival\":{\"count\":") + std::to_string(n) +
           std::string(",\"total_minutes\":") + std::to_string(f.totals[kDelayMinutes]) + ",\"mean_minutes\":";
    if (n > 0) out += std::to_string(f.totals[kDelayMinutes] / n);
    else out += "null";
    int64_t within = 0;
    out += ",\"buckets\":{";
    for (std::size_t b = 0; b < kDelayBucketCount; ++b) {
        const int64_t c = f.totals[kDelayBuckets + b];
        if (b < 3) within += c;
        if (b) out.push_back(',');
        append_json_string(out, kBucketNames[b]);
        out += std::string(":") + std::to_string(c);
    }
    out += std::string("},\"within_24h\":") + std::to_string(within) + "}}";
}

// Every facility's counters of the day (and their sum in `all`), in facility order.
void collect(const Store& store, const MonitorQuery& q, std::vector<FacilityDay>& facilities, FacilityDay& all) {
    all.facility = "all";
    store.read([&](const StoreReader& r) {
        lmdb::Cursor c(r.txn(), r.tables().stats);
        const std::string prefix = kind_key(Kind::monitor, q.day);
        std::string_view k = prefix, v;
        for (bool ok = c.get(k, v, MDB_SET_RANGE); ok && k.starts_with(prefix); ok = c.get(k, v, MDB_NEXT)) {
            if (k.size() < kMonitorKeySize) continue;
            const Facility f = get_facility(k, 5);
            std::string name(facility_text(f));
            if (name.empty()) name = "unknown";
            if (!q.facility.empty() && name != q.facility) continue;
            if (!q.province.empty() && !name.starts_with(q.province)) continue;
            if (facilities.empty() || facilities.back().facility != name) facilities.push_back({name, {}, {}});
            FacilityDay& day = facilities.back();
            if (k.size() > kMonitorKeySize) {
                const int64_t count = v.size() >= 4 ? schema::load<uint32_t>(v.data()) : 0;
                day.codes.emplace_back(std::string(k.substr(kMonitorKeySize)), count);
                auto same = std::find_if(all.codes.begin(), all.codes.end(),
                                         [&](const auto& e) { return e.first == k.substr(kMonitorKeySize); });
                if (same == all.codes.end()) all.codes.emplace_back(std::string(k.substr(kMonitorKeySize)), count);
                else same->second += count;
                continue;
            }
            std::size_t at = 0;
            for (std::size_t i = 0; i < kMonitorTotals.fields && at + kMonitorTotals.width[i] <= v.size(); ++i) {
                const int64_t x = kMonitorTotals.width[i] == 4 ? int64_t{schema::load<uint32_t>(v.data() + at)}
                                                               : schema::load<int64_t>(v.data() + at);
                day.totals[i] = x;
                all.totals[i] = i == kLastPush ? std::max(all.totals[i], x) : all.totals[i] + x;
                at += kMonitorTotals.width[i];
            }
        }
        return 0;
    });
}

}  // namespace

std::vector<MonitorFacility> facility_monitor_counts(const Store& store, const MonitorQuery& q) {
    std::vector<FacilityDay> facilities;
    FacilityDay all;
    collect(store, q, facilities, all);
    std::vector<MonitorFacility> out;
    out.reserve(facilities.size());
    for (const FacilityDay& f : facilities) {
        MonitorFacility m{f.facility, {}, f.totals[kLastPush]};
        for (std::size_t i = 0; i < m.counts.size(); ++i) m.counts[i] = f.totals[i];
        out.push_back(std::move(m));
    }
    return out;
}

std::string facility_monitor_json(const Store& store, const MonitorQuery& q) {
    std::vector<FacilityDay> facilities;
    FacilityDay all;
    collect(store, q, facilities, all);
    char day[384];
    std::snprintf(day, sizeof day, "%04u-%02u-%02u", q.day / 10000, q.day / 100 % 100, q.day % 100);
    std::string out = "{\"report\":\"facility_monitor\",\"query\":{\"day\":\"";
    out += day;
    out += "\",\"province\":";
    append_json_string(out, q.province);
    out += ",\"facility\":";
    append_json_string(out, q.facility);
    out += std::string(",\"top_codes\":") + std::to_string(q.top_codes) + "}";
    out += R"j(,"definitions":{"day":"the Vietnam local date (UTC+7) of arrival",)j"
           R"j("facility":"MA_CSKCB; for a rejected document the facility principal's own, else MA_CSKCB if the document was read that far, else unknown",)j"
           R"j("discharge_to_arrival":"minutes from XML1.NGAY_RA (UTC+7) to the arrival of the episode's first full record (the 24-hour rule)"})j";
    out += ",\"facilities\":[";
    for (std::size_t i = 0; i < facilities.size(); ++i) {
        if (i) out.push_back(',');
        append_facility(out, facilities[i], q.top_codes);
    }
    out += "],\"totals\":";
    append_facility(out, all, q.top_codes);
    out += "}";
    return out;
}

}  // namespace ehb
