#include "engine/xml_submission.hpp"

#include <pugixml.hpp>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <vector>

#include "engine/canonical.hpp"
#include "engine/xml_layouts.hpp"

namespace ehb {

namespace {

// Whitespace-only character data is kept (parse_ws_pcdata) so that a field
// holding only spaces keeps them; the DOCTYPE node is kept so it can be
// refused. Comments and processing instructions are dropped by the parser.
constexpr unsigned kParseOptions =
    pugi::parse_cdata | pugi::parse_escapes | pugi::parse_eol | pugi::parse_ws_pcdata | pugi::parse_doctype;

// Concatenates strings (reasons, paths) without operator+ chains.
template <typename... Parts>
std::string cat(const Parts&... parts) {
    std::string s;
    (s.append(std::string_view(parts)), ...);
    return s;
}

std::string num(std::size_t n) { return std::to_string(n); }

std::string tag(std::string_view name) { return cat("<", name, ">"); }

// `parent`.`child`, or `child` alone at the top of the envelope.
std::string path(std::string_view parent, std::string_view child) {
    return parent.empty() ? std::string(child) : cat(parent, ".", child);
}

std::string indexed(std::string_view name, std::size_t i) { return cat(name, "[", num(i), "]"); }

bool fail(Issue& e, std::string_view code, std::string field, std::string reason) {
    e.code.assign(code);
    e.field = std::move(field);
    e.reason = std::move(reason);
    return false;
}

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_blank(std::string_view s) noexcept { return std::all_of(s.begin(), s.end(), is_space); }

bool is_text(pugi::xml_node_type t) noexcept { return t == pugi::node_pcdata || t == pugi::node_cdata; }

std::string_view name_of(const pugi::xml_node& n) noexcept { return n.name(); }

std::string_view value_of(const pugi::xml_node& n) noexcept { return n.value(); }

// The children of a node, one by one, with each one's type. pugixml's
// accessors live in its shared library, so every call counts: its iterators
// cost several calls a step, first_child()/next_sibling() one, and type()
// doubles as the end test (the type of the null node is node_null).
struct Child {
    pugi::xml_node node;
    pugi::xml_node_type type;

    explicit Child(const pugi::xml_node& n) : node(n), type(n.type()) {}
    explicit operator bool() const noexcept { return type != pugi::node_null; }
    void next() {
        node = node.next_sibling();
        type = node.type();
    }
};

// A field's name, with its first eight bytes (zero-padded) as a big-endian
// number: comparing that first orders names as their bytes do (a name holds
// no NUL) and spares most calls to memcmp when a record's names are sorted.
struct FieldName {
    uint64_t prefix = 0;
    std::string_view name;

