// The pages past the end LMDB uses are cached ahead of it in 4 KB folios
// (storage/growth_prefill.hpp), on real files and a real store.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "storage/growth_prefill.hpp"
#include "storage/space.hpp"
#include "storage/store.hpp"
#include "tests/tmpdir.hpp"

using namespace ehb;
using ehb::test::TempDir;

namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr std::size_t kPage = 4096;

struct Fd {
    int fd;
    explicit Fd(int f) : fd(f) {}
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

// A read-only map of a whole file.
struct Map {
    void* at = MAP_FAILED;
    std::size_t size = 0;
    explicit Map(const std::filesystem::path& file) : size(std::filesystem::file_size(file)) {
        Fd f(::open(file.c_str(), O_RDONLY));
        at = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, f.fd, 0);
    }
    ~Map() {
        if (at != MAP_FAILED) ::munmap(at, size);
    }
    const unsigned char* bytes() const { return static_cast<const unsigned char*>(at); }
};

uint64_t read_u64(const char* file, uint64_t index) {
    Fd f(::open(file, O_RDONLY));
    uint64_t v = 0;
    if (f.fd < 0 || ::pread(f.fd, &v, sizeof v, off_t(index * sizeof v)) != sizeof v) return 0;
    return v;
}

// Whether the cached page mapped at `page` belongs to a folio larger than 4 KB
// (a compound page). Empty where the kernel does not show page frames
// (/proc/kpageflags and the frame numbers in pagemap need CAP_SYS_ADMIN).
std::optional<bool> in_large_folio(const unsigned char* page) {
    volatile unsigned char touch = *page;  // maps the cached page
    (void)touch;
    const uint64_t entry = read_u64("/proc/self/pagemap", reinterpret_cast<uintptr_t>(page) / kPage);
    const uint64_t frame = entry & ((uint64_t{1} << 55) - 1);
    if (!(entry >> 63) || frame == 0) return std::nullopt;
    const uint64_t flags = read_u64("/proc/kpageflags", frame);
    constexpr int kCompoundHead = 15, kCompoundTail = 16;
    return ((flags >> kCompoundHead) & 1) || ((flags >> kCompoundTail) & 1);
}

// How many of the pages in [from, to) of `file` sit in large folios; empty when unknown.
std::optional<std::size_t> pages_in_large_folios(const std::filesystem::path& file, uint64_t from, uint64_t to) {
    Map map(file);
    if (map.at == MAP_FAILED) return std::nullopt;
    std::size_t large = 0;
    for (uint64_t at = from; at < to; at += kPage) {
        const auto big = in_large_folio(map.bytes() + at);
        if (!big) return std::nullopt;
        large += *big;
    }
    return large;
}

// Residency of [from, to) in the page cache.
std::size_t resident_pages(const std::filesystem::path& file, uint64_t from, uint64_t to) {
    Map map(file);
    std::vector<unsigned char> in((to - from) / kPage);
    if (map.at == MAP_FAILED || ::mincore(const_cast<unsigned char*>(map.bytes()) + from, to - from, in.data()) != 0)
        return 0;
    std::size_t n = 0;
    for (unsigned char c : in) n += c & 1;
    return n;
}

// The store keeps a reserve only with GrowthPrefill::kMinFree free (and the reserve) on its file system.
bool room_for_a_reserve(const std::filesystem::path& dir) {
    return std::filesystem::space(dir).available > GrowthPrefill::kMinFree + 2 * GrowthPrefill::ahead(0);
}

void write_file(const std::filesystem::path& file, std::size_t size, char fill) {
    Fd f(::open(file.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644));
    const std::string data(size, fill);
    ASSERT_EQ(::pwrite(f.fd, data.data(), data.size(), 0), ssize_t(data.size()));
    ASSERT_EQ(::fsync(f.fd), 0);
}

}  // namespace

TEST(GrowthPrefill, AheadIsAnEighthOfTheStoreWithinBounds) {
    EXPECT_EQ(GrowthPrefill::ahead(0), 1 * kMiB);
    EXPECT_EQ(GrowthPrefill::ahead(4 * kMiB), 1 * kMiB);
    EXPECT_EQ(GrowthPrefill::ahead(64 * kMiB), 8 * kMiB);
    EXPECT_EQ(GrowthPrefill::ahead(4096 * kMiB), 128 * kMiB);
}

TEST(GrowthPrefill, ExtendsTheFileWithCachedZerosAndLeavesTheUsedPartAlone) {
    TempDir dir;
    const auto file = dir / "data.mdb";
    write_file(file, 3 * kMiB, 'x');
    GrowthPrefill prefill(file, 0);
    prefill.before_write(3 * kMiB);
    EXPECT_EQ(prefill.filled_to(), 4 * kMiB);
    ASSERT_EQ(std::filesystem::file_size(file), 4 * kMiB);
    EXPECT_EQ(resident_pages(file, 3 * kMiB, 4 * kMiB), kMiB / kPage);
    {
        Map map(file);
        ASSERT_NE(map.at, MAP_FAILED);
        EXPECT_EQ(std::string(reinterpret_cast<const char*>(map.bytes()), 3 * kMiB), std::string(3 * kMiB, 'x'));
        EXPECT_EQ(std::string(reinterpret_cast<const char*>(map.bytes()) + 3 * kMiB, kMiB), std::string(kMiB, '\0'));
    }
    // More than half the distance still ahead: nothing to do.
    prefill.before_write(3 * kMiB + 256 * 1024);
    EXPECT_EQ(std::filesystem::file_size(file), 4 * kMiB);
    // Less than half: topped up to a whole distance past the new end.
    prefill.before_write(3 * kMiB + 600 * 1024);
    EXPECT_EQ(prefill.filled_to(), 4 * kMiB + 600 * 1024);
    EXPECT_EQ(std::filesystem::file_size(file), 4 * kMiB + 600 * 1024);
}

