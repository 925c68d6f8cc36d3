// ehbd as a child process, for `ehb bench --scale`: the node under test runs
// as it does in production (its own process, durable commits), and the bench
// can stop it to look at the data directory cold and read its peak memory.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace ehb::cli {

class ServerProcess {
public:
    // Starts `ehbd` on `data`, listening on an ephemeral loopback port, its
    // messages appended to `log`. Throws std::runtime_error when it does not
    // start listening within a minute.
    ServerProcess(const std::filesystem::path& ehbd, const std::filesystem::path& data,
                  const std::filesystem::path& log);
    ~ServerProcess();  // kills it when still running
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    uint16_t port() const { return port_; }

    struct Usage {
        uint64_t peak_rss_bytes = 0;  // mapped pages of the store count while they are mapped
        double cpu_seconds = 0;       // user and system, every thread
    };
    // Stops it with SIGTERM (ehbd finishes the commit in progress) and waits.
    // Throws when it did not exit cleanly.
    Usage stop();

private:
    pid_t pid_ = -1;
    uint16_t port_ = 0;
};

// `ehbd` beside the running executable (the build tree and an installation
// keep them together).
std::filesystem::path ehbd_beside_this_program();

// Bytes allocated on disk to the files of `dir` (not their apparent sizes).
uint64_t disk_used(const std::filesystem::path& dir);

}  // namespace ehb::cli
