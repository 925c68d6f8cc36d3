// A small XML tree and its canonical forms, for checking XML signatures
// (engine/xmldsig.*): Canonical XML 1.0 (https://www.w3.org/TR/xml-c14n) and
// Exclusive XML Canonicalization (https://www.w3.org/TR/xml-exc-c14n/), with
// or without comments, of a whole document or of one element's subtree, less
// at most one element (the enveloped-signature transform).
//
// Only documents without a DTD are read: a DOCTYPE, an entity reference other
// than the five predefined ones, an unbound prefix or a name clash is a parse
// error, as is anything deeper than kMaxDepth. Parsing and canonicalising are
// iterative, so hostile nesting costs memory, not stack.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ehb::xml {

inline constexpr std::size_t kNone = SIZE_MAX;
inline constexpr std::size_t kMaxDepth = 256;
inline constexpr std::string_view kXmlNamespace = "http://www.w3.org/XML/1998/namespace";

struct Attribute {
    std::string name;    // as written: prefix:local or local
    std::string prefix;  // empty when unprefixed
    std::string local;
    std::string uri;     // the prefix's namespace; empty when unprefixed
    std::string value;   // normalised, references expanded
};

struct Namespace {
    std::string prefix;  // empty: the default namespace
    std::string uri;     // empty: xmlns="" (undeclares the default)
};

struct Node {
    enum class Kind : uint8_t { element, text, comment, pi };
    Kind kind = Kind::element;
    std::string name;  // element: as written; pi: the target
    std::string local, uri;  // element: local name and namespace
    std::string prefix;      // element: empty when unprefixed
    std::string text;        // text (references expanded, CDATA included), comment, or pi data
    std::vector<Namespace> namespaces;  // declared on this element (xmlns:xml is not kept)
    std::vector<Attribute> attributes;  // the others
    std::vector<std::size_t> children;
    std::size_t parent = kNone;
};

struct Document {
    std::vector<Node> nodes;
    std::vector<std::size_t> top;  // the document element and the comments and PIs around it, in order
    std::size_t root = kNone;
};

// Empty when `text` was read into `out`, else why it is outside what we read (one line).
std::string parse(std::string_view text, Document& out);

struct C14nOptions {
    bool exclusive = false;
    bool comments = false;
    std::vector<std::string> inclusive_prefixes;  // exclusive only: the PrefixList ("#default" = the default namespace)
    std::size_t omit = kNone;                     // an element left out with its subtree
};

// The canonical form of the subtree of element `apex`, or of the whole
// document when `apex` is kNone.
std::string canonicalize(const Document& doc, std::size_t apex, const C14nOptions& options);

// The unqualified attribute `name` of `node`, or null.
const Attribute* attribute(const Node& node, std::string_view name);

}  // namespace ehb::xml
