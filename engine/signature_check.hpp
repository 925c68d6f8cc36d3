// The signature step of the CPU stage (docs/records.md, "Signatures"): after
// a document is prepared, how its sender signed it decides whether it is
// stored and with what evidence.
//
// - A detached signature (PUSH format 2) must verify with a key registered
//   for the document's MA_CSKCB and not revoked; else E_SIGNATURE.
// - An XML submission's CHUKYDONVI is verified where its algorithm allows:
//   verified with a registered key, or kept as unverifiable (an algorithm
//   or construct not verified, a key not registered for the facility); a
//   signature that does not match the document is E_SIGNATURE.
// - With `required`, a document needs a verified signature of either kind.
#pragma once

#include <string>
#include <string_view>

#include "engine/facility_keys.hpp"
#include "engine/ingest.hpp"
#include "storage/codec.hpp"

namespace ehb {

struct DetachedSignature {
    std::string_view key_id;
    std::string_view signature;
};

// Whose keys sign a prepared document: its MA_CSKCB (a vaccination's TIEM_CHUNG.MA_CSKCB).
std::string_view signer(const Prepared& p);

// One per thread: reuses its compression context.
class SignatureChecker {
public:
    // `document` is the document exactly as received; `detached` null when it
    // came without one. Leaves `out` rejected, or sets out.signature.
    void check(const KeyRing& keys, bool required, std::string_view document, const DetachedSignature* detached,
               Prepared& out);

private:
    void keep(signatures::Evidence& evidence, std::string_view document, Prepared& out);

    Compressor compressor_;
    std::string signed_bytes_;
};

}  // namespace ehb
