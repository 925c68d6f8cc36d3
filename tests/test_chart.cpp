// The PNG line chart of `ehb bench --scale` (tools/ehb/chart.cpp), checked by
// decoding its output here: the chunks and their CRCs, the header, the
// inflated scanlines, and pixels at places the plot area says.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/tmpdir.hpp"
#include "tools/ehb/chart.hpp"

using ehb::cli::Chart;
using ehb::cli::ChartSeries;
using ehb::cli::PlotArea;

namespace {

constexpr uint32_t kWhite = 0xFFFFFF, kBlue = 0x1F77B4, kOrange = 0xFF7F0E;

uint32_t be32(const std::string& s, size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(s.at(at + i));
    return v;
}

struct Chunk {
    std::string type, data;
    bool crc_ok;
};

struct Decoded {
    std::vector<Chunk> chunks;
    uint32_t width = 0, height = 0;
    int bit_depth = 0, colour_type = 0;
    std::string scanlines;  // inflated: per row a filter byte, then RGB

    uint32_t pixel(int x, int y) const {
        const size_t at = size_t(y) * (1 + 3 * size_t(width)) + 1 + 3 * size_t(x);
        return uint32_t(static_cast<unsigned char>(scanlines.at(at))) << 16 |
               uint32_t(static_cast<unsigned char>(scanlines.at(at + 1))) << 8 |
               uint32_t(static_cast<unsigned char>(scanlines.at(at + 2)));
    }
};

std::string inflate_all(const std::string& in) {
    z_stream z{};
    if (inflateInit(&z) != Z_OK) throw std::runtime_error("inflateInit");
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = uInt(in.size());
    std::string out;
    int rc = Z_OK;
    while (rc == Z_OK) {
        char buf[65536];
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        out.append(buf, sizeof buf - z.avail_out);
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END) throw std::runtime_error("inflate: the stream does not end");
    return out;
}

Decoded decode(const std::string& png) {
    Decoded d;
    if (png.compare(0, 8, std::string("\x89PNG\r\n\x1a\n", 8)) != 0) throw std::runtime_error("no PNG signature");
    std::string idat;
    for (size_t at = 8; at < png.size();) {
        const uint32_t length = be32(png, at);
        Chunk c{png.substr(at + 4, 4), png.substr(at + 8, length), false};
        const std::string covered = png.substr(at + 4, 4 + size_t(length));
        const uLong crc = crc32(0, reinterpret_cast<const Bytef*>(covered.data()), uInt(covered.size()));
        c.crc_ok = crc == be32(png, at + 8 + length);
        if (c.type == "IDAT") idat += c.data;
        d.chunks.push_back(c);
        at += 12 + size_t(length);
    }
    const std::string& ihdr = d.chunks.at(0).data;
    d.width = be32(ihdr, 0);
    d.height = be32(ihdr, 4);
    d.bit_depth = static_cast<unsigned char>(ihdr.at(8));
    d.colour_type = static_cast<unsigned char>(ihdr.at(9));
    d.scanlines = inflate_all(idat);
    return d;
}

ChartSeries series(std::string label, std::vector<std::pair<double, double>> points, uint32_t rgb) {
    return ChartSeries{std::move(label), std::move(points), rgb};
}

// The ingest rate of a long run: falling from 14k to 11k records/s over 25M records.
Chart falling_rate() {
    std::vector<std::pair<double, double>> points;
    for (int i = 0; i <= 100; ++i) points.emplace_back(i * 250e3, 14000 - 30.0 * i + (i % 7) * 40);
    std::vector<double> tenths;
    for (int i = 1; i < 10; ++i) tenths.push_back(i * 2.5e6);
    return Chart{"ehb bench --scale: ingest rate", "records done", "records/s",
                 {series("import", std::move(points), kBlue)}, std::move(tenths)};
}

int count_colour_in_column(const Decoded& d, const PlotArea& a, int x, uint32_t rgb) {
    int n = 0;
    for (int y = a.top; y < a.top + a.height; ++y) n += d.pixel(x, y) == rgb;
    return n;
}

// The topmost row of a column with the colour; -1 when none.
int top_row_with(const Decoded& d, const PlotArea& a, int x, uint32_t rgb) {
    for (int y = a.top; y < a.top + a.height; ++y)
        if (d.pixel(x, y) == rgb) return y;
    return -1;
}

}  // namespace

