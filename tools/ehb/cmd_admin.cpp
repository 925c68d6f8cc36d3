// ehb admin --data DIR principal add NAME --role ROLE [--facility CODE | --province CODE] | list | revoke NAME
//                                | rotate NAME [--overlap SECONDS]
// ehb admin --data DIR facility-key add|list|revoke ...: the facilities' signing keys (cmd_facility_keys.cpp)
// ehb admin person|review|merge|unmerge|audit|unlink|link|relink ...: the stewards'
// commands (cmd_persons.cpp; link is relink), offline or with --server.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/canonical.hpp"
#include "engine/principals.hpp"
#include "tools/ehb/commands.hpp"

namespace ehb::cli {

namespace {

constexpr const char* kUsage =
    "usage: ehb admin --data DIR principal add NAME --role facility|portal|reader|admin|steward|province\n"
    "                 [--facility CODE] [--province CODE]   (a facility's MA_CSKCB; a province's two-digit code)\n"
    "       ehb admin --data DIR principal list\n"
    "       ehb admin --data DIR principal revoke NAME\n"
    "       ehb admin --data DIR principal rotate NAME [--overlap SECONDS]\n"
    "                 a new credential (stdout); the old one works for SECONDS more       [0]\n"
    "       ehb admin --data DIR facility-key add|list|revoke ...   facilities' signing keys\n"
    "                 (`ehb admin facility-key --help`)\n"
    "       ehb admin person|review|merge|unmerge|audit|unlink|link ... (--data DIR | --server HOST:PORT)\n"
    "                 the stewards' commands, as `ehb person --help` tells; link is relink\n";

int usage(const std::string& why) {
    std::fprintf(stderr, "ehb admin: %s\n%s", why.c_str(), kUsage);
    return 2;
}

std::string principal_json(const Principal& p) {
    std::string out = "{\"name\":";
    append_canonical_string(out, p.name);
    out.append(",\"role\":");
    append_canonical_string(out, role_name(p.role));
    out.append(",\"facility\":");
    if (p.facility.empty()) out.append("null");
    else append_canonical_string(out, p.facility);
    if (!p.province.empty()) {
        out.append(",\"province\":");
        append_canonical_string(out, p.province);
    }
    out.append(",\"created\":");
    append_json_time(out, p.created_us);
    out.append(",\"revoked\":");
    if (p.revoked_us == 0) out.append("null");
    else append_json_time(out, p.revoked_us);
    out.append(",\"rotated\":");
    if (p.rotated_us == 0) out.append("null");
    else append_json_time(out, p.rotated_us);
    out.append("}\n");
    return out;
}

// `ehb admin ... merge ...` as `ehb merge ...`: the stewards' command named by the
// first word that is not a flag or a flag's value (every flag here takes a value),
// or -1 when there is none.
int steward_word(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (argv[i][0] == '-') {
            ++i;
            continue;
        }
        const std::string_view w = argv[i];
        for (const char* c : {"person", "review", "merge", "unmerge", "audit", "unlink", "link", "relink"}) {
            if (w == c) return i;
        }
        return -1;
    }
    return -1;
}

int stewards_command(int argc, char** argv, int at) {
    static char relink[] = "relink";
    std::vector<char*> args = {std::strcmp(argv[at], "link") == 0 ? relink : argv[at]};
    for (int i = 1; i < argc; ++i) {
        if (i != at) args.push_back(argv[i]);
    }
    return cmd_persons(static_cast<int>(args.size()), args.data());
}

bool is_data_directory(const std::string& data) {
    if (std::filesystem::exists(std::filesystem::path(data) / "data.mdb")) return true;
    std::fprintf(stderr, "ehb admin: %s is not an ehb data directory (no data.mdb)\n", data.c_str());
    return false;
}

// The first word that is not a flag or a flag's value, or null.
const char* first_word(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (argv[i][0] != '-') return argv[i];
        ++i;
    }
    return nullptr;
}

}  // namespace

