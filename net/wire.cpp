#include "net/wire.hpp"

#include <xxhash.h>

#include <cstring>
#include <limits>
#include <stdexcept>

namespace ehb::wire {
namespace {

constexpr uint32_t kMaxCount = 1'000'000;
// The smallest encodings of a counted element: a count the remaining bytes
// could not hold is refused before anything is reserved for it.
constexpr std::size_t kMinBlob = 4;
constexpr std::size_t kMinIssue = 3 * 2;
constexpr std::size_t kMinResult = 1 + 1 + 8 + kMinIssue + 2;

template <class T>
void store_le(uint8_t* p, T v) {
    for (std::size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

template <class T>
T load_le(const uint8_t* p) {
    T v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>(v | static_cast<T>(p[i]) << (8 * i));
    return v;
}

template <class T>
void put(std::string& out, T v) {
    uint8_t b[sizeof(T)];
    store_le(b, v);
    out.append(reinterpret_cast<const char*>(b), sizeof(T));
}

void put_str(std::string& out, std::string_view s) {
    if (s.size() > std::numeric_limits<uint16_t>::max()) {
        throw std::length_error("wire: a str field holds at most 65535 bytes, not " + std::to_string(s.size()));
    }
    put(out, static_cast<uint16_t>(s.size()));
    out.append(s);
}

void put_blob(std::string& out, std::string_view s) {
    if (s.size() > std::numeric_limits<uint32_t>::max()) throw std::length_error("wire: blob over 4 GiB");
    put(out, static_cast<uint32_t>(s.size()));
    out.append(s);
}

void put_issue(std::string& out, const Issue& issue) {
    put_str(out, issue.code);
    put_str(out, issue.field);
    put_str(out, issue.reason);
}

// Bounds-checked reading of a payload: every read fails once the bytes run out.
class Reader {
public:
    explicit Reader(std::string_view in) : p_(reinterpret_cast<const uint8_t*>(in.data())), left_(in.size()) {}

    template <class T>
    bool get(T& v) {
        if (left_ < sizeof(T)) return false;
        v = load_le<T>(p_);
        skip(sizeof(T));
        return true;
    }
    bool str(std::string& s) {
        uint16_t n;
        if (!get(n) || left_ < n) return false;
        s.assign(reinterpret_cast<const char*>(p_), n);
        skip(n);
        return true;
    }
    bool str_view(std::string_view& s) {
        uint16_t n;
        if (!get(n) || left_ < n) return false;
        s = std::string_view(reinterpret_cast<const char*>(p_), n);
        skip(n);
        return true;
    }
    bool blob(std::string_view& s) {
        uint32_t n;
        if (!get(n) || left_ < n) return false;
        s = std::string_view(reinterpret_cast<const char*>(p_), n);
        skip(n);
        return true;
    }
    bool issue(Issue& issue) { return str(issue.code) && str(issue.field) && str(issue.reason); }
    // Whether `count` elements of at least `min_size` bytes each could fit in what is left.
    bool fits(std::size_t count, std::size_t min_size) const { return count <= left_ / min_size; }
    bool done() const { return left_ == 0; }

private:
    void skip(std::size_t n) {
        p_ += n;
        left_ -= n;
    }
    const uint8_t* p_;
    std::size_t left_;
};

void put_push(std::string& out, uint32_t stream, uint64_t batch_seq, std::span<const std::string_view> documents,
              std::span<const DocumentSignature> signatures) {
    if (documents.size() > std::numeric_limits<uint32_t>::max()) throw std::length_error("wire: too many documents");
    if (!signatures.empty() && signatures.size() != documents.size())
        throw std::invalid_argument("wire: a signed PUSH has one signature per document");
    put(out, stream);
    put(out, batch_seq);
    put(out, static_cast<uint8_t>(signatures.empty() ? 1 : 2));
    put(out, static_cast<uint32_t>(documents.size()));
    for (std::size_t i = 0; i < documents.size(); ++i) {
        put_blob(out, documents[i]);
        if (signatures.empty()) continue;
        put_str(out, signatures[i].key_id);
        put_blob(out, signatures[i].signature);
    }
}

}  // namespace

std::string_view error_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::bad_frame: return "BAD_FRAME";
        case ErrorCode::bad_checksum: return "BAD_CHECKSUM";
        case ErrorCode::too_large: return "TOO_LARGE";
        case ErrorCode::unknown_type: return "UNKNOWN_TYPE";
        case ErrorCode::bad_payload: return "BAD_PAYLOAD";
        case ErrorCode::not_authenticated: return "NOT_AUTHENTICATED";
        case ErrorCode::auth_failed: return "AUTH_FAILED";
        case ErrorCode::forbidden: return "FORBIDDEN";
        case ErrorCode::version: return "VERSION";
        case ErrorCode::batch_order: return "BATCH_ORDER";
        case ErrorCode::batch_mismatch: return "BATCH_MISMATCH";
        case ErrorCode::bad_id: return "BAD_ID";
        case ErrorCode::timeout: return "TIMEOUT";
        case ErrorCode::busy: return "BUSY";
        case ErrorCode::shutting_down: return "SHUTTING_DOWN";
        case ErrorCode::internal: return "INTERNAL";
        case ErrorCode::protocol: return "PROTOCOL";
        case ErrorCode::person_op_failed: return "PERSON_OP_FAILED";
        case ErrorCode::unavailable: return "UNAVAILABLE";
    }
    return "UNKNOWN";
}

bool is_fatal(ErrorCode code) {
    switch (code) {
        case ErrorCode::bad_checksum:
        case ErrorCode::unknown_type:
        case ErrorCode::bad_payload:
        case ErrorCode::not_authenticated:
        case ErrorCode::forbidden:
        case ErrorCode::batch_order:
        case ErrorCode::batch_mismatch:
        case ErrorCode::bad_id:
        case ErrorCode::person_op_failed:
            return false;
        default:
            return true;
    }
}

std::string_view type_name(uint8_t type) {
    switch (static_cast<Type>(type)) {
        case Type::hello: return "HELLO";
        case Type::hello_ok: return "HELLO_OK";
        case Type::auth: return "AUTH";
        case Type::auth_ok: return "AUTH_OK";
        case Type::push: return "PUSH";
        case Type::push_result: return "PUSH_RESULT";
        case Type::get_book: return "GET_BOOK";
        case Type::book: return "BOOK";
        case Type::appointments: return "APPOINTMENTS";
        case Type::appointments_reply: return "APPOINTMENTS_REPLY";
        case Type::ping: return "PING";
        case Type::pong: return "PONG";
        case Type::bye: return "BYE";
        case Type::stats: return "STATS";
        case Type::stats_reply: return "STATS_REPLY";
        case Type::person_op: return "PERSON_OP";
        case Type::person_reply: return "PERSON_REPLY";
        case Type::subscribe: return "SUBSCRIBE";
        case Type::feed: return "FEED";
        case Type::feed_ack: return "FEED_ACK";
        case Type::error: return "ERROR";
    }
    return "UNKNOWN";
}

uint64_t checksum(std::string_view payload) { return XXH3_64bits(payload.data(), payload.size()); }

Header header_for(Type type, uint32_t request_id, std::string_view payload) {
    if (payload.size() > std::numeric_limits<uint32_t>::max()) throw std::length_error("wire: payload over 4 GiB");
    Header h;
    h.type = static_cast<uint8_t>(type);
    h.request_id = request_id;
    h.length = static_cast<uint32_t>(payload.size());
    h.checksum = checksum(payload);
    return h;
}

void encode_header(const Header& h, uint8_t out[kHeaderSize]) {
    std::memcpy(out, kMagic, sizeof kMagic);
    out[4] = h.version;
    out[5] = h.type;
    store_le(out + 6, h.flags);
    store_le(out + 8, h.request_id);
    store_le(out + 12, h.length);
    store_le(out + 16, h.checksum);
}

bool decode_header(const uint8_t in[kHeaderSize], Header& h) {
    if (std::memcmp(in, kMagic, sizeof kMagic) != 0) return false;
    h.version = in[4];
    h.type = in[5];
    h.flags = load_le<uint16_t>(in + 6);
    h.request_id = load_le<uint32_t>(in + 8);
    h.length = load_le<uint32_t>(in + 12);
    h.checksum = load_le<uint64_t>(in + 16);
    return true;
}

void append_frame(std::string& out, Type type, uint32_t request_id, std::string_view payload) {
    uint8_t header[kHeaderSize];
    encode_header(header_for(type, request_id, payload), header);
    out.reserve(out.size() + kHeaderSize + payload.size());
    out.append(reinterpret_cast<const char*>(header), kHeaderSize);
    out.append(payload);
}

void encode(std::string& out, const Hello& m) {
    put(out, m.min_version);
    put(out, m.max_version);
    put_str(out, m.client_name);
}

void encode(std::string& out, const HelloOk& m) {
    put(out, m.version);
    put(out, m.max_frame);
    put(out, m.max_records);
    put(out, m.max_in_flight);
    put_str(out, m.server_name);
}

void encode(std::string& out, const Auth& m) {
    put_str(out, m.principal);
    put_str(out, m.credential);
}

void encode(std::string& out, const AuthOk& m) {
    put(out, static_cast<uint8_t>(m.role));
    put_str(out, m.facility);
}

void encode(std::string& out, const Push& m) {
    if ((m.format == 2) == m.signatures.empty())
        throw std::invalid_argument("wire: a PUSH's format and signatures disagree");
    put_push(out, m.stream, m.batch_seq, m.documents, m.signatures);
}

void encode_push(std::string& out, uint32_t stream, uint64_t batch_seq, std::span<const std::string_view> documents,
                 std::span<const DocumentSignature> signatures) {
    put_push(out, stream, batch_seq, documents, signatures);
}

void encode(std::string& out, const PushResult& m) {
    encode_push_result(out, m.stream, m.batch_seq, m.replayed, m.results);
}

void encode_push_result(std::string& out, uint32_t stream, uint64_t batch_seq, bool replayed,
                        std::span<const RecordResult> results) {
    if (results.size() > std::numeric_limits<uint32_t>::max()) throw std::length_error("wire: too many results");
    put(out, stream);
    put(out, batch_seq);
    put(out, static_cast<uint8_t>(replayed));
    put(out, static_cast<uint32_t>(results.size()));
    for (const RecordResult& r : results) {
        if (r.warnings.size() > std::numeric_limits<uint16_t>::max()) {
            throw std::length_error("wire: over 65535 warnings");
        }
        put(out, static_cast<uint8_t>(r.status));
        put(out, static_cast<uint8_t>(r.flagged));
        put(out, r.seq);
        put_issue(out, r.error);
        put(out, static_cast<uint16_t>(r.warnings.size()));
        for (const Issue& w : r.warnings) put_issue(out, w);
    }
}

void encode(std::string& out, const GetBook& m) {
    const bool purpose = !m.purpose.empty();
    put(out, static_cast<uint8_t>(uint8_t(m.history) | uint8_t(m.fhir) << 1 | uint8_t(purpose) << 2));
    put_str(out, m.id);
    if (purpose) put_str(out, m.purpose);
}

void encode(std::string& out, const Appointments& m) {
    put(out, m.from);
    put(out, m.to);
    put_str(out, m.province);
}

void encode(std::string& out, const Subscribe& m) {
    put(out, m.from);
    put(out, static_cast<uint8_t>(uint8_t(m.follow) | uint8_t(m.records) << 1));
    put(out, m.types);
    put(out, m.kinds);
    put(out, m.residence_province);
    put(out, m.facility_province);
    put(out, m.window);
    put_str(out, m.name);
}

void encode(std::string& out, const Feed& m) {
    if (m.events.size() > kMaxCount) throw std::length_error("wire: too many feed events");
    put(out, m.next);
    put(out, m.head);
    put(out, static_cast<uint8_t>(m.end));
    put(out, static_cast<uint32_t>(m.events.size()));
    for (const FeedEvent& e : m.events) {
        put(out, e.seq);
        put_blob(out, e.json);
    }
}

void encode(std::string& out, const FeedAck& m) { put(out, m.next); }

void encode(std::string& out, const Error& m) {
    put(out, static_cast<uint16_t>(m.code));
    put_str(out, m.message);
}

bool decode(std::string_view in, Hello& m) {
    Reader r(in);
    return r.get(m.min_version) && r.get(m.max_version) && r.str(m.client_name) && r.done();
}

bool decode(std::string_view in, HelloOk& m) {
    Reader r(in);
    return r.get(m.version) && r.get(m.max_frame) && r.get(m.max_records) && r.get(m.max_in_flight) &&
           r.str(m.server_name) && r.done();
}

bool decode(std::string_view in, Auth& m) {
    Reader r(in);
    return r.str(m.principal) && r.str(m.credential) && r.done();
}

bool decode(std::string_view in, AuthOk& m) {
    Reader r(in);
    uint8_t role;
    if (!r.get(role) || role < static_cast<uint8_t>(Role::facility) || role > static_cast<uint8_t>(Role::province)) {
        return false;
    }
    m.role = static_cast<Role>(role);
    return r.str(m.facility) && r.done();
}

bool decode(std::string_view in, Push& m) {
    Reader r(in);
    uint32_t count;
    if (!r.get(m.stream) || !r.get(m.batch_seq) || !r.get(m.format) || m.format < 1 || m.format > 2 || !r.get(count))
        return false;
    const bool signed_documents = m.format == 2;
    if (count == 0 || count > kMaxCount || !r.fits(count, signed_documents ? kMinBlob + 2 + 4 : kMinBlob)) return false;
    m.documents.resize(count);
    m.signatures.resize(signed_documents ? count : 0);
    for (std::size_t i = 0; i < count; ++i) {
        if (!r.blob(m.documents[i])) return false;
        if (signed_documents && !(r.str_view(m.signatures[i].key_id) && r.blob(m.signatures[i].signature)))
            return false;
    }
    return r.done();
}

bool decode(std::string_view in, PushResult& m) {
    Reader r(in);
    uint8_t replayed;
    uint32_t count;
    if (!r.get(m.stream) || !r.get(m.batch_seq) || !r.get(replayed) || replayed > 1 || !r.get(count)) return false;
    if (count == 0 || count > kMaxCount || !r.fits(count, kMinResult)) return false;
    m.replayed = replayed == 1;
    m.results.resize(count);
    for (RecordResult& res : m.results) {
        uint8_t status, flags;
        uint16_t warnings;
        if (!r.get(status) || status < static_cast<uint8_t>(Status::accepted) ||
            status > static_cast<uint8_t>(Status::rejected) || !r.get(flags) || (flags & ~1u) != 0) {
            return false;
        }
        res.status = static_cast<Status>(status);
        res.flagged = flags == 1;
        if (!r.get(res.seq) || !r.issue(res.error) || !r.get(warnings) || !r.fits(warnings, kMinIssue)) return false;
        res.warnings.resize(warnings);
        for (Issue& w : res.warnings) {
            if (!r.issue(w)) return false;
        }
    }
    return r.done();
}

bool decode(std::string_view in, GetBook& m) {
    Reader r(in);
    uint8_t options;
    if (!r.get(options) || (options & ~7u) != 0) return false;
    m.history = options & 1;
    m.fhir = options & 2;
    m.purpose.clear();
    // A purpose is flagged only when present, so each message has one encoding.
    if (!r.str(m.id) || ((options & 4) && (!r.str(m.purpose) || m.purpose.empty()))) return false;
    return r.done();
}

bool decode(std::string_view in, Appointments& m) {
    Reader r(in);
    return r.get(m.from) && r.get(m.to) && r.str(m.province) && r.done();
}

bool decode(std::string_view in, Subscribe& m) {
    Reader r(in);
    uint8_t flags;
    if (!r.get(m.from) || !r.get(flags) || (flags & ~3u) != 0) return false;
    m.follow = flags & 1;
    m.records = flags & 2;
    return r.get(m.types) && m.types <= 7 && r.get(m.kinds) && m.kinds <= 7 && r.get(m.residence_province) &&
           r.get(m.facility_province) &&
           r.get(m.window) && r.str(m.name) && r.done();
}

bool decode(std::string_view in, Feed& m) {
    Reader r(in);
    uint8_t end;
    uint32_t count;
    if (!r.get(m.next) || !r.get(m.head) || !r.get(end) || end > 1 || !r.get(count)) return false;
    m.end = end;
    if (count > kMaxCount || !r.fits(count, 8 + kMinBlob)) return false;
    m.events.resize(count);
    for (FeedEvent& e : m.events) {
        if (!r.get(e.seq) || !r.blob(e.json)) return false;
    }
    return r.done();
}

bool decode(std::string_view in, FeedAck& m) {
    Reader r(in);
    return r.get(m.next) && r.done();
}

bool decode(std::string_view in, Error& m) {
    Reader r(in);
    uint16_t code;
    if (!r.get(code)) return false;
    m.code = static_cast<ErrorCode>(code);
    return r.str(m.message) && r.done();
}

std::string_view push_body(std::string_view push_payload) {
    constexpr std::size_t kBodyOffset = 4 + 8;  // after stream and batch_seq
    return push_payload.size() < kBodyOffset ? std::string_view() : push_payload.substr(kBodyOffset);
}

}  // namespace ehb::wire
