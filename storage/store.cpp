#include "storage/store.hpp"

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include "storage/codec.hpp"

#include <mutex>
#include <string>

namespace ehb {

using schema::PersonKey;

// ---- StoreReader ----

std::optional<schema::EpisodeHead> StoreReader::episode(std::string_view episode_key) const {
    std::string_view v;
    if (!t_.episodes.get(txn_, episode_key, v)) return std::nullopt;
    if (v.size() < schema::EpisodeHead::kSize) throw std::runtime_error("episodes: value of unexpected size");
    return schema::EpisodeHead::from_bytes(v);
}

std::optional<schema::LogEntry> StoreReader::entry(uint64_t seq) const {
    std::string_view v;
    if (!t_.log.get(txn_, {reinterpret_cast<const char*>(&seq), sizeof seq}, v)) return std::nullopt;
    auto e = schema::LogEntry::decode(v);
    if (!e) throw std::runtime_error("log: entry " + std::to_string(seq) + " is not a valid log entry");
    return e;
}

PersonKey StoreReader::owner_of(PersonKey alias) const {
    auto k = alias.bytes();
    std::string_view v;
    if (!t_.links.get(txn_, schema::as_view(k), v)) return {};
    return PersonKey::from_bytes(v);
}

void StoreReader::members(PersonKey owner, std::vector<PersonKey>& out) const {
    auto k = owner.bytes();
    lmdb::Cursor c(txn_, t_.members);
    std::string_view key = schema::as_view(k), v;
    for (bool ok = c.get(key, v, MDB_SET_KEY); ok; ok = c.get(key, v, MDB_NEXT_DUP)) {
        out.push_back(PersonKey::from_bytes(v));
    }
}

void StoreReader::filed(PersonKey key_in, std::vector<uint64_t>& out) const {
    auto k = key_in.bytes();
    lmdb::Cursor c(txn_, t_.person_log);
    std::string_view key = schema::as_view(k), v;
    // DUPFIXED: fetch the sequence numbers a page at a time.
    if (!c.get(key, v, MDB_SET_KEY)) return;
    for (bool ok = c.get(key, v, MDB_GET_MULTIPLE); ok; ok = c.get(key, v, MDB_NEXT_MULTIPLE)) {
        for (std::size_t i = 0; i + sizeof(uint64_t) <= v.size(); i += sizeof(uint64_t)) {
            out.push_back(schema::load<uint64_t>(v.data() + i));
        }
    }
}

std::string_view StoreReader::person(uint64_t id) const {
    auto k = PersonKey::person(id).bytes();
    std::string_view v;
    return t_.persons.get(txn_, schema::as_view(k), v) ? v : std::string_view();
}

uint64_t StoreReader::last_person() const {
    lmdb::Cursor c(txn_, t_.persons);
    std::string_view k, v;
    if (!c.get(k, v, MDB_LAST)) return 0;
    return PersonKey::from_bytes(k).value;
}

bool StoreReader::block(uint64_t block_key, std::size_t limit, std::vector<uint64_t>& out) const {
    const uint64_t be = __builtin_bswap64(block_key);
    lmdb::Cursor c(txn_, t_.person_blocks);
    std::string_view key(reinterpret_cast<const char*>(&be), sizeof be), v;
    if (!c.get(key, v, MDB_SET_KEY)) return true;
    if (c.count() > limit) return false;
    for (bool ok = c.get(key, v, MDB_GET_MULTIPLE); ok; ok = c.get(key, v, MDB_NEXT_MULTIPLE)) {
        for (std::size_t i = 0; i + sizeof(uint64_t) <= v.size(); i += sizeof(uint64_t)) {
            out.push_back(schema::load<uint64_t>(v.data() + i));
        }
    }
    return true;
}

std::string_view StoreReader::numbered(const lmdb::Dbi& table, uint64_t id) const {
    std::string_view v;
    return table.get(txn_, {reinterpret_cast<const char*>(&id), sizeof id}, v) ? v : std::string_view();
}

uint64_t StoreReader::last_numbered(const lmdb::Dbi& table) const {
    lmdb::Cursor c(txn_, table);
    std::string_view k, v;
    if (!c.get(k, v, MDB_LAST)) return 0;
    return schema::load<uint64_t>(k.data());
}

namespace {
std::array<char, 16> rule_key(uint64_t a, uint64_t b) {
    if (a > b) std::swap(a, b);
    std::array<char, 16> k{};
    schema::store(schema::store(k.data(), __builtin_bswap64(a)), __builtin_bswap64(b));
    return k;
}
}  // namespace

bool StoreReader::never_link(uint64_t a, uint64_t b) const {
    const auto k = rule_key(a, b);
    std::string_view v;
    return t_.person_rules.get(txn_, {k.data(), k.size()}, v);
}

uint64_t StoreReader::last_seq() const {
    lmdb::Cursor c(txn_, t_.log);
    std::string_view k, v;
    if (!c.get(k, v, MDB_LAST)) return 0;
    return schema::load<uint64_t>(k.data());
}

namespace {
// Each of the log's byte totals with its meta key.
constexpr std::pair<std::string_view, uint64_t LogTotals::*> kLogTotals[] = {
    {schema::kMetaLogReceivedBytes, &LogTotals::received},
    {schema::kMetaLogCanonicalBytes, &LogTotals::canonical},
    {schema::kMetaLogPayloadBytes, &LogTotals::payload},
};

void put_log_totals(const lmdb::Txn& txn, const lmdb::Dbi& meta, const LogTotals& totals) {
    for (const auto& [key, field] : kLogTotals) {
        const uint64_t v = totals.*field;
        meta.put(txn, key, {reinterpret_cast<const char*>(&v), sizeof v});
    }
}
}  // namespace

std::optional<LogTotals> StoreReader::log_totals() const {
    LogTotals totals;
    for (const auto& [key, field] : kLogTotals) {
        std::string_view v;
        if (!t_.meta.get(txn_, key, v) || v.size() != sizeof(uint64_t)) return std::nullopt;
        totals.*field = schema::load<uint64_t>(v.data());
    }
    return totals;
}

uint64_t StoreReader::last_feed() const {
    lmdb::Cursor c(txn_, t_.feed);
    std::string_view k, v;
    if (!c.get(k, v, MDB_LAST)) return 0;
    return schema::load<uint64_t>(k.data());
}

// ---- StoreWriter ----

uint64_t StoreWriter::append(const schema::LogEntry& entry, uint64_t received_bytes) {
    const uint64_t seq = next_seq_;
    const std::string_view key(reinterpret_cast<const char*>(&seq), sizeof seq);
    const std::size_t size = entry.encoded_size();
    char* p = t_.log.reserve(txn_, key, size, MDB_APPEND);
    entry.encode(p);
    if (!chain_loaded_) {  // the transaction's first append
        load_chain_head();
        before_commit(&appended_, [](StoreWriter& w) { w.add_log_totals(); });
    }
    appended_.received += received_bytes;
    appended_.canonical += entry.raw_size;
    appended_.payload += entry.payload.size();
    chain_head_ = chain_.hasher.next(chain_head_, seq, {p, size});
    t_.chain.put(txn_, key, {reinterpret_cast<const char*>(chain_head_.data()), chain_head_.size()}, MDB_APPEND);
    ++next_seq_;
    return seq;
}

void StoreWriter::load_chain_head() {
    const uint64_t last = next_seq_ - 1;
    std::string_view v;
    if (last > 0) {
        if (!t_.chain.get(txn_, {reinterpret_cast<const char*>(&last), sizeof last}, v) || v.size() != 32)
            throw std::runtime_error("chain: no hash for log entry " + std::to_string(last));
        std::memcpy(chain_head_.data(), v.data(), 32);
    }
    chain_loaded_ = true;
    sign_before_commit();
}

uint64_t StoreWriter::append_read(std::string_view row) {
    if (!reads_loaded_) load_reads_head();
    const uint64_t seq = last_read_ + 1;
    const std::string_view key(reinterpret_cast<const char*>(&seq), sizeof seq);
    t_.reads.put(txn_, key, row, MDB_APPEND);
    reads_head_ = chain_.hasher.next(reads_head_, seq, row);
    t_.reads_chain.put(txn_, key, {reinterpret_cast<const char*>(reads_head_.data()), reads_head_.size()},
                       MDB_APPEND);
    last_read_ = seq;
    return seq;
}

void StoreWriter::load_reads_head() {
    last_read_ = last_numbered(t_.reads);
    std::string_view v;
    if (last_read_ > 0) {
        if (!t_.reads_chain.get(txn_, {reinterpret_cast<const char*>(&last_read_), sizeof last_read_}, v) ||
            v.size() != 32)
            throw std::runtime_error("reads_chain: no hash for read " + std::to_string(last_read_));
        std::memcpy(reads_head_.data(), v.data(), 32);
    }
    reads_loaded_ = true;
    sign_before_commit();
}

void StoreWriter::sign_before_commit() {
    if (chain_.key && !runs_before_commit(&chain_)) before_commit(&chain_, [](StoreWriter& w) { w.checkpoint_if_due(); });
}

// Each chain the transaction extended gets a checkpoint when one is due.
void StoreWriter::checkpoint_if_due() {
    if (chain_loaded_) checkpoint_if_due(t_.checkpoints, next_seq_ - 1, chain_head_, chain::Of::log);
    if (reads_loaded_) checkpoint_if_due(t_.reads_checkpoints, last_read_, reads_head_, chain::Of::reads);
}

void StoreWriter::checkpoint_if_due(const lmdb::Dbi& table, uint64_t seq, const chain::Hash& head, chain::Of of) {
    const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    lmdb::Cursor c(txn_, table);
    std::string_view k, v;
    if (c.get(k, v, MDB_LAST)) {
        auto last = chain::Checkpoint::from_bytes(v);
        if (!last) throw std::runtime_error("checkpoint: value of unexpected size");
        if (seq - last->seq < chain_.checkpoint_entries && now - last->time_us < chain_.checkpoint_us) return;
    }
    chain::Checkpoint cp{seq, head, now, chain_.key->id(), {}};
    cp.signature = chain_.key->sign(cp.signed_message(of));
    const auto row = cp.bytes();
    table.put(txn_, {reinterpret_cast<const char*>(&seq), sizeof seq}, {row.data(), row.size()}, MDB_APPEND);
}

void StoreWriter::add_log_totals() {
    // A store created before the totals were kept has none, and is not given
    // totals that would count only part of its log.
    const auto totals = log_totals();
    if (!totals) return;
    LogTotals sum;
    for (const auto& [key, field] : kLogTotals) sum.*field = (*totals).*field + appended_.*field;
    put_log_totals(txn_, t_.meta, sum);
}

uint64_t StoreWriter::append_feed(const schema::FeedEntry& entry) {
    const uint64_t seq = next_feed_;
    auto v = entry.bytes();
    t_.feed.put(txn_, {reinterpret_cast<const char*>(&seq), sizeof seq}, {v.data(), v.size()}, MDB_APPEND);
    ++next_feed_;
    return seq;
}

void StoreWriter::set_episode(std::string_view episode_key, const schema::EpisodeHead& head) {
    std::string_view v;
    std::string tail;
    if (t_.episodes.get(txn_, episode_key, v) && v.size() > schema::EpisodeHead::kSize)
        tail.assign(v.substr(schema::EpisodeHead::kSize));
    set_episode(episode_key, head, tail);
}

void StoreWriter::set_episode(std::string_view episode_key, const schema::EpisodeHead& head, std::string_view tail) {
    auto v = head.bytes();
    char* p = t_.episodes.reserve(txn_, episode_key, v.size() + tail.size());
    std::memcpy(p, v.data(), v.size());
    if (!tail.empty()) std::memcpy(p + v.size(), tail.data(), tail.size());
}

std::optional<schema::EpisodeHead> StoreWriter::insert_episode(std::string_view episode_key,
                                                               const schema::EpisodeHead& head, std::string_view tail,
                                                               std::string* existing_tail) {
    std::array<char, 512> value;
    if (tail.size() > value.size() - schema::EpisodeHead::kSize)
        throw std::runtime_error("episodes: statistics tail of " + std::to_string(tail.size()) + " bytes");
    auto v = head.bytes();
    std::memcpy(value.data(), v.data(), v.size());
    if (!tail.empty()) std::memcpy(value.data() + v.size(), tail.data(), tail.size());
    std::string_view existing;
    if (t_.episodes.insert(txn_, episode_key, {value.data(), v.size() + tail.size()}, existing)) return std::nullopt;
    if (existing.size() < schema::EpisodeHead::kSize) throw std::runtime_error("episodes: value of unexpected size");
    if (existing_tail) existing_tail->assign(existing.substr(schema::EpisodeHead::kSize));
    return schema::EpisodeHead::from_bytes(existing);
}

void StoreWriter::file(PersonKey key, uint64_t seq) {
    auto k = key.bytes();
    t_.person_log.put(txn_, schema::as_view(k), {reinterpret_cast<const char*>(&seq), sizeof seq});
}

void StoreWriter::unfile(PersonKey key, uint64_t seq) {
    auto k = key.bytes();
    MDB_val kv = lmdb::to_val(schema::as_view(k));
    MDB_val dv{sizeof seq, &seq};
    int rc = mdb_del(txn_.get(), t_.person_log.get(), &kv, &dv);
    if (rc != MDB_NOTFOUND) lmdb::check("mdb_del", t_.person_log.name(), rc);
}

void StoreWriter::reschedule(std::string_view episode_key, uint32_t before, uint32_t after) {
    if (before == after) return;
    std::string key;
    if (before != 0) {
        schema::appointment_key(before, episode_key, key);
        MDB_val kv = lmdb::to_val(key);
        int rc = mdb_del(txn_.get(), t_.appointments.get(), &kv, nullptr);
        if (rc != MDB_NOTFOUND) lmdb::check("mdb_del", t_.appointments.name(), rc);
    }
    if (after != 0) {
        schema::appointment_key(after, episode_key, key);
        t_.appointments.put(txn_, key, {});
    }
}

void StoreWriter::link(PersonKey alias, PersonKey owner) {
    auto a = alias.bytes();
    auto o = owner.bytes();
    t_.links.put(txn_, schema::as_view(a), schema::as_view(o));
}

void StoreWriter::add_member(PersonKey owner, PersonKey member) {
    auto o = owner.bytes();
    auto m = member.bytes();
    t_.members.put(txn_, schema::as_view(o), schema::as_view(m));
}

void StoreWriter::put_person(uint64_t id, std::string_view entry) {
    auto k = PersonKey::person(id).bytes();
    t_.persons.put(txn_, schema::as_view(k), entry);
}

void StoreWriter::file_block(uint64_t block_key, uint64_t value) {
    const uint64_t be = __builtin_bswap64(block_key);
    // Looked up first: LMDB copies the leaf (and its branch pages) into the
    // commit before MDB_NODUPDATA finds the pair there, so refiling a returning
    // person's keys would cost a page each.
    std::string_view k(reinterpret_cast<const char*>(&be), sizeof be);
    std::string_view d(reinterpret_cast<const char*>(&value), sizeof value);
    if (lmdb::Cursor(txn_, t_.person_blocks).get(k, d, MDB_GET_BOTH)) return;
    t_.person_blocks.put(txn_, k, d, MDB_NODUPDATA);
}

void StoreWriter::unlink(PersonKey alias) {
    auto a = alias.bytes();
    MDB_val kv = lmdb::to_val(schema::as_view(a));
    const int rc = mdb_del(txn_.get(), t_.links.get(), &kv, nullptr);
    if (rc != MDB_NOTFOUND) lmdb::check("mdb_del", t_.links.name(), rc);
}

void StoreWriter::remove_member(PersonKey owner, PersonKey member) {
    auto o = owner.bytes();
    auto m = member.bytes();
    MDB_val kv = lmdb::to_val(schema::as_view(o));
    MDB_val dv = lmdb::to_val(schema::as_view(m));
    const int rc = mdb_del(txn_.get(), t_.members.get(), &kv, &dv);
    if (rc != MDB_NOTFOUND) lmdb::check("mdb_del", t_.members.name(), rc);
}

uint64_t StoreWriter::append_numbered(const lmdb::Dbi& table, std::string_view row) {
    const uint64_t id = last_numbered(table) + 1;
    table.put(txn_, {reinterpret_cast<const char*>(&id), sizeof id}, row, MDB_APPEND);
    return id;
}

void StoreWriter::put_numbered(const lmdb::Dbi& table, uint64_t id, std::string_view row) {
    table.put(txn_, {reinterpret_cast<const char*>(&id), sizeof id}, row);
}

void StoreWriter::queue_review(uint32_t uncertainty, uint64_t id, bool open) {
    std::array<char, 12> k{};
    schema::store(schema::store(k.data(), __builtin_bswap32(uncertainty)), __builtin_bswap64(id));
    if (open) {
        t_.review_queue.put(txn_, {k.data(), k.size()}, {});
        return;
    }
    MDB_val kv{k.size(), k.data()};
    const int rc = mdb_del(txn_.get(), t_.review_queue.get(), &kv, nullptr);
    if (rc != MDB_NOTFOUND) lmdb::check("mdb_del", t_.review_queue.name(), rc);
}

void StoreWriter::set_never_link(uint64_t a, uint64_t b) {
    const auto k = rule_key(a, b);
    const char rule = 1;
    t_.person_rules.put(txn_, {k.data(), k.size()}, {&rule, 1});
}

// ---- Store ----

Store::Store(const std::filesystem::path& dir, StoreOptions options) : dir_(dir), options_(options) {
    std::error_code ec;
    if (options.read_only) {
        if (!std::filesystem::exists(dir / "data.mdb"))
            throw std::runtime_error("data directory " + dir.string() + " holds no store");
    } else {
        std::filesystem::create_directories(dir, ec);
    }
    if (ec) throw std::runtime_error("cannot create data directory " + dir.string() + ": " + ec.message());
    lmdb::Env::Options env_options;
    env_options.map_size = options.initial_map_size;
    if (!options.sync_commits) env_options.flags |= MDB_NOSYNC;
    if (options.read_only) env_options.flags |= MDB_RDONLY;
    chain_.checkpoint_entries = options.checkpoint_entries;
    chain_.checkpoint_us = int64_t(options.checkpoint_seconds.count()) * 1'000'000;
    try {
        // A store that grew in an earlier run opens with its grown size (LMDB keeps the larger).
        env_ = lmdb::Env::open(dir.string(), env_options);
        if (options.sync_commits && !options.read_only) writeback_ = std::make_unique<Writeback>(env_.fd());
        init_schema();
    } catch (const lmdb::Error& e) {
        throw lmdb::Error(std::string(e.what()) + " [data directory " + dir.string() + "]", e.code());
    }
}

void Store::open_checkpoint_key() {
    if (!options_.checkpoint_key.empty()) {
        chain_.key = chain::SigningKey::load(options_.checkpoint_key);
        return;
    }
    const auto path = dir_ / "checkpoint.key";
    created_key_ = !std::filesystem::exists(path);
    chain_.key = created_key_ ? chain::SigningKey::create(path) : chain::SigningKey::load(path);
}

void Store::init_schema() {
    const bool read_only = options_.read_only;
    lmdb::Txn txn = lmdb::Txn::begin(env_, read_only ? MDB_RDONLY : 0);
    // A directory that holds an LMDB environment without our meta table is not ours.
    MDB_dbi main_dbi;
    lmdb::check("mdb_dbi_open", "main", mdb_dbi_open(txn.get(), nullptr, 0, &main_dbi));
    MDB_stat main_stat;
    lmdb::check("mdb_stat", "main", mdb_stat(txn.get(), main_dbi, &main_stat));
    bool fresh = main_stat.ms_entries == 0;

    // A read-only store creates no table: its tables must all be there.
    auto open = [&](const schema::Table& t) {
        return lmdb::Dbi::open(txn, t.name, read_only ? t.flags & ~unsigned(MDB_CREATE) : t.flags);
    };
    tables_.meta = open(schema::kMeta);
    std::string_view version;
    if (tables_.meta.get(txn, schema::kMetaFormatVersion, version)) {
        uint32_t found = version.size() == 4 ? schema::load<uint32_t>(version.data()) : 0;
        if (found != schema::kFormatVersion) {
            throw FormatMismatch("data directory " + dir_.string() + " has storage format version " +
                                 std::to_string(found) + ", but this ehb reads only version " +
                                 std::to_string(schema::kFormatVersion) +
                                 "; nothing was changed. Use the ehb release that wrote it.");
        }
    } else if (!fresh || read_only) {
        throw FormatMismatch("data directory " + dir_.string() +
                             " holds an LMDB environment that is not an ehb store (no format version); "
                             "nothing was changed");
    } else {
        uint32_t v = schema::kFormatVersion;
        tables_.meta.put(txn, schema::kMetaFormatVersion, {reinterpret_cast<const char*>(&v), sizeof v});
        put_log_totals(txn, tables_.meta, {});  // a new store keeps them from its first entry
    }
    // The rest, in the order of schema::kTables (meta is first).
    const auto handles = tables_.all();
    for (std::size_t i = 1; i < handles.size(); ++i) *handles[i] = open(schema::kTables[i]);
    if (!read_only) {
        open_checkpoint_key();  // only once the directory is known to be a store of this format
        // Registered once per key, so that checkpoints signed before a rotation still verify.
        const std::string meta_key = std::string(schema::kMetaCheckpointKeyPrefix) + chain::hex(chain_.key->id());
        std::string_view existing;
        if (!tables_.meta.get(txn, meta_key, existing)) tables_.meta.put(txn, meta_key, chain_.key->public_key());
    }
    txn.commit();
    load_dictionaries();
}

void Store::load_dictionaries() {
    read([&](const StoreReader& r) {
        uint32_t latest = 0;
        std::string_view v;
        if (tables_.meta.get(r.txn(), schema::kMetaDictionaryLatest, v) && v.size() == 4) {
            latest = schema::load<uint32_t>(v.data());
        }
        std::shared_ptr<const Dictionary> newest;
        lmdb::Cursor c(r.txn(), tables_.meta);
        std::string_view key = schema::kMetaDictionaryPrefix;
        for (bool ok = c.get(key, v, MDB_SET_RANGE); ok && key.starts_with(schema::kMetaDictionaryPrefix);
             ok = c.get(key, v, MDB_NEXT)) {
            auto d = std::make_shared<const Dictionary>(std::string(v));
            if (d->id() == latest) newest = d;
            else dictionaries_.add(std::move(d));
        }
        if (newest) dictionaries_.add(std::move(newest));
        return 0;
    });
}

void Store::release_mapped_pages() const noexcept {
    // LMDB does not tell where it mapped the file (mdb_env_info's address is
    // the fixed-map hint), so the mapping is found by the file's inode.
    struct stat st {};
    if (::stat((dir_ / "data.mdb").c_str(), &st) != 0) return;
    std::shared_lock lock(resize_);  // the map is not moved meanwhile
    FILE* maps = std::fopen("/proc/self/maps", "r");
    if (!maps) return;
    char line[512];
    while (std::fgets(line, sizeof line, maps)) {
        unsigned long start = 0, end = 0, inode = 0;
        unsigned dev_major = 0, dev_minor = 0;
        if (std::sscanf(line, "%lx-%lx %*s %*s %x:%x %lu", &start, &end, &dev_major, &dev_minor, &inode) != 5) continue;
        if (inode != st.st_ino || makedev(dev_major, dev_minor) != st.st_dev) continue;
        // Read-only and shared: dropping the page-table entries loses nothing.
        madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED);
    }
    std::fclose(maps);
}

