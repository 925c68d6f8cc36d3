#include "engine/appointments.hpp"

#include <simdjson.h>

#include "engine/book.hpp"
#include "engine/canonical.hpp"
#include "engine/followups.hpp"
#include "engine/validate.hpp"
#include "storage/codec.hpp"

namespace ehb {

namespace {

struct Due {
    uint32_t day = 0;
    std::string episode_key;
    schema::PersonKey filed_under;
    bool flagged = false;
    std::string canonical;
};

void member(std::string& out, std::string_view key, std::string_view value) {
    out += ',';
    append_canonical_string(out, key);
    out += ':';
    append_canonical_string(out, value);
}

}  // namespace

bool parse_day(std::string_view s, uint32_t& day) {
    if (!is_real_date8(s)) return false;
    day = 0;
    for (char c : s) day = day * 10 + static_cast<uint32_t>(c - '0');
    return true;
}

std::string appointments_json(const Store& store, const AppointmentQuery& q, std::string* last_key) {
    // The index and each current version, in one read; the books after it.
    std::vector<Due> due;
    bool truncated = false;
    store.read([&](const StoreReader& r) {
        Decompressor decompressor(&store.dictionaries());
        r.appointments(q.from, q.to, [&](uint32_t day, std::string_view key) {
            if (!q.province.empty() && key.substr(0, 2) != q.province) return true;
            if (due.size() == q.limit) {
                truncated = true;
                if (last_key && !due.empty()) {
                    schema::appointment_key(due.back().day, due.back().episode_key, *last_key);
                }
                return false;
            }
            auto head = r.episode(key);
            auto entry = head ? r.entry(head->current_seq) : std::nullopt;
            if (!entry) return true;
            Due& d = due.emplace_back();
            d.day = day;
            d.episode_key.assign(key);
            d.filed_under = entry->filed_under;
            d.flagged = entry->flags & schema::kFlagConflict;
            decompressor.decompress(entry->codec, entry->payload, entry->raw_size, d.canonical);
            return true;
        }, q.after);
        return 0;
    });

    std::string out = "{\"from\":";
    append_canonical_string(out, std::to_string(q.from));
    out += ",\"to\":";
    append_canonical_string(out, std::to_string(q.to));
    if (!q.province.empty()) member(out, "province", q.province);
    if (truncated) out += ",\"truncated\":true";
    out += ",\"appointments\":[";
    BookReader reader(store);
    Book book;
    simdjson::dom::parser parser;
    for (std::size_t i = 0; i < due.size(); ++i) {
        const Due& d = due[i];
        const std::string_view facility = std::string_view(d.episode_key).substr(0, schema::kFacilityLength);
        const std::string_view ma_lk = std::string_view(d.episode_key).substr(schema::kFacilityLength);
        // The appointment's state comes from the other visits in its person's
        // book and from this version itself (read last: the book may have moved on).
        std::vector<FollowUpFacts> facts;
        if (d.filed_under) {
            reader.read(d.filed_under, book);
            for (const BookEpisode& ep : book.episodes) {
                simdjson::dom::element other;
                if (ep.facility == facility && ep.ma_lk == ma_lk) continue;
                if (parser.parse(ep.current.canonical).get(other) != simdjson::SUCCESS) continue;
                facts.push_back(follow_up_facts(other, ep.current.kind));
            }
        }
        simdjson::dom::element doc, appointment, summary;
        if (parser.parse(d.canonical).get(doc) != simdjson::SUCCESS || doc["XML14"].get(appointment) ||
            doc["XML1"].get(summary))
            continue;
        facts.push_back(follow_up_facts(doc, RecordKind::episode));
        const FollowUp follow = follow_ups(facts, q.today).back();

        if (out.back() != '[') out += ',';
        out += "{\"day\":";
        append_canonical_string(out, std::to_string(d.day));
        member(out, "facility", facility);
        member(out, "ma_lk", ma_lk);
        member(out, "status", appointment_status_name(follow.appointment.value_or(AppointmentStatus::booked)));
        if (d.filed_under) member(out, "person", d.filed_under.text());
        if (d.flagged) out += ",\"flagged\":true";
        for (const char* field : {"HO_TEN", "SO_CCCD", "MA_THE_BHYT", "DIEN_THOAI"}) {
            std::string_view v;
            if (summary[field].get(v) == simdjson::SUCCESS) member(out, field, v);
        }
        out += ",\"appointment\":";
        out += simdjson::to_string(appointment);
        out += '}';
    }
    out += "]}";
    return out;
}

}  // namespace ehb
