#include "engine/facility_keys.hpp"

#include <stdexcept>

#include "engine/ingest.hpp"

namespace ehb {

namespace {

// A row: u8 layout, u8 algorithm, i64 added_us, i64 revoked_us, then the SPKI DER.
constexpr uint8_t kLayout = 1;
constexpr std::size_t kHead = 1 + 1 + 8 + 8;

std::string row_key(std::string_view facility, std::string_view key_id) {
    std::string key(facility);
    key.push_back('/');
    key.append(key_id);
    return key;
}

std::string encode(const FacilityKey& k) {
    std::string out(kHead, '\0');
    char* p = out.data();
    p = schema::store(p, kLayout);
    p = schema::store(p, static_cast<uint8_t>(k.key.algorithm));
    p = schema::store(p, k.added_us);
    schema::store(p, k.revoked_us);
    out += k.key.spki;
    return out;
}

std::optional<FacilityKey> decode(std::string_view key, std::string_view value) {
    const std::size_t slash = key.find('/');
    if (slash == std::string_view::npos || value.size() <= kHead || schema::load<uint8_t>(value.data()) != kLayout)
        return std::nullopt;
    FacilityKey k;
    k.facility = key.substr(0, slash);
    k.key_id = key.substr(slash + 1);
    const auto algorithm = schema::load<uint8_t>(value.data() + 1);
    if (algorithm < 1 || algorithm > 3) return std::nullopt;
    k.key.algorithm = static_cast<signatures::Algorithm>(algorithm);
    k.added_us = schema::load<int64_t>(value.data() + 2);
    k.revoked_us = schema::load<int64_t>(value.data() + 10);
    k.key.spki = value.substr(kHead);
    return k;
}

FacilityKey decode_or_throw(std::string_view key, std::string_view value) {
    auto k = decode(key, value);
    if (!k) throw std::runtime_error("facility_keys: a row of an unexpected layout");
    return std::move(*k);
}

// The same with the key parsed, for verifying with it.
FacilityKey decode_parsed(std::string_view key, std::string_view value) {
    FacilityKey k = decode_or_throw(key, value);
    auto parsed = signatures::public_key_from_spki(k.key.spki);
    if (!parsed || parsed->algorithm != k.key.algorithm)
        throw std::runtime_error("facility_keys: the key of " + std::string(key) + " does not decode");
    k.key = std::move(*parsed);
    return k;
}

void validate_facility(std::string_view facility) {
    bool ok = facility.size() == schema::kFacilityLength;
    for (char c : facility) ok = ok && ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
    if (!ok) throw std::invalid_argument("a facility is named by its 5-character alphanumeric MA_CSKCB");
}

void touch(StoreWriter& w, int64_t now) {
    w.tables().meta.put(w.txn(), schema::kMetaFacilityKeysChanged, {reinterpret_cast<const char*>(&now), sizeof now});
}

}  // namespace

std::string add_facility_key(Store& store, std::string_view facility, const signatures::PublicKey& key) {
    validate_facility(facility);
    FacilityKey k;
    k.facility = facility;
    k.key_id = signatures::key_id(key.spki);
    k.key = key;
    k.added_us = now_us();
    const std::string row = row_key(facility, k.key_id), value = encode(k);
    store.write([&](StoreWriter& w) {
        std::string_view existing;
        if (w.tables().facility_keys.get(w.txn(), row, existing)) {
            if (decode_or_throw(row, existing).revoked_us != 0)
                throw std::invalid_argument("key " + k.key_id + " of " + std::string(facility) +
                                            " was revoked; a revoked key is never registered again");
            return;
        }
        w.tables().facility_keys.put(w.txn(), row, value);
        touch(w, k.added_us);
    });
    return k.key_id;
}

bool revoke_facility_key(Store& store, std::string_view facility, std::string_view key_id) {
    const std::string row = row_key(facility, key_id);
    const int64_t now = now_us();
    bool found = false;
    store.write([&](StoreWriter& w) {
        std::string_view value;
        found = w.tables().facility_keys.get(w.txn(), row, value);
        if (!found) return;
        FacilityKey k = decode_or_throw(row, value);
        if (k.revoked_us != 0) return;
        k.revoked_us = now;
        w.tables().facility_keys.put(w.txn(), row, encode(k));
        touch(w, now);
    });
    return found;
}

std::vector<FacilityKey> list_facility_keys(const Store& store, std::string_view facility) {
    return store.read([&](const StoreReader& r) {
        std::vector<FacilityKey> out;
        lmdb::Cursor cursor(r.txn(), r.tables().facility_keys);
        std::string_view key, value;
        for (MDB_cursor_op op = MDB_FIRST; cursor.get(key, value, op); op = MDB_NEXT) {
            FacilityKey k = decode_or_throw(key, value);
            if (facility.empty() || k.facility == facility) out.push_back(std::move(k));
        }
        return out;
    });
}

const FacilityKey* KeyRing::find(std::string_view facility, std::string_view key_id) const {
    auto it = keys_.find(row_key(facility, key_id));
    return it == keys_.end() ? nullptr : &it->second;
}

const FacilityKey* KeyRing::find_spki(std::string_view facility, std::string_view spki) const {
    const FacilityKey* k = find(facility, signatures::key_id(spki));
    return k && k->key.spki == spki ? k : nullptr;
}

KeyRing KeyRing::load(const StoreReader& r) {
    KeyRing ring;
    lmdb::Cursor cursor(r.txn(), r.tables().facility_keys);
    std::string_view key, value;
    for (MDB_cursor_op op = MDB_FIRST; cursor.get(key, value, op); op = MDB_NEXT) {
        ring.keys_.emplace(std::string(key), decode_parsed(key, value));
    }
    return ring;
}

std::shared_ptr<const KeyRing> KeyRingCache::current(const Store& store) {
    std::lock_guard lock(mutex_);
    store.read([&](const StoreReader& r) {
        std::string_view v;
        const int64_t stamp = r.tables().meta.get(r.txn(), schema::kMetaFacilityKeysChanged, v) && v.size() == 8
                                  ? schema::load<int64_t>(v.data())
                                  : 0;
        if (ring_ && stamp_ == stamp) return;
        ring_ = std::make_shared<const KeyRing>(KeyRing::load(r));
        stamp_ = stamp;
    });
    return ring_;
}

}  // namespace ehb
