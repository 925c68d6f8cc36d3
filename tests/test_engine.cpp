// Every ingest decision, identity step and read path, on a real store.
#include <gtest/gtest.h>

#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <future>
#include <thread>

#include "engine/book.hpp"
#include "engine/ingest.hpp"
#include "engine/pipeline.hpp"
#include "tests/docs.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

using test::Doc;
using test::TempDir;

class EngineTest : public ::testing::Test {
protected:
    TempDir dir;
    std::unique_ptr<Store> store = std::make_unique<Store>(dir.path());
    std::unique_ptr<Engine> engine = std::make_unique<Engine>(*store);

    std::vector<RecordResult> push(const std::vector<std::string>& docs) {
        std::vector<std::string_view> views(docs.begin(), docs.end());
        return engine->ingest(views, "test");
    }
    RecordResult push1(const std::string& doc) { return push({doc}).at(0); }

    Book book(std::string_view id, bool history = false) {
        BookReader reader(*store);
        Book b;
        EXPECT_TRUE(reader.read(id, b, history)) << id;
        return b;
    }
    static std::vector<std::string> ma_lks(const Book& b) {
        std::vector<std::string> out;
        for (const auto& e : b.episodes) out.push_back(e.ma_lk);
        return out;
    }
    uint64_t last_seq() { return store->read([](const StoreReader& r) { return r.last_seq(); }); }
    void reopen() {
        engine.reset();
        store.reset();
        store = std::make_unique<Store>(dir.path());
        engine = std::make_unique<Engine>(*store);
    }
};

TEST_F(EngineTest, NewEpisodeIsAcceptedAndFiledUnderTheCitizen) {
    RecordResult r = push1(Doc{}.json());
    EXPECT_EQ(r.status, Status::accepted) << r.error.code << " " << r.error.field << " " << r.error.reason;
    EXPECT_EQ(r.seq, 1u);
    EXPECT_FALSE(r.flagged);
    Book b = book("001090012345");
    ASSERT_EQ(b.episodes.size(), 1u);
    EXPECT_EQ(b.episodes[0].facility, "01001");
    EXPECT_EQ(b.episodes[0].ma_lk, "LK0001");
    EXPECT_EQ(b.episodes[0].current.status, schema::EntryStatus::accepted);
    EXPECT_NE(b.episodes[0].current.canonical.find("\"HO_TEN\":\"Nguyễn Văn An\""), std::string::npos);
    EXPECT_EQ(b.episodes[0].current.principal, "test");
}

TEST_F(EngineTest, ResendsAndReserialisationsAreDuplicatesAndWriteNothing) {
    std::string doc = Doc{}.json();
    ASSERT_EQ(push1(doc).status, Status::accepted);
    RecordResult again = push1(doc);
    EXPECT_EQ(again.status, Status::duplicate);
    EXPECT_EQ(again.seq, 1u);
    // Same content, other key order and whitespace: the same visit by another channel.
    std::string reordered = Doc{}.json_reordered();
    ASSERT_NE(reordered, doc);
    EXPECT_EQ(push1(reordered).status, Status::duplicate) << reordered;
    EXPECT_EQ(last_seq(), 1u);
}

