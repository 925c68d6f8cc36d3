#include "engine/feed.hpp"

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <stdexcept>

#include "engine/canonical.hpp"

namespace ehb {

namespace {

using schema::FeedType;

uint8_t type_bit(FeedType t) {
    switch (t) {
        case FeedType::accepted:
        case FeedType::new_version: return kFeedEpisodes;
        case FeedType::identity: return kFeedIdentity;
        case FeedType::appointment: return kFeedAppointments;
    }
    return 0;
}

std::string_view kind_name(uint8_t kind) {
    switch (kind) {
        case 1: return "episode";
        case 2: return "checkin";
        case 3: return "vaccination";
    }
    return "unknown";
}

void append_province(std::string& out, std::string_view key, uint8_t province) {
    if (province == 0) return;
    char buf[3] = {char('0' + province / 10), char('0' + province % 10), 0};
    append_json_member(out, key, {buf, 2});
}

void append_day(std::string& out, std::string_view key, uint32_t day) {
    char buf[384];
    std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", day / 10000, day / 100 % 100, day % 100);
    append_json_member(out, key, buf);
}

}  // namespace

namespace {

// Bits of a comma-separated list of names: names[i] is bit i.
bool parse_names(std::string_view list, std::initializer_list<std::string_view> names, uint8_t& bits) {
    bits = 0;
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        const std::string_view name = list.substr(0, comma);
        const auto it = std::find(names.begin(), names.end(), name);
        if (it == names.end()) return false;
        bits |= static_cast<uint8_t>(1u << (it - names.begin()));
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return bits != 0;
}

}  // namespace

bool parse_feed_types(std::string_view list, uint8_t& bits) {
    return parse_names(list, {"episode", "identity", "appointment"}, bits);
}

bool parse_feed_kinds(std::string_view list, uint8_t& bits) {
    return parse_names(list, {"episode", "checkin", "vaccination"}, bits);
}

bool FeedFilter::matches(const schema::FeedEntry& e) const {
    if ((types & type_bit(e.type)) == 0) return false;
    // Identity events are about a person, not a record: the kinds leave them alone.
    if (e.type != FeedType::identity && e.kind >= 1 && e.kind <= 3 && (kinds & (1u << (e.kind - 1))) == 0) return false;
    if (residence_province != 0 && e.residence_province != residence_province) return false;
    if (facility_province != 0 && e.facility_province != facility_province) return false;
    return true;
}

void FeedReader::render(const StoreReader& r, uint64_t seq, const schema::FeedEntry& e, bool with_record,
                        std::string& out) {
    out += "{\"seq\":";
    out += std::to_string(seq);
    out += ",\"time\":";
    append_json_time(out, e.time_us);
    if (e.type == FeedType::identity) {
        append_json_member(out, "type", "identity");
        append_province(out, "residence_province", e.residence_province);
        const std::string_view row = r.numbered(r.tables().person_events, e.ref);
        if (row.empty()) throw std::runtime_error("feed: identity event " + std::to_string(e.ref) + " is missing");
        append_json_number(out, "event_id", e.ref);
        out += ",\"event\":";
        out += row;
        out += '}';
        return;
    }
    auto entry = r.entry(e.ref);
    if (!entry) throw std::runtime_error("feed: log entry " + std::to_string(e.ref) + " is missing");
    const std::string_view key = entry->episode_key;
    if (e.type == FeedType::appointment) {
        append_json_member(out, "type", "appointment");
        append_json_member(out, "change", e.day_before == 0 ? "booked" : e.day_after == 0 ? "cancelled" : "moved");
    } else {
        append_json_member(out, "type", "episode");
        append_json_member(out, "status", e.type == FeedType::accepted ? "accepted" : "new_version");
    }
    append_json_member(out, "kind", kind_name(e.kind));
    append_json_member(out, "facility", key.substr(0, schema::kFacilityLength));
    append_json_member(out, "ma_lk", key.substr(schema::kFacilityLength));
    append_json_number(out, "log_seq", e.ref);
    append_json_number(out, "version", entry->version);
    if (entry->filed_under) append_json_number(out, "person", entry->filed_under.value);
    append_province(out, "facility_province", e.facility_province);
    append_province(out, "residence_province", e.residence_province);
    if (e.type == FeedType::appointment) {
        if (e.day_after != 0) append_day(out, "day", e.day_after);
        if (e.day_before != 0) append_day(out, "previous_day", e.day_before);
    } else {
        out += ",\"principal\":";
        append_canonical_string(out, entry->principal);
        if (with_record) {
            decompressor_.decompress(entry->codec, entry->payload, entry->raw_size, record_);
            out += ",\"record\":";
            out += record_;
        }
    }
    out += '}';
}

void FeedReader::read(const StoreReader& r, uint64_t from, const FeedFilter& filter, const FeedLimits& limits,
                      FeedChunk& out) {
    out.clear();
    if (from == 0) from = 1;
    out.next = from;
    if (from > limits.until) return;
    std::size_t scanned = 0;
    r.feed(from, [&](uint64_t seq, const schema::FeedEntry& e) {
        if (seq > limits.until) return false;
        out.next = seq + 1;
        if (filter.matches(e)) {
            render(r, seq, e, filter.records, out.text);
            out.seqs.push_back(seq);
            out.ends.push_back(out.text.size());
        }
        return ++scanned < limits.scanned && out.seqs.size() < limits.events && out.text.size() < limits.bytes &&
               seq < limits.until;
    });
}

}  // namespace ehb
