// kill -9 of a real ehbd while several connections push, 20 times over one
// data directory: every acknowledged record is present, none is stored twice,
// and the environment opens cleanly every time. Then 100 trials that also
// land while the map grows, checkpoints are signed and `ehb backup` runs, each
// followed by `verify` of the data directory (and of the backup).
#include <gtest/gtest.h>
#include <fcntl.h>

#include <atomic>
#include <deque>
#include <map>
#include <random>
#include <thread>

#include "engine/principals.hpp"
#include "storage/verify.hpp"
#include "tests/docs.hpp"
#include "tests/ehbd_process.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

constexpr int kStreams = 3;
constexpr int kBatch = 40;
constexpr int kRounds = 20;

// One sender: its stream, the batches it has not had answered, and what was acknowledged.
struct Sender {
    uint32_t stream;
    uint64_t next_seq = 1;
    std::deque<std::pair<uint64_t, std::vector<std::string>>> unanswered;
    std::map<uint64_t, wire::PushResult> acknowledged;
    std::map<uint64_t, std::vector<std::string>> sent;  // batch → its episodes' MA_LK
    int replayed = 0;  // answered after a restart from the stored answer: committed, then the line broke

    std::vector<std::string> make_batch(uint64_t seq) {
        std::vector<std::string> docs, keys;
        for (int i = 0; i < kBatch; ++i) {
            test::Doc d;
            d.ma_lk = test::key("K", {stream, (long long)seq, i});
            d.citizen = test::key("00109", {1000000 + stream * 1000 + i % 7});
            keys.push_back(d.ma_lk);
            docs.push_back(d.json());
        }
        sent[seq] = keys;
        return docs;
    }

