// ehbd as a real process, over real loopback sockets: statuses, idempotent
// retry, roles, bad frames, disconnects, shutdown and configuration errors.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <iostream>
#include <set>
#include <thread>

#include "tests/docs.hpp"
#include "tests/ehbd_process.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

using net::Client;
using net::ProtocolError;
using wire::ErrorCode;

std::string doc(const std::string& ma_lk, const std::string& facility = "01001", const std::string& icd = "J06.9",
                const std::string& citizen = "001090012345") {
    test::Doc d;
    d.ma_lk = ma_lk;
    d.facility = facility;
    d.icd = icd;
    d.citizen = citizen;
    return d.json();
}

std::vector<std::string_view> views(const std::vector<std::string>& docs) { return {docs.begin(), docs.end()}; }

class Server : public ::testing::Test {
protected:
    test::TempDir dir;
    std::filesystem::path data = dir / "data";
    net::Credentials portal = test::add_principal_to(data, "portal", Role::portal);
    net::Credentials facility = test::add_principal_to(data, "fac-01001", Role::facility, "01001");
    net::Credentials reader = test::add_principal_to(data, "vneid", Role::reader);
    std::unique_ptr<test::EhbdProcess> ehbd;

    void start(std::vector<std::string> extra = {}) { ehbd = std::make_unique<test::EhbdProcess>(data, extra); }
    void SetUp() override { start(); }
    void TearDown() override {
        if (HasFailure() && ehbd) std::cerr << "--- ehbd's log:\n" << ehbd->log();
    }
    Client connect(const net::Credentials& who) { return Client(ehbd->endpoint(), who); }

    std::size_t episodes_in_book(const std::string& id) {
        Client c = connect(reader);
        std::string json = c.get_book(id);
        std::size_t n = 0;
        for (std::size_t at = 0; (at = json.find("\"ma_lk\":", at)) != std::string::npos; ++at) ++n;
        return n;
    }
};

TEST_F(Server, EveryStatusOverTheWireAndTheBookShowsTheRecords) {
    Client c = connect(portal);
    EXPECT_EQ(c.identity().role, Role::portal);
    std::vector<std::string> docs = {doc("S1"), doc("S2"), doc("S1"), doc("S2", "01001", "I10"), "{\"XML1\":{}}"};
    wire::PushResult r = c.push(1, 1, views(docs));
    EXPECT_FALSE(r.replayed);
    ASSERT_EQ(r.results.size(), 5u);
    EXPECT_EQ(r.results[0].status, Status::accepted);
    EXPECT_EQ(r.results[1].status, Status::accepted);
    EXPECT_EQ(r.results[2].status, Status::duplicate);
    EXPECT_EQ(r.results[2].seq, r.results[0].seq);
    EXPECT_EQ(r.results[3].status, Status::new_version);
    EXPECT_EQ(r.results[4].status, Status::rejected);
    EXPECT_FALSE(r.results[4].error.code.empty());
    EXPECT_FALSE(r.results[4].error.reason.empty());
    EXPECT_GT(r.results[3].seq, r.results[1].seq);
    std::string stats = c.stats();
    EXPECT_NE(stats.find("\"log_entries\":3,"), std::string::npos) << stats;
    EXPECT_NE(stats.find("\"episodes\":2,"), std::string::npos) << stats;

    Client rd = connect(reader);
    std::string book = rd.get_book("001090012345");
    EXPECT_NE(book.find("\"ma_lk\":\"S1\""), std::string::npos);
    EXPECT_NE(book.find("\"MA_BENH_CHINH\":\"I10\""), std::string::npos);  // the new version is current
    try {
        rd.get_book("12345");
        ADD_FAILURE() << "a malformed ID must be refused";
    } catch (const ProtocolError& e) {
        EXPECT_EQ(e.code(), ErrorCode::bad_id);
    }
    rd.ping();  // the connection survives the error
}

