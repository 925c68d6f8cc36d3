#include "tools/ehb/scale_server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

extern char** environ;

namespace ehb::cli {

namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

ServerProcess::ServerProcess(const std::filesystem::path& ehbd, const std::filesystem::path& data,
                             const std::filesystem::path& log) {
    const std::filesystem::path port_file = data.string() + ".port";
    std::filesystem::remove(port_file);
    std::vector<std::string> args = {ehbd.string(), "--data",      data.string(),     "--listen",
                                     "127.0.0.1:0", "--port-file", port_file.string()};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + ehbd.string() + ": " + std::strerror(rc));

    const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    while (std::chrono::steady_clock::now() < give_up) {
        const std::string port = read_file(port_file);
        if (!port.empty() && port.back() == '\n') {
            port_ = static_cast<uint16_t>(std::stoul(port));
            return;
        }
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("ehbd exited at start; see " + log.string());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("ehbd did not listen within a minute; see " + log.string());
}

ServerProcess::~ServerProcess() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
}

ServerProcess::Usage ServerProcess::stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    rusage usage{};
    const pid_t waited = wait4(pid_, &status, 0, &usage);
    pid_ = -1;
    if (waited < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        throw std::runtime_error("ehbd did not exit cleanly (status " + std::to_string(status) + ")");
    }
    const auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return {static_cast<uint64_t>(usage.ru_maxrss) * 1024,  // Linux reports KiB
            seconds(usage.ru_utime) + seconds(usage.ru_stime)};
}

std::filesystem::path ehbd_beside_this_program() {
    return std::filesystem::read_symlink("/proc/self/exe").parent_path() / "ehbd";
}

uint64_t disk_used(const std::filesystem::path& dir) {
    uint64_t bytes = 0;
    for (const auto& f : std::filesystem::recursive_directory_iterator(dir)) {
        struct stat st {};
        if (f.is_regular_file() && ::stat(f.path().c_str(), &st) == 0) bytes += uint64_t(st.st_blocks) * 512;
    }
    return bytes;
}

}  // namespace ehb::cli
