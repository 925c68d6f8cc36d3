// The whole book on a real store: check-ins that open episodes, the 24-hour
// timing, vaccinations, follow-ups (appointments, referrals), the four
// groups, and one visit sent in several spellings being one record.
#include <gtest/gtest.h>
#include <simdjson.h>

#include "engine/appointments.hpp"
#include "engine/book.hpp"
#include "engine/canonical.hpp"
#include "engine/ingest.hpp"
#include "tests/docs.hpp"
#include "tests/tmpdir.hpp"
#include "tools/workload/xml_envelope.hpp"

namespace ehb {
namespace {

using test::appointment;
using test::checkin;
using test::referral;
using test::Doc;
using test::TempDir;



std::string vaccination(std::string_view record_id, std::string_view lot) {
    return R"({"TIEM_CHUNG":{"HE_THONG_NGUON":"TCQG","MA_BAN_GHI":")" + std::string(record_id) +
           R"(","MA_VACCINE":"VX-MMR","TEN_VACCINE":"Sởi - Quai bị - Rubella","MUI_THU":"2","NGAY_TIEM":"202406010900",)" +
           R"("MA_CSKCB":"01001","SO_LO":")" + std::string(lot) +
           R"(","HO_TEN":"Nguyễn Văn An","NGAY_SINH":"199005150000","GIOI_TINH":"1","SO_CCCD":"001090012345"}})";
}

class BookTest : public ::testing::Test {
protected:
    TempDir dir;
    Store store{dir.path()};
    Engine engine{store};
    simdjson::dom::parser parser;

    RecordResult push1(const std::string& doc) {
        std::string_view view = doc;
        RecordResult r = engine.ingest({&view, 1}, "test").at(0);
        EXPECT_NE(r.status, Status::rejected) << r.error.code << " " << r.error.field << " " << r.error.reason;
        return r;
    }
    Book book(std::string_view id = "001090012345") {
        BookReader reader(store);
        Book b;
        EXPECT_TRUE(reader.read(id, b));
        return b;
    }
    simdjson::dom::element json_book(uint32_t today, std::string& keep) {
        keep = book_json(book(), today);
        simdjson::dom::element e;
        EXPECT_EQ(parser.parse(keep).get(e), simdjson::SUCCESS) << keep;
        return e;
    }
};

TEST_F(BookTest, NumbersAndEmptyFieldsAreSpelledOneWay) {
    Doc a;
    a.extra = {{"MA_PTTT_QT", "\"\""}, {"GHI_CHU", "null"}, {"T_THUOC", "\"15000.50\""}};
    Doc b;
    b.extra = {{"T_THUOC", "15000.5"}};
    ASSERT_EQ(push1(a.json()).status, Status::accepted);
    RecordResult r = push1(b.json());
    EXPECT_EQ(r.status, Status::duplicate) << "\"\" and null hold no value; \"15000.50\" is the number 15000.5";
    Book bk = book();
    EXPECT_NE(bk.episodes.at(0).current.canonical.find("\"T_THUOC\":15000.5,"), std::string::npos)
        << bk.episodes[0].current.canonical;
    EXPECT_NE(bk.episodes[0].current.canonical.find("\"STT\":1,"), std::string::npos);
    EXPECT_EQ(bk.episodes[0].current.canonical.find("MA_PTTT_QT"), std::string::npos);
}

TEST_F(BookTest, ANumberTooLongForJsonReadersKeepsItsSpellingAndTheRecordStaysReadable) {
    // Regression: "18446744073709551616" (2^64) was stored as a bare number
    // that no JSON reader takes back, and the book lost the record.
    Doc d;
    d.extra = {{"T_TONGCHI_BV", "\"18446744073709551616\""}, {"T_THUOC", "1e20"}};
    d.tables = R"(,"XML3":[{"MA_DICH_VU":"02.1896","SO_LUONG":"1234567890123456.5"}])";
    ASSERT_EQ(push1(d.json()).status, Status::accepted);
    const std::string stored = book().episodes.at(0).current.canonical;
    EXPECT_NE(stored.find("\"T_TONGCHI_BV\":\"18446744073709551616\""), std::string::npos) << stored;
    EXPECT_NE(stored.find("\"T_THUOC\":1e+20"), std::string::npos) << stored;
    EXPECT_NE(stored.find("\"SO_LUONG\":\"1234567890123456.5\""), std::string::npos) << stored;
    EpisodeParser again;
    ParsedRecord reparsed;
    Issue error;
    EXPECT_TRUE(again.parse(stored, reparsed, error)) << error.code << " " << error.reason;
    std::string keep;
    EXPECT_EQ(std::string_view(json_book(20250110, keep)["administrative"]["HO_TEN"]), "Nguyễn Văn An") << keep;
}

