// ehb backup, restore and verify as real processes, beside a real ehbd that is
// being pushed to (storage/backup.hpp, storage/verify.hpp).
#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

#include "engine/ingest.hpp"
#include "storage/verify.hpp"
#include "tests/docs.hpp"
#include "tests/ehbd_process.hpp"
#include "tests/run_command.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

using test::Output;

// The ehb command with `args`; its output holds stdout and stderr.
Output ehb(const std::string& args) { return test::run_command(std::string(EHB_BINARY) + " " + args + " 2>&1"); }

std::vector<std::string> batch_docs(const std::string& prefix, int batch, std::vector<std::string>& keys) {
    std::vector<std::string> docs;
    for (int i = 0; i < 25; ++i) {
        test::Doc d;
        d.ma_lk = test::key(prefix, {batch, i});
        keys.push_back(d.ma_lk);
        docs.push_back(d.json());
    }
    return docs;
}

// A store of `batches` batches of 25 documents, written offline.
void fill(const std::filesystem::path& data, int batches) {
    Store store(data);
    Engine engine(store);
    for (int b = 0; b < batches; ++b) {
        std::vector<std::string> keys;
        auto docs = batch_docs("OFF", b, keys);
        std::vector<std::string_view> views(docs.begin(), docs.end());
        engine.ingest(views, "backup-test");
    }
}

StoreOptions read_only() {
    StoreOptions o;
    o.read_only = true;
    return o;
}

// The public half of a PEM private key, as `openssl pkey -pubout` writes it.
void write_public_key(const std::filesystem::path& private_pem, const std::filesystem::path& public_pem) {
    FILE* in = std::fopen(private_pem.c_str(), "r");
    ASSERT_TRUE(in);
    EVP_PKEY* key = PEM_read_PrivateKey(in, nullptr, nullptr, nullptr);
    std::fclose(in);
    ASSERT_TRUE(key);
    FILE* out = std::fopen(public_pem.c_str(), "w");
    ASSERT_TRUE(out);
    EXPECT_EQ(PEM_write_PUBKEY(out, key), 1);
    std::fclose(out);
    EVP_PKEY_free(key);
}

TEST(Backup, HotBackupHoldsEverythingAcknowledgedBeforeItAndRestoresIntoAServingStore) {
    test::TempDir dir;
    const auto data = dir / "data";
    const net::Credentials portal = test::add_principal_to(data, "portal", Role::portal);
    const net::Credentials reader = test::add_principal_to(data, "reader", Role::reader);
    test::EhbdProcess ehbd(data, {"--checkpoint-entries", "100"});

    // Pushes until told to stop, each batch answered before the next.
    std::mutex mu;
    std::vector<std::string> acknowledged;
    std::atomic<bool> stop{false};
    std::thread pusher([&] {
        net::Client c(ehbd.endpoint(), portal);
        for (int b = 0; !stop; ++b) {
            std::vector<std::string> keys;
            auto docs = batch_docs("HOT", b, keys);
            auto result = c.push(1, uint64_t(b) + 1, std::vector<std::string_view>(docs.begin(), docs.end()));
            ASSERT_EQ(result.results.size(), keys.size());
            std::lock_guard lock(mu);
            acknowledged.insert(acknowledged.end(), keys.begin(), keys.end());
        }
    });
    auto acknowledged_count = [&] {
        std::lock_guard lock(mu);
        return acknowledged.size();
    };
    while (acknowledged_count() < 500) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::vector<std::string> before;
    {
        std::lock_guard lock(mu);
        before = acknowledged;
    }
    const auto backup = dir / "backup";
    const Output b = ehb("backup --data " + data.string() + " --out " + backup.string());
    const std::size_t during = acknowledged_count();
    stop = true;
    pusher.join();
    ASSERT_EQ(b.exit_code, 0) << b.out;
    EXPECT_NE(b.out.find("indexes consistent"), std::string::npos) << b.out;
    EXPECT_NE(b.out.find("the private checkpoint key is not in the backup"), std::string::npos) << b.out;
    EXPECT_GT(during, before.size()) << "the backup did not run while ehbd ingested";
    EXPECT_FALSE(std::filesystem::exists(backup / "checkpoint.key"));
    EXPECT_EQ(std::filesystem::status(backup / "data.mdb").permissions() & std::filesystem::perms::others_all,
              std::filesystem::perms::none);
    EXPECT_FALSE(std::filesystem::exists(dir / "backup.partial"));

    {
        Store copy(backup, read_only());
        copy.read([&](const StoreReader& r) {
            for (const auto& key : before) EXPECT_TRUE(r.episode("01001" + key)) << "not in the backup: " << key;
            return 0;
        });
        EXPECT_TRUE(verify(copy).ok());
    }
    const Output live = ehb("verify --data " + data.string());
    EXPECT_EQ(live.exit_code, 0) << live.out;
    EXPECT_TRUE(live.out.starts_with("verified: ")) << live.out;

    const auto restored = dir / "restored";
    const Output r = ehb("restore --from " + backup.string() + " --data " + restored.string());
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("verified: "), std::string::npos) << r.out;
    test::EhbdProcess again(restored);
    net::Client c(again.endpoint(), reader);
    const std::string book = c.get_book("001090012345");
    EXPECT_NE(book.find(before.front()), std::string::npos);
    EXPECT_NE(book.find(before.back()), std::string::npos);
    EXPECT_EQ(again.terminate(), 0);
    EXPECT_EQ(ehbd.terminate(), 0);
    // ehbd on the restored store registered a key of its own; the copied checkpoints still verify.
    EXPECT_EQ(ehb("verify --data " + restored.string()).exit_code, 0);
}

