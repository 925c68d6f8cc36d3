// Re-matching on a real store (docs/persons.md, "Re-matching"): what a re-run
// with other thresholds proposes, that stewards' decisions hold, that a dry run
// changes nothing and that an applied plan leaves nothing more to do.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "engine/book.hpp"
#include "engine/ingest.hpp"
#include "engine/person/model_store.hpp"
#include "engine/person/person_index.hpp"
#include "engine/person/rematch.hpp"
#include "engine/person/steward.hpp"
#include "tests/docs.hpp"
#include "tests/run_command.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

using test::Doc;
using test::TempDir;

constexpr const char* kAddress = "\"Số 12, Đường Trần Phú, Phường Tân Định, Quận 1, Thành phố Hồ Chí Minh\"";

class RematchTest : public ::testing::Test {
protected:
    TempDir dir;
    Store store{dir.path()};
    Engine engine{store};
    person::Steward steward{&store.dictionaries()};
    const person::Actor who{"steward1", "checked the papers (test)", now_us()};

    void push(const Doc& d) {
        const std::string doc = d.json();
        std::string_view view = doc;
        ASSERT_EQ(engine.ingest({&view, 1}, "test").at(0).status, Status::accepted);
    }
    // A person at home in Hồ Chí Minh City, ward 26734.
    static Doc at_home(Doc d) {
        d.extra = {{"DIA_CHI", kAddress}, {"MAXA_CU_TRU", "\"26734\""}, {"MATINH_CU_TRU", "\"79\""}};
        return d;
    }
    // The same person from the same facility, under another patient number and without identifiers.
    static Doc again(std::string ma_lk) {
        Doc d = at_home(Doc{});
        d.ma_lk = std::move(ma_lk);
        d.citizen.clear();
        d.card.clear();
        return d;
    }
    static Doc someone_else() {
        Doc d;
        d.ma_lk = "B1";
        d.citizen = "079190000111";
        d.card = "HT4790987654321";
        d.name = "Trần Thị Bình";
        d.birth = "199107200000";
        d.sex = "2";
        return d;
    }
    // Ingest decides with thresholds so strict that the model links nothing it is not all but sure of.
    void ingest_strictly() {
        person::MatchConfig strict;
        strict.link_probability = 0.999999999;
        store.write([&](StoreWriter& w) { person::save_model(w, "strict", person::bootstrap_model(), strict); });
    }
    // The store's model with the default thresholds: what a re-match with `--config` of them runs.
    person::RematchModel normal_thresholds() {
        person::RematchModel with = person::rematch_model(store);
        with.config = person::MatchConfig{};
        return with;
    }
    person::RematchPlan plan(const person::RematchModel& with) { return person::plan_rematch(store, with); }
    std::vector<std::string> ma_lks(std::string_view id) {
        BookReader reader(store);
        Book b;
        EXPECT_TRUE(reader.read(id, b)) << id;
        std::vector<std::string> out;
        for (const auto& e : b.episodes) out.push_back(e.ma_lk);
        std::sort(out.begin(), out.end());
        return out;
    }
};