void Store::commit(lmdb::Txn& txn) {
    if (!writeback_) return txn.commit();
    writeback_->begin();
    struct End {
        Writeback& w;
        ~End() { w.end(); }
    } end{*writeback_};  // whether the commit succeeds or throws
    txn.commit();
}

void Store::sync() {
    env_.sync();
}

uint64_t Store::bytes_on_disk() const {
    struct stat st {};
    return ::stat((dir_ / "data.mdb").c_str(), &st) == 0 ? uint64_t(st.st_blocks) * 512 : 0;
}

std::vector<std::string> Store::recent_records(std::size_t n) const {
    std::vector<std::string> records;
    read([&](const StoreReader& r) {
        Decompressor decompressor(&dictionaries_);
        uint64_t last = r.last_seq();
        for (uint64_t seq = last > n ? last - n + 1 : 1; seq <= last; ++seq) {
            auto e = r.entry(seq);
            decompressor.decompress(e->codec, e->payload, e->raw_size, records.emplace_back());
        }
        return 0;
    });
    return records;
}

void Store::add_dictionary(std::shared_ptr<const Dictionary> dictionary) {
    write([&](StoreWriter& w) {
        uint32_t id = dictionary->id();
        tables_.meta.put(w.txn(), schema::dictionary_meta_key(id), dictionary->bytes());
        tables_.meta.put(w.txn(), schema::kMetaDictionaryLatest, {reinterpret_cast<const char*>(&id), sizeof id});
    });
    dictionaries_.add(std::move(dictionary));
}

