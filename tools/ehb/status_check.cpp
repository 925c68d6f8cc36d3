#include "tools/ehb/status_check.hpp"

#include <cstdio>

namespace ehb::cli {

StatusCheck check_statuses(const Tally& t, const workload::Counts& expected) {
    StatusCheck check;
    check.rows = {{"accepted", t.accepted, expected.accepted, true},
                  {"duplicate", t.duplicate, expected.duplicate, true},
                  {"new_version", t.new_version, expected.new_version, true},
                  {"rejected", t.rejected, expected.rejected, true},
                  {"flagged", t.flagged, expected.flagged, false}};
    check.json = "\"statuses\":{";
    for (const StatusCheck::Row& r : check.rows) {
        const bool match = r.count == r.expected;
        check.match = check.match && (match || !r.criterion);
        if (check.json.back() != '{') check.json += ',';
        check.json.append("\"").append(r.name).append("\":{\"count\":").append(std::to_string(r.count));
        check.json.append(",\"expected\":").append(std::to_string(r.expected));
        check.json.append(",\"match\":").append(match ? "true" : "false").append("}");
    }
    check.json += '}';
    return check;
}

void StatusCheck::print() const {
    for (const Row& r : rows) {
        std::fprintf(stderr, "  %-12s %10llu  expected %10llu  %s\n", r.name, static_cast<unsigned long long>(r.count),
                     static_cast<unsigned long long>(r.expected),
                     r.count == r.expected ? "ok" : r.criterion ? "MISMATCH" : "differs (order-dependent)");
    }
    if (!match) std::fputs("  (the expected counts hold for a store that was empty before the bench)\n", stderr);
}

}  // namespace ehb::cli
