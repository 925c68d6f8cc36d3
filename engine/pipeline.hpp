// Group commit: batches from any number of producers are prepared on worker
// threads (both cores) and applied by one writer thread, which merges every
// batch that is ready into one durable transaction. Each batch is still
// atomic (it never spans two commits) and batches apply in submission order.
// A batch's callback runs only after the commit holding it is durable.
// Write jobs (the stewards' operations) join the same order and commits;
// notes (the access audit's records of reads) ride along with any commit.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "engine/batch_ledger.hpp"
#include "engine/facility_keys.hpp"
#include "engine/histogram.hpp"
#include "engine/ingest.hpp"

namespace ehb {

struct PipelineOptions {
    unsigned prepare_threads = 0;           // 0: one per core
    std::size_t max_commit_records = 32768; // a commit takes ready batches up to this many records
    std::size_t max_queued_records = 65536; // submit blocks beyond this (back-pressure)
    // How long the writer waits for more batches when fewer than
    // max_commit_records are ready (0: commit whatever is ready at once).
    std::chrono::microseconds commit_delay{0};
    // Called on the writer thread when a commit fails; the batches of that
    // commit and after it are never answered (submit and close rethrow).
    // A full disk is not a failure: the commit's batches are answered with
    // BatchVerdict::no_space, its write jobs refused, its notes told, and the
    // writer goes on with the next commit.
    std::function<void(const std::exception&)> on_failure;
    // Called on the writer thread when a full disk refused a commit.
    std::function<void(const std::exception&)> on_no_space;
    // Called on the writer thread after each durable commit, before its
    // acknowledgements, with the feed's last sequence number (engine/feed.hpp).
    std::function<void(uint64_t feed_head)> on_commit;
    // Commits between two Store::release_mapped_pages (0: never). Releasing
    // keeps ehbd's resident set near its working set (standard workload: 1.73 GB
    // peak after every commit, 2.03 GB every 8); every 8 spares the writer page
    // faults that re-mapping costs at scale (docs/benchmarks.md, "Format 9 at
    // 3 million citizens": 9% faster, 202 against 216 µs of CPU a document).
    unsigned release_map_every = 8;
    ParseLimits limits;
    // Every document needs a verified signature (engine/signature_check.hpp).
    bool require_signatures = false;
    // Off: payloads are stored raw (Codec::raw) and no dictionary is trained.
    // For benchmarks only (bench_lookup's uncompressed store); never an ehbd flag.
    bool compress_payloads = true;
};

struct PipelineStats {
    uint64_t commits = 0;
    uint64_t batches = 0;
    uint64_t write_jobs = 0;
    uint64_t notes = 0;
    uint64_t no_space_commits = 0;  // commits the full disk refused (nothing of them was stored)
    uint64_t records = 0;
    // The records of applied batches by what happened to them (replayed batches are not counted again).
    uint64_t accepted = 0, duplicate = 0, new_version = 0, rejected = 0, flagged = 0;
    double write_seconds = 0;  // the writer inside transactions (apply + durable commit)
    Histogram commit_records{Histogram::kSizes};  // records per commit
    Histogram commit_us;                          // time per commit (apply + durable commit), µs
    std::size_t queued_records = 0;               // submitted, not yet committed (at the time of asking)
};

// Who sent a batch, and the checks that follow from it.
struct BatchSource {
    std::string principal;
    std::string facility;               // when set, documents of any other MA_CSKCB are rejected (E_FORBIDDEN)
    std::optional<BatchOrigin> origin;  // when set, the batch is applied at most once (engine/batch_ledger.hpp)
    // A signed batch (PUSH format 2): each document's key id and detached
    // signature, as (offset, size) ranges of the batch's buffer; empty: unsigned.
    struct Signature {
        std::pair<std::size_t, std::size_t> key_id, signature;
    };
    std::vector<Signature> signatures;
};

class Pipeline {
public:
    // Runs on the writer thread once the batch is durable; results in input order.
    using Done = std::function<void(std::span<const RecordResult>)>;
    // The same with the batch's verdict: results are the new ones (fresh), the
    // stored ones (replay), or empty (order, mismatch: nothing was applied).
    using Answer = std::function<void(BatchVerdict, std::span<const RecordResult>)>;

    Pipeline(Store& store, PipelineOptions options = {});
    ~Pipeline();
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;

    // A batch: its documents are the (offset, size) ranges of `buffer`.
    // Blocks while the queue is full. Rethrows a writer failure.
    using Span = std::pair<std::size_t, std::size_t>;
    void submit(std::string buffer, const std::vector<Span>& documents, std::string principal, Done done);
    void submit(std::string buffer, const std::vector<Span>& documents, BatchSource source, Answer answer);

    // A write job runs on the writer thread inside a group commit, after every
    // batch and job submitted before it and before every one submitted after
    // it; it returns its answer. It may run more than once (the map grew), so
    // it derives everything from the store and its own inputs. It refuses by
    // throwing person::StewardError: its transaction is then abandoned and the
    // commit made without it. A job opens a commit of its own (batches may
    // follow it in that commit), so a refusal never re-applies a batch.
    // `answer` gets the job's answer, or the refusal's message with refused
    // set, once the commit is durable. Does not block: the callers bound how
    // many jobs they have outstanding. Rethrows a writer failure.
    using WriteJob = std::function<std::string(StoreWriter&)>;
    using WriteAnswer = std::function<void(bool refused, std::string answer)>;
    void submit_write(WriteJob job, WriteAnswer answer);

    // A note is an append that never refuses (a read for the access audit,
    // engine/access_log.hpp). It joins the next commit, whatever that commit
    // holds (or a commit of notes alone), outside the order of batches and
    // jobs; `done` runs on the writer thread once that commit is durable
    // (true), or was refused by a full disk (false: nothing was stored).
    // `write` may run more than once (the map grew, or a write job of the
    // same commit refused). Does not block. Rethrows a writer failure.
    using Note = std::function<void(StoreWriter&)>;
    void submit_note(Note write, std::function<void(bool stored)> done);

    // Waits until everything submitted is committed and acknowledged, then stops
    // the threads. Rethrows a writer failure. Called by the destructor.
    void close();

    PipelineStats stats() const;

private:
    struct Job;
    void prepare_loop();
    void write_loop();
    Job* claim(std::size_t& begin, std::size_t& end);
    std::size_t ready_records() const;  // of the ready batches at the front (under mutex_)
    void apply(StoreWriter& w, Applier& applier, Job& job, int64_t arrival);
    struct PendingNote {
        Note write;
        std::function<void(bool stored)> done;
    };
    // Applies `notes` and `jobs` in one durable transaction, without a write job
    // that refuses. Returns the feed's last sequence number after the commit.
    uint64_t commit_jobs(const std::vector<PendingNote>& notes, const std::vector<Job*>& jobs, Applier& applier);

    Store& store_;
    PipelineOptions options_;
    KeyRingCache keys_;
    mutable std::mutex mutex_;
    std::condition_variable work_cv_, ready_cv_, space_cv_;
    std::deque<std::unique_ptr<Job>> jobs_;  // submission order; the writer pops from the front
    std::vector<PendingNote> notes_;         // for the next commit
    std::size_t queued_records_ = 0;
    bool closing_ = false;
    std::exception_ptr failure_;
    PipelineStats stats_;
    std::vector<std::thread> workers_;
    std::thread writer_;
};

}  // namespace ehb
