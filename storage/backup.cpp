#include "storage/backup.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace ehb {

namespace {

namespace fs = std::filesystem;

void fsync_path(const fs::path& p) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("open " + p.string() + ": " + std::strerror(errno));
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) throw std::runtime_error("fsync " + p.string() + ": " + std::strerror(err));
}

fs::path parent_of(const fs::path& p) {
    const fs::path abs = fs::absolute(p);
    return abs.has_parent_path() ? abs.parent_path() : fs::path(".");
}

// A fresh `dir`.partial beside `dir`, for a copy that becomes `dir` only once complete.
fs::path partial_for(const fs::path& dir) {
    fs::path partial = fs::absolute(dir).lexically_normal();
    if (!partial.has_filename()) partial = partial.parent_path();
    partial += ".partial";
    fs::remove_all(partial);  // left by a copy that did not finish
    fs::create_directories(partial);
    return partial;
}

// Flushes the copy, then makes it `dir` in one rename, itself flushed. The
// copy gets the store's own mode (0640): LMDB creates it readable by all.
void publish(const fs::path& partial, const fs::path& dir) {
    fs::permissions(partial / "data.mdb", fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    fsync_path(partial / "data.mdb");
    fsync_path(partial);
    fs::rename(partial, dir);
    fsync_path(parent_of(dir));
}

}  // namespace

BackupResult backup(const fs::path& data, const fs::path& out, const VerifyOptions& verify_options) {
    if (fs::exists(out)) throw std::runtime_error("backup directory " + out.string() + " exists; nothing was copied");
    StoreOptions read_only;
    read_only.read_only = true;
    {
        Store source(data, read_only);
        const fs::path partial = partial_for(out);
        source.copy_compact(partial);
        publish(partial, out);
    }
    BackupResult result;
    result.bytes = fs::file_size(out / "data.mdb");
    Store copy(out, read_only);
    result.verified = verify(copy, verify_options);
    return result;
}

VerifyReport restore(const fs::path& from, const fs::path& data, const VerifyOptions& verify_options) {
    if (fs::exists(data) && !(fs::is_directory(data) && fs::is_empty(data)))
        throw std::runtime_error("data directory " + data.string() + " is not empty; nothing was restored");
    StoreOptions read_only;
    read_only.read_only = true;
    VerifyReport report;
    {
        Store backup(from, read_only);
        report = verify(backup, verify_options);
    }
    if (!report.ok()) return report;
    const fs::path partial = partial_for(data);
    fs::copy_file(from / "data.mdb", partial / "data.mdb");
    if (fs::exists(data)) fs::remove(data);  // empty
    publish(partial, data);
    return report;
}

}  // namespace ehb
