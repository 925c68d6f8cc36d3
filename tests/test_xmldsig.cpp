// The XML signature verifier (engine/xmldsig.*) and its canonicaliser
// (engine/xml_c14n.*) against fixtures of independent implementations:
// signatures by xmlsec1, canonical forms by xmllint (tests/data/xmldsig/README.md).
#include <gtest/gtest.h>
#include <openssl/err.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "engine/xml_c14n.hpp"
#include "engine/xmldsig.hpp"

namespace {

namespace fs = std::filesystem;
using ehb::xmldsig::Outcome;
using ehb::xmldsig::verify;

const fs::path kDir = fs::path(EHB_TEST_DATA) / "xmldsig";

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    EXPECT_TRUE(in) << p;
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// `text` with its first `from` replaced by `to`; the test fails if there is none.
std::string replaced(std::string text, std::string_view from, std::string_view to) {
    const std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

// What lies between `open` and `close` in `text`.
std::string between(const std::string& text, std::string_view open, std::string_view close) {
    const std::size_t start = text.find(open);
    const std::size_t end = text.find(close, start);
    EXPECT_NE(start, std::string::npos) << open;
    EXPECT_NE(end, std::string::npos) << close;
    if (start == std::string::npos || end == std::string::npos) return {};
    return text.substr(start + open.size(), end - start - open.size());
}

struct Fixture {
    const char* file;
    const char* spki;
    const char* algorithm;
    const char* subject;
};

class SignedFixture : public testing::TestWithParam<Fixture> {};

TEST_P(SignedFixture, VerifiesWithItsCertificatesKey) {
    const Fixture f = GetParam();
    const auto result = verify(slurp(kDir / f.file));
    EXPECT_EQ(result.outcome, Outcome::verified) << result.reason;
    EXPECT_EQ(result.reason, "");
    EXPECT_EQ(result.algorithm, f.algorithm);
    EXPECT_EQ(result.spki, slurp(kDir / f.spki));
    EXPECT_EQ(result.certificate_subject, f.subject);
}

TEST_P(SignedFixture, AChangedByteOfTheSignedContentIsInvalid) {
    const std::string document = slurp(kDir / GetParam().file);
    const auto result = verify(replaced(document, "<MACSKCB>01001<", "<MACSKCB>01002<"));
    EXPECT_EQ(result.outcome, Outcome::invalid);
    EXPECT_NE(result.reason.find("digest"), std::string::npos) << result.reason;
}

TEST_P(SignedFixture, AChangedSignatureValueIsInvalid) {
    const std::string document = slurp(kDir / GetParam().file);
    const std::string value = between(document, "<SignatureValue>", "</SignatureValue>");
    std::string changed = value;
    changed[10] = changed[10] == 'A' ? 'B' : 'A';
    const auto result = verify(replaced(document, value, changed));
    EXPECT_EQ(result.outcome, Outcome::invalid);
    EXPECT_NE(result.reason.find("SignatureValue"), std::string::npos) << result.reason;
}

TEST_P(SignedFixture, AnotherCertificateIsInvalid) {
    const std::string document = slurp(kDir / GetParam().file);
    const std::string pem = slurp(kDir / "other_cert.pem");
    const std::string other = between(pem, "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----");
    const std::string mine = between(document, "<X509Certificate>", "</X509Certificate>");
    const auto result = verify(replaced(document, mine, other));
    EXPECT_EQ(result.outcome, Outcome::invalid) << result.reason;
    EXPECT_EQ(result.certificate_subject, "CN=01002,O=Another facility,C=VN");
    EXPECT_EQ(result.spki, "");
}

TEST_P(SignedFixture, AnUnsupportedTransformIsUnverifiable) {
    const std::string document = slurp(kDir / GetParam().file);
    const auto result = verify(replaced(document, "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
                                        "http://www.w3.org/TR/1999/REC-xpath-19991116"));
    EXPECT_EQ(result.outcome, Outcome::unverifiable);
    EXPECT_NE(result.reason.find("unsupported transform"), std::string::npos) << result.reason;
}

INSTANTIATE_TEST_SUITE_P(
    Xmlsec1, SignedFixture,
    testing::Values(
        Fixture{"rsa_c14n.xml", "rsa_spki.der", "rsa-sha256", "CN=01001,O=Benh vien Da khoa 01001,C=VN"},
        Fixture{"rsa_exc_c14n.xml", "rsa_spki.der", "rsa-sha256", "CN=01001,O=Benh vien Da khoa 01001,C=VN"},
        Fixture{"ecdsa.xml", "ec_spki.der", "ecdsa-sha256", "CN=79002,O=Phong kham 79002,C=VN"},
        Fixture{"rsa_id.xml", "rsa_spki.der", "rsa-sha256", "CN=01001,O=Benh vien Da khoa 01001,C=VN"},
        Fixture{"edge.xml", "rsa_spki.der", "rsa-sha256", "CN=01001,O=Benh vien Da khoa 01001,C=VN"}),
    [](const testing::TestParamInfo<Fixture>& param) { const std::string file = param.param.file; return file.substr(0, file.find('.')); });

TEST(Xmldsig, SignedCommentsAndLineEndingsAreChecked) {
    const std::string document = slurp(kDir / "edge.xml");
    ASSERT_NE(document.find("\r\n"), std::string::npos) << "the fixture arrives with CRLF";
    // Its Reference keeps comments (#xpointer(/) with C14N WithComments): a changed one is tampering.
    EXPECT_EQ(verify(replaced(document, "<!-- a comment inside -->", "<!-- a comment changed -->")).outcome,
              Outcome::invalid);
    // LF or CRLF is the same document; a character reference to CR is not.
    EXPECT_EQ(verify(replaced(document, "cr&#13;lf", "cr\r\nlf")).outcome, Outcome::invalid);
    std::string unix_endings = document;
    std::erase(unix_endings, '\r');
    EXPECT_EQ(verify(unix_endings).outcome, Outcome::verified);
}

TEST(Xmldsig, WhitespaceAroundTheDocumentElementIsNotSigned) {
    const std::string document = slurp(kDir / "rsa_c14n.xml");
    EXPECT_EQ(verify(document + "\n\n  ").outcome, Outcome::verified);
    EXPECT_EQ(verify(replaced(document, "<GIAMDINHHS>", "<GIAMDINHHS >")).outcome, Outcome::verified);
    EXPECT_EQ(verify(replaced(document, "<GIAMDINHHS>", "<GIAMDINHHS lang=\"vi\">")).outcome, Outcome::invalid);
}

TEST(Xmldsig, NoSignatureIsUnverifiable) {
    const std::string document = slurp(kDir / "rsa_c14n.xml");
    const std::string signature = "<Signature" + between(document, "<Signature", "</Signature>") + "</Signature>";
    const auto result = verify(replaced(document, signature, ""));
    EXPECT_EQ(result.outcome, Outcome::unverifiable);
    EXPECT_EQ(result.reason, "no Signature");
    EXPECT_EQ(result.algorithm, "");
}

TEST(Xmldsig, TwoSignaturesOutsideChukydonviAreUnverifiable) {
    const std::string document = slurp(kDir / "rsa_c14n.xml");
    const std::string signature = "<Signature" + between(document, "<Signature", "</Signature>") + "</Signature>";
    const std::string outside = replaced(replaced(document, "<CHUKYDONVI>", ""), "</CHUKYDONVI>", "");
    // Its only Signature is found and checked (the CHUKYDONVI tags it signed are gone).
    EXPECT_EQ(verify(outside).outcome, Outcome::invalid);
    const auto result = verify(replaced(outside, "<THONGTINDONVI>", "<THONGTINDONVI>" + signature));
    EXPECT_EQ(result.outcome, Outcome::unverifiable);
    EXPECT_EQ(result.reason, "several Signature elements");
}

TEST(Xmldsig, UnsupportedAlgorithmsAreUnverifiableAndNamed) {
    const std::string document = slurp(kDir / "rsa_c14n.xml");
    auto result = verify(replaced(document, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                                  "http://www.w3.org/2000/09/xmldsig#hmac-sha1"));
    EXPECT_EQ(result.outcome, Outcome::unverifiable);
    EXPECT_EQ(result.algorithm, "hmac-sha1");
    result = verify(replaced(document, "http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2001/04/xmlenc#ripemd160"));
    EXPECT_EQ(result.outcome, Outcome::unverifiable);
    EXPECT_NE(result.reason.find("DigestMethod"), std::string::npos) << result.reason;
    result = verify(replaced(document, "http://www.w3.org/TR/2001/REC-xml-c14n-20010315", "http://www.w3.org/2006/12/xml-c14n11"));
    EXPECT_EQ(result.outcome, Outcome::unverifiable);
    EXPECT_NE(result.reason.find("canonicalization"), std::string::npos) << result.reason;
    // A SHA-1 digest under a SHA-2 signature would hide SHA-1 from the caller, who only sees the algorithm.
    result = verify(replaced(document, "http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2000/09/xmldsig#sha1"));
    EXPECT_EQ(result.outcome, Outcome::unverifiable);
    EXPECT_EQ(result.algorithm, "rsa-sha256");
}

TEST(Xmldsig, ReasonsQuoteAtMostTheStartOfAValue) {
    const std::string document = slurp(kDir / "rsa_c14n.xml");
    const std::string uri = "urn:" + std::string(95, 'x') + "\xE1\xBB\x87&#10;tail";
    const auto result = verify(replaced(document, "http://www.w3.org/2000/09/xmldsig#enveloped-signature", uri));
    EXPECT_EQ(result.outcome, Outcome::unverifiable);
    EXPECT_EQ(result.reason, "unsupported transform urn:" + std::string(95, 'x') + "…") << "cut before the character at byte 100";
}

TEST(Xmldsig, ManyCertificatesAreUnverifiable) {
    const std::string document = slurp(kDir / "rsa_c14n.xml");
    const std::string cert = "<X509Certificate>" + between(document, "<X509Certificate>", "</X509Certificate>") + "</X509Certificate>";
    std::string many;
    for (int i = 0; i < 17; ++i) many += cert;
    EXPECT_EQ(verify(replaced(document, cert, many)).reason, "more than 16 certificates");
    EXPECT_EQ(verify(replaced(document, cert, cert + cert)).outcome, Outcome::verified);
}

TEST(Xmldsig, NoCertificateIsUnverifiable) {
    const std::string document = slurp(kDir / "rsa_c14n.xml");
    const std::string cert = between(document, "<X509Certificate>", "</X509Certificate>");
    const auto result = verify(replaced(document, cert, ""));
    EXPECT_EQ(result.outcome, Outcome::unverifiable);
    EXPECT_EQ(result.reason, "no X509Certificate in KeyInfo");
}

TEST(Xmldsig, AKeyOfTheWrongTypeIsInvalid) {
    const std::string document = slurp(kDir / "ecdsa.xml");
    const std::string pem = slurp(kDir / "rsa_cert.pem");
    const std::string rsa = between(pem, "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----");
    const auto result = verify(replaced(document, between(document, "<X509Certificate>", "</X509Certificate>"), rsa));
    EXPECT_EQ(result.outcome, Outcome::invalid);
}

// ehbd verifies on long-lived threads: OpenSSL's per-thread error queue must not keep every failure.
TEST(Xmldsig, LeavesNoOpenSslErrorsBehind) {
    ERR_clear_error();
    const std::string document = slurp(kDir / "ecdsa.xml");
    const std::string cert = between(document, "<X509Certificate>", "</X509Certificate>");
    EXPECT_EQ(verify(replaced(document, cert, "AAAA" + cert.substr(4))).outcome, Outcome::unverifiable);
    const std::string value = between(document, "<SignatureValue>", "</SignatureValue>");
    EXPECT_EQ(verify(replaced(document, value, "AAAA")).outcome, Outcome::invalid);
    EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(Xmldsig, AnIdNamingTwoElementsIsUnverifiable) {
    const std::string document = slurp(kDir / "rsa_id.xml");
    const auto result = verify(replaced(document, "<THONGTINDONVI>", "<THONGTINDONVI Id=\"hoso-01001-0001\">"));
    EXPECT_EQ(result.outcome, Outcome::unverifiable);
    EXPECT_NE(result.reason.find("two elements"), std::string::npos) << result.reason;
}

TEST(Xmldsig, AReferenceToAPartOnlyIsUnverifiable) {
    // xmlsec1 signed THONGTINDONVI only: its digest and signature hold, the rest of the submission is not signed.
    const std::string document = slurp(kDir / "rsa_part.xml");
    auto result = verify(document);
    EXPECT_EQ(result.outcome, Outcome::unverifiable);
    EXPECT_EQ(result.reason, "no Reference covers the whole document");
    result = verify(replaced(document, "<MACSKCB>01001<", "<MACSKCB>01002<"));
    EXPECT_EQ(result.outcome, Outcome::invalid) << "the part it names is still checked";
}

TEST(Xmldsig, ConstructsOutsideTheSubsetAreUnverifiable) {
    const std::string document = slurp(kDir / "rsa_c14n.xml");
    const std::string with_dtd =
        replaced(document, "<GIAMDINHHS>", "<!DOCTYPE GIAMDINHHS [<!ENTITY e \"x\">]>\n<GIAMDINHHS>");
    auto result = verify(with_dtd);
    EXPECT_EQ(result.outcome, Outcome::unverifiable);
    EXPECT_NE(result.reason.find("DTD"), std::string::npos) << result.reason;
    result = verify(replaced(document, "<NGAYLAP>20260115", "<NGAYLAP>&e;"));
    EXPECT_EQ(result.outcome, Outcome::unverifiable);
    EXPECT_NE(result.reason.find("entity"), std::string::npos) << result.reason;
    EXPECT_EQ(verify(replaced(document, "</GIAMDINHHS>", "")).outcome, Outcome::unverifiable);
    EXPECT_EQ(verify("").outcome, Outcome::unverifiable);
}

TEST(Xmldsig, DeepNestingIsRefusedNotRecursed) {
    std::string deep;
    for (int i = 0; i < 100000; ++i) deep += "<a>";
    const auto result = verify(deep);
    EXPECT_EQ(result.outcome, Outcome::unverifiable);
    EXPECT_NE(result.reason.find("deeper"), std::string::npos) << result.reason;
}

// The canonical forms of tests/data/xmldsig/c14n/*.xml as xmllint wrote them (with comments).
class C14nCase : public testing::TestWithParam<const char*> {};

TEST_P(C14nCase, MatchesXmllint) {
    const std::string name = GetParam();
    ehb::xml::Document doc;
    ASSERT_EQ(ehb::xml::parse(slurp(kDir / "c14n" / (name + ".xml")), doc), "");
    ehb::xml::C14nOptions options;
    options.comments = true;
    EXPECT_EQ(ehb::xml::canonicalize(doc, ehb::xml::kNone, options), slurp(kDir / "c14n" / (name + ".c14n")));
    options.exclusive = true;
    EXPECT_EQ(ehb::xml::canonicalize(doc, ehb::xml::kNone, options), slurp(kDir / "c14n" / (name + ".exc-c14n")));
}

INSTANTIATE_TEST_SUITE_P(Xmllint, C14nCase, testing::Values("prolog", "namespaces", "text", "exclusive"),
                         [](const testing::TestParamInfo<const char*>& param) { return std::string(param.param); });

// What xmllint refuses to canonicalise (found by comparing the two on the fuzz corpora) we refuse too.
TEST(C14n, RefusesWhatXmllintRefuses) {
    const char* const refused[] = {
        "<r>\x0c</r>",                                            // a control character
        "<r>\xC3</r>",                                            // a truncated UTF-8 sequence
        "<r>\xC0\xAF</r>",                                        // an overlong one
        "<r>]]></r>",                                              // a CDATA end in text
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>",    // an encoding other than UTF-8
        "<?xml ver<r>sion=\"1.0\"?><r/>",                         // a malformed declaration
        "<r xmlns:a=\"7urn:a\"/>",                                // a relative namespace URI
        "<r 4a=\"1\"/>",                                          // a name starting with a digit
        "<r a(=\"1\"/>",                                          // a name with a character names cannot hold
        "<r xmlns:a=\"\"/>",                                      // a prefix undeclared
        "<a:r/>",                                                  // an unbound prefix
        "<r a=\"1\" a=\"2\"/>",                                   // a repeated attribute
        "<r xmlns:p=\"urn:x\" xmlns:q=\"urn:x\" p:a=\"1\" q:a=\"2\"/>",  // the same attribute by two prefixes
        "<r>&#0;</r>",                                             // a reference to a character XML does not allow
        "<r></s>",                                                 // a mismatched end tag
        "<r/><s/>",                                                // two document elements
    };
    for (const char* text : refused) {
        ehb::xml::Document doc;
        EXPECT_NE(ehb::xml::parse(text, doc), "") << text;
    }
    ehb::xml::Document doc;
    EXPECT_EQ(ehb::xml::parse("<?xml version=\"1.0\" encoding=\"utf-8\"?><r xmlns=\"urn:x\">\xE1\xBB\x87</r>", doc), "");
}

TEST(C14n, CommentsAreLeftOutUnlessAsked) {
    ehb::xml::Document doc;
    ASSERT_EQ(ehb::xml::parse("<!--a-->\n<r><!--b--><?p  d?></r>\n<!--c-->", doc), "");
    EXPECT_EQ(ehb::xml::canonicalize(doc, ehb::xml::kNone, {}), "<r><?p d?></r>");
}

TEST(C14n, ASubtreeKeepsItsNamespaceContext) {
    ehb::xml::Document doc;
    ASSERT_EQ(ehb::xml::parse(R"(<r xmlns="urn:d" xmlns:p="urn:p" xml:lang="vi"><s><p:t/></s></r>)", doc), "");
    const std::size_t s = doc.nodes[doc.root].children.front();
    EXPECT_EQ(ehb::xml::canonicalize(doc, s, {}), R"(<s xmlns="urn:d" xmlns:p="urn:p" xml:lang="vi"><p:t></p:t></s>)");
    ehb::xml::C14nOptions exclusive;
    exclusive.exclusive = true;
    EXPECT_EQ(ehb::xml::canonicalize(doc, s, exclusive), R"(<s xmlns="urn:d"><p:t xmlns:p="urn:p"></p:t></s>)");
    exclusive.inclusive_prefixes = {"p"};
    EXPECT_EQ(ehb::xml::canonicalize(doc, s, exclusive), R"(<s xmlns="urn:d" xmlns:p="urn:p"><p:t></p:t></s>)");
    ASSERT_EQ(ehb::xml::parse(R"(<r xml:lang="vi" xml:space="preserve"><s xml:lang="en"><t/></s></r>)", doc), "");
    const std::size_t t = doc.nodes[doc.nodes[doc.root].children.front()].children.front();
    EXPECT_EQ(ehb::xml::canonicalize(doc, t, {}), R"(<t xml:lang="en" xml:space="preserve"></t>)");
    EXPECT_EQ(ehb::xml::canonicalize(doc, t, exclusive), "<t></t>");
}

TEST(C14n, TheEnvelopedTransformLeavesOutOneElement) {
    ehb::xml::Document doc;
    ASSERT_EQ(ehb::xml::parse(R"(<r xmlns="urn:d" xmlns:p="urn:p" xml:lang="vi"><s><p:t/></s></r>)", doc), "");
    const std::size_t s = doc.nodes[doc.root].children.front();
    ehb::xml::C14nOptions omit;
    omit.omit = doc.nodes[s].children.front();
    EXPECT_EQ(ehb::xml::canonicalize(doc, doc.root, omit), R"(<r xmlns="urn:d" xmlns:p="urn:p" xml:lang="vi"><s></s></r>)");
    EXPECT_EQ(ehb::xml::canonicalize(doc, omit.omit, omit), "") << "the element left out is all there is";
}

}  // namespace
