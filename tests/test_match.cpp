// The matcher: profiles, comparisons, the model estimated from data, the
// resolver's bands, bulk linking and its accuracy arithmetic.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/person/blocking.hpp"
#include "engine/person/compare.hpp"
#include "engine/person/evaluation.hpp"
#include "engine/person/linker.hpp"
#include "engine/person/match_config.hpp"
#include "engine/person/memory_index.hpp"
#include "engine/person/names.hpp"
#include "engine/person/profile.hpp"
#include "tests/tmpdir.hpp"

namespace ehb::person {
namespace {

PersonRecord rec(std::string name, std::string birth, std::string sex = "1", std::string location = "00001",
                 std::string address = "Số 12, Đường Trần Phú, Phường Tân Định, Quận 1, Thành phố Hồ Chí Minh") {
    PersonRecord r;
    r.id = name;
    r.full_name = std::move(name);
    r.birth = std::move(birth);
    r.sex = std::move(sex);
    r.location = std::move(location);
    r.province = "79";
    r.address = std::move(address);
    return r;
}

Profile prep(const PersonRecord& r) {
    Profile p;
    prepare(r, p);
    return p;
}

TEST(Profile, NamesDatesSexAndIdentifiersAreNormalised) {
    PersonRecord r = rec("Văn Anh Nguyễn", "12/03/1980", "Nam");
    r.ids = {{IdSystem::bhxh, "0123456789"}, {IdSystem::cccd, "079080001234"}, {IdSystem::cmnd, "000000000"}};
    const Profile p = prep(r);
    EXPECT_EQ(p.name.family, "nguyen");  // written family-last: turned around
    EXPECT_EQ(p.name.middle, "van");
    EXPECT_EQ(p.name.given, "anh");
    EXPECT_EQ(p.alt.family, "van");  // and the reading as written kept beside it
    EXPECT_EQ(p.year, 1980);
    EXPECT_EQ(p.month, 3);
    EXPECT_EQ(p.day, 12);
    EXPECT_EQ(p.sex, 1);
    ASSERT_EQ(p.ids.size(), 2u);  // the all-zero old ID is a placeholder
    EXPECT_EQ(p.ids[0].system, IdSystem::cccd);  // most authoritative first
    EXPECT_TRUE(p.has_national_id());

    const Profile y = prep(rec("NGUYEN VAN AN", "1980"));
    EXPECT_EQ(y.year, 1980);
    EXPECT_EQ(y.month, 0);
    EXPECT_TRUE(y.name.given_t.empty());  // no diacritics: nothing toned to compare
    EXPECT_EQ(prep(rec("Nguyễn Văn An", "19801332")).month, 0);  // an impossible month keeps the year alone

    Identifier card;
    ASSERT_TRUE(card_identifier("DN4790123456789", card));
    EXPECT_EQ(card.system, IdSystem::bhxh);
    EXPECT_EQ(card.value, "0123456789");
    ASSERT_TRUE(card_identifier("TE1790123456789", card));
    EXPECT_EQ(card.system, IdSystem::te1);
    EXPECT_TRUE(prep(rec("Vô danh", "")).placeholder);
}

TEST(Compare, LevelsFollowTheCorruptions) {
    const Profile a = prep(rec("Nguyễn Thị Thu Thủy", "19850412", "2"));
    const Gamma same = compare(a, prep(rec("NGUYEN THI THU THUY", "1985-04-12", "2")));
    EXPECT_EQ(same.level[kFamily], 0);
    EXPECT_EQ(same.level[kGiven], 0);  // without diacritics on a side, folded equality is all there is
    EXPECT_EQ(same.level[kBirth], 0);
    EXPECT_EQ(same.level[kResidence], 0);
    EXPECT_EQ(same.level[kIds], kMissing);

    EXPECT_EQ(compare(a, prep(rec("Nguyễn Thị Thu Thuỷ", "19850412", "2"))).level[kGiven], 0);  // old tone placement
    EXPECT_EQ(compare(a, prep(rec("Nguyễn Thị Thu Thụy", "19850412", "2"))).level[kGiven], 1);  // another tone
    EXPECT_EQ(compare(a, prep(rec("Nguyễn Thu Thủy", "19850412", "2"))).level[kMiddle], 1);     // middle partly dropped
    EXPECT_EQ(compare(a, prep(rec("Nguyễn Thị Thu Thủy", "19851204", "2"))).level[kBirth], 1);  // day/month swapped
    EXPECT_EQ(compare(a, prep(rec("Nguyễn Thị Thu Thủy", "1985", "2"))).level[kBirth], 2);      // year only
    EXPECT_EQ(compare(a, prep(rec("Nguyễn Thị Thu Thủy", "19850413", "2"))).level[kBirth], 3);  // one digit
    EXPECT_EQ(compare(a, prep(rec("Nguyễn Thị Thu Thủy", "19700101", "2"))).level[kBirth], 6);
    EXPECT_EQ(compare(a, prep(rec("Trần Thị Thu Thủy", "19850412", "1"))).level[kSex], 1);
    EXPECT_EQ(compare(a, prep(rec("Nguyễn Thị Thu Thủy", "19850412", "2", "00001", "Thôn 3, Xã An Phú"))).level[kResidence],
              1);  // same ward, another address
    EXPECT_EQ(compare(a, prep(rec("Nguyễn Thị Thu Thủy", "19850412", "2", "00002", "Thôn 3, Xã An Phú"))).level[kResidence],
              3);  // same province only

    PersonRecord c1 = rec("Lê Văn Hùng", "19700101"), c2 = c1;
    c1.ids = {{IdSystem::cccd, "001070000123"}};
    c2.ids = {{IdSystem::cccd, "001070000132"}};
    EXPECT_EQ(compare(prep(c1), prep(c2)).level[kIds], 1);  // a transposition
    EXPECT_TRUE(different_citizen_ids(prep(c1), prep(c2)));
}

// A small population: persons with a few records each, some corrupted.
std::string cat(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (std::string_view p : parts) out += p;
    return out;
}

std::vector<PersonRecord> population(std::vector<std::string>& truth) {
    static const char* kFamily[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"};
    static const char* kMiddle[] = {"Văn", "Thị", "Minh", "Đức", "Ngọc", "Thanh"};
    static const char* kGiven[] = {"An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa",
                                   "Hùng", "Huy", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong"};
    std::vector<PersonRecord> out;
    uint64_t s = 7;
    auto next = [&] { return s = s * 6364136223846793005ULL + 1442695040888963407ULL, s >> 33; };
    for (int p = 0; p < 3000; ++p) {
        const std::string name = cat({kFamily[next() % 10], " ", kMiddle[next() % 6], " ", kGiven[next() % 20]});
        char birth[32];
        std::snprintf(birth, sizeof birth, "%04u%02u%02u", unsigned(1940 + next() % 70), unsigned(1 + next() % 12),
                      unsigned(1 + next() % 28));
        const std::string ward = std::to_string(10000 + next() % 500);
        const std::string sex = next() % 2 ? "1" : "2";
        const std::string province = std::to_string(10 + next() % 60);
        const int n = 1 + static_cast<int>(next() % 3);
        for (int k = 0; k < n; ++k) {
            PersonRecord r = rec(name, birth, sex, ward, cat({"Thôn ", std::to_string(p % 97), ", Xã ", ward}));
            r.province = province;
            if (next() % 5 == 0) r.full_name = fold(name);  // sent without diacritics
            if (next() % 10 == 0) r.birth = std::string(birth).substr(0, 4);
            r.id = cat({"r", std::to_string(out.size())});
            out.push_back(r);
            truth.push_back(cat({"t", std::to_string(p)}));
        }
    }
    return out;
}

// The population prepared, and a model estimated from it with `pairs` samples.
struct Trained {
    std::vector<Profile> profiles;
    Model model;
    TrainingReport report;
};
Trained trained(uint64_t pairs) {
    std::vector<std::string> truth;
    const std::vector<PersonRecord> records = population(truth);
    Trained t;
    t.profiles.resize(records.size());
    for (size_t i = 0; i < records.size(); ++i) prepare(records[i], t.profiles[i]);
    MatchConfig cfg;
    cfg.u_pairs = pairs;
    cfg.em_pairs = pairs;
    t.model = train(t.profiles, cfg, t.report);
    return t;
}

TEST(Model, EstimatedFromTheDataSeparatesMatchesFromNonMatches) {
    const Trained t = trained(200'000);
    const Model& m = t.model;
    const TrainingReport& report = t.report;
    EXPECT_EQ(report.records, t.profiles.size());
    // Agreement is evidence for, disagreement against, in every field.
    for (int f = 0; f < kFields; ++f) {
        if (f == kIds) continue;  // no identifiers in this population
        EXPECT_GT(m.m[f][0], m.u[f][0]) << field_name(Field(f));
        EXPECT_LT(m.m[f][kLevels[f] - 1], m.u[f][kLevels[f] - 1]) << field_name(Field(f));
    }
    EXPECT_GT(report.expected_matches, 0);
    EXPECT_GT(m.prior, 0);
    EXPECT_LT(m.prior, 0.01);
    // Common names count for less: agreeing on Nguyễn weighs less than on Đỗ.
    const Profile a = prep(rec("Nguyễn Văn An", "19800101")), b = prep(rec("Đỗ Văn An", "19800101"));
    EXPECT_LT(m.weight(compare(a, a), a, a), m.weight(compare(b, b), b, b));
}

TEST(Model, RoundTripsThroughItsBytes) {
    const Trained t = trained(50'000);
    const Model& m = t.model;
    const auto back = decode_model(encode_model(m));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->prior, m.prior);
    EXPECT_EQ(back->m, m.m);
    EXPECT_EQ(back->u, m.u);
    const Profile& a = t.profiles[0];
    EXPECT_EQ(back->weight(compare(a, a), a, a), m.weight(compare(a, a), a, a)) << "term frequencies kept";
    EXPECT_EQ(back->family.share("nguyen"), m.family.share("nguyen"));
    EXPECT_FALSE(decode_model("x"));
    EXPECT_FALSE(decode_model(encode_model(m) + "trailing"));
}

TEST(Resolver, IdentifiersLinkUnlessTheyContradict) {
    std::vector<PersonRecord> r = {rec("Trần Văn Bình", "19700315"), rec("Tran Van Binh", "1970"),
                                   rec("Trần Thị Lan", "20150620", "2"), rec("Trần Văn Bình", "19700315")};
    r[0].ids = {{IdSystem::cccd, "079070001111"}, {IdSystem::bhxh, "7912345678"}};
    r[1].ids = {{IdSystem::bhxh, "7912345678"}};        // the same card, a sloppier record: linked
    r[2].ids = {{IdSystem::bhxh, "7912345678"}};        // the father's card on his daughter: review
    r[3].ids = {{IdSystem::cccd, "079070002222"}};      // same name and birth, another citizen ID: review
    std::vector<Profile> p(r.size());
    for (size_t i = 0; i < r.size(); ++i) prepare(r[i], p[i]);
    const Trained t = trained(100'000);
    const Model& m = t.model;
    const MatchConfig cfg;
    MemoryIndex index(p, cfg);
    Resolver resolver(m, cfg);
    Decision d0 = resolver.resolve(p[0], index);
    EXPECT_EQ(d0.band, Band::nolink);
    const uint64_t father = index.add(0, d0.person);
    Decision d1 = resolver.resolve(p[1], index);
    EXPECT_EQ(d1.band, Band::link);
    EXPECT_EQ(d1.person, father);
    index.add(1, d1.person);
    Decision d2 = resolver.resolve(p[2], index);
    EXPECT_EQ(d2.band, Band::review);
    EXPECT_EQ(d2.person, 0u);
    EXPECT_EQ(d2.candidate, father);
    EXPECT_EQ(d2.reason, "identifier held by a different person");
    index.add(2, d2.person);
    Decision d3 = resolver.resolve(p[3], index);
    EXPECT_EQ(d3.band, Band::review);
    EXPECT_EQ(d3.reason, "two citizen IDs");
    EXPECT_EQ(d3.candidate, father);

    Profile unknown = prep(rec("Không rõ tên", "19700315"));
    EXPECT_EQ(resolver.resolve(unknown, index).band, Band::nolink);
}

// Whether `a`, filed in an index, is found by `b` under some blocking key.
bool blocked_together(const Profile& a, const Profile& b) {
    std::vector<BlockKey> filed, looking;
    index_keys(a, filed);
    query_keys(b, looking);
    for (const BlockKey& f : filed)
        for (const BlockKey& l : looking)
            if (f.key == l.key && block_match(block_value(1, f.tag), l)) return true;
    return false;
}

TEST(Blocking, KeysSurviveOneCorruptionEachAndFilterOutOtherNames) {
    const Profile person = prep(rec("Nguyễn Văn Hùng", "19800315", "1", "00001"));
    // One corruption at a time, each in another ward so that only the birth keys can find it.
    EXPECT_TRUE(blocked_together(person, prep(rec("Nguyen Van Hung", "19800315", "1", "00002"))));
    EXPECT_TRUE(blocked_together(person, prep(rec("Nguyễn Văn Hưng", "19800315", "1", "00002"))));  // given: last letter kept
    EXPECT_TRUE(blocked_together(person, prep(rec("Nguyễn Văn Dũng", "19800315", "1", "00002"))));  // given: first letter wrong
    EXPECT_TRUE(blocked_together(person, prep(rec("Nguyển Văn Hùng", "19800315", "1", "00002"))));  // family typo
    EXPECT_TRUE(blocked_together(person, prep(rec("Nguyễn Văn Hùng", "19801503", "1", "00002"))));  // day/month swapped
    EXPECT_TRUE(blocked_together(person, prep(rec("Nguyễn Văn Hùng", "19800316", "1", "00002"))));  // a wrong day
    EXPECT_TRUE(blocked_together(person, prep(rec("Nguyễn Văn Hùng", "1980", "1", "00002"))));      // year only
    EXPECT_TRUE(blocked_together(person, prep(rec("Nguyễn Văn Hùng", "19750101", "1", "00001"))));  // wrong date, same ward
    // Same family name and birth date, a given name sharing neither end: not a candidate.
    EXPECT_FALSE(blocked_together(person, prep(rec("Nguyễn Văn Bình", "19800315", "1", "00002"))));
    // Same name and year, day and month both different: not a candidate.
    EXPECT_FALSE(blocked_together(person, prep(rec("Nguyễn Văn Hùng", "19800422", "1", "00002"))));
    // Under the birth date alone, a person of the other sex is no candidate;
    // of unknown sex, still one.
    EXPECT_FALSE(blocked_together(person, prep(rec("Trần Văn Hùng", "19800315", "2", "00002"))));
    EXPECT_TRUE(blocked_together(person, prep(rec("Trần Văn Hùng", "19800315", "", "00002"))));
    // The letters are compared whole: 'x' and 'h' share their low four bits.
    EXPECT_FALSE(blocked_together(person, prep(rec("Nguyễn Văn Xuân", "19800315", "1", "00002"))));
}

TEST(Blocking, AKeyWithMorePersonsPassingItsFilterThanTheLimitIsOversized) {
    const BlockKey key{42, 5u << 8 | 7, Filter::date};
    std::vector<uint64_t> values, persons;
    for (uint64_t p = 1; p <= 10; ++p) values.push_back(block_value(p, p % 2 ? (5u << 8 | 7) : (6u << 8 | 8)));
    EXPECT_TRUE(filter_block(values, key, 5, persons));
    EXPECT_EQ(persons, (std::vector<uint64_t>{1, 3, 5, 7, 9}));
    persons.clear();
    EXPECT_FALSE(filter_block(values, key, 4, persons));
    EXPECT_TRUE(persons.empty());
}

TEST(Linker, LinksAPopulationAccurately) {
    std::vector<std::string> truth;
    const std::vector<PersonRecord> records = population(truth);
    MatchConfig cfg;
    cfg.u_pairs = 200'000;
    cfg.em_pairs = 200'000;
    std::vector<Profile> profiles;
    const LinkResult res = link_records(records, cfg, 2, profiles);
    std::vector<uint64_t> persons;
    for (const Decision& d : res.decisions) {
        ASSERT_NE(d.person, 0u);
        persons.push_back(d.person);
    }
    const Accuracy acc = pairwise_accuracy(persons, truth, std::vector<bool>(records.size(), false));
    EXPECT_GT(acc.all.precision(), 0.99);
    EXPECT_GT(acc.all.recall(), 0.95);
    EXPECT_EQ(acc.no_id.true_pairs, acc.all.true_pairs);
}

TEST(Evaluation, CountsPairsAndTheSubsetWithoutIdentifiers) {
    // Truth: {0,1,2} {3}; linked: {0,1} {2,3}.
    const Accuracy a = pairwise_accuracy({1, 1, 2, 2}, {"a", "a", "a", "b"}, {true, true, false, true});
    EXPECT_EQ(a.all.true_pairs, 3);
    EXPECT_EQ(a.all.linked, 2);
    EXPECT_EQ(a.all.correct, 1);
    EXPECT_DOUBLE_EQ(a.all.precision(), 0.5);
    EXPECT_DOUBLE_EQ(a.all.recall(), 1.0 / 3);
    EXPECT_EQ(a.no_id.true_pairs, 2);  // (0,2) and (1,2)
    EXPECT_EQ(a.no_id.linked, 1);      // (2,3)
    EXPECT_EQ(a.no_id.correct, 0);
}

TEST(MatchConfig, ReadsSettingsAndRefusesBadOnes) {
    test::TempDir dir;
    const std::string path = (dir / "match.conf").string();
    {
        std::FILE* f = std::fopen(path.c_str(), "w");
        std::fputs("# thresholds\nversion = 2026-11\nlink_probability = 0.9999\nreview_probability=0.4\n", f);
        std::fclose(f);
    }
    MatchConfig cfg;
    std::string error;
    ASSERT_TRUE(load_match_config(path, cfg, error)) << error;
    EXPECT_EQ(cfg.version, "2026-11");
    EXPECT_DOUBLE_EQ(cfg.link_probability, 0.9999);
    EXPECT_DOUBLE_EQ(cfg.review_probability, 0.4);
    {
        std::FILE* f = std::fopen(path.c_str(), "w");
        std::fputs("link_probability = 1.5\n", f);
        std::fclose(f);
    }
    EXPECT_FALSE(load_match_config(path, cfg, error));
    EXPECT_NE(error.find(":1:"), std::string::npos);
    EXPECT_FALSE(load_match_config((dir / "missing").string(), cfg, error));
}

}  // namespace
}  // namespace ehb::person
