#include "engine/person/person_entry.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "storage/codec.hpp"

namespace ehb::person {
namespace {

constexpr uint8_t kLayout = 2;  // 2: identifiers carry their first log entry
// zstd of a kLayout entry: this byte, the entry's size (u32), the frame
// (format 9), for an entry larger than kPlainMaxBytes.
constexpr uint8_t kCompressedLayout = 3;
// Resolution reads every candidate's entry, and decompressing all of them was
// ~30% of its time (docs/benchmarks.md, "Format 9 at 10 million citizens"),
// so entries up to 600 bytes, 44% of them at ten million persons (a person
// with one or two profiles and few identifiers), stay plain. Larger ones are
// compressed to about half: plain they made `persons` 1.8 times larger, a
// national node's largest index in memory (docs/capacity.md), and the largest
// (a frequent visitor's, tens of profiles long) would sit on LMDB overflow
// pages that every visit rewrites.
constexpr size_t kPlainMaxBytes = 600;
constexpr uint32_t kMaxEntryBytes = 16u << 20;  // a corrupt size must not allocate more

struct Out {
    std::string& s;
    template <class T>
    void num(T v) {
        char b[sizeof v];
        std::memcpy(b, &v, sizeof v);
        s.append(b, sizeof v);
    }
    void str(std::string_view v) {
        num(static_cast<uint16_t>(std::min<size_t>(v.size(), UINT16_MAX)));
        s.append(v.substr(0, UINT16_MAX));
    }
};

struct In {
    std::string_view s;
    bool ok = true;
    template <class T>
    T num() {
        T v{};
        if (s.size() < sizeof v) return ok = false, v;
        std::memcpy(&v, s.data(), sizeof v);
        s.remove_prefix(sizeof v);
        return v;
    }
    std::string str() {
        const auto n = num<uint16_t>();
        if (!ok || s.size() < n) return ok = false, std::string();
        std::string v(s.substr(0, n));
        s.remove_prefix(n);
        return v;
    }
};

void put_names(Out& o, const NameParts& n) {
    o.str(n.family);
    o.str(n.middle);
    o.str(n.given);
    o.str(n.given_t);
}

void get_names(In& in, NameParts& n) {
    n.family = in.str();
    n.middle = in.str();
    n.given = in.str();
    n.given_t = in.str();
}

void put_id(Out& o, const Identifier& id) {
    o.num(static_cast<uint8_t>(id.system));
    o.str(id.value);
}

Identifier get_id(In& in) {
    Identifier id{static_cast<IdSystem>(in.num<uint8_t>()), {}};
    id.value = in.str();
    if (static_cast<int>(id.system) >= kIdSystems) in.ok = false;
    return id;
}

void put_profile(Out& o, const Profile& p) {
    put_names(o, p.name);
    put_names(o, p.alt);
    o.num(p.year);
    o.num(p.month);
    o.num(p.day);
    o.num(p.sex);
    o.num(static_cast<uint8_t>(p.source));
    o.num(static_cast<uint8_t>(p.newborn));
    o.str(p.address);
    o.str(p.location);
    o.str(p.province);
    o.num(static_cast<uint8_t>(p.ids.size()));
    for (const Identifier& id : p.ids) put_id(o, id);
}

void get_profile(In& in, Profile& p) {
    get_names(in, p.name);
    get_names(in, p.alt);
    p.year = in.num<uint16_t>();
    p.month = in.num<uint8_t>();
    p.day = in.num<uint8_t>();
    p.sex = in.num<uint8_t>();
    p.source = static_cast<Source>(in.num<uint8_t>());
    p.newborn = in.num<uint8_t>() != 0;
    p.address = in.str();
    p.location = in.str();
    p.province = in.str();
    const auto n = in.num<uint8_t>();
    for (unsigned i = 0; i < n && in.ok; ++i) p.ids.push_back(get_id(in));
}

}  // namespace

std::string_view best_field_name(BestFieldId f) {
    static constexpr std::string_view kNames[kBestFields] = {"name", "birth_date", "sex", "address", "ward", "province"};
    return kNames[f];
}

namespace {

std::string encode_plain(const PersonEntry& e) {
    std::string s;
    Out o{s};
    o.num(kLayout);
    o.num(e.created_us);
    o.num(e.merged_into);
    o.num(e.members);
    o.num(static_cast<uint8_t>(e.profiles.size()));
    for (const Profile& p : e.profiles) put_profile(o, p);
    o.num(static_cast<uint16_t>(e.identifiers.size()));
    for (const IdentifierSeen& i : e.identifiers) {
        put_id(o, i.id);
        o.num(i.first_day);
        o.num(i.last_day);
        o.num(i.first_seq);
    }
    for (const BestField& f : e.best) {
        o.str(f.value);
        o.num(static_cast<uint8_t>(f.source));
        o.num(f.seq);
    }
    return s;
}

std::optional<PersonEntry> decode_plain(std::string_view bytes) {
    In in{bytes};
    if (in.num<uint8_t>() != kLayout) return std::nullopt;
    PersonEntry e;
    e.created_us = in.num<int64_t>();
    e.merged_into = in.num<uint64_t>();
    e.members = in.num<uint32_t>();
    const auto profiles = in.num<uint8_t>();
    e.profiles.resize(profiles);
    for (Profile& p : e.profiles) get_profile(in, p);
    const auto ids = in.num<uint16_t>();
    for (unsigned i = 0; i < ids && in.ok; ++i) {
        IdentifierSeen& s = e.identifiers.emplace_back();
        s.id = get_id(in);
        s.first_day = in.num<uint32_t>();
        s.last_day = in.num<uint32_t>();
        s.first_seq = in.num<uint64_t>();
    }
    for (BestField& f : e.best) {
        f.value = in.str();
        f.source = static_cast<Source>(in.num<uint8_t>());
        f.seq = in.num<uint64_t>();
    }
    if (!in.ok || !in.s.empty()) return std::nullopt;
    return e;
}

}  // namespace

std::string encode_entry(const PersonEntry& e) {
    std::string plain = encode_plain(e);
    if (plain.size() <= kPlainMaxBytes) return plain;
    thread_local Compressor compressor;
    thread_local std::string frame;
    if (compressor.compress(plain, frame) != schema::Codec::zstd) return plain;
    std::string s;
    s.reserve(1 + sizeof(uint32_t) + frame.size());
    Out o{s};
    o.num(kCompressedLayout);
    o.num(static_cast<uint32_t>(plain.size()));
    s += frame;
    return s;
}

std::optional<PersonEntry> decode_entry(std::string_view bytes) {
    In in{bytes};
    if (in.num<uint8_t>() != kCompressedLayout) return decode_plain(bytes);
    const auto size = in.num<uint32_t>();
    if (!in.ok || size > kMaxEntryBytes) return std::nullopt;
    thread_local Decompressor decompressor;
    thread_local std::string plain;
    try {
        decompressor.decompress(schema::Codec::zstd, in.s, size, plain);
    } catch (const std::runtime_error&) {
        return std::nullopt;
    }
    return decode_plain(plain);
}

bool survive(PersonEntry& e, const PersonRecord& r, uint64_t seq) {
    const std::string_view values[kBestFields] = {r.full_name, r.birth, r.sex, r.address, r.location, r.province};
    bool changed = false;
    for (int f = 0; f < kBestFields; ++f) {
        BestField& b = e.best[f];
        if (values[f].empty() || values[f] == b.value) continue;
        // A more trusted source wins; among equals, the more recent record.
        const bool wins = b.value.empty() || r.source > b.source || (r.source == b.source && seq >= b.seq);
        if (!wins) continue;
        b = {std::string(values[f]), r.source, seq};
        changed = true;
    }
    return changed;
}

bool see_identifiers(PersonEntry& e, const Profile& p, uint32_t day, uint64_t seq) {
    bool added = false;  // anything to write back
    for (const Identifier& id : p.ids) {
        auto it = std::find_if(e.identifiers.begin(), e.identifiers.end(), [&](const IdentifierSeen& s) {
            return s.id.system == id.system && s.id.value == id.value;
        });
        if (it != e.identifiers.end()) {
            // To the day: an entry rewritten for every record would cost a write per record.
            if (day > it->last_day) it->last_day = day, added = true;
            continue;
        }
        e.identifiers.push_back({id, day, day, seq});
        added = true;
    }
    return added;
}

}  // namespace ehb::person
