// Keeps the pages just past the end LMDB uses in the page cache as 4 KB folios,
// before LMDB writes there.
//
// Why: LMDB writes the pages a commit appends at the end of data.mdb in runs,
// one pwritev per run, and ext4 (Linux 6.16 on) caches such a run in folios of
// up to 512 KB. LMDB later rewrites those pages one at a time (a freed page
// reused by copy-on-write), and each 4 KB write into a large folio walks every
// block of it, in the write and again in its writeback: 2.5-3 times the
// kernel's time of a write into a 4 KB folio (docs/benchmarks.md, "Large
// folios"). A run written into folios that are already cached keeps their size.
//
// How: the file is extended ahead of LMDB with unwritten extents (fallocate:
// no data written, reads give zeros) and that range is read with read-ahead
// off, which caches it in 4 KB folios. LMDB never reads past its last page, so
// the extra length is invisible to it.
//
// A full disk: LMDB reports a write cut short by a full disk as EIO, which the
// pipeline must treat as fatal, and a run that crossed the end of the reserve
// would be cut short. So while the file system has less than `min_free` bytes
// free, the reserve is given back (the file cut to LMDB's end) and a full disk
// fails LMDB's first new page with ENOSPC, as without it. Best effort
// otherwise: without fallocate the folios stay as the kernel makes them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace ehb {

class GrowthPrefill {
public:
    static constexpr uint64_t kMinFree = uint64_t{1} << 30;

    // `file`: data.mdb, opened here again for the prefill's own calls.
    explicit GrowthPrefill(const std::filesystem::path& file, uint64_t min_free = kMinFree);
    ~GrowthPrefill();
    GrowthPrefill(const GrowthPrefill&) = delete;
    GrowthPrefill& operator=(const GrowthPrefill&) = delete;

    // At the start of each write transaction, with LMDB's writer lock held and
    // nothing of the transaction written yet. `used_end`: the bytes LMDB uses
    // ((last page + 1) * page size). Keeps [used_end, used_end + ahead(used_end))
    // reserved and cached, or nothing past used_end when space is short.
    void before_write(uint64_t used_end) noexcept;

    // How far ahead of `used_end` it keeps pages: an eighth of the store,
    // between 1 and 128 MB (at the national plateau a commit appends ~20 MB).
    static uint64_t ahead(uint64_t used_end) noexcept;
    // The end of the range reserved and read (0 before the first write).
    uint64_t filled_to() const noexcept { return filled_to_; }

private:
    void give_back(uint64_t used_end) noexcept;

    int fd_ = -1;
    uint64_t min_free_;
    uint64_t filled_to_ = 0;
    bool unsupported_ = false;  // no fallocate on this file system: stop trying
    std::vector<char> buffer_;
};

}  // namespace ehb