TEST_F(RematchTest, RematchingWithLooserThresholdsProposesTheMergeAndAppliedLeavesNothingToDo) {
    ingest_strictly();
    push(at_home(Doc{}));
    push(again("CC-0001"));
    ASSERT_EQ(ma_lks("001090012345"), std::vector<std::string>{"LK0001"}) << "kept apart by the strict thresholds";

    const person::RematchPlan same = plan(person::rematch_model(store));
    EXPECT_EQ(same.model_version, "strict");
    EXPECT_EQ(same.records, 2u);
    EXPECT_EQ(same.unchanged, 2u);
    EXPECT_TRUE(same.empty()) << person::rematch_json(same, 10, false);

    const person::RematchModel with = normal_thresholds();
    const person::RematchPlan looser = plan(with);
    ASSERT_EQ(looser.merges.size(), 1u) << person::rematch_json(looser, 10, false);
    EXPECT_EQ(looser.merges[0].into, 1u);
    EXPECT_EQ(looser.merges[0].from, std::vector<uint64_t>{2});
    ASSERT_EQ(looser.merges[0].evidence.size(), 1u);
    EXPECT_EQ(looser.merges[0].evidence[0].reason, "model");
    EXPECT_EQ(looser.moves, 0u);
    EXPECT_EQ(looser.unchanged, 0u);
    const std::string json = person::rematch_json(looser, 10, false);
    EXPECT_NE(json.find("\"proposed_merges\":[{\"into\":\"1\",\"from\":[\"2\"],\"records\":2,"
                        "\"evidence\":[{\"person\":\"2\""),
              std::string::npos) << json;

    person::apply_rematch(store, looser, {"rematch:tester", "thresholds back to normal (test)", now_us(), true});
    EXPECT_EQ(ma_lks("001090012345"), (std::vector<std::string>{"CC-0001", "LK0001"}));
    const std::string audit = store.read([&](const StoreReader& r) { return steward.audit_json(r, 2); });
    EXPECT_NE(audit.find("\"op\":\"merge\",\"principal\":\"rematch:tester\","
                         "\"why\":\"thresholds back to normal (test)\""),
              std::string::npos) << audit;
    const person::RematchPlan after = plan(with);
    EXPECT_TRUE(after.empty()) << person::rematch_json(after, 10, false);
    EXPECT_EQ(after.unchanged, 1u);
    EXPECT_THROW(person::apply_rematch(store, looser, {"rematch:tester", "", now_us(), true}), person::StewardError)
        << "a plan is applied only to the store it was made on";
}

TEST_F(RematchTest, PersonsAStewardSaidAreTwoAreNotProposed) {
    ingest_strictly();
    push(at_home(Doc{}));
    push(again("CC-0001"));
    const std::string reviews = store.read([&](const StoreReader& r) { return steward.reviews_json(r, 10); });
    ASSERT_NE(reviews.find("\"reason\":\"uncertain\""), std::string::npos) << reviews;
    store.write([&](StoreWriter& w) { steward.decide(w, 1, false, who); });
    const person::RematchPlan p = plan(normal_thresholds());
    EXPECT_TRUE(p.empty()) << person::rematch_json(p, 10, false);
    EXPECT_EQ(p.unchanged, 2u);
}

TEST_F(RematchTest, AStewardsUnlinkIsNotUndone) {
    push(at_home(Doc{}));
    push(again("LK0002"));
    ASSERT_EQ(ma_lks("001090012345"), (std::vector<std::string>{"LK0001", "LK0002"}));
    const person::RematchPlan before = plan(person::rematch_model(store));
    ASSERT_TRUE(before.empty()) << person::rematch_json(before, 10, false);

    store.write([&](StoreWriter& w) { steward.unlink(w, "01001LK0002", who); });
    const person::RematchPlan p = plan(person::rematch_model(store));
    EXPECT_TRUE(p.empty()) << person::rematch_json(p, 10, false);
    EXPECT_EQ(p.persons, 2u);
}

TEST_F(RematchTest, AnEpisodeAStewardMovedAndPersonsAStewardMergedStayWhereTheyPutThem) {
    push(at_home(Doc{}));
    Doc other = someone_else();
    push(other);
    Doc third = someone_else();
    third.ma_lk = "B2";
    push(third);
    ASSERT_EQ(ma_lks("079190000111"), (std::vector<std::string>{"B1", "B2"}));

    // Left alone, the re-run finds what ingest found.
    ASSERT_TRUE(plan(person::rematch_model(store)).empty());
    // A steward files B2 under person 1, whom it does not match at all.
    store.write([&](StoreWriter& w) { steward.link(w, "01001B2", 1, who); });
    person::RematchPlan p = plan(person::rematch_model(store));
    EXPECT_TRUE(p.empty()) << person::rematch_json(p, 10, false);

    // A steward merges the two persons: they stay one.
    store.write([&](StoreWriter& w) { steward.merge(w, 1, 2, who); });
    p = plan(person::rematch_model(store));
    EXPECT_TRUE(p.empty()) << person::rematch_json(p, 10, false);
    EXPECT_EQ(p.persons, 1u);
}

