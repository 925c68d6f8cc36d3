// The person index online: records resolved inside ingest on a real store,
// and what the books then show (docs/persons.md, "The person index").
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "engine/book.hpp"
#include "engine/ingest.hpp"
#include "engine/person/model_store.hpp"
#include "engine/person/person_entry.hpp"
#include "engine/person/person_index.hpp"
#include "engine/person/steward.hpp"
#include "engine/person/store_index.hpp"
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
    // The same person's record from a facility that sent no identifier.
    static Doc without_ids(Doc d) {
        d.citizen.clear();
        d.card.clear();
        return d;
    }
    static bool has_warning(const RecordResult& r, std::string_view code) {
        return std::any_of(r.warnings.begin(), r.warnings.end(), [&](const Issue& w) { return w.code == code; });
    }
};

TEST_F(PersonsTest, ARecordWithoutIdentifiersJoinsTheBookByNameBirthDateAndAddress) {
    ASSERT_EQ(push1(at_home(Doc{})).status, Status::accepted);
    Doc emergency = without_ids(at_home(Doc{}));
    emergency.facility = "79010";
    emergency.ma_lk = "CC-0001";
    emergency.name = "NGUYEN VAN AN";  // typed without diacritics
    RecordResult r = push1(emergency);
    ASSERT_EQ(r.status, Status::accepted);
    EXPECT_FALSE(r.flagged);
    EXPECT_TRUE(has_warning(r, "W_UNIDENTIFIED"));
    EXPECT_EQ(ma_lks(book("001090012345")), (std::vector<std::string>{"CC-0001", "LK0001"}));
}

TEST_F(PersonsTest, IngestResolvesWithTheStoresLatestModel) {
    ASSERT_EQ(push1(at_home(Doc{})).status, Status::accepted);
    // A model in which no field says anything (m = u): only identifiers can link.
    person::Model blind = person::bootstrap_model();
    blind.m = blind.u;
    store.write([&](StoreWriter& w) { person::save_model(w, "blind", blind); });
    Doc emergency = without_ids(at_home(Doc{}));
    emergency.ma_lk = "CC-0001";
    ASSERT_EQ(push1(emergency).status, Status::accepted);
    EXPECT_EQ(ma_lks(book("001090012345")), std::vector<std::string>{"LK0001"}) << "the stored model was not used";
    store.read([](const StoreReader& r) {
        EXPECT_EQ(person::latest_model_version(r), "blind");
        return 0;
    });
}

