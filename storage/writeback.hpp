// Starts the kernel writing a commit's pages while LMDB is still writing the
// rest. LMDB's commit writes every dirty page into the page cache, then calls
// fdatasync, which hands those pages to the device one by one on the writer's
// own thread before it waits. While a commit runs, a helper thread asks the
// kernel every few milliseconds to start writing whatever pages of the file
// are dirty (sync_file_range, SYNC_FILE_RANGE_WRITE): that work moves to the
// other core and the device starts sooner. It changes nothing about
// durability: the commit still returns only after LMDB's own fdatasync.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace ehb {

class Writeback {
public:
    // `fd`: the file's descriptor. The helper works on a duplicate of it, open
    // for as long as the helper lives.
    explicit Writeback(int fd);
    ~Writeback();
    Writeback(const Writeback&) = delete;
    Writeback& operator=(const Writeback&) = delete;

    // The helper works from begin() to end(), around each commit: every
    // kInterval, starting one kInterval after begin().
    void begin();
    void end();

    // Calls to sync_file_range so far (tests).
    unsigned long long calls() const;

    static constexpr std::chrono::milliseconds kInterval{2};

private:
    void run();

    int fd_ = -1;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    bool active_ = false, stop_ = false;
    unsigned long long calls_ = 0;
    std::thread thread_;
};

}  // namespace ehb
