// The access audit (docs/security.md, "Access audit"): every read of a
// citizen's book or of one of its episodes, by whom, when, why and with what
// outcome, kept append-only in the `reads` table and indexed by person, so a
// citizen's access history can be shown to the citizen (the law on personal
// data, Decree 13/2023/ND-CP, gives the data subject that right).
//
// A read is recorded in the writer's group commit (Pipeline::submit_note)
// and its answer leaves ehbd only once that commit is durable: no book is
// served that the audit does not hold.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/principals.hpp"
#include "storage/store.hpp"

namespace ehb {

enum class AccessChannel : uint8_t { wire = 1, http = 2, offline = 3 };  // offline: `ehb book --data`
// access_history: the book's access history itself (GET /v1/books/{id}/reads, `ehb audit-reads`).
enum class AccessWhat : uint8_t { book = 1, book_fhir = 2, episode = 3, access_history = 4 };
enum class AccessOutcome : uint8_t {
    served = 1,      // the book (or episode) was sent
    no_records = 2,  // the identifier leads to no record: nothing was sent
    denied = 3,      // the reader's scope does not cover this person: nothing was sent
};

struct AccessRecord {
    int64_t at_us = 0;
    schema::PersonKey person;   // the book's person; the identifier asked for when nobody holds it
    std::string principal;
    Role role = Role::reader;
    AccessChannel channel = AccessChannel::wire;
    AccessWhat what = AccessWhat::book;
    bool history = false;       // earlier versions were included
    AccessOutcome outcome = AccessOutcome::served;
    uint32_t episodes = 0;      // how many episodes were sent (0 for the access history)
    std::string identifier;     // as asked: an identifier, or facility/MA_LK for an episode
    std::string purpose;        // as the reader stated it (may be empty)
};

inline constexpr std::size_t kMaxPurpose = 512;  // bytes; a longer purpose is refused at the edge

// The `reads` row's layout (schema.hpp): fixed fields, then the three strings.
std::string encode_access(const AccessRecord& a);
std::optional<AccessRecord> decode_access(std::string_view row);

// Appends the read to `reads` (hash-chained: StoreWriter::append_read) and its index
// `reads_by_person`, in the caller's transaction.
uint64_t append_access(StoreWriter& w, const AccessRecord& a);

struct AccessRow {
    uint64_t seq = 0;
    AccessRecord record;
};
// The reads of the book `id` leads to, newest first: those of its person, of
// the persons merged into it, and those filed under the identifier itself
// (asked before anyone held it). At most `limit`, all older than `before`
// (0: from the newest). nullopt when `id` is not an identifier ehb looks up.
std::optional<std::vector<AccessRow>> reads_of(const StoreReader& r, std::string_view id, std::size_t limit,
                                               uint64_t before = 0);

// The person whose book `id` leads to (the identifier itself when nobody
// holds it), as a read of that book is filed; none when `id` is not an
// identifier ehb looks up.
schema::PersonKey book_person(const StoreReader& r, std::string_view id);

// Who reads offline (`ehb book --data`, `ehb audit-reads`): "os." and the
// operating-system login.
std::string offline_reader();

// One row as JSON (docs/http.md, "Access history").
void append_access_json(std::string& out, const AccessRow& row);

}  // namespace ehb
