// The person index online: records resolved inside ingest on a real store,
// and what the books then show (docs/persons.md, "The person index").
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "engine/book.hpp"
#include "engine/ingest.hpp"
#include "engine/person/person_entry.hpp"
#include "tests/docs.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

using test::Doc;
using test::TempDir;

constexpr const char* kAddress = "\"Số 12, Đường Trần Phú, Phường Tân Định, Quận 1, Thành phố Hồ Chí Minh\"";

class PersonsTest : public ::testing::Test {
protected:
    TempDir dir;
    Store store{dir.path()};
    Engine engine{store};

    RecordResult push1(const Doc& d) {
        const std::string doc = d.json();
        std::string_view view = doc;
        return engine.ingest({&view, 1}, "test").at(0);
    }
    Book book(std::string_view id) {
        BookReader reader(store);
        Book b;
        EXPECT_TRUE(reader.read(id, b)) << id;
        return b;
    }
    static std::vector<std::string> ma_lks(const Book& b) {
        std::vector<std::string> out;
        for (const auto& e : b.episodes) out.push_back(e.ma_lk);
        std::sort(out.begin(), out.end());
        return out;
    }
    // A person at home in Hồ Chí Minh City, ward 26734.
    static Doc at_home(Doc d) {
        d.extra = {{"DIA_CHI", kAddress}, {"MAXA_CU_TRU", "\"26734\""}, {"MATINH_CU_TRU", "\"79\""}};
        return d;
    }
    static bool has_warning(const RecordResult& r, std::string_view code) {
        return std::any_of(r.warnings.begin(), r.warnings.end(), [&](const Issue& w) { return w.code == code; });
    }
};

TEST_F(PersonsTest, ARecordWithoutIdentifiersJoinsTheBookByNameBirthDateAndAddress) {
    ASSERT_EQ(push1(at_home(Doc{})).status, Status::accepted);
    Doc emergency = at_home(Doc{});
    emergency.facility = "79010";
    emergency.ma_lk = "CC-0001";
    emergency.citizen = "";
    emergency.card = "";
    emergency.name = "NGUYEN VAN AN";  // typed without diacritics
    RecordResult r = push1(emergency);
    ASSERT_EQ(r.status, Status::accepted);
    EXPECT_FALSE(r.flagged);
    EXPECT_TRUE(has_warning(r, "W_UNIDENTIFIED"));
    EXPECT_EQ(ma_lks(book("001090012345")), (std::vector<std::string>{"CC-0001", "LK0001"}));
}

TEST_F(PersonsTest, ATwinWithAnotherGivenNameIsNeverJoined) {
    ASSERT_EQ(push1(at_home(Doc{})).status, Status::accepted);
    Doc twin = at_home(Doc{});
    twin.ma_lk = "TWIN";
    twin.citizen = "";
    twin.card = "";
    twin.name = "Nguyễn Văn Bình";  // same family, middle name, birth date, sex and home
    RecordResult r = push1(twin);
    ASSERT_EQ(r.status, Status::accepted);
    EXPECT_FALSE(r.flagged) << "a review item, not a conflict of identifiers";
    EXPECT_EQ(ma_lks(book("001090012345")), std::vector<std::string>{"LK0001"});
}

TEST_F(PersonsTest, AHouseholdMembersCardIsFlaggedAndTheCardStaysWithItsOwner) {
    ASSERT_EQ(push1(at_home(Doc{})).status, Status::accepted);  // the father: citizen ID and card
    Doc daughter = at_home(Doc{});
    daughter.ma_lk = "DAUGHTER";
    daughter.citizen = "";
    daughter.name = "Nguyễn Thị Lan";
    daughter.birth = "201503020000";
    daughter.sex = "2";
    RecordResult r = push1(daughter);  // carries her father's card
    ASSERT_EQ(r.status, Status::accepted);
    EXPECT_TRUE(r.flagged);
    EXPECT_EQ(ma_lks(book("DN4010123456789")), std::vector<std::string>{"LK0001"});
}

