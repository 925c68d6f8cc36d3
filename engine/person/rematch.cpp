#include "engine/person/rematch.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "engine/identity.hpp"
#include "engine/person/memory_index.hpp"
#include "engine/person/model_store.hpp"
#include "engine/person/person_index.hpp"
#include "engine/person/steward_decisions.hpp"

namespace ehb::person {
namespace {

// An episode as it is filed now.
struct Episode {
    uint64_t seq = 0;     // current version
    uint64_t filed = 0;   // the person it is filed under
    uint64_t stored = 0;  // that person, merges followed
    uint64_t anchor = 0;  // a steward's group of persons it must stay with (0: none)
    bool pinned = false;  // a steward filed it where it is: it stays there, whatever it matches
    uint64_t top = 0;     // the person merged into `stored` it is filed under, or under one merged into that; 0: none
    std::vector<uint64_t> tags;  // persons under never-link rules it belongs to (filed, or merged into)
    std::string key;
};

// When the re-run first puts a record of one stored person with another's.
struct Meeting {
    uint64_t person = 0;  // re-run person, at the time
    uint64_t stored = 0;  // the stored person whose record joined
    double score = 0;
    std::string_view reason;
};

// Merges are chains at most this long; the bound only guards against a damaged store.
constexpr int kMaxMergeDepth = 64;

// Persons are numbered below 2^32 (engine/person/blocking.hpp).
uint64_t pair_key(uint64_t a, uint64_t b) { return a < b ? (a << 32 | b) : (b << 32 | a); }

// The resolver's Candidates for the re-run: the index in memory `ehb link`
// uses, with the stewards' never-link rules kept. A record never sees a person
// holding records of a person it must stay apart from, and two such persons
// never merge. It also notes when records of two stored persons first meet.
class Rerun final : public Candidates {
public:
    Rerun(const std::vector<Profile>& profiles, const MatchConfig& cfg,
          const std::vector<std::pair<uint64_t, uint64_t>>& rules)
        : index_(profiles, cfg) {
        for (auto [a, b] : rules) rules_.insert(pair_key(a, b));
    }

    void by_identifier(const Identifier& id, std::vector<uint64_t>& persons) override {
        const size_t before = persons.size();
        index_.by_identifier(id, persons);
        drop_forbidden(persons, before);
    }
    bool by_block(const BlockKey& key, std::vector<uint64_t>& persons) override {
        const size_t before = persons.size();
        if (!index_.by_block(key, persons)) return false;
        drop_forbidden(persons, before);
        return true;
    }
    void profiles(uint64_t person, std::vector<const Profile*>& out) override { index_.profiles(person, out); }
    uint64_t root(uint64_t person) override { return index_.root(person); }
    bool never_link(uint64_t a, uint64_t b) override {
        return !rules_.empty() && apart(held_[root(a) - 1].tags, held_[root(b) - 1].tags);
    }

    // The record about to be resolved.
    void resolving(const Episode& e) { current_ = &e; }

    // Files the current record (profile `r`) under `person` (0: a new one) and returns the person.
    uint64_t add(uint32_t r, uint64_t person, const Decision& d) {
        person = index_.add(r, person);
        if (held_.size() < index_.persons()) held_.resize(index_.persons());
        Held& h = held_[root(person) - 1];
        join(h.tags, current_->tags);
        if (std::find(h.stored.begin(), h.stored.end(), current_->stored) == h.stored.end()) {
            if (!h.stored.empty()) meetings_.push_back({root(person), current_->stored, d.score, d.reason});
            h.stored.push_back(current_->stored);
        }
        return person;
    }

    void merge(uint64_t from, uint64_t into, const Decision& d) {
        from = root(from), into = root(into);
        if (from == into) return;
        index_.merge(from, into);
        Held &a = held_[into - 1], &b = held_[from - 1];
        join(a.tags, b.tags);
        for (uint64_t s : b.stored) {
            if (std::find(a.stored.begin(), a.stored.end(), s) != a.stored.end()) continue;
            meetings_.push_back({into, s, d.score, d.reason});
            a.stored.push_back(s);
        }
        b = Held{};
    }

    uint64_t persons() const { return index_.persons(); }
    const std::vector<Meeting>& meetings() const { return meetings_; }

private:
    struct Held {
        std::vector<uint64_t> tags;    // as Episode::tags, of all its records
        std::vector<uint64_t> stored;  // the stored persons its records are filed under
    };

