// Input files for import and push, in any of the three formats
// (docs/operations.md, "Input files"): JSON Lines of episode documents or
// FHIR Bundles, or a whole file holding one document (an XML submission, or
// a pretty-printed JSON document or Bundle). Files (or - for stdin) are read
// in large chunks.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ehb::cli {

// Calls `document` with each document of each file in turn. A file whose
// first non-blank byte is '<', or whose first line is not a whole JSON
// object (it does not end with '}'), is one document; any other file has one
// document per line, trailing '\r' and spaces removed, blank lines skipped.
// Stops early (returning true) when `document` returns false. Calls
// `chunk_read` after each chunk. On a file that cannot be opened or read: a
// message naming `command` on stderr and false.
bool read_documents(const std::vector<std::string>& files, const char* command,
                    const std::function<bool(std::string_view)>& document, const std::function<void()>& chunk_read);

// The files' total size, or 0 when one of them is stdin or cannot be sized.
uint64_t total_size(const std::vector<std::string>& files);

// A small file's bytes (a key); throws std::runtime_error naming it when it cannot be read.
std::string read_small_file(const std::string& path);

}  // namespace ehb::cli
