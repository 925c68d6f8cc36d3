// ehb proof --data DIR SEQ [--out FILE]
// Who sent a stored record and what exactly they signed (docs/operations.md,
// "Signing keys"): the signature is verified again against the registered
// key, and the signed bytes are prepared again and must give the stored record.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "engine/canonical.hpp"
#include "engine/facility_keys.hpp"
#include "engine/ingest.hpp"
#include "engine/signature_check.hpp"
#include "engine/xmldsig.hpp"
#include "storage/chain.hpp"
#include "storage/codec.hpp"
#include "tools/ehb/client_flags.hpp"
#include "tools/ehb/commands.hpp"

namespace ehb::cli {

namespace {

constexpr const char* kUsage =
    "usage: ehb proof --data DIR SEQ [--out FILE]\n"
    "  The signature of log entry SEQ (the `seq` of a version in a book): who signed it, with which\n"
    "  registered key, verified again now, and whether the signed bytes still give the stored record.\n"
    "  --out FILE writes the signed bytes, exactly as received, to FILE.\n"
    "  Exit 0 when the signature verifies and the record matches; 1 otherwise (or unsigned).\n";

int usage(const std::string& why) {
    std::fprintf(stderr, "ehb proof: %s\n%s", why.c_str(), kUsage);
    return 2;
}

void field(std::string& out, const char* key, std::string_view value) {
    out += ",\"";
    out += key;
    out += "\":";
    append_canonical_string(out, value);
}

}  // namespace

int cmd_proof(int argc, char** argv) {
    std::string data, out_file;
    uint64_t seq = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if (a == "--data" && i + 1 < argc) data = argv[++i];
        else if (a == "--out" && i + 1 < argc) out_file = argv[++i];
        else if (!a.starts_with("-") && seq == 0 && parse_number(a, seq, uint64_t{1})) continue;
        else return usage("unexpected argument '" + std::string(a) + "'");
    }
    if (data.empty() || seq == 0) return usage("--data DIR and SEQ are needed");
    StoreOptions read_only;
    read_only.read_only = true;
    Store store(data, read_only);

    std::optional<std::string> signed_bytes;
    std::string out = "{\"seq\":" + std::to_string(seq);
    bool verifies = false, matches = false;
    const KeyRing keys = store.read([](const StoreReader& r) { return KeyRing::load(r); });
    const bool found = store.read([&](const StoreReader& r) {
        const auto e = r.entry(seq);
        if (!e) return false;
        field(out, "episode", e->episode_key);
        field(out, "principal", e->principal);
        out += ",\"arrival\":";
        append_json_time(out, e->arrival_us);
        if (e->signature.empty()) {
            out += ",\"signature_status\":\"unsigned\"";
            return true;
        }
        const auto evidence = signatures::Evidence::decode(e->signature);
        if (!evidence) throw std::runtime_error("the entry's signature evidence has an unexpected layout");
        field(out, "signature_status", signatures::status_name(evidence->status));
        field(out, "method", signatures::method_name(evidence->method));
        field(out, "algorithm", evidence->algorithm);
        if (!evidence->reason.empty()) field(out, "reason", evidence->reason);
        signed_bytes.emplace();
        Decompressor().decompress(evidence->codec, evidence->signed_bytes, evidence->raw_size, *signed_bytes);
        out += ",\"signed_bytes\":" + std::to_string(signed_bytes->size());
        field(out, "signed_sha256", signatures::sha256_hex(*signed_bytes));
        if (evidence->method == signatures::Method::detached)
            field(out, "signature", chain::hex(reinterpret_cast<const unsigned char*>(evidence->signature.data()),
                                               evidence->signature.size()));

        // The signed bytes, prepared again as at arrival, must give the stored record.
        Prepared p;
        Preparer(&store.dictionaries()).prepare(*signed_bytes, p);
        matches = p.ok && p.record.hash == e->hash;
        const std::string_view facility = p.ok ? signer(p) : std::string_view();
        field(out, "facility", facility);
        const FacilityKey* key = nullptr;
        if (evidence->method == signatures::Method::detached) {
            key = keys.find(facility, evidence->key_id);
            verifies = key && signatures::verify(key->key, *signed_bytes, evidence->signature);
        } else {
            const xmldsig::Result xml = xmldsig::verify(*signed_bytes);
            key = xml.outcome == xmldsig::Outcome::verified ? keys.find_spki(facility, xml.spki) : nullptr;
            verifies = key != nullptr;
            if (!xml.certificate_subject.empty()) field(out, "certificate_subject", xml.certificate_subject);
        }
        if (key) {
            field(out, "key_id", key->key_id);
            out += ",\"key_added\":";
            append_json_time(out, key->added_us);
            out += ",\"key_revoked\":";
            if (key->revoked_us == 0) out += "null";
            else append_json_time(out, key->revoked_us);
        }
        return true;
    });
    if (!found) {
        std::fprintf(stderr, "ehb proof: the log has no entry %llu\n", static_cast<unsigned long long>(seq));
        return 1;
    }
    if (signed_bytes) {
        out += verifies ? ",\"signature_verifies\":true" : ",\"signature_verifies\":false";
        out += matches ? ",\"record_matches\":true" : ",\"record_matches\":false";
    }
    out += "}\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    if (signed_bytes && !out_file.empty()) {
        std::ofstream f(out_file, std::ios::binary | std::ios::trunc);
        f.write(signed_bytes->data(), static_cast<std::streamsize>(signed_bytes->size()));
        if (!f) {
            std::fprintf(stderr, "ehb proof: cannot write %s\n", out_file.c_str());
            return 1;
        }
    }
    return verifies && matches ? 0 : 1;
}

}  // namespace ehb::cli