TEST_F(PersonsTest, ARecordThatShowsTwoPersonsAreOneMergesThem) {
    Doc card_only = at_home(Doc{});  // person 1: known by the card alone
    card_only.ma_lk = "CARD";
    card_only.citizen = "";
    ASSERT_EQ(push1(card_only).status, Status::accepted);
    Doc elsewhere = Doc{};  // person 2: the citizen ID, a year-only birth date, another province
    elsewhere.ma_lk = "CITIZEN";
    elsewhere.card = "";
    elsewhere.birth = "199000000000";  // year only, as the Ministry writes it
    elsewhere.extra = {{"MATINH_CU_TRU", "\"01\""}};
    ASSERT_EQ(push1(elsewhere).status, Status::accepted);
    ASSERT_EQ(ma_lks(book("001090012345")), std::vector<std::string>{"CITIZEN"}) << "not joined by the model";

    RecordResult both = push1(at_home(Doc{}));  // the citizen ID and the card together
    ASSERT_EQ(both.status, Status::accepted);
    EXPECT_FALSE(both.flagged);
    const Book b = book("001090012345");
    EXPECT_EQ(ma_lks(b), (std::vector<std::string>{"CARD", "CITIZEN", "LK0001"}));
    EXPECT_EQ(b.filed_under.size(), 2u) << "the person and the one merged into it";
    EXPECT_EQ(ma_lks(book("0123456789")), ma_lks(b));
}

TEST_F(PersonsTest, ThePersonKeepsItsIdentifiersAndBestRecordAcrossReopen) {
    Doc first = at_home(Doc{});
    ASSERT_EQ(push1(first).status, Status::accepted);
    Doc later = first;
    later.ma_lk = "LK0002";
    later.name = "Nguyễn Văn Ân";  // the name as the later record spells it
    later.extra = {{"DIA_CHI", kAddress}, {"MAXA_CU_TRU", "\"26734\""}, {"MATINH_CU_TRU", "\"79\""}};
    ASSERT_EQ(push1(later).status, Status::accepted);
    BookReader reader(store);
    Book b;
    ASSERT_TRUE(reader.read("001090012345", b));
    EXPECT_EQ(b.person.best[person::kBestName].value, "Nguyễn Văn Ân");
    EXPECT_EQ(b.person.best[person::kBestName].seq, 2u);
    EXPECT_EQ(b.person.best[person::kBestWard].value, "26734");
    const auto citizen = std::find_if(b.identifiers.begin(), b.identifiers.end(),
                                      [](const person::IdentifierSeen& i) { return i.id.value == "001090012345"; });
    ASSERT_NE(citizen, b.identifiers.end());
    EXPECT_GT(citizen->first_day, 20000u);  // a day of this century
}

TEST(PersonEntry, SurvivorshipPrefersTrustedSourcesThenTheNewestAndRoundTrips) {
    person::PersonEntry e;
    person::PersonRecord facility;
    facility.full_name = "Nguyen Van An";
    facility.address = "12 Trần Phú";
    person::PersonRecord national = facility;
    national.source = person::Source::national;
    national.full_name = "Nguyễn Văn An";
    national.address.clear();
    EXPECT_TRUE(person::survive(e, facility, 1));
    EXPECT_TRUE(person::survive(e, national, 2));
    EXPECT_EQ(e.best[person::kBestName].value, "Nguyễn Văn An");
    EXPECT_EQ(e.best[person::kBestAddress].value, "12 Trần Phú") << "a missing field keeps what there was";
    person::PersonRecord newer = facility;
    newer.full_name = "Nguyễn Văn Ân";
    newer.address = "15 Trần Phú";
    EXPECT_TRUE(person::survive(e, newer, 3));
    EXPECT_EQ(e.best[person::kBestName].value, "Nguyễn Văn An") << "national data outranks a newer facility record";
    EXPECT_EQ(e.best[person::kBestAddress].value, "15 Trần Phú") << "among facility records, the newest";
    EXPECT_EQ(e.best[person::kBestAddress].seq, 3u);

    person::Profile p;
    person::PersonRecord r = facility;
    r.ids = {{person::IdSystem::cccd, "001090012345"}};
    person::prepare(r, p);
    e.profiles.push_back(p);
    EXPECT_TRUE(person::see_identifiers(e, p, 20000));
    EXPECT_FALSE(person::see_identifiers(e, p, 20000)) << "the same day changes nothing";
    EXPECT_TRUE(person::see_identifiers(e, p, 20001));
    e.merged_into = 7;
    const auto back = person::decode_entry(person::encode_entry(e));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->merged_into, 7u);
    EXPECT_EQ(back->identifiers.at(0).last_day, 20001u);
    EXPECT_TRUE(back->profiles.at(0).same_demographics(p));
    EXPECT_EQ(back->best[person::kBestAddress].value, "15 Trần Phú");
    EXPECT_FALSE(person::decode_entry("garbage"));
}

}  // namespace
}  // namespace ehb
