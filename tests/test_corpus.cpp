// The corpus of real-looking files (tests/data: XML submissions of each
// generation, JSON documents, FHIR Bundles, and bad ones of each format)
// pushed through the engine into one store, in the order of
// tests/data/corpus.tsv; then what the books show of them.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <sstream>

#include "engine/book.hpp"
#include "engine/fhir_out.hpp"
#include "engine/ingest.hpp"
#include "tests/fhir_rules.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in) << "cannot open " << path;
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

struct Expectation {
    std::string file, outcome, field;
};

std::vector<Expectation> manifest() {
    std::vector<Expectation> out;
    std::istringstream lines(read_file(EHB_TEST_DATA "/corpus.tsv"));
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream cols(line);
        Expectation& e = out.emplace_back();
        std::getline(cols, e.file, '\t');
        std::getline(cols, e.outcome, '\t');
        std::getline(cols, e.field, '\t');
    }
    return out;
}

class Corpus : public ::testing::Test {
protected:
    test::TempDir dir;
    Store store{dir.path()};
    Engine engine{store};
    simdjson::dom::parser parser;

    void SetUp() override {
        for (const Expectation& x : manifest()) {
            SCOPED_TRACE(x.file);
            const std::string doc = read_file(EHB_TEST_DATA "/" + x.file);
            std::string_view view = doc;
            const RecordResult r = engine.ingest({&view, 1}, "corpus").at(0);
            if (x.outcome.starts_with("E_")) {
                EXPECT_EQ(r.status, Status::rejected);
                EXPECT_EQ(r.error.code, x.outcome) << r.error.field << ": " << r.error.reason;
                if (!x.field.empty()) {
                    EXPECT_EQ(r.error.field, x.field) << r.error.reason;
                }
                EXPECT_FALSE(r.error.reason.empty());
            } else {
                EXPECT_EQ(status_name(r.status), x.outcome) << r.error.code << " " << r.error.field << ": "
                                                            << r.error.reason;
            }
        }
    }

    simdjson::dom::element book(std::string_view id, uint32_t today, std::string& keep) {
        BookReader reader(store);
        Book b;
        EXPECT_TRUE(reader.read(id, b));
        keep = book_json(b, today);
        simdjson::dom::element e;
        EXPECT_EQ(parser.parse(keep).get(e), simdjson::SUCCESS);
        return e;
    }
};

TEST_F(Corpus, EveryFileGetsItsStatusAndTheBooksShowThem) {
    std::string keep;
    // The inpatient stay: opened by its check-in, closed by the record that
    // came as XML, then as JSON and FHIR (one record), with its appointment.
    simdjson::dom::element b = book("001185012345", 20240320, keep);
    simdjson::dom::element stay = b["episodes"].at(0);
    EXPECT_EQ(std::string_view(stay["state"]), "closed") << keep;
    EXPECT_EQ(uint64_t(stay["versions"]), 2u);
    EXPECT_EQ(std::string_view(stay["current"]["format"]), "xml");
    EXPECT_NE(std::string_view(stay["current"]["signature"]).find("<CHUKYDONVI"), std::string_view::npos);
    EXPECT_EQ(std::string_view(b["summaries"].at(0)["appointment_status"]), "booked");

    // The referral from 01013 led to the visit at 01001 (two generations: 3176 and 130).
    b = book("001062004217", 20250301, keep);
    simdjson::dom::element sent = b["summaries"].at(0);
    EXPECT_EQ(std::string_view(sent["referral_led_to"]["facility"]), "01001") << keep;
    EXPECT_EQ(std::string_view(b["episodes"].at(0)["referred_from"]["facility"]), "01013");
    EXPECT_EQ(std::string_view(b["episodes"].at(1)["current"]["generation"]), "3176");

    // QĐ 4210 names read the same as today's.
    b = book("GD4797912345678", 20250301, keep);
    bool found = false;
    for (simdjson::dom::element ep : simdjson::dom::array(b["episodes"])) {
        if (std::string_view(ep["ma_lk"]) != "190916000123") continue;
        found = true;
        EXPECT_EQ(std::string_view(ep["current"]["generation"]), "4210") << keep;
        EXPECT_EQ(std::string_view(ep["current"]["record"]["XML1"]["MA_THE_BHYT"]), "GD4797912345678");
        EXPECT_EQ(std::string_view(ep["current"]["record"]["XML1"]["MA_BENH_CHINH"]), "J02.9");
    }
    EXPECT_TRUE(found) << keep;

    // The newborn without an ID: filed by the temporary card, with her vaccination.
    b = book("TE1010312345678", 20250301, keep);
    EXPECT_EQ(simdjson::dom::array(b["history"]["vaccinations"]).size(), 1u) << keep;

    // The late lab result filled GIA_TRI in a new version.
    b = book("079072001234", 20250501, keep);
    simdjson::dom::element lab = b["episodes"].at(0)["current"]["record"]["XML4"].at(1);
    EXPECT_EQ(std::string_view(lab["GIA_TRI"]), "Dương tính") << keep;
}

TEST_F(Corpus, AFhirBundleInComesBackOutOfTheStoredBookWithEveryClinicalFact) {
    BookReader reader(store);
    Book b;
    ASSERT_TRUE(reader.read("001085012345", b));  // the person of fhir/bundle_inpatient.json
    const std::string out = book_fhir(b);
    EXPECT_EQ(test::fhir_violations(out), std::vector<std::string>()) << out;
    for (std::string_view fact : {
             "\"K29.1\"", "\"I10\"",                                      // diagnoses
             "\"value\":5.6,\"unit\":\"mmol/L\"", "\"value\":78,\"unit\":\"µmol/L\"",  // results and units
             "\"40.1004\"", "\"1 viên/lần * 2 lần/ngày * 5 ngày\"",         // drugs and doses
             "\"start\":\"2024-03-25T08:00:00+07:00\"",                    // the appointment
         })
        EXPECT_NE(out.find(fact), std::string_view::npos) << fact << " in " << out;
}

}  // namespace
}  // namespace ehb