TEST(Chart, IsAnRgbPngWithCorrectChunksAndScanlines) {
    for (const auto& [width, height] : {std::pair{1000, 500}, std::pair{640, 360}, std::pair{200, 150}}) {
        const Decoded d = decode(ehb::cli::render_png_chart(falling_rate(), width, height));
        ASSERT_GE(d.chunks.size(), 3u);
        EXPECT_EQ(d.chunks.front().type, "IHDR");
        EXPECT_EQ(d.chunks.back().type, "IEND");
        EXPECT_TRUE(d.chunks.back().data.empty());
        for (const Chunk& c : d.chunks) {
            EXPECT_TRUE(c.crc_ok) << c.type;
            EXPECT_TRUE(c.type == "IHDR" || c.type == "IDAT" || c.type == "IEND") << c.type;
        }
        EXPECT_EQ(d.chunks.front().data.size(), 13u);
        EXPECT_EQ(d.width, uint32_t(width));
        EXPECT_EQ(d.height, uint32_t(height));
        EXPECT_EQ(d.bit_depth, 8);
        EXPECT_EQ(d.colour_type, 2);
        EXPECT_EQ(d.chunks.front().data.substr(10), std::string(3, '\0'));  // deflate, filter method 0, no interlace
        ASSERT_EQ(d.scanlines.size(), size_t(height) * (1 + 3 * size_t(width)));
        for (int y = 0; y < height; ++y) EXPECT_EQ(d.scanlines[size_t(y) * (1 + 3 * size_t(width))], '\0') << y;
    }
}

TEST(Chart, AxisLabelsAreCompact) {
    EXPECT_EQ(ehb::cli::compact_number(0), "0");
    EXPECT_EQ(ehb::cli::compact_number(-0.0), "0");
    EXPECT_EQ(ehb::cli::compact_number(0.1 + 0.2), "0.3");
    EXPECT_EQ(ehb::cli::compact_number(250), "250");
    EXPECT_EQ(ehb::cli::compact_number(1000), "1k");
    EXPECT_EQ(ehb::cli::compact_number(1500), "1.5k");
    EXPECT_EQ(ehb::cli::compact_number(12000), "12k");
    EXPECT_EQ(ehb::cli::compact_number(12.5e6), "12.5M");
    EXPECT_EQ(ehb::cli::compact_number(-2000), "-2k");
    EXPECT_EQ(ehb::cli::compact_number(2e9), "2G");
}

TEST(Chart, AxesRunFromZeroAndTheDataSpan) {
    const PlotArea a = ehb::cli::plot_area(falling_rate());  // 0 .. 25M records, at most 14060 records/s
    EXPECT_EQ(a.x_min, 0);
    EXPECT_EQ(a.x_max, 25e6);
    EXPECT_GE(a.y_max, 14060);
    EXPECT_LE(a.y_max, 20000);
    EXPECT_EQ(std::fmod(a.y_max, 1000), 0);  // a round top
    EXPECT_EQ(a.row(0), a.top + a.height - 1);
    EXPECT_EQ(a.row(a.y_max), a.top);
    EXPECT_EQ(a.column(0), a.left);
    EXPECT_EQ(a.column(25e6), a.left + a.width - 1);
}

TEST(Chart, BackgroundIsWhiteWhereNoLinePasses) {
    // Rising: the plot's top-left corner stays empty.
    const Chart chart{"rising", "x", "y", {series("up", {{0, 0}, {10, 100}}, kBlue)}, {}};
    const PlotArea a = ehb::cli::plot_area(chart);
    const Decoded d = decode(ehb::cli::render_png_chart(chart));
    EXPECT_EQ(d.pixel(a.left + 2, a.top + 2), kWhite);
    EXPECT_EQ(d.pixel(a.left + a.width / 20, a.top + a.height / 20), kWhite);
    EXPECT_EQ(d.pixel(0, 0), kWhite);
    EXPECT_EQ(d.pixel(999, 499), kWhite);
}

TEST(Chart, SeriesPointsHaveTheirColours) {
    const Chart chart{"two series", "seconds", "records/s",
                      {series("blue", {{0, 0}, {4, 4000}, {8, 6000}}, kBlue),
                       series("orange", {{2, 9000}, {6, 7000}}, kOrange)},
                      {}};
    const PlotArea a = ehb::cli::plot_area(chart);
    EXPECT_EQ(a.x_min, 0);
    EXPECT_EQ(a.x_max, 8);
    EXPECT_GE(a.y_max, 9000);
    const Decoded d = decode(ehb::cli::render_png_chart(chart));
    // y starts at 0: the first point sits on the plot's bottom-left pixel.
    EXPECT_EQ(a.column(0), a.left);
    EXPECT_EQ(a.row(0), a.top + a.height - 1);
    EXPECT_EQ(d.pixel(a.column(0), a.row(0)), kBlue);
    EXPECT_EQ(d.pixel(a.column(4), a.row(4000)), kBlue);
    EXPECT_EQ(d.pixel(a.column(8), a.row(6000)), kBlue);
    EXPECT_EQ(d.pixel(a.column(2), a.row(9000)), kOrange);
    EXPECT_EQ(d.pixel(a.column(6), a.row(7000)), kOrange);
    // Halfway along a segment, too (1-px tolerance: the line is 2 px wide).
    const int x = a.column(2), y = a.row(2000);
    EXPECT_TRUE(d.pixel(x, y) == kBlue || d.pixel(x, y - 1) == kBlue || d.pixel(x, y + 1) == kBlue);
    // The 2-px pen.
    const int thick = count_colour_in_column(d, a, a.column(5), kOrange);
    EXPECT_GE(thick, 2);
    EXPECT_LE(thick, 3);
}

