#include "engine/person/profile.hpp"

#include <algorithm>
#include <array>

#include "engine/person/address.hpp"
#include "engine/person/names.hpp"

namespace ehb::person {
namespace {

constexpr std::array<std::string_view, kIdSystems> kSystemNames = {"cccd", "cmnd", "passport", "bhxh", "te1", "mrn"};

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

unsigned num(std::string_view s) {
    unsigned v = 0;
    for (char c : s) v = v * 10 + static_cast<unsigned>(c - '0');
    return v;
}

// Splits "a b c" into views.
void tokens(std::string_view s, std::vector<std::string_view>& out) {
    out.clear();
    size_t i = 0;
    while (i < s.size()) {
        size_t j = s.find(' ', i);
        if (j == std::string_view::npos) j = s.size();
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j + 1;
    }
}

std::string join(const std::vector<std::string_view>& t, size_t from, size_t to) {
    std::string out;
    for (size_t k = from; k < to; ++k) {
        if (!out.empty()) out += ' ';
        out += t[k];
    }
    return out;
}

bool has_non_ascii(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// The family names common enough that one written last is read as written
// family-last ("Văn Anh Nguyễn"); rarer ones are more often given names.
bool common_family_name(std::string_view t) {
    static constexpr std::string_view kCommon[] = {"bui",  "dang",  "do",    "duong", "ho",   "hoang", "huynh", "le",
                                                   "ngo",  "nguyen", "phan", "pham",  "tran", "truong", "vo",   "vu"};
    return std::find(std::begin(kCommon), std::end(kCommon), t) != std::end(kCommon);
}

// Văn and Thị are family names too, rarely; first in a name they are the middle name.
bool written_family_last(const std::vector<std::string_view>& t) {
    if (t.size() < 2 || !common_family_name(t.back())) return false;
    return !is_family_name(t.front()) || t.front() == "van" || t.front() == "thi";
}

// Family first, given last, the rest between; `t` (toned) may be empty.
void parts(const std::vector<std::string_view>& f, const std::vector<std::string_view>& t, NameParts& out) {
    // One word is a given name alone (some ethnic minorities' names).
    out.given = std::string(f.back());
    if (!t.empty()) out.given_t = std::string(t.back());
    if (f.size() > 1) {
        out.family = std::string(f.front());
        out.middle = join(f, 1, f.size() - 1);
    }
}

void split_name(const PersonRecord& in, Profile& out) {
    std::string folded = fold(in.full_name);
    out.placeholder = is_placeholder_name(folded);
    if (out.placeholder) return;
    out.newborn = is_newborn_name(folded);
    spelling_variants(folded);
    std::vector<std::string_view> f;
    tokens(folded, f);
    if (f.empty()) return;
    std::vector<std::string_view> t;
    std::string toned_name;
    if (has_non_ascii(in.full_name)) {
        toned_name = toned(in.full_name);
        spelling_variants(toned_name);
        tokens(toned_name, t);
        if (t.size() != f.size()) t.clear();
    }
    const bool family_last = written_family_last(f);
    const bool ambiguous = f.size() >= 2 && is_family_name(f.back());
    auto rotated = [](std::vector<std::string_view> v) {
        if (!v.empty()) std::rotate(v.begin(), v.end() - 1, v.end());
        return v;
    };
    if (family_last) {
        parts(rotated(f), rotated(t), out.name);
        parts(f, t, out.alt);
    } else {
        parts(f, t, out.name);
        if (ambiguous) parts(rotated(f), rotated(t), out.alt);
    }
}

bool valid_day(unsigned y, unsigned m, unsigned d) {
    static constexpr unsigned kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return y >= 1850 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= kDays[m - 1];
}

// Fills year/month/day with what the text says for sure: an impossible day or
// month keeps the year alone.
void split_birth(std::string_view b, Profile& out) {
    std::array<std::string_view, 3> parts{};
    size_t n = 0, i = 0;
    while (i <= b.size() && n < 3) {
        size_t j = b.find_first_of("-/.", i);
        if (j == std::string_view::npos) j = b.size();
        parts[n++] = b.substr(i, j - i);
        i = j + 1;
    }
    unsigned y = 0, m = 0, d = 0;
    if (n == 1 && all_digits(b) && (b.size() == 4 || b.size() == 6 || b.size() == 8 || b.size() == 12)) {
        y = num(b.substr(0, 4));
        if (b.size() >= 6) m = num(b.substr(4, 2));
        if (b.size() >= 8) d = num(b.substr(6, 2));
    } else if (n == 3 && all_digits(parts[0]) && all_digits(parts[1]) && all_digits(parts[2])) {
        if (parts[0].size() == 4) {  // yyyy-mm-dd
            y = num(parts[0]), m = num(parts[1]), d = num(parts[2]);
        } else if (parts[2].size() == 4) {  // dd/mm/yyyy, the Vietnamese order
            d = num(parts[0]), m = num(parts[1]), y = num(parts[2]);
        }
    } else {
        return;
    }
    if (y < 1850 || y > 2100) return;
    out.year = static_cast<uint16_t>(y);
    if (m >= 1 && m <= 12) {
        out.month = static_cast<uint8_t>(m);
        if (valid_day(y, m, d)) out.day = static_cast<uint8_t>(d);
    }
}

uint8_t parse_sex(std::string_view s) {
    const std::string f = fold(s);
    if (f == "1" || f == "m" || f == "male" || f == "nam") return 1;
    if (f == "2" || f == "f" || f == "female" || f == "nu") return 2;
    return 0;
}

bool usable(Identifier& id) {
    std::string& v = id.value;
    v.erase(std::remove_if(v.begin(), v.end(), [](char c) { return c == ' ' || c == '-' || c == '.'; }), v.end());
    switch (id.system) {
        case IdSystem::cccd: if (!all_digits(v) || v.size() != 12) return false; break;
        case IdSystem::cmnd: if (!all_digits(v) || v.size() != 9) return false; break;
        // Vietnam's codes have 10 digits; other registers' social-security
        // numbers mapped to id:bhxh in `ehb link` keep theirs.
        case IdSystem::bhxh: if (!all_digits(v) || v.size() < 6 || v.size() > 15) return false; break;
        case IdSystem::passport:
            std::transform(v.begin(), v.end(), v.begin(), [](char c) { return c >= 'a' && c <= 'z' ? c - 32 : c; });
            if (v.size() < 6 || v.size() > 12) return false;
            break;
        case IdSystem::te1:
            if (v.size() != 15 || v.compare(0, 3, "TE1") != 0 || !all_digits(std::string_view(v).substr(3))) return false;
            break;
        case IdSystem::mrn: {
            const size_t bar = v.find('|');
            if (bar == std::string::npos || bar == 0 || bar + 1 == v.size()) return false;
            return !is_placeholder_id(IdSystem::mrn, std::string_view(v).substr(bar + 1));
        }
    }
    return !is_placeholder_id(id.system, v);
}

}  // namespace

std::string_view id_system_name(IdSystem s) { return kSystemNames[static_cast<size_t>(s)]; }

bool parse_id_system(std::string_view name, IdSystem& out) {
    for (size_t k = 0; k < kSystemNames.size(); ++k) {
        if (kSystemNames[k] == name) {
            out = static_cast<IdSystem>(k);
            return true;
        }
    }
    return false;
}

bool parse_source(std::string_view name, Source& out) {
    if (name == "national") out = Source::national;
    else if (name == "insurance") out = Source::insurance;
    else if (name == "facility" || name.empty()) out = Source::facility;
    else return false;
    return true;
}

bool card_identifier(std::string_view card, Identifier& out) {
    if (card.size() != 15) return false;
    if (card.substr(0, 3) == "TE1") {
        out = {IdSystem::te1, std::string(card)};
        return true;
    }
    out = {IdSystem::bhxh, std::string(card.substr(5))};
    return all_digits(out.value);
}

bool is_placeholder_id(IdSystem system, std::string_view v) {
    if (v.empty()) return true;
    if (std::all_of(v.begin(), v.end(), [&](char c) { return c == v.front(); })) return true;
    if (system == IdSystem::mrn) return v == "0" || v == "NA" || v == "na";
    // A citizen ID or code of the form 0…0N: the forms' "unknown" filled with a counter.
    const size_t zeros = v.find_first_not_of('0');
    return zeros != std::string_view::npos && zeros >= v.size() - 2;
}

bool Profile::has_national_id() const {
    return std::any_of(ids.begin(), ids.end(), [](const Identifier& i) { return i.system != IdSystem::mrn; });
}

bool Profile::same_demographics(const Profile& o) const {
    auto id_equal = [](const Identifier& a, const Identifier& b) { return a.system == b.system && a.value == b.value; };
    return name == o.name && alt == o.alt && newborn == o.newborn && year == o.year &&
           month == o.month && day == o.day && sex == o.sex && address == o.address && location == o.location &&
           province == o.province && std::equal(ids.begin(), ids.end(), o.ids.begin(), o.ids.end(), id_equal);
}

void prepare(const PersonRecord& in, Profile& out) {
    out = Profile{};
    out.source = in.source;
    split_name(in, out);
    split_birth(in.birth, out);
    out.sex = parse_sex(in.sex);
    address_key(in.address, out.address);
    out.location = in.location;
    out.province = in.province;
    if (out.placeholder) return;  // a placeholder name links nothing, not even by its identifiers
    for (const Identifier& raw : in.ids) {
        Identifier id = raw;
        if (!usable(id)) continue;
        const bool seen = std::any_of(out.ids.begin(), out.ids.end(),
                                      [&](const Identifier& o) { return o.system == id.system && o.value == id.value; });
        if (!seen) out.ids.push_back(std::move(id));
    }
    std::stable_sort(out.ids.begin(), out.ids.end(),
                     [](const Identifier& a, const Identifier& b) { return a.system < b.system; });
}

}  // namespace ehb::person
