// Exactly-once batches and the facility restriction through the pipeline
// (engine/batch_ledger.hpp), on a real store.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <future>

#include "engine/pipeline.hpp"
#include "tests/docs.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

struct Answered {
    BatchVerdict verdict;
    std::vector<RecordResult> results;
};

class Batches : public ::testing::Test {
protected:
    test::TempDir dir;
    std::unique_ptr<Store> store = std::make_unique<Store>(dir.path());
    std::unique_ptr<Pipeline> pipeline = std::make_unique<Pipeline>(*store);

    static std::string doc(const std::string& ma_lk, const std::string& facility = "01001",
                           const std::string& icd = "J06.9") {
        test::Doc d;
        d.ma_lk = ma_lk;
        d.facility = facility;
        d.icd = icd;
        return d.json();
    }

    std::future<Answered> submit(std::vector<std::string> docs, uint32_t stream, uint64_t batch_seq,
                                 std::string facility = {}, std::string principal = "portal-1") {
        std::string buffer;
        std::vector<Pipeline::Span> spans;
        for (const auto& d : docs) {
            spans.emplace_back(buffer.size(), d.size());
            buffer += d;
        }
        BatchSource source{principal, std::move(facility), BatchOrigin{principal, stream, batch_seq, {}}, {}};
        source.origin->body_hash = {std::hash<std::string>{}(buffer), buffer.size()};
        auto promise = std::make_shared<std::promise<Answered>>();
        pipeline->submit(std::move(buffer), spans, std::move(source), [promise](BatchVerdict v, auto results) {
            promise->set_value({v, {results.begin(), results.end()}});
        });
        return promise->get_future();
    }

    Answered push(std::vector<std::string> docs, uint32_t stream, uint64_t batch_seq, std::string facility = {},
                  std::string principal = "portal-1") {
        return submit(std::move(docs), stream, batch_seq, std::move(facility), std::move(principal)).get();
    }

    std::size_t log_size() const {
        return store->read([](const StoreReader& r) { return r.entries(r.tables().log); });
    }
};

TEST_F(Batches, ARetryIsAnsweredWithTheFirstResultsAndStoresNothing) {
    Answered first = push({doc("A1"), "{not json", doc("A2")}, 7, 1);
    ASSERT_EQ(first.verdict, BatchVerdict::fresh);
    ASSERT_EQ(first.results.size(), 3u);
    EXPECT_EQ(first.results[0].status, Status::accepted);
    EXPECT_EQ(first.results[1].status, Status::rejected);
    EXPECT_EQ(first.results[2].status, Status::accepted);
    // A newer batch of the same stream commits before the retry arrives.
    EXPECT_EQ(push({doc("A3")}, 7, 2).verdict, BatchVerdict::fresh);
    std::size_t before = log_size();

    Answered retry = push({doc("A1"), "{not json", doc("A2")}, 7, 1);
    EXPECT_EQ(retry.verdict, BatchVerdict::replay);
    ASSERT_EQ(retry.results.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(retry.results[i].status, first.results[i].status);
        EXPECT_EQ(retry.results[i].seq, first.results[i].seq);
        EXPECT_EQ(retry.results[i].error.code, first.results[i].error.code);
        EXPECT_EQ(retry.results[i].error.field, first.results[i].error.field);
        EXPECT_EQ(retry.results[i].error.reason, first.results[i].error.reason);
    }
    EXPECT_EQ(log_size(), before);
}

TEST_F(Batches, StoredAnswersSurviveReopening) {
    Answered first = push({doc("B1")}, 1, 10);
    pipeline.reset();
    store = std::make_unique<Store>(dir.path());
    pipeline = std::make_unique<Pipeline>(*store);
    Answered retry = push({doc("B1")}, 1, 10);
    EXPECT_EQ(retry.verdict, BatchVerdict::replay);
    EXPECT_EQ(retry.results.at(0).seq, first.results.at(0).seq);
    EXPECT_EQ(retry.results.at(0).status, Status::accepted);
}

TEST_F(Batches, ALateBatchNeverCommittedIsRefusedAndOtherStreamsAreIndependent) {
    push({doc("C1")}, 1, 5);
    Answered late = push({doc("C2")}, 1, 4);
    EXPECT_EQ(late.verdict, BatchVerdict::order);
    EXPECT_TRUE(late.results.empty());
    // Stream 2 of the same principal and stream 1 of another principal start afresh.
    EXPECT_EQ(push({doc("C3")}, 2, 4).verdict, BatchVerdict::fresh);
    EXPECT_EQ(push({doc("C4")}, 1, 4, {}, "portal-2").verdict, BatchVerdict::fresh);
    EXPECT_EQ(log_size(), 3u);
}

