#include "net/person_op.hpp"

#include <simdjson.h>

#include "engine/canonical.hpp"

namespace ehb::wire {
namespace {

// The members besides "op", as bits.
enum Member : uint16_t {
    kId = 1 << 0,
    kInto = 1 << 1,
    kFrom = 1 << 2,
    kFacility = 1 << 3,
    kMaLk = 1 << 4,
    kReview = 1 << 5,
    kDecision = 1 << 6,
    kMerge = 1 << 7,
    kLimit = 1 << 8,
    kWhy = 1 << 9,
};

struct MemberName {
    Member bit;
    std::string_view name;
};
constexpr MemberName kMembers[] = {
    {kId, "id"},         {kInto, "into"},       {kFrom, "from"},   {kFacility, "facility"}, {kMaLk, "ma_lk"},
    {kReview, "review"}, {kDecision, "decision"}, {kMerge, "merge"}, {kLimit, "limit"},       {kWhy, "why"},
};

// What each op takes: the members it needs and those it may have; in PersonOpKind's order.
struct OpSpec {
    PersonOpKind kind;
    std::string_view name;
    uint16_t required, optional;
};
constexpr OpSpec kOps[] = {
    {PersonOpKind::person, "person", kId, 0},
    {PersonOpKind::audit, "audit", kId, 0},
    {PersonOpKind::reviews, "reviews", 0, kLimit},
    {PersonOpKind::decide, "decide", kReview | kDecision, kWhy},
    {PersonOpKind::merge, "merge", kInto | kFrom, kWhy},
    {PersonOpKind::unmerge, "unmerge", kMerge, kWhy},
    {PersonOpKind::unlink, "unlink", kFacility | kMaLk, kWhy},
    {PersonOpKind::relink, "relink", kFacility | kMaLk | kId, kWhy},
};

const OpSpec& spec_of(PersonOpKind kind) { return kOps[static_cast<std::size_t>(kind)]; }

std::string_view name_of(uint16_t bits) {
    for (const MemberName& m : kMembers) {
        if (bits & m.bit) return m.name;
    }
    return {};
}

// Reads one member's value into `m`; false when it has the wrong type or is empty or zero.
bool read_member(Member bit, simdjson::dom::element value, PersonOp& m) {
    std::string_view s;
    uint64_t n = 0;
    switch (bit) {
        case kReview:
        case kMerge:
        case kLimit:
            if (value.get_uint64().get(n) != simdjson::SUCCESS || n == 0) return false;
            (bit == kReview ? m.review : bit == kMerge ? m.merge : m.limit) = n;
            return true;
        case kDecision:
            if (value.get_string().get(s) != simdjson::SUCCESS || (s != "link" && s != "nolink")) return false;
            m.link = s == "link";
            return true;
        case kWhy:
            if (value.get_string().get(s) != simdjson::SUCCESS) return false;
            m.why = s;
            return true;
        default:
            if (value.get_string().get(s) != simdjson::SUCCESS || s.empty()) return false;
            (bit == kId ? m.id : bit == kInto ? m.into : bit == kFrom ? m.from : bit == kFacility ? m.facility : m.ma_lk) =
                s;
            return true;
    }
}

const char* expected_value(Member bit) {
    switch (bit) {
        case kReview:
        case kMerge:
        case kLimit: return "a positive integer";
        case kDecision: return "\"link\" or \"nolink\"";
        case kWhy: return "a string";
        default: return "a non-empty string";
    }
}

}  // namespace

std::string_view op_name(PersonOpKind kind) { return spec_of(kind).name; }

bool writes(PersonOpKind kind) {
    return kind != PersonOpKind::person && kind != PersonOpKind::audit && kind != PersonOpKind::reviews;
}

void encode(std::string& out, const PersonOp& m) {
    const OpSpec& spec = spec_of(m.kind);
    const uint16_t takes = spec.required | spec.optional;
    out += "{\"op\":";
    append_canonical_string(out, spec.name);
    if (takes & kId) append_json_member(out, "id", m.id);
    if (takes & kInto) append_json_member(out, "into", m.into);
    if (takes & kFrom) append_json_member(out, "from", m.from);
    if (takes & kFacility) append_json_member(out, "facility", m.facility);
    if (takes & kMaLk) append_json_member(out, "ma_lk", m.ma_lk);
    if (takes & kReview) append_json_number(out, "review", m.review);
    if (takes & kDecision) append_json_member(out, "decision", m.link ? "link" : "nolink");
    if (takes & kMerge) append_json_number(out, "merge", m.merge);
    if (takes & kLimit) append_json_number(out, "limit", m.limit);
    if ((takes & kWhy) && !m.why.empty()) append_json_member(out, "why", m.why);
    out += '}';
}

bool decode(std::string_view in, PersonOp& m, std::string& problem) {
    // One parser per thread: its buffers are reused from one request to the next.
    thread_local simdjson::dom::parser parser;
    m = PersonOp{};
    simdjson::dom::object object;
    if (parser.parse(in.data(), in.size()).get_object().get(object) != simdjson::SUCCESS) {
        problem = "PERSON_OP payload is not a JSON object";
        return false;
    }
    std::string_view op;
    bool has_op = false;
    uint16_t seen = 0;
    for (simdjson::dom::key_value_pair kv : object) {
        if (kv.key == "op") {
            if (has_op || kv.value.get_string().get(op) != simdjson::SUCCESS) {
                problem = "PERSON_OP needs one \"op\", a string";
                return false;
            }
            has_op = true;
            continue;
        }
        const MemberName* known = nullptr;
        for (const MemberName& candidate : kMembers) {
            if (candidate.name == kv.key) known = &candidate;
        }
        if (!known) {
            problem = "PERSON_OP has an unknown member \"";
            problem.append(kv.key).append("\"");
            return false;
        }
        if ((seen & known->bit) || !read_member(known->bit, kv.value, m)) {
            problem = "PERSON_OP member \"";
            problem.append(known->name).append("\" must appear once, as ").append(expected_value(known->bit));
            return false;
        }
        seen |= known->bit;
    }
    const OpSpec* spec = nullptr;
    for (const OpSpec& candidate : kOps) {
        if (has_op && candidate.name == op) spec = &candidate;
    }
    if (!spec) {
        problem = "PERSON_OP \"op\" must be one of person, audit, reviews, decide, merge, unmerge, unlink, relink";
        return false;
    }
    m.kind = spec->kind;
    if (uint16_t missing = spec->required & ~seen) {
        problem = "op ";
        problem.append(spec->name).append(" needs \"").append(name_of(missing)).append("\"");
        return false;
    }
    if (uint16_t extra = seen & ~(spec->required | spec->optional)) {
        problem = "op ";
        problem.append(spec->name).append(" takes no \"").append(name_of(extra)).append("\"");
        return false;
    }
    return true;
}

}  // namespace ehb::wire
