#include "engine/person/model.hpp"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace ehb::person {
namespace {

__extension__ typedef unsigned __int128 u128;

// Uniform random numbers for the samples (splitmix64: deterministic per seed).
struct Random {
    uint64_t s;
    uint64_t next() {
        uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<u128>(next()) * n) >> 64); }
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

using Counts = std::array<std::array<double, 8>, kFields>;

// Fewer pairs sharing an identifier than this, and m comes from EM alone.
constexpr uint64_t kMinLabelledPairs = 1000;
constexpr size_t kMaxLabelledGroup = 1000;
using Patterns = std::unordered_map<uint64_t, double>;

void normalise(Counts& c, Counts& out) {
    for (int f = 0; f < kFields; ++f) {
        const int n = kLevels[f];
        double total = 0;
        for (int l = 0; l < n; ++l) total += c[f][l] + 1;  // add-one: no level is impossible
        for (int l = 0; l < n; ++l) out[f][l] = (c[f][l] + 1) / total;
    }
}

Gamma unpack(uint64_t key) {
    Gamma g;
    for (int f = kFields - 1; f >= 0; --f, key >>= 8) g.level[f] = static_cast<uint8_t>(key & 0xff);
    return g;
}

// A sample of pairs that agree on one blocking key, as counted patterns with
// the key's own fields left out (they agree by construction, so the sample
// cannot say how often they agree among matches).
struct Sample {
    Patterns patterns;
    uint64_t pairs = 0;       // pairs drawn
    double population = 0;    // pairs sharing the key in the whole set
};

template <class KeyOf>
Sample blocked_sample(const std::vector<Profile>& r, const std::vector<uint32_t>& usable, KeyOf key_of,
                      std::initializer_list<Field> fixed, uint64_t target, Random& rng) {
    std::vector<std::pair<uint64_t, uint32_t>> keyed;
    keyed.reserve(usable.size());
    for (uint32_t i : usable) {
        const uint64_t k = key_of(r[i]);
        if (k != 0) keyed.emplace_back(k, i);
    }
    std::sort(keyed.begin(), keyed.end());
    Sample s;
    std::vector<std::pair<size_t, size_t>> groups;
    for (size_t a = 0; a < keyed.size();) {
        size_t b = a + 1;
        while (b < keyed.size() && keyed[b].first == keyed[a].first) ++b;
        if (b - a >= 2) {
            groups.emplace_back(a, b);
            const double n = static_cast<double>(b - a);
            s.population += n * (n - 1) / 2;
        }
        a = b;
    }
    const double rate = s.population == 0 ? 0 : std::min(1.0, static_cast<double>(target) / s.population);
    auto count = [&](uint32_t i, uint32_t j) {
        Gamma g = compare(r[i], r[j]);
        for (Field f : fixed) g.level[f] = kMissing;
        s.patterns[g.key()] += 1;
        ++s.pairs;
    };
    for (auto [a, b] : groups) {
        const size_t n = b - a;
        const double expected = static_cast<double>(n) * static_cast<double>(n - 1) / 2 * rate;
        uint64_t k = static_cast<uint64_t>(expected);
        if (rng.unit() < expected - static_cast<double>(k)) ++k;
        if (static_cast<double>(k) * 2 >= static_cast<double>(n) * static_cast<double>(n - 1) / 2) {
            for (size_t x = a; x < b; ++x)
                for (size_t y = x + 1; y < b; ++y)
                    if (rng.unit() < rate) count(keyed[x].second, keyed[y].second);
            continue;
        }
        for (uint64_t t = 0; t < k; ++t) {
            const size_t x = rng.below(n), y = rng.below(n - 1);
            count(keyed[a + x].second, keyed[a + (y >= x ? y + 1 : y)].second);
        }
    }
    return s;
}

uint64_t hash_text(std::string_view a, std::string_view b, std::string_view c) {
    std::string k;
    k.reserve(a.size() + b.size() + c.size() + 2);
    k += a;
    k += '|';
    k += b;
    k += '|';
    k += c;
    return XXH3_64bits(k.data(), k.size()) | 1;  // never 0, which means "no key"
}

