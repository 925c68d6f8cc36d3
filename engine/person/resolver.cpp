#include "engine/person/resolver.hpp"

#include <algorithm>

#include "engine/person/blocking.hpp"
#include "engine/person/compare.hpp"

namespace ehb::person {

std::string_view band_name(Band b) {
    switch (b) {
        case Band::link: return "link";
        case Band::review: return "review";
        case Band::nolink: return "nolink";
    }
    return "?";
}

Resolver::Resolver(const Model& model, const MatchConfig& cfg)
    : model_(model),
      cfg_(cfg),
      link_score_(Model::score_of(cfg.link_probability)),
      review_score_(Model::score_of(cfg.review_probability)) {}

Resolver::Scored Resolver::score_person(const Profile& record, uint64_t person, Candidates& index) {
    Scored s{person};
    bool other_id = false, same_id = false;
    profiles_.clear();
    index.profiles(person, profiles_);
    for (const Profile* p : profiles_) {
        const Gamma g = compare(record, *p);
        const double score = model_.score(g, record, *p);
        if (score > s.score) {
            s.score = score;
            s.other_given_name = g.level[kGiven] == kLevels[kGiven] - 1;
        }
        other_id = other_id || different_citizen_ids(record, *p);
        same_id = same_id || same_citizen_id(record, *p);
    }
    // A person may hold two citizen IDs (a steward merged them: a re-issued
    // chip); a record with either is theirs, not another citizen's.
    s.other_citizen_id = other_id && !same_id;
    return s;
}

// Both persons hold citizen IDs, and none in common.
bool Resolver::citizen_ids_differ(uint64_t a, uint64_t b, Candidates& index) {
    auto citizen_ids = [&](uint64_t person, std::vector<std::string_view>& out) {
        profiles_.clear();
        index.profiles(person, profiles_);
        for (const Profile* p : profiles_)
            for (const Identifier& id : p->ids)
                if (id.system == IdSystem::cccd) out.push_back(id.value);
    };
    std::vector<std::string_view> x, y;
    citizen_ids(a, x);
    citizen_ids(b, y);
    if (x.empty() || y.empty()) return false;
    return std::none_of(x.begin(), x.end(), [&](std::string_view v) { return std::find(y.begin(), y.end(), v) != y.end(); });
}

// Equal identifiers of one system link, unless everything else says the
// record is somebody else (a household member's card), or the person holds
// another citizen ID.
//
// Neither an identifier nor the model links a record whose given name is
// clearly another (Jaro–Winkler below 0.88 against the best profile): twins
// share family name, birth date, sex and home and differ in that alone, and
// the model, which takes fields as independent, would count their shared home
// and birthday twice. Such a record is a review item.
bool Resolver::by_identifiers(const Profile& record, Candidates& index, Decision& d) {
    persons_.clear();
    for (const Identifier& id : record.ids) index.by_identifier(id, persons_);  // most authoritative first
    if (persons_.empty()) return false;
    const Scored primary = score_person(record, persons_.front(), index);
    d.score = primary.score;
    const uint64_t root = index.root(primary.person);
    auto other = std::find_if(persons_.begin(), persons_.end(), [&](uint64_t p) { return index.root(p) != root; });
    if (primary.other_citizen_id) {
        d.band = Band::review, d.candidate = primary.person, d.reason = "two citizen IDs", d.conflict = true;
    } else if (primary.score < review_score_ || primary.other_given_name) {
        d.band = Band::review, d.candidate = primary.person, d.reason = "identifier held by a different person";
        d.conflict = true;
    } else if (other != persons_.end()) {
        // Another person holds one of the record's identifiers. When the record
        // is surely that person too, and the two hold no different citizen IDs,
        // it shows they are one: merged. Otherwise the most authoritative
        // identifier decides and the pair goes to a steward.
        const Scored second = score_person(record, *other, index);
        if (second.score >= link_score_ && !second.other_citizen_id && !second.other_given_name &&
            !citizen_ids_differ(primary.person, *other, index) && !index.never_link(root, index.root(*other))) {
            d.band = Band::link, d.person = primary.person, d.merge = *other, d.reason = "identifier, persons merged";
        } else {
            d.band = Band::review, d.person = primary.person, d.candidate = *other;
            d.reason = "identifiers of two persons", d.conflict = true;
        }
    } else {
        d.band = Band::link, d.person = primary.person, d.reason = "identifier";
    }
    return true;
}

void Resolver::by_model(const Profile& record, Candidates& index, Decision& d) {
    keys_.clear();
    query_keys(record, keys_);
    persons_.clear();
    size_t oversized = 0;
    for (const BlockKey& k : keys_) oversized += index.by_block(k, persons_) ? 0 : 1;
    // Persons merged into one are one candidate.
    for (uint64_t& p : persons_) p = index.root(p);
    std::sort(persons_.begin(), persons_.end());
    persons_.erase(std::unique(persons_.begin(), persons_.end()), persons_.end());
    if (persons_.empty()) {
        // Every key too common to look under: nobody could be checked.
        if (!keys_.empty() && oversized == keys_.size()) d.band = Band::review, d.reason = "oversized block";
        else d.band = Band::nolink, d.reason = "no candidate";
        return;
    }
    // `second`: the runner-up among the persons the record could link to at all.
    Scored best, second;
    for (uint64_t p : persons_) {
        const Scored s = score_person(record, p, index);
        if (s.score > best.score) {
            if (!best.other_given_name && !best.other_citizen_id) second = best;
            best = s;
        } else if (s.score > second.score && !s.other_given_name && !s.other_citizen_id) {
            second = s;
        }
    }
    d.score = best.score;
    if (best.score < review_score_) {
        d.band = Band::nolink, d.reason = "no match";
    } else if (best.score < link_score_) {
        d.band = Band::review, d.candidate = best.person, d.reason = "uncertain";
    } else if (best.other_citizen_id) {
        d.band = Band::review, d.candidate = best.person, d.reason = "two citizen IDs", d.conflict = true;
    } else if (best.other_given_name) {
        d.band = Band::review, d.candidate = best.person, d.reason = "another given name";
    } else if (second.score >= link_score_) {
        // The record is surely one of them, most likely the best; whether the
        // two are one person is the steward's question.
        d.band = Band::review, d.person = best.person, d.candidate = second.person, d.reason = "two persons match";
    } else {
        d.band = Band::link, d.person = best.person, d.reason = "model";
    }
}

Decision Resolver::resolve(const Profile& record, Candidates& index) {
    Decision d;
    if (record.placeholder || !record.has_name()) {
        d.reason = record.placeholder ? "placeholder" : "no name";
        return d;
    }
    if (!by_identifiers(record, index, d)) by_model(record, index, d);
    return d;
}

}  // namespace ehb::person
