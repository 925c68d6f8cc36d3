#include "engine/person/steward.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cmath>

#include "engine/canonical.hpp"
#include "engine/identity.hpp"
#include "engine/person/blocking.hpp"
#include "engine/person/model_store.hpp"
#include "engine/person/person_index.hpp"
#include "engine/person/person_json.hpp"
#include "engine/person/store_index.hpp"

namespace ehb::person {
namespace {

using schema::PersonKey;

PersonEntry load(const StoreReader& r, uint64_t person) {
    auto e = decode_entry(r.person(person));
    if (!e) throw StewardError("no person " + std::to_string(person));
    return *std::move(e);
}

uint8_t residence(const StoreReader& r, uint64_t person) {
    return schema::province_number(load(r, person).best[kBestProvince].value);
}

std::vector<uint64_t> members_of(const StoreReader& r, uint64_t person) {
    std::vector<PersonKey> keys;
    r.members(PersonKey::person(person), keys);
    std::vector<uint64_t> out;
    for (PersonKey k : keys) out.push_back(k.value);
    return out;
}

// A person as the audit keeps it before and after an operation.
std::string summary(const StoreReader& r, uint64_t person) {
    const PersonEntry e = load(r, person);
    std::string out;
    append_person_json(out, person, e, members_of(r, person), e.identifiers);
    out.pop_back();  // the closing brace: merged_into follows
    out += ",\"merged_into\":";
    if (e.merged_into != 0) append_canonical_string(out, std::to_string(e.merged_into));
    else out += "null";
    out += '}';
    return out;
}

uint64_t audit(StoreWriter& w, std::string_view op, const Actor& who, std::string_view subject,
               std::string_view before, std::string_view after) {
    std::string row = "{\"time\":";
    append_json_time(row, who.now_us);
    append_json_member(row, "op", op);
    append_json_member(row, "principal", who.principal);
    append_json_member(row, "why", who.why);
    if (who.automatic) row += ",\"automatic\":true";
    row += subject;  // ,"into":..,"from":.. and the like
    row += ",\"before\":";
    row += before;
    row += ",\"after\":";
    row += after;
    row += '}';
    return w.append_numbered(w.tables().person_audit, row);
}

void put(StoreWriter& w, uint64_t person, const PersonEntry& e) { w.put_person(person, encode_entry(e)); }

// Ingest's decisions' uncertainty for the queue: most uncertain (a posterior
// near one half, score near 0) first; decisions without a score last.
uint32_t uncertainty(double score) {
    if (std::isnan(score)) return UINT32_MAX;
    return static_cast<uint32_t>(std::min(std::fabs(score) * 100.0, 4e9));
}

struct Review {
    uint64_t seq = 0, person = 0, candidate = 0;
    double score = NAN;
    std::string reason, state;
};

Review parse_review(std::string_view row) {
    simdjson::dom::parser parser;
    simdjson::dom::element e;
    Review r;
    if (parser.parse(row.data(), row.size()).get(e) != simdjson::SUCCESS) return r;
    uint64_t v = 0;
    if (e["seq"].get(v) == simdjson::SUCCESS) r.seq = v;
    std::string_view s;
    if (e["person"].get(s) == simdjson::SUCCESS) r.person = std::strtoull(std::string(s).c_str(), nullptr, 10);
    if (e["candidate"].get(s) == simdjson::SUCCESS) r.candidate = std::strtoull(std::string(s).c_str(), nullptr, 10);
    double d = 0;
    if (e["score"].get(d) == simdjson::SUCCESS) r.score = d;
    if (e["reason"].get(s) == simdjson::SUCCESS) r.reason = s;
    if (e["state"].get(s) == simdjson::SUCCESS) r.state = s;
    return r;
}

std::string review_row(uint64_t id, const Review& r) {
    std::string row = "{\"id\":";
    row += std::to_string(id);
    append_json_number(row, "seq", r.seq);
    append_json_member(row, "person", std::to_string(r.person));
    if (r.candidate != 0) append_json_member(row, "candidate", std::to_string(r.candidate));
    if (!std::isnan(r.score)) {
        char buf[384];  // %f of any double fits
        std::snprintf(buf, sizeof buf, ",\"score\":%.2f", r.score);
        row += buf;
    }
    append_json_member(row, "reason", r.reason);
    append_json_member(row, "state", r.state);
    row += '}';
    return row;
}

}  // namespace

uint64_t identity_event(StoreWriter& w, std::string_view event, uint64_t person, uint64_t other, uint64_t audit_id,
                        int64_t now_us, uint8_t residence_province) {
    std::string row = "{\"time\":";
    append_json_time(row, now_us);
    append_json_member(row, "event", event);
    append_json_member(row, "person", std::to_string(person));
    if (other != 0) append_json_member(row, "other", std::to_string(other));
    if (audit_id != 0) append_json_number(row, "audit", audit_id);
    // Where the event falls in the log: after every record up to this entry.
    append_json_number(row, "log_seq", w.next_seq() - 1);
    row += '}';
    const uint64_t id = w.append_numbered(w.tables().person_events, row);
    schema::FeedEntry change;
    change.type = schema::FeedType::identity;
    change.residence_province = residence_province;
    change.ref = id;
    change.time_us = now_us;
    w.append_feed(change);
    return id;
}

uint64_t merge_persons(StoreWriter& w, uint64_t into, uint64_t from, const Actor& who) {
    if (into == from) throw StewardError("a person cannot be merged into itself");
    PersonEntry a = load(w, into), b = load(w, from);
    if (a.merged_into != 0) throw StewardError("person " + std::to_string(into) + " was merged into another");
    if (b.merged_into != 0) throw StewardError("person " + std::to_string(from) + " was merged into another");
    std::string before = "{\"into\":" + summary(w, into);
    before += ",\"from\":";
    before += summary(w, from);
    before += '}';
    w.link(PersonKey::person(from), PersonKey::person(into));
    w.add_member(PersonKey::person(into), PersonKey::person(from));
    b.merged_into = into;
    ++a.members;
    put(w, from, b);
    put(w, into, a);
    std::string subject;
    append_json_member(subject, "into", std::to_string(into));
    append_json_member(subject, "from", std::to_string(from));
    // Records after this entry arrived while merged (unmerge sorts them out).
    append_json_number(subject, "log_seq", w.next_seq() - 1);
    const uint64_t id = audit(w, "merge", who, subject, before, summary(w, into));
    identity_event(w, "merged", into, from, id, who.now_us, residence(w, into));
    return id;
}

uint64_t open_review(StoreWriter& w, const Decision& d, uint64_t person, uint64_t seq) {
    Review r{seq, person, d.candidate, d.score, std::string(d.reason), "open"};
    const uint64_t id = w.last_numbered(w.tables().reviews) + 1;
    w.put_numbered(w.tables().reviews, id, review_row(id, r));
    w.queue_review(uncertainty(d.score), id, true);
    return id;
}

void Steward::unmerge(StoreWriter& w, uint64_t merge_id, const Actor& who) {
    const std::string_view row = w.numbered(w.tables().person_audit, merge_id);
    simdjson::dom::parser parser;
    simdjson::dom::element e;
    std::string_view op, into_s, from_s;
    if (row.empty() || parser.parse(row.data(), row.size()).get(e) != simdjson::SUCCESS ||
        e["op"].get(op) != simdjson::SUCCESS || op != "merge" || e["into"].get(into_s) != simdjson::SUCCESS ||
        e["from"].get(from_s) != simdjson::SUCCESS)
        throw StewardError("no merge " + std::to_string(merge_id));
    const uint64_t into = std::strtoull(std::string(into_s).c_str(), nullptr, 10);
    const uint64_t from = std::strtoull(std::string(from_s).c_str(), nullptr, 10);
    uint64_t since = 0;
    if (e["log_seq"].get(since) != simdjson::SUCCESS)
        throw StewardError("merge " + std::to_string(merge_id) + " does not say where the log stood");
    PersonEntry a = load(w, into), b = load(w, from);
    if (b.merged_into != into)
        throw StewardError("merge " + std::to_string(merge_id) + " was undone already");
    std::string before = "{\"into\":" + summary(w, into);
    before += ",\"from\":";
    before += summary(w, from);
    before += '}';
    w.unlink(PersonKey::person(from));
    w.remove_member(PersonKey::person(into), PersonKey::person(from));
    b.merged_into = 0;
    a.members = a.members > 0 ? a.members - 1 : 0;
    put(w, from, b);
    put(w, into, a);
    w.set_never_link(into, from);
    const std::vector<std::string> moved = return_records(w, into, from, since);
    // Records left `into` for `from`: each one's best record is built again from its own.
    const bool rebuilt_into = !moved.empty() && rebuild_best(w, into);
    const bool rebuilt_from = !moved.empty() && rebuild_best(w, from);
    std::string after = "{\"into\":" + summary(w, into);
    after += ",\"from\":";
    after += summary(w, from);
    after += '}';
    std::string subject;
    append_json_number(subject, "merge", merge_id);
    append_json_member(subject, "into", std::to_string(into));
    append_json_member(subject, "from", std::to_string(from));
    subject += ",\"returned\":[";
    for (const std::string& key : moved) {
        if (subject.back() != '[') subject += ',';
        append_canonical_string(subject, key);
    }
    subject += ']';
    const uint64_t id = audit(w, "unmerge", who, subject, before, after);
    identity_event(w, "unmerged", into, from, id, who.now_us, residence(w, into));
    if (rebuilt_into) identity_event(w, "best_record_changed", into, 0, id, who.now_us, residence(w, into));
    if (rebuilt_from) identity_event(w, "best_record_changed", from, 0, id, who.now_us, residence(w, from));
}

bool Steward::rebuild_best(StoreWriter& w, uint64_t person) {
    PersonEntry e = load(w, person);
    const auto before = e.best;
    e.best = {};
    std::vector<uint64_t> seqs;
    w.filed(PersonKey::person(person), seqs);
    std::sort(seqs.begin(), seqs.end());
    for (uint64_t seq : seqs) {
        PersonRecord record;
        if (stored_record(w, decompressor_, parser_, canonical_, seq, record)) survive(e, record, seq);
    }
    bool changed = false;
    for (std::size_t i = 0; i < e.best.size(); ++i)
        changed = changed || e.best[i].value != before[i].value || e.best[i].seq != before[i].seq;
    if (changed) put(w, person, e);
    return changed;
}

void Steward::drop_profile(StoreWriter& w, uint64_t person, const Profile& profile) {
    PersonEntry e = load(w, person);
    const auto same = [&](const Profile& p) { return p.same_demographics(profile); };
    const auto kept = std::find_if(e.profiles.begin(), e.profiles.end(), same);
    if (kept == e.profiles.end()) return;
    std::vector<uint64_t> seqs;
    w.filed(PersonKey::person(person), seqs);
    Profile other;
    for (uint64_t seq : seqs)
        if (record_profile(w, seq, other) && same(other)) return;
    e.profiles.erase(kept);
    put(w, person, e);
}

std::vector<std::string> Steward::return_records(StoreWriter& w, uint64_t into, uint64_t from, uint64_t since) {
    StoredModel stored{bootstrap_model(), MatchConfig{}, {}};
    if (auto latest = load_model(w, latest_model_version(w))) stored = std::move(*latest);
    Model& model = stored.model;
    model.prior = online_prior(w.last_person());  // as ingest's
    const double link_score = Model::score_of(stored.config.link_probability);
    std::vector<uint64_t> seqs;
    w.filed(PersonKey::person(into), seqs);
    std::vector<std::string> moved;
    std::vector<const Profile*> profiles;
    for (uint64_t seq : seqs) {
        Profile record;
        if (seq <= since || !record_profile(w, seq, record)) continue;
        StoreIndex index(w, stored.config);
        // An identifier known before the merge decides; one this record
        // brought while merged is no evidence, and goes where the record goes.
        uint64_t holder = 0;
        std::vector<IdentifierSeen> brought;
        for (const Identifier& id : record.ids) {
            const PersonKey key = identifier_key(id);
            const PersonKey owner = key ? w.owner_of(key) : PersonKey{};
            if (owner.type != schema::PersonType::person) continue;
            if (const PersonEntry* e = owner.value == into ? index.entry(into) : nullptr) {
                auto seen = std::find_if(e->identifiers.begin(), e->identifiers.end(),
                                         [&](const IdentifierSeen& s) { return s.id == id; });
                if (seen != e->identifiers.end() && seen->first_seq > since) {
                    if (seen->first_seq == seq) brought.push_back(*seen);
                    continue;
                }
            }
            if (holder == 0) holder = index.root(owner.value);
        }
        if (holder == into) continue;
        bool back = holder == from;
        if (holder == 0) {
            // The best of each side; on `into`'s side not the profile the record itself left there.
            auto best = [&](uint64_t person, bool skip_own) {
                double top = -INFINITY;
                profiles.clear();
                index.profiles(person, profiles);
                for (const Profile* p : profiles) {
                    if (skip_own && p->same_demographics(record)) continue;
                    top = std::max(top, model.score(compare(record, *p), record, *p));
                }
                return top;
            };
            const double to_from = best(from, false);
            back = to_from >= link_score && to_from > best(into, true);
        }
        if (!back) continue;
        auto entry = w.entry(seq);
        if (!entry) continue;
        std::string key(entry->episode_key);
        refile(w, key, from, record);
        drop_profile(w, into, record);
        if (!brought.empty()) {
            PersonEntry left = load(w, into), joined = load(w, from);
            for (const IdentifierSeen& s : brought) {
                w.link(identifier_key(s.id), PersonKey::person(from));
                std::erase_if(left.identifiers, [&](const IdentifierSeen& i) { return i.id == s.id; });
                joined.identifiers.push_back(s);
            }
            put(w, into, left);
            put(w, from, joined);
        }
        moved.push_back(std::move(key));
    }
    return moved;
}

bool Steward::record_profile(const StoreReader& r, uint64_t seq, Profile& out) {
    return stored_profile(r, decompressor_, parser_, canonical_, seq, out);
}

void Steward::refile(StoreWriter& w, std::string_view episode_key, uint64_t person, const Profile& profile) {
    auto head = w.episode(episode_key);
    if (!head) throw StewardError("no episode " + std::string(episode_key));
    w.unfile(head->filed_under, head->current_seq);
    head->filed_under = PersonKey::person(person);
    w.file(head->filed_under, head->current_seq);
    w.set_episode(episode_key, *head);
    PersonEntry target = load(w, person);
    const bool seen = std::any_of(target.profiles.begin(), target.profiles.end(),
                                  [&](const Profile& p) { return p.same_demographics(profile); });
    if (!seen && target.profiles.size() < MatchConfig{}.max_variants) {
        target.profiles.push_back(profile);
        put(w, person, target);
    }
    std::vector<BlockKey> keys;
    index_keys(profile, keys);
    for (const BlockKey& k : keys) w.file_block(k.key, block_value(person, k.tag));
}

void Steward::give_identifiers(StoreWriter& w, uint64_t from, uint64_t to, const Profile& profile) {
    std::vector<Identifier> moving;
    for (const Identifier& id : profile.ids) {
        const PersonKey key = identifier_key(id);
        if (key && w.owner_of(key) == PersonKey::person(from)) moving.push_back(id);
    }
    std::vector<uint64_t> seqs;
    if (!moving.empty()) w.filed(PersonKey::person(from), seqs);
    for (uint64_t seq : seqs) {
        Profile other;
        if (!record_profile(w, seq, other)) continue;
        std::erase_if(moving, [&](const Identifier& id) {
            return std::find(other.ids.begin(), other.ids.end(), id) != other.ids.end();
        });
        if (moving.empty()) return;
    }
    if (moving.empty()) return;
    PersonEntry left = load(w, from), joined = load(w, to);
    for (const Identifier& id : moving) {
        w.link(identifier_key(id), PersonKey::person(to));
        auto seen = std::find_if(left.identifiers.begin(), left.identifiers.end(),
                                 [&](const IdentifierSeen& s) { return s.id == id; });
        if (seen == left.identifiers.end()) continue;
        joined.identifiers.push_back(*seen);
        left.identifiers.erase(seen);
    }
    put(w, from, left);
    put(w, to, joined);
}

uint64_t Steward::move_episode(StoreWriter& w, std::string_view episode_key, uint64_t person, const Actor& who,
                               std::string_view op) {
    auto head = w.episode(episode_key);
    if (!head) throw StewardError("no episode " + std::string(episode_key));
    const uint64_t old = head->filed_under.value;
    if (old == person) throw StewardError("the episode is filed under person " + std::to_string(person) + " already");
    Profile profile;
    if (!record_profile(w, head->current_seq, profile))
        throw StewardError("the episode's record cannot be read back");
    const bool fresh = person == 0;
    if (fresh) {
        person = w.last_person() + 1;
        PersonEntry created;
        created.created_us = who.now_us;
        put(w, person, created);
    }
    std::string before = "{\"episode\":";
    append_canonical_string(before, episode_key);
    append_json_member(before, "person", std::to_string(old));
    before += '}';
    refile(w, episode_key, person, profile);
    give_identifiers(w, old, person, profile);
    if (fresh) w.set_never_link(old, person);
    // The record's demographics and best-record fields leave with it.
    bool old_best = false;
    if (head->filed_under.type == schema::PersonType::person) {
        drop_profile(w, old, profile);
        old_best = rebuild_best(w, old);
    }
    const bool new_best = rebuild_best(w, person) && !fresh;
    std::string after = "{\"episode\":";
    append_canonical_string(after, episode_key);
    append_json_member(after, "person", std::to_string(person));
    after += '}';
    std::string subject;
    append_json_member(subject, "episode", episode_key);
    append_json_member(subject, "person", std::to_string(person));
    const uint64_t id = audit(w, op, who, subject, before, after);
    identity_event(w, op == "link" ? "linked" : "unlinked", person, old, id, who.now_us, residence(w, person));
    if (old_best) identity_event(w, "best_record_changed", old, 0, id, who.now_us, residence(w, old));
    if (new_best) identity_event(w, "best_record_changed", person, 0, id, who.now_us, residence(w, person));
    return person;
}

void Steward::link(StoreWriter& w, std::string_view episode_key, uint64_t person, const Actor& who) {
    if (person == 0 || load(w, person).merged_into != 0)
        throw StewardError("person " + std::to_string(person) + " is not an active person");
    move_episode(w, episode_key, person, who, "link");
}

uint64_t Steward::unlink(StoreWriter& w, std::string_view episode_key, const Actor& who) {
    return move_episode(w, episode_key, 0, who, "unlink");
}

void Steward::decide(StoreWriter& w, uint64_t review_id, bool link, const Actor& who) {
    const std::string_view row = w.numbered(w.tables().reviews, review_id);
    if (row.empty()) throw StewardError("no review item " + std::to_string(review_id));
    Review r = parse_review(row);
    if (r.state != "open") throw StewardError("review item " + std::to_string(review_id) + " was decided already");
    if (r.candidate == 0) throw StewardError("review item " + std::to_string(review_id) + " names no candidate");
    StoreIndex index(w, MatchConfig{});
    const uint64_t a = index.root(r.person), b = index.root(r.candidate);
    if (link && a != b) merge_persons(w, std::min(a, b), std::max(a, b), who);
    if (!link) w.set_never_link(a, b);
    w.queue_review(uncertainty(r.score), review_id, false);
    r.state = link ? "link" : "nolink";
    std::string decided = review_row(review_id, r);
    decided.pop_back();
    append_json_member(decided, "decided_by", who.principal);
    decided += ",\"decided_at\":";
    append_json_time(decided, who.now_us);
    decided += '}';
    w.put_numbered(w.tables().reviews, review_id, decided);
    std::string subject;
    append_json_number(subject, "review", review_id);
    audit(w, link ? "review_link" : "review_nolink", who, subject, row, decided);
}

std::string Steward::person_json(const StoreReader& r, uint64_t person) {
    std::string out = summary(r, person);
    std::vector<uint64_t> seqs;
    r.filed(PersonKey::person(person), seqs);
    out.pop_back();
    append_json_number(out, "records", seqs.size());
    out += '}';
    return out;
}

std::string Steward::reviews_json(const StoreReader& r, std::size_t limit) {
    const Model model = bootstrap_model();
    std::string out = "{\"reviews\":[";
    std::size_t n = 0;
    r.review_queue([&](uint64_t id) {
        if (n == limit) return false;
        const std::string_view row = r.numbered(r.tables().reviews, id);
        if (n++) out += ',';
        out += row.substr(0, row.size() - 1);
        // The evidence: the record's fields against the candidate's closest profile.
        const Review rv = parse_review(row);
        Profile record;
        auto candidate = rv.candidate ? decode_entry(r.person(rv.candidate)) : std::nullopt;
        if (candidate && !candidate->profiles.empty() && record_profile(r, rv.seq, record)) {
            Gamma g;
            double top = -INFINITY;
            for (const Profile& p : candidate->profiles) {
                const Gamma pg = compare(record, p);
                const double w = model.weight(pg, record, p);
                if (w > top) top = w, g = pg;
            }
            out += ",\"evidence\":{";
            bool first = true;
            for (int f = 0; f < kFields; ++f) {
                if (g.level[f] == kMissing) continue;
                if (!first) out += ',';
                first = false;
                append_canonical_string(out, field_name(static_cast<Field>(f)));
                char buf[384];  // %f of any double fits
                std::snprintf(buf, sizeof buf, ":{\"level\":%u,\"weight\":%.2f}", g.level[f],
                              std::log2(model.m[f][g.level[f]] / model.u[f][g.level[f]]));
                out += buf;
            }
            out += '}';
        }
        out += '}';
        return true;
    });
    out += "]}";
    return out;
}

std::string Steward::audit_json(const StoreReader& r, uint64_t person) {
    const std::string as_text = std::to_string(person);
    std::string out = "{\"audit\":[";
    bool first = true;
    r.scan_numbered(r.tables().person_audit, 1, [&](uint64_t id, std::string_view row) {
        simdjson::dom::parser parser;
        simdjson::dom::element e;
        if (parser.parse(row.data(), row.size()).get(e) != simdjson::SUCCESS) return true;
        bool names = false;
        for (const char* key : {"into", "from", "person"}) {
            std::string_view v;
            names = names || (e[key].get(v) == simdjson::SUCCESS && v == as_text);
        }
        if (!names) return true;
        if (!first) out += ',';
        first = false;
        out += "{\"id\":";
        out += std::to_string(id);
        out += ',';
        out += row.substr(1);
        return true;
    });
    out += "]}";
    return out;
}

uint64_t person_of(const StoreReader& r, std::string_view id) {
    const bool numbered = id.size() > 1 && id[0] == 'P' &&
                          std::all_of(id.begin() + 1, id.end(), [](char c) { return c >= '0' && c <= '9'; });
    PersonKey key = numbered ? PersonKey::person(std::strtoull(std::string(id.substr(1)).c_str(), nullptr, 10))
                             : lookup_key(id);
    if (!key) return 0;
    key = root_of(r, key);
    return key.type == schema::PersonType::person && !r.person(key.value).empty() ? key.value : 0;
}

}  // namespace ehb::person
