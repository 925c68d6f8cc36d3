// kill -9 during ingest: every acknowledged batch is whole, no batch is partial,
// and the store verifies (hash chain, checkpoints, indexes).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <set>

#include "engine/ingest.hpp"
#include "storage/verify.hpp"
#include "tests/docs.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

constexpr int kBatch = 50;

// (Built with append: g++ 12 warns falsely on "literal" + std::string, PR105329.)
std::string ma_lk(int batch, int i) {
    std::string s = "B";
    s.append(std::to_string(batch)).append("-").append(std::to_string(i));
    return s;
}

std::string doc_for(int batch, int i) {
    test::Doc d;
    d.ma_lk = ma_lk(batch, i);
    return d.json();
}

// The child ingests batches until killed, reporting each batch id once it is durable.
[[noreturn]] void child(const std::filesystem::path& dir, int ack_fd) {
    StoreOptions options;
    options.checkpoint_entries = 2 * kBatch;  // a checkpoint every other commit
    Store store(dir, options);
    Engine engine(store);
    for (int batch = 0;; ++batch) {
        std::vector<std::string> docs;
        for (int i = 0; i < kBatch; ++i) docs.push_back(doc_for(batch, i));
        std::vector<std::string_view> views(docs.begin(), docs.end());
        engine.ingest(views, "crash-test");
        if (write(ack_fd, &batch, sizeof batch) != sizeof batch) _exit(3);
    }
}

TEST(Crash, KilledWriterLosesNothingAcknowledgedAndNoBatchIsPartial) {
    std::mt19937 rng(42);
    for (int trial = 0; trial < 8; ++trial) {
        test::TempDir dir;
        int fds[2];
        ASSERT_EQ(pipe(fds), 0);
        pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            close(fds[0]);
            child(dir.path(), fds[1]);
        }
        close(fds[1]);
        usleep(20'000 + rng() % 150'000);
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        ASSERT_TRUE(WIFSIGNALED(status)) << "the writer died on its own, status " << status;
        std::set<int> acked;
        int id;
        while (read(fds[0], &id, sizeof id) == sizeof id) acked.insert(id);
        close(fds[0]);

        Store store(dir.path());
        store.read([&](const StoreReader& r) {
            int batches_present = 0;
            for (int batch = 0;; ++batch) {
                int present = 0;
                for (int i = 0; i < kBatch; ++i) present += r.episode(std::string("01001").append(ma_lk(batch, i))) ? 1 : 0;
                if (present == 0 && !acked.count(batch)) break;
                EXPECT_EQ(present, kBatch) << "trial " << trial << " batch " << batch << " is partial or lost";
                ++batches_present;
            }
            EXPECT_GE(batches_present, static_cast<int>(acked.size()));
            EXPECT_EQ(r.last_seq(), static_cast<uint64_t>(batches_present) * kBatch);
            return 0;
        });
        const VerifyReport report = verify(store);
        EXPECT_TRUE(report.ok()) << "trial " << trial << ": " << report.problem;
        // The store takes writes again after the crash.
        Engine engine(store);
        std::string again = doc_for(100000, 0);
        std::string_view view = again;
        EXPECT_EQ(engine.ingest({&view, 1}, "after-crash").at(0).status, Status::accepted);
    }
}

}  // namespace
}  // namespace ehb
