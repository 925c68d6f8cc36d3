// Stewards' operations on the person index (docs/persons.md, "Stewards"):
// merge and unmerge persons, link and unlink a record, decide review items.
// Each is an append-only audit entry (who, when, why, before and after) and
// an identity event; a steward's "not one person" is sticky: automatic
// matching never merges the two again.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/parse.hpp"
#include "engine/person/resolver.hpp"
#include "storage/codec.hpp"
#include "storage/store.hpp"

namespace ehb::person {

// An operation refused: no such person, merge or review item, or one that
// does not apply (a person merged already, a review decided already).
class StewardError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Actor {
    std::string principal;  // who
    std::string why;        // the reason given
    int64_t now_us = 0;     // when
    bool automatic = false; // ingest's own decision, not a steward's (re-matching may revisit it)
};

// Merges `from` (with the persons merged into it) into `into` and returns the
// merge's audit id, which unmerge takes. Used by ingest too, for the merges a
// record's identifiers show (the actor is then the record's principal).
uint64_t merge_persons(StoreWriter& w, uint64_t into, uint64_t from, const Actor& who);

// A review item for a resolution decision of band review (ingest calls it).
uint64_t open_review(StoreWriter& w, const Decision& d, uint64_t person, uint64_t seq);

// An identity event: merged, unmerged, linked, unlinked, best_record_changed;
// also on the change feed, under the person's province of residence (its
// best record's, as a number: schema::province_number).
uint64_t identity_event(StoreWriter& w, std::string_view event, uint64_t person, uint64_t other, uint64_t audit,
                        int64_t now_us, uint8_t residence_province);

class Steward {
public:
    explicit Steward(const DictionarySet* dictionaries) : decompressor_(dictionaries) {}

    uint64_t merge(StoreWriter& w, uint64_t into, uint64_t from, const Actor& who) {
        return merge_persons(w, into, from, who);
    }
    // Undoes merge `merge_id`: the person merged and the persons merged into
    // it are their own again, with every record filed under them, and the
    // records that arrived while merged go to the one they belong to (see
    // return_records); the two are never merged automatically again.
    void unmerge(StoreWriter& w, uint64_t merge_id, const Actor& who);
    // Files an episode's current version under `person`; the identifiers only
    // it carried go with it.
    void link(StoreWriter& w, std::string_view episode_key, uint64_t person, const Actor& who);
    // Files an episode's current version under a new person of its own, never
    // linked automatically to the one it left, with the identifiers only it
    // carried; returns the new person.
    uint64_t unlink(StoreWriter& w, std::string_view episode_key, const Actor& who);
    // link: the pair is one person (the newer person is merged into the older);
    // nolink: two persons, never linked automatically.
    void decide(StoreWriter& w, uint64_t review_id, bool link, const Actor& who);

    // JSON for `ehb person`, `ehb review list` (with each pair's evidence) and `ehb audit`.
    std::string person_json(const StoreReader& r, uint64_t person);
    std::string reviews_json(const StoreReader& r, std::size_t limit);
    std::string audit_json(const StoreReader& r, uint64_t person);

private:
    // The demographics of the record at log entry `seq`, prepared.
    bool record_profile(const StoreReader& r, uint64_t seq, Profile& out);
    uint64_t move_episode(StoreWriter& w, std::string_view episode_key, uint64_t person, const Actor& who,
                          std::string_view op);
    // The identifiers of a record (its demographics: `profile`) that `from`
    // holds and no other record filed under `from` carries go with it to `to`.
    void give_identifiers(StoreWriter& w, uint64_t from, uint64_t to, const Profile& profile);
    // Files the episode's current version (its record's demographics:
    // `profile`) under `person`, findable by its profile.
    void refile(StoreWriter& w, std::string_view episode_key, uint64_t person, const Profile& profile);
    // After an unmerge: the records filed under `into` since the merge (log
    // entries after `since`) that belong to `from` go back to it, by their
    // identifiers or, for those the model placed, when they are surely `from`
    // and more like `from` than like `into`. Returns their episode keys.
    std::vector<std::string> return_records(StoreWriter& w, uint64_t into, uint64_t from, uint64_t since);
    // Builds the person's best record again from the records filed under it; true when it changed.
    bool rebuild_best(StoreWriter& w, uint64_t person);
    // A record with demographics `profile` left `person`: the person is no
    // longer compared by that profile unless another of its records has it.
    // (Its blocking keys stay: they only make the person a candidate.)
    void drop_profile(StoreWriter& w, uint64_t person, const Profile& profile);

    Decompressor decompressor_;
    EpisodeParser parser_;
    std::string canonical_;
};

// The person an identifier (citizen ID, card, social-insurance code, old ID,
// passport) or a person number written P<number> leads to, merges followed;
// 0 when none.
uint64_t person_of(const StoreReader& r, std::string_view id);

}  // namespace ehb::person
