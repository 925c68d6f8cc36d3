#include "engine/person/names.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace ehb::person {

namespace {

// ---------------------------------------------------------------------------
// What each code point contributes to a name, from tables built at compile time.

enum class Kind : uint8_t { drop, letter, separator, mark };

struct Glyph {
    Kind kind = Kind::drop;
    char base = 0;     // letter: lowercase ASCII letter or digit
    char telex = 0;    // letter: second Telex letter (â ê ô đ double theirs, ă ơ ư add 'w');
                       // mark: '^' circumflex, 'b' breve, 'h' horn
    uint8_t tone = 0;  // 0 none, 1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng
};

constexpr Glyph letter(char base, char telex = 0, uint8_t tone = 0) { return {Kind::letter, base, telex, tone}; }
constexpr Glyph kSeparator{Kind::separator};

// The twelve vowels and đ, lowercase, by tone (index = tone digit).
struct VowelRow {
    char base;
    char telex;
    char16_t by_tone[7];
};
constexpr VowelRow kVowels[] = {
    {'a', 0, u"aáàảãạ"},   {'a', 'w', u"ăắằẳẵặ"}, {'a', 'a', u"âấầẩẫậ"}, {'e', 0, u"eéèẻẽẹ"},
    {'e', 'e', u"êếềểễệ"}, {'i', 0, u"iíìỉĩị"},   {'o', 0, u"oóòỏõọ"},   {'o', 'o', u"ôốồổỗộ"},
    {'o', 'w', u"ơớờởỡợ"}, {'u', 0, u"uúùủũụ"},   {'u', 'w', u"ưứừửữự"}, {'y', 0, u"yýỳỷỹỵ"},
    {'d', 'd', u"đ"},
};

// Base letters of U+00C0..U+017F ('_' dropped, ' ' separator); the Vietnamese ones are refined below.
constexpr std::string_view kLatinBase =
    "aaaaaa_ceeeeiiii" "dnooooo ouuuuy__" "aaaaaa_ceeeeiiii" "dnooooo ouuuuy_y"  // U+00C0 Latin-1
    "aaaaaaccccccccdd" "ddeeeeeeeeeegggg" "gggghhhhiiiiiiii" "ii__jjkk_lllllll"  // U+0100 Latin Extended-A
    "lllnnnnnn___oooo" "oo__rrrrrrssssss" "ssttttttuuuuuuuu" "uuuuwwyyyzzzzzzs";

constexpr char32_t kLatinFirst = 0xA0, kLatinLast = 0x1B0;     // NBSP .. ư
constexpr char32_t kVietFirst = 0x1EA0, kVietLast = 0x1EF9;    // Ạ .. ỹ

struct Tables {
    std::array<Glyph, 128> ascii{};
    std::array<Glyph, kLatinLast - kLatinFirst + 1> latin{};
    std::array<Glyph, kVietLast - kVietFirst + 1> viet{};

