// RAII, move-only handles over the LMDB C API.
// Not-found is an ordinary result (a bool or an empty optional); every other
// failure throws lmdb::Error naming the LMDB call and LMDB's own message.
#pragma once

#include <lmdb.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ehb::lmdb {

class Error : public std::runtime_error {
public:
    Error(std::string_view call, int rc);
    int code() const noexcept { return code_; }

private:
    int code_;
};

// The map is full: the caller aborts, grows the map and retries (Store::write).
class MapFull : public Error {
public:
    explicit MapFull(std::string_view call) : Error(call, MDB_MAP_FULL) {}
};

// Another process grew the map: the caller adopts the new size (with no
// transaction of this process open) and begins again (Store does).
class MapResized : public Error {
public:
    explicit MapResized(std::string_view call) : Error(call, MDB_MAP_RESIZED) {}
};

// The disk (or the quota) is full: the write transaction was not committed,
// and the store is intact and usable once there is space again (the pipeline
// answers the commit's requests with UNAVAILABLE and goes on).
class NoSpace : public Error {
public:
    NoSpace(std::string_view call, int rc) : Error(call, rc) {}
};

// `call` names the LMDB function, and the table where there is one: "mdb_put(log)".
void check(std::string_view call, int rc);
inline void check(std::string_view function, std::string_view table, int rc) {
    if (rc != MDB_SUCCESS) check(std::string(function) + "(" + std::string(table) + ")", rc);
}

inline MDB_val to_val(std::string_view s) {
    return MDB_val{s.size(), const_cast<char*>(s.data())};
}
inline std::string_view to_view(const MDB_val& v) {
    return {static_cast<const char*>(v.mv_data), v.mv_size};
}

class Env {
public:
    struct Options {
        std::size_t map_size = std::size_t{1} << 30;
        unsigned max_dbs = 32;
        unsigned max_readers = 256;
        // MDB_NOTLS: read transactions are not tied to a thread (thread pools).
        // MDB_NORDAHEAD: the store is read at random; read-ahead only evicts useful pages.
        unsigned flags = MDB_NOTLS | MDB_NORDAHEAD;
    };

    Env() = default;
    static Env open(const std::string& dir, const Options& options);
    ~Env();
    Env(Env&& other) noexcept;
    Env& operator=(Env&& other) noexcept;
    Env(const Env&) = delete;
    Env& operator=(const Env&) = delete;

    MDB_env* get() const noexcept { return env_; }
    std::size_t map_size() const;
    // Only when this process has no transaction open (LMDB's rule).
    void set_map_size(std::size_t bytes);
    void sync();  // flushes to disk (needed only when opened with MDB_NOSYNC)
    int fd() const;  // the data file's descriptor

private:
    explicit Env(MDB_env* env) : env_(env) {}
    MDB_env* env_ = nullptr;
};

// Whether the file system holding the environment has (nearly) no space
// left: LMDB reports a write a full disk cut short midway as EIO, not ENOSPC
// ("short write, filesystem full?" in mdb_page_flush), and this tells them apart.
bool file_system_full(const Env& env) noexcept;

class Txn {
public:
    Txn() = default;
    static Txn begin(const Env& env, unsigned flags);  // flags: 0 or MDB_RDONLY
    ~Txn();
    Txn(Txn&& other) noexcept;
    Txn& operator=(Txn&& other) noexcept;
    Txn(const Txn&) = delete;
    Txn& operator=(const Txn&) = delete;

    MDB_txn* get() const noexcept { return txn_; }
    void commit();  // durable on return unless the env was opened with MDB_NOSYNC
    void abort() noexcept;
    // Read-only transactions only: release the snapshot but keep the handle and
    // its reader slot, then take a fresh snapshot with the same handle.
    void reset() noexcept { mdb_txn_reset(txn_); }
    void renew();

private:
    explicit Txn(MDB_txn* txn) : txn_(txn) {}
    MDB_txn* txn_ = nullptr;
};

// A database handle. LMDB handles live as long as the environment and closing
// them is discouraged, so this wrapper owns no resource; it is move-only so a
// handle is opened once and passed around by reference.
class Dbi {
public:
    Dbi() = default;
    static Dbi open(const Txn& txn, const char* name, unsigned flags);
    Dbi(Dbi&& other) noexcept : dbi_(other.dbi_), name_(other.name_) {}
    Dbi& operator=(Dbi&& other) noexcept {
        dbi_ = other.dbi_;
        name_ = other.name_;
        return *this;
    }
    Dbi(const Dbi&) = delete;
    Dbi& operator=(const Dbi&) = delete;

    MDB_dbi get() const noexcept { return dbi_; }
    const char* name() const noexcept { return name_; }

    bool get(const Txn& txn, std::string_view key, std::string_view& value) const;
    void put(const Txn& txn, std::string_view key, std::string_view value, unsigned flags = 0) const;
    // Stores the pair unless `key` exists (MDB_NOOVERWRITE): then returns false
    // and points `existing` at the stored value. One descent either way.
    bool insert(const Txn& txn, std::string_view key, std::string_view value, std::string_view& existing) const;
    // Reserves `size` bytes for the value and returns where to write them.
    char* reserve(const Txn& txn, std::string_view key, std::size_t size, unsigned flags = 0) const;
    std::size_t entries(const Txn& txn) const;

private:
    Dbi(MDB_dbi dbi, const char* name) : dbi_(dbi), name_(name) {}
    MDB_dbi dbi_ = 0;
    const char* name_ = "";
};

class Cursor {
public:
    Cursor(const Txn& txn, const Dbi& dbi);
    ~Cursor();
    Cursor(Cursor&& other) noexcept;
    Cursor& operator=(Cursor&& other) noexcept;
    Cursor(const Cursor&) = delete;
    Cursor& operator=(const Cursor&) = delete;

    // False when there is no such item (MDB_NOTFOUND).
    bool get(std::string_view& key, std::string_view& value, MDB_cursor_op op);
    // The number of values under the current key of a DUPSORT table.
    std::size_t count();

private:
    MDB_cursor* cursor_ = nullptr;
};

}  // namespace ehb::lmdb