TEST_F(EngineTest, ChangedContentIsANewVersionEvenWhenItRestoresAnOlderOne) {
    Doc v1;
    Doc v2 = v1;
    v2.icd = "J20.9";  // an ICD code corrected
    ASSERT_EQ(push1(v1.json()).status, Status::accepted);
    RecordResult r2 = push1(v2.json());
    EXPECT_EQ(r2.status, Status::new_version);
    EXPECT_EQ(r2.seq, 2u);
    RecordResult r3 = push1(v1.json());  // a correction back to the first values
    EXPECT_EQ(r3.status, Status::new_version);
    EXPECT_EQ(push1(v1.json()).status, Status::duplicate);

    Book b = book("001090012345", /*history=*/true);
    ASSERT_EQ(b.episodes.size(), 1u);
    const BookEpisode& ep = b.episodes[0];
    EXPECT_EQ(ep.versions, 3u);
    EXPECT_EQ(ep.current.seq, 3u);
    EXPECT_EQ(ep.current.status, schema::EntryStatus::new_version);
    ASSERT_EQ(ep.earlier.size(), 2u);
    EXPECT_EQ(ep.earlier[0].seq, 2u);
    EXPECT_NE(ep.earlier[0].canonical.find("J20.9"), std::string::npos);
    EXPECT_EQ(ep.earlier[1].seq, 1u);
    EXPECT_EQ(ep.earlier[1].canonical, ep.current.canonical);
    // Without history only the current version is loaded.
    EXPECT_TRUE(book("001090012345").episodes[0].earlier.empty());
}

TEST_F(EngineTest, BadRecordsAreRejectedAndTheirBatchsGoodRecordsLand) {
    Doc a, c;
    a.ma_lk = "A";
    c.ma_lk = "C";
    Doc bad_date = a;
    bad_date.ma_lk = "B";
    bad_date.discharged = "202502301000";  // February 30th
    auto results = push({a.json(), "{\"XML1\": {", bad_date.json(), "[]", c.json()});
    ASSERT_EQ(results.size(), 5u);
    EXPECT_EQ(results[0].status, Status::accepted);
    EXPECT_EQ(results[1].status, Status::rejected);
    EXPECT_EQ(results[1].error.code, "E_JSON");
    EXPECT_EQ(results[2].status, Status::rejected);
    EXPECT_EQ(results[2].error.code, "E_DATE");
    EXPECT_EQ(results[2].error.field, "XML1.NGAY_RA");
    EXPECT_FALSE(results[2].error.reason.empty());
    EXPECT_EQ(results[3].error.code, "E_NOT_OBJECT");
    EXPECT_EQ(results[4].status, Status::accepted);
    EXPECT_EQ(results[4].seq, 2u);
    EXPECT_EQ(ma_lks(book("001090012345")), (std::vector<std::string>{"C", "A"}));
}

// Every kind of bad input in one batch, between good records: each gets its
// own error, and the good records all land.
TEST_F(EngineTest, EveryKindOfBadInputIsRejectedAloneInItsBatch) {
    auto variant = [](std::string ma_lk) {
        Doc d;
        d.ma_lk = std::move(ma_lk);
        return d;
    };
    Doc wrong_type = variant("T");
    wrong_type.extra = {{"DIA_CHI", "42"}};  // a string field sent as a number
    Doc missing = variant("M");
    missing.icd = "";  // MA_BENH_CHINH is required
    Doc bad_id = variant("I");
    bad_id.citizen = "00109001234";  // 11 digits
    Doc bad_date = variant("D");
    bad_date.admitted = "202502291000";  // 2025 is not a leap year
    Doc big = variant("BIG");
    big.extra = {{"GHI_CHU", "\"" + std::string(10u << 20, 'x') + "\""}};
    std::string deep = std::string(100, '[') + std::string(100, ']');
    std::string bad_utf8 = variant("U").json();
    bad_utf8.replace(bad_utf8.find("Nguy"), 4, "\xff\xfe\xfd\xfc");

    std::vector<std::pair<std::string, std::string>> cases = {  // document, expected error code ("" = good)
        {variant("G1").json(), ""},
        {"{\"XML1\": {\"MA_LK\": ", "E_JSON"},
        {wrong_type.json(), "E_TYPE"},
        {"{\"XML2\": []}", "E_NO_XML1"},
        {missing.json(), "E_REQUIRED"},
        {variant("G2").json(), ""},
        {bad_id.json(), "E_ID"},
        {bad_date.json(), "E_DATE"},
        {big.json(), "E_TOO_LARGE"},
        {deep, "E_DEPTH"},
        {bad_utf8, "E_UTF8"},
        {variant("G3").json(), ""},
    };
    std::vector<std::string> docs;
    for (const auto& c : cases) docs.push_back(c.first);
    auto results = push(docs);
    ASSERT_EQ(results.size(), cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
        if (cases[i].second.empty()) {
            EXPECT_EQ(results[i].status, Status::accepted) << i << ": " << results[i].error.code;
        } else {
            EXPECT_EQ(results[i].status, Status::rejected) << i;
            EXPECT_EQ(results[i].error.code, cases[i].second) << i << ": " << results[i].error.reason;
            EXPECT_FALSE(results[i].error.reason.empty()) << i;
        }
    }
    auto got = ma_lks(book("001090012345"));
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::string>{"G1", "G2", "G3"}));
}