TEST_F(PersonsTest, ATwinWithAnotherGivenNameIsNeverJoined) {
    ASSERT_EQ(push1(at_home(Doc{})).status, Status::accepted);
    Doc twin = at_home(Doc{});
    twin = without_ids(twin);
    twin.ma_lk = "TWIN";
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

TEST_F(PersonsTest, AMergeIsAuditedAndAnUnmergeRestoresBothPersonsWithTheRecordsThatArrivedBetween) {
    ASSERT_EQ(push1(at_home(Doc{})).status, Status::accepted);  // person 1: citizen ID and card
    Doc other = at_home(Doc{});                                 // person 2: another citizen, same home
    other.ma_lk = "B1";
    other.citizen = "079190000111";
    other.card = "HT4790987654321";
    other.name = "Trần Thị Bình";
    other.sex = "2";
    ASSERT_EQ(push1(other).status, Status::accepted);
    person::Steward steward(&store.dictionaries());
    const person::Actor who{"steward1", "same person, two chips (test)", now_us()};
    uint64_t merge_id = 0;
    store.write([&](StoreWriter& w) { merge_id = steward.merge(w, 1, 2, who); });
    EXPECT_EQ(ma_lks(book("079190000111")), (std::vector<std::string>{"B1", "LK0001"}));

    Doc between = other;  // arrives while merged, by person 2's identifiers
    between.ma_lk = "B2";
    ASSERT_EQ(push1(between).status, Status::accepted);
    EXPECT_EQ(ma_lks(book("001090012345")), (std::vector<std::string>{"B1", "B2", "LK0001"}));
    // The merged person holds both citizen IDs: a record with the first is
    // theirs, not a conflict (a regression: it was flagged and made a new person).
    Doc first_id = at_home(Doc{});
    first_id.ma_lk = "LK0002";
    const RecordResult kept = push1(first_id);
    ASSERT_EQ(kept.status, Status::accepted);
    EXPECT_FALSE(kept.flagged);
    // Person 2 again, without identifiers: the model files it under the merged person.
    Doc unnamed = without_ids(other);
    unnamed.ma_lk = "B3";
    ASSERT_EQ(push1(unnamed).status, Status::accepted);
    EXPECT_EQ(ma_lks(book("079190000111")), (std::vector<std::string>{"B1", "B2", "B3", "LK0001", "LK0002"}));

    store.write([&](StoreWriter& w) { steward.unmerge(w, merge_id, who); });
    EXPECT_EQ(ma_lks(book("001090012345")), (std::vector<std::string>{"LK0001", "LK0002"}));
    EXPECT_EQ(ma_lks(book("079190000111")), (std::vector<std::string>{"B1", "B2", "B3"}))
        << "each record that arrived while merged is with the person it belongs to";
    EXPECT_EQ(book("001090012345").person.best[person::kBestName].value, "Nguyễn Văn An");
    EXPECT_THROW(store.write([&](StoreWriter& w) { steward.unmerge(w, merge_id, who); }), person::StewardError);

    const std::string audit = store.read([&](const StoreReader& r) { return steward.audit_json(r, 2); });
    EXPECT_NE(audit.find("\"op\":\"merge\",\"principal\":\"steward1\",\"why\":\"same person, two chips (test)\""),
              std::string::npos) << audit;
    EXPECT_NE(audit.find("\"op\":\"unmerge\""), std::string::npos) << audit;
    EXPECT_NE(audit.find("\"returned\":[\"01001B3\"]"), std::string::npos) << audit;
    EXPECT_NE(audit.find("\"before\":{\"into\":{\"id\":\"1\""), std::string::npos) << audit;
    store.read([&](const StoreReader& r) {
        EXPECT_TRUE(r.never_link(1, 2)) << "an unmerge is sticky";
        const auto profiles = person::decode_entry(r.person(1)).value().profiles;
        EXPECT_EQ(profiles.size(), 2u);  // LK0001's and LK0002's (another patient number)
        EXPECT_TRUE(std::none_of(profiles.begin(), profiles.end(), [](const person::Profile& p) { return p.sex == 2; }))
            << "person 1 is still compared by the profile of B3, which went back";
        std::vector<std::string> events;
        r.scan_numbered(r.tables().person_events, 1, [&](uint64_t, std::string_view row) {
            events.emplace_back(row);
            return true;
        });
        // B3 gave the merged person its name; the unmerge gives person 1 its own back.
        const std::vector<std::string> expected = {"merged", "best_record_changed", "unmerged", "best_record_changed"};
        EXPECT_EQ(events.size(), expected.size());
        for (std::size_t i = 0; i < std::min(events.size(), expected.size()); ++i) {
            std::string kind = "\"event\":\"";
            kind += expected[i];
            kind += '"';
            EXPECT_NE(events[i].find(kind), std::string::npos) << events[i];
        }
        return 0;
    });
}

TEST_F(PersonsTest, AnUnlinkedRecordIsItsOwnPersonAndStaysApart) {
    ASSERT_EQ(push1(at_home(Doc{})).status, Status::accepted);
    Doc second = at_home(Doc{});
    second.ma_lk = "LK0002";
    ASSERT_EQ(push1(second).status, Status::accepted);
    person::Steward steward(&store.dictionaries());
    const person::Actor who{"steward1", "a different patient (test)", now_us()};
    uint64_t fresh = 0;
    store.write([&](StoreWriter& w) { fresh = steward.unlink(w, "01001LK0002", who); });
    EXPECT_EQ(fresh, 2u);
    EXPECT_EQ(ma_lks(book("001090012345")), std::vector<std::string>{"LK0001"});
    store.read([&](const StoreReader& r) {
        EXPECT_TRUE(r.never_link(1, fresh));
        EXPECT_EQ(person::person_of(r, "P2"), fresh);
        // The patient number only the unlinked record carried goes with it;
        // the citizen ID, which the first record carries too, stays.
        const auto holder = [&](person::IdSystem system, const char* value) {
            return r.owner_of(person::identifier_key({system, value}));
        };
        EXPECT_EQ(holder(person::IdSystem::mrn, "01001|BNLK0002"), schema::PersonKey::person(fresh));
        EXPECT_EQ(holder(person::IdSystem::mrn, "01001|BNLK0001"), schema::PersonKey::person(1));
        EXPECT_EQ(holder(person::IdSystem::cccd, "001090012345"), schema::PersonKey::person(1));
        return 0;
    });
    store.write([&](StoreWriter& w) { steward.link(w, "01001LK0002", 1, who); });
    EXPECT_EQ(ma_lks(book("001090012345")), (std::vector<std::string>{"LK0001", "LK0002"}));
    EXPECT_THROW(store.write([&](StoreWriter& w) { steward.unlink(w, "01001NOSUCH", who); }), person::StewardError);
}

TEST_F(PersonsTest, AnUnlinkedRecordTakesItsProfileAndBestRecordFieldsWithIt) {
    ASSERT_EQ(push1(at_home(Doc{})).status, Status::accepted);
    Doc other = at_home(Doc{});  // the same citizen ID, the name mistyped (the newest record)
    other.ma_lk = "LK0002";
    other.name = "Nguyễn Văn Ân";
    ASSERT_EQ(push1(other).status, Status::accepted);
    const auto entry = [&](uint64_t id) {
        return store.read([&](const StoreReader& r) { return person::decode_entry(r.person(id)).value(); });
    };
    ASSERT_EQ(entry(1).profiles.size(), 2u);
    ASSERT_EQ(entry(1).best[person::kBestName].value, "Nguyễn Văn Ân");
    person::Steward steward(&store.dictionaries());
    const person::Actor who{"steward1", "a different patient (test)", now_us()};
    const uint64_t before = store.read([](const StoreReader& r) { return r.last_numbered(r.tables().person_events); });
    uint64_t fresh = 0;
    store.write([&](StoreWriter& w) { fresh = steward.unlink(w, "01001LK0002", who); });
    const person::PersonEntry left = entry(1), moved = entry(fresh);
    ASSERT_EQ(left.profiles.size(), 1u) << "the person is still compared by the name that left it";
    EXPECT_EQ(left.best[person::kBestName].value, "Nguyễn Văn An");
    EXPECT_EQ(moved.best[person::kBestName].value, "Nguyễn Văn Ân");
    ASSERT_EQ(moved.profiles.size(), 1u);
    EXPECT_FALSE(moved.profiles[0].same_demographics(left.profiles[0]));
    // The change of the best record left behind is an event downstream systems can follow.
    const std::string events = store.read([&](const StoreReader& r) {
        std::string rows;
        r.scan_numbered(r.tables().person_events, before + 1, [&](uint64_t, std::string_view row) {
            rows += row;
            return true;
        });
        return rows;
    });
    EXPECT_NE(events.find("\"event\":\"best_record_changed\",\"person\":\"1\""), std::string::npos) << events;
}

TEST_F(PersonsTest, ReviewItemsComeMostUncertainFirstWithTheirEvidenceAndADecisionMerges) {
    ASSERT_EQ(push1(at_home(Doc{})).status, Status::accepted);
    // Another given name (ending as the first's does, so that blocking finds
    // it) and patient number at the same facility: a review item.
    Doc twin = at_home(Doc{});
    twin = without_ids(twin);
    twin.ma_lk = "TWIN";
    twin.name = "Nguyễn Văn Toàn";
    ASSERT_EQ(push1(twin).status, Status::accepted);
    person::Steward steward(&store.dictionaries());
    const std::string list = store.read([&](const StoreReader& r) { return steward.reviews_json(r, 10); });
    EXPECT_NE(list.find("\"reason\":\"uncertain\""), std::string::npos) << list;
    EXPECT_NE(list.find("\"ids\":{\"level\":2"), std::string::npos) << list;
    EXPECT_NE(list.find("\"evidence\":{\"family\":{\"level\":0"), std::string::npos) << list;
    EXPECT_NE(list.find("\"given\":{\"level\":3"), std::string::npos) << list;
    const person::Actor who{"steward1", "checked the papers (test)", now_us()};
    store.write([&](StoreWriter& w) { steward.decide(w, 1, true, who); });
    EXPECT_EQ(ma_lks(book("001090012345")), (std::vector<std::string>{"LK0001", "TWIN"}));
    EXPECT_EQ(store.read([&](const StoreReader& r) { return steward.reviews_json(r, 10); }), "{\"reviews\":[]}");
    EXPECT_THROW(store.write([&](StoreWriter& w) { steward.decide(w, 1, false, who); }), person::StewardError);
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
    EXPECT_TRUE(person::see_identifiers(e, p, 20000, 7));
    EXPECT_FALSE(person::see_identifiers(e, p, 20000, 7)) << "the same day changes nothing";
    EXPECT_TRUE(person::see_identifiers(e, p, 20001, 9));
    e.merged_into = 7;
    const auto back = person::decode_entry(person::encode_entry(e));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->merged_into, 7u);
    EXPECT_EQ(back->identifiers.at(0).last_day, 20001u);
    EXPECT_EQ(back->identifiers.at(0).first_seq, 7u);
    EXPECT_TRUE(back->profiles.at(0).same_demographics(p));
    EXPECT_EQ(back->best[person::kBestAddress].value, "15 Trần Phú");
    EXPECT_FALSE(person::decode_entry("garbage"));
}

