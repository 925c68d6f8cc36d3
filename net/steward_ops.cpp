#include "net/steward_ops.hpp"

#include <stdexcept>
#include <string_view>

#include "storage/schema.hpp"

namespace ehb::net {
namespace {

using wire::PersonOpKind;

uint64_t find(const StoreReader& r, const std::string& id) {
    const uint64_t p = person::person_of(r, id);
    if (p == 0) throw person::StewardError("no person for " + id);
    return p;
}

std::string episode_key(const wire::PersonOp& op) {
    std::string key;
    schema::episode_key(op.facility, op.ma_lk, key);
    return key;
}

}  // namespace

std::string read_person_op(person::Steward& steward, const StoreReader& r, const wire::PersonOp& op) {
    switch (op.kind) {
        case PersonOpKind::person: return steward.person_json(r, find(r, op.id));
        case PersonOpKind::audit: return steward.audit_json(r, find(r, op.id));
        case PersonOpKind::reviews: return steward.reviews_json(r, op.limit);
        default: throw std::logic_error("read_person_op: " + std::string(wire::op_name(op.kind)) + " writes");
    }
}

std::string write_person_op(person::Steward& steward, StoreWriter& w, const wire::PersonOp& op,
                            const person::Actor& who) {
    switch (op.kind) {
        case PersonOpKind::decide: steward.decide(w, op.review, op.link, who); return {};
        case PersonOpKind::merge: {
            const uint64_t into = find(w, op.into), from = find(w, op.from);
            std::string out = "{\"merge\":";
            out += std::to_string(steward.merge(w, into, from, who));
            out += '}';
            return out;
        }
        case PersonOpKind::unmerge: steward.unmerge(w, op.merge, who); return {};
        case PersonOpKind::unlink: {
            std::string out = "{\"person\":\"";
            out += std::to_string(steward.unlink(w, episode_key(op), who));
            out += "\"}";
            return out;
        }
        case PersonOpKind::relink: steward.link(w, episode_key(op), find(w, op.id), who); return {};
        default: throw std::logic_error("write_person_op: " + std::string(wire::op_name(op.kind)) + " only reads");
    }
}

}  // namespace ehb::net