    constexpr void set(char32_t cp, Glyph g) {
        if (cp >= kLatinFirst && cp <= kLatinLast) latin[cp - kLatinFirst] = g;
        else if (cp >= kVietFirst && cp <= kVietLast) viet[cp - kVietFirst] = g;
    }
};

constexpr Tables make_tables() {
    Tables t;
    for (int c = 0; c < 128; ++c) {
        if (c >= 'a' && c <= 'z') t.ascii[c] = letter(static_cast<char>(c));
        else if (c >= 'A' && c <= 'Z') t.ascii[c] = letter(static_cast<char>(c - 'A' + 'a'));
        else if (c >= '0' && c <= '9') t.ascii[c] = letter(static_cast<char>(c));
        else t.ascii[c] = kSeparator;
    }
    for (char32_t cp = kLatinFirst; cp < 0xC0; ++cp) t.set(cp, kSeparator);  // NBSP, ¡ ... ¿
    t.set(0xAD, Glyph{});                                                       // soft hyphen: invisible
    for (std::size_t k = 0; k < kLatinBase.size(); ++k) {
        const char b = kLatinBase[k];
        t.set(static_cast<char32_t>(0xC0 + k), b == '_' ? Glyph{} : b == ' ' ? kSeparator : letter(b));
    }
    for (const VowelRow& row : kVowels) {
        for (uint8_t tone = 0; tone < 6; ++tone) {
            const char32_t lower = row.by_tone[tone];
            if (lower < 0x80) continue;  // unmarked a e i o u y are ASCII; đ has a single entry
            const char32_t upper = lower >= 0xE0 && lower <= 0xFF ? lower - 0x20 : lower - 1;
            t.set(lower, letter(row.base, row.telex, tone));
            t.set(upper, letter(row.base, row.telex, tone));
        }
    }
    // Ð and ð (eth) stand for Đ đ in text converted from the legacy Vietnamese encodings.
    t.set(0xD0, letter('d', 'd'));
    t.set(0xF0, letter('d', 'd'));
    return t;
}

constexpr Tables kTables = make_tables();

constexpr Glyph tone_mark(uint8_t tone) { return {Kind::mark, 0, 0, tone}; }
constexpr Glyph modifier_mark(char modifier) { return {Kind::mark, 0, modifier, 0}; }

Glyph combining(char32_t cp) {
    switch (cp) {
        case 0x0300: case 0x0340: return tone_mark(2);
        case 0x0301: case 0x0341: return tone_mark(1);
        case 0x0309: return tone_mark(3);
        case 0x0303: return tone_mark(4);
        case 0x0323: return tone_mark(5);
        case 0x0302: return modifier_mark('^');
        case 0x0306: return modifier_mark('b');
        case 0x031B: return modifier_mark('h');
        default: return tone_mark(0);  // another language's mark: the base letter stays
    }
}

Glyph glyph_of(char32_t cp) {
    if (cp < 0x80) return kTables.ascii[cp];
    if (cp < kLatinFirst) return kSeparator;  // C1 controls (NEL ...)
    if (cp <= kLatinLast) return kTables.latin[cp - kLatinFirst];
    if (cp >= 0x300 && cp <= 0x36F) return combining(cp);
    if (cp >= kVietFirst && cp <= kVietLast) return kTables.viet[cp - kVietFirst];
    if (cp >= 0x2000 && cp <= 0x206F) {
        // Zero-width space and joiners, direction marks, word joiner ...: invisible, they split nothing.
        const bool invisible = (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || cp >= 0x2060;
        return invisible ? Glyph{} : kSeparator;  // the other spaces and the punctuation
    }
    if (cp >= 0xFF01 && cp <= 0xFF5E) return kTables.ascii[cp - 0xFEE0];  // fullwidth ASCII
    const bool punctuation = cp == 0x1680 || (cp >= 0x2E00 && cp <= 0x2E7F) || (cp >= 0x3000 && cp <= 0x303F) ||
                             cp == 0x30FB || (cp >= 0xFE10 && cp <= 0xFE1F) || (cp >= 0xFE30 && cp <= 0xFE6F) ||
                             (cp >= 0xFF5F && cp <= 0xFF65);
    return punctuation ? kSeparator : Glyph{};
}

bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Decodes the multi-byte sequence at s[i] (s[i] >= 0x80) and advances i past it; an invalid or
// overlong sequence or a surrogate advances one byte and yields U+FFFF (dropped).
char32_t decode(std::string_view s, std::size_t& i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const std::size_t left = s.size() - i;
    const unsigned char c = b(0);
    if (c >= 0xC2 && c <= 0xDF && left >= 2 && continuation(b(1))) {
        const char32_t cp = (char32_t(c & 0x1F) << 6) | (b(1) & 0x3F);
        i += 2;
        return cp;
    }
    if (c >= 0xE0 && c <= 0xEF && left >= 3 && continuation(b(1)) && continuation(b(2))) {
        const char32_t cp = (char32_t(c & 0x0F) << 12) | (char32_t(b(1) & 0x3F) << 6) | (b(2) & 0x3F);
        if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) {
            i += 3;
            return cp;
        }
    } else if (c >= 0xF0 && c <= 0xF4 && left >= 4 && continuation(b(1)) && continuation(b(2)) &&
               continuation(b(3))) {
        const char32_t cp = (char32_t(c & 0x07) << 18) | (char32_t(b(1) & 0x3F) << 12) |
                            (char32_t(b(2) & 0x3F) << 6) | (b(3) & 0x3F);
        if (cp >= 0x10000 && cp <= 0x10FFFF) {
            i += 4;
            return cp;
        }
    }
    ++i;
    return 0xFFFF;
}

// One pass for both forms, so that they always have the same tokens.
template <bool Toned>
void normalise(std::string_view in, std::string& out) {
    // Written through a pointer into a buffer sized once. Neither form is longer than its input: a
    // character yields at most as many bytes as it has (a tone digit counted with the character that
    // carries the tone) and each space stands for a separator. Twice that is sized all the same, so that
    // a slip in this reckoning cannot write out of bounds.
    out.resize(2 * in.size());
    char* const begin = out.data();
    char* p = begin;
    bool in_token = false;
    uint8_t tone = 0;
    char bare = 0;  // the token's last letter while a combining modifier may still apply to it
    const auto end_token = [&] {
        if (Toned && tone) *p++ = static_cast<char>('0' + tone);
        in_token = false;
        tone = 0;
        bare = 0;
    };
    for (std::size_t i = 0; i < in.size();) {
        const auto c = static_cast<unsigned char>(in[i]);
        Glyph g;
        if (c < 0x80) {
            g = kTables.ascii[c];
            ++i;
        } else {
            g = glyph_of(decode(in, i));
        }
        switch (g.kind) {
            case Kind::letter:
                if (!in_token) {
                    if (p != begin) *p++ = ' ';
                    in_token = true;
                }
                *p++ = g.base;
                if constexpr (Toned) {
                    if (g.telex) *p++ = g.telex;
                    if (g.tone) tone = g.tone;
                    bare = g.telex ? 0 : g.base;
                }
                break;
            case Kind::separator:
                if (in_token) end_token();
                break;
            case Kind::mark:
                if constexpr (Toned) {
                    if (!in_token) break;
                    if (g.tone) tone = g.tone;
                    const bool applies = (g.telex == '^' && (bare == 'a' || bare == 'e' || bare == 'o')) ||
                                         (g.telex == 'b' && bare == 'a') ||
                                         (g.telex == 'h' && (bare == 'o' || bare == 'u'));
                    if (applies) {
                        *p++ = g.telex == '^' ? bare : 'w';
                        bare = 0;
                    }
                }
                break;
            case Kind::drop: break;
        }
    }
    if (in_token) end_token();
    out.resize(static_cast<std::size_t>(p - begin));
}

// ---------------------------------------------------------------------------
// Word lists (folded, sorted: checked at compile time).

// Family names: the common ones (nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly
// dinh ...), the rarer ones, and those of the Hoa, Khmer, Tày, Thái and H'Mông. Left out because they are
// far more often given names: an, dong, gia, giang, han, hau, hoa, hong, kim, lien, loc,
// mong, nhan, phuong, quan, quang, son, tham, thang, thao, thinh, tra, trang, van, yen.
constexpr std::string_view kFamilyNames[] = {
    "au",    "bach",   "banh",  "bui",    "cai",   "cam",    "cao",    "cap",   "cat",   "chau",
    "che",   "chu",    "chung", "chuong", "co",    "cu",     "cung",   "dai",   "dam",   "dang",
    "dao",   "dau",    "diep",  "dieu",   "dinh",  "do",     "doan",   "duong", "ha",    "ho",
    "hoang", "hua",    "huynh", "kha",    "khieu", "khong",  "khuat",  "khuc",  "khuong", "kieu",
    "la",    "lac",    "lai",   "lam",    "lau",   "le",     "leu",    "li",    "lieu",  "lo",
    "lu",    "luc",    "luong", "luu",    "ly",    "ma",     "mac",    "mach",  "mai",   "man",
    "mau",   "mua",    "nghiem", "ngo",   "nguy",  "nguyen", "ninh",   "nong",  "ong",   "pham",
    "phan",  "phi",    "pho",   "phung",  "quach", "sam",    "sung",   "ta",    "tang",  "tat",
    "thach", "thai",   "than",  "thieu",  "thoi",  "tieu",   "to",     "ton",   "tong",  "trac",
    "tran",  "trieu",  "trinh", "truong", "tu",    "ung",    "uong",   "vang",  "vi",    "vien",
    "vo",    "vu",     "vuong", "vuu",
};

// Placeholder names, once a leading "benh nhan"/"bn"/"nguoi" and trailing numbers are set aside.
constexpr std::string_view kPlaceholders[] = {
    "an danh",  "chua co ten", "chua ro",   "chua ro ten", "chua xac dinh", "khong",   "khong co ten",
    "khong ro", "khong ro ten", "khong ten", "khong xac dinh", "n a",       "nn",      "no name",
    "noname",   "none",        "null",      "test",        "unknown",       "vo danh", "vo ten",
};

static_assert(std::ranges::is_sorted(kFamilyNames));
static_assert(std::ranges::is_sorted(kPlaceholders));

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' || c == 'w'; }

// Removes the word `w` (and the space after it) from the front of s when s starts with it.
bool remove_word(std::string_view& s, std::string_view w) {
    if (!s.starts_with(w) || (s.size() > w.size() && s[w.size()] != ' ')) return false;
    s.remove_prefix(std::min(s.size(), w.size() + 1));
    return true;
}

bool starts_with_word(std::string_view s, std::string_view w) { return remove_word(s, w); }

}  // namespace

