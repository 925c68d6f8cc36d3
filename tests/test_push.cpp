// ehb push, ehb book --server and ehb bench as real processes against a real
// ehbd: counts, idempotent re-runs, a server killed mid-push, usage errors.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "tests/ehbd_process.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

std::string slurp(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

struct Output {
    int exit_code = -1;
    std::string out, err;
};

// `ehb args...` running, with `env` (VAR=value ...) before it; wait() collects its output.
class Ehb {
public:
    Ehb(const std::string& env, const std::string& args, std::filesystem::path err) : err_(std::move(err)) {
        std::string cmd = env + " " + EHB_BINARY + " " + args + " 2>" + err_.string();
        pipe_ = popen(cmd.c_str(), "r");
    }
    Output wait() {
        Output r;
        if (!pipe_) return r;
        std::array<char, 65536> buf;
        std::size_t n;
        while ((n = std::fread(buf.data(), 1, buf.size(), pipe_)) > 0) r.out.append(buf.data(), n);
        int status = pclose(pipe_);
        r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        r.err = slurp(err_);
        return r;
    }

private:
    FILE* pipe_;
    std::filesystem::path err_;
};

uint64_t field(simdjson::dom::element e, const char* key) { return uint64_t(e[key].get_uint64()); }

// A port nothing listens on now, for an ehbd that must come back on the same one.
uint16_t free_port() {
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    bool ok = ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
              ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0;
    ::close(s);
    if (!ok) throw std::runtime_error("no free port");
    return ntohs(a.sin_port);
}

class Push : public ::testing::Test {
protected:
    test::TempDir dir;
    std::filesystem::path data = dir / "data";
    net::Credentials portal = test::add_principal_to(data, "portal", Role::portal);
    net::Credentials reader = test::add_principal_to(data, "vneid", Role::reader);
    std::unique_ptr<test::EhbdProcess> ehbd;
    std::string sample = (dir / "sample.jsonl").string();
    simdjson::dom::parser expected_parser;
    simdjson::dom::element expected;
    int runs = 0;

    void SetUp() override {
        std::ofstream(dir / "portal.cred") << portal.credential << "\n";
        ASSERT_EQ(ehb("", "gen --citizens 300 --episodes 1500 --seed 5 --out " + sample).exit_code, 0);
        expected = expected_parser.parse(slurp(sample + ".expected.json"));
    }
    void TearDown() override {
        if (HasFailure() && ehbd) std::cerr << "--- ehbd's log:\n" << ehbd->log();
    }
    void start(std::vector<std::string> extra = {}) { ehbd = std::make_unique<test::EhbdProcess>(data, extra); }

    std::string server() const { return "--server 127.0.0.1:" + std::to_string(ehbd->port()) + " "; }
    static std::string as(const net::Credentials& who) {
        return "EHB_PRINCIPAL=" + who.principal + " EHB_CREDENTIAL=" + who.credential;
    }
    Ehb launch(const std::string& env, const std::string& args) {
        return Ehb(env, args, dir / ("ehb-" + std::to_string(++runs) + ".err"));
    }
    Output ehb(const std::string& env, const std::string& args) { return launch(env, args).wait(); }

    // The summary of a push that must succeed, its counts those the generator expects.
    simdjson::dom::element check_push(const Output& r, simdjson::dom::parser& parser) {
        EXPECT_EQ(r.exit_code, 0) << r.err;
        simdjson::dom::element s = parser.parse(r.out);
        for (const char* key : {"records", "accepted", "duplicate", "new_version", "rejected"}) {
            EXPECT_EQ(field(s, key), field(expected, key)) << key;
        }
        EXPECT_EQ(field(s, "accepted") + field(s, "duplicate") + field(s, "new_version") + field(s, "rejected"),
                  field(s, "records"));
        return s;
    }
    // What the server has stored: the log's entries.
    uint64_t log_entries() {
        net::Client c(ehbd->endpoint(), portal);
        simdjson::dom::parser parser;
        return field(parser.parse(c.stats()), "log_entries");
    }
    uint64_t stored_expected() const { return field(expected, "accepted") + field(expected, "new_version"); }
};

TEST_F(Push, CountsMatchTheGeneratorTheBookIsServedAndARerunIsAllReplayed) {
    start();
    std::string args = server() + "--principal portal --credential-file " + (dir / "portal.cred").string() +
                       " --connections 3 --batch 100 --stream 4000 " + sample;
    simdjson::dom::parser p1, p2;
    simdjson::dom::element first = check_push(ehb("", "push " + args), p1);
    EXPECT_EQ(field(first, "replayed"), 0u);
    EXPECT_EQ(field(first, "retries"), 0u);
    EXPECT_EQ(field(first, "stream"), 4000u);
    EXPECT_GE(field(first, "batches"), 17u);  // 1,630 documents in batches of at most 100
    for (const char* key : {"p50", "p99", "p999"}) EXPECT_GT(double(first["batch_latency_ms"][key]), 0.0) << key;
    EXPECT_EQ(log_entries(), stored_expected());

    // The book of the first citizen the sample names, over the wire.
    std::ifstream in(sample);
    std::string line, citizen;
    while (citizen.empty() && std::getline(in, line)) {
        auto at = line.find("\"SO_CCCD\":\"");
        if (at != std::string::npos && line[at + 11 + 12] == '"') citizen = line.substr(at + 11, 12);
    }
    ASSERT_FALSE(citizen.empty());
    Output book = ehb(as(reader), "book " + server() + "--history " + citizen);
    ASSERT_EQ(book.exit_code, 0) << book.err;
    simdjson::dom::parser p3;
    simdjson::dom::element b = p3.parse(book.out);
    EXPECT_NE(book.out.find("{\"type\":\"citizen_id\",\"value\":\"" + citizen + "\""), std::string::npos)
        << "the person holds the citizen ID: " << book.out;
    EXPECT_GE(b["episodes"].get_array().size(), 1u);
    EXPECT_EQ(ehb(as(reader), "book " + server() + "12345").exit_code, 2);    // not an identifier
    EXPECT_EQ(ehb(as(portal), "book " + server() + citizen).exit_code, 1);  // a portal may not read books

    // The same files under the same streams: every batch is a replay and nothing is stored.
    simdjson::dom::element again = check_push(ehb("", "push " + args), p2);
    EXPECT_EQ(field(again, "replayed"), field(first, "batches"));
    EXPECT_EQ(field(again, "batches"), field(first, "batches"));
    EXPECT_EQ(log_entries(), stored_expected());

    // A reader may not push: it fails at once instead of retrying.
    Output refused = ehb(as(reader), "push " + server() + "--deadline 60 " + sample);
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.err.find("FORBIDDEN"), std::string::npos) << refused.err;
}

