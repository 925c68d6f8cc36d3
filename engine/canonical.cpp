#include "engine/canonical.hpp"

#include <simdjson.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <vector>

#include "engine/tables.hpp"

namespace ehb {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

struct Member {
    uint64_t prefix;  // first 8 key bytes, big-endian, zero-padded: orders like memcmp
    std::string_view key;
    element value;
};

uint64_t key_prefix(std::string_view key) noexcept {
    unsigned char b[8] = {};
    std::memcpy(b, key.data(), std::min<std::size_t>(key.size(), 8));
    uint64_t v = 0;
    for (unsigned char c : b) v = v << 8 | c;
    return v;
}

// memcmp order of the keys. Where the zero-padded prefixes differ they decide
// (a padding zero only stands where the shorter key has ended, and a prefix of
// a key sorts before it); where they are equal, compare the whole keys.
bool key_less(const Member& a, const Member& b) noexcept {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    return a.key < b.key;
}

// Any of the 8 bytes a control character, '"' or '\\' (SWAR, exact for "any").
bool needs_escape8(uint64_t x) noexcept {
    constexpr uint64_t kOnes = 0x0101010101010101ull;
    constexpr uint64_t kHigh = 0x8080808080808080ull;
    const uint64_t q = x ^ (kOnes * '"');
    const uint64_t bs = x ^ (kOnes * '\\');
    return (((x - kOnes * 0x20) & ~x) | ((q - kOnes) & ~q) | ((bs - kOnes) & ~bs)) & kHigh;
}

// 0: byte copied as is; otherwise the escape letter ('u' = \u00xx).
constexpr std::array<char, 256> build_escapes() {
    std::array<char, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[c] = 'u';
    t['\b'] = 'b';
    t['\f'] = 'f';
    t['\n'] = 'n';
    t['\r'] = 'r';
    t['\t'] = 't';
    t['"'] = '"';
    t['\\'] = '\\';
    return t;
}
constexpr std::array<char, 256> kEscape = build_escapes();

// Duplicate path is built while unwinding: each frame prepends its segment.
void prepend_key(std::string& path, std::string_view key) {
    if (path.empty()) {
        path.assign(key);
        return;
    }
    std::string seg(key);
    if (path[0] != '[') seg += '.';
    path.insert(0, seg);
}

void prepend_index(std::string& path, std::size_t index) {
    std::string seg(1, '[');
    seg += std::to_string(index);
    seg += ']';
    if (!path.empty() && path[0] != '[') seg += '.';
    path.insert(0, seg);
}

bool starts_like_decimal(std::string_view s) noexcept {
    return !s.empty() && ((s[0] >= '0' && s[0] <= '9') || s[0] == '-');
}

// The most digits a number field's value may have before, and after, the
// point to be written as a number: 15, as the Ministry's widest number fields
// (S15). Beyond that a JSON reader may not take the number back (an integer
// over 64 bits), so such a value keeps its own spelling.
constexpr std::size_t kMaxNumberDigits = 15;

// A plain decimal -?[0-9]+(.[0-9]+)? without redundant zeros: "007" → 7,
// "1500.50" → 1500.5, "2.0" → 2, "-0" → 0. False (nothing written) for any
// other text, and for more than kMaxNumberDigits digits on either side.
bool append_decimal(std::string& out, std::string_view s) {
    std::size_t i = 0;
    const bool negative = !s.empty() && s[0] == '-';
    if (negative) ++i;
    const std::size_t int_begin = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    std::size_t int_end = i;
    if (int_end == int_begin) return false;
    std::size_t frac_begin = i, frac_end = i;
    if (i < s.size()) {
        if (s[i] != '.') return false;
        frac_begin = ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        if (i != s.size() || i == frac_begin) return false;
        frac_end = i;
        while (frac_end > frac_begin && s[frac_end - 1] == '0') --frac_end;
    }
    std::size_t lead = int_begin;
    while (lead + 1 < int_end && s[lead] == '0') ++lead;
    if (int_end - lead > kMaxNumberDigits || frac_end - frac_begin > kMaxNumberDigits) return false;
    const bool zero = int_end - lead == 1 && s[lead] == '0' && frac_end == frac_begin;
    if (negative && !zero) out.push_back('-');
    out.append(s.substr(lead, int_end - lead));
    if (frac_end > frac_begin) {
        out.push_back('.');
        out.append(s.substr(frac_begin, frac_end - frac_begin));
    }
    return true;
}

}  // namespace

void append_json_time(std::string& out, int64_t us) {
    std::time_t secs = us / 1'000'000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[40];
    std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%06lldZ", static_cast<long long>(us % 1'000'000));
    append_canonical_string(out, buf);
}

void append_json_member(std::string& out, std::string_view key, std::string_view value) {
    out += ",\"";
    out += key;
    out += "\":";
    append_canonical_string(out, value);
}

