#include "engine/person/model_store.hpp"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstring>

#include "engine/identity.hpp"
#include "engine/person/person_entry.hpp"
#include "engine/person/person_index.hpp"

namespace ehb::person {
namespace {

// A review item a steward decided: the record against the candidate's closest profile.
struct DecidedPair {
    Profile record, candidate;
    bool link = false;
};

// The profile of `person` closest to `record`, as a steward saw the pair (by
// the weights `ehb review list` shows the evidence with); null when it has none.
const Profile* closest(const Model& weights, const Profile& record, const PersonEntry& person) {
    const Profile* best = nullptr;
    double top = -INFINITY;
    for (const Profile& p : person.profiles) {
        const double w = weights.weight(compare(record, p), record, p);
        if (best == nullptr || w > top) top = w, best = &p;
    }
    return best;
}

std::vector<DecidedPair> decided_pairs(const StoreReader& r, Decompressor& decompressor, EpisodeParser& parser,
                                       std::string& canonical) {
    const Model weights = bootstrap_model();
    std::vector<DecidedPair> out;
    simdjson::dom::parser json;
    r.scan_numbered(r.tables().reviews, 1, [&](uint64_t, std::string_view row) {
        simdjson::dom::element e;
        std::string_view state;
        uint64_t seq = 0;
        if (json.parse(row.data(), row.size()).get(e) != simdjson::SUCCESS ||
            e["state"].get(state) != simdjson::SUCCESS || (state != "link" && state != "nolink") ||
            e["seq"].get(seq) != simdjson::SUCCESS)
            return true;
        std::string_view number;
        uint64_t candidate_id = 0;
        if (e["candidate"].get(number) == simdjson::SUCCESS)
            std::from_chars(number.data(), number.data() + number.size(), candidate_id);
        const auto candidate = decode_entry(r.person(candidate_id));
        DecidedPair pair;
        pair.link = state == "link";
        if (!candidate || !stored_profile(r, decompressor, parser, canonical, seq, pair.record)) return true;
        const Profile* other = closest(weights, pair.record, *candidate);
        // A placeholder or a nameless record is never compared: it says nothing about m.
        if (other == nullptr || pair.record.placeholder || other->placeholder || !pair.record.has_name() ||
            !other->has_name())
            return true;
        pair.candidate = *other;
        out.push_back(std::move(pair));
        return true;
    });
    return out;
}

// Scores the pairs stewards said are two persons as ingest would now, at the
// store's current number of persons.
void score_nolinks(const std::vector<DecidedPair>& pairs, Model model, const MatchConfig& cfg, uint64_t persons,
                   TrainingReport& report) {
    model.prior = online_prior(persons);
    const double link = Model::score_of(cfg.link_probability), review = Model::score_of(cfg.review_probability);
    for (const DecidedPair& p : pairs) {
        if (p.link) continue;
        ++report.decided_nolinks;
        const double score = model.score(compare(p.record, p.candidate), p.record, p.candidate);
        if (score >= link) ++report.nolinks_linked;
        else if (score >= review) ++report.nolinks_reviewed;
    }
}

}  // namespace

bool stored_record(const StoreReader& r, Decompressor& decompressor, EpisodeParser& parser, std::string& canonical,
                   uint64_t seq, PersonRecord& out) {
    const auto e = r.entry(seq);
    if (!e) return false;
    decompressor.decompress(e->codec, e->payload, e->raw_size, canonical);
    ParsedRecord rec;
    Issue error;
    if (!parser.parse(canonical, rec, error)) return false;
    person_record(rec, out);
    return true;
}

bool stored_profile(const StoreReader& r, Decompressor& decompressor, EpisodeParser& parser, std::string& canonical,
                    uint64_t seq, Profile& out) {
    PersonRecord pr;
    if (!stored_record(r, decompressor, parser, canonical, seq, pr)) return false;
    prepare(pr, out);
    return true;
}

Model train_from_store(const Store& store, const MatchConfig& cfg, std::size_t sample, TrainingReport& report) {
    std::vector<Profile> profiles;
    std::vector<DecidedPair> decided;
    uint64_t persons = 0;
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
        decided = decided_pairs(r, decompressor, parser, canonical);
        persons = r.last_person();
        return 0;
    });
    std::vector<Gamma> matches;
    for (const DecidedPair& p : decided)
        if (p.link) matches.push_back(compare(p.record, p.candidate));
    Model model = train(profiles, cfg, report, matches);
    score_nolinks(decided, model, cfg, persons, report);
    return model;
}

