// The stewards' operations over the protocol (PERSON_OP, docs/protocol.md)
// against a real ehbd on loopback, and the pipeline's write jobs they run as.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <atomic>
#include <future>
#include <iostream>
#include <thread>

#include "engine/person/steward.hpp"
#include "engine/pipeline.hpp"
#include "tests/docs.hpp"
#include "tests/ehbd_process.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

using net::Client;
using net::ProtocolError;
using test::Doc;
using wire::ErrorCode;
using wire::PersonOp;
using wire::PersonOpKind;

constexpr const char* kAddress = "\"Số 12, Đường Trần Phú, Phường Tân Định, Quận 1, Thành phố Hồ Chí Minh\"";

// The second person of these tests: nothing in common with Doc{}'s.
Doc other_person() {
    Doc b;
    b.ma_lk = "B1";
    b.citizen = "079190000111";
    b.card = "HT4790987654321";
    b.name = "Trần Thị Bình";
    b.sex = "2";
    return b;
}

PersonOp read_op(PersonOpKind kind, std::string id = {}) {
    PersonOp op;
    op.kind = kind;
    op.id = std::move(id);
    return op;
}

PersonOp merge_op(std::string into, std::string from, std::string why) {
    PersonOp op;
    op.kind = PersonOpKind::merge;
    op.into = std::move(into);
    op.from = std::move(from);
    op.why = std::move(why);
    return op;
}

