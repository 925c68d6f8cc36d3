// The field model shared by every table (XML1 and the tables of
// engine/tables.hpp): how a field is declared (FieldSpec), what a document
// held for it (FieldValue), the compile-time name lookup, and the checks that
// run over a row of declared fields in the documented passes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/record.hpp"

namespace ehb {

// `num` fields take a JSON number or a decimal string; `str` fields a string.
enum class FieldType : uint8_t { str, num };

// What a field's value must look like beyond its type and length.
enum class Format : uint8_t {
    none,
    time,          // yyyymmddHHMM (E_DATE)
    date,          // yyyymmdd (E_DATE)
    date_list,     // dates yyyymmdd separated by ';' (E_DATE)
    time_or_date,  // yyyymmddHHMM or yyyymmdd (E_DATE)
    birth,         // NGAY_SINH: as XML1, year up to the year of admission (E_DATE)
    facility,      // 5 ASCII letters or digits (E_FACILITY)
    visit_type,    // MA_LOAI_KCB: two digits "01"-"16" (E_CODE)
    source_code,   // letters, digits, '.', '_', '-' (E_CODE)
    // Integer codes (E_CODE).
    sex,               // 1-3
    treatment_result,  // 1-8
    discharge_type,    // 1-5
    referral_reason,   // 1-3
    yes_no,            // 0-1
    pregnancy_weeks,   // 1-42
    dose_number,       // 1-99
};

struct FieldSpec {
    std::string_view name;
    FieldType type;
    uint16_t max_len;  // code points; 0 = unbounded
    bool required;
    Format format = Format::none;
};

// What the document held for one field.
enum class JsonKind : uint8_t { absent, null, string, int64, uint64, dbl, boolean, object, array };

struct FieldValue {
    JsonKind kind = JsonKind::absent;
    std::string_view text;  // kind == string (unescaped UTF-8)
    int64_t i64 = 0;        // kind == int64
    uint64_t u64 = 0;       // kind == uint64
    double dbl = 0;         // kind == dbl
};

// ---- name lookup: FNV-1a into an open-addressing table built at compile time

inline constexpr std::size_t kFieldIndexSize = 256;  // power of two, > 3x any table's field count
using FieldIndex = std::array<uint8_t, kFieldIndexSize>;

constexpr uint32_t fnv1a(std::string_view s) noexcept {
    uint32_t h = 2166136261u;
    for (char c : s) {
        h ^= static_cast<uint8_t>(c);
        h *= 16777619u;
    }
    return h;
}

template <std::size_t N>
constexpr FieldIndex build_field_index(const std::array<FieldSpec, N>& specs) {
    static_assert(N * 3 < kFieldIndexSize && N < 0xFF);
    FieldIndex t{};
    for (auto& x : t) x = 0xFF;
    for (std::size_t i = 0; i < N; ++i) {
        std::size_t p = fnv1a(specs[i].name) & (kFieldIndexSize - 1);
        while (t[p] != 0xFF) p = (p + 1) & (kFieldIndexSize - 1);
        t[p] = static_cast<uint8_t>(i);
    }
    return t;
}

// Position of `name` in `specs`, or -1.
int find_field(std::span<const FieldSpec> specs, const FieldIndex& index, std::string_view name) noexcept;

// ---- values

// Not absent, not null, not "".
bool present(const FieldValue& f) noexcept;
// A JSON integer, an integral JSON number, or a string of 1-9 digits.
bool int_value(const FieldValue& f, int64_t& v) noexcept;
// The digits of a checked time or date as the integer they spell.
uint64_t digits_value(std::string_view s) noexcept;
// A value for a reason: strings JSON-quoted and cut at 64 bytes, numbers as written.
std::string show(std::string_view v);
std::string value_text(const FieldValue& f);

// ---- errors

// Where a field sits: its row ("XML1", "XML4[2]", "TIEM_CHUNG"), its stored
// name, and the name the sender's generation gave it when that differs.
struct FieldRef {
    std::string_view row;
    std::string_view name;
    std::string_view sent_as;
    Generation generation = Generation::qd130;
};

// Fills `e` (path "<row>.<name>"; the reason of a renamed field also names
// the sender's spelling, e.g. "(MA_THE in QĐ 4210)") and returns false.
bool field_error(Issue& e, std::string_view code, const FieldRef& at, std::string reason);
void field_warning(std::vector<Issue>& warnings, std::string_view code, const FieldRef& at, std::string reason);

// ---- one row of declared fields, checked pass by pass (first error wins;
// fields in declared order within a pass)

struct Row {
    std::span<const FieldSpec> specs;
    const FieldValue* values;  // one per spec
    std::string_view table;    // "XML4": whose names the sender's generation may rename
    std::string_view path;     // "XML4[2]"
    Generation generation;

    const FieldValue& operator[](std::size_t i) const noexcept { return values[i]; }
    FieldRef ref(std::size_t i) const noexcept;
    std::string_view text(std::size_t i) const noexcept;  // "" unless a string
};

bool check_types(const Row& row, Issue& e);       // E_TYPE
bool check_required(const Row& row, Issue& e);    // E_REQUIRED
bool check_lengths(const Row& row, Issue& e);     // E_LENGTH
bool check_facilities(const Row& row, Issue& e);  // Format::facility (E_FACILITY)
bool check_dates(const Row& row, Issue& e);       // time, date, date_list, time_or_date (E_DATE)
// Format::birth (E_DATE): the year may not pass `admit_year`, the year of the
// field `admit_field` (NGAY_VAO, NGAY_TIEM).
bool check_births(const Row& row, int admit_year, std::string_view admit_field, Issue& e);
bool check_codes(const Row& row, Issue& e);                               // the code formats (E_CODE)
std::string required_reason(std::string_view name, const FieldValue& f);  // "X is required but is null"

// ---- the person's identifiers (XML1, XML0, TIEM_CHUNG)

struct PersonFields {
    std::string_view row;  // "XML1": prefix of the paths
    Generation generation;
    std::string_view so_cccd;  // "" when absent
    std::string_view cards;    // MA_THE_BHYT, "" when absent
    std::string_view birth;    // NGAY_SINH, already checked
    int64_t sex;               // GIOI_TINH, already checked
    int admit_year;
};

// SO_CCCD (E_ID) then MA_THE_BHYT (E_CARD); on success fills `ids`.
bool read_person_ids(const PersonFields& p, PersonIds& ids, Issue& e);
// The SO_CCCD warnings (W_PROVINCE, W_BIRTH_YEAR, W_SEX or W_SO_CCCD_OTHER), then W_UNIDENTIFIED.
void warn_person_ids(const PersonFields& p, const PersonIds& ids, std::vector<Issue>& warnings);

}  // namespace ehb
