// Bytes on disk (storage/space.hpp, `ehb stats`) and the log's byte totals
// (schema.hpp, kMetaLog*): pages that add up, totals that match what was
// stored, kept across processes, and measured beside a writer.
#include <gtest/gtest.h>

#include <simdjson.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "engine/ingest.hpp"
#include "storage/space.hpp"
#include "tests/run_command.hpp"
#include "tests/tmpdir.hpp"
#include "tools/workload/generator.hpp"

namespace ehb {
namespace {

using test::run_command;
using test::TempDir;

test::Output ehb(const std::string& args) { return run_command(std::string(EHB_BINARY) + " " + args + " 2>&1"); }

// Documents of the standard generator; with `all_new`, every one is a new episode (nothing is rejected or repeated).
struct Documents {
    std::vector<std::string> docs;
    workload::Counts expected;
};
Documents generate(uint64_t episodes, bool all_new) {
    workload::Config config;
    config.citizens = episodes / 2;
    config.episodes = episodes;
    config.seed = 7;
    if (all_new) config.mix.resend = config.mix.correction = config.mix.reorder = config.mix.invalid = 0;
    workload::Generator gen(config);
    Documents d;
    for (std::string doc; gen.next(doc);) d.docs.push_back(doc);
    d.expected = gen.expected();
    return d;
}

uint64_t total_size(const std::vector<std::string>& docs) {
    uint64_t n = 0;
    for (const auto& d : docs) n += d.size();
    return n;
}

std::string write_jsonl(const TempDir& dir, const std::vector<std::string>& docs) {
    const std::string path = (dir / "in.jsonl").string();
    std::ofstream out(path);
    for (const auto& d : docs) out << d << '\n';
    return path;
}

uint64_t u64(simdjson::dom::element e, const char* key) { return uint64_t(e[key].get_uint64()); }

// Pages counted by each table's own tree (not the value trees found by elimination), the free and the meta pages.
uint64_t counted_pages(const StoreSpace& s) {
    uint64_t pages = s.meta_pages + s.free_pages;
    for (const TableSpace& t : s.tables) pages += t.branch_pages + t.leaf_pages + t.overflow_pages;
    return pages;
}

TEST(Space, TablesFreeAndMetaPagesAddUpToTheUsedMap) {
    TempDir dir;
    Store store(dir / "data");
    Engine engine(store);
    const Documents d = generate(400, false);
    std::vector<std::string_view> views(d.docs.begin(), d.docs.end());
    for (std::size_t i = 0; i < views.size(); i += 50)
        engine.ingest(std::span(views).subspan(i, std::min<std::size_t>(50, views.size() - i)), "test");

    const StoreSpace s = measure_space(store);
    ASSERT_EQ(s.tables.size(), schema::kTables.size() + 2);
    for (std::size_t i = 0; i < schema::kTables.size(); ++i) EXPECT_EQ(s.tables[i].name, schema::kTables[i].name);
    EXPECT_EQ(s.tables[schema::kTables.size()].name, "(main)");
    EXPECT_EQ(s.tables[schema::kTables.size()].entries, schema::kTables.size());
    EXPECT_EQ(s.page_size, 4096u);
    EXPECT_EQ(s.meta_pages, 2u);
    // Committing many times leaves pages on the free list.
    EXPECT_GT(s.free_pages, 0u);
    // Short value lists only: every page is counted by a table's own tree, the free list or the meta pages.
    EXPECT_EQ(s.dup_pages, 0u);
    EXPECT_EQ(counted_pages(s), s.used_pages);
    uint64_t table_bytes = 0;
    for (const TableSpace& t : s.tables) {
        EXPECT_EQ(t.bytes, t.pages() * s.page_size) << t.name;
        table_bytes += t.bytes;
    }
    EXPECT_EQ(table_bytes + s.free_bytes() + s.meta_pages * s.page_size, s.used_bytes());
    EXPECT_GE(s.file_bytes, s.used_bytes());
    EXPECT_EQ(s.episodes, d.expected.accepted);
    EXPECT_EQ(s.log_entries, d.expected.accepted + d.expected.new_version);
}

// A value list too long for its key's node gets a tree that mdb_stat does not
// count: found by elimination, and given to the one table that has such lists.
TEST(Space, LongValueListsAreGivenToTheirTable) {
    TempDir dir;
    Store store(dir / "data");
    constexpr uint64_t kFiled = 5000;
    store.write([&](StoreWriter& w) {
        for (uint64_t seq = 1; seq <= kFiled; ++seq) w.file(schema::PersonKey::person(1), seq);
    });
    const StoreSpace s = measure_space(store);
    EXPECT_GT(s.dup_pages, 0u);
    uint64_t dup_pages = 0;
    for (const TableSpace& t : s.tables) {
        dup_pages += t.dup_pages;
        if (t.name == "person_log") {
            EXPECT_EQ(t.dup_pages, s.dup_pages);
            EXPECT_EQ(t.entries, kFiled);
            EXPECT_GE(t.bytes, kFiled * sizeof(uint64_t));
        }
    }
    EXPECT_EQ(dup_pages, s.dup_pages);
    EXPECT_EQ(counted_pages(s) + s.dup_pages, s.used_pages);
}

// The totals are what the log holds: the accepted documents and new versions
// as received, and the entries' own canonical and payload sizes; duplicates
// and rejected documents do not count, and a reopened store still has them.
TEST(Space, LogTotalsCountTheStoredRecordsOnly) {
    TempDir dir;
    const Documents d = generate(600, false);
    ASSERT_GT(d.expected.duplicate, 0u);
    ASSERT_GT(d.expected.rejected, 0u);
    ASSERT_GT(d.expected.new_version, 0u);
    uint64_t stored_received = 0;
    {
        Store store(dir / "data");
        Engine engine(store);
        std::vector<std::string_view> views(d.docs.begin(), d.docs.end());
        std::vector<RecordResult> results;
        for (std::size_t i = 0; i < views.size(); i += 64) {
            const auto batch = std::span(views).subspan(i, std::min<std::size_t>(64, views.size() - i));
            for (const RecordResult& r : engine.ingest(batch, "test")) results.push_back(r);
        }
        for (std::size_t i = 0; i < views.size(); ++i)
            if (results[i].status == Status::accepted || results[i].status == Status::new_version)
                stored_received += views[i].size();
        // The current versions and the rejected documents again: duplicates and rejections, so nothing changes.
        std::vector<std::string_view> again;
        store.read([&](const StoreReader& r) {
            for (std::size_t i = 0; i < views.size(); ++i) {
                const auto e = results[i].seq ? r.entry(results[i].seq) : std::nullopt;
                if (results[i].status == Status::rejected ||
                    (e && r.episode(e->episode_key)->current_seq == results[i].seq))
                    again.push_back(views[i]);
            }
            return 0;
        });
        ASSERT_GT(again.size(), d.expected.accepted);
        const auto before = store.read([](const StoreReader& r) { return r.log_totals(); });
        for (const RecordResult& r : engine.ingest(again, "test"))
            EXPECT_TRUE(r.status == Status::duplicate || r.status == Status::rejected);
        const auto after = store.read([](const StoreReader& r) { return r.log_totals(); });
        ASSERT_TRUE(before && after);
        EXPECT_EQ(after->received, before->received);
        EXPECT_EQ(after->canonical, before->canonical);
        EXPECT_EQ(after->payload, before->payload);
    }
    ASSERT_LT(stored_received, total_size(d.docs));

    Store reopened(dir / "data");
    reopened.read([&](const StoreReader& r) {
        uint64_t canonical = 0, payload = 0;
        for (uint64_t seq = 1; seq <= r.last_seq(); ++seq) {
            const auto e = r.entry(seq);
            canonical += e->raw_size;
            payload += e->payload.size();
        }
        const auto totals = r.log_totals();
        EXPECT_EQ(r.last_seq(), d.expected.accepted + d.expected.new_version);
        EXPECT_TRUE(totals);
        if (!totals) return 0;
        EXPECT_EQ(totals->received, stored_received);
        EXPECT_EQ(totals->canonical, canonical);
        EXPECT_EQ(totals->payload, payload);
        EXPECT_LT(totals->payload, totals->canonical);  // compressed
        return 0;
    });
}

// A store written before the totals were kept has none, and is not given
// totals of only the part of its log written later.
TEST(Space, AStoreWithoutTotalsStaysNotRecorded) {
    TempDir dir;
    const Documents d = generate(200, true);
    std::vector<std::string_view> views(d.docs.begin(), d.docs.end());
    {
        Store store(dir / "data");
        Engine engine(store);
        engine.ingest(std::span(views).first(100), "test");
        store.write([](StoreWriter& w) {
            for (std::string_view key :
                 {schema::kMetaLogReceivedBytes, schema::kMetaLogCanonicalBytes, schema::kMetaLogPayloadBytes}) {
                MDB_val k = lmdb::to_val(key);
                lmdb::check("mdb_del", mdb_del(w.txn().get(), w.tables().meta.get(), &k, nullptr));
            }
        });
        engine.ingest(std::span(views).subspan(100), "test");
        EXPECT_FALSE(store.read([](const StoreReader& r) { return r.log_totals(); }));
    }
    const auto stats = ehb("stats --data " + (dir / "data").string() + " --json");
    ASSERT_EQ(stats.exit_code, 0) << stats.out;
    simdjson::dom::parser parser;
    const simdjson::dom::element j = parser.parse(stats.out);
    EXPECT_FALSE(bool(j["log_totals_recorded"].get_bool()));
    EXPECT_TRUE(j["received_bytes"].is_null());
    EXPECT_EQ(u64(j, "log_entries"), 200u);
    EXPECT_NE(ehb("stats --data " + (dir / "data").string()).out.find("not recorded"), std::string::npos);
}

// `ehb import`, then `ehb stats` in processes of their own: the received bytes
// are the documents' sizes, and importing them again changes nothing.
TEST(Space, StatsAfterImport) {
    TempDir dir;
    const Documents d = generate(300, true);
    const std::string input = write_jsonl(dir, d.docs);
    const std::string data = " --data " + (dir / "data").string();
    ASSERT_EQ(ehb("import" + data + " " + input).exit_code, 0);

    simdjson::dom::parser parser;
    const auto first = ehb("stats" + data + " --json");
    ASSERT_EQ(first.exit_code, 0) << first.out;
    const simdjson::dom::element j = parser.parse(first.out);
    EXPECT_TRUE(bool(j["log_totals_recorded"].get_bool()));
    EXPECT_EQ(u64(j, "received_bytes"), total_size(d.docs));
    EXPECT_EQ(u64(j, "episodes"), d.expected.accepted);
    EXPECT_EQ(u64(j, "log_entries"), d.expected.accepted);
    EXPECT_LT(u64(j, "payload_bytes"), u64(j, "canonical_bytes"));
    const uint64_t page_size = u64(j, "page_size");
    uint64_t pages = u64(j, "free_bytes") / page_size + u64(j, "meta_bytes") / page_size;
    uint64_t last_bytes = UINT64_MAX;
    for (simdjson::dom::element t : j["tables"].get_array()) {
        EXPECT_EQ(u64(t, "pages"), u64(t, "branch_pages") + u64(t, "leaf_pages") + u64(t, "overflow_pages") +
                                       u64(t, "dup_pages"));
        EXPECT_EQ(u64(t, "bytes"), u64(t, "pages") * page_size);
        EXPECT_LE(u64(t, "bytes"), last_bytes);  // largest first
        last_bytes = u64(t, "bytes");
        pages += u64(t, "pages");
    }
    EXPECT_EQ(pages * page_size, u64(j, "used_bytes"));
    const double ratio = double(j["store_to_received"].get_double());
    EXPECT_NEAR(ratio, double(u64(j, "file_bytes")) / double(u64(j, "received_bytes")), 1e-6);
    EXPECT_EQ(bool(j["target_met"].get_bool()), ratio <= 0.40);

    ASSERT_EQ(ehb("import" + data + " " + input).exit_code, 0);
    const auto again = ehb("stats" + data + " --json");
    ASSERT_EQ(again.exit_code, 0) << again.out;
    simdjson::dom::parser parser2;
    const simdjson::dom::element k = parser2.parse(again.out);
    for (const char* field : {"received_bytes", "canonical_bytes", "payload_bytes", "log_entries", "episodes"})
        EXPECT_EQ(u64(k, field), u64(j, field)) << field;

    const auto human = ehb("stats" + data);
    ASSERT_EQ(human.exit_code, 0) << human.out;
    EXPECT_NE(human.out.find("target <= 40%: "), std::string::npos) << human.out;
    EXPECT_NE(human.out.find("log entries"), std::string::npos) << human.out;
}

// Read-only beside a writer: while another process holds a write transaction
// open, and while it commits continually.
TEST(Space, StatsBesideAWriter) {
    TempDir dir;
    const Documents d = generate(600, true);
    std::vector<std::string_view> views(d.docs.begin(), d.docs.end());
    Store store(dir / "data");
    Engine engine(store);
    engine.ingest(std::span(views).first(100), "test");
    const std::string stats = "stats --data " + (dir / "data").string() + " --json";

    store.write([&](StoreWriter&) {
        const auto out = ehb(stats);
        ASSERT_EQ(out.exit_code, 0) << out.out;
        simdjson::dom::parser parser;
        EXPECT_EQ(u64(parser.parse(out.out), "log_entries"), 100u);
    });

    std::atomic<bool> done{false};
    std::thread writer([&] {
        for (std::size_t i = 100; i < views.size(); i += 10) engine.ingest(std::span(views).subspan(i, 10), "test");
        done = true;
    });
    uint64_t last = 0;
    auto measure = [&] {
        const auto out = ehb(stats);
        EXPECT_EQ(out.exit_code, 0) << out.out;
        simdjson::dom::parser parser;
        simdjson::dom::element j;
        if (parser.parse(out.out).get(j) != simdjson::SUCCESS) return;
        EXPECT_GE(u64(j, "log_entries"), last);
        last = u64(j, "log_entries");
    };
    while (!done) measure();
    writer.join();
    measure();
    EXPECT_EQ(last, views.size());
}

TEST(Space, TableHandlesFollowTheSchemaList) {
    TempDir dir;
    Store store(dir / "data");
    store.read([](const StoreReader& r) {
        const auto handles = r.tables().all();
        for (std::size_t i = 0; i < handles.size(); ++i) EXPECT_STREQ(handles[i]->name(), schema::kTables[i].name);
        EXPECT_STREQ(r.tables().log.name(), "log");
        EXPECT_STREQ(r.tables().episodes.name(), "episodes");
        EXPECT_STREQ(r.tables().facility_keys.name(), "facility_keys");
        return 0;
    });
}

}  // namespace
}  // namespace ehb
