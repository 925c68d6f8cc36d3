// Resolution of one record against the persons known so far (docs/persons.md,
// "Deciding"): identifiers first, then the model over the candidates that
// blocking finds. The same code decides online (the person index in LMDB) and
// in bulk (`ehb link`, an index in memory); only the Candidates differ.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/person/blocking.hpp"
#include "engine/person/match_config.hpp"
#include "engine/person/model.hpp"
#include "engine/person/profile.hpp"

namespace ehb::person {

enum class Band : uint8_t { link, review, nolink };
std::string_view band_name(Band b);

// What the index knows: persons by identifier and by blocking key, and the
// profiles each person is compared by.
class Candidates {
public:
    virtual ~Candidates() = default;
    // Appends the person holding this identifier, if any.
    virtual void by_identifier(const Identifier& id, std::vector<uint64_t>& persons) = 0;
    // Appends the persons under a blocking key whose name fingerprints match
    // (engine/person/blocking.hpp); false (nothing appended) when there are
    // more than the configured maximum.
    virtual bool by_block(const BlockKey& key, std::vector<uint64_t>& persons) = 0;
    virtual void profiles(uint64_t person, std::vector<const Profile*>& out) = 0;
    // The person `person` was merged into (itself when it was not).
    virtual uint64_t root(uint64_t person) = 0;
    // A steward said these two are not one person: never merged automatically.
    virtual bool never_link(uint64_t a, uint64_t b) = 0;
};

struct Decision {
    Band band = Band::nolink;
    uint64_t person = 0;     // the person the record joins; 0: a new person
    uint64_t candidate = 0;  // review: the other person of the pair in question
    uint64_t merge = 0;      // link: a person the record shows to be the same as `person`, to merge into it
    double score = NAN;      // log2 posterior odds against the best candidate; NaN: none
    std::string_view reason;
    // The record's identifiers lead to a person it does not match, or to two
    // persons: ingest stores it flagged.
    bool conflict = false;
};

class Resolver {
public:
    Resolver(const Model& model, const MatchConfig& cfg);
    Decision resolve(const Profile& record, Candidates& index);

private:
    struct Scored {
        uint64_t person = 0;
        double score = -INFINITY;
        bool other_citizen_id = false;  // the person holds a citizen ID the record does not
        bool other_given_name = false;  // the best-scoring profile's given name is clearly another
    };
    Scored score_person(const Profile& record, uint64_t person, Candidates& index);
    bool by_identifiers(const Profile& record, Candidates& index, Decision& d);
    bool citizen_ids_differ(uint64_t a, uint64_t b, Candidates& index);
    void by_model(const Profile& record, Candidates& index, Decision& d);

    const Model& model_;
    const MatchConfig& cfg_;
    double link_score_, review_score_;
    std::vector<uint64_t> persons_;
    std::vector<BlockKey> keys_;
    std::vector<const Profile*> profiles_;
};

}  // namespace ehb::person
