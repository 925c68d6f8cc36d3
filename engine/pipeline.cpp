#include "engine/pipeline.hpp"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <stdexcept>

#include "engine/person/steward.hpp"
#include "engine/read_ahead.hpp"
#include "engine/signature_check.hpp"
#include "storage/lmdb.hpp"

namespace ehb {

// Workers claim documents in chunks, so one large batch still uses every core.
constexpr std::size_t kChunk = 64;
// How much less the prepare workers are favoured than the rest (nice steps).
constexpr int kPrepareNice = 5;

namespace {

// Unwinds a write transaction whose write job refused (person::StewardError).
struct Refused {};

}  // namespace

struct Pipeline::Job {
    std::string buffer;
    std::vector<std::string_view> documents;
    std::vector<DetachedSignature> signatures;  // one per document of a signed batch; else empty
    BatchSource source;
    Answer answer;
    std::vector<Prepared> prepared;
    BatchVerdict verdict = BatchVerdict::fresh;
    std::vector<RecordResult> results;
    std::size_t claimed = 0;   // documents handed to workers (under mutex_)
    std::size_t finished = 0;  // documents prepared (under mutex_)
    // A write job instead of a batch: it has no documents, so it is ready at once.
    WriteJob write;
    WriteAnswer write_answer;
    std::string reply;  // the write job's answer, or why it refused
    bool refused = false;
    bool ready() const { return finished == documents.size(); }
};

Pipeline::Pipeline(Store& store, PipelineOptions options) : store_(store), options_(options) {
    unsigned n = options_.prepare_threads ? options_.prepare_threads : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < n; ++i) {
        workers_.emplace_back([this] {
            pthread_setname_np(pthread_self(), "ehb-prepare");
            prepare_loop();
        });
    }
    writer_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "ehb-writer");
        write_loop();
    });
}

Pipeline::~Pipeline() {
    try {
        close();
    } catch (...) {
        // A failure was already reported to whoever called close(); a destructor must not throw.
    }
}

void Pipeline::submit(std::string buffer, const std::vector<Span>& documents, std::string principal, Done done) {
    BatchSource source;
    source.principal = std::move(principal);
    submit(std::move(buffer), documents, std::move(source), [done = std::move(done)](BatchVerdict, auto results) {
        if (done) done(results);
    });
}

void Pipeline::submit(std::string buffer, const std::vector<Span>& documents, BatchSource source, Answer answer) {
    if (!source.signatures.empty() && source.signatures.size() != documents.size())
        throw std::invalid_argument("pipeline: a signed batch has one signature per document");
    auto job = std::make_unique<Job>();
    job->buffer = std::move(buffer);
    job->documents.reserve(documents.size());
    for (auto [at, size] : documents) job->documents.push_back(std::string_view(job->buffer).substr(at, size));
    job->signatures.reserve(source.signatures.size());
    for (const BatchSource::Signature& s : source.signatures) {
        const std::string_view bytes = job->buffer;
        job->signatures.push_back({bytes.substr(s.key_id.first, s.key_id.second),
                                   bytes.substr(s.signature.first, s.signature.second)});
    }
    job->source = std::move(source);
    job->answer = std::move(answer);
    job->prepared.resize(job->documents.size());
    std::size_t n = job->documents.size();

    std::unique_lock lock(mutex_);
    // A batch larger than the whole queue is admitted alone rather than never.
    space_cv_.wait(lock, [&] {
        return failure_ || queued_records_ == 0 || queued_records_ + n <= options_.max_queued_records;
    });
    if (failure_) std::rethrow_exception(failure_);
    queued_records_ += n;
    jobs_.push_back(std::move(job));
    work_cv_.notify_all();
    ready_cv_.notify_one();  // an empty batch is ready at once
}

void Pipeline::submit_write(WriteJob write, WriteAnswer answer) {
    auto job = std::make_unique<Job>();
    job->write = std::move(write);
    job->write_answer = std::move(answer);
    std::lock_guard lock(mutex_);
    if (failure_) std::rethrow_exception(failure_);
    jobs_.push_back(std::move(job));
    ready_cv_.notify_one();
}

void Pipeline::submit_note(Note write, std::function<void(bool stored)> done) {
    std::lock_guard lock(mutex_);
    if (failure_) std::rethrow_exception(failure_);
    notes_.push_back({std::move(write), std::move(done)});
    ready_cv_.notify_one();
}

Pipeline::Job* Pipeline::claim(std::size_t& begin, std::size_t& end) {
    if (failure_) return nullptr;
    for (auto& job : jobs_) {
        if (job->claimed < job->documents.size()) {
            begin = job->claimed;
            end = std::min(begin + kChunk, job->documents.size());
            job->claimed = end;
            return job.get();
        }
    }
    return nullptr;
}

