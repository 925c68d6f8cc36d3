// Re-examination appointments falling due in a date range, across all books
// (the VNeID reminder service reads them): the `appointments` index gives
// the episodes, each one's book gives the appointment's follow-up state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/store.hpp"

namespace ehb {

struct AppointmentQuery {
    uint32_t from = 0, to = 0;  // days yyyymmdd, both included
    std::string province;       // two digits: only facilities of that province (the first two of MA_CSKCB); empty: all
    uint32_t today = 0;         // yyyymmdd: an appointment before it with no visit is missed
    std::size_t limit = 100000; // at most this many, in day order
    std::string after = {};     // an `appointments` index key (day + episode): list only those after it (paging)
};

// True when `s` is a real date yyyymmdd and yields its value.
bool parse_day(std::string_view s, uint32_t& day);

// The appointments as JSON (docs/operations.md, "ehb appointments"). When
// more were due than `limit` ("truncated"), `last_key` (when given) receives
// the index key of the last one listed: the next page starts after it.
std::string appointments_json(const Store& store, const AppointmentQuery& query, std::string* last_key = nullptr);

}  // namespace ehb
