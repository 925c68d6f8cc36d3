// ehb verify: checks a store's tamper evidence (the log's hash chain and the
// access audit's) and the indexes that point into them, in one read transaction (a running ehbd keeps writing meanwhile).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "storage/store.hpp"

namespace ehb {

struct VerifyOptions {
    // The trust anchors: raw Ed25519 public keys kept outside the data
    // directory. When given, only checkpoints signed by one of them are
    // accepted; when empty, the keys registered in the store's meta table.
    std::vector<std::string> public_keys;
    // Called now and then with the log entries checked so far and the log's length.
    std::function<void(uint64_t done, uint64_t total)> progress;
};

struct VerifyReport {
    std::string problem;  // the first problem found, naming the entry; empty when the store verifies
    uint64_t entries = 0;
    uint64_t checkpoints = 0;
    uint64_t last_checkpoint = 0;  // its seq, 0 when there is none
    uint64_t reads = 0;            // the access audit's rows (engine/access_log.hpp)
    uint64_t reads_checkpoints = 0;
    uint64_t last_reads_checkpoint = 0;

    bool ok() const { return problem.empty(); }
    // "verified: N log entries, C checkpoints (last at S), R reads, D reads checkpoints (last at T),
    // indexes consistent", or the problem.
    std::string summary() const;
};

VerifyReport verify(const Store& store, const VerifyOptions& options = {});

}  // namespace ehb