TEST_F(RematchTest, AnAutomaticMergeTheRerunDoesNotMakeIsUndone) {
    push(at_home(Doc{}));
    push(someone_else());
    // Re-matching's own merge is automatic: unlike a steward's, a later re-match may undo it.
    store.write([&](StoreWriter& w) { person::merge_persons(w, 1, 2, {"rematch:tester", "", now_us(), true}); });
    ASSERT_EQ(ma_lks("079190000111"), (std::vector<std::string>{"B1", "LK0001"}));
    const person::RematchPlan p = plan(person::rematch_model(store));
    ASSERT_EQ(p.splits.size(), 1u) << person::rematch_json(p, 10, false);
    EXPECT_EQ(p.splits[0].person, 1u);
    ASSERT_EQ(p.splits[0].moves.size(), 1u);
    EXPECT_EQ(p.splits[0].moves[0].episode, "01001B1");
    EXPECT_EQ(p.splits[0].moves[0].to, 2u) << "back to the person merged";
    EXPECT_EQ(p.splits[0].moves[0].unmerge, 1u) << "by undoing the merge, which gives its identifiers back too";
    EXPECT_EQ(p.moves, 1u);

    person::apply_rematch(store, p, {"rematch:tester", "", now_us(), true});
    EXPECT_EQ(ma_lks("001090012345"), std::vector<std::string>{"LK0001"});
    EXPECT_EQ(ma_lks("079190000111"), std::vector<std::string>{"B1"});
    EXPECT_TRUE(plan(person::rematch_model(store)).empty());
}

TEST_F(RematchTest, ARecordTheRerunSeparatesMovesToANewPerson) {
    push(at_home(Doc{}));
    push(again("CC-0001"));
    ASSERT_EQ(ma_lks("001090012345"), (std::vector<std::string>{"CC-0001", "LK0001"}));
    person::RematchModel strict = person::rematch_model(store);
    strict.config.link_probability = 0.999999999;
    const person::RematchPlan p = plan(strict);
    ASSERT_EQ(p.splits.size(), 1u) << person::rematch_json(p, 10, false);
    ASSERT_EQ(p.splits[0].moves.size(), 1u);
    EXPECT_EQ(p.splits[0].moves[0].episode, "01001CC-0001");
    EXPECT_EQ(p.splits[0].moves[0].to, 0u);
    EXPECT_EQ(p.splits[0].moves[0].fresh, 1u);
    EXPECT_EQ(p.splits[0].moves[0].reason, "uncertain");
    const std::string json = person::rematch_json(p, 10, false);
    EXPECT_NE(json.find("\"moves\":[{\"facility\":\"01001\",\"ma_lk\":\"CC-0001\",\"to\":\"new:1\""), std::string::npos)
        << json;

    // In the review band against person 1: a pair for a steward.
    ASSERT_EQ(p.reviews.size(), 1u);
    EXPECT_EQ(p.reviews[0].episode, "01001CC-0001");
    EXPECT_EQ(p.reviews[0].candidate, 1u);
    EXPECT_NE(json.find("\"proposed_reviews\":[{\"facility\":\"01001\",\"ma_lk\":\"CC-0001\",\"candidate\":\"1\","),
              std::string::npos) << json;

    person::apply_rematch(store, p, {"rematch:tester", "", now_us(), true});
    EXPECT_EQ(ma_lks("001090012345"), std::vector<std::string>{"LK0001"});
    const std::string reviews = store.read([&](const StoreReader& r) { return steward.reviews_json(r, 10); });
    EXPECT_NE(reviews.find("\"person\":\"2\",\"candidate\":\"1\""), std::string::npos) << reviews;
    EXPECT_TRUE(plan(strict).empty()) << "the pair is put to a steward once";
}

std::string file_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_F(RematchTest, ADryRunChangesNothing) {
    ingest_strictly();
    push(at_home(Doc{}));
    push(again("CC-0001"));
    push(someone_else());
    auto state = [&] {
        return store.read([&](const StoreReader& r) {
            std::vector<uint64_t> filed;
            for (uint64_t p = 1; p <= r.last_person(); ++p) r.filed(schema::PersonKey::person(p), filed);
            std::string out = std::to_string(r.last_person());
            out += '/';
            out += std::to_string(r.last_numbered(r.tables().person_audit));
            out += '/';
            out += std::to_string(r.last_numbered(r.tables().person_events));
            out += '/';
            out += std::to_string(r.last_seq());
            for (uint64_t s : filed) out += ',', out += std::to_string(s);
            return out;
        });
    };
    const std::string before = state(), bytes = file_bytes(dir / "data.mdb");
    const person::RematchPlan p = plan(normal_thresholds());
    ASSERT_FALSE(p.empty());
    EXPECT_EQ(state(), before);
    EXPECT_TRUE(file_bytes(dir / "data.mdb") == bytes) << "data.mdb changed";
}

