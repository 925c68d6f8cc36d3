// An ehb data directory: one LMDB environment holding the tables of schema.hpp.
// One writer at a time (LMDB's rule), any number of concurrent readers.
#pragma once

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "storage/chain.hpp"
#include "storage/dictionary.hpp"
#include "storage/lmdb.hpp"
#include "storage/schema.hpp"
#include "storage/writeback.hpp"

namespace ehb {

// The directory was written by another format version (or is not an ehb store).
class FormatMismatch : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct StoreOptions {
    std::size_t initial_map_size = std::size_t{256} << 20;  // grows by itself (Store::write)
    // Address space, not disk: a quarter of x86-64's 128 TiB of user space,
    // decades of a national store (docs/capacity.md).
    std::size_t max_map_size = std::size_t{32} << 40;
    // false: commits are not flushed (MDB_NOSYNC) until sync(), and a crash
    // can lose or corrupt them. Only for stores that can be built again (the
    // benchmarks' fixtures); nothing ehbd acknowledges is written this way.
    bool sync_commits = true;
    // Tamper evidence (storage/chain.hpp): the Ed25519 key checkpoints are signed
    // with (empty: DIR/checkpoint.key, created at first open), and how often a
    // commit that appended entries writes one.
    std::filesystem::path checkpoint_key{};  // (an initializer: no -Wmissing-field-initializers for it)
    uint64_t checkpoint_entries = 100'000;
    std::chrono::seconds checkpoint_seconds{60};
    // Opens the environment read-only (ehb verify, ehb backup beside a running
    // ehbd): nothing is created or written, write() fails.
    bool read_only = false;
};

struct Tables {
    lmdb::Dbi meta, log, episodes, person_log, links, members, principals, batches, appointments, persons, person_blocks;
    lmdb::Dbi person_events, person_audit, reviews, review_queue, person_rules, feed;
    lmdb::Dbi stats, followup_slips;  // engine/stats_keys.hpp
    lmdb::Dbi tokens;                 // the HTTP API's bearer tokens (net/http/tokens.hpp)
    lmdb::Dbi reads, reads_by_person; // the access audit (engine/access_log.hpp)
    lmdb::Dbi facility_keys;          // engine/facility_keys.hpp
    lmdb::Dbi chain, checkpoints;     // the log's tamper evidence (storage/chain.hpp)
    lmdb::Dbi reads_chain, reads_checkpoints;  // the access audit's

private:
    template <class Self>
    static auto handles(Self& t) {
        return std::array{&t.meta,          &t.log,          &t.episodes,       &t.person_log,    &t.links,
                          &t.members,       &t.principals,   &t.batches,        &t.appointments,  &t.persons,
                          &t.person_blocks, &t.person_events, &t.person_audit,  &t.reviews,       &t.review_queue,
                          &t.person_rules,  &t.feed,         &t.stats,          &t.followup_slips, &t.tokens,
                          &t.reads,         &t.reads_by_person, &t.chain,       &t.checkpoints,
                          &t.reads_chain,   &t.reads_checkpoints, &t.facility_keys};
    }

public:
    // Every table's handle, in the order of schema::kTables (the one list of them).
    auto all() { return handles(*this); }
    auto all() const { return handles(*this); }
};
static_assert(std::tuple_size_v<decltype(std::declval<Tables&>().all())> == schema::kTables.size());

// The log's byte totals (schema.hpp, kMetaLog*).
struct LogTotals {
    uint64_t received = 0;   // the documents as pushed
    uint64_t canonical = 0;  // their canonical bytes (LogEntry::raw_size)
    uint64_t payload = 0;    // the stored payloads (after compression)
};

// What a write transaction needs to extend the hash chains (the log's and the
// access audit's) and sign checkpoints; the Store keeps it between transactions.
struct ChainContext {
    chain::Hasher hasher;
    std::optional<chain::SigningKey> key;  // none in a read-only store
    uint64_t checkpoint_entries = 0;
    int64_t checkpoint_us = 0;
};

// Typed reads inside one transaction (read-only or the writer's own).
class StoreReader {
public:
    StoreReader(const lmdb::Txn& txn, const Tables& tables) : txn_(txn), t_(tables) {}

