#include "engine/person/address.hpp"

#include <algorithm>
#include <array>

#include "engine/person/names.hpp"

namespace ehb::person {

namespace {

// Folded, sorted (checked at compile time). See address.hpp for what each list does.
constexpr std::string_view kAlwaysDropped[] = {
    "ap", "f",  "h", "hem", "huyen", "kdc", "khom", "khu", "kiet", "kp", "ngach", "p",
    "q",  "so", "t", "tdp", "thon",  "tp",  "tt",   "tx",  "x",    "xa", "xom",
};
constexpr std::string_view kLevelWords[] = {"ban", "buon", "duong", "ngo", "pho", "phuong", "quan", "tinh", "to"};
constexpr std::string_view kPhrases[] = {
    "khu dan cu", "khu pho", "khu vuc", "so nha", "thanh pho", "thi tran", "thi xa", "to dan pho", "viet nam",
};
struct Alias {
    std::string_view abbreviation, name;
};
constexpr Alias kAliases[] = {{"hcm", "ho chi minh"}, {"hn", "ha noi"}, {"tphcm", "ho chi minh"}, {"tphn", "ha noi"}};

static_assert(std::ranges::is_sorted(kAlwaysDropped));
static_assert(std::ranges::is_sorted(kLevelWords));

bool contains(const auto& sorted_words, std::string_view w) {
    return std::binary_search(std::begin(sorted_words), std::end(sorted_words), w);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool all_digits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_digit); }

// The length of the phrase `s` starts with (as whole words), or 0.
std::size_t phrase_at(std::string_view s) {
    for (std::string_view p : kPhrases) {
        if (s.starts_with(p) && (s.size() == p.size() || s[p.size()] == ' ')) return p.size();
    }
    return 0;
}

void append_token(std::string& out, std::string_view token) {
    if (!out.empty()) out += ' ';
    out += token;
}

// Appends the kept tokens of one folded part of an address. A level word that folds like a place name
// is removed when a name follows it and it starts a name: at the part's start, after a number or a
// removed word, or after a name of two syllables or more (most are: "Long Thạnh Tỉnh Bình Dương"
// written without commas), never right after a one-syllable one ("Sơn Tịnh", "Hải Dương").
void append_part(std::string_view part, std::string& out) {
    std::size_t name_run = 0;  // syllables of the place name being read
    for (std::size_t pos = 0; pos < part.size();) {
        if (const std::size_t len = phrase_at(part.substr(pos))) {
            pos += len + 1;
            name_run = 0;
            continue;
        }
        std::size_t end = part.find(' ', pos);
        if (end == std::string_view::npos) end = part.size();
        std::string_view token = part.substr(pos, end - pos);
        const bool last = end == part.size();
        pos = end + 1;

        if (contains(kAlwaysDropped, token) || (!last && name_run != 1 && contains(kLevelWords, token))) {
            name_run = 0;
            continue;
        }
        // "p12", "q3", "f7": the abbreviation glued to its number.
        if (token.size() > 1 && (token[0] == 'p' || token[0] == 'q' || token[0] == 'f') && all_digits(token.substr(1)))
            token.remove_prefix(1);
        if (all_digits(token)) {
            while (token.size() > 1 && token[0] == '0') token.remove_prefix(1);
            append_token(out, token);
            name_run = 0;
            continue;
        }
        const auto alias = std::find_if(std::begin(kAliases), std::end(kAliases),
                                        [&](const Alias& a) { return a.abbreviation == token; });
        append_token(out, alias != std::end(kAliases) ? alias->name : token);
        ++name_run;
    }
}

constexpr std::size_t kMaxTokens = 64;

// The distinct tokens of a key, up to kMaxTokens.
std::size_t distinct_tokens(std::string_view key, std::array<std::string_view, kMaxTokens>& out) {
    std::size_t n = 0;
    for (std::size_t pos = 0; pos < key.size() && n < kMaxTokens;) {
        std::size_t end = key.find(' ', pos);
        if (end == std::string_view::npos) end = key.size();
        const std::string_view token = key.substr(pos, end - pos);
        if (!token.empty() && std::find(out.begin(), out.begin() + n, token) == out.begin() + n) out[n++] = token;
        pos = end + 1;
    }
    return n;
}

}  // namespace

void address_key(std::string_view utf8, std::string& out) {
    out.clear();
    thread_local std::string part;  // reused: no allocation per call once warm
    for (std::size_t start = 0; start < utf8.size();) {
        std::size_t end = utf8.find_first_of(",;-|\r\n", start);
        if (end == std::string_view::npos) end = utf8.size();
        fold(utf8.substr(start, end - start), part);
        append_part(part, out);
        start = end + 1;
    }
}

double address_similarity(std::string_view key_a, std::string_view key_b) {
    std::array<std::string_view, kMaxTokens> a, b;
    const std::size_t na = distinct_tokens(key_a, a), nb = distinct_tokens(key_b, b);
    if (na == 0 || nb == 0) return -1.0;
    std::size_t common = 0;
    for (std::size_t i = 0; i < na; ++i) common += std::find(b.begin(), b.begin() + nb, a[i]) != b.begin() + nb;
    return static_cast<double>(common) / static_cast<double>(na + nb - common);
}

}  // namespace ehb::person
