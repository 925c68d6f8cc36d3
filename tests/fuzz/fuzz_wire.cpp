// fuzz_wire: any bytes as a frame (what ehbd and the clients read from the
// network, net/wire.* and net/person_op.*): a 24-byte header, then the
// payload. The header decodes exactly when the magic is right, and re-encodes
// to its own bytes; a frame built around the payload carries its length and
// checksum. The payload goes to the decoder of the header's type, or to every
// decoder when there is no header (the bytes after the first 24, or all of
// fewer) or it names no type with a payload. Decoding stays in bounds, decoding into
// a used object gives the same answer as into a fresh one, and whatever
// decodes re-encodes to the same bytes (the layouts have one encoding). A
// PERSON_OP payload is JSON, whose spellings are many: what decodes
// re-encodes to one that decodes the same; a refusal says why.
#include <cstring>
#include <string>
#include <vector>

#include "net/person_op.hpp"
#include "net/wire.hpp"
#include "tests/fuzz/harness.hpp"

namespace {

using namespace ehb::wire;
using ehb::fuzz::require;

template <class Message>
void check(std::string_view payload) {
    static Message reused;
    Message fresh;
    const bool ok = decode(payload, fresh);
    require(decode(payload, reused) == ok, "a used message decodes as a fresh one");
    if (!ok) return;
    std::string out;
    encode(out, fresh);
    require(out == payload, "a decoded payload re-encodes to its bytes");
    out.clear();
    encode(out, reused);
    require(out == payload, "a payload decoded into a used message re-encodes to its bytes");
}

void check_person_op(std::string_view payload) {
    PersonOp op, again;
    std::string problem;
    if (!decode(payload, op, problem)) {
        require(!problem.empty(), "a refused PERSON_OP says why");
        return;
    }
    std::string out, out_again;
    encode(out, op);
    require(decode(out, again, problem), "a PERSON_OP re-encoded decodes");
    encode(out_again, again);
    require(out_again == out, "a PERSON_OP re-encoded decodes to the same operation");
}

// What a retried batch must repeat: everything after stream and batch_seq.
void check_push_body(std::string_view payload) {
    const std::string_view body = push_body(payload);
    require(payload.size() >= 12 ? body.data() == payload.data() + 12 && body.size() == payload.size() - 12
                                 : body.empty(),
            "a PUSH's body is its bytes after batch_seq");
}

// The decoder of `type`; false when the type has no payload decoder here.
bool check_as(uint8_t type, std::string_view payload) {
    switch (static_cast<Type>(type)) {
        case Type::hello: check<Hello>(payload); return true;
        case Type::hello_ok: check<HelloOk>(payload); return true;
        case Type::auth: check<Auth>(payload); return true;
        case Type::auth_ok: check<AuthOk>(payload); return true;
        case Type::push:
            check<Push>(payload);
            check_push_body(payload);
            return true;
        case Type::push_result: check<PushResult>(payload); return true;
        case Type::get_book: check<GetBook>(payload); return true;
        case Type::appointments: check<Appointments>(payload); return true;
        case Type::subscribe: check<Subscribe>(payload); return true;
        case Type::feed: check<Feed>(payload); return true;
        case Type::feed_ack: check<FeedAck>(payload); return true;
        case Type::error: check<Error>(payload); return true;
        case Type::person_op: check_person_op(payload); return true;
        default: return false;
    }
}

}  // namespace

void ehb::fuzz::wire(std::string_view input) {
    Header h;
    bool typed = false;
    std::string_view payload = input;
    if (input.size() >= kHeaderSize) {
        // A copy of exactly the header's bytes, so that reading past them is caught.
        const std::vector<uint8_t> raw(input.begin(), input.begin() + kHeaderSize);
        payload.remove_prefix(kHeaderSize);
        const bool magic = std::memcmp(raw.data(), kMagic, sizeof kMagic) == 0;
        require(decode_header(raw.data(), h) == magic, "a header decodes exactly when its magic is right");
        if (magic) {
            uint8_t again[kHeaderSize];
            encode_header(h, again);
            require(std::memcmp(again, raw.data(), kHeaderSize) == 0, "a header re-encodes to its bytes");
            std::string frame;
            append_frame(frame, static_cast<Type>(h.type), h.request_id, payload);
            Header built;
            require(frame.size() == kHeaderSize + payload.size() &&
                        decode_header(reinterpret_cast<const uint8_t*>(frame.data()), built),
                    "a frame starts with its header");
            require(built.type == h.type && built.request_id == h.request_id && built.length == payload.size() &&
                        built.checksum == checksum(payload) && frame.substr(kHeaderSize) == payload,
                    "a frame's header carries its payload's length and checksum");
            typed = check_as(h.type, payload);
        }
    }
    if (typed) return;
    for (Type type : {Type::hello, Type::hello_ok, Type::auth, Type::auth_ok, Type::push, Type::push_result,
                      Type::get_book, Type::appointments, Type::subscribe, Type::feed, Type::feed_ack, Type::error,
                      Type::person_op})
        check_as(static_cast<uint8_t>(type), payload);
}

EHB_FUZZ_ENTRY(ehb::fuzz::wire)
