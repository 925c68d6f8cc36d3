// A PNG line chart, for the ingest rate over a run of `ehb bench --scale`: white
// background, axes with round-number ticks (large numbers as 12k, 1.5M), a light
// grid, optional dashed vertical marks, one 2-px polyline per series, a legend,
// a title and axis labels in a built-in bitmap font (ASCII only; other bytes
// show as '?'). x spans the data's min to max; y starts at 0, so that a cliff
// shows as one, and values below 0 are drawn at 0. Points that are not finite
// are skipped. Needs only zlib (deflate, crc32).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ehb::cli {

struct ChartSeries {
    std::string label;                              // in the legend; none when empty
    std::vector<std::pair<double, double>> points;  // x, y, joined in this order
    uint32_t rgb = 0;                               // 0xRRGGBB
};

struct Chart {
    std::string title, x_label, y_label;
    std::vector<ChartSeries> series;
    std::vector<double> x_marks;  // dashed vertical guides, e.g. the tenths of the run
};

// Where the data goes: pixel columns left .. left+width-1 hold x_min .. x_max,
// rows top+height-1 .. top hold 0 .. y_max (a round number at or above the data).
struct PlotArea {
    int left = 0, top = 0, width = 0, height = 0;
    double x_min = 0, x_max = 1, y_max = 1;

    // The pixel of a finite value, clamped into the area.
    int column(double x) const;
    int row(double y) const;
};

// The axes' labels: 0, 250, 1.5k, 12k, 1.5M, 2G.
std::string compact_number(double v);

// Images are 200..8192 pixels wide and 150..8192 high; other sizes throw std::invalid_argument.
PlotArea plot_area(const Chart& chart, int width = 1000, int height = 500);

// The chart as an 8-bit RGB PNG.
std::string render_png_chart(const Chart& chart, int width = 1000, int height = 500);

// Writes render_png_chart's bytes to path; throws std::runtime_error when it cannot.
void write_png_chart(const Chart& chart, const std::string& path, int width = 1000, int height = 500);

}  // namespace ehb::cli
