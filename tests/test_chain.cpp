// The log's tamper evidence: the hash chain, signed checkpoints, and verify
// (storage/chain.hpp, storage/verify.hpp) on real stores altered by raw LMDB writes.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstring>

#include "engine/ingest.hpp"
#include "storage/verify.hpp"
#include "tests/docs.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

constexpr int kBatch = 20;

// Ingests `batches` batches of kBatch documents; every third document of a
// batch after the first is a new version of an episode of the batch before.
// Every commit appends kBatch entries.
void ingest(Store& store, int first_batch, int batches) {
    Engine engine(store);
    for (int b = first_batch; b < first_batch + batches; ++b) {
        std::vector<std::string> docs;
        for (int i = 0; i < kBatch; ++i) {
            test::Doc d;
            const bool again = b > 0 && i % 3 == 0;
            d.ma_lk = again ? test::key("LK", {b - 1, i + 1}) : test::key("LK", {b, i});
            if (again) d.icd = "J18.9";
            docs.push_back(d.json());
        }
        std::vector<std::string_view> views(docs.begin(), docs.end());
        for (const auto& r : engine.ingest(views, "chain-test"))
            ASSERT_TRUE(r.status == Status::accepted || r.status == Status::new_version);
    }
}

// A checkpoint at the end of every commit of kBatch entries.
StoreOptions every_commit(std::filesystem::path key = {}) {
    StoreOptions o;
    o.checkpoint_entries = kBatch / 2;
    o.checkpoint_key = std::move(key);
    return o;
}

std::string_view seq_key(const uint64_t& seq) { return {reinterpret_cast<const char*>(&seq), sizeof seq}; }

std::string entry_bytes(Store& store, uint64_t seq) {
    return store.read([&](const StoreReader& r) {
        std::string_view v;
        EXPECT_TRUE(r.tables().log.get(r.txn(), seq_key(seq), v));
        return std::string(v);
    });
}

void flip_byte(Store& store, uint64_t seq, std::size_t at) {
    std::string bytes = entry_bytes(store, seq);
    bytes.at(at) ^= 1;
    store.write([&](StoreWriter& w) { w.tables().log.put(w.txn(), seq_key(seq), bytes); });
}
void flip_last_byte(Store& store, uint64_t seq) { flip_byte(store, seq, entry_bytes(store, seq).size() - 1); }
// An edit that still decodes: the entry's arrival time (header offset 8).
void alter_arrival(Store& store, uint64_t seq) { flip_byte(store, seq, 8); }

// What an intruder with write access but without the key does: rewrites the chain from `from` on.
void rechain(Store& store, uint64_t from) {
    store.write([&](StoreWriter& w) {
        chain::Hasher hasher;
        chain::Hash h{};
        if (from > 1) {
            std::string_view v;
            const uint64_t before = from - 1;
            ASSERT_TRUE(w.tables().chain.get(w.txn(), seq_key(before), v));
            std::memcpy(h.data(), v.data(), h.size());
        }
        for (uint64_t seq = from; seq <= w.last_seq(); ++seq) {
            std::string_view v;
            ASSERT_TRUE(w.tables().log.get(w.txn(), seq_key(seq), v));
            h = hasher.next(h, seq, v);
            w.tables().chain.put(w.txn(), seq_key(seq), {reinterpret_cast<const char*>(h.data()), h.size()});
        }
    });
}

std::vector<chain::Checkpoint> checkpoints(Store& store) {
    return store.read([](const StoreReader& r) {
        std::vector<chain::Checkpoint> out;
        r.scan_numbered(r.tables().checkpoints, 0, [&](uint64_t, std::string_view row) {
            out.push_back(*chain::Checkpoint::from_bytes(row));
            return true;
        });
        return out;
    });
}

void put_checkpoint(Store& store, const chain::Checkpoint& cp) {
    const auto row = cp.bytes();
    store.write([&](StoreWriter& w) { w.tables().checkpoints.put(w.txn(), seq_key(cp.seq), {row.data(), row.size()}); });
}

