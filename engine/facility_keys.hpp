// The facilities' registered signing keys (docs/operations.md, "Signing
// keys"): table `facility_keys`, MA_CSKCB + key id → FacilityKey. Managed
// offline by `ehb admin facility-key`; a running ehbd sees a change at its
// next batch, without a restart.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/signatures.hpp"
#include "storage/store.hpp"

namespace ehb {

struct FacilityKey {
    std::string facility;  // MA_CSKCB
    std::string key_id;    // signatures::key_id of the key
    signatures::PublicKey key;
    int64_t added_us = 0;
    int64_t revoked_us = 0;  // 0 while valid
};

// Registers `key` for `facility` (a 5-character MA_CSKCB) and returns its key
// id; registering it again is a no-op that returns the same id. Throws
// std::invalid_argument for a bad facility code, or for a key that was revoked.
std::string add_facility_key(Store& store, std::string_view facility, const signatures::PublicKey& key);
// False when the facility has no such key; revoking twice keeps the first time.
bool revoke_facility_key(Store& store, std::string_view facility, std::string_view key_id);
// Every facility's keys, or one facility's, in (facility, key id) order.
std::vector<FacilityKey> list_facility_keys(const Store& store, std::string_view facility = {});

// A snapshot of every registered key, for the prepare workers.
class KeyRing {
public:
    // The key `key_id` of `facility`, revoked or not; nullptr when there is none.
    const FacilityKey* find(std::string_view facility, std::string_view key_id) const;
    // The facility's key whose SPKI is `spki` (a certificate's key), or nullptr.
    const FacilityKey* find_spki(std::string_view facility, std::string_view spki) const;
    static KeyRing load(const StoreReader& r);

private:
    std::map<std::string, FacilityKey, std::less<>> keys_;  // by row key: MA_CSKCB/key id
};

// The latest KeyRing, loaded again when `ehb admin` has changed the keys
// since. Thread-safe; current() costs a read of one meta value.
class KeyRingCache {
public:
    std::shared_ptr<const KeyRing> current(const Store& store);

private:
    std::mutex mutex_;
    std::shared_ptr<const KeyRing> ring_;
    std::optional<int64_t> stamp_;
};

}  // namespace ehb
