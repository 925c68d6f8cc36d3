// HL7 FHIR R4 JSON in: one Bundle becomes one episode document (the JSON
// object of tables, with the stored field names of docs/records.md).
//
// One Bundle = one record: either one episode (exactly one Encounter, its
// Patient and the resources of that visit; an in-progress Encounter is a
// check-in, XML0) or one vaccination (one Immunization and its Patient, no
// Encounter). Anything else is an error. The mapping is the one
// engine/fhir_out.hpp writes, so a Bundle written from a record reads back to
// the same document; docs/records.md lists the errors.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "engine/record.hpp"

namespace ehb {

// True when the bytes are a JSON object with a top-level "resourceType"
// member whose value is a string: a FHIR resource. The reader takes Bundles
// and rejects any other resource (E_FHIR), so a Patient sent alone is told
// "not a Bundle" rather than "no XML1". Scans the top-level object's members
// (skipping nested values) without parsing them: a cheap router between this
// reader and EpisodeParser, not a validation.
bool looks_like_fhir(std::string_view bytes) noexcept;

// Reusable, single-threaded: keep one per thread.
class FhirBundleReader {
public:
    explicit FhirBundleReader(std::size_t max_bytes = 8u << 20);
    ~FhirBundleReader();
    FhirBundleReader(FhirBundleReader&&) noexcept;
    FhirBundleReader& operator=(FhirBundleReader&&) noexcept;

    // One Bundle (type transaction or collection) → one document in
    // `document` (values as JSON strings, except fields our bhyt-field
    // extension carries as numbers or booleans). False with `error`
    // (E_TOO_LARGE, E_UTF8, E_DEPTH, E_JSON, E_DUPLICATE_KEY, E_FHIR,
    // E_FHIR_RESOURCE, E_FHIR_REFERENCE, E_FHIR_VALUE) otherwise.
    bool read(std::string_view bundle_json, std::string& document, Issue& error);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ehb
