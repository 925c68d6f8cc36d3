// The ingest path: prepare (parse, validate, canonicalise, hash, compress: CPU
// work, any thread) and apply (decide each record's status and identity and
// write it: the single writer, inside one transaction per commit).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/facility_keys.hpp"
#include "engine/fhir_in.hpp"
#include "engine/identity.hpp"
#include "engine/person/person_index.hpp"
#include "engine/person/profile.hpp"
#include "engine/parse.hpp"
#include "engine/record.hpp"
#include "engine/stats_facts.hpp"
#include "engine/stats_writer.hpp"
#include "engine/xml_submission.hpp"
#include "storage/codec.hpp"
#include "storage/store.hpp"

namespace ehb {

class SignatureChecker;  // engine/signature_check.hpp

// One document after the CPU stage.
struct Prepared {
    bool ok = false;
    SourceFormat format = SourceFormat::json;  // as detected from the content
    uint64_t received_bytes = 0;  // the document's size as pushed (the log's byte totals, storage/schema.hpp)
    ParsedRecord record;  // when ok
    Issue error;          // when !ok
    std::string source;   // an XML submission's signature block, verbatim; else empty
    std::string signature;  // how its sender signed it (signatures::Evidence, engine/signature_check.hpp), or empty
    schema::Codec codec = schema::Codec::raw;
    std::string payload;  // the canonical bytes, encoded with `codec`
    std::string warnings; // JSON array of the record's warnings, or empty
    person::PersonRecord person;  // who the record says the person is
    person::Profile profile;      // that, prepared for matching
    // Best effort, even when rejected: the MA_CSKCB the document gave (a
    // vaccination's TIEM_CHUNG.MA_CSKCB), for the connectivity monitor; empty when unknown.
    std::string facility;
    stats::Facts stats;           // what the record counts for in the statistics (docs/statistics.md)
    std::string stats_tail;       // `stats` encoded, kept after the episode's head
};

// What the engine answers for one document, in the batch's order.
struct RecordResult {
    Status status = Status::rejected;
    uint64_t seq = 0;       // log entry stored (accepted, new_version) or the current version (duplicate)
    bool flagged = false;   // stored with a conflict flag
    Issue error;            // rejected: code, field, reason
    std::vector<Issue> warnings;
};

// Per-thread CPU stage; reuses its parsers and compression buffers. Tells
// the format from the content (an XML submission, a FHIR Bundle or an episode
// document), normalises XML and FHIR into an episode document, then parses
// that. Compresses with the latest dictionary of `dictionaries` when there is
// one; with `compress` false (benchmarks only) every payload is stored raw.
class Preparer {
public:
    explicit Preparer(const DictionarySet* dictionaries = nullptr, ParseLimits limits = {}, bool compress = true);
    void prepare(std::string_view document, Prepared& out);

private:
    const DictionarySet* dictionaries_;
    bool compress_;
    EpisodeParser parser_;
    XmlSubmissionReader xml_;
    FhirBundleReader fhir_;
    XmlSubmission submission_;
    std::string normalised_;
    Compressor compressor_;
    stats::Extractor stats_;
};

// Trains the store's first compression dictionary once it holds enough
// records (docs/architecture.md, "Compression"). The writer calls it after
// each commit; training runs on a thread of its own so the writer never waits
// for it, and the writer stores the result at a later commit.
class DictionaryTrainer {
public:
    DictionaryTrainer() = default;
    ~DictionaryTrainer();
    DictionaryTrainer(const DictionaryTrainer&) = delete;
    DictionaryTrainer& operator=(const DictionaryTrainer&) = delete;

    void after_commit(Store& store);

private:
    uint64_t next_attempt_ = kDictionarySamples;  // log size at which to try (again); 0: done
    std::thread training_;
    std::atomic<bool> trained_{false};
    std::shared_ptr<const Dictionary> result_;  // written by `training_` before `trained_`
};

// The writer's step: applies a batch inside the caller's write transaction.
// Earlier records of the same batch are visible to later ones.
class Applier {
public:
    void apply(StoreWriter& store, std::span<const Prepared> batch, std::string_view principal, int64_t arrival_us,
               std::span<RecordResult> results);

private:
    // The facility a rejected document is counted under by the connectivity
    // monitor: the principal's own for a facility principal, else what the document gave.
    std::string_view monitor_facility(const StoreReader& store, std::string_view principal, const Prepared& p);

    person::PersonIndex persons_;
    person::Decision decision_;
    stats::Writer stats_;
    stats::Facts before_;       // the superseded version's statistics facts
    std::string before_tail_;   // and their encoding
    std::optional<std::string> principal_facility_;  // of this apply's principal, once looked up
};

// The synchronous path: one batch, one durable commit.
// Checks XML submissions' signatures as the pipeline does; detached
// signatures arrive only over the wire.
class Engine {
public:
    explicit Engine(Store& store, ParseLimits limits = {});
    ~Engine();

    std::vector<RecordResult> ingest(std::span<const std::string_view> documents, std::string_view principal);

private:
    Store& store_;
    Preparer preparer_;
    std::unique_ptr<SignatureChecker> signatures_;
    KeyRingCache keys_;
    Applier applier_;
    DictionaryTrainer trainer_;
    std::vector<Prepared> prepared_;
};

int64_t now_us();

}  // namespace ehb
