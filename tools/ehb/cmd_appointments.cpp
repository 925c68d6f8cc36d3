// ehb appointments --from DATE --to DATE [--province CODE] --data DIR          (the store, offline)
// ehb appointments --from DATE --to DATE [--province CODE] --server HOST:PORT  (ehbd)
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "engine/appointments.hpp"
#include "engine/book.hpp"
#include "engine/provinces.hpp"
#include "tools/ehb/client_flags.hpp"
#include "tools/ehb/commands.hpp"

namespace ehb::cli {

namespace {

constexpr const char* kUsage =
    "usage: ehb appointments --from YYYYMMDD --to YYYYMMDD [--province CODE] --data DIR\n"
    "       ehb appointments --from YYYYMMDD --to YYYYMMDD [--province CODE] --server HOST:PORT\n"
    "                        [--principal NAME --credential-file FILE]\n"
    "  Lists the re-examination appointments due on those days (both included), with each\n"
    "  one's state (booked, attended, missed), as JSON. --province keeps the facilities whose\n"
    "  code starts with that two-digit province code.\n";

void print(std::string json) {
    json.push_back('\n');
    std::fwrite(json.data(), 1, json.size(), stdout);
}

}  // namespace

int cmd_appointments(int argc, char** argv) {
    ClientFlags flags;
    std::string data, from, to;
    AppointmentQuery query;
    bool client_flags = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--data") == 0 && i + 1 < argc) data = argv[++i];
        else if (std::strcmp(argv[i], "--from") == 0 && i + 1 < argc) from = argv[++i];
        else if (std::strcmp(argv[i], "--to") == 0 && i + 1 < argc) to = argv[++i];
        else if (std::strcmp(argv[i], "--province") == 0 && i + 1 < argc) query.province = argv[++i];
        else if (flags.parse(argc, argv, i)) client_flags = true;
        else {
            std::fprintf(stderr, "ehb appointments: unexpected argument '%s'\n%s", argv[i], kUsage);
            return 2;
        }
    }
    if (!parse_day(from, query.from) || !parse_day(to, query.to) || query.from > query.to) {
        std::fprintf(stderr, "ehb appointments: --from and --to must be real days YYYYMMDD, from <= to\n%s", kUsage);
        return 2;
    }
    if (!query.province.empty() && !is_province_code(query.province)) {
        std::fprintf(stderr, "ehb appointments: '%s' is not a province code\n", query.province.c_str());
        return 2;
    }
    if (data.empty() == !flags.server_given || (!data.empty() && client_flags)) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    if (data.empty()) {
        net::ClientOptions options;
        options.client_name = "ehb appointments";
        net::Client client(flags.endpoint(), flags.credentials(), options);
        print(client.appointments(query.from, query.to, query.province));
        client.bye();
        return 0;
    }
    if (!std::filesystem::exists(std::filesystem::path(data) / "data.mdb")) {
        std::fprintf(stderr, "ehb appointments: %s is not an ehb data directory (no data.mdb)\n", data.c_str());
        return 1;
    }
    Store store(data);
    query.today = vietnam_today();
    print(appointments_json(store, query));
    return 0;
}

}  // namespace ehb::cli
