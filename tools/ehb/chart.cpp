#include "tools/ehb/chart.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string_view>

namespace ehb::cli {
namespace {

// ASCII 32..126, 5x8 pixels each: one byte a row, the top row in the most
// significant byte, the leftmost column in bit 4. Capitals and digits take
// rows 0-6, lower case rows 2-6, and row 7 holds the descenders.
constexpr uint64_t kFont[95] = {
    0x0000000000000000, 0x0404040404000400, 0x0A0A0A0000000000, 0x0A0A1F0A1F0A0A00,  // sp ! " #
    0x040F140E051E0400, 0x1819020408130300, 0x0C12140815120D00, 0x0404080000000000,  // $ % & '
    0x0204080808040200, 0x0804020202040800, 0x0004150E15040000, 0x0004041F04040000,  // ( ) * +
    0x00000000000C0408, 0x0000001F00000000, 0x00000000000C0C00, 0x0001020408100000,  // , - . /
    0x0E11131519110E00, 0x040C040404040E00, 0x0E11010204081F00, 0x1F02040201110E00,  // 0 1 2 3
    0x02060A121F020200, 0x1F101E0101110E00, 0x0608101E11110E00, 0x1F01020408080800,  // 4 5 6 7
    0x0E11110E11110E00, 0x0E11110F01020C00, 0x000C0C000C0C0000, 0x000C0C000C040800,  // 8 9 : ;
    0x0204081008040200, 0x00001F001F000000, 0x0804020102040800, 0x0E11010204000400,  // < = > ?
    0x0E11171517100E00, 0x0E11111F11111100, 0x1E11111E11111E00, 0x0E11101010110E00,  // @ A B C
    0x1E11111111111E00, 0x1F10101E10101F00, 0x1F10101E10101000, 0x0E11101711110F00,  // D E F G
    0x1111111F11111100, 0x0E04040404040E00, 0x0702020202120C00, 0x1112141814121100,  // H I J K
    0x1010101010101F00, 0x111B151511111100, 0x1111191513111100, 0x0E11111111110E00,  // L M N O
    0x1E11111E10101000, 0x0E11111115120D00, 0x1E11111E14121100, 0x0F10100E01011E00,  // P Q R S
    0x1F04040404040400, 0x1111111111110E00, 0x11111111110A0400, 0x1111111515150A00,  // T U V W
    0x11110A040A111100, 0x11110A0404040400, 0x1F01020408101F00, 0x0E08080808080E00,  // X Y Z [
    0x0010080402010000, 0x0E02020202020E00, 0x040A110000000000, 0x000000000000001F,  // \\ ] ^ _
    0x0804020000000000, 0x00000E010F110F00, 0x10101E1111111E00, 0x00000E1010110E00,  // ` a b c
    0x01010F1111110F00, 0x00000E111F100E00, 0x0609081C08080800, 0x00000F11110F010E,  // d e f g
    0x1010161911111100, 0x04000C0404040E00, 0x020006020202120C, 0x1010121418141200,  // h i j k
    0x0C04040404040E00, 0x00001A1515151100, 0x0000161911111100, 0x00000E1111110E00,  // l m n o
    0x00001E11111E1010, 0x00000F11110F0101, 0x0000161910101000, 0x00000F100E011E00,  // p q r s
    0x08081C0808090600, 0x0000111111130D00, 0x00001111110A0400, 0x0000111115150A00,  // t u v w
    0x0000110A040A1100, 0x00001111110F010E, 0x00001F0204081F00, 0x0304040804040300,  // x y z {
    0x0404040404040400, 0x1804040204041800, 0x0000081502000000,  // | } ~
};
constexpr int kGlyphRows = 8, kGlyphColumns = 5, kCapHeight = 7, kAdvance = 6;

constexpr uint32_t kInk = 0x202020, kAxis = 0x404040, kGrid = 0xE4E4E4, kMark = 0x9A9A9A;
constexpr int kMinWidth = 200, kMinHeight = 150, kMaxSide = 8192;

class Canvas {
public:
    Canvas(int width, int height) : width_(width), height_(height), rgb_(size_t(width) * size_t(height) * 3, 0xFF) {}