// Pairs of records that share an identifier: one person, but for a vanishing
// share of mistyped or borrowed ones. Their other fields show how one person's
// records differ (m) without the circularity of EM.
Counts labelled_m_counts(const std::vector<Profile>& r, const std::vector<uint32_t>& usable, uint64_t target,
                         Random& rng, uint64_t& pairs) {
    std::vector<std::pair<uint64_t, uint32_t>> keyed;
    for (uint32_t i : usable) {
        for (const Identifier& id : r[i].ids) {
            keyed.emplace_back(hash_text(id_system_name(id.system), id.value, {}), i);
        }
    }
    std::sort(keyed.begin(), keyed.end());
    Counts counts{};
    pairs = 0;
    double population = 0;
    std::vector<std::pair<size_t, size_t>> groups;
    for (size_t a = 0; a < keyed.size();) {
        size_t b = a + 1;
        while (b < keyed.size() && keyed[b].first == keyed[a].first) ++b;
        // An identifier on more records than one person has is not one person's.
        if (b - a >= 2 && b - a <= kMaxLabelledGroup) {
            groups.emplace_back(a, b);
            population += static_cast<double>(b - a) * static_cast<double>(b - a - 1) / 2;
        }
        a = b;
    }
    const double rate = population == 0 ? 0 : std::min(1.0, static_cast<double>(target) / population);
    for (auto [a, b] : groups) {
        for (size_t x = a; x < b; ++x) {
            for (size_t y = x + 1; y < b; ++y) {
                if (rng.unit() >= rate) continue;
                const Gamma g = compare(r[keyed[x].second], r[keyed[y].second]);
                for (int f = 0; f < kFields; ++f)
                    if (f != kIds && g.level[f] != kMissing) counts[f][g.level[f]] += 1;
                ++pairs;
            }
        }
    }
    return counts;
}

// Level counts of pairs known to be one person, without the fields in `skip`.
Counts known_counts(const std::vector<Gamma>& matches, std::initializer_list<Field> skip) {
    Counts c{};
    for (const Gamma& g : matches)
        for (int f = 0; f < kFields; ++f)
            if (g.level[f] != kMissing && std::find(skip.begin(), skip.end(), f) == skip.end()) c[f][g.level[f]] += 1;
    return c;
}

// Expectation–maximisation of m and the match share over counted patterns, u
// fixed. `known` (counts of pairs known to be matches) joins the expected
// matches of every iteration; it is not part of the sample's match share.
double expectation_maximisation(const Patterns& patterns, const Counts& u, const Counts& known, Counts& m,
                                int iterations) {
    double lambda = 0.1;
    for (int it = 0; it < iterations; ++it) {
        Counts acc = known;
        double matched = 0, total = 0;
        for (const auto& [key, count] : patterns) {
            const Gamma g = unpack(key);
            double pm = lambda, pu = 1 - lambda;
            for (int f = 0; f < kFields; ++f) {
                const uint8_t l = g.level[f];
                if (l == kMissing) continue;
                pm *= m[f][l];
                pu *= u[f][l];
            }
            const double p = pm / (pm + pu);
            matched += count * p;
            total += count;
            for (int f = 0; f < kFields; ++f)
                if (g.level[f] != kMissing) acc[f][g.level[f]] += count * p;
        }
        lambda = total == 0 ? 0 : matched / total;
        Counts next{};
        normalise(acc, next);
        // A field the sample left out keeps its starting values.
        for (int f = 0; f < kFields; ++f) {
            double seen = 0;
            for (int l = 0; l < kLevels[f]; ++l) seen += acc[f][l];
            if (seen > 0) m[f] = next[f];
        }
    }
    return lambda;
}

Counts starting_m() {
    Counts m{};
    for (int f = 0; f < kFields; ++f) {
        const int n = kLevels[f];
        m[f][0] = 0.9;
        for (int l = 1; l < n; ++l) m[f][l] = 0.1 / (n - 1);
    }
    return m;
}

}  // namespace

size_t TermFrequencies::Hash::operator()(std::string_view s) const { return XXH3_64bits(s.data(), s.size()); }

void TermFrequencies::add(std::string_view value) {
    if (value.empty()) return;
    auto it = counts_.find(value);
    if (it == counts_.end()) counts_.emplace(std::string(value), 1);
    else ++it->second;
    ++total_;
}

void TermFrequencies::encode(std::string& out) const {
    auto put = [&](auto v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); };
    put(total_);
    uint32_t kept = 0;
    for (const auto& [value, n] : counts_) kept += n > 1 && value.size() <= UINT16_MAX ? 1 : 0;
    put(kept);
    // A value seen once shares the floor (1/total) with every unseen one: not kept.
    for (const auto& [value, n] : counts_) {
        if (n <= 1 || value.size() > UINT16_MAX) continue;
        put(static_cast<uint16_t>(value.size()));
        out += value;
        put(n);
    }
}