void append_json_number(std::string& out, std::string_view key, uint64_t value) {
    out += ",\"";
    out += key;
    out += "\":";
    out += std::to_string(value);
}

void append_canonical_string(std::string& out, std::string_view s) {
    out.push_back('"');
    const char* p = s.data();
    const char* end = p + s.size();
    const char* run = p;
    while (p != end) {
        if (end - p >= 8) {
            uint64_t chunk;
            std::memcpy(&chunk, p, 8);
            if (!needs_escape8(chunk)) {
                p += 8;
                continue;
            }
        }
        const char* stop = end - p >= 8 ? p + 8 : end;
        for (; p != stop; ++p) {
            const char esc = kEscape[static_cast<uint8_t>(*p)];
            if (esc == 0) continue;
            out.append(run, static_cast<std::size_t>(p - run));
            if (esc == 'u') {
                static constexpr char kHex[] = "0123456789abcdef";
                const auto c = static_cast<uint8_t>(*p);
                const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
                out.append(u, 6);
            } else {
                const char two[2] = {'\\', esc};
                out.append(two, 2);
            }
            run = p + 1;
        }
    }
    out.append(run, static_cast<std::size_t>(end - run));
    out.push_back('"');
}

Hash128 canonical_hash(std::string_view canonical) noexcept {
    const XXH128_hash_t h = XXH3_128bits(canonical.data(), canonical.size());
    return Hash128{h.low64, h.high64};
}

struct CanonicalWriter::Impl {
    // levels[d]: members of the object being written at depth d; reused.
    std::vector<std::vector<Member>> levels;
    std::string* out = nullptr;
    std::string* dup = nullptr;
    Generation generation = Generation::qd130;

    bool value(const element& e, std::size_t depth) {
        std::string& o = *out;
        char num[32];
        switch (e.type()) {
            case element_type::OBJECT: return object(e, depth);
            case element_type::ARRAY: {
                o.push_back('[');
                const simdjson::dom::array arr = e.get_array().value_unsafe();  // a copy: type checked above
                std::size_t i = 0;
                for (element child : arr) {
                    if (i != 0) o.push_back(',');
                    if (!value(child, depth + 1)) {
                        prepend_index(*dup, i);
                        return false;
                    }
                    ++i;
                }
                o.push_back(']');
                return true;
            }
            case element_type::STRING: append_canonical_string(o, e.get_string().value_unsafe()); return true;
            case element_type::INT64: {
                auto r = std::to_chars(num, num + sizeof num, e.get_int64().value_unsafe());
                o.append(num, r.ptr);
                return true;
            }
            case element_type::UINT64: {
                auto r = std::to_chars(num, num + sizeof num, e.get_uint64().value_unsafe());
                o.append(num, r.ptr);
                return true;
            }
            case element_type::DOUBLE: {
                auto r = std::to_chars(num, num + sizeof num, e.get_double().value_unsafe());
                o.append(num, r.ptr);
                return true;
            }
            case element_type::BOOL: o.append(e.get_bool().value_unsafe() ? "true" : "false"); return true;
            case element_type::NULL_VALUE: o.append("null"); return true;
        }
        return true;
    }

    // Collects an object's members in key order; false on a repeated key.
    // Inside a table (`table` set), keys are the fields' stored names.
    bool sorted_members(const element& e, std::size_t depth, std::string_view table) {
        if (levels.size() <= depth) levels.resize(depth + 1);
        std::vector<Member>& members = levels[depth];
        members.clear();
        const simdjson::dom::object obj = e.get_object().value_unsafe();  // a copy: type checked by the caller
        for (auto kv : obj) {
            const std::string_view key = table.empty() ? kv.key : current_field_name(generation, table, kv.key);
            members.push_back(Member{key_prefix(key), key, kv.value});
        }
        std::sort(members.begin(), members.end(), key_less);
        for (std::size_t i = 1; i < members.size(); ++i) {
            if (members[i].key == members[i - 1].key) {
                dup->assign(members[i].key);
                return false;
            }
        }
        return true;
    }

    // The top level of an episode document: tables, written as `table` rows.
    bool document(const element& e) {
        if (e.type() != element_type::OBJECT) return value(e, 0);
        if (!sorted_members(e, 0, {})) return false;
        std::string& o = *out;
        o.push_back('{');
        const std::size_t n = levels[0].size();
        for (std::size_t i = 0; i < n; ++i) {
            if (i != 0) o.push_back(',');
            const Member m = levels[0][i];
            append_canonical_string(o, m.key);
            o.push_back(':');
            bool ok = true;
            if (m.value.type() == element_type::OBJECT) {
                ok = row(m.value, 1, m.key);
            } else if (m.value.type() == element_type::ARRAY) {
                o.push_back('[');
                std::size_t j = 0;
                const simdjson::dom::array rows = m.value.get_array().value_unsafe();
                for (element child : rows) {
                    if (j != 0) o.push_back(',');
                    ok = child.type() == element_type::OBJECT ? row(child, 2, m.key) : value(child, 2);
                    if (!ok) {
                        prepend_index(*dup, j);
                        break;
                    }
                    ++j;
                }
                o.push_back(']');
            } else {
                ok = value(m.value, 1);
            }
            if (!ok) {
                prepend_key(*dup, m.key);
                return false;
            }
        }
        o.push_back('}');
        return true;
    }