    explicit FieldName(std::string_view n) noexcept : name(n) {
        for (std::size_t i = 0; i < 8; ++i) prefix = prefix << 8 | (i < n.size() ? static_cast<uint8_t>(n[i]) : 0u);
    }
    bool operator<(const FieldName& o) const noexcept { return prefix != o.prefix ? prefix < o.prefix : name < o.name; }
    bool operator==(const FieldName& o) const noexcept { return prefix == o.prefix && name == o.name; }
};

// The first character reference (&#N; or &#xN;) in `text` to a code point
// outside XML 1.0's Char production, e.g. &#0;, which the parser would turn
// into a NUL that ends the value early; empty when there is none.
std::string_view forbidden_reference(std::string_view text) {
    for (std::size_t at = text.find("&#"); at != std::string_view::npos; at = text.find("&#", at + 2)) {
        const std::size_t end = text.find(';', at);
        if (end == std::string_view::npos) return {};  // not a reference: the parser says so
        std::string_view digits = text.substr(at + 2, end - at - 2);
        const bool hex = !digits.empty() && digits[0] == 'x';
        if (hex) digits.remove_prefix(1);
        uint64_t c = 0;
        bool ok = !digits.empty() && digits.size() <= 8;
        for (char d : digits) {
            const int v = d >= '0' && d <= '9'                ? d - '0'
                          : hex && d >= 'a' && d <= 'f'       ? d - 'a' + 10
                          : hex && d >= 'A' && d <= 'F'       ? d - 'A' + 10
                                                              : -1;
            if (v < 0) ok = false;
            c = c * (hex ? 16 : 10) + static_cast<uint64_t>(v < 0 ? 0 : v);
        }
        if (!ok) continue;  // not a well-formed reference: the parser says so
        // Surrogates and code points past U+10FFFF are not UTF-8 at all: the
        // UTF-8 check of the written table reports those (E_UTF8).
        const bool not_utf8 = (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF;
        const bool allowed = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
                             (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000;
        if (!allowed && !not_utf8) return text.substr(at, end - at + 1);
    }
    return {};
}

// ---------------------------------------------------------------------------
// Base64 (RFC 4648 section 4: standard alphabet, '=' padding), strict: only
// whitespace (the line breaks of wrapping encoders) may stand between the
// characters; any other byte, a missing or misplaced '=', or padding bits that
// are not zero is an error. Fed piece by piece (the character data and CDATA
// sections of NOIDUNGFILE), so the text is not copied first.

constexpr std::array<int8_t, 256> kBase64Values = [] {
    std::array<int8_t, 256> t{};
    t.fill(-1);
    for (int i = 0; i < 26; ++i) {
        t[static_cast<std::size_t>('A' + i)] = static_cast<int8_t>(i);
        t[static_cast<std::size_t>('a' + i)] = static_cast<int8_t>(26 + i);
    }
    for (int i = 0; i < 10; ++i) t[static_cast<std::size_t>('0' + i)] = static_cast<int8_t>(52 + i);
    t['+'] = 62;
    t['/'] = 63;
    return t;
}();

// kBase64Values for each place k in a group of four, shifted to the place's
// bits of the group's 24 (18 - 6k); a byte outside the alphabet has bit 31
// set, so that OR-ing a group's four entries tells a whole group from others.
constexpr uint32_t kNotBase64 = 1u << 31;
constexpr std::array<std::array<uint32_t, 256>, 4> kBase64Places = [] {
    std::array<std::array<uint32_t, 256>, 4> t{};
    for (std::size_t k = 0; k < 4; ++k) {
        for (std::size_t c = 0; c < 256; ++c) {
            const int v = kBase64Values[c];
            t[k][c] = v < 0 ? kNotBase64 : static_cast<uint32_t>(v) << (18 - 6 * k);
        }
    }
    return t;
}();

class Base64Decoder {
public:
    // `out` is resized to hold what `length` characters of base64 can encode.
    Base64Decoder(std::string& out, std::size_t length) : out_(out) { out_.resize(length / 4 * 3 + 3); }

    bool feed(std::string_view text, std::string& why) {
        const char* p = text.data();
        const char* const end = p + text.size();
        while (p != end) {
            if (sextets_ == 0 && padding_ == 0 && !done_) p = whole_groups(p, end);
            if (p != end && !step(*p++, why)) return false;
        }
        return true;
    }

    bool finish(std::string& why) {
        out_.resize(size_);
        if (done_ || (sextets_ == 0 && padding_ == 0)) return true;
        why = cat("it ends inside a group of four characters (after ", num(offset_),
                  " characters; is the '=' padding missing?)");
        return false;
    }

private:
    static int value(char c) noexcept { return kBase64Values[static_cast<uint8_t>(c)]; }

    static uint32_t place(std::size_t k, char c) noexcept { return kBase64Places[k][static_cast<uint8_t>(c)]; }

    // The common case, from the start of a group: whole groups of four
    // alphabet characters, up to the first group holding anything else (left
    // to step()). Locals, not members: stores through char* would make the
    // compiler reload the members at every group. A group is stored as four
    // bytes in one go: its three, most significant first, and one that the
    // next group overwrites or finish() cuts off (`out_` holds three bytes
    // more than the groups can fill).
    const char* whole_groups(const char* p, const char* end) noexcept {
        static_assert(std::endian::native == std::endian::little, "the byte swap puts the high byte first");
        const char* const begin = p;
        char* o = out_.data() + size_;
        for (; end - p >= 4; p += 4, o += 3) {
            const uint32_t v = place(0, p[0]) | place(1, p[1]) | place(2, p[2]) | place(3, p[3]);
            if (v & kNotBase64) break;
            const uint32_t bytes = __builtin_bswap32(v << 8);
            std::memcpy(o, &bytes, 4);
        }
        size_ = static_cast<std::size_t>(o - out_.data());
        offset_ += static_cast<std::size_t>(p - begin);
        return p;
    }

    // One character, anywhere in a group.
    bool step(char c, std::string& why) {
        const std::size_t at = offset_++;
        if (is_space(c)) return true;
        if (c == '=') {
            if (done_ || sextets_ < 2) {
                why = cat("'=' at offset ", num(at), " is misplaced (padding ends the last group of four)");
                return false;
            }
            ++padding_;
            return sextets_ + padding_ < 4 || flush_padded(at, why);
        }
        if (done_ || padding_ > 0) {
            why = cat("data follows the '=' padding at offset ", num(at));
            return false;
        }
        const int v = value(c);
        if (v < 0) {
            why = cat(describe(c), " at offset ", num(at), " is not in the base64 alphabet (A-Z a-z 0-9 + /)");
            return false;
        }
        bits_ = bits_ << 6 | static_cast<uint32_t>(v);
        if (++sextets_ == 4) {
            out_[size_++] = static_cast<char>(bits_ >> 16);
            out_[size_++] = static_cast<char>(bits_ >> 8);
            out_[size_++] = static_cast<char>(bits_);
            bits_ = 0;
            sextets_ = 0;
        }
        return true;
    }

    // The last group, "xx==" or "xxx=": its bits beyond the last whole byte must be zero.
    bool flush_padded(std::size_t at, std::string& why) {
        const int spare = sextets_ == 2 ? 4 : 2;
        if ((bits_ & ((1u << spare) - 1)) != 0) {
            why = cat("the group ending at offset ", num(at), " has padding bits that are not zero");
            return false;
        }
        bits_ >>= spare;
        if (sextets_ == 3) out_[size_++] = static_cast<char>(bits_ >> 8);
        out_[size_++] = static_cast<char>(bits_);
        done_ = true;
        return true;
    }

    static std::string describe(char c) {
        const auto u = static_cast<uint8_t>(c);
        if (u > 0x20 && u < 0x7F) return cat("'", std::string_view(&c, 1), "'");
        static constexpr char kHex[] = "0123456789ABCDEF";
        const char hex[2] = {kHex[u >> 4], kHex[u & 15]};
        return cat("byte 0x", std::string_view(hex, 2));
    }

    std::string& out_;
    std::size_t size_ = 0;  // bytes decoded
    uint32_t bits_ = 0;
    int sextets_ = 0;         // characters of the current group
    int padding_ = 0;         // '=' seen
    bool done_ = false;       // the padded last group is complete
    std::size_t offset_ = 0;  // characters read, for error messages
};

// ---------------------------------------------------------------------------
// The end of the element that starts at `begin` ('<') in well-formed XML:
// start and end tags are counted; comments, CDATA sections, processing
// instructions and quoted attribute values (which may hold '>') are skipped.
// npos if the element does not close.
std::size_t element_end(std::string_view s, std::size_t begin) noexcept {
    constexpr auto npos = std::string_view::npos;
    std::size_t depth = 0;
    std::size_t i = begin;
    const auto skip_past = [&](std::string_view end) {
        const std::size_t j = s.find(end, i);
        i = j == npos ? npos : j + end.size();
    };
    while ((i = s.find('<', i)) != npos) {
        const std::string_view rest = s.substr(i);
        if (rest.starts_with("<!--")) {
            skip_past("-->");
        } else if (rest.starts_with("<![CDATA[")) {
            skip_past("]]>");
        } else if (rest.starts_with("<?")) {
            skip_past("?>");
        } else if (rest.starts_with("</")) {
            skip_past(">");
            if (i != npos && --depth == 0) return i;
        } else {
            char quote = 0;
            std::size_t j = i + 1;
            for (; j < s.size(); ++j) {
                const char c = s[j];
                if (quote != 0) {
                    if (c == quote) quote = 0;
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '>') {
                    break;
                }
            }
            if (j == s.size()) return npos;
            i = j + 1;
            if (s[j - 1] != '/') {
                ++depth;
            } else if (depth == 0) {
                return i;  // the element is self-closing
            }
        }
        if (i == npos) return npos;
    }
    return npos;
}

}  // namespace

// ---------------------------------------------------------------------------

struct XmlSubmissionReader::Impl {
    std::size_t max_bytes;
    pugi::xml_document envelope;
    pugi::xml_document inner;
    std::string envelope_buffer;  // a copy of the input, parsed in place
    std::string decoded;          // the current inner document, parsed in place
    std::string text;             // a field value made of several pieces
    std::string why;              // the base64 decoder's reason
    std::vector<FieldName> field_names;              // of one record, to find duplicates
    std::vector<std::string_view> base64_text;       // NOIDUNGFILE's pieces
    std::array<bool, kXmlTableCount> seen{};            // tables read so far
    std::array<std::size_t, kXmlTableCount> seen_at{};  // and the FILEHOSO each came in
    std::string xml1_facility;                       // XML1.MA_CSKCB
    std::string xml0_facility;                       // XML0.MA_CSKCB
    std::string* json = nullptr;                     // the document being written

    explicit Impl(std::size_t max) : max_bytes(max) {}

    bool read(std::string_view xml, XmlSubmission& out, Issue& e);
    bool parse(pugi::xml_document& doc, std::string& buffer, std::string_view table, Issue& e);
    bool part(const pugi::xml_node& parent, std::string_view where, std::string_view name, bool required,
              pugi::xml_node& found, Issue& e);
    bool only_parts(const pugi::xml_node& parent, std::string_view where,
                    std::initializer_list<std::string_view> allowed, Issue& e);
    bool signature(std::string_view xml, const pugi::xml_node& root, XmlSubmission& out, Issue& e);
    bool hoso(const pugi::xml_node& root, pugi::xml_node& found, Issue& e);
    bool file(const pugi::xml_node& filehoso, std::size_t index, std::size_t& decoded_total, Issue& e);
    bool decode(const pugi::xml_node& content, std::string_view table, Issue& e);
    bool write_table(std::size_t n, const pugi::xml_node& root, Issue& e);
    bool write_record(const pugi::xml_node& record, std::string_view where, std::string* facility, Issue& e);
    bool field_value(const pugi::xml_node& field, std::string_view where, std::string_view& value, Issue& e);
};

// Parses one XML document (the envelope, or the inner document of `table`)
// in place in `buffer`: well-formed, no DTD, one root element.
bool XmlSubmissionReader::Impl::parse(pugi::xml_document& doc, std::string& buffer, std::string_view table,
                                      Issue& e) {
    const std::string_view what = table.empty() ? std::string_view("the submission") : table;
    const pugi::xml_parse_result r =
        doc.load_buffer_inplace(buffer.data(), buffer.size(), kParseOptions, pugi::encoding_utf8);
    if (!r) {
        return fail(e, "E_XML", std::string(table),
                    cat(what, " is not well-formed XML at byte ", num(static_cast<std::size_t>(r.offset)),
                        table.empty() ? "" : " of its decoded NOIDUNGFILE", ": ", r.description()));
    }
    std::size_t roots = 0;
    for (Child n(doc.first_child()); n; n.next()) {
        if (n.type == pugi::node_doctype) {
            return fail(e, "E_XML_DOCTYPE", std::string(table),
                        cat(what, ": document type declarations (DTDs, entities) are not accepted"));
        }
        if (n.type == pugi::node_element) ++roots;
    }
    if (roots != 1) {
        return fail(e, "E_XML", std::string(table),
                    cat(what, " is not well-formed XML: it has ", num(roots), " root elements; expected one"));
    }
    return true;
}

// The child element `name` of `parent`: at most one, and one if `required`.
bool XmlSubmissionReader::Impl::part(const pugi::xml_node& parent, std::string_view where, std::string_view name,
                                     bool required, pugi::xml_node& found, Issue& e) {
    found = pugi::xml_node();
    for (Child n(parent.first_child()); n; n.next()) {
        if (n.type != pugi::node_element || name_of(n.node) != name) continue;
        if (found) return fail(e, "E_XML_ENVELOPE", path(where, name), cat(path(where, name), " appears more than once"));
        found = n.node;
    }
    if (!found && required) {
        return fail(e, "E_XML_ENVELOPE", path(where, name),
                    cat(where.empty() ? std::string_view("the submission") : where, " has no ", tag(name)));
    }
    return true;
}

// `parent` holds only elements named in `allowed`, and whitespace between them.
bool XmlSubmissionReader::Impl::only_parts(const pugi::xml_node& parent, std::string_view where,
                                           std::initializer_list<std::string_view> allowed, Issue& e) {
    const std::string_view holder = where.empty() ? std::string_view("GIAMDINHHS") : where;
    for (Child n(parent.first_child()); n; n.next()) {
        if (is_text(n.type)) {
            if (is_blank(value_of(n.node))) continue;
            return fail(e, "E_XML_ENVELOPE", std::string(holder), cat(holder, " holds text outside its elements"));
        }
        const std::string_view name = name_of(n.node);
        if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
        std::string reason = cat(holder, " holds ", tag(name), "; expected only");
        for (std::string_view a : allowed) reason += cat(" ", tag(a));
        return fail(e, "E_XML_ENVELOPE", path(where, name), std::move(reason));
    }
    return true;
}

// The CHUKYDONVI element, found by its position in the input and copied as
// is: the signature covers those bytes, not a re-serialisation of them.
bool XmlSubmissionReader::Impl::signature(std::string_view xml, const pugi::xml_node& root, XmlSubmission& out,
                                          Issue& e) {
    pugi::xml_node sig;
    if (!part(root, "", "CHUKYDONVI", false, sig, e)) return false;
    if (!sig) return true;
    const std::ptrdiff_t name_at = sig.offset_debug();  // the name, just after '<'
    const std::size_t begin = name_at > 0 ? static_cast<std::size_t>(name_at - 1) : 0;
    const std::size_t end =
        xml.substr(begin).starts_with("<CHUKYDONVI") ? element_end(xml, begin) : std::string_view::npos;
    if (end == std::string_view::npos) {
        return fail(e, "E_XML_ENVELOPE", "CHUKYDONVI", "the CHUKYDONVI element could not be delimited in the input");
    }
    out.signature.assign(xml.substr(begin, end - begin));
    return true;
}

// THONGTINHOSO: its parts, and the one HOSO of the submission.
bool XmlSubmissionReader::Impl::hoso(const pugi::xml_node& root, pugi::xml_node& found, Issue& e) {
    pugi::xml_node info, ngaylap, count, list;
    if (!part(root, "", "THONGTINHOSO", true, info, e) ||
        !only_parts(info, "THONGTINHOSO", {"NGAYLAP", "SOLUONGHOSO", "DANHSACHHOSO"}, e) ||
        !part(info, "THONGTINHOSO", "NGAYLAP", true, ngaylap, e) ||
        !part(info, "THONGTINHOSO", "SOLUONGHOSO", true, count, e) ||
        !part(info, "THONGTINHOSO", "DANHSACHHOSO", true, list, e) || !only_parts(list, "DANHSACHHOSO", {"HOSO"}, e)) {
        return false;
    }
    std::size_t n = 0;
    for (Child h(list.first_child()); h; h.next()) {
        if (name_of(h.node) == "HOSO" && n++ == 0) found = h.node;
    }
    if (n != 1) {
        return fail(e, "E_XML_ENVELOPE", "DANHSACHHOSO.HOSO",
                    cat("the submission holds ", num(n), " HOSO; a submission carries exactly one episode (one HOSO)"));
    }
    std::string_view declared;
    if (!field_value(count, "THONGTINHOSO", declared, e)) return false;
    while (!declared.empty() && is_space(declared.front())) declared.remove_prefix(1);
    while (!declared.empty() && is_space(declared.back())) declared.remove_suffix(1);
    if (declared != "1") {
        return fail(e, "E_XML_ENVELOPE", "THONGTINHOSO.SOLUONGHOSO",
                    cat("SOLUONGHOSO \"", declared, "\" does not match the 1 HOSO the submission holds"));
    }
    return true;
}

// NOIDUNGFILE's base64 text (its character data and CDATA pieces) into `decoded`.
bool XmlSubmissionReader::Impl::decode(const pugi::xml_node& content, std::string_view table, Issue& e) {
    base64_text.clear();
    std::size_t length = 0;
    for (Child n(content.first_child()); n; n.next()) {
        if (n.type == pugi::node_element) {
            return fail(e, "E_XML_ENVELOPE", std::string(table),
                        cat("NOIDUNGFILE of ", table, " holds the element ", tag(name_of(n.node)), "; expected base64 text"));
        }
        base64_text.push_back(value_of(n.node));
        length += base64_text.back().size();
    }
    Base64Decoder b64(decoded, length);
    const auto feed = [&](std::string_view piece) { return b64.feed(piece, why); };
    if (std::all_of(base64_text.begin(), base64_text.end(), feed) && b64.finish(why)) return true;
    return fail(e, "E_BASE64", std::string(table), cat("NOIDUNGFILE of ", table, " is not valid base64: ", why));
}

// One FILEHOSO: its table decoded, parsed and written to the document.
bool XmlSubmissionReader::Impl::file(const pugi::xml_node& filehoso, std::size_t index, std::size_t& decoded_total,
                                     Issue& e) {
    const std::string where = indexed("FILEHOSO", index);
    pugi::xml_node loai_node, content;
    if (!only_parts(filehoso, where, {"LOAIHOSO", "NOIDUNGFILE"}, e) ||
        !part(filehoso, where, "LOAIHOSO", true, loai_node, e) ||
        !part(filehoso, where, "NOIDUNGFILE", true, content, e)) {
        return false;
    }
    std::string_view loai;
    if (!field_value(loai_node, where, loai, e)) return false;
    const int number = xml_table_number(loai);
    if (number < 0) {
        return fail(e, "E_XML_ENVELOPE", path(where, "LOAIHOSO"),
                    cat("LOAIHOSO \"", loai, "\" is not a table: expected XML0 to XML15"));
    }
    const auto t = static_cast<std::size_t>(number);
    const std::string_view table = kXmlTableNames[t];
    if (seen[t]) {
        return fail(e, "E_XML_ENVELOPE", path(where, "LOAIHOSO"),
                    cat(table, " is sent twice: in ", indexed("FILEHOSO", seen_at[t]), " and in ", where));
    }
    seen[t] = true;
    seen_at[t] = index;

    if (!decode(content, table, e)) return false;
    // Base64 is longer than what it encodes, so an input within max_bytes
    // keeps this today; the check keeps the limit if that ever changes.
    decoded_total += decoded.size();
    if (decoded_total > max_bytes) {
        return fail(e, "E_TOO_LARGE", std::string(table),
                    cat(table, ": the decoded documents come to ", num(decoded_total), " bytes; the limit is ",
                        num(max_bytes)));
    }
    if (!simdjson::validate_utf8(decoded.data(), decoded.size())) {
        return fail(e, "E_UTF8", std::string(table), cat(table, " (the decoded NOIDUNGFILE) is not valid UTF-8"));
    }
    // Only a character reference (&#...;) can put what is not UTF-8 into the
    // parsed text; the rest of it is bytes of `decoded`, checked above.
    const bool references = decoded.find("&#") != std::string::npos;
    if (references) {
        if (const std::string_view bad = forbidden_reference(decoded); !bad.empty()) {
            return fail(e, "E_XML", std::string(table),
                        cat(table, " holds the character reference ", bad,
                            " to a character XML 1.0 does not allow (it would cut or corrupt the value)"));
        }
    }
    if (!parse(inner, decoded, table, e)) return false;

    std::string& out = *json;
    if (out.size() > 1) out.push_back(',');
    const std::size_t start = out.size();
    append_canonical_string(out, table);
    out.push_back(':');
    if (!write_table(t, inner.document_element(), e)) return false;
    // A character reference such as &#xD800; names what UTF-8 cannot encode.
    if (references && !simdjson::validate_utf8(out.data() + start, out.size() - start)) {
        return fail(e, "E_UTF8", std::string(table),
                    cat(table, " holds a character reference to a code point that is not a Unicode character"));
    }
    return true;
}

bool XmlSubmissionReader::Impl::write_table(std::size_t n, const pugi::xml_node& root, Issue& e) {
    const XmlTableLayout& layout = kXmlTableLayouts[n];
    const std::string_view table = kXmlTableNames[n];
    if (layout.list.empty()) {
        if (name_of(root) != layout.root) {
            return fail(e, "E_XML_ENVELOPE", std::string(table),
                        cat("the root element of ", table, " is ", tag(name_of(root)), "; expected ", tag(layout.root)));
        }
        std::string* facility = n == 1 ? &xml1_facility : n == 0 ? &xml0_facility : nullptr;
        return write_record(root, table, facility, e);
    }

    // QĐ 4210 files have the list element itself as their root.
    pugi::xml_node list = root;
    if (name_of(root) == layout.root) {
        if (!only_parts(root, table, {layout.list}, e) || !part(root, table, layout.list, false, list, e)) return false;
    } else if (name_of(root) != layout.list) {
        return fail(e, "E_XML_ENVELOPE", std::string(table),
                    cat("the root element of ", table, " is ", tag(name_of(root)), "; expected ", tag(layout.root),
                        " (or ", tag(layout.list), " as in QĐ 4210)"));
    }

    std::string& out = *json;
    out.push_back('[');
    std::size_t i = 0;
    for (Child row(list.first_child()); row; row.next()) {
        if (is_text(row.type)) {
            if (is_blank(value_of(row.node))) continue;
            return fail(e, "E_XML_ENVELOPE", std::string(table), cat(table, " holds text outside its rows"));
        }
        const std::string where = indexed(table, i);
        if (!layout.row.empty() && name_of(row.node) != layout.row) {
            return fail(e, "E_XML_ENVELOPE", where,
                        cat("row ", num(i), " of ", table, " is ", tag(name_of(row.node)), "; expected ", tag(layout.row)));
        }
        if (i++ > 0) out.push_back(',');
        if (!write_record(row.node, where, nullptr, e)) return false;
    }
    out.push_back(']');
    return true;
}

// One record (an object table, or one row) as a JSON object of strings;
// `facility`, when given, receives its MA_CSKCB.
bool XmlSubmissionReader::Impl::write_record(const pugi::xml_node& record, std::string_view where,
                                             std::string* facility, Issue& e) {
    std::string& out = *json;
    field_names.clear();
    out.push_back('{');
    for (Child f(record.first_child()); f; f.next()) {
        if (is_text(f.type)) {
            if (is_blank(value_of(f.node))) continue;
            return fail(e, "E_XML_ENVELOPE", std::string(where), cat(where, " holds text outside its fields"));
        }
        std::string_view value;
        if (!field_value(f.node, where, value, e)) return false;
        const std::string_view name = name_of(f.node);
        if (!field_names.empty()) out.push_back(',');
        field_names.emplace_back(name);
        // An XML name has nothing JSON escapes (no quote, backslash or control character).
        out.push_back('"');
        out.append(name);
        out.append("\":");
        append_canonical_string(out, value);
        if (facility != nullptr && name == "MA_CSKCB") facility->assign(value);
    }
    out.push_back('}');
    std::sort(field_names.begin(), field_names.end());
    const auto twice = std::adjacent_find(field_names.begin(), field_names.end());
    if (twice != field_names.end()) {
        return fail(e, "E_XML_ENVELOPE", path(where, twice->name),
                    cat("field ", twice->name, " appears more than once in ", where));
    }
    return true;
}

// A field's value: its character data and CDATA sections, concatenated.
// Whitespace-only character data beside a CDATA section is layout, not
// content; otherwise the text is kept exactly. An empty element is "".
// `value` stays valid until the next call.
bool XmlSubmissionReader::Impl::field_value(const pugi::xml_node& field, std::string_view where,
                                            std::string_view& value, Issue& e) {
    const auto not_text = [&](const pugi::xml_node& child) {
        const std::string at = path(where, name_of(field));
        return fail(e, "E_XML_ENVELOPE", at, cat(at, " holds the element ", tag(name_of(child)), "; a field holds text only"));
    };
    value = {};
    const Child first(field.first_child());
    if (!first) return true;
    // The common case, one piece: what the loops below come to, in fewer calls.
    if (first.node.next_sibling().type() == pugi::node_null) {
        if (first.type == pugi::node_element) return not_text(first.node);
        value = value_of(first.node);
        return true;
    }
    bool cdata = false;
    for (Child n = first; n; n.next()) {
        if (n.type == pugi::node_element) return not_text(n.node);
        cdata = cdata || n.type == pugi::node_cdata;
    }
    std::size_t pieces = 0;
    for (Child n = first; n; n.next()) {
        if (cdata && n.type == pugi::node_pcdata && is_blank(value_of(n.node))) continue;
        if (pieces == 0) {
            value = value_of(n.node);
        } else {
            if (pieces == 1) text.assign(value);
            text += value_of(n.node);
            value = text;
        }
        ++pieces;
    }
    return true;
}

bool XmlSubmissionReader::Impl::read(std::string_view xml, XmlSubmission& out, Issue& e) {
    out.document.clear();
    out.facility.clear();
    out.signature.clear();
    if (xml.size() > max_bytes) {
        return fail(e, "E_TOO_LARGE", "", cat("submission is ", num(xml.size()), " bytes; the limit is ", num(max_bytes)));
    }
    if (!simdjson::validate_utf8(xml.data(), xml.size())) {
        return fail(e, "E_UTF8", "", "the submission is not valid UTF-8");
    }
    envelope_buffer.assign(xml);
    if (!parse(envelope, envelope_buffer, "", e)) return false;

    const pugi::xml_node root = envelope.document_element();
    if (name_of(root) != "GIAMDINHHS") {
        return fail(e, "E_XML_ENVELOPE", "GIAMDINHHS",
                    cat("the root element is ", tag(name_of(root)), "; expected <GIAMDINHHS>"));
    }
    pugi::xml_node unit, facility, record;
    if (!only_parts(root, "", {"THONGTINDONVI", "THONGTINHOSO", "CHUKYDONVI"}, e) ||
        !part(root, "", "THONGTINDONVI", true, unit, e) || !only_parts(unit, "THONGTINDONVI", {"MACSKCB"}, e) ||
        !part(unit, "THONGTINDONVI", "MACSKCB", true, facility, e) || !hoso(root, record, e) ||
        !only_parts(record, "HOSO", {"FILEHOSO"}, e) || !signature(xml, root, out, e)) {
        return false;
    }
    std::string_view code;
    if (!field_value(facility, "THONGTINDONVI", code, e)) return false;
    if (code.empty()) return fail(e, "E_XML_ENVELOPE", "THONGTINDONVI.MACSKCB", "THONGTINDONVI.MACSKCB is empty");
    out.facility.assign(code);
    if (!simdjson::validate_utf8(out.facility.data(), out.facility.size())) {
        return fail(e, "E_UTF8", "THONGTINDONVI.MACSKCB",
                    "THONGTINDONVI.MACSKCB holds a character reference to a code point that is not a Unicode character");
    }

    seen.fill(false);
    xml1_facility.clear();
    xml0_facility.clear();
    json = &out.document;
    out.document.push_back('{');
    std::size_t index = 0;
    std::size_t decoded_total = 0;
    for (Child f(record.first_child()); f; f.next()) {
        if (name_of(f.node) == "FILEHOSO" && !file(f.node, index++, decoded_total, e)) return false;
    }
    out.document.push_back('}');

    // The envelope's facility must be the episode's own (XML0's for a check-in).
    const std::string_view own_table = seen[1] ? "XML1" : "XML0";
    const std::string& own = seen[1] ? xml1_facility : xml0_facility;
    if (!own.empty() && own != out.facility) {
        return fail(e, "E_XML_ENVELOPE", "THONGTINDONVI.MACSKCB",
                    cat("THONGTINDONVI.MACSKCB \"", out.facility, "\" differs from ", own_table, ".MA_CSKCB \"", own, "\""));
    }
    return true;
}

XmlSubmissionReader::XmlSubmissionReader(std::size_t max_bytes) : impl_(std::make_unique<Impl>(max_bytes)) {}
XmlSubmissionReader::~XmlSubmissionReader() = default;
XmlSubmissionReader::XmlSubmissionReader(XmlSubmissionReader&&) noexcept = default;
XmlSubmissionReader& XmlSubmissionReader::operator=(XmlSubmissionReader&&) noexcept = default;

bool XmlSubmissionReader::read(std::string_view xml, XmlSubmission& out, Issue& error) {
    return impl_->read(xml, out, error);
}

bool looks_like_xml(std::string_view bytes) noexcept {
    if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
    const auto first = std::find_if_not(bytes.begin(), bytes.end(), is_space);
    return first != bytes.end() && *first == '<';
}

}  // namespace ehb