void fold(std::string_view utf8, std::string& out) { normalise<false>(utf8, out); }

std::string fold(std::string_view utf8) {
    std::string out;
    fold(utf8, out);
    return out;
}

void toned(std::string_view utf8, std::string& out) { normalise<true>(utf8, out); }

std::string toned(std::string_view utf8) {
    std::string out;
    toned(utf8, out);
    return out;
}

void spelling_variants(std::string& s) {
    for (std::size_t start = 0; start < s.size();) {
        std::size_t end = s.find(' ', start);
        if (end == std::string::npos) end = s.size();
        std::size_t last = end;  // one past the token's last letter (before a tone digit)
        if (last > start && is_digit(s[last - 1])) --last;
        if (last - start >= 2 && s[last - 1] == 'y') {
            const char before = s[last - 2];
            const bool consonant = before >= 'a' && before <= 'z' && !is_vowel(before);
            const bool qu = before == 'u' && last - start >= 3 && s[last - 3] == 'q';
            if (consonant || qu) s[last - 1] = 'i';
        }
        start = end + 1;
    }
}

bool is_family_name(std::string_view folded_token) {
    return std::binary_search(std::begin(kFamilyNames), std::end(kFamilyNames), folded_token);
}

bool is_placeholder_name(std::string_view s) {
    while (!s.empty()) {  // trailing numbers: "vo danh 12"
        const std::size_t space = s.rfind(' ');
        const std::string_view last = space == std::string_view::npos ? s : s.substr(space + 1);
        if (!std::all_of(last.begin(), last.end(), is_digit)) break;
        s = space == std::string_view::npos ? std::string_view{} : s.substr(0, space);
    }
    if (!remove_word(s, "benh nhan") && !remove_word(s, "bn")) remove_word(s, "nguoi");
    if (s.size() <= 1) return true;  // nothing left, or one letter
    if (std::all_of(s.begin(), s.end(), [](char c) { return c == 'x' || c == ' '; })) return true;
    return std::binary_search(std::begin(kPlaceholders), std::end(kPlaceholders), s);
}

bool is_newborn_name(std::string_view s) {
    return starts_with_word(s, "con") || starts_with_word(s, "be trai") || starts_with_word(s, "be gai") ||
           starts_with_word(s, "so sinh") || starts_with_word(s, "tre so sinh");
}

}  // namespace ehb::person