TEST_F(Push, AServerKilledMidPushAndRestartedOnItsPortLosesNothingAndStoresNothingTwice) {
    std::string port = std::to_string(free_port());
    // Slow commits, so that the kill comes while most batches are still to be sent.
    std::vector<std::string> slow = {"--listen", "127.0.0.1:" + port, "--commit-delay-us", "50000"};
    start(slow);
    Ehb push = launch(as(portal), "push " + server() + "--connections 3 --batch 20 --deadline 60 " + sample);
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (log_entries() == 0 && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    uint64_t before = log_entries();
    ehbd->kill9();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    start(slow);
    simdjson::dom::parser parser;
    Output r = push.wait();
    simdjson::dom::element s = check_push(r, parser);
    EXPECT_GT(before, 0u);
    EXPECT_LT(before, stored_expected()) << "the kill came after the push";
    EXPECT_GE(field(s, "retries"), 1u) << r.err;
    EXPECT_EQ(log_entries(), stored_expected());
}

TEST_F(Push, APushWithNoServerFailsAtItsDeadlineNamingWhatWasNotAnswered) {
    std::string port = std::to_string(free_port());
    Output r = ehb(as(portal), "push --server 127.0.0.1:" + port + " --connections 2 --deadline 1 " + sample);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("deadline"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("unanswered"), std::string::npos) << r.err;
    simdjson::dom::parser parser;
    EXPECT_EQ(field(parser.parse(r.out), "records"), 0u);
}

TEST_F(Push, BenchPushesTheWorkloadWithIdleConnectionsAndReportsEveryFigure) {
    start();
    std::string json = (dir / "bench.json").string();
    Output r = ehb(as(portal), "bench " + server() +
                                   "--citizens 300 --episodes 1500 --connections 2 --idle 20 --json " + json);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(slurp(json), r.out);
    simdjson::dom::parser parser;
    simdjson::dom::element s = parser.parse(r.out);
    EXPECT_TRUE(bool(s["pass"]));
    EXPECT_GT(double(s["records_per_second"]), 0.0);
    EXPECT_GT(double(s["mb_per_second"]), 0.0);
    for (const char* key : {"p50", "p99", "p999"}) EXPECT_GT(double(s["batch_latency_ms"][key]), 0.0) << key;
    for (const char* status : {"accepted", "duplicate", "new_version", "rejected", "flagged"}) {
        simdjson::dom::element row = s["statuses"][status];
        uint64_t count = field(row, "count");
        EXPECT_EQ(count, field(s, status)) << status;
        EXPECT_EQ(bool(row["match"]), count == field(row, "expected")) << status;
    }
    for (const char* status : {"accepted", "duplicate", "new_version", "rejected"}) {
        EXPECT_TRUE(bool(s["statuses"][status]["match"])) << status;
    }
    EXPECT_GT(double(s["hours_for_230m_episodes"]), 0.0);
    EXPECT_GT(field(s, "store_bytes_per_episode"), 0u);
    EXPECT_EQ(field(s, "idle_answering"), 20u);
    simdjson::dom::element statuses = s["statuses"];
    EXPECT_EQ(log_entries(), field(statuses["accepted"], "expected") + field(statuses["new_version"], "expected"));
}

TEST_F(Push, FilesInTheThreeFormatsArePushedAndTheBookAndAppointmentsAreServed) {
    start();
    const std::string files[] = {"xml/xml130_checkin.xml",        "xml/xml130_inpatient.xml",
                                 "json/inpatient_as_json.json",   "fhir/inpatient_as_fhir.json",
                                 "json/late_lab_first.json",      "fhir/bundle_immunization.json"};
    std::string args = "push " + server() + "--connections 2 ";
    for (const std::string& f : files) args += std::string(EHB_TEST_DATA) + "/" + f + " ";
    Output pushed = ehb(as(portal), args);
    ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
    simdjson::dom::parser parser;
    simdjson::dom::element s = parser.parse(pushed.out);
    EXPECT_EQ(field(s, "records"), 6u) << pushed.out;
    EXPECT_EQ(field(s, "accepted"), 3u) << "the check-in, the lab visit, the vaccination";
    EXPECT_EQ(field(s, "new_version"), 1u) << "the XML record closes the episode its check-in opened";
    EXPECT_EQ(field(s, "duplicate"), 2u) << "the same visit as JSON and as FHIR";
    EXPECT_EQ(field(s, "rejected"), 0u);

    Output book = ehb(as(reader), "book " + server() + "001185012345");
    ASSERT_EQ(book.exit_code, 0) << book.err;
    simdjson::dom::parser book_parser;
    simdjson::dom::element b = book_parser.parse(book.out);
    EXPECT_EQ(std::string_view(b["episodes"].at(0)["state"]), "closed");
    EXPECT_EQ(std::string_view(b["episodes"].at(0)["current"]["format"]), "xml");

    Output fhir = ehb(as(reader), "book " + server() + "--format fhir 001185012345");
    ASSERT_EQ(fhir.exit_code, 0) << fhir.err;
    simdjson::dom::parser fhir_parser;
    simdjson::dom::element bundle = fhir_parser.parse(fhir.out);
    EXPECT_EQ(std::string_view(bundle["resourceType"]), "Bundle");
    std::size_t patients = 0, encounters = 0;
    for (simdjson::dom::element entry : simdjson::dom::array(bundle["entry"])) {
        const std::string_view type = entry["resource"]["resourceType"];
        patients += type == "Patient";
        encounters += type == "Encounter";
    }
    EXPECT_EQ(patients, 1u);
    EXPECT_EQ(encounters, 1u);

    // The slip of the inpatient stay fell due on 1 April 2024, and nobody came back with it.
    Output due = ehb(as(reader), "appointments " + server() + "--from 20240401 --to 20240401 --province 01");
    ASSERT_EQ(due.exit_code, 0) << due.err;
    simdjson::dom::parser due_parser;
    simdjson::dom::array list = due_parser.parse(due.out)["appointments"];
    ASSERT_EQ(list.size(), 1u) << due.out;
    EXPECT_EQ(std::string_view(list.at(0)["appointment"]["SO_GIAYHEN_KL"]), "GH2024-000731");
    EXPECT_EQ(std::string_view(list.at(0)["status"]), "missed");
    EXPECT_EQ(ehb(as(reader), "appointments " + server() + "--from 20240231 --to 20240401").exit_code, 2);
    EXPECT_EQ(ehb(as(portal), "appointments " + server() + "--from 20240401 --to 20240401").exit_code, 1)
        << "a portal may not read";
}

TEST_F(Push, UsageErrorsExit2) {
    const std::string none = "env -u EHB_PRINCIPAL -u EHB_CREDENTIAL";
    const std::string who = as(portal);
    EXPECT_EQ(ehb(who, "push").exit_code, 2);  // no file
    EXPECT_EQ(ehb(who, "push --connections 0 " + sample).exit_code, 2);
    EXPECT_EQ(ehb(who, "push --batch x " + sample).exit_code, 2);
    EXPECT_EQ(ehb(who, "push --deadline " + sample).exit_code, 2);  // the file taken as the value
    EXPECT_EQ(ehb(who, "push --frobnicate 1 " + sample).exit_code, 2);
    EXPECT_EQ(ehb(who, "push --server nowhere " + sample).exit_code, 2);
    EXPECT_EQ(ehb(none, "push " + sample).exit_code, 2);  // no principal
    EXPECT_EQ(ehb(none + " EHB_PRINCIPAL=portal", "push " + sample).exit_code, 2);  // no credential
    EXPECT_EQ(ehb(who, "book --server 127.0.0.1:1 --data " + data.string() + " 001090012345").exit_code, 2);
    EXPECT_EQ(ehb(who, "book 001090012345").exit_code, 2);  // neither
    EXPECT_EQ(ehb(who, "book --data " + data.string() + " --principal portal 001090012345").exit_code, 2);
    EXPECT_EQ(ehb(who, "bench --citizens 0").exit_code, 2);
    EXPECT_EQ(ehb(who, "bench --idle x").exit_code, 2);
    EXPECT_EQ(ehb(who, "bench extra").exit_code, 2);
    EXPECT_EQ(ehb(none, "bench").exit_code, 2);
    // Not usage errors: a file that cannot be read, a credential file that does not exist.
    EXPECT_EQ(ehb(who, "push --server 127.0.0.1:1 --deadline 1 /nonexistent.jsonl").exit_code, 1);
    EXPECT_EQ(ehb(none, "push --principal portal --credential-file /nonexistent " + sample).exit_code, 1);
}

}  // namespace
}  // namespace ehb
