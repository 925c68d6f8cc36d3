// The person index online (docs/persons.md, "The person index"): a store
// holding the persons of EHB_BENCH_PERSONS_RECORDS labelled records (default
// 1,000,000; `ehb people --seed 1`), then the resolution of the 10,000
// records after them, one at a time, with its p50 and p99. The store is filed
// from the generator's truth (PersonIndex::file, the filing half of online
// resolution, 10,000 records to a commit, flushed once at the end), so that
// a 10,000,000-person store builds in minutes rather than hours.
// EHB_BENCH_PERSONS_DIR (default /tmp/ehb-bench-persons) keeps the records
// and the store between runs (docs/benchmarks.md).
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/common.hpp"
#include "bench/people_records.hpp"
#include "engine/person/person_index.hpp"
#include "engine/person/store_index.hpp"
#include "storage/store.hpp"

namespace {

namespace person = ehb::person;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kHeldOut = 10'000;
constexpr uint64_t kPerCommit = 10'000;

struct Fixture {
    std::vector<person::PersonRecord> held_out;  // resolved against the store
    std::vector<person::Profile> profiles;        // theirs, prepared
    std::unique_ptr<ehb::Store> store;
    std::string error;
    uint64_t persons = 0;
    double build_seconds = 0;
};

// The generator's CSV beside the store (written once), mapped: a
// 10,000,000-person population is 30 million records and 5 GB of text.
class Mapped {
public:
    explicit Mapped(const std::filesystem::path& path) {
        const int fd = ::open(path.c_str(), O_RDONLY);
        if (fd < 0) return;
        struct stat st {};
        if (::fstat(fd, &st) == 0 && st.st_size > 0) {
            void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
            if (p != MAP_FAILED) data_ = static_cast<const char*>(p), size_ = static_cast<size_t>(st.st_size);
        }
        ::close(fd);
    }
    ~Mapped() {
        if (data_) ::munmap(const_cast<char*>(data_), size_);
    }
    std::string_view text() const { return {data_, size_}; }

private:
    const char* data_ = nullptr;
    size_t size_ = 0;
};

// The number of records a finished store was built from (its `built` file); 0: none.
uint64_t read_count(const std::filesystem::path& built) {
    unsigned long long n = 0;
    if (std::FILE* in = std::fopen(built.c_str(), "r")) {
        if (std::fscanf(in, "%llu", &n) != 1) n = 0;
        std::fclose(in);
    }
    return n;
}

Fixture& fixture() {
    static Fixture f = [] {
        Fixture x;
        const uint64_t n = ehb::bench::env_u64("EHB_BENCH_PERSONS_RECORDS", 1'000'000);
        const char* dir = std::getenv("EHB_BENCH_PERSONS_DIR");
        const std::filesystem::path path = dir && *dir ? dir : "/tmp/ehb-bench-persons";
        std::filesystem::create_directories(path);
        // The population depends on its size: one file per size.
        const std::filesystem::path csv = path / ("people-" + std::to_string(n) + ".csv");
        if (!std::filesystem::exists(csv)) {
            std::FILE* out = std::fopen(csv.c_str(), "w");
            if (out == nullptr) {
                x.error = "cannot write the records";
                return x;
            }
            ehb::people::generate({n + kHeldOut, 1}, out);
            std::fclose(out);
        }
        const bool fresh = !std::filesystem::exists(path / "data.mdb");
        // A fixture: its commits are flushed once, at the end of the build.
        x.store = std::make_unique<ehb::Store>(path, ehb::StoreOptions{.sync_commits = false});
        const Mapped mapped(csv);
        const std::string_view text = mapped.text();
        size_t pos = 0;
        std::vector<std::string> fields;
        if (!ehb::bench::next_row(text, pos, fields)) {  // the header
            x.error = "no records";
            return x;
        }
        const std::filesystem::path built = path / "built";  // written once the store holds all n records
        if (!fresh && read_count(built) != n) {
            x.error = std::string("not a finished store of these records: remove ") + (path / "data.mdb").string();
            return x;
        }
        person::PersonIndex index;
        person::PersonRecord record;
        person::Profile profile;
        std::vector<uint32_t> person_of;  // true person → the person filed for it (0: none yet)
        std::vector<uint64_t> made;       // the true persons the current commit filed first
        if (!fresh) {
            // Built already: the held-out records are the file's last lines (the
            // generator writes none inside a field). Not reading the 5 GB before
            // them keeps the store's pages in the page cache.
            pos = text.size();  // too few lines: no records, and an error below
            uint64_t ends = 0;  // line ends from the file's last
            for (size_t j = text.size(); j-- > 0;) {
                if (text[j] == '\n' && ++ends == kHeldOut + 1) {
                    pos = j + 1;
                    break;
                }
            }
        }
        const auto t0 = Clock::now();
        for (uint64_t i = 0; fresh && i < n;) {
            const uint64_t end = std::min(n, i + kPerCommit);
            // Store::write runs this again from the start when the map grows
            // (even at the commit): it forgets the persons an attempt made.
            size_t next = pos;
            x.store->write([&](ehb::StoreWriter& w) {
                for (uint64_t truth : made) person_of[truth] = 0;
                made.clear();
                next = pos;
                for (uint64_t k = i; k < end && ehb::bench::next_row(text, next, fields); ++k) {
                    const uint64_t truth = std::strtoull(fields[ehb::bench::kTruePerson].c_str() + 1, nullptr, 10);
                    if (truth >= person_of.size()) person_of.resize(truth + 1 + truth / 4, 0);
                    if (person_of[truth] == 0) made.push_back(truth);
                    ehb::bench::to_record(fields, record);
                    person::prepare(record, profile);
                    person_of[truth] = static_cast<uint32_t>(
                        index.file(w, person_of[truth], profile, record, k + 1, 1'700'000'000'000'000));
                }
            });
            made.clear();
            pos = next;
            i = end;
            if (i % 1'000'000 == 0) {  // a long build shows how it goes
                const double s = std::chrono::duration<double>(Clock::now() - t0).count();
                std::fprintf(stderr, "bench_persons: %llu of %llu records filed, %.0f/s\n",
                             static_cast<unsigned long long>(i), static_cast<unsigned long long>(n), i / s);
            }
        }
        if (fresh) {
            x.store->sync();
            x.build_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
            std::FILE* mark = std::fopen(built.c_str(), "w");
            if (mark != nullptr) std::fprintf(mark, "%llu\n", static_cast<unsigned long long>(n)), std::fclose(mark);
        }
        while (x.held_out.size() < kHeldOut && ehb::bench::next_row(text, pos, fields)) {
            ehb::bench::to_record(fields, x.held_out.emplace_back());
            person::prepare(x.held_out.back(), x.profiles.emplace_back());
        }
        if (x.held_out.size() != kHeldOut) x.error = "fewer records than asked for";
        x.persons = x.store->read([](const ehb::StoreReader& r) { return r.last_person(); });
        return x;
    }();
    return f;
}

// The store's index, counting the persons whose profiles the resolver
// compares the record with: what blocking leaves it to do.
class CountingIndex final : public person::Candidates {
public:
    explicit CountingIndex(person::StoreIndex& index) : index_(index) {}
    void by_identifier(const person::Identifier& id, std::vector<uint64_t>& persons) override {
        index_.by_identifier(id, persons);
    }
    bool by_block(const person::BlockKey& key, std::vector<uint64_t>& persons) override {
        return index_.by_block(key, persons);
    }
    void profiles(uint64_t person, std::vector<const person::Profile*>& out) override {
        ++compared;
        index_.profiles(person, out);
    }
    uint64_t root(uint64_t person) override { return index_.root(person); }
    bool never_link(uint64_t a, uint64_t b) override { return index_.never_link(a, b); }

    uint64_t compared = 0;

private:
    person::StoreIndex& index_;
};

// Resolution alone, in a read transaction per record: what ingest's writer
// does for a record before it writes anything.
void BM_ResolveOnline(benchmark::State& state) {
    Fixture& f = fixture();
    if (!f.error.empty() || f.persons == 0) {
        state.SkipWithError(f.error.empty() ? "an empty store" : f.error.c_str());
        return;
    }
    person::MatchConfig cfg;
    person::Model model = person::bootstrap_model();
    model.prior = person::online_prior(f.persons);  // as ingest resolves (PersonIndex::place)
    std::vector<double> us, by_model;  // every record; those without a national identifier
    uint64_t joined = 0, by_model_compared = 0;
    for (auto _ : state) {
        us.clear();
        by_model.clear();
        joined = 0, by_model_compared = 0;
        ehb::lmdb::Txn txn;
        for (uint64_t i = 0; i < kHeldOut; ++i) {
            const auto t0 = Clock::now();
            f.store->read(txn, [&](const ehb::StoreReader& r) {
                person::StoreIndex store_index(r, cfg);
                CountingIndex index(store_index);
                person::Resolver resolver(model, cfg);
                const person::Decision d = resolver.resolve(f.profiles[i], index);
                joined += d.band == person::Band::link ? 1 : 0;
                if (!f.profiles[i].has_national_id()) by_model_compared += index.compared;
                return 0;
            });
            us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
            if (!f.profiles[i].has_national_id()) by_model.push_back(us.back());
        }
    }
    std::sort(us.begin(), us.end());
    std::sort(by_model.begin(), by_model.end());
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kHeldOut));
    state.counters["persons"] = static_cast<double>(f.persons);
    state.counters["p50_us"] = us[us.size() / 2];
    state.counters["p99_us"] = us[us.size() * 99 / 100];
    // The records the model resolves (blocking, candidates' profiles): the slow ones.
    if (!by_model.empty()) {
        state.counters["no_id_share"] = static_cast<double>(by_model.size()) / static_cast<double>(kHeldOut);
        state.counters["no_id_p50_us"] = by_model[by_model.size() / 2];
        state.counters["no_id_p99_us"] = by_model[by_model.size() * 99 / 100];
        state.counters["no_id_compared"] = static_cast<double>(by_model_compared) / static_cast<double>(by_model.size());
    }
    state.counters["linked_share"] = static_cast<double>(joined) / static_cast<double>(kHeldOut);
    if (f.build_seconds > 0) state.counters["build_s"] = f.build_seconds;
}
BENCHMARK(BM_ResolveOnline)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
