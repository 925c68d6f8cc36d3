// The access audit (engine/access_log.hpp, docs/security.md): reads are
// recorded durably before a book leaves ehbd, over the wire, over HTTP and
// offline; a citizen's access history finds them by any of the person's
// identifiers, merged persons included; the pipeline commits notes with or
// without batches.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "engine/access_log.hpp"
#include "engine/book.hpp"
#include "engine/ingest.hpp"
#include "engine/person/steward.hpp"
#include "engine/pipeline.hpp"
#include "tests/docs.hpp"
#include "tests/ehbd_process.hpp"
#include "tests/http_test.hpp"
#include "tests/run_command.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

using test::Doc;

AccessRecord a_read(std::string purpose, schema::PersonKey person = schema::PersonKey::citizen("001090012345")) {
    return {now_us(), person, "vneid", Role::reader, AccessChannel::wire, AccessWhat::book, false,
            AccessOutcome::served, 1, "001090012345", std::move(purpose)};
}

std::vector<std::string> purposes(const std::optional<std::vector<AccessRow>>& rows) {
    std::vector<std::string> out;
    if (rows) {
        for (const AccessRow& row : *rows) out.push_back(row.record.purpose);
    }
    return out;
}

class AccessLogTest : public ::testing::Test {
protected:
    test::TempDir dir;
    Store store{dir.path()};
    Engine engine{store};

    void ingest(const Doc& d) {
        const std::string doc = d.json();
        std::string_view view = doc;
        ASSERT_EQ(engine.ingest({&view, 1}, "test").at(0).status, Status::accepted);
    }
    void record(const AccessRecord& a) {
        store.write([&](StoreWriter& w) { append_access(w, a); });
    }
    std::optional<std::vector<AccessRow>> reads(std::string_view id, std::size_t limit = 100, uint64_t before = 0) {
        return store.read([&](const StoreReader& r) { return reads_of(r, id, limit, before); });
    }
};

TEST(AccessRecordLayout, EveryFieldRoundTripsAndATruncatedRowIsRefused) {
    AccessRecord a{1763800000123456, schema::PersonKey::person(42), "so-yte-79", Role::province,
                   AccessChannel::http, AccessWhat::book_fhir, true, AccessOutcome::denied, 7,
                   "DN4010123456789", "điều trị nội trú"};
    const std::string row = encode_access(a);
    auto back = decode_access(row);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->at_us, a.at_us);
    EXPECT_EQ(back->person, a.person);
    EXPECT_EQ(back->principal, a.principal);
    EXPECT_EQ(back->role, a.role);
    EXPECT_EQ(back->channel, a.channel);
    EXPECT_EQ(back->what, a.what);
    EXPECT_TRUE(back->history);
    EXPECT_EQ(back->outcome, a.outcome);
    EXPECT_EQ(back->episodes, 7u);
    EXPECT_EQ(back->identifier, a.identifier);
    EXPECT_EQ(back->purpose, a.purpose);
    for (std::size_t n = 0; n < row.size(); ++n) EXPECT_FALSE(decode_access(row.substr(0, n))) << n;
    EXPECT_FALSE(decode_access(row + "x"));
}

TEST_F(AccessLogTest, ReadsAreFoundByEveryIdentifierOfThePersonNewestFirstAndPaged) {
    ingest(Doc{});  // citizen 001090012345, card DN4010123456789 (social-insurance code 0123456789)
    Book book;
    BookReader reader(store);
    ASSERT_TRUE(reader.read("001090012345", book));
    ASSERT_EQ(book.root.type, schema::PersonType::person);
    for (const char* why : {"first", "second", "third", "fourth"}) record(a_read(why, book.root));

    const std::vector<std::string> newest_first{"fourth", "third", "second", "first"};
    EXPECT_EQ(purposes(reads("001090012345")), newest_first);
    EXPECT_EQ(purposes(reads("DN4010123456789")), newest_first);
    EXPECT_EQ(purposes(reads("0123456789")), newest_first);
    // Pages: two, then the two older than the last one shown.
    auto page = reads("001090012345", 2);
    ASSERT_EQ(purposes(page), (std::vector<std::string>{"fourth", "third"}));
    EXPECT_EQ(purposes(reads("001090012345", 2, page->back().seq)), (std::vector<std::string>{"second", "first"}));
    // Someone else's book has none; a malformed identifier is not one.
    EXPECT_TRUE(reads("079190000111")->empty());
    EXPECT_FALSE(reads("12345"));
}