TEST_F(Batches, ARetryWithOtherDocumentsIsAMismatch) {
    push({doc("D1")}, 1, 1);
    Answered other = push({doc("D2")}, 1, 1);
    EXPECT_EQ(other.verdict, BatchVerdict::mismatch);
    EXPECT_TRUE(other.results.empty());
    EXPECT_EQ(log_size(), 1u);
}

TEST_F(Batches, AFacilityMayPushOnlyItsOwnEpisodesAndTheRestOfTheBatchLands) {
    Answered a = push({doc("E1", "01001"), doc("E2", "79002"), doc("E3", "01001")}, 1, 1, "01001", "fac-01001");
    ASSERT_EQ(a.results.size(), 3u);
    EXPECT_EQ(a.results[0].status, Status::accepted);
    EXPECT_EQ(a.results[1].status, Status::rejected);
    EXPECT_EQ(a.results[1].error.code, "E_FORBIDDEN");
    EXPECT_EQ(a.results[1].error.field, "MA_CSKCB");
    EXPECT_EQ(a.results[2].status, Status::accepted);
    EXPECT_EQ(log_size(), 2u);
}

TEST_F(Batches, BatchesOfOneStreamInOneCommitSeeEachOther) {
    // A commit delay far longer than the three submits take puts them in one
    // transaction: the copy of batch 1 must still be a replay, the correction must win.
    pipeline.reset();
    PipelineOptions options;
    options.commit_delay = std::chrono::seconds(1);
    pipeline = std::make_unique<Pipeline>(*store, options);
    auto one = submit({doc("F1")}, 3, 1);
    auto two = submit({doc("F1", "01001", "I10")}, 3, 2);
    auto again = submit({doc("F1")}, 3, 1);
    EXPECT_EQ(one.get().results.at(0).status, Status::accepted);
    EXPECT_EQ(two.get().results.at(0).status, Status::new_version);
    Answered replay = again.get();
    EXPECT_EQ(replay.verdict, BatchVerdict::replay);
    EXPECT_EQ(replay.results.at(0).status, Status::accepted);
    EXPECT_EQ(log_size(), 2u);
    pipeline->close();
    EXPECT_EQ(pipeline->stats().commits, 1u);
}

TEST(CommitDelay, BatchesArrivingWithinTheDelayShareOneCommit) {
    test::TempDir dir;
    Store store(dir.path());
    PipelineOptions options;
    options.commit_delay = std::chrono::seconds(1);  // far longer than preparing two small batches takes
    Pipeline pipeline(store, options);
    std::promise<void> both;
    std::atomic<int> answered{0};
    for (const char* ma_lk : {"G1", "G2"}) {
        test::Doc d;
        d.ma_lk = ma_lk;
        std::string json = d.json();
        pipeline.submit(json, {{0, json.size()}}, "portal-1", [&](auto) {
            if (++answered == 2) both.set_value();
        });
    }
    // Waiting here, not in close(): closing flushes at once, without the delay.
    both.get_future().wait();
    pipeline.close();  // the writer has counted the commit
    EXPECT_EQ(pipeline.stats().batches, 2u);
    EXPECT_EQ(pipeline.stats().commits, 1u);
}

TEST(BatchResults, EncodeDecodeRoundTripKeepsEveryField) {
    std::vector<RecordResult> in(3);
    in[0] = {Status::accepted, 42, true, {}, {{"W_PROVINCE", "MA_CSKCB", "unknown province 99"}}};
    in[1] = {Status::rejected, 0, false, {"E_DATE", "NGAY_VAO", "not a real time"}, {}};
    in[2] = {Status::duplicate, 41, false, {}, {}};
    std::string bytes;
    encode_results(bytes, in);
    std::vector<RecordResult> out;
    ASSERT_TRUE(decode_results(bytes, out));
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].seq, 42u);
    EXPECT_TRUE(out[0].flagged);
    ASSERT_EQ(out[0].warnings.size(), 1u);
    EXPECT_EQ(out[0].warnings[0].reason, "unknown province 99");
    EXPECT_EQ(out[1].status, Status::rejected);
    EXPECT_EQ(out[1].error.field, "NGAY_VAO");
    EXPECT_EQ(out[2].status, Status::duplicate);
    for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
        std::vector<RecordResult> partial;
        EXPECT_FALSE(decode_results(std::string_view(bytes).substr(0, cut), partial) && partial.size() == 3) << cut;
    }
}

}  // namespace
}  // namespace ehb
