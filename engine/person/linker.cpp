#include "engine/person/linker.hpp"

#include <chrono>
#include <thread>

#include "engine/person/memory_index.hpp"

namespace ehb::person {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

LinkResult link_records(const std::vector<PersonRecord>& records, const MatchConfig& cfg, unsigned threads,
                        std::vector<Profile>& profiles) {
    LinkResult out;
    auto t0 = std::chrono::steady_clock::now();
    profiles.assign(records.size(), Profile{});
    threads = std::max(1u, threads);
    {
        std::vector<std::jthread> pool;
        for (unsigned t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                for (size_t i = t; i < records.size(); i += threads) prepare(records[i], profiles[i]);
            });
    }
    out.prepare_seconds = seconds_since(t0);

    t0 = std::chrono::steady_clock::now();
    out.model = train(profiles, cfg, out.training);
    out.train_seconds = seconds_since(t0);

    t0 = std::chrono::steady_clock::now();
    MemoryIndex index(profiles, cfg);
    Resolver resolver(out.model, cfg);
    out.decisions.resize(records.size());
    for (uint32_t i = 0; i < records.size(); ++i) {
        Decision& d = out.decisions[i];
        d = resolver.resolve(profiles[i], index);
        d.person = index.add(i, d.person);
        if (d.merge != 0) index.merge(d.merge, d.person);
        ++out.by_band[static_cast<int>(d.band)];
    }
    // Report each record's person as the one it ended up in, after merges.
    for (Decision& d : out.decisions) d.person = index.root(d.person);
    out.persons = index.persons() - index.merged();
    out.resolve_seconds = seconds_since(t0);
    return out;
}

}  // namespace ehb::person
