#include "engine/access_log.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "engine/canonical.hpp"
#include "engine/identity.hpp"
#include "engine/person/person_entry.hpp"
#include "engine/person/store_index.hpp"

namespace ehb {

namespace {

// u8 layout, i64 time, PersonKey, u8 role, channel, what, flags, outcome,
// u32 episodes, then u8 + principal, u8 + identifier, u16 + purpose.
constexpr uint8_t kLayout = 1;
constexpr std::size_t kFixed = 1 + 8 + schema::PersonKey::kSize + 5 + 4;
constexpr uint8_t kFlagHistory = 1;

std::array<char, schema::PersonKey::kSize + 8> index_key(schema::PersonKey person, uint64_t seq) {
    std::array<char, schema::PersonKey::kSize + 8> k{};
    auto p = person.bytes();
    std::copy(p.begin(), p.end(), k.begin());
    const uint64_t be = __builtin_bswap64(seq);
    std::memcpy(k.data() + p.size(), &be, 8);
    return k;
}

std::string_view channel_name(AccessChannel c) {
    switch (c) {
        case AccessChannel::wire: return "wire";
        case AccessChannel::http: return "http";
        case AccessChannel::offline: return "offline";
    }
    return "unknown";
}

std::string_view what_name(AccessWhat w) {
    switch (w) {
        case AccessWhat::book: return "book";
        case AccessWhat::book_fhir: return "book_fhir";
        case AccessWhat::episode: return "episode";
        case AccessWhat::access_history: return "access_history";
    }
    return "unknown";
}

std::string_view outcome_name(AccessOutcome o) {
    switch (o) {
        case AccessOutcome::served: return "served";
        case AccessOutcome::no_records: return "no_records";
        case AccessOutcome::denied: return "denied";
    }
    return "unknown";
}

// The newest reads filed under `person` older than `before`, at most `limit`, appended newest first.
void reads_under(const StoreReader& r, schema::PersonKey person, uint64_t before, std::size_t limit,
                 std::vector<uint64_t>& out) {
    const auto prefix = person.bytes();
    const auto start = index_key(person, before);
    lmdb::Cursor c(r.txn(), r.tables().reads_by_person);
    std::string_view key(start.data(), start.size()), value;
    // The first key at or after (person, before), then step back: older reads of the same person.
    bool ok = c.get(key, value, MDB_SET_RANGE);
    ok = ok ? c.get(key, value, MDB_PREV) : c.get(key, value, MDB_LAST);
    for (std::size_t n = 0; ok && n < limit; ++n, ok = c.get(key, value, MDB_PREV)) {
        if (key.size() != start.size() || key.substr(0, prefix.size()) != schema::as_view(prefix)) break;
        out.push_back(__builtin_bswap64(schema::load<uint64_t>(key.data() + prefix.size())));
    }
}

}  // namespace

std::string encode_access(const AccessRecord& a) {
    std::string out(kFixed, '\0');
    char* p = out.data();
    *p++ = static_cast<char>(kLayout);
    p = schema::store(p, a.at_us);
    auto person = a.person.bytes();
    p = std::copy(person.begin(), person.end(), p);
    *p++ = static_cast<char>(a.role);
    *p++ = static_cast<char>(a.channel);
    *p++ = static_cast<char>(a.what);
    *p++ = static_cast<char>(a.history ? kFlagHistory : 0);
    *p++ = static_cast<char>(a.outcome);
    schema::store(p, a.episodes);
    const std::string_view principal = std::string_view(a.principal).substr(0, 255);
    const std::string_view identifier = std::string_view(a.identifier).substr(0, 255);
    const std::string_view purpose = std::string_view(a.purpose).substr(0, kMaxPurpose);
    out.push_back(static_cast<char>(principal.size()));
    out.append(principal);
    out.push_back(static_cast<char>(identifier.size()));
    out.append(identifier);
    const auto n = static_cast<uint16_t>(purpose.size());
    out.append(reinterpret_cast<const char*>(&n), 2);
    out.append(purpose);
    return out;
}

std::optional<AccessRecord> decode_access(std::string_view row) {
    if (row.size() < kFixed + 4 || static_cast<uint8_t>(row[0]) != kLayout) return std::nullopt;
    AccessRecord a;
    const char* p = row.data() + 1;
    a.at_us = schema::load<int64_t>(p);
    a.person = schema::PersonKey::from_bytes({p + 8, schema::PersonKey::kSize});
    p += 8 + schema::PersonKey::kSize;
    a.role = static_cast<Role>(p[0]);
    a.channel = static_cast<AccessChannel>(p[1]);
    a.what = static_cast<AccessWhat>(p[2]);
    a.history = p[3] & kFlagHistory;
    a.outcome = static_cast<AccessOutcome>(p[4]);
    a.episodes = schema::load<uint32_t>(p + 5);
    std::string_view rest = row.substr(kFixed);
    auto take = [&rest](std::size_t n, std::string& out) {
        if (rest.size() < n) return false;
        out.assign(rest.substr(0, n));
        rest.remove_prefix(n);
        return true;
    };
    const auto principal_size = static_cast<uint8_t>(rest[0]);
    rest.remove_prefix(1);
    if (!take(principal_size, a.principal) || rest.empty()) return std::nullopt;
    const auto identifier_size = static_cast<uint8_t>(rest[0]);
    rest.remove_prefix(1);
    if (!take(identifier_size, a.identifier) || rest.size() < 2) return std::nullopt;
    const auto purpose_size = schema::load<uint16_t>(rest.data());
    rest.remove_prefix(2);
    if (!take(purpose_size, a.purpose) || !rest.empty()) return std::nullopt;
    return a;
}

uint64_t append_access(StoreWriter& w, const AccessRecord& a) {
    const uint64_t seq = w.append_read(encode_access(a));
    const auto key = index_key(a.person, seq);
    w.tables().reads_by_person.put(w.txn(), {key.data(), key.size()}, {});
    return seq;
}

std::optional<std::vector<AccessRow>> reads_of(const StoreReader& r, std::string_view id, std::size_t limit,
                                               uint64_t before) {
    const schema::PersonKey asked = lookup_key(id);
    if (!asked) return std::nullopt;
    std::vector<schema::PersonKey> keys;
    book_keys(r, root_of(r, asked), keys);
    // Reads asked by an identifier before anyone held it were filed under the identifier.
    const std::size_t persons = keys.size();
    for (std::size_t i = 0; i < persons; ++i) {
        if (keys[i].type != schema::PersonType::person) continue;
        if (auto entry = person::decode_entry(r.person(keys[i].value))) {
            for (const person::IdentifierSeen& seen : entry->identifiers) {
                if (auto k = person::identifier_key(seen.id)) keys.push_back(k);
            }
        }
    }
    keys.push_back(asked);
    std::sort(keys.begin(), keys.end(), [](schema::PersonKey a, schema::PersonKey b) {
        return std::pair(a.type, a.value) < std::pair(b.type, b.value);
    });
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    if (before == 0) before = std::numeric_limits<uint64_t>::max();
    std::vector<uint64_t> seqs;
    for (schema::PersonKey k : keys) reads_under(r, k, before, limit, seqs);
    std::sort(seqs.begin(), seqs.end(), std::greater<>());
    seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
    if (seqs.size() > limit) seqs.resize(limit);
    std::vector<AccessRow> out;
    out.reserve(seqs.size());
    for (uint64_t seq : seqs) {
        std::string_view row;
        if (!r.tables().reads.get(r.txn(), {reinterpret_cast<const char*>(&seq), sizeof seq}, row)) {
            throw std::runtime_error("read " + std::to_string(seq) + " is indexed but missing from the access audit");
        }
        auto a = decode_access(row);
        if (!a) throw std::runtime_error("read " + std::to_string(seq) + " of the access audit has an unknown layout");
        out.push_back({seq, std::move(*a)});
    }
    return out;
}

schema::PersonKey book_person(const StoreReader& r, std::string_view id) {
    const schema::PersonKey asked = lookup_key(id);
    return asked ? root_of(r, asked) : schema::PersonKey{};
}

std::string offline_reader() {
    const char* user = getlogin();
    if (!user) user = std::getenv("USER");
    return std::string("os.") + (user ? user : std::to_string(geteuid()));
}

void append_access_json(std::string& out, const AccessRow& row) {
    const AccessRecord& a = row.record;
    out += "{\"seq\":";
    out += std::to_string(row.seq);
    out += ",\"at\":";
    append_json_time(out, a.at_us);
    out += ",\"principal\":";
    append_canonical_string(out, a.principal);
    append_json_member(out, "role", role_name(a.role));
    append_json_member(out, "channel", channel_name(a.channel));
    append_json_member(out, "what", what_name(a.what));
    out += a.history ? ",\"history\":true" : ",\"history\":false";
    append_json_member(out, "outcome", outcome_name(a.outcome));
    append_json_number(out, "episodes", a.episodes);
    out += ",\"identifier\":";
    append_canonical_string(out, a.identifier);
    out += ",\"purpose\":";
    append_canonical_string(out, a.purpose);
    out += '}';
}

}  // namespace ehb
