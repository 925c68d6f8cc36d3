#include "engine/book.hpp"

#include <simdjson.h>

#include <algorithm>
#include <stdexcept>

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
    out.kind = static_cast<RecordKind>(e.kind);
    out.generation = static_cast<Generation>(e.generation);
    out.format = static_cast<SourceFormat>(e.format);
    out.principal.assign(e.principal);
    out.warnings.assign(e.warnings);
    out.source.assign(e.source);
    out.signed_by.reset();
    if (!e.signature.empty()) {
        const auto evidence = signatures::Evidence::decode(e.signature);
        if (!evidence) throw std::runtime_error("log: signature evidence of an unexpected layout at " + std::to_string(seq));
        out.signed_by.emplace(BookVersion::Signed{evidence->method, evidence->status, std::string(evidence->algorithm),
                                                  std::string(evidence->key_id), std::string(evidence->reason)});
    }
    // With simdjson's padding in its capacity, book_json parses the record in place.
    out.canonical.reserve(e.raw_size + simdjson::SIMDJSON_PADDING);
    decompressor_.decompress(e.codec, e.payload, e.raw_size, out.canonical);
}

bool BookReader::read(std::string_view id, Book& out, bool with_history) {
    PersonKey key = lookup_key(id);
    if (!key) return false;
    read(key, out, with_history);
    return true;
}

void BookReader::read(PersonKey key, Book& out, bool with_history) {
    store_.read(txn_, [&](const StoreReader& r) {
        out.root = root_of(r, key);
        book_keys(r, out.root, out.filed_under);
        out.person = {};
        out.identifiers.clear();
        for (PersonKey k : out.filed_under) {
            if (k.type != schema::PersonType::person) continue;
            auto entry = person::decode_entry(r.person(k.value));
            if (!entry) continue;
            out.identifiers.insert(out.identifiers.end(), entry->identifiers.begin(), entry->identifiers.end());
            if (k == out.root) out.person = std::move(*entry);
        }
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
            ep.timing = e.timing;
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
}

}  // namespace ehb