TEST_F(Server, ARetriedBatchIsAnsweredAsBeforeAndStoresNothingEvenAfterANewerBatch) {
    Client c = connect(portal);
    std::vector<std::string> first = {doc("R1"), doc("R2")};
    wire::PushResult a = c.push(5, 1, views(first));
    std::vector<std::string> second = {doc("R3")};
    c.push(5, 2, views(second));
    c.bye();

    // A new connection, as after a broken line: the first batch again.
    Client again = connect(portal);
    wire::PushResult b = again.push(5, 1, views(first));
    EXPECT_TRUE(b.replayed);
    ASSERT_EQ(b.results.size(), 2u);
    for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(b.results[i].status, a.results[i].status);
        EXPECT_EQ(b.results[i].seq, a.results[i].seq);
    }
    EXPECT_EQ(episodes_in_book("001090012345"), 3u);

    // Other documents under a committed number, and a number below the latest never committed.
    std::vector<std::string> other = {doc("R9")};
    try {
        again.push(5, 1, views(other));
        ADD_FAILURE();
    } catch (const ProtocolError& e) {
        EXPECT_EQ(e.code(), ErrorCode::batch_mismatch);
    }
    std::vector<std::string> skipped = {doc("R8")};
    c = connect(portal);
    c.push(6, 10, views(second));
    try {
        c.push(6, 9, views(skipped));
        ADD_FAILURE();
    } catch (const ProtocolError& e) {
        EXPECT_EQ(e.code(), ErrorCode::batch_order);
    }
    EXPECT_EQ(episodes_in_book("001090012345"), 3u);
}

// Regression: a province department authenticates over the binary protocol
// (AUTH_OK with its role) and may neither push nor read there (docs/http.md, "Scopes").
TEST_F(Server, AProvinceDepartmentAuthenticatesButMayNotPushReadOrSubscribe) {
    ehbd->terminate();
    const net::Credentials province = test::add_principal_to(data, "so-y-te-79", Role::province, "79");
    start();
    Client p = connect(province);
    EXPECT_EQ(p.identity().role, Role::province);
    std::vector<std::string> docs = {doc("P1", "79001")};
    const auto forbidden = [](auto&& request, const char* what) {
        try {
            request();
            ADD_FAILURE() << "a province department may not " << what;
        } catch (const ProtocolError& e) {
            EXPECT_EQ(e.code(), ErrorCode::forbidden) << what;
        }
    };
    forbidden([&] { p.push(1, 1, views(docs)); }, "push");
    forbidden([&] { p.get_book("001090012345"); }, "read a book");
    forbidden([&] { p.next_feed(p.subscribe({})); }, "subscribe");
    p.ping();
    EXPECT_EQ(episodes_in_book("001090012345"), 0u);
}

TEST_F(Server, AFacilityPushesOnlyItsOwnEpisodesAndAReaderCannotPush) {
    Client f = connect(facility);
    EXPECT_EQ(f.identity().role, Role::facility);
    EXPECT_EQ(f.identity().facility, "01001");
    std::vector<std::string> docs = {doc("F1", "01001"), doc("F2", "79001")};
    wire::PushResult r = f.push(1, 1, views(docs));
    EXPECT_EQ(r.results.at(0).status, Status::accepted);
    EXPECT_EQ(r.results.at(1).status, Status::rejected);
    EXPECT_EQ(r.results.at(1).error.code, "E_FORBIDDEN");
    EXPECT_EQ(r.results.at(1).error.field, "MA_CSKCB");

    Client rd = connect(reader);
    try {
        rd.push(1, 1, views(docs));
        ADD_FAILURE() << "a reader may not push";
    } catch (const ProtocolError& e) {
        EXPECT_EQ(e.code(), ErrorCode::forbidden);
    }
    rd.ping();
    try {
        f.get_book("001090012345");
        ADD_FAILURE() << "a facility may not read books";
    } catch (const ProtocolError& e) {
        EXPECT_EQ(e.code(), ErrorCode::forbidden);
    }
    try {
        f.appointments(20250101, 20250131);
        ADD_FAILURE() << "a facility may not list appointments";
    } catch (const ProtocolError& e) {
        EXPECT_EQ(e.code(), ErrorCode::forbidden);
    }
    // A vaccination comes from an immunisation system, not a facility.
    const std::vector<std::string> shot = {
        R"({"TIEM_CHUNG":{"HE_THONG_NGUON":"TCQG","MA_BAN_GHI":"R1","MA_VACCINE":"VX-BCG","TEN_VACCINE":"BCG",)"
        R"("NGAY_TIEM":"20250105","MA_CSKCB":"01001","HO_TEN":"Nguyễn Văn An","NGAY_SINH":"202501010000",)"
        R"("GIOI_TINH":"1"}})"};
    r = f.push(1, 2, views(shot));
    EXPECT_EQ(r.results.at(0).error.code, "E_FORBIDDEN");
    EXPECT_EQ(r.results.at(0).error.field, "TIEM_CHUNG");
    // Days that are not real are refused, and the connection goes on.
    try {
        rd.appointments(20250231, 20250301);
        ADD_FAILURE() << "20250231 is not a day";
    } catch (const ProtocolError& e) {
        EXPECT_EQ(e.code(), ErrorCode::bad_payload);
    }
    EXPECT_NE(rd.appointments(20250101, 20250131, "01").find("\"appointments\":[]"), std::string::npos);
}

