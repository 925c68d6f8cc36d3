// The engine against a deliberately simple in-memory model of the same rules
// (docs/architecture.md): over 100,000 records with resends, corrections,
// reordered duplicates, card-only episodes, old IDs, conflicts, invalid
// records and replays of older versions, in random batch sizes, every status
// and every book must agree.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <tuple>

#include "engine/book.hpp"
#include "engine/ingest.hpp"
#include "tests/tmpdir.hpp"
#include "tools/workload/generator.hpp"

namespace ehb {
namespace {

using schema::PersonKey;
using schema::PersonType;

// The rules of docs/architecture.md, written for clarity, not speed.
class Model {
public:
    Status apply(const Prepared& p, bool& flagged) {
        flagged = false;
        if (!p.ok) return Status::rejected;
        const ParsedRecord& r = p.record;
        std::string key = r.facility + r.ma_lk;
        auto it = episodes_.find(key);
        if (it != episodes_.end() && it->second.hash == r.hash) return Status::duplicate;

        PersonKey c = PersonKey::citizen(r.ids.citizen);
        PersonKey o = PersonKey::old_id(r.ids.old_id);
        std::vector<PersonKey> cards;
        for (const auto& si : r.ids.si_codes) cards.push_back(PersonKey::social_insurance(si));
        std::set<std::pair<char, uint64_t>> citizens;
        if (c) citizens.insert({'C', c.value});
        for (PersonKey k : cards) add_citizen(citizens, root(k));
        if (o) add_citizen(citizens, root(o));
        flagged = citizens.size() > 1;
        if (!flagged) {
            PersonKey person = citizens.empty() ? PersonKey{} : PersonKey{PersonType::citizen, citizens.begin()->second};
            for (PersonKey k : cards) {
                if (person && !links_.count(k)) links_[k] = person;
            }
            if (o && !links_.count(o)) {
                if (person) links_[o] = person;
                else if (!cards.empty()) links_[o] = cards[0];
            }
        }
        PersonKey filed = c ? c : !cards.empty() ? cards[0] : o ? o : PersonKey::passport(r.ids.passport);
        Status status = it == episodes_.end() ? Status::accepted : Status::new_version;
        episodes_[key] = {r.hash, filed, flagged};
        return status;
    }

    using BookSet = std::set<std::tuple<std::string, uint64_t, bool>>;

