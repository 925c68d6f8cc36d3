// The storage layer on real LMDB environments in temporary directories.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "storage/codec.hpp"
#include "storage/store.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

using schema::PersonKey;
using test::TempDir;

schema::LogEntry sample_entry(std::string_view key, std::string_view payload) {
    schema::LogEntry e;
    e.status = schema::EntryStatus::new_version;
    e.flags = schema::kFlagConflict;
    e.codec = schema::Codec::raw;
    e.raw_size = static_cast<uint32_t>(payload.size());
    e.arrival_us = 1'700'000'000'123'456;
    e.prev_seq = 41;
    e.version = 7;
    e.hash = {0x0123456789abcdefULL, 0xfedcba9876543210ULL};
    e.admitted = 202501100800;
    e.filed_under = PersonKey::citizen("001090012345");
    e.kind = schema::EntryKind::checkin;
    e.generation = 2;
    e.format = 1;
    e.timing = {1'700'000'000'654'321, 202501091530};
    e.principal = "portal-gdbhyt";
    e.episode_key = key;
    e.warnings = R"([{"code":"W_PROVINCE"}])";
    e.source = "<CHUKYDONVI><Signature/></CHUKYDONVI>";
    e.payload = payload;
    return e;
}

TEST(PersonKey, DerivesFromIdentifiersAndRoundTrips) {
    EXPECT_EQ(PersonKey::citizen("001090012345").text(), "001090012345");
    EXPECT_EQ(PersonKey::social_insurance("0123456789").text(), "0123456789");
    EXPECT_EQ(PersonKey::old_id("012345678").text(), "012345678");
    EXPECT_EQ(PersonKey::passport("B1234567").text(), "B1234567");
    EXPECT_EQ(PersonKey::temp_card("TE1790123456789").text(), "TE1790123456789");
    EXPECT_FALSE(PersonKey::temp_card("DN4790123456789"));
    EXPECT_EQ(PersonKey::person(42).text(), "42");
    EXPECT_FALSE(PersonKey::citizen("00109001234"));   // 11 digits
    EXPECT_FALSE(PersonKey::citizen("00109001234X"));  // not a digit
    EXPECT_FALSE(PersonKey::passport("b1234567"));
    PersonKey k = PersonKey::social_insurance("0000000042");
    EXPECT_EQ(PersonKey::from_bytes(schema::as_view(k.bytes())), k);
    // Keys sort by type then number.
    EXPECT_LT(schema::as_view(PersonKey::citizen("000000000002").bytes()),
              schema::as_view(PersonKey::citizen("000000000010").bytes()));
}

TEST(LogEntry, EncodesAndDecodesEveryField) {
    std::string payload = "{\"XML1\":{}}";
    schema::LogEntry e = sample_entry("01001LK1", payload);
    std::string buf(e.encoded_size(), '\0');
    e.encode(buf.data());
    auto d = schema::LogEntry::decode(buf);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->status, e.status);
    EXPECT_EQ(d->flags, e.flags);
    EXPECT_EQ(d->raw_size, e.raw_size);
    EXPECT_EQ(d->arrival_us, e.arrival_us);
    EXPECT_EQ(d->prev_seq, e.prev_seq);
    EXPECT_EQ(d->version, e.version);
    EXPECT_EQ(d->hash, e.hash);
    EXPECT_EQ(d->admitted, e.admitted);
    EXPECT_EQ(d->filed_under, e.filed_under);
    EXPECT_EQ(d->kind, e.kind);
    EXPECT_EQ(d->generation, e.generation);
    EXPECT_EQ(d->format, e.format);
    EXPECT_EQ(d->timing, e.timing);
    EXPECT_EQ(d->principal, e.principal);
    EXPECT_EQ(d->episode_key, e.episode_key);
    EXPECT_EQ(d->warnings, e.warnings);
    EXPECT_EQ(d->source, e.source);
    EXPECT_EQ(d->payload, e.payload);
    EXPECT_FALSE(schema::LogEntry::decode(std::string_view(buf).substr(0, 10)));
}