TEST_F(BookTest, AQd4210VisitTypeIsStoredAsTodaysCodeAndTheRecordReadsBack) {
    // Regression: 4210's MA_LOAI_KCB 1, "1" and "01" were three contents, and
    // the stored record ("1") did not read back under today's rules.
    auto doc = [](std::string_view visit_type) {
        return R"({"XML1":{"MA_LK":"190916000123","MA_BN":"0055120","HO_TEN":"Phạm Thị Thu Hà","NGAY_SINH":"19900412",)"
               R"("GIOI_TINH":2,"MA_THE":"GD4797912345678","MA_BENH":"J02.9","TEN_BENH":"Viêm họng cấp",)"
               R"("NGAY_VAO":"201909160800","NGAY_RA":"201909160930","KET_QUA_DTRI":1,"TINH_TRANG_RV":1,)"
               R"("T_TONGCHI":49500,"CAN_NANG":52.5,"MA_CSKCB":"79001","MA_LOAI_KCB":)" +
               std::string(visit_type) + "}}";
    };
    ASSERT_EQ(push1(doc("1")).status, Status::accepted);
    EXPECT_EQ(push1(doc("\"1\"")).status, Status::duplicate);
    EXPECT_EQ(push1(doc("\"01\"")).status, Status::duplicate);
    const std::string stored = book("GD4797912345678").episodes.at(0).current.canonical;
    EXPECT_NE(stored.find("\"MA_LOAI_KCB\":\"01\""), std::string::npos) << stored;
    EXPECT_NE(stored.find("\"CAN_NANG\":\"52.5\""), std::string::npos) << stored;
    EXPECT_NE(stored.find("\"MA_THE_BHYT\":\"GD4797912345678\""), std::string::npos) << stored;
    EpisodeParser again;
    ParsedRecord reparsed;
    Issue error;
    ASSERT_TRUE(again.parse(stored, reparsed, error)) << error.code << " " << error.field << " " << error.reason;
    EXPECT_EQ(reparsed.hash, canonical_hash(stored)) << "read as today's generation, it is the same content";
}

TEST_F(BookTest, ACheckinOpensTheEpisodeAndTheFullRecordClosesIt) {
    Doc d;
    RecordResult open = push1(checkin(d));
    ASSERT_EQ(open.status, Status::accepted);
    Book b = book();
    ASSERT_EQ(b.episodes.size(), 1u);
    EXPECT_EQ(b.episodes[0].current.kind, RecordKind::checkin);
    EXPECT_EQ(b.episodes[0].timing.closed_us, 0);
    std::string keep;
    EXPECT_EQ(std::string_view(json_book(20250110, keep)["episodes"].at(0)["state"]), "open");

    RecordResult closed = push1(d.json());
    EXPECT_EQ(closed.status, Status::new_version);
    b = book();
    EXPECT_EQ(b.episodes[0].current.kind, RecordKind::episode);
    EXPECT_NE(b.episodes[0].timing.closed_us, 0);
    EXPECT_EQ(b.episodes[0].timing.discharged, 202501101000u);
    simdjson::dom::element ep = json_book(20250110, keep)["episodes"].at(0);
    EXPECT_EQ(std::string_view(ep["state"]), "closed");
    EXPECT_EQ(std::string_view(ep["timing"]["discharged"]), "202501101000");
    // Pushed now, long after the 2025 discharge.
    EXPECT_FALSE(bool(ep["timing"]["within_24h"]));
    EXPECT_GT(double(ep["timing"]["hours_after_discharge"]), 24.0);

    // A late or resent check-in does not reopen it, and writes nothing.
    RecordResult late = push1(checkin(d, "202501100805"));
    EXPECT_EQ(late.status, Status::duplicate);
    EXPECT_EQ(late.seq, closed.seq);
    ASSERT_EQ(late.warnings.size(), 1u);
    EXPECT_EQ(late.warnings[0].code, "W_CHECKIN_LATE");
    EXPECT_EQ(book().episodes[0].current.kind, RecordKind::episode);
}

TEST_F(BookTest, TheTimingStaysWithTheFirstFullRecord) {
    Doc d;
    push1(d.json());
    const schema::RecordTiming first = book().episodes.at(0).timing;
    Doc corrected = d;
    corrected.icd = "J20.9";
    corrected.discharged = "202501101100";
    ASSERT_EQ(push1(corrected.json()).status, Status::new_version);
    EXPECT_EQ(book().episodes.at(0).timing, first);
}

