// The change feed over the binary protocol (SUBSCRIBE, FEED, FEED_ACK) from a
// real ehbd process, and `ehb feed` as a real consumer process killed at
// random during an `ehb bench` run: every change arrives once, in order.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include "engine/feed.hpp"
#include "tests/docs.hpp"
#include "tests/ehbd_process.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

using net::Client;

std::string doc(int i, const std::string& facility = "01001") {
    test::Doc d;
    d.ma_lk = test::key("F", {i});
    d.facility = facility;
    d.citizen = test::key("00109", {1000000 + i});  // one person each: no identity events
    d.card = test::key("DN40101", {10000000 + i});
    return d.json();
}

std::vector<std::string_view> views(const std::vector<std::string>& docs) { return {docs.begin(), docs.end()}; }

// Every change of a subscription that ends, with the last chunk's position.
struct Received {
    std::vector<uint64_t> seqs;
    std::vector<std::string> events;
    uint64_t next = 0, head = 0;
};

class FeedServer : public ::testing::Test {
protected:
    test::TempDir dir;
    std::filesystem::path data = dir / "data";
    net::Credentials portal = test::add_principal_to(data, "portal", Role::portal);
    net::Credentials reader = test::add_principal_to(data, "vneid", Role::reader);
    std::unique_ptr<test::EhbdProcess> ehbd = std::make_unique<test::EhbdProcess>(data);
    uint64_t batch = 0;

    void TearDown() override {
        if (HasFailure() && ehbd) std::cerr << "--- ehbd's log:\n" << ehbd->log();
    }
    void push(const std::vector<std::string>& docs) {
        Client c(ehbd->endpoint(), portal);
        c.push(1, ++batch, views(docs));
    }
    Received read_all(wire::Subscribe request) {
        Client c(ehbd->endpoint(), reader);
        const uint32_t id = c.subscribe(request);
        Received r;
        while (auto feed = c.next_feed(id)) {
            for (const auto& e : feed->events) {
                r.seqs.push_back(e.seq);
                r.events.emplace_back(e.json);
            }
            r.next = feed->next;
            r.head = feed->head;
            if (feed->end) return r;
            c.ack_feed(feed->next);
        }
        ADD_FAILURE() << "the subscription did not end";
        return r;
    }
};

TEST_F(FeedServer, ReadsEveryChangeInOrderAndEndsAtTheHead) {
    std::vector<std::string> docs;
    for (int i = 0; i < 4; ++i) docs.push_back(doc(i));
    docs.push_back(doc(0));  // a duplicate: no change
    push(docs);
    test::Doc v;
    v.ma_lk = "F0";
    v.citizen = test::key("00109", {1000000});
    v.card = test::key("DN40101", {10000000});
    v.tables = test::appointment(v, "GH-1", "202502010800");
    push({v.json()});  // a new version that books an appointment: two changes

    // Each push was acknowledged: its changes are on the feed for whoever subscribes next.
    Received r = read_all({});
    ASSERT_EQ(r.seqs, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(r.next, 7u);
    EXPECT_EQ(r.head, 6u);
    EXPECT_NE(r.events[4].find(R"("status":"new_version")"), std::string::npos) << r.events[4];
    EXPECT_NE(r.events[5].find(R"("type":"appointment","change":"booked")"), std::string::npos) << r.events[5];

    wire::Subscribe later;
    later.from = 5;
    later.types = kFeedAppointments;
    r = read_all(later);
    EXPECT_EQ(r.seqs, (std::vector<uint64_t>{6}));
    later.kinds = kKindVaccination;  // the appointment is an episode's
    EXPECT_TRUE(read_all(later).seqs.empty());
}

// Regression (found by ASan): a subscription that ends at once freed its pump while the pump was delivering.
TEST_F(FeedServer, ASubscriptionFromPastTheHeadEndsAtOnceAndTheConnectionGoesOn) {
    push({doc(1)});
    Client c(ehbd->endpoint(), reader);
    wire::Subscribe request;
    request.from = 50;
    const uint32_t id = c.subscribe(request);
    auto feed = c.next_feed(id);
    ASSERT_TRUE(feed);
    EXPECT_TRUE(feed->end);
    EXPECT_TRUE(feed->events.empty());
    EXPECT_EQ(feed->next, 50u);
    EXPECT_EQ(feed->head, 1u);
    c.ping();
    EXPECT_EQ(read_all({}).seqs, (std::vector<uint64_t>{1}));  // a new subscription on another connection
}

TEST_F(FeedServer, FollowingReceivesCommitsAsTheyHappen) {
    Client c(ehbd->endpoint(), reader);
    wire::Subscribe request;
    request.follow = true;
    const uint32_t id = c.subscribe(request);
    push({doc(1), doc(2)});
    std::vector<uint64_t> seqs;
    while (seqs.size() < 2) {
        auto feed = c.next_feed(id);
        ASSERT_TRUE(feed);
        for (const auto& e : feed->events) seqs.push_back(e.seq);
        c.ack_feed(feed->next);
    }
    EXPECT_EQ(seqs, (std::vector<uint64_t>{1, 2}));
    push({doc(3, "79001")});
    auto feed = c.next_feed(id);
    ASSERT_TRUE(feed);
    ASSERT_EQ(feed->events.size(), 1u);
    EXPECT_EQ(feed->events[0].seq, 3u);
    EXPECT_NE(feed->events[0].json.find(R"("facility":"79001")"), std::string::npos);
    EXPECT_EQ(feed->head, 3u);
}

TEST_F(FeedServer, TheWindowHoldsChangesBackUntilTheyAreAcknowledged) {
    std::vector<std::string> docs;
    for (int i = 0; i < 20; ++i) docs.push_back(doc(i));
    push(docs);
    Client c(ehbd->endpoint(), reader);
    wire::Subscribe request;
    request.follow = true;
    request.window = 5;
    request.name = "slow";
    const uint32_t id = c.subscribe(request);
    auto first = c.next_feed(id);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->events.size(), 5u);
    // Unacknowledged, the server sends nothing more; the consumer shows its lag.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    Client observer(ehbd->endpoint(), reader);
    const std::string stats = observer.stats();
    EXPECT_NE(stats.find(R"("name":"slow")"), std::string::npos) << stats;
    EXPECT_NE(stats.find(R"("sent":6,"acked":1,"delivered":5,"lag_records":20,)"), std::string::npos) << stats;
    std::vector<uint64_t> seqs;
    for (const auto& e : first->events) seqs.push_back(e.seq);
    c.ack_feed(first->next);
    while (seqs.size() < 20) {
        auto feed = c.next_feed(id);
        ASSERT_TRUE(feed);
        EXPECT_LE(feed->events.size(), 5u);
        for (const auto& e : feed->events) seqs.push_back(e.seq);
        c.ack_feed(feed->next);
    }
    for (std::size_t i = 0; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], i + 1);
}