// A batch that fills the map is applied again, from scratch, in a larger map:
// every status and every book is as if the map had been large from the start.
TEST(EngineMapGrowth, BatchesThatFillTheMapAreAppliedOnceAndWhole) {
    test::TempDir dir;
    StoreOptions small;
    small.initial_map_size = 1 << 20;
    Store store(dir.path(), small);
    Engine engine(store);
    std::vector<std::string> docs;
    for (int i = 0; i < 3000; ++i) {
        Doc d;
        d.ma_lk = std::to_string(500000 + i % 2500);  // the last 500 repeat earlier keys
        if (i >= 2500) d.icd = "I10";                   // with new content: new versions
        std::string note(1, '"');
        note.append(std::size_t(400 + i % 300), 'x').push_back('"');
        d.extra = {{"GHI_CHU", note}};
        docs.push_back(d.json());
    }
    std::size_t accepted = 0, new_versions = 0;
    for (std::size_t at = 0; at < docs.size(); at += 500) {
        std::vector<std::string_view> views(docs.begin() + std::ptrdiff_t(at), docs.begin() + std::ptrdiff_t(at + 500));
        for (const RecordResult& r : engine.ingest(views, "test")) {
            accepted += r.status == Status::accepted;
            new_versions += r.status == Status::new_version;
        }
    }
    EXPECT_GT(store.map_growths(), 0u);
    EXPECT_EQ(accepted, 2500u);
    EXPECT_EQ(new_versions, 500u);
    EXPECT_EQ(store.read([](const StoreReader& r) { return r.last_seq(); }), 3000u);
    BookReader reader(store);
    Book book;
    ASSERT_TRUE(reader.read("001090012345", book));
    EXPECT_EQ(book.episodes.size(), 2500u);
}

TEST_F(EngineTest, LaterRecordsOfABatchSeeEarlierOnes) {
    Doc a;
    Doc a2 = a;
    a2.extra = {{"NGAY_TTOAN", "\"202501101100\""}};  // payment time added
    auto results = push({a.json(), a.json(), a2.json()});
    EXPECT_EQ(results[0].status, Status::accepted);
    EXPECT_EQ(results[1].status, Status::duplicate);
    EXPECT_EQ(results[1].seq, 1u);
    EXPECT_EQ(results[2].status, Status::new_version);
}

TEST_F(EngineTest, EmptyBatchCommitsNothing) {
    EXPECT_TRUE(push({}).empty());
    EXPECT_EQ(last_seq(), 0u);
}

