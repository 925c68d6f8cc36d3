// libFuzzer target: any bytes into the prepare stage, which tells the format
// from the content (an XML submission, a FHIR Bundle or an episode document)
// and reads it: the XML reader (pugixml, base64) and the FHIR reader are the
// untrusted boundary here. A rejection carries a code and a reason; an
// accepted record a well-formed key and the hash of its canonical bytes.
#include <cstdint>
#include <cstdlib>

#include "engine/canonical.hpp"
#include "engine/ingest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    static ehb::Preparer preparer;
    ehb::Prepared out;
    preparer.prepare({reinterpret_cast<const char*>(data), size}, out);
    if (!out.ok) {
        if (out.error.code.empty() || out.error.reason.empty()) std::abort();
        return 0;
    }
    const ehb::ParsedRecord& r = out.record;
    if (r.facility.size() != 5 || r.ma_lk.empty()) std::abort();
    if (!(r.hash == ehb::canonical_hash(r.canonical))) std::abort();
    return 0;
}
