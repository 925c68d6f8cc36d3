// ehb admin --data DIR facility-key add FACILITY --public-key FILE | list [FACILITY] | revoke FACILITY KEY_ID
// The facilities' registered signing keys (engine/facility_keys.hpp).
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/canonical.hpp"
#include "engine/facility_keys.hpp"
#include "tools/ehb/commands.hpp"
#include "tools/ehb/inputs.hpp"

namespace ehb::cli {

namespace {

constexpr const char* kUsage =
    "usage: ehb admin --data DIR facility-key add FACILITY --public-key FILE\n"
    "                 registers a PEM public key or certificate (Ed25519, ECDSA P-256, RSA >= 2048)\n"
    "                 for the facility's MA_CSKCB; prints its key id\n"
    "       ehb admin --data DIR facility-key list [FACILITY]\n"
    "       ehb admin --data DIR facility-key revoke FACILITY KEY_ID\n"
    "                 its signatures are refused from then on; records stored before keep theirs\n";

int usage(const std::string& why) {
    std::fprintf(stderr, "ehb admin facility-key: %s\n%s", why.c_str(), kUsage);
    return 2;
}

std::string key_json(const FacilityKey& k) {
    std::string out = "{\"facility\":";
    append_canonical_string(out, k.facility);
    out += ",\"key_id\":";
    append_canonical_string(out, k.key_id);
    out += ",\"algorithm\":";
    append_canonical_string(out, signatures::algorithm_name(k.key.algorithm));
    out += ",\"added\":";
    append_json_time(out, k.added_us);
    out += ",\"revoked\":";
    if (k.revoked_us == 0) out += "null";
    else append_json_time(out, k.revoked_us);
    out += "}\n";
    return out;
}

}  // namespace

int cmd_facility_key(int argc, char** argv) {
    std::string data;
    std::optional<std::string> public_key;
    std::vector<std::string> words;  // facility-key ACTION ...
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if (std::strcmp(argv[i], "--data") == 0 && i + 1 < argc) data = argv[++i];
        else if (std::strcmp(argv[i], "--public-key") == 0 && i + 1 < argc) public_key = argv[++i];
        else if (argv[i][0] != '-') words.emplace_back(argv[i]);
        else return usage(std::string("unexpected argument '").append(argv[i]).append("'"));
    }
    if (data.empty()) return usage("--data DIR is required");
    const std::string action = words.size() > 1 ? words[1] : "";
    if (action == "add" ? words.size() != 3 || !public_key
        : action == "list" ? words.size() > 3 || public_key
        : action == "revoke" ? words.size() != 4 || public_key
                             : true)
        return usage("expected 'facility-key add FACILITY --public-key FILE', 'list [FACILITY]' or "
                     "'revoke FACILITY KEY_ID'");
    if (!std::filesystem::exists(std::filesystem::path(data) / "data.mdb")) {
        std::fprintf(stderr, "ehb admin: %s is not an ehb data directory (no data.mdb)\n", data.c_str());
        return 1;
    }
    Store store(data);
    if (action == "add") {
        signatures::PublicKey key;
        std::string id;
        try {
            key = signatures::read_public_key(read_small_file(*public_key));
            id = add_facility_key(store, words[2], key);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "ehb admin facility-key: %s\n", e.what());
            return 1;
        }
        std::printf("%s\n", id.c_str());
        std::fprintf(stderr, "ehb admin: facility %s's %s key %s is registered\n", words[2].c_str(),
                     std::string(signatures::algorithm_name(key.algorithm)).c_str(), id.c_str());
        return 0;
    }
    if (action == "list") {
        for (const FacilityKey& k : list_facility_keys(store, words.size() == 3 ? words[2] : std::string())) {
            const std::string line = key_json(k);
            std::fwrite(line.data(), 1, line.size(), stdout);
        }
        return 0;
    }
    if (!revoke_facility_key(store, words[2], words[3])) {
        std::fprintf(stderr, "ehb admin: facility %s has no key %s\n", words[2].c_str(), words[3].c_str());
        return 1;
    }
    std::fprintf(stderr, "ehb admin: key %s of facility %s is revoked\n", words[3].c_str(), words[2].c_str());
    return 0;
}

}  // namespace ehb::cli