TEST_F(FeedServer, OnlyReadersAndAdminsSubscribe) {
    Client c(ehbd->endpoint(), portal);
    const uint32_t id = c.subscribe({});
    try {
        c.next_feed(id);
        ADD_FAILURE() << "a portal subscribed";
    } catch (const net::ProtocolError& e) {
        EXPECT_EQ(e.code(), wire::ErrorCode::forbidden);
    }
    c.ping();  // the refusal leaves the connection usable
}

TEST_F(FeedServer, AConsumerResumesFromItsPositionAfterTheServerRestarts) {
    push({doc(1), doc(2), doc(3)});
    uint64_t position = 1;
    std::vector<uint64_t> seqs;
    {
        Client c(ehbd->endpoint(), reader);
        wire::Subscribe request;
        request.follow = true;
        const uint32_t id = c.subscribe(request);
        while (seqs.size() < 3) {
            auto feed = c.next_feed(id);
            ASSERT_TRUE(feed);
            for (const auto& e : feed->events) seqs.push_back(e.seq);
            position = feed->next;
            c.ack_feed(position);
        }
        ehbd->terminate();  // SIGTERM: the subscription ends with BYE
        EXPECT_FALSE(c.next_feed(id));
    }
    ehbd = std::make_unique<test::EhbdProcess>(data);
    push({doc(4), doc(5)});
    wire::Subscribe request;
    request.from = position;
    Received r = read_all(request);
    seqs.insert(seqs.end(), r.seqs.begin(), r.seqs.end());
    EXPECT_EQ(seqs, (std::vector<uint64_t>{1, 2, 3, 4, 5}));
}

// ---- ehb feed as a process ----

// Runs a command with the principal's credentials; its stdout to `out` (when
// given), its stderr appended to `err` (when given).
pid_t spawn(const std::vector<std::string>& args, const std::filesystem::path& out, const net::Credentials& who,
            const std::filesystem::path& err = {}) {
    pid_t pid = fork();
    if (pid != 0) return pid;
    if (!out.empty()) {
        FILE* f = std::freopen(out.c_str(), "w", stdout);
        (void)f;
    }
    FILE* e = std::freopen(err.empty() ? "/dev/null" : err.c_str(), "a", stderr);
    (void)e;
    setenv("EHB_PRINCIPAL", who.principal.c_str(), 1);
    setenv("EHB_CREDENTIAL", who.credential.c_str(), 1);
    std::vector<char*> argv;
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
}

int wait_for(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

std::vector<std::string> lines(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

TEST_F(FeedServer, AConsumerKilledAtRandomDuringABenchRunGetsEveryChangeOnce) {
    const std::string server = "127.0.0.1:" + std::to_string(ehbd->port());
    // A bench run: the standard workload of 8,000 citizens (about 21,700 documents) over two connections.
    const pid_t pusher = spawn({EHB_BINARY, "bench", "--server", server, "--citizens", "8000", "--episodes", "20000",
                                "--seed", "7", "--connections", "2", "--batch", "200"},
                               dir / "bench.json", portal);
    const auto out = dir / "feed.jsonl";
    const std::vector<std::string> follow = {EHB_BINARY, "feed", "--server", server, "--follow", "--window", "300",
                                             "--out", out.string()};
    std::mt19937 rng(11);
    int kills = 0;
    for (;;) {
        const pid_t consumer = spawn(follow, {}, reader, dir / "follow.err");
        std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(20, 250)(rng)));
        ::kill(consumer, SIGKILL);
        wait_for(consumer);
        ++kills;
        int status = 0;
        if (waitpid(pusher, &status, WNOHANG) == pusher) {
            ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "ehb bench failed";
            break;
        }
    }
    // Catch up to the head, then compare with one uninterrupted reading.
    const auto err = dir / "feed.err";
    ASSERT_EQ(wait_for(spawn({EHB_BINARY, "feed", "--server", server, "--out", out.string()}, {}, reader, err)), 0)
        << std::ifstream(err).rdbuf();
    const auto whole = dir / "whole.jsonl";
    ASSERT_EQ(wait_for(spawn({EHB_BINARY, "feed", "--server", server}, whole, reader)), 0);
    const std::vector<std::string> got = lines(out), expected = lines(whole);
    EXPECT_GE(kills, 3);
    ASSERT_GT(expected.size(), 20000u);  // episodes, new versions, appointments, identity events
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        ASSERT_EQ(got[i], expected[i]) << "line " << i + 1;
        ASSERT_EQ(got[i].rfind(R"({"seq":)" + std::to_string(i + 1) + ",", 0), 0u) << got[i];
    }
}

}  // namespace
}  // namespace ehb