    std::optional<schema::EpisodeHead> episode(std::string_view episode_key) const;
    std::optional<schema::LogEntry> entry(uint64_t seq) const;  // views valid while the txn lives
    schema::PersonKey owner_of(schema::PersonKey alias) const;  // none when not linked
    void members(schema::PersonKey owner, std::vector<schema::PersonKey>& out) const;  // appends
    // The person's entry (engine/person/person_entry.hpp); empty when there is none.
    std::string_view person(uint64_t id) const;
    uint64_t last_person() const;  // 0 before the first
    // Appends the values filed under a blocking key (engine/person/blocking.hpp);
    // false (nothing appended) when there are more than `limit`.
    bool block(uint64_t block_key, std::size_t limit, std::vector<uint64_t>& out) const;
    // A row of an append-only numbered table (person_events, person_audit, reviews); empty when none.
    std::string_view numbered(const lmdb::Dbi& table, uint64_t id) const;
    uint64_t last_numbered(const lmdb::Dbi& table) const;  // 0 when empty
    // Calls f(id, row) from `from` on, in order, until f returns false.
    template <class F>
    void scan_numbered(const lmdb::Dbi& table, uint64_t from, F&& f) const {
        lmdb::Cursor c(txn_, table);
        std::string_view k(reinterpret_cast<const char*>(&from), sizeof from), v;
        for (bool ok = c.get(k, v, MDB_SET_RANGE); ok; ok = c.get(k, v, MDB_NEXT)) {
            if (!f(schema::load<uint64_t>(k.data()), v)) break;
        }
    }
    // Calls f(review id) for the open review items, most uncertain first, until f returns false.
    template <class F>
    void review_queue(F&& f) const {
        lmdb::Cursor c(txn_, t_.review_queue);
        std::string_view k, v;
        for (bool ok = c.get(k, v, MDB_FIRST); ok; ok = c.get(k, v, MDB_NEXT)) {
            if (!f(__builtin_bswap64(schema::load<uint64_t>(k.data() + 4)))) break;
        }
    }
    bool never_link(uint64_t a, uint64_t b) const;  // a steward said these two are not one person
    // Appends, ascending, the current version of each episode filed under `key`.
    void filed(schema::PersonKey key, std::vector<uint64_t>& out) const;
    uint64_t last_seq() const;  // 0 for an empty log
    uint64_t last_feed() const;  // 0 for an empty feed
    // Nullopt for a store created before the totals were kept.
    std::optional<LogTotals> log_totals() const;
    // Calls f(seq, FeedEntry) for the feed's entries from `from` on, in order, until f returns false.
    template <class F>
    void feed(uint64_t from, F&& f) const {
        lmdb::Cursor c(txn_, t_.feed);
        std::string_view k(reinterpret_cast<const char*>(&from), sizeof from), v;
        for (bool ok = c.get(k, v, MDB_SET_RANGE); ok; ok = c.get(k, v, MDB_NEXT)) {
            auto e = schema::FeedEntry::from_bytes(v);
            if (!e) throw std::runtime_error("feed: value of unexpected size");
            if (!f(schema::load<uint64_t>(k.data()), *e)) break;
        }
    }
    // Calls f(day, episode_key) for every appointment due from day `from` to
    // day `to` (yyyymmdd, both included), in day order, until f returns false;
    // with `after` (an index key), only for those after it.
    template <class F>
    void appointments(uint32_t from, uint32_t to, F&& f, std::string_view after = {}) const {
        lmdb::Cursor c(txn_, t_.appointments);
        std::string start;
        schema::appointment_key(from, {}, start);
        if (after > start) start = after;
        std::string_view k = start, v;
        for (bool ok = c.get(k, v, MDB_SET_RANGE); ok; ok = c.get(k, v, MDB_NEXT)) {
            const uint32_t day = schema::appointment_day(k);
            if (day > to) break;
            if (k == after) continue;
            if (!f(day, k.substr(4))) break;
        }
    }
    std::size_t entries(const lmdb::Dbi& table) const { return table.entries(txn_); }
    const Tables& tables() const { return t_; }
    const lmdb::Txn& txn() const { return txn_; }

protected:
    const lmdb::Txn& txn_;
    const Tables& t_;
};

// Typed writes inside the write transaction.
class StoreWriter : public StoreReader {
public:
    StoreWriter(const lmdb::Txn& txn, const Tables& tables, ChainContext& chain)
        : StoreReader(txn, tables), chain_(chain), next_seq_(last_seq() + 1), next_feed_(last_feed() + 1) {}

