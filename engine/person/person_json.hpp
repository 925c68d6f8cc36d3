// A person as JSON (docs/operations.md, "ehb book"; docs/persons.md, "ehb person").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/person/person_entry.hpp"

namespace ehb::person {

std::string_view id_system_label(IdSystem s);  // "citizen_id", "social_insurance_code", ...
std::string_view source_name(Source s);        // "facility", "insurance", "national"

// {"id","merged","identifiers","best_record"}: `id` 0 writes null (an identifier nobody holds).
void append_person_json(std::string& out, uint64_t id, const PersonEntry& entry, const std::vector<uint64_t>& merged,
                        const std::vector<IdentifierSeen>& identifiers);

}  // namespace ehb::person
