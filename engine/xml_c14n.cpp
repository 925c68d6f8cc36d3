// Writing the canonical form of a tree read by xml_c14n_parse.cpp. The walk
// keeps two maps with undo logs instead of recursing: the namespaces in scope
// and the namespaces in effect in the output (those rendered by the output
// ancestors). A namespace is rendered on an element when its value in scope
// differs from the one in effect; the candidates are every namespace in scope
// at the apex and those declared on each element below it (inclusive), or
// those the element visibly utilises plus the PrefixList (exclusive).
#include <algorithm>
#include <map>
#include <optional>
#include <tuple>
#include <utility>

#include "engine/xml_c14n.hpp"

namespace ehb::xml {

namespace {

void escape_text(std::string_view text, std::string& out) {
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '\r': out += "&#xD;"; break;
            default: out += c;
        }
    }
}

void escape_attribute(std::string_view value, std::string& out) {
    for (const char c : value) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '"': out += "&quot;"; break;
            case '\t': out += "&#x9;"; break;
            case '\n': out += "&#xA;"; break;
            case '\r': out += "&#xD;"; break;
            default: out += c;
        }
    }
}

// A prefix -> URI map whose changes are undone element by element.
class ScopedMap {
public:
    const std::string* find(const std::string& prefix) const {
        const auto it = map_.find(prefix);
        return it == map_.end() ? nullptr : &it->second;
    }
    const std::map<std::string, std::string>& all() const { return map_; }
    void set(const std::string& prefix, const std::string& uri) {
        const auto it = map_.find(prefix);
        log_.emplace_back(prefix, it == map_.end() ? std::nullopt : std::optional(it->second));
        map_[prefix] = uri;
    }
    std::size_t mark() const { return log_.size(); }
    void undo(std::size_t mark) {
        while (log_.size() > mark) {
            auto& [prefix, old] = log_.back();
            if (old)
                map_[prefix] = std::move(*old);
            else
                map_.erase(prefix);
            log_.pop_back();
        }
    }

private:
    std::map<std::string, std::string> map_;
    std::vector<std::pair<std::string, std::optional<std::string>>> log_;
};

class Writer {
public:
    Writer(const Document& doc, const C14nOptions& options, std::string& out) : doc_(doc), options_(options), out_(out) {}

    void document() {
        bool after = false;
        for (const std::size_t index : doc_.top) {
            const Node& node = doc_.nodes[index];
            if (index == doc_.root) {
                subtree(index);
                after = true;
            } else if (node.kind == Node::Kind::pi || (node.kind == Node::Kind::comment && options_.comments)) {
                if (after) out_ += '\n';
                leaf(node);
                if (!after) out_ += '\n';
            }
        }
    }

    void subtree(std::size_t apex) {
        // The namespaces in scope at the apex come from its ancestors.
        std::vector<std::size_t> ancestors;
        for (std::size_t up = doc_.nodes[apex].parent; up != kNone; up = doc_.nodes[up].parent) ancestors.push_back(up);
        for (auto it = ancestors.rbegin(); it != ancestors.rend(); ++it)
            for (const Namespace& ns : doc_.nodes[*it].namespaces) scope_.set(ns.prefix, ns.uri);

        struct Frame {
            std::size_t node, next, scope_mark, effect_mark;
        };
        std::vector<Frame> stack;
        stack.push_back({apex, 0, scope_.mark(), effect_.mark()});
        start_tag(apex, ancestors, true);
        while (!stack.empty()) {
            Frame& frame = stack.back();
            const Node& element = doc_.nodes[frame.node];
            if (frame.next == element.children.size()) {
                out_ += "</";
                out_ += element.name;
                out_ += '>';
                scope_.undo(frame.scope_mark);
                effect_.undo(frame.effect_mark);
                stack.pop_back();
                continue;
            }
            const std::size_t child = element.children[frame.next++];
            const Node& node = doc_.nodes[child];
            if (node.kind != Node::Kind::element) {
                leaf(node);
            } else if (child != options_.omit) {
                stack.push_back({child, 0, scope_.mark(), effect_.mark()});
                start_tag(child, ancestors, false);
            }
        }
    }

private:
    void leaf(const Node& node) {
        switch (node.kind) {
            case Node::Kind::text: escape_text(node.text, out_); break;
            case Node::Kind::comment:
                if (!options_.comments) break;
                out_ += "<!--";
                out_ += node.text;
                out_ += "-->";
                break;
            case Node::Kind::pi:
                out_ += "<?";
                out_ += node.name;
                if (!node.text.empty()) {
                    out_ += ' ';
                    out_ += node.text;
                }
                out_ += "?>";
                break;
            case Node::Kind::element: break;
        }
    }

