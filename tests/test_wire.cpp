// The protocol's bytes (net/wire.hpp) and the blocking client (net/client.hpp)
// against a hand-rolled peer on loopback.
#include <gtest/gtest.h>
#include <poll.h>
#include <xxhash.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "net/client.hpp"
#include "net/person_op.hpp"
#include "net/wire.hpp"
#include "tests/tmpdir.hpp"

namespace {

using namespace ehb;
namespace asio = boost::asio;
using asio::ip::tcp;

template <class M>
std::string encoded(const M& m) {
    std::string out;
    wire::encode(out, m);
    return out;
}

void put_u32(std::string& out, uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

// Every proper prefix and the payload with one more byte are refused; the
// payload itself decodes and re-encodes to the same bytes.
template <class M>
void expect_strict(const std::string& payload) {
    M m;
    ASSERT_TRUE(wire::decode(payload, m));
    EXPECT_EQ(encoded(m), payload);
    for (std::size_t n = 0; n < payload.size(); ++n) {
        M cut;
        EXPECT_FALSE(wire::decode(std::string_view(payload).substr(0, n), cut)) << "prefix of " << n << " bytes";
    }
    M longer;
    EXPECT_FALSE(wire::decode(payload + '\0', longer));
}

wire::PushResult sample_result() {
    wire::PushResult m;
    m.stream = 7;
    m.batch_seq = 0x0102030405060708;
    m.replayed = true;
    m.results.resize(3);
    m.results[0].status = Status::accepted;
    m.results[0].seq = 10;
    m.results[0].flagged = true;
    m.results[0].warnings = {{"W_DATE", "XML1.NGAY_RA", "after today"}, {"W_X", "", ""}};
    m.results[1].error = {"E_JSON", "", "not JSON"};
    m.results[2].status = Status::duplicate;
    m.results[2].seq = 3;
    return m;
}

wire::Push sample_push() {
    wire::Push m;
    m.stream = 7;
    m.batch_seq = 42;
    m.documents = {"{\"a\":1}", "", "doc three"};
    return m;
}

TEST(WireHeader, PingFrameHasTheSpecifiedBytes) {
    std::string frame;
    wire::append_frame(frame, wire::Type::ping, 0x01020304, "hi");
    uint64_t sum = XXH3_64bits("hi", 2);
    std::string expected = {'E', 'H', 'B', 'P', 1, 0x30, 0, 0, 4, 3, 2, 1, 2, 0, 0, 0};
    for (int i = 0; i < 8; ++i) expected.push_back(static_cast<char>(sum >> (8 * i)));
    expected += "hi";
    EXPECT_EQ(frame, expected);

    wire::Header h;
    ASSERT_TRUE(wire::decode_header(reinterpret_cast<const uint8_t*>(frame.data()), h));
    EXPECT_EQ(h.version, 1);
    EXPECT_EQ(h.type, 0x30);
    EXPECT_EQ(h.flags, 0);
    EXPECT_EQ(h.request_id, 0x01020304u);
    EXPECT_EQ(h.length, 2u);
    EXPECT_EQ(h.checksum, sum);
}

TEST(WireHeader, RoundTripsEveryField) {
    wire::Header h{9, 0x7F, 0xBEEF, 0xFFFFFFFF, 0x00ABCDEF, 0x0123456789ABCDEF};
    uint8_t raw[wire::kHeaderSize];
    wire::encode_header(h, raw);
    wire::Header back;
    ASSERT_TRUE(wire::decode_header(raw, back));
    EXPECT_EQ(back.version, 9);
    EXPECT_EQ(back.type, 0x7F);
    EXPECT_EQ(back.flags, 0xBEEF);
    EXPECT_EQ(back.request_id, 0xFFFFFFFFu);
    EXPECT_EQ(back.length, 0x00ABCDEFu);
    EXPECT_EQ(back.checksum, 0x0123456789ABCDEFu);
}

TEST(WireHeader, WrongMagicIsRefused) {
    uint8_t raw[wire::kHeaderSize];
    wire::encode_header(wire::header_for(wire::Type::bye, 1, ""), raw);
    for (int i = 0; i < 4; ++i) {
        uint8_t bad[wire::kHeaderSize];
        std::copy(raw, raw + sizeof raw, bad);
        bad[i] ^= 0x20;
        wire::Header h;
        EXPECT_FALSE(wire::decode_header(bad, h)) << "magic byte " << i;
    }
}

TEST(WireHeader, ChecksumIsXxh3OfThePayload) {
    EXPECT_EQ(wire::checksum(""), XXH3_64bits("", 0));
    EXPECT_EQ(wire::header_for(wire::Type::book, 5, "{}").checksum, XXH3_64bits("{}", 2));
}

TEST(WireNames, ErrorNamesAndFatality) {
    EXPECT_EQ(wire::error_name(wire::ErrorCode::bad_checksum), "BAD_CHECKSUM");
    EXPECT_EQ(wire::error_name(wire::ErrorCode::not_authenticated), "NOT_AUTHENTICATED");
    EXPECT_EQ(wire::error_name(wire::ErrorCode::protocol), "PROTOCOL");
    EXPECT_EQ(wire::error_name(wire::ErrorCode::person_op_failed), "PERSON_OP_FAILED");
    EXPECT_EQ(wire::error_name(static_cast<wire::ErrorCode>(999)), "UNKNOWN");
    const std::set<int> fatal = {1, 3, 7, 9, 13, 14, 15, 16, 17};
    for (int code = 1; code <= 18; ++code) {
        auto c = static_cast<wire::ErrorCode>(code);
        EXPECT_EQ(wire::is_fatal(c), fatal.count(code) == 1) << wire::error_name(c);
        EXPECT_NE(wire::error_name(c), "UNKNOWN");
    }
    EXPECT_EQ(wire::type_name(0x11), "PUSH_RESULT");
    EXPECT_EQ(wire::type_name(0x55), "UNKNOWN");
    EXPECT_EQ(wire::type_name(0x60), "PERSON_OP");
    EXPECT_EQ(wire::type_name(0x61), "PERSON_REPLY");
}

TEST(WireMessages, HelloRoundTrips) {
    wire::Hello m{1, 3, "ehb-test"};
    wire::Hello back;
    ASSERT_TRUE(wire::decode(encoded(m), back));
    EXPECT_EQ(back.min_version, 1);
    EXPECT_EQ(back.max_version, 3);
    EXPECT_EQ(back.client_name, "ehb-test");
    expect_strict<wire::Hello>(encoded(m));
}

TEST(WireMessages, HelloOkRoundTrips) {
    wire::HelloOk m{1, 1u << 20, 500, 4, "ehbd 0.1"};
    wire::HelloOk back;
    ASSERT_TRUE(wire::decode(encoded(m), back));
    EXPECT_EQ(back.version, 1);
    EXPECT_EQ(back.max_frame, 1u << 20);
    EXPECT_EQ(back.max_records, 500u);
    EXPECT_EQ(back.max_in_flight, 4);
    EXPECT_EQ(back.server_name, "ehbd 0.1");
    expect_strict<wire::HelloOk>(encoded(m));
}

TEST(WireMessages, AuthRoundTrips) {
    wire::Auth m{"portal-hn", "s3cret"};
    wire::Auth back;
    ASSERT_TRUE(wire::decode(encoded(m), back));
    EXPECT_EQ(back.principal, "portal-hn");
    EXPECT_EQ(back.credential, "s3cret");
    expect_strict<wire::Auth>(encoded(m));
}

TEST(WireMessages, AuthOkRoundTripsAndRefusesUnknownRoles) {
    wire::AuthOk m{Role::facility, "79001"};
    wire::AuthOk back;
    ASSERT_TRUE(wire::decode(encoded(m), back));
    EXPECT_EQ(back.role, Role::facility);
    EXPECT_EQ(back.facility, "79001");
    expect_strict<wire::AuthOk>(encoded(m));
    for (char role : {0, 7}) EXPECT_FALSE(wire::decode(std::string{role, 0, 0}, back));
    ASSERT_TRUE(wire::decode(std::string{5, 0, 0}, back));
    EXPECT_EQ(back.role, Role::steward);
    ASSERT_TRUE(wire::decode(std::string{6, 0, 0}, back));  // regression: the province role was refused
    EXPECT_EQ(back.role, Role::province);
}

wire::PersonOp decoded_op(std::string_view json) {
    wire::PersonOp m;
    std::string problem;
    EXPECT_TRUE(wire::decode(json, m, problem)) << json << ": " << problem;
    return m;
}

std::string op_problem(std::string_view json) {
    wire::PersonOp m;
    std::string problem;
    EXPECT_FALSE(wire::decode(json, m, problem)) << json;
    return problem;
}

TEST(WireMessages, PersonOpsRoundTripWithExactlyTheirMembers) {
    using K = wire::PersonOpKind;
    wire::PersonOp merge;
    merge.kind = K::merge;
    merge.into = "001090012345";
    merge.from = "P2";
    merge.id = "ignored: merge takes no id";
    merge.why = "one \"person\"\nNguyễn";
    const std::string json = encoded(merge);
    EXPECT_EQ(json, "{\"op\":\"merge\",\"into\":\"001090012345\",\"from\":\"P2\",\"why\":\"one \\\"person\\\"\\nNguyễn\"}");
    wire::PersonOp back = decoded_op(json);
    EXPECT_EQ(back.kind, K::merge);
    EXPECT_EQ(back.into, merge.into);
    EXPECT_EQ(back.from, merge.from);
    EXPECT_EQ(back.why, merge.why);
    EXPECT_TRUE(back.id.empty());

    for (K kind : {K::person, K::audit, K::reviews, K::decide, K::merge, K::unmerge, K::unlink, K::relink}) {
        wire::PersonOp m;
        m.kind = kind;
        m.id = m.into = m.from = "P1";
        m.facility = "01001";
        m.ma_lk = "LK1";
        m.review = 3;
        m.merge = 4;
        m.limit = 5;
        m.why = "because";
        const std::string text = encoded(m);
        EXPECT_EQ(encoded(decoded_op(text)), text) << text;
        EXPECT_EQ(text.find("\"why\"") != std::string::npos, wire::writes(kind)) << text;
    }
    EXPECT_EQ(decoded_op("{\"op\":\"reviews\"}").limit, 100u);
    EXPECT_FALSE(decoded_op("{\"op\":\"decide\",\"review\":2,\"decision\":\"nolink\"}").link);
    EXPECT_TRUE(decoded_op("{ \"decision\" : \"link\", \"review\" : 2, \"op\" : \"decide\" }").link);
}

TEST(WireMessages, PersonOpsAreDecodedStrictly) {
    EXPECT_EQ(op_problem("[1]"), "PERSON_OP payload is not a JSON object");
    EXPECT_EQ(op_problem("{\"op\":\"person\",\"id\":\"P1\""), "PERSON_OP payload is not a JSON object");
    EXPECT_NE(op_problem("{\"id\":\"P1\"}").find("\"op\" must be one of"), std::string::npos);
    EXPECT_NE(op_problem("{\"op\":\"delete\"}").find("\"op\" must be one of"), std::string::npos);
    EXPECT_EQ(op_problem("{\"op\":\"person\",\"op\":\"audit\",\"id\":\"P1\"}"), "PERSON_OP needs one \"op\", a string");
    EXPECT_EQ(op_problem("{\"op\":\"person\",\"id\":\"P1\",\"colour\":1}"), "PERSON_OP has an unknown member \"colour\"");
    EXPECT_EQ(op_problem("{\"op\":\"person\"}"), "op person needs \"id\"");
    EXPECT_EQ(op_problem("{\"op\":\"person\",\"id\":\"P1\",\"why\":\"x\"}"), "op person takes no \"why\"");
    EXPECT_EQ(op_problem("{\"op\":\"relink\",\"facility\":\"01001\",\"ma_lk\":\"A\"}"), "op relink needs \"id\"");
    for (const char* bad : {"{\"op\":\"person\",\"id\":\"\"}", "{\"op\":\"person\",\"id\":7}",
                            "{\"op\":\"person\",\"id\":\"P1\",\"id\":\"P2\"}", "{\"op\":\"unmerge\",\"merge\":0}",
                            "{\"op\":\"unmerge\",\"merge\":-3}", "{\"op\":\"unmerge\",\"merge\":1.5}",
                            "{\"op\":\"unmerge\",\"merge\":\"1\"}", "{\"op\":\"reviews\",\"limit\":0}",
                            "{\"op\":\"decide\",\"review\":1,\"decision\":\"maybe\"}",
                            "{\"op\":\"merge\",\"into\":\"P1\",\"from\":\"P2\",\"why\":null}"}) {
        EXPECT_NE(op_problem(bad).find("must appear once, as"), std::string::npos) << bad;
    }
}

TEST(WireMessages, PushRoundTrips) {
    wire::Push back;
    std::string payload = encoded(sample_push());
    ASSERT_TRUE(wire::decode(payload, back));
    EXPECT_EQ(back.stream, 7u);
    EXPECT_EQ(back.batch_seq, 42u);
    EXPECT_EQ(back.format, 1);
    ASSERT_EQ(back.documents.size(), 3u);
    EXPECT_EQ(back.documents[0], "{\"a\":1}");
    EXPECT_EQ(back.documents[1], "");
    EXPECT_EQ(back.documents[2], "doc three");
    expect_strict<wire::Push>(payload);

    std::string direct;
    wire::encode_push(direct, 7, 42, sample_push().documents);
    EXPECT_EQ(direct, payload);
}

TEST(WireMessages, PushRefusesOtherFormatsAndEmptyBatches) {
    wire::Push m = sample_push();
    std::string payload = encoded(m);
    wire::Push back;
    for (uint8_t format : {0, 2, 3}) {
        payload[12] = static_cast<char>(format);  // after stream and batch_seq
        EXPECT_FALSE(wire::decode(payload, back)) << int(format);
    }
    m.documents.clear();
    EXPECT_FALSE(wire::decode(encoded(m), back));
}

TEST(WireMessages, ASignedPushCarriesOneSignaturePerDocument) {
    wire::Push m = sample_push();
    m.format = 2;
    for (std::size_t i = 0; i < m.documents.size(); ++i) m.signatures.push_back({"0123456789abcdef", "sig"});
    const std::string payload = encoded(m);
    wire::Push back;
    ASSERT_TRUE(wire::decode(payload, back));
    EXPECT_EQ(back.format, 2);
    EXPECT_EQ(back.documents, m.documents);
    ASSERT_EQ(back.signatures.size(), m.documents.size());
    EXPECT_EQ(back.signatures[0].key_id, "0123456789abcdef");
    EXPECT_EQ(back.signatures[0].signature, "sig");
    EXPECT_EQ(encoded(back), payload);
    for (std::size_t cut = 1; cut < 8; ++cut) EXPECT_FALSE(wire::decode(payload.substr(0, payload.size() - cut), back));
    m.signatures.pop_back();
    EXPECT_THROW(encoded(m), std::invalid_argument);
}

TEST(WireMessages, PushCountsAreBoundedByTheBytesAndAMillion) {
    std::string head;
    wire::encode_push(head, 1, 1, {});
    head.resize(head.size() - 4);  // without its count
    wire::Push m;
    for (uint32_t count : {2u, 1'000'000u, 0xFFFFFFFFu}) {
        std::string payload = head;
        put_u32(payload, count);
        put_u32(payload, 0);  // one empty document
        EXPECT_FALSE(wire::decode(payload, m)) << count;
        EXPECT_EQ(m.documents.capacity(), 0u) << "nothing reserved for a count the bytes cannot hold";
    }
    // A million empty documents is the most; one more is refused.
    for (uint32_t count : {1'000'000u, 1'000'001u}) {
        std::string payload = head;
        put_u32(payload, count);
        payload.append(4 * std::size_t{count}, '\0');
        EXPECT_EQ(wire::decode(payload, m), count == 1'000'000u) << count;
    }
}

TEST(WireMessages, PushResultRoundTrips) {
    std::string payload = encoded(sample_result());
    wire::PushResult back;
    ASSERT_TRUE(wire::decode(payload, back));
    EXPECT_EQ(back.stream, 7u);
    EXPECT_EQ(back.batch_seq, 0x0102030405060708u);
    EXPECT_TRUE(back.replayed);
    ASSERT_EQ(back.results.size(), 3u);
    EXPECT_EQ(back.results[0].status, Status::accepted);
    EXPECT_EQ(back.results[0].seq, 10u);
    EXPECT_TRUE(back.results[0].flagged);
    ASSERT_EQ(back.results[0].warnings.size(), 2u);
    EXPECT_EQ(back.results[0].warnings[0].code, "W_DATE");
    EXPECT_EQ(back.results[0].warnings[0].field, "XML1.NGAY_RA");
    EXPECT_EQ(back.results[0].warnings[0].reason, "after today");
    EXPECT_EQ(back.results[1].status, Status::rejected);
    EXPECT_EQ(back.results[1].error.code, "E_JSON");
    EXPECT_EQ(back.results[1].error.reason, "not JSON");
    EXPECT_FALSE(back.results[1].flagged);
    EXPECT_EQ(back.results[2].status, Status::duplicate);
    EXPECT_TRUE(back.results[2].warnings.empty());
    expect_strict<wire::PushResult>(payload);

    // Decoding into the same object again gives the same answer.
    ASSERT_TRUE(wire::decode(payload, back));
    EXPECT_EQ(encoded(back), payload);
}

TEST(WireMessages, PushResultRefusesUnknownValues) {
    std::string good = encoded(sample_result());
    const std::size_t replayed = 12, status = 17, flags = 18;
    auto with = [&](std::size_t at, char value) {
        std::string p = good;
        p[at] = value;
        wire::PushResult m;
        return wire::decode(p, m);
    };
    EXPECT_FALSE(with(replayed, 2));
    EXPECT_FALSE(with(status, 0));
    EXPECT_FALSE(with(status, 5));
    EXPECT_TRUE(with(status, 3));
    EXPECT_FALSE(with(flags, 2));
    EXPECT_TRUE(with(flags, 0));
}

TEST(WireMessages, PushResultCountsAreBoundedByTheBytes) {
    std::string payload;
    wire::encode(payload, wire::PushResult{});
    payload.resize(payload.size() - 4);
    put_u32(payload, 0xFFFFFFFF);
    wire::PushResult m;
    EXPECT_FALSE(wire::decode(payload, m));
    EXPECT_EQ(m.results.capacity(), 0u);

    // One result claiming 65,535 warnings with none there.
    wire::PushResult one;
    one.results.resize(1);
    std::string p = encoded(one);
    p[p.size() - 2] = p[p.size() - 1] = static_cast<char>(0xFF);
    EXPECT_FALSE(wire::decode(p, m));
    EXPECT_EQ(m.results.at(0).warnings.capacity(), 0u);

    EXPECT_FALSE(wire::decode(encoded(wire::PushResult{}), m)) << "a PUSH has at least one document";
}

TEST(WireMessages, GetBookRoundTrips) {
    wire::GetBook m{true, "001234567890", false, {}};
    wire::GetBook back;
    ASSERT_TRUE(wire::decode(encoded(m), back));
    EXPECT_TRUE(back.history);
    EXPECT_EQ(back.id, "001234567890");
    EXPECT_FALSE(back.fhir);
    EXPECT_EQ(back.purpose, "");
    expect_strict<wire::GetBook>(encoded(m));
    ASSERT_TRUE(wire::decode(encoded(wire::GetBook{false, "0123456789", true, {}}), back));
    EXPECT_FALSE(back.history);
    EXPECT_TRUE(back.fhir);
    EXPECT_FALSE(wire::decode(std::string{8, 0, 0}, back)) << "an unknown option bit";
}

TEST(WireMessages, GetBookCarriesAPurposeFlaggedOnlyWhenPresent) {
    wire::GetBook m{false, "001234567890", true, "emergency care, Chợ Rẫy"};
    wire::GetBook back;
    ASSERT_TRUE(wire::decode(encoded(m), back));
    EXPECT_EQ(back.purpose, m.purpose);
    EXPECT_TRUE(back.fhir);
    expect_strict<wire::GetBook>(encoded(m));
    // The purpose bit with an empty purpose has another encoding of "no purpose": refused.
    std::string flagged_empty{6, 0, 0};
    flagged_empty += std::string(2, '\0');
    EXPECT_FALSE(wire::decode(flagged_empty, back));
    // A purpose left over from an earlier decode does not survive one without.
    ASSERT_TRUE(wire::decode(encoded(wire::GetBook{false, "0123456789", false, {}}), back));
    EXPECT_EQ(back.purpose, "");
}

TEST(WireMessages, AppointmentsRoundTrips) {
    wire::Appointments m{20250101, 20250131, "79"};
    wire::Appointments back;
    ASSERT_TRUE(wire::decode(encoded(m), back));
    EXPECT_EQ(back.from, 20250101u);
    EXPECT_EQ(back.to, 20250131u);
    EXPECT_EQ(back.province, "79");
    expect_strict<wire::Appointments>(encoded(m));
}

TEST(WireMessages, SubscribeRoundTripsAndRefusesUnknownBits) {
    wire::Subscribe m{42, true, true, 5, 4, 79, 1, 500, "vneid-1"};
    wire::Subscribe back;
    ASSERT_TRUE(wire::decode(encoded(m), back));
    EXPECT_EQ(back.from, 42u);
    EXPECT_TRUE(back.follow);
    EXPECT_TRUE(back.records);
    EXPECT_EQ(back.types, 5);
    EXPECT_EQ(back.kinds, 4);
    EXPECT_EQ(back.residence_province, 79);
    EXPECT_EQ(back.facility_province, 1);
    EXPECT_EQ(back.window, 500u);
    EXPECT_EQ(back.name, "vneid-1");
    expect_strict<wire::Subscribe>(encoded(m));
    std::string bad = encoded(m);
    bad[8] = 4;  // a flag bit the protocol does not define
    EXPECT_FALSE(wire::decode(bad, back));
    bad = encoded(m);
    bad[9] = 8;  // a type bit beyond appointment
    EXPECT_FALSE(wire::decode(bad, back));
    bad = encoded(m);
    bad[10] = 8;  // a kind bit beyond vaccination
    EXPECT_FALSE(wire::decode(bad, back));
}

TEST(WireMessages, FeedRoundTripsAndCountsAreBoundedByTheBytes) {
    std::string a = R"({"seq":7})", b = R"({"seq":9})";
    wire::Feed m{10, 12, false, {{7, a}, {9, b}}};
    const std::string bytes = encoded(m);
    wire::Feed back;
    ASSERT_TRUE(wire::decode(bytes, back));
    EXPECT_EQ(back.next, 10u);
    EXPECT_EQ(back.head, 12u);
    EXPECT_FALSE(back.end);
    ASSERT_EQ(back.events.size(), 2u);
    EXPECT_EQ(back.events[1].seq, 9u);
    EXPECT_EQ(back.events[1].json, b);
    expect_strict<wire::Feed>(bytes);
    ASSERT_TRUE(wire::decode(encoded(wire::Feed{13, 13, true, {}}), back));
    EXPECT_TRUE(back.end);
    EXPECT_TRUE(back.events.empty());
    std::string lying = encoded(wire::Feed{1, 1, false, {}});
    lying[17] = 0x40;  // a count of 64 events in no bytes
    EXPECT_FALSE(wire::decode(lying, back));

    wire::FeedAck ack{77}, ack_back;
    ASSERT_TRUE(wire::decode(encoded(ack), ack_back));
    EXPECT_EQ(ack_back.next, 77u);
    expect_strict<wire::FeedAck>(encoded(ack));
}

TEST(WireMessages, ErrorRoundTrips) {
    wire::Error m{wire::ErrorCode::batch_mismatch, "documents differ"};
    wire::Error back;
    ASSERT_TRUE(wire::decode(encoded(m), back));
    EXPECT_EQ(back.code, wire::ErrorCode::batch_mismatch);
    EXPECT_EQ(back.message, "documents differ");
    expect_strict<wire::Error>(encoded(m));
}

TEST(WireMessages, StringsOverTheirLengthFieldThrow) {
    std::string out;
    EXPECT_THROW(wire::encode(out, wire::Auth{std::string(65536, 'x'), ""}), std::length_error);
    EXPECT_NO_THROW(wire::encode(out, wire::Auth{std::string(65535, 'x'), ""}));
}

TEST(WireMessages, PushBodyIsWhatFollowsTheBatchNumber) {
    std::string a = encoded(sample_push());
    wire::Push other = sample_push();
    other.stream = 99;
    other.batch_seq = 1;
    std::string b = encoded(other);
    EXPECT_EQ(wire::push_body(a), std::string_view(a).substr(12));
    EXPECT_EQ(wire::push_body(a), wire::push_body(b));
    EXPECT_EQ(wire::push_body(a).substr(0, 5), std::string_view("\x01\x03\x00\x00\x00", 5));
    other.documents[2] = "doc 3";
    EXPECT_NE(wire::push_body(encoded(other)), wire::push_body(a));
    EXPECT_EQ(wire::push_body("short"), "");
}

TEST(ClientSetup, EndpointParsing) {
    auto e = net::Endpoint::parse("localhost:7600");
    EXPECT_EQ(e.host, "localhost");
    EXPECT_EQ(e.port, 7600);
    e = net::Endpoint::parse("[::1]:65535");
    EXPECT_EQ(e.host, "::1");
    EXPECT_EQ(e.port, 65535);
    for (const char* bad : {"localhost", ":7600", "host:", "host:0", "host:65536", "host:76x", "host:-1", "::1:7600",
                            "[::1]7600", "[::1"}) {
        EXPECT_THROW(net::Endpoint::parse(bad), std::invalid_argument) << bad;
    }
}

TEST(ClientSetup, CredentialsFromFlagsOrEnvironment) {
    test::TempDir dir;
    std::string file = dir / "credential";
    std::ofstream(file) << "abc123\n\n";
    ::unsetenv("EHB_PRINCIPAL");
    ::unsetenv("EHB_CREDENTIAL");
    auto c = net::resolve_credentials("portal-hn", file);
    EXPECT_EQ(c.principal, "portal-hn");
    EXPECT_EQ(c.credential, "abc123");
    EXPECT_THROW(net::resolve_credentials("", file), std::invalid_argument);
    EXPECT_THROW(net::resolve_credentials("portal-hn", ""), std::invalid_argument);
    EXPECT_THROW(net::resolve_credentials("portal-hn", dir / "missing"), std::runtime_error);
    std::ofstream(dir / "blank") << " \n";
    EXPECT_THROW(net::resolve_credentials("portal-hn", dir / "blank"), std::invalid_argument);

    ::setenv("EHB_PRINCIPAL", "reader-1", 1);
    ::setenv("EHB_CREDENTIAL", "xyz", 1);
    c = net::resolve_credentials("", "");
    EXPECT_EQ(c.principal, "reader-1");
    EXPECT_EQ(c.credential, "xyz");
    EXPECT_EQ(net::resolve_credentials("", file).credential, "abc123") << "the flag wins";
    ::unsetenv("EHB_PRINCIPAL");
    ::unsetenv("EHB_CREDENTIAL");
}

TEST(ClientSetup, ProtocolErrorMessage) {
    net::ProtocolError e(wire::ErrorCode::bad_checksum, 4, "payload does not match");
    EXPECT_STREQ(e.what(), "ehbd: BAD_CHECKSUM: payload does not match");
    EXPECT_EQ(e.request_id(), 4u);
    EXPECT_FALSE(e.fatal());
    EXPECT_TRUE(net::ProtocolError(wire::ErrorCode::busy, 0, "").fatal());
}

// The peer side of the loopback tests: one connection, scripted, with every
// wait bounded so that a broken client fails the test instead of hanging it.
struct Frame {
    wire::Header header;
    std::string payload;
};

void wait_readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) != 1) throw std::runtime_error("peer: nothing to read");
}

