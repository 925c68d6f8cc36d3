#include "storage/space.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

namespace ehb {
namespace {

constexpr MDB_dbi kFreeDbi = 0;        // LMDB's FREE_DBI: the free list is a tree of its own
constexpr uint64_t kMetaPages = 2;     // LMDB's NUM_METAS: pages 0 and 1
constexpr int kMeasureAttempts = 200;  // about 20 s: see measure_space

TableSpace stat_table(MDB_txn* txn, MDB_dbi dbi, std::string name) {
    MDB_stat st;
    lmdb::check("mdb_stat", name, mdb_stat(txn, dbi, &st));
    TableSpace t;
    t.name = std::move(name);
    t.entries = st.ms_entries;
    t.depth = st.ms_depth;
    t.branch_pages = st.ms_branch_pages;
    t.leaf_pages = st.ms_leaf_pages;
    t.overflow_pages = st.ms_overflow_pages;
    return t;
}

// The pages the free list names: each of its values is a list of page
// numbers led by their count (LMDB's IDL, as the mdb_stat tool reads it).
uint64_t free_list_pages(MDB_txn* txn) {
    MDB_cursor* raw = nullptr;
    lmdb::check("mdb_cursor_open", "(free list)", mdb_cursor_open(txn, kFreeDbi, &raw));
    const std::unique_ptr<MDB_cursor, decltype(&mdb_cursor_close)> cursor(raw, mdb_cursor_close);
    MDB_val k, v;
    uint64_t pages = 0;
    int rc;
    while ((rc = mdb_cursor_get(raw, &k, &v, MDB_NEXT)) == MDB_SUCCESS)
        pages += schema::load<std::size_t>(static_cast<const char*>(v.mv_data));
    if (rc != MDB_NOTFOUND) lmdb::check("mdb_cursor_get", "(free list)", rc);
    return pages;
}

// The bytes of a DUPSORT table's value lists long enough to have a tree of
// their own: LMDB keeps a short list inside its key's leaf node and moves it
// out once it grows past about half a page.
uint64_t long_list_bytes(const lmdb::Txn& txn, const lmdb::Dbi& table, uint64_t page_size) {
    lmdb::Cursor c(txn, table);
    std::string_view k, v;
    uint64_t bytes = 0;
    for (bool ok = c.get(k, v, MDB_FIRST); ok; ok = c.get(k, v, MDB_NEXT_NODUP)) {
        const uint64_t list = c.count() * v.size();
        if (list > page_size / 2) bytes += list;
    }
    return bytes;
}

// Gives each DUPSORT table its share of the pages no table's mdb_stat counts.
void split_dup_pages(const StoreReader& r, StoreSpace& space) {
    const auto handles = r.tables().all();
    std::vector<std::pair<std::size_t, uint64_t>> weights;  // table index, weight
    uint64_t total = 0;
    for (std::size_t i = 0; i < handles.size(); ++i) {
        if (!(schema::kTables[i].flags & MDB_DUPSORT)) continue;
        weights.emplace_back(i, long_list_bytes(r.txn(), *handles[i], space.page_size));
        total += weights.back().second;
    }
    if (total == 0) {  // no list looks long: fall back on the tables' sizes
        for (auto& [i, w] : weights) total += w = space.tables[i].entries;
    }
    if (total == 0) throw std::runtime_error("space: pages of value trees, but no DUPSORT table holds values");
    uint64_t given = 0;
    for (const auto& [i, w] : weights) given += space.tables[i].dup_pages = space.dup_pages * w / total;
    // What rounding left over goes to the heaviest, so that the pages add up exactly.
    const auto heaviest = std::max_element(weights.begin(), weights.end(),
                                           [](const auto& a, const auto& b) { return a.second < b.second; });
    space.tables[heaviest->first].dup_pages += space.dup_pages - given;
}

// Nullopt when mdb_env_info describes a later commit than the transaction's
// snapshot: one came between them, or one is being written (its meta page is
// in the map before readers are told of it, for as long as the sync takes).
std::optional<StoreSpace> measure(const StoreReader& r) {
    MDB_txn* txn = r.txn().get();
    MDB_env* env = mdb_txn_env(txn);
    MDB_envinfo info;
    lmdb::check("mdb_env_info", mdb_env_info(env, &info));
    if (info.me_last_txnid != mdb_txn_id(txn)) return std::nullopt;
    MDB_stat env_stat;
    lmdb::check("mdb_env_stat", mdb_env_stat(env, &env_stat));

    StoreSpace space;
    space.page_size = env_stat.ms_psize;
    space.meta_pages = kMetaPages;
    space.used_pages = uint64_t(info.me_last_pgno) + 1;
    for (const lmdb::Dbi* table : r.tables().all()) space.tables.push_back(stat_table(txn, table->get(), table->name()));
    MDB_dbi main_dbi;
    lmdb::check("mdb_dbi_open", "(main)", mdb_dbi_open(txn, nullptr, 0, &main_dbi));
    space.tables.push_back(stat_table(txn, main_dbi, "(main)"));
    space.tables.push_back(stat_table(txn, kFreeDbi, "(free list)"));
    space.free_pages = free_list_pages(txn);

    uint64_t counted = space.meta_pages + space.free_pages;
    for (const TableSpace& t : space.tables) counted += t.pages();
    if (counted > space.used_pages)
        throw std::runtime_error("space: the tables count " + std::to_string(counted) + " pages, but the map uses " +
                                 std::to_string(space.used_pages));
    space.dup_pages = space.used_pages - counted;
    if (space.dup_pages > 0) split_dup_pages(r, space);
    for (TableSpace& t : space.tables) t.bytes = t.pages() * space.page_size;

    space.episodes = r.entries(r.tables().episodes);
    space.log_entries = r.entries(r.tables().log);
    space.log_totals = r.log_totals();
    return space;
}

}  // namespace

StoreSpace measure_space(const Store& store) {
    for (int attempt = 0; attempt < kMeasureAttempts; ++attempt) {
        // A commit's meta page is synced for milliseconds, longer on a busy disk: wait a little more each time.
        if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(std::min(attempt, 100)));
        auto space = store.read([](const StoreReader& r) { return measure(r); });
        if (!space) continue;
        space->file_bytes = store.bytes_on_disk();
        return *space;
    }
    throw std::runtime_error("space: the store changed under every attempt to measure it");
}

}  // namespace ehb
