// The declared fields of every table engine/tables.cpp validates field by
// field, under their stored names (QĐ 130 as amended by QĐ 4750 and
// QĐ 3176), and the number fields of the tables it stores unchecked.
//
// X(name, type, max length in code points (0 = unbounded), required, format).
// The reference rejects only structural faults (reference §6 principle 6), so
// "required" is kept to what identifies a paper or a person, places it in
// time, or codes it (numbers of the paper, facilities, times, ICD and code
// fields); free text, signers and the copies of XML1 fields in XML13/XML14
// are checked only when present, as XML1 does with its own.
#pragma once

#include <algorithm>
#include <array>
#include <string_view>

#include "engine/table_fields.hpp"

namespace ehb {

// XML0, the check-in (reference §2.10).
#define EHB_XML0_FIELDS(X)                          \
    X(MA_LK, str, 100, true, none)                  \
    X(STT, num, 0, false, none)                     \
    X(MA_BN, str, 100, true, none)                  \
    X(HO_TEN, str, 255, true, none)                 \
    X(SO_CCCD, str, 15, false, none)                \
    X(NGAY_SINH, str, 0, true, birth)               \
    X(GIOI_TINH, num, 0, true, sex)                 \
    X(MA_THE_BHYT, str, 15, false, none)            \
    X(MA_DKBD, str, 5, false, none)                 \
    X(GT_THE_TU, str, 0, false, date)               \
    X(GT_THE_DEN, str, 0, false, date)              \
    X(MA_DOITUONG_KCB, str, 4, false, none)         \
    X(NGAY_VAO, str, 0, true, time)                 \
    X(NGAY_VAO_NOI_TRU, str, 0, false, time)        \
    X(LY_DO_VNT, str, 0, false, none)               \
    X(MA_LY_DO_VNT, str, 5, false, none)            \
    X(MA_LOAI_KCB, str, 0, true, visit_type)        \
    X(MA_CSKCB, str, 0, true, facility)             \
    X(MA_DICH_VU, str, 50, false, none)             \
    X(TEN_DICH_VU, str, 1024, false, none)          \
    X(MA_THUOC, str, 255, false, none)              \
    X(TEN_THUOC, str, 1024, false, none)            \
    X(MA_VAT_TU, str, 255, false, none)             \
    X(TEN_VAT_TU, str, 1024, false, none)           \
    X(NGAY_YL, str, 0, false, time)                 \
    X(DU_PHONG, str, 0, false, none)

// XML2, one drug line (reference §2.11, QĐ 4750 Bảng 2).
#define EHB_XML2_FIELDS(X)                          \
    X(MA_LK, str, 100, false, none)                 \
    X(STT, num, 0, false, none)                     \
    X(MA_THUOC, str, 255, true, none)               \
    X(MA_PP_CHEBIEN, str, 255, false, none)         \
    X(MA_CSKCB_THUOC, str, 10, false, none)         \
    X(MA_NHOM, num, 0, false, none)                 \
    X(TEN_THUOC, str, 1024, true, none)             \
    X(DON_VI_TINH, str, 50, false, none)            \
    X(HAM_LUONG, str, 1024, false, none)            \
    X(DUONG_DUNG, str, 4, false, none)              \
    X(DANG_BAO_CHE, str, 1024, false, none)         \
    X(LIEU_DUNG, str, 1024, false, none)            \
    X(CACH_DUNG, str, 1024, false, none)            \
    X(SO_DANG_KY, str, 255, false, none)            \
    X(TT_THAU, str, 50, false, none)                \
    X(PHAM_VI, num, 0, false, none)                 \
    X(TYLE_TT_BH, num, 0, false, none)              \
    X(SO_LUONG, num, 0, true, none)                 \
    X(DON_GIA, num, 0, false, none)                 \
    X(THANH_TIEN_BV, num, 0, false, none)           \
    X(THANH_TIEN_BH, num, 0, false, none)           \
    X(T_NGUONKHAC_NSNN, num, 0, false, none)        \
    X(T_NGUONKHAC_VTNN, num, 0, false, none)        \
    X(T_NGUONKHAC_VTTN, num, 0, false, none)        \
    X(T_NGUONKHAC_CL, num, 0, false, none)          \
    X(T_NGUONKHAC, num, 0, false, none)             \
    X(MUC_HUONG, num, 0, false, none)               \
    X(T_BHTT, num, 0, false, none)                  \
    X(T_BNCCT, num, 0, false, none)                 \
    X(T_BNTT, num, 0, false, none)                  \
    X(MA_KHOA, str, 50, false, none)                \
    X(MA_BAC_SI, str, 255, false, none)             \
    X(MA_DICH_VU, str, 255, false, none)            \
    X(NGAY_YL, str, 0, true, time)                  \
    X(NGAY_TH_YL, str, 0, false, time)              \
    X(MA_PTTT, num, 0, false, none)                 \
    X(NGUON_CTRA, num, 0, false, none)              \
    X(VET_THUONG_TP, num, 0, false, none)           \
    X(DU_PHONG, str, 0, false, none)

// XML4, one paraclinical indicator (reference §2.7). MA_DICH_VU is 20 in QĐ 3176.
#define EHB_XML4_FIELDS(X)                          \
    X(MA_LK, str, 100, false, none)                 \
    X(STT, num, 0, false, none)                     \
    X(MA_DICH_VU, str, 15, true, none)              \
    X(MA_CHI_SO, str, 50, false, none)              \
    X(TEN_CHI_SO, str, 255, false, none)            \
    X(GIA_TRI, str, 50, false, none)                \
    X(DON_VI_DO, str, 50, false, none)              \
    X(MO_TA, str, 0, false, none)                   \
    X(KET_LUAN, str, 0, false, none)                \
    X(NGAY_KQ, str, 0, false, time)                 \
    X(MA_BS_DOC_KQ, str, 255, false, none)          \
    X(DU_PHONG, str, 0, false, none)

// XML7, the discharge paper (QĐ 4750 Bảng 7).
#define EHB_XML7_FIELDS(X)                          \
    X(MA_LK, str, 100, false, none)                 \
    X(SO_LUU_TRU, str, 200, true, none)             \
    X(MA_YTE, str, 200, true, none)                 \
    X(MA_KHOA_RV, str, 200, false, none)            \
    X(NGAY_VAO, str, 0, true, time)                 \
    X(NGAY_RA, str, 0, true, time)                  \
    X(MA_DINH_CHI_THAI, num, 0, false, yes_no)      \
    X(NGUYENNHAN_DINHCHI, str, 0, false, none)      \
    X(THOIGIAN_DINHCHI, str, 0, false, time)        \
    X(TUOI_THAI, num, 0, false, pregnancy_weeks)    \
    X(CHAN_DOAN_RV, str, 1500, false, none)         \
    X(PP_DIEUTRI, str, 1500, false, none)           \
    X(GHI_CHU, str, 1500, false, none)              \
    X(MA_TTDV, str, 10, false, none)                \
    X(MA_BS, str, 200, false, none)                 \
    X(TEN_BS, str, 255, false, none)                \
    X(NGAY_CT, str, 0, true, date)                  \
    X(MA_CHA, str, 10, false, none)                 \
    X(MA_ME, str, 10, false, none)                  \
    X(MA_THE_TAM, str, 15, false, none)             \
    X(HO_TEN_CHA, str, 255, false, none)            \
    X(HO_TEN_ME, str, 255, false, none)             \
    X(SO_NGAY_NGHI, num, 0, false, none)            \
    X(NGOAITRU_TUNGAY, str, 0, false, date)         \
    X(NGOAITRU_DENNGAY, str, 0, false, date)        \
    X(DU_PHONG, str, 0, false, none)

// XML8, the record summary (reference §2.11, QĐ 4750 Bảng 8).
#define EHB_XML8_FIELDS(X)                          \
    X(MA_LK, str, 100, false, none)                 \
    X(MA_LOAI_KCB, str, 0, true, visit_type)        \
    X(HO_TEN_CHA, str, 255, false, none)            \
    X(HO_TEN_ME, str, 255, false, none)             \
    X(NGUOI_GIAM_HO, str, 255, false, none)         \
    X(DON_VI, str, 1024, false, none)               \
    X(NGAY_VAO, str, 0, true, time)                 \
    X(NGAY_RA, str, 0, true, time)                  \
    X(CHAN_DOAN_VAO, str, 0, false, none)           \
    X(CHAN_DOAN_RV, str, 0, false, none)            \
    X(QT_BENHLY, str, 0, false, none)               \
    X(TOMTAT_KQ, str, 0, false, none)               \
    X(PP_DIEUTRI, str, 0, false, none)              \
    X(NGAY_SINHCON, str, 0, false, date)            \
    X(NGAY_CONCHET, str, 0, false, date)            \
    X(SO_CONCHET, num, 0, false, none)              \
    X(KET_QUA_DTRI, num, 0, true, treatment_result) \
    X(GHI_CHU, str, 0, false, none)                 \
    X(MA_TTDV, str, 10, false, none)                \
    X(NGAY_CT, str, 0, true, date)                  \
    X(MA_THE_TAM, str, 15, false, none)             \
    X(DU_PHONG, str, 0, false, none)

// Copied from XML1 into the referral and the appointment papers.
#define EHB_COPIED_CARD_AND_STAY(X)                 \
    X(MA_THE_BHYT, str, 0, false, none)             \
    X(GT_THE_DEN, str, 0, false, date_list)         \
    X(NGAY_VAO, str, 0, false, time)                \
    X(NGAY_VAO_NOI_TRU, str, 0, false, time)        \
    X(NGAY_RA, str, 0, false, time)

// The diagnosis codes of a paper (ICD-10, the principal one required).
#define EHB_DIAGNOSIS_CODES(X)                      \
    X(MA_BENH_CHINH, str, 7, true, none)            \
    X(MA_BENH_KT, str, 100, false, none)            \
    X(MA_BENH_YHCT, str, 255, false, none)

// XML13, the referral paper (reference §2.8): QĐ 3176 names, plus the three
// QĐ 4750 fields 3176 removed (TEN_DICH_VU, TEN_THUOC, PP_DIEU_TRI).
#define EHB_XML13_FIELDS(X)                         \
    X(MA_LK, str, 100, false, none)                 \
    X(SO_HOSO, str, 50, true, none)                 \
    X(SO_CHUYENTUYEN, str, 50, true, none)          \
    X(GIAY_CHUYEN_TUYEN, str, 50, true, none)       \
    X(MA_CSKCB, str, 0, true, facility)             \
    X(MA_CSKCB_DI, str, 0, false, facility)         \
    X(MA_CSKCB_DEN, str, 0, true, facility)         \
    X(HO_TEN, str, 255, false, none)                \
    X(NGAY_SINH, str, 0, false, birth)              \
    X(GIOI_TINH, num, 0, false, sex)                \
    X(MA_QUOCTICH, str, 3, false, none)             \
    X(MA_DANTOC, str, 2, false, none)               \
    X(MA_NGHE_NGHIEP, str, 5, false, none)          \
    X(DIA_CHI, str, 1024, false, none)              \
    EHB_COPIED_CARD_AND_STAY(X)                     \
    X(DAU_HIEU_LS, str, 0, false, none)             \
    X(CHAN_DOAN_RV, str, 0, false, none)            \
    X(QT_BENHLY, str, 0, false, none)               \
    X(TOMTAT_KQ, str, 0, false, none)               \
    X(PP_DIEUTRI, str, 0, false, none)              \
    EHB_DIAGNOSIS_CODES(X)                          \
    X(TEN_DICH_VU, str, 1024, false, none)          \
    X(TEN_THUOC, str, 1024, false, none)            \
    X(PP_DIEU_TRI, str, 0, false, none)             \
    X(TINH_TRANG_CT, str, 0, false, none)           \
    X(MA_LOAI_RV, num, 0, true, discharge_type)     \
    X(MA_LYDO_CT, num, 0, true, referral_reason)    \
    X(HUONG_DIEU_TRI, str, 0, false, none)          \
    X(PHUONGTIEN_VC, str, 255, false, none)         \
    X(HOTEN_NGUOI_HT, str, 255, false, none)        \
    X(CHUCDANH_NGUOI_HT, str, 255, false, none)     \
    X(MA_BAC_SI, str, 255, false, none)             \
    X(MA_TTDV, str, 10, false, none)                \
    X(DU_PHONG, str, 0, false, none)

// XML14, the re-examination appointment (reference §2.9).
#define EHB_XML14_FIELDS(X)                         \
    X(MA_LK, str, 100, false, none)                 \
    X(SO_GIAYHEN_KL, str, 50, true, none)           \
    X(MA_CSKCB, str, 0, true, facility)             \
    X(HO_TEN, str, 255, false, none)                \
    X(NGAY_SINH, str, 0, false, birth)              \
    X(GIOI_TINH, num, 0, false, sex)                \
    X(DIA_CHI, str, 1024, false, none)              \
    EHB_COPIED_CARD_AND_STAY(X)                     \
    X(NGAY_HEN_KL, str, 0, true, time)              \
    X(CHAN_DOAN_RV, str, 0, false, none)            \
    EHB_DIAGNOSIS_CODES(X)                          \
    X(MA_DOITUONG_KCB, str, 4, false, none)         \
    X(MA_BAC_SI, str, 255, false, none)             \
    X(MA_TTDV, str, 10, false, none)                \
    X(NGAY_CT, str, 0, true, date)                  \
    X(DU_PHONG, str, 0, false, none)

// TIEM_CHUNG, one vaccine dose from an immunisation system (no Ministry table).
#define EHB_TIEM_CHUNG_FIELDS(X)                    \
    X(HE_THONG_NGUON, str, 50, true, source_code)   \
    X(MA_BAN_GHI, str, 100, true, none)             \
    X(MA_VACCINE, str, 50, true, none)              \
    X(TEN_VACCINE, str, 255, true, none)            \
    X(MUI_THU, num, 0, false, dose_number)          \
    X(NGAY_TIEM, str, 0, true, time_or_date)        \
    X(MA_CSKCB, str, 0, false, facility)            \
    X(NOI_TIEM, str, 1024, false, none)             \
    X(SO_LO, str, 50, false, none)                  \
    X(NHA_SAN_XUAT, str, 255, false, none)          \
    X(HO_TEN, str, 255, true, none)                 \
    X(NGAY_SINH, str, 0, true, birth)               \
    X(GIOI_TINH, num, 0, true, sex)                 \
    X(SO_CCCD, str, 15, false, none)                \
    X(MA_THE_BHYT, str, 0, false, none)             \
    X(GHI_CHU, str, 0, false, none)

// Per table: slot indices (X13::MA_CSKCB_DEN, ...) and the spec array.
#define EHB_TABLE_ENUM(name, type, len, req, fmt) name,
#define EHB_TABLE_SPEC(name, type, len, req, fmt) {#name, FieldType::type, len, req, Format::fmt},
#define EHB_DECLARE_TABLE(ns, specs, FIELDS)                                         \
    namespace ns {                                                                   \
    enum : uint8_t { FIELDS(EHB_TABLE_ENUM) count_ };                                \
    }                                                                                \
    inline constexpr std::array<FieldSpec, ns::count_> specs = {{FIELDS(EHB_TABLE_SPEC)}};

EHB_DECLARE_TABLE(X0, kXml0Fields, EHB_XML0_FIELDS)
EHB_DECLARE_TABLE(X2, kXml2Fields, EHB_XML2_FIELDS)
EHB_DECLARE_TABLE(X4, kXml4Fields, EHB_XML4_FIELDS)
EHB_DECLARE_TABLE(X7, kXml7Fields, EHB_XML7_FIELDS)
EHB_DECLARE_TABLE(X8, kXml8Fields, EHB_XML8_FIELDS)
EHB_DECLARE_TABLE(X13, kXml13Fields, EHB_XML13_FIELDS)
EHB_DECLARE_TABLE(X14, kXml14Fields, EHB_XML14_FIELDS)
EHB_DECLARE_TABLE(XTC, kTiemChungFields, EHB_TIEM_CHUNG_FIELDS)

#undef EHB_DECLARE_TABLE
#undef EHB_TABLE_SPEC
#undef EHB_TABLE_ENUM

// Number fields (type S) of the tables stored unchecked, and the QĐ 4210
// number fields that keep their name (no later field has their meaning).
// Sorted: looked up by binary search.
inline constexpr std::string_view kXml1Numbers4210[] = {"MA_LYDO_VVIEN", "T_NGOAIDS", "T_TONGCHI"};
inline constexpr std::string_view kXml2Numbers4210[] = {"THANH_TIEN", "T_NGOAIDS"};
inline constexpr std::string_view kXml3Numbers[] = {
    "DON_GIA",          "DON_GIA_BH",       "DON_GIA_BV",     "MA_NHOM",     "MA_PTTT",      "MUC_HUONG",
    "PHAM_VI",          "PP_VO_CAM",        "SO_LUONG",       "STT",         "TAI_SU_DUNG",  "THANH_TIEN",
    "THANH_TIEN_BH",    "THANH_TIEN_BV",    "TYLE_TT",        "TYLE_TT_BH",  "TYLE_TT_DV",   "T_BHTT",
    "T_BNCCT",          "T_BNTT",           "T_NGOAIDS",      "T_NGUONKHAC", "T_NGUONKHAC_CL",
    "T_NGUONKHAC_NSNN", "T_NGUONKHAC_VTNN", "T_NGUONKHAC_VTTN", "T_TRANTT",  "VET_THUONG_TP"};
inline constexpr std::string_view kXml5Numbers[] = {"STT"};
inline constexpr std::string_view kXml6Numbers[] = {
    "GIAI_DOAN_LAM_SANG", "GIOI_TINH",       "KQ_DTRI_LAO",   "KQ_XNTL_VR",      "LAN_XN_PCR",
    "LOAI_DTRI_LAO",      "LY_DO_CHUYEN_PHAC_DO", "MA_BAC_PHAC_DO", "MA_BAC_PHAC_DO_BD", "MA_KQ_XN_PCR",
    "MA_LOAI_BN",         "MA_LYDO_DTRI",    "MA_LYDO_XNTL_VR", "NHOM_DOI_TUONG", "PHACDO_DTRI_LAO",
    "SANG_LOC_LAO",       "SO_NGAY_CAP_THUOC_ARV"};
inline constexpr std::string_view kXml9Numbers[] = {"CAN_NANG_CON", "GIOI_TINH_CON", "LAN_SINH",
                                                    "SINHCON_DUOI32TUAN", "SINHCON_PHAUTHUAT", "SO_CON",
                                                    "SO_CON_SONG"};
inline constexpr std::string_view kXml10Numbers[] = {"SO_NGAY"};
inline constexpr std::string_view kXml11Numbers[] = {"MA_DINH_CHI_THAI", "SO_NGAY_NGHI", "TUOI_THAI"};
inline constexpr std::string_view kXml15Numbers[] = {
    "KET_QUA_DTRI_LAO", "LOAI_DTRI_LAO",    "PHACDO_DTRI_LAO",  "PHANLOAI_LAO_HIV", "PHANLOAI_LAO_KT",
    "PHANLOAI_LAO_TS",  "PHANLOAI_LAO_VITRI", "PHANLOAI_LAO_VK", "STT"};

static_assert(std::ranges::is_sorted(kXml1Numbers4210) && std::ranges::is_sorted(kXml2Numbers4210) &&
              std::ranges::is_sorted(kXml3Numbers) && std::ranges::is_sorted(kXml6Numbers) &&
              std::ranges::is_sorted(kXml9Numbers) && std::ranges::is_sorted(kXml11Numbers) &&
              std::ranges::is_sorted(kXml15Numbers));

}  // namespace ehb
