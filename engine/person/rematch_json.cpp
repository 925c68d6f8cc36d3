// The re-match plan as `ehb rematch` prints it (docs/persons.md, "Re-matching").
#include "engine/person/rematch.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include "engine/canonical.hpp"

namespace ehb::person {
namespace {

void append_score(std::string& out, double score) {
    if (std::isnan(score)) {
        out += "null";
        return;
    }
    char buf[384];  // %f of any double fits
    std::snprintf(buf, sizeof buf, "%.2f", score);
    out += buf;
}

void append_person(std::string& out, std::string_view key, uint64_t person) {
    out += '"';
    out += key;
    out += "\":\"";
    out += std::to_string(person);
    out += '"';
}

// {"facility":…,"ma_lk":…,"<key>":"<person>" or "new:<n>"
void append_episode(std::string& out, std::string_view episode, std::string_view key, uint64_t person,
                    uint32_t fresh) {
    out += "{\"facility\":";
    append_canonical_string(out, episode.substr(0, 5));
    out += ",\"ma_lk\":";
    append_canonical_string(out, episode.substr(std::min<size_t>(5, episode.size())));
    out += ',';
    if (person != 0) {
        append_person(out, key, person);
    } else {
        out += '"';
        out += key;
        out += "\":\"new:";
        out += std::to_string(fresh);
        out += '"';
    }
}

// ,"score":…,"reason":…} closing the object
void close_with_why(std::string& out, double score, std::string_view reason) {
    out += ",\"score\":";
    append_score(out, score);
    out += ",\"reason\":";
    append_canonical_string(out, reason);
    out += '}';
}

void append_move(std::string& out, const RematchMove& m) {
    append_episode(out, m.episode, "to", m.to, m.fresh);
    if (m.unmerge != 0) append_json_number(out, "unmerge", m.unmerge);
    close_with_why(out, m.score, m.reason);
}

}  // namespace

std::string rematch_json(const RematchPlan& plan, std::size_t limit, bool applied) {
    std::string out = "{\"model\":";
    if (plan.model_version.empty()) out += "null";
    else append_canonical_string(out, plan.model_version);
    char buf[512];  // %g of two doubles
    std::snprintf(buf, sizeof buf, ",\"link_probability\":%.15g,\"review_probability\":%.15g",
                  plan.config.link_probability, plan.config.review_probability);
    out += buf;
    append_json_number(out, "records", plan.records);
    append_json_number(out, "skipped", plan.skipped);
    append_json_number(out, "persons", plan.persons);
    append_json_number(out, "unchanged", plan.unchanged);
    append_json_number(out, "merges", plan.merges.size());
    append_json_number(out, "splits", plan.splits.size());
    append_json_number(out, "moves", plan.moves);
    append_json_number(out, "reviews", plan.reviews.size());
    out += applied ? ",\"applied\":true" : ",\"applied\":false";
    out += ",\"proposed_merges\":[";
    for (size_t i = 0; i < plan.merges.size() && i < limit; ++i) {
        const RematchMerge& m = plan.merges[i];
        out += i ? ",{" : "{";
        append_person(out, "into", m.into);
        out += ",\"from\":[";
        for (size_t j = 0; j < m.from.size(); ++j) {
            if (j) out += ',';
            out += '"';
            out += std::to_string(m.from[j]);
            out += '"';
        }
        out += ']';
        append_json_number(out, "records", m.records);
        out += ",\"evidence\":[";
        for (size_t j = 0; j < m.evidence.size() && j < limit; ++j) {
            out += j ? ",{" : "{";
            append_person(out, "person", m.evidence[j].person);
            close_with_why(out, m.evidence[j].score, m.evidence[j].reason);
        }
        out += "]}";
    }
    out += "],\"proposed_splits\":[";
    for (size_t i = 0; i < plan.splits.size() && i < limit; ++i) {
        const RematchSplit& s = plan.splits[i];
        out += i ? ",{" : "{";
        append_person(out, "person", s.person);
        append_json_number(out, "records", s.records);
        append_json_number(out, "moving", s.moves.size());
        out += ",\"moves\":[";
        for (size_t j = 0; j < s.moves.size() && j < limit; ++j) {
            if (j) out += ',';
            append_move(out, s.moves[j]);
        }
        out += "]}";
    }
    out += "],\"proposed_reviews\":[";
    for (size_t i = 0; i < plan.reviews.size() && i < limit; ++i) {
        const RematchReview& r = plan.reviews[i];
        if (i) out += ',';
        append_episode(out, r.episode, "candidate", r.candidate, r.fresh);
        close_with_why(out, r.score, r.reason);
    }
    out += "]}";
    return out;
}

}  // namespace ehb::person
