#include "tools/ehb/scale_probe.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "engine/book.hpp"
#include "engine/identity.hpp"
#include "engine/parse.hpp"
#include "engine/person/person_index.hpp"
#include "engine/person/store_index.hpp"
#include "tools/ehb/summary.hpp"

namespace ehb::cli {

namespace {

using Clock = std::chrono::steady_clock;

Latencies summarise(std::vector<double>& us) {
    Latencies l;
    l.count = us.size();
    if (us.empty()) return l;
    l.p50_us = percentile(us, 0.50);
    l.p99_us = percentile(us, 0.99);
    l.max_us = *std::max_element(us.begin(), us.end());
    return l;
}

// Evicts the file's pages from the page cache (they are clean: ehbd has
// stopped and its commits were flushed) and returns the share that was
// resident before, as mincore sees it.
double evict(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY);
    if (fd < 0) throw std::runtime_error("cannot open " + file.string());
    struct stat st {};
    double resident = 0;
    if (::fstat(fd, &st) == 0 && st.st_size > 0) {
        const std::size_t size = static_cast<std::size_t>(st.st_size);
        void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
        if (map != MAP_FAILED) {
            const long page = ::sysconf(_SC_PAGESIZE);
            std::vector<unsigned char> in_core((size + page - 1) / page);
            if (::mincore(map, size, in_core.data()) == 0) {
                resident = double(std::count_if(in_core.begin(), in_core.end(), [](unsigned char c) { return c & 1; })) /
                           double(in_core.size());
            }
            ::munmap(map, size);
        }
    }
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
    return resident;
}

}  // namespace

LookupFigures probe_lookups(const std::filesystem::path& data, const std::vector<std::string>& citizens) {
    LookupFigures f;
    f.resident_before = evict(data / "data.mdb");
    StoreOptions options;
    options.read_only = true;
    const Store store(data, options);
    BookReader reader(store);
    Book book;
    std::vector<double> us;
    us.reserve(citizens.size());
    for (Latencies* pass : {&f.cold, &f.warm}) {
        us.clear();
        f.found = 0;
        for (const std::string& id : citizens) {
            const auto t0 = Clock::now();
            reader.read(id, book);
            us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
            f.found += book.episodes.empty() ? 0 : 1;
        }
        *pass = summarise(us);
    }
    return f;
}

ResolutionFigures probe_resolution(const std::filesystem::path& data, const std::vector<std::string>& documents) {
    ResolutionFigures f;
    EpisodeParser parser;
    ParsedRecord rec;
    Issue issue;
    person::PersonRecord record;
    std::vector<person::Profile> profiles;
    for (const std::string& doc : documents) {
        if (!parser.parse(doc, rec, issue)) {
            ++f.unparsed;
            continue;
        }
        person_record(rec, record);
        person::prepare(record, profiles.emplace_back());
    }

    f.resident_before = evict(data / "data.mdb");
    StoreOptions options;
    options.read_only = true;
    const Store store(data, options);
    const person::MatchConfig cfg;
    person::Model model = person::bootstrap_model();
    model.prior = person::online_prior(store.read([](const StoreReader& r) { return r.last_person(); }));
    std::vector<double> us;
    us.reserve(profiles.size());
    lmdb::Txn txn;
    for (Latencies* pass : {&f.cold, &f.warm}) {
        us.clear();
        f.linked = 0;
        for (const person::Profile& profile : profiles) {
            const auto t0 = Clock::now();
            const person::Decision d = store.read(txn, [&](const StoreReader& r) {
                person::StoreIndex index(r, cfg);
                person::Resolver resolver(model, cfg);
                return resolver.resolve(profile, index);
            });
            us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
            f.linked += d.band == person::Band::link ? 1 : 0;
        }
        *pass = summarise(us);
    }
    return f;
}

std::string latencies_json(const Latencies& l) {
    return "{\"count\":" + std::to_string(l.count) + ",\"p50_us\":" + fixed(l.p50_us, 1) +
           ",\"p99_us\":" + fixed(l.p99_us, 1) + ",\"max_us\":" + fixed(l.max_us, 1) + "}";
}

}  // namespace ehb::cli
