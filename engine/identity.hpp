// Identity, first step (docs/architecture.md, "Identity"): which book a record
// is filed under, which identifiers it links, and when it is a conflict.
#pragma once

#include <utility>
#include <vector>

#include "engine/record.hpp"
#include "storage/store.hpp"

namespace ehb {

struct Filing {
    schema::PersonKey filed_under;  // none: the record names no usable identifier
    bool conflict = false;          // its identifiers lead to two different citizens
    std::vector<std::pair<schema::PersonKey, schema::PersonKey>> links;  // (alias, owner) to add
};

// Follows links from `key` to the identifier that owns it (itself when unlinked).
schema::PersonKey root_of(const StoreReader& store, schema::PersonKey key);

// Decides filing and links for a record that is about to be stored.
void resolve_identity(const StoreReader& store, const PersonIds& ids, Filing& out);

// Every identifier holding records of the book rooted at `root` (root included):
// the root and the aliases that were roots with records of their own when linked.
void book_keys(const StoreReader& store, schema::PersonKey root, std::vector<schema::PersonKey>& out);

// The identifier a lookup names: a 12-digit citizen ID, a 15-character card
// number, a 10-digit social-insurance code, a 9-digit old ID or a passport number.
schema::PersonKey lookup_key(std::string_view id);

}  // namespace ehb