// A person seen with `profiles` distinct addresses, as filing them would leave the entry.
person::PersonEntry entry_with_profiles(int profiles) {
    person::PersonEntry e;
    e.created_us = 1'700'000'000'000'000;
    for (int i = 0; i < profiles; ++i) {
        person::PersonRecord r;
        r.full_name = "Nguyễn Thị Minh Khai";
        r.birth = "19850312";
        r.sex = "2";
        r.address = "Số " + std::to_string(10 + i) + " đường Trần Hưng Đạo, phường Bến Nghé, quận 1";
        r.province = "79";
        r.ids = {{person::IdSystem::cccd, "079185012345"}, {person::IdSystem::bhxh, "790123456" + std::to_string(i)}};
        person::Profile p;
        person::prepare(r, p);
        e.profiles.push_back(p);
        person::see_identifiers(e, p, 20000 + i, 10 + i);
        person::survive(e, r, 10 + i);
    }
    return e;
}

// The plain size a compressed entry records after its layout byte; 0 for any other layout.
uint32_t plain_size_if_compressed(const std::string& stored) {
    uint32_t plain = 0;
    if (stored.size() > 1 + sizeof plain && uint8_t(stored[0]) == 3) std::memcpy(&plain, stored.data() + 1, sizeof plain);
    return plain;
}