// The command itself: a dry run, then --apply, then nothing left.
using test::Output;

Output ehb(const std::string& args) { return test::run_command(std::string(EHB_BINARY) + " " + args + " 2>/dev/null"); }

TEST(RematchCli, PersonModelKeepsItsThresholdsAndRematchProposesAppliesAndThenHasNothingToDo) {
    TempDir dir;
    Doc first;
    first.extra = {{"DIA_CHI", kAddress}, {"MAXA_CU_TRU", "\"26734\""}, {"MATINH_CU_TRU", "\"79\""}};
    Doc second = first;
    second.ma_lk = "CC-0001";
    second.citizen.clear();
    second.card.clear();
    std::ofstream(dir / "two.jsonl") << first.json() << "\n" << second.json() << "\n";
    std::ofstream(dir / "strict.conf") << "link_probability = 0.999999999  # only what is all but sure\n";
    const std::string data = " --data " + (dir / "data").string() + " ";
    ASSERT_EQ(ehb("import" + data + (dir / "two.jsonl").string()).exit_code, 0);

    const std::string what_if = "rematch" + data + "--config " + (dir / "strict.conf").string();
    const Output dry = ehb(what_if);
    ASSERT_EQ(dry.exit_code, 0);
    EXPECT_NE(dry.out.find("{\"model\":null,\"link_probability\":0.999999999,\"review_probability\":0.5,\"records\":2,"
                           "\"skipped\":0,\"persons\":1,\"unchanged\":0,\"merges\":0,\"splits\":1,\"moves\":1,"
                           "\"reviews\":1,\"applied\":false"),
              std::string::npos) << dry.out;
    EXPECT_EQ(ehb(what_if).out, dry.out) << "a dry run changes nothing";
    EXPECT_NE(ehb("rematch" + data).out.find("\"moves\":0,\"reviews\":0,\"applied\":false"), std::string::npos)
        << "with the stored (default) thresholds, nothing to do";
    const Output applied = ehb(what_if + " --apply --why 'stricter thresholds (test)'");
    ASSERT_EQ(applied.exit_code, 0);
    EXPECT_NE(applied.out.find("\"applied\":true"), std::string::npos) << applied.out;
    const Output audit = ehb("audit" + data + "P2");
    EXPECT_NE(audit.out.find("\"op\":\"unlink\",\"principal\":\"rematch:"), std::string::npos) << audit.out;
    EXPECT_NE(audit.out.find("\"why\":\"stricter thresholds (test)\",\"automatic\":true"), std::string::npos)
        << audit.out;
    EXPECT_NE(ehb(what_if).out.find("\"unchanged\":2,\"merges\":0,\"splits\":0,\"moves\":0"), std::string::npos);

    const Output trained =
        ehb("person-model" + data + "train --version strict --config " + (dir / "strict.conf").string());
    ASSERT_EQ(trained.exit_code, 0);
    EXPECT_NE(trained.out.find("\"link_probability\": 0.999999999"), std::string::npos) << trained.out;
    EXPECT_NE(trained.out.find("\"decisions\": {\"link\": 0, \"nolink\": 0"), std::string::npos) << trained.out;
    const Output shown = ehb("person-model" + data + "show");
    EXPECT_NE(shown.out.find("\"config_version\": \"strict\""), std::string::npos) << shown.out;
    EXPECT_NE(shown.out.find("\"link_probability\": 0.999999999"), std::string::npos) << shown.out;
    EXPECT_NE(shown.out.find("\"max_block\": 1000"), std::string::npos) << shown.out;
    EXPECT_NE(shown.out.find("\"records\": 2"), std::string::npos) << shown.out;

    EXPECT_EQ(ehb("rematch" + data + "--limit x").exit_code, 2);
    EXPECT_EQ(ehb("rematch" + data + "--config " + (dir / "none.conf").string()).exit_code, 1);
    EXPECT_EQ(ehb("rematch --data " + (dir / "nothing").string()).exit_code, 1);
}

}  // namespace
}  // namespace ehb