    // Every book: (episode key, content hash, flagged) of each current episode,
    // under the citizen its filing identifier leads to.
    std::map<uint64_t, BookSet> books() const {
        std::map<uint64_t, BookSet> out;
        for (const auto& [key, ep] : episodes_) {
            PersonKey owner = ep.filed ? root(ep.filed) : PersonKey{};
            if (owner.type == PersonType::citizen) out[owner.value].insert({key, ep.hash.lo, ep.flagged});
        }
        return out;
    }

private:
    struct Episode {
        Hash128 hash;
        PersonKey filed;
        bool flagged;
    };
    static void add_citizen(std::set<std::pair<char, uint64_t>>& set, PersonKey k) {
        if (k.type == PersonType::citizen) set.insert({'C', k.value});
    }
    PersonKey root(PersonKey k) const {
        for (auto it = links_.find(k); it != links_.end(); it = links_.find(k)) k = it->second;
        return k;
    }
    std::map<std::string, Episode> episodes_;
    std::map<PersonKey, PersonKey, bool (*)(const PersonKey&, const PersonKey&)> links_{
        [](const PersonKey& a, const PersonKey& b) { return std::pair(a.type, a.value) < std::pair(b.type, b.value); }};
};

Model::BookSet engine_book(BookReader& reader, const std::string& citizen) {
    Book b;
    EXPECT_TRUE(reader.read(citizen, b));
    Model::BookSet out;
    for (const auto& e : b.episodes) out.insert({e.facility + e.ma_lk, e.current.hash.lo, e.current.flagged});
    return out;
}

TEST(Differential, EngineAndModelAgreeOnEveryStatusAndEveryBook) {
    test::TempDir dir;
    Store store(dir.path());
    Engine engine(store);
    Model model;
    Preparer preparer;  // the model parses with the same parser; parsing has its own tests

    workload::Config config;
    config.citizens = 3000;
    config.episodes = 85'000;
    config.seed = 7;
    config.mix = {.resend = 0.08, .correction = 0.06, .reorder = 0.04,
                  .card_only = 0.08, .old_id = 0.04, .conflict = 0.02, .invalid = 0.03};
    workload::Generator gen(config);

    std::mt19937_64 rng(11);
    std::vector<std::string> pool;  // earlier documents, replayed as they were (possibly outdated versions)
    std::vector<std::string> batch;
    std::map<Status, uint64_t> totals;
    uint64_t flagged_total = 0, records = 0, replays = 0;
    std::string doc;
    bool more = true;
    Prepared prepared;
    while (more) {
        batch.clear();
        std::size_t size = 1 + rng() % 400;
        while (batch.size() < size) {
            if (!pool.empty() && rng() % 100 < 4) {
                batch.push_back(pool[rng() % pool.size()]);
                ++replays;
                continue;
            }
            if (!(more = gen.next(doc))) break;
            batch.push_back(doc);
            if (pool.size() < 4000) pool.push_back(doc);
            else if (rng() % 10 == 0) pool[rng() % pool.size()] = doc;
        }
        std::vector<std::string_view> views(batch.begin(), batch.end());
        auto results = engine.ingest(views, "differential");
        ASSERT_EQ(results.size(), batch.size());
        for (std::size_t i = 0; i < batch.size(); ++i) {
            preparer.prepare(batch[i], prepared);
            bool flagged = false;
            Status want = model.apply(prepared, flagged);
            ASSERT_EQ(results[i].status, want) << "record " << records << ": " << batch[i].substr(0, 300);
            ASSERT_EQ(results[i].flagged, flagged) << "record " << records;
            ++totals[want];
            flagged_total += flagged;
            ++records;
        }
    }
    EXPECT_GE(records, 100'000u);
    EXPECT_GT(replays, 3000u);
    for (Status s : {Status::accepted, Status::duplicate, Status::new_version, Status::rejected}) {
        EXPECT_GT(totals[s], 1000u) << status_name(s);
    }
    EXPECT_GT(flagged_total, 500u);

    BookReader reader(store);
    auto books = model.books();
    std::size_t nonempty = 0;
    for (uint64_t i = 0; i < config.citizens; ++i) {
        std::string citizen = gen.citizen_id(i);
        const auto& want = books[PersonKey::citizen(citizen).value];
        ASSERT_EQ(engine_book(reader, citizen), want) << "book of citizen " << citizen;
        nonempty += !want.empty();
    }
    EXPECT_GT(nonempty, config.citizens * 9 / 10);
}

TEST(Differential, EngineReachesTheCountsTheGeneratorPromises) {
    test::TempDir dir;
    Store store(dir.path());
    Engine engine(store);
    workload::Config config;
    config.citizens = 5000;
    config.episodes = 20'000;
    config.seed = 3;
    workload::Generator gen(config);
    workload::Counts got;
    std::vector<std::string> batch;
    std::string doc;
    for (bool more = true; more;) {
        batch.clear();
        while (batch.size() < 500 && (more = gen.next(doc))) batch.push_back(doc);
        std::vector<std::string_view> views(batch.begin(), batch.end());
        for (const RecordResult& r : engine.ingest(views, "gen")) {
            ++got.records;
            got.accepted += r.status == Status::accepted;
            got.duplicate += r.status == Status::duplicate;
            got.new_version += r.status == Status::new_version;
            got.rejected += r.status == Status::rejected;
            got.flagged += r.flagged;
        }
    }
    const workload::Counts& want = gen.expected();
    EXPECT_EQ(got.records, want.records);
    EXPECT_EQ(got.accepted, want.accepted);
    EXPECT_EQ(got.duplicate, want.duplicate);
    EXPECT_EQ(got.new_version, want.new_version);
    EXPECT_EQ(got.rejected, want.rejected);
    EXPECT_EQ(got.flagged, want.flagged);
    EXPECT_GT(want.flagged, 0u);
}

}  // namespace
}  // namespace ehb
