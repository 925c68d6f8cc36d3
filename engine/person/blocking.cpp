#include "engine/person/blocking.hpp"

#include <xxhash.h>

#include <algorithm>
#include <string>

namespace ehb::person {
namespace {

enum Rule : char { kGivenBirth = 'g', kFamilyBirth = 'f', kNameYear = 'y', kNameWard = 'w' };

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

void add_keys(const Profile& p, const NameParts& n, std::vector<uint64_t>& out) {
    const char year[2] = {static_cast<char>(p.year >> 8), static_cast<char>(p.year & 0xff)};
    if (p.full_date()) {
        // Day and month in sorted order, so that a swapped date shares the key.
        const uint8_t lo = std::min(p.month, p.day), hi = std::max(p.month, p.day);
        const char date[4] = {year[0], year[1], static_cast<char>(lo), static_cast<char>(hi)};
        const std::string_view d(date, sizeof date);
        out.push_back(key(kGivenBirth, n.given, d, {}));
        out.push_back(key(kFamilyBirth, n.family, d, {}));
    }
    if (p.year != 0) out.push_back(key(kNameYear, n.family, n.given, std::string_view(year, 2)));
    if (!p.location.empty()) out.push_back(key(kNameWard, n.family, n.given, p.location));
}

}  // namespace

void index_keys(const Profile& p, std::vector<uint64_t>& out) {
    if (p.placeholder || !p.has_name()) return;
    add_keys(p, p.name, out);
}

void query_keys(const Profile& p, std::vector<uint64_t>& out) {
    if (p.placeholder || !p.has_name()) return;
    add_keys(p, p.name, out);
    if (p.has_alt()) add_keys(p, p.alt, out);
}

}  // namespace ehb::person