void Pipeline::prepare_loop() {
    // Preparing is throughput work: on a busy machine the writer, the I/O
    // thread and the readers (answers, the feed's deliveries) go first.
    // Best effort: a failure leaves the thread at the process's priority.
    const auto self = static_cast<id_t>(gettid());
    errno = 0;
    const int nice = getpriority(PRIO_PROCESS, self);
    if (errno == 0) (void)setpriority(PRIO_PROCESS, self, nice + kPrepareNice);
    Preparer preparer(&store_.dictionaries(), options_.limits, options_.compress_payloads);
    SignatureChecker signatures;
    ReadAhead read_ahead(store_);
    std::unique_lock lock(mutex_);
    for (;;) {
        std::size_t begin = 0, end = 0;
        Job* job = nullptr;
        work_cv_.wait(lock, [&] { return (job = claim(begin, end)) != nullptr || closing_; });
        if (!job) return;
        lock.unlock();
        const std::shared_ptr<const KeyRing> keys = keys_.current(store_);
        for (std::size_t i = begin; i < end; ++i) {
            Prepared& p = job->prepared[i];
            preparer.prepare(job->documents[i], p);
            const std::string& own = job->source.facility;
            if (p.ok && !own.empty() && p.record.kind == RecordKind::vaccination) {
                p.ok = false;
                p.error = {"E_FORBIDDEN", "TIEM_CHUNG",
                           "facility " + own + " may push only its own episodes; vaccinations come from an "
                           "immunisation system's portal principal"};
            } else if (p.ok && !own.empty() && p.record.facility != own) {
                p.ok = false;
                p.error = {"E_FORBIDDEN", "MA_CSKCB",
                           "facility " + own + " may push only its own episodes, not " + p.record.facility + "'s"};
            }
            signatures.check(*keys, options_.require_signatures, job->documents[i],
                             job->signatures.empty() ? nullptr : &job->signatures[i], p);
        }
        read_ahead.read(std::span<const Prepared>(job->prepared).subspan(begin, end - begin));
        lock.lock();
        job->finished += end - begin;
        if (job->ready()) ready_cv_.notify_one();
    }
}

std::size_t Pipeline::ready_records() const {
    std::size_t records = 0;
    for (const auto& job : jobs_) {
        if (!job->ready()) break;
        records += job->documents.size();
    }
    return records;
}

void Pipeline::apply(StoreWriter& w, Applier& applier, Job& job, int64_t arrival) {
    if (job.write) {
        if (job.refused) return;
        try {
            job.reply = job.write(w);
        } catch (const person::StewardError& e) {
            job.refused = true;
            job.reply = e.what();
            throw Refused{};
        }
        return;
    }
    const std::optional<BatchOrigin>& origin = job.source.origin;
    job.results.clear();  // a commit retried after the map grew starts over
    job.verdict = origin ? check_batch(w, *origin, job.results) : BatchVerdict::fresh;
    if (job.verdict != BatchVerdict::fresh) return;
    job.results.resize(job.documents.size());
    applier.apply(w, job.prepared, job.source.principal, arrival, job.results);
    if (origin) record_batch(w, *origin, job.results);
}

uint64_t Pipeline::commit_jobs(const std::vector<PendingNote>& notes, const std::vector<Job*>& jobs,
                               Applier& applier) {
    const int64_t arrival = now_us();
    for (;;) {
        try {
            uint64_t feed_head = 0;
            store_.write([&](StoreWriter& w) {
                for (const PendingNote& note : notes) note.write(w);
                for (Job* job : jobs) apply(w, applier, *job, arrival);
                feed_head = w.next_feed() - 1;
            });
            return feed_head;
        } catch (const Refused&) {
            // Only the first job of a commit can be a write job: no batch ran
            // yet, and the commit starts over without it (the notes again).
        }
    }
}

