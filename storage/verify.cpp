#include "storage/verify.hpp"

#include <cstring>
#include <map>

#include "storage/codec.hpp"

namespace ehb {

namespace {

struct Problem {
    std::string what;
};
[[noreturn]] void fail(std::string what) { throw Problem{std::move(what)}; }

// What differs between the two chains: the log's and the access audit's.
struct ChainNames {
    chain::Of of;
    std::string_view row;         // "log entry"
    std::string_view hash;        // "chain hash"
    std::string_view checkpoint;  // "checkpoint"
    std::string_view whole;       // "the log"
};
constexpr ChainNames kLog{chain::Of::log, "log entry", "chain hash", "checkpoint", "the log"};
constexpr ChainNames kReads{chain::Of::reads, "read", "reads chain hash", "reads checkpoint", "the access audit"};

class Verifier {
public:
    Verifier(const Store& store, const StoreReader& r, const VerifyOptions& options, VerifyReport& report)
        : store_(store), r_(r), t_(r.tables()), options_(options), report_(report) {}

    void run() {
        load_keys();
        log_checkpoints_ = load_checkpoints(t_.checkpoints, kLog);
        reads_checkpoints_ = load_checkpoints(t_.reads_checkpoints, kReads);
        report_.checkpoints = log_checkpoints_.size();
        if (!log_checkpoints_.empty()) report_.last_checkpoint = log_checkpoints_.back().seq;
        report_.reads_checkpoints = reads_checkpoints_.size();
        if (!reads_checkpoints_.empty()) report_.last_reads_checkpoint = reads_checkpoints_.back().seq;
        scan_log();
        scan_reads();
        check_episodes();
        check_person_log();
        check_feed();
        check_reads_by_person();
    }

private:
    // Key id (hex) → raw public key: the given trust anchors, or the keys the store registered.
    void load_keys() {
        for (const auto& k : options_.public_keys) keys_[chain::hex(chain::key_id_of(k))] = k;
        if (!options_.public_keys.empty()) return;
        lmdb::Cursor c(r_.txn(), t_.meta);
        std::string_view k = schema::kMetaCheckpointKeyPrefix, v;
        for (bool ok = c.get(k, v, MDB_SET_RANGE); ok && k.starts_with(schema::kMetaCheckpointKeyPrefix);
             ok = c.get(k, v, MDB_NEXT)) {
            keys_[std::string(k.substr(schema::kMetaCheckpointKeyPrefix.size()))] = std::string(v);
        }
    }

    std::vector<chain::Checkpoint> load_checkpoints(const lmdb::Dbi& table, const ChainNames& names) {
        std::vector<chain::Checkpoint> out;
        r_.scan_numbered(table, 0, [&](uint64_t seq, std::string_view row) {
            auto cp = chain::Checkpoint::from_bytes(row);
            if (!cp || cp->seq != seq) fail(std::string(names.checkpoint) + " at " + std::to_string(seq) + ": malformed row");
            out.push_back(*cp);
            return true;
        });
        return out;
    }

    void check_checkpoint(const chain::Checkpoint& cp, const chain::Hash& recomputed, const ChainNames& names) {
        const std::string at = std::string(names.checkpoint) + " at " + std::to_string(cp.seq) + ": ";
        const std::string id = chain::hex(cp.key_id);
        auto key = keys_.find(id);
        if (key == keys_.end()) {
            fail(at + (options_.public_keys.empty() ? "signed by key " + id + ", which the store does not register"
                                                    : "signed by key " + id + ", not by the given public key"));
        }
        if (!chain::signature_valid(key->second, cp.signed_message(names.of), cp.signature))
            fail(at + "its signature (key " + id + ") is not valid");
        if (cp.hash != recomputed)
            fail(at + std::string(names.whole) + " up to it does not match the chain hash it signed");
    }

