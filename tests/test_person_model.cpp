// The matching model in the store (docs/persons.md, "The model online"): kept
// with its thresholds, which ingest adopts with it, and estimated with the
// stewards' review decisions.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/ingest.hpp"
#include "engine/person/model_store.hpp"
#include "engine/person/person_index.hpp"
#include "engine/person/steward.hpp"
#include "tests/docs.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

using test::Doc;
using test::TempDir;

class PersonModelTest : public ::testing::Test {
protected:
    TempDir dir;
    Store store{dir.path()};
    Engine engine{store};

    void push(const std::vector<Doc>& docs) {
        std::vector<std::string> text;
        for (const Doc& d : docs) text.push_back(d.json());
        std::vector<std::string_view> views(text.begin(), text.end());
        for (const RecordResult& r : engine.ingest(views, "test")) ASSERT_EQ(r.status, Status::accepted);
    }
    uint64_t persons() {
        return store.read([](const StoreReader& r) { return r.last_person(); });
    }
};

TEST_F(PersonModelTest, ThresholdsAreStoredWithTheModelAndAModelStoredWithoutThemGetsTheDefaults) {
    person::Model model = person::bootstrap_model();
    model.prior = 1e-7;
    person::MatchConfig cfg;
    cfg.link_probability = 0.9999;
    cfg.review_probability = 0.6;
    cfg.max_block = 50;
    cfg.max_variants = 4;
    cfg.em_iterations = 12;
    person::TrainingReport report;
    report.records = 7;
    report.decided_links = 3;
    report.lambda_by_birth = 0.25;
    store.write([&](StoreWriter& w) {
        person::save_model(w, "2026-12", model, cfg, report);
        // As the store kept a model before its thresholds were kept with it.
        std::string key(schema::kMetaPersonModelPrefix);
        key += "old";
        w.tables().meta.put(w.txn(), key, person::encode_model(model));
    });
    store.read([&](const StoreReader& r) {
        EXPECT_EQ(person::latest_model_version(r), "2026-12");
        const auto stored = person::load_model(r, "2026-12");
        EXPECT_TRUE(stored);
        if (!stored) return 0;
        EXPECT_EQ(stored->config.version, "2026-12");
        EXPECT_EQ(stored->config.link_probability, 0.9999);
        EXPECT_EQ(stored->config.review_probability, 0.6);
        EXPECT_EQ(stored->config.max_block, 50u);
        EXPECT_EQ(stored->config.max_variants, 4u);
        EXPECT_EQ(stored->config.em_iterations, 12);
        EXPECT_EQ(stored->report.records, 7u);
        EXPECT_EQ(stored->report.decided_links, 3u);
        EXPECT_EQ(stored->report.lambda_by_birth, 0.25);
        EXPECT_EQ(stored->model.prior, 1e-7);
        EXPECT_EQ(stored->model.m, model.m);

        const auto old = person::load_model(r, "old");
        EXPECT_TRUE(old);
        if (!old) return 0;
        EXPECT_EQ(old->config.version, "old");
        EXPECT_EQ(old->config.link_probability, person::MatchConfig{}.link_probability);
        EXPECT_EQ(old->model.u, model.u);
        EXPECT_FALSE(person::load_model(r, "none"));
        return 0;
    });
}

TEST_F(PersonModelTest, IngestAdoptsTheThresholdsStoredWithTheModel) {
    person::MatchConfig strict;
    strict.link_probability = 0.999999999;
    store.write([&](StoreWriter& w) { person::save_model(w, "strict", person::bootstrap_model(), strict); });
    Doc first;
    first.extra = {{"DIA_CHI", "\"Số 12, Đường Trần Phú, Phường Tân Định\""}, {"MAXA_CU_TRU", "\"26734\""}};
    Doc again = first;  // the same person under another patient number, without identifiers
    again.ma_lk = "CC-0001";
    again.citizen.clear();
    again.card.clear();
    push({first, again});
    EXPECT_EQ(persons(), 2u) << "the strict thresholds kept the records apart";

    store.write([&](StoreWriter& w) { person::save_model(w, "normal", person::bootstrap_model()); });
    again.ma_lk = "CC-0002";
    push({again});
    EXPECT_EQ(persons(), 2u) << "with the default thresholds the record joins a person";
}

