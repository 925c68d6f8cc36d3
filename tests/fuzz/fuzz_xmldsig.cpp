// fuzz_xmldsig: any bytes into the XML signature verifier (engine/xmldsig.*)
// and its canonicaliser (engine/xml_c14n.*). Every answer is one of the
// three outcomes, with a one-line reason exactly when it is not `verified`
// and a key exactly when it is; verifying twice gives the same answer. A
// document the canonicaliser reads has canonical forms (inclusive and
// exclusive, with comments) that read back to themselves. The seeds are
// signed submissions, so mutations reach the digest and signature checks.
#include <string>

#include "engine/xml_c14n.hpp"
#include "engine/xmldsig.hpp"
#include "tests/fuzz/harness.hpp"

namespace {

using namespace ehb;
using ehb::fuzz::require;

bool one_line(std::string_view s) {
    for (const char c : s)
        if (static_cast<unsigned char>(c) < 0x20) return false;
    return true;
}

void check_result(std::string_view input) {
    const xmldsig::Result result = xmldsig::verify(input);
    const xmldsig::Result again = xmldsig::verify(input);
    require(result.outcome == xmldsig::Outcome::verified || result.outcome == xmldsig::Outcome::invalid ||
                result.outcome == xmldsig::Outcome::unverifiable,
            "the outcome is one of the three");
    const bool verified = result.outcome == xmldsig::Outcome::verified;
    require(result.reason.empty() == verified && one_line(result.reason), "a reason, one line, exactly when not verified");
    require(result.spki.empty() != verified, "a key exactly when verified");
    require(!verified || !result.algorithm.empty(), "a verified signature names its algorithm");
    require(again.outcome == result.outcome && again.reason == result.reason && again.spki == result.spki &&
                again.algorithm == result.algorithm && again.certificate_subject == result.certificate_subject,
            "verifying twice gives the same answer");
}

void check_fixpoint(const xml::Document& doc, bool exclusive) {
    xml::C14nOptions options;
    options.exclusive = exclusive;
    options.comments = true;
    const std::string canonical = xml::canonicalize(doc, xml::kNone, options);
    xml::Document again;
    require(xml::parse(canonical, again).empty(), "a canonical form reads back");
    require(xml::canonicalize(again, xml::kNone, options) == canonical, "a canonical form is its own canonical form");
}

}  // namespace

void ehb::fuzz::xmldsig(std::string_view input) {
    check_result(input);
    xml::Document doc;
    if (!xml::parse(input, doc).empty()) return;
    check_fixpoint(doc, false);
    check_fixpoint(doc, true);
}

EHB_FUZZ_ENTRY(ehb::fuzz::xmldsig)
