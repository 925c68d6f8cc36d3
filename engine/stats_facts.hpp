// What one stored record version counts for in the statistics for health
// management (docs/statistics.md), read on the prepare side so the writer
// only adds and subtracts. The facts of an episode's current version are kept
// encoded after its EpisodeHead in the `episodes` table: a new version
// subtracts them without reading the log.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/record.hpp"

namespace ehb::stats {

using Facility = std::array<char, 5>;  // a facility code, zero-padded; all zeros: none
inline constexpr std::size_t kIcdLength = 7;
using Icd = std::array<char, kIcdLength>;  // normalised ICD-10 code, zero-padded

inline constexpr uint8_t kUnknownAgeBand = 255;

struct Facts {
    bool counted = false;      // a full episode record (XML1); check-ins and vaccinations count for nothing
    uint64_t admitted = 0;     // XML1.NGAY_VAO, yyyymmddHHMM
    uint64_t discharged = 0;   // XML1.NGAY_RA, yyyymmddHHMM
    Icd icd{};                 // XML1.MA_BENH_CHINH, normalised (icd_key)
    uint8_t age_band = kUnknownAgeBand;  // at admission (age_band)
    uint8_t sex = 0;           // XML1.GIOI_TINH 1-3, 0 when absent
    uint8_t residence = 0;     // XML1.MATINH_CU_TRU as a number (schema::province_number), 0 when unknown
    int64_t cost = 0;          // XML1.T_TONGCHI_BV in hundredths of a dong
    Facility referred_from{};  // XML13.MA_CSKCB_DI, else the episode's facility; only with referred_to
    Facility referred_to{};    // XML13.MA_CSKCB_DEN; zeros without a referral paper
    Facility came_from{};      // XML1.MA_NOI_DI when it names another facility, else zeros
    std::string slip;          // XML1.GIAY_CHUYEN_TUYEN: the paper the visit came with
    std::string appointment_slip;  // XML14.SO_GIAYHEN_KL; empty without an appointment
    uint32_t appointment_due = 0;  // XML14.NGAY_HEN_KL's day, yyyymmdd

    // Appends the compact encoding (empty when not counted).
    void encode(std::string& out) const;
    // False when `in` is not an encoding (then `out` is not counted).
    static bool decode(std::string_view in, Facts& out);
    bool has_referral() const { return referred_to[0] != 0; }
    bool has_arrival() const { return came_from[0] != 0; }
};

// Per thread, on the prepare side: the facts of a parsed record, read from
// its canonical document, and the facility the connectivity monitor files it
// under (MA_CSKCB; a vaccination's TIEM_CHUNG.MA_CSKCB).
// Its parser is behind a pointer: simdjson's layout depends on how a
// translation unit is configured, and Preparer, which holds an Extractor, is
// used by code built without simdjson's definitions (the fuzz targets).
class Extractor {
public:
    Extractor();
    ~Extractor();
    Extractor(Extractor&&) noexcept;
    Extractor& operator=(Extractor&&) noexcept;

    void extract(const ParsedRecord& record, Facts& out, std::string& facility);
    // For a rejected episode document: its XML1 (or XML0, TIEM_CHUNG) MA_CSKCB
    // when the JSON is readable and the code has 5 letters or digits; else empty.
    void facility_of(std::string_view document, std::string& facility);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// ---- Definitions shared by the writer, the queries and the tests ----

Facility facility_code(std::string_view code);       // the first 5 characters, zero-padded
std::string_view facility_text(const Facility& f);   // without the padding
Icd icd_key(std::string_view code);                  // upper-case, without '.', spaces and what follows ';'
std::string icd_text(const Icd& icd);                // "J069" → "J06.9"
// ICD-10 chapter (1-22, WHO ranges: I A00-B99 … XXII U00-U99) of a code; 0 when it has none.
int icd_chapter(std::string_view code);
std::string_view chapter_numeral(int chapter);       // 1 → "I"; "" for 0

// Age bands at admission: 0-4, 5-14, 15-24, 25-44, 45-64, 65+ (0..5).
uint8_t age_band(std::string_view birth, uint64_t admitted);
std::string_view age_band_name(uint8_t band);  // "0-4", …, "65+", "unknown"
std::string_view sex_name(uint8_t sex);        // "male", "female", "undetermined", "unknown"

// Days yyyymmdd ↔ days since 1970-01-01.
int64_t day_number(uint32_t yyyymmdd);
uint32_t day_of(int64_t days);
// ISO 8601 week (weeks start on Monday; week 1 holds the year's first Thursday) as yyyyww.
uint32_t iso_week(uint32_t yyyymmdd);
uint32_t iso_week_monday(uint32_t yyyyww);  // the Monday of that week, yyyymmdd
std::string iso_week_text(uint32_t yyyyww);  // "2025-W03"
// The local day (UTC+7) of a time in microseconds since the epoch, yyyymmdd.
uint32_t vietnam_day(int64_t time_us);
// Minutes from a local yyyymmddHHMM to a UTC time in microseconds.
int64_t minutes_since(uint64_t local_time, int64_t time_us);

}  // namespace ehb::stats
