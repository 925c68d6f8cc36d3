#include "engine/person/model_store.hpp"

#include "engine/identity.hpp"

namespace ehb::person {

bool stored_profile(const StoreReader& r, Decompressor& decompressor, EpisodeParser& parser, std::string& canonical,
                    uint64_t seq, Profile& out) {
    const auto e = r.entry(seq);
    if (!e) return false;
    decompressor.decompress(e->codec, e->payload, e->raw_size, canonical);
    ParsedRecord rec;
    Issue error;
    if (!parser.parse(canonical, rec, error)) return false;
    PersonRecord pr;
    person_record(rec, pr);
    prepare(pr, out);
    return true;
}

Model train_from_store(const Store& store, const MatchConfig& cfg, std::size_t sample, TrainingReport& report) {
    std::vector<Profile> profiles;
    store.read([&](const StoreReader& r) {
        const std::size_t episodes = r.entries(r.tables().episodes);
        const std::size_t stride = sample == 0 ? 1 : std::max<std::size_t>(1, episodes / sample);
        Decompressor decompressor(&store.dictionaries());
        EpisodeParser parser;
        std::string canonical;
        lmdb::Cursor c(r.txn(), r.tables().episodes);
        std::string_view k, v;
        std::size_t i = 0;
        for (bool ok = c.get(k, v, MDB_FIRST); ok && profiles.size() < sample; ok = c.get(k, v, MDB_NEXT), ++i) {
            if (i % stride != 0) continue;
            const schema::EpisodeHead head = schema::EpisodeHead::from_bytes(v);
            Profile p;
            if (stored_profile(r, decompressor, parser, canonical, head.current_seq, p)) profiles.push_back(std::move(p));
        }
        return 0;
    });
    return train(profiles, cfg, report);
}

namespace {
std::string model_key(const std::string& version) {
    std::string key(schema::kMetaPersonModelPrefix);
    key += version;
    return key;
}
}  // namespace

void save_model(StoreWriter& w, const std::string& version, const Model& model) {
    w.tables().meta.put(w.txn(), model_key(version), encode_model(model));
    w.tables().meta.put(w.txn(), schema::kMetaPersonModelLatest, version);
}

std::string latest_model_version(const StoreReader& r) {
    std::string_view v;
    return r.tables().meta.get(r.txn(), schema::kMetaPersonModelLatest, v) ? std::string(v) : std::string();
}

std::optional<Model> load_model(const StoreReader& r, const std::string& version) {
    std::string_view v;
    if (!r.tables().meta.get(r.txn(), model_key(version), v)) return std::nullopt;
    return decode_model(v);
}

}  // namespace ehb::person