void Pipeline::write_loop() {
    Applier applier;
    DictionaryTrainer trainer;
    std::vector<Job*> commit;
    std::vector<PendingNote> notes;
    double write_seconds = 0;
    unsigned commits_since_release = 0;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            ready_cv_.wait(lock, [&] {
                return (!jobs_.empty() && jobs_.front()->ready()) || !notes_.empty() || (closing_ && jobs_.empty());
            });
            if (jobs_.empty() && notes_.empty()) return;
            // The delay gathers batches into fewer commits. Notes alone do not
            // wait for it: they gather by themselves while the previous commit
            // syncs, and a reader waits for their commit.
            if (options_.commit_delay.count() > 0 && !jobs_.empty()) {
                // Flush on size or after the delay, whichever comes first.
                ready_cv_.wait_for(lock, options_.commit_delay,
                                   [&] { return closing_ || ready_records() >= options_.max_commit_records; });
            }
            notes.clear();
            notes.swap(notes_);
            // Every batch that is ready, in order, up to the commit size.
            commit.clear();
            std::size_t records = 0;
            for (auto& job : jobs_) {
                if (!job->ready()) break;
                if (!commit.empty() && job->write) break;  // it opens the next commit
                if (!commit.empty() && records + job->documents.size() > options_.max_commit_records) break;
                commit.push_back(job.get());
                records += job->documents.size();
            }
        }
        auto started = std::chrono::steady_clock::now();
        double commit_seconds = 0;
        bool stored = true;
        try {
            uint64_t feed_head = 0;
            try {
                feed_head = commit_jobs(notes, commit, applier);
            } catch (const lmdb::NoSpace& e) {
                // Nothing of this commit reached the store, which is intact:
                // refuse its requests (senders retry later) and go on.
                stored = false;
                if (options_.on_no_space) options_.on_no_space(e);
                for (Job* job : commit) {
                    if (job->write) {
                        job->refused = true;
                        job->reply = "the disk is full: nothing was stored; try again later";
                    } else {
                        job->verdict = BatchVerdict::no_space;
                        job->results.clear();
                    }
                }
            }
            commit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            write_seconds += commit_seconds;
            // Durable: the feed first, so that a change acknowledged to its pusher
            // is on the feed for whoever subscribes next; then acknowledge, and
            // (once) train the compression dictionary.
            if (stored && options_.on_commit) options_.on_commit(feed_head);
            for (Job* job : commit) {
                if (job->write) {
                    if (job->write_answer) job->write_answer(job->refused, std::move(job->reply));
                } else if (job->answer) {
                    job->answer(job->verdict, job->results);
                }
            }
            for (const PendingNote& note : notes) {
                if (note.done) note.done(stored);
            }
            if (stored && options_.compress_payloads) trainer.after_commit(store_);
            // Commits of notes alone write a few small pages: releasing the map
            // after each would only make the readers fault their pages in again.
            if (stored && !commit.empty() && options_.release_map_every &&
                ++commits_since_release >= options_.release_map_every) {
                store_.release_mapped_pages();
                commits_since_release = 0;
            }
        } catch (...) {
            if (options_.on_failure) {
                try {
                    std::rethrow_exception(std::current_exception());
                } catch (const std::exception& e) {
                    options_.on_failure(e);
                } catch (...) {
                }
            }
            std::lock_guard lock(mutex_);
            // Nothing after the failed commit is acknowledged; the jobs stay until
            // close() because workers may still be preparing some of them.
            failure_ = std::current_exception();
            closing_ = true;
            work_cv_.notify_all();
            space_cv_.notify_all();
            return;
        }
        std::size_t records = 0, write_jobs = 0;
        uint64_t by_status[5] = {}, flagged = 0;  // indexed by Status
        for (Job* job : commit) {
            records += job->documents.size();
            write_jobs += job->write != nullptr;
            if (job->write || job->verdict != BatchVerdict::fresh) continue;
            for (const RecordResult& r : job->results) {
                ++by_status[static_cast<uint8_t>(r.status) % 5];
                flagged += r.flagged;
            }
        }
        std::lock_guard lock(mutex_);
        jobs_.erase(jobs_.begin(), jobs_.begin() + static_cast<std::ptrdiff_t>(commit.size()));
        queued_records_ -= records;
        space_cv_.notify_all();
        if (!stored) {
            ++stats_.no_space_commits;
            continue;
        }
        ++stats_.commits;
        stats_.write_seconds = write_seconds;
        stats_.batches += commit.size() - write_jobs;
        stats_.write_jobs += write_jobs;
        stats_.notes += notes.size();
        stats_.records += records;
        stats_.accepted += by_status[static_cast<uint8_t>(Status::accepted)];
        stats_.duplicate += by_status[static_cast<uint8_t>(Status::duplicate)];
        stats_.new_version += by_status[static_cast<uint8_t>(Status::new_version)];
        stats_.rejected += by_status[static_cast<uint8_t>(Status::rejected)];
        stats_.flagged += flagged;
        stats_.commit_records.add(records);
        stats_.commit_us.add(static_cast<uint64_t>(commit_seconds * 1e6));
    }
}

void Pipeline::close() {
    {
        std::lock_guard lock(mutex_);
        closing_ = true;
        work_cv_.notify_all();
        ready_cv_.notify_all();
    }
    for (auto& w : workers_) {
        if (w.joinable()) w.join();
    }
    if (writer_.joinable()) writer_.join();
    std::lock_guard lock(mutex_);
    jobs_.clear();
    if (failure_) std::rethrow_exception(failure_);
}

PipelineStats Pipeline::stats() const {
    std::lock_guard lock(mutex_);
    PipelineStats s = stats_;
    s.queued_records = queued_records_;
    return s;
}

}  // namespace ehb