    static void join(std::vector<uint64_t>& into, const std::vector<uint64_t>& more) {
        for (uint64_t t : more)
            if (std::find(into.begin(), into.end(), t) == into.end()) into.push_back(t);
    }
    bool apart(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) const {
        for (uint64_t x : a)
            for (uint64_t y : b)
                if (rules_.count(pair_key(x, y))) return true;
        return false;
    }
    void drop_forbidden(std::vector<uint64_t>& persons, size_t from) {
        if (rules_.empty() || current_->tags.empty()) return;
        auto forbidden = [&](uint64_t p) { return apart(current_->tags, held_[root(p) - 1].tags); };
        persons.erase(std::remove_if(persons.begin() + static_cast<std::ptrdiff_t>(from), persons.end(), forbidden),
                      persons.end());
    }

    MemoryIndex index_;
    std::unordered_set<uint64_t> rules_;  // pair_key of persons a steward said are two
    std::vector<Held> held_;              // re-run person - 1 →
    std::vector<Meeting> meetings_;
    const Episode* current_ = nullptr;
};

// Groups of persons tied by stewards' merges (union–find over persons).
class Ties {
public:
    uint64_t find(uint64_t p) {
        auto it = parent_.find(p);
        if (it == parent_.end()) return p;
        const uint64_t r = find(it->second);
        it->second = r;
        return r;
    }
    void tie(uint64_t a, uint64_t b) {
        a = find(a), b = find(b);
        if (a != b) parent_[std::max(a, b)] = std::min(a, b);
    }

private:
    std::unordered_map<uint64_t, uint64_t> parent_;
};

struct Snapshot {
    std::vector<Episode> episodes;  // in log order
    std::vector<Profile> profiles;  // of each episode's current version
    StewardDecisions decisions;
    uint64_t skipped = 0, last_seq = 0, last_audit = 0, last_person = 0;
};

// The records are read in chunks of log entries, each in a read transaction
// of its own, by two threads (parsing them is most of a re-match's time), and
// the store's pages are unmapped after each chunk, so that the resident set
// is the re-run's and not the whole store's. A chunk that finds the store
// changed since the first transaction fails the re-match.
constexpr size_t kChunk = 16384;
constexpr unsigned kReaders = 2;

bool same_store(const StoreReader& r, const Snapshot& s) {
    return r.last_seq() == s.last_seq && r.last_numbered(r.tables().person_audit) == s.last_audit &&
           r.last_person() == s.last_person;
}

void read_profiles(const Store& store, Snapshot& s) {
    const size_t n = s.episodes.size();
    s.profiles.resize(n);
    std::vector<char> read(n, 0);
    std::atomic<size_t> next{0};
    std::atomic<bool> changed{false};
    {
        std::vector<std::jthread> readers;
        for (unsigned t = 0; t < kReaders; ++t)
            readers.emplace_back([&] {
                Decompressor decompressor(&store.dictionaries());
                EpisodeParser parser;
                std::string canonical;
                for (size_t from; (from = next.fetch_add(kChunk)) < n && !changed;) {
                    store.read([&](const StoreReader& r) {
                        if (!same_store(r, s)) return changed = true;
                        for (size_t i = from; i < std::min(n, from + kChunk); ++i) {
                            const uint64_t seq = s.episodes[i].seq;
                            read[i] = stored_profile(r, decompressor, parser, canonical, seq, s.profiles[i]);
                        }
                        return false;
                    });
                    store.release_mapped_pages();
                }
            });
    }
    if (changed) throw StewardError("the store changed while it was read: run the re-match again");
    size_t kept = 0;
    for (size_t i = 0; i < n; ++i) {
        if (!read[i]) continue;
        if (kept != i) s.episodes[kept] = std::move(s.episodes[i]), s.profiles[kept] = std::move(s.profiles[i]);
        ++kept;
    }
    s.skipped += n - kept;
    s.episodes.resize(kept);
    s.profiles.resize(kept);
}

Snapshot read_snapshot(const Store& store) {
    Snapshot s;
    store.read([&](const StoreReader& r) {
        s.decisions = read_steward_decisions(r);
        s.last_seq = r.last_seq();
        s.last_audit = r.last_numbered(r.tables().person_audit);
        s.last_person = r.last_person();
        s.episodes.reserve(r.entries(r.tables().episodes));
        lmdb::Cursor c(r.txn(), r.tables().episodes);
        std::string_view k, v;
        for (bool ok = c.get(k, v, MDB_FIRST); ok; ok = c.get(k, v, MDB_NEXT)) {
            const schema::EpisodeHead head = schema::EpisodeHead::from_bytes(v);
            if (head.filed_under.type != schema::PersonType::person) {
                ++s.skipped;
                continue;
            }
            Episode e;
            e.seq = head.current_seq;
            e.filed = head.filed_under.value;
            e.key = k;
            s.episodes.push_back(std::move(e));
        }
        return 0;
    });
    store.release_mapped_pages();
    std::sort(s.episodes.begin(), s.episodes.end(), [](const Episode& a, const Episode& b) { return a.seq < b.seq; });
    read_profiles(store, s);
    return s;
}

// Where each episode must stay, and which rules it falls under.
void mark_decisions(Snapshot& s) {
    const StewardDecisions& d = s.decisions;
    Ties ties;
    std::unordered_set<uint64_t> sticky;  // tie groups a steward made or moved an episode into
    for (uint64_t from : d.manual) {
        ties.tie(from, d.merged_into.at(from));
        sticky.insert(ties.find(from));
    }
    std::unordered_set<uint64_t> ruled;
    for (auto [a, b] : d.never_link) ruled.insert(a), ruled.insert(b);
    for (Episode& e : s.episodes) {
        auto moved = d.moved.find(e.key);
        e.pinned = moved != d.moved.end() && moved->second == e.filed;
        if (e.pinned) sticky.insert(ties.find(e.filed));
        // Up the merges: the person it is filed under, merged into another, …, the stored person.
        e.stored = e.filed;
        for (int depth = 0; depth < kMaxMergeDepth; ++depth) {
            if (ruled.count(e.stored)) e.tags.push_back(e.stored);
            auto up = d.merged_into.find(e.stored);
            if (up == d.merged_into.end()) break;
            e.top = e.stored;
            e.stored = up->second;
        }
    }
    for (Episode& e : s.episodes) {
        const uint64_t group = ties.find(e.filed);
        if (sticky.count(group)) e.anchor = group;
    }
}

struct Outcome {
    std::vector<uint64_t> person;                       // per episode: its re-run person
    std::vector<std::pair<double, std::string_view>> why;  // per episode: the decision's score and reason
    std::vector<Meeting> meetings;                      // by re-run person
    std::vector<uint64_t> candidate;                    // per episode: the re-run person of its review decision (0: none)
};

// Resolves every episode in log order. An episode of a steward's group of
// persons (their merge, or an episode they moved into it) stays with the
// group's first; an episode a steward moved takes no part in matching (it
// would pull its identifiers' holder in) and is placed with its group at the end.
Outcome rerun(const Snapshot& s, const RematchModel& with) {
    Outcome out;
    Model model = with.model;
    Resolver resolver(model, with.config);
    Rerun index(s.profiles, with.config, s.decisions.never_link);
    std::unordered_map<uint64_t, uint64_t> anchored;  // anchor → its re-run person
    std::vector<uint64_t>& person = out.person;
    person.resize(s.episodes.size());
    out.why.resize(s.episodes.size());
    out.candidate.resize(s.episodes.size());
    for (uint32_t i = 0; i < s.episodes.size(); ++i) {
        const Episode& e = s.episodes[i];
        if (e.pinned) continue;
        model.prior = online_prior(index.persons());  // as ingest resolves (PersonIndex::place)
        index.resolving(e);
        const Decision d = resolver.resolve(s.profiles[i], index);
        out.why[i] = {d.score, d.reason};
        auto stay = e.anchor != 0 ? anchored.find(e.anchor) : anchored.end();
        if (stay != anchored.end()) {
            // The record stays with its group; a person it links to is that person too.
            const uint64_t x = index.root(stay->second);
            for (uint64_t t : {d.band == Band::link ? d.person : 0, d.merge})
                if (t != 0 && index.root(t) != x && !index.never_link(x, t)) index.merge(t, x, d);
            Decision kept = d;
            kept.reason = "kept with a steward's decision";
            person[i] = index.add(i, index.root(x), kept);
            continue;
        }
        if (d.band == Band::review) out.candidate[i] = d.candidate;
        person[i] = index.add(i, d.person, d);
        if (d.merge != 0) index.merge(d.merge, person[i], d);
        if (e.anchor != 0) anchored.emplace(e.anchor, person[i]);
    }
    for (uint64_t& p : person) p = p != 0 ? index.root(p) : 0;
    for (uint64_t& c : out.candidate) c = c != 0 ? index.root(c) : 0;
    uint64_t next = index.persons();  // a group of moved episodes alone: a person of its own
    for (uint32_t i = 0; i < s.episodes.size(); ++i) {
        if (!s.episodes[i].pinned) continue;
        auto [group, fresh] = anchored.try_emplace(s.episodes[i].anchor, 0);
        if (fresh) group->second = ++next;
        person[i] = group->second <= index.persons() ? index.root(group->second) : group->second;
        out.why[i] = {NAN, "moved by a steward"};
    }
    out.meetings = index.meetings();
    for (Meeting& m : out.meetings) m.person = index.root(m.person);
    std::stable_sort(out.meetings.begin(), out.meetings.end(),
                     [](const Meeting& a, const Meeting& b) { return a.person < b.person; });
    return out;
}

// (stored person, new person) → the one `top` all the episodes it gives the new person share (0: none), and how many.
using FreshShares = std::map<std::pair<uint64_t, uint32_t>, std::pair<uint64_t, uint64_t>>;

// A new person made of exactly the episodes of a person merged automatically
// into a stored one is that person again: undoing the merge gives it back
// with its identifiers, which moving its episodes one by one leaves behind.
void undo_merges(const Snapshot& s, const FreshShares& to_fresh, std::map<uint64_t, RematchSplit>& splits) {
    std::map<std::pair<uint64_t, uint64_t>, uint64_t> under;  // (stored, top) → episodes
    for (const Episode& e : s.episodes)
        if (e.top != 0) ++under[{e.stored, e.top}];
    std::unordered_map<uint32_t, uint64_t> given_back;  // new person → the person it is
    for (const auto& [key, share] : to_fresh) {
        const auto [stored, fresh] = key;
        const auto [top, count] = share;
        auto merge = s.decisions.merge_audit.find(top);
        if (top == 0 || given_back.count(fresh) || under[{stored, top}] != count ||
            merge == s.decisions.merge_audit.end() || s.decisions.manual.count(top))
            continue;
        given_back.emplace(fresh, top);
        for (RematchMove& m : splits[stored].moves)
            if (m.fresh == fresh) m.unmerge = merge->second;
    }
    for (auto& [stored, split] : splits)
        for (RematchMove& m : split.moves)
            if (auto back = given_back.find(m.fresh); m.to == 0 && back != given_back.end()) m.to = back->second;
}

// Compares the re-run's persons with the stored ones. Each stored person goes
// with the re-run person holding its episodes of a steward's group, else most
// of its episodes (ties: the one with its earliest); stored persons that go
// with one re-run person are merged (into the oldest), and an episode whose
// re-run person is not its stored person's moves to the stored person that
// goes with it, or to a new person.
void compare(const Snapshot& s, const Outcome& re, RematchPlan& plan) {
    const std::vector<uint64_t>& rerun_person = re.person;
    const std::vector<Meeting>& meetings = re.meetings;
    const size_t n = s.episodes.size();
    std::vector<uint32_t> order(n);
    for (uint32_t i = 0; i < n; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        return std::tie(s.episodes[a].stored, rerun_person[a], a) < std::tie(s.episodes[b].stored, rerun_person[b], b);
    });
    std::map<uint64_t, uint64_t> main;          // stored person → its re-run person
    std::map<uint64_t, uint64_t> stored_size;   // stored person → episodes
    std::unordered_map<uint64_t, uint64_t> rerun_size;
    for (uint64_t p : rerun_person) ++rerun_size[p];
    std::map<uint64_t, uint64_t> overlap;  // stored person → its episodes in its main re-run person
    for (size_t a = 0; a < n;) {
        const uint64_t stored = s.episodes[order[a]].stored;
        // The re-run person holding the episodes of a steward's group, else the most, else the earliest.
        struct Share {
            bool steward = false;
            uint64_t count = 0;
            int64_t first = 0;  // minus the earliest episode's index
            auto rank() const { return std::tuple(steward, count, first); }
        } best;
        uint64_t best_r = 0, total = 0;
        size_t b = a;
        while (b < n && s.episodes[order[b]].stored == stored) {
            const uint64_t r = rerun_person[order[b]];
            Share share{false, 0, -static_cast<int64_t>(order[b])};  // sorted by index within (stored, re-run)
            for (; b < n && s.episodes[order[b]].stored == stored && rerun_person[order[b]] == r; ++b) {
                ++share.count;
                share.steward = share.steward || s.episodes[order[b]].anchor != 0;
            }
            if (best_r == 0 || share.rank() > best.rank()) best = share, best_r = r;
            total += share.count;
        }
        main[stored] = best_r;
        stored_size[stored] = total;
        overlap[stored] = best.count;
        a = b;
    }
    std::map<uint64_t, std::vector<uint64_t>> groups;  // re-run person → the stored persons that go with it
    for (auto [stored, r] : main) groups[r].push_back(stored);
    plan.persons = main.size();
    for (auto [stored, r] : main) {
        const bool alone = groups[r].size() == 1;
        if (alone && overlap[stored] == stored_size[stored] && rerun_size[r] == stored_size[stored]) ++plan.unchanged;
    }
    auto by_person = [](const Meeting& a, const Meeting& b) { return a.person < b.person; };
    for (const auto& [r, g] : groups) {
        if (g.size() < 2) continue;
        RematchMerge m;
        m.into = g.front();
        m.from.assign(g.begin() + 1, g.end());
        m.records = rerun_size[r];
        const auto [first, last] = std::equal_range(meetings.begin(), meetings.end(), Meeting{r, 0, 0, {}}, by_person);
        for (auto meet = first; meet != last; ++meet)
            if (std::binary_search(g.begin(), g.end(), meet->stored))
                m.evidence.push_back({meet->stored, meet->score, meet->reason});
        plan.merges.push_back(std::move(m));
    }
    // Moves, in log order; a re-run person no stored person goes with is a new person.
    std::unordered_map<uint64_t, uint32_t> fresh;
    std::map<uint64_t, RematchSplit> splits;
    FreshShares to_fresh;
    for (uint32_t i = 0; i < n; ++i) {
        const Episode& e = s.episodes[i];
        const uint64_t r = rerun_person[i];
        if (main[e.stored] == r) continue;
        RematchMove mv;
        mv.episode = e.key;
        mv.from = e.stored;
        std::tie(mv.score, mv.reason) = re.why[i];
        auto g = groups.find(r);
        if (g != groups.end()) mv.to = g->second.front();
        else mv.fresh = fresh.try_emplace(r, static_cast<uint32_t>(fresh.size() + 1)).first->second;
        if (mv.fresh != 0) {
            auto& [top, count] = to_fresh[{e.stored, mv.fresh}];
            top = count++ == 0 || top == e.top ? e.top : 0;
        }
        RematchSplit& split = splits[e.stored];
        split.person = e.stored;
        split.records = stored_size[e.stored];
        split.moves.push_back(std::move(mv));
        ++plan.moves;
    }
    undo_merges(s, to_fresh, splits);
    for (auto& [p, split] : splits) plan.splits.push_back(std::move(split));

