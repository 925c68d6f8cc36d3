// The access audit's tamper evidence: the `reads` hash chain, its signed
// checkpoints and verify (storage/chain.hpp, storage/verify.hpp, engine/access_log.hpp)
// on real stores altered by raw LMDB writes; `ehb verify` and backups check it too.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstring>

#include "engine/access_log.hpp"
#include "engine/ingest.hpp"
#include "storage/backup.hpp"
#include "storage/verify.hpp"
#include "tests/docs.hpp"
#include "tests/run_command.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

constexpr int kCommit = 5;  // reads per commit

const schema::PersonKey kAn = schema::PersonKey::citizen("001090012345");
const schema::PersonKey kBinh = schema::PersonKey::citizen("079190000111");

// A checkpoint at the end of every commit of kCommit reads.
StoreOptions every_commit() {
    StoreOptions o;
    o.checkpoint_entries = kCommit;
    return o;
}

// Records `commits` commits of kCommit reads, alternately of An's book and of Bình's.
void record_reads(Store& store, int commits) {
    for (int c = 0; c < commits; ++c) {
        store.write([&](StoreWriter& w) {
            for (int i = 0; i < kCommit; ++i) {
                const schema::PersonKey person = i % 2 ? kBinh : kAn;
                append_access(w, {now_us(), person, "vneid", Role::reader, AccessChannel::http, AccessWhat::book, false,
                                  AccessOutcome::served, 1, person.text(), "read " + std::to_string(c * kCommit + i)});
            }
        });
    }
}

std::string_view seq_key(const uint64_t& seq) { return {reinterpret_cast<const char*>(&seq), sizeof seq}; }

std::string read_row(Store& store, uint64_t seq) {
    return store.read([&](const StoreReader& r) {
        std::string_view v;
        EXPECT_TRUE(r.tables().reads.get(r.txn(), seq_key(seq), v));
        return std::string(v);
    });
}

void put_read(Store& store, uint64_t seq, const std::string& row) {
    store.write([&](StoreWriter& w) { w.tables().reads.put(w.txn(), seq_key(seq), row); });
}

// What an intruder with write access but without the key does: rewrites the reads chain from `from` on.
void rechain(Store& store, uint64_t from) {
    store.write([&](StoreWriter& w) {
        chain::Hasher hasher;
        chain::Hash h{};
        std::string_view v;
        if (from > 1) {
            ASSERT_TRUE(w.tables().reads_chain.get(w.txn(), seq_key(from - 1), v));
            std::memcpy(h.data(), v.data(), h.size());
        }
        for (uint64_t seq = from; w.tables().reads.get(w.txn(), seq_key(seq), v); ++seq) {
            h = hasher.next(h, seq, v);
            w.tables().reads_chain.put(w.txn(), seq_key(seq), {reinterpret_cast<const char*>(h.data()), h.size()});
        }
    });
}

void del(Store& store, lmdb::Dbi Tables::*table, std::string_view key) {
    store.write([&](StoreWriter& w) {
        MDB_val k{key.size(), const_cast<char*>(key.data())};
        ASSERT_EQ(mdb_del(w.txn().get(), (w.tables().*table).get(), &k, nullptr), 0);
    });
}

// The person record_reads filed read `seq` under.
schema::PersonKey person_of(uint64_t seq) { return (seq - 1) % kCommit % 2 ? kBinh : kAn; }

std::string index_key(schema::PersonKey person, uint64_t seq) {
    const auto p = person.bytes();
    std::string k(p.begin(), p.end());
    const uint64_t be = __builtin_bswap64(seq);
    k.append(reinterpret_cast<const char*>(&be), 8);
    return k;
}

TEST(AuditChain, IntactReadsVerifyAndAreCounted) {
    test::TempDir dir;
    Store store(dir / "data", every_commit());
    record_reads(store, 3);
    const VerifyReport report = verify(store);
    EXPECT_TRUE(report.ok()) << report.problem;
    EXPECT_EQ(report.reads, 15u);
    EXPECT_EQ(report.reads_checkpoints, 3u);
    EXPECT_EQ(report.last_reads_checkpoint, 15u);
    // Reads alone get checkpoints: no log entry was ever appended.
    EXPECT_EQ(report.checkpoints, 0u);
    EXPECT_EQ(report.summary(),
              "verified: 0 log entries, 0 checkpoints, 15 reads, 3 reads checkpoints (last at 15), indexes consistent");
}

TEST(AuditChain, ReadsChainHashIsTheSpecifiedSha256) {
    test::TempDir dir;
    Store store(dir / "data", every_commit());
    record_reads(store, 1);
    // h(2) = SHA-256(h(1) || 2 as u64 LE || read 2's stored bytes), computed here without chain::Hasher.
    const uint64_t one = 1, two = 2;
    std::string input = store.read([&](const StoreReader& r) {
        std::string_view v;
        EXPECT_TRUE(r.tables().reads_chain.get(r.txn(), seq_key(one), v));
        return std::string(v);
    });
    input.append(seq_key(two));
    input += read_row(store, 2);
    unsigned char expected[32];
    unsigned int n = 0;
    ASSERT_EQ(EVP_Digest(input.data(), input.size(), expected, &n, EVP_sha256(), nullptr), 1);
    store.read([&](const StoreReader& r) {
        std::string_view v;
        EXPECT_TRUE(r.tables().reads_chain.get(r.txn(), seq_key(two), v));
        EXPECT_EQ(v, std::string_view(reinterpret_cast<const char*>(expected), 32));
        return 0;
    });
}

