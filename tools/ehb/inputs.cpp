#include "tools/ehb/inputs.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace ehb::cli {

namespace {

// False when `document` asks to stop.
bool emit(std::string_view text, const std::function<bool(std::string_view)>& document) {
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
    return text.empty() || document(text);
}

// The first chunk of a file tells whether it is one document as a whole.
bool whole_file(std::string_view head) {
    std::size_t i = head.find_first_not_of(" \t\r\n");
    if (i == std::string_view::npos) return false;
    if (head[i] == '<') return true;
    std::string_view first = head.substr(i, head.find('\n', i) - i);
    while (!first.empty() && (first.back() == '\r' || first.back() == ' ' || first.back() == '\t')) first.remove_suffix(1);
    return first.empty() || first.back() != '}';
}

}  // namespace

bool read_documents(const std::vector<std::string>& files, const char* command,
                    const std::function<bool(std::string_view)>& document, const std::function<void()>& chunk_read) {
    std::vector<char> chunk(std::size_t{8} << 20);
    std::string partial;
    for (const std::string& file : files) {
        FILE* in = file == "-" ? stdin : std::fopen(file.c_str(), "rb");
        if (!in) {
            std::fprintf(stderr, "ehb %s: cannot open %s: %s\n", command, file.c_str(), std::strerror(errno));
            return false;
        }
        bool more = true, whole = false, first = true;
        std::size_t n;
        while (more && (n = std::fread(chunk.data(), 1, chunk.size(), in)) > 0) {
            std::string_view rest(chunk.data(), n);
            if (first) whole = whole_file(rest);
            first = false;
            if (whole) {
                partial.append(rest);
                chunk_read();
                continue;
            }
            for (std::size_t nl; more && (nl = rest.find('\n')) != std::string_view::npos; rest.remove_prefix(nl + 1)) {
                if (partial.empty()) {
                    more = emit(rest.substr(0, nl), document);
                } else {
                    partial.append(rest.substr(0, nl));
                    more = emit(partial, document);
                    partial.clear();
                }
            }
            partial.append(rest);
            chunk_read();
        }
        bool failed = std::ferror(in);
        if (in != stdin) std::fclose(in);
        if (failed) {
            std::fprintf(stderr, "ehb %s: error reading %s\n", command, file.c_str());
            return false;
        }
        if (whole) {
            more = partial.find_first_not_of(" \t\r\n") == std::string::npos || document(partial);
            partial.clear();
            if (!more) return true;
            continue;
        }
        if (!more || !emit(partial, document)) return true;  // stopped, or a last line without its newline
        partial.clear();
    }
    return true;
}

uint64_t total_size(const std::vector<std::string>& files) {
    uint64_t total = 0;
    for (const std::string& file : files) {
        if (file == "-") return 0;
        std::error_code ec;
        uint64_t size = std::filesystem::file_size(file, ec);
        if (ec) return 0;
        total += size;
    }
    return total;
}

std::string read_small_file(const std::string& path) {
    std::error_code ec;
    std::ifstream in(path, std::ios::binary);
    if (!std::filesystem::is_regular_file(path, ec) || !in) throw std::runtime_error("cannot read " + path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace ehb::cli
