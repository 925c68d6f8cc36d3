// The standard workload (../shared/workload.md, docs/benchmarks.md): a
// deterministic stream of episode documents with the statuses each must get.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace ehb::workload {

// Shares of the documents produced (the standard mix by default).
struct Mix {
    double resend = 0.05;      // byte-identical resend of an earlier episode's current version
    double correction = 0.02;  // new content for an earlier episode key
    double reorder = 0.01;     // current version again, other key order and whitespace
    // Shares of the new episodes:
    double card_only = 0.03;   // no SO_CCCD: known by the insurance card only
    double old_id = 0.01;      // SO_CCCD holds the person's old 9-digit ID
    double conflict = 0.002;   // citizen ID of one person, card of another (already linked) person
    double invalid = 0.005;    // one structural error; must be rejected
};

struct Config {
    uint64_t citizens = 1'000'000;
    uint64_t episodes = 3'000'000;  // new episode keys; documents = episodes / (1 - resend - correction - reorder)
    uint64_t seed = 1;
    Mix mix;
};

// What the engine must report for the documents produced so far.
struct Counts {
    uint64_t records = 0;
    uint64_t accepted = 0;
    uint64_t duplicate = 0;
    uint64_t new_version = 0;
    uint64_t rejected = 0;
    uint64_t flagged = 0;
    uint64_t bytes = 0;  // total JSON bytes produced
};

class Generator {
public:
    explicit Generator(const Config& config);
    ~Generator();
    Generator(Generator&&) noexcept;
    Generator& operator=(Generator&&) noexcept;

    // Writes the next document into `doc` (replacing its content); false when done.
    bool next(std::string& doc);

    const Counts& expected() const;      // for the documents produced so far
    uint64_t documents_total() const;    // how many `next` will produce in all

    // Identifiers of citizen i (0 <= i < citizens), for lookups.
    std::string citizen_id(uint64_t i) const;
    std::string card_number(uint64_t i) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ehb::workload
