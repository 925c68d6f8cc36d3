// ehb book --data DIR [--history] [--format json|fhir] ID         (the store, offline)
// ehb book --server HOST:PORT [--history] [--format json|fhir] ID (ehbd, over the push protocol)
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "engine/book.hpp"
#include "engine/fhir_out.hpp"
#include "tools/ehb/client_flags.hpp"
#include "tools/ehb/commands.hpp"

namespace ehb::cli {

namespace {

constexpr const char* kUsage =
    "usage: ehb book --data DIR [--history] [--format json|fhir] ID\n"
    "       ehb book --server HOST:PORT [--principal NAME --credential-file FILE] [--history] [--format json|fhir] ID\n";

constexpr const char* kNotAnId =
    "ehb book: '%s' is not a citizen ID (12 digits), card number (15 characters), "
    "social-insurance code (10 digits), old ID (9 digits) or passport number\n";

void print(std::string json) {
    json.push_back('\n');
    std::fwrite(json.data(), 1, json.size(), stdout);
}

int from_store(const std::string& data, const std::string& id, bool history, bool fhir) {
    if (!std::filesystem::exists(std::filesystem::path(data) / "data.mdb")) {
        std::fprintf(stderr, "ehb book: %s is not an ehb data directory (no data.mdb)\n", data.c_str());
        return 1;
    }
    Store store(data);
    BookReader reader(store);
    Book book;
    if (!reader.read(id, book, history)) {
        std::fprintf(stderr, kNotAnId, id.c_str());
        return 2;
    }
    print(fhir ? book_fhir(book) : book_json(book));
    return 0;
}

int from_server(const ClientFlags& flags, const std::string& id, bool history, bool fhir) {
    net::Endpoint endpoint;
    net::Credentials credentials;
    try {
        endpoint = flags.endpoint();
        credentials = flags.credentials();
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "ehb book: %s\n%s%s", e.what(), kUsage, kClientFlagsUsage);
        return 2;
    }
    net::ClientOptions options;
    options.client_name = "ehb book";
    net::Client client(endpoint, credentials, options);
    try {
        print(client.get_book(id, history, fhir));
    } catch (const net::ProtocolError& e) {
        if (e.code() != wire::ErrorCode::bad_id) throw;
        std::fprintf(stderr, kNotAnId, id.c_str());
        return 2;
    }
    client.bye();
    return 0;
}

}  // namespace

int cmd_book(int argc, char** argv) {
    ClientFlags flags;
    std::string data, id, format = "json";
    bool history = false, client_flags = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--data") == 0 && i + 1 < argc) data = argv[++i];
        else if (std::strcmp(argv[i], "--history") == 0) history = true;
        else if (std::strcmp(argv[i], "--format") == 0 && i + 1 < argc) format = argv[++i];
        else if (flags.parse(argc, argv, i)) client_flags = true;
        else if (argv[i][0] != '-' && id.empty()) id = argv[i];
        else {
            std::fprintf(stderr, "ehb book: unexpected argument '%s'\n%s", argv[i], kUsage);
            return 2;
        }
    }
    if (id.empty() || data.empty() == !flags.server_given || (!data.empty() && client_flags) ||
        (format != "json" && format != "fhir")) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    const bool fhir = format == "fhir";
    return data.empty() ? from_server(flags, id, history, fhir) : from_store(data, id, history, fhir);
}

}  // namespace ehb::cli