int cmd_admin(int argc, char** argv) {
    if (int at = steward_word(argc, argv); at > 0) return stewards_command(argc, argv, at);
    if (const char* w = first_word(argc, argv); w && std::strcmp(w, "facility-key") == 0)
        return cmd_facility_key(argc, argv);
    std::string data;
    std::optional<std::string> role_arg, facility, province, overlap_arg;
    std::vector<std::string> words;  // principal ACTION [NAME]
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if (std::strcmp(argv[i], "--data") == 0 && i + 1 < argc) data = argv[++i];
        else if (std::strcmp(argv[i], "--role") == 0 && i + 1 < argc) role_arg = argv[++i];
        else if (std::strcmp(argv[i], "--facility") == 0 && i + 1 < argc) facility = argv[++i];
        else if (std::strcmp(argv[i], "--province") == 0 && i + 1 < argc) province = argv[++i];
        else if (std::strcmp(argv[i], "--overlap") == 0 && i + 1 < argc) overlap_arg = argv[++i];
        else if (argv[i][0] != '-') words.emplace_back(argv[i]);
        else return usage(std::string("unexpected argument '").append(argv[i]).append("'"));
    }
    if (data.empty()) return usage("--data DIR is required");
    if (words.empty() || words[0] != "principal") return usage("expected 'principal add|list|revoke|rotate'");
    std::string_view action = words.size() > 1 ? std::string_view(words[1]) : std::string_view();
    std::size_t expected_words = action == "list" ? 2 : 3;
    if (action != "add" && action != "list" && action != "revoke" && action != "rotate") {
        return usage("expected 'principal add|list|revoke|rotate'");
    }
    if (words.size() != expected_words) {
        return usage(expected_words == 3 ? "expected one principal NAME" : "list takes no NAME");
    }
    if (action != "add" && (role_arg || facility || province)) {
        return usage("--role, --facility and --province belong to 'principal add'");
    }
    if (action != "rotate" && overlap_arg) return usage("--overlap belongs to 'principal rotate'");
    int64_t overlap = 0;
    if (overlap_arg) {
        const char* end = overlap_arg->data() + overlap_arg->size();
        auto [p, ec] = std::from_chars(overlap_arg->data(), end, overlap);
        if (ec != std::errc() || p != end || overlap < 0 || overlap > 30 * 86400) {
            return usage("--overlap takes seconds from 0 to 2592000 (30 days)");
        }
    }

    if (action == "add") {
        if (!role_arg) return usage("--role is required");
        std::optional<Role> role = parse_role(*role_arg);
        if (!role) return usage(std::string("unknown role '").append(*role_arg).append("'"));
        if (facility && province) return usage("--facility and --province do not go together");
        if (province && *role != Role::province) return usage("only a province principal has a province code");
        if (facility && *role == Role::province) return usage("a province principal takes --province, not --facility");
        std::string_view code = facility ? std::string_view(*facility)
                                : province ? std::string_view(*province)
                                           : std::string_view();
        try {
            validate_principal(words[2], *role, code);
        } catch (const std::invalid_argument& e) {
            return usage(e.what());
        }
        Store store(data);
        std::string credential = add_principal(store, words[2], *role, code);
        credential.push_back('\n');
        std::fwrite(credential.data(), 1, credential.size(), stdout);
        std::fprintf(stderr, "ehb admin: added %s principal '%s'; credential (stdout) shown only this once\n",
                     std::string(role_name(*role)).c_str(), words[2].c_str());
        return 0;
    }
    if (!is_data_directory(data)) return 1;
    Store store(data);
    if (action == "list") {
        for (const Principal& p : list_principals(store)) {
            std::string line = principal_json(p);
            std::fwrite(line.data(), 1, line.size(), stdout);
        }
        return 0;
    }
    if (action == "rotate") {
        std::optional<std::string> credential = rotate_principal(store, words[2], std::chrono::seconds(overlap));
        if (!credential) {
            std::fprintf(stderr, "ehb admin: no principal named '%s' that is not revoked\n", words[2].c_str());
            return 1;
        }
        credential->push_back('\n');
        std::fwrite(credential->data(), 1, credential->size(), stdout);
        std::fprintf(stderr,
                     "ehb admin: principal '%s' has a new credential (stdout, shown only this once); the old one "
                     "works for %lld more seconds\n",
                     words[2].c_str(), static_cast<long long>(overlap));
        return 0;
    }
    if (!revoke_principal(store, words[2])) {
        std::fprintf(stderr, "ehb admin: no principal named '%s'\n", words[2].c_str());
        return 1;
    }
    std::fprintf(stderr, "ehb admin: principal '%s' is revoked\n", words[2].c_str());
    return 0;
}

}  // namespace ehb::cli