TEST_F(Server, AWrongCredentialOrRevokedPrincipalIsRefused) {
    net::Credentials wrong = portal;
    wrong.credential[0] = wrong.credential[0] == 'a' ? 'b' : 'a';
    try {
        Client c(ehbd->endpoint(), wrong);
        ADD_FAILURE();
    } catch (const ProtocolError& e) {
        EXPECT_EQ(e.code(), ErrorCode::auth_failed);
    }
    {
        Store store(data);  // ehb admin's path, while ehbd runs
        ASSERT_TRUE(revoke_principal(store, "vneid"));
    }
    try {
        Client c(ehbd->endpoint(), reader);
        ADD_FAILURE();
    } catch (const ProtocolError& e) {
        EXPECT_EQ(e.code(), ErrorCode::auth_failed);
    }
}

// A raw frame: header fields as given, so tests can break any of them.
std::string frame(uint8_t type, uint32_t id, std::string_view payload) {
    std::string out;
    wire::append_frame(out, static_cast<wire::Type>(type), id, payload);
    return out;
}

wire::Error read_error(Client& c) {
    auto f = c.read_frame();
    if (!f) throw std::runtime_error("connection closed instead of an ERROR");
    EXPECT_EQ(f->first.type, uint8_t(wire::Type::error));
    wire::Error e;
    EXPECT_TRUE(wire::decode(f->second, e));
    return e;
}

bool closed_by_server(Client& c) {
    try {
        return !c.read_frame();
    } catch (const std::exception&) {
        return true;  // reset
    }
}

