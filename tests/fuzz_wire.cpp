// libFuzzer target: any bytes as a frame header and as the payload of every
// message type (what ehbd and the clients read from the network). Decoding
// must stay in bounds, and whatever decodes must re-encode to the same bytes
// (the layouts have exactly one encoding). A PERSON_OP payload is JSON, whose
// spellings are many: what decodes re-encodes to one that decodes the same.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "net/person_op.hpp"
#include "net/wire.hpp"

namespace {

template <class Message>
void check(std::string_view input) {
    static Message reused;  // decoding into a used object must give the same answer as into a fresh one
    Message fresh;
    bool ok = ehb::wire::decode(input, fresh);
    if (ehb::wire::decode(input, reused) != ok) std::abort();
    if (!ok) return;
    std::string out;
    ehb::wire::encode(out, fresh);
    if (out != input) std::abort();
    out.clear();
    ehb::wire::encode(out, reused);
    if (out != input) std::abort();
}

void check_person_op(std::string_view input) {
    ehb::wire::PersonOp op, again;
    std::string problem;
    if (!ehb::wire::decode(input, op, problem)) {
        if (problem.empty()) std::abort();  // a refusal always says why
        return;
    }
    std::string out, out_again;
    ehb::wire::encode(out, op);
    if (!ehb::wire::decode(out, again, problem)) std::abort();
    ehb::wire::encode(out_again, again);
    if (out_again != out) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    check<ehb::wire::Hello>(input);
    check<ehb::wire::HelloOk>(input);
    check<ehb::wire::Auth>(input);
    check<ehb::wire::AuthOk>(input);
    check<ehb::wire::Push>(input);
    check<ehb::wire::PushResult>(input);
    check<ehb::wire::GetBook>(input);
    check<ehb::wire::Error>(input);
    check<ehb::wire::Subscribe>(input);
    check<ehb::wire::Feed>(input);
    check<ehb::wire::FeedAck>(input);
    check_person_op(input);
    std::string_view body = ehb::wire::push_body(input);
    if (size >= 12 ? body.data() != input.data() + 12 || body.size() != size - 12 : !body.empty()) std::abort();

    if (size >= ehb::wire::kHeaderSize) {
        // A copy of exactly the header's bytes, so reading past them is caught.
        std::vector<uint8_t> copy(data, data + ehb::wire::kHeaderSize);
        const uint8_t* raw = copy.data();
        ehb::wire::Header h;
        if (ehb::wire::decode_header(raw, h)) {
            uint8_t again[ehb::wire::kHeaderSize];
            ehb::wire::encode_header(h, again);
            if (std::memcmp(again, raw, ehb::wire::kHeaderSize) != 0) std::abort();
        } else if (std::memcmp(raw, ehb::wire::kMagic, 4) == 0) {
            std::abort();
        }
    }
    return 0;
}