    // Appends the entry under the next sequence number (MDB_APPEND), and its
    // chain hash to `chain`, and returns the number. A commit that appended
    // writes a checkpoint when one is due (StoreOptions), and adds what it
    // appended to the log's byte totals: `received_bytes` is the size of the
    // document as it was pushed (0 for an entry made without one: the
    // storage layer's own tests).
    uint64_t append(const schema::LogEntry& entry, uint64_t received_bytes = 0);
    uint64_t next_seq() const { return next_seq_; }
    // Keeps the statistics tail stored after the head (schema.hpp, `episodes`).
    void set_episode(std::string_view episode_key, const schema::EpisodeHead& head);
    // Stores the head followed by `tail`, the current version's statistics facts.
    void set_episode(std::string_view episode_key, const schema::EpisodeHead& head, std::string_view tail);
    // Stores `head` (and `tail`) for a new episode key and returns nullopt; for
    // a key that exists, changes nothing, returns its current head and copies
    // its tail into `existing_tail` when given.
    std::optional<schema::EpisodeHead> insert_episode(std::string_view episode_key, const schema::EpisodeHead& head,
                                                      std::string_view tail = {},
                                                      std::string* existing_tail = nullptr);
    void file(schema::PersonKey key, uint64_t seq);
    void unfile(schema::PersonKey key, uint64_t seq);  // when a newer version supersedes `seq`
    void link(schema::PersonKey alias, schema::PersonKey owner);    // links only
    void add_member(schema::PersonKey owner, schema::PersonKey member);
    void put_person(uint64_t id, std::string_view entry);
    void file_block(uint64_t block_key, uint64_t value);  // under a blocking key; once
    void unlink(schema::PersonKey alias);
    void remove_member(schema::PersonKey owner, schema::PersonKey member);
    // Appends a row under the next number of an append-only table and returns the number.
    uint64_t append_numbered(const lmdb::Dbi& table, std::string_view row);
    // Appends a row to the access audit (`reads`) under the next number, and
    // its chain hash to `reads_chain`, and returns the number; checkpointed
    // like the log, in `reads_checkpoints`.
    uint64_t append_read(std::string_view row);
    void put_numbered(const lmdb::Dbi& table, uint64_t id, std::string_view row);  // reviews only: decisions
    void queue_review(uint32_t uncertainty, uint64_t id, bool open);  // adds, or removes when !open
    void set_never_link(uint64_t a, uint64_t b);
    // Moves an episode's appointment from day `before` to day `after` (0: none).
    void reschedule(std::string_view episode_key, uint32_t before, uint32_t after);
    // Appends a change to the feed (MDB_APPEND) and returns its sequence number.
    uint64_t append_feed(const schema::FeedEntry& entry);
    uint64_t next_feed() const { return next_feed_; }
    // Work summed over a whole commit (engine/stats_writer.hpp): `f` runs in
    // this transaction just before it commits (Store::write), once per `owner`.
    bool runs_before_commit(const void* owner) const {
        for (const auto& hook : before_commit_)
            if (hook.first == owner) return true;
        return false;
    }
    void before_commit(const void* owner, std::function<void(StoreWriter&)> f) {
        before_commit_.emplace_back(owner, std::move(f));
    }
    void run_before_commit() {
        for (auto& hook : before_commit_) hook.second(*this);
    }

private:
    void load_chain_head();
    void load_reads_head();
    void sign_before_commit();  // registers checkpoint_if_due, once
    void checkpoint_if_due();
    void checkpoint_if_due(const lmdb::Dbi& table, uint64_t seq, const chain::Hash& head, chain::Of of);
    void add_log_totals();  // once per commit: one read-modify-write of each total

    ChainContext& chain_;
    chain::Hash chain_head_{};  // the hash of entry next_seq_ - 1, once loaded
    bool chain_loaded_ = false;
    chain::Hash reads_head_{};  // the hash of read last_read_, once loaded
    uint64_t last_read_ = 0;
    bool reads_loaded_ = false;
    LogTotals appended_{};  // by this transaction, until add_log_totals
    uint64_t next_seq_;
    uint64_t next_feed_;
    std::vector<std::pair<const void*, std::function<void(StoreWriter&)>>> before_commit_;
};

class Store {
public:
    // Creates the directory and an empty store when needed; throws FormatMismatch
    // for a store of another format version, lmdb::Error for I/O failures.
    explicit Store(const std::filesystem::path& dir, StoreOptions options = {});
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // Runs f(const StoreReader&) in a read-only transaction and returns its result.
    template <class F>
    auto read(F&& f) const {
        lmdb::Txn txn;
        return read(txn, std::forward<F>(f));
    }

