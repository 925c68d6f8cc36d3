// Reading ahead for the writer (engine/read_ahead.hpp): after a prepare
// worker has read ahead for a record, the pages the writer will read for it
// are in memory, on a real store whose pages were first evicted.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ingest.hpp"
#include "engine/read_ahead.hpp"
#include "tests/docs.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

using test::Doc;
using test::TempDir;

constexpr int kPersons = 300;

std::string padded(long long v, std::size_t width) {
    std::string s = std::to_string(v);
    return std::string(width > s.size() ? width - s.size() : 0, '0') + s;
}

// Person i: its own citizen ID, card, name and birth date.
Doc person(int i) {
    Doc d;
    d.ma_lk = test::key("LK", {i});
    d.citizen = "001090" + padded(100000 + i, 6);
    d.card = "DN401" + padded(5000000000LL + 7919LL * i, 10);
    d.birth = "19" + padded(40 + i % 50, 2) + padded(1 + i % 12, 2) + padded(1 + i % 28, 2) + "0000";
    static const char* kGiven[] = {"An", "Bình", "Cường", "Dũng", "Hải", "Khoa", "Long", "Minh", "Nam", "Phúc"};
    d.name = std::string("Trần Văn ") + kGiven[i % 10] + " " + kGiven[(i / 10) % 10];
    return d;
}

bool resident(const void* p) {
    const long page = sysconf(_SC_PAGESIZE);
    auto* start = reinterpret_cast<void*>(reinterpret_cast<uintptr_t>(p) & ~static_cast<uintptr_t>(page - 1));
    unsigned char in = 0;
    return mincore(start, static_cast<std::size_t>(page), &in) == 0 && (in & 1);
}

class ReadAheadTest : public ::testing::Test {
protected:
    TempDir dir;
    Store store{dir.path()};
    Engine engine{store};

    void SetUp() override {
        std::vector<std::string> docs;
        for (int i = 0; i < kPersons; ++i) docs.push_back(person(i).json());
        std::vector<std::string_view> views(docs.begin(), docs.end());
        for (const RecordResult& r : engine.ingest(views, "test")) ASSERT_EQ(r.status, Status::accepted);
    }

    // Where person i's entry lies in the map (reading it brings it in).
    const char* entry_of(int i) {
        return store.read([&](const StoreReader& r) {
            const schema::PersonKey owner = r.owner_of(schema::PersonKey::citizen(person(i).citizen));
            EXPECT_EQ(owner.type, schema::PersonType::person);
            return r.person(owner.value).data();
        });
    }

    // Drops the store's pages from memory: unmapped, then evicted from the page cache.
    bool evict(const char* probe) {
        store.release_mapped_pages();
        const int fd = ::open((dir.path() / "data.mdb").c_str(), O_RDONLY);
        if (fd < 0) return false;
        (void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        ::close(fd);
        return !resident(probe);
    }

    Prepared prepare(const Doc& d) {
        Preparer preparer(&store.dictionaries());
        Prepared p;
        preparer.prepare(d.json(), p);
        EXPECT_TRUE(p.ok) << p.error.reason;
        return p;
    }
};

TEST_F(ReadAheadTest, AReturningPersonsEntryIsInMemoryAfterReadingAhead) {
    const int i = kPersons / 2;
    const char* entry = entry_of(i);
    if (!evict(entry)) GTEST_SKIP() << "this file system keeps the evicted pages (tmpfs?)";
    Doc visit = person(i);
    visit.ma_lk = "RETURN";
    visit.facility = "79010";
    const Prepared p = prepare(visit);
    ReadAhead(store).read({&p, 1});
    EXPECT_TRUE(resident(entry));
}

TEST_F(ReadAheadTest, ARecordWithoutIdentifiersHasItsCandidatesEntriesInMemory) {
    const int i = 17;
    const char* entry = entry_of(i);
    if (!evict(entry)) GTEST_SKIP() << "this file system keeps the evicted pages (tmpfs?)";
    Doc visit = person(i);
    visit.ma_lk = "NO-IDS";
    visit.citizen.clear();
    visit.card.clear();
    const Prepared p = prepare(visit);
    ReadAhead(store).read({&p, 1});
    EXPECT_TRUE(resident(entry)) << "a candidate under the record's blocking keys";
}

}  // namespace
}  // namespace ehb
