// Person matching (docs/persons.md) over the labelled generator's records
// (`ehb people`): name folding, address keys, profile preparation, comparison
// and scoring, the model's estimation, and the resolution of new records
// against an index that already holds the rest of the population.
// EHB_BENCH_MATCH_RECORDS sets the population (default 200,000).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/common.hpp"
#include "bench/people_records.hpp"
#include "engine/person/address.hpp"
#include "engine/person/compare.hpp"
#include "engine/person/match_config.hpp"
#include "engine/person/memory_index.hpp"
#include "engine/person/model.hpp"
#include "engine/person/names.hpp"
#include "engine/person/profile.hpp"
#include "engine/person/resolver.hpp"
#include "tools/people/people.hpp"

namespace {

namespace person = ehb::person;
using Clock = std::chrono::steady_clock;

// Records resolved against the index in BM_Resolve (the index holds the others).
constexpr uint32_t kHeldOut = 10'000;

using ehb::bench::Population;

const Population& population() {
    static const Population pop =
        ehb::bench::generate_population(ehb::bench::env_u64("EHB_BENCH_MATCH_RECORDS", 200'000));
    return pop;
}

// Checks every benchmark starts with: false (the benchmark skipped) when the population is unusable.
bool have_population(benchmark::State& state) {
    const Population& pop = population();
    if (!pop.error.empty()) state.SkipWithError(pop.error.c_str());
    else if (pop.records.size() < 2000) state.SkipWithError("EHB_BENCH_MATCH_RECORDS below 2000");
    return !state.error_occurred();
}

const person::MatchConfig& config() {
    static const person::MatchConfig cfg;
    return cfg;
}

const person::Model& model() {
    static const person::Model m = [] {
        person::TrainingReport report;
        return person::train(population().profiles, config(), report);
    }();
    return m;
}

bool folded_text(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' '; });
}

size_t tokens(std::string_view s) { return s.empty() ? 0 : std::count(s.begin(), s.end(), ' ') + 1; }

// Times `work` on one text of a record per iteration, cycling through the population.
template <class Work>
void time_text(benchmark::State& state, std::string person::PersonRecord::*text, Work work) {
    const auto& records = population().records;
    uint64_t bytes = 0;
    size_t i = 0;
    for (auto _ : state) {
        const std::string& value = records[i].*text;
        work(value);
        bytes += value.size();
        if (++i == records.size()) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_Fold(benchmark::State& state) {
    if (!have_population(state)) return;
    const auto& records = population().records;
    std::string folded, toned, again;
    // Folded names are lowercase ASCII, fold again to themselves, and the toned form has the same tokens.
    for (const auto& r : records) {
        person::fold(r.full_name, folded);
        person::toned(r.full_name, toned);
        person::fold(folded, again);
        if (!folded_text(folded) || again != folded || tokens(toned) != tokens(folded)) {
            std::string error = "fold or toned wrong on ";
            error += r.full_name;
            state.SkipWithError(error.c_str());
            return;
        }
    }
    time_text(state, &person::PersonRecord::full_name, [&](const std::string& name) {
        person::fold(name, folded);
        person::toned(name, toned);
        benchmark::DoNotOptimize(folded.data());
        benchmark::DoNotOptimize(toned.data());
    });
}
BENCHMARK(BM_Fold);

void BM_AddressKey(benchmark::State& state) {
    if (!have_population(state)) return;
    const auto& records = population().records;
    std::string key;
    // Keys are folded text, and an address keeps some place name or number.
    size_t addresses = 0, keyed = 0;
    for (const auto& r : records) {
        person::address_key(r.address, key);
        if (!folded_text(key)) {
            std::string error = "address key not folded for ";
            error += r.address;
            state.SkipWithError(error.c_str());
            return;
        }
        addresses += !r.address.empty();
        keyed += !r.address.empty() && !key.empty();
    }
    if (keyed < addresses * 99 / 100) {
        state.SkipWithError("addresses with an empty key");
        return;
    }
    time_text(state, &person::PersonRecord::address, [&](const std::string& address) {
        person::address_key(address, key);
        benchmark::DoNotOptimize(key.data());
    });
}
BENCHMARK(BM_AddressKey);

void BM_Prepare(benchmark::State& state) {
    if (!have_population(state)) return;
    const Population& pop = population();
    // Nearly every record has a name (placeholders are 1 in 1,000) and a birth year.
    size_t named = 0, dated = 0;
    for (const auto& p : pop.profiles) {
        named += p.has_name() && !p.placeholder;
        dated += p.year != 0;
    }
    if (named < pop.profiles.size() * 99 / 100 || dated < pop.profiles.size() * 95 / 100) {
        state.SkipWithError("prepared profiles without names or birth years");
        return;
    }
    person::Profile p;
    size_t i = 0;
    for (auto _ : state) {
        person::prepare(pop.records[i], p);
        benchmark::DoNotOptimize(p.name.given.data());
        if (++i == pop.records.size()) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Prepare);

void BM_Train(benchmark::State& state) {
    if (!have_population(state)) return;
    const auto& profiles = population().profiles;
    // Agreeing is evidence of one person on every field, and the prior is a probability.
    const person::Model& check = model();
    for (int f = 0; f < person::kFields; ++f) {
        if (!(check.m[f][0] > check.u[f][0])) state.SkipWithError("a field's agreement weighs against a match");
    }
    if (!(check.prior > 0 && check.prior < 0.5)) state.SkipWithError("prior out of range");
    if (state.error_occurred()) return;
    for (auto _ : state) {
        person::TrainingReport report;
        benchmark::DoNotOptimize(person::train(profiles, config(), report).prior);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * profiles.size()));
    state.counters["prior"] = check.prior;
}
BENCHMARK(BM_Train)->Iterations(1)->Unit(benchmark::kSecond);

void BM_Compare(benchmark::State& state) {
    if (!have_population(state)) return;
    const auto& profiles = population().profiles;
    const person::Model& m = model();
    // A record compared with itself agrees at the strongest level on every field it has
    // (the birth date and residence checked where there is a whole date and an address).
    size_t checked = 0;
    for (const auto& p : profiles) {
        if (!p.has_name() || !p.full_date() || p.address.empty()) continue;
        const person::Gamma g = person::compare(p, p);
        for (uint8_t level : g.level) {
            if (level != 0 && level != person::kMissing) {
                state.SkipWithError("a record does not agree with itself");
                return;
            }
        }
        ++checked;
    }
    if (checked < profiles.size() / 2) {
        state.SkipWithError("too few records with a name, a whole birth date and an address");
        return;
    }
    size_t i = 0;
    for (auto _ : state) {
        const person::Profile &a = profiles[i], &b = profiles[i + 1];
        const person::Gamma g = person::compare(a, b);
        benchmark::DoNotOptimize(m.score(g, a, b));
        if (++i + 1 == profiles.size()) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Compare);

// Resolves record `r` and files it as `ehb link` does (engine/person/linker.cpp); returns its person.
uint64_t resolve_and_file(person::Resolver& resolver, person::MemoryIndex& index,
                          const std::vector<person::Profile>& profiles, uint32_t r) {
    const person::Decision d = resolver.resolve(profiles[r], index);
    const uint64_t p = index.add(r, d.person);
    if (d.merge != 0) index.merge(d.merge, p);
    return p;
}

// The index as `ehb link` builds it, holding every record but the last held-out ones.
struct Indexed {
    person::MemoryIndex index;
    uint32_t held_out_from = 0;               // the first held-out record
    std::vector<uint32_t> first_record;       // person - 1 → the first record filed under it
};

const Indexed& indexed() {
    static const Indexed ix = [] {
        const auto& profiles = population().profiles;
        const auto n = static_cast<uint32_t>(profiles.size());
        Indexed out{person::MemoryIndex(profiles, config()), n - std::min(kHeldOut, n / 2), {}};
        person::Resolver resolver(model(), config());
        for (uint32_t i = 0; i < out.held_out_from; ++i) {
            if (resolve_and_file(resolver, out.index, profiles, i) > out.first_record.size())
                out.first_record.push_back(i);
        }
        return out;
    }();
    return ix;
}

// Resolves the held-out records against a copy of the index: false (the benchmark
// skipped) unless at least half of them join a person, and nearly all of those the right one.
bool held_out_records_resolve(benchmark::State& state) {
    const Population& pop = population();
    const Indexed& ix = indexed();
    person::MemoryIndex index = ix.index;
    person::Resolver resolver(model(), config());
    const auto n = static_cast<uint32_t>(pop.profiles.size());
    std::vector<uint32_t> first_record = ix.first_record;
    uint32_t joined = 0, right = 0;
    for (uint32_t i = ix.held_out_from; i < n; ++i) {
        const uint64_t known = index.persons();
        const uint64_t p = resolve_and_file(resolver, index, pop.profiles, i);
        if (p > known) {
            first_record.push_back(i);
            continue;
        }
        ++joined;
        right += pop.truth[first_record[index.root(p) - 1]] == pop.truth[i];
    }
    const uint32_t held = n - ix.held_out_from;
    state.counters["joined_share"] = double(joined) / held;
    state.counters["right_share"] = joined ? double(right) / joined : 0;
    if (joined < held / 2) state.SkipWithError("fewer than half the held-out records join a person");
    else if (right < joined * 98 / 100) state.SkipWithError("held-out records join the wrong persons");
    return !state.error_occurred();
}

void BM_Resolve(benchmark::State& state) {
    if (!have_population(state)) return;
    const auto& profiles = population().profiles;
    const Indexed& ix = indexed();
    if (!held_out_records_resolve(state)) return;
    const auto n = static_cast<uint32_t>(profiles.size());
    std::vector<double> micros;
    micros.reserve(n - ix.held_out_from);
    for (auto _ : state) {
        person::MemoryIndex index = ix.index;  // untimed: the time is the loop's alone
        person::Resolver resolver(model(), config());
        const auto t0 = Clock::now();
        for (uint32_t i = ix.held_out_from; i < n; ++i) {
            const auto r0 = Clock::now();
            const person::Decision d = resolver.resolve(profiles[i], index);
            micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - r0).count());
            const uint64_t p = index.add(i, d.person);
            if (d.merge != 0) index.merge(d.merge, p);
        }
        state.SetIterationTime(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * (n - ix.held_out_from)));
    if (micros.empty()) return;
    auto percentile = [&](double q) {
        auto at = micros.begin() + static_cast<ptrdiff_t>(q * double(micros.size() - 1));
        std::nth_element(micros.begin(), at, micros.end());
        return *at;
    };
    state.counters["p50_us"] = percentile(0.50);
    state.counters["p99_us"] = percentile(0.99);
}
BENCHMARK(BM_Resolve)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