TEST(Chain, IntactStoreVerifies) {
    test::TempDir dir;
    Store store(dir / "data", every_commit());
    ingest(store, 0, 3);
    const VerifyReport report = verify(store);
    EXPECT_TRUE(report.ok()) << report.problem;
    EXPECT_EQ(report.entries, 3u * kBatch);
    EXPECT_EQ(report.checkpoints, 3u);
    EXPECT_EQ(report.last_checkpoint, 3u * kBatch);
    EXPECT_EQ(report.summary(),
              "verified: 60 log entries, 3 checkpoints (last at 60), 0 reads, 0 reads checkpoints, indexes consistent");
    EXPECT_TRUE(std::filesystem::exists(dir / "data" / "checkpoint.key"));
    EXPECT_TRUE(store.created_checkpoint_key());
    EXPECT_EQ(std::filesystem::status(dir / "data" / "checkpoint.key").permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST(Chain, ChainHashIsTheSpecifiedSha256) {
    test::TempDir dir;
    Store store(dir / "data", every_commit());
    ingest(store, 0, 1);
    // h(1) = SHA-256(32 zero bytes || 1 as u64 LE || entry 1's bytes), computed here without chain::Hasher.
    std::string input(32, '\0');
    const uint64_t one = 1;
    input.append(seq_key(one));
    input += entry_bytes(store, 1);
    unsigned char expected[32];
    unsigned int n = 0;
    ASSERT_EQ(EVP_Digest(input.data(), input.size(), expected, &n, EVP_sha256(), nullptr), 1);
    store.read([&](const StoreReader& r) {
        std::string_view v;
        EXPECT_TRUE(r.tables().chain.get(r.txn(), seq_key(one), v));
        EXPECT_EQ(v, std::string_view(reinterpret_cast<const char*>(expected), 32));
        return 0;
    });
}

TEST(Chain, AlteredEntryIsNamed) {
    test::TempDir dir;
    Store store(dir / "data", every_commit());
    ingest(store, 0, 3);
    flip_last_byte(store, 17);
    EXPECT_EQ(verify(store).problem, "log entry 17: content does not match its chain hash");
}

TEST(Chain, RecomputedChainIsCaughtByTheCheckpointSignature) {
    test::TempDir dir;
    Store store(dir / "data", every_commit());
    ingest(store, 0, 3);
    alter_arrival(store, 17);
    rechain(store, 17);
    EXPECT_EQ(verify(store).problem, "checkpoint at 20: the log up to it does not match the chain hash it signed");

    // Rewriting the checkpoint's hash as well breaks its signature.
    chain::Checkpoint cp = checkpoints(store).at(0);
    ASSERT_EQ(cp.seq, 20u);
    store.read([&](const StoreReader& r) {
        std::string_view v;
        EXPECT_TRUE(r.tables().chain.get(r.txn(), seq_key(cp.seq), v));
        std::memcpy(cp.hash.data(), v.data(), 32);
        return 0;
    });
    put_checkpoint(store, cp);
    const std::string problem = verify(store).problem;
    EXPECT_TRUE(problem.starts_with("checkpoint at 20: its signature (key ")) << problem;
}

TEST(Chain, TruncatedLogIsCaught) {
    test::TempDir dir;
    Store store(dir / "data", every_commit());
    ingest(store, 0, 3);
    store.write([&](StoreWriter& w) {
        for (uint64_t seq = 51; seq <= 60; ++seq) {
            MDB_val k{sizeof seq, &seq};
            ASSERT_EQ(mdb_del(w.txn().get(), w.tables().log.get(), &k, nullptr), 0);
            ASSERT_EQ(mdb_del(w.txn().get(), w.tables().chain.get(), &k, nullptr), 0);
        }
    });
    EXPECT_EQ(verify(store).problem, "checkpoint at 60: beyond the log's end at 50 (the log was truncated)");
}

TEST(Chain, CheckpointByAnUnknownKeyIsRefused) {
    test::TempDir dir;
    Store store(dir / "data", every_commit());
    ingest(store, 0, 2);
    // A valid signature over the right hash, by a key the store never registered.
    const auto intruder = chain::SigningKey::create(dir / "intruder.key");
    chain::Checkpoint cp = checkpoints(store).back();
    cp.key_id = intruder.id();
    cp.signature = intruder.sign(cp.signed_message());
    put_checkpoint(store, cp);
    EXPECT_EQ(verify(store).problem,
              "checkpoint at 40: signed by key " + chain::hex(intruder.id()) + ", which the store does not register");
}

TEST(Chain, PublicKeyGivenIsTheOnlyTrustAnchor) {
    test::TempDir dir;
    Store store(dir / "data", every_commit());
    ingest(store, 0, 2);
    const auto own = chain::SigningKey::load(dir / "data" / "checkpoint.key");
    const auto other = chain::SigningKey::create(dir / "other.key");
    EXPECT_TRUE(verify(store, {{own.public_key()}, {}}).ok());
    EXPECT_EQ(verify(store, {{other.public_key()}, {}}).problem,
              "checkpoint at 20: signed by key " + chain::hex(own.id()) + ", not by the given public key");
}

TEST(Chain, RotatedKeyKeepsOldCheckpointsVerifying) {
    test::TempDir dir;
    {
        Store store(dir / "data", every_commit());
        ingest(store, 0, 2);
    }
    const auto old_key = chain::SigningKey::load(dir / "data" / "checkpoint.key");
    const auto new_key = chain::SigningKey::create(dir / "new.key");
    Store store(dir / "data", every_commit(dir / "new.key"));
    EXPECT_FALSE(store.created_checkpoint_key());
    ingest(store, 2, 2);
    const auto all = checkpoints(store);
    ASSERT_EQ(all.size(), 4u);
    EXPECT_EQ(all[1].key_id, old_key.id());
    EXPECT_EQ(all[2].key_id, new_key.id());
    const VerifyReport report = verify(store);
    EXPECT_TRUE(report.ok()) << report.problem;
    EXPECT_TRUE(verify(store, {{old_key.public_key(), new_key.public_key()}, {}}).ok());
    EXPECT_EQ(verify(store, {{new_key.public_key()}, {}}).problem,
              "checkpoint at 20: signed by key " + chain::hex(old_key.id()) + ", not by the given public key");
}

TEST(Chain, CheckpointsFollowTheirPolicy) {
    test::TempDir dir;
    StoreOptions o;
    o.checkpoint_entries = 50;
    o.checkpoint_seconds = std::chrono::seconds(3600);
    Store store(dir / "data", o);
    ingest(store, 0, 6);  // commits of 20: the first commit, then once 50 more entries were appended
    std::vector<uint64_t> seqs;
    for (const auto& cp : checkpoints(store)) seqs.push_back(cp.seq);
    EXPECT_EQ(seqs, (std::vector<uint64_t>{20, 80}));
}

TEST(Chain, IndexPointingAtAnotherEpisodeIsNamed) {
    test::TempDir dir;
    Store store(dir / "data", every_commit());
    ingest(store, 0, 1);
    const std::string key = std::string("01001") + test::key("LK", {0, 5});
    store.write([&](StoreWriter& w) {
        auto head = w.episode(key);
        ASSERT_TRUE(head);
        head->current_seq = 2;
        w.set_episode(key, *head);
    });
    EXPECT_EQ(verify(store).problem, "episode " + key + ": its current version, log entry 2, is not a log entry of "
                                     "that episode");
}

}  // namespace
}  // namespace ehb