    // Review items: a record in the review band against a person it does not
    // end up with, unless that pair was put to a steward before.
    std::set<std::pair<uint64_t, uint64_t>> reviewed;
    for (auto [seq, candidate] : s.decisions.reviewed) reviewed.emplace(seq, s.decisions.root(candidate));
    auto destination = [&](uint64_t r) -> std::pair<uint64_t, uint32_t> {  // stored person, or new person
        if (auto g = groups.find(r); g != groups.end()) return {g->second.front(), 0};
        auto f = fresh.find(r);
        return {0, f != fresh.end() ? f->second : 0};
    };
    for (uint32_t i = 0; i < n; ++i) {
        if (re.candidate[i] == 0) continue;
        const Episode& e = s.episodes[i];
        const auto other = destination(re.candidate[i]);
        if (other == destination(rerun_person[i]) || other == std::pair<uint64_t, uint32_t>{0, 0}) continue;
        if (other.first != 0 && reviewed.count({e.seq, other.first})) continue;
        const auto [score, reason] = re.why[i];
        plan.reviews.push_back({e.key, e.seq, other.first, other.second, score, reason});
    }
}

// The episodes filed under `person` and the persons merged into it.
uint64_t filed_count(const StoreReader& r, uint64_t person) {
    std::vector<schema::PersonKey> keys;
    book_keys(r, schema::PersonKey::person(person), keys);
    std::vector<uint64_t> seqs;
    for (schema::PersonKey k : keys) r.filed(k, seqs);
    return seqs.size();
}

}  // namespace

