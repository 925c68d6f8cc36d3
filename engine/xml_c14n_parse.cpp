// Reading a document into the tree of engine/xml_c14n.hpp: line endings
// normalised first (XML 1.0 §2.11), then one pass with an explicit stack of
// open elements, resolving namespaces as it goes.
#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "engine/xml_c14n.hpp"

namespace ehb::xml {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_xml_char(uint32_t c) {
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0x10FFFF);
}

void append_utf8(std::string& out, uint32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | c >> 6);
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | c >> 12);
        out += static_cast<char>(0x80 | (c >> 6 & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | c >> 18);
        out += static_cast<char>(0x80 | (c >> 12 & 0x3F));
        out += static_cast<char>(0x80 | (c >> 6 & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

// Splits a QName; false when it has more than one colon or an empty part.
bool split_qname(std::string_view name, std::string& prefix, std::string& local) {
    const std::size_t colon = name.find(':');
    if (colon == std::string_view::npos) {
        prefix.clear();
        local = name;
        return true;
    }
    if (colon == 0 || colon + 1 == name.size() || name.find(':', colon + 1) != std::string_view::npos) return false;
    prefix = name.substr(0, colon);
    local = name.substr(colon + 1);
    return true;
}

// Whether an XML declaration names no encoding or UTF-8: the canonical form is
// UTF-8, so bytes in another encoding would be signed as other characters.
bool utf8_declared(std::string_view declaration) {
    const std::size_t at = declaration.find("encoding");
    if (at == std::string_view::npos) return true;
    const std::size_t quote = declaration.find_first_of("\"'", at);
    if (quote == std::string_view::npos) return false;
    const std::size_t close = declaration.find(declaration[quote], quote + 1);
    if (close == std::string_view::npos || close - quote - 1 != 5) return false;
    std::string name(declaration.substr(quote + 1, 5));
    for (char& c : name) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    return name == "UTF-8";
}

// Canonical XML 1.0 §2 leaves relative namespace URIs out: absolute means a scheme.
bool absolute_uri(std::string_view uri) {
    const std::size_t colon = uri.find(':');
    if (colon == 0 || colon == std::string_view::npos) return false;
    for (std::size_t i = 0; i < colon; ++i) {
        const char c = uri[i];
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!letter && (i == 0 || !((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))) return false;
    }
    return true;
}

// Whether two attributes have the same key; sorted, so that a tag of many attributes costs n log n.
template <typename Key>
bool repeated(const std::vector<Attribute>& attributes, Key key) {
    std::vector<std::pair<std::string_view, std::string_view>> keys;
    keys.reserve(attributes.size());
    for (const Attribute& a : attributes) keys.push_back(key(a));
    std::sort(keys.begin(), keys.end());
    return std::adjacent_find(keys.begin(), keys.end()) != keys.end();
}

class Parser {
public:
    Parser(std::string text, Document& doc) : s_(std::move(text)), doc_(doc) {}

    std::string run() {
        if (s_.starts_with("\xEF\xBB\xBF")) p_ = 3;
        if (s_.compare(p_, 5, "<?xml") == 0 && p_ + 5 < s_.size() && is_space(s_[p_ + 5])) {
            const std::size_t end = s_.find("?>", p_);
            if (end == std::string::npos) return "an unterminated XML declaration";
            const std::string_view declaration = std::string_view(s_).substr(p_ + 5, end - p_ - 5);
            const std::size_t version = declaration.find_first_not_of(" \t\n");
            if (version == std::string_view::npos || declaration.compare(version, 7, "version") != 0 ||
                declaration.find('<') != std::string_view::npos)
                return "a malformed XML declaration";
            if (!utf8_declared(declaration)) return "an encoding other than UTF-8";
            p_ = end + 2;
        }
        while (error_.empty()) {
            while (p_ < s_.size() && is_space(s_[p_])) ++p_;
            if (p_ == s_.size()) break;
            if (at("<!--")) {
                markup(Node::Kind::comment, kNone);
            } else if (at("<?")) {
                markup(Node::Kind::pi, kNone);
            } else if (at("<!DOCTYPE")) {
                fail("a DTD (DOCTYPE), outside the subset we canonicalise");
            } else if (at("<") && doc_.root == kNone) {
                element_tree();
            } else {
                fail(doc_.root == kNone ? "text before the document element" : "content after the document element");
            }
        }
        if (error_.empty() && doc_.root == kNone) fail("no document element");
        return error_;
    }

private:
    bool at(std::string_view token) const { return s_.compare(p_, token.size(), token) == 0; }

    void fail(std::string why) {
        if (error_.empty()) error_ = std::move(why) + " (at byte " + std::to_string(p_) + ")";
    }

    std::size_t add(Node node, std::size_t parent) {
        node.parent = parent;
        doc_.nodes.push_back(std::move(node));
        const std::size_t index = doc_.nodes.size() - 1;
        if (parent == kNone)
            doc_.top.push_back(index);
        else
            doc_.nodes[parent].children.push_back(index);
        return index;
    }

    // XML 1.0 §2.3 Name, with every non-ASCII character taken as a name character.
    std::string_view name() {
        const auto start_char = [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || static_cast<uint8_t>(c) >= 0x80;
        };
        const std::size_t start = p_;
        if (p_ < s_.size() && start_char(s_[p_]))
            while (p_ < s_.size() && (start_char(s_[p_]) || (s_[p_] >= '0' && s_[p_] <= '9') || s_[p_] == '-' || s_[p_] == '.'))
                ++p_;
        if (p_ == start) fail("a missing or malformed name");
        return std::string_view(s_).substr(start, p_ - start);
    }

    // A comment or PI, at "<!--" or "<?"; kept under `parent`.
    void markup(Node::Kind kind, std::size_t parent) {
        Node node;
        node.kind = kind;
        if (kind == Node::Kind::comment) {
            p_ += 4;
            const std::size_t end = s_.find("--", p_);
            if (end == std::string::npos || s_.compare(end, 3, "-->") != 0) return fail("a malformed comment");
            node.text = s_.substr(p_, end - p_);
            p_ = end + 3;
        } else {
            p_ += 2;
            node.name = name();
            if (node.name.size() == 3 && (node.name[0] | 0x20) == 'x' && (node.name[1] | 0x20) == 'm' &&
                (node.name[2] | 0x20) == 'l')
                return fail("a misplaced XML declaration");
            const std::size_t end = s_.find("?>", p_);
            if (end == std::string::npos) return fail("an unterminated processing instruction");
            if (p_ < end && !is_space(s_[p_])) return fail("a malformed processing instruction");
            while (p_ < end && is_space(s_[p_])) ++p_;
            node.text = s_.substr(p_, end - p_);
            p_ = end + 2;
        }
        if (error_.empty()) add(std::move(node), parent);
    }

    // Appends character data up to `stop` with references expanded; in an
    // attribute value literal whitespace becomes a space (XML 1.0 §3.3.3).
    void characters(std::size_t stop, bool attribute, std::string& out) {
        while (p_ < stop && error_.empty()) {
            const char c = s_[p_];
            if (c == '&') {
                const std::size_t semi = s_.find(';', p_);
                if (semi == std::string::npos || semi >= stop) return fail("a malformed reference");
                reference(std::string_view(s_).substr(p_ + 1, semi - p_ - 1), out);
                p_ = semi + 1;
            } else if (c == '<') {
                return fail("'<' in an attribute value");
            } else if (!attribute && s_.compare(p_, 3, "]]>") == 0) {
                return fail("']]>' in text");
            } else {
                out += attribute && (c == '\t' || c == '\n') ? ' ' : c;
                ++p_;
            }
        }
    }

    void reference(std::string_view ref, std::string& out) {
        static constexpr std::pair<std::string_view, char> kPredefined[] = {
            {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
        for (const auto& [entity, c] : kPredefined)
            if (ref == entity) return void(out += c);
        if (!ref.starts_with('#')) return fail("an entity reference the document cannot declare without a DTD");
        const bool hex = ref.size() > 1 && ref[1] == 'x';
        const std::string_view digits = ref.substr(hex ? 2 : 1);
        if (digits.empty() || digits.size() > 8) return fail("a malformed character reference");
        uint32_t code = 0;
        for (const char d : digits) {
            int v = -1;
            if (d >= '0' && d <= '9') v = d - '0';
            if (hex && d >= 'a' && d <= 'f') v = d - 'a' + 10;
            if (hex && d >= 'A' && d <= 'F') v = d - 'A' + 10;
            if (v < 0) return fail("a malformed character reference");
            code = code * (hex ? 16 : 10) + static_cast<uint32_t>(v);
        }
        if (!is_xml_char(code)) return fail("a character reference to a character XML does not allow");
        append_utf8(out, code);
    }

    // Binds `prefix` for the element being opened, remembering what to undo at its end.
    void bind(const std::string& prefix, const std::string& uri) {
        auto found = scope_.find(prefix);
        undo_.back().emplace_back(prefix, found == scope_.end() ? std::nullopt : std::optional(found->second));
        scope_[prefix] = uri;
    }

    std::optional<std::string> lookup(const std::string& prefix) const {
        if (prefix == "xml") return std::string(kXmlNamespace);
        const auto found = scope_.find(prefix);
        if (found != scope_.end()) return found->second;
        if (prefix.empty()) return std::string();
        return std::nullopt;
    }

    // A start tag at '<', under `parent`; true when it was an empty-element tag.
    bool start_tag(std::size_t parent, std::size_t& index) {
        ++p_;
        Node node;
        node.name = name();
        undo_.emplace_back();
        while (error_.empty()) {
            const std::size_t before = p_;
            while (p_ < s_.size() && is_space(s_[p_])) ++p_;
            if (p_ == s_.size()) return fail("an unterminated start tag"), false;
            if (s_[p_] == '>' || at("/>")) break;
            if (p_ == before) return fail("attributes not separated by whitespace"), false;
            Attribute a;
            a.name = name();
            while (p_ < s_.size() && is_space(s_[p_])) ++p_;
            if (!at("=")) return fail("an attribute without a value"), false;
            ++p_;
            while (p_ < s_.size() && is_space(s_[p_])) ++p_;
            if (p_ == s_.size() || (s_[p_] != '"' && s_[p_] != '\'')) return fail("an unquoted attribute value"), false;
            const std::size_t close = s_.find(s_[p_], p_ + 1);
            if (close == std::string::npos) return fail("an unterminated attribute value"), false;
            ++p_;
            characters(close, true, a.value);
            p_ = close + 1;
            node.attributes.push_back(std::move(a));
        }
        if (!error_.empty()) return false;
        const bool empty = s_[p_] == '/';
        p_ += empty ? 2 : 1;
        if (repeated(node.attributes, [](const Attribute& a) { return std::pair<std::string_view, std::string_view>("", a.name); }))
            return fail("a repeated attribute"), false;

        std::vector<Attribute> plain;
        for (Attribute& a : node.attributes) {
            if (a.name == "xmlns" || a.name.starts_with("xmlns:")) {
                const std::string prefix = a.name == "xmlns" ? "" : a.name.substr(6);
                if (prefix == "xmlns" || (prefix == "xml") != (a.value == kXmlNamespace) ||
                    (!prefix.empty() && a.value.empty()) || prefix.find(':') != std::string::npos)
                    return fail("an illegal namespace declaration"), false;
                if (!a.value.empty() && !absolute_uri(a.value)) return fail("a relative namespace URI"), false;
                if (prefix == "xml") continue;
                bind(prefix, a.value);
                node.namespaces.push_back({prefix, a.value});
            } else {
                plain.push_back(std::move(a));
            }
        }
        node.attributes = std::move(plain);
        if (!split_qname(node.name, node.prefix, node.local)) return fail("a malformed element name"), false;
        const auto uri = lookup(node.prefix);
        if (!uri) return fail("an unbound element prefix"), false;
        node.uri = *uri;
        for (std::size_t i = 0; i < node.attributes.size(); ++i) {
            Attribute& a = node.attributes[i];
            if (!split_qname(a.name, a.prefix, a.local)) return fail("a malformed attribute name"), false;
            if (!a.prefix.empty()) {
                const auto attribute_uri = lookup(a.prefix);
                if (!attribute_uri) return fail("an unbound attribute prefix"), false;
                a.uri = *attribute_uri;
            }
        }
        if (repeated(node.attributes, [](const Attribute& a) { return std::pair<std::string_view, std::string_view>(a.uri, a.local); }))
            return fail("a repeated attribute"), false;
        index = add(std::move(node), parent);
        if (parent == kNone) doc_.root = index;
        return empty;
    }

    // Restores the bindings in effect before the element being closed.
    void unbind() {
        for (auto it = undo_.back().rbegin(); it != undo_.back().rend(); ++it) {
            if (it->second)
                scope_[it->first] = *it->second;
            else
                scope_.erase(it->first);
        }
        undo_.pop_back();
    }

    // Opens the element at '<' under `parent` (closes it at once when empty).
    void open(std::size_t parent) {
        std::size_t index = kNone;
        const bool empty = start_tag(parent, index);
        if (!error_.empty()) return;
        if (empty)
            unbind();
        else
            open_.push_back(index);
    }

    // The document element and everything in it.
    void element_tree() {
        open(kNone);
        while (error_.empty() && !open_.empty()) {
            const std::size_t parent = open_.back();
            if (p_ >= s_.size()) return fail("an unclosed element");
            if (at("</")) {
                p_ += 2;
                const std::string_view closing = name();
                while (p_ < s_.size() && is_space(s_[p_])) ++p_;
                if (!at(">") || closing != doc_.nodes[parent].name) return fail("a mismatched end tag");
                ++p_;
                unbind();
                open_.pop_back();
            } else if (at("<!--") || at("<?")) {
                markup(at("<?") ? Node::Kind::pi : Node::Kind::comment, parent);
            } else if (at("<![CDATA[")) {
                const std::size_t end = s_.find("]]>", p_);
                if (end == std::string::npos) return fail("an unterminated CDATA section");
                text(parent).append(s_, p_ + 9, end - p_ - 9);
                p_ = end + 3;
            } else if (at("<!")) {
                return fail("a declaration inside the document element");
            } else if (at("<")) {
                if (open_.size() >= kMaxDepth) return fail("elements nested deeper than " + std::to_string(kMaxDepth));
                open(parent);
            } else {
                const std::size_t end = std::min(s_.find('<', p_), s_.size());
                characters(end, false, text(parent));
            }
        }
    }

    // The text node at the end of `parent`'s children, added if there is none.
    std::string& text(std::size_t parent) {
        const auto& children = doc_.nodes[parent].children;
        if (children.empty() || doc_.nodes[children.back()].kind != Node::Kind::text) {
            Node node;
            node.kind = Node::Kind::text;
            add(std::move(node), parent);
        }
        return doc_.nodes[doc_.nodes[parent].children.back()].text;
    }

    std::string s_;
    std::size_t p_ = 0;
    Document& doc_;
    std::string error_;
    std::vector<std::size_t> open_;
    std::map<std::string, std::string> scope_;
    std::vector<std::vector<std::pair<std::string, std::optional<std::string>>>> undo_;
};

// The length of the UTF-8 sequence at `at` if it encodes a character XML
// allows (XML 1.0 §2.2), else 0.
std::size_t xml_char_at(std::string_view text, std::size_t at) {
    const auto byte = [&](std::size_t i) { return static_cast<uint8_t>(text[i]); };
    const uint8_t lead = byte(at);
    std::size_t n = 1;
    uint32_t c = lead;
    if (lead >= 0xF0 && lead <= 0xF4) {
        n = 4;
        c = lead & 0x07;
    } else if (lead >= 0xE0) {
        n = lead <= 0xEF ? 3 : 0;
        c = lead & 0x0F;
    } else if (lead >= 0xC2) {
        n = 2;
        c = lead & 0x1F;
    } else if (lead >= 0x80) {
        n = 0;
    }
    if (n == 0 || at + n > text.size()) return 0;
    for (std::size_t i = 1; i < n; ++i) {
        if ((byte(at + i) & 0xC0) != 0x80) return 0;
        c = c << 6 | (byte(at + i) & 0x3F);
    }
    const bool shortest = n == 1 || (n == 2 && c >= 0x80) || (n == 3 && c >= 0x800) || (n == 4 && c >= 0x10000);
    return shortest && is_xml_char(c) ? n : 0;
}

// XML 1.0 §2.11: CR LF and lone CR become LF before anything else is read.
// Empty, with `error` set, when the text is not UTF-8 of characters XML allows.
std::string normalise_line_endings(std::string_view text, std::string& error) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = xml_char_at(text, i);
        if (n == 0) {
            error = "a byte that is not UTF-8 of an XML character (at byte " + std::to_string(i) + ")";
            return {};
        }
        if (text[i] != '\r') {
            out.append(text, i, n);
        } else {
            out += '\n';
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        }
        i += n;
    }
    return out;
}

}  // namespace

std::string parse(std::string_view text, Document& out) {
    out = Document{};
    std::string error;
    std::string normalised = normalise_line_endings(text, error);
    if (!error.empty()) return error;
    return Parser(std::move(normalised), out).run();
}

const Attribute* attribute(const Node& node, std::string_view name) {
    for (const Attribute& a : node.attributes)
        if (a.prefix.empty() && a.local == name) return &a;
    return nullptr;
}

}  // namespace ehb::xml