bool TermFrequencies::decode(std::string_view& in) {
    auto get = [&](auto& v) {
        if (in.size() < sizeof v) return false;
        std::memcpy(&v, in.data(), sizeof v);
        in.remove_prefix(sizeof v);
        return true;
    };
    uint32_t kept = 0;
    if (!get(total_) || !get(kept)) return false;
    counts_.clear();
    for (uint32_t i = 0; i < kept; ++i) {
        uint16_t len = 0;
        uint32_t n = 0;
        if (!get(len) || in.size() < len) return false;
        std::string value(in.substr(0, len));
        in.remove_prefix(len);
        if (!get(n)) return false;
        counts_.emplace(std::move(value), n);
    }
    return true;
}

double TermFrequencies::share(std::string_view value) const {
    if (total_ == 0) return 1;
    auto it = counts_.find(value);
    const double n = it == counts_.end() ? 1.0 : static_cast<double>(it->second);
    return n / static_cast<double>(total_);
}

double Model::weight(const Gamma& g, const Profile& a, const Profile& /*b*/) const {
    const NameParts& name = g.a_alt ? a.alt : a.name;
    double w = 0;
    for (int f = 0; f < kFields; ++f) {
        const uint8_t l = g.level[f];
        if (l == kMissing) continue;
        w += std::log2(m[f][l] / u[f][l]);
        // Term frequency: agreeing on "Nguyễn" says less than agreeing on "Quách".
        const TermFrequencies* tf = nullptr;
        const std::string* value = nullptr;
        if (f == kFamily && l == 0) tf = &family, value = &name.family;
        else if (f == kMiddle && l == 0) tf = &middle, value = &name.middle;
        else if (f == kGiven && l <= 1) tf = &given, value = &name.given;
        if (tf != nullptr && tf->total() > 0) w += std::log2(u[f][0] / tf->share(*value));
    }
    return w;
}

double Model::score(const Gamma& g, const Profile& a, const Profile& b) const {
    return std::log2(prior / (1 - prior)) + weight(g, a, b);
}

double Model::score_of(double probability) { return std::log2(probability / (1 - probability)); }

Model train(const std::vector<Profile>& r, const MatchConfig& cfg, TrainingReport& report,
            const std::vector<Gamma>& matches) {
    Model model;
    std::vector<uint32_t> usable;
    for (uint32_t i = 0; i < r.size(); ++i) {
        if (r[i].placeholder || !r[i].has_name()) continue;
        usable.push_back(i);
        model.family.add(r[i].name.family);
        model.middle.add(r[i].name.middle);
        model.given.add(r[i].name.given);
    }
    report = TrainingReport{};
    report.records = usable.size();
    report.decided_links = matches.size();
    Random rng{cfg.seed};
    // u: pairs drawn at random are, all but a vanishing share, different persons.
    Counts uc{};
    if (usable.size() >= 2) {
        for (uint64_t k = 0; k < cfg.u_pairs; ++k) {
            const uint32_t i = usable[rng.below(usable.size())], j = usable[rng.below(usable.size())];
            if (i == j) continue;
            const Gamma g = compare(r[i], r[j]);
            for (int f = 0; f < kFields; ++f)
                if (g.level[f] != kMissing) uc[f][g.level[f]] += 1;
            ++report.random_pairs;
        }
    }
    normalise(uc, model.u);
    // m: one sample blocked on the birth date (it estimates the name fields),
    // one on the whole name (it estimates the birth date); the rest average both.
    const Sample by_birth = blocked_sample(
        r, usable, [](const Profile& p) { return p.full_date() ? uint64_t(p.year) * 10000 + p.month * 100u + p.day : 0; },
        {kBirth}, cfg.em_pairs, rng);
    const Sample by_name = blocked_sample(
        r, usable, [](const Profile& p) { return hash_text(p.name.family, p.name.middle, p.name.given); },
        {kFamily, kMiddle, kGiven}, cfg.em_pairs, rng);
    Counts m_birth = starting_m(), m_name = starting_m();
    report.lambda_by_birth = expectation_maximisation(by_birth.patterns, model.u, known_counts(matches, {kBirth}),
                                                      m_birth, cfg.em_iterations);
    report.lambda_by_name = expectation_maximisation(
        by_name.patterns, model.u, known_counts(matches, {kFamily, kMiddle, kGiven}), m_name, cfg.em_iterations);
    report.iterations = cfg.em_iterations;
    report.pairs_by_birth = by_birth.pairs;
    report.pairs_by_name = by_name.pairs;
    Counts labelled = labelled_m_counts(r, usable, cfg.em_pairs, rng, report.labelled_pairs);
    const Counts decided = known_counts(matches, {kIds});
    for (int f = 0; f < kFields; ++f)
        for (int l = 0; l < kLevels[f]; ++l) labelled[f][l] += decided[f][l];
    Counts m_labelled{};
    normalise(labelled, m_labelled);
    const bool use_labels = report.labelled_pairs >= kMinLabelledPairs;
    for (int f = 0; f < kFields; ++f) {
        for (int l = 0; l < kLevels[f]; ++l) {
            if (use_labels && f != kIds) model.m[f][l] = m_labelled[f][l];
            else if (f == kFamily || f == kMiddle || f == kGiven) model.m[f][l] = m_birth[f][l];
            else if (f == kBirth) model.m[f][l] = m_name[f][l];
            else model.m[f][l] = (m_birth[f][l] + m_name[f][l]) / 2;
        }
    }
    // Matches in the whole set: those the birth-date sample found, scaled up to
    // every pair sharing a birth date, over the share of matches that do.
    report.expected_matches = report.lambda_by_birth * by_birth.population / model.m[kBirth][0];
    const double n = static_cast<double>(usable.size());
    const double all_pairs = n * (n - 1) / 2;
    model.prior = all_pairs > 0 ? std::clamp(report.expected_matches / all_pairs, 1e-12, 0.5) : 0.5;
    return model;
}

