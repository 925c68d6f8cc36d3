#include "storage/lmdb.hpp"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstdint>
#include <utility>

namespace ehb::lmdb {

Error::Error(std::string_view call, int rc)
    : std::runtime_error(std::string(call) + ": " + mdb_strerror(rc)), code_(rc) {}

void check(std::string_view call, int rc) {
    if (rc == MDB_SUCCESS) return;
    if (rc == MDB_MAP_FULL) throw MapFull(call);
    if (rc == MDB_MAP_RESIZED) throw MapResized(call);
    if (rc == ENOSPC || rc == EDQUOT) throw NoSpace(call, rc);
    throw Error(call, rc);
}

// ---- Env ----

Env Env::open(const std::string& dir, const Options& options) {
    MDB_env* raw = nullptr;
    check("mdb_env_create", mdb_env_create(&raw));
    Env env(raw);
    check("mdb_env_set_maxdbs", mdb_env_set_maxdbs(raw, options.max_dbs));
    check("mdb_env_set_maxreaders", mdb_env_set_maxreaders(raw, options.max_readers));
    check("mdb_env_set_mapsize", mdb_env_set_mapsize(raw, options.map_size));
    check("mdb_env_open", mdb_env_open(raw, dir.c_str(), options.flags, 0640));
    return env;
}

Env::~Env() {
    if (env_) mdb_env_close(env_);
}

Env::Env(Env&& other) noexcept : env_(std::exchange(other.env_, nullptr)) {}

Env& Env::operator=(Env&& other) noexcept {
    if (this != &other) {
        if (env_) mdb_env_close(env_);
        env_ = std::exchange(other.env_, nullptr);
    }
    return *this;
}

std::size_t Env::map_size() const {
    MDB_envinfo info;
    check("mdb_env_info", mdb_env_info(env_, &info));
    return info.me_mapsize;
}

void Env::set_map_size(std::size_t bytes) {
    check("mdb_env_set_mapsize", mdb_env_set_mapsize(env_, bytes));
}

void Env::sync() {
    check("mdb_env_sync", mdb_env_sync(env_, 1));
}

int Env::fd() const {
    mdb_filehandle_t fd = -1;
    check("mdb_env_get_fd", mdb_env_get_fd(env_, &fd));
    return fd;
}

bool file_system_full(const Env& env) noexcept {
    // Less than this free for unprivileged users: the file system is full.
    constexpr uint64_t kFullBelow = uint64_t{1} << 20;
    int fd = -1;
    struct statvfs fs {};
    return mdb_env_get_fd(env.get(), &fd) == MDB_SUCCESS && ::fstatvfs(fd, &fs) == 0 &&
           uint64_t(fs.f_bavail) * fs.f_frsize < kFullBelow;
}

// ---- Txn ----

Txn Txn::begin(const Env& env, unsigned flags) {
    MDB_txn* raw = nullptr;
    check("mdb_txn_begin", mdb_txn_begin(env.get(), nullptr, flags, &raw));
    return Txn(raw);
}

Txn::~Txn() { abort(); }

Txn::Txn(Txn&& other) noexcept : txn_(std::exchange(other.txn_, nullptr)) {}

Txn& Txn::operator=(Txn&& other) noexcept {
    if (this != &other) {
        abort();
        txn_ = std::exchange(other.txn_, nullptr);
    }
    return *this;
}

void Txn::commit() {
    // mdb_txn_commit frees the handle whether or not it succeeds.
    MDB_txn* txn = std::exchange(txn_, nullptr);
    check("mdb_txn_commit", mdb_txn_commit(txn));
}

void Txn::renew() {
    check("mdb_txn_renew", mdb_txn_renew(txn_));
}

void Txn::abort() noexcept {
    if (txn_) mdb_txn_abort(std::exchange(txn_, nullptr));
}

// ---- Dbi ----

Dbi Dbi::open(const Txn& txn, const char* name, unsigned flags) {
    MDB_dbi dbi = 0;
    check("mdb_dbi_open", name, mdb_dbi_open(txn.get(), name, flags, &dbi));
    return Dbi(dbi, name);
}

bool Dbi::get(const Txn& txn, std::string_view key, std::string_view& value) const {
    MDB_val k = to_val(key);
    MDB_val v;
    int rc = mdb_get(txn.get(), dbi_, &k, &v);
    if (rc == MDB_NOTFOUND) return false;
    check("mdb_get", name_, rc);
    value = to_view(v);
    return true;
}

void Dbi::put(const Txn& txn, std::string_view key, std::string_view value, unsigned flags) const {
    MDB_val k = to_val(key);
    MDB_val v = to_val(value);
    check("mdb_put", name_, mdb_put(txn.get(), dbi_, &k, &v, flags));
}

bool Dbi::insert(const Txn& txn, std::string_view key, std::string_view value, std::string_view& existing) const {
    MDB_val k = to_val(key);
    MDB_val v = to_val(value);
    int rc = mdb_put(txn.get(), dbi_, &k, &v, MDB_NOOVERWRITE);
    if (rc == MDB_KEYEXIST) {
        existing = to_view(v);
        return false;
    }
    check("mdb_put", name_, rc);
    return true;
}

char* Dbi::reserve(const Txn& txn, std::string_view key, std::size_t size, unsigned flags) const {
    MDB_val k = to_val(key);
    MDB_val v{size, nullptr};
    check("mdb_put", name_, mdb_put(txn.get(), dbi_, &k, &v, flags | MDB_RESERVE));
    return static_cast<char*>(v.mv_data);
}

std::size_t Dbi::entries(const Txn& txn) const {
    MDB_stat st;
    check("mdb_stat", name_, mdb_stat(txn.get(), dbi_, &st));
    return st.ms_entries;
}

// ---- Cursor ----

Cursor::Cursor(const Txn& txn, const Dbi& dbi) {
    check("mdb_cursor_open", mdb_cursor_open(txn.get(), dbi.get(), &cursor_));
}

Cursor::~Cursor() {
    if (cursor_) mdb_cursor_close(cursor_);
}

Cursor::Cursor(Cursor&& other) noexcept : cursor_(std::exchange(other.cursor_, nullptr)) {}

Cursor& Cursor::operator=(Cursor&& other) noexcept {
    if (this != &other) {
        if (cursor_) mdb_cursor_close(cursor_);
        cursor_ = std::exchange(other.cursor_, nullptr);
    }
    return *this;
}

bool Cursor::get(std::string_view& key, std::string_view& value, MDB_cursor_op op) {
    MDB_val k = to_val(key);
    MDB_val v = to_val(value);
    int rc = mdb_cursor_get(cursor_, &k, &v, op);
    if (rc == MDB_NOTFOUND) return false;
    check("mdb_cursor_get", rc);
    key = to_view(k);
    value = to_view(v);
    return true;
}

std::size_t Cursor::count() {
    size_t n = 0;
    check("mdb_cursor_count", mdb_cursor_count(cursor_, &n));
    return n;
}

}  // namespace ehb::lmdb
