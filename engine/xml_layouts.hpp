// How each table of the Ministry's standard is laid out as its own XML
// document inside a GIAMDINHHS submission (domain reference §2.3): an object
// table is its root element with one child element per field; a list table
// is root / list / one row element per row.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace ehb {

inline constexpr std::size_t kXmlTableCount = 16;  // XML0..XML15

inline constexpr std::array<std::string_view, kXmlTableCount> kXmlTableNames = {
    "XML0", "XML1", "XML2",  "XML3",  "XML4",  "XML5",  "XML6",  "XML7",
    "XML8", "XML9", "XML10", "XML11", "XML12", "XML13", "XML14", "XML15",
};

struct XmlTableLayout {
    std::string_view root;
    std::string_view list;  // empty: an object table
    std::string_view row;   // empty: any row element (XML6, whose row tag HIS vendors spell variously)
};

inline constexpr std::array<XmlTableLayout, kXmlTableCount> kXmlTableLayouts = {{
    {"CHI_TIEU_TRANG_THAI_KCB", "", ""},
    {"TONG_HOP", "", ""},
    {"CHITIEU_CHITIET_THUOC", "DSACH_CHI_TIET_THUOC", "CHI_TIET_THUOC"},
    {"CHITIEU_CHITIET_DVKT_VTYT", "DSACH_CHI_TIET_DVKT", "CHI_TIET_DVKT"},
    {"CHITIEU_CHITIET_DICHVUCANLAMSANG", "DSACH_CHI_TIET_CLS", "CHI_TIET_CLS"},
    {"CHITIEU_CHITIET_DIENBIENLAMSANG", "DSACH_CHI_TIET_DIEN_BIEN_BENH", "CHI_TIET_DIEN_BIEN_BENH"},
    {"CHI_TIEU_HO_SO_BENH_AN_CHAM_SOC_VA_DIEU_TRI_HIV_AIDS", "DSACH_HO_SO_BENH_AN_CHAM_SOC_VA_DIEU_TRI_HIV_AIDS", ""},
    {"CHI_TIEU_DU_LIEU_GIAY_RA_VIEN", "", ""},
    {"CHI_TIEU_DU_LIEU_TOM_TAT_HO_SO_BENH_AN", "", ""},
    {"CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH", "DSACH_GIAYCHUNGSINH", "DU_LIEU_GIAY_CHUNG_SINH"},
    {"CHI_TIEU_DU_LIEU_GIAY_NGHI_DUONG_THAI", "", ""},
    {"CHI_TIEU_DU_LIEU_GIAY_CHUNG_NHAN_NGHI_VIEC_HUONG_BAO_HIEM_XA_HOI", "", ""},
    {"GIAM_DINH_Y_KHOA", "", ""},
    {"CHI_TIEU_GIAYCHUYENTUYEN", "", ""},
    {"CHI_TIEU_GIAYHEN_KHAMLAI", "", ""},
    {"CHI_TIEU_DIEUTRI_BENHLAO", "DSACH_CHITIET_DIEUTRI_BENHLAO", "CHITIET_DIEUTRI_BENHLAO"},
}};

// The table number of "XML0".."XML15", or -1.
constexpr int xml_table_number(std::string_view name) noexcept {
    for (std::size_t i = 0; i < kXmlTableCount; ++i)
        if (kXmlTableNames[i] == name) return static_cast<int>(i);
    return -1;
}

}  // namespace ehb
