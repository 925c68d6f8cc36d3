#include "storage/growth_prefill.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace ehb {
namespace {

constexpr uint64_t kMinAhead = uint64_t{1} << 20;
constexpr uint64_t kMaxAhead = uint64_t{128} << 20;
// Read-ahead is off for the descriptor, so one read of this size still caches
// 4 KB folios, sixteen to a call.
constexpr std::size_t kReadBytes = 64 << 10;

}  // namespace

// Writable for fallocate and ftruncate: no data is written through it.
GrowthPrefill::GrowthPrefill(const std::filesystem::path& file, uint64_t min_free)
    : fd_(::open(file.c_str(), O_RDWR | O_CLOEXEC)), min_free_(min_free), buffer_(kReadBytes) {
    if (fd_ >= 0) ::posix_fadvise(fd_, 0, 0, POSIX_FADV_RANDOM);
}

GrowthPrefill::~GrowthPrefill() {
    if (fd_ >= 0) ::close(fd_);
}

uint64_t GrowthPrefill::ahead(uint64_t used_end) noexcept {
    return std::clamp(used_end / 8, kMinAhead, kMaxAhead);
}

void GrowthPrefill::before_write(uint64_t used_end) noexcept {
    if (fd_ < 0 || unsupported_) return;
    const uint64_t distance = ahead(used_end);
    struct statvfs fs {};
    if (::fstatvfs(fd_, &fs) != 0 || uint64_t(fs.f_bavail) * fs.f_frsize < min_free_ + distance) {
        give_back(used_end);
        return;
    }
    // Topped up in steps of at least half the distance, not every transaction.
    if (filled_to_ >= used_end + distance / 2) return;
    const uint64_t from = std::max(filled_to_, used_end);
    const uint64_t want = used_end + distance;
    // Mode 0 extends the file; the blocks are reserved, unwritten, read as zeros.
    if (::fallocate(fd_, 0, static_cast<off_t>(from), static_cast<off_t>(want - from)) != 0) {
        if (errno == EOPNOTSUPP) unsupported_ = true;
        give_back(used_end);  // a partial reservation must not be left for LMDB to run past
        return;
    }
    for (uint64_t at = from; at < want; at += kReadBytes) {
        const std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(kReadBytes, want - at));
        if (::pread(fd_, buffer_.data(), n, static_cast<off_t>(at)) <= 0) break;
    }
    filled_to_ = want;
}

void GrowthPrefill::give_back(uint64_t used_end) noexcept {
    filled_to_ = 0;
    struct stat st {};
    // Safe only because the caller holds LMDB's writer lock: nothing past
    // used_end belongs to any transaction.
    if (::fstat(fd_, &st) == 0 && uint64_t(st.st_size) > used_end) (void)::ftruncate(fd_, static_cast<off_t>(used_end));
}

}  // namespace ehb
