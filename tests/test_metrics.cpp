// The histogram behind ehbd's latency figures and the Prometheus text it is
// exposed in (net/metrics.hpp).
#include <gtest/gtest.h>

#include "engine/histogram.hpp"
#include "net/metrics.hpp"

namespace ehb {
namespace {

TEST(Histogram, CountsSumsAndQuantilesWithinTheirBucket) {
    Histogram h;  // microseconds
    EXPECT_EQ(h.quantile(0.99), 0u);
    for (int i = 0; i < 98; ++i) h.add(80);  // ≤ 100 µs
    h.add(3'000);                            // (2.5 ms, 5 ms]
    h.add(90'000'000);                       // past the last bound
    EXPECT_EQ(h.count(), 100u);
    EXPECT_EQ(h.sum(), 98u * 80 + 3'000 + 90'000'000);
    EXPECT_EQ(h.bucket(0), 98u);
    EXPECT_EQ(h.bucket(5), 1u);
    EXPECT_EQ(h.bucket(Histogram::kMicroseconds.size()), 1u);
    EXPECT_LE(h.quantile(0.5), 100u);
    EXPECT_GT(h.quantile(0.99), 2'500u);
    EXPECT_LE(h.quantile(0.99), 5'000u);
    EXPECT_EQ(h.quantile(1.0), 60'000'000u);  // the unbounded bucket answers the last bound

    Histogram sizes(Histogram::kSizes), more(Histogram::kSizes);
    sizes.add(1);
    more.add(50'000);
    sizes.merge(more);
    EXPECT_EQ(sizes.count(), 2u);
    EXPECT_EQ(sizes.bucket(0), 1u);
    EXPECT_EQ(sizes.bucket(7), 1u);  // (32,768, 100,000]
}

TEST(MetricsText, FamiliesSamplesLabelsAndCumulativeBuckets) {
    net::MetricsText m;
    m.family("ehb_x_total", "counter", "A test counter.");
    m.sample("ehb_x_total", 42, {{"status", "accepted"}, {"name", "a \"quoted\\ name\nhere"}});
    m.sample("ehb_x_total", 0.25);
    Histogram h;
    h.add(50);
    h.add(200);
    h.add(200);
    m.family("ehb_y_seconds", "histogram", "A test histogram.");
    m.histogram("ehb_y_seconds", h, 1e-6);
    const std::string& t = m.text();
    EXPECT_NE(t.find("# HELP ehb_x_total A test counter.\n# TYPE ehb_x_total counter\n"), std::string::npos) << t;
    EXPECT_NE(t.find("ehb_x_total{status=\"accepted\",name=\"a \\\"quoted\\\\ name\\nhere\"} 42\n"), std::string::npos)
        << t;
    EXPECT_NE(t.find("ehb_x_total 0.25\n"), std::string::npos) << t;
    EXPECT_NE(t.find("ehb_y_seconds_bucket{le=\"0.0001\"} 1\n"), std::string::npos) << t;
    EXPECT_NE(t.find("ehb_y_seconds_bucket{le=\"0.00025\"} 3\n"), std::string::npos) << t;
    EXPECT_NE(t.find("ehb_y_seconds_bucket{le=\"60\"} 3\n"), std::string::npos) << t;
    EXPECT_NE(t.find("ehb_y_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos) << t;
    EXPECT_NE(t.find("ehb_y_seconds_sum 0.00045\n"), std::string::npos) << t;
    EXPECT_NE(t.find("ehb_y_seconds_count 3\n"), std::string::npos) << t;
}

}  // namespace
}  // namespace ehb