TEST_F(AccessLogTest, AReadAskedBeforeAnyoneHeldTheIdentifierJoinsTheBookOfWhoeverHoldsItLater) {
    record(a_read("before the first visit"));  // filed under the citizen ID itself
    EXPECT_EQ(purposes(reads("001090012345")), std::vector<std::string>{"before the first visit"});
    ingest(Doc{});
    EXPECT_EQ(purposes(reads("DN4010123456789")), std::vector<std::string>{"before the first visit"})
        << "found by the card too, once the person holds both";
}

TEST_F(AccessLogTest, TheReadsOfAPersonMergedIntoTheBookAreTheBooksReads) {
    ingest(Doc{});  // person 1
    Doc other;      // person 2
    other.ma_lk = "B1";
    other.citizen = "079190000111";
    other.card = "HT4790987654321";
    other.name = "Trần Thị Bình";
    other.sex = "2";
    ingest(other);
    record(a_read("read of person 1", schema::PersonKey::person(1)));
    record(a_read("read of person 2", schema::PersonKey::person(2)));
    person::Steward steward(&store.dictionaries());
    store.write([&](StoreWriter& w) { steward.merge(w, 1, 2, person::Actor{"steward", "same person", now_us()}); });
    EXPECT_EQ(purposes(reads("001090012345")), (std::vector<std::string>{"read of person 2", "read of person 1"}));
    EXPECT_EQ(purposes(reads("079190000111")), (std::vector<std::string>{"read of person 2", "read of person 1"}));
}

TEST(PipelineNotes, NotesCommitAloneOrWithBatchesAndARefusedJobDoesNotDropThem) {
    test::TempDir dir;
    std::atomic<int> durable{0};
    {
        Store store(dir.path());
        PipelineOptions options;
        options.commit_delay = std::chrono::microseconds(500);
        Pipeline pipeline(store, options);
        // Alone: nothing else is waiting.
        pipeline.submit_note([](StoreWriter& w) { append_access(w, a_read("alone")); }, [&](bool stored) { durable += stored; });
        // Beside a batch.
        const std::string doc = Doc{}.json();
        pipeline.submit(doc, {{0, doc.size()}}, "test", [](auto) {});
        pipeline.submit_note([](StoreWriter& w) { append_access(w, a_read("with a batch")); }, [&](bool stored) { durable += stored; });
        // Beside a write job that refuses: the commit starts over without the job, with the note.
        std::promise<bool> refused;
        pipeline.submit_write([](StoreWriter&) -> std::string { throw person::StewardError("no"); },
                              [&](bool r, std::string) { refused.set_value(r); });
        pipeline.submit_note([](StoreWriter& w) { append_access(w, a_read("with a refused job")); },
                             [&](bool stored) { durable += stored; });
        EXPECT_TRUE(refused.get_future().get());
        pipeline.close();
        EXPECT_EQ(durable.load(), 3);
        EXPECT_EQ(pipeline.stats().notes, 3u);
    }
    Store reopened(dir.path());
    auto rows = reopened.read([](const StoreReader& r) { return reads_of(r, "001090012345", 10); });
    std::vector<std::string> got = purposes(rows);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::string>{"alone", "with a batch", "with a refused job"}));
}

// ---- through a real ehbd ----

class AccessAudit : public ::testing::Test {
protected:
    test::TempDir dir;
    std::filesystem::path data = dir / "data";
    net::Credentials portal = test::add_principal_to(data, "portal", Role::portal);
    net::Credentials reader = test::add_principal_to(data, "vneid", Role::reader);
    net::Credentials hcm = test::add_principal_to(data, "so-yte-79", Role::province, "79");
    std::unique_ptr<test::EhbdProcess> ehbd;