namespace {

// The stored value: layout 2, then the configuration as text and the training
// report, each after its u32 length, then the model (encode_model). Layout 1
// is a model alone, as stored before thresholds were kept with it.
constexpr uint8_t kStoredLayout = 2;

std::string model_key(const std::string& version) {
    std::string key(schema::kMetaPersonModelPrefix);
    key += version;
    return key;
}

template <class T>
void put(std::string& out, T v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <class T>
bool get(std::string_view& in, T& v) {
    if (in.size() < sizeof v) return false;
    std::memcpy(&v, in.data(), sizeof v);
    in.remove_prefix(sizeof v);
    return true;
}

std::string encode_report(const TrainingReport& t) {
    std::string out;
    for (uint64_t v : {t.records, t.random_pairs, t.pairs_by_birth, t.pairs_by_name, t.labelled_pairs, t.decided_links,
                       t.decided_nolinks, t.nolinks_linked, t.nolinks_reviewed})
        put(out, v);
    for (double v : {t.lambda_by_birth, t.lambda_by_name, t.expected_matches}) put(out, v);
    put(out, static_cast<int32_t>(t.iterations));
    return out;
}

bool decode_report(std::string_view in, TrainingReport& t) {
    int32_t iterations = 0;
    const bool ok = get(in, t.records) && get(in, t.random_pairs) && get(in, t.pairs_by_birth) &&
                    get(in, t.pairs_by_name) && get(in, t.labelled_pairs) && get(in, t.decided_links) &&
                    get(in, t.decided_nolinks) && get(in, t.nolinks_linked) && get(in, t.nolinks_reviewed) &&
                    get(in, t.lambda_by_birth) && get(in, t.lambda_by_name) && get(in, t.expected_matches) &&
                    get(in, iterations) && in.empty();
    t.iterations = iterations;
    return ok;
}

// The next u32-length-prefixed part of `in`.
bool part(std::string_view& in, std::string_view& out) {
    uint32_t n = 0;
    if (!get(in, n) || in.size() < n) return false;
    out = in.substr(0, n);
    in.remove_prefix(n);
    return true;
}

}  // namespace

void save_model(StoreWriter& w, const std::string& version, const Model& model, const MatchConfig& cfg,
                const TrainingReport& report) {
    std::string value(1, static_cast<char>(kStoredLayout));
    const std::string config = match_config_text(cfg), training = encode_report(report);
    put(value, static_cast<uint32_t>(config.size()));
    value += config;
    put(value, static_cast<uint32_t>(training.size()));
    value += training;
    value += encode_model(model);
    w.tables().meta.put(w.txn(), model_key(version), value);
    w.tables().meta.put(w.txn(), schema::kMetaPersonModelLatest, version);
}

std::string latest_model_version(const StoreReader& r) {
    std::string_view v;
    return r.tables().meta.get(r.txn(), schema::kMetaPersonModelLatest, v) ? std::string(v) : std::string();
}

std::optional<StoredModel> load_model(const StoreReader& r, const std::string& version) {
    std::string_view v;
    if (!r.tables().meta.get(r.txn(), model_key(version), v) || v.empty()) return std::nullopt;
    StoredModel out;
    if (static_cast<uint8_t>(v[0]) == kStoredLayout) {
        v.remove_prefix(1);
        std::string_view config, training;
        std::string error;
        if (!part(v, config) || !part(v, training) || !parse_match_config(config, version, out.config, error) ||
            !decode_report(training, out.report))
            return std::nullopt;
    }
    auto model = decode_model(v);
    if (!model) return std::nullopt;
    out.model = std::move(*model);
    out.config.version = version;
    return out;
}

}  // namespace ehb::person