TEST_F(EngineTest, CardOnlyEpisodesJoinTheCitizensBookOnceLinked) {
    Doc card_only;
    card_only.ma_lk = "EARLY";
    card_only.citizen = "";
    card_only.admitted = "202401050800";
    card_only.discharged = "202401050900";
    ASSERT_EQ(push1(card_only.json()).status, Status::accepted);
    EXPECT_EQ(ma_lks(book("0123456789")), std::vector<std::string>{"EARLY"});
    EXPECT_EQ(ma_lks(book("DN4010123456789")), std::vector<std::string>{"EARLY"});
    EXPECT_TRUE(book("001090012345").episodes.empty());

    ASSERT_EQ(push1(Doc{}.json()).status, Status::accepted);  // citizen ID and card together
    Book b = book("001090012345");
    EXPECT_EQ(ma_lks(b), (std::vector<std::string>{"LK0001", "EARLY"}));
    // The card's person took the citizen ID: one person, both records filed under it.
    EXPECT_EQ(b.root, schema::PersonKey::person(1));
    EXPECT_EQ(b.filed_under, (std::vector<schema::PersonKey>{schema::PersonKey::person(1)}));
    // The card's code, the first record's patient number, then the citizen ID and the second patient number.
    ASSERT_EQ(b.identifiers.size(), 4u);
    EXPECT_EQ(b.identifiers[0].id.value, "0123456789");
    EXPECT_EQ(b.identifiers[2].id.value, "001090012345");
    // Any identifier now leads to the same book; the log was not rewritten.
    EXPECT_EQ(ma_lks(book("0123456789")), ma_lks(b));
    EXPECT_EQ(ma_lks(book("HT3790123456789")), ma_lks(b));  // another card with the same code
    store->read([](const StoreReader& r) {
        EXPECT_EQ(r.entry(1)->filed_under, schema::PersonKey::person(1));
        return 0;
    });
}

TEST_F(EngineTest, OldIdEpisodesFollowTheirCardIntoTheBook) {
    ASSERT_EQ(push1(Doc{}.json()).status, Status::accepted);
    Doc old;
    old.ma_lk = "OLD";
    old.citizen = "012345678";
    RecordResult r = push1(old.json());
    EXPECT_EQ(r.status, Status::accepted);
    EXPECT_FALSE(r.flagged);
    EXPECT_EQ(ma_lks(book("001090012345")).size(), 2u);
    EXPECT_EQ(ma_lks(book("012345678")).size(), 2u);
}

TEST_F(EngineTest, OldIdLinkedBeforeTheCardIsJoinsLater) {
    Doc old;
    old.ma_lk = "OLD";
    old.citizen = "012345678";
    ASSERT_EQ(push1(old.json()).status, Status::accepted);  // old ID + unlinked card
    Doc only_old = old;
    only_old.ma_lk = "OLD2";
    only_old.card = "";
    ASSERT_EQ(push1(only_old.json()).status, Status::accepted);  // old ID alone
    ASSERT_EQ(push1(Doc{}.json()).status, Status::accepted);     // links the card to the citizen
    auto got = ma_lks(book("001090012345"));
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::string>{"LK0001", "OLD", "OLD2"}));
}

TEST_F(EngineTest, CitizenAndCardOfTwoPeopleIsStoredFlaggedAndNeverMerged) {
    ASSERT_EQ(push1(Doc{}.json()).status, Status::accepted);  // B: 001090012345 owns card ...0123456789
    Doc a;
    a.ma_lk = "WRONGCARD";
    a.citizen = "079190000111";  // A, female, born 1990
    a.sex = "2";
    RecordResult r = push1(a.json());
    EXPECT_EQ(r.status, Status::accepted);
    EXPECT_TRUE(r.flagged);
    Book book_a = book("079190000111");
    ASSERT_EQ(book_a.episodes.size(), 1u);
    EXPECT_TRUE(book_a.episodes[0].current.flagged);
    // The card still leads to its owner only.
    EXPECT_EQ(ma_lks(book("0123456789")), std::vector<std::string>{"LK0001"});
    EXPECT_EQ(book("0123456789").root, book("001090012345").root);
    EXPECT_NE(book_a.root, book("001090012345").root);
}

TEST_F(EngineTest, ACorrectedCitizenIdMovesTheEpisodeToTheRightBook) {
    Doc wrong;
    wrong.citizen = "001090099999";
    wrong.card = "";
    ASSERT_EQ(push1(wrong.json()).status, Status::accepted);
    Doc right = wrong;
    right.citizen = "001090012345";
    ASSERT_EQ(push1(right.json()).status, Status::new_version);
    EXPECT_TRUE(book("001090099999").episodes.empty());
    EXPECT_EQ(book("001090012345").episodes.size(), 1u);
}