Frame read_frame(tcp::socket& s) {
    wait_readable(s.native_handle());
    uint8_t raw[wire::kHeaderSize];
    asio::read(s, asio::buffer(raw));
    Frame f;
    if (!wire::decode_header(raw, f.header)) throw std::runtime_error("peer: bad magic");
    f.payload.resize(f.header.length);
    asio::read(s, asio::buffer(f.payload));
    if (wire::checksum(f.payload) != f.header.checksum) throw std::runtime_error("peer: bad checksum");
    return f;
}

template <class M>
M read_message(tcp::socket& s, wire::Type type, uint32_t* request_id = nullptr) {
    static_assert(!std::is_same_v<M, wire::Push>, "a Push points into its frame: use read_push");
    Frame f = read_frame(s);
    if (f.header.type != static_cast<uint8_t>(type)) throw std::runtime_error("peer: unexpected frame type");
    if (request_id) *request_id = f.header.request_id;
    M m;
    if (!wire::decode(f.payload, m)) throw std::runtime_error("peer: malformed payload");
    return m;
}

// A PUSH's documents are views into `f`.
wire::Push read_push(tcp::socket& s, Frame& f) {
    f = read_frame(s);
    wire::Push push;
    if (f.header.type != static_cast<uint8_t>(wire::Type::push) || !wire::decode(f.payload, push)) {
        throw std::runtime_error("peer: expected a PUSH");
    }
    return push;
}

