// The read path: a citizen's health book, from any identifier that leads to it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/person/person_entry.hpp"
#include "engine/record.hpp"
#include "engine/signatures.hpp"
#include "storage/codec.hpp"
#include "storage/store.hpp"

namespace ehb {

struct BookVersion {
    uint64_t seq = 0;
    schema::EntryStatus status = schema::EntryStatus::accepted;
    bool flagged = false;
    int64_t arrival_us = 0;
    Hash128 hash;           // of the canonical bytes
    RecordKind kind = RecordKind::episode;
    Generation generation = Generation::qd130;
    SourceFormat format = SourceFormat::json;
    std::string principal;
    std::string warnings;   // JSON array or empty
    std::string source;     // what the sender signed, verbatim (an XML submission's CHUKYDONVI), or empty
    // How the sender signed it (engine/signature_check.hpp), without the signed bytes.
    struct Signed {
        signatures::Method method = signatures::Method::detached;
        signatures::Status status = signatures::Status::verified;
        std::string algorithm, key_id, reason;
    };
    std::optional<Signed> signed_by;  // nullopt: unsigned
    std::string canonical;  // the record as accepted
};

// An episode, an open episode (a check-in) or a vaccination, as its current version has it.
struct BookEpisode {
    std::string facility;           // kVaccinationFacility for a vaccination
    std::string ma_lk;
    uint64_t admitted = 0;          // NGAY_VAO (NGAY_TIEM), yyyymmddHHMM
    uint32_t versions = 0;
    schema::RecordTiming timing;    // when the full record arrived, and its discharge time
    BookVersion current;
    std::vector<BookVersion> earlier;  // only with history, newest first
};

struct Book {
    schema::PersonKey root;                     // the person whose book it is (the identifier when nobody holds it)
    std::vector<schema::PersonKey> filed_under; // that person and the persons merged into it
    person::PersonEntry person;                 // the person's best record (empty when there is no person)
    std::vector<person::IdentifierSeen> identifiers;  // of the person and the persons merged into it
    std::vector<BookEpisode> episodes;          // current versions, newest visit first
};

// One per thread: owns decompression state and scratch space.
class BookReader {
public:
    explicit BookReader(const Store& store) : store_(store), decompressor_(&store.dictionaries()) {}

    // False when `id` is not an identifier ehb can look up (see lookup_key).
    // An identifier nobody has used yields an empty book.
    bool read(std::string_view id, Book& out, bool with_history = false);
    // The book an identifier or a person key leads to.
    void read(schema::PersonKey key, Book& out, bool with_history = false);

private:
    void load_version(const schema::LogEntry& e, uint64_t seq, BookVersion& out);

    const Store& store_;
    lmdb::Txn txn_;  // reused read transaction
    Decompressor decompressor_;
    std::vector<uint64_t> seqs_;
    struct Found {
        uint64_t seq;
        schema::LogEntry entry;  // views into the read transaction
    };
    std::vector<Found> entries_;
};

// The book as JSON (docs/operations.md, "ehb book"): the person, then the
// health book's four groups (administrative, history, episodes, summaries),
// with follow-ups as of `today` (yyyymmdd, local time): an appointment is
// missed once its day has passed with no visit that carried its slip.
std::string book_json(const Book& book, uint32_t today);
std::string book_json(const Book& book);  // as of today in Vietnam (UTC+7)

// Today's date in Vietnam (UTC+7) as yyyymmdd.
uint32_t vietnam_today();

}  // namespace ehb