TEST_F(EngineTest, BookIsNewestVisitFirstAndUnknownIdsGiveAnEmptyBook) {
    Doc older, newer;
    older.ma_lk = "OLDER";
    older.admitted = "202401010800";
    older.discharged = "202401010900";
    newer.ma_lk = "NEWER";
    push({newer.json(), older.json()});
    EXPECT_EQ(ma_lks(book("001090012345")), (std::vector<std::string>{"NEWER", "OLDER"}));
    EXPECT_TRUE(book("001090000000").episodes.empty());
    BookReader reader(*store);
    Book b;
    EXPECT_FALSE(reader.read("12345", b));
}

TEST_F(EngineTest, EverythingSurvivesCloseAndReopen) {
    Doc v1;
    ASSERT_EQ(push1(v1.json()).status, Status::accepted);
    reopen();
    EXPECT_EQ(push1(v1.json()).status, Status::duplicate);
    Doc v2 = v1;
    v2.icd = "J18.9";
    RecordResult r = push1(v2.json());
    EXPECT_EQ(r.status, Status::new_version);
    EXPECT_EQ(r.seq, 2u);
    reopen();
    EXPECT_EQ(book("0123456789").episodes.at(0).versions, 2u);
}

TEST_F(EngineTest, BookJsonCarriesTheRecordAndItsMetadata) {
    push1(Doc{}.json());
    std::string json = book_json(book("001090012345"));
    EXPECT_NE(json.find("{\"person\":{\"id\":\"1\",\"merged\":[],\"identifiers\":[{\"type\":\"citizen_id\","
                        "\"value\":\"001090012345\",\"first_seen\":"),
              std::string::npos)
        << json;
    EXPECT_NE(json.find("\"best_record\":{\"name\":{\"value\":\"Nguyễn Văn An\",\"source\":\"facility\",\"seq\":1}"),
              std::string::npos)
        << json;
    EXPECT_NE(json.find("\"ma_lk\":\"LK0001\""), std::string::npos);
    EXPECT_NE(json.find("\"record\":{\"XML1\":{"), std::string::npos);
}

TEST_F(EngineTest, PipelineGroupsBatchesAndAnswersLikeTheSynchronousPath) {
    TempDir other;
    Store piped(other.path());
    std::vector<std::string> docs;
    for (int i = 0; i < 300; ++i) {
        Doc d;
        d.ma_lk = std::to_string(1000 + i % 120);  // later ones repeat or change earlier keys
        if (i >= 120 && i % 3 == 0) d.icd = "I10";
        if (i % 50 == 7) d.discharged = "202501099999";
        docs.push_back(d.json());
    }
    std::vector<Status> expected;
    for (const auto& d : docs) expected.push_back(push1(d).status);

    std::vector<Status> got;
    std::vector<uint64_t> durable_seq;  // what the store held when each batch was acknowledged
    {
        PipelineOptions options;
        options.prepare_threads = 2;
        Pipeline pipeline(piped, options);
        for (std::size_t at = 0; at < docs.size();) {
            std::size_t n = std::min<std::size_t>(1 + at % 37, docs.size() - at);
            std::string buffer;
            std::vector<Pipeline::Span> spans;
            for (std::size_t i = at; i < at + n; ++i) {
                spans.emplace_back(buffer.size(), docs[i].size());
                buffer += docs[i];
            }
            pipeline.submit(std::move(buffer), spans, "test", [&](std::span<const RecordResult> rs) {
                for (const auto& r : rs) got.push_back(r.status);
                durable_seq.push_back(piped.read([](const StoreReader& r) { return r.last_seq(); }));
            });
            at += n;
        }
        pipeline.close();
        EXPECT_LT(pipeline.stats().commits, pipeline.stats().batches + 1);
    }
    EXPECT_EQ(got, expected);
    // Each acknowledgement came after its records were committed and visible.
    EXPECT_TRUE(std::is_sorted(durable_seq.begin(), durable_seq.end()));
    EXPECT_EQ(durable_seq.back(), last_seq());
}

}  // namespace
}  // namespace ehb

