#include "engine/xmldsig.hpp"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "engine/xml_c14n.hpp"
#include "engine/xmldsig_crypto.hpp"

namespace ehb::xmldsig {

namespace {

constexpr std::string_view kDsig = "http://www.w3.org/2000/09/xmldsig#";
constexpr std::string_view kExcC14n = "http://www.w3.org/2001/10/xml-exc-c14n#";
constexpr std::size_t kMaxReferences = 16;
constexpr std::size_t kMaxPrefixes = 64;
constexpr std::size_t kMaxCertificates = 16;  // the signer's and its chain; each costs a signature check

struct SignatureMethod {
    std::string_view uri, name;
    KeyType key;
    Hash hash;
};
constexpr SignatureMethod kSignatureMethods[] = {
    {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "rsa-sha256", KeyType::rsa, Hash::sha256},
    {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", "rsa-sha384", KeyType::rsa, Hash::sha384},
    {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", "rsa-sha512", KeyType::rsa, Hash::sha512},
    {"http://www.w3.org/2000/09/xmldsig#rsa-sha1", "rsa-sha1", KeyType::rsa, Hash::sha1},
    {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", "ecdsa-sha256", KeyType::ecdsa, Hash::sha256},
    {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384", "ecdsa-sha384", KeyType::ecdsa, Hash::sha384},
    {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512", "ecdsa-sha512", KeyType::ecdsa, Hash::sha512},
    {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1", "ecdsa-sha1", KeyType::ecdsa, Hash::sha1},
};

constexpr std::pair<std::string_view, Hash> kDigestMethods[] = {
    {"http://www.w3.org/2000/09/xmldsig#sha1", Hash::sha1},
    {"http://www.w3.org/2001/04/xmlenc#sha256", Hash::sha256},
    {"http://www.w3.org/2001/04/xmldsig-more#sha384", Hash::sha384},
    {"http://www.w3.org/2001/04/xmlenc#sha512", Hash::sha512},
};

// A canonicalisation algorithm's options (less the PrefixList), or none.
std::optional<xml::C14nOptions> c14n_method(std::string_view uri) {
    xml::C14nOptions options;
    if (uri == "http://www.w3.org/TR/2001/REC-xml-c14n-20010315") return options;
    options.comments = true;
    if (uri == "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments") return options;
    options.exclusive = true;
    if (uri == "http://www.w3.org/2001/10/xml-exc-c14n#WithComments") return options;
    options.comments = false;
    if (uri == kExcC14n) return options;
    return std::nullopt;
}

// Reasons and names quote the document's attribute values, whose character references may hold line breaks.
std::string one_line(std::string text) {
    for (char& c : text)
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    return text;
}

// An attribute value for a reason: "(none)" when empty, its first 100 bytes
// (cut between UTF-8 characters) with "…" when longer.
std::string quoted(std::string_view value) {
    if (value.empty()) return "(none)";
    if (value.size() <= 100) return std::string(value);
    std::size_t cut = 100;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
    return std::string(value.substr(0, cut)) + "…";
}

// The short name of an algorithm URI: its fragment, else its last path segment.
std::string short_name(std::string_view uri) {
    const std::size_t cut = uri.find_last_of("#/");
    return std::string(cut == std::string_view::npos ? uri : uri.substr(cut + 1));
}

std::optional<std::string> base64_decode(std::string_view text) {
    std::string out;
    uint32_t bits = 0;
    int count = 0, padding = 0;
    for (const char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
        int v = -1;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        if (c >= '0' && c <= '9') v = c - '0' + 52;
        if (c == '+') v = 62;
        if (c == '/') v = 63;
        if (c == '=') {
            ++padding;
            v = 0;
        } else if (v < 0 || padding > 0) {
            return std::nullopt;
        }
        bits = bits << 6 | static_cast<uint32_t>(v);
        if (++count % 4 == 0) {
            out += static_cast<char>(bits >> 16 & 0xFF);
            out += static_cast<char>(bits >> 8 & 0xFF);
            out += static_cast<char>(bits & 0xFF);
            bits = 0;
        }
    }
    if (count % 4 != 0 || padding > 2) return std::nullopt;
    out.resize(out.size() - static_cast<std::size_t>(padding));
    return out;
}

class Verifier {
public:
    explicit Verifier(const xml::Document& doc) : doc_(doc) {}

    Result run() {
        const std::size_t signature = find_signature();
        if (signature == xml::kNone) return result_;
        const std::size_t signed_info = child(signature, "SignedInfo");
        if (signed_info == xml::kNone) return unverifiable("the Signature has no SignedInfo");

        const std::size_t method_node = child(signed_info, "SignatureMethod");
        const std::string_view method_uri = algorithm_of(method_node);
        const SignatureMethod* method = nullptr;
        for (const SignatureMethod& m : kSignatureMethods)
            if (m.uri == method_uri) method = &m;
        if (method_node != xml::kNone) result_.algorithm = method ? std::string(method->name) : one_line(short_name(method_uri));

        std::vector<Certificate> certificates;
        for (const std::size_t x509 : children(child(signature, "KeyInfo"), "X509Data"))
            for (const std::size_t node : children(x509, "X509Certificate")) {
                if (certificates.size() == kMaxCertificates) return unverifiable("more than 16 certificates");
                Certificate cert;
                const auto der = base64_decode(text_of(node));
                if (der && read_certificate(*der, cert)) certificates.push_back(std::move(cert));
            }
        if (!certificates.empty()) result_.certificate_subject = certificates.front().subject;

        if (!method) return unverifiable("unsupported SignatureMethod " + quoted(method_uri));
        const auto signed_info_c14n = canonicalization(child(signed_info, "CanonicalizationMethod"));
        if (!signed_info_c14n) return result_;
        if (certificates.empty()) return unverifiable("no X509Certificate in KeyInfo");
        const auto value = base64_decode(text_of(child(signature, "SignatureValue")));
        if (!value) return unverifiable("no SignatureValue in base64");

        const std::vector<std::size_t> references = children(signed_info, "Reference");
        if (references.empty()) return unverifiable("SignedInfo has no Reference");
        if (references.size() > kMaxReferences) return unverifiable("more than 16 References");
        bool whole = false;
        for (const std::size_t reference : references) {
            if (!check_reference(reference, signature, method->hash, whole)) return result_;
        }
        // A signature over a part only would vouch for a submission whose other parts anyone may change.
        if (!whole) return unverifiable("no Reference covers the whole document");

        const std::string signed_bytes = xml::canonicalize(doc_, signed_info, *signed_info_c14n);
        for (const Certificate& cert : certificates) {
            if (signature_matches(method->key, method->hash, cert.spki, signed_bytes, *value)) {
                result_.outcome = Outcome::verified;
                result_.reason.clear();
                result_.spki = cert.spki;
                result_.certificate_subject = cert.subject;
                return result_;
            }
        }
        return invalid("the SignatureValue does not match the certificate's key");
    }

private:
    Result& unverifiable(std::string why) { return fail(Outcome::unverifiable, std::move(why)); }
    Result& invalid(std::string why) { return fail(Outcome::invalid, std::move(why)); }

    Result& fail(Outcome outcome, std::string why) {
        result_.outcome = outcome;
        result_.reason = one_line(std::move(why));
        return result_;
    }

    bool is_dsig(std::size_t node, std::string_view local) const {
        const xml::Node& n = doc_.nodes[node];
        return n.kind == xml::Node::Kind::element && n.uri == kDsig && n.local == local;
    }

    std::vector<std::size_t> children(std::size_t parent, std::string_view local) const {
        std::vector<std::size_t> found;
        if (parent == xml::kNone) return found;
        for (const std::size_t c : doc_.nodes[parent].children)
            if (is_dsig(c, local)) found.push_back(c);
        return found;
    }

    std::size_t child(std::size_t parent, std::string_view local) const {
        const auto found = children(parent, local);
        return found.empty() ? xml::kNone : found.front();
    }

    std::string text_of(std::size_t node) const {
        std::string text;
        if (node == xml::kNone) return text;
        for (const std::size_t c : doc_.nodes[node].children)
            if (doc_.nodes[c].kind == xml::Node::Kind::text) text += doc_.nodes[c].text;
        return text;
    }

    std::string_view algorithm_of(std::size_t node) const {
        if (node == xml::kNone) return {};
        const xml::Attribute* a = xml::attribute(doc_.nodes[node], "Algorithm");
        return a ? std::string_view(a->value) : std::string_view();
    }

    bool inside_chukydonvi(std::size_t node) const {
        for (std::size_t up = doc_.nodes[node].parent; up != xml::kNone; up = doc_.nodes[up].parent)
            if (doc_.nodes[up].local == "CHUKYDONVI") return true;
        return false;
    }

    // The Signature inside CHUKYDONVI, else the document's only one; kNone with the reason set.
    std::size_t find_signature() {
        std::vector<std::size_t> all, enveloped;
        for (std::size_t i = 0; i < doc_.nodes.size(); ++i) {
            if (!is_dsig(i, "Signature")) continue;
            all.push_back(i);
            if (inside_chukydonvi(i)) enveloped.push_back(i);
        }
        if (enveloped.size() == 1) return enveloped.front();
        if (enveloped.empty() && all.size() == 1) return all.front();
        unverifiable(all.empty() ? "no Signature" : "several Signature elements");
        return xml::kNone;
    }

    // The options of a CanonicalizationMethod or Transform element; none (with the reason set) if unsupported.
    std::optional<xml::C14nOptions> canonicalization(std::size_t node) {
        const std::string_view uri = algorithm_of(node);
        auto options = c14n_method(uri);
        if (!options) {
            unverifiable("unsupported canonicalization " + quoted(uri));
            return std::nullopt;
        }
        if (!options->exclusive) return options;
        for (const std::size_t c : doc_.nodes[node].children) {
            const xml::Node& n = doc_.nodes[c];
            if (n.kind != xml::Node::Kind::element || n.uri != kExcC14n || n.local != "InclusiveNamespaces") continue;
            const xml::Attribute* list = xml::attribute(n, "PrefixList");
            std::string_view rest = list ? std::string_view(list->value) : std::string_view();
            while (!rest.empty()) {
                const std::size_t start = rest.find_first_not_of(" \t\n\r");
                if (start == std::string_view::npos) break;
                const std::size_t end = std::min(rest.find_first_of(" \t\n\r", start), rest.size());
                if (options->inclusive_prefixes.size() == kMaxPrefixes) {
                    unverifiable("a PrefixList of more than 64 prefixes");
                    return std::nullopt;
                }
                options->inclusive_prefixes.emplace_back(rest.substr(start, end - start));
                rest.remove_prefix(end);
            }
        }
        return options;
    }

    // The element a same-document URI names: the whole document (kNone) or one
    // element; `comments` tells whether its node-set keeps comments. False
    // with the reason set when the URI is not one we dereference.
    bool dereference(std::string_view uri, std::size_t& apex, bool& comments) {
        apex = xml::kNone;
        comments = false;
        if (uri.empty()) return true;
        if (uri == "#xpointer(/)") {
            comments = true;
            return true;
        }
        if (!uri.starts_with('#')) return unverifiable("a Reference outside the document"), false;
        std::string_view id = uri.substr(1);
        if (id.starts_with("xpointer(id(") && id.ends_with("))") && id.size() >= 16) {
            id = id.substr(12, id.size() - 14);
            if (id.size() < 2 || (id.front() != '\'' && id.front() != '"') || id.back() != id.front())
                return unverifiable("an unsupported XPointer"), false;
            id = id.substr(1, id.size() - 2);
            comments = true;
        } else if (id.starts_with("xpointer(")) {
            return unverifiable("an unsupported XPointer"), false;
        }
        for (std::size_t i = 0; i < doc_.nodes.size(); ++i) {
            const xml::Node& n = doc_.nodes[i];
            if (n.kind != xml::Node::Kind::element) continue;
            for (const std::string_view name : {"Id", "ID", "id"}) {
                const xml::Attribute* a = xml::attribute(n, name);
                if (!a || a->value != id) continue;
                // Two elements with one id let a wrapped copy stand in for the signed one.
                if (apex != xml::kNone && apex != i) return unverifiable("two elements with the Id a Reference names"), false;
                apex = i;
            }
        }
        if (apex == xml::kNone) return unverifiable("no element with the Id a Reference names"), false;
        return true;
    }

    // Digests what `reference` names and compares; false with the result set when it does not check out.
    bool check_reference(std::size_t reference, std::size_t signature, Hash signature_hash, bool& whole) {
        const xml::Attribute* uri = xml::attribute(doc_.nodes[reference], "URI");
        if (!uri) return unverifiable("a Reference without URI"), false;
        std::size_t apex = xml::kNone;
        bool comments = false;
        if (!dereference(uri->value, apex, comments)) return false;
        if (apex == xml::kNone || apex == doc_.root) whole = true;

        xml::C14nOptions options;  // a node-set becomes octets by C14N 1.0 when no transform says otherwise
        bool canonicalized = false;
        for (const std::size_t transform : children(child(reference, "Transforms"), "Transform")) {
            const std::string_view algorithm = algorithm_of(transform);
            if (canonicalized) return unverifiable("a transform after canonicalization"), false;
            if (algorithm == "http://www.w3.org/2000/09/xmldsig#enveloped-signature") {
                options.omit = signature;
                continue;
            }
            if (!c14n_method(algorithm))
                return unverifiable("unsupported transform " + quoted(algorithm)), false;
            const auto method = canonicalization(transform);
            if (!method) return false;
            const std::size_t omit = options.omit;
            options = *method;
            options.omit = omit;
            canonicalized = true;
        }
        options.comments = options.comments && comments;

        const std::string_view digest_uri = algorithm_of(child(reference, "DigestMethod"));
        std::optional<Hash> hash;
        for (const auto& [known, h] : kDigestMethods)
            if (known == digest_uri) hash = h;
        if (!hash) return unverifiable("unsupported DigestMethod " + quoted(digest_uri)), false;
        if (*hash == Hash::sha1 && signature_hash != Hash::sha1)
            return unverifiable("a SHA-1 digest under a SHA-2 SignatureMethod"), false;
        const auto expected = base64_decode(text_of(child(reference, "DigestValue")));
        if (!expected) return unverifiable("a DigestValue not in base64"), false;
        if (digest(*hash, xml::canonicalize(doc_, apex, options)) != *expected)
            return invalid("the digest of Reference URI=\"" + quoted(uri->value) + "\" does not match"), false;
        return true;
    }

    const xml::Document& doc_;
    Result result_;
};

}  // namespace

Result verify(std::string_view document) {
    xml::Document doc;
    if (std::string error = xml::parse(document, doc); !error.empty()) {
        Result result;
        result.reason = "not canonicalisable: " + error;
        return result;
    }
    return Verifier(doc).run();
}

}  // namespace ehb::xmldsig