// Persons of distinct names and birth dates, and for the first `twins` of them
// a record of the same family, birth date and home under a clearly other given
// name of the same first letter (blocking finds it): each a review item
// ("another given name").
std::vector<Doc> population(int persons, int twins) {
    static const char* const family[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"};
    static const char* const middle[] = {"Văn", "Hữu", "Đức", "Minh", "Quốc"};
    static const char* const given[] = {"Bình", "Cường", "Dũng", "Giang", "Hải", "Long",
                                        "Bảo", "Cảnh",  "Đức",  "Gấm",   "Hùng", "Lâm"};
    std::vector<Doc> out;
    auto person = [&](int i, int given_at) {
        Doc d;
        d.ma_lk = test::key("P", {i, given_at});
        d.citizen.clear();
        d.card.clear();
        d.name = family[i % 10];
        d.name += ' ';
        d.name += middle[(i / 10) % 5];
        d.name += ' ';
        d.name += given[given_at % 12];
        char birth[16];
        std::snprintf(birth, sizeof birth, "%04d%02d%02d0000", 1950 + i % 50, 1 + i % 12, 1 + i % 28);
        d.birth = birth;
        std::string address = "\"Số ";
        address += std::to_string(i);
        address += ", Đường Trần Phú\"";
        d.extra = {{"DIA_CHI", address}, {"MAXA_CU_TRU", "\"" + std::to_string(26700 + i % 50) + "\""}};
        return d;
    };
    for (int i = 0; i < persons; ++i) out.push_back(person(i, i / 50));
    for (int i = 0; i < twins; ++i) out.push_back(person(i, i / 50 + 6));
    return out;
}

TEST_F(PersonModelTest, LinkDecisionsRaiseMOfTheLevelsTheyShowAndNolinkDecisionsAreScored) {
    push(population(300, 20));
    ASSERT_EQ(persons(), 320u) << "every twin a person of its own";
    const uint64_t reviews = store.read([](const StoreReader& r) { return r.last_numbered(r.tables().reviews); });
    ASSERT_EQ(reviews, 20u) << "and a review item";
    person::MatchConfig cfg;
    cfg.u_pairs = 20'000;
    cfg.em_pairs = 20'000;
    person::TrainingReport before_report, after_report;
    const person::Model before = person::train_from_store(store, cfg, 1'000'000, before_report);
    EXPECT_EQ(before_report.decided_links, 0u);
    EXPECT_EQ(before_report.decided_nolinks, 0u);

    person::Steward steward(&store.dictionaries());
    const person::Actor who{"steward1", "one person, the given name mistyped (test)", now_us()};
    store.write([&](StoreWriter& w) {
        for (uint64_t id = 1; id <= 20; ++id) steward.decide(w, id, id <= 15, who);
    });
    const person::Model after = person::train_from_store(store, cfg, 1'000'000, after_report);
    EXPECT_EQ(after_report.decided_links, 15u);
    EXPECT_EQ(after_report.decided_nolinks, 5u);
    EXPECT_LE(after_report.nolinks_linked + after_report.nolinks_reviewed, 5u);
    const uint8_t other_given = person::kLevels[person::kGiven] - 1;
    EXPECT_GT(after.m[person::kGiven][other_given], before.m[person::kGiven][other_given]);
    EXPECT_EQ(after.u[person::kGiven][other_given], before.u[person::kGiven][other_given]) << "u is left alone";
    const std::string json = person::model_json(after, cfg, after_report);
    EXPECT_NE(json.find("\"decisions\": {\"link\": 15, \"nolink\": 5"), std::string::npos) << json;
}

}  // namespace
}  // namespace ehb
