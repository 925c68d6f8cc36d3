// The book as JSON, grouped as the health book's four information groups
// (QĐ 31/QĐ-BYT: administrative, history, episodes, summaries); the format
// is in docs/operations.md, "ehb book".
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <map>

#include "engine/book.hpp"
#include "engine/calendar.hpp"
#include "engine/canonical.hpp"
#include "engine/followups.hpp"
#include "engine/person/person_json.hpp"
#include "engine/tables.hpp"

namespace ehb {

namespace {

using simdjson::dom::element;


std::string_view format_name(SourceFormat f) {
    switch (f) {
        case SourceFormat::json: return "json";
        case SourceFormat::xml: return "xml";
        case SourceFormat::fhir: return "fhir";
    }
    return "?";
}

void key_value(std::string& out, std::string_view key, std::string_view value) {
    append_canonical_string(out, key);
    out += ':';
    append_canonical_string(out, value);
}

// The person: its number, the persons merged into it, every identifier with
// the days it was first and last seen, and the best record with each field's provenance.
void append_person(std::string& out, const Book& book) {
    std::vector<uint64_t> merged;
    for (schema::PersonKey k : book.filed_under)
        if (k != book.root && k.type == schema::PersonType::person) merged.push_back(k.value);
    const uint64_t id = book.root.type == schema::PersonType::person ? book.root.value : 0;
    person::append_person_json(out, id, book.person, merged, book.identifiers);
}

void append_version(std::string& out, const BookVersion& v) {
    out += "{\"seq\":" + std::to_string(v.seq);
    out += ",\"status\":";
    append_canonical_string(out, v.status == schema::EntryStatus::new_version ? "new_version" : "accepted");
    out += v.flagged ? ",\"flagged\":true" : ",\"flagged\":false";
    out += ",\"arrival\":";
    append_json_time(out, v.arrival_us);
    out += ',';
    key_value(out, "format", format_name(v.format));
    if (v.kind == RecordKind::episode) {
        out += ',';
        key_value(out, "generation", generation_name(v.generation));
    }
    out += ",\"principal\":";
    append_canonical_string(out, v.principal);
    out += ",\"warnings\":";
    out += v.warnings.empty() ? "[]" : v.warnings;
    if (!v.source.empty()) {
        out += ",\"signature\":";
        append_canonical_string(out, v.source);
    }
    out += ",\"signature_status\":";
    append_canonical_string(out, v.signed_by ? signatures::status_name(v.signed_by->status) : "unsigned");
    if (v.signed_by) {
        out += ",\"signed_by\":{";
        key_value(out, "method", signatures::method_name(v.signed_by->method));
        out += ',';
        key_value(out, "algorithm", v.signed_by->algorithm);
        if (!v.signed_by->key_id.empty()) {
            out += ',';
            key_value(out, "key_id", v.signed_by->key_id);
        }
        if (!v.signed_by->reason.empty()) {
            out += ',';
            key_value(out, "reason", v.signed_by->reason);
        }
        out += '}';
    }
    out += ",\"record\":";
    out += v.canonical;
    out += '}';
}

// yyyymmddHHMM in Vietnam as microseconds since the epoch.
int64_t vietnam_time_us(uint64_t t) { return (minutes_of(t) - kVietnamOffsetMinutes) * 60'000'000; }

void append_timing(std::string& out, const schema::RecordTiming& t) {
    const int64_t after_us = t.closed_us - vietnam_time_us(t.discharged);
    char hours[32];
    std::snprintf(hours, sizeof hours, "%.2f", static_cast<double>(after_us) / 3.6e9);
    out += ",\"timing\":{\"discharged\":";
    append_canonical_string(out, std::to_string(t.discharged));
    out += ",\"record_arrival\":";
    append_json_time(out, t.closed_us);
    out += ",\"hours_after_discharge\":";
    out += hours;
    out += after_us <= int64_t{24} * 3'600'000'000 ? ",\"within_24h\":true}" : ",\"within_24h\":false}";
}

// "facility":…,"ma_lk":… of an episode.
void append_key(std::string& out, const BookEpisode& ep) {
    key_value(out, "facility", ep.facility);
    out += ',';
    key_value(out, "ma_lk", ep.ma_lk);
}

void append_ref(std::string& out, std::string_view name, const BookEpisode& ep) {
    out += ',';
    append_canonical_string(out, name);
    out += ":{";
    append_key(out, ep);
    out += '}';
}

// The fields of the administrative group, in the order shown.
constexpr std::array<const char*, 17> kAdministrative = {
    "HO_TEN",        "NGAY_SINH",     "GIOI_TINH", "SO_CCCD",    "MA_QUOCTICH", "MA_DANTOC",
    "MA_NGHE_NGHIEP", "NHOM_MAU",     "DIA_CHI",   "MATINH_CU_TRU", "MAHUYEN_CU_TRU", "MAXA_CU_TRU",
    "DIEN_THOAI",    "MA_THE_BHYT",   "MA_DKBD",   "GT_THE_TU",  "GT_THE_DEN"};

// The table of a record that carries the person: XML1, XML0 or TIEM_CHUNG.
bool person_table(const element& doc, element& t) {
    return doc["XML1"].get(t) == simdjson::SUCCESS || doc["XML0"].get(t) == simdjson::SUCCESS ||
           doc["TIEM_CHUNG"].get(t) == simdjson::SUCCESS;
}

struct Diagnosis {
    uint64_t first = 0, last = 0;
    unsigned episodes = 0;
};

void add_codes(std::map<std::string, Diagnosis>& out, std::string_view list, uint64_t when) {
    while (!list.empty()) {
        const std::size_t cut = list.find(';');
        std::string_view code = list.substr(0, cut);
        list = cut == std::string_view::npos ? std::string_view{} : list.substr(cut + 1);
        if (code.empty()) continue;
        Diagnosis& d = out[std::string(code)];
        d.first = d.first == 0 ? when : std::min(d.first, when);
        d.last = std::max(d.last, when);
        ++d.episodes;
    }
}

}  // namespace

uint32_t vietnam_today() {
    using namespace std::chrono;
    const year_month_day ymd{floor<days>(system_clock::now() + hours(7))};
    return static_cast<uint32_t>(static_cast<int>(ymd.year()) * 10000 + static_cast<unsigned>(ymd.month()) * 100 +
                                 static_cast<unsigned>(ymd.day()));
}

std::string book_json(const Book& book) { return book_json(book, vietnam_today()); }

std::string book_json(const Book& book, uint32_t today) {
    // One parse of each current record gathers what the groups need; the
    // parser keeps its buffers from book to book.
    thread_local simdjson::dom::parser parser;
    std::vector<FollowUpFacts> facts;
    facts.reserve(book.episodes.size());
    std::array<std::string, kAdministrative.size()> admin;  // from the newest record that has each field
    std::map<std::string, Diagnosis> diagnoses;
    std::vector<std::string> summaries(book.episodes.size());  // "summary"/"referral"/"appointment" members
    for (std::size_t i = 0; i < book.episodes.size(); ++i) {
        const BookEpisode& ep = book.episodes[i];
        element doc;
        if (parser.parse(ep.current.canonical).get(doc) != simdjson::SUCCESS) {
            facts.push_back({});
            continue;
        }
        facts.push_back(follow_up_facts(doc, ep.current.kind));
        element t;
        if (!ep.current.flagged && person_table(doc, t)) {
            for (std::size_t f = 0; f < kAdministrative.size(); ++f) {
                element v;
                if (admin[f].empty() && t[kAdministrative[f]].get(v) == simdjson::SUCCESS)
                    admin[f] = v.is_string() ? std::string(v.get_string().value_unsafe()) : simdjson::to_string(v);
            }
        }
        if (ep.current.kind != RecordKind::episode) continue;
        if (doc["XML1"].get(t) == simdjson::SUCCESS) {
            std::string_view codes;
            if (t["MA_BENH_CHINH"].get(codes) == simdjson::SUCCESS) add_codes(diagnoses, codes, ep.admitted);
            if (t["MA_BENH_KT"].get(codes) == simdjson::SUCCESS) add_codes(diagnoses, codes, ep.admitted);
        }
        for (auto [table, name] : {std::pair{"XML8", "summary"}, {"XML13", "referral"}, {"XML14", "appointment"}}) {
            if (doc[table].get(t) != simdjson::SUCCESS) continue;
            summaries[i] += ",\"";
            summaries[i] += name;
            summaries[i] += "\":";
            summaries[i] += simdjson::to_string(t);
        }
    }
    const std::vector<FollowUp> follow = follow_ups(facts, today);

    std::string out = "{\"person\":";
    append_person(out, book);
    out += ",\"administrative\":{";
    bool first = true;
    for (std::size_t f = 0; f < kAdministrative.size(); ++f) {
        if (admin[f].empty()) continue;
        if (!first) out += ',';
        first = false;
        key_value(out, kAdministrative[f], admin[f]);
    }
    out += "},\"history\":{\"diagnoses\":[";
    first = true;
    for (const auto& [code, d] : diagnoses) {
        if (!first) out += ',';
        first = false;
        out += '{';
        key_value(out, "code", code);
        out += ",\"first\":";
        append_canonical_string(out, std::to_string(d.first));
        out += ",\"last\":";
        append_canonical_string(out, std::to_string(d.last));
        out += ",\"episodes\":" + std::to_string(d.episodes) + '}';
    }
    out += "],\"vaccinations\":[";
    first = true;
    for (const BookEpisode& ep : book.episodes) {
        if (ep.current.kind != RecordKind::vaccination) continue;
        if (!first) out += ',';
        first = false;
        const std::size_t bar = ep.ma_lk.find('|');
        out += '{';
        key_value(out, "source_system", std::string_view(ep.ma_lk).substr(0, bar));
        out += ',';
        key_value(out, "record_id", bar == std::string::npos ? "" : std::string_view(ep.ma_lk).substr(bar + 1));
        out += ",\"versions\":" + std::to_string(ep.versions) + ",\"current\":";
        append_version(out, ep.current);
        out += '}';
    }
    out += "]},\"episodes\":[";
    first = true;
    for (std::size_t i = 0; i < book.episodes.size(); ++i) {
        const BookEpisode& ep = book.episodes[i];
        if (ep.current.kind == RecordKind::vaccination) continue;
        if (!first) out += ',';
        first = false;
        out += '{';
        append_key(out, ep);
        out += ',';
        key_value(out, "state", ep.current.kind == RecordKind::checkin ? "open" : "closed");
        out += ",\"versions\":" + std::to_string(ep.versions);
        if (ep.timing.closed_us != 0) append_timing(out, ep.timing);
        if (follow[i].referred_from) append_ref(out, "referred_from", book.episodes[*follow[i].referred_from]);
        out += ",\"current\":";
        append_version(out, ep.current);
        if (!ep.earlier.empty()) {
            out += ",\"earlier\":[";
            for (std::size_t j = 0; j < ep.earlier.size(); ++j) {
                if (j) out += ',';
                append_version(out, ep.earlier[j]);
            }
            out += ']';
        }
        out += '}';
    }
    out += "],\"summaries\":[";
    first = true;
    for (std::size_t i = 0; i < book.episodes.size(); ++i) {
        if (summaries[i].empty()) continue;
        const BookEpisode& ep = book.episodes[i];
        if (!first) out += ',';
        first = false;
        out += '{';
        append_key(out, ep);
        out += summaries[i];
        if (follow[i].appointment) {
            out += ',';
            key_value(out, "appointment_status", appointment_status_name(*follow[i].appointment));
        }
        if (follow[i].attended_in) append_ref(out, "attended_in", book.episodes[*follow[i].attended_in]);
        if (follow[i].led_to) append_ref(out, "referral_led_to", book.episodes[*follow[i].led_to]);
        out += '}';
    }
    out += "]}";
    return out;
}

}  // namespace ehb