// Resolution decodes every candidate's entry: a person with two profiles
// (up to 600 bytes) is kept plain, so that reading it costs no decompression.
TEST(PersonEntry, ASmallEntryIsStoredPlain) {
    const person::PersonEntry e = entry_with_profiles(2);
    const std::string stored = person::encode_entry(e);
    ASSERT_EQ(uint8_t(stored.at(0)), 2) << "the plain layout";
    EXPECT_LE(stored.size(), 600u);
    const auto back = person::decode_entry(stored);
    ASSERT_TRUE(back);
    EXPECT_EQ(person::encode_entry(*back), stored);
    EXPECT_EQ(back->profiles.size(), 2u);
    EXPECT_EQ(back->best[person::kBestAddress].value, e.best[person::kBestAddress].value);
}

// Above 600 bytes an entry is compressed even when it would fit a leaf node
// plain (storage format 10 kept it plain up to 2,000): `persons` is the
// largest index a node keeps in memory (docs/capacity.md).
TEST(PersonEntry, AnEntryOfAFewVisitsIsStoredCompressed) {
    const person::PersonEntry e = entry_with_profiles(4);
    const std::string stored = person::encode_entry(e);
    const uint32_t plain = plain_size_if_compressed(stored);
    ASSERT_NE(plain, 0u) << "the compressed layout";
    EXPECT_GT(plain, 600u);
    EXPECT_LT(plain, 2000u) << "it would fit a leaf node plain";
    EXPECT_LT(stored.size(), plain);
    const auto back = person::decode_entry(stored);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->profiles.size(), 4u);
    EXPECT_EQ(back->identifiers.size(), e.identifiers.size());
}

// Larger than an LMDB leaf node holds (~2,000 bytes): compressed to well
// under half its plain size, decoded to the same entry, and a damaged one
// refused rather than misread.
TEST(PersonEntry, ALargeEntryIsStoredCompressedAndADamagedOneIsRefused) {
    const person::PersonEntry e = entry_with_profiles(16);
    const std::string stored = person::encode_entry(e);
    const uint32_t plain = plain_size_if_compressed(stored);
    ASSERT_NE(plain, 0u) << "the compressed layout";
    EXPECT_LT(stored.size() * 2, plain) << stored.size() << " of " << plain;
    const auto back = person::decode_entry(stored);
    ASSERT_TRUE(back);
    EXPECT_EQ(person::encode_entry(*back), stored);
    EXPECT_EQ(back->profiles.size(), 16u);
    EXPECT_EQ(back->identifiers.size(), e.identifiers.size());
    EXPECT_EQ(back->best[person::kBestAddress].value, e.best[person::kBestAddress].value);

    // A damaged frame header, a cut frame and an impossible size are refused
    // (the frame has no checksum: a flipped byte inside it may decode).
    std::string damaged = stored;
    damaged[1 + sizeof plain] ^= 0x5a;
    EXPECT_FALSE(person::decode_entry(damaged));
    EXPECT_FALSE(person::decode_entry(stored.substr(0, stored.size() - 3)));
    std::string oversized = stored;
    const uint32_t huge = 1u << 30;
    std::memcpy(oversized.data() + 1, &huge, sizeof huge);
    EXPECT_FALSE(person::decode_entry(oversized));
}

}  // namespace
}  // namespace ehb