class BadFrames : public Server {
protected:
    void SetUp() override { start({"--frame-timeout-ms", "300", "--max-frame", "65536"}); }
    Client handshaken() {
        Client c = Client::connect_only(ehbd->endpoint());
        c.set_timeout(std::chrono::milliseconds(10'000));
        c.hello();
        c.authenticate(portal);
        return c;
    }
};

// Revoked by `ehb admin` while connected: the principal's open connections end
// within seconds; other principals' connections go on.
TEST_F(Server, ARevokedPrincipalLosesItsOpenConnectionsWhileOthersKeepTheirs) {
    Client revoked = connect(reader);
    Client other = connect(portal);
    revoked.ping();
    {
        Store store(data);
        ASSERT_TRUE(revoke_principal(store, "vneid"));
    }
    const wire::Error e = read_error(revoked);  // the watch runs every second; the client waits up to 120 s
    EXPECT_EQ(e.code, ErrorCode::auth_failed);
    EXPECT_NE(e.message.find("revoked"), std::string::npos) << e.message;
    EXPECT_TRUE(closed_by_server(revoked));
    other.ping();
    const std::string doc = test::Doc{}.json();
    std::string_view view = doc;
    EXPECT_EQ(other.push(1, 1, {&view, 1}).results.at(0).status, Status::accepted);
}

TEST_F(BadFrames, EachIsAnsweredWithAnErrorWhileOtherConnectionsKeepWorking) {
    Client bystander = connect(portal);
    std::atomic<bool> done{false};
    std::atomic<int> bystander_pushes{0};
    std::thread busy([&] {
        for (uint64_t seq = 1; !done; ++seq) {
            std::vector<std::string> docs = {doc(test::key("B", {(long long)seq}))};
            if (bystander.push(9, seq, views(docs)).results.at(0).status == Status::accepted) ++bystander_pushes;
        }
    });

    {  // wrong checksum: not fatal
        Client c = handshaken();
        std::string f = frame(uint8_t(wire::Type::ping), 7, "hello");
        f[20] ^= 0x5A;
        c.send_raw(f);
        wire::Error e = read_error(c);
        EXPECT_EQ(e.code, ErrorCode::bad_checksum);
        c.ping();
    }
    {  // unknown type: not fatal
        Client c = handshaken();
        c.send_raw(frame(0x55, 8, "x"));
        EXPECT_EQ(read_error(c).code, ErrorCode::unknown_type);
        c.ping();
    }
    {  // a PUSH whose payload is not a PUSH: not fatal
        Client c = handshaken();
        c.send_raw(frame(uint8_t(wire::Type::push), 9, "garbage"));
        EXPECT_EQ(read_error(c).code, ErrorCode::bad_payload);
        c.ping();
    }
    {  // oversized: fatal
        Client c = handshaken();
        std::string f = frame(uint8_t(wire::Type::ping), 10, "");
        uint32_t huge = 1u << 20;
        std::memcpy(f.data() + 12, &huge, 4);
        c.send_raw(f);
        EXPECT_EQ(read_error(c).code, ErrorCode::too_large);
        EXPECT_TRUE(closed_by_server(c));
    }
    {  // garbage bytes: fatal
        Client c = Client::connect_only(ehbd->endpoint());
        c.send_raw(std::string(24, 'Z'));
        EXPECT_EQ(read_error(c).code, ErrorCode::bad_frame);
        EXPECT_TRUE(closed_by_server(c));
    }
    {  // truncated: the header promises more than ever comes
        Client c = handshaken();
        std::string f = frame(uint8_t(wire::Type::ping), 11, "0123456789");
        c.send_raw(std::string_view(f).substr(0, f.size() - 4));
        EXPECT_EQ(read_error(c).code, ErrorCode::timeout);
        EXPECT_TRUE(closed_by_server(c));
    }
    {  // a request before the handshake
        Client c = Client::connect_only(ehbd->endpoint());
        std::vector<std::string> docs = {doc("X1")};
        c.send_push(1, 1, views(docs));
        EXPECT_EQ(read_error(c).code, ErrorCode::not_authenticated);
        c.hello();
        c.authenticate(portal);
        c.ping();
    }
    done = true;
    busy.join();
    EXPECT_GT(bystander_pushes.load(), 0);
    EXPECT_EQ(episodes_in_book("001090012345"), std::size_t(bystander_pushes.load()));
}

TEST_F(Server, AClientThatDisconnectsMidBatchLeavesNothingHalfWritten) {
    std::vector<std::string> docs;
    for (int i = 0; i < 200; ++i) docs.push_back(doc(test::key("M", {i})));
    {
        Client c = connect(portal);
        std::string payload;
        wire::Push p{1, 1, 1, views(docs), {}};
        wire::encode(payload, p);
        std::string f = frame(uint8_t(wire::Type::push), 1, payload);
        c.send_raw(std::string_view(f).substr(0, f.size() / 2));
    }  // closed with half the batch sent
    EXPECT_EQ(episodes_in_book("001090012345"), 0u);
    Client c = connect(portal);
    EXPECT_EQ(c.push(1, 1, views(docs)).results.size(), 200u);  // the same batch, whole, is fresh
    EXPECT_EQ(episodes_in_book("001090012345"), 200u);
}

TEST_F(Server, AnIdleConnectionIsClosedAfterItsTimeout) {
    ehbd.reset();
    start({"--idle-timeout-ms", "200"});
    Client c = connect(portal);
    c.set_timeout(std::chrono::milliseconds(10'000));
    EXPECT_EQ(read_error(c).code, ErrorCode::timeout);
    EXPECT_TRUE(closed_by_server(c));

    // Idle after its last answer too: the server was already waiting for the
    // next frame when the answer went out (a regression: it then never timed out).
    Client after = connect(portal);
    after.set_timeout(std::chrono::milliseconds(10'000));
    std::vector<std::string> docs = {doc("I1")};
    after.send_push(1, 1, views(docs));
    EXPECT_TRUE(std::holds_alternative<wire::PushResult>(after.receive().body));
    EXPECT_EQ(read_error(after).code, ErrorCode::timeout);
    EXPECT_TRUE(closed_by_server(after));
}

TEST_F(Server, SigtermAnswersEveryBatchItReadThenSaysByeAndTheRestCanBeResent) {
    Client c = connect(portal);
    std::vector<std::vector<std::string>> batches;
    for (int b = 0; b < 6; ++b) {
        auto& docs = batches.emplace_back();
        for (int i = 0; i < 50; ++i) docs.push_back(doc(test::key("T", {b, i})));
        c.send_push(2, b + 1, views(docs));
    }
    ::kill(ehbd->pid(), SIGTERM);
    // Batches the server had read are answered (after their commit); the
    // shutdown may come before it reads the others, which are then not stored.
    std::set<uint64_t> answered;
    for (bool bye = false; !bye;) {
        net::Reply r = c.receive();
        if (auto* result = std::get_if<wire::PushResult>(&r.body)) {
            EXPECT_EQ(result->results.size(), 50u);
            answered.insert(result->batch_seq);
        } else {
            bye = std::holds_alternative<net::Bye>(r.body);
            ASSERT_TRUE(bye) << "unexpected reply";
        }
    }
    EXPECT_EQ(ehbd->wait(), 0);
    start();
    EXPECT_EQ(episodes_in_book("001090012345"), 50 * answered.size());
    // The client resends what was not answered; what was answered is never stored twice.
    Client again = connect(portal);
    for (int b = 0; b < 6; ++b) {
        wire::PushResult r = again.push(2, b + 1, views(batches[b]));
        EXPECT_EQ(r.replayed, answered.count(b + 1) == 1) << b;
    }
    EXPECT_EQ(episodes_in_book("001090012345"), 300u);
}

TEST_F(Server, ManyConcurrentPushesWithATinyMemoryBudgetAllComplete) {
    ehbd.reset();
    start({"--memory-budget-mb", "16", "--max-in-flight", "4"});
    std::vector<std::thread> threads;
    std::atomic<int> stored{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            Client c = connect(portal);
            std::vector<std::vector<std::string>> batches(8);
            for (int b = 0; b < 8; ++b) {
                for (int i = 0; i < 400; ++i) {
                    batches[b].push_back(doc(test::key("P", {t, b, i}), "01001", "J06.9",
                                             test::key("00109001234", {t})));
                }
            }
            std::vector<std::vector<std::string_view>> v;
            for (auto& b : batches) v.push_back(views(b));
            int sent = 0, received = 0;
            while (received < 8) {
                while (sent < 8 && sent - received < 4) {
                    c.send_push(t, sent + 1, v[sent]);
                    ++sent;
                }
                net::Reply r = c.receive();
                ASSERT_TRUE(std::holds_alternative<wire::PushResult>(r.body));
                for (auto& res : std::get<wire::PushResult>(r.body).results) stored += res.status == Status::accepted;
                ++received;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(stored.load(), 4 * 8 * 400);
}

TEST(ServerConfig, BadConfigBusyPortAndUnwritableDirectoryFailClearly) {
    test::TempDir dir;
    auto run = [&](const std::string& args) {
        std::string cmd = std::string(EHBD_BINARY) + " " + args + " 2>" + (dir / "err").string();
        int status = std::system(cmd.c_str());
        std::ifstream in(dir / "err");
        std::stringstream s;
        s << in.rdbuf();
        return std::pair(WIFEXITED(status) ? WEXITSTATUS(status) : -1, s.str());
    };
    auto [code1, err1] = run("--max-frame banana --data " + (dir / "d").string());
    EXPECT_EQ(code1, 2);
    EXPECT_NE(err1.find("max-frame"), std::string::npos) << err1;
    std::ofstream(dir / "bad.conf") << "listen = 127.0.0.1:0\nno-such-setting = 1\n";
    auto [code2, err2] = run("--config " + (dir / "bad.conf").string());
    EXPECT_EQ(code2, 2);
    EXPECT_NE(err2.find("bad.conf:2"), std::string::npos) << err2;

    test::EhbdProcess running(dir / "d");
    auto [code3, err3] =
        run("--data " + (dir / "d2").string() + " --listen 127.0.0.1:" + std::to_string(running.port()));
    EXPECT_EQ(code3, 1);
    EXPECT_NE(err3.find("cannot listen"), std::string::npos) << err3;

    std::filesystem::create_directories(dir / "ro");
    std::filesystem::permissions(dir / "ro", std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    if (geteuid() != 0) {  // root writes anywhere
        auto [code4, err4] = run("--data " + (dir / "ro" / "data").string() + " --listen 127.0.0.1:0");
        EXPECT_EQ(code4, 1);
        EXPECT_NE(err4.find("cannot open the data directory"), std::string::npos) << err4;
    }
    auto [code5, err5] = run("--data /proc/ehb-cannot-be-here --listen 127.0.0.1:0");
    EXPECT_EQ(code5, 1);
    EXPECT_NE(err5.find("cannot open the data directory"), std::string::npos) << err5;
}

}  // namespace
}  // namespace ehb
