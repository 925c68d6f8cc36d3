// Given names for the person-record generator: a wider set than the standard
// workload's (real Vietnamese given names, weighted by how common they are:
// 40 common, 15 usual, 5 rare) and the two-syllable given names that are
// common today ("Nguyễn Thị Thu Thủy": middle "Thị", given "Thu Thủy").
// Precomposed UTF-8 (NFC), modern tone placement ("Hòa", "Thủy").
#pragma once

#include "tools/workload/tables.hpp"

namespace ehb::people::names {

using workload::tables::Weighted;

inline constexpr Weighted kGivenMale[] = {
    // common
    {"Anh", 40}, {"Huy", 40}, {"Minh", 40}, {"Nam", 40}, {"Tuấn", 40}, {"Hùng", 40}, {"Dũng", 40},
    {"Đức", 40}, {"Long", 40}, {"Hải", 40}, {"Sơn", 40}, {"Thắng", 40}, {"Trung", 40}, {"Hiếu", 40},
    {"Khánh", 40}, {"Phong", 40}, {"Quân", 40}, {"Tùng", 40}, {"Cường", 40}, {"Thành", 40},
    {"Hoàng", 40}, {"Việt", 40}, {"Bảo", 40}, {"Khoa", 40}, {"Đạt", 40}, {"Duy", 40}, {"Tài", 40},
    {"Phúc", 40}, {"Hưng", 40}, {"Vinh", 40},
    // usual
    {"Bình", 15}, {"Công", 15}, {"Chiến", 15}, {"Chính", 15}, {"Dương", 15}, {"Đông", 15},
    {"Giang", 15}, {"Hà", 15}, {"Hiệp", 15}, {"Hòa", 15}, {"Hoàn", 15}, {"Hậu", 15}, {"Hiển", 15},
    {"Học", 15}, {"Hợp", 15}, {"Khang", 15}, {"Khải", 15}, {"Khôi", 15}, {"Kiên", 15}, {"Kiệt", 15},
    {"Lâm", 15}, {"Lộc", 15}, {"Lợi", 15}, {"Luân", 15}, {"Mạnh", 15}, {"Nghĩa", 15}, {"Nhân", 15},
    {"Nhật", 15}, {"Ninh", 15}, {"Phát", 15}, {"Phú", 15}, {"Phương", 15}, {"Quang", 15},
    {"Quốc", 15}, {"Quý", 15}, {"Quyết", 15}, {"Sang", 15}, {"Tâm", 15}, {"Tân", 15}, {"Tấn", 15},
    {"Thái", 15}, {"Thanh", 15}, {"Thiện", 15}, {"Thịnh", 15}, {"Thông", 15}, {"Thuận", 15},
    {"Tiến", 15}, {"Tín", 15}, {"Toàn", 15}, {"Trí", 15}, {"Trọng", 15}, {"Trường", 15}, {"Tú", 15},
    {"Tường", 15}, {"Vũ", 15}, {"Vương", 15}, {"Xuân", 15},
    // rare
    {"An", 5}, {"Bách", 5}, {"Bằng", 5}, {"Cảnh", 5}, {"Chung", 5}, {"Danh", 5}, {"Dân", 5},
    {"Doanh", 5}, {"Đại", 5}, {"Đạo", 5}, {"Điền", 5}, {"Định", 5}, {"Đoàn", 5}, {"Giáp", 5},
    {"Hào", 5}, {"Hảo", 5}, {"Hiền", 5}, {"Hoài", 5}, {"Hồng", 5}, {"Huân", 5}, {"Hướng", 5},
    {"Huynh", 5}, {"Kha", 5}, {"Khiêm", 5}, {"Khương", 5}, {"Kỳ", 5}, {"Lân", 5}, {"Lập", 5},
    {"Linh", 5}, {"Lực", 5}, {"Lương", 5}, {"Ngọc", 5}, {"Nguyên", 5}, {"Phi", 5}, {"Phụng", 5},
    {"Phước", 5}, {"Quyền", 5}, {"Sỹ", 5}, {"Thạch", 5}, {"Thạnh", 5}, {"Thao", 5}, {"Thức", 5},
    {"Tịnh", 5}, {"Toản", 5}, {"Triều", 5}, {"Triết", 5}, {"Uy", 5}, {"Vĩnh", 5}, {"Võ", 5},
    {"Vượng", 5}, {"Yên", 5}, {"Bắc", 5}, {"Chí", 5}, {"Đăng", 5}, {"Hưởng", 5}, {"Lịch", 5},
    {"Luận", 5}, {"Mẫn", 5}, {"Sinh", 5}, {"Tư", 5}, {"Thuần", 5}, {"Thụy", 5}, {"Tiệp", 5},
    {"Trực", 5}, {"Tuyên", 5}, {"Vỹ", 5}, {"Khoát", 5}, {"Độ", 5}, {"Cần", 5}, {"Hiến", 5},
    {"Khanh", 5}, {"Liêm", 5}, {"Nhuận", 5}, {"Quảng", 5}, {"Sâm", 5}, {"Sáng", 5}, {"Thế", 5},
    {"Thiên", 5}, {"Thọ", 5}, {"Thuyết", 5}, {"Toại", 5}, {"Trãi", 5}, {"Tuệ", 5}, {"Tuyển", 5},
    {"Xương", 5}, {"Luyện", 5}, {"Mừng", 5}, {"Tạo", 5}, {"Ân", 5}, {"Bửu", 5}, {"Được", 5},
    {"Lễ", 5}, {"Nhơn", 5}, {"Thân", 5}, {"Tòng", 5}, {"Hoan", 5}, {"Kính", 5}, {"Lai", 5},
    {"Nhẫn", 5},
};

inline constexpr Weighted kGivenFemale[] = {
    // common
    {"Anh", 40}, {"Linh", 40}, {"Hương", 40}, {"Trang", 40}, {"Hà", 40}, {"Hằng", 40}, {"Lan", 40},
    {"Ngọc", 40}, {"Huyền", 40}, {"Thảo", 40}, {"Phương", 40}, {"Mai", 40}, {"Hoa", 40},
    {"Nhung", 40}, {"Thủy", 40}, {"Yến", 40}, {"Vy", 40}, {"Nhi", 40}, {"Hạnh", 40}, {"Thu", 40},
    {"Hiền", 40}, {"Dung", 40}, {"Giang", 40}, {"Ngân", 40}, {"Quỳnh", 40}, {"Trâm", 40}, {"Vân", 40},
    {"Thúy", 40}, {"Loan", 40}, {"Oanh", 40},
    // usual
    {"An", 15}, {"Ánh", 15}, {"Bích", 15}, {"Châu", 15}, {"Chi", 15}, {"Diệp", 15}, {"Duyên", 15},
    {"Đào", 15}, {"Hân", 15}, {"Hậu", 15}, {"Hoài", 15}, {"Hồng", 15}, {"Huệ", 15}, {"Hường", 15},
    {"Khánh", 15}, {"Kiều", 15}, {"Lệ", 15}, {"Liên", 15}, {"Ly", 15}, {"Lý", 15}, {"Mỹ", 15},
    {"My", 15}, {"Nga", 15}, {"Ngà", 15}, {"Nguyệt", 15}, {"Nhàn", 15}, {"Như", 15}, {"Phượng", 15},
    {"Quyên", 15}, {"Sương", 15}, {"Tâm", 15}, {"Thanh", 15}, {"Thắm", 15}, {"Thơ", 15}, {"Thư", 15},
    {"Thùy", 15}, {"Thương", 15}, {"Tiên", 15}, {"Trinh", 15}, {"Trúc", 15}, {"Tuyết", 15},
    {"Uyên", 15}, {"Vi", 15}, {"Xuân", 15}, {"Diễm", 15}, {"Nhã", 15}, {"Tú", 15}, {"Khuê", 15},
    {"Thoa", 15}, {"Kim", 15},
    // rare
    {"Ái", 5}, {"Cầm", 5}, {"Châm", 5}, {"Cúc", 5}, {"Dịu", 5}, {"Điệp", 5}, {"Gấm", 5}, {"Hạ", 5},
    {"Hảo", 5}, {"Hiên", 5}, {"Hòa", 5}, {"Khanh", 5}, {"Lam", 5}, {"Liễu", 5}, {"Lụa", 5},
    {"Lựu", 5}, {"Mến", 5}, {"Miên", 5}, {"Na", 5}, {"Nghi", 5}, {"Nương", 5}, {"Phấn", 5},
    {"Quế", 5}, {"Sa", 5}, {"Sen", 5}, {"Son", 5}, {"Thêu", 5}, {"Thy", 5}, {"Trà", 5}, {"Tuyền", 5},
    {"Tươi", 5}, {"Xoan", 5}, {"Yên", 5}, {"Đan", 5}, {"Giao", 5}, {"Huyên", 5}, {"Khuyên", 5},
    {"Lài", 5}, {"Lành", 5}, {"Mận", 5}, {"Mơ", 5}, {"Mùi", 5}, {"Mỵ", 5}, {"Nụ", 5}, {"Nhạn", 5},
    {"Nhiên", 5}, {"Nhài", 5}, {"Phụng", 5}, {"Quý", 5}, {"Thục", 5}, {"Thuận", 5}, {"Tình", 5},
    {"Vui", 5}, {"Xinh", 5}, {"Hoan", 5}, {"Huế", 5}, {"Mây", 5}, {"Ngát", 5}, {"Quỳ", 5},
    {"Sim", 5}, {"Tuệ", 5}, {"Đoan", 5}, {"Hợi", 5}, {"Mười", 5}, {"Diệu", 5}, {"Hoàn", 5},
    {"Thi", 5}, {"Trầm", 5}, {"Mộng", 5}, {"Phúc", 5}, {"Bình", 5}, {"Tuyến", 5}, {"Ân", 5},
    {"Hiếu", 5}, {"Lợi", 5}, {"Trân", 5}, {"Thiện", 5}, {"Tư", 5}, {"Vinh", 5},
};

// Two-syllable given names (drawn uniformly; the first syllable is never the middle name).
inline constexpr std::string_view kCompoundMale[] = {
    "Minh Khôi", "Gia Huy",    "Đức Anh",   "Minh Quân",  "Anh Tuấn",   "Quốc Bảo",   "Hoàng Nam",
    "Tuấn Anh",  "Minh Đức",   "Gia Bảo",   "Đăng Khoa",  "Minh Nhật",  "Bảo Long",   "Hải Đăng",
    "Trung Kiên", "Quang Huy", "Thành Đạt", "Hữu Phước", "Minh Tuấn",  "Đức Minh",   "Quang Minh",
    "Hoàng Long", "Thiên Ân",  "Phúc Khang", "Anh Khoa",  "Nhật Minh",  "Duy Khánh",  "Tấn Phát",
    "Thanh Tùng", "Việt Anh",  "Hoàng Anh", "Minh Trí",   "Trọng Nhân", "Khôi Nguyên", "Gia Khánh",
    "Bảo Khang", "Đình Phong", "Xuân Trường", "Mạnh Cường", "Minh Hiếu", "Quốc Huy", "Hữu Nghĩa",
    "Thế Anh",   "Tiến Dũng",
};
inline constexpr std::string_view kCompoundFemale[] = {
    "Thu Thủy",  "Minh Anh",   "Bảo Ngọc",  "Khánh Linh", "Phương Anh", "Ngọc Anh",   "Bảo Anh",
    "Thu Hà",    "Thanh Hương", "Ngọc Ánh", "Hải Yến",    "Kim Ngân",   "Thùy Linh",  "Phương Thảo",
    "Mai Anh",   "Khánh Huyền", "Diệu Linh", "Hà My",     "Bảo Châu",   "Gia Hân",    "Tú Anh",
    "Quỳnh Anh", "Ngọc Hân",   "Bảo Trâm",  "Thanh Trúc", "Cẩm Tú",     "Hồng Nhung", "Thúy Hằng",
    "Thanh Thảo", "Minh Thư",  "Yến Nhi",   "Tường Vy",   "Lan Anh",    "Hoài Thu",   "Vân Anh",
    "Thu Trang", "Minh Châu",  "Mỹ Linh",   "Bích Ngọc",  "Thanh Tâm",  "Ngọc Trâm",  "Khánh Ngọc",
    "An Nhiên",  "Bảo Hân",    "Thảo Vy",   "Ngọc Diệp",  "Hoài An",    "Thanh Hằng", "Thu Hương",
    "Kim Oanh",
};

}  // namespace ehb::people::names
