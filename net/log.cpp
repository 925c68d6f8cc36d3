#include "net/log.hpp"

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace ehb::net {

namespace {
std::atomic<LogLevel> g_level{LogLevel::info};
constexpr const char* kNames[] = {"debug", "info", "warn", "error"};
}  // namespace

void set_log_level(LogLevel level) { g_level = level; }

bool parse_log_level(std::string_view name, LogLevel& out) {
    for (int i = 0; i < 4; ++i) {
        if (name == kNames[i]) {
            out = static_cast<LogLevel>(i);
            return true;
        }
    }
    return false;
}

void log(LogLevel level, const char* format, ...) {
    if (level < g_level.load(std::memory_order_relaxed)) return;
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    tm t;
    gmtime_r(&ts.tv_sec, &t);
    char line[1024];
    int n = std::snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s ", t.tm_year + 1900,
                          t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, ts.tv_nsec / 1'000'000,
                          kNames[static_cast<int>(level)]);
    va_list args;
    va_start(args, format);
    int m = std::vsnprintf(line + n, sizeof line - n - 1, format, args);
    va_end(args);
    std::size_t len = std::min<std::size_t>(n + std::max(m, 0), sizeof line - 2);
    line[len] = '\n';
    std::fwrite(line, 1, len + 1, stderr);  // one write per line: lines from threads never interleave
}

}  // namespace ehb::net
