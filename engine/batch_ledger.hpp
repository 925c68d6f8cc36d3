// Exactly-once batches (docs/protocol.md section 5): the answer to every batch
// a sender pushed is stored in the `batches` table inside the same write
// transaction as its records, so a retried batch is answered from there and
// stores nothing, however long after and whatever committed in between.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ingest.hpp"
#include "storage/hash128.hpp"
#include "storage/store.hpp"

namespace ehb {

// A batch as its sender numbered it.
struct BatchOrigin {
    std::string principal;
    uint32_t stream = 0;
    uint64_t batch_seq = 0;
    Hash128 body_hash;  // of the batch's documents as sent (wire::push_body)
};

enum class BatchVerdict : uint8_t {
    fresh,     // never seen: apply it
    replay,    // committed before: answer with the stored results
    order,     // below the stream's latest batch and never committed
    mismatch,  // committed before with other documents
    no_space,  // the disk was full: nothing of it was stored (send it again later)
};

// Inside the writer's transaction (earlier batches of the same commit are visible).
// For a replay, `stored` receives the results as first answered.
BatchVerdict check_batch(const StoreReader& r, const BatchOrigin& origin, std::vector<RecordResult>& stored);
void record_batch(const StoreWriter& w, const BatchOrigin& origin, std::span<const RecordResult> results);

// The stored form of a batch's results.
void encode_results(std::string& out, std::span<const RecordResult> results);
bool decode_results(std::string_view in, std::vector<RecordResult>& out);

}  // namespace ehb