void write_frame(tcp::socket& s, wire::Type type, uint32_t request_id, std::string_view payload) {
    std::string out;
    wire::append_frame(out, type, request_id, payload);
    asio::write(s, asio::buffer(out));
}

template <class M>
void reply(tcp::socket& s, wire::Type type, uint32_t request_id, const M& m) {
    write_frame(s, type, request_id, encoded(m));
}

void serve_handshake(tcp::socket& s, const wire::HelloOk& limits = {}) {
    uint32_t id;
    auto hello = read_message<wire::Hello>(s, wire::Type::hello, &id);
    EXPECT_EQ(hello.client_name, "ehb-test");
    reply(s, wire::Type::hello_ok, id, limits);
    auto auth = read_message<wire::Auth>(s, wire::Type::auth, &id);
    EXPECT_EQ(auth.principal, "fac-79001");
    EXPECT_EQ(auth.credential, "pw");
    reply(s, wire::Type::auth_ok, id, wire::AuthOk{Role::facility, "79001"});
}

class Peer {
public:
    explicit Peer(std::function<void(tcp::socket&)> script)
        : acceptor_(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {
        thread_ = std::thread([this, script = std::move(script)] {
            try {
                wait_readable(acceptor_.native_handle());
                tcp::socket s(io_);
                acceptor_.accept(s);
                script(s);
            } catch (const std::exception& e) {
                error_ = e.what();
            }
        });
    }
    ~Peer() { finish(); }
    net::Endpoint endpoint() const { return {"127.0.0.1", acceptor_.local_endpoint().port()}; }
    // Waits for the script; what it threw, or empty.
    std::string finish() {
        if (thread_.joinable()) thread_.join();
        return error_;
    }

private:
    asio::io_context io_;
    tcp::acceptor acceptor_;
    std::thread thread_;
    std::string error_;
};

net::ClientOptions test_options() {
    net::ClientOptions o;
    o.client_name = "ehb-test";
    o.connect_timeout = std::chrono::seconds(5);
    o.timeout = std::chrono::seconds(5);
    return o;
}

const net::Credentials kCredentials{"fac-79001", "pw"};

TEST(ClientLoopback, HandshakeRequestsAndBye) {
    Peer peer([](tcp::socket& s) {
        serve_handshake(s, wire::HelloOk{1, 1u << 20, 5, 2, "fake"});
        Frame f;
        auto push = read_push(s, f);
        uint32_t id = f.header.request_id;
        EXPECT_EQ(push.stream, 3u);
        EXPECT_EQ(push.batch_seq, 9u);
        EXPECT_EQ(push.documents.size(), 2u);
        wire::PushResult result{3, 9, false, {}};
        result.results.resize(2);
        result.results[0].status = Status::accepted;
        result.results[0].seq = 77;
        reply(s, wire::Type::push_result, id, result);

        auto get = read_message<wire::GetBook>(s, wire::Type::get_book, &id);
        EXPECT_EQ(get.id, "001234567890");
        EXPECT_TRUE(get.history);
        write_frame(s, wire::Type::book, id, R"({"episodes":[]})");

        // The server's own PING is answered while the client waits for its PONG.
        Frame ping = read_frame(s);
        write_frame(s, wire::Type::ping, 0, "srv");
        Frame pong = read_frame(s);
        EXPECT_EQ(pong.header.type, static_cast<uint8_t>(wire::Type::pong));
        EXPECT_EQ(pong.header.request_id, 0u);
        EXPECT_EQ(pong.payload, "srv");
        write_frame(s, wire::Type::pong, ping.header.request_id, ping.payload);

        EXPECT_EQ(read_frame(s).header.type, static_cast<uint8_t>(wire::Type::bye));
        write_frame(s, wire::Type::bye, 0, "");
    });
    net::Client client(peer.endpoint(), kCredentials, test_options());
    EXPECT_EQ(client.limits().max_records, 5u);
    EXPECT_EQ(client.limits().server_name, "fake");
    EXPECT_EQ(client.identity().role, Role::facility);
    EXPECT_EQ(client.identity().facility, "79001");

    std::vector<std::string_view> docs = {"{}", "{\"b\":2}"};
    wire::PushResult result = client.push(3, 9, docs);
    ASSERT_EQ(result.results.size(), 2u);
    EXPECT_EQ(result.results[0].seq, 77u);
    EXPECT_EQ(client.get_book("001234567890", true), R"({"episodes":[]})");
    client.ping();
    client.bye();
    EXPECT_EQ(peer.finish(), "");
}

TEST(ClientLoopback, FramesLargerThanTheSocketBuffers) {
    const std::string doc(3 << 20, 'd');
    const std::string book(5 << 20, 'b');
    Peer peer([&](tcp::socket& s) {
        serve_handshake(s);
        Frame f;
        auto push = read_push(s, f);
        uint32_t id = f.header.request_id;
        EXPECT_EQ(push.documents.size(), 2u);
        EXPECT_TRUE(push.documents.at(1) == doc);  // not EXPECT_EQ: no 3 MiB failure message
        reply(s, wire::Type::push_result, id, wire::PushResult{1, 1, false, {RecordResult{}, RecordResult{}}});
        read_message<wire::GetBook>(s, wire::Type::get_book, &id);
        write_frame(s, wire::Type::book, id, book);
    });
    net::Client client(peer.endpoint(), kCredentials, test_options());
    std::vector<std::string_view> docs = {doc, doc};
    EXPECT_EQ(client.push(1, 1, docs).results.size(), 2u);
    EXPECT_TRUE(client.get_book("001234567890") == book);
    EXPECT_EQ(peer.finish(), "");
}

TEST(ClientLoopback, PipelinedRepliesInAnyOrder) {
    Peer peer([](tcp::socket& s) {
        serve_handshake(s);
        std::vector<uint32_t> ids(3);
        Frame f;
        for (uint32_t& id : ids) {
            read_push(s, f);
            id = f.header.request_id;
        }
        reply(s, wire::Type::push_result, ids[2], wire::PushResult{1, 3, false, {RecordResult{}}});
        reply(s, wire::Type::error, ids[1], wire::Error{wire::ErrorCode::batch_order, "seq 2 < 3"});
        reply(s, wire::Type::push_result, ids[0], wire::PushResult{1, 1, true, {RecordResult{}}});
    });
    net::Client client(peer.endpoint(), kCredentials, test_options());
    std::vector<std::string_view> docs = {"{}"};
    uint32_t first = client.send_push(1, 1, docs);
    uint32_t second = client.send_push(1, 2, docs);
    uint32_t third = client.send_push(1, 3, docs);
    EXPECT_NE(first, second);

    net::Reply r = client.receive();
    EXPECT_EQ(r.header.request_id, third);
    EXPECT_EQ(std::get<wire::PushResult>(r.body).batch_seq, 3u);
    r = client.receive();
    EXPECT_EQ(r.header.request_id, second);
    EXPECT_EQ(std::get<wire::Error>(r.body).code, wire::ErrorCode::batch_order);
    r = client.receive();
    EXPECT_EQ(r.header.request_id, first);
    EXPECT_TRUE(std::get<wire::PushResult>(r.body).replayed);
    EXPECT_THROW(client.receive(), std::runtime_error) << "the peer closed";
    EXPECT_EQ(peer.finish(), "");
}

TEST(ClientLoopback, ErrorDuringHandshakeThrowsProtocolError) {
    Peer peer([](tcp::socket& s) {
        uint32_t id;
        read_message<wire::Hello>(s, wire::Type::hello, &id);
        reply(s, wire::Type::hello_ok, id, wire::HelloOk{});
        read_message<wire::Auth>(s, wire::Type::auth, &id);
        reply(s, wire::Type::error, id, wire::Error{wire::ErrorCode::auth_failed, "wrong credential"});
    });
    try {
        net::Client client(peer.endpoint(), kCredentials, test_options());
        ADD_FAILURE() << "no exception";
    } catch (const net::ProtocolError& e) {
        EXPECT_EQ(e.code(), wire::ErrorCode::auth_failed);
        EXPECT_STREQ(e.what(), "ehbd: AUTH_FAILED: wrong credential");
        EXPECT_TRUE(e.fatal());
    }
    EXPECT_EQ(peer.finish(), "");
}

TEST(ClientLoopback, RawFramesBeforeTheHandshake) {
    Peer peer([](tcp::socket& s) {
        Frame f = read_frame(s);
        EXPECT_EQ(f.header.type, static_cast<uint8_t>(wire::Type::push));
        reply(s, wire::Type::error, f.header.request_id, wire::Error{wire::ErrorCode::not_authenticated, ""});
    });
    net::Client client = net::Client::connect_only(peer.endpoint(), test_options());
    std::string frame;
    wire::append_frame(frame, wire::Type::push, 41, encoded(sample_push()));
    client.send_raw(frame);
    auto reply = client.read_frame();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->first.request_id, 41u);
    wire::Error error;
    ASSERT_TRUE(wire::decode(reply->second, error));
    EXPECT_EQ(error.code, wire::ErrorCode::not_authenticated);
    EXPECT_FALSE(client.read_frame()) << "EOF";
    EXPECT_EQ(peer.finish(), "");
}