    void SetUp() override {
        ehbd = std::make_unique<test::EhbdProcess>(
            data, std::vector<std::string>{"--http", "127.0.0.1:0", "--http-port-file", (dir / "http.port").string()});
        net::Client c(ehbd->endpoint(), portal);
        const std::string doc = Doc{}.json();  // lives in Hà Nội (01)
        std::string_view view = doc;
        ASSERT_EQ(c.push(1, 1, {&view, 1}).results.at(0).status, Status::accepted);
    }
    void TearDown() override {
        if (HasFailure() && ehbd) std::cerr << "--- ehbd's log:\n" << ehbd->log();
    }
};

TEST_F(AccessAudit, ABookReadOverTheWireIsInTheAuditBeforeItsAnswerArrives) {
    {
        net::Client c(ehbd->endpoint(), reader);
        const std::string book = c.get_book("001090012345", false, true, "citizen viewing own book in VNeID");
        EXPECT_NE(book.find("\"resourceType\":\"Bundle\""), std::string::npos);
    }
    ehbd->kill9();  // at once: whatever the answer promised must already be on disk
    Store store(data);
    auto rows = store.read([](const StoreReader& r) { return reads_of(r, "DN4010123456789", 10); });
    ASSERT_TRUE(rows);
    ASSERT_EQ(rows->size(), 1u);
    const AccessRecord& a = rows->front().record;
    EXPECT_EQ(a.principal, "vneid");
    EXPECT_EQ(a.role, Role::reader);
    EXPECT_EQ(a.channel, AccessChannel::wire);
    EXPECT_EQ(a.what, AccessWhat::book_fhir);
    EXPECT_EQ(a.outcome, AccessOutcome::served);
    EXPECT_EQ(a.episodes, 1u);
    EXPECT_EQ(a.identifier, "001090012345");
    EXPECT_EQ(a.purpose, "citizen viewing own book in VNeID");
    EXPECT_LE(a.at_us, now_us());
}

TEST_F(AccessAudit, HttpReadsRefusalsAndEmptyBooksAreAuditedAndTheHistoryIsServed) {
    test::HttpClient c(ehbd->http_port());
    const auto as_reader = std::vector<std::pair<std::string, std::string>>{{"Authorization", test::basic(reader)}};
    const auto as_hcm = std::vector<std::pair<std::string, std::string>>{{"Authorization", test::basic(hcm)}};
    EXPECT_EQ(c.get("/v1/books/001090012345?purpose=emergency%20care", as_reader).status, 200u);
    EXPECT_EQ(c.get("/v1/books/001090012345", as_hcm).status, 403u);  // not a resident of 79
    EXPECT_EQ(c.get("/v1/episodes/01001/LK0001?purpose=claim%20review", as_reader).status, 200u);
    EXPECT_EQ(c.get("/v1/books/079190000111", as_reader).status, 404u);  // nobody: still an attempt
    EXPECT_EQ(c.get("/v1/books/001090012345?purpose=" + std::string(513, 'x'), as_reader).status, 400u);

    test::Answer a = c.get("/v1/books/001090012345/reads", as_reader);
    ASSERT_EQ(a.status, 200u) << a.body;
    test::Json json;
    auto reads = json.parse(a.body)["reads"].get_array();
    ASSERT_EQ(reads.size(), 3u) << a.body;
    EXPECT_EQ(test::str(reads.at(0), "what"), "episode");
    EXPECT_EQ(test::str(reads.at(0), "purpose"), "claim review");
    EXPECT_EQ(test::str(reads.at(1), "principal"), "so-yte-79");
    EXPECT_EQ(test::str(reads.at(1), "outcome"), "denied");
    EXPECT_EQ(test::str(reads.at(2), "purpose"), "emergency care");
    EXPECT_EQ(test::str(reads.at(2), "channel"), "http");
    EXPECT_EQ(test::str(reads.at(2), "outcome"), "served");
    a = c.get("/v1/books/079190000111/reads", as_reader);
    EXPECT_TRUE(test::contains(a.body, "\"outcome\":\"no_records\"")) << a.body;
    // Paged, and not for a province department.
    a = c.get("/v1/books/001090012345/reads?limit=2", as_reader);
    EXPECT_TRUE(test::contains(a.body, "\"next_before\":")) << a.body;
    EXPECT_EQ(c.get("/v1/books/001090012345/reads", as_hcm).status, 403u);
}

