#include "engine/person/person_json.hpp"

#include <chrono>
#include <cstdio>

#include "engine/canonical.hpp"

namespace ehb::person {
namespace {

// "yyyy-mm-dd" of a day count since 1970-01-01 (UTC).
void append_day(std::string& out, uint32_t day) {
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
    char buf[32];
    std::snprintf(buf, sizeof buf, "\"%04d-%02u-%02u\"", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    out += buf;
}

}  // namespace

std::string_view id_system_label(IdSystem s) {
    switch (s) {
        case IdSystem::cccd: return "citizen_id";
        case IdSystem::cmnd: return "old_id";
        case IdSystem::passport: return "passport";
        case IdSystem::bhxh: return "social_insurance_code";
        case IdSystem::te1: return "temp_card";
        case IdSystem::mrn: return "patient_number";
    }
    return "?";
}

std::string_view source_name(Source s) {
    switch (s) {
        case Source::facility: return "facility";
        case Source::insurance: return "insurance";
        case Source::national: return "national";
    }
    return "?";
}

void append_person_json(std::string& out, uint64_t id, const PersonEntry& entry, const std::vector<uint64_t>& merged,
                        const std::vector<IdentifierSeen>& identifiers) {
    out += "{\"id\":";
    if (id != 0) append_canonical_string(out, std::to_string(id));
    else out += "null";
    out += ",\"merged\":[";
    for (std::size_t i = 0; i < merged.size(); ++i) {
        if (i) out += ',';
        append_canonical_string(out, std::to_string(merged[i]));
    }
    out += "],\"identifiers\":[";
    for (std::size_t i = 0; i < identifiers.size(); ++i) {
        const IdentifierSeen& seen = identifiers[i];
        if (i) out += ',';
        out += "{\"type\":";
        append_canonical_string(out, id_system_label(seen.id.system));
        out += ",\"value\":";
        append_canonical_string(out, seen.id.value);
        out += ",\"first_seen\":";
        append_day(out, seen.first_day);
        out += ",\"last_seen\":";
        append_day(out, seen.last_day);
        out += '}';
    }
    out += "],\"best_record\":{";
    bool first = true;
    for (int f = 0; f < kBestFields; ++f) {
        const BestField& b = entry.best[f];
        if (b.value.empty()) continue;
        if (!first) out += ',';
        first = false;
        append_canonical_string(out, best_field_name(static_cast<BestFieldId>(f)));
        out += ":{\"value\":";
        append_canonical_string(out, b.value);
        out += ",\"source\":";
        append_canonical_string(out, source_name(b.source));
        out += ",\"seq\":";
        out += std::to_string(b.seq);
        out += '}';
    }
    out += "}}";
}

}  // namespace ehb::person
