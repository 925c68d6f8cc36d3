// ehbd's log: one line per event on stderr, with a UTC time and a level.
#pragma once

#include <string_view>

namespace ehb::net {

enum class LogLevel { debug, info, warn, error };

void set_log_level(LogLevel level);
bool parse_log_level(std::string_view name, LogLevel& out);
void log(LogLevel level, const char* format, ...) __attribute__((format(printf, 2, 3)));

}  // namespace ehb::net
