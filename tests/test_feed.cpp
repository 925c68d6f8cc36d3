// The change feed (engine/feed.hpp) on a real store: what each change writes,
// its rendering, filters and cursors.
#include <gtest/gtest.h>

#include <simdjson.h>

#include "engine/feed.hpp"
#include "engine/ingest.hpp"
#include "engine/person/steward.hpp"
#include "engine/pipeline.hpp"
#include "tests/docs.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

using test::appointment;
using test::Doc;
using test::TempDir;

class FeedTest : public ::testing::Test {
protected:
    TempDir dir;
    std::unique_ptr<Store> store = std::make_unique<Store>(dir.path());
    std::unique_ptr<Engine> engine = std::make_unique<Engine>(*store);

    RecordResult push(const std::string& doc) {
        std::string_view v = doc;
        return engine->ingest(std::span(&v, 1), "hospital").at(0);
    }
    FeedChunk read(uint64_t from, const FeedFilter& filter = {}, std::size_t max_events = 1000,
                   uint64_t until = UINT64_MAX) {
        FeedReader reader(&store->dictionaries());
        FeedChunk chunk;
        FeedLimits limits;
        limits.events = max_events;
        limits.until = until;
        store->read([&](const StoreReader& r) { reader.read(r, from, filter, limits, chunk); });
        return chunk;
    }
    // The chunk's events, parsed.
    std::vector<simdjson::dom::element> parse(const FeedChunk& c) {
        std::vector<simdjson::dom::element> out;
        for (std::size_t i = 0; i < c.size(); ++i) {
            texts_.emplace_back(c.event(i));
            parsers_.emplace_back();
            out.push_back(parsers_.back().parse(texts_.back()).value());
        }
        return out;
    }
    static std::string str(simdjson::dom::element e, const char* key) {
        std::string_view s;
        if (e[key].get(s) != simdjson::SUCCESS) return "<none>";
        return std::string(s);
    }
    static uint64_t num(simdjson::dom::element e, const char* key) {
        uint64_t n = 0;
        EXPECT_EQ(e[key].get(n), simdjson::SUCCESS) << key;
        return n;
    }

private:
    std::deque<std::string> texts_;
    std::deque<simdjson::dom::parser> parsers_;
};

TEST_F(FeedTest, EpisodeVersionsAndAppointmentsInCommitOrder) {
    Doc d;
    d.extra = {{"MATINH_CU_TRU", "\"79\""}};
    ASSERT_EQ(push(d.json()).status, Status::accepted);
    ASSERT_EQ(push(d.json()).status, Status::duplicate);  // writes nothing, on the feed too
    d.tables = appointment(d, "GH-1", "202501200800");
    ASSERT_EQ(push(d.json()).status, Status::new_version);
    d.tables = appointment(d, "GH-1", "202501270800");
    ASSERT_EQ(push(d.json()).status, Status::new_version);
    d.tables.clear();
    ASSERT_EQ(push(d.json()).status, Status::new_version);

    FeedChunk c = read(1);
    EXPECT_EQ(c.seqs, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7}));
    EXPECT_EQ(c.next, 8u);
    auto ev = parse(c);
    // 1: the first version; 2-3: a new version that books an appointment; 4-5: moves it; 6-7: cancels it.
    const std::vector<std::string> types = {"episode", "episode", "appointment", "episode",
                                            "appointment", "episode", "appointment"};
    for (std::size_t i = 0; i < ev.size(); ++i) {
        EXPECT_EQ(num(ev[i], "seq"), i + 1);
        EXPECT_EQ(str(ev[i], "type"), types[i]) << i;
        EXPECT_EQ(str(ev[i], "facility"), "01001");
        EXPECT_EQ(str(ev[i], "ma_lk"), "LK0001");
        EXPECT_EQ(str(ev[i], "facility_province"), "01");
        EXPECT_EQ(str(ev[i], "residence_province"), "79");
        EXPECT_EQ(str(ev[i], "kind"), "episode");
    }
    EXPECT_EQ(str(ev[0], "status"), "accepted");
    EXPECT_EQ(num(ev[0], "log_seq"), 1u);
    EXPECT_EQ(num(ev[0], "version"), 1u);
    EXPECT_EQ(str(ev[0], "principal"), "hospital");
    EXPECT_EQ(str(ev[1], "status"), "new_version");
    EXPECT_EQ(num(ev[1], "version"), 2u);
    EXPECT_EQ(str(ev[2], "change"), "booked");
    EXPECT_EQ(str(ev[2], "day"), "2025-01-20");
    EXPECT_EQ(num(ev[2], "log_seq"), 2u);
    EXPECT_EQ(str(ev[4], "change"), "moved");
    EXPECT_EQ(str(ev[4], "day"), "2025-01-27");
    EXPECT_EQ(str(ev[4], "previous_day"), "2025-01-20");
    EXPECT_EQ(str(ev[6], "change"), "cancelled");
    EXPECT_EQ(str(ev[6], "day"), "<none>");
    EXPECT_EQ(str(ev[6], "previous_day"), "2025-01-27");
    EXPECT_EQ(num(ev[0], "person"), num(ev[5], "person"));
}

