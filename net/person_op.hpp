// The payload of PERSON_OP (docs/protocol.md section 7): one of the stewards'
// operations on the person index as a small JSON object, e.g.
//   {"op":"merge","into":"001090012345","from":"P2","why":"one person"}
// ehb builds it from its command line; ehbd decodes it strictly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ehb::wire {

// A PERSON_OP payload holds at most this many bytes (BAD_PAYLOAD beyond).
inline constexpr std::size_t kMaxPersonOp = 4096;

enum class PersonOpKind : uint8_t { person, audit, reviews, decide, merge, unmerge, unlink, relink };
// The "op" member: "person", "audit", "reviews", "decide", "merge", "unmerge", "unlink", "relink".
std::string_view op_name(PersonOpKind kind);
// decide, merge, unmerge, unlink, relink change the store: ehbd runs them in
// its writer's transaction; the others read a snapshot.
bool writes(PersonOpKind kind);

struct PersonOp {
    PersonOpKind kind = PersonOpKind::person;
    std::string id;               // person, audit, relink: an identifier or P<number> that leads to a person
    std::string into, from;       // merge: `from` is merged into `into` (identifiers)
    std::string facility, ma_lk;  // unlink, relink: the episode
    uint64_t review = 0;          // decide: the review item
    bool link = false;            // decide: "link" (true) or "nolink"
    uint64_t merge = 0;           // unmerge: the merge's audit id
    uint64_t limit = 100;         // reviews: at most this many items
    std::string why;              // the writes' reason, kept in the audit
};

// Appends the JSON object: the op and exactly the members it takes ("why" only
// for a write, and only when not empty).
void encode(std::string& out, const PersonOp& m);
// False, with what is wrong in `problem`, unless `in` is one JSON object with
// a known "op" and exactly the members that op takes, each of its type
// (strings not empty; review, merge and limit positive integers).
bool decode(std::string_view in, PersonOp& m, std::string& problem);

}  // namespace ehb::wire