double online_prior(uint64_t known_persons) {
    return 0.5 / static_cast<double>(std::max<uint64_t>(known_persons, 1000));
}

std::string model_json(const Model& model, const MatchConfig& cfg, const TrainingReport& report) {
    std::string out = "{\n  \"config_version\": \"";
    out += cfg.version;
    out += "\",\n";
    char buf[768];  // %f of any double fits
    std::snprintf(buf, sizeof buf,
                  "  \"records\": %llu,\n  \"prior\": %.6g,\n  \"expected_matches\": %.0f,\n"
                  "  \"link_probability\": %.15g,\n  \"review_probability\": %.15g,\n"
                  "  \"max_block\": %u,\n  \"max_variants\": %u,\n"
                  "  \"decisions\": {\"link\": %llu, \"nolink\": %llu, \"nolink_still_linked\": %llu, "
                  "\"nolink_to_review\": %llu},\n  \"fields\": {\n",
                  static_cast<unsigned long long>(report.records), model.prior, report.expected_matches,
                  cfg.link_probability, cfg.review_probability, cfg.max_block, cfg.max_variants,
                  static_cast<unsigned long long>(report.decided_links),
                  static_cast<unsigned long long>(report.decided_nolinks),
                  static_cast<unsigned long long>(report.nolinks_linked),
                  static_cast<unsigned long long>(report.nolinks_reviewed));
    out += buf;
    for (int f = 0; f < kFields; ++f) {
        out += "    \"";
        out += field_name(static_cast<Field>(f));
        out += "\": [";
        for (int l = 0; l < kLevels[f]; ++l) {
            std::snprintf(buf, sizeof buf, "%s{\"m\": %.6g, \"u\": %.6g, \"weight\": %.3f}", l ? ", " : "",
                          model.m[f][l], model.u[f][l], std::log2(model.m[f][l] / model.u[f][l]));
            out += buf;
        }
        out += f + 1 < kFields ? "],\n" : "]\n";
    }
    out += "  }\n}\n";
    return out;
}

namespace {
constexpr uint8_t kModelLayout = 1;
}  // namespace

std::string encode_model(const Model& model) {
    std::string out(1, static_cast<char>(kModelLayout));
    auto put = [&](double v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); };
    for (int f = 0; f < kFields; ++f)
        for (int l = 0; l < kLevels[f]; ++l) put(model.m[f][l]), put(model.u[f][l]);
    put(model.prior);
    model.family.encode(out);
    model.middle.encode(out);
    model.given.encode(out);
    return out;
}

std::optional<Model> decode_model(std::string_view in) {
    if (in.empty() || static_cast<uint8_t>(in[0]) != kModelLayout) return std::nullopt;
    in.remove_prefix(1);
    Model model;
    auto get = [&](double& v) {
        if (in.size() < sizeof v) return false;
        std::memcpy(&v, in.data(), sizeof v);
        in.remove_prefix(sizeof v);
        return true;
    };
    for (int f = 0; f < kFields; ++f)
        for (int l = 0; l < kLevels[f]; ++l)
            if (!get(model.m[f][l]) || !get(model.u[f][l])) return std::nullopt;
    if (!get(model.prior) || !model.family.decode(in) || !model.middle.decode(in) || !model.given.decode(in) ||
        !in.empty())
        return std::nullopt;
    return model;
}

}  // namespace ehb::person
