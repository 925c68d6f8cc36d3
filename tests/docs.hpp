// Small valid episode documents for tests, with the fields a test varies.
#pragma once

#include <string>

namespace ehb::test {

struct Doc {
    std::string facility = "01001";
    std::string ma_lk = "LK0001";
    std::string citizen = "001090012345";  // Hà Nội, male, born 1990
    std::string card = "DN4010123456789";
    std::string name = "Nguyễn Văn An";
    std::string birth = "199005150000";
    std::string sex = "1";
    std::string admitted = "202501100800";
    std::string discharged = "202501101000";
    std::string icd = "J06.9";
    std::string extra;  // raw members appended to XML1, e.g. ,"GHI_CHU":"x"
    std::string tables; // raw members appended after XML1, e.g. ,"XML2":[...]

    std::string json() const {
        return "{\"XML1\":{\"MA_LK\":\"" + ma_lk + "\",\"STT\":1,\"MA_BN\":\"BN" + ma_lk + "\",\"HO_TEN\":\"" + name +
               "\",\"SO_CCCD\":\"" + citizen + "\",\"NGAY_SINH\":\"" + birth + "\",\"GIOI_TINH\":" + sex +
               ",\"MA_THE_BHYT\":\"" + card + "\",\"MATINH_CU_TRU\":\"01\",\"MA_CSKCB\":\"" + facility +
               "\",\"NGAY_VAO\":\"" + admitted + "\",\"NGAY_RA\":\"" + discharged +
               "\",\"MA_LOAI_KCB\":\"01\",\"MA_BENH_CHINH\":\"" + icd +
               "\",\"KET_QUA_DTRI\":1,\"MA_LOAI_RV\":1,\"T_TONGCHI_BV\":150000.5" + extra + "}" + tables + "}";
    }
};

}  // namespace ehb::test