    // Walks a chained table from its first row: numbered from 1 without a gap,
    // each row's hash recomputed and compared with the stored one and with the
    // checkpoints signed at it. Calls check(seq, row, "<row> N: ") on each row
    // and returns how many there are.
    template <class F>
    uint64_t scan_chain(const lmdb::Dbi& rows, const lmdb::Dbi& chain_hashes,
                        const std::vector<chain::Checkpoint>& checkpoints, const ChainNames& names, F&& check) {
        chain::Hasher hasher;
        chain::Hash h{};
        std::size_t next_checkpoint = 0;
        lmdb::Cursor c(r_.txn(), rows), hashes(r_.txn(), chain_hashes);
        std::string_view k, v, ck, cv;
        bool more_hashes = hashes.get(ck, cv, MDB_FIRST);
        uint64_t expected = 1;
        for (bool ok = c.get(k, v, MDB_FIRST); ok; ok = c.get(k, v, MDB_NEXT), ++expected) {
            const uint64_t seq = schema::load<uint64_t>(k.data());
            const std::string at = std::string(names.row) + " " + std::to_string(expected) + ": ";
            if (seq != expected)
                fail(at + "missing (" + std::string(names.whole) + " goes on at " + std::to_string(seq) + ")");
            if (!more_hashes || schema::load<uint64_t>(ck.data()) != seq || cv.size() != h.size())
                fail(at + "has no chain hash");
            h = hasher.next(h, seq, v);
            if (std::memcmp(h.data(), cv.data(), h.size()) != 0) fail(at + "content does not match its chain hash");
            check(seq, v, at);
            for (; next_checkpoint < checkpoints.size() && checkpoints[next_checkpoint].seq == seq; ++next_checkpoint)
                check_checkpoint(checkpoints[next_checkpoint], h, names);
            more_hashes = hashes.get(ck, cv, MDB_NEXT);
        }
        const uint64_t count = expected - 1;
        const std::string end = "beyond " + std::string(names.whole) + "'s end at " + std::to_string(count) + " (" +
                                std::string(names.whole) + " was truncated)";
        if (more_hashes)
            fail(std::string(names.hash) + " " + std::to_string(schema::load<uint64_t>(ck.data())) + ": " + end);
        if (next_checkpoint < checkpoints.size())
            fail(std::string(names.checkpoint) + " at " + std::to_string(checkpoints[next_checkpoint].seq) + ": " + end);
        return count;
    }

    void scan_log() {
        const uint64_t last = r_.last_seq();
        Decompressor decompressor(&store_.dictionaries());
        std::string payload;
        report_.entries = scan_chain(t_.log, t_.chain, log_checkpoints_, kLog,
                                     [&](uint64_t seq, std::string_view v, const std::string& at) {
            auto e = schema::LogEntry::decode(v);
            if (!e) fail(at + "does not decode");
            try {
                decompressor.decompress(e->codec, e->payload, e->raw_size, payload);
            } catch (const std::exception& x) {
                fail(at + "its payload does not decode: " + x.what());
            }
            if (options_.progress && seq % 65536 == 0) options_.progress(seq, last);
        });
    }

    // The access audit's rows are the engine's (engine/access_log.hpp): only their chain is checked here.
    void scan_reads() {
        report_.reads = scan_chain(t_.reads, t_.reads_chain, reads_checkpoints_, kReads,
                                   [](uint64_t, std::string_view, const std::string&) {});
    }

    // Each episode's current version is a log entry of that episode.
    void check_episodes() {
        lmdb::Cursor c(r_.txn(), t_.episodes);
        std::string_view k, v;
        for (bool ok = c.get(k, v, MDB_FIRST); ok; ok = c.get(k, v, MDB_NEXT)) {
            if (v.size() < schema::EpisodeHead::kSize) fail("episode " + std::string(k) + ": malformed head");
            const auto head = schema::EpisodeHead::from_bytes(v);
            auto e = r_.entry(head.current_seq);
            if (!e || e->episode_key != k) {
                fail("episode " + std::string(k) + ": its current version, log entry " +
                     std::to_string(head.current_seq) + ", is not a log entry of that episode");
            }
        }
    }

