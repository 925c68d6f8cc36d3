// The JSON writer W: appends literals, numbers, dates and money into a preallocated buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>

#include "tools/workload/dates.hpp"

namespace ehb::workload {

struct Digits {
    char pairs[200];
    constexpr Digits() : pairs() {
        for (int i = 0; i < 100; ++i) {
            pairs[2 * i] = static_cast<char>('0' + i / 10);
            pairs[2 * i + 1] = static_cast<char>('0' + i % 10);
        }
    }
};
inline constexpr Digits kDigits;

// Appends into a caller-owned buffer that is large enough for any document
// (documents are bounded by construction: at most 12 drug and 32 lab rows).
struct W {
    char* p;
    int64_t cached_day = std::numeric_limits<int64_t>::min();
    char cached[8] = {};

    template <size_t N>
    void lit(const char (&s)[N]) {
        std::memcpy(p, s, N - 1);
        p += N - 1;
    }
    void str(std::string_view s) {
        if (s.empty()) return;  // data() may be null
        std::memcpy(p, s.data(), s.size());
        p += s.size();
    }
    void ch(char c) { *p++ = c; }
    void u(uint64_t v) {
        char t[24];
        int n = 0;
        do {
            t[n++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v);
        while (n) *p++ = t[--n];
    }
    void i(int64_t v) {
        if (v < 0) {
            *p++ = '-';
            v = -v;
        }
        u(static_cast<uint64_t>(v));
    }
    void two(unsigned v) {
        std::memcpy(p, kDigits.pairs + 2 * v, 2);
        p += 2;
    }
    void pad(uint64_t v, int width) {
        for (int k = width - 1; k >= 0; --k) {
            p[k] = static_cast<char>('0' + v % 10);
            v /= 10;
        }
        p += width;
    }
    void date(int64_t day) {  // yyyymmdd
        if (day != cached_day) {
            const Ymd c = civil_from_days(day);
            std::memcpy(cached, kDigits.pairs + 2 * (c.y / 100), 2);
            std::memcpy(cached + 2, kDigits.pairs + 2 * (c.y % 100), 2);
            std::memcpy(cached + 4, kDigits.pairs + 2 * c.m, 2);
            std::memcpy(cached + 6, kDigits.pairs + 2 * c.d, 2);
            cached_day = day;
        }
        std::memcpy(p, cached, 8);
        p += 8;
    }
    void ts(int64_t minute) {  // yyyymmddHHMM
        const int64_t day = floor_div(minute, 1440);
        const int64_t mod = minute - day * 1440;
        date(day);
        two(static_cast<unsigned>(mod / 60));
        two(static_cast<unsigned>(mod % 60));
    }
    // Money in hundredths of a dong: integer when whole, else two decimals.
    void money(int64_t cents) {
        i(cents / 100);
        const int64_t frac = cents % 100;
        if (frac) {
            *p++ = '.';
            two(static_cast<unsigned>(frac));
        }
    }
    // A decimal with `dec` digits after the point (values are non-negative).
    void fixed(int64_t v, int dec) {
        if (dec == 0) {
            i(v);
            return;
        }
        int64_t scale = 1;
        for (int k = 0; k < dec; ++k) scale *= 10;
        i(v / scale);
        *p++ = '.';
        pad(static_cast<uint64_t>(v % scale), dec);
    }
};

}  // namespace ehb::workload