// A write cut short by a full disk inside LMDB's run would be EIO, so with
// little space free no reserve is kept, and one kept before is given back.
TEST(GrowthPrefill, GivesTheReserveBackWhenSpaceIsShort) {
    TempDir dir;
    const auto file = dir / "data.mdb";
    write_file(file, 3 * kMiB, 'x');
    GrowthPrefill(file, 0).before_write(3 * kMiB);  // a reserve from an earlier run
    ASSERT_EQ(std::filesystem::file_size(file), 4 * kMiB);

    GrowthPrefill short_of_space(file, uint64_t{1} << 62);  // more free space than any disk has
    short_of_space.before_write(3 * kMiB);
    EXPECT_EQ(short_of_space.filled_to(), 0u);
    EXPECT_EQ(std::filesystem::file_size(file), 3 * kMiB) << "the file is cut back to LMDB's end";
    Map map(file);
    ASSERT_NE(map.at, MAP_FAILED);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(map.bytes()), 3 * kMiB), std::string(3 * kMiB, 'x'));
}

TEST(GrowthPrefill, AStoreWritesIntoTheExtendedFileAndReopensIntact) {
    TempDir dir;
    if (!room_for_a_reserve(dir.path())) GTEST_SKIP() << "less than 1 GB free here: the store keeps no reserve";
    constexpr uint64_t kKeys = 20'000;
    {
        Store store(dir.path());
        store.write([](StoreWriter& w) {
            for (uint64_t key = 1; key <= kKeys; ++key) w.file_block(key * 0x9e3779b97f4a7c15ULL, key);
        });
        store.write([](StoreWriter& w) { w.file_block(3, 3); });  // it begins by topping the reserve up
        const StoreSpace space = measure_space(store);
        // The file runs past what LMDB uses, by at least half the distance.
        EXPECT_GE(std::filesystem::file_size(dir / "data.mdb"),
                  space.used_bytes() + GrowthPrefill::ahead(space.used_bytes()) / 2);
    }
    Store store(dir.path());  // LMDB reads only up to its last page
    store.write([](StoreWriter& w) { w.file_block(7, 7); });
    store.read([](const StoreReader& r) {
        for (uint64_t key : {uint64_t{1}, kKeys / 2, kKeys}) {
            std::vector<uint64_t> under;
            EXPECT_TRUE(r.block(key * 0x9e3779b97f4a7c15ULL, 10, under));
            EXPECT_EQ(under, std::vector<uint64_t>{key});
        }
        for (uint64_t key : {uint64_t{3}, uint64_t{7}}) {
            std::vector<uint64_t> under;
            EXPECT_TRUE(r.block(key, 10, under));
            EXPECT_EQ(under, std::vector<uint64_t>{key});
        }
        return 0;
    });
}

// The point of it: the runs of pages LMDB appends are cached in 4 KB folios.
TEST(GrowthPrefill, PagesAStoreAppendsAreCachedInSmallFolios) {
    TempDir dir;
    // Does this kernel and file system cache a run written in one call in a
    // large folio? (ext4 from Linux 6.16 does.) If not, there is nothing to show.
    const auto probe = dir / "probe";
    write_file(probe, 256 * 1024, 'p');
    const auto probe_large = pages_in_large_folios(probe, 0, 256 * 1024);
    if (!probe_large) GTEST_SKIP() << "the kernel does not show page frames to this process (CAP_SYS_ADMIN)";
    if (*probe_large == 0) GTEST_SKIP() << "this kernel caches a written run in 4 KB folios";

    if (!room_for_a_reserve(dir.path())) GTEST_SKIP() << "less than 1 GB free here: the store keeps no reserve";
    Store store(dir.path());
    store.write([](StoreWriter& w) { w.file_block(1, 1); });  // the reserve is made as a write begins
    const uint64_t before = measure_space(store).used_bytes();
    store.write([](StoreWriter& w) {
        for (uint64_t key = 1; key <= 20'000; ++key) w.file_block(key * 0x9e3779b97f4a7c15ULL, key);
    });
    const uint64_t after = measure_space(store).used_bytes();
    ASSERT_GT(after - before, 64 * kPage) << "the commit should append a run of pages";
    ASSERT_LE(after, before + GrowthPrefill::ahead(before)) << "the commit should stay inside the prefilled range";
    const auto large = pages_in_large_folios(dir / "data.mdb", before, after);
    ASSERT_TRUE(large);
    EXPECT_EQ(*large, 0u) << "of " << (after - before) / kPage << " pages appended";
}
