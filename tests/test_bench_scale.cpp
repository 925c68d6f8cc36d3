// ehb bench --scale as a real process: it starts its own ehbd, loads it with
// the generated workload, and reports every figure of the scale run (issue 8)
// in its JSON result and chart; the loaded node stays behind.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <sstream>

#include "storage/store.hpp"
#include "tests/run_command.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

std::string slurp(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

uint64_t field(simdjson::dom::element e, const char* key) { return uint64_t(e[key].get_uint64()); }

test::Output bench(const std::string& args, const std::filesystem::path& err) {
    return test::run_command(std::string(EHB_BINARY) + " bench " + args + " 2>" + err.string());
}

TEST(BenchScale, LoadsItsOwnNodeAndReportsRateTenthsLookupsResolutionMemoryAndDisk) {
    test::TempDir dir;
    const std::filesystem::path node = dir / "node", json = dir / "scale.json", chart = dir / "rate.png";
    const test::Output r = bench("--scale --citizens 400 --episodes 3000 --connections 2 --batch 100 --lookups 300 "
                                 "--data " + node.string() + " --json " + json.string() + " --chart " + chart.string(),
                                 dir / "err");
    // 1 only when the rate target fails, which a run of a second on a shared machine may.
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << slurp(dir / "err");
    EXPECT_EQ(slurp(json), r.out);

    simdjson::dom::parser parser;
    simdjson::dom::element s = parser.parse(r.out);
    for (const char* status : {"accepted", "duplicate", "new_version", "rejected"}) {
        EXPECT_TRUE(bool(s["statuses"][status]["match"])) << status;
    }
    EXPECT_TRUE(bool(s["complete"]));
    const uint64_t records = field(s, "records");

    simdjson::dom::array tenths = s["tenths"];
    ASSERT_EQ(tenths.size(), 10u);
    uint64_t k = 0;
    double before = 0;
    for (simdjson::dom::element t : tenths) {
        ++k;
        EXPECT_EQ(field(t, "records"), records * k / 10);
        EXPECT_GE(double(t["seconds"]), before);
        EXPECT_GT(double(t["records_per_second"]), 0.0);
        before = double(t["seconds"]);
    }
    const double ratio = double(s["last_to_first_tenth"]);
    EXPECT_NEAR(ratio, double(tenths.at(9)["records_per_second"]) / double(tenths.at(0)["records_per_second"]), 0.01);
    EXPECT_EQ(bool(s["pass"]), ratio >= 0.70);
    EXPECT_EQ(r.exit_code, bool(s["pass"]) ? 0 : 1);
    EXPECT_GT(simdjson::dom::array(s["rate_over_time"]).size(), 0u);

    simdjson::dom::element lookup = s["book_lookup"];
    EXPECT_EQ(field(lookup, "books"), 300u);
    EXPECT_GT(field(lookup, "found"), 0u);
    EXPECT_LE(field(lookup, "found"), 300u);
    for (const char* pass : {"cold", "warm"}) {
        EXPECT_EQ(field(lookup[pass], "count"), 300u) << pass;
        EXPECT_GT(double(lookup[pass]["p50_us"]), 0.0) << pass;
        EXPECT_LE(double(lookup[pass]["p50_us"]), double(lookup[pass]["p99_us"])) << pass;
    }
    simdjson::dom::element identity = s["identity_resolution"];
    const uint64_t resolved = field(identity["cold"], "count");
    EXPECT_GT(resolved, 0u);
    EXPECT_EQ(field(identity["warm"], "count"), resolved);
    EXPECT_EQ(resolved + field(identity, "invalid"), std::min<uint64_t>(10'000, records));
    // Every valid document was filed under a person, so resolving it again finds one.
    EXPECT_GT(field(identity, "linked"), resolved * 9 / 10);

    EXPECT_GT(field(s, "ehbd_peak_rss_bytes"), 0u);
    EXPECT_GT(field(s, "bench_peak_rss_bytes"), 0u);
    EXPECT_GT(double(s["ehbd_cpu_seconds"]), 0.0);
    EXPECT_GT(field(s, "disk_bytes"), 0u);
    // What ehb stats --json says of the node, with the documents it holds as received.
    simdjson::dom::element space = s["space"];
    EXPECT_TRUE(bool(space["log_totals_recorded"]));
    EXPECT_GT(field(space, "received_bytes"), field(space, "payload_bytes"));
    EXPECT_EQ(field(space, "log_entries"),
              field(s["statuses"]["accepted"], "count") + field(s["statuses"]["new_version"], "count"));
    EXPECT_LE(field(space, "used_bytes"), field(s, "disk_bytes"));
    EXPECT_EQ(slurp(chart).substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));

    // The loaded node is left for ehb stats and ehb book: it holds every stored record.
    StoreOptions read_only;
    read_only.read_only = true;
    Store store(node, read_only);
    simdjson::dom::element statuses = s["statuses"];
    EXPECT_EQ(store.read([](const StoreReader& rd) { return rd.last_seq(); }),
              field(statuses["accepted"], "count") + field(statuses["new_version"], "count"));
    EXPECT_TRUE(std::filesystem::exists(node.string() + ".ehbd.log"));
}

TEST(BenchScale, RefusesANodeThatIsNotEmptyAndFlagsOfTheOtherMode) {
    test::TempDir dir;
    std::filesystem::create_directories(dir / "node");
    std::ofstream(dir / "node" / "data.mdb") << "x";
    const test::Output full = bench("--scale --citizens 10 --episodes 10 --data " + (dir / "node").string(), dir / "err");
    EXPECT_EQ(full.exit_code, 2);
    EXPECT_NE(slurp(dir / "err").find("not empty"), std::string::npos) << slurp(dir / "err");
    EXPECT_EQ(bench("--scale --server 127.0.0.1:1 --data " + (dir / "other").string(), dir / "err").exit_code, 2);
    EXPECT_FALSE(std::filesystem::exists(dir / "other"));
    EXPECT_EQ(bench("--chart x.png --server 127.0.0.1:1", dir / "err").exit_code, 2);
}

}  // namespace
}  // namespace ehb
