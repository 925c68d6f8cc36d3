// Spoiling names, addresses and birth dates (corrupt.hpp).
#include "tools/people/corrupt.hpp"

#include <string_view>
#include <utility>

#include "tools/workload/dates.hpp"
#include "tools/workload/tables.hpp"

namespace ehb::people {
namespace {

namespace T = workload::tables;

struct Letter {
    char32_t lower = 0, upper = 0;
    char base = 0;      // the ASCII letter, lower case
    char32_t mod = 0;   // combining breve, circumflex or horn
    char32_t tone = 0;  // combining grave, acute, hook above, tilde or dot below
};

constexpr char32_t kHorn = 0x31B, kDotBelow = 0x323;

// The Vietnamese vowels with their six tones (none, huyền, sắc, hỏi, ngã, nặng).
constexpr std::u32string_view kLower[12] = {U"aàáảãạ", U"ăằắẳẵặ", U"âầấẩẫậ", U"eèéẻẽẹ", U"êềếểễệ", U"iìíỉĩị",
                                            U"oòóỏõọ", U"ôồốổỗộ", U"ơờớởỡợ", U"uùúủũụ", U"ưừứửữự", U"yỳýỷỹỵ"};
constexpr std::u32string_view kUpper[12] = {U"AÀÁẢÃẠ", U"ĂẰẮẲẴẶ", U"ÂẦẤẨẪẬ", U"EÈÉẺẼẸ", U"ÊỀẾỂỄỆ", U"IÌÍỈĨỊ",
                                            U"OÒÓỎÕỌ", U"ÔỒỐỔỖỘ", U"ƠỜỚỞỠỢ", U"UÙÚỦŨỤ", U"ƯỪỨỬỮỰ", U"YỲÝỶỸỴ"};
constexpr char kBase[] = "aaaeeiooouuy";
constexpr char32_t kMod[12] = {0, 0x306, 0x302, 0, 0x302, 0, 0, 0x302, kHorn, 0, kHorn, 0};
constexpr char32_t kTone[6] = {0, 0x300, 0x301, 0x309, 0x303, kDotBelow};

// Code point -> letter, for every precomposed Vietnamese letter (all lie below U+1F00).
class Letters {
public:
    constexpr Letters() {
        for (size_t r = 0; r < 12; ++r)
            for (size_t c = 0; c < 6; ++c) add({kLower[r][c], kUpper[r][c], kBase[r], kMod[r], kTone[c]});
        add({U'đ', U'Đ', 'd', 0, 0});  // đ has no decomposition
    }
    // The letter of a non-ASCII code point, or null; `upper` tells its case.
    const Letter* find(char32_t cp, bool& upper) const {
        if (cp >= kSpan || index_[cp] == 0) return nullptr;
        upper = (index_[cp] & 0x80) != 0;
        return &letters_[(index_[cp] & 0x7f) - 1];
    }

private:
    static constexpr char32_t kSpan = 0x1F00;
    constexpr void add(const Letter& l) {
        letters_[n_++] = l;
        if (l.lower >= 0x80) index_[l.lower] = n_;
        if (l.upper >= 0x80) index_[l.upper] = static_cast<uint8_t>(n_ | 0x80);
    }
    Letter letters_[73] = {};
    uint8_t index_[kSpan] = {};  // 1 + letter index, | 0x80 for upper case; 0 = not a letter
    uint8_t n_ = 0;
};

constexpr Letters kLetters;

// Decodes the code point at s[i] and moves i past it (the input is valid UTF-8).
char32_t next_cp(std::string_view s, size_t& i) {
    const auto b = [&](size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(s[i + k])); };
    const char32_t c = b(0);
    if (c < 0x80) {
        i += 1;
        return c;
    }
    if (c < 0xE0) {
        const char32_t cp = (c & 0x1F) << 6 | (b(1) & 0x3F);
        i += 2;
        return cp;
    }
    if (c < 0xF0) {
        const char32_t cp = (c & 0x0F) << 12 | (b(1) & 0x3F) << 6 | (b(2) & 0x3F);
        i += 3;
        return cp;
    }
    const char32_t cp = (c & 0x07) << 18 | (b(1) & 0x3F) << 12 | (b(2) & 0x3F) << 6 | (b(3) & 0x3F);
    i += 4;
    return cp;
}

void put_cp(char32_t cp, W& w) {
    if (cp < 0x80) {
        w.ch(static_cast<char>(cp));
    } else if (cp < 0x800) {
        w.ch(static_cast<char>(0xC0 | cp >> 6));
        w.ch(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        w.ch(static_cast<char>(0xE0 | cp >> 12));
        w.ch(static_cast<char>(0x80 | (cp >> 6 & 0x3F)));
        w.ch(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        w.ch(static_cast<char>(0xF0 | cp >> 18));
        w.ch(static_cast<char>(0x80 | (cp >> 12 & 0x3F)));
        w.ch(static_cast<char>(0x80 | (cp >> 6 & 0x3F)));
        w.ch(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

void put_styled(char32_t cp, const NameStyle& s, W& w) {
    if (cp < 0x80) {
        const char c = static_cast<char>(cp);
        w.ch(s.caps && c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
        return;
    }
    bool upper = false;
    const Letter* l = kLetters.find(cp, upper);
    if (l == nullptr) {
        put_cp(cp, w);
        return;
    }
    upper = upper || s.caps;
    const char base = upper ? static_cast<char>(l->base - 32) : l->base;
    if (s.fold) {
        w.ch(base);
    } else if (s.nfd && (l->mod || l->tone)) {
        // Canonical order of the marks: horn (class 216), dot below (220), then the class-230 marks as they stack.
        w.ch(base);
        if (l->mod == kHorn) put_cp(kHorn, w);
        if (l->tone == kDotBelow) put_cp(kDotBelow, w);
        if (l->mod && l->mod != kHorn) put_cp(l->mod, w);
        if (l->tone && l->tone != kDotBelow) put_cp(l->tone, w);
    } else {
        put_cp(upper ? l->upper : l->lower, w);
    }
}

bool is_upper(char32_t cp) {
    bool upper = cp >= 'A' && cp <= 'Z';
    if (cp >= 0x80) kLetters.find(cp, upper);
    return upper;
}

char32_t to_upper(char32_t cp) {
    if (cp >= 'a' && cp <= 'z') return cp - 32;
    bool upper = false;
    const Letter* l = cp >= 0x80 ? kLetters.find(cp, upper) : nullptr;
    return l ? l->upper : cp;
}

// QWERTY neighbours of each letter.
constexpr std::string_view kNeighbours[26] = {"qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv",
                                              "gyujnb", "ujko", "huikmn", "jiolm", "kop", "njk", "bhjm",
                                              "iklp", "ol", "wa", "edft", "awedxz", "rfgy", "yhji", "cfgb",
                                              "qase", "zsdc", "tghu", "asx"};

// A keyboard neighbour of the letter's base letter, in the letter's case.
char32_t neighbour(char32_t cp, uint64_t bits) {
    bool upper = cp >= 'A' && cp <= 'Z';
    char base = static_cast<char>(upper ? cp + 32 : cp);
    if (cp >= 0x80) {
        const Letter* l = kLetters.find(cp, upper);
        base = l ? l->base : 'a';
    }
    if (base < 'a' || base > 'z') base = 'a';
    const std::string_view n = kNeighbours[base - 'a'];
    const char c = n[bits % n.size()];
    return static_cast<char32_t>(upper ? c - 32 : c);
}

constexpr int kMaxLetters = 32;

// One typo in the letters c[0, n) (n >= 1, room for one more letter).
void typo(char32_t* c, int& n, uint64_t bits) {
    const int kind = static_cast<int>(bits & 3);
    const int pos = static_cast<int>((bits >> 2) % static_cast<uint64_t>(n));
    const uint64_t pick = bits >> 12;
    const int swap_at = n >= 3 ? 1 + pos % (n - 2) : 0;  // transpositions never move the initial
    if (kind == 1 && n >= 2) {  // deletion; a capital initial stays capital
        const bool capital = pos == 0 && is_upper(c[0]);
        for (int k = pos; k + 1 < n; ++k) c[k] = c[k + 1];
        --n;
        if (capital) c[0] = to_upper(c[0]);
    } else if (kind == 2) {  // insertion of a neighbour of the letter before
        for (int k = n; k > pos + 1; --k) c[k] = c[k - 1];
        const char32_t ins = neighbour(c[pos], pick);
        c[pos + 1] = ins >= 'A' && ins <= 'Z' ? ins + 32 : ins;
        ++n;
    } else if (kind == 3 && swap_at > 0 && c[swap_at] != c[swap_at + 1]) {
        std::swap(c[swap_at], c[swap_at + 1]);
    } else {  // substitution (also when the other kinds do not apply)
        c[pos] = neighbour(c[pos], pick);
    }
}

// Standard spelling -> the other accepted one.
constexpr std::pair<std::string_view, std::string_view> kVariants[] = {
    {"Hòa", "Hoà"}, {"Hóa", "Hoá"}, {"Thủy", "Thuỷ"}, {"Thúy", "Thuý"}, {"Thùy", "Thuỳ"}, {"Thụy", "Thuỵ"},
    {"Quý", "Quí"}, {"Quỳ", "Quì"}, {"Mỹ", "Mĩ"},     {"Mỵ", "Mị"},     {"Lý", "Lí"},     {"Kỳ", "Kì"},
    {"Vy", "Vi"},   {"Ly", "Li"},   {"My", "Mi"},     {"Thy", "Thi"},   {"Sỹ", "Sĩ"},     {"Vỹ", "Vĩ"},
};

int days_in_month(int y, unsigned m) {
    return static_cast<int>(workload::days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) -
                            workload::days_from_civil(y, m, 1));
}

}  // namespace

void write_name(std::span<const std::string_view> tokens, const NameStyle& s, W& w) {
    const bool plain = !s.fold && !s.caps && !s.nfd;
    for (size_t t = 0; t < tokens.size(); ++t) {
        if (t > 0) {
            w.ch(' ');
            if (static_cast<int>(t) - 1 == s.double_space) w.ch(' ');
        }
        const std::string_view tok = tokens[t];
        if (static_cast<int>(t) == s.typo_token && !tok.empty()) {
            char32_t c[kMaxLetters + 1];
            int n = 0;
            for (size_t i = 0; i < tok.size() && n < kMaxLetters;) c[n++] = next_cp(tok, i);
            typo(c, n, s.typo_bits);
            for (int k = 0; k < n; ++k) put_styled(c[k], s, w);
        } else if (plain) {
            w.str(tok);
        } else {
            for (size_t i = 0; i < tok.size();) put_styled(next_cp(tok, i), s, w);
        }
    }
}

std::string_view spelling_variant(std::string_view token) {
    for (const auto& [standard, variant] : kVariants)
        if (token == standard) return variant;
    return {};
}

void write_address(const Address& a, const AddressStyle& s, W& w) {
    const auto unit = [&](std::string_view full, std::string_view abbr, std::string_view name) {
        if (s.abbreviated) {
            w.str(abbr);
            if (!s.tight) w.ch(' ');
        } else {
            w.str(full);
            w.ch(' ');
        }
        w.str(name);
    };
    if (a.urban) {
        if (!s.abbreviated) w.lit("Số ");
        w.u(a.number);
        w.str(s.abbreviated ? " " : ", ");
        w.str(T::kStreets[a.street_kind]);
        w.ch(' ');
        w.str(T::kPlaces[a.street]);
        w.lit(", ");
        unit("Phường", "P.", T::kPlaces[a.ward]);
        w.lit(", ");
        unit("Quận", "Q.", T::kPlaces[a.district]);
    } else {
        w.lit("Thôn ");
        w.u(a.number);
        w.lit(", ");
        unit("Xã", "X.", T::kPlaces[a.ward]);
        w.lit(", ");
        unit("Huyện", "H.", T::kPlaces[a.district]);
    }
    w.lit(", ");
    const std::string_view province = T::kProvinces[a.prov].name;
    constexpr std::string_view kCity = "Thành phố ", kProvince = "Tỉnh ";
    if (!s.abbreviated) {
        w.str(province);
    } else if (province.starts_with(kCity)) {
        if (s.tp_short) {
            w.lit("Tp ");
        } else {
            w.lit("TP.");
            if (!s.tight) w.ch(' ');
        }
        w.str(province.substr(kCity.size()));
    } else {
        unit("Tỉnh", "T.", province.substr(kProvince.size()));
    }
}

bool day_month_swappable(int64_t day) {
    const workload::Ymd c = workload::civil_from_days(day);
    return c.d <= 12 && c.d != c.m;
}

int64_t swap_day_month(int64_t day) {
    const workload::Ymd c = workload::civil_from_days(day);
    return workload::days_from_civil(c.y, c.d, c.m);
}

int64_t with_wrong_digit(int64_t day, uint64_t bits) {
    const workload::Ymd c = workload::civil_from_days(day);
    // 6 digits (yy, mm, dd) x 9 other values, tried from a random start; some of
    // them always give a valid date (another year of the same decade, for one).
    constexpr unsigned kPlace[6] = {10, 1, 10, 1, 10, 1};
    const unsigned start = static_cast<unsigned>(bits % 54);
    for (unsigned k = 0; k < 54; ++k) {
        const unsigned option = (start + k) % 54;
        const unsigned digit = option / 9, delta = 1 + option % 9;
        unsigned v[3] = {static_cast<unsigned>(c.y), c.m, c.d};
        unsigned& x = v[digit / 2];
        const unsigned place = kPlace[digit];
        const unsigned old = x / place % 10;
        x = x - old * place + (old + delta) % 10 * place;
        const int y = static_cast<int>(v[0]);
        if (y > kReferenceYear || v[1] < 1 || v[1] > 12 || v[2] < 1 || static_cast<int>(v[2]) > days_in_month(y, v[1]))
            continue;
        return workload::days_from_civil(y, v[1], v[2]);
    }
    return day;
}

}  // namespace ehb::people
