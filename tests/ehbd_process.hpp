// A real ehbd process on an ephemeral loopback port, for integration tests.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "engine/principals.hpp"
#include "net/client.hpp"

namespace ehb::test {

class EhbdProcess {
public:
    // Starts ehbd on `data` (log in `data`/../ehbd-N.log) and waits until it listens.
    // With `--http-port-file FILE` among `extra`, http_port() is the HTTP API's port.
    EhbdProcess(const std::filesystem::path& data, std::vector<std::string> extra = {}) {
        static int counter = 0;
        auto base = data.parent_path();
        port_file_ = base / ("ehbd-" + std::to_string(++counter) + ".port");
        log_ = base / ("ehbd-" + std::to_string(counter) + ".log");
        std::filesystem::remove(port_file_);
        std::vector<std::string> args = {EHBD_BINARY, "--data", data.string(), "--listen", "127.0.0.1:0",
                                         "--port-file", port_file_.string(), "--log-level", "debug"};
        args.insert(args.end(), extra.begin(), extra.end());
        pid_ = fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            FILE* f = std::freopen(log_.c_str(), "w", stderr);
            (void)f;
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(argv[0], argv.data());
            _exit(127);
        }
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (!std::filesystem::exists(port_file_)) {
            int status;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("ehbd exited at start: " + log());
            }
            if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("ehbd did not start: " + log());
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        std::ifstream(port_file_) >> port_;
        for (std::size_t i = 0; i + 1 < extra.size(); ++i) {
            // ehbd writes the HTTP port file before the binary one.
            if (extra[i] == "--http-port-file") std::ifstream(extra[i + 1]) >> http_port_;
        }
    }
    ~EhbdProcess() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    EhbdProcess(const EhbdProcess&) = delete;
    EhbdProcess& operator=(const EhbdProcess&) = delete;

    net::Endpoint endpoint() const { return {"127.0.0.1", port_}; }
    uint16_t port() const { return port_; }
    uint16_t http_port() const { return http_port_; }
    pid_t pid() const { return pid_; }

    // SIGTERM, then the exit code (or -signal).
    int terminate() {
        ::kill(pid_, SIGTERM);
        return wait();
    }
    void kill9() {
        ::kill(pid_, SIGKILL);
        wait();
    }
    int wait() {
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    }
    std::string log() const {
        std::ifstream in(log_);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

private:
    pid_t pid_ = -1;
    uint16_t port_ = 0, http_port_ = 0;
    std::filesystem::path port_file_, log_;
};

// Principals for a data directory, added before ehbd starts.
inline net::Credentials add_principal_to(const std::filesystem::path& data, const std::string& name, Role role,
                                         const std::string& facility = {}) {
    Store store(data);
    return {name, add_principal(store, name, role, facility)};
}

}  // namespace ehb::test
