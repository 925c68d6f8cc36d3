// The one place that declares every table of an ehb data directory: its name
// and LMDB flags, its key and value layouts, and how index keys derive from a
// record. Everything else reads and writes through these codecs.
//
//   table       key                                 value
//   meta        ASCII name                          format version, compression dictionaries, the log's
//                                                   byte totals (kMeta*)
//   log         u64 sequence (native, INTEGERKEY)   LogEntry: header + principal + episode key
//                                                   + warnings + payload (canonical JSON, maybe zstd)
//   episodes    EpisodeKey: MA_CSKCB(5) + MA_LK     EpisodeHead (57 bytes): current version, when the
//                                                   full record first arrived, its appointment day; then
//                                                   what the current version counts for in the statistics
//                                                   (engine/stats_facts.hpp, ~35 bytes; none for check-ins
//                                                   and vaccinations)
//   person_log  PersonKey N (9): a person         dup u64 sequence (INTEGERDUP): the current version
//                                                   of each episode filed under the person (a new version
//                                                   replaces it)
//   links       PersonKey (9): an identifier, or    PersonKey N (9): the person holding the identifier, or
//               a person merged into another        the person it was merged into
//   members     PersonKey N (9)                     dup PersonKey N (9): the persons merged into it
//   persons     PersonKey N (9)                     PersonEntry (engine/person/person_entry.hpp): the
//                                                   profiles the person is compared by
//   person_blocks u64 blocking key (BE)             dup u64 (INTEGERDUP): person << 32 | the key's tag,
//                                                   the persons filed under the key (engine/person/blocking.hpp)
//   person_events u64 sequence (INTEGERKEY)         JSON: a change of who-is-who (merged, unmerged, linked,
//                                                   unlinked, best record changed), append-only
//   person_audit u64 id (INTEGERKEY)                JSON: an operation on persons, who, when, why, before
//                                                   and after, append-only
//   reviews     u64 id (INTEGERKEY)                 JSON: a possible match for a steward, and its decision
//   review_queue u32 uncertainty (BE) + u64 id (BE) empty: the open review items, most uncertain first
//   person_rules u64 person + u64 person (BE, the   u8: 1 = never linked automatically (a steward's decision)
//               smaller first)
//   principals  name (UTF-8, 1..64 bytes)           PrincipalRecord (137 bytes): role, facility, scrypt
//                                                   digests of the current and previous credentials,
//                                                   created/revoked/rotated times
//   batches     BatchKey: u8 name length + principal  the stored answer to a pushed batch: Hash128 of
//               + u32 stream + u64 batch_seq (BE)   its documents + the encoded results (engine/batch_ledger.hpp)
//   appointments u32 yyyymmdd (BE) + EpisodeKey     empty: the day of the re-examination appointment
//                                                   (XML14.NGAY_HEN_KL) of an episode's current version
//   feed        u64 sequence (INTEGERKEY)           FeedEntry (28 bytes): every committed change in commit
//                                                   order (engine/feed.hpp), append-only
//   stats       u8 kind + big-endian fields:         little-endian counters: the statistics for health
//               diagnoses by ISO week, province,    management (docs/statistics.md), kept up to date by
//               ICD-10, age band, sex, residence;   each commit (layouts: engine/stats_keys.hpp)
//               facilities by day; referrals by
//               month; appointments by due day;
//               the connectivity monitor by day
//   followup_slips facility(5) + u8 length + slip  appointment: due day, discharge, attended; visit: NGAY_VAO
//               + u8 type ('A'/'V') + EpisodeKey    (counts the appointments kept: engine/stats_writer.cpp)
//   tokens      SHA-256 (32) of a bearer token      TokenRecord: the principal it was issued to, its expiry
//                                                   and issue time (net/http/tokens.hpp); deleted when revoked
//   chain       u64 sequence (INTEGERKEY)           32 bytes: the log entry's chain hash, SHA-256(previous
//                                                   hash || seq as u64 LE || the LogEntry's stored bytes),
//                                                   the hash before entry 1 being 32 zero bytes; append-only
//   checkpoints u64 sequence (INTEGERKEY)           chain::Checkpoint (120 bytes): seq, its chain hash, time,
//                                                   key id, Ed25519 signature (storage/chain.hpp); append-only
//   reads_chain u64 sequence (INTEGERKEY)           32 bytes: the `reads` row's chain hash, computed as in
//                                                   `chain` over the row's stored bytes; append-only
//   reads_checkpoints u64 sequence (INTEGERKEY)     chain::Checkpoint of the reads chain at that read, signed
//                                                   under its own label (storage/chain.hpp); append-only
//
// Persons are numbered from 1 in the order they are created (docs/persons.md).
//
// Integers in values are little-endian (the only byte order ehb runs on);
// PersonKey values are big-endian so that keys sort by type, then number.
#pragma once