    // Resends what is unanswered, then pushes new batches, until the line breaks
    // (or `more` is false and nothing is left unanswered).
    void run(const net::Endpoint& at, const net::Credentials& who, const std::atomic<bool>& more) {
        try {
            net::Client c(at, who);
            c.set_timeout(std::chrono::milliseconds(20'000));
            std::size_t in_flight = 0;
            for (auto& [seq, docs] : unanswered) {
                c.send_push(stream, seq, std::vector<std::string_view>(docs.begin(), docs.end()));
                ++in_flight;
            }
            for (;;) {
                while (more && in_flight < 4) {
                    uint64_t seq = next_seq++;
                    unanswered.emplace_back(seq, make_batch(seq));
                    auto& docs = unanswered.back().second;
                    c.send_push(stream, seq, std::vector<std::string_view>(docs.begin(), docs.end()));
                    ++in_flight;
                }
                if (in_flight == 0) return;
                net::Reply r = c.receive();
                auto& result = std::get<wire::PushResult>(r.body);
                // Answers come in order on one stream; the answered batch is the oldest.
                ASSERT_EQ(result.batch_seq, unanswered.front().first);
                acknowledged[result.batch_seq] = result;
                replayed += result.replayed;
                unanswered.pop_front();
                --in_flight;
            }
        } catch (const std::system_error&) {
            // The server was killed: the line broke.
        } catch (const std::runtime_error&) {
            // Connection refused while it restarts, or a frame cut short.
        }
    }
};

// Every record acknowledged so far is stored.
void check_acknowledged(const StoreReader& r, const std::vector<Sender>& senders) {
    for (auto& s : senders) {
        for (auto& [seq, result] : s.acknowledged) {
            const auto& keys = s.sent.at(seq);
            for (std::size_t i = 0; i < keys.size(); ++i) {
                auto e = r.entry(result.results[i].seq);
                ASSERT_TRUE(e) << "acknowledged record lost: " << keys[i];
                ASSERT_EQ(e->episode_key, "01001" + keys[i]);
            }
        }
    }
}

void check(const StoreReader& r, const std::vector<Sender>& senders, std::size_t& total) {
    for (auto& s : senders) {
        EXPECT_TRUE(s.unanswered.empty());
        for (auto& [seq, result] : s.acknowledged) {
            const auto& keys = s.sent.at(seq);
            ASSERT_EQ(result.results.size(), keys.size());
            for (std::size_t i = 0; i < keys.size(); ++i) {
                EXPECT_EQ(result.results[i].status, Status::accepted) << "batch " << seq;
                auto e = r.entry(result.results[i].seq);
                ASSERT_TRUE(e) << "acknowledged record lost: " << keys[i];
                EXPECT_EQ(e->episode_key, "01001" + keys[i]);
            }
            total += keys.size();
        }
    }
    // Every record sent is stored exactly once.
    EXPECT_EQ(r.last_seq(), total);
    EXPECT_EQ(r.entries(r.tables().log), total);
    EXPECT_EQ(r.entries(r.tables().episodes), total);
}

TEST(ServerCrash, KillNineDuringMultiConnectionPushLosesNothingAcknowledgedAndStoresNothingTwice) {
    test::TempDir dir;
    auto data = dir / "data";
    net::Credentials portal = test::add_principal_to(data, "portal", Role::portal);
    std::vector<Sender> senders(kStreams);
    for (int s = 0; s < kStreams; ++s) senders[s].stream = uint32_t(s + 1);
    std::mt19937 rng(20261122);
    int cut_mid_flight = 0;  // rounds in which the kill left batches unanswered
    for (int round = 0; round <= kRounds; ++round) {
        test::EhbdProcess ehbd(data);  // the environment must open cleanly after every kill
        bool last = round == kRounds;
        std::atomic<bool> more{!last};
        std::vector<std::thread> threads;
        for (auto& s : senders) threads.emplace_back([&] { s.run(ehbd.endpoint(), portal, more); });
        if (last) {
            for (auto& t : threads) t.join();
            EXPECT_EQ(ehbd.terminate(), 0);
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(30 + rng() % 250));
            ehbd.kill9();
            for (auto& t : threads) t.join();
            bool cut = false;
            for (auto& s : senders) cut |= !s.unanswered.empty();
            cut_mid_flight += cut;
        }
    }

    Store store(data);
    std::size_t total = 0;
    store.read([&](const StoreReader& r) {
        check(r, senders, total);
        return 0;
    });
    EXPECT_GT(total, std::size_t(kRounds * kBatch));
    int replayed = 0;
    for (auto& s : senders) replayed += s.replayed;
    // The kills landed while batches were in flight, not between pushes.
    EXPECT_GE(cut_mid_flight, kRounds / 2);
    std::printf("%zu records, %d of %d kills with batches in flight, %d batches answered as replays\n", total,
                cut_mid_flight, kRounds, replayed);
}

// `ehb backup --data DATA --out OUT` as a child process; its pid.
pid_t start_backup(const std::filesystem::path& data, const std::filesystem::path& out) {
    const pid_t pid = fork();
    if (pid == 0) {
        const int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        execl(EHB_BINARY, EHB_BINARY, "backup", "--data", data.c_str(), "--out", out.c_str(), nullptr);
        _exit(127);
    }
    return pid;
}

// The data directory opened read-only beside the running ehbd: it verifies and
// holds every acknowledged record.
VerifyReport verify_beside(const std::filesystem::path& data, const std::vector<Sender>& senders) {
    StoreOptions read_only;
    read_only.read_only = true;
    Store store(data, read_only);
    store.read([&](const StoreReader& r) {
        check_acknowledged(r, senders);
        return 0;
    });
    return verify(store);
}

constexpr int kDirectories = 10;
constexpr int kTrialsPerDirectory = 10;

TEST(ServerCrash, HundredKillNineTrialsDuringMapGrowthCheckpointsAndBackupsLeaveStoresThatVerify) {
    std::mt19937 rng(20261123);
    int backups = 0, checkpoints = 0;
    uint64_t largest = 0;
    for (int d = 0; d < kDirectories; ++d) {
        test::TempDir dir;
        const auto data = dir / "data";
        // A 1 MB map, so that it grows during the trials; a checkpoint at every commit (a batch is kBatch entries).
        const std::vector<std::string> flags = {"--initial-map-mb", "1", "--checkpoint-entries",
                                                std::to_string(kBatch)};
        StoreOptions small;
        small.initial_map_size = std::size_t{1} << 20;
        net::Credentials portal;
        {
            Store store(data, small);
            portal = {"portal", add_principal(store, "portal", Role::portal, {})};
        }
        std::vector<Sender> senders(kStreams);
        for (int s = 0; s < kStreams; ++s) senders[s].stream = uint32_t(s + 1);
        for (int trial = 0; trial <= kTrialsPerDirectory; ++trial) {
            test::EhbdProcess ehbd(data, flags);  // the restart after the kill before
            const VerifyReport report = verify_beside(data, senders);
            ASSERT_TRUE(report.ok()) << "directory " << d << " trial " << trial << ": " << report.problem;
            const bool last = trial == kTrialsPerDirectory;
            std::atomic<bool> more{!last};
            std::vector<std::thread> threads;
            for (auto& s : senders) threads.emplace_back([&] { s.run(ehbd.endpoint(), portal, more); });
            if (last) {
                for (auto& t : threads) t.join();
                EXPECT_EQ(ehbd.terminate(), 0);
                checkpoints += int(report.checkpoints);
                break;
            }
            const auto kill_after = std::chrono::milliseconds(20 + rng() % 150);
            pid_t backup = -1;
            const auto backup_dir = dir / ("backup-" + std::to_string(trial));
            if (trial % 3 == 1) {
                // Started shortly before the kill, so that the two often overlap.
                std::this_thread::sleep_for(kill_after - std::chrono::milliseconds(rng() % 15));
                backup = start_backup(data, backup_dir);
                std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 15));
            } else {
                std::this_thread::sleep_for(kill_after);
            }
            ehbd.kill9();
            for (auto& t : threads) t.join();
            if (backup > 0) {
                int status = 0;
                waitpid(backup, &status, 0);
                ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "ehb backup failed: " << status;
                StoreOptions read_only;
                read_only.read_only = true;
                Store copy(backup_dir, read_only);
                const VerifyReport copied = verify(copy);
                EXPECT_TRUE(copied.ok()) << copied.problem;
                ++backups;
            }
        }
        Store store(data);
        std::size_t total = 0;
        store.read([&](const StoreReader& r) {
            check(r, senders, total);
            return 0;
        });
        EXPECT_TRUE(verify(store).ok());
        largest = std::max<uint64_t>(largest, std::filesystem::file_size(data / "data.mdb"));
    }
    EXPECT_EQ(backups, kDirectories * 3);
    // The map grew beyond its first megabyte, and checkpoints were written all along.
    EXPECT_GT(largest, uint64_t{1} << 20);
    EXPECT_GE(checkpoints, kDirectories * kTrialsPerDirectory / 2);
    std::printf("%d backups verified, %d checkpoints, largest store %llu bytes\n", backups, checkpoints,
                (unsigned long long)largest);
}

}  // namespace
}  // namespace ehb
