// kill -9 of a real ehbd while several connections push, 20 times over one
// data directory: every acknowledged record is present, none is stored twice,
// and the environment opens cleanly every time.
#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <map>
#include <random>
#include <thread>

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

}  // namespace
}  // namespace ehb
