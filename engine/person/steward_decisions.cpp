#include "engine/person/steward_decisions.hpp"

#include <simdjson.h>

namespace ehb::person {
namespace {

using schema::PersonKey;
using schema::PersonType;

// Merges are chains at most this long; the bound only guards against a damaged store.
constexpr int kMaxMergeDepth = 64;

uint64_t number(simdjson::dom::element row, const char* key) {
    std::string_view s;
    if (row[key].get(s) != simdjson::SUCCESS) return 0;
    uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return 0;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    return v;
}

// The op of an audit row, read without parsing it: rows begin
// {"time":"…","op":"…" (engine/person/steward.cpp).
std::string_view op_of(std::string_view row) {
    constexpr std::string_view kOp = ",\"op\":\"";
    const size_t at = row.substr(0, 64).find(kOp);
    if (at == std::string_view::npos) return {};
    row.remove_prefix(at + kOp.size());
    return row.substr(0, row.find('"'));
}

void read_merges(const StoreReader& r, StewardDecisions& out) {
    lmdb::Cursor c(r.txn(), r.tables().links);
    const auto first = PersonKey::person(0).bytes();
    std::string_view k(first.data(), first.size()), v;
    for (bool ok = c.get(k, v, MDB_SET_RANGE); ok; ok = c.get(k, v, MDB_NEXT)) {
        const PersonKey from = PersonKey::from_bytes(k), into = PersonKey::from_bytes(v);
        if (from.type != PersonType::person) break;
        out.merged_into.emplace(from.value, into.value);
    }
}

void read_rules(const StoreReader& r, StewardDecisions& out) {
    lmdb::Cursor c(r.txn(), r.tables().person_rules);
    std::string_view k, v;
    for (bool ok = c.get(k, v, MDB_FIRST); ok; ok = c.get(k, v, MDB_NEXT)) {
        if (k.size() != 16) continue;
        out.never_link.emplace_back(__builtin_bswap64(schema::load<uint64_t>(k.data())),
                                    __builtin_bswap64(schema::load<uint64_t>(k.data() + 8)));
    }
}

// The audit says who made each merge and who last moved each episode.
void read_audit(const StoreReader& r, StewardDecisions& out) {
    struct Merge {
        uint64_t into = 0, id = 0;
        bool automatic = false;
    };
    std::unordered_map<uint64_t, Merge> last_merge;  // merged person → its latest merge
    simdjson::dom::parser parser;
    r.scan_numbered(r.tables().person_audit, 1, [&](uint64_t id, std::string_view row) {
        const std::string_view op = op_of(row);
        if (op != "merge" && op != "link" && op != "unlink") return true;
        simdjson::dom::element e;
        if (parser.parse(row.data(), row.size()).get(e) != simdjson::SUCCESS) return true;
        bool automatic = false;
        if (e["automatic"].get(automatic) != simdjson::SUCCESS) automatic = false;
        if (op == "merge") {
            last_merge[number(e, "from")] = {number(e, "into"), id, automatic};
            return true;
        }
        std::string_view episode;
        if (e["episode"].get(episode) != simdjson::SUCCESS) return true;
        // A move re-matching made is its own decision, not a steward's: the next re-match may revisit it.
        if (automatic) out.moved.erase(std::string(episode));
        else out.moved[std::string(episode)] = number(e, "person");
        return true;
    });
    // A merge without "automatic" is a steward's (so is one the audit does not know).
    for (const auto& [from, into] : out.merged_into) {
        auto m = last_merge.find(from);
        const bool known = m != last_merge.end() && m->second.into == into;
        if (known) out.merge_audit.emplace(from, m->second.id);
        if (!known || !m->second.automatic) out.manual.insert(from);
    }
}

void read_reviews(const StoreReader& r, StewardDecisions& out) {
    simdjson::dom::parser parser;
    r.scan_numbered(r.tables().reviews, 1, [&](uint64_t, std::string_view row) {
        simdjson::dom::element e;
        uint64_t seq = 0;
        if (parser.parse(row.data(), row.size()).get(e) == simdjson::SUCCESS && e["seq"].get(seq) == simdjson::SUCCESS)
            out.reviewed.emplace(seq, number(e, "candidate"));
        return true;
    });
}

}  // namespace

uint64_t StewardDecisions::root(uint64_t person) const {
    for (int i = 0; i < kMaxMergeDepth; ++i) {
        auto it = merged_into.find(person);
        if (it == merged_into.end()) break;
        person = it->second;
    }
    return person;
}

StewardDecisions read_steward_decisions(const StoreReader& r) {
    StewardDecisions out;
    read_merges(r, out);
    read_rules(r, out);
    read_audit(r, out);
    read_reviews(r, out);
    return out;
}

}  // namespace ehb::person
