// ehb backup and ehb restore (docs/operations.md): a consistent copy of a
// store while ehbd writes it, and a store put back from such a copy.
#pragma once

#include <cstdint>
#include <filesystem>

#include "storage/verify.hpp"

namespace ehb {

struct BackupResult {
    VerifyReport verified;  // of the copy
    uint64_t bytes = 0;     // of the copy's data.mdb
};

// Copies the store in `data` (a running ehbd may write it meanwhile) from one
// read transaction, compacted, into `out`.partial, flushes it to disk, renames
// it to `out` and verifies the copy. Refuses an existing `out` (throws
// std::runtime_error). The checkpoint key (DIR/checkpoint.key) is not copied.
BackupResult backup(const std::filesystem::path& data, const std::filesystem::path& out,
                    const VerifyOptions& verify_options = {});

// Verifies the backup in `from`; when it verifies, copies it durably into
// `data`, which must not exist or be empty (throws std::runtime_error
// otherwise). Returns the backup's verification: nothing is copied unless ok().
VerifyReport restore(const std::filesystem::path& from, const std::filesystem::path& data,
                     const VerifyOptions& verify_options = {});

}  // namespace ehb