TEST(AuditChain, AlteredReadIsNamed) {
    test::TempDir dir;
    Store store(dir / "data", every_commit());
    record_reads(store, 3);
    std::string row = read_row(store, 7);
    row.back() ^= 1;  // the last byte of its purpose
    put_read(store, 7, row);
    EXPECT_EQ(verify(store).problem, "read 7: content does not match its chain hash");
}

TEST(AuditChain, RecomputedChainIsCaughtByTheCheckpointSignature) {
    test::TempDir dir;
    Store store(dir / "data", every_commit());
    record_reads(store, 3);
    std::string row = read_row(store, 7);
    row.back() ^= 1;
    put_read(store, 7, row);
    rechain(store, 7);
    EXPECT_EQ(verify(store).problem,
              "reads checkpoint at 10: the access audit up to it does not match the chain hash it signed");
}

TEST(AuditChain, DeletedReadIsNamed) {
    test::TempDir dir;
    Store store(dir / "data", every_commit());
    record_reads(store, 3);
    const uint64_t seq = 4;
    del(store, &Tables::reads, seq_key(seq));
    EXPECT_EQ(verify(store).problem, "read 4: missing (the access audit goes on at 5)");
}

TEST(AuditChain, TruncatedTailIsCaughtByTheLastCheckpoint) {
    test::TempDir dir;
    Store store(dir / "data", every_commit());
    record_reads(store, 3);
    for (uint64_t seq = 12; seq <= 15; ++seq) {
        del(store, &Tables::reads, seq_key(seq));
        del(store, &Tables::reads_chain, seq_key(seq));
        del(store, &Tables::reads_by_person, index_key(person_of(seq), seq));
    }
    EXPECT_EQ(verify(store).problem,
              "reads checkpoint at 15: beyond the access audit's end at 11 (the access audit was truncated)");
}

TEST(AuditChain, IndexRowsMustPointAtReadsAndEveryReadBeIndexed) {
    test::TempDir dir;
    Store store(dir / "data", every_commit());
    record_reads(store, 2);
    // A read filed under An that the audit does not hold.
    store.write([&](StoreWriter& w) { w.tables().reads_by_person.put(w.txn(), index_key(kAn, 99), {}); });
    EXPECT_EQ(verify(store).problem, "reads_by_person: read 99 filed under person key " + kAn.text() + " does not exist");
    del(store, &Tables::reads_by_person, index_key(kAn, 99));
    ASSERT_TRUE(verify(store).ok());
    // A read hidden from its citizen's history: its index row removed.
    del(store, &Tables::reads_by_person, index_key(person_of(4), 4));
    EXPECT_EQ(verify(store).problem, "read 4: not filed in reads_by_person");
}

TEST(AuditChain, ALogCheckpointSignatureDoesNotPassForAReadsCheckpoint) {
    test::TempDir dir;
    Store store(dir / "data", every_commit());
    record_reads(store, 1);
    // The right head, signed with the store's own key, but under the log's label.
    const auto key = chain::SigningKey::load(dir / "data" / "checkpoint.key");
    chain::Checkpoint cp = store.read([](const StoreReader& r) {
        std::string_view v;
        const uint64_t seq = 5;
        EXPECT_TRUE(r.tables().reads_checkpoints.get(r.txn(), seq_key(seq), v));
        return *chain::Checkpoint::from_bytes(v);
    });
    ASSERT_TRUE(verify(store).ok());
    cp.signature = key.sign(cp.signed_message(chain::Of::log));
    const auto row = cp.bytes();
    store.write([&](StoreWriter& w) {
        w.tables().reads_checkpoints.put(w.txn(), seq_key(cp.seq), {row.data(), row.size()});
    });
    const std::string problem = verify(store).problem;
    EXPECT_TRUE(problem.starts_with("reads checkpoint at 5: its signature (key ")) << problem;
}

TEST(AuditChain, LogAndReadsInOneCommitEachGetTheirCheckpoint) {
    test::TempDir dir;
    Store store(dir / "data", every_commit());
    Engine engine(store);
    const std::string doc = test::Doc{}.json();
    std::string_view view = doc;
    ASSERT_EQ(engine.ingest({&view, 1}, "test").at(0).status, Status::accepted);
    record_reads(store, 1);
    const VerifyReport report = verify(store);
    EXPECT_TRUE(report.ok()) << report.problem;
    EXPECT_EQ(report.reads, 5u);
    EXPECT_EQ(report.reads_checkpoints, 1u);
    EXPECT_EQ(report.entries, 1u);
    EXPECT_EQ(report.checkpoints, 1u);
}

// `ehb verify` counts the reads and names the first bad one; a backup of a tampered audit does not verify.
TEST(AuditChain, VerifyCommandAndBackupCheckTheReadsChain) {
    test::TempDir dir;
    {
        Store store(dir / "data", every_commit());
        record_reads(store, 2);
    }
    const std::string verify_cmd = std::string(EHB_BINARY) + " verify --data " + (dir / "data").string() + " 2>&1";
    test::Output ok = test::run_command(verify_cmd);
    EXPECT_EQ(ok.exit_code, 0) << ok.out;
    EXPECT_NE(ok.out.find(", 10 reads, 2 reads checkpoints (last at 10), "), std::string::npos) << ok.out;
    {
        Store store(dir / "data", every_commit());
        std::string row = read_row(store, 3);
        row.back() ^= 1;
        put_read(store, 3, row);
    }
    test::Output bad = test::run_command(verify_cmd);
    EXPECT_NE(bad.exit_code, 0);
    EXPECT_NE(bad.out.find("read 3: content does not match its chain hash"), std::string::npos) << bad.out;
    const BackupResult backed = backup(dir / "data", dir / "backup");
    EXPECT_EQ(backed.verified.problem, "read 3: content does not match its chain hash");
}

}  // namespace
}  // namespace ehb