TEST_F(FeedTest, RecordsAreCarriedWhenAskedFor) {
    push(Doc{}.json());
    FeedFilter with;
    with.records = true;
    auto ev = parse(read(1, with));
    ASSERT_EQ(ev.size(), 1u);
    simdjson::dom::element record;
    ASSERT_EQ(ev[0]["record"].get(record), simdjson::SUCCESS);
    EXPECT_EQ(str(record["XML1"], "HO_TEN"), "Nguyễn Văn An");
    auto without = parse(read(1));
    EXPECT_EQ(without[0]["record"].error(), simdjson::NO_SUCH_FIELD);
}

TEST_F(FeedTest, IdentityEventsCarryTheEventAndTheResidence) {
    Doc a, b;
    b.ma_lk = "LK0002";
    b.citizen = "079095012345";
    b.card = "DN4797654321098";
    b.name = "Trần Thị Bình";
    b.birth = "199503030000";
    b.sex = "2";
    b.extra = {{"MATINH_CU_TRU", "\"79\""}};
    const uint64_t first = push(a.json()).seq, second = push(b.json()).seq;
    uint64_t pa = 0, pb = 0;
    store->read([&](const StoreReader& r) {
        pa = r.entry(first)->filed_under.value;
        pb = r.entry(second)->filed_under.value;
    });
    ASSERT_NE(pa, pb);
    store->write([&](StoreWriter& w) { person::merge_persons(w, pb, pa, {"steward", "same person", 1'700'000'000'000'000}); });

    FeedChunk c = read(3);
    auto ev = parse(c);
    ASSERT_GE(ev.size(), 1u);
    EXPECT_EQ(str(ev[0], "type"), "identity");
    EXPECT_EQ(str(ev[0], "residence_province"), "79");
    EXPECT_EQ(str(ev[0], "time"), "2023-11-14T22:13:20.000000Z");
    EXPECT_EQ(str(ev[0]["event"], "event"), "merged");
    EXPECT_EQ(str(ev[0]["event"], "person"), std::to_string(pb));
    EXPECT_EQ(str(ev[0]["event"], "other"), std::to_string(pa));
    EXPECT_GE(num(ev[0], "event_id"), 1u);
}

TEST_F(FeedTest, FiltersKeepTheCursorMovingPastWhatTheyLeaveOut) {
    for (int i = 0; i < 6; ++i) {
        Doc d;
        d.ma_lk = test::key("LK", {i});
        d.citizen = test::key("00109001234", {i});  // six persons: no identity events between them
        d.card = test::key("DN401012345678", {i});
        d.facility = i % 2 == 0 ? "01001" : "79001";
        d.extra = {{"MATINH_CU_TRU", i < 3 ? "\"01\"" : "\"48\""}};
        if (i == 5) d.tables = appointment(d, "GH-5", "202502010800");
        ASSERT_EQ(push(d.json()).status, Status::accepted);
    }
    FeedFilter hcm;
    hcm.facility_province = 79;
    FeedChunk c = read(1, hcm);
    EXPECT_EQ(c.seqs, (std::vector<uint64_t>{2, 4, 6, 7}));
    EXPECT_EQ(c.next, 8u);

    FeedFilter danang;  // by residence, appointments only
    danang.residence_province = 48;
    danang.types = kFeedAppointments;
    c = read(1, danang);
    EXPECT_EQ(c.seqs, (std::vector<uint64_t>{7}));

    FeedFilter both;
    both.facility_province = 1;
    both.residence_province = 48;
    c = read(1, both);
    EXPECT_EQ(c.seqs, (std::vector<uint64_t>{5}));

    // A read stopped by its size resumes where it stopped; nothing is repeated or skipped.
    std::vector<uint64_t> seen;
    for (uint64_t from = 1;;) {
        c = read(from, hcm, 1);
        if (c.size() == 0) break;
        seen.insert(seen.end(), c.seqs.begin(), c.seqs.end());
        from = c.next;
    }
    EXPECT_EQ(seen, (std::vector<uint64_t>{2, 4, 6, 7}));
    // Nothing past `until` (ehbd: the last durable change) is read, and the cursor stops there.
    c = read(1, hcm, 1000, 5);
    EXPECT_EQ(c.seqs, (std::vector<uint64_t>{2, 4}));
    EXPECT_EQ(c.next, 6u);
    EXPECT_EQ(read(6, {}, 1000, 5).next, 6u);
    EXPECT_EQ(read(100).size(), 0u);
    EXPECT_EQ(read(100).next, 100u);
}

TEST_F(FeedTest, TypeNamesParse) {
    uint8_t bits = 0;
    EXPECT_TRUE(parse_feed_types("episode", bits));
    EXPECT_EQ(bits, kFeedEpisodes);
    EXPECT_TRUE(parse_feed_types("identity,appointment", bits));
    EXPECT_EQ(bits, kFeedIdentity | kFeedAppointments);
    EXPECT_FALSE(parse_feed_types("episode,visits", bits));
    EXPECT_FALSE(parse_feed_types("", bits));
    EXPECT_TRUE(parse_feed_kinds("checkin,vaccination", bits));
    EXPECT_EQ(bits, kKindCheckin | kKindVaccination);
    EXPECT_FALSE(parse_feed_kinds("episode,identity", bits));
}

TEST_F(FeedTest, KindsKeepTheRecordsAskedForAndLeaveIdentityEventsAlone) {
    ASSERT_EQ(push(test::checkin(Doc{})).status, Status::accepted);  // a check-in: kind checkin
    ASSERT_EQ(push(Doc{}.json()).status, Status::new_version);       // its full record: kind episode
    store->write([&](StoreWriter& w) {
        person::identity_event(w, "best_record_changed", 1, 0, 0, 1'700'000'000'000'000, 1);
    });
    FeedFilter checkins;
    checkins.kinds = kKindCheckin;
    auto ev = parse(read(1, checkins));  // the check-in, and identity events (ingest's own among them)
    ASSERT_GE(ev.size(), 2u);
    EXPECT_EQ(str(ev[0], "kind"), "checkin");
    for (std::size_t i = 1; i < ev.size(); ++i) EXPECT_EQ(str(ev[i], "type"), "identity") << i;
    EXPECT_EQ(num(ev.back(), "event_id"), store->read([](const StoreReader& r) {
        return r.last_numbered(r.tables().person_events);
    }));
    FeedFilter episodes;
    episodes.kinds = kKindEpisode;
    episodes.types = kFeedEpisodes;
    ev = parse(read(1, episodes));
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(str(ev[0], "status"), "new_version");
}

TEST_F(FeedTest, SurvivesReopeningAndThePipelineReportsItsHead) {
    push(Doc{}.json());
    engine.reset();
    store = std::make_unique<Store>(dir.path());
    std::vector<uint64_t> heads;
    {
        PipelineOptions options;
        options.on_commit = [&](uint64_t head) { heads.push_back(head); };
        Pipeline pipeline(*store, options);
        Doc d;
        d.ma_lk = "LK0002";
        d.tables = appointment(d, "GH-2", "202502010800");
        std::string doc = d.json();
        const std::size_t size = doc.size();
        pipeline.submit(std::move(doc), {{0, size}}, "hospital", [](std::span<const RecordResult>) {});
    }
    ASSERT_FALSE(heads.empty());
    EXPECT_EQ(heads.back(), 3u);  // after the reopened store's 1: an episode and its appointment
    FeedChunk c = read(1);
    EXPECT_EQ(c.seqs, (std::vector<uint64_t>{1, 2, 3}));
}

}  // namespace
}  // namespace ehb