void apply_rematch(Store& store, const RematchPlan& plan, const Actor& who) {
    Steward steward(&store.dictionaries());
    store.write([&](StoreWriter& w) {
        if (w.last_seq() != plan.last_seq || w.last_numbered(w.tables().person_audit) != plan.last_audit ||
            w.last_person() != plan.last_person)
            throw StewardError("the store changed since the re-match was planned: run it again");
        for (const RematchMerge& m : plan.merges)
            for (uint64_t from : m.from) merge_persons(w, m.into, from, who);
        std::map<uint64_t, std::pair<uint64_t, uint64_t>> undone;  // merge id → the person it gives back, episodes
        for (const RematchSplit& s : plan.splits)
            for (const RematchMove& m : s.moves)
                if (m.unmerge != 0) {
                    auto& [back_to, episodes] = undone[m.unmerge];
                    back_to = m.to;
                    ++episodes;
                }
        for (const auto& [merge, back] : undone) {
            steward.unmerge(w, merge, who);
            if (filed_count(w, back.first) != back.second)
                throw StewardError("undoing merge " + std::to_string(merge) +
                                   " gives back other records than re-matching found; nothing was changed");
        }
        std::unordered_map<uint32_t, uint64_t> created;  // new person of the plan → its number
        for (const RematchSplit& s : plan.splits)
            for (const RematchMove& m : s.moves)
                if (m.fresh != 0 && m.to != 0) created.emplace(m.fresh, m.to);  // given back by an unmerge
        for (const RematchSplit& s : plan.splits) {
            for (const RematchMove& m : s.moves) {
                if (m.unmerge != 0) continue;
                if (m.to != 0) {
                    steward.link(w, m.episode, m.to, who);
                } else if (auto it = created.find(m.fresh); it != created.end()) {
                    steward.link(w, m.episode, it->second, who);
                } else {
                    created.emplace(m.fresh, steward.unlink(w, m.episode, who));
                }
            }
        }
        for (const RematchReview& rv : plan.reviews) {
            const auto head = w.episode(rv.episode);
            auto fresh = created.find(rv.fresh);
            const uint64_t other = rv.candidate != 0 ? rv.candidate : fresh != created.end() ? fresh->second : 0;
            if (!head || other == 0) continue;
            const uint64_t person = person_of(w, std::string("P") + std::to_string(head->filed_under.value));
            const uint64_t candidate = person_of(w, std::string("P") + std::to_string(other));
            if (person == 0 || candidate == 0 || person == candidate) continue;
            Decision d;
            d.band = Band::review, d.candidate = candidate, d.score = rv.score, d.reason = rv.reason;
            open_review(w, d, person, rv.seq);
        }
    });
}

RematchModel rematch_model(const Store& store) {
    RematchModel out;
    store.read([&](const StoreReader& r) {
        out.version = latest_model_version(r);
        auto stored = out.version.empty() ? std::nullopt : load_model(r, out.version);
        if (stored) {
            out.model = std::move(stored->model);
            out.config = std::move(stored->config);
        } else {
            out.version.clear();
            out.model = bootstrap_model();
        }
        return 0;
    });
    return out;
}

RematchPlan plan_rematch(const Store& store, const RematchModel& with) {
    Snapshot s = read_snapshot(store);
    mark_decisions(s);
    RematchPlan plan;
    plan.model_version = with.version;
    plan.config = with.config;
    plan.records = s.episodes.size();
    plan.skipped = s.skipped;
    plan.last_seq = s.last_seq, plan.last_audit = s.last_audit, plan.last_person = s.last_person;
    compare(s, rerun(s, with), plan);
    return plan;
}

}  // namespace ehb::person
