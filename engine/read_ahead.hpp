// Reading ahead for the writer (docs/architecture.md, "The writer never waits
// on the disk to read"). Once the store outgrows memory, every index page the
// writer reads that is not cached is a wait on the disk, and the writer is one
// thread: on the 10-million-citizen node, its cache cold, it was blocked on
// the disk as long as it ran, in 1.5 million page faults and its commits'
// flushes. A prepare worker, which has time to spare while the writer is the
// bottleneck, reads the same pages first, so that they are in the page cache,
// and mapped, when the record's turn comes. Nothing is decided or written
// here: what the writer finds is what it would have found.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "engine/ingest.hpp"
#include "engine/person/blocking.hpp"
#include "engine/person/match_config.hpp"
#include "engine/person/store_index.hpp"
#include "storage/store.hpp"

namespace ehb {

// One per prepare worker.
class ReadAhead {
public:
    explicit ReadAhead(const Store& store) : store_(store) {}

    // Reads, in one read transaction, the pages the writer will read for
    // these records: the episode's head, the persons their identifiers lead
    // to with the persons' entries and episode lists, and for a record whose
    // identifiers lead nowhere the persons under its blocking keys. Never
    // throws: a prepare worker must not stop over a hint.
    void read(std::span<const Prepared> records);

private:
    // `index` only finds persons (it decodes no entry), so one serves the whole read transaction.
    void read(const StoreReader& r, person::StoreIndex& index, const Prepared& p);

    const Store& store_;
    lmdb::Txn txn_;
    // The default limits, not the stored model's: reading a block more or
    // less than the writer will costs a page, never a wrong answer.
    person::MatchConfig cfg_;
    std::string key_;
    std::vector<uint64_t> persons_, seqs_;
    std::vector<person::BlockKey> keys_;
};

}  // namespace ehb