void Store::copy_compact(const std::filesystem::path& dir) const {
    for (int attempt = 0;; ++attempt) {
        std::shared_lock lock(resize_);
        const int rc = mdb_env_copy2(env_.get(), dir.c_str(), MDB_CP_COMPACT);
        if (rc != MDB_MAP_RESIZED || attempt > 0) return lmdb::check("mdb_env_copy2", rc);
        // Another process grew the map: adopt its size and copy again (nothing was written yet).
        lock.unlock();
        adopt_map_size();
        std::filesystem::remove(dir / "data.mdb");
    }
}

void Store::adopt_map_size() const {
    std::unique_lock lock(resize_);
    // Size 0: take the size another process recorded in the environment.
    lmdb::check("mdb_env_set_mapsize", mdb_env_set_mapsize(env_.get(), 0));
}

void Store::begin_read(lmdb::Txn& txn, std::shared_lock<std::shared_mutex>& lock) const {
    for (int attempt = 0;; ++attempt) {
        try {
            if (txn.get()) txn.renew();
            else txn = lmdb::Txn::begin(env_, MDB_RDONLY);
            return;
        } catch (const lmdb::MapResized&) {
            if (attempt > 0) throw;
            lock.unlock();  // resizing needs no transaction of this process open
            adopt_map_size();
            lock.lock();
        }
    }
}

lmdb::Txn Store::begin_write() {
    try {
        return lmdb::Txn::begin(env_, 0);
    } catch (const lmdb::MapResized&) {
        adopt_map_size();
        return lmdb::Txn::begin(env_, 0);
    }
}

void Store::grow() {
    std::unique_lock lock(resize_);
    std::size_t current = env_.map_size();
    if (current >= options_.max_map_size) {
        throw lmdb::Error("grow map beyond " + std::to_string(options_.max_map_size) + " bytes", MDB_MAP_FULL);
    }
    env_.set_map_size(std::min(current * 2, options_.max_map_size));
    ++growths_;
}

}  // namespace ehb