TEST(Chart, FallingSeriesEndsLowerThanItStarts) {
    const Chart chart = falling_rate();
    const PlotArea a = ehb::cli::plot_area(chart);
    const Decoded d = decode(ehb::cli::render_png_chart(chart));
    const int first = top_row_with(d, a, a.left, kBlue), last = top_row_with(d, a, a.left + a.width - 1, kBlue);
    ASSERT_NE(first, -1);
    ASSERT_NE(last, -1);
    EXPECT_GT(last, first);
    // From 0, 11k of a round maximum near 14k is still in the plot's upper half.
    EXPECT_LT(last, a.top + a.height / 2);
}

TEST(Chart, MarksAreDashedVerticalLines) {
    const Chart chart = falling_rate();
    const PlotArea a = ehb::cli::plot_area(chart);
    const Decoded d = decode(ehb::cli::render_png_chart(chart));
    // Below the series, only the grid's rows cross the mark's column and its neighbour.
    auto inked = [&](int x) {
        int n = 0;
        for (int y = a.top + a.height / 2; y < a.top + a.height; ++y) n += d.pixel(x, y) != kWhite;
        return n;
    };
    const int x = a.column(chart.x_marks.front());
    EXPECT_GT(inked(x), inked(x + 1) + a.height / 8);
    EXPECT_LT(inked(x), a.height / 2 - a.height / 8);  // dashed, not solid
}

TEST(Chart, TitleAndLegendAreDrawnAboveThePlot) {
    auto ink_above = [](const Chart& chart) {
        const PlotArea a = ehb::cli::plot_area(chart);
        const Decoded d = decode(ehb::cli::render_png_chart(chart));
        int n = 0;
        for (int y = 0; y < a.top; ++y)  // right of the axis, clear of the y ticks' labels
            for (int x = a.left; x < int(d.width); ++x) n += d.pixel(x, y) != kWhite;
        return n;
    };
    const std::vector<std::pair<double, double>> points = {{0, 1}, {1, 2}};
    EXPECT_EQ(ink_above(Chart{"", "", "", {series("", points, kBlue)}, {}}), 0);
    EXPECT_GT(ink_above(Chart{"Title", "", "", {series("", points, kBlue)}, {}}), 0);
    EXPECT_GT(ink_above(Chart{"", "", "", {series("legend", points, kBlue)}, {}}), 0);
}

TEST(Chart, EmptySeriesLonePointsAndNonFiniteValuesDrawWhatThereIs) {
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    const Chart nothing{"no data", "x", "y", {}, {0.5}};
    EXPECT_NO_THROW(decode(ehb::cli::render_png_chart(nothing)));
    const Chart empty{"empty", "x", "y", {series("none", {}, kOrange)}, {}};
    EXPECT_NO_THROW(decode(ehb::cli::render_png_chart(empty)));

    const Chart lone{"one point", "x", "y",
                     {series("none", {}, kOrange), series("one", {{nan, 5}, {3, 700}, {4, inf}}, kBlue)}, {}};
    const PlotArea a = ehb::cli::plot_area(lone);
    EXPECT_LT(a.x_min, 3);
    EXPECT_GT(a.x_max, 3);
    const Decoded d = decode(ehb::cli::render_png_chart(lone));
    EXPECT_EQ(d.pixel(a.column(3), a.row(700)), kBlue);
    EXPECT_EQ(d.pixel(a.column(3) + 2, a.row(700) + 2), kBlue);  // a dot, not a speck
}

TEST(Chart, WrittenFileHoldsTheRenderedBytes) {
    ehb::test::TempDir dir;
    const std::string path = (dir / "rate.png").string();
    ehb::cli::write_png_chart(falling_rate(), path, 800, 400);
    std::ifstream in(path, std::ios::binary);
    const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(written, ehb::cli::render_png_chart(falling_rate(), 800, 400));
}

TEST(Chart, UnwritablePathThrows) {
    ehb::test::TempDir dir;
    EXPECT_THROW(ehb::cli::write_png_chart(falling_rate(), (dir / "missing" / "rate.png").string()), std::runtime_error);
    EXPECT_THROW(ehb::cli::write_png_chart(falling_rate(), dir.path().string()), std::runtime_error);  // a directory
}

TEST(Chart, SizesOutsideTheLimitsThrow) {
    EXPECT_THROW(ehb::cli::render_png_chart(falling_rate(), 199, 500), std::invalid_argument);
    EXPECT_THROW(ehb::cli::render_png_chart(falling_rate(), 1000, 149), std::invalid_argument);
    EXPECT_THROW(ehb::cli::render_png_chart(falling_rate(), 8193, 500), std::invalid_argument);
}
