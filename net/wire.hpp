// The push protocol's bytes (docs/protocol.md): frame headers and the payload
// of every frame type. Pure functions over buffers, shared by ehbd and the
// clients; no I/O here.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ingest.hpp"
#include "engine/principals.hpp"

namespace ehb::wire {

inline constexpr uint8_t kMagic[4] = {0x45, 0x48, 0x42, 0x50};  // "EHBP"
inline constexpr uint8_t kFrameVersion = 1;
inline constexpr uint16_t kProtocolVersion = 1;
inline constexpr std::size_t kHeaderSize = 24;
inline constexpr uint32_t kMaxFrame = 16u << 20;

enum class Type : uint8_t {
    hello = 0x01,
    hello_ok = 0x02,
    auth = 0x03,
    auth_ok = 0x04,
    push = 0x10,
    push_result = 0x11,
    get_book = 0x20,
    book = 0x21,
    appointments = 0x22,
    appointments_reply = 0x23,
    ping = 0x30,
    pong = 0x31,
    bye = 0x40,
    stats = 0x50,
    stats_reply = 0x51,
    person_op = 0x60,
    person_reply = 0x61,
    subscribe = 0x70,
    feed = 0x71,
    feed_ack = 0x72,
    error = 0x7F,
};

enum class ErrorCode : uint16_t {
    bad_frame = 1,
    bad_checksum = 2,
    too_large = 3,
    unknown_type = 4,
    bad_payload = 5,
    not_authenticated = 6,
    auth_failed = 7,
    forbidden = 8,
    version = 9,
    batch_order = 10,
    batch_mismatch = 11,
    bad_id = 12,
    timeout = 13,
    busy = 14,
    shutting_down = 15,
    internal = 16,
    protocol = 17,
    person_op_failed = 18,
    unavailable = 19,  // the server cannot store anything now (its disk is full); nothing of the request was stored
};
// The protocol's names ("BAD_CHECKSUM"); "UNKNOWN" for a code it does not define.
std::string_view error_name(ErrorCode code);
// Whether the server closes the connection after sending it (an unknown code counts as fatal).
bool is_fatal(ErrorCode code);
// "PUSH_RESULT", or "UNKNOWN" for a type the protocol does not define.
std::string_view type_name(uint8_t type);

using ehb::Role;  // its numbers are the protocol's (AUTH_OK)

struct Header {
    uint8_t version = kFrameVersion;
    uint8_t type = 0;  // a Type, or an unknown value as received
    uint16_t flags = 0;
    uint32_t request_id = 0;
    uint32_t length = 0;
    uint64_t checksum = 0;
};

// The header of `payload`, with its length and checksum filled in.
Header header_for(Type type, uint32_t request_id, std::string_view payload);
void encode_header(const Header& h, uint8_t out[kHeaderSize]);
// False when the magic is wrong (the stream cannot be followed).
bool decode_header(const uint8_t in[kHeaderSize], Header& h);
uint64_t checksum(std::string_view payload);

// Appends a whole frame (header + payload) to `out`.
void append_frame(std::string& out, Type type, uint32_t request_id, std::string_view payload);

struct Hello {
    uint16_t min_version = kProtocolVersion;
    uint16_t max_version = kProtocolVersion;
    std::string client_name;
};
struct HelloOk {
    uint16_t version = kProtocolVersion;
    uint32_t max_frame = kMaxFrame;
    uint32_t max_records = 10000;
    uint16_t max_in_flight = 8;
    std::string server_name;
};
struct Auth {
    std::string principal;
    std::string credential;
};
struct AuthOk {
    Role role = Role::reader;
    std::string facility;
};
// A document's detached signature (format 2): the registered key that made
// it and the signature of the document's bytes (engine/signatures.hpp).
struct DocumentSignature {
    std::string_view key_id;
    std::string_view signature;
};
// A PUSH's documents are views into the payload it was decoded from.
struct Push {
    uint32_t stream = 0;
    uint64_t batch_seq = 0;
    uint8_t format = 1;  // 1: documents; 2: documents, each with its detached signature
    std::vector<std::string_view> documents;
    std::vector<DocumentSignature> signatures;  // format 2: one per document; format 1: empty
};
struct PushResult {
    uint32_t stream = 0;
    uint64_t batch_seq = 0;
    bool replayed = false;
    std::vector<RecordResult> results;
};
struct GetBook {
    bool history = false;
    std::string id;
    bool fhir = false;    // the book as a FHIR R4 Bundle instead of ehb's JSON
    std::string purpose;  // why it is read, for the access audit (≤ 512 bytes; may be empty)
};
struct Appointments {
    uint32_t from = 0, to = 0;  // days yyyymmdd, both included
    std::string province;       // two digits, or empty for every province
};
// The change feed (docs/feed.md): SUBSCRIBE from a position, FEED chunks
// back under the SUBSCRIBE's request id, FEED_ACK for flow control.
struct Subscribe {
    uint64_t from = 1;              // the first sequence number wanted (0 counts as 1)
    bool follow = false;            // stay subscribed and receive changes as they commit
    bool records = false;           // episode changes carry their canonical record
    uint8_t types = 0;              // FeedTypeBits (engine/feed.hpp); 0: every type
    uint8_t kinds = 0;              // FeedKindBits: episode, checkin, vaccination records; 0: every kind
    uint8_t residence_province = 0; // as a number (79 for "79"); 0: any
    uint8_t facility_province = 0;
    uint32_t window = 1000;         // changes the server may send before an acknowledgement
    std::string name;               // the consumer's name, for operators (may be empty)
};
struct FeedEvent {
    uint64_t seq = 0;
    std::string_view json;  // a view into the payload it was decoded from
};
struct Feed {
    uint64_t next = 0;   // where the consumer resumes after this chunk
    uint64_t head = 0;   // the last durable sequence number when it was read
    bool end = false;    // not following: everything up to the head at SUBSCRIBE was sent
    std::vector<FeedEvent> events;
};
struct FeedAck {
    uint64_t next = 0;  // the consumer holds every change before it
};
struct Error {
    ErrorCode code = ErrorCode::internal;
    std::string message;
};

// Payload encoders append to `out`; they throw std::length_error for a `str`
// over 65,535 bytes.
void encode(std::string& out, const Hello& m);
void encode(std::string& out, const HelloOk& m);
void encode(std::string& out, const Auth& m);
void encode(std::string& out, const AuthOk& m);
void encode(std::string& out, const Push& m);
void encode(std::string& out, const PushResult& m);
void encode(std::string& out, const GetBook& m);
void encode(std::string& out, const Appointments& m);
void encode(std::string& out, const Subscribe& m);
void encode(std::string& out, const Feed& m);
void encode(std::string& out, const FeedAck& m);
void encode(std::string& out, const Error& m);
// A PUSH straight from the caller's documents: format 1, or format 2 when
// `signatures` holds one per document.
void encode_push(std::string& out, uint32_t stream, uint64_t batch_seq, std::span<const std::string_view> documents,
                 std::span<const DocumentSignature> signatures = {});
// The same for a PUSH_RESULT: ehbd encodes the writer's results in place.
void encode_push_result(std::string& out, uint32_t stream, uint64_t batch_seq, bool replayed,
                        std::span<const RecordResult> results);

// Payload decoders: false when the payload does not have the type's layout
// (short, trailing bytes, a count out of range, an unknown format, role,
// status or flag bit); `m` is then unspecified. What decodes re-encodes to
// the same bytes. Decoding into the same object again reuses its capacity.
bool decode(std::string_view in, Hello& m);
bool decode(std::string_view in, HelloOk& m);
bool decode(std::string_view in, Auth& m);
bool decode(std::string_view in, AuthOk& m);
bool decode(std::string_view in, Push& m);
bool decode(std::string_view in, PushResult& m);
bool decode(std::string_view in, GetBook& m);
bool decode(std::string_view in, Appointments& m);
bool decode(std::string_view in, Subscribe& m);
bool decode(std::string_view in, Feed& m);  // events are views into `in`
bool decode(std::string_view in, FeedAck& m);
bool decode(std::string_view in, Error& m);

// The bytes of a PUSH payload after batch_seq (format, count, documents): what
// a retried batch must repeat exactly.
std::string_view push_body(std::string_view push_payload);

}  // namespace ehb::wire
