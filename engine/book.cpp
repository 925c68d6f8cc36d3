#include "engine/book.hpp"

#include <algorithm>

#include "engine/canonical.hpp"
#include "engine/identity.hpp"

namespace ehb {

using schema::PersonKey;

namespace {

// The next record's payload is fetched from memory while this one decodes.
void prefetch(std::string_view bytes) {
    for (std::size_t i = 0; i < bytes.size(); i += 64) __builtin_prefetch(bytes.data() + i);
}

}  // namespace

void BookReader::load_version(const schema::LogEntry& e, uint64_t seq, BookVersion& out) {
    out.seq = seq;
    out.status = e.status;
    out.flagged = e.flags & schema::kFlagConflict;
    out.arrival_us = e.arrival_us;
    out.hash = e.hash;
    out.principal.assign(e.principal);
    out.warnings.assign(e.warnings);
    decompressor_.decompress(e.codec, e.payload, e.raw_size, out.canonical);
}

bool BookReader::read(std::string_view id, Book& out, bool with_history) {
    PersonKey key = lookup_key(id);
    if (!key) return false;
    store_.read(txn_, [&](const StoreReader& r) {
        out.root = root_of(r, key);
        book_keys(r, out.root, out.filed_under);
        seqs_.clear();
        for (PersonKey k : out.filed_under) r.filed(k, seqs_);
        std::sort(seqs_.begin(), seqs_.end());  // log order: neighbouring entries share pages
        // Order by visit (newest first) on the entry headers, before any payload is decoded.
        entries_.clear();
        for (uint64_t seq : seqs_) {
            if (auto e = r.entry(seq)) entries_.push_back({seq, *e});
        }
        std::sort(entries_.begin(), entries_.end(), [](const Found& a, const Found& b) {
            return std::pair(a.entry.admitted, a.seq) > std::pair(b.entry.admitted, b.seq);
        });
        // `out.episodes` keeps its elements' storage from earlier reads.
        out.episodes.resize(entries_.size());
        for (std::size_t i = 0; i < entries_.size(); ++i) {
            if (i + 1 < entries_.size()) prefetch(entries_[i + 1].entry.payload);
            const schema::LogEntry& e = entries_[i].entry;
            BookEpisode& ep = out.episodes[i];
            ep.facility.assign(e.episode_key.substr(0, schema::kFacilityLength));
            ep.ma_lk.assign(e.episode_key.substr(schema::kFacilityLength));
            ep.admitted = e.admitted;
            ep.versions = e.version;
            load_version(e, entries_[i].seq, ep.current);
            ep.earlier.clear();
            if (!with_history) continue;
            for (uint64_t prev = e.prev_seq; prev != 0;) {
                auto older = r.entry(prev);
                if (!older) break;
                load_version(*older, prev, ep.earlier.emplace_back());
                prev = older->prev_seq;
            }
        }
        return 0;
    });
    return true;
}

namespace {

std::string_view type_name(schema::PersonType t) {
    switch (t) {
        case schema::PersonType::citizen: return "citizen_id";
        case schema::PersonType::social_insurance: return "social_insurance_code";
        case schema::PersonType::old_id: return "old_id";
        case schema::PersonType::passport: return "passport";
        case schema::PersonType::none: break;
    }
    return "none";
}

void append_version(std::string& out, const BookVersion& v) {
    out += "{\"seq\":" + std::to_string(v.seq);
    out += ",\"status\":";
    append_canonical_string(out, v.status == schema::EntryStatus::new_version ? "new_version" : "accepted");
    out += v.flagged ? ",\"flagged\":true" : ",\"flagged\":false";
    out += ",\"arrival\":";
    append_json_time(out, v.arrival_us);
    out += ",\"principal\":";
    append_canonical_string(out, v.principal);
    out += ",\"warnings\":";
    out += v.warnings.empty() ? "[]" : v.warnings;
    out += ",\"record\":";
    out += v.canonical;
    out += '}';
}

}  // namespace

std::string book_json(const Book& book) {
    std::string out = "{\"person\":{\"owner\":{\"type\":";
    append_canonical_string(out, type_name(book.root.type));
    out += ",\"value\":";
    append_canonical_string(out, book.root.text());
    out += "},\"filed_under\":[";
    for (std::size_t i = 0; i < book.filed_under.size(); ++i) {
        if (i) out += ',';
        out += "{\"type\":";
        append_canonical_string(out, type_name(book.filed_under[i].type));
        out += ",\"value\":";
        append_canonical_string(out, book.filed_under[i].text());
        out += '}';
    }
    out += "]},\"episodes\":[";
    for (std::size_t i = 0; i < book.episodes.size(); ++i) {
        const BookEpisode& ep = book.episodes[i];
        if (i) out += ',';
        out += "{\"facility\":";
        append_canonical_string(out, ep.facility);
        out += ",\"ma_lk\":";
        append_canonical_string(out, ep.ma_lk);
        out += ",\"versions\":" + std::to_string(ep.versions);
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
    out += "]}";
    return out;
}

}  // namespace ehb
