#include "storage/writeback.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace ehb {

Writeback::Writeback(int fd) : fd_(::dup(fd)) {
    if (fd_ < 0) throw std::runtime_error(std::string("dup of the store's file: ") + std::strerror(errno));
    thread_ = std::thread([this] { run(); });
    pthread_setname_np(thread_.native_handle(), "ehb-writeback");
}

Writeback::~Writeback() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    ::close(fd_);
}

void Writeback::begin() {
    {
        std::lock_guard lock(mutex_);
        active_ = true;
    }
    cv_.notify_all();
}

void Writeback::end() {
    std::lock_guard lock(mutex_);
    active_ = false;
}

unsigned long long Writeback::calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
}

void Writeback::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        cv_.wait(lock, [&] { return active_ || stop_; });
        if (stop_) return;
        // Not at once: LMDB first saves its free list, and a commit shorter
        // than the interval is left to its own fdatasync.
        if (cv_.wait_for(lock, kInterval, [&] { return !active_ || stop_; })) continue;
        ++calls_;
        lock.unlock();
        // Best effort: a failure here (an I/O error, a full disk) is LMDB's
        // fdatasync's to report, on the writer's thread.
        ::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
        lock.lock();
    }
}

}  // namespace ehb
