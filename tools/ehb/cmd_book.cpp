// ehb book --data DIR [--history] [--format json|fhir] [--purpose TEXT] ID         (the store, offline)
// ehb book --server HOST:PORT [--history] [--format json|fhir] [--purpose TEXT] ID (ehbd, over the push protocol)
// Either way the read is recorded in the access audit (engine/access_log.hpp).
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "engine/access_log.hpp"
#include "engine/book.hpp"
#include "engine/fhir_out.hpp"
#include "tools/ehb/client_flags.hpp"
#include "tools/ehb/commands.hpp"

namespace ehb::cli {

namespace {

constexpr const char* kUsage =
    "usage: ehb book --data DIR [--history] [--format json|fhir] [--purpose TEXT] ID\n"
    "       ehb book --server HOST:PORT [--principal NAME --credential-file FILE] [--history] [--format json|fhir]\n"
    "                [--purpose TEXT] ID\n"
    "  --purpose TEXT   why the book is read, kept in the access audit (`ehb audit-reads`)\n";

constexpr const char* kNotAnId =
    "ehb book: '%s' is not a citizen ID (12 digits), card number (15 characters), "
    "social-insurance code (10 digits), old ID (9 digits) or passport number\n";

void print(std::string json) {
    json.push_back('\n');
    std::fwrite(json.data(), 1, json.size(), stdout);
}

int from_store(const std::string& data, const std::string& id, bool history, bool fhir, const std::string& purpose) {
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
    std::string out = fhir ? book_fhir(book) : book_json(book);
    // Durably recorded before the book is shown, as ehbd does.
    AccessRecord read{now_us(), book.root, offline_reader(), Role::admin, AccessChannel::offline,
                      fhir ? AccessWhat::book_fhir : AccessWhat::book, history,
                      book.episodes.empty() ? AccessOutcome::no_records : AccessOutcome::served,
                      static_cast<uint32_t>(book.episodes.size()), id, purpose};
    store.write([&](StoreWriter& w) { append_access(w, read); });
    print(std::move(out));
    return 0;
}

int from_server(const ClientFlags& flags, const std::string& id, bool history, bool fhir,
                const std::string& purpose) {
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
        print(client.get_book(id, history, fhir, purpose));
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
    std::string data, id, format = "json", purpose;
    bool history = false, client_flags = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--data") == 0 && i + 1 < argc) data = argv[++i];
        else if (std::strcmp(argv[i], "--history") == 0) history = true;
        else if (std::strcmp(argv[i], "--format") == 0 && i + 1 < argc) format = argv[++i];
        else if (std::strcmp(argv[i], "--purpose") == 0 && i + 1 < argc) purpose = argv[++i];
        else if (flags.parse(argc, argv, i)) client_flags = true;
        else if (argv[i][0] != '-' && id.empty()) id = argv[i];
        else {
            std::fprintf(stderr, "ehb book: unexpected argument '%s'\n%s", argv[i], kUsage);
            return 2;
        }
    }
    if (id.empty() || data.empty() == !flags.server_given || (!data.empty() && client_flags) ||
        (format != "json" && format != "fhir") || purpose.size() > kMaxPurpose) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    const bool fhir = format == "fhir";
    return data.empty() ? from_server(flags, id, history, fhir, purpose)
                        : from_store(data, id, history, fhir, purpose);
}

}  // namespace ehb::cli