TEST(EpisodeHead, EncodesAndDecodesEveryField) {
    schema::EpisodeHead h{42, 3, {5, 6}, PersonKey::citizen("001090012345"), {1'700'000'000'000'001, 202501091530},
                          20250120};
    auto b = h.bytes();
    schema::EpisodeHead d = schema::EpisodeHead::from_bytes({b.data(), b.size()});
    EXPECT_EQ(d.current_seq, 42u);
    EXPECT_EQ(d.versions, 3u);
    EXPECT_EQ(d.hash, (Hash128{5, 6}));
    EXPECT_EQ(d.filed_under, h.filed_under);
    EXPECT_EQ(d.timing, h.timing);
    EXPECT_EQ(d.appointment, 20250120u);
}

TEST(Store, AppointmentsAreListedByDayAndMoveWithTheirEpisode) {
    TempDir dir;
    Store store(dir.path());
    store.write([](StoreWriter& w) {
        w.reschedule("01001LK1", 0, 20250120);
        w.reschedule("79001LK2", 0, 20250105);
        w.reschedule("01001LK3", 0, 20250131);
        w.reschedule("01001LK4", 0, 20250201);
    });
    auto list = [&](uint32_t from, uint32_t to) {
        std::vector<std::string> out;
        store.read([&](const StoreReader& r) {
            r.appointments(from, to, [&](uint32_t day, std::string_view key) {
                out.push_back(std::to_string(day) + " " + std::string(key));
                return true;
            });
            return 0;
        });
        return out;
    };
    EXPECT_EQ(list(20250101, 20250131),
              (std::vector<std::string>{"20250105 79001LK2", "20250120 01001LK1", "20250131 01001LK3"}));
    store.write([](StoreWriter& w) {
        w.reschedule("01001LK1", 20250120, 20250125);  // a new version moved it
        w.reschedule("01001LK3", 20250131, 0);          // a new version without an appointment
    });
    EXPECT_EQ(list(20250101, 20250131), (std::vector<std::string>{"20250105 79001LK2", "20250125 01001LK1"}));
    EXPECT_EQ(list(20250201, 20250201), (std::vector<std::string>{"20250201 01001LK4"}));
}

TEST(Codec, CompressesAndRestoresExactly) {
    std::string raw;
    for (int i = 0; i < 200; ++i) raw += R"({"MA_THUOC":"40.17","TEN_THUOC":"Paracetamol 500mg","SO_LUONG":)" + std::to_string(i) + "}";
    Compressor c;
    Decompressor d;
    std::string packed, back;
    EXPECT_EQ(c.compress(raw, packed), schema::Codec::zstd);
    EXPECT_LT(packed.size(), raw.size() / 4);
    d.decompress(schema::Codec::zstd, packed, raw.size(), back);
    EXPECT_EQ(back, raw);
    // Incompressible input is kept raw rather than grown.
    EXPECT_EQ(c.compress("ab", packed), schema::Codec::raw);
    EXPECT_EQ(packed, "ab");
    EXPECT_THROW(d.decompress(schema::Codec::zstd, "garbage", raw.size(), back), std::runtime_error);
}

TEST(Store, NotFoundIsAnOrdinaryResult) {
    TempDir dir;
    Store store(dir.path());
    store.read([](const StoreReader& r) {
        EXPECT_FALSE(r.episode("01001nothing"));
        EXPECT_FALSE(r.entry(1));
        EXPECT_FALSE(r.owner_of(PersonKey::social_insurance("0123456789")));
        std::vector<uint64_t> seqs;
        r.filed(PersonKey::citizen("001090012345"), seqs);
        EXPECT_TRUE(seqs.empty());
        EXPECT_EQ(r.last_seq(), 0u);
        return 0;
    });
}

TEST(Store, ErrorsNameTheLmdbCallAndTable) {
    TempDir dir;
    Store store(dir.path());
    try {
        store.write([](StoreWriter& w) {
            // MDB_APPEND with a key lower than the last one is refused by LMDB.
            uint64_t seq = 5;
            w.tables().log.put(w.txn(), {reinterpret_cast<const char*>(&seq), 8}, "x", MDB_APPEND);
            seq = 3;
            w.tables().log.put(w.txn(), {reinterpret_cast<const char*>(&seq), 8}, "y", MDB_APPEND);
        });
        FAIL() << "out-of-order append must fail";
    } catch (const lmdb::Error& e) {
        EXPECT_EQ(e.code(), MDB_KEYEXIST);
        EXPECT_NE(std::string(e.what()).find("mdb_put(log)"), std::string::npos) << e.what();
    }
    // The failed transaction left nothing behind.
    EXPECT_EQ(store.read([](const StoreReader& r) { return r.last_seq(); }), 0u);
}

TEST(Store, LogAppendsInSequenceAndPersistsAcrossReopen) {
    TempDir dir;
    {
        Store store(dir.path());
        store.write([](StoreWriter& w) {
            EXPECT_EQ(w.append(sample_entry("01001A", "one")), 1u);
            EXPECT_EQ(w.append(sample_entry("01001B", "two")), 2u);
            w.set_episode("01001A", {1, 1, {7, 8}, {}, {}, 0});
            w.file(PersonKey::person(1), 1);
            w.file(PersonKey::person(2), 2);  // a card-only record, its own person at first
            w.link(PersonKey::citizen("001090012345"), PersonKey::person(1));
            w.link(PersonKey::social_insurance("0123456789"), PersonKey::person(2));
            w.put_person(1, "entry one");
            w.put_person(2, "entry two");
            // Person 2 merged into person 1.
            w.link(PersonKey::person(2), PersonKey::person(1));
            w.add_member(PersonKey::person(1), PersonKey::person(2));
            w.file_block(0xabcdef, 2);
            w.file_block(0xabcdef, 1);
            w.file_block(0xabcdef, 2);  // once
        });
        store.write([](StoreWriter& w) { EXPECT_EQ(w.append(sample_entry("01001C", "three")), 3u); });
    }
    Store store(dir.path());
    store.read([](const StoreReader& r) {
        EXPECT_EQ(r.last_seq(), 3u);
        EXPECT_EQ(r.entry(2)->payload, "two");
        EXPECT_EQ(r.entry(3)->episode_key, "01001C");
        auto head = r.episode("01001A");
        EXPECT_TRUE(head);
        EXPECT_EQ(head->current_seq, 1u);
        EXPECT_EQ(head->hash, (Hash128{7, 8}));
        std::vector<uint64_t> seqs;
        r.filed(PersonKey::person(1), seqs);
        EXPECT_EQ(seqs, (std::vector<uint64_t>{1}));
        EXPECT_EQ(r.owner_of(PersonKey::citizen("001090012345")), PersonKey::person(1));
        EXPECT_EQ(r.owner_of(PersonKey::social_insurance("0123456789")), PersonKey::person(2));
        EXPECT_EQ(r.owner_of(PersonKey::person(2)), PersonKey::person(1));
        EXPECT_FALSE(r.owner_of(PersonKey::old_id("012345678")));
        std::vector<PersonKey> members;
        r.members(PersonKey::person(1), members);
        EXPECT_EQ(members, (std::vector<PersonKey>{PersonKey::person(2)}));
        EXPECT_EQ(r.person(2), "entry two");
        EXPECT_EQ(r.person(3), "");
        EXPECT_EQ(r.last_person(), 2u);
        std::vector<uint64_t> under;
        EXPECT_TRUE(r.block(0xabcdef, 10, under));
        EXPECT_EQ(under, (std::vector<uint64_t>{1, 2}));
        under.clear();
        EXPECT_FALSE(r.block(0xabcdef, 1, under));  // more than the limit: oversized
        EXPECT_TRUE(under.empty());
        EXPECT_TRUE(r.block(0x1234, 10, under));
        EXPECT_TRUE(under.empty());
        return 0;
    });
}

// A returning person's blocking keys are filed again with every new profile;
// a pair already there must not put its pages into the commit (LMDB would
// copy them before MDB_NODUPDATA finds the pair), or every such record
// writes a page per key.
TEST(Store, FilingABlockPairThatIsThereWritesNothing) {
    TempDir dir;
    Store store(dir.path());
    store.write([](StoreWriter& w) {
        for (uint64_t key = 1; key <= 2'000; ++key) w.file_block(key * 0x9e3779b97f4a7c15ULL, key % 7);
    });
    auto committed = [&] { return store.read([](const StoreReader& r) { return mdb_txn_id(r.txn().get()); }); };
    const auto before = committed();
    constexpr uint64_t kKey = 1'000 * 0x9e3779b97f4a7c15ULL;  // filed above with 1000 % 7 == 6
    store.write([](StoreWriter& w) { w.file_block(kKey, 6); });
    EXPECT_EQ(committed(), before) << "the transaction dirtied pages, so LMDB committed it";
    store.write([](StoreWriter& w) { w.file_block(kKey, 9); });
    EXPECT_EQ(committed(), before + 1);  // a new pair is filed
    store.read([&](const StoreReader& r) {
        std::vector<uint64_t> under;
        EXPECT_TRUE(r.block(kKey, 10, under));
        EXPECT_EQ(under, (std::vector<uint64_t>{6, 9}));  // 6 filed once
        return 0;
    });
}

TEST(Store, AStoreOpenedWithoutSyncedCommitsHoldsThemOnceSynced) {
    TempDir dir;
    {
        Store store(dir.path(), StoreOptions{.sync_commits = false});  // a benchmark fixture's store
        store.write([](StoreWriter& w) { EXPECT_EQ(w.append(sample_entry("01001A", "one")), 1u); });
        store.sync();
    }
    Store store(dir.path());  // and it is an ordinary store afterwards
    store.write([](StoreWriter& w) { EXPECT_EQ(w.append(sample_entry("01001B", "two")), 2u); });
    store.read([](const StoreReader& r) {
        EXPECT_EQ(r.entry(1)->payload, "one");
        EXPECT_EQ(r.last_seq(), 2u);
        return 0;
    });
}

TEST(Store, MapGrowsInsteadOfFailingWrites) {
    TempDir dir;
    StoreOptions options;
    options.initial_map_size = 1 << 20;  // 1 MiB: full after a few hundred entries
    std::string payload(3000, 'x');
    uint64_t growths = 0;
    {
        Store store(dir.path(), options);
        for (int batch = 0; batch < 20; ++batch) {
            store.write([&](StoreWriter& w) {
                for (int i = 0; i < 100; ++i) {
                    std::string key = "01001K" + std::to_string(batch * 100 + i);
                    uint64_t seq = w.append(sample_entry(key, payload));
                    w.set_episode(key, {seq, 1, {}, {}, {}, 0});
                }
            });
        }
        growths = store.map_growths();
        EXPECT_GT(store.map_size(), std::size_t{6} << 20);
        EXPECT_EQ(store.read([](const StoreReader& r) { return r.last_seq(); }), 2000u);
    }
    EXPECT_GE(growths, 2u);
    // Reopened with the small initial size, the store holds its data and grows again.
    Store store(dir.path(), options);
    EXPECT_EQ(store.read([](const StoreReader& r) { return r.entries(r.tables().episodes); }), 2000u);
    store.write([&](StoreWriter& w) {
        for (int i = 0; i < 2000; ++i) w.append(sample_entry("01001L" + std::to_string(i), payload));
    });
    EXPECT_EQ(store.read([](const StoreReader& r) { return r.last_seq(); }), 4000u);
}

TEST(Store, AdoptsAMapThatAnotherProcessGrew) {
    TempDir dir;
    StoreOptions options;
    options.initial_map_size = 1 << 20;
    Store store(dir.path(), options);  // opened here with a 1 MiB map
    lmdb::Txn reused;
    EXPECT_EQ(store.read(reused, [](const StoreReader& r) { return r.last_seq(); }), 0u);

    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        // Another process (an import, say) fills the store far beyond 1 MiB.
        Store other(dir.path(), options);
        std::string payload(3000, 'y');
        for (int batch = 0; batch < 10; ++batch) {
            other.write([&](StoreWriter& w) {
                for (int i = 0; i < 100; ++i) w.append(sample_entry("01001X", payload));
            });
        }
        _exit(other.map_growths() > 0 ? 0 : 3);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;

    // Both a reused and a fresh read transaction see everything, and this process can write on.
    EXPECT_EQ(store.read(reused, [](const StoreReader& r) { return r.entry(1000)->payload.size(); }), 3000u);
    EXPECT_EQ(store.read([](const StoreReader& r) { return r.last_seq(); }), 1000u);
    store.write([](StoreWriter& w) { EXPECT_EQ(w.append(sample_entry("01001Y", "z")), 1001u); });
}

TEST(Store, RefusesAnotherFormatVersion) {
    TempDir dir;
    {
        Store store(dir.path());
        store.write([](StoreWriter& w) {
            uint32_t v = schema::kFormatVersion + 1;
            w.tables().meta.put(w.txn(), schema::kMetaFormatVersion, {reinterpret_cast<const char*>(&v), 4});
            w.append(sample_entry("01001A", "kept"));
        });
    }
    try {
        Store store(dir.path());
        FAIL() << "a store of another format version must be refused";
    } catch (const FormatMismatch& e) {
        std::string msg = e.what();
        EXPECT_NE(msg.find("format version " + std::to_string(schema::kFormatVersion + 1)), std::string::npos) << msg;
        EXPECT_NE(msg.find(dir.path().string()), std::string::npos) << msg;
    }
    // Refusing changed nothing: the data file still says the other version.
    lmdb::Env env = lmdb::Env::open(dir.path().string(), {});
    lmdb::Txn txn = lmdb::Txn::begin(env, MDB_RDONLY);
    lmdb::Dbi meta = lmdb::Dbi::open(txn, "meta", 0);
    std::string_view v;
    ASSERT_TRUE(meta.get(txn, schema::kMetaFormatVersion, v));
    EXPECT_EQ(schema::load<uint32_t>(v.data()), schema::kFormatVersion + 1);
}

TEST(Store, RefusesAForeignLmdbEnvironment) {
    TempDir dir;
    {
        lmdb::Env env = lmdb::Env::open(dir.path().string(), {});
        lmdb::Txn txn = lmdb::Txn::begin(env, 0);
        lmdb::Dbi other = lmdb::Dbi::open(txn, "somebody_else", MDB_CREATE);
        other.put(txn, "k", "v");
        txn.commit();
    }
    EXPECT_THROW(Store store(dir.path()), FormatMismatch);
}

TEST(Store, UnusableDirectoryFailsClearly) {
    TempDir dir;
    std::ofstream(dir / "file") << "not a directory";
    try {
        Store store(dir / "file" / "data");
        FAIL() << "a data directory under a regular file cannot exist";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("file/data"), std::string::npos) << e.what();
    }
}

long rss_file_kb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("RssFile:", 0) == 0) return std::stol(line.substr(8));
    }
    return -1;
}

TEST(Store, ReleasingMappedPagesShrinksTheResidentSetAndKeepsTheData) {
    test::TempDir dir;
    Store store(dir.path());
    std::string payload(3000, 'x');
    store.write([&](StoreWriter& w) {
        for (int i = 0; i < 20000; ++i) w.append(sample_entry(std::string("01001R").append(std::to_string(i)), payload));
    });
    auto touch_all = [&] {
        return store.read([](const StoreReader& r) {
            std::size_t bytes = 0;
            for (uint64_t seq = 1; seq <= r.last_seq(); ++seq) bytes += r.entry(seq)->payload.size();
            return bytes;
        });
    };
    ASSERT_EQ(touch_all(), 20000u * 3000u);
    long mapped = rss_file_kb();
    ASSERT_GT(mapped, 40'000) << "60 MB of records read through the map";
    store.release_mapped_pages();
    EXPECT_LT(rss_file_kb(), mapped - 40'000);
    EXPECT_EQ(touch_all(), 20000u * 3000u);  // mapped again on first touch
}

}  // namespace
}  // namespace ehb
