// Verifying the facility's XML signature (CHUKYDONVI) of an official XML
// submission: a W3C XMLDSig enveloped signature (https://www.w3.org/TR/xmldsig-core1/)
// whose key is the one of its KeyInfo/X509Data/X509Certificate. What is
// checked and what is not: docs/records.md, "XML signatures (CHUKYDONVI)".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ehb::xmldsig {

enum class Outcome : uint8_t { verified = 1, invalid = 2, unverifiable = 3 };

struct Result {
    Outcome outcome = Outcome::unverifiable;
    std::string reason;               // why invalid or unverifiable, one line; empty when verified
    std::string algorithm;            // the SignatureMethod's short name: "rsa-sha256", "ecdsa-sha256", "rsa-sha1", ...; empty if none
    std::string spki;                 // DER SubjectPublicKeyInfo of the certificate's key that verified it (verified only)
    std::string certificate_subject;  // the certificate's subject, one line, when present
};

// `document`: the whole XML submission exactly as received. Finds the Signature
// element (inside CHUKYDONVI, or anywhere if the document has exactly one Signature), applies
// its Reference(s) (URI="" with the enveloped-signature transform = the whole document
// without the Signature element; URI="#id" = the element whose Id/ID/id attribute is id),
// canonicalises (C14N 1.0 inclusive and Exclusive C14N, with or without comments),
// checks every DigestValue, canonicalises SignedInfo and checks SignatureValue with the
// public key of KeyInfo's X509Certificate. Does NOT check certificate chains or validity
// dates — the caller binds the key to a facility by its SPKI.
Result verify(std::string_view document);

}  // namespace ehb::xmldsig
