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

class Verifier {
public:
    Verifier(const Store& store, const StoreReader& r, const VerifyOptions& options, VerifyReport& report)
        : store_(store), r_(r), t_(r.tables()), options_(options), report_(report) {}

    void run() {
        load_keys();
        load_checkpoints();
        scan_log();
        check_episodes();
        check_person_log();
        check_feed();
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

    void load_checkpoints() {
        r_.scan_numbered(t_.checkpoints, 0, [&](uint64_t seq, std::string_view row) {
            auto cp = chain::Checkpoint::from_bytes(row);
            if (!cp || cp->seq != seq) fail("checkpoint at " + std::to_string(seq) + ": malformed row");
            checkpoints_.push_back(*cp);
            return true;
        });
        report_.checkpoints = checkpoints_.size();
        if (!checkpoints_.empty()) report_.last_checkpoint = checkpoints_.back().seq;
    }

    void check_checkpoint(const chain::Checkpoint& cp, const chain::Hash& recomputed) {
        const std::string at = "checkpoint at " + std::to_string(cp.seq) + ": ";
        const std::string id = chain::hex(cp.key_id);
        auto key = keys_.find(id);
        if (key == keys_.end()) {
            fail(at + (options_.public_keys.empty() ? "signed by key " + id + ", which the store does not register"
                                                    : "signed by key " + id + ", not by the given public key"));
        }
        if (!chain::signature_valid(key->second, cp.signed_message(), cp.signature))
            fail(at + "its signature (key " + id + ") is not valid");
        if (cp.hash != recomputed) fail(at + "the log up to it does not match the chain hash it signed");
    }

    void scan_log() {
        const uint64_t last = r_.last_seq();
        chain::Hasher hasher;
        chain::Hash h{};
        Decompressor decompressor(&store_.dictionaries());
        std::string payload;
        std::size_t next_checkpoint = 0;
        lmdb::Cursor log(r_.txn(), t_.log), hashes(r_.txn(), t_.chain);
        std::string_view k, v, ck, cv;
        bool more_hashes = hashes.get(ck, cv, MDB_FIRST);
        uint64_t expected = 1;
        for (bool ok = log.get(k, v, MDB_FIRST); ok; ok = log.get(k, v, MDB_NEXT), ++expected) {
            const uint64_t seq = schema::load<uint64_t>(k.data());
            const std::string at = "log entry " + std::to_string(expected) + ": ";
            if (seq != expected) fail(at + "missing (the log goes on at " + std::to_string(seq) + ")");
            if (!more_hashes || schema::load<uint64_t>(ck.data()) != seq || cv.size() != h.size())
                fail(at + "has no chain hash");
            h = hasher.next(h, seq, v);
            if (std::memcmp(h.data(), cv.data(), h.size()) != 0) fail(at + "content does not match its chain hash");
            auto e = schema::LogEntry::decode(v);
            if (!e) fail(at + "does not decode");
            try {
                decompressor.decompress(e->codec, e->payload, e->raw_size, payload);
            } catch (const std::exception& x) {
                fail(at + "its payload does not decode: " + x.what());
            }
            for (; next_checkpoint < checkpoints_.size() && checkpoints_[next_checkpoint].seq == seq; ++next_checkpoint)
                check_checkpoint(checkpoints_[next_checkpoint], h);
            more_hashes = hashes.get(ck, cv, MDB_NEXT);
            if (options_.progress && seq % 65536 == 0) options_.progress(seq, last);
        }
        report_.entries = expected - 1;
        const std::string end = "beyond the log's end at " + std::to_string(expected - 1) + " (the log was truncated)";
        if (more_hashes) fail("chain hash " + std::to_string(schema::load<uint64_t>(ck.data())) + ": " + end);
        if (next_checkpoint < checkpoints_.size())
            fail("checkpoint at " + std::to_string(checkpoints_[next_checkpoint].seq) + ": " + end);
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

    const Store& store_;
    const StoreReader& r_;
    const Tables& t_;
    const VerifyOptions& options_;
    VerifyReport& report_;
    std::map<std::string, std::string> keys_;
    std::vector<chain::Checkpoint> checkpoints_;
};

}  // namespace

std::string VerifyReport::summary() const {
    if (!ok()) return problem;
    std::string s = "verified: " + std::to_string(entries) + (entries == 1 ? " log entry, " : " log entries, ") +
                    std::to_string(checkpoints) + (checkpoints == 1 ? " checkpoint" : " checkpoints");
    if (checkpoints > 0) s += " (last at " + std::to_string(last_checkpoint) + ")";
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
