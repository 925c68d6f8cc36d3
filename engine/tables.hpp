// The tables of an episode document other than XML1's own rules
// (docs/records.md): which generation of the standard a document follows,
// the names a later generation gave a field, which fields are numbers, and
// the field-by-field rules of XML0, XML2, XML4, XML7, XML8, XML13, XML14 and
// of the vaccination record TIEM_CHUNG.
#pragma once

#include <string_view>

#include "engine/record.hpp"
#include "engine/validate.hpp"

namespace simdjson::dom {
class element;
class object;
}

namespace ehb {

// The facility part of a vaccination's episode key: not a facility code
// (those are letters and digits), so it never meets a real episode.
inline constexpr std::string_view kVaccinationFacility = "#VACC";

std::string_view generation_name(Generation g) noexcept;  // "4210", "130/4750", "3176"

// Tells the generation from the document's field names: QĐ 4210 when XML1
// has a name only 4210 used (MA_THE, MA_BENH, MA_BENHKHAC, TEN_BENH,
// TINH_TRANG_RV, T_TONGCHI, MA_LYDO_VVIEN, MA_NOI_CHUYEN) and neither
// MA_THE_BHYT nor MA_BENH_CHINH; else QĐ 3176 when XML13 has MA_CSKCB_DI,
// MA_CSKCB_DEN or TINH_TRANG_CT; else QĐ 130/4750 (also for a document
// without XML1, and for one that mixes 4210 and 130 names in XML1).
Generation detect_generation(const simdjson::dom::object& top) noexcept;

// The name the stored record uses for a field `g` spelled differently
// (XML1.MA_THE in 4210 is MA_THE_BHYT; XML13.MA_NOI_DI is MA_CSKCB_DI in
// 3176 and in the stored record), or `field` itself.
std::string_view current_field_name(Generation g, std::string_view table, std::string_view field) noexcept;

// The reverse: the name generation `g` gave the stored field `stored`
// (XML1.MA_THE_BHYT was MA_THE in QĐ 4210), or `stored` itself.
std::string_view former_field_name(Generation g, std::string_view table, std::string_view stored) noexcept;

// The stored text of an XML1 value QĐ 4210 wrote otherwise: its visit type
// MA_LOAI_KCB 1-3 (a number) is today's code "01"-"03", and its CAN_NANG (a
// number of kg) is today's text. Empty when the value is stored as it is.
// `buf` holds the text.
std::string_view stored_4210_text(std::string_view field, const simdjson::dom::element& value, char (&buf)[32]) noexcept;

// True when `field` (its current name) of `table` is a number (type S) in
// the Ministry's tables or in TIEM_CHUNG. The canonical form writes such a
// value, when it is a number or a decimal string, as a normalised number.
bool is_numeric_field(std::string_view table, std::string_view field) noexcept;

// What a JSON value holds, for the field model (engine/table_fields.hpp).
void read_field_value(const simdjson::dom::element& value, FieldValue& out) noexcept;

// The rules of every table but XML1 in a document that has XML1 (already
// validated into `out`), by the generation's field names: shapes are checked
// by the parser before. Tables in document order, rows in order; in a row:
// (XML13: sent only for a referral, E_CONDITION), types, required fields
// then conditional ones, lengths, facility codes, times and dates, the birth
// date, date order, codes, links to XML1 (E_FACILITY, XML13.MA_LOAI_RV).
// Appends warnings to out.warnings; on the first error fills `error` (code,
// field path such as "XML4[2].NGAY_KQ", reason) and returns false.
bool validate_tables(const simdjson::dom::object& top, Generation g, ParsedRecord& out, Issue& error);

// A document without XML1 whose only table is XML0 (a check-in): its rules,
// and the record's facility, ma_lk, ids, admitted (NGAY_VAO) and warnings.
bool validate_checkin(const simdjson::dom::object& xml0, ParsedRecord& out, Issue& error);

// A document whose only table is TIEM_CHUNG (a vaccination): its rules, and
// the record's facility (kVaccinationFacility), ma_lk, ids, admitted
// (NGAY_TIEM) and warnings.
bool validate_vaccination(const simdjson::dom::object& tiem_chung, ParsedRecord& out, Issue& error);

}  // namespace ehb
