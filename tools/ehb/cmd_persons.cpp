// The stewards' commands on the person index (docs/persons.md, "Stewards"),
// offline on a data directory:
//   ehb person  --data DIR ID
//   ehb review  --data DIR list [--limit N] | decide REVIEW_ID link|nolink [--why TEXT]
//   ehb merge   --data DIR A B [--why TEXT]            (B is merged into A)
//   ehb unmerge --data DIR MERGE_ID [--why TEXT]
//   ehb audit   --data DIR ID
//   ehb unlink  --data DIR FACILITY MA_LK [--why TEXT]  (the episode to a new person of its own)
//   ehb relink  --data DIR FACILITY MA_LK ID [--why TEXT]
//   ehb person-model --data DIR train [--version V] [--sample N] | show
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ingest.hpp"
#include "engine/person/model_store.hpp"
#include "engine/person/steward.hpp"
#include "tools/ehb/commands.hpp"

namespace ehb::cli {
namespace {

constexpr const char* kUsage =
    "usage: ehb person  --data DIR ID                 a person: identifiers, best record, merges\n"
    "       ehb review  --data DIR list [--limit N]   open review items, most uncertain first\n"
    "       ehb review  --data DIR decide REVIEW_ID link|nolink [--why TEXT]\n"
    "       ehb merge   --data DIR A B [--why TEXT]   merge person B into person A\n"
    "       ehb unmerge --data DIR MERGE_ID [--why TEXT]\n"
    "       ehb audit   --data DIR ID                 every operation on the person\n"
    "       ehb unlink  --data DIR FACILITY MA_LK [--why TEXT]   an episode to a new person\n"
    "       ehb relink  --data DIR FACILITY MA_LK ID [--why TEXT]  an episode to a person\n"
    "       ehb person-model --data DIR train [--version V] [--sample N]   estimate the matching model\n"
    "                                 from the stored records; ingest uses it from its next batch\n"
    "       ehb person-model --data DIR show          the model ingest uses\n"
    "  ID is a citizen ID, card number, social-insurance code, old ID, passport, or P<number>.\n";

struct Args {
    std::string data, why, command, version = "1";
    std::size_t limit = 100;
    std::size_t sample = 2'000'000;
    std::vector<std::string> words;
};

int usage(const char* command, const std::string& why) {
    std::fprintf(stderr, "ehb %s: %s\n%s", command, why.c_str(), kUsage);
    return 2;
}

void print(std::string json) {
    json.push_back('\n');
    std::fwrite(json.data(), 1, json.size(), stdout);
}

uint64_t number(const std::string& s) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return 0;
    return std::strtoull(s.c_str(), nullptr, 10);
}

// Offline, the steward is whoever runs the command on this machine.
person::Actor actor(const Args& a) {
    const char* user = std::getenv("USER");
    std::string who = "local:";
    who += user && *user ? user : "operator";
    return {who, a.why, now_us()};
}

uint64_t find(const Store& store, const std::string& id) {
    const uint64_t p = store.read([&](const StoreReader& r) { return person::person_of(r, id); });
    if (p == 0) throw person::StewardError("no person for " + id);
    return p;
}

std::string episode_key(const std::string& facility, const std::string& ma_lk) {
    std::string key;
    schema::episode_key(facility, ma_lk, key);
    return key;
}

int run(const Args& a) {
    Store store(a.data);
    person::Steward steward(&store.dictionaries());
    const std::vector<std::string>& w = a.words;
    const std::string& c = a.command;
    if (c == "person" && w.size() == 1) {
        const uint64_t p = find(store, w[0]);
        print(store.read([&](const StoreReader& r) { return steward.person_json(r, p); }));
    } else if (c == "audit" && w.size() == 1) {
        const uint64_t p = find(store, w[0]);
        print(store.read([&](const StoreReader& r) { return steward.audit_json(r, p); }));
    } else if (c == "review" && w.size() == 1 && w[0] == "list") {
        print(store.read([&](const StoreReader& r) { return steward.reviews_json(r, a.limit); }));
    } else if (c == "review" && w.size() == 3 && w[0] == "decide" && (w[2] == "link" || w[2] == "nolink")) {
        const uint64_t id = number(w[1]);
        if (id == 0) return usage("review", "REVIEW_ID must be a number");
        store.write([&](StoreWriter& wr) { steward.decide(wr, id, w[2] == "link", actor(a)); });
    } else if (c == "merge" && w.size() == 2) {
        const uint64_t into = find(store, w[0]), from = find(store, w[1]);
        uint64_t id = 0;
        store.write([&](StoreWriter& wr) { id = steward.merge(wr, into, from, actor(a)); });
        print("{\"merge\":" + std::to_string(id) + "}");
    } else if (c == "unmerge" && w.size() == 1) {
        const uint64_t id = number(w[0]);
        if (id == 0) return usage("unmerge", "MERGE_ID must be a number");
        store.write([&](StoreWriter& wr) { steward.unmerge(wr, id, actor(a)); });
    } else if (c == "unlink" && w.size() == 2) {
        uint64_t p = 0;
        store.write([&](StoreWriter& wr) { p = steward.unlink(wr, episode_key(w[0], w[1]), actor(a)); });
        print("{\"person\":\"" + std::to_string(p) + "\"}");
    } else if (c == "relink" && w.size() == 3) {
        const uint64_t p = find(store, w[2]);
        store.write([&](StoreWriter& wr) { steward.link(wr, episode_key(w[0], w[1]), p, actor(a)); });
    } else if (c == "person-model" && w.size() == 1 && w[0] == "train") {
        const bool taken = store.read([&](const StoreReader& r) { return person::load_model(r, a.version).has_value(); });
        if (taken) throw person::StewardError("a model of version " + a.version + " exists; give another --version");
        const person::MatchConfig cfg;
        person::TrainingReport report;
        const person::Model model = person::train_from_store(store, cfg, a.sample, report);
        store.write([&](StoreWriter& wr) { person::save_model(wr, a.version, model); });
        person::MatchConfig shown = cfg;
        shown.version = a.version;
        print(person::model_json(model, shown, report));
    } else if (c == "person-model" && w.size() == 1 && w[0] == "show") {
        const std::string version = store.read([](const StoreReader& r) { return person::latest_model_version(r); });
        if (version.empty()) throw person::StewardError("no model stored: ingest uses the bootstrap model");
        const auto model = store.read([&](const StoreReader& r) { return person::load_model(r, version); });
        if (!model) throw person::StewardError("model " + version + " cannot be read");
        person::MatchConfig shown;
        shown.version = version;
        print(person::model_json(*model, shown, person::TrainingReport{}));
    } else {
        return usage(c.c_str(), "unexpected arguments");
    }
    return 0;
}

}  // namespace

