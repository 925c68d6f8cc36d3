// The tables other than XML1's own rules (engine/tables.hpp): generations and
// their field names, number fields, the field-by-field rules of XML0, XML2,
// XML4, XML7, XML8, XML13, XML14, the check-in and the vaccination record,
// and the whole generated workload under these rules.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <utility>
#include <vector>

#include "engine/tables.hpp"
#include "engine/validate.hpp"
#include "tools/workload/generator.hpp"

namespace ehb {
namespace {

// ---------------------------------------------------------------------------
// Documents as ordered members holding raw JSON values.

std::string q(std::string_view s) {
    std::string r = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') r += '\\';
        r += c;
    }
    return r + "\"";
}

struct Obj {
    std::vector<std::pair<std::string, std::string>> m;

    Obj& raw(const std::string& key, std::string json) {
        for (auto& [k, v] : m)
            if (k == key) {
                v = std::move(json);
                return *this;
            }
        m.emplace_back(key, std::move(json));
        return *this;
    }
    Obj& s(const std::string& key, std::string_view text) { return raw(key, q(text)); }
    Obj& drop(const std::string& key) {
        std::erase_if(m, [&](const auto& kv) { return kv.first == key; });
        return *this;
    }
    std::string json() const {
        std::string r = "{";
        for (const auto& [k, v] : m) {
            if (r.size() > 1) r += ',';
            r += q(k);
            r += ':';
            r += v;
        }
        return r + "}";
    }
};

std::string rows(const std::vector<Obj>& v) {
    std::string r = "[";
    for (const Obj& o : v) {
        if (r.size() > 1) r += ',';
        r += o.json();
    }
    return r + "]";
}

constexpr std::string_view kMaLk = "LK-2024-0001";

Obj xml1() {
    Obj x;
    x.s("MA_LK", kMaLk).raw("STT", "1").s("MA_BN", "BN0001").s("HO_TEN", "Trần Thị Bình");
    x.s("SO_CCCD", "079190012345").s("NGAY_SINH", "199005200000").raw("GIOI_TINH", "2");
    x.s("MA_THE_BHYT", "HC4790123456789").s("MA_BENH_CHINH", "J18.9").s("MA_NOI_DEN", "");
    x.s("NGAY_VAO", "202403150830").s("NGAY_RA", "202403181000").raw("KET_QUA_DTRI", "2");
    x.raw("MA_LOAI_RV", "1").s("MA_LOAI_KCB", "03").s("MA_CSKCB", "79001").s("MATINH_CU_TRU", "79");
    return x;
}

Obj drug(int stt) {
    Obj r;
    r.s("MA_LK", kMaLk).raw("STT", std::to_string(stt)).s("MA_THUOC", "40.773").raw("MA_NHOM", "4");
    r.s("TEN_THUOC", "Omeprazol 20mg").s("DUONG_DUNG", "1.01").raw("SO_LUONG", "10").raw("DON_GIA", "320");
    r.raw("THANH_TIEN_BV", "3200").s("NGAY_YL", "202403150930").s("NGAY_TH_YL", "202403151000");
    return r;
}

Obj lab(int stt) {
    Obj r;
    r.s("MA_LK", kMaLk).raw("STT", std::to_string(stt)).s("MA_DICH_VU", "23.0075.1494").s("MA_CHI_SO", "GLU");
    r.s("TEN_CHI_SO", "Glucose").s("GIA_TRI", "5.6").s("DON_VI_DO", "mmol/L").s("NGAY_KQ", "202403151100");
    r.s("MA_BS_DOC_KQ", "000456/HCM-CCHN");
    return r;
}

Obj discharge_paper() {
    Obj r;
    r.s("MA_LK", kMaLk).s("SO_LUU_TRU", "BA-0001").s("MA_YTE", "BN0001").s("MA_KHOA_RV", "K03");
    r.s("NGAY_VAO", "202403150830").s("NGAY_RA", "202403181000").s("CHAN_DOAN_RV", "Viêm phổi");
    r.s("PP_DIEUTRI", "Nội khoa").s("MA_TTDV", "7900123456").s("NGAY_CT", "20240318");
    return r;
}

Obj summary() {
    Obj r;
    r.s("MA_LK", kMaLk).s("MA_LOAI_KCB", "03").s("NGAY_VAO", "202403150830").s("NGAY_RA", "202403181000");
    r.s("QT_BENHLY", "Sốt, ho 5 ngày").raw("KET_QUA_DTRI", "2").s("NGAY_CT", "20240318");
    return r;
}

// A referral in QĐ 4750 names (MA_NOI_DI / MA_NOI_DEN).
Obj referral() {
    Obj r;
    r.s("MA_LK", kMaLk).s("SO_HOSO", "HS000001").s("SO_CHUYENTUYEN", "15").s("GIAY_CHUYEN_TUYEN", "15/2024/GCT");
    r.s("MA_CSKCB", "79001").s("MA_NOI_DI", "79001").s("MA_NOI_DEN", "79010").s("HO_TEN", "Trần Thị Bình");
    r.s("NGAY_SINH", "199005200000").raw("GIOI_TINH", "2").s("MA_BENH_CHINH", "J18.9").raw("MA_LOAI_RV", "2");
    r.raw("MA_LYDO_CT", "2").s("HUONG_DIEU_TRI", "Điều trị tiếp tại tuyến trên");
    return r;
}

Obj appointment() {
    Obj r;
    r.s("MA_LK", kMaLk).s("SO_GIAYHEN_KL", "GH000001").s("MA_CSKCB", "79001").s("HO_TEN", "Trần Thị Bình");
    r.s("NGAY_SINH", "199005200000").raw("GIOI_TINH", "2").s("NGAY_HEN_KL", "202403250800");
    r.s("MA_BENH_CHINH", "J18.9").s("NGAY_CT", "20240318");
    return r;
}

Obj checkin() {
    Obj r;
    r.s("MA_LK", kMaLk).raw("STT", "1").s("MA_BN", "BN0001").s("HO_TEN", "Trần Thị Bình");
    r.s("SO_CCCD", "079190012345").s("NGAY_SINH", "199005200000").raw("GIOI_TINH", "2");
    r.s("MA_THE_BHYT", "HC4790123456789").s("MA_DOITUONG_KCB", "1.1").s("NGAY_VAO", "202403150830");
    r.s("MA_LOAI_KCB", "01").s("MA_CSKCB", "79001").s("MA_DICH_VU", "02.1896").s("TEN_DICH_VU", "Khám Nội");
    r.s("NGAY_YL", "202403150840");
    return r;
}

Obj dose() {
    Obj r;
    r.s("HE_THONG_NGUON", "tcmr.moh").s("MA_BAN_GHI", "R-000123").s("MA_VACCINE", "VX-HBV");
    r.s("TEN_VACCINE", "Viêm gan B").raw("MUI_THU", "2").s("NGAY_TIEM", "20240310").s("MA_CSKCB", "01001");
    r.s("SO_LO", "L2301").s("HO_TEN", "Lê Minh Khang").s("NGAY_SINH", "202301150000").raw("GIOI_TINH", "1");
    r.s("SO_CCCD", "001223012345");
    return r;
}

struct Doc {
    Obj x1 = xml1();
    std::vector<std::pair<std::string, std::string>> tables;  // after XML1, raw JSON

