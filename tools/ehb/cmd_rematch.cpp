// ehb rematch --data DIR [--config FILE] [--apply] [--why TEXT] [--limit N]
// Matching run again over the stored records, and what would change
// (docs/persons.md, "Re-matching"); with --apply, the change.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "engine/ingest.hpp"
#include "engine/person/rematch.hpp"
#include "tools/ehb/commands.hpp"

namespace ehb::cli {
namespace {

constexpr const char* kUsage =
    "usage: ehb rematch --data DIR [--config FILE] [--apply] [--why TEXT] [--limit N]\n"
    "  Runs matching again over every episode's current version with the store's latest model\n"
    "  and thresholds (FILE's settings over them: a what-if), keeping the stewards' decisions,\n"
    "  and prints what would change as JSON: persons to merge, episodes to move. Nothing changes\n"
    "  without --apply; with it, the changes are made as the stewards' operations, each audited\n"
    "  as rematch:$USER with the reason TEXT. --limit bounds the items listed (100); counts are complete.\n";

int usage(const std::string& why) {
    std::fprintf(stderr, "ehb rematch: %s\n%s", why.c_str(), kUsage);
    return 2;
}

}  // namespace

int cmd_rematch(int argc, char** argv) {
    std::string data, config, why;
    bool apply = false;
    std::size_t limit = 100;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if (arg == "--apply") {
            apply = true;
        } else if ((arg == "--data" || arg == "--config" || arg == "--why" || arg == "--limit") && i + 1 < argc) {
            const std::string value = argv[++i];
            if (arg == "--data") data = value;
            else if (arg == "--config") config = value;
            else if (arg == "--why") why = value;
            else if ((limit = std::strtoull(value.c_str(), nullptr, 10)) == 0 ||
                     value.find_first_not_of("0123456789") != std::string::npos)
                return usage("--limit must be a positive number");
        } else {
            return usage("unexpected argument " + std::string(arg));
        }
    }
    if (data.empty()) return usage("--data DIR is needed");
    if (!std::filesystem::exists(std::filesystem::path(data) / "data.mdb")) {
        std::fprintf(stderr, "ehb rematch: %s is not an ehb data directory (no data.mdb)\n", data.c_str());
        return 1;
    }
    try {
        Store store(data);
        person::RematchModel with = person::rematch_model(store);
        std::string error;
        if (!config.empty() && !person::load_match_config(config, with.config, error))
            throw person::StewardError(error);
        const person::RematchPlan plan = person::plan_rematch(store, with);
        const bool applied = apply && !plan.empty();
        if (applied) {
            const char* user = std::getenv("USER");
            std::string who = "rematch:";
            who += user && *user ? user : "operator";
            // Re-matching's own decisions: a later re-match may revisit them.
            person::apply_rematch(store, plan, {who, why, now_us(), true});
        }
        std::string json = person::rematch_json(plan, limit, applied);
        json.push_back('\n');
        std::fwrite(json.data(), 1, json.size(), stdout);
    } catch (const person::StewardError& e) {
        std::fprintf(stderr, "ehb rematch: %s\n", e.what());
        return 1;
    }
    return 0;
}

}  // namespace ehb::cli
