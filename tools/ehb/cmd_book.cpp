// ehb book --data DIR [--history] ID
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "engine/book.hpp"
#include "tools/ehb/commands.hpp"

namespace ehb::cli {

int cmd_book(int argc, char** argv) {
    std::string data, id;
    bool history = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--data") == 0 && i + 1 < argc) data = argv[++i];
        else if (std::strcmp(argv[i], "--history") == 0) history = true;
        else if (argv[i][0] != '-' && id.empty()) id = argv[i];
        else {
            std::fprintf(stderr, "ehb book: unexpected argument '%s'\nusage: ehb book --data DIR [--history] ID\n",
                         argv[i]);
            return 2;
        }
    }
    if (data.empty() || id.empty()) {
        std::fputs("usage: ehb book --data DIR [--history] ID\n", stderr);
        return 2;
    }
    if (!std::filesystem::exists(std::filesystem::path(data) / "data.mdb")) {
        std::fprintf(stderr, "ehb book: %s is not an ehb data directory (no data.mdb)\n", data.c_str());
        return 1;
    }
    Store store(data);
    BookReader reader(store);
    Book book;
    if (!reader.read(id, book, history)) {
        std::fprintf(stderr,
                     "ehb book: '%s' is not a citizen ID (12 digits), card number (15 characters), "
                     "social-insurance code (10 digits), old ID (9 digits) or passport number\n",
                     id.c_str());
        return 2;
    }
    std::string json = book_json(book);
    json.push_back('\n');
    std::fwrite(json.data(), 1, json.size(), stdout);
    return 0;
}

}  // namespace ehb::cli