    // The namespace prefixes this element may have to render.
    std::vector<std::string> candidates(const Node& element, bool apex) const {
        std::vector<std::string> prefixes;
        if (!options_.exclusive) {
            if (apex)
                for (const auto& [prefix, uri] : scope_.all()) prefixes.push_back(prefix);
            else
                for (const Namespace& ns : element.namespaces) prefixes.push_back(ns.prefix);
        } else {
            prefixes.push_back(element.prefix);
            for (const Attribute& a : element.attributes)
                if (!a.prefix.empty() && a.prefix != "xml") prefixes.push_back(a.prefix);
            for (const std::string& p : options_.inclusive_prefixes) prefixes.push_back(p == "#default" ? "" : p);
        }
        std::sort(prefixes.begin(), prefixes.end());
        prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());
        return prefixes;
    }

    void start_tag(std::size_t index, const std::vector<std::size_t>& ancestors, bool apex) {
        const Node& element = doc_.nodes[index];
        for (const Namespace& ns : element.namespaces) scope_.set(ns.prefix, ns.uri);
        out_ += '<';
        out_ += element.name;
        for (const std::string& prefix : candidates(element, apex)) {
            const std::string* in_scope = scope_.find(prefix);
            if (!in_scope && !prefix.empty()) continue;  // a PrefixList entry not in scope
            const std::string uri = in_scope ? *in_scope : std::string();
            const std::string* in_effect = effect_.find(prefix);
            // An empty default is in effect where nothing was rendered; a prefix is not.
            if (in_effect ? *in_effect == uri : prefix.empty() && uri.empty()) continue;
            effect_.set(prefix, uri);
            out_ += prefix.empty() ? " xmlns" : " xmlns:";
            out_ += prefix;
            out_ += "=\"";
            escape_attribute(uri, out_);
            out_ += '"';
        }
        std::vector<const Attribute*> attributes;
        for (const Attribute& a : element.attributes) attributes.push_back(&a);
        // Canonical XML 1.0 §2.4: a subtree cut out of its document keeps the
        // xml:* attributes it inherits; its own, then the nearest ancestor's, win.
        if (apex && !options_.exclusive)
            for (const std::size_t up : ancestors)
                for (const Attribute& a : doc_.nodes[up].attributes)
                    if (a.uri == kXmlNamespace) attributes.push_back(&a);
        const auto key = [](const Attribute* a) { return std::tie(a->uri, a->local); };
        std::stable_sort(attributes.begin(), attributes.end(), [&](const Attribute* x, const Attribute* y) { return key(x) < key(y); });
        attributes.erase(std::unique(attributes.begin(), attributes.end(),
                                     [&](const Attribute* x, const Attribute* y) { return key(x) == key(y); }),
                         attributes.end());
        for (const Attribute* a : attributes) {
            out_ += ' ';
            out_ += a->name;
            out_ += "=\"";
            escape_attribute(a->value, out_);
            out_ += '"';
        }
        out_ += '>';
    }

    const Document& doc_;
    const C14nOptions& options_;
    std::string& out_;
    ScopedMap scope_, effect_;
};

}  // namespace

std::string canonicalize(const Document& doc, std::size_t apex, const C14nOptions& options) {
    std::string out;
    Writer writer(doc, options, out);
    if (apex != kNone && apex == options.omit) return out;
    if (apex == kNone)
        writer.document();
    else
        writer.subtree(apex);
    return out;
}

}  // namespace ehb::xml
