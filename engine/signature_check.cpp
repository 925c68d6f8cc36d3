#include "engine/signature_check.hpp"

#include "engine/xmldsig.hpp"

namespace ehb {

namespace {

// Larger than any signature of an accepted key (RSA 8192: 1,024 bytes).
constexpr std::size_t kMaxSignature = 1024;

void reject(Prepared& out, std::string_view field, std::string reason) {
    out.ok = false;
    out.error = {"E_SIGNATURE", std::string(field), std::move(reason)};
}

}  // namespace

std::string_view signer(const Prepared& p) {
    return p.record.kind == RecordKind::vaccination ? std::string_view(p.facility)
                                                    : std::string_view(p.record.facility);
}

void SignatureChecker::keep(signatures::Evidence& evidence, std::string_view document, Prepared& out) {
    evidence.codec = compressor_.compress(document, signed_bytes_);
    evidence.raw_size = static_cast<uint32_t>(document.size());
    evidence.signed_bytes = signed_bytes_;
    evidence.encode(out.signature);
}

void SignatureChecker::check(const KeyRing& keys, bool required, std::string_view document,
                             const DetachedSignature* detached, Prepared& out) {
    out.signature.clear();
    if (!out.ok) return;
    const std::string_view facility = signer(out);
    signatures::Evidence evidence;
    if (detached) {
        const std::string who = "key " + std::string(detached->key_id) + " of facility " + std::string(facility);
        const FacilityKey* key = keys.find(facility, detached->key_id);
        if (!key) return reject(out, "signature", who + " is not registered");
        if (key->revoked_us != 0) return reject(out, "signature", who + " was revoked");
        if (detached->signature.size() > kMaxSignature || !signatures::verify(key->key, document, detached->signature))
            return reject(out, "signature", "the signature does not verify with " + who);
        evidence.method = signatures::Method::detached;
        evidence.algorithm = signatures::algorithm_name(key->key.algorithm);
        evidence.key_id = key->key_id;
        evidence.signature = detached->signature;
        return keep(evidence, document, out);
    }
    if (out.format == SourceFormat::xml && !out.source.empty()) {
        const xmldsig::Result xml = xmldsig::verify(document);
        if (xml.outcome == xmldsig::Outcome::invalid)
            return reject(out, "CHUKYDONVI", "the XML signature does not match the document: " + xml.reason);
        evidence.method = signatures::Method::xmldsig;
        evidence.algorithm = xml.algorithm;
        std::string reason = xml.reason;
        const FacilityKey* key = nullptr;
        if (xml.outcome == xmldsig::Outcome::verified && xml.algorithm.ends_with("-sha1")) {
            reason = "SHA-1 signatures (" + xml.algorithm + ") are not accepted as verified";
        } else if (xml.outcome == xmldsig::Outcome::verified) {
            key = keys.find_spki(facility, xml.spki);
            if (!key) {
                reason = "the certificate's key (" + signatures::key_id(xml.spki) +
                         ") is not registered for facility " + std::string(facility);
            } else if (key->revoked_us != 0) {
                return reject(out, "CHUKYDONVI",
                              "key " + key->key_id + " of facility " + std::string(facility) + " was revoked");
            }
        }
        evidence.status = key ? signatures::Status::verified : signatures::Status::unverifiable;
        if (key) evidence.key_id = key->key_id;
        else evidence.reason = std::string_view(reason).substr(0, 512);
        if (required && !key)
            return reject(out, "CHUKYDONVI", "this server accepts only verified signatures, and " + reason);
        return keep(evidence, document, out);
    }
    if (required)
        reject(out, "signature",
               "this server accepts only signed documents: a detached signature (PUSH format 2) or an XML "
               "submission's CHUKYDONVI, made with a key registered for the facility");
}

}  // namespace ehb
