// ehb report diagnoses|facilities|referrals|appointments|monitor --data DIR ...  (the store, offline)
// The statistics for health management (docs/statistics.md); every option is
// the report's query parameter of the same name (engine/stats.hpp).
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include "engine/book.hpp"
#include "engine/stats.hpp"
#include "tools/ehb/commands.hpp"

namespace ehb::cli {

namespace {

constexpr const char* kUsage =
    "usage: ehb report diagnoses   --data DIR --from YYYYMMDD --to YYYYMMDD [--province CODE]\n"
    "                              [--residence CODE] [--code ICD10] [--chapter I-XXII] [--group-by DIMS] [--csv]\n"
    "       ehb report facilities  --data DIR --from YYYYMMDD --to YYYYMMDD [--province CODE]\n"
    "                              [--facility MA_CSKCB] [--group-by DIMS] [--csv]\n"
    "       ehb report referrals   --data DIR --from YYYYMMDD --to YYYYMMDD [--province CODE]\n"
    "                              [--facility MA_CSKCB] [--group-by DIMS] [--csv]\n"
    "       ehb report appointments --data DIR --from YYYYMMDD --to YYYYMMDD [--province CODE]\n"
    "                              [--today YYYYMMDD] [--group-by DIMS] [--csv]\n"
    "       ehb report monitor     --data DIR --day YYYYMMDD [--province CODE] [--facility MA_CSKCB]\n"
    "                              [--top-codes N]\n"
    "  Prints the statistics kept by every commit as JSON, or CSV with a header line (--csv).\n"
    "  DIMS is a comma-separated list: diagnoses week,province,residence,chapter,code,age,sex;\n"
    "  facilities day,province,facility; referrals month,from_province,from,to_province,to;\n"
    "  appointments day,week,province. --today defaults to today in Vietnam.\n";

template <class Query>
int run(std::string_view report, int argc, char** argv, Query& query, std::string& data, bool& csv,
        bool dated) {
    std::string error;
    bool from = false, to = false;
    for (int i = 2; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--csv" && dated) {
            csv = true;
            continue;
        }
        if (!arg.starts_with("--") || i + 1 >= argc) {
            std::fprintf(stderr, "ehb report %s: unexpected argument '%s'\n%s", std::string(report).c_str(), argv[i],
                         kUsage);
            return 2;
        }
        std::string name(arg.substr(2));
        for (char& c : name)
            if (c == '-') c = '_';
        const std::string_view value = argv[++i];
        if (name == "data") {
            data = value;
            continue;
        }
        from = from || name == "from";
        to = to || name == "to" || name == "day";
        if (!set_param(query, name, value, error)) {
            std::fprintf(stderr, "ehb report %s: %s\n%s", std::string(report).c_str(), error.c_str(), kUsage);
            return 2;
        }
    }
    if (data.empty() || !to || (dated && !from)) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    if (!std::filesystem::exists(std::filesystem::path(data) / "data.mdb")) {
        std::fprintf(stderr, "ehb report: %s is not an ehb data directory (no data.mdb)\n", data.c_str());
        return 1;
    }
    return 0;
}

template <class Query>
bool ordered(const Query& q) {
    if (q.from <= q.to) return true;
    std::fputs("ehb report: --from must not be after --to\n", stderr);
    return false;
}

void print(std::string text) {
    if (text.empty() || text.back() != '\n') text.push_back('\n');
    std::fwrite(text.data(), 1, text.size(), stdout);
}

}  // namespace

int cmd_report(int argc, char** argv) {
    if (argc < 2) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    const std::string_view report = argv[1];
    std::string data;
    bool csv = false;
    if (report == "diagnoses") {
        DiagnosisQuery q;
        if (int rc = run(report, argc, argv, q, data, csv, true)) return rc;
        if (!ordered(q)) return 2;
        Store store(data);
        print(csv ? diagnoses_csv(store, q) : diagnoses_json(store, q));
    } else if (report == "facilities") {
        FacilityQuery q;
        if (int rc = run(report, argc, argv, q, data, csv, true)) return rc;
        if (!ordered(q)) return 2;
        Store store(data);
        print(csv ? facilities_csv(store, q) : facilities_json(store, q));
    } else if (report == "referrals") {
        ReferralQuery q;
        if (int rc = run(report, argc, argv, q, data, csv, true)) return rc;
        if (!ordered(q)) return 2;
        Store store(data);
        print(csv ? referrals_csv(store, q) : referrals_json(store, q));
    } else if (report == "appointments") {
        AppointmentStatsQuery q;
        q.today = vietnam_today();
        if (int rc = run(report, argc, argv, q, data, csv, true)) return rc;
        if (!ordered(q)) return 2;
        Store store(data);
        print(csv ? appointment_adherence_csv(store, q) : appointment_adherence_json(store, q));
    } else if (report == "monitor") {
        MonitorQuery q;
        if (int rc = run(report, argc, argv, q, data, csv, false)) return rc;
        Store store(data);
        print(facility_monitor_json(store, q));
    } else {
        std::fprintf(stderr, "ehb report: unknown report '%s'\n%s", argv[1], kUsage);
        return 2;
    }
    return 0;
}

}  // namespace ehb::cli