TEST(Backup, RefusesExistingTargetsAndTamperedBackups) {
    test::TempDir dir;
    const auto data = dir / "data";
    fill(data, 4);
    const auto backup = dir / "backup";
    ASSERT_EQ(ehb("backup --data " + data.string() + " --out " + backup.string()).exit_code, 0);

    const Output again = ehb("backup --data " + data.string() + " --out " + backup.string());
    EXPECT_EQ(again.exit_code, 1);
    EXPECT_NE(again.out.find("exists; nothing was copied"), std::string::npos) << again.out;

    const auto occupied = dir / "occupied";
    std::filesystem::create_directories(occupied);
    std::FILE* f = std::fopen((occupied / "keep").c_str(), "w");
    std::fclose(f);
    const Output refused = ehb("restore --from " + backup.string() + " --data " + occupied.string());
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.out.find("is not empty; nothing was restored"), std::string::npos) << refused.out;
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(occupied), {}), 1);

    // A backup altered afterwards is not restored.
    {
        Store store(backup);
        store.write([](StoreWriter& w) {
            const uint64_t seq = 3;
            std::string_view v;
            ASSERT_TRUE(w.tables().log.get(w.txn(), {reinterpret_cast<const char*>(&seq), 8}, v));
            std::string bytes(v);
            bytes[bytes.size() / 2] ^= 0x20;
            w.tables().log.put(w.txn(), {reinterpret_cast<const char*>(&seq), 8}, bytes);
        });
    }
    const auto target = dir / "target";
    const Output tampered = ehb("restore --from " + backup.string() + " --data " + target.string());
    EXPECT_EQ(tampered.exit_code, 1);
    EXPECT_NE(tampered.out.find("does not verify, nothing was restored: log entry 3: content does not match its "
                                "chain hash"),
              std::string::npos)
        << tampered.out;
    EXPECT_FALSE(std::filesystem::exists(target));
}

TEST(Backup, VerifyCommandExitCodesAndMessages) {
    test::TempDir dir;
    const auto data = dir / "data";
    fill(data, 2);
    const Output ok = ehb("verify --data " + data.string());
    EXPECT_EQ(ok.exit_code, 0);
    EXPECT_EQ(ok.out, "verified: 50 log entries, 1 checkpoint (last at 25), 0 reads, 0 reads checkpoints, indexes "
                      "consistent\n");

    write_public_key(data / "checkpoint.key", dir / "own.pem");
    EXPECT_EQ(ehb("verify --data " + data.string() + " --public-key " + (dir / "own.pem").string()).exit_code, 0);
    chain::SigningKey::create(dir / "other.key");
    write_public_key(dir / "other.key", dir / "other.pem");
    const Output other = ehb("verify --data " + data.string() + " --public-key " + (dir / "other.pem").string());
    EXPECT_EQ(other.exit_code, 1);
    EXPECT_NE(other.out.find("checkpoint at 25: signed by key "), std::string::npos) << other.out;
    EXPECT_NE(other.out.find(", not by the given public key"), std::string::npos) << other.out;

    {
        Store store(data);
        store.write([](StoreWriter& w) {
            const uint64_t seq = 7;
            std::string_view v;
            ASSERT_TRUE(w.tables().log.get(w.txn(), {reinterpret_cast<const char*>(&seq), 8}, v));
            std::string bytes(v);
            bytes.back() ^= 1;
            w.tables().log.put(w.txn(), {reinterpret_cast<const char*>(&seq), 8}, bytes);
        });
    }
    const Output bad = ehb("verify --data " + data.string());
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_EQ(bad.out, "ehb verify: log entry 7: content does not match its chain hash\n");

    EXPECT_EQ(ehb("verify").exit_code, 2);
    const Output missing = ehb("verify --data " + (dir / "nothing").string());
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_NE(missing.out.find("holds no store"), std::string::npos) << missing.out;
}

}  // namespace
}  // namespace ehb