TEST(ClientLoopback, BadChecksumFromTheServerThrows) {
    Peer peer([](tcp::socket& s) {
        Frame f = read_frame(s);
        std::string out;
        wire::append_frame(out, wire::Type::pong, f.header.request_id, f.payload);
        out.back() ^= 1;
        asio::write(s, asio::buffer(out));
    });
    net::Client client = net::Client::connect_only(peer.endpoint(), test_options());
    client.send_ping("abc");
    EXPECT_THROW(client.receive(), std::runtime_error);
    EXPECT_EQ(peer.finish(), "");
}

TEST(ClientLoopback, SilentServerTimesOut) {
    Peer peer([](tcp::socket& s) {  // reads HELLO, never answers, waits for the client to give up
        read_frame(s);
        wait_readable(s.native_handle());
    });
    net::ClientOptions options = test_options();
    options.timeout = std::chrono::milliseconds(200);
    auto started = std::chrono::steady_clock::now();
    try {
        net::Client client = net::Client::connect_only(peer.endpoint(), options);
        client.hello();
        ADD_FAILURE() << "no exception";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), std::errc::timed_out);
    } catch (const std::runtime_error& e) {
        ADD_FAILURE() << e.what();  // the peer closed first: it must wait on the client
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
    peer.finish();
}

TEST(ClientLoopback, BatchesOverTheLimitsAreRefusedBeforeSending) {
    Peer peer([](tcp::socket& s) { serve_handshake(s, wire::HelloOk{1, 64, 2, 8, "fake"}); });
    net::Client client(peer.endpoint(), kCredentials, test_options());
    std::vector<std::string_view> three = {"a", "b", "c"};
    EXPECT_THROW(client.send_push(1, 1, three), std::invalid_argument);
    EXPECT_THROW(client.send_push(1, 1, {}), std::invalid_argument);
    std::string big(100, 'x');
    std::vector<std::string_view> one = {big};
    EXPECT_THROW(client.send_push(1, 1, one), std::invalid_argument);
    EXPECT_EQ(peer.finish(), "");
}

TEST(ClientLoopback, RefusedConnectionThrows) {
    uint16_t port;
    {
        asio::io_context io;
        tcp::acceptor a(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
        port = a.local_endpoint().port();
    }
    EXPECT_THROW(net::Client::connect_only({"127.0.0.1", port}, test_options()), std::system_error);
}

}  // namespace