TEST_F(BookTest, AVaccinationIsAcceptedLikeAnEpisodeAndShownInTheHistory) {
    ASSERT_EQ(push1(vaccination("REC-1", "L001")).status, Status::accepted);
    EXPECT_EQ(push1(vaccination("REC-1", "L001")).status, Status::duplicate);
    EXPECT_EQ(push1(vaccination("REC-1", "L002")).status, Status::new_version) << "the source corrected the lot";
    EXPECT_EQ(push1(vaccination("REC-2", "L009")).status, Status::accepted);
    push1(Doc{}.json());
    std::string keep;
    simdjson::dom::element b = json_book(20250110, keep);
    simdjson::dom::array shots = b["history"]["vaccinations"];
    ASSERT_EQ(shots.size(), 2u) << keep;
    for (simdjson::dom::element shot : shots) {
        EXPECT_EQ(std::string_view(shot["source_system"]), "TCQG");
        if (std::string_view(shot["record_id"]) == "REC-1") {
            EXPECT_EQ(uint64_t(shot["versions"]), 2u);
            EXPECT_EQ(std::string_view(shot["current"]["record"]["TIEM_CHUNG"]["SO_LO"]), "L002");
        }
    }
    EXPECT_EQ(simdjson::dom::array(b["episodes"]).size(), 1u) << "a vaccination is not a visit";
}

TEST_F(BookTest, AnAppointmentIsBookedThenMissedOrAttendedAndListedByDay) {
    Doc visit;
    visit.tables = appointment(visit, "GH-0001", "202501200800");
    ASSERT_EQ(push1(visit.json()).status, Status::accepted);

    AppointmentQuery q{20250101, 20250131, "", 20250110};
    std::string listed = appointments_json(store, q);
    simdjson::dom::element e;
    ASSERT_EQ(parser.parse(listed).get(e), simdjson::SUCCESS) << listed;
    simdjson::dom::array due = e["appointments"];
    ASSERT_EQ(due.size(), 1u) << listed;
    EXPECT_EQ(std::string_view(due.at(0)["status"]), "booked");
    EXPECT_EQ(std::string_view(due.at(0)["day"]), "20250120");
    EXPECT_EQ(std::string_view(due.at(0)["person"]), "1");
    EXPECT_EQ(std::string_view(due.at(0)["SO_CCCD"]), "001090012345");
    EXPECT_EQ(std::string_view(due.at(0)["appointment"]["SO_GIAYHEN_KL"]), "GH-0001");

    AppointmentQuery none = q;
    none.limit = 0;
    listed = appointments_json(store, none);
    ASSERT_EQ(parser.parse(listed).get(e), simdjson::SUCCESS);
    EXPECT_EQ(simdjson::dom::array(e["appointments"]).size(), 0u);
    EXPECT_TRUE(bool(e["truncated"])) << "more were due than the limit lets through: " << listed;

    q.today = 20250201;
    listed = appointments_json(store, q);
    ASSERT_EQ(parser.parse(listed).get(e), simdjson::SUCCESS);
    EXPECT_EQ(std::string_view(e["appointments"].at(0)["status"]), "missed");
    q.province = "79";
    listed = appointments_json(store, q);
    ASSERT_EQ(parser.parse(listed).get(e), simdjson::SUCCESS);
    EXPECT_EQ(simdjson::dom::array(e["appointments"]).size(), 0u) << "the facility is in Hà Nội (01)";
    q.province.clear();

    // The patient comes back with the slip.
    Doc back;
    back.ma_lk = "LK0002";
    back.admitted = "202501200815";
    back.discharged = "202501200900";
    back.extra = {{"GIAY_CHUYEN_TUYEN", "\"GH-0001\""}};
    ASSERT_EQ(push1(back.json()).status, Status::accepted);
    listed = appointments_json(store, q);
    ASSERT_EQ(parser.parse(listed).get(e), simdjson::SUCCESS);
    EXPECT_EQ(std::string_view(e["appointments"].at(0)["status"]), "attended");
    std::string keep;
    simdjson::dom::element summary = json_book(20250201, keep)["summaries"].at(0);
    EXPECT_EQ(std::string_view(summary["appointment_status"]), "attended");
    EXPECT_EQ(std::string_view(summary["attended_in"]["ma_lk"]), "LK0002");

    // A new version without the slip takes the appointment off the list.
    ASSERT_EQ(push1(Doc{}.json()).status, Status::new_version);
    listed = appointments_json(store, q);
    ASSERT_EQ(parser.parse(listed).get(e), simdjson::SUCCESS);
    EXPECT_EQ(simdjson::dom::array(e["appointments"]).size(), 0u) << listed;
}