    // Each entry filed under a person is the current version of its episode, filed there.
    void check_person_log() {
        lmdb::Cursor c(r_.txn(), t_.person_log);
        std::string_view k, v;
        for (bool ok = c.get(k, v, MDB_FIRST); ok; ok = c.get(k, v, MDB_NEXT)) {
            const uint64_t seq = schema::load<uint64_t>(v.data());
            const auto person = schema::PersonKey::from_bytes(k);
            // Unidentified records are filed under the empty key, which no book
            // reads and ingest does not keep current (engine/ingest.cpp).
            if (!person) continue;
            auto e = r_.entry(seq);
            auto head = e ? r_.episode(e->episode_key) : std::nullopt;
            if (!head || head->current_seq != seq || !(head->filed_under == person)) {
                fail("person_log: log entry " + std::to_string(seq) + " filed under person key " + person.text() +
                     " is not the current version of an episode filed there");
            }
        }
    }

    // Every feed entry refers to a log entry (or, for identity events, a person_events row).
    void check_feed() {
        const uint64_t last = r_.last_seq();
        r_.feed(1, [&](uint64_t seq, const schema::FeedEntry& f) {
            const bool identity = f.type == schema::FeedType::identity;
            const bool exists = identity ? !r_.numbered(t_.person_events, f.ref).empty()
                                         : f.ref >= 1 && f.ref <= last;
            if (!exists) {
                fail("feed entry " + std::to_string(seq) + ": refers to " +
                     (identity ? "person event " : "log entry ") + std::to_string(f.ref) + ", which does not exist");
            }
            return true;
        });
    }

    // Each read is filed under exactly one person (key: PersonKey + u64 read BE), and each row filed exists.
    void check_reads_by_person() {
        std::vector<bool> filed(report_.reads + 1, false);
        lmdb::Cursor c(r_.txn(), t_.reads_by_person);
        std::string_view k, v;
        uint64_t rows = 0;
        for (bool ok = c.get(k, v, MDB_FIRST); ok; ok = c.get(k, v, MDB_NEXT), ++rows) {
            if (k.size() != schema::PersonKey::kSize + 8) fail("reads_by_person: malformed key");
            const uint64_t seq = __builtin_bswap64(schema::load<uint64_t>(k.data() + schema::PersonKey::kSize));
            const std::string row = "reads_by_person: read " + std::to_string(seq) + " filed under person key " +
                                    schema::PersonKey::from_bytes(k.substr(0, schema::PersonKey::kSize)).text();
            if (seq == 0 || seq > report_.reads) fail(row + " does not exist");
            if (filed[seq]) fail(row + " is filed under another person key too");
            filed[seq] = true;
        }
        if (rows == report_.reads) return;
        for (uint64_t seq = 1; seq <= report_.reads; ++seq)
            if (!filed[seq]) fail("read " + std::to_string(seq) + ": not filed in reads_by_person");
    }

    const Store& store_;
    const StoreReader& r_;
    const Tables& t_;
    const VerifyOptions& options_;
    VerifyReport& report_;
    std::map<std::string, std::string> keys_;
    std::vector<chain::Checkpoint> log_checkpoints_, reads_checkpoints_;
};

}  // namespace

std::string VerifyReport::summary() const {
    if (!ok()) return problem;
    std::string s = "verified: " + std::to_string(entries) + (entries == 1 ? " log entry, " : " log entries, ") +
                    std::to_string(checkpoints) + (checkpoints == 1 ? " checkpoint" : " checkpoints");
    if (checkpoints > 0) s += " (last at " + std::to_string(last_checkpoint) + ")";
    s += ", " + std::to_string(reads) + (reads == 1 ? " read, " : " reads, ") + std::to_string(reads_checkpoints) +
         (reads_checkpoints == 1 ? " reads checkpoint" : " reads checkpoints");
    if (reads_checkpoints > 0) s += " (last at " + std::to_string(last_reads_checkpoint) + ")";
    return s + ", indexes consistent";
}

VerifyReport verify(const Store& store, const VerifyOptions& options) {
    VerifyReport report;
    store.read([&](const StoreReader& r) {
        try {
            Verifier(store, r, options, report).run();
        } catch (const Problem& p) {
            report.problem = p.what;
        } catch (const std::exception& e) {
            report.problem = e.what();
        }
        return 0;
    });
    return report;
}

}  // namespace ehb