int cmd_persons(int argc, char** argv) {
    Args a;
    a.command = argv[0];
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if ((arg == "--data" || arg == "--why" || arg == "--limit" || arg == "--version" || arg == "--sample") &&
            i + 1 < argc) {
            const std::string value = argv[++i];
            if (arg == "--data") a.data = value;
            else if (arg == "--why") a.why = value;
            else if (arg == "--version") a.version = value;
            else if (arg == "--sample" && (a.sample = number(value)) == 0)
                return usage(argv[0], "--sample must be a positive number");
            else if (arg == "--limit" && (a.limit = number(value)) == 0)
                return usage(argv[0], "--limit must be a positive number");
        } else if (arg.starts_with("--")) {
            return usage(argv[0], "unexpected argument " + std::string(arg));
        } else {
            a.words.emplace_back(arg);
        }
    }
    if (a.data.empty()) return usage(argv[0], "--data DIR is needed (the --server form comes with the protocol)");
    if (!std::filesystem::exists(std::filesystem::path(a.data) / "data.mdb")) {
        std::fprintf(stderr, "ehb %s: %s is not an ehb data directory (no data.mdb)\n", argv[0], a.data.c_str());
        return 1;
    }
    try {
        return run(a);
    } catch (const person::StewardError& e) {
        std::fprintf(stderr, "ehb %s: %s\n", argv[0], e.what());
        return 1;
    }
}

}  // namespace ehb::cli