    void set(int x, int y, uint32_t rgb) {
        if (x < 0 || y < 0 || x >= width_ || y >= height_) return;
        uint8_t* p = &rgb_[(size_t(y) * size_t(width_) + size_t(x)) * 3];
        p[0] = uint8_t(rgb >> 16);
        p[1] = uint8_t(rgb >> 8);
        p[2] = uint8_t(rgb);
    }
    void fill(int x, int y, int w, int h, uint32_t rgb) {
        for (int r = y; r < y + h; ++r)
            for (int c = x; c < x + w; ++c) set(c, r, rgb);
    }
    // Text with its top-left corner at (x, y); `up` turns it a quarter to the
    // left, reading upwards with its bottom-left corner at (x, y).
    void text(int x, int y, std::string_view s, int scale, uint32_t rgb, bool up = false) {
        for (size_t i = 0; i < s.size(); ++i) {
            const unsigned char ch = static_cast<unsigned char>(s[i]);
            const uint64_t glyph = kFont[(ch >= 32 && ch <= 126 ? ch : '?') - 32];
            for (int row = 0; row < kGlyphRows; ++row) {
                const unsigned bits = unsigned(glyph >> (8 * (kGlyphRows - 1 - row))) & 0x1F;
                for (int col = 0; col < kGlyphColumns; ++col) {
                    if (!(bits & (0x10u >> col))) continue;
                    const int along = (int(i) * kAdvance + col) * scale, across = row * scale;
                    if (up)
                        fill(x + across, y - along - scale + 1, scale, scale, rgb);
                    else
                        fill(x + along, y + across, scale, scale, rgb);
                }
            }
        }
    }
    int width() const { return width_; }
    int height() const { return height_; }
    const uint8_t* row_data(int y) const { return &rgb_[size_t(y) * size_t(width_) * 3]; }

private:
    int width_, height_;
    std::vector<uint8_t> rgb_;
};

int text_width(std::string_view s, int scale) { return s.empty() ? 0 : (int(s.size()) * kAdvance - 1) * scale; }

// 1, 2, 2.5 or 5 times a power of ten, at least raw.
double nice_step(double raw) {
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / magnitude;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * magnitude;
}

// The multiples of step in [lo, hi]; computed, not accumulated, so 0 is exactly 0.
std::vector<double> ticks(double lo, double hi, double step) {
    const double first = std::ceil(lo / step - 1e-9), last = std::floor(hi / step + 1e-9);
    std::vector<double> out;
    // The cap only matters for a range too narrow for its magnitude to step through.
    for (double k = first; k <= last && out.size() < 100; ++k) out.push_back(k * step + 0.0);
    return out;
}

// Into [0, 1], NaN (from a range beyond double's) to 0: lround's result for it is unspecified.
double unit_interval(double f) { return f > 0 ? std::min(f, 1.0) : 0.0; }

bool finite(const std::pair<double, double>& p) { return std::isfinite(p.first) && std::isfinite(p.second); }

struct LegendItem {
    int x, y;
    const ChartSeries* series;
};

struct Layout {
    PlotArea area;
    int scale = 1;  // of all text
    int pad = 0;
    std::vector<double> x_ticks, y_ticks;
    std::vector<LegendItem> legend;
    int title_y = 0;
};

int legend_swatch(int scale) { return 12 * scale; }
int legend_gap(int scale) { return 4 * scale; }  // between a swatch and its label

Layout layout(const Chart& chart, int width, int height) {
    if (width < kMinWidth || height < kMinHeight || width > kMaxSide || height > kMaxSide)
        throw std::invalid_argument(std::string("chart size ") + std::to_string(width) + "x" + std::to_string(height) +
                                    " is outside 200x150 .. 8192x8192");
    Layout l;
    PlotArea& a = l.area;
    l.scale = width >= 600 && height >= 360 ? 2 : 1;
    const int s = l.scale, pad = l.pad = 8 * s, line = (kGlyphRows + 3) * s, tick = 4 * s;

    double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo, y_hi = 0;
    for (const ChartSeries& series : chart.series)
        for (const auto& p : series.points)
            if (finite(p)) x_lo = std::min(x_lo, p.first), x_hi = std::max(x_hi, p.first), y_hi = std::max(y_hi, p.second);
    if (x_lo > x_hi) x_lo = 0, x_hi = 1;  // no data
    if (x_lo == x_hi) {                     // one x: centre it
        const double half = x_lo == 0 ? 1 : std::fabs(x_lo) / 10;
        x_lo -= half, x_hi += half;
    }
    a.x_min = x_lo, a.x_max = x_hi;

    // Top down: title, legend rows (wrapping at the image's width), plot.
    int y = pad;
    l.title_y = y;
    if (!chart.title.empty()) y += line + s;
    std::vector<std::pair<size_t, int>> rows;  // the legend's: first item, width
    for (const ChartSeries& series : chart.series) {
        if (series.label.empty()) continue;
        const int w = legend_swatch(s) + legend_gap(s) + text_width(series.label, s);
        if (rows.empty()) {
            rows.emplace_back(0, 0);
        } else if (rows.back().second + 3 * legend_gap(s) + w > width - 2 * pad) {
            rows.emplace_back(l.legend.size(), 0);
            y += line;
        } else {
            rows.back().second += 3 * legend_gap(s);
        }
        l.legend.push_back({rows.back().second, y, &series});  // x relative to the row, placed below
        rows.back().second += w;
    }
    if (!l.legend.empty()) y += line;
    a.top = y + pad / 2;
    const int bottom = height - pad - (chart.x_label.empty() ? 0 : line) - line - tick;
    a.height = std::max(1, bottom - a.top);

    const double y_step = nice_step((y_hi > 0 ? y_hi : 1) / std::max(2, a.height / (30 * s)));
    a.y_max = std::ceil((y_hi > 0 ? y_hi : 1) / y_step - 1e-9) * y_step;
    l.y_ticks = ticks(0, a.y_max, y_step);

    int label_width = 0;
    for (double t : l.y_ticks) label_width = std::max(label_width, text_width(compact_number(t), s));
    a.left = pad + (chart.y_label.empty() ? 0 : line) + label_width + 2 * s + tick + 1;
    const int right = pad + 3 * kAdvance * s;  // room for half the last x label
    a.width = std::max(1, width - a.left - right);

    // Legend rows start where the plot does, as far as they fit.
    for (size_t r = 0; r < rows.size(); ++r) {
        const size_t end = r + 1 < rows.size() ? rows[r + 1].first : l.legend.size();
        const int origin = std::max(pad, std::min(a.left, width - pad - rows[r].second));
        for (size_t i = rows[r].first; i < end; ++i) l.legend[i].x += origin;
    }

    l.x_ticks = ticks(a.x_min, a.x_max, nice_step((a.x_max - a.x_min) / std::max(2, a.width / (70 * s))));
    return l;
}

// Bresenham's line, with a 2x2 pen.
template <typename Pen>
void line(int x0, int y0, int x1, int y1, Pen pen) {
    const int dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
    for (int err = dx + dy;;) {
        pen(x0, y0);
        if (x0 == x1 && y0 == y1) return;
        const int e2 = 2 * err;
        if (e2 >= dy) err += dy, x0 += sx;
        if (e2 <= dx) err += dx, y0 += sy;
    }
}

void draw_series(Canvas& c, const PlotArea& a, const ChartSeries& series) {
    const int right = a.left + a.width - 1, bottom = a.top + a.height - 1;
    // Kept inside the area, so that a line never paints over an axis.
    auto dot = [&](int x, int y, int from, int to) {
        for (int dy = from; dy <= to; ++dy)
            for (int dx = from; dx <= to; ++dx)
                if (x + dx >= a.left && x + dx <= right && y + dy >= a.top && y + dy <= bottom)
                    c.set(x + dx, y + dy, series.rgb);
    };
    auto pen = [&](int x, int y) { dot(x, y, 0, 1); };
    size_t drawn = 0;
    int px = 0, py = 0;
    for (const auto& p : series.points) {
        if (!finite(p)) continue;
        const int x = a.column(p.first), y = a.row(p.second);
        if (drawn++ == 0)
            pen(x, y);
        else
            line(px, py, x, y, pen);
        px = x, py = y;
    }
    if (drawn == 1) dot(px, py, -1, 2);  // a lone point: a 4x4 dot rather than a speck
}

void put_u32(std::string& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out += char((v >> shift) & 0xFF);
}

void chunk(std::string& png, const char* type, const std::string& data) {
    put_u32(png, uint32_t(data.size()));
    const size_t start = png.size();
    png.append(type, 4);
    png += data;
    // Over the type and the data, which are contiguous in png (never a null pointer).
    put_u32(png, uint32_t(crc32(0, reinterpret_cast<const Bytef*>(png.data() + start), uInt(png.size() - start))));
}

std::string encode_png(const Canvas& c) {
    const size_t stride = size_t(c.width()) * 3;
    std::string scanlines;
    scanlines.reserve((stride + 1) * size_t(c.height()));
    for (int y = 0; y < c.height(); ++y) {
        scanlines += '\0';  // filter type 0: the row as it is
        scanlines.append(reinterpret_cast<const char*>(c.row_data(y)), stride);
    }
    uLongf size = compressBound(uLong(scanlines.size()));
    std::string idat(size, '\0');
    if (compress2(reinterpret_cast<Bytef*>(idat.data()), &size, reinterpret_cast<const Bytef*>(scanlines.data()),
                  uLong(scanlines.size()), Z_DEFAULT_COMPRESSION) != Z_OK)
        throw std::runtime_error("zlib: compress2 failed");
    idat.resize(size);

    std::string ihdr;
    put_u32(ihdr, uint32_t(c.width()));
    put_u32(ihdr, uint32_t(c.height()));
    ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8 bits, RGB, deflate, adaptive filters, no interlace

    std::string png("\x89PNG\r\n\x1a\n", 8);
    chunk(png, "IHDR", ihdr);
    chunk(png, "IDAT", idat);
    chunk(png, "IEND", std::string());
    return png;
}

}  // namespace

std::string compact_number(double v) {
    // Tick values are round, so four significant digits are plenty.
    static constexpr std::pair<double, const char*> kUnits[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
    const char* suffix = "";
    for (const auto& [unit, name] : kUnits) {
        if (std::fabs(v) >= unit) {
            v /= unit;
            suffix = name;
            break;
        }
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v + 0.0);  // + 0.0: no "-0"
    return std::string(buf) + suffix;
}

int PlotArea::column(double x) const {
    return left + int(std::lround(unit_interval((x - x_min) / (x_max - x_min)) * (width - 1)));
}

int PlotArea::row(double y) const {
    return top + height - 1 - int(std::lround(unit_interval(y / y_max) * (height - 1)));
}

PlotArea plot_area(const Chart& chart, int width, int height) { return layout(chart, width, height).area; }

std::string render_png_chart(const Chart& chart, int width, int height) {
    const Layout l = layout(chart, width, height);
    const PlotArea& a = l.area;
    const int s = l.scale, tick = 4 * s, bottom = a.top + a.height - 1;
    Canvas c(width, height);

    // The grid, but not over the axes; then the marks, dashed; then the data.
    for (double t : l.y_ticks)
        if (const int y = a.row(t); y != bottom) c.fill(a.left, y, a.width, 1, kGrid);
    for (double t : l.x_ticks)
        if (const int x = a.column(t); x != a.left) c.fill(x, a.top, 1, a.height, kGrid);
    for (double m : chart.x_marks) {
        if (!(m >= a.x_min && m <= a.x_max)) continue;
        const int x = a.column(m);
        for (int y = a.top; y <= bottom; ++y)
            if ((y - a.top) % (6 * s) < 3 * s) c.set(x, y, kMark);
    }
    for (const ChartSeries& series : chart.series) draw_series(c, a, series);

    // The axes, just outside the area, with their ticks and labels.
    c.fill(a.left - 1, a.top, 1, a.height + 1, kAxis);
    c.fill(a.left - 1, bottom + 1, a.width + 1, 1, kAxis);
    for (double t : l.y_ticks) {
        const int y = a.row(t);
        const std::string label = compact_number(t);
        c.fill(a.left - 1 - tick, y, tick, 1, kAxis);
        c.text(a.left - 1 - tick - 2 * s - text_width(label, s), y - kCapHeight * s / 2, label, s, kInk);
    }
    for (double t : l.x_ticks) {
        const int x = a.column(t);
        const std::string label = compact_number(t);
        c.fill(x, bottom + 2, 1, tick, kAxis);
        c.text(x - text_width(label, s) / 2, bottom + 2 + tick + 2 * s, label, s, kInk);
    }

    // The title (bold when large enough: drawn twice, a pixel apart), the legend and the axis labels.
    const int title_x = (width - text_width(chart.title, s)) / 2;
    c.text(title_x, l.title_y, chart.title, s, kInk);
    if (s > 1) c.text(title_x + 1, l.title_y, chart.title, s, kInk);
    for (const LegendItem& item : l.legend) {
        c.fill(item.x, item.y + (kCapHeight * s) / 2 - s, legend_swatch(s), 2 * s, item.series->rgb);
        c.text(item.x + legend_swatch(s) + legend_gap(s), item.y, item.series->label, s, kInk);
    }
    c.text(a.left + (a.width - text_width(chart.x_label, s)) / 2, height - l.pad - kCapHeight * s, chart.x_label, s,
           kInk);
    c.text(l.pad, a.top + (a.height + text_width(chart.y_label, s)) / 2, chart.y_label, s, kInk, true);
    return encode_png(c);
}

void write_png_chart(const Chart& chart, const std::string& path, int width, int height) {
    const std::string png = render_png_chart(chart, width, height);
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) throw std::runtime_error("cannot write the chart " + path + ": " + std::strerror(errno));
    const bool written = std::fwrite(png.data(), 1, png.size(), f) == png.size();
    if (std::fclose(f) != 0 || !written) throw std::runtime_error("cannot write the chart " + path);
}

}  // namespace ehb::cli
