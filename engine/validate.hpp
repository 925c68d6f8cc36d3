// Field rules of XML1 (docs/records.md): types, required fields, lengths,
// timestamps, codes, and the classification of the person's identifiers.
//
// The parser does one pass over the XML1 object and drops each known field
// into its slot (xml1_field_index); validate_xml1 then checks the slots in a
// fixed order and reports the first error. Nothing here touches JSON text, so
// the rules are testable on their own.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/record.hpp"
#include "engine/table_fields.hpp"

namespace ehb {

// The XML1 fields of QĐ 130 as amended by QĐ 4750 (reference §2.6), declared
// once: X(name, type, max length in code points (0 = unbounded), required).
// `num` fields accept a JSON number or a numeric string; `str` fields a string.
#define EHB_XML1_FIELDS(X)                  \
    X(MA_LK, str, 100, true)                \
    X(STT, num, 0, false)                   \
    X(MA_BN, str, 100, true)                \
    X(HO_TEN, str, 255, true)               \
    X(SO_CCCD, str, 15, false)              \
    X(NGAY_SINH, str, 0, true)              \
    X(GIOI_TINH, num, 0, true)              \
    X(NHOM_MAU, str, 5, false)              \
    X(MA_QUOCTICH, str, 3, false)           \
    X(MA_DANTOC, str, 2, false)             \
    X(MA_NGHE_NGHIEP, str, 5, false)        \
    X(DIA_CHI, str, 1024, false)            \
    X(MATINH_CU_TRU, str, 3, false)         \
    X(MAHUYEN_CU_TRU, str, 3, false)        \
    X(MAXA_CU_TRU, str, 5, false)           \
    X(DIEN_THOAI, str, 15, false)           \
    X(MA_THE_BHYT, str, 0, false)           \
    X(MA_DKBD, str, 0, false)               \
    X(GT_THE_TU, str, 0, false)             \
    X(GT_THE_DEN, str, 0, false)            \
    X(NGAY_MIEN_CCT, str, 0, false)         \
    X(LY_DO_VV, str, 0, false)              \
    X(LY_DO_VNT, str, 0, false)             \
    X(MA_LY_DO_VNT, str, 5, false)          \
    X(CHAN_DOAN_VAO, str, 0, false)         \
    X(CHAN_DOAN_RV, str, 0, false)          \
    X(MA_BENH_CHINH, str, 7, true)          \
    X(MA_BENH_KT, str, 100, false)          \
    X(MA_BENH_YHCT, str, 255, false)        \
    X(MA_PTTT_QT, str, 125, false)          \
    X(MA_DOITUONG_KCB, str, 4, false)       \
    X(MA_NOI_DI, str, 5, false)             \
    X(MA_NOI_DEN, str, 5, false)            \
    X(MA_TAI_NAN, num, 0, false)            \
    X(NGAY_VAO, str, 0, true)               \
    X(NGAY_VAO_NOI_TRU, str, 0, false)      \
    X(NGAY_RA, str, 0, true)                \
    X(GIAY_CHUYEN_TUYEN, str, 50, false)    \
    X(SO_NGAY_DTRI, num, 0, false)          \
    X(PP_DIEU_TRI, str, 0, false)           \
    X(KET_QUA_DTRI, num, 0, true)           \
    X(MA_LOAI_RV, num, 0, true)             \
    X(GHI_CHU, str, 0, false)               \
    X(NGAY_TTOAN, str, 0, false)            \
    X(T_THUOC, num, 0, false)               \
    X(T_VTYT, num, 0, false)                \
    X(T_TONGCHI_BV, num, 0, false)          \
    X(T_TONGCHI_BH, num, 0, false)          \
    X(T_BNTT, num, 0, false)                \
    X(T_BNCCT, num, 0, false)               \
    X(T_BHTT, num, 0, false)                \
    X(T_NGUONKHAC, num, 0, false)           \
    X(T_BHTT_GDV, num, 0, false)            \
    X(NAM_QT, num, 0, false)                \
    X(THANG_QT, num, 0, false)              \
    X(MA_LOAI_KCB, str, 0, true)            \
    X(MA_KHOA, str, 50, false)              \
    X(MA_CSKCB, str, 0, true)               \
    X(MA_KHUVUC, str, 2, false)             \
    X(CAN_NANG, str, 6, false)              \
    X(CAN_NANG_CON, str, 100, false)        \
    X(NAM_NAM_LIEN_TUC, str, 8, false)      \
    X(NGAY_TAI_KHAM, str, 50, false)        \
    X(MA_HSBA, str, 100, false)             \
    X(MA_TTDV, str, 10, false)              \
    X(DU_PHONG, str, 0, false)

// Slot index of each XML1 field: X1::MA_LK, X1::NGAY_VAO, ...
namespace X1 {
enum : uint8_t {
#define EHB_X1_ENUM(name, type, len, req) name,
    EHB_XML1_FIELDS(EHB_X1_ENUM)
#undef EHB_X1_ENUM
    count_
};
}  // namespace X1
inline constexpr std::size_t kXml1FieldCount = X1::count_;

inline constexpr std::array<FieldSpec, kXml1FieldCount> kXml1Fields = {{
#define EHB_X1_SPEC(name, type, len, req) {#name, FieldType::type, len, req},
    EHB_XML1_FIELDS(EHB_X1_SPEC)
#undef EHB_X1_SPEC
}};

// Slot of a known XML1 field name, or -1 (unknown fields are kept, unchecked).
int xml1_field_index(std::string_view name) noexcept;

struct Xml1Fields {
    std::array<FieldValue, kXml1FieldCount> slot;
    void reset() noexcept {
        for (auto& s : slot) s.kind = JsonKind::absent;
    }
};

// Checks the XML1 rules in the documented order, for the generation `g` the
// document follows (the slots hold the stored names: engine/tables.hpp). On
// success replaces out.facility, out.ma_lk, out.ids, out.admitted and
// appends the XML1 warnings to out.warnings (which it does not clear); on
// failure fills `error` with the first problem and returns false.
bool validate_xml1(const Xml1Fields& in, Generation g, ParsedRecord& out, Issue& error);

// ---- building blocks (exposed for tests and other stages) ----

// Number of code points of valid UTF-8.
std::size_t utf8_length(std::string_view s) noexcept;

// Real calendar moments. On failure `why` (if given) explains, e.g.
// "February has no day 30" or "hour 24 is out of range 00-23".
// Years must lie in [1900, 2100].
bool is_real_timestamp12(std::string_view s, std::string* why = nullptr);  // yyyymmddHHMM
bool is_real_date8(std::string_view s, std::string* why = nullptr);        // yyyymmdd

// What SO_CCCD holds, by pattern (reference §1.3).
enum class SoCccdKind : uint8_t {
    none,       // ""
    citizen,    // 12 digits
    old_id,     // 9 digits
    passport,   // [A-Z] + 7 digits
    bad_digits, // all digits, another length: rejected (E_ID)
    other,      // anything else (e-ID account code, ...): kept, W_SO_CCCD_OTHER
};
SoCccdKind classify_so_cccd(std::string_view s) noexcept;

// One health-insurance card code: [A-Z]{2}[1-5][0-9]{2}[0-9]{10}.
bool is_card_code(std::string_view s) noexcept;

}  // namespace ehb
