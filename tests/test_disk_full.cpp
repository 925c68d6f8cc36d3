// A full disk under a real ehbd (docs/security.md, "Crashes and full disks"):
// the data directory lives on a small tmpfs in a private mount namespace;
// a filler file takes the rest of it, or all but a little. A push that needs
// space is refused with UNAVAILABLE and stores nothing, ehbd keeps serving,
// nothing acknowledged is lost, and the same batch is accepted once space
// returns.
// Needs root (or CAP_SYS_ADMIN) to mount; skipped without it.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "storage/verify.hpp"
#include "tests/docs.hpp"
#include "tests/ehbd_process.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

// The XML2 rows (medicines) of the corpus's inpatient episode, as raw JSON.
std::string medicines() {
    std::ifstream in(std::string(EHB_TEST_DATA) + "/json/inpatient_as_json.json");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t begin = text.find("\"XML2\":");
    const std::size_t end = text.find(']', begin);
    EXPECT_NE(begin, std::string::npos);
    return text.substr(begin, end + 1 - begin);
}

// Episodes of distinct persons, each with the corpus's medicines: bulky enough to need new pages.
std::vector<std::string> docs(const std::string& prefix, int n) {
    static const std::string rows = medicines();
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) {
        test::Doc d;
        d.ma_lk = prefix + std::to_string(i);
        d.citizen = "0010900" + std::to_string(10000 + i);
        d.card.clear();
        std::string tables = rows;
        for (std::size_t at; (at = tables.find("01001_2024_03_BN204518_K17")) != std::string::npos;) {
            tables.replace(at, 26, d.ma_lk);
        }
        d.tables = "," + tables;
        out.push_back(d.json());
    }
    return out;
}

// Fills the filesystem holding `dir` with `dir`/filler until it is full, then
// gives `left_free` bytes back.
void fill(const std::filesystem::path& dir, std::size_t left_free) {
    {
        std::ofstream out(dir / "filler", std::ios::binary);
        const std::string chunk(64 << 10, 'f');
        while (out.write(chunk.data(), chunk.size()) && out.flush()) {
        }
    }
    const auto size = std::filesystem::file_size(dir / "filler");
    std::filesystem::resize_file(dir / "filler", size - std::min<std::uintmax_t>(size, left_free));
}

class DiskFull : public ::testing::Test {
protected:
    test::TempDir dir;
    std::filesystem::path small = dir / "small";

    void SetUp() override {
        std::filesystem::create_directory(small);
        // A mount namespace of this test's own: the tmpfs goes away with the process.
        if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
            mount("tmpfs", small.c_str(), "tmpfs", 0, "size=24m") != 0) {
            GTEST_SKIP() << "cannot mount a small tmpfs here (" << std::strerror(errno)
                         << "): the disk-full test needs root or CAP_SYS_ADMIN";
        }
    }
    void TearDown() override { umount2(small.c_str(), MNT_DETACH); }

    // The whole story, with `left_free` bytes free when the push arrives.
    void refused_then_accepted(std::size_t left_free);
};

TEST_F(DiskFull, APushIsRefusedWithNothingStoredAndAcceptedOnceSpaceReturns) { refused_then_accepted(0); }

// The disk fills midway through one of LMDB's writes of a run of pages, which
// LMDB reports as EIO, not ENOSPC: refused all the same, not fatal. 100 KB is
// 25 pages, fewer than the run of new pages LMDB writes first here (with 256 KB
// the disk happened to fill between two writes, and ENOSPC came as before).
TEST_F(DiskFull, APushThatFillsTheDiskMidwayIsRefusedToo) { refused_then_accepted(100 << 10); }

void DiskFull::refused_then_accepted(std::size_t left_free) {
    const auto data = small / "data";
    net::Credentials portal = test::add_principal_to(data, "portal", Role::portal);
    auto ehbd = std::make_unique<test::EhbdProcess>(data);

    const std::vector<std::string> before = docs("A", 20), during = docs("B", 400);
    const auto views = [](const std::vector<std::string>& v) {
        return std::vector<std::string_view>(v.begin(), v.end());
    };
    {
        net::Client c(ehbd->endpoint(), portal);
        for (const RecordResult& r : c.push(1, 1, views(before)).results) {
            ASSERT_EQ(r.status, Status::accepted) << r.error.code << " " << r.error.field << ": " << r.error.reason;
        }
    }
    fill(small, left_free);
    {
        net::Client c(ehbd->endpoint(), portal);
        try {
            c.push(1, 2, views(during));
            FAIL() << "a push needing new pages was acknowledged on a full disk";
        } catch (const net::ProtocolError& e) {
            EXPECT_EQ(e.code(), wire::ErrorCode::unavailable) << e.what();
            EXPECT_NE(std::string(e.what()).find("disk is full"), std::string::npos) << e.what();
        }
    }
    // ehbd is still there: a new connection is served.
    {
        net::Client c(ehbd->endpoint(), portal);
        c.ping();
    }
    std::filesystem::remove(small / "filler");
    {
        net::Client c(ehbd->endpoint(), portal);
        const wire::PushResult again = c.push(1, 2, views(during));
        EXPECT_FALSE(again.replayed) << "the refused batch was never stored";
        for (const RecordResult& r : again.results) ASSERT_EQ(r.status, Status::accepted);
    }
    EXPECT_EQ(ehbd->terminate(), 0) << ehbd->log();
    EXPECT_NE(ehbd->log().find("disk is full"), std::string::npos) << ehbd->log();

    Store store(data);
    store.read([&](const StoreReader& r) {
        EXPECT_EQ(r.entries(r.tables().episodes), before.size() + during.size());
        EXPECT_EQ(r.last_seq(), before.size() + during.size()) << "no log entry of the refused commit";
        return 0;
    });
    const VerifyReport report = verify(store);
    EXPECT_TRUE(report.ok()) << report.problem;
}

}  // namespace
}  // namespace ehb
