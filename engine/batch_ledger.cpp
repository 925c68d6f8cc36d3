#include "engine/batch_ledger.hpp"

#include <algorithm>
#include <stdexcept>

namespace ehb {

namespace {

// Value: Hash128 of the documents (16 bytes), then per result
//   u8 status, u8 flags (bit 0 flagged), u64 seq, u8 issue count, then each
//   issue (the rejection first when rejected, then the warnings) as three
//   u16-length strings.
constexpr uint8_t kFlagged = 1;

void put_string(std::string& out, std::string_view s) {
    uint16_t n = static_cast<uint16_t>(std::min<std::size_t>(s.size(), UINT16_MAX));
    out.append(reinterpret_cast<const char*>(&n), 2).append(s.substr(0, n));
}

struct Reader {
    std::string_view in;
    template <class T>
    bool get(T& v) {
        if (in.size() < sizeof v) return false;
        v = schema::load<T>(in.data());
        in.remove_prefix(sizeof v);
        return true;
    }
    bool get(std::string& s) {
        uint16_t n;
        if (!get(n) || in.size() < n) return false;
        s.assign(in.substr(0, n));
        in.remove_prefix(n);
        return true;
    }
    bool get(Issue& i) { return get(i.code) && get(i.field) && get(i.reason); }
};

}  // namespace

void encode_results(std::string& out, std::span<const RecordResult> results) {
    for (const RecordResult& r : results) {
        bool rejected = r.status == Status::rejected;
        std::size_t issues = std::min<std::size_t>(r.warnings.size() + rejected, UINT8_MAX);
        out.push_back(static_cast<char>(r.status));
        out.push_back(static_cast<char>(r.flagged ? kFlagged : 0));
        out.append(reinterpret_cast<const char*>(&r.seq), 8);
        out.push_back(static_cast<char>(issues));
        for (std::size_t i = 0; i < issues; ++i) {
            const Issue& issue = rejected ? (i == 0 ? r.error : r.warnings[i - 1]) : r.warnings[i];
            put_string(out, issue.code);
            put_string(out, issue.field);
            put_string(out, issue.reason);
        }
    }
}

bool decode_results(std::string_view in, std::vector<RecordResult>& out) {
    Reader r{in};
    out.clear();
    while (!r.in.empty()) {
        RecordResult& result = out.emplace_back();
        uint8_t status, flags, issues;
        if (!r.get(status) || !r.get(flags) || !r.get(result.seq) || !r.get(issues)) return false;
        if (status < uint8_t(Status::accepted) || status > uint8_t(Status::rejected)) return false;
        result.status = static_cast<Status>(status);
        result.flagged = flags & kFlagged;
        bool rejected = result.status == Status::rejected;
        if (rejected && issues == 0) return false;
        for (unsigned i = 0; i < issues; ++i) {
            if (!r.get(rejected && i == 0 ? result.error : result.warnings.emplace_back())) return false;
        }
    }
    return true;
}

BatchVerdict check_batch(const StoreReader& r, const BatchOrigin& origin, std::vector<RecordResult>& stored) {
    std::string key;
    schema::batch_key(origin.principal, origin.stream, origin.batch_seq, key);
    lmdb::Cursor c(r.txn(), r.tables().batches);
    std::string_view k = key, v;
    if (!c.get(k, v, MDB_SET_RANGE)) return BatchVerdict::fresh;
    if (k == key) {
        if (v.size() < 16 || Hash128{schema::load<uint64_t>(v.data()), schema::load<uint64_t>(v.data() + 8)} !=
                                 origin.body_hash) {
            return BatchVerdict::mismatch;
        }
        if (!decode_results(v.substr(16), stored)) throw std::runtime_error("batches table: corrupt stored answer");
        return BatchVerdict::replay;
    }
    // The next key: a later batch of the same stream means this one comes too late.
    std::string_view stream = std::string_view(key).substr(0, key.size() - 8);
    return k.size() == key.size() && k.starts_with(stream) ? BatchVerdict::order : BatchVerdict::fresh;
}

void record_batch(const StoreWriter& w, const BatchOrigin& origin, std::span<const RecordResult> results) {
    std::string key, value;
    schema::batch_key(origin.principal, origin.stream, origin.batch_seq, key);
    value.append(reinterpret_cast<const char*>(&origin.body_hash.lo), 8);
    value.append(reinterpret_cast<const char*>(&origin.body_hash.hi), 8);
    encode_results(value, results);
    w.tables().batches.put(w.txn(), key, value);
}

}  // namespace ehb