    // One table object or row: stored names, no empty fields, normalised numbers.
    bool row(const element& e, std::size_t depth, std::string_view table) {
        if (!sorted_members(e, depth, table)) return false;
        std::string& o = *out;
        o.push_back('{');
        bool first = true;
        const std::size_t n = levels[depth].size();
        for (std::size_t i = 0; i < n; ++i) {
            const Member m = levels[depth][i];
            const element_type t = m.value.type();
            if (t == element_type::NULL_VALUE) continue;
            if (t == element_type::STRING && m.value.get_string().value_unsafe().empty()) continue;
            if (!first) o.push_back(',');
            first = false;
            append_canonical_string(o, m.key);
            o.push_back(':');
            if (generation == Generation::qd4210 && table == "XML1") {
                char buf[32];
                if (const std::string_view text = stored_4210_text(m.key, m.value, buf); !text.empty()) {
                    append_canonical_string(o, text);
                    continue;
                }
            }
            // Only a double or a decimal-looking string is written differently
            // in a number field: look the field up only for those.
            const bool maybe_number =
                t == element_type::DOUBLE ||
                (t == element_type::STRING && starts_like_decimal(m.value.get_string().value_unsafe()));
            if (maybe_number && is_numeric_field(table, m.key) && number(m.value)) continue;
            if (!value(m.value, depth + 1)) {
                prepend_key(*dup, m.key);
                return false;
            }
        }
        o.push_back('}');
        return true;
    }

    // A number field's value as a normalised decimal number; false (nothing
    // written) when it is neither a number nor a decimal string.
    bool number(const element& e) {
        std::string& o = *out;
        switch (e.type()) {
            case element_type::INT64:
            case element_type::UINT64: return value(e, 0);  // integers are written the same either way
            case element_type::DOUBLE: {
                // In fixed notation, as a decimal string of the same value would be;
                // a double beyond kMaxNumberDigits keeps its shortest form.
                char num[400];  // the longest fixed-notation double is 309 digits + sign + point
                const double d = e.get_double().value_unsafe();
                auto r = std::to_chars(num, num + sizeof num, d == 0 ? 0.0 : d, std::chars_format::fixed);
                return append_decimal(o, {num, static_cast<std::size_t>(r.ptr - num)}) || value(e, 0);
            }
            case element_type::STRING: return append_decimal(o, e.get_string().value_unsafe());
            default: return false;
        }
    }

    bool object(const element& e, std::size_t depth) {
        if (!sorted_members(e, depth, {})) return false;
        std::string& o = *out;
        o.push_back('{');
        // Deeper objects may grow `levels`, which moves the inner vectors (not
        // their elements): from here on, index levels[depth] afresh.
        const std::size_t n = levels[depth].size();
        for (std::size_t i = 0; i < n; ++i) {
            if (i != 0) o.push_back(',');
            const Member m = levels[depth][i];
            append_canonical_string(o, m.key);
            o.push_back(':');
            if (!value(m.value, depth + 1)) {
                prepend_key(*dup, m.key);
                return false;
            }
        }
        o.push_back('}');
        return true;
    }
};

CanonicalWriter::CanonicalWriter() : impl_(std::make_unique<Impl>()) {}
CanonicalWriter::~CanonicalWriter() = default;
CanonicalWriter::CanonicalWriter(CanonicalWriter&&) noexcept = default;
CanonicalWriter& CanonicalWriter::operator=(CanonicalWriter&&) noexcept = default;

bool CanonicalWriter::write(const simdjson::dom::element& root, std::string& out, std::string& duplicate_path) {
    out.clear();
    duplicate_path.clear();
    impl_->out = &out;
    impl_->dup = &duplicate_path;
    return impl_->value(root, 0);
}

bool CanonicalWriter::write_document(const simdjson::dom::element& root, Generation g, std::string& out,
                                     std::string& duplicate_path) {
    out.clear();
    duplicate_path.clear();
    impl_->out = &out;
    impl_->dup = &duplicate_path;
    impl_->generation = g;
    return impl_->document(root);
}

bool canonicalize_json(std::string_view json, std::string& out, std::string& error) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (auto err = parser.parse(json.data(), json.size(), true).get(root)) {
        error = simdjson::error_message(err);
        return false;
    }
    CanonicalWriter writer;
    std::string dup;
    if (!writer.write(root, out, dup)) {
        error = "duplicate key " + dup;
        return false;
    }
    return true;
}

}  // namespace ehb
