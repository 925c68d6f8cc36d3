#include "engine/person/compare.hpp"

#include <algorithm>

#include "engine/person/address.hpp"
#include "engine/person/similarity.hpp"

namespace ehb::person {
namespace {

constexpr double kCloseName = 0.88;
constexpr double kCloseMiddle = 0.85;

// Jaro–Winkler is harsh on short words: one typo in a three-letter given name
// ("Duy" typed "Dyu") scores far below 0.88, so one edit counts as close too.
// The spelling variants turn a final y into i, so the typo "Qýu" of "Quý"
// meets it as "qyu" against "qui": the edit count takes y and i as one letter.
bool close_names(std::string_view a, std::string_view b) {
    if (jaro_winkler(a, b) >= kCloseName) return true;
    char x[32], y[32];
    if (a.size() > sizeof x || b.size() > sizeof y) return edit_distance_within(a, b, 1) <= 1;
    auto y_as_i = [](std::string_view s, char* out) {
        for (size_t i = 0; i < s.size(); ++i) out[i] = s[i] == 'y' ? 'i' : s[i];
        return std::string_view(out, s.size());
    };
    return edit_distance_within(y_as_i(a, x), y_as_i(b, y), 1) <= 1;
}

uint8_t family_level(const NameParts& a, const NameParts& b) {
    if (a.family.empty() || b.family.empty()) return kMissing;
    if (a.family == b.family) return 0;
    return close_names(a.family, b.family) ? 1 : 2;
}

bool token_suffix(std::string_view longer, std::string_view shorter) {
    return longer.size() > shorter.size() && longer.ends_with(shorter) && longer[longer.size() - shorter.size() - 1] == ' ';
}

uint8_t middle_level(const NameParts& a, const NameParts& b) {
    if (a.given.empty() || b.given.empty()) return kMissing;
    if (a.middle.empty() && b.middle.empty()) return kMissing;
    if (a.middle == b.middle) return 0;
    // Dropped, wholly or its first part ("Thị Minh Anh" written "Minh Anh").
    if (a.middle.empty() || b.middle.empty() || token_suffix(a.middle, b.middle) || token_suffix(b.middle, a.middle))
        return 1;
    return jaro_winkler(a.middle, b.middle) >= kCloseMiddle ? 2 : 3;
}

uint8_t given_level(const NameParts& a, const NameParts& b) {
    if (a.given.empty() || b.given.empty()) return kMissing;
    if (a.given == b.given) {
        // With diacritics on both sides, "Hà" and "Hạ" are two names that fold alike.
        if (a.given_t.empty() || b.given_t.empty() || a.given_t == b.given_t) return 0;
        return 1;
    }
    return close_names(a.given, b.given) ? 2 : 3;
}

// The name levels of one reading of each side's order.
void name_levels(const NameParts& a, const NameParts& b, Gamma& g) {
    g.level[kFamily] = family_level(a, b);
    g.level[kMiddle] = middle_level(a, b);
    g.level[kGiven] = given_level(a, b);
}

// Lower is better: the given name first, then the family name.
int name_rank(const Gamma& g) { return g.level[kGiven] * 16 + g.level[kFamily]; }

// yyyymmdd, for counting typed characters that differ.
void date_text(const Profile& p, char (&out)[8]) {
    const unsigned v[] = {p.year / 1000u % 10, p.year / 100u % 10, p.year / 10u % 10, p.year % 10u,
                          p.month / 10u,       p.month % 10u,       p.day / 10u,        p.day % 10u};
    for (int i = 0; i < 8; ++i) out[i] = static_cast<char>('0' + v[i]);
}

uint8_t birth_level(const Profile& a, const Profile& b) {
    if (a.year == 0 || b.year == 0) return kMissing;
    if (!a.full_date() || !b.full_date()) {
        const bool months_agree = a.month == 0 || b.month == 0 || a.month == b.month;
        return a.year == b.year && months_agree ? 2 : 6;
    }
    if (a.year == b.year && a.month == b.month && a.day == b.day) return 0;
    if (a.year == b.year && a.month == b.day && a.day == b.month) return 1;
    char da[8], db[8];
    date_text(a, da);
    date_text(b, db);
    if (edit_distance_within({da, 8}, {db, 8}, 1) <= 1) return 3;
    if (a.year == b.year && a.month == b.month) return 4;
    const int dy = a.year - b.year;
    if ((dy == 1 || dy == -1) && a.month == b.month && a.day == b.day) return 5;
    return 6;
}

uint8_t sex_level(const Profile& a, const Profile& b) {
    if (a.sex == 0 || b.sex == 0) return kMissing;
    return a.sex == b.sex ? 0 : 1;
}

uint8_t residence_level(const Profile& a, const Profile& b) {
    const double address = address_similarity(a.address, b.address);
    if (address >= 0.8) return 0;
    if (!a.location.empty() && a.location == b.location) return 1;
    if (address >= 0.5) return 2;
    if (!a.province.empty() && !b.province.empty()) return a.province == b.province ? 3 : 4;
    const bool wards = !a.location.empty() && !b.location.empty();
    return address >= 0 || wards ? 4 : kMissing;
}

bool same_facility(std::string_view x, std::string_view y) {
    const size_t bx = x.find('|'), by = y.find('|');
    return bx == by && x.substr(0, bx) == y.substr(0, by);
}

uint8_t ids_level(const Profile& a, const Profile& b) {
    uint8_t best = kMissing;
    for (const Identifier& x : a.ids) {
        for (const Identifier& y : b.ids) {
            if (x.system != y.system) continue;
            if (x.system == IdSystem::mrn && !same_facility(x.value, y.value)) continue;
            const uint8_t l = x.value == y.value ? 0 : typo_close(x.value, y.value, 1) ? 1 : 2;
            best = std::min(best, l);
        }
    }
    return best;
}

}  // namespace

std::string_view field_name(Field f) {
    static constexpr std::string_view kNames[kFields] = {"family", "middle", "given",    "birth",
                                                         "sex",    "residence", "ids"};
    return kNames[f];
}

uint64_t Gamma::key() const {
    uint64_t k = 0;
    for (uint8_t l : level) k = k << 8 | l;
    return k;
}

Gamma compare(const Profile& a, const Profile& b) {
    Gamma g;
    name_levels(a.name, b.name, g);
    // A newborn's record names the mother; her child's later records, the child.
    if (a.newborn || b.newborn) g.level[kFamily] = g.level[kMiddle] = g.level[kGiven] = kMissing;
    // When either name reads two ways, the reading under which they agree best.
    if ((a.has_alt() || b.has_alt()) && name_rank(g) != 0 && !a.newborn && !b.newborn) {
        Gamma alt;
        if (a.has_alt()) {
            name_levels(a.alt, b.name, alt);
            if (name_rank(alt) < name_rank(g)) g = alt, g.a_alt = true;
        }
        if (b.has_alt()) {
            name_levels(a.name, b.alt, alt);
            if (name_rank(alt) < name_rank(g)) g = alt, g.a_alt = false;
        }
    }
    g.level[kBirth] = birth_level(a, b);
    g.level[kSex] = sex_level(a, b);
    g.level[kResidence] = residence_level(a, b);
    g.level[kIds] = ids_level(a, b);
    return g;
}

bool same_citizen_id(const Profile& a, const Profile& b) {
    for (const Identifier& x : a.ids)
        if (x.system == IdSystem::cccd)
            for (const Identifier& y : b.ids)
                if (y.system == IdSystem::cccd && x.value == y.value) return true;
    return false;
}

bool different_citizen_ids(const Profile& a, const Profile& b) {
    bool both = false;
    for (const Identifier& x : a.ids) {
        if (x.system != IdSystem::cccd) continue;
        for (const Identifier& y : b.ids) {
            if (y.system != IdSystem::cccd) continue;
            if (x.value == y.value) return false;
            both = true;
        }
    }
    return both;
}

}  // namespace ehb::person