PersonOp unmerge_op(uint64_t merge, std::string why) {
    PersonOp op;
    op.kind = PersonOpKind::unmerge;
    op.merge = merge;
    op.why = std::move(why);
    return op;
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

class StewardWire : public ::testing::Test {
protected:
    test::TempDir dir;
    std::filesystem::path data = dir / "data";
    net::Credentials steward = test::add_principal_to(data, "steward-hn", Role::steward);
    net::Credentials admin = test::add_principal_to(data, "ops", Role::admin);
    net::Credentials portal = test::add_principal_to(data, "portal", Role::portal);
    net::Credentials reader = test::add_principal_to(data, "vneid", Role::reader);
    net::Credentials facility = test::add_principal_to(data, "fac-01001", Role::facility, "01001");
    std::unique_ptr<test::EhbdProcess> ehbd;
    uint64_t next_batch = 1;

    void start() { ehbd = std::make_unique<test::EhbdProcess>(data); }
    void SetUp() override { start(); }
    void TearDown() override {
        if (HasFailure() && ehbd) std::cerr << "--- ehbd's log:\n" << ehbd->log();
    }
    Client connect(const net::Credentials& who) { return Client(ehbd->endpoint(), who); }

    // One batch as the portal, on a connection of its own; the statuses, in order.
    std::vector<Status> push(const std::vector<std::string>& docs) {
        Client c = connect(portal);
        std::vector<std::string_view> views(docs.begin(), docs.end());
        std::vector<Status> out;
        for (const RecordResult& r : c.push(1, next_batch++, views).results) out.push_back(r.status);
        return out;
    }
    void push_two_persons() {
        ASSERT_EQ(push({Doc{}.json(), other_person().json()}),
                  (std::vector<Status>{Status::accepted, Status::accepted}));
    }
};

// The ERROR a request gets, from a client that must stay usable afterwards.
wire::Error refusal(Client& c, const PersonOp& op) {
    try {
        c.person_op(op);
    } catch (const ProtocolError& e) {
        EXPECT_FALSE(e.fatal()) << e.what();
        return {e.code(), e.what()};
    }
    ADD_FAILURE() << "no ERROR for op " << wire::op_name(op.kind);
    return {};
}

// A raw PERSON_OP payload and the ERROR it gets.
wire::Error raw_refusal(Client& c, std::string_view payload) {
    std::string frame;
    wire::append_frame(frame, wire::Type::person_op, 900, payload);
    c.send_raw(frame);
    auto reply = c.read_frame();
    wire::Error e;
    EXPECT_TRUE(reply && reply->first.type == uint8_t(wire::Type::error) && reply->first.request_id == 900 &&
                wire::decode(reply->second, e))
        << payload;
    return e;
}

TEST_F(StewardWire, AStewardMergesAndUnmergesAndTheAuditNamesTheStewardWhileIngestGoesOn) {
    push_two_persons();
    Client c = connect(steward);
    EXPECT_EQ(c.identity().role, Role::steward);
    EXPECT_TRUE(contains(c.person_op(read_op(PersonOpKind::person, "001090012345")),
                         "{\"id\":\"1\",\"merged\":[]"));

    EXPECT_EQ(c.person_op(merge_op("001090012345", "079190000111", "one person (test)")), "{\"merge\":1}");
    const std::string merged = c.person_op(read_op(PersonOpKind::person, "079190000111"));
    EXPECT_TRUE(contains(merged, "{\"id\":\"1\",\"merged\":[\"2\"]")) << merged;

    Doc third = other_person();  // ingest between two operations: a third person
    third.ma_lk = "C1";
    third.citizen = "001190000222";
    third.card = "DN4010555555555";
    EXPECT_EQ(push({third.json()}), std::vector<Status>{Status::accepted});
    EXPECT_TRUE(contains(c.person_op(read_op(PersonOpKind::person, "001190000222")), "{\"id\":\"3\""));

    EXPECT_EQ(c.person_op(unmerge_op(1, "two people after all (test)")), "") << "unmerge prints nothing";
    const std::string apart = c.person_op(read_op(PersonOpKind::person, "079190000111"));
    EXPECT_TRUE(contains(apart, "{\"id\":\"2\",\"merged\":[]")) << apart;
    EXPECT_TRUE(contains(apart, "\"merged_into\":null")) << apart;

    simdjson::dom::parser parser;
    simdjson::dom::array audit = parser.parse(c.person_op(read_op(PersonOpKind::audit, "P2")))["audit"];
    ASSERT_EQ(audit.size(), 2u);
    EXPECT_EQ(std::string_view(audit.at(0)["op"]), "merge");
    EXPECT_EQ(std::string_view(audit.at(0)["why"]), "one person (test)");
    EXPECT_EQ(std::string_view(audit.at(1)["op"]), "unmerge");
    EXPECT_EQ(std::string_view(audit.at(1)["why"]), "two people after all (test)");
    for (simdjson::dom::element entry : audit) {
        EXPECT_EQ(std::string_view(entry["principal"]), "steward-hn") << "the actor is the authenticated principal";
    }
}

TEST_F(StewardWire, OnlyStewardsAndAdminsMayAndEveryoneElseKeepsTheirConnection) {
    push_two_persons();
    for (const net::Credentials* who : {&reader, &facility, &portal}) {
        Client c = connect(*who);
        EXPECT_EQ(refusal(c, read_op(PersonOpKind::person, "P1")).code, ErrorCode::forbidden) << who->principal;
        EXPECT_EQ(refusal(c, merge_op("P1", "P2", "")).code, ErrorCode::forbidden) << who->principal;
        c.ping();
    }
    Client c = connect(steward);  // a steward neither pushes nor reads books
    std::vector<std::string> docs = {Doc{}.json()};
    std::vector<std::string_view> views(docs.begin(), docs.end());
    try {
        c.push(1, 1, views);
        ADD_FAILURE() << "a steward pushed";
    } catch (const ProtocolError& e) {
        EXPECT_EQ(e.code(), ErrorCode::forbidden);
    }
    try {
        c.get_book("001090012345");
        ADD_FAILURE() << "a steward read a book";
    } catch (const ProtocolError& e) {
        EXPECT_EQ(e.code(), ErrorCode::forbidden);
    }
    c.ping();

    Client ops = connect(admin);
    EXPECT_EQ(ops.person_op(merge_op("P1", "P2", "as the admin (test)")), "{\"merge\":1}");
    EXPECT_TRUE(contains(ops.person_op(read_op(PersonOpKind::audit, "P1")), "\"principal\":\"ops\""));

    // Before AUTH: NOT_AUTHENTICATED, and the handshake can still follow.
    Client early = Client::connect_only(ehbd->endpoint());
    early.hello();
    EXPECT_EQ(raw_refusal(early, "{\"op\":\"person\",\"id\":\"P1\"}").code, ErrorCode::not_authenticated);
    early.authenticate(steward);
    EXPECT_TRUE(contains(early.person_op(read_op(PersonOpKind::person, "P1")), "\"merged\":[\"2\"]"));
}

TEST_F(StewardWire, RefusedOperationsAndBadPayloadsAreAnsweredAndTheConnectionStaysOpen) {
    push_two_persons();
    Client c = connect(steward);
    wire::Error e = refusal(c, unmerge_op(99, "no such merge (test)"));
    EXPECT_EQ(e.code, ErrorCode::person_op_failed);
    EXPECT_TRUE(contains(e.message, "no merge 99")) << e.message;
    e = refusal(c, read_op(PersonOpKind::person, "P99"));
    EXPECT_EQ(e.code, ErrorCode::person_op_failed);
    EXPECT_TRUE(contains(e.message, "no person for P99")) << e.message;
    EXPECT_EQ(refusal(c, merge_op("P1", "001090012345", "")).code, ErrorCode::person_op_failed);
    c.ping();

    e = raw_refusal(c, "{\"op\":\"merge\",\"into\":\"P1\"}");
    EXPECT_EQ(e.code, ErrorCode::bad_payload);
    EXPECT_TRUE(contains(e.message, "needs \"from\"")) << e.message;
    EXPECT_EQ(raw_refusal(c, "not json").code, ErrorCode::bad_payload);
    EXPECT_EQ(raw_refusal(c, "{\"op\":\"person\",\"id\":\"P1\",\"why\":\"x\"}").code, ErrorCode::bad_payload);
    EXPECT_EQ(raw_refusal(c, "{\"op\":\"unmerge\",\"merge\":-1}").code, ErrorCode::bad_payload);
    EXPECT_EQ(raw_refusal(c, "{\"op\":\"drop\"}").code, ErrorCode::bad_payload);
    EXPECT_EQ(raw_refusal(c, std::string(5000, ' ')).code, ErrorCode::bad_payload);

    // Nothing of the refused operations was written: the first merge is merge 1.
    EXPECT_EQ(c.person_op(merge_op("P1", "P2", "after the refusals (test)")), "{\"merge\":1}");
    EXPECT_EQ(c.person_op(unmerge_op(1, "")), "");
    e = refusal(c, unmerge_op(1, "twice (test)"));
    EXPECT_EQ(e.code, ErrorCode::person_op_failed);
    EXPECT_TRUE(contains(e.message, "merge 1 was undone already")) << e.message;
}

TEST_F(StewardWire, AnAnsweredMergeSurvivesAKilledServer) {
    push_two_persons();
    {
        Client c = connect(steward);
        ASSERT_EQ(c.person_op(merge_op("P1", "P2", "durable (test)")), "{\"merge\":1}");
    }
    ehbd->kill9();  // the answer came after the commit was durable
    start();
    Client c = connect(steward);
    EXPECT_TRUE(contains(c.person_op(read_op(PersonOpKind::person, "079190000111")), "{\"id\":\"1\",\"merged\":[\"2\"]"));
}

TEST_F(StewardWire, ReviewItemsAreListedAndDecidedOverTheWire) {
    // A twin with another given name (ending as the first's does, so that
    // blocking finds it) at the same home and no identifiers: a review item.
    Doc first;
    first.extra = {{"DIA_CHI", kAddress}, {"MAXA_CU_TRU", "\"26734\""}, {"MATINH_CU_TRU", "\"79\""}};
    Doc twin = first;
    twin.ma_lk = "TWIN";
    twin.citizen.clear();
    twin.card.clear();
    twin.name = "Nguyễn Văn Toàn";
    ASSERT_EQ(push({first.json(), twin.json()}), (std::vector<Status>{Status::accepted, Status::accepted}));

    Client c = connect(steward);
    PersonOp list = read_op(PersonOpKind::reviews);
    list.limit = 10;
    const std::string open = c.person_op(list);
    EXPECT_TRUE(contains(open, "{\"reviews\":[{\"id\":1,")) << open;
    EXPECT_TRUE(contains(open, "\"evidence\":{")) << open;

    PersonOp decide;
    decide.kind = PersonOpKind::decide;
    decide.review = 1;
    decide.link = true;
    decide.why = "the same papers (test)";
    EXPECT_EQ(c.person_op(decide), "");
    EXPECT_EQ(c.person_op(list), "{\"reviews\":[]}");
    EXPECT_TRUE(contains(c.person_op(read_op(PersonOpKind::person, "001090012345")), "\"merged\":[\"2\"]"));
    const std::string audit = c.person_op(read_op(PersonOpKind::audit, "P2"));
    EXPECT_TRUE(contains(audit, "\"op\":\"merge\",\"principal\":\"steward-hn\",\"why\":\"the same papers (test)\""))
        << audit;
    wire::Error e = refusal(c, decide);
    EXPECT_EQ(e.code, ErrorCode::person_op_failed);
    EXPECT_TRUE(contains(e.message, "decided already")) << e.message;
}

TEST_F(StewardWire, IngestKeepsFlowingWhileAStewardMergesAndUnmerges) {
    push_two_persons();
    std::atomic<bool> done{false};
    std::atomic<int> accepted{0};
    std::thread ingest([&] {
        Client c = connect(portal);
        for (uint64_t batch = 1; batch <= 40 && !done; ++batch) {
            std::vector<std::string> docs;
            for (int i = 0; i < 20; ++i) {
                Doc d;
                d.ma_lk = test::key("F", {(long long)batch, i});
                docs.push_back(d.json());
            }
            std::vector<std::string_view> views(docs.begin(), docs.end());
            for (const RecordResult& r : c.push(2, batch, views).results) accepted += r.status == Status::accepted;
        }
    });
    Client c = connect(steward);
    simdjson::dom::parser parser;
    for (int round = 0; round < 10; ++round) {
        const uint64_t id = parser.parse(c.person_op(merge_op("P1", "P2", "round (test)")))["merge"].get_uint64();
        EXPECT_EQ(c.person_op(unmerge_op(id, "round (test)")), "");
    }
    done = true;
    ingest.join();
    EXPECT_GT(accepted.load(), 0);
    simdjson::dom::array audit = parser.parse(c.person_op(read_op(PersonOpKind::audit, "P2")))["audit"];
    EXPECT_EQ(audit.size(), 20u);
    Client r = connect(reader);
    EXPECT_EQ(parser.parse(r.stats())["log_entries"].get_uint64().value(), 2u + accepted.load());
}

// ---- the pipeline's write jobs, without a server

struct JobAnswer {
    bool refused = false;
    std::string text;
    std::size_t audit_rows = 0;  // what a new reader saw when the answer came
};

TEST(WriteJobs, RunInOrderWithBatchesAndARefusedOneLeavesNothingBehind) {
    test::TempDir dir;
    Store store(dir.path());
    PipelineOptions options;
    options.commit_delay = std::chrono::seconds(1);  // far longer than the submits take: they share commits
    Pipeline pipeline(store, options);
    auto batch = [&](const char* ma_lk) {
        Doc d;
        d.ma_lk = ma_lk;
        const std::string json = d.json();
        auto done = std::make_shared<std::promise<Status>>();
        pipeline.submit(json, {{0, json.size()}}, "portal-1", [done](auto results) { done->set_value(results[0].status); });
        return done->get_future();
    };
    auto job = [&](bool refuse) {
        auto done = std::make_shared<std::promise<JobAnswer>>();
        pipeline.submit_write(
            [refuse](StoreWriter& w) {
                // Writes first, then refuses: what it wrote must not be committed.
                w.append_numbered(w.tables().person_audit, "{\"op\":\"test\"}");
                if (refuse) throw person::StewardError("refused (test)");
                return std::to_string(w.last_seq());  // the records of the batches before it
            },
            [done, &store](bool refused, std::string text) {
                const std::size_t rows = store.read([](const StoreReader& r) { return r.last_numbered(r.tables().person_audit); });
                done->set_value({refused, std::move(text), rows});
            });
        return done->get_future();
    };
    auto a = batch("A1");
    auto refused = job(true);
    auto b = batch("B1");
    auto accepted = job(false);
    EXPECT_EQ(a.get(), Status::accepted);
    EXPECT_EQ(b.get(), Status::accepted);
    const JobAnswer no = refused.get();
    EXPECT_TRUE(no.refused);
    EXPECT_EQ(no.text, "refused (test)");
    const JobAnswer yes = accepted.get();
    EXPECT_FALSE(yes.refused);
    EXPECT_EQ(yes.text, "2") << "after both batches";
    EXPECT_EQ(yes.audit_rows, 1u) << "durable when answered, and only the accepted job's row";
    pipeline.close();
    const PipelineStats stats = pipeline.stats();
    EXPECT_EQ(stats.batches, 2u);
    EXPECT_EQ(stats.write_jobs, 2u);
    EXPECT_EQ(stats.commits, 3u) << "each job opens a commit: A | refused job, B | job";
}

}  // namespace
}  // namespace ehb