TEST_F(BookTest, AReferralLeadsToTheVisitAtTheReceivingFacility) {
    Doc sent;
    sent.icd = "J18.9";
    sent.extra = {{"MA_LOAI_RV", "2"}, {"MA_NOI_DEN", "\"01002\""}, {"GIAY_CHUYEN_TUYEN", "\"17/2025/GCT\""}};
    sent.tables = referral(sent, "17/2025/GCT", "01002");
    ASSERT_EQ(push1(sent.json()).status, Status::accepted);
    Doc received;
    received.facility = "01002";
    received.ma_lk = "BV2-LK9";
    received.admitted = "202501101130";
    received.discharged = "202501151000";
    received.icd = "J18.9";
    received.extra = {{"MA_NOI_DI", "\"01001\""}, {"GIAY_CHUYEN_TUYEN", "\"17/2025/GCT\""}};
    ASSERT_EQ(push1(received.json()).status, Status::accepted);

    std::string keep;
    simdjson::dom::element b = json_book(20250201, keep);
    simdjson::dom::element summary = b["summaries"].at(0);
    EXPECT_EQ(std::string_view(summary["referral"]["MA_CSKCB_DEN"]), "01002") << keep;
    EXPECT_EQ(std::string_view(summary["referral_led_to"]["facility"]), "01002");
    EXPECT_EQ(std::string_view(summary["referral_led_to"]["ma_lk"]), "BV2-LK9");
    simdjson::dom::element newest = b["episodes"].at(0);
    EXPECT_EQ(std::string_view(newest["ma_lk"]), "BV2-LK9");
    EXPECT_EQ(std::string_view(newest["referred_from"]["facility"]), "01001");
}

TEST_F(BookTest, TheGroupsHoldThePersonTheHistoryTheVisitsAndTheSummaries) {
    Doc older;
    older.ma_lk = "LK-A";
    older.icd = "I10";
    older.extra = {{"DIEN_THOAI", "\"0912345678\""}, {"MA_BENH_KT", "\"E11;E78.5\""}};
    push1(older.json());
    Doc newer;
    newer.ma_lk = "LK-B";
    newer.admitted = "202502010800";
    newer.discharged = "202502011000";
    newer.icd = "I10";
    newer.name = "Nguyễn Văn Ân";  // the name as the newest record spells it
    push1(newer.json());
    std::string keep;
    simdjson::dom::element b = json_book(20250301, keep);
    EXPECT_EQ(std::string_view(b["person"]["id"]), "1");
    EXPECT_EQ(std::string_view(b["person"]["best_record"]["name"]["value"]), "Nguyễn Văn Ân") << "the newest, same source";
    EXPECT_EQ(std::string_view(b["person"]["identifiers"].at(0)["value"]), "001090012345");
    EXPECT_EQ(std::string_view(b["administrative"]["HO_TEN"]), "Nguyễn Văn Ân") << keep;
    EXPECT_EQ(std::string_view(b["administrative"]["DIEN_THOAI"]), "0912345678") << "from the older record";
    simdjson::dom::array diagnoses = b["history"]["diagnoses"];
    ASSERT_EQ(diagnoses.size(), 3u);
    EXPECT_EQ(std::string_view(diagnoses.at(1)["code"]), "E78.5");
    EXPECT_EQ(std::string_view(diagnoses.at(2)["code"]), "I10");
    EXPECT_EQ(uint64_t(diagnoses.at(2)["episodes"]), 2u);
    EXPECT_EQ(std::string_view(diagnoses.at(2)["first"]), "202501100800");
    EXPECT_EQ(std::string_view(diagnoses.at(2)["last"]), "202502010800");
    EXPECT_EQ(simdjson::dom::array(b["episodes"]).size(), 2u);
    EXPECT_EQ(simdjson::dom::array(b["summaries"]).size(), 0u);
}

TEST_F(BookTest, TheSameVisitAsJsonAndAsAnXmlSubmissionIsOneRecord) {
    Doc d;
    d.tables = appointment(d, "GH-7", "202501200800");
    const std::string xml = workload::xml_submission(d.json());
    RecordResult first = push1(xml);
    ASSERT_EQ(first.status, Status::accepted);
    EXPECT_EQ(push1(d.json()).status, Status::duplicate) << "XML has only text: \"1\" is the number 1";
    EXPECT_EQ(push1(d.json_reordered()).status, Status::duplicate);
    Book b = book();
    ASSERT_EQ(b.episodes.size(), 1u);
    EXPECT_EQ(b.episodes[0].current.format, SourceFormat::xml);
    EXPECT_EQ(b.episodes[0].current.source, workload::kSampleSignature) << "the signature block, verbatim";
}

}  // namespace
}  // namespace ehb
