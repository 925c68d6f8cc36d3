// storage/writeback.hpp: the helper that starts the kernel writing a commit's
// pages, observed through the page flags the kernel reports for a real file.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/writeback.hpp"
#include "tests/tmpdir.hpp"

namespace {

constexpr std::size_t kPage = 4096;
constexpr std::size_t kPages = 4096;  // 16 MB

// Pages of the mapping [map, map + pages * kPage) whose folio is dirty, from
// /proc/self/pagemap and /proc/kpageflags; nullopt when they cannot be read
// (frame numbers need CAP_SYS_ADMIN).
std::optional<std::size_t> dirty_pages(const char* map, std::size_t pages) {
    const int pagemap = ::open("/proc/self/pagemap", O_RDONLY);
    const int flags = ::open("/proc/kpageflags", O_RDONLY);
    std::optional<std::size_t> dirty;
    if (pagemap >= 0 && flags >= 0) {
        dirty = 0;
        for (std::size_t i = 0; i < pages && dirty; ++i) {
            volatile char touch = map[i * kPage];  // mapped, so that it has a frame
            (void)touch;
            uint64_t entry = 0, f = 0;
            const off_t at = off_t(reinterpret_cast<uintptr_t>(map + i * kPage) / kPage * sizeof entry);
            if (::pread(pagemap, &entry, sizeof entry, at) != sizeof entry) dirty.reset();
            const uint64_t pfn = entry & ((uint64_t{1} << 55) - 1);
            if (!dirty || !(entry >> 63) || pfn == 0) {
                dirty.reset();
                break;
            }
            if (::pread(flags, &f, sizeof f, off_t(pfn * sizeof f)) != sizeof f) dirty.reset();
            else if (f & (uint64_t{1} << 4)) ++*dirty;  // KPF_DIRTY
        }
    }
    if (pagemap >= 0) ::close(pagemap);
    if (flags >= 0) ::close(flags);
    return dirty;
}

}  // namespace

TEST(Writeback, StartsWritingDirtyPagesWhileACommitRunsWithoutAnySync) {
    ehb::test::TempDir dir;
    const std::string path = (dir / "data").string();
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0600);
    ASSERT_GE(fd, 0);
    std::vector<char> page(kPage, 'x');
    for (std::size_t i = 0; i < kPages; ++i) {
        ASSERT_EQ(::pwrite(fd, page.data(), kPage, off_t(i * kPage)), ssize_t(kPage));
    }
    void* m = ::mmap(nullptr, kPages * kPage, PROT_READ, MAP_SHARED, fd, 0);
    ASSERT_NE(m, MAP_FAILED);
    const char* map = static_cast<const char*>(m);

    const auto before = dirty_pages(map, kPages);
    if (!before) GTEST_SKIP() << "page flags unreadable here (needs CAP_SYS_ADMIN)";
    // The kernel's own writeback starts only after 30 s or with far more dirty memory.
    if (*before < kPages / 2) GTEST_SKIP() << "the kernel already wrote the file back: " << *before << " pages dirty";

    ehb::Writeback writeback(fd);
    writeback.begin();
    std::size_t dirty = *before;
    for (int i = 0; i < 1000 && dirty > 0; ++i) {  // 1,000 polls 10 ms apart; 16 MB takes milliseconds
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        dirty = dirty_pages(map, kPages).value_or(dirty);
    }
    writeback.end();
    EXPECT_EQ(dirty, 0u) << "of " << *before << " dirty pages";
    EXPECT_GE(writeback.calls(), 1u);
    ::munmap(m, kPages * kPage);
    ::close(fd);
}

TEST(Writeback, WorksOnlyBetweenBeginAndEnd) {
    ehb::test::TempDir dir;
    const int fd = ::open((dir / "data").c_str(), O_RDWR | O_CREAT, 0600);
    ASSERT_GE(fd, 0);
    ehb::Writeback writeback(fd);
    ::close(fd);  // the helper keeps its own descriptor
    std::this_thread::sleep_for(ehb::Writeback::kInterval * 10);
    EXPECT_EQ(writeback.calls(), 0u);

    writeback.begin();
    for (int i = 0; i < 1000 && writeback.calls() < 3; ++i) std::this_thread::sleep_for(ehb::Writeback::kInterval);
    writeback.end();
    const auto at_end = writeback.calls();
    EXPECT_GE(at_end, 3u);
    std::this_thread::sleep_for(ehb::Writeback::kInterval * 10);
    EXPECT_LE(writeback.calls(), at_end + 1) << "at most the call under way when end() came";
}