    Doc& with(const std::string& key, std::string json) {
        tables.emplace_back(key, std::move(json));
        return *this;
    }
    std::string json() const {
        Obj top;
        top.raw("XML1", x1.json());
        for (const auto& [k, v] : tables) top.raw(k, v);
        return top.json();
    }
};

// What the parser does: generation, XML1 under its stored names, then the tables.
struct Result {
    bool ok = false;
    Generation generation = Generation::qd130;
    ParsedRecord rec;
    Issue err;
};

Result run_episode(simdjson::dom::parser& parser, const std::string& json) {
    Result r;
    simdjson::dom::object top;
    if (parser.parse(json).get(top) != simdjson::SUCCESS) {
        r.err.code = "E_JSON";
        return r;
    }
    r.generation = detect_generation(top);
    Xml1Fields x1;
    x1.reset();
    simdjson::dom::object fields;
    if (top["XML1"].get(fields) == simdjson::SUCCESS)
        for (auto kv : fields) {
            const int i = xml1_field_index(current_field_name(r.generation, "XML1", kv.key));
            if (i >= 0) read_field_value(kv.value, x1.slot[static_cast<std::size_t>(i)]);
        }
    r.ok = validate_xml1(x1, r.generation, r.rec, r.err) && validate_tables(top, r.generation, r.rec, r.err);
    return r;
}

Result run(const Doc& d) {
    simdjson::dom::parser parser;
    return run_episode(parser, d.json());
}

// Runs `validate` on the only table of `json`.
template <typename F>
Result run_table(const Obj& table, F validate) {
    simdjson::dom::parser parser;
    Result r;
    simdjson::dom::object obj;
    EXPECT_EQ(parser.parse(table.json()).get(obj), simdjson::SUCCESS);
    r.ok = validate(obj, r.rec, r.err);
    return r;
}
Result run_checkin(const Obj& x0) { return run_table(x0, validate_checkin); }
Result run_vaccination(const Obj& tc) { return run_table(tc, validate_vaccination); }

#define EXPECT_FAILS(result_expr, code_, field_)                                          \
    [&] {                                                                                 \
        const Result r_ = (result_expr);                                                  \
        EXPECT_FALSE(r_.ok) << "accepted; expected " << (code_) << " at " << (field_);   \
        EXPECT_EQ(r_.err.code, code_) << r_.err.field << ": " << r_.err.reason;           \
        EXPECT_EQ(r_.err.field, field_) << r_.err.code << ": " << r_.err.reason;          \
        EXPECT_FALSE(r_.err.reason.empty());                                              \
        return r_.err;                                                                    \
    }()

#define EXPECT_PASSES(result_expr)                                                        \
    [&] {                                                                                 \
        const Result r_ = (result_expr);                                                  \
        EXPECT_TRUE(r_.ok) << r_.err.code << " " << r_.err.field << ": " << r_.err.reason; \
        return r_;                                                                        \
    }()

std::vector<std::string> warnings(const ParsedRecord& r) {
    std::vector<std::string> v;
    for (const Issue& w : r.warnings) v.push_back(w.code + "@" + w.field);
    return v;
}

using Strings = std::vector<std::string>;

Doc with_drugs(std::vector<Obj> v) { return Doc{}.with("XML2", rows(v)); }
Doc with_labs(std::vector<Obj> v) { return Doc{}.with("XML4", rows(v)); }
Doc with_object(const std::string& key, const Obj& o) { return Doc{}.with(key, o.json()); }
Doc referred(const Obj& x13) {
    Doc d;
    d.x1.raw("MA_LOAI_RV", "2").s("MA_NOI_DEN", "79010");
    return d.with("XML13", x13.json());
}

// ---------------------------------------------------------------------------
// Generations and names.

Generation generation_of(const std::string& json) {
    simdjson::dom::parser parser;
    simdjson::dom::object top;
    EXPECT_EQ(parser.parse(json).get(top), simdjson::SUCCESS);
    return detect_generation(top);
}

TEST(Generations, Detected) {
    EXPECT_EQ(generation_of(Doc{}.json()), Generation::qd130);
    EXPECT_EQ(generation_of(R"({"XML1":{"MA_THE":"HC4790123456789","MA_BENH":"J18.9"}})"), Generation::qd4210);
    EXPECT_EQ(generation_of(R"({"XML1":{"TINH_TRANG_RV":1}})"), Generation::qd4210);
    // A mix of 4210 and 130 names is 130: its 4210 names are unknown fields.
    EXPECT_EQ(generation_of(R"({"XML1":{"MA_THE":"x","MA_BENH_CHINH":"J18.9"}})"), Generation::qd130);
    EXPECT_EQ(generation_of(R"({"XML1":{"T_TONGCHI":1,"MA_THE_BHYT":""}})"), Generation::qd130);
    EXPECT_EQ(generation_of(referred(referral().drop("MA_NOI_DEN").s("MA_CSKCB_DEN", "79010")).json()),
              Generation::qd3176);
    EXPECT_EQ(generation_of(referred(referral().s("TINH_TRANG_CT", "Ổn định")).json()), Generation::qd3176);
    EXPECT_EQ(generation_of(referred(referral()).json()), Generation::qd130);
    EXPECT_EQ(generation_of(R"({"XML0":{"MA_LK":"x"}})"), Generation::qd130);
    EXPECT_EQ(generation_name(Generation::qd4210), "4210");
    EXPECT_EQ(generation_name(Generation::qd130), "130/4750");
    EXPECT_EQ(generation_name(Generation::qd3176), "3176");
}

TEST(Generations, StoredNames) {
    const Generation g4210 = Generation::qd4210, g130 = Generation::qd130, g3176 = Generation::qd3176;
    for (auto [old_name, stored] : std::vector<std::pair<std::string_view, std::string_view>>{
             {"MA_THE", "MA_THE_BHYT"},
             {"MA_BENH", "MA_BENH_CHINH"},
             {"MA_BENHKHAC", "MA_BENH_KT"},
             {"TEN_BENH", "CHAN_DOAN_RV"},
             {"TINH_TRANG_RV", "MA_LOAI_RV"},
             {"MIEN_CUNG_CT", "NGAY_MIEN_CCT"}}) {
        EXPECT_EQ(current_field_name(g4210, "XML1", old_name), stored);
        EXPECT_EQ(former_field_name(g4210, "XML1", stored), old_name);
        EXPECT_EQ(current_field_name(g130, "XML1", old_name), old_name);  // only 4210 renames them
    }
    // Other meanings keep their names.
    for (std::string_view kept : {"MA_LYDO_VVIEN", "MA_NOI_CHUYEN", "T_TONGCHI", "HO_TEN", "NGAY_VAO"})
        EXPECT_EQ(current_field_name(g4210, "XML1", kept), kept);
    EXPECT_EQ(current_field_name(g4210, "XML2", "TYLE_TT"), "TYLE_TT_BH");
    EXPECT_EQ(current_field_name(g4210, "XML3", "TYLE_TT"), "TYLE_TT");
    EXPECT_EQ(current_field_name(g4210, "XML4", "MA_DICH_VU"), "MA_DICH_VU");
    EXPECT_EQ(current_field_name(g4210, "XML5", "DIEN_BIEN"), "DIEN_BIEN_LS");
    EXPECT_EQ(current_field_name(g130, "XML13", "MA_NOI_DI"), "MA_CSKCB_DI");
    EXPECT_EQ(current_field_name(g130, "XML13", "MA_NOI_DEN"), "MA_CSKCB_DEN");
    EXPECT_EQ(current_field_name(g130, "XML1", "MA_NOI_DEN"), "MA_NOI_DEN");
    EXPECT_EQ(current_field_name(g3176, "XML13", "MA_NOI_DEN"), "MA_NOI_DEN");
    EXPECT_EQ(current_field_name(g3176, "XML13", "MA_CSKCB_DEN"), "MA_CSKCB_DEN");
    EXPECT_EQ(former_field_name(g130, "XML13", "MA_CSKCB_DEN"), "MA_NOI_DEN");
    EXPECT_EQ(former_field_name(g3176, "XML13", "MA_CSKCB_DEN"), "MA_CSKCB_DEN");
}

Doc doc_4210() {
    Doc d;
    d.x1 = Obj{};
    d.x1.s("MA_LK", kMaLk).raw("STT", "1").s("MA_BN", "BN0001").s("HO_TEN", "Trần Thị Bình");
    d.x1.s("NGAY_SINH", "19900520").raw("GIOI_TINH", "2").s("MA_THE", "HC4790123456789;HC4790123456789");
    d.x1.s("TEN_BENH", "Viêm phổi").s("MA_BENH", "J18.9").s("MA_BENHKHAC", "I10").raw("MA_LYDO_VVIEN", "1");
    d.x1.s("MA_NOI_CHUYEN", "79010").s("NGAY_VAO", "201803150830").s("NGAY_RA", "201803181000");
    d.x1.raw("KET_QUA_DTRI", "2").raw("TINH_TRANG_RV", "2").raw("T_TONGCHI", "1520000").raw("MA_LOAI_KCB", "3");
    d.x1.s("MA_CSKCB", "79001").raw("CAN_NANG", "52.5");
    return d;
}

TEST(Generations, Xml1Of4210) {
    const Result r = EXPECT_PASSES(run(doc_4210()));
    EXPECT_EQ(r.generation, Generation::qd4210);
    EXPECT_EQ(r.rec.ids.si_codes, Strings{"0123456789"});  // from MA_THE
    EXPECT_TRUE(r.rec.ids.citizen.empty());                // 4210 had no SO_CCCD
    EXPECT_TRUE(r.rec.warnings.empty()) << warnings(r.rec).front();
    EXPECT_EQ(r.rec.admitted, 201803150830u);

    // MA_LOAI_KCB is a number 1-3 ("01" reads as 1); no MA_NOI_DEN in 4210, so a transfer needs none.
    Doc d = doc_4210();
    d.x1.s("MA_LOAI_KCB", "01");
    EXPECT_PASSES(run(d));
    d.x1.raw("MA_LOAI_KCB", "4");
    EXPECT_FAILS(run(d), "E_CODE", "XML1.MA_LOAI_KCB");

    // Errors name the stored field and the name the sender used.
    d = doc_4210();
    d.x1.raw("TINH_TRANG_RV", "5");  // 4210 had four discharge types
    Issue e = EXPECT_FAILS(run(d), "E_CODE", "XML1.MA_LOAI_RV");
    EXPECT_NE(e.reason.find("(TINH_TRANG_RV in QĐ 4210)"), std::string::npos) << e.reason;
    d = doc_4210();
    d.x1.s("MA_THE", "HC479012345678");
    e = EXPECT_FAILS(run(d), "E_CARD", "XML1.MA_THE_BHYT");
    EXPECT_NE(e.reason.find("(MA_THE in QĐ 4210)"), std::string::npos) << e.reason;
    d = doc_4210();
    d.x1.drop("MA_BENH");
    EXPECT_FAILS(run(d), "E_REQUIRED", "XML1.MA_BENH_CHINH");
}

TEST(Generations, NumberFields) {
    for (auto [table, field] : std::vector<std::pair<std::string_view, std::string_view>>{
             {"XML0", "STT"},        {"XML0", "GIOI_TINH"},  {"XML1", "T_THUOC"},      {"XML1", "MA_LOAI_RV"},
             {"XML1", "T_TONGCHI"},  {"XML2", "SO_LUONG"},   {"XML2", "DON_GIA"},      {"XML2", "MUC_HUONG"},
             {"XML2", "T_NGUONKHAC_CL"}, {"XML3", "DON_GIA_BH"}, {"XML3", "TYLE_TT_DV"}, {"XML4", "STT"},
             {"XML7", "TUOI_THAI"},  {"XML8", "KET_QUA_DTRI"}, {"XML9", "CAN_NANG_CON"}, {"XML13", "MA_LYDO_CT"},
             {"XML13", "GIOI_TINH"}, {"XML13", "MA_LOAI_RV"}, {"XML14", "GIOI_TINH"}, {"XML15", "STT"},
             {"TIEM_CHUNG", "MUI_THU"}})
        EXPECT_TRUE(is_numeric_field(table, field)) << table << "." << field;
    // Codes keep their leading zeros: never numbers.
    for (auto [table, field] : std::vector<std::pair<std::string_view, std::string_view>>{
             {"XML1", "MA_LOAI_KCB"}, {"XML1", "MA_CSKCB"},   {"XML1", "SO_CCCD"},   {"XML1", "MA_DANTOC"},
             {"XML0", "MA_LOAI_KCB"}, {"XML2", "MA_THUOC"},   {"XML2", "DUONG_DUNG"}, {"XML4", "GIA_TRI"},
             {"XML9", "MAHUYEN_CU_TRU"}, {"XML13", "MA_CSKCB_DEN"}, {"XML14", "NGAY_HEN_KL"},
             {"TIEM_CHUNG", "MA_VACCINE"}, {"XML12", "STT"}, {"XML99", "STT"}, {"XML4", "NOT_A_FIELD"}})
        EXPECT_FALSE(is_numeric_field(table, field)) << table << "." << field;
}

// ---------------------------------------------------------------------------
// XML2.

TEST(Xml2, ValidRowsPass) { EXPECT_PASSES(run(with_drugs({drug(1), drug(2)}))); }

TEST(Xml2, Rules) {
    EXPECT_FAILS(run(with_drugs({drug(1), drug(2).drop("MA_THUOC")})), "E_REQUIRED", "XML2[1].MA_THUOC");
    for (const char* f : {"TEN_THUOC", "SO_LUONG", "NGAY_YL"}) {
        SCOPED_TRACE(f);
        EXPECT_FAILS(run(with_drugs({drug(1).raw(f, "null")})), "E_REQUIRED", std::string("XML2[0].") + f);
    }
    EXPECT_FAILS(run(with_drugs({drug(1).s("SO_LUONG", "10 viên")})), "E_TYPE", "XML2[0].SO_LUONG");
    EXPECT_FAILS(run(with_drugs({drug(1).raw("TEN_THUOC", "5")})), "E_TYPE", "XML2[0].TEN_THUOC");
    EXPECT_PASSES(run(with_drugs({drug(1).s("SO_LUONG", "10.500").s("MA_NHOM", "4")})));
    EXPECT_FAILS(run(with_drugs({drug(1).s("DUONG_DUNG", "1.011")})), "E_LENGTH", "XML2[0].DUONG_DUNG");
    EXPECT_FAILS(run(with_drugs({drug(1).s("TEN_THUOC", std::string(1025, 'x'))})), "E_LENGTH", "XML2[0].TEN_THUOC");
    EXPECT_FAILS(run(with_drugs({drug(1).s("NGAY_YL", "202402300930")})), "E_DATE", "XML2[0].NGAY_YL");
    EXPECT_FAILS(run(with_drugs({drug(1).s("NGAY_TH_YL", "2024031510")})), "E_DATE", "XML2[0].NGAY_TH_YL");
    // Unknown fields are kept unchecked.
    EXPECT_PASSES(run(with_drugs({drug(1).raw("THANH_TIEN", "{}").raw("TRUONG_MOI", "[1]")})));
}

// ---------------------------------------------------------------------------
// XML4.

TEST(Xml4, ValidRowsPass) {
    EXPECT_PASSES(run(with_labs({lab(1), lab(2)})));
    // A late lab: no value yet, no time needed.
    EXPECT_PASSES(run(with_labs({lab(1).s("GIA_TRI", "").drop("NGAY_KQ")})));
    EXPECT_PASSES(run(with_labs({lab(1).drop("GIA_TRI").drop("NGAY_KQ").drop("MA_BS_DOC_KQ")})));
}

TEST(Xml4, Rules) {
    EXPECT_FAILS(run(with_labs({lab(1), lab(2).drop("NGAY_KQ")})), "E_REQUIRED", "XML4[1].NGAY_KQ");
    EXPECT_FAILS(run(with_labs({lab(1).s("MA_DICH_VU", "")})), "E_REQUIRED", "XML4[0].MA_DICH_VU");
    EXPECT_FAILS(run(with_labs({lab(1).raw("GIA_TRI", "5.6")})), "E_TYPE", "XML4[0].GIA_TRI");
    EXPECT_FAILS(run(with_labs({lab(1).s("GIA_TRI", std::string(51, '9'))})), "E_LENGTH", "XML4[0].GIA_TRI");
    EXPECT_FAILS(run(with_labs({lab(1).s("NGAY_KQ", "202403151160")})), "E_DATE", "XML4[0].NGAY_KQ");
    // Within [NGAY_VAO, NGAY_RA + 60 days].
    EXPECT_FAILS(run(with_labs({lab(1).s("NGAY_KQ", "202403150829")})), "E_DATE_ORDER", "XML4[0].NGAY_KQ");
    EXPECT_PASSES(run(with_labs({lab(1).s("NGAY_KQ", "202405171000")})));  // 18 March + 60 days
    const Issue e = EXPECT_FAILS(run(with_labs({lab(1).s("NGAY_KQ", "202405171001")})), "E_DATE_ORDER",
                                 "XML4[0].NGAY_KQ");
    EXPECT_NE(e.reason.find("60 days"), std::string::npos) << e.reason;
}

TEST(Xml4, ServiceCodeLengthByGeneration) {
    const std::string code16 = "23.0075.1494.K01";
    EXPECT_FAILS(run(with_labs({lab(1).s("MA_DICH_VU", code16)})), "E_LENGTH", "XML4[0].MA_DICH_VU");
    // QĐ 3176 (told by its XML13) allows 20.
    Doc d = referred(referral().drop("MA_NOI_DEN").s("MA_CSKCB_DEN", "79010"));
    d.with("XML4", rows({lab(1).s("MA_DICH_VU", code16)}));
    EXPECT_EQ(EXPECT_PASSES(run(d)).generation, Generation::qd3176);
    d.tables.back().second = rows({lab(1).s("MA_DICH_VU", code16 + "12345")});
    EXPECT_FAILS(run(d), "E_LENGTH", "XML4[0].MA_DICH_VU");
}

// ---------------------------------------------------------------------------
// XML7 and XML8.

TEST(Xml7, Rules) {
    EXPECT_PASSES(run(with_object("XML7", discharge_paper())));
    EXPECT_FAILS(run(with_object("XML7", discharge_paper().drop("SO_LUU_TRU"))), "E_REQUIRED", "XML7.SO_LUU_TRU");
    EXPECT_FAILS(run(with_object("XML7", discharge_paper().s("NGAY_CT", ""))), "E_REQUIRED", "XML7.NGAY_CT");
    EXPECT_FAILS(run(with_object("XML7", discharge_paper().s("NGAY_CT", "2024-03-18"))), "E_DATE", "XML7.NGAY_CT");
    EXPECT_FAILS(run(with_object("XML7", discharge_paper().s("MA_TTDV", "79001234567"))), "E_LENGTH", "XML7.MA_TTDV");
    EXPECT_FAILS(run(with_object("XML7", discharge_paper().s("NGAY_RA", "202403150800"))), "E_DATE_ORDER",
                 "XML7.NGAY_RA");
    // A termination of pregnancy states cause, time and week (1-42).
    Obj ended = discharge_paper().raw("MA_DINH_CHI_THAI", "1");
    EXPECT_FAILS(run(with_object("XML7", ended)), "E_REQUIRED", "XML7.NGUYENNHAN_DINHCHI");
    ended.s("NGUYENNHAN_DINHCHI", "Thai lưu").s("THOIGIAN_DINHCHI", "202403161000");
    EXPECT_FAILS(run(with_object("XML7", ended)), "E_REQUIRED", "XML7.TUOI_THAI");
    EXPECT_PASSES(run(with_object("XML7", ended.raw("TUOI_THAI", "12"))));
    EXPECT_FAILS(run(with_object("XML7", ended.raw("TUOI_THAI", "43"))), "E_CODE", "XML7.TUOI_THAI");
    EXPECT_FAILS(run(with_object("XML7", discharge_paper().raw("MA_DINH_CHI_THAI", "2"))), "E_CODE",
                 "XML7.MA_DINH_CHI_THAI");
    // Leave: all three or none, in order.
    Obj leave = discharge_paper().raw("SO_NGAY_NGHI", "5");
    EXPECT_FAILS(run(with_object("XML7", leave)), "E_REQUIRED", "XML7.NGOAITRU_TUNGAY");
    leave.s("NGOAITRU_TUNGAY", "20240319").s("NGOAITRU_DENNGAY", "20240323");
    EXPECT_PASSES(run(with_object("XML7", leave)));
    EXPECT_FAILS(run(with_object("XML7", leave.s("NGOAITRU_DENNGAY", "20240318"))), "E_DATE_ORDER",
                 "XML7.NGOAITRU_DENNGAY");
}

TEST(Xml8, Rules) {
    EXPECT_PASSES(run(with_object("XML8", summary())));
    EXPECT_FAILS(run(with_object("XML8", summary().drop("NGAY_VAO"))), "E_REQUIRED", "XML8.NGAY_VAO");
    EXPECT_FAILS(run(with_object("XML8", summary().s("MA_LOAI_KCB", "3"))), "E_CODE", "XML8.MA_LOAI_KCB");
    EXPECT_FAILS(run(with_object("XML8", summary().raw("MA_LOAI_KCB", "3"))), "E_TYPE", "XML8.MA_LOAI_KCB");
    EXPECT_FAILS(run(with_object("XML8", summary().raw("KET_QUA_DTRI", "9"))), "E_CODE", "XML8.KET_QUA_DTRI");
    EXPECT_FAILS(run(with_object("XML8", summary().s("NGAY_RA", "202403140000"))), "E_DATE_ORDER", "XML8.NGAY_RA");
    EXPECT_FAILS(run(with_object("XML8", summary().s("NGAY_SINHCON", "20240316").s("NGAY_CONCHET", "20240315"))),
                 "E_DATE_ORDER", "XML8.NGAY_CONCHET");
}

// ---------------------------------------------------------------------------
// XML13.

TEST(Xml13, Rules) {
    EXPECT_PASSES(run(referred(referral())));
    EXPECT_PASSES(run(referred(referral().drop("MA_NOI_DI").drop("MA_NOI_DEN").s("MA_CSKCB_DI", "79001")
                                   .s("MA_CSKCB_DEN", "79010").s("TINH_TRANG_CT", "Ổn định"))));
    // Only for a referral.
    Doc d = referred(referral());
    d.x1.raw("MA_LOAI_RV", "1");
    const Issue c = EXPECT_FAILS(run(d), "E_CONDITION", "XML13");
    EXPECT_NE(c.reason.find("MA_LOAI_RV is 1"), std::string::npos) << c.reason;
    // The destination is required, under the stored name whatever the sender called it.
    EXPECT_FAILS(run(referred(referral().drop("MA_NOI_DEN"))), "E_REQUIRED", "XML13.MA_CSKCB_DEN");
    const Issue bad =
        EXPECT_FAILS(run(referred(referral().s("MA_NOI_DEN", "7901"))), "E_FACILITY", "XML13.MA_CSKCB_DEN");
    EXPECT_NE(bad.reason.find("7901"), std::string::npos) << bad.reason;
    EXPECT_FAILS(run(referred(referral().drop("GIAY_CHUYEN_TUYEN"))), "E_REQUIRED", "XML13.GIAY_CHUYEN_TUYEN");
    EXPECT_FAILS(run(referred(referral().raw("MA_LYDO_CT", "4"))), "E_CODE", "XML13.MA_LYDO_CT");
    EXPECT_FAILS(run(referred(referral().s("MA_LYDO_CT", "x"))), "E_TYPE", "XML13.MA_LYDO_CT");
    EXPECT_FAILS(run(referred(referral().raw("MA_LOAI_RV", "1"))), "E_CODE", "XML13.MA_LOAI_RV");
    EXPECT_FAILS(run(referred(referral().s("MA_CSKCB", "79002"))), "E_FACILITY", "XML13.MA_CSKCB");
    EXPECT_FAILS(run(referred(referral().s("NGAY_SINH", "19900230"))), "E_DATE", "XML13.NGAY_SINH");
    EXPECT_FAILS(run(referred(referral().s("MA_BENH_CHINH", "J18.9001"))), "E_LENGTH", "XML13.MA_BENH_CHINH");
}

TEST(Xml1, ReferralNamesItsDestination) {
    Doc d;
    d.x1.raw("MA_LOAI_RV", "2");
    EXPECT_FAILS(run(d), "E_REQUIRED", "XML1.MA_NOI_DEN");
    d.x1.s("MA_NOI_DEN", "79010");
    EXPECT_PASSES(run(d));
}

// ---------------------------------------------------------------------------
// XML14.

TEST(Xml14, Rules) {
    EXPECT_PASSES(run(with_object("XML14", appointment())));
    const Issue e = EXPECT_FAILS(run(with_object("XML14", appointment().s("NGAY_HEN_KL", "202403181000"))),
                                 "E_DATE_ORDER", "XML14.NGAY_HEN_KL");
    EXPECT_NE(e.reason.find("202403181000"), std::string::npos) << e.reason;
    EXPECT_PASSES(run(with_object("XML14", appointment().s("NGAY_HEN_KL", "202403181001"))));
    EXPECT_FAILS(run(with_object("XML14", appointment().drop("SO_GIAYHEN_KL"))), "E_REQUIRED", "XML14.SO_GIAYHEN_KL");
    EXPECT_FAILS(run(with_object("XML14", appointment().s("NGAY_CT", "202403181"))), "E_DATE", "XML14.NGAY_CT");
    EXPECT_FAILS(run(with_object("XML14", appointment().s("MA_CSKCB", "01001"))), "E_FACILITY", "XML14.MA_CSKCB");
    EXPECT_FAILS(run(with_object("XML14", appointment().raw("GIOI_TINH", "4"))), "E_CODE", "XML14.GIOI_TINH");
}

// ---------------------------------------------------------------------------
// Across tables.

TEST(Tables, FirstErrorInDocumentOrder) {
    Doc d;
    d.with("XML4", rows({lab(1).drop("MA_DICH_VU")})).with("XML2", rows({drug(1).drop("MA_THUOC")}));
    EXPECT_FAILS(run(d), "E_REQUIRED", "XML4[0].MA_DICH_VU");
    // Within a row: types before required fields before lengths.
    EXPECT_FAILS(run(with_drugs({drug(1).drop("MA_THUOC").raw("SO_LUONG", "true")})), "E_TYPE", "XML2[0].SO_LUONG");
}

TEST(Tables, UncheckedTablesAndCheckInInsideAnEpisode) {
    Doc d;
    d.with("XML3", R"([{"MA_DICH_VU":5,"SO_LUONG":"x"}])").with("XML5", R"([{"STT":"a"}])").with("XML11", "{}");
    EXPECT_PASSES(run(d));
    EXPECT_PASSES(run(with_object("XML0", checkin())));
    EXPECT_FAILS(run(with_object("XML0", checkin().s("MA_CSKCB", "79002"))), "E_FACILITY", "XML0.MA_CSKCB");
    EXPECT_FAILS(run(with_object("XML0", checkin().drop("MA_BN"))), "E_REQUIRED", "XML0.MA_BN");
}

// ---------------------------------------------------------------------------
// The check-in.

TEST(Checkin, Record) {
    const Result r = EXPECT_PASSES(run_checkin(checkin()));
    EXPECT_EQ(r.rec.kind, RecordKind::checkin);
    EXPECT_EQ(r.rec.facility, "79001");
    EXPECT_EQ(r.rec.ma_lk, kMaLk);
    EXPECT_EQ(r.rec.admitted, 202403150830u);
    EXPECT_EQ(r.rec.ids.citizen, "079190012345");
    EXPECT_EQ(r.rec.ids.si_codes, Strings{"0123456789"});
    EXPECT_TRUE(r.rec.warnings.empty()) << warnings(r.rec).front();

    const Result bare = EXPECT_PASSES(run_checkin(checkin().drop("SO_CCCD").s("MA_THE_BHYT", "")));
    EXPECT_EQ(warnings(bare.rec), Strings{"W_UNIDENTIFIED@XML0.SO_CCCD"});
    const Result odd = EXPECT_PASSES(run_checkin(checkin().s("MA_CSKCB", "99001").raw("GIOI_TINH", "1")));
    EXPECT_EQ(warnings(odd.rec), (Strings{"W_PROVINCE@XML0.MA_CSKCB", "W_SEX@XML0.SO_CCCD"}));
}

TEST(Checkin, Rules) {
    EXPECT_FAILS(run_checkin(checkin().drop("MA_LK")), "E_REQUIRED", "XML0.MA_LK");
    EXPECT_FAILS(run_checkin(checkin().s("MA_CSKCB", "7900")), "E_FACILITY", "XML0.MA_CSKCB");
    EXPECT_FAILS(run_checkin(checkin().s("NGAY_VAO", "202403150860")), "E_DATE", "XML0.NGAY_VAO");
    EXPECT_FAILS(run_checkin(checkin().s("GT_THE_DEN", "20241301")), "E_DATE", "XML0.GT_THE_DEN");
    EXPECT_FAILS(run_checkin(checkin().s("NGAY_VAO_NOI_TRU", "202403150800")), "E_DATE_ORDER",
                 "XML0.NGAY_VAO_NOI_TRU");
    const Issue b = EXPECT_FAILS(run_checkin(checkin().s("NGAY_SINH", "202501010000")), "E_DATE", "XML0.NGAY_SINH");
    EXPECT_NE(b.reason.find("the year of NGAY_VAO"), std::string::npos) << b.reason;
    EXPECT_FAILS(run_checkin(checkin().s("MA_LOAI_KCB", "1")), "E_CODE", "XML0.MA_LOAI_KCB");
    EXPECT_FAILS(run_checkin(checkin().s("SO_CCCD", "07919001234")), "E_ID", "XML0.SO_CCCD");
    EXPECT_FAILS(run_checkin(checkin().s("MA_THE_BHYT", "HC6790123456789")), "E_CARD", "XML0.MA_THE_BHYT");
    EXPECT_FAILS(run_checkin(checkin().s("MA_THE_BHYT", "HC4790123456789;")), "E_LENGTH", "XML0.MA_THE_BHYT");
}

// ---------------------------------------------------------------------------
// The vaccination record.

TEST(Vaccination, Record) {
    const Result r = EXPECT_PASSES(run_vaccination(dose()));
    EXPECT_EQ(r.rec.kind, RecordKind::vaccination);
    EXPECT_EQ(r.rec.facility, kVaccinationFacility);
    EXPECT_EQ(r.rec.ma_lk, "tcmr.moh|R-000123");
    EXPECT_EQ(r.rec.admitted, 202403100000u);  // a date starts at 0000
    EXPECT_EQ(r.rec.ids.citizen, "001223012345");
    EXPECT_TRUE(r.rec.warnings.empty()) << warnings(r.rec).front();

    EXPECT_EQ(EXPECT_PASSES(run_vaccination(dose().s("NGAY_TIEM", "202403100915"))).rec.admitted, 202403100915u);
    const Obj elsewhere_dose = dose().drop("MA_CSKCB").s("NOI_TIEM", "Trạm y tế xã").s("SO_CCCD", "B1234567");
    const Result elsewhere = EXPECT_PASSES(run_vaccination(elsewhere_dose));
    EXPECT_EQ(elsewhere.rec.ids.passport, "B1234567");
    const Result anon = EXPECT_PASSES(run_vaccination(dose().drop("SO_CCCD")));
    EXPECT_EQ(warnings(anon.rec), Strings{"W_UNIDENTIFIED@TIEM_CHUNG.SO_CCCD"});
}

TEST(Vaccination, Rules) {
    EXPECT_FAILS(run_vaccination(dose().drop("MA_CSKCB")), "E_REQUIRED", "TIEM_CHUNG.MA_CSKCB");
    EXPECT_FAILS(run_vaccination(dose().drop("MA_BAN_GHI")), "E_REQUIRED", "TIEM_CHUNG.MA_BAN_GHI");
    EXPECT_FAILS(run_vaccination(dose().s("HE_THONG_NGUON", "tcmr|moh")), "E_CODE", "TIEM_CHUNG.HE_THONG_NGUON");
    EXPECT_FAILS(run_vaccination(dose().s("HE_THONG_NGUON", std::string(51, 'a'))), "E_LENGTH",
                 "TIEM_CHUNG.HE_THONG_NGUON");
    EXPECT_FAILS(run_vaccination(dose().raw("MUI_THU", "0")), "E_CODE", "TIEM_CHUNG.MUI_THU");
    EXPECT_FAILS(run_vaccination(dose().s("MUI_THU", "hai")), "E_TYPE", "TIEM_CHUNG.MUI_THU");
    EXPECT_FAILS(run_vaccination(dose().s("NGAY_TIEM", "2024031")), "E_DATE", "TIEM_CHUNG.NGAY_TIEM");
    EXPECT_FAILS(run_vaccination(dose().s("NGAY_TIEM", "202402300900")), "E_DATE", "TIEM_CHUNG.NGAY_TIEM");
    const Issue b = EXPECT_FAILS(run_vaccination(dose().s("NGAY_SINH", "20250101")), "E_DATE", "TIEM_CHUNG.NGAY_SINH");
    EXPECT_NE(b.reason.find("the year of NGAY_TIEM"), std::string::npos) << b.reason;
    EXPECT_FAILS(run_vaccination(dose().s("MA_CSKCB", "01-01")), "E_FACILITY", "TIEM_CHUNG.MA_CSKCB");
    EXPECT_FAILS(run_vaccination(dose().raw("GIOI_TINH", "0")), "E_CODE", "TIEM_CHUNG.GIOI_TINH");
    EXPECT_FAILS(run_vaccination(dose().s("MA_THE_BHYT", "TE101")), "E_CARD", "TIEM_CHUNG.MA_THE_BHYT");
}

// ---------------------------------------------------------------------------
// The generated workload: every document the generator means to be accepted
// passes XML1 and the tables; every one it means to be rejected fails.

TEST(Workload, GeneratedDocumentsKeepTheirStatus) {
    workload::Config c;
    c.citizens = 3000;
    c.episodes = 6000;
    c.seed = 7;
    workload::Generator gen(c);
    simdjson::dom::parser parser;
    std::string doc;
    uint64_t valid = 0, with_referral = 0;
    while (true) {
        const uint64_t rejected_before = gen.expected().rejected;
        if (!gen.next(doc)) break;
        const bool invalid = gen.expected().rejected > rejected_before;
        const Result r = run_episode(parser, doc);
        if (invalid) {
            EXPECT_FALSE(r.ok) << doc.substr(0, 200);
            continue;
        }
        ASSERT_TRUE(r.ok) << r.err.code << " " << r.err.field << ": " << r.err.reason << "\n" << doc;
        ++valid;
        with_referral += doc.find("\"XML13\"") != std::string::npos;
    }
    EXPECT_GT(valid, 5000u);
    EXPECT_GT(with_referral, 50u);
}

}  // namespace
}  // namespace ehb
