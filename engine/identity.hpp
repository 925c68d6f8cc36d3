// Identity (docs/architecture.md, "Identity"; docs/persons.md): what a record
// tells the person index, and how a lookup by identifier finds its book.
#pragma once

#include <string_view>
#include <vector>

#include "engine/person/profile.hpp"
#include "engine/record.hpp"
#include "storage/store.hpp"

namespace ehb {

// The person record a parsed record carries: its demographics, its
// identifiers (citizen ID, old ID, passport, each card's social-insurance
// code, the facility's patient number), from a facility source.
void person_record(const ParsedRecord& rec, person::PersonRecord& out);

// Follows links from `key` (an identifier or a person) to the person that
// owns it: the person holding the identifier, then the person it was merged
// into, if any. An identifier nobody holds is returned as it is.
schema::PersonKey root_of(const StoreReader& store, schema::PersonKey key);

// Every person whose records make up the book of `root`: itself and the
// persons merged into it.
void book_keys(const StoreReader& store, schema::PersonKey root, std::vector<schema::PersonKey>& out);

// The identifier a lookup names: a 12-digit citizen ID, a 15-character card
// number (its social-insurance code, as ingest files a card, TE1 cards too),
// a 10-digit social-insurance code, a 9-digit old ID or a passport number.
schema::PersonKey lookup_key(std::string_view id);

}  // namespace ehb
