// The ehb command as a real process: gen → import → book, admin, and their errors.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include "tests/docs.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

struct Output {
    int exit_code = -1;
    std::string out;
};

// Runs `ehb args...` with stderr discarded; stdout captured.
Output ehb(const std::string& args) {
    Output r;
    std::string cmd = std::string(EHB_BINARY) + " " + args + " 2>/dev/null";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return r;
    std::array<char, 65536> buf;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    int status = pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

uint64_t field(simdjson::dom::element e, const char* key) { return uint64_t(e[key].get_uint64()); }

TEST(Cli, GenImportBookRoundTrip) {
    test::TempDir dir;
    std::string sample = (dir / "sample.jsonl").string();
    ASSERT_EQ(ehb("gen --citizens 500 --episodes 2000 --seed 9 --out " + sample).exit_code, 0);

    Output import = ehb("import --data " + (dir / "data").string() + " --batch 64 " + sample);
    ASSERT_EQ(import.exit_code, 0);
    simdjson::dom::parser parser;
    simdjson::dom::element summary = parser.parse(import.out);
    std::ifstream expected_file(sample + ".expected.json");
    std::stringstream expected_text;
    expected_text << expected_file.rdbuf();
    simdjson::dom::parser parser2;
    simdjson::dom::element expected = parser2.parse(expected_text.str());
    for (const char* key : {"records", "accepted", "duplicate", "new_version", "rejected", "flagged"}) {
        EXPECT_EQ(field(summary, key), field(expected, key)) << key;
    }
    EXPECT_EQ(field(summary, "accepted") + field(summary, "duplicate") + field(summary, "new_version") +
                  field(summary, "rejected"),
              field(summary, "records"));
    uint64_t by_code = 0;
    for (auto [code, count] : summary["rejections"].get_object()) by_code += uint64_t(count.get_uint64());
    EXPECT_EQ(by_code, field(summary, "rejected"));

    // The book of the first citizen the sample names.
    std::ifstream in(sample);
    std::string line, citizen;
    while (citizen.empty() && std::getline(in, line)) {
        auto at = line.find("\"SO_CCCD\":\"");
        if (at != std::string::npos && line[at + 11 + 12] == '"') citizen = line.substr(at + 11, 12);
    }
    ASSERT_FALSE(citizen.empty());
    Output book = ehb("book --data " + (dir / "data").string() + " --history " + citizen);
    ASSERT_EQ(book.exit_code, 0);
    simdjson::dom::element b = parser.parse(book.out);
    EXPECT_EQ(std::string_view(b["person"]["owner"]["value"]), citizen);
    EXPECT_GE(b["episodes"].get_array().size(), 1u);
    simdjson::dom::element first = b["episodes"].at(0);
    EXPECT_EQ(std::string_view(first["current"]["record"]["XML1"]["SO_CCCD"]), citizen);
}

TEST(Cli, ImportReportsEachRejectionAndKeepsTheGoodLines) {
    test::TempDir dir;
    test::Doc good, other;
    other.ma_lk = "LK0002";
    std::ofstream(dir / "in.jsonl") << good.json() << "\n\n{\"XML1\":\n" << other.json() << "\r\n[1,2]\n" << good.json();
    Output r = ehb("import --data " + (dir / "data").string() + " " + (dir / "in.jsonl").string());
    ASSERT_EQ(r.exit_code, 0);
    simdjson::dom::parser parser;
    simdjson::dom::element s = parser.parse(r.out);
    EXPECT_EQ(field(s, "records"), 5u);  // the blank line is not a record
    EXPECT_EQ(field(s, "accepted"), 2u);
    EXPECT_EQ(field(s, "duplicate"), 1u);
    EXPECT_EQ(field(s, "rejected"), 2u);
    EXPECT_EQ(field(s["rejections"], "E_JSON"), 1u);
    EXPECT_EQ(field(s["rejections"], "E_NOT_OBJECT"), 1u);
    Output book = ehb("book --data " + (dir / "data").string() + " DN4010123456789");
    EXPECT_EQ(book.exit_code, 0);
    EXPECT_NE(book.out.find("\"ma_lk\":\"LK0002\""), std::string::npos);
}

TEST(Cli, UsageAndBadInputFailClearly) {
    test::TempDir dir;
    EXPECT_EQ(ehb("").exit_code, 2);
    EXPECT_EQ(ehb("frobnicate").exit_code, 2);
    EXPECT_EQ(ehb("import --data " + dir.path().string()).exit_code, 2);  // no file
    EXPECT_EQ(ehb("import --data " + (dir / "d").string() + " /nonexistent.jsonl").exit_code, 1);
    EXPECT_EQ(ehb("book --data " + dir.path().string() + " 001090012345").exit_code, 1);  // not a data directory
    std::ofstream(dir / "one.jsonl") << test::Doc{}.json() << "\n";
    ASSERT_EQ(ehb("import --data " + (dir / "d").string() + " " + (dir / "one.jsonl").string()).exit_code, 0);
    EXPECT_EQ(ehb("book --data " + (dir / "d").string() + " not-an-id").exit_code, 2);
    Output empty = ehb("book --data " + (dir / "d").string() + " 079190000111");
    EXPECT_EQ(empty.exit_code, 0);
    EXPECT_NE(empty.out.find("\"episodes\":[]"), std::string::npos);
    EXPECT_EQ(ehb("gen --citizens x --out " + (dir / "g").string()).exit_code, 2);
}

bool is_credential_line(const std::string& s) {
    if (s.size() != 65 || s.back() != '\n') return false;
    for (std::size_t i = 0; i < 64; ++i) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
    }
    return true;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

TEST(Cli, ImportTakesEveryFormatAndTheBookComesAsFhirTooAndAppointmentsAreListed) {
    test::TempDir dir;
    const std::string data = "--data " + (dir / "data").string() + " ";
    const std::string corpus = EHB_TEST_DATA;
    Output import = ehb("import " + data + corpus + "/xml/xml130_checkin.xml " + corpus + "/xml/xml130_inpatient.xml " +
                        corpus + "/fhir/bundle_inpatient.json " + corpus + "/json/late_lab_first.json");
    ASSERT_EQ(import.exit_code, 0);
    simdjson::dom::parser parser;
    simdjson::dom::element summary = parser.parse(import.out);
    EXPECT_EQ(field(summary, "records"), 4u) << import.out;
    EXPECT_EQ(field(summary, "accepted"), 3u);
    EXPECT_EQ(field(summary, "new_version"), 1u);

    Output fhir = ehb("book " + data + "--format fhir 001185012345");
    ASSERT_EQ(fhir.exit_code, 0);
    simdjson::dom::parser fhir_parser;
    EXPECT_EQ(std::string_view(fhir_parser.parse(fhir.out)["resourceType"]), "Bundle");
    EXPECT_EQ(ehb("book " + data + "--format xml 001185012345").exit_code, 2);

    // The XML stay's slip and the FHIR stay's Appointment, in day order.
    Output due = ehb("appointments " + data + "--from 20240301 --to 20240430");
    ASSERT_EQ(due.exit_code, 0);
    simdjson::dom::parser due_parser;
    simdjson::dom::array list = due_parser.parse(due.out)["appointments"];
    ASSERT_EQ(list.size(), 2u) << due.out;
    EXPECT_EQ(std::string_view(list.at(0)["day"]), "20240325");
    EXPECT_EQ(std::string_view(list.at(1)["day"]), "20240401");
    EXPECT_EQ(std::string_view(list.at(1)["appointment"]["SO_GIAYHEN_KL"]), "GH2024-000731");
    EXPECT_EQ(ehb("appointments " + data + "--from 20240301 --to 20240230").exit_code, 2);
    EXPECT_EQ(ehb("appointments " + data + "--from 20240301 --to 20240430 --province 00").exit_code, 2);
}

TEST(Cli, AdminAddsListsAndRevokesPrincipals) {
    test::TempDir dir;
    std::string admin = "admin --data " + (dir / "data").string() + " principal ";
    Output fac = ehb(admin + "add bv-01001 --role facility --facility 01001");
    ASSERT_EQ(fac.exit_code, 0);
    EXPECT_TRUE(is_credential_line(fac.out)) << fac.out;
    Output portal = ehb(admin + "add portal --role portal");
    ASSERT_EQ(portal.exit_code, 0);
    EXPECT_TRUE(is_credential_line(portal.out)) << portal.out;
    EXPECT_NE(fac.out, portal.out);
    EXPECT_EQ(ehb(admin + "add portal --role reader").exit_code, 1);  // names are never reused

    Output list = ehb(admin + "list");
    ASSERT_EQ(list.exit_code, 0);
    auto rows = lines(list.out);
    ASSERT_EQ(rows.size(), 2u);
    simdjson::dom::parser parser;
    simdjson::dom::element a = parser.parse(rows[0]);
    EXPECT_EQ(std::string_view(a["name"]), "bv-01001");
    EXPECT_EQ(std::string_view(a["role"]), "facility");
    EXPECT_EQ(std::string_view(a["facility"]), "01001");
    std::string_view created = a["created"];
    EXPECT_EQ(created.size(), 27u);  // 2026-01-02T03:04:05.123456Z
    EXPECT_EQ(created.back(), 'Z');
    EXPECT_TRUE(a["revoked"].is_null());
    simdjson::dom::parser parser2;
    simdjson::dom::element b = parser2.parse(rows[1]);
    EXPECT_EQ(std::string_view(b["name"]), "portal");
    EXPECT_EQ(std::string_view(b["role"]), "portal");
    EXPECT_TRUE(b["facility"].is_null());
    EXPECT_EQ(list.out.find(fac.out.substr(0, 64)), std::string::npos);

    EXPECT_EQ(ehb(admin + "revoke bv-01001").exit_code, 0);
    EXPECT_EQ(ehb(admin + "revoke nobody").exit_code, 1);
    list = ehb(admin + "list");
    ASSERT_EQ(list.exit_code, 0);
    rows = lines(list.out);
    ASSERT_EQ(rows.size(), 2u);
    simdjson::dom::element revoked = parser.parse(rows[0]);
    EXPECT_EQ(std::string_view(revoked["revoked"]).back(), 'Z');
    EXPECT_TRUE(parser2.parse(rows[1])["revoked"].is_null());
}

TEST(Cli, AdminUsageErrorsExit2) {
    test::TempDir dir;
    std::string data = "--data " + (dir / "data").string();
    EXPECT_EQ(ehb("admin").exit_code, 2);
    EXPECT_EQ(ehb("admin principal list").exit_code, 2);  // no --data
    EXPECT_EQ(ehb("admin " + data).exit_code, 2);
    EXPECT_EQ(ehb("admin " + data + " principal").exit_code, 2);
    EXPECT_EQ(ehb("admin " + data + " principal frob").exit_code, 2);
    EXPECT_EQ(ehb("admin " + data + " user list").exit_code, 2);
    EXPECT_EQ(ehb("admin " + data + " principal list extra").exit_code, 2);
    EXPECT_EQ(ehb("admin " + data + " principal revoke").exit_code, 2);
    EXPECT_EQ(ehb("admin " + data + " principal add x").exit_code, 2);  // no --role
    EXPECT_EQ(ehb("admin " + data + " principal add x --role root").exit_code, 2);
    EXPECT_EQ(ehb("admin " + data + " principal add x --role facility").exit_code, 2);
    EXPECT_EQ(ehb("admin " + data + " principal add x --role facility --facility 0100").exit_code, 2);
    EXPECT_EQ(ehb("admin " + data + " principal add x --role reader --facility 01001").exit_code, 2);
    EXPECT_EQ(ehb("admin " + data + " principal add a/b --role reader").exit_code, 2);
    EXPECT_EQ(ehb("admin " + data + " principal add x --role reader --bogus").exit_code, 2);
    EXPECT_EQ(ehb("admin " + data + " principal list --role reader").exit_code, 2);
    EXPECT_FALSE(std::filesystem::exists(dir / "data"));  // no usage error touched the directory
    EXPECT_EQ(ehb("admin " + data + " principal list").exit_code, 1);  // not a data directory
}

}  // namespace
}  // namespace ehb
