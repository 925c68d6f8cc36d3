// The stewards' commands on the person index (docs/persons.md, "Stewards"),
// offline on a data directory, or through ehbd with --server instead of --data
// (PERSON_OP, docs/protocol.md; the same JSON either way):
//   ehb person  --data DIR ID
//   ehb review  --data DIR list [--limit N] | decide REVIEW_ID link|nolink [--why TEXT]
//   ehb merge   --data DIR A B [--why TEXT]            (B is merged into A)
//   ehb unmerge --data DIR MERGE_ID [--why TEXT]
//   ehb audit   --data DIR ID
//   ehb unlink  --data DIR FACILITY MA_LK [--why TEXT]  (the episode to a new person of its own)
//   ehb relink  --data DIR FACILITY MA_LK ID [--why TEXT]
//   ehb person-model --data DIR train [--version V] [--sample N] [--config FILE] | show
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ingest.hpp"
#include "engine/person/model_store.hpp"
#include "engine/person/steward.hpp"
#include "net/steward_ops.hpp"
#include "tools/ehb/client_flags.hpp"
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
    "       ehb person-model --data DIR train [--version V] [--sample N] [--config FILE]\n"
    "                                 estimate the matching model from the stored records and the\n"
    "                                 review decisions, stored with the thresholds of FILE (or the\n"
    "                                 defaults); ingest uses both from its next batch\n"
    "       ehb person-model --data DIR show          the model ingest uses, with its thresholds\n"
    "  ID is a citizen ID, card number, social-insurance code, old ID, passport, or P<number>.\n"
    "  Every command but person-model also runs through ehbd, as a steward or admin principal:\n"
    "  --server HOST:PORT [--principal NAME] [--credential-file FILE] instead of --data DIR.\n";

