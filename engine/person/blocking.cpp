#include "engine/person/blocking.hpp"

#include <xxhash.h>

#include <algorithm>
#include <string>

namespace ehb::person {
namespace {

enum Rule : char { kBirth = 'b', kNameYear = 'y', kNameWard = 'w' };

uint64_t key(Rule rule, std::string_view a, std::string_view b, std::string_view c) {
    std::string k;
    k.reserve(a.size() + b.size() + c.size() + 3);
    k += rule;
    k += a;
    k += '|';
    k += b;
    k += '|';
    k += c;
    return XXH3_64bits(k.data(), k.size());
}

// 11 bits of the given name, 9 of the family name, the given name's first
// and last letter (5 bits each: folded names are ASCII letters) and the sex.
uint32_t name_tag(const NameParts& n, uint8_t sex) {
    const auto given = static_cast<uint32_t>(XXH3_64bits(n.given.data(), n.given.size()) & 0x7ff);
    const auto family = static_cast<uint32_t>(XXH3_64bits(n.family.data(), n.family.size()) & 0x1ff);
    const uint32_t first = n.given.empty() ? 0 : n.given.front() & 0x1f;
    const uint32_t last = n.given.empty() ? 0 : n.given.back() & 0x1f;
    return given << 21 | family << 12 | first << 7 | last << 2 | (sex & 3u);
}

void add_keys(const Profile& p, const NameParts& n, std::vector<BlockKey>& out) {
    const char year[2] = {static_cast<char>(p.year >> 8), static_cast<char>(p.year & 0xff)};
    if (p.full_date()) {
        // Day and month in sorted order, so that a swapped date shares the key.
        const uint8_t lo = std::min(p.month, p.day), hi = std::max(p.month, p.day);
        const char date[4] = {year[0], year[1], static_cast<char>(lo), static_cast<char>(hi)};
        out.push_back({key(kBirth, std::string_view(date, sizeof date), {}, {}), name_tag(n, p.sex), Filter::names});
    }
    if (p.year != 0) {
        out.push_back({key(kNameYear, n.family, n.given, std::string_view(year, 2)),
                       static_cast<uint32_t>(p.month) << 8 | p.day, Filter::date});
    }
    if (!p.location.empty()) out.push_back({key(kNameWard, n.family, n.given, p.location), 0, Filter::none});
}

}  // namespace

bool block_match(uint64_t value, const BlockKey& key) {
    const auto tag = static_cast<uint32_t>(value);
    switch (key.filter) {
        case Filter::none: return true;
        case Filter::names: {
            const uint32_t sex = tag & 3, want_sex = key.tag & 3;
            if (sex != 0 && want_sex != 0 && sex != want_sex) return false;
            const uint32_t diff = tag ^ key.tag;
            if ((diff >> 21) == 0) return true;  // the given name
            // The family name, and the given name's first or last letter.
            return (diff & 0x1ff000) == 0 && ((diff & 0xf80) == 0 || (diff & 0x7c) == 0);
        }
        case Filter::date: {
            const uint32_t month = tag >> 8, day = tag & 0xff, want_month = key.tag >> 8, want_day = key.tag & 0xff;
            if (month == 0 || day == 0 || want_month == 0 || want_day == 0) return true;
            return month == want_month || day == want_day;
        }
    }
    return true;
}

bool filter_block(const std::vector<uint64_t>& values, const BlockKey& key, std::size_t limit,
                  std::vector<uint64_t>& persons) {
    const std::size_t before = persons.size();
    for (uint64_t v : values) {
        if (!block_match(v, key)) continue;
        if (persons.size() - before == limit) {
            persons.resize(before);
            return false;
        }
        persons.push_back(block_person(v));
    }
    return true;
}

void index_keys(const Profile& p, std::vector<BlockKey>& out) {
    if (p.placeholder || !p.has_name()) return;
    add_keys(p, p.name, out);
}

void query_keys(const Profile& p, std::vector<BlockKey>& out) {
    if (p.placeholder || !p.has_name()) return;
    add_keys(p, p.name, out);
    if (p.has_alt()) add_keys(p, p.alt, out);
}

}  // namespace ehb::person
