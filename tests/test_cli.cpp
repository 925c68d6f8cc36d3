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
#include "tests/ehbd_process.hpp"
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
    EXPECT_NE(book.out.find("{\"type\":\"citizen_id\",\"value\":\"" + citizen + "\""), std::string::npos)
        << "the person holds the citizen ID: " << book.out;
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

// ---- ehb people and ehb link (docs/persons.md)
#include <map>
#include <string_view>

#include "tools/people/people.hpp"

namespace ehb {
namespace {

// Runs `ehb args...` with stdout discarded; stderr captured (where usage errors go).
Output ehb_stderr(const std::string& args) {
    return ehb(args + " 2>&1 >/dev/null #");  // the helper's own "2>/dev/null" is commented out
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// One CSV line's fields (RFC 4180 quoting; the values hold no line breaks).
std::vector<std::string> csv_row(std::string_view line) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += line[++i];
        else if (c == '"') quoted = !quoted;
        else if (c == ',' && !quoted) out.emplace_back();
        else out.back() += c;
    }
    return out;
}

std::vector<std::vector<std::string>> csv_rows(const std::filesystem::path& path) {
    std::vector<std::vector<std::string>> rows;
    for (const std::string& line : lines(read_text(path))) rows.push_back(csv_row(line));
    return rows;
}

// Every column of the generator's CSV, mapped to its role.
constexpr const char* kPeopleColumns =
    "id=rec_id,source=source,name=full_name,birth=birth_date,sex=sex,address=address,location=ward,"
    "province=province,id:cccd=cccd,id:cmnd=cmnd,id:passport=passport,id:card=card,id:bhxh=bhxh,"
    "facility=facility,id:mrn=mrn";

TEST(Cli, PeopleWritesTheRecordsAskedForTheSameForASeed) {
    test::TempDir dir;
    const auto a = dir / "a.csv", b = dir / "b.csv", c = dir / "c.csv";
    ASSERT_EQ(ehb("people --records 3000 --seed 5 --out " + a.string()).exit_code, 0);
    const std::vector<std::string> rows = lines(read_text(a));
    ASSERT_EQ(rows.size(), 3001u);
    EXPECT_EQ(rows[0], people::kHeader);
    ASSERT_EQ(ehb("people --records 3000 --seed 5 --out " + b.string()).exit_code, 0);
    EXPECT_EQ(read_text(a), read_text(b));
    ASSERT_EQ(ehb("people --records 3000 --seed 6 --out " + c.string()).exit_code, 0);
    EXPECT_NE(read_text(a), read_text(c));
}

TEST(Cli, LinkGivesEveryRecordItsPersonPreciselyAndWritesTheModel) {
    test::TempDir dir;
    const auto in = dir / "people.csv", out = dir / "persons.csv", model = dir / "model.json";
    ASSERT_EQ(ehb("people --records 3000 --seed 5 --out " + in.string()).exit_code, 0);
    ASSERT_EQ(ehb("link --csv " + in.string() + " --columns " + kPeopleColumns + " --truth true_person --out " +
                  out.string() + " --model " + model.string())
                  .exit_code,
              0);

    const auto input = csv_rows(in), output = csv_rows(out);
    ASSERT_EQ(output.size(), input.size());
    EXPECT_EQ(output[0], (std::vector<std::string>{"record_id", "person_id", "band", "score"}));
    // Pairs of records given one person, pairs of records of one true person, and pairs that are both.
    std::map<std::string, std::map<std::string, double>> truths_by_person;
    std::map<std::string, double> records_of_truth;
    for (size_t i = 1; i < output.size(); ++i) {
        ASSERT_EQ(output[i].size(), 4u) << i;
        EXPECT_EQ(output[i][0], input[i][0]) << i;  // rec_id, in input order
        const std::string& band = output[i][2];
        EXPECT_TRUE(band == "link" || band == "review" || band == "nolink") << band;
        truths_by_person[output[i][1]][input[i][1]] += 1;
        records_of_truth[input[i][1]] += 1;
    }
    const auto pairs = [](double n) { return n * (n - 1) / 2; };
    double linked = 0, correct = 0, true_pairs = 0;
    for (const auto& [p, truths] : truths_by_person) {
        double n = 0;
        for (const auto& [t, k] : truths) {
            n += k;
            correct += pairs(k);
        }
        linked += pairs(n);
    }
    for (const auto& [t, k] : records_of_truth) true_pairs += pairs(k);
    ASSERT_GT(true_pairs, 1000);
    EXPECT_GE(correct / linked, 0.99);      // precision
    EXPECT_GE(correct / true_pairs, 0.95);  // recall: the records of one person mostly share its person_id

    simdjson::dom::parser parser;
    simdjson::dom::element m = parser.parse(read_text(model));
    const double prior = m["prior"];
    EXPECT_GT(prior, 0);
    EXPECT_LT(prior, 1);
    simdjson::dom::array given = m["fields"]["given"];
    ASSERT_GE(given.size(), 2u);
    EXPECT_GT(double(given.at(0)["m"]), double(given.at(0)["u"]));  // an equal given name speaks for a match
}

std::string csv_quoted(std::string_view value) {
    std::string out = "\"";
    for (char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

TEST(Cli, LinkJoinsFamilyAndGivenColumnsAndLinksNothingToAPlaceholder) {
    test::TempDir dir;
    const auto people_csv = dir / "people.csv", in = dir / "records.csv", out = dir / "persons.csv";
    // Five rows by hand after a population that the model is estimated from (five rows alone say
    // nothing about how often names or birth dates agree by chance), its names cut after the first word.
    ASSERT_EQ(ehb("people --records 3000 --seed 5 --out " + people_csv.string()).exit_code, 0);
    const auto population = csv_rows(people_csv);
    std::ofstream csv(in);
    csv << "ma,ho,ten,ngay_sinh,gioi_tinh,dia_chi\n";
    for (size_t i = 1; i < population.size(); ++i) {
        const std::vector<std::string>& r = population[i];
        const size_t space = r[3].find(' ');
        csv << r[0] << ',' << csv_quoted(r[3].substr(0, space)) << ','
            << csv_quoted(space == std::string::npos ? "" : r[3].substr(space + 1)) << ',' << r[4] << ',' << r[5] << ','
            << csv_quoted(r[6]) << '\n';
    }
    // Twins (one family name, birth date and address) told apart by the given name alone, and an unknown
    // patient recorded on their day at their address.
    csv << "h1,Phạm,Minh Tuấn,19850214,1,\"Số 7, Đường Lê Lợi, Phường Bến Nghé, Quận 1\"\n"
           "h2,Phạm,Minh Khôi,19850214,1,\"Số 7, Đường Lê Lợi, Phường Bến Nghé, Quận 1\"\n"
           "h3,PHAM,MINH TUAN,19850214,1,\"7 Le Loi, P. Ben Nghe, Q.1\"\n"
           "h4,Không rõ tên,,19850214,1,\"Số 7, Đường Lê Lợi, Phường Bến Nghé, Quận 1\"\n"
           "h5,Phạm,Minh Khôi,19850214,1,\"7 Lê Lợi, P. Bến Nghé, Q. 1\"\n";
    csv.close();
    ASSERT_EQ(ehb("link --csv " + in.string() + " --columns id=ma,family=ho,given=ten,birth=ngay_sinh,sex=gioi_tinh,"
                  "address=dia_chi --out " + out.string())
                  .exit_code,
              0);
    const auto rows = csv_rows(out);
    ASSERT_EQ(rows.size(), population.size() + 5);
    std::map<std::string, int> records_of;
    for (size_t i = 1; i < rows.size(); ++i) ++records_of[rows[i][1]];
    const auto row = [&](int h) -> const std::vector<std::string>& { return rows[population.size() - 1 + h]; };
    ASSERT_EQ(row(1)[0], "h1");
    EXPECT_EQ(row(3)[1], row(1)[1]);  // Phạm Minh Tuấn, then in capitals without diacritics
    EXPECT_EQ(row(3)[2], "link");
    EXPECT_EQ(row(5)[1], row(2)[1]);
    EXPECT_NE(row(1)[1], row(2)[1]);  // read without the given column, the twins would be one person
    EXPECT_EQ(row(4)[2], "nolink");
    EXPECT_EQ(records_of[row(4)[1]], 1);  // the placeholder is a person of its own
}

TEST(Cli, LinkUsageErrorsExit2WithAMessage) {
    test::TempDir dir;
    const auto in = dir / "people.csv";
    ASSERT_EQ(ehb("people --records 10 --out " + in.string()).exit_code, 0);
    const std::string csv = "link --csv " + in.string() + " --out " + (dir / "o.csv").string();
    auto fails = [&](const std::string& args, int code, std::string_view message) {
        const Output r = ehb_stderr(args);
        EXPECT_EQ(r.exit_code, code) << args;
        EXPECT_NE(r.out.find(message), std::string::npos) << args << ": " << r.out;
    };
    fails(csv + " --columns id=rec_id,colour=full_name", 2, "unknown role 'colour'");
    fails(csv + " --columns id=rec_id,name=nom", 2, "no column 'nom'");
    fails(csv + " --columns id=rec_id,id:mrn=mrn", 2, "id:mrn needs facility");
    fails(csv, 2, "usage: ehb link");
    fails("link --csv " + (dir / "missing.csv").string() + " --columns id=rec_id", 1, "cannot read");
    EXPECT_FALSE(std::filesystem::exists(dir / "o.csv"));  // no output for a refused command
}

}  // namespace
}  // namespace ehb

namespace ehb {
namespace {

// Imports two persons into DIR/data: person 1 with citizen ID 001090012345
// (test::Doc's), person 2 with 079190000111. Returns " --data DIR/data ".
std::string import_two_persons(const test::TempDir& dir) {
    test::Doc b;
    b.ma_lk = "B1";
    b.citizen = "079190000111";
    b.card = "HT4790987654321";
    b.name = "Trần Thị Bình";
    b.sex = "2";
    std::ofstream(dir / "two.jsonl") << test::Doc{}.json() << "\n" << b.json() << "\n";
    const std::string data = " --data " + (dir / "data").string() + " ";
    EXPECT_EQ(ehb("import" + data + (dir / "two.jsonl").string()).exit_code, 0);
    return data;
}

// The stewards' commands on a store filled by `ehb import`: two persons, merged, unmerged, audited.
TEST(Cli, StewardsMergeUnmergeAndAuditPersonsOffline) {
    test::TempDir dir;
    const std::string data = import_two_persons(dir);
    ASSERT_FALSE(::testing::Test::HasFailure());

    Output person = ehb("person" + data + "001090012345");
    ASSERT_EQ(person.exit_code, 0);
    EXPECT_NE(person.out.find("{\"id\":\"1\",\"merged\":[]"), std::string::npos) << person.out;
    EXPECT_NE(person.out.find("\"records\":1"), std::string::npos) << person.out;

    Output merged = ehb("merge" + data + "001090012345 P2 --why 'one person (test)'");
    ASSERT_EQ(merged.exit_code, 0);
    EXPECT_EQ(merged.out, "{\"merge\":1}\n");
    EXPECT_NE(ehb("person" + data + "079190000111").out.find("{\"id\":\"1\",\"merged\":[\"2\"]"), std::string::npos);
    EXPECT_EQ(ehb("merge" + data + "P1 P2").exit_code, 1) << "person 2 is merged already";

    ASSERT_EQ(ehb("unmerge" + data + "1 --why 'two people after all (test)'").exit_code, 0);
    EXPECT_NE(ehb("person" + data + "079190000111").out.find("{\"id\":\"2\",\"merged\":[]"), std::string::npos);
    Output audit = ehb("audit" + data + "P2");
    ASSERT_EQ(audit.exit_code, 0);
    EXPECT_NE(audit.out.find("\"op\":\"merge\""), std::string::npos) << audit.out;
    EXPECT_NE(audit.out.find("\"why\":\"two people after all (test)\""), std::string::npos) << audit.out;
    EXPECT_EQ(ehb("review" + data + "list").out, "{\"reviews\":[]}\n");

    Output trained = ehb("person-model" + data + "train --version 2026-11a --sample 1000");
    ASSERT_EQ(trained.exit_code, 0);
    EXPECT_NE(trained.out.find("\"config_version\": \"2026-11a\""), std::string::npos) << trained.out;
    EXPECT_NE(ehb("person-model" + data + "show").out.find("\"config_version\": \"2026-11a\""), std::string::npos);
    EXPECT_EQ(ehb("person-model" + data + "train --version 2026-11a").exit_code, 1) << "a version is never replaced";

    EXPECT_EQ(ehb("person" + data + "P99").exit_code, 1);
    EXPECT_EQ(ehb("unmerge" + data + "x").exit_code, 2);
    EXPECT_EQ(ehb("review" + data + "decide 1 maybe").exit_code, 2);
    EXPECT_EQ(ehb("person --data " + (dir / "nothing").string() + " P1").exit_code, 1);
}

// The same commands through a real ehbd (--server): what they print offline, in the steward's name.
TEST(Cli, StewardsCommandsRunThroughEhbdAndPrintWhatTheyPrintOffline) {
    test::TempDir dir;
    const std::string data = import_two_persons(dir);
    ASSERT_FALSE(::testing::Test::HasFailure());
    std::ofstream(dir / "stew.cred") << ehb("admin" + data + "principal add stew --role steward").out;
    std::ofstream(dir / "vneid.cred") << ehb("admin" + data + "principal add vneid --role reader").out;
    test::EhbdProcess ehbd(dir / "data");
    const std::string at = " --server 127.0.0.1:" + std::to_string(ehbd.port());
    const std::string server = at + " --principal stew --credential-file " + (dir / "stew.cred").string() + " ";

    Output person = ehb("person" + server + "001090012345");
    ASSERT_EQ(person.exit_code, 0);
    EXPECT_EQ(person.out, ehb("person" + data + "001090012345").out);
    Output merged = ehb("merge" + server + "001090012345 P2 --why 'one person (test)'");
    ASSERT_EQ(merged.exit_code, 0);
    EXPECT_EQ(merged.out, "{\"merge\":1}\n");
    person = ehb("person" + server + "079190000111");
    EXPECT_NE(person.out.find("{\"id\":\"1\",\"merged\":[\"2\"]"), std::string::npos) << person.out;
    EXPECT_EQ(person.out, ehb("person" + data + "079190000111").out);
    EXPECT_EQ(ehb("merge" + server + "P1 P2").exit_code, 1) << "P2 leads to P1 now";

    Output unmerged = ehb("admin unmerge" + server + "1 --why 'two people after all (test)'");
    EXPECT_EQ(unmerged.exit_code, 0);
    EXPECT_EQ(unmerged.out, "");
    EXPECT_EQ(ehb("unmerge" + server + "1").exit_code, 1) << "undone already";
    Output audit = ehb("audit" + server + "P2");
    ASSERT_EQ(audit.exit_code, 0);
    EXPECT_EQ(audit.out, ehb("audit" + data + "P2").out);
    EXPECT_NE(audit.out.find("\"op\":\"unmerge\",\"principal\":\"stew\""), std::string::npos) << audit.out;
    EXPECT_EQ(ehb("review" + server + "list").out, "{\"reviews\":[]}\n");
    Output unlinked = ehb("admin unlink" + server + "01001 B1 --why 'not hers (test)'");
    EXPECT_EQ(unlinked.out, "{\"person\":\"3\"}\n");
    EXPECT_EQ(ehb("admin link" + server + "01001 B1 P2").out, "");
    EXPECT_NE(ehb("person" + data + "P2").out.find("\"records\":1"), std::string::npos);

    const std::string reader = at + " --principal vneid --credential-file " + (dir / "vneid.cred").string() + " ";
    EXPECT_EQ(ehb("person" + reader + "P1").exit_code, 1) << "FORBIDDEN";
    EXPECT_EQ(ehb("person" + server + data + "P1").exit_code, 2) << "--data and --server";
    EXPECT_EQ(ehb("person-model" + server + "show").exit_code, 2);
    EXPECT_EQ(ehb("unmerge" + server + "x").exit_code, 2);
    EXPECT_EQ(ehb("person --principal stew P1").exit_code, 2) << "neither --data nor --server";
}

}  // namespace
}  // namespace ehb