    // The same with a read transaction handle the caller keeps between reads
    // (empty at first): reusing it saves taking a reader slot every time.
    template <class F>
    auto read(lmdb::Txn& reusable, F&& f) const {
        std::shared_lock lock(resize_);
        begin_read(reusable, lock);
        struct Reset {
            lmdb::Txn& txn;
            ~Reset() { txn.reset(); }
        } reset{reusable};
        StoreReader reader(reusable, tables_);
        return f(static_cast<const StoreReader&>(reader));
    }

    // Runs f(StoreWriter&) in one write transaction and commits it durably
    // (fdatasync before returning, unless the store was opened without sync_commits): all of f's writes become visible together
    // or not at all. When the map is full, the transaction is abandoned, the
    // map grown and f run again from the start, so f must derive everything
    // from the store and its own inputs.
    template <class F>
    void write(F&& f) {
        for (;;) {
            try {
                lmdb::Txn txn = begin_write();
                StoreWriter writer(txn, tables_, chain_);
                f(writer);
                writer.run_before_commit();
                commit(txn);
                return;
            } catch (const lmdb::MapFull&) {
                grow();
            } catch (const lmdb::Error& e) {
                // A write a full disk cut short, at the commit or when a large
                // transaction spills pages early: nothing is committed (the meta
                // page comes last), so it is refused like ENOSPC. (A device's own
                // EIO while the disk is also full would be refused the same way.)
                if (e.code() == EIO && lmdb::file_system_full(env_)) {
                    throw lmdb::NoSpace(std::string(e.what()) + " [a write cut short by a full disk]", ENOSPC);
                }
                throw;
            }
        }
    }

    // Compression dictionaries kept in this store (loaded when it opens).
    const DictionarySet& dictionaries() const { return dictionaries_; }
    // The canonical bytes of the latest `n` log entries (training samples).
    std::vector<std::string> recent_records(std::size_t n) const;
    // Stores a dictionary in the meta table (one durable commit) and makes it the latest.
    void add_dictionary(std::shared_ptr<const Dictionary> dictionary);

    // Flushes what commits wrote to disk (for a store opened without sync_commits).
    void sync();
    const std::filesystem::path& dir() const { return dir_; }
    std::size_t map_size() const { return env_.map_size(); }
    uint64_t bytes_on_disk() const;  // blocks allocated to data.mdb
    // Every page LMDB reads through the map brings its neighbours with it (the
    // kernel's fault-around, 64 KB), and neighbouring pages of one file belong
    // to unrelated tables, so a writer's resident set would grow to the whole
    // file. The writer calls this every few commits: the pages stay in the
    // page cache, and what is used again is mapped again on first touch.
    // Best effort: a failure only leaves the pages mapped.
    void release_mapped_pages() const noexcept;
    uint64_t map_growths() const { return growths_; }
    // True when this open created DIR/checkpoint.key (no key was given).
    bool created_checkpoint_key() const { return created_key_; }
    // Writes a compacted copy of the store to `dir`/data.mdb from one read
    // transaction (mdb_env_copy2 with MDB_CP_COMPACT); `dir` must exist.
    void copy_compact(const std::filesystem::path& dir) const;

private:
    void init_schema();
    void open_checkpoint_key();
    void load_dictionaries();
    // Begins or renews a read transaction; adopts a map another process grew.
    void begin_read(lmdb::Txn& txn, std::shared_lock<std::shared_mutex>& lock) const;
    lmdb::Txn begin_write();
    void commit(lmdb::Txn& txn);  // with writeback_ working beside it
    void adopt_map_size() const;
    void grow();

    std::filesystem::path dir_;
    StoreOptions options_;
    lmdb::Env env_;
    std::unique_ptr<Writeback> writeback_;  // durable writable stores only
    Tables tables_;
    DictionarySet dictionaries_;
    mutable std::shared_mutex resize_;  // readers share it; growing the map takes it alone
    uint64_t growths_ = 0;
    ChainContext chain_;
    bool created_key_ = false;
};

}  // namespace ehb