struct Args {
    std::string data, why, command;
    std::string version, config;  // person-model train: the version (else the config's), the config file
    std::size_t limit = 100;
    std::size_t sample = 2'000'000;
    std::vector<std::string> words;
    ClientFlags client;
    bool client_flags = false;  // --server, --principal or --credential-file given
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

// The operation the command line asks for; nullopt, with why, for bad arguments.
std::optional<wire::PersonOp> person_op(const Args& a, std::string& why_not) {
    using Kind = wire::PersonOpKind;
    const std::vector<std::string>& w = a.words;
    const std::string& c = a.command;
    wire::PersonOp op;
    op.why = a.why;
    op.limit = a.limit;
    if ((c == "person" || c == "audit") && w.size() == 1) {
        op.kind = c == "person" ? Kind::person : Kind::audit;
        op.id = w[0];
    } else if (c == "review" && w.size() == 1 && w[0] == "list") {
        op.kind = Kind::reviews;
    } else if (c == "review" && w.size() == 3 && w[0] == "decide" && (w[2] == "link" || w[2] == "nolink")) {
        op.kind = Kind::decide;
        op.link = w[2] == "link";
        if ((op.review = number(w[1])) == 0) why_not = "REVIEW_ID must be a number";
    } else if (c == "merge" && w.size() == 2) {
        op.kind = Kind::merge;
        op.into = w[0];
        op.from = w[1];
    } else if (c == "unmerge" && w.size() == 1) {
        op.kind = Kind::unmerge;
        if ((op.merge = number(w[0])) == 0) why_not = "MERGE_ID must be a number";
    } else if ((c == "unlink" && w.size() == 2) || (c == "relink" && w.size() == 3)) {
        op.kind = c == "unlink" ? Kind::unlink : Kind::relink;
        op.facility = w[0];
        op.ma_lk = w[1];
        if (op.kind == Kind::relink) op.id = w[2];
    } else {
        why_not = "unexpected arguments";
    }
    if (!why_not.empty()) return std::nullopt;
    return op;
}

void print_answer(std::string json) {
    if (!json.empty()) print(std::move(json));  // decide, unmerge and relink print nothing
}

int run_offline(Store& store, person::Steward& steward, const Args& a) {
    std::string why_not;
    const std::optional<wire::PersonOp> op = person_op(a, why_not);
    if (!op) return usage(a.command.c_str(), why_not);
    std::string out;
    if (wire::writes(op->kind)) {
        store.write([&](StoreWriter& w) { out = net::write_person_op(steward, w, *op, actor(a)); });
    } else {
        out = store.read([&](const StoreReader& r) { return net::read_person_op(steward, r, *op); });
    }
    print_answer(std::move(out));
    return 0;
}

int run_online(const Args& a) {
    std::string why_not;
    const std::optional<wire::PersonOp> op = person_op(a, why_not);
    if (!op) return usage(a.command.c_str(), why_not);
    net::Endpoint endpoint;
    net::Credentials credentials;
    try {
        endpoint = a.client.endpoint();
        credentials = a.client.credentials();
    } catch (const std::invalid_argument& e) {
        return usage(a.command.c_str(), e.what());
    }
    net::ClientOptions options;
    options.client_name = "ehb ";
    options.client_name += a.command;
    net::Client client(endpoint, credentials, options);
    std::string out;
    try {
        out = client.person_op(*op);
    } catch (const net::ProtocolError& e) {
        if (e.code() != wire::ErrorCode::person_op_failed) throw;
        std::fprintf(stderr, "ehb %s: %s\n", a.command.c_str(), e.what());
        return 1;
    }
    client.bye();
    print_answer(std::move(out));
    return 0;
}

int run(const Args& a) {
    Store store(a.data);
    person::Steward steward(&store.dictionaries());
    const std::vector<std::string>& w = a.words;
    const std::string& c = a.command;
    if (c != "person-model") {
        return run_offline(store, steward, a);
    } else if (c == "person-model" && w.size() == 1 && w[0] == "train") {
        person::MatchConfig cfg;
        std::string error;
        if (!a.config.empty() && !person::load_match_config(a.config, cfg, error)) throw person::StewardError(error);
        if (!a.version.empty()) cfg.version = a.version;
        const bool taken = store.read([&](const StoreReader& r) { return person::load_model(r, cfg.version).has_value(); });
        if (taken) throw person::StewardError("a model of version " + cfg.version + " exists; give another --version");
        person::TrainingReport report;
        const person::Model model = person::train_from_store(store, cfg, a.sample, report);
        store.write([&](StoreWriter& wr) { person::save_model(wr, cfg.version, model, cfg, report); });
        print(person::model_json(model, cfg, report));
    } else if (c == "person-model" && w.size() == 1 && w[0] == "show") {
        const std::string version = store.read([](const StoreReader& r) { return person::latest_model_version(r); });
        if (version.empty()) throw person::StewardError("no model stored: ingest uses the bootstrap model");
        const auto stored = store.read([&](const StoreReader& r) { return person::load_model(r, version); });
        if (!stored) throw person::StewardError("model " + version + " cannot be read");
        print(person::model_json(stored->model, stored->config, stored->report));
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
        if (a.client.parse(argc, argv, i)) {
            a.client_flags = true;
            continue;
        }
        if ((arg == "--data" || arg == "--why" || arg == "--limit" || arg == "--version" || arg == "--sample" ||
             arg == "--config") &&
            i + 1 < argc) {
            const std::string value = argv[++i];
            if (arg == "--data") a.data = value;
            else if (arg == "--why") a.why = value;
            else if (arg == "--version") a.version = value;
            else if (arg == "--config") a.config = value;
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
    if (a.client_flags && !a.data.empty()) return usage(argv[0], "--data and the client flags exclude each other");
    if (a.client.server_given) {
        if (a.command == "person-model") return usage(argv[0], "person-model works on a data directory (--data)");
        return run_online(a);
    }
    if (a.data.empty() || a.client_flags) return usage(argv[0], "--data DIR or --server HOST:PORT is needed");
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
