// Runs a shell command line for tests of the command-line tools, capturing
// its standard output (redirect stderr in the command to capture it too).
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace ehb::test {

struct Output {
    int exit_code = -1;  // -1 when the command could not run or did not exit
    std::string out;
};

inline Output run_command(const std::string& command) {
    Output r;
    FILE* p = popen(command.c_str(), "r");
    if (!p) return r;
    std::array<char, 65536> buf;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    const int status = pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

}  // namespace ehb::test