#include <lmdb.h>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "storage/hash128.hpp"

static_assert(std::endian::native == std::endian::little, "ehb stores little-endian integers in place");

namespace ehb::schema {

// Bump on any change of a layout below; a data directory of another version is refused.
inline constexpr uint32_t kFormatVersion = 10;  // 2: principals and batches; 3: record kinds, formats, sources;
                                                // 4: the person index; 5: name fingerprints in person_blocks;
                                                // 6: the change feed
                                                // 7: the log's hash chain and signed checkpoints, the
                                                // access audit, scrypt credentials and their rotation
                                                // 8: facility signing keys, each record's signature evidence,
                                                // the access audit's hash chain and checkpoints
                                                // 9: persons' entries zstd-compressed
                                                // 10: the sex and whole letters in the birth-date
                                                // key's tags; only entries above a leaf node compressed

struct Table {
    const char* name;
    unsigned flags;
};
inline constexpr Table kMeta{"meta", MDB_CREATE};
// Append-only: written with MDB_APPEND, never overwritten or deleted.
inline constexpr Table kLog{"log", MDB_CREATE | MDB_INTEGERKEY};
inline constexpr Table kEpisodes{"episodes", MDB_CREATE};
inline constexpr Table kPersonLog{"person_log", MDB_CREATE | MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP};
inline constexpr Table kLinks{"links", MDB_CREATE};
inline constexpr Table kMembers{"members", MDB_CREATE | MDB_DUPSORT | MDB_DUPFIXED};
inline constexpr Table kPrincipals{"principals", MDB_CREATE};
inline constexpr Table kBatches{"batches", MDB_CREATE};
inline constexpr Table kAppointments{"appointments", MDB_CREATE};
inline constexpr Table kPersons{"persons", MDB_CREATE};
inline constexpr Table kPersonBlocks{"person_blocks", MDB_CREATE | MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP};
inline constexpr Table kPersonEvents{"person_events", MDB_CREATE | MDB_INTEGERKEY};
inline constexpr Table kPersonAudit{"person_audit", MDB_CREATE | MDB_INTEGERKEY};
inline constexpr Table kReviews{"reviews", MDB_CREATE | MDB_INTEGERKEY};
inline constexpr Table kReviewQueue{"review_queue", MDB_CREATE};
inline constexpr Table kPersonRules{"person_rules", MDB_CREATE};
// Append-only like the log: written with MDB_APPEND in the same transaction as the change.
inline constexpr Table kFeed{"feed", MDB_CREATE | MDB_INTEGERKEY};
inline constexpr Table kStats{"stats", MDB_CREATE};
inline constexpr Table kFollowupSlips{"followup_slips", MDB_CREATE};
inline constexpr Table kTokens{"tokens", MDB_CREATE};
// The access audit: append-only like the log, with an index by person.
inline constexpr Table kReads{"reads", MDB_CREATE | MDB_INTEGERKEY};
inline constexpr Table kReadsByPerson{"reads_by_person", MDB_CREATE};
// Append-only like the log, written with it (StoreWriter::append).
inline constexpr Table kChain{"chain", MDB_CREATE | MDB_INTEGERKEY};
inline constexpr Table kCheckpoints{"checkpoints", MDB_CREATE | MDB_INTEGERKEY};
// The access audit's tamper evidence, written with it (StoreWriter::append_read).
inline constexpr Table kReadsChain{"reads_chain", MDB_CREATE | MDB_INTEGERKEY};
inline constexpr Table kReadsCheckpoints{"reads_checkpoints", MDB_CREATE | MDB_INTEGERKEY};
// The facilities' registered signing keys (engine/facility_keys.hpp).
inline constexpr Table kFacilityKeys{"facility_keys", MDB_CREATE};
inline constexpr std::array kTables{kMeta,         kLog,          kEpisodes,     kPersonLog,   kLinks,
                                    kMembers,      kPrincipals,   kBatches,      kAppointments, kPersons,
                                    kPersonBlocks, kPersonEvents, kPersonAudit,  kReviews,     kReviewQueue,
                                    kPersonRules,  kFeed,         kStats,        kFollowupSlips, kTokens,
                                    kReads,        kReadsByPerson, kChain,       kCheckpoints,
                                    kReadsChain,   kReadsCheckpoints, kFacilityKeys};

inline constexpr std::string_view kMetaFormatVersion = "format_version";  // u32
// zstd dictionaries: "zstd_dict/" + 10-digit dictionary ID → dictionary bytes;
// "zstd_dict_latest" → u32 ID of the one new records are compressed with.
inline constexpr std::string_view kMetaDictionaryPrefix = "zstd_dict/";
inline constexpr std::string_view kMetaDictionaryLatest = "zstd_dict_latest";
std::string dictionary_meta_key(uint32_t id);
// The person index's matching models: "person_model/" + version → the model
// (engine/person/model.hpp, encode_model); "person_model_latest" → the
// version ingest resolves with.
inline constexpr std::string_view kMetaPersonModelPrefix = "person_model/";
inline constexpr std::string_view kMetaPersonModelLatest = "person_model_latest";
// i64 µs: when a principal was last revoked; ehbd watches it to end the revoked principal's connections.
inline constexpr std::string_view kMetaPrincipalsRevoked = "principals_revoked";
// i64 µs: the last change to facility_keys, so readers of a snapshot know to load it again.
inline constexpr std::string_view kMetaFacilityKeysChanged = "facility_keys_changed";
// The checkpoints' public keys: "checkpoint_key/" + key id (16 hex digits) → the raw Ed25519 public key (32 bytes).
inline constexpr std::string_view kMetaCheckpointKeyPrefix = "checkpoint_key/";
// What the log holds, summed over its entries (u64 each), added to by the
// commit that appends them (StoreWriter::append): the documents' sizes as
// received (the JSON, XML or FHIR bytes pushed; duplicates and rejected
// documents are not stored and do not count), their canonical sizes
// (LogEntry::raw_size) and the stored payloads' (after compression). A new
// store starts them at zero; one created before they existed has none and is
// never given them (they would count only part of its log): `ehb stats` shows
// them as not recorded. Not a layout change, so no format version bump.
inline constexpr std::string_view kMetaLogReceivedBytes = "log_received_bytes";
inline constexpr std::string_view kMetaLogCanonicalBytes = "log_canonical_bytes";
inline constexpr std::string_view kMetaLogPayloadBytes = "log_payload_bytes";

template <class T>
inline T load(const char* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
template <class T>
inline char* store(char* p, T v) {
    std::memcpy(p, &v, sizeof v);
    return p + sizeof v;
}

// ---- PersonKey: the persons records are filed under, and the identifiers that lead to them ----

enum class PersonType : char {
    none = 0,
    citizen = 'C',           // 12-digit citizen ID (số định danh cá nhân)
    social_insurance = 'S',  // 10-digit social-insurance code: the last 10 characters of every card
    old_id = 'O',            // legacy 9-digit ID (CMND)
    passport = 'P',          // [A-Z] + 7 digits
    temp_card = 'T',         // a temporary TE1 card: its 12 digits after "TE1"
    patient_number = 'M',    // a facility's patient number (MA_BN): XXH3-64 of "facility|number"
    person = 'N',            // a person of the person index: records are filed under it
};

struct PersonKey {
    static constexpr std::size_t kSize = 9;
    PersonType type = PersonType::none;
    uint64_t value = 0;

    explicit operator bool() const { return type != PersonType::none; }
    friend bool operator==(const PersonKey&, const PersonKey&) = default;

    // Derivation from the identifier as written in a record; empty when malformed.
    static PersonKey citizen(std::string_view digits12) { return numeric(PersonType::citizen, digits12, 12); }
    static PersonKey social_insurance(std::string_view digits10) {
        return numeric(PersonType::social_insurance, digits10, 10);
    }
    static PersonKey old_id(std::string_view digits9) { return numeric(PersonType::old_id, digits9, 9); }
    static PersonKey temp_card(std::string_view te1) {
        if (te1.size() != 15 || te1.substr(0, 3) != "TE1") return {};
        return numeric(PersonType::temp_card, te1.substr(3), 12);
    }
    static PersonKey person(uint64_t id) { return {PersonType::person, id}; }
    static PersonKey passport(std::string_view id) {
        if (id.size() != 8 || id[0] < 'A' || id[0] > 'Z') return {};
        PersonKey k = numeric(PersonType::passport, id.substr(1), 7);
        if (k) k.value += uint64_t(id[0] - 'A') * 10'000'000;
        return k;
    }

    std::array<char, kSize> bytes() const {
        std::array<char, kSize> b{};
        b[0] = static_cast<char>(type);
        uint64_t be = __builtin_bswap64(value);
        std::memcpy(b.data() + 1, &be, 8);
        return b;
    }
    static PersonKey from_bytes(std::string_view b) {
        if (b.size() != kSize) return {};
        return {static_cast<PersonType>(b[0]), __builtin_bswap64(load<uint64_t>(b.data() + 1))};
    }
    // The identifier as written: zero-padded digits, or letter + digits for a passport.
    std::string text() const;

private:
    static PersonKey numeric(PersonType t, std::string_view digits, std::size_t n) {
        if (digits.size() != n) return {};
        uint64_t v = 0;
        for (char c : digits) {
            if (c < '0' || c > '9') return {};
            v = v * 10 + uint64_t(c - '0');
        }
        return {t, v};
    }
};

inline std::string_view as_view(const std::array<char, PersonKey::kSize>& b) { return {b.data(), b.size()}; }

// ---- EpisodeKey: MA_CSKCB (exactly 5 characters) followed by MA_LK ----

// Writes the key into `out` (reusing its storage).
inline void episode_key(std::string_view facility, std::string_view ma_lk, std::string& out) {
    out.assign(facility).append(ma_lk);
}
inline constexpr std::size_t kFacilityLength = 5;

// ---- BatchKey: a sender's stream (principal + stream number) and a batch of it ----

// Keys sort by principal, then stream, then batch number (big-endian), so the
// batches of one stream are adjacent and in order.
inline void batch_key(std::string_view principal, uint32_t stream, uint64_t batch_seq, std::string& out) {
    out.clear();
    out.push_back(static_cast<char>(principal.size()));
    out.append(principal);
    uint32_t s = __builtin_bswap32(stream);
    uint64_t b = __builtin_bswap64(batch_seq);
    out.append(reinterpret_cast<const char*>(&s), 4).append(reinterpret_cast<const char*>(&b), 8);
}
inline constexpr std::size_t kMaxPrincipalName = 64;

// ---- AppointmentKey: the day an appointment falls due, then the episode ----

// Big-endian day first, so a cursor walks a date range in order.
inline void appointment_key(uint32_t yyyymmdd, std::string_view episode_key, std::string& out) {
    const uint32_t be = __builtin_bswap32(yyyymmdd);
    out.assign(reinterpret_cast<const char*>(&be), 4).append(episode_key);
}
inline uint32_t appointment_day(std::string_view key) { return __builtin_bswap32(load<uint32_t>(key.data())); }

// ---- EpisodeHead: the current version of an episode ----

// When an episode's full record (XML1) first arrived, and the discharge time it
// gave: the 24-hour rule is measured between them. Zero while the episode is
// open (only a check-in has arrived) and for vaccinations.
struct RecordTiming {
    int64_t closed_us = 0;    // arrival of the first version with XML1, microseconds since the epoch (UTC)
    uint64_t discharged = 0;  // that version's NGAY_RA, yyyymmddHHMM local time (UTC+7)
    friend bool operator==(const RecordTiming&, const RecordTiming&) = default;
};

struct EpisodeHead {
    static constexpr std::size_t kSize = 57;
    uint64_t current_seq = 0;  // log entry of the current version
    uint32_t versions = 0;     // how many versions were stored
    Hash128 hash;              // content hash of the current version
    // Where the current version is filed in person_log. Kept here so that a
    // new version never reads the log: a random log read maps a whole
    // fault-around window of the file into the writer (RSS).
    PersonKey filed_under;
    RecordTiming timing;
    uint32_t appointment = 0;  // the current version's appointment day (yyyymmdd), 0 for none

    std::array<char, kSize> bytes() const {
        std::array<char, kSize> b{};
        char* p = store(b.data(), current_seq);
        p = store(p, versions);
        p = store(p, hash.lo);
        p = store(p, hash.hi);
        auto key = filed_under.bytes();
        std::memcpy(p, key.data(), key.size());
        p += key.size();
        p = store(p, timing.closed_us);
        p = store(p, timing.discharged);
        store(p, appointment);
        return b;
    }
    static EpisodeHead from_bytes(std::string_view b) {
        const char* p = b.data();
        return {load<uint64_t>(p),
                load<uint32_t>(p + 8),
                {load<uint64_t>(p + 12), load<uint64_t>(p + 20)},
                PersonKey::from_bytes({p + 28, PersonKey::kSize}),
                {load<int64_t>(p + 37), load<uint64_t>(p + 45)},
                load<uint32_t>(p + 53)};
    }
};

// ---- LogEntry: one accepted record with its metadata ----

enum class EntryStatus : uint8_t { accepted = 1, new_version = 3 };  // same numbers as ehb::Status
// The numbers of ehb::RecordKind, ehb::Generation and ehb::SourceFormat (engine/record.hpp).
enum class EntryKind : uint8_t { episode = 1, checkin = 2, vaccination = 3 };
enum class Codec : uint8_t { raw = 0, zstd = 1 };
inline constexpr uint8_t kFlagConflict = 1;  // citizen ID and card point at two different people

struct LogEntry {
    EntryStatus status = EntryStatus::accepted;
    uint8_t flags = 0;
    Codec codec = Codec::raw;
    uint32_t raw_size = 0;      // size of the canonical bytes before compression
    int64_t arrival_us = 0;     // arrival time, microseconds since the Unix epoch (UTC)
    uint64_t prev_seq = 0;      // previous version of the same episode, 0 for the first
    uint32_t version = 1;       // 1 for the first version of the episode, then 2, 3, …
    Hash128 hash;               // XXH3-128 of the canonical bytes
    uint64_t admitted = 0;      // NGAY_VAO as yyyymmddHHMM, for ordering a book
    PersonKey filed_under;      // the person index entry written for it (none: unidentified)
    EntryKind kind = EntryKind::episode;
    uint8_t generation = 0;     // of the Ministry's standard the record was sent in
    uint8_t format = 0;         // json, xml or fhir: how it was sent
    RecordTiming timing;        // the episode's, as of this version
    std::string_view principal; // who pushed it (≤ 255 bytes)
    std::string_view episode_key;
    std::string_view warnings;  // JSON array of {code, field, reason}, or empty
    std::string_view source;    // what the sender signed, kept verbatim (an XML submission's CHUKYDONVI), or empty
    std::string_view signature; // the sender's signature with what it signed (SignatureEvidence), or empty: unsigned
    std::string_view payload;   // canonical bytes, encoded with `codec`

    static constexpr std::size_t kHeaderSize =
        1 + 1 + 1 + 1 + 4 + 8 + 8 + 4 + 16 + 8 + PersonKey::kSize + 1 + 1 + 1 + 8 + 8 + 1 + 2 + 4 + 4 + 4;
    static constexpr uint8_t kLayout = 3;

    std::size_t encoded_size() const {
        return kHeaderSize + principal.size() + episode_key.size() + warnings.size() + source.size() +
               signature.size() + payload.size();
    }
    void encode(char* p) const;
    // Views point into `b`; nullopt when `b` is not a LogEntry of this layout.
    static std::optional<LogEntry> decode(std::string_view b);
};

// ---- FeedEntry: one committed change, in commit order ----

enum class FeedType : uint8_t {
    accepted = 1,     // an episode's first version (ref: its log entry); the numbers of EntryStatus
    new_version = 3,  // a later version of an episode (ref: its log entry)
    identity = 4,     // an identity event of the person index (ref: its person_events row)
    appointment = 5,  // an episode's appointment booked, moved or cancelled (ref: the version's log entry)
};

// Provinces are the two-digit codes as numbers (01 → 1), 0 when unknown.
struct FeedEntry {
    static constexpr std::size_t kSize = 28;
    FeedType type = FeedType::accepted;
    uint8_t kind = 0;                // EntryKind of the record; 0 for identity events
    uint8_t facility_province = 0;   // of MA_CSKCB
    uint8_t residence_province = 0;  // the record's MATINH_CU_TRU; a person's best record's for identity events
    uint32_t day_before = 0;         // appointment: the day it was due before (yyyymmdd), 0 when newly booked
    uint32_t day_after = 0;          // appointment: the day it is due now, 0 when cancelled
    uint64_t ref = 0;
    int64_t time_us = 0;             // when the change was made (the batch's arrival, a steward's operation)

    std::array<char, kSize> bytes() const {
        std::array<char, kSize> b{};
        char* p = store(b.data(), type);
        p = store(p, kind);
        p = store(p, facility_province);
        p = store(p, residence_province);
        p = store(p, day_before);
        p = store(p, day_after);
        p = store(p, ref);
        store(p, time_us);
        return b;
    }
    static std::optional<FeedEntry> from_bytes(std::string_view b) {
        if (b.size() != kSize) return std::nullopt;
        const char* p = b.data();
        FeedEntry e;
        e.type = load<FeedType>(p);
        e.kind = load<uint8_t>(p + 1);
        e.facility_province = load<uint8_t>(p + 2);
        e.residence_province = load<uint8_t>(p + 3);
        e.day_before = load<uint32_t>(p + 4);
        e.day_after = load<uint32_t>(p + 8);
        e.ref = load<uint64_t>(p + 12);
        e.time_us = load<int64_t>(p + 20);
        return e;
    }
};

// "79" → 79; 0 for anything that is not two digits.
inline uint8_t province_number(std::string_view two_digits) {
    if (two_digits.size() < 2 || two_digits[0] < '0' || two_digits[0] > '9' || two_digits[1] < '0' ||
        two_digits[1] > '9')
        return 0;
    return static_cast<uint8_t>((two_digits[0] - '0') * 10 + (two_digits[1] - '0'));
}

// ---- PrincipalRecord: a principal's role, facility and credential digests (engine/principals.hpp) ----

// One salted slow hash of the credential: scrypt(credential, salt, N = 2^log2_n, r = 8, p = 1), 32 bytes.
struct CredentialDigest {
    uint8_t log2_n = 0;  // 0: no credential in this slot
    std::array<unsigned char, 16> salt{};
    std::array<unsigned char, 32> digest{};
    friend bool operator==(const CredentialDigest&, const CredentialDigest&) = default;
};

// layout u8 | role u8 | facility 5 | current: log2_n u8, salt 16, digest 32
// | previous: log2_n u8, salt 16, digest 32 | previous_until_us i64
// | created_us i64 | revoked_us i64 (0 while valid) | rotated_us i64 (0: never)
// `facility` depends on the role: the MA_CSKCB of a facility (role 1), the
// two-digit province code and three zeros of a province (role 6), zeros otherwise.
// After a rotation the previous credential still works until previous_until_us.
struct PrincipalRecord {
    static constexpr std::size_t kDigestSize = 1 + 16 + 32;
    static constexpr std::size_t kSize = 1 + 1 + kFacilityLength + 2 * kDigestSize + 8 + 8 + 8 + 8;
    static constexpr uint8_t kLayout = 2;
    uint8_t role = 0;  // the numbers of ehb::Role
    std::array<char, kFacilityLength> facility{};
    CredentialDigest current, previous;
    int64_t previous_until_us = 0;
    int64_t created_us = 0;
    int64_t revoked_us = 0;
    int64_t rotated_us = 0;

    std::array<char, kSize> encode() const {
        std::array<char, kSize> b{};
        char* p = store(b.data(), kLayout);
        p = store(p, role);
        p = store(p, facility);
        for (const CredentialDigest* d : {&current, &previous}) {
            p = store(p, d->log2_n);
            p = store(p, d->salt);
            p = store(p, d->digest);
        }
        p = store(p, previous_until_us);
        p = store(p, created_us);
        p = store(p, revoked_us);
        store(p, rotated_us);
        return b;
    }
    // nullopt when `b` is not a PrincipalRecord of this layout.
    static std::optional<PrincipalRecord> decode(std::string_view b) {
        if (b.size() != kSize || load<uint8_t>(b.data()) != kLayout) return std::nullopt;
        const char* p = b.data() + 1;
        PrincipalRecord r;
        r.role = load<uint8_t>(p);
        r.facility = load<decltype(facility)>(p + 1);
        p += 1 + kFacilityLength;
        for (CredentialDigest* d : {&r.current, &r.previous}) {
            d->log2_n = load<uint8_t>(p);
            d->salt = load<decltype(d->salt)>(p + 1);
            d->digest = load<decltype(d->digest)>(p + 17);
            p += kDigestSize;
        }
        r.previous_until_us = load<int64_t>(p);
        r.created_us = load<int64_t>(p + 8);
        r.revoked_us = load<int64_t>(p + 16);
        r.rotated_us = load<int64_t>(p + 24);
        return r;
    }
};

// ---- TokenRecord: a bearer token of the HTTP API (net/http/tokens.hpp), keyed by its SHA-256 ----

// layout u8 | expires_us i64 | issued_us i64 | principal name (1..64 bytes)
struct TokenRecord {
    static constexpr uint8_t kLayout = 1;
    int64_t expires_us = 0;
    int64_t issued_us = 0;
    std::string principal;

    std::string encode() const {
        std::string b(17, '\0');
        char* p = store(b.data(), kLayout);
        p = store(p, expires_us);
        store(p, issued_us);
        return b.append(principal);
    }
    // nullopt when `b` is not a TokenRecord of this layout.
    static std::optional<TokenRecord> decode(std::string_view b) {
        if (b.size() <= 17 || b.size() > 17 + kMaxPrincipalName || load<uint8_t>(b.data()) != kLayout)
            return std::nullopt;
        return TokenRecord{load<int64_t>(b.data() + 1), load<int64_t>(b.data() + 9), std::string(b.substr(17))};
    }
};

}  // namespace ehb::schema
