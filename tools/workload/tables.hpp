// Reference tables of the standard workload: provinces, names, ICD-10 codes,
// drugs and lab indicators, with the relative frequencies the generator draws
// them by. Every string is UTF-8 and needs no JSON escaping (no '"', '\\' or
// control characters) unless noted.
#pragma once

#include <cstdint>
#include <string_view>

namespace ehb::workload::tables {

// The 63 provinces of TT 07/2016/TT-BCA in the order of engine/provinces.hpp,
// with their 2019 census population (thousands) and a short code for
// practising-licence numbers.
struct Province {
    std::string_view code;
    std::string_view name;  // as written in an address
    std::string_view abbr;
    uint32_t pop_k;
    bool highland;  // MA_KHUVUC K1..K3 occur
};

inline constexpr Province kProvinces[63] = {
    {"01", "Thành phố Hà Nội", "HNO", 8054, false},
    {"02", "Tỉnh Hà Giang", "HGI", 854, true},
    {"04", "Tỉnh Cao Bằng", "CBA", 530, true},
    {"06", "Tỉnh Bắc Kạn", "BKA", 314, true},
    {"08", "Tỉnh Tuyên Quang", "TQU", 785, true},
    {"10", "Tỉnh Lào Cai", "LCA", 731, true},
    {"11", "Tỉnh Điện Biên", "DBI", 599, true},
    {"12", "Tỉnh Lai Châu", "LCH", 460, true},
    {"14", "Tỉnh Sơn La", "SLA", 1248, true},
    {"15", "Tỉnh Yên Bái", "YBA", 822, true},
    {"17", "Tỉnh Hòa Bình", "HBI", 854, true},
    {"19", "Tỉnh Thái Nguyên", "TNG", 1287, false},
    {"20", "Tỉnh Lạng Sơn", "LSO", 782, true},
    {"22", "Tỉnh Quảng Ninh", "QNI", 1320, false},
    {"24", "Tỉnh Bắc Giang", "BGI", 1804, false},
    {"25", "Tỉnh Phú Thọ", "PTH", 1464, false},
    {"26", "Tỉnh Vĩnh Phúc", "VPH", 1152, false},
    {"27", "Tỉnh Bắc Ninh", "BNI", 1369, false},
    {"30", "Tỉnh Hải Dương", "HDU", 1893, false},
    {"31", "Thành phố Hải Phòng", "HPH", 2029, false},
    {"33", "Tỉnh Hưng Yên", "HYE", 1253, false},
    {"34", "Tỉnh Thái Bình", "TBI", 1861, false},
    {"35", "Tỉnh Hà Nam", "HNA", 852, false},
    {"36", "Tỉnh Nam Định", "NDI", 1781, false},
    {"37", "Tỉnh Ninh Bình", "NBI", 982, false},
    {"38", "Tỉnh Thanh Hóa", "THO", 3641, false},
    {"40", "Tỉnh Nghệ An", "NAN", 3327, false},
    {"42", "Tỉnh Hà Tĩnh", "HTI", 1289, false},
    {"44", "Tỉnh Quảng Bình", "QBI", 896, false},
    {"45", "Tỉnh Quảng Trị", "QTR", 633, false},
    {"46", "Tỉnh Thừa Thiên Huế", "TTH", 1129, false},
    {"48", "Thành phố Đà Nẵng", "DNA", 1134, false},
    {"49", "Tỉnh Quảng Nam", "QNA", 1496, false},
    {"51", "Tỉnh Quảng Ngãi", "QNG", 1232, false},
    {"52", "Tỉnh Bình Định", "BDI", 1487, false},
    {"54", "Tỉnh Phú Yên", "PYE", 873, false},
    {"56", "Tỉnh Khánh Hòa", "KHO", 1232, false},
    {"58", "Tỉnh Ninh Thuận", "NTH", 591, false},
    {"60", "Tỉnh Bình Thuận", "BTH", 1231, false},
    {"62", "Tỉnh Kon Tum", "KTU", 541, true},
    {"64", "Tỉnh Gia Lai", "GLA", 1514, true},
    {"66", "Tỉnh Đắk Lắk", "DLA", 1869, true},
    {"67", "Tỉnh Đắk Nông", "DNO", 622, true},
    {"68", "Tỉnh Lâm Đồng", "LDO", 1297, false},
    {"70", "Tỉnh Bình Phước", "BPH", 995, false},
    {"72", "Tỉnh Tây Ninh", "TNI", 1170, false},
    {"74", "Tỉnh Bình Dương", "BDU", 2456, false},
    {"75", "Tỉnh Đồng Nai", "DNI", 3097, false},
    {"77", "Tỉnh Bà Rịa - Vũng Tàu", "BRV", 1149, false},
    {"79", "Thành phố Hồ Chí Minh", "HCM", 8993, false},
    {"80", "Tỉnh Long An", "LAN", 1689, false},
    {"82", "Tỉnh Tiền Giang", "TGI", 1765, false},
    {"83", "Tỉnh Bến Tre", "BTR", 1289, false},
    {"84", "Tỉnh Trà Vinh", "TVI", 1010, false},
    {"86", "Tỉnh Vĩnh Long", "VLO", 1023, false},
    {"87", "Tỉnh Đồng Tháp", "DTH", 1600, false},
    {"89", "Tỉnh An Giang", "AGI", 1908, false},
    {"91", "Tỉnh Kiên Giang", "KGI", 1724, false},
    {"92", "Thành phố Cần Thơ", "CTH", 1236, false},
    {"93", "Tỉnh Hậu Giang", "HAG", 734, false},
    {"94", "Tỉnh Sóc Trăng", "STR", 1200, false},
    {"95", "Tỉnh Bạc Liêu", "BLI", 908, false},
    {"96", "Tỉnh Cà Mau", "CMA", 1194, false},
};

// Indexes into kProvinces used by name.
inline constexpr int kHaNoi = 0, kHaiPhong = 19, kHue = 30, kDaNang = 31, kBinhDuong = 46, kDongNai = 47,
                     kHoChiMinh = 49, kCanTho = 58;

struct Weighted {
    std::string_view text;
    uint32_t w;
};

// Family names by frequency (per 10,000).
inline constexpr Weighted kFamilyNames[] = {
    {"Nguyễn", 3800}, {"Trần", 1100}, {"Lê", 950}, {"Phạm", 700}, {"Hoàng", 300}, {"Huỳnh", 250},
    {"Phan", 450},    {"Vũ", 250},    {"Võ", 250},  {"Đặng", 210}, {"Bùi", 200},   {"Đỗ", 140},
    {"Hồ", 130},      {"Ngô", 130},   {"Dương", 100}, {"Lý", 50},  {"Đinh", 70},   {"Đoàn", 60},
    {"Trương", 80},   {"Lâm", 50},    {"Mai", 50},  {"Trịnh", 50}, {"Cao", 40},    {"Lương", 40},
    {"Hà", 40},       {"Đào", 50},    {"Tạ", 20},   {"Tô", 20},    {"Châu", 20},   {"Thái", 20},
    {"Triệu", 20},    {"Lưu", 20},    {"Quách", 10}, {"Kiều", 10}, {"La", 10},     {"Vương", 10},
    {"Từ", 10},       {"Tăng", 10},   {"Văn", 10},  {"Nông", 30},  {"Lò", 20},     {"Hứa", 10},
};

// Middle names; the first entry (Văn / Thị) is the traditional one.
inline constexpr Weighted kMiddleMale[] = {
    {"Văn", 3500}, {"Đức", 700}, {"Minh", 800}, {"Quang", 500}, {"Hữu", 500}, {"Thanh", 400},
    {"Công", 400}, {"Xuân", 300}, {"Ngọc", 300}, {"Quốc", 400}, {"Anh", 300}, {"Gia", 300},
    {"Tuấn", 200}, {"Hoàng", 300}, {"Trung", 200}, {"Thành", 200}, {"Đình", 400}, {"Bá", 200},
    {"Duy", 300}, {"Tiến", 200}, {"Nhật", 200}, {"Bảo", 300},
};
inline constexpr Weighted kMiddleFemale[] = {
    {"Thị", 4500}, {"Ngọc", 800}, {"Thu", 400}, {"Thanh", 400}, {"Minh", 300}, {"Phương", 300},
    {"Kim", 300}, {"Mỹ", 300}, {"Hồng", 300}, {"Thùy", 300}, {"Bảo", 300}, {"Khánh", 200},
    {"Hải", 100}, {"Diệu", 100}, {"Quỳnh", 200}, {"Ánh", 100}, {"Thảo", 100}, {"Hoài", 100},
    {"Cẩm", 100}, {"Tuyết", 100},
};
inline constexpr std::string_view kGivenMale[] = {
    "Anh", "Bảo", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Đức", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
    "Khang", "Khánh", "Khoa", "Kiên", "Long", "Lâm", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân",
    "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Tiến", "Trung", "Tuấn", "Tùng", "Việt", "Vinh",
    "Vũ", "Hưng", "Lộc", "Phát", "Tâm", "Thái", "Toàn", "Trí", "Tú", "Hậu", "Hòa", "Nhân", "Kiệt",
    "Đông", "Hiệp", "Lợi", "Mạnh", "Ninh", "Sang", "Thiện", "Trọng", "Vương", "Tín",
};
inline constexpr std::string_view kGivenFemale[] = {
    "An", "Anh", "Bích", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng",
    "Huyền", "Hương", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung",
    "Oanh", "Phương", "Quỳnh", "Thảo", "Thu", "Thúy", "Trang", "Trâm", "Uyên", "Vân", "Vy", "Xuân",
    "Yến", "Diệp", "Hân", "Nhi", "Tâm", "Thư", "Tiên", "Lụa", "Nhàn", "Tuyết", "Thủy", "Châu", "Hậu",
    "Lý", "Mơ", "Nụ", "Sen", "Thắm", "Vui", "Đào", "Lệ", "Ngà", "Tươi",
};

// Place words for streets, wards and districts of an address.
inline constexpr std::string_view kPlaces[] = {
    "Tân Định", "An Phú", "Hòa Bình", "Phú Mỹ", "Long Thạnh", "Tân Phong", "Thanh Xuân", "Cầu Giấy",
    "Đống Đa", "Hải Châu", "Bình An", "Tân Lập", "Quang Trung", "Lê Lợi", "Trần Phú", "Nguyễn Trãi",
    "Hùng Vương", "Điện Biên", "Hoàng Diệu", "Phú Lâm", "Vĩnh Ninh", "Xuân Hòa", "Đông Hưng",
    "Thạch Bàn", "Minh Khai", "Tân Thới", "Hiệp Phước", "Phước Long", "Mỹ Đình", "Yên Hòa", "Kim Liên",
    "Bến Thành", "Cát Linh", "Ngọc Hà", "Vạn Phúc", "Đại Mỗ", "Phú Thượng", "Nghĩa Tân", "Linh Trung",
    "Bình Thọ", "Tam Phú", "Hiệp Bình", "Long Bình", "Tân Hiệp", "Đức Thắng", "Hòa Khánh", "Thuận Phước",
    "Ninh Xá", "Đồng Tâm", "Hưng Lộc",
};

// ICD-10 categories drive drugs, visit types and treatment texts.
enum Cat : uint8_t {
    kResp, kCardio, kEndo, kGastro, kMsk, kNeuro, kUro, kInfect, kInjury, kObst, kSkin, kEyeEnt,
    kGeneral, kOnco, kRenal, kCatCount
};

enum IcdFlag : uint8_t {
    kChronic = 1,   // a long-term condition (monthly follow-up)
    kFemale = 2,    // women 15..49 only
    kAdult = 4,     // 30 and older only
    kInpatient = 8, // usually admitted
};

struct Icd {
    std::string_view code;
    std::string_view name;    // diagnosis text
    std::string_view reason;  // reason for visit
    uint8_t cat;
    uint8_t flags;
    uint16_t w;  // relative frequency
};

inline constexpr Icd kIcd[] = {
    {"J06.9", "Nhiễm trùng đường hô hấp trên cấp, không đặc hiệu", "Ho, sốt, sổ mũi", kResp, 0, 900},
    {"J02.9", "Viêm họng cấp, không đặc hiệu", "Đau họng, sốt nhẹ", kResp, 0, 500},
    {"J00", "Viêm mũi họng cấp [cảm thường]", "Sổ mũi, hắt hơi, đau họng", kResp, 0, 400},
    {"J20.9", "Viêm phế quản cấp, không đặc hiệu", "Ho có đờm 5 ngày", kResp, 0, 350},
    {"J18.9", "Viêm phổi, không đặc hiệu", "Sốt cao, ho, khó thở", kResp, kInpatient, 150},
    {"J45.9", "Hen phế quản, không đặc hiệu", "Khó thở, khò khè", kResp, kChronic, 80},
    {"J44.9", "Bệnh phổi tắc nghẽn mạn tính, không đặc hiệu", "Ho khạc đờm, khó thở khi gắng sức", kResp,
     kChronic | kAdult, 120},
    {"J03.9", "Viêm amidan cấp, không đặc hiệu", "Đau họng, nuốt đau", kResp, 0, 200},
    {"I10", "Bệnh lý tăng huyết áp vô căn (nguyên phát)", "Tái khám tăng huyết áp, lĩnh thuốc", kCardio,
     kChronic | kAdult, 900},
    {"I25.1", "Bệnh tim do xơ vữa động mạch", "Đau ngực khi gắng sức", kCardio, kChronic | kAdult, 120},
    {"I50.9", "Suy tim, không đặc hiệu", "Khó thở, phù hai chân", kCardio, kChronic | kAdult | kInpatient, 60},
    {"I48", "Rung nhĩ và cuồng nhĩ", "Hồi hộp, đánh trống ngực", kCardio, kChronic | kAdult, 40},
    {"I63.9", "Nhồi máu não, không đặc hiệu", "Yếu nửa người, nói khó", kNeuro, kAdult | kInpatient, 60},
    {"E11.9", "Bệnh đái tháo đường không phụ thuộc insuline, không có biến chứng", "Tái khám đái tháo đường",
     kEndo, kChronic | kAdult, 600},
    {"E11.6", "Bệnh đái tháo đường không phụ thuộc insuline có biến chứng xác định khác",
     "Tái khám đái tháo đường, tê bì chân", kEndo, kChronic | kAdult, 120},
    {"E78.5", "Tăng lipid máu, không đặc hiệu", "Kiểm tra mỡ máu", kEndo, kChronic | kAdult, 300},
    {"E03.9", "Suy giáp, không đặc hiệu", "Mệt mỏi, tăng cân", kEndo, kChronic | kAdult, 40},
    {"E05.0", "Nhiễm độc giáp với bướu giáp lan tỏa", "Hồi hộp, sụt cân, run tay", kEndo, kChronic, 30},
    {"K29.7", "Viêm dạ dày, không đặc hiệu", "Đau thượng vị", kGastro, 0, 500},
    {"K21.0", "Bệnh trào ngược dạ dày - thực quản có viêm thực quản", "Ợ nóng, ợ chua", kGastro, 0, 250},
    {"K52.9", "Viêm dạ dày - ruột và viêm đại tràng không nhiễm trùng, không đặc hiệu", "Đau bụng, đi ngoài phân lỏng",
     kGastro, 0, 150},
    {"A09", "Tiêu chảy và viêm dạ dày - ruột do nhiễm trùng", "Tiêu chảy, nôn", kInfect, 0, 250},
    {"K35.8", "Viêm ruột thừa cấp, khác và không đặc hiệu", "Đau bụng hố chậu phải", kGastro, kInpatient, 50},
    {"K80.2", "Sỏi túi mật không có viêm túi mật", "Đau hạ sườn phải", kGastro, kAdult, 40},
    {"K74.6", "Xơ gan khác và không đặc hiệu", "Mệt mỏi, vàng da, bụng to", kGastro, kChronic | kAdult, 30},
    {"B18.1", "Viêm gan virus B mạn, không có đồng nhiễm viêm gan D", "Tái khám viêm gan B", kInfect,
     kChronic | kAdult, 80},
    {"M54.5", "Đau vùng thắt lưng", "Đau lưng", kMsk, 0, 400},
    {"M17.9", "Thoái hóa khớp gối, không đặc hiệu", "Đau khớp gối", kMsk, kChronic | kAdult, 250},
    {"M47.8", "Thoái hóa cột sống khác", "Đau cổ gáy", kMsk, kAdult, 200},
    {"M10.9", "Bệnh gút, không đặc hiệu", "Sưng đau khớp ngón chân", kMsk, kChronic | kAdult, 80},
    {"M81.9", "Loãng xương, không đặc hiệu", "Đau mỏi xương khớp", kMsk, kChronic | kAdult, 50},
    {"R51", "Đau đầu", "Đau đầu", kNeuro, 0, 200},
    {"G47.0", "Rối loạn khởi phát và duy trì giấc ngủ [mất ngủ]", "Mất ngủ kéo dài", kNeuro, 0, 100},
    {"G43.9", "Migraine, không đặc hiệu", "Đau nửa đầu", kNeuro, 0, 60},
    {"F32.9", "Giai đoạn trầm cảm, không đặc hiệu", "Buồn chán, mất ngủ", kNeuro, 0, 40},
    {"N39.0", "Nhiễm khuẩn hệ tiết niệu, vị trí không xác định", "Tiểu buốt, tiểu rắt", kUro, 0, 200},
    {"N20.0", "Sỏi thận", "Đau quặn thắt lưng", kUro, kAdult, 80},
    {"N40", "Tăng sản tuyến tiền liệt", "Tiểu đêm nhiều lần", kUro, kChronic | kAdult, 60},
    {"N18.5", "Bệnh thận mạn, giai đoạn 5", "Chạy thận nhân tạo định kỳ", kRenal, kChronic | kAdult, 50},
    {"N18.3", "Bệnh thận mạn, giai đoạn 3", "Tái khám bệnh thận mạn", kRenal, kChronic | kAdult, 40},
    {"A97.0", "Sốt xuất huyết Dengue không có dấu hiệu cảnh báo", "Sốt cao 3 ngày, đau cơ", kInfect, 0, 80},
    {"A97.1", "Sốt xuất huyết Dengue có dấu hiệu cảnh báo", "Sốt, đau bụng, chảy máu chân răng", kInfect,
     kInpatient, 30},
    {"B01.9", "Thủy đậu không có biến chứng", "Sốt, nổi mụn nước", kInfect, 0, 30},
    {"B08.4", "Bệnh tay chân miệng", "Sốt, loét miệng, phát ban tay chân", kInfect, 0, 40},
    {"A15.0", "Lao phổi, xác nhận bằng soi đờm", "Ho kéo dài, sụt cân", kInfect, kChronic | kAdult, 20},
    {"S06.0", "Chấn động não", "Đau đầu sau tai nạn giao thông", kInjury, kInpatient, 60},
    {"S52.5", "Gãy đầu dưới xương quay", "Đau, sưng cổ tay sau ngã", kInjury, 0, 50},
    {"S82.2", "Gãy thân xương chày", "Đau, biến dạng cẳng chân sau tai nạn", kInjury, kInpatient, 30},
    {"T14.0", "Tổn thương nông của vùng cơ thể không xác định", "Xây xát da sau tai nạn", kInjury, 0, 120},
    {"S61.9", "Vết thương hở cổ tay và bàn tay", "Vết thương bàn tay do dao", kInjury, 0, 60},
    {"T14.1", "Vết thương hở của vùng cơ thể không xác định", "Bị chó cắn, tiêm phòng dại", kInjury, 0, 40},
    {"O80", "Đẻ thường một thai", "Chuyển dạ", kObst, kFemale | kInpatient, 70},
    {"O82", "Đẻ một thai bằng mổ lấy thai", "Chuyển dạ, vết mổ cũ", kObst, kFemale | kInpatient, 50},
    {"Z34.9", "Giám sát thai nghén bình thường, không đặc hiệu", "Khám thai định kỳ", kObst, kFemale, 150},
    {"O21.0", "Nôn nghén nhẹ", "Nôn nhiều, mệt", kObst, kFemale, 20},
    {"L30.9", "Viêm da, không đặc hiệu", "Ngứa, nổi mẩn da", kSkin, 0, 150},
    {"L50.9", "Mày đay, không đặc hiệu", "Nổi mề đay toàn thân", kSkin, 0, 80},
    {"B35.4", "Nấm thân", "Ngứa, mảng da tròn bong vảy", kSkin, 0, 50},
    {"H10.9", "Viêm kết mạc, không đặc hiệu", "Đỏ mắt, chảy nước mắt", kEyeEnt, 0, 120},
    {"H52.1", "Cận thị", "Nhìn mờ khi nhìn xa", kEyeEnt, 0, 60},
    {"H25.9", "Đục thủy tinh thể tuổi già, không đặc hiệu", "Nhìn mờ dần hai mắt", kEyeEnt, kAdult, 60},
    {"H66.9", "Viêm tai giữa, không đặc hiệu", "Đau tai, chảy mủ tai", kEyeEnt, 0, 80},
    {"J32.9", "Viêm xoang mạn, không đặc hiệu", "Ngạt mũi, chảy mũi kéo dài", kEyeEnt, 0, 120},
    {"K02.9", "Sâu răng, không đặc hiệu", "Đau răng", kEyeEnt, 0, 100},
    {"Z00.0", "Khám sức khỏe tổng quát", "Khám sức khỏe định kỳ", kGeneral, 0, 150},
    {"R10.4", "Đau bụng khác và không đặc hiệu", "Đau bụng", kGeneral, 0, 120},
    {"R50.9", "Sốt, không đặc hiệu", "Sốt", kGeneral, 0, 150},
    {"D64.9", "Thiếu máu, không đặc hiệu", "Da xanh, mệt mỏi", kGeneral, 0, 60},
    {"R42", "Chóng mặt và choáng váng", "Chóng mặt", kGeneral, 0, 100},
    {"C34.9", "U ác của phế quản hoặc phổi, không đặc hiệu", "Điều trị hóa chất theo hẹn", kOnco,
     kChronic | kAdult | kInpatient, 30},
    {"C50.9", "U ác của vú, không đặc hiệu", "Điều trị hóa chất theo hẹn", kOnco, kChronic | kAdult, 30},
    {"C22.0", "Ung thư biểu mô tế bào gan", "Đau hạ sườn phải, sụt cân", kOnco, kChronic | kAdult, 25},
    {"C18.9", "U ác của đại tràng, không đặc hiệu", "Tái khám sau phẫu thuật đại tràng", kOnco,
     kChronic | kAdult, 20},
};

// Secondary diagnoses commonly coded in MA_BENH_KT.
inline constexpr std::string_view kSecondary[] = {
    "I10", "E11.9", "E78.5", "K29.7", "M54.5", "J06.9", "D64.9", "R51", "K21.0", "N39.0", "M17.9",
    "E66.9", "Z95.5", "I25.1", "J44.9", "G47.0", "E87.6", "K76.0",
};

// Drugs. Prices in VND. `cats` is a bit mask of Cat values the drug treats.
struct Drug {
    std::string_view code;  // MA_THUOC (active-ingredient code)
    std::string_view name;
    std::string_view strength;
    std::string_view unit;        // DON_VI_TINH
    std::string_view unit_lower;  // in LIEU_DUNG
    std::string_view route;       // DUONG_DUNG code
    std::string_view form;        // DANG_BAO_CHE
    std::string_view reg;         // SO_DANG_KY
    std::string_view usage;       // CACH_DUNG
    uint32_t price;
    uint8_t per_time;
    uint8_t times_per_day;
    uint16_t cats;
};

#define EHB_CAT(c) (uint16_t(1) << (c))
inline constexpr Drug kDrugs[] = {
    {"40.62", "Paracetamol 500mg", "500mg", "Viên", "viên", "1.01", "Viên nén", "VD-21345-14",
     "Uống khi sốt trên 38,5 độ, cách nhau ít nhất 4 giờ", 250, 1, 3,
     EHB_CAT(kResp) | EHB_CAT(kInfect) | EHB_CAT(kMsk) | EHB_CAT(kGeneral) | EHB_CAT(kNeuro) | EHB_CAT(kInjury)},
    {"40.62", "Efferalgan 500mg", "500mg", "Viên", "viên", "1.01", "Viên nén sủi bọt", "VN-19352-15",
     "Hòa tan trong nước, uống khi đau hoặc sốt", 2650, 1, 3, EHB_CAT(kResp) | EHB_CAT(kInfect) | EHB_CAT(kEyeEnt)},
    {"40.142", "Amoxicilin 500mg", "500mg", "Viên", "viên", "1.01", "Viên nang cứng", "VD-25418-16",
     "Uống sau ăn sáng, trưa, tối", 790, 1, 3, EHB_CAT(kResp) | EHB_CAT(kEyeEnt) | EHB_CAT(kUro)},
    {"40.144", "Augmentin 625mg", "500mg + 125mg", "Viên", "viên", "1.01", "Viên nén bao phim", "VN-20124-16",
     "Uống ngay trước bữa ăn sáng và tối", 14520, 1, 2, EHB_CAT(kResp) | EHB_CAT(kEyeEnt) | EHB_CAT(kSkin)},
    {"40.168", "Cefuroxim 500mg", "500mg", "Viên", "viên", "1.01", "Viên nén bao phim", "VD-27145-17",
     "Uống sau ăn sáng và tối", 3200, 1, 2, EHB_CAT(kResp) | EHB_CAT(kUro) | EHB_CAT(kEyeEnt)},
    {"40.220", "Azithromycin 250mg", "250mg", "Viên", "viên", "1.01", "Viên nang cứng", "VD-29874-18",
     "Uống 1 lần/ngày trước ăn 1 giờ", 2900, 2, 1, EHB_CAT(kResp)},
    {"40.238", "Ciprofloxacin 500mg", "500mg", "Viên", "viên", "1.01", "Viên nén bao phim", "VD-24561-16",
     "Uống sáng và tối, uống nhiều nước", 650, 1, 2, EHB_CAT(kUro) | EHB_CAT(kInfect) | EHB_CAT(kGastro)},
    {"40.170", "Ceftriaxon 1g", "1g", "Lọ", "lọ", "2.15", "Bột pha tiêm", "VD-30215-18",
     "Tiêm tĩnh mạch chậm, thử phản ứng trước khi tiêm", 18900, 1, 2,
     EHB_CAT(kResp) | EHB_CAT(kInfect) | EHB_CAT(kInjury) | EHB_CAT(kObst) | EHB_CAT(kGastro)},
    {"40.1003", "Natri clorid 0,9% 500ml", "0,9% 500ml", "Chai", "chai", "2.16", "Dung dịch tiêm truyền",
     "VD-22354-15", "Truyền tĩnh mạch XL giọt/phút", 9450, 1, 1,
     EHB_CAT(kInfect) | EHB_CAT(kInjury) | EHB_CAT(kObst) | EHB_CAT(kGastro) | EHB_CAT(kNeuro)},
    {"40.1005", "Glucose 5% 500ml", "5% 500ml", "Chai", "chai", "2.16", "Dung dịch tiêm truyền", "VD-22401-15",
     "Truyền tĩnh mạch XXX giọt/phút", 10500, 1, 1, EHB_CAT(kInfect) | EHB_CAT(kGastro) | EHB_CAT(kOnco)},
    {"40.1010", "Ringer lactat 500ml", "500ml", "Chai", "chai", "2.16", "Dung dịch tiêm truyền", "VD-25786-16",
     "Truyền tĩnh mạch XL giọt/phút", 11200, 1, 2, EHB_CAT(kInfect) | EHB_CAT(kObst) | EHB_CAT(kInjury)},
    {"40.483", "Amlodipin 5mg", "5mg", "Viên", "viên", "1.01", "Viên nén", "VD-23876-15",
     "Uống 1 viên buổi sáng", 180, 1, 1, EHB_CAT(kCardio)},
    {"40.508", "Losartan 50mg", "50mg", "Viên", "viên", "1.01", "Viên nén bao phim", "VD-26543-17",
     "Uống 1 viên buổi sáng", 560, 1, 1, EHB_CAT(kCardio) | EHB_CAT(kRenal)},
    {"40.477", "Bisoprolol 2,5mg", "2,5mg", "Viên", "viên", "1.01", "Viên nén bao phim", "VD-28451-17",
     "Uống buổi sáng trước ăn", 820, 1, 1, EHB_CAT(kCardio)},
    {"40.522", "Atorvastatin 20mg", "20mg", "Viên", "viên", "1.01", "Viên nén bao phim", "VD-27314-17",
     "Uống 1 viên buổi tối", 950, 1, 1, EHB_CAT(kCardio) | EHB_CAT(kEndo)},
    {"40.527", "Rosuvastatin 10mg", "10mg", "Viên", "viên", "1.01", "Viên nén bao phim", "VD-31245-19",
     "Uống 1 viên buổi tối", 1700, 1, 1, EHB_CAT(kCardio) | EHB_CAT(kEndo)},
    {"40.451", "Aspirin 81mg", "81mg", "Viên", "viên", "1.01", "Viên nén bao tan trong ruột", "VD-20987-14",
     "Uống sau ăn trưa", 210, 1, 1, EHB_CAT(kCardio) | EHB_CAT(kNeuro)},
    {"40.459", "Clopidogrel 75mg", "75mg", "Viên", "viên", "1.01", "Viên nén bao phim", "VD-29013-18",
     "Uống sau ăn sáng", 1350, 1, 1, EHB_CAT(kCardio) | EHB_CAT(kNeuro)},
    {"40.497", "Furosemid 40mg", "40mg", "Viên", "viên", "1.01", "Viên nén", "VD-21987-14",
     "Uống buổi sáng", 160, 1, 1, EHB_CAT(kCardio) | EHB_CAT(kRenal)},
    {"40.681", "Metformin 850mg", "850mg", "Viên", "viên", "1.01", "Viên nén bao phim", "VD-24783-16",
     "Uống trong hoặc sau bữa ăn sáng, tối", 420, 1, 2, EHB_CAT(kEndo)},
    {"40.677", "Gliclazid 30mg", "30mg", "Viên", "viên", "1.01", "Viên nén giải phóng có kiểm soát",
     "VD-26014-16", "Uống trước bữa ăn sáng 30 phút", 1250, 1, 1, EHB_CAT(kEndo)},
    {"40.672", "Insulin Mixtard 30 100IU/ml", "100IU/ml x 10ml", "Lọ", "lọ", "2.05", "Hỗn dịch tiêm",
     "QLSP-0651-13", "Tiêm dưới da trước ăn sáng và tối theo chỉ định", 112000, 1, 1, EHB_CAT(kEndo)},
    {"40.688", "Levothyroxin 100mcg", "100mcg", "Viên", "viên", "1.01", "Viên nén", "VN-21654-18",
     "Uống buổi sáng lúc đói", 950, 1, 1, EHB_CAT(kEndo)},
    {"40.773", "Omeprazol 20mg", "20mg", "Viên", "viên", "1.01", "Viên nang cứng", "VD-20356-13",
     "Uống trước ăn sáng 30 phút", 320, 1, 1, EHB_CAT(kGastro) | EHB_CAT(kMsk)},
    {"40.766", "Esomeprazol 40mg", "40mg", "Viên", "viên", "1.01", "Viên nén bao tan trong ruột", "VD-30154-18",
     "Uống trước ăn sáng 30 phút", 1900, 1, 1, EHB_CAT(kGastro)},
    {"40.792", "Domperidon 10mg", "10mg", "Viên", "viên", "1.01", "Viên nén", "VD-22147-15",
     "Uống trước ăn 15 - 30 phút", 120, 1, 3, EHB_CAT(kGastro) | EHB_CAT(kObst)},
    {"40.786", "Diosmectit 3g", "3g", "Gói", "gói", "1.01", "Thuốc bột pha hỗn dịch uống", "VD-23145-15",
     "Pha với nửa cốc nước, uống giữa các bữa ăn", 2350, 1, 3, EHB_CAT(kGastro) | EHB_CAT(kInfect)},
    {"40.1080", "Oresol 245", "4,1g", "Gói", "gói", "1.01", "Thuốc bột pha dung dịch uống", "VD-24561-16",
     "Pha 1 gói với 200ml nước đun sôi để nguội, uống dần", 1100, 1, 3, EHB_CAT(kInfect) | EHB_CAT(kGastro)},
    {"40.36", "Meloxicam 7,5mg", "7,5mg", "Viên", "viên", "1.01", "Viên nén", "VD-23456-15",
     "Uống sau ăn no", 230, 1, 1, EHB_CAT(kMsk)},
    {"40.24", "Diclofenac 50mg", "50mg", "Viên", "viên", "1.01", "Viên nén bao tan trong ruột", "VD-19876-13",
     "Uống sau ăn sáng và tối", 150, 1, 2, EHB_CAT(kMsk) | EHB_CAT(kInjury)},
    {"40.937", "Eperison 50mg", "50mg", "Viên", "viên", "1.01", "Viên nén bao đường", "VD-25654-16",
     "Uống sau ăn sáng, trưa, tối", 1450, 1, 3, EHB_CAT(kMsk)},
    {"40.1050", "Glucosamin 500mg", "500mg", "Viên", "viên", "1.01", "Viên nang cứng", "VD-27865-17",
     "Uống sau ăn", 1100, 1, 2, EHB_CAT(kMsk)},
    {"40.30", "Colchicin 1mg", "1mg", "Viên", "viên", "1.01", "Viên nén", "VD-21456-14",
     "Uống sau ăn tối", 700, 1, 1, EHB_CAT(kMsk)},
    {"40.79", "Alphachymotrypsin 4200 đơn vị", "4200 đơn vị USP", "Viên", "viên", "1.01", "Viên nén",
     "VD-22876-15", "Ngậm dưới lưỡi hoặc uống với nhiều nước", 390, 2, 3,
     EHB_CAT(kResp) | EHB_CAT(kInjury) | EHB_CAT(kEyeEnt)},
    {"40.66", "Loratadin 10mg", "10mg", "Viên", "viên", "1.01", "Viên nén", "VD-20654-14",
     "Uống 1 viên buổi tối", 130, 1, 1, EHB_CAT(kSkin) | EHB_CAT(kResp) | EHB_CAT(kEyeEnt)},
    {"40.64", "Cetirizin 10mg", "10mg", "Viên", "viên", "1.01", "Viên nén bao phim", "VD-21876-14",
     "Uống 1 viên buổi tối", 140, 1, 1, EHB_CAT(kSkin) | EHB_CAT(kResp)},
    {"40.997", "Salbutamol 2mg", "2mg", "Viên", "viên", "1.01", "Viên nén", "VD-19543-13",
     "Uống sáng, chiều", 95, 1, 2, EHB_CAT(kResp)},
    {"40.992", "Ventolin 100mcg/liều", "100mcg/liều x 200 liều", "Bình", "nhát", "3.05", "Thuốc phun mù định liều",
     "VN-20456-17", "Xịt 2 nhát khi khó thở", 78500, 2, 2, EHB_CAT(kResp)},
    {"40.1020", "Ambroxol 30mg", "30mg", "Viên", "viên", "1.01", "Viên nén", "VD-23564-15",
     "Uống sau ăn sáng, trưa, tối", 105, 1, 3, EHB_CAT(kResp)},
    {"40.656", "Methylprednisolon 16mg", "16mg", "Viên", "viên", "1.01", "Viên nén", "VN-19876-16",
     "Uống sau ăn sáng", 2450, 1, 1, EHB_CAT(kResp) | EHB_CAT(kSkin) | EHB_CAT(kMsk)},
    {"40.1039", "Vitamin C 500mg", "500mg", "Viên", "viên", "1.01", "Viên nén bao phim", "VD-22198-15",
     "Uống sau ăn sáng", 260, 1, 1, EHB_CAT(kGeneral) | EHB_CAT(kInfect)},
    {"40.1033", "Vitamin 3B", "100mg + 200mg + 200mcg", "Viên", "viên", "1.01", "Viên nang mềm", "VD-24387-16",
     "Uống sau ăn sáng và tối", 580, 1, 2, EHB_CAT(kNeuro) | EHB_CAT(kEndo) | EHB_CAT(kGeneral)},
    {"40.711", "Sắt fumarat + Acid folic", "162mg + 0,75mg", "Viên", "viên", "1.01", "Viên nang mềm",
     "VD-25123-16", "Uống trước ăn sáng 1 giờ", 950, 1, 1, EHB_CAT(kObst) | EHB_CAT(kGeneral)},
    {"40.815", "Oxytocin 5UI/ml", "5UI/1ml", "Ống", "ống", "2.10", "Dung dịch tiêm", "VN-20143-16",
     "Tiêm bắp sau sổ thai", 4800, 1, 1, EHB_CAT(kObst)},
    {"40.314", "Piracetam 800mg", "800mg", "Viên", "viên", "1.01", "Viên nén bao phim", "VD-21543-14",
     "Uống sau ăn sáng và chiều", 320, 1, 2, EHB_CAT(kNeuro)},
    {"40.318", "Betahistin 16mg", "16mg", "Viên", "viên", "1.01", "Viên nén", "VD-26784-17",
     "Uống sau ăn sáng và tối", 650, 1, 2, EHB_CAT(kNeuro) | EHB_CAT(kGeneral)},
    {"40.348", "Tobramycin 0,3% 5ml", "0,3% x 5ml", "Lọ", "giọt", "4.04", "Dung dịch nhỏ mắt", "VN-18765-15",
     "Nhỏ mắt 1 - 2 giọt/lần", 38000, 2, 4, EHB_CAT(kEyeEnt)},
    {"40.1021", "Natri clorid 0,9% 10ml nhỏ mũi", "0,9% x 10ml", "Lọ", "giọt", "4.06", "Dung dịch nhỏ mũi",
     "VD-20432-14", "Nhỏ mũi 2 - 3 giọt/lần", 2500, 3, 3, EHB_CAT(kEyeEnt) | EHB_CAT(kResp)},
    {"40.180", "Fluconazol 150mg", "150mg", "Viên", "viên", "1.01", "Viên nang cứng", "VD-23987-15",
     "Uống 1 viên/tuần", 3500, 1, 1, EHB_CAT(kSkin)},
    {"40.120", "Tenofovir 300mg", "300mg", "Viên", "viên", "1.01", "Viên nén bao phim", "VD-28745-18",
     "Uống 1 viên/ngày cùng giờ", 7800, 1, 1, EHB_CAT(kInfect)},
    {"40.455", "Calci carbonat + Vitamin D3", "1250mg + 440UI", "Viên", "viên", "1.01", "Viên nén",
     "VD-24876-16", "Uống sau ăn sáng", 850, 1, 1, EHB_CAT(kMsk) | EHB_CAT(kRenal) | EHB_CAT(kObst)},
    {"40.726", "Epoetin alfa 2000IU", "2000IU/0,5ml", "Bơm tiêm", "bơm", "2.05", "Dung dịch tiêm",
     "QLSP-0876-15", "Tiêm dưới da sau lọc máu", 185000, 1, 1, EHB_CAT(kRenal)},
    {"40.418", "Capecitabin 500mg", "500mg", "Viên", "viên", "1.01", "Viên nén bao phim", "VN-21987-19",
     "Uống trong vòng 30 phút sau ăn", 48000, 2, 2, EHB_CAT(kOnco)},
    {"40.390", "Ondansetron 8mg", "8mg", "Viên", "viên", "1.01", "Viên nén bao phim", "VD-28654-18",
     "Uống trước hóa trị 1 giờ", 5600, 1, 2, EHB_CAT(kOnco) | EHB_CAT(kObst)},
    {"40.8", "Tramadol 50mg", "50mg", "Viên", "viên", "1.01", "Viên nang cứng", "VD-25476-16",
     "Uống khi đau, cách nhau 6 giờ", 1650, 1, 2, EHB_CAT(kOnco) | EHB_CAT(kInjury)},
};
#undef EHB_CAT

// Lab and imaging indicators (XML4). A value is drawn from [lo, hi] in units
// of 10^-dec; qualitative indicators draw from `choices` ('|'-separated);
// imaging rows have no value but a description and a conclusion.
struct LabItem {
    std::string_view code;  // MA_CHI_SO
    std::string_view name;  // TEN_CHI_SO
    std::string_view unit;  // DON_VI_DO
    int32_t lo, hi;
    uint8_t dec;
    std::string_view choices;
};

struct LabPanel {
    std::string_view service;  // MA_DICH_VU
    std::string_view name;     // TEN_DICH_VU (for referral summaries)
    uint32_t price;            // VND
    uint8_t first, count;      // rows kLabItems[first .. first+count)
    uint8_t pick;              // if nonzero, a random subset of this many rows (at least 1)
    bool imaging;
};

inline constexpr LabItem kLabItems[] = {
    // 0..7 complete blood count
    {"WBC", "Số lượng bạch cầu", "G/L", 35, 150, 1, ""},
    {"RBC", "Số lượng hồng cầu", "T/L", 350, 590, 2, ""},
    {"HGB", "Huyết sắc tố", "g/L", 95, 170, 0, ""},
    {"HCT", "Thể tích khối hồng cầu", "L/L", 30, 52, 2, ""},
    {"MCV", "Thể tích trung bình hồng cầu", "fL", 750, 1000, 1, ""},
    {"PLT", "Số lượng tiểu cầu", "G/L", 90, 450, 0, ""},
    {"NEU%", "Tỷ lệ bạch cầu trung tính", "%", 350, 850, 1, ""},
    {"LYM%", "Tỷ lệ bạch cầu lympho", "%", 100, 480, 1, ""},
    // 8..19 biochemistry
    {"GLU", "Glucose", "mmol/L", 38, 160, 1, ""},
    {"URE", "Urê", "mmol/L", 25, 120, 1, ""},
    {"CRE", "Creatinin", "µmol/L", 50, 240, 0, ""},
    {"AST", "AST (GOT)", "U/L", 12, 95, 0, ""},
    {"ALT", "ALT (GPT)", "U/L", 10, 110, 0, ""},
    {"CHOL", "Cholesterol toàn phần", "mmol/L", 30, 78, 1, ""},
    {"TG", "Triglycerid", "mmol/L", 6, 48, 1, ""},
    {"HDL", "HDL-Cholesterol", "mmol/L", 7, 20, 1, ""},
    {"LDL", "LDL-Cholesterol", "mmol/L", 15, 55, 1, ""},
    {"HBA1C", "HbA1c", "%", 48, 115, 1, ""},
    {"URIC", "Acid uric", "µmol/L", 180, 560, 0, ""},
    {"CRP", "CRP định lượng", "mg/L", 1, 1200, 1, ""},
    // 20..25 urinalysis
    {"U-PH", "pH nước tiểu", "", 50, 80, 1, ""},
    {"U-SG", "Tỷ trọng nước tiểu", "", 1005, 1030, 3, ""},
    {"U-PRO", "Protein nước tiểu", "g/L", 0, 0, 0, "Âm tính|Âm tính|Âm tính|Vết|0,3"},
    {"U-GLU", "Glucose nước tiểu", "mmol/L", 0, 0, 0, "Âm tính|Âm tính|Âm tính|5,5"},
    {"U-LEU", "Bạch cầu nước tiểu", "Tế bào/µL", 0, 0, 0, "Âm tính|Âm tính|15|70|125"},
    {"U-NIT", "Nitrit nước tiểu", "", 0, 0, 0, "Âm tính|Âm tính|Âm tính|Dương tính"},
    // 26 chest X-ray, 27 abdominal ultrasound, 28 ECG, 29 dengue NS1, 30 HBsAg
    {"", "Chụp X-quang ngực thẳng", "", 0, 0, 0, ""},
    {"", "Siêu âm ổ bụng (gan mật, tụy, lách, thận, bàng quang)", "", 0, 0, 0, ""},
    {"", "Điện tim thường", "", 0, 0, 0, ""},
    {"NS1", "Dengue virus NS1Ag test nhanh", "", 0, 0, 0, "Âm tính|Âm tính|Dương tính"},
    {"HBSAG", "HBsAg test nhanh", "", 0, 0, 0, "Âm tính|Âm tính|Âm tính|Dương tính"},
};

inline constexpr LabPanel kLabPanels[] = {
    {"22.0120.1370", "Tổng phân tích tế bào máu ngoại vi (bằng máy đếm laser)", 46200, 0, 8, 0, false},
    {"23.0075.1494", "Định lượng các chất sinh hóa máu", 21500, 8, 12, 5, false},
    {"23.0206.1596", "Tổng phân tích nước tiểu (bằng máy tự động)", 27400, 20, 6, 0, false},
    {"18.0119.0028", "Chụp X-quang ngực thẳng", 65400, 26, 1, 0, true},
    {"18.0001.0001", "Siêu âm ổ bụng", 43900, 27, 1, 0, true},
    {"02.0085.1778", "Điện tim thường", 32800, 28, 1, 0, true},
    {"24.0153.1651", "Dengue virus NS1Ag test nhanh", 130000, 29, 1, 0, false},
    {"24.0117.1614", "HBsAg test nhanh", 53600, 30, 1, 0, false},
};

// Imaging findings: description / conclusion pairs per imaging row.
struct Finding {
    std::string_view description;
    std::string_view conclusion;
};
inline constexpr Finding kXray[] = {
    {"Hai trường phổi sáng đều, không thấy tổn thương nhu mô. Bóng tim không to. Góc sườn hoành hai bên nhọn.",
     "Hiện tại chưa phát hiện bất thường trên phim X-quang ngực"},
    {"Đám mờ không đều vùng đáy phổi phải, bờ không rõ. Bóng tim không to.", "Hình ảnh viêm phổi đáy phải"},
    {"Tăng đậm các nhánh phế quản hai bên, rốn phổi đậm.", "Hình ảnh viêm phế quản"},
    {"Chỉ số tim ngực 0,56; cung dưới trái phồng.", "Bóng tim to"},
};
inline constexpr Finding kUltrasound[] = {
    {"Gan không to, nhu mô đều, đường mật không giãn. Túi mật thành mỏng, không sỏi. Hai thận không ứ nước.",
     "Hiện tại chưa phát hiện bất thường trên siêu âm ổ bụng"},
    {"Gan không to, nhu mô tăng âm lan tỏa. Túi mật, tụy, lách bình thường.", "Gan nhiễm mỡ độ I"},
    {"Túi mật có nốt tăng âm kích thước 8 x 6 mm, có bóng cản, di động.", "Sỏi túi mật"},
    {"Thận phải có nốt tăng âm 6 mm có bóng cản, không ứ nước.", "Sỏi thận phải"},
};
inline constexpr Finding kEcg[] = {
    {"Nhịp xoang đều, tần số 78 lần/phút, trục trung gian.", "Điện tim trong giới hạn bình thường"},
    {"Nhịp xoang, tần số 92 lần/phút, dày thất trái.", "Dày thất trái"},
    {"Nhịp không đều, mất sóng P, tần số thất 110 lần/phút.", "Rung nhĩ đáp ứng thất nhanh"},
};

// Free texts.
inline constexpr std::string_view kAdvice[] = {
    "Uống thuốc theo đơn, tái khám khi có dấu hiệu bất thường",
    "Ăn nhạt, hạn chế mỡ động vật, tập thể dục đều đặn",
    "Nghỉ ngơi, uống nhiều nước, theo dõi nhiệt độ",
    "Tái khám sau khi hết thuốc, mang theo sổ khám bệnh",
    "Kiêng rượu bia, không hút thuốc lá",
    "Theo dõi huyết áp hằng ngày, ghi lại kết quả",
    "Tái khám ngay khi \\\"sốt cao, khó thở\\\" hoặc đau tăng",  // JSON-escaped quotes, written as is
    "",
};
inline constexpr std::string_view kTreatment[kCatCount] = {
    "Điều trị nội khoa: kháng sinh, giảm ho, hạ sốt",
    "Điều trị nội khoa: hạ áp, chống kết tập tiểu cầu, điều chỉnh lipid máu",
    "Điều trị nội khoa: kiểm soát đường huyết, chế độ ăn",
    "Điều trị nội khoa: ức chế bơm proton, chống co thắt",
    "Điều trị nội khoa kết hợp vật lý trị liệu",
    "Điều trị nội khoa: tuần hoàn não, an thần nhẹ",
    "Điều trị nội khoa: kháng sinh, lợi tiểu",
    "Điều trị nội khoa: bù dịch, hạ sốt, theo dõi dấu hiệu cảnh báo",
    "Sơ cứu, băng bó, cố định; điều trị giảm đau, kháng sinh dự phòng",
    "Theo dõi chuyển dạ, đỡ đẻ, chăm sóc sau sinh",
    "Điều trị nội khoa: kháng histamin, thuốc bôi tại chỗ",
    "Điều trị nội khoa tại chỗ và toàn thân",
    "Khám, tư vấn, theo dõi",
    "Hóa trị theo phác đồ, điều trị hỗ trợ",
    "Lọc máu chu kỳ, điều chỉnh thiếu máu, điện giải",
};
inline constexpr std::string_view kCourse[] = {
    "Bệnh khởi phát 3 ngày, điều trị tại tuyến dưới không đỡ, diễn biến nặng dần",
    "Bệnh diễn biến 1 tuần, đã điều trị nội khoa, đáp ứng kém",
    "Bệnh mạn tính, điều trị ngoại trú nhiều năm, đợt này tiến triển nặng",
};
inline constexpr std::string_view kSigns[] = {
    "Tỉnh, tiếp xúc tốt, da niêm mạc hồng, mạch 90 lần/phút, huyết áp 130/80 mmHg",
    "Tỉnh, mệt, sốt 38,5 độ, thở nhanh 26 lần/phút, SpO2 93%",
    "Tỉnh, đau nhiều, mạch 100 lần/phút, huyết áp 100/60 mmHg",
};
inline constexpr std::string_view kTransport[] = {"Xe cứu thương", "Xe cứu thương", "Tự túc", "Xe của gia đình"};
inline constexpr std::string_view kDirections[] = {
    "Tiếp tục chẩn đoán và điều trị chuyên khoa tại tuyến trên",
    "Đề nghị tuyến trên làm thêm xét nghiệm chuyên sâu và điều trị",
    "Chuyển điều trị theo yêu cầu của người bệnh và gia đình",
};
inline constexpr std::string_view kStreets[] = {"Đường", "Phố", "Ngõ", "Hẻm"};

}  // namespace ehb::workload::tables
