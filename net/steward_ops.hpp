// Runs a steward's operation (a PERSON_OP) on the store: ehbd does it for a
// request, `ehb person|review|merge|... --data DIR` for its command line, so
// both print the same JSON (docs/persons.md, "Stewards").
#pragma once

#include <string>

#include "engine/person/steward.hpp"
#include "net/person_op.hpp"
#include "storage/store.hpp"

namespace ehb::net {

// person, audit, reviews: their JSON. Throws person::StewardError when the
// identifier leads to no person.
std::string read_person_op(person::Steward& steward, const StoreReader& r, const wire::PersonOp& op);

// decide, merge, unmerge, unlink, relink, inside the caller's write
// transaction: what the command prints, `{"merge":ID}` (merge),
// `{"person":"ID"}` (unlink) or nothing (the others). Throws
// person::StewardError when the operation does not apply; the caller then
// abandons the transaction, which may hold part of it.
std::string write_person_op(person::Steward& steward, StoreWriter& w, const wire::PersonOp& op,
                            const person::Actor& who);

}  // namespace ehb::net
