// What a province principal may read (docs/http.md, "Scopes"): the books of
// the persons living in its province. Where a person lives is the province of
// the person index's best record (survivorship over every record: national
// population data first, then insurance, then facilities, the newest first),
// and when that has none, the MATINH_CU_TRU of the record itself (the book's
// newest visit). The change feed files identity events under the same best
// record's province, so a province sees the same persons in both.
#pragma once

#include <string>
#include <string_view>

#include "engine/book.hpp"
#include "engine/principals.hpp"
#include "storage/store.hpp"

namespace ehb::net::http {

// MATINH_CU_TRU of a canonical record's XML1 (or check-in XML0); empty when absent.
std::string record_province(std::string_view canonical);
// Two digits, or empty when nothing says.
std::string residence_province(const Book& book);
// For an episode: the person it is filed under (merges followed), else its record's.
std::string residence_province(const StoreReader& r, schema::PersonKey filed_under, std::string_view canonical);

// Readers and admins read everything; a province only its own residents.
bool may_read(const Principal& p, std::string_view residence);

}  // namespace ehb::net::http