namespace ehb {
namespace {

TEST(Dictionary, StoreTrainsOneFromItsFirstRecordsAndKeepsIt) {
    test::TempDir dir;
    std::vector<std::string> docs;
    for (int i = 0; i < 1500; ++i) {
        test::Doc d;
        d.ma_lk = std::to_string(100000 + i);
        d.icd = i % 2 ? "J06.9" : "I10";
        d.extra = {{"GHI_CHU", "\"Tái khám sau " + std::to_string(i % 30) + " ngày\""}};
        docs.push_back(d.json());
    }
    {
        Store store(dir.path());
        Engine engine(store);
        EXPECT_FALSE(store.dictionaries().latest());
        std::size_t at = 0;
        // Commit every document, then keep committing (duplicates) until the background
        // training has finished and been stored; training may finish before the last batch.
        for (int round = 0; (at < docs.size() || !store.dictionaries().latest()) && round < 2000;
             ++round) {
            std::size_t n = at < docs.size() ? 100 : 1;
            std::vector<std::string_view> views;
            for (std::size_t i = 0; i < n; ++i) views.push_back(docs[(at + i) % docs.size()]);
            at += n;
            engine.ingest(views, "test");
            if (at >= docs.size()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        auto dictionary = store.dictionaries().latest();
        ASSERT_TRUE(dictionary) << "no dictionary after " << at << " documents";
        test::Doc later;
        later.ma_lk = "AFTER";
        std::string doc = later.json();
        std::string_view view = doc;
        uint64_t seq = engine.ingest({&view, 1}, "test").at(0).seq;
        store.read([&](const StoreReader& r) {
            auto e = r.entry(seq);
            EXPECT_EQ(e->codec, schema::Codec::zstd);
            EXPECT_EQ(ZSTD_getDictID_fromFrame(e->payload.data(), e->payload.size()), dictionary->id());
            return 0;
        });
    }
    // Reopened, the store still reads records written with its dictionary.
    Store store(dir.path());
    ASSERT_TRUE(store.dictionaries().latest());
    BookReader reader(store);
    Book book;
    ASSERT_TRUE(reader.read("001090012345", book));
    ASSERT_EQ(book.episodes.size(), 1501u);
    EXPECT_EQ(book.episodes.front().ma_lk, "AFTER");
    EXPECT_NE(book.episodes.front().current.canonical.find("\"MA_LK\":\"AFTER\""), std::string::npos);
}

// Ingests `docs` through a pipeline, in batches of 100 that each wait for their
// commit: the first `before`, then a duplicate every 5 ms while `more(rounds)`
// (time for a dictionary to be trained and stored), then the rest. Returns the rounds.
int ingest_in_phases(Store& store, bool compress, const std::vector<std::string>& docs, std::size_t before,
                     const std::function<bool(int)>& more) {
    PipelineOptions options;
    options.compress_payloads = compress;
    Pipeline pipeline(store, options);
    auto submit = [&](std::size_t from, std::size_t to) {
        std::string buffer;
        std::vector<Pipeline::Span> spans;
        for (std::size_t i = from; i < to; ++i) {
            spans.emplace_back(buffer.size(), docs[i].size());
            buffer += docs[i];
        }
        std::promise<void> committed;
        pipeline.submit(std::move(buffer), spans, "test", [&](std::span<const RecordResult>) { committed.set_value(); });
        committed.get_future().wait();
    };
    for (std::size_t at = 0; at < before; at += 100) submit(at, std::min(at + 100, before));
    int rounds = 0;
    for (; more(rounds); ++rounds) {
        submit(0, 1);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    for (std::size_t at = before; at < docs.size(); at += 100) submit(at, std::min(at + 100, docs.size()));
    pipeline.close();
    return rounds;
}

// bench_lookup's uncompressed store: the same documents ingested with
// compression off are stored raw, no dictionary is trained, and every book
// reads back as the compressed store's.
TEST(Compression, AStoreWrittenWithoutItHoldsRawEntriesAndTheSameBooks) {
    constexpr int kCitizens = 50;
    auto citizen = [](int c) { return "0010900" + std::to_string(10000 + c); };
    std::vector<std::string> docs;
    for (int i = 0; i < 1500; ++i) {
        const int episode = i % 1300;  // the last 200 are new versions of the first 200
        test::Doc d;
        d.ma_lk = std::to_string(100000 + episode);
        d.citizen = citizen(episode % kCitizens);
        d.card = "DN4010" + std::to_string(123450000 + episode % kCitizens);
        d.extra = {{"GHI_CHU", "\"Tái khám sau " + std::to_string(i % 30) + " ngày\""}};
        docs.push_back(d.json());
    }
    const std::size_t before = 1100;  // past kDictionarySamples
    TempDir compressed_dir, raw_dir;
    Store compressed(compressed_dir.path()), raw(raw_dir.path());
    const int rounds = ingest_in_phases(compressed, true, docs, before,
                                        [&](int r) { return !compressed.dictionaries().latest() && r < 2000; });
    ingest_in_phases(raw, false, docs, before, [&](int r) { return r < rounds; });

    auto dictionary = compressed.dictionaries().latest();
    ASSERT_TRUE(dictionary) << "no dictionary after " << rounds << " rounds";
    EXPECT_FALSE(raw.dictionaries().latest());
    const uint64_t last = compressed.read([](const StoreReader& r) { return r.last_seq(); });
    ASSERT_EQ(raw.read([](const StoreReader& r) { return r.last_seq(); }), last);
    ASSERT_EQ(last, 1500u);
    std::size_t with_dictionary = 0;
    compressed.read([&](const StoreReader& r) {
        for (uint64_t seq = 1; seq <= last; ++seq) {
            auto e = r.entry(seq);
            if (e->codec == schema::Codec::zstd &&
                ZSTD_getDictID_fromFrame(e->payload.data(), e->payload.size()) == dictionary->id()) {
                ++with_dictionary;
            }
        }
        return 0;
    });
    EXPECT_GT(with_dictionary, 0u);  // the comparison below decodes with the dictionary
    raw.read([&](const StoreReader& r) {
        for (uint64_t seq = 1; seq <= last; ++seq) {
            auto e = r.entry(seq);
            EXPECT_EQ(e->codec, schema::Codec::raw) << seq;
            EXPECT_EQ(e->payload.size(), e->raw_size) << seq;
        }
        return 0;
    });

    BookReader from_compressed(compressed), from_raw(raw);
    Book a, b;
    for (int c = 0; c < kCitizens; ++c) {
        ASSERT_TRUE(from_compressed.read(citizen(c), a, true));
        ASSERT_TRUE(from_raw.read(citizen(c), b, true));
        ASSERT_EQ(a.episodes.size(), b.episodes.size()) << citizen(c);
        EXPECT_EQ(a.episodes.size(), 26u);  // 1300 episodes over 50 citizens
        for (std::size_t i = 0; i < a.episodes.size(); ++i) {
            const BookEpisode &x = a.episodes[i], &y = b.episodes[i];
            EXPECT_EQ(x.ma_lk, y.ma_lk);
            EXPECT_EQ(x.current.seq, y.current.seq);
            EXPECT_EQ(x.current.canonical, y.current.canonical);
            ASSERT_EQ(x.earlier.size(), y.earlier.size());
            for (std::size_t v = 0; v < x.earlier.size(); ++v) {
                EXPECT_EQ(x.earlier[v].seq, y.earlier[v].seq);
                EXPECT_EQ(x.earlier[v].canonical, y.earlier[v].canonical);
            }
        }
    }
}

}  // namespace
}  // namespace ehb
