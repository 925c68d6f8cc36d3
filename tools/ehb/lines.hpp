// JSON Lines input for import and push: files (or - for stdin) read in large
// chunks and cut into lines.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ehb::cli {

// Calls `line` with each line of each file in turn, trailing '\r' and spaces
// removed; blank lines are skipped. Stops early (returning true) when `line`
// returns false. Calls `chunk_read` after each chunk.
// On a file that cannot be opened or read: a message naming `command` on
// stderr and false.
bool read_lines(const std::vector<std::string>& files, const char* command,
                const std::function<bool(std::string_view)>& line, const std::function<void()>& chunk_read);

// The files' total size, or 0 when one of them is stdin or cannot be sized.
uint64_t total_size(const std::vector<std::string>& files);

}  // namespace ehb::cli
