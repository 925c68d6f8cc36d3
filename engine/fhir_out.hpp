// HL7 FHIR R4 JSON out: the resources of stored records, as a Bundle of type
// "collection".
//
// One record (one episode, check-in or vaccination document) gives one
// Patient, its Coverages, and the record's resources; a Bundle of one record
// reads back (engine/fhir_in.hpp) to the same document. A book gives one
// Patient and every record's resources. Ids and fullUrls (urn:uuid) derive
// from the records, so the same records give the same bytes.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "engine/book.hpp"
#include "engine/record.hpp"

namespace ehb {

// Reusable, single-threaded.
class FhirBookWriter {
public:
    FhirBookWriter();
    ~FhirBookWriter();
    FhirBookWriter(FhirBookWriter&&) noexcept;
    FhirBookWriter& operator=(FhirBookWriter&&) noexcept;

    // Starts a Bundle; its id and its Patient's id derive from `seed`.
    void begin(std::string_view seed);
    // Adds the resources of one record, from its document (the stored
    // canonical JSON, or any spelling of it). The Patient is the person of the
    // first record added, with the identifiers of all. False with an E_FHIR
    // error when the document is not JSON or holds no XML1, XML0 or TIEM_CHUNG
    // object; nothing is added then.
    bool add_record(std::string_view document, Issue& error);
    // The Bundle: the Patient, then the resources in the order added.
    std::string finish();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// One record as a Bundle.
bool record_fhir(std::string_view document, std::string& bundle, Issue& error);

// The book as a Bundle: one Patient and every current record's resources.
std::string book_fhir(const Book& book);

}  // namespace ehb
