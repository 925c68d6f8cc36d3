// Small valid episode documents for tests, with the fields a test varies.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ehb::test {

// "P1-2-3" from ("P", {1, 2, 3}): built by appending, which g++ 12's false
// -Wrestrict warnings on `"P" + std::to_string(...)` leave alone.
inline std::string key(std::string_view prefix, std::initializer_list<long long> parts) {
    std::string out(prefix);
    const char* sep = "";
    for (long long p : parts) out.append(sep).append(std::to_string(p)), sep = "-";
    return out;
}

struct Doc {
    std::string facility = "01001";
    std::string ma_lk = "LK0001";
    std::string citizen = "001090012345";  // Hà Nội, male, born 1990
    std::string card = "DN4010123456789";  // social-insurance code 0123456789
    std::string name = "Nguyễn Văn An";
    std::string birth = "199005150000";
    std::string sex = "1";
    std::string admitted = "202501100800";
    std::string discharged = "202501101000";
    std::string icd = "J06.9";
    std::vector<std::pair<std::string, std::string>> extra;  // more or other XML1 members: name, raw JSON value
    std::string tables;  // raw members after XML1, e.g. ,"XML2":[...]

    std::vector<std::pair<std::string, std::string>> members() const {
        auto s = [](const std::string& v) { return "\"" + v + "\""; };
        std::vector<std::pair<std::string, std::string>> m = {
            {"MA_LK", s(ma_lk)},          {"STT", "1"},
            {"MA_BN", s("BN" + ma_lk)},   {"HO_TEN", s(name)},
            {"SO_CCCD", s(citizen)},      {"NGAY_SINH", s(birth)},
            {"GIOI_TINH", sex},           {"MA_THE_BHYT", s(card)},
            {"MATINH_CU_TRU", s("01")},   {"MA_CSKCB", s(facility)},
            {"NGAY_VAO", s(admitted)},    {"NGAY_RA", s(discharged)},
            {"MA_LOAI_KCB", s("01")},     {"MA_BENH_CHINH", s(icd)},
            {"KET_QUA_DTRI", "1"},        {"MA_LOAI_RV", "1"},
            {"T_TONGCHI_BV", "150000.5"},
        };
        for (const auto& [field, value] : extra) {
            auto same = std::find_if(m.begin(), m.end(), [&](const auto& kv) { return kv.first == field; });
            if (same != m.end()) same->second = value;
            else m.emplace_back(field, value);
        }
        return m;
    }

    std::string json() const {
        std::string out = "{\"XML1\":{";
        for (const auto& [k, v] : members()) out += (out.back() == '{' ? "\"" : ",\"") + k + "\":" + v;
        return out + "}" + tables + "}";
    }

    // The same content with the members in reverse order and whitespace between tokens.
    std::string json_reordered() const {
        auto m = members();
        std::string out = "{\n  \"XML1\" : {";
        for (auto it = m.rbegin(); it != m.rend(); ++it) {
            out += (it == m.rbegin() ? "\n    \"" : ",\n    \"") + it->first + "\" :  " + it->second;
        }
        return out + "\n  }" + tables + "\n}\n";
    }
};

// A check-in (XML0) for Doc's episode.
inline std::string checkin(const Doc& d, std::string_view arrival = "202501100800") {
    return R"({"XML0":{"MA_LK":")" + d.ma_lk + R"(","STT":"1","MA_BN":"BN)" + d.ma_lk + R"(","HO_TEN":")" + d.name +
           R"(","SO_CCCD":")" + d.citizen + R"(","NGAY_SINH":")" + d.birth + R"(","GIOI_TINH":")" + d.sex +
           R"(","MA_THE_BHYT":")" + d.card + R"(","MA_DOITUONG_KCB":"1.1","NGAY_VAO":")" + std::string(arrival) +
           R"(","MA_LOAI_KCB":"01","MA_CSKCB":")" + d.facility +
           R"(","MA_DICH_VU":"02.1896","TEN_DICH_VU":"Khám Nội","NGAY_YL":")" + std::string(arrival) + R"("}})";
}

// A re-examination appointment slip for Doc's episode.
inline std::string appointment(const Doc& d, std::string_view slip, std::string_view due) {
    return R"(,"XML14":{"MA_LK":")" + d.ma_lk + R"(","SO_GIAYHEN_KL":")" + std::string(slip) + R"(","MA_CSKCB":")" +
           d.facility + R"(","HO_TEN":")" + d.name + R"(","NGAY_SINH":")" + d.birth + R"(","GIOI_TINH":")" + d.sex +
           R"(","DIA_CHI":"Hà Nội","MA_THE_BHYT":")" + d.card + R"(","NGAY_VAO":")" + d.admitted +
           R"(","NGAY_RA":")" + d.discharged + R"(","NGAY_HEN_KL":")" + std::string(due) +
           R"(","CHAN_DOAN_RV":"Viêm họng","MA_BENH_CHINH":")" + d.icd +
           R"(","MA_DOITUONG_KCB":"1.1","MA_BAC_SI":"000123/HNO-CCHN","MA_TTDV":"0100123456","NGAY_CT":")" +
           d.discharged.substr(0, 8) + R"("})";
}

// A referral paper from Doc's facility to `to`.
inline std::string referral(const Doc& d, std::string_view paper, std::string_view to) {
    return R"(,"XML13":{"MA_LK":")" + d.ma_lk + R"(","SO_HOSO":"HS000001","SO_CHUYENTUYEN":"17","GIAY_CHUYEN_TUYEN":")" +
           std::string(paper) + R"(","MA_CSKCB":")" + d.facility + R"(","MA_CSKCB_DI":")" + d.facility +
           R"(","MA_CSKCB_DEN":")" + std::string(to) + R"(","HO_TEN":")" + d.name + R"(","NGAY_SINH":")" + d.birth +
           R"(","GIOI_TINH":")" + d.sex + R"(","MA_QUOCTICH":"000","MA_DANTOC":"01","MA_NGHE_NGHIEP":"00000",)" +
           R"("DIA_CHI":"Hà Nội","MA_THE_BHYT":")" + d.card + R"(","NGAY_VAO":")" + d.admitted + R"(","NGAY_RA":")" +
           d.discharged + R"(","DAU_HIEU_LS":"Sốt cao","CHAN_DOAN_RV":"Viêm phổi","QT_BENHLY":"Sốt 3 ngày",)" +
           R"("TOMTAT_KQ":"X-quang: tổn thương phổi phải","MA_BENH_CHINH":")" + d.icd +
           R"(","MA_LOAI_RV":"2","MA_LYDO_CT":"2","HUONG_DIEU_TRI":"Điều trị nội trú","PHUONGTIEN_VC":"Xe cứu thương",)" +
           R"("MA_BAC_SI":"000123/HNO-CCHN","MA_TTDV":"0100123456","TINH_TRANG_CT":"Ổn định"})";
}

}  // namespace ehb::test