// Reading a book's access history is itself a read, recorded before the history leaves.
TEST_F(AccessAudit, ReadingTheAccessHistoryOverHttpIsAudited) {
    test::HttpClient c(ehbd->http_port());
    const auto as_reader = std::vector<std::pair<std::string, std::string>>{{"Authorization", test::basic(reader)}};
    const auto as_hcm = std::vector<std::pair<std::string, std::string>>{{"Authorization", test::basic(hcm)}};
    test::Answer a = c.get("/v1/books/001090012345/reads?purpose=citizen%20request", as_reader);
    ASSERT_EQ(a.status, 200u) << a.body;
    EXPECT_TRUE(test::contains(a.body, "\"reads\":[]")) << a.body;  // recorded once read, so not in its own answer
    EXPECT_EQ(c.get("/v1/books/001090012345/reads", as_hcm).status, 403u);
    EXPECT_EQ(c.get("/v1/books/12345/reads", as_reader).status, 400u);  // no book: nothing to record
    EXPECT_EQ(c.get("/v1/books/001090012345/reads?purpose=" + std::string(513, 'x'), as_reader).status, 400u);

    a = c.get("/v1/books/DN4010123456789/reads", as_reader);  // the same book by its card
    ASSERT_EQ(a.status, 200u) << a.body;
    test::Json json;
    auto reads = json.parse(a.body)["reads"].get_array();
    ASSERT_EQ(reads.size(), 2u) << a.body;
    EXPECT_EQ(test::str(reads.at(0), "what"), "access_history");
    EXPECT_EQ(test::str(reads.at(0), "principal"), "so-yte-79");
    EXPECT_EQ(test::str(reads.at(0), "outcome"), "denied");
    EXPECT_EQ(test::str(reads.at(1), "what"), "access_history");
    EXPECT_EQ(test::str(reads.at(1), "principal"), "vneid");
    EXPECT_EQ(test::str(reads.at(1), "channel"), "http");
    EXPECT_EQ(test::str(reads.at(1), "outcome"), "served");
    EXPECT_EQ(test::str(reads.at(1), "identifier"), "001090012345");
    EXPECT_EQ(test::str(reads.at(1), "purpose"), "citizen request");
    EXPECT_TRUE(test::contains(a.body, "\"episodes\":0")) << a.body;
}

// `ehb book --data` records its read like ehbd does, and `ehb audit-reads` lists
// the history while ehbd runs on the same directory, recording that reading too.
TEST_F(AccessAudit, OfflineReadsAreAuditedAndTheCommandListsTheHistory) {
    const std::string ehb = EHB_BINARY;
    const test::Output book =
        test::run_command(ehb + " book --data " + data.string() + " --purpose 'court order 12/2026' 001090012345");
    ASSERT_EQ(book.exit_code, 0);
    EXPECT_NE(book.out.find("LK0001"), std::string::npos);
    const test::Output history = test::run_command(ehb + " audit-reads --data " + data.string() + " DN4010123456789");
    ASSERT_EQ(history.exit_code, 0) << history.out;
    test::Json json;
    auto reads = json.parse(history.out)["reads"].get_array();
    ASSERT_EQ(reads.size(), 1u) << history.out;
    EXPECT_EQ(test::str(reads.at(0), "channel"), "offline");
    EXPECT_EQ(test::str(reads.at(0), "purpose"), "court order 12/2026");
    EXPECT_EQ(test::str(reads.at(0), "principal").rfind("os.", 0), 0u);
    EXPECT_EQ(test::run_command(ehb + " audit-reads --data " + data.string() + " 12345 2>/dev/null").exit_code, 2);

    const test::Output again = test::run_command(ehb + " audit-reads --data " + data.string() +
                                                 " --purpose 'citizen request' 001090012345");
    ASSERT_EQ(again.exit_code, 0) << again.out;
    auto later = json.parse(again.out)["reads"].get_array();
    ASSERT_EQ(later.size(), 2u) << again.out;
    EXPECT_EQ(test::str(later.at(0), "what"), "access_history");
    EXPECT_EQ(test::str(later.at(0), "channel"), "offline");
    EXPECT_EQ(test::str(later.at(0), "identifier"), "DN4010123456789");
    EXPECT_EQ(test::str(later.at(0), "principal").rfind("os.", 0), 0u);
    EXPECT_EQ(test::str(later.at(1), "what"), "book");
}

}  // namespace
}  // namespace ehb
