// Where a store's bytes go: the pages of every table, LMDB's own trees and
// free pages, from one read transaction (`ehb stats`, docs/operations.md,
// "Space: `ehb stats`"). Safe beside a running writer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/store.hpp"

namespace ehb {

struct TableSpace {
    std::string name;  // a table of schema::kTables, or LMDB's own: "(main)", the table of tables; "(free list)"
    uint64_t entries = 0;  // items, each value of a DUPSORT table counted
    uint64_t depth = 0;
    uint64_t branch_pages = 0;
    uint64_t leaf_pages = 0;
    uint64_t overflow_pages = 0;
    // Pages of a DUPSORT table's long value lists, which LMDB keeps in trees
    // of their own that mdb_stat does not count (see StoreSpace::dup_pages).
    uint64_t dup_pages = 0;
    uint64_t bytes = 0;  // all of the above pages × the page size

    uint64_t pages() const { return branch_pages + leaf_pages + overflow_pages + dup_pages; }
};

struct StoreSpace {
    uint64_t page_size = 0;
    std::vector<TableSpace> tables;  // schema::kTables' order, then "(main)" and "(free list)"
    uint64_t meta_pages = 0;         // LMDB's two meta pages at the start of the file
    uint64_t free_pages = 0;         // listed in the free list: written once, reusable now
    // Pages of the map up to the last one used (me_last_pgno + 1): the meta
    // pages, every table's pages and the free ones, exactly.
    uint64_t used_pages = 0;
    // Of those, the pages of DUPSORT tables' own value trees: what is left
    // once the rest is counted. Split between the DUPSORT tables by their
    // long value lists (exact when one table has them; an estimate otherwise).
    uint64_t dup_pages = 0;
    uint64_t file_bytes = 0;  // the blocks allocated to data.mdb (Store::bytes_on_disk)
    uint64_t episodes = 0;    // entries of `episodes`
    uint64_t log_entries = 0;
    std::optional<LogTotals> log_totals;  // nullopt: not recorded (a store created before they were kept)

    uint64_t used_bytes() const { return used_pages * page_size; }
    uint64_t free_bytes() const { return free_pages * page_size; }
};

// Measures `store` in one read transaction that the latest commit's figures describe.
StoreSpace measure_space(const Store& store);

}  // namespace ehb
