// FHIR R4 JSON in and out: the Bundles of tests/data/fhir read into episode
// documents with the expected values, bad Bundles give their error, and
// document → FHIR → document is exact (engine/fhir_in.hpp, engine/fhir_out.hpp).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/book.hpp"
#include "engine/canonical.hpp"
#include "engine/fhir_in.hpp"
#include "engine/fhir_out.hpp"
#include "engine/parse.hpp"
#include "tests/fhir_rules.hpp"

namespace ehb {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    EXPECT_TRUE(in) << "cannot open " << path;
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
std::string corpus(std::string_view name) {
    return read_text(std::string(EHB_TEST_DATA) + "/fhir/" + std::string(name));
}

std::string canon(std::string_view json) {
    std::string out, error;
    EXPECT_TRUE(canonicalize_json(json, out, error)) << error;
    return out;
}

std::string replaced(std::string text, std::string_view from, std::string_view to) {
    const std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

// The fields of a document, for assertions.
class Doc {
public:
    explicit Doc(std::string json) : json_(std::move(json)) {
        EXPECT_EQ(parser_.parse(json_).get(root_), simdjson::SUCCESS) << json_;
    }
    bool has(std::string_view table) const {
        element t;
        return root_[table].get(t) == simdjson::SUCCESS;
    }
    std::vector<std::string> tables() const {
        std::vector<std::string> names;
        const simdjson::dom::object top = root_.get_object().value_unsafe();
        for (auto kv : top) names.emplace_back(kv.key);
        return names;
    }
    std::size_t rows(std::string_view table) const {
        simdjson::dom::array a;
        return root_[table].get(a) == simdjson::SUCCESS ? a.size() : 0;
    }
    // A field of an object table ("" when absent); numbers as their text.
    std::string get(std::string_view table, std::string_view field) const { return text(root_[table][field]); }
    // A field of row `i` of an array table.
    std::string get(std::string_view table, std::size_t i, std::string_view field) const {
        return text(root_[table].at(i)[field]);
    }

private:
    static std::string text(simdjson::simdjson_result<element> r) {
        element v;
        if (r.get(v) != simdjson::SUCCESS) return {};
        if (v.type() == element_type::STRING) return std::string(v.get_string().value_unsafe());
        return simdjson::minify(v);
    }
    std::string json_;
    simdjson::dom::parser parser_;
    element root_;
};

// The resources of a Bundle, for assertions.
class BundleView {
public:
    explicit BundleView(const std::string& json) {
        EXPECT_EQ(parser_.parse(json).get(root_), simdjson::SUCCESS);
        simdjson::dom::array entries;
        if (root_["entry"].get(entries) != simdjson::SUCCESS) return;
        for (element e : entries) {
            std::string_view url;
            element r;
            if (e["fullUrl"].get(url) == simdjson::SUCCESS && e["resource"].get(r) == simdjson::SUCCESS)
                resources_.emplace_back(url, r);
        }
    }
    std::vector<element> of(std::string_view type) const {
        std::vector<element> out;
        for (const auto& [url, r] : resources_) {
            std::string_view t;
            if (r["resourceType"].get(t) == simdjson::SUCCESS && t == type) out.push_back(r);
        }
        return out;
    }
    element resolve(std::string_view reference) const {
        for (const auto& [url, r] : resources_)
            if (url == reference) return r;
        ADD_FAILURE() << "unresolved " << reference;
        return {};
    }
    static std::string str(simdjson::simdjson_result<element> r) {
        std::string_view s;
        return r.get(s) == simdjson::SUCCESS ? std::string(s) : std::string();
    }

private:
    simdjson::dom::parser parser_;
    element root_;
    std::vector<std::pair<std::string_view, element>> resources_;
};

struct Read {
    bool ok = false;
    std::string doc;
    Issue err;
};
Read read_bundle(std::string_view json, std::size_t max_bytes = 8u << 20) {
    FhirBundleReader reader(max_bytes);
    Read r;
    r.ok = reader.read(json, r.doc, r.err);
    return r;
}
std::string read_ok(std::string_view json) {
    const Read r = read_bundle(json);
    EXPECT_TRUE(r.ok) << r.err.code << " " << r.err.field << ": " << r.err.reason;
    return r.doc;
}

// document → Bundle → document must give the same content; the Bundle must
// follow the R4 rules and come out byte for byte the same from the result.
void expect_round_trip(const std::string& doc, std::string_view what) {
    SCOPED_TRACE(what);
    std::string bundle;
    Issue err;
    ASSERT_TRUE(record_fhir(doc, bundle, err)) << err.reason;
    EXPECT_EQ(test::fhir_violations(bundle), std::vector<std::string>()) << bundle;
    const std::string again = read_ok(bundle);
    EXPECT_EQ(canon(again), canon(doc));
    std::string bundle2;
    ASSERT_TRUE(record_fhir(again, bundle2, err)) << err.reason;
    EXPECT_EQ(bundle2, bundle);
}

constexpr std::string_view kGoodBundles[] = {"bundle_inpatient.json", "bundle_referral.json",
                                             "bundle_immunization.json", "bundle_newborn.json"};

// ---------------------------------------------------------------------------
// Reading the corpus.

TEST(FhirIn, InpatientTransaction) {
    const Doc d(read_ok(corpus("bundle_inpatient.json")));
    EXPECT_EQ(d.tables(), (std::vector<std::string>{"XML1", "XML2", "XML4", "XML14"}));
    // Patient and Coverage.
    EXPECT_EQ(d.get("XML1", "HO_TEN"), "Nguyễn Văn An");
    EXPECT_EQ(d.get("XML1", "SO_CCCD"), "001085012345");
    EXPECT_EQ(d.get("XML1", "MA_BN"), "BN123456");
    EXPECT_EQ(d.get("XML1", "NGAY_SINH"), "198503150000");
    EXPECT_EQ(d.get("XML1", "GIOI_TINH"), "1");
    EXPECT_EQ(d.get("XML1", "DIA_CHI"), "Số 1 phố Huế, phường Hai Bà Trưng, Hà Nội");
    EXPECT_EQ(d.get("XML1", "DIEN_THOAI"), "0912345678");
    EXPECT_EQ(d.get("XML1", "MA_THE_BHYT"), "DN4010123456789");
    EXPECT_EQ(d.get("XML1", "MA_DKBD"), "01001");
    EXPECT_EQ(d.get("XML1", "GT_THE_TU"), "20240101");
    EXPECT_EQ(d.get("XML1", "GT_THE_DEN"), "20241231");
    // Encounter: period.start at UTC is 08:30 in Vietnam.
    EXPECT_EQ(d.get("XML1", "MA_LK"), "01001_2024_03_BN123456_K19");
    EXPECT_EQ(d.get("XML1", "MA_CSKCB"), "01001");
    EXPECT_EQ(d.get("XML1", "NGAY_VAO"), "202403150830");
    EXPECT_EQ(d.get("XML1", "NGAY_RA"), "202403181000");
    EXPECT_EQ(d.get("XML1", "MA_LOAI_KCB"), "03");
    EXPECT_EQ(d.get("XML1", "MA_DOITUONG_KCB"), "1.1");
    EXPECT_EQ(d.get("XML1", "MA_LOAI_RV"), "1");
    EXPECT_EQ(d.get("XML1", "LY_DO_VV"), "Đau bụng vùng thượng vị");
    // Diagnoses by rank, whatever their order in Encounter.diagnosis.
    EXPECT_EQ(d.get("XML1", "MA_BENH_CHINH"), "K29.1");
    EXPECT_EQ(d.get("XML1", "CHAN_DOAN_RV"), "Viêm dạ dày cấp; Tăng huyết áp");
    EXPECT_EQ(d.get("XML1", "MA_BENH_KT"), "I10");
    // Fields with no FHIR element, from the bhyt-field extension.
    EXPECT_EQ(d.get("XML1", "KET_QUA_DTRI"), "1");
    EXPECT_EQ(d.get("XML1", "T_BHTT"), "1216000");
    EXPECT_EQ(d.get("XML1", "NGAY_VAO_NOI_TRU"), "202403150900");

    ASSERT_EQ(d.rows("XML2"), 2u);
    EXPECT_EQ(d.get("XML2", 0, "MA_LK"), "01001_2024_03_BN123456_K19");
    EXPECT_EQ(d.get("XML2", 0, "MA_THUOC"), "40.1004");
    EXPECT_EQ(d.get("XML2", 0, "TEN_THUOC"), "Omeprazol");
    EXPECT_EQ(d.get("XML2", 0, "LIEU_DUNG"), "1 viên/lần * 2 lần/ngày * 5 ngày");
    EXPECT_EQ(d.get("XML2", 0, "DUONG_DUNG"), "1.01");
    EXPECT_EQ(d.get("XML2", 0, "SO_LUONG"), "10");
    EXPECT_EQ(d.get("XML2", 0, "DON_VI_TINH"), "Viên");
    EXPECT_EQ(d.get("XML2", 0, "NGAY_YL"), "202403150930");
    EXPECT_EQ(d.get("XML2", 0, "MA_BAC_SI"), "000123/HNO-CCHN");
    EXPECT_EQ(d.get("XML2", 0, "HAM_LUONG"), "20mg");
    EXPECT_EQ(d.get("XML2", 1, "CACH_DUNG"), "Uống sau ăn");

    // Three results in two reports, in Bundle order; the late one has no value.
    ASSERT_EQ(d.rows("XML4"), 3u);
    EXPECT_EQ(d.get("XML4", 0, "MA_DICH_VU"), "23.0166.1494");
    EXPECT_EQ(d.get("XML4", 0, "MA_CHI_SO"), "GLU");
    EXPECT_EQ(d.get("XML4", 0, "TEN_CHI_SO"), "Định lượng Glucose");
    EXPECT_EQ(d.get("XML4", 0, "GIA_TRI"), "5.6");
    EXPECT_EQ(d.get("XML4", 0, "DON_VI_DO"), "mmol/L");
    EXPECT_EQ(d.get("XML4", 0, "NGAY_KQ"), "202403151100");
    EXPECT_EQ(d.get("XML4", 0, "MA_BS_DOC_KQ"), "000456/HNO-CCHN");
    EXPECT_EQ(d.get("XML4", 0, "KET_LUAN"), "Đường huyết và chức năng thận trong giới hạn bình thường");
    EXPECT_EQ(d.get("XML4", 0, "STT"), "1");
    EXPECT_EQ(d.get("XML4", 1, "GIA_TRI"), "78");
    EXPECT_EQ(d.get("XML4", 1, "NGAY_KQ"), "202403151100");
    EXPECT_EQ(d.get("XML4", 2, "MA_DICH_VU"), "24.0001.1714");
    EXPECT_EQ(d.get("XML4", 2, "GIA_TRI"), "");
    EXPECT_EQ(d.get("XML4", 2, "NGAY_KQ"), "");
    EXPECT_EQ(d.get("XML4", 2, "MO_TA"), "Mẫu gửi Viện Pasteur, chờ kết quả");

    EXPECT_EQ(d.get("XML14", "SO_GIAYHEN_KL"), "GH2024-0042");
    EXPECT_EQ(d.get("XML14", "NGAY_HEN_KL"), "202403250800");
    EXPECT_EQ(d.get("XML14", "NGAY_CT"), "20240318");
    EXPECT_EQ(d.get("XML14", "MA_CSKCB"), "01001");
    EXPECT_EQ(d.get("XML14", "MA_BENH_CHINH"), "K29.1");
    EXPECT_EQ(d.get("XML14", "MA_BENH_KT"), "I10");
    EXPECT_EQ(d.get("XML14", "MA_BAC_SI"), "000123/HNO-CCHN");
}

TEST(FhirIn, ReferralCollection) {
    const Doc d(read_ok(corpus("bundle_referral.json")));
    EXPECT_EQ(d.tables(), (std::vector<std::string>{"XML1", "XML13"}));
    EXPECT_EQ(d.get("XML1", "HO_TEN"), "Trần Thị Bình");    // family + given
    EXPECT_EQ(d.get("XML1", "NGAY_SINH"), "199000000000");  // a year only
    EXPECT_EQ(d.get("XML1", "GIOI_TINH"), "2");
    EXPECT_EQ(d.get("XML1", "MA_BN"), "BN778899");
    EXPECT_EQ(d.get("XML1", "MA_THE_BHYT"), "GD4797912345678");
    EXPECT_EQ(d.get("XML1", "MA_LOAI_KCB"), "01");  // from Encounter.class AMB
    EXPECT_EQ(d.get("XML1", "MA_LOAI_RV"), "2");    // from the HL7 disposition other-hcf
    EXPECT_EQ(d.get("XML1", "MA_NOI_DEN"), "79001");
    EXPECT_EQ(d.get("XML1", "MA_CSKCB"), "79010");
    EXPECT_EQ(d.get("XML1", "MA_BENH_CHINH"), "I21.9");
    EXPECT_EQ(d.get("XML1", "MA_BENH_KT"), "");
    EXPECT_EQ(d.get("XML13", "MA_LK"), "79010_2024_05_BN778899");
    EXPECT_EQ(d.get("XML13", "MA_CSKCB_DEN"), "79001");
    EXPECT_EQ(d.get("XML13", "GIAY_CHUYEN_TUYEN"), "CT2024/0815");
    EXPECT_EQ(d.get("XML13", "SO_HOSO"), "HS-0815");
    EXPECT_EQ(d.get("XML13", "SO_CHUYENTUYEN"), "815");
    EXPECT_EQ(d.get("XML13", "MA_BAC_SI"), "001234/HCM-CCHN");
    EXPECT_EQ(d.get("XML13", "MA_BENH_CHINH"), "I21.9");
    EXPECT_EQ(d.get("XML13", "CHAN_DOAN_RV"), "Nhồi máu cơ tim cấp");
    EXPECT_EQ(d.get("XML13", "DAU_HIEU_LS"), "Đau ngực, vã mồ hôi, huyết áp 90/60 mmHg");
    EXPECT_EQ(d.get("XML13", "TINH_TRANG_CT"), "Tỉnh, mạch nhanh, huyết áp thấp");
    EXPECT_EQ(d.get("XML13", "PHUONGTIEN_VC"), "Xe cứu thương");
}

TEST(FhirIn, Immunization) {
    const Doc d(read_ok(corpus("bundle_immunization.json")));
    EXPECT_EQ(d.tables(), std::vector<std::string>{"TIEM_CHUNG"});
    EXPECT_EQ(d.get("TIEM_CHUNG", "HE_THONG_NGUON"), "TCMR");
    EXPECT_EQ(d.get("TIEM_CHUNG", "MA_BAN_GHI"), "TCMR-2024-000123");
    EXPECT_EQ(d.get("TIEM_CHUNG", "MA_VACCINE"), "MMR");
    EXPECT_EQ(d.get("TIEM_CHUNG", "TEN_VACCINE"), "Vắc xin Sởi - Quai bị - Rubella (MMR II)");
    EXPECT_EQ(d.get("TIEM_CHUNG", "NGAY_TIEM"), "20240410");  // a date: 8 digits
    EXPECT_EQ(d.get("TIEM_CHUNG", "MUI_THU"), "1");
    EXPECT_EQ(d.get("TIEM_CHUNG", "SO_LO"), "Y012345");
    EXPECT_EQ(d.get("TIEM_CHUNG", "NHA_SAN_XUAT"), "Merck Sharp & Dohme");
    EXPECT_EQ(d.get("TIEM_CHUNG", "MA_CSKCB"), "01815");
    EXPECT_EQ(d.get("TIEM_CHUNG", "NOI_TIEM"), "Trạm Y tế phường Hai Bà Trưng, Hà Nội");
    EXPECT_EQ(d.get("TIEM_CHUNG", "GHI_CHU"), "Không có phản ứng sau tiêm 30 phút");
    EXPECT_EQ(d.get("TIEM_CHUNG", "HO_TEN"), "Phạm Minh Khôi");
    EXPECT_EQ(d.get("TIEM_CHUNG", "NGAY_SINH"), "202208100000");
    EXPECT_EQ(d.get("TIEM_CHUNG", "GIOI_TINH"), "1");
    EXPECT_EQ(d.get("TIEM_CHUNG", "SO_CCCD"), "001222004567");
    EXPECT_EQ(d.get("TIEM_CHUNG", "MA_BN"), "");  // not a field of the vaccination record
}

TEST(FhirIn, NewbornWithOnlyACard) {
    const Doc d(read_ok(corpus("bundle_newborn.json")));
    EXPECT_EQ(d.get("XML1", "SO_CCCD"), "");
    EXPECT_EQ(d.get("XML1", "MA_THE_BHYT"), "TE1010123498765");
    EXPECT_EQ(d.get("XML1", "MA_DKBD"), "01000");
    // birthTime 23:20 UTC on 31 May is 06:20 on 1 June in Vietnam.
    EXPECT_EQ(d.get("XML1", "NGAY_SINH"), "202406010620");
    EXPECT_EQ(d.get("XML1", "MA_BN"), "SS240601");
    EXPECT_EQ(d.get("XML1", "MA_BENH_CHINH"), "P59.9");
    EXPECT_EQ(d.get("XML1", "CAN_NANG"), "2.85");
}

TEST(FhirIn, EpisodeDocumentsAreAccepted) {
    EpisodeParser parser;
    for (std::string_view name : {"bundle_inpatient.json", "bundle_referral.json", "bundle_newborn.json"}) {
        SCOPED_TRACE(name);
        const std::string doc = read_ok(corpus(name));
        ParsedRecord rec;
        Issue err;
        ASSERT_TRUE(parser.parse(doc, rec, err)) << err.code << " " << err.field << ": " << err.reason;
    }
    ParsedRecord rec;
    Issue err;
    ASSERT_TRUE(parser.parse(read_ok(corpus("bundle_inpatient.json")), rec, err));
    EXPECT_EQ(rec.facility, "01001");
    EXPECT_EQ(rec.admitted, 202403150830u);
    EXPECT_EQ(rec.ids.citizen, "001085012345");
    EXPECT_EQ(rec.ids.si_codes, std::vector<std::string>{"0123456789"});
    EXPECT_TRUE(rec.warnings.empty());
}

// ---------------------------------------------------------------------------
// Errors.

struct Bad {
    std::string_view what;
    std::string json;
    std::string_view code;
    std::string_view field;
};

void expect_error(const Bad& b, std::size_t max_bytes = 8u << 20) {
    SCOPED_TRACE(b.what);
    const Read r = read_bundle(b.json, max_bytes);
    ASSERT_FALSE(r.ok) << r.doc;
    EXPECT_EQ(r.err.code, b.code) << r.err.reason;
    EXPECT_EQ(r.err.field, b.field) << r.err.reason;
    EXPECT_FALSE(r.err.reason.empty());
}

TEST(FhirIn, BadCorpusBundles) {
    expect_error(
        {"a Claim", corpus("bad_unknown_resource.json"), "E_FHIR_RESOURCE", "Bundle.entry[4].resource.resourceType"});
    expect_error({"a dangling subject", corpus("bad_dangling_reference.json"), "E_FHIR_REFERENCE",
                  "Bundle.entry[3].resource.subject.reference"});
    expect_error({"two Encounters", corpus("bad_two_encounters.json"), "E_FHIR", "Bundle.entry[3].resource"});
    expect_error({"a Patient", corpus("bad_not_bundle.json"), "E_FHIR", "Bundle.resourceType"});
}

TEST(FhirIn, Errors) {
    const std::string inpatient = corpus("bundle_inpatient.json");
    const std::string referral = corpus("bundle_referral.json");
    const std::string immunization = corpus("bundle_immunization.json");
    const Bad cases[] = {
        {"a batch", replaced(inpatient, "\"type\": \"transaction\"", "\"type\": \"batch\""), "E_FHIR", "Bundle.type"},
        {"no Patient", replaced(immunization, "\"resourceType\": \"Patient\"", "\"resourceType\": \"Organization\""),
         "E_FHIR", "Bundle.entry"},
        {"a visit and a dose",
         replaced(referral, "\"resourceType\": \"Condition\"", "\"resourceType\": \"Immunization\""), "E_FHIR",
         "Bundle.entry[5].resource"},
        {"a Condition in a vaccination",
         replaced(immunization, "\"resourceType\": \"Location\"", "\"resourceType\": \"Condition\""), "E_FHIR",
         "Bundle.entry[2].resource"},
        {"admission without a time of day",
         replaced(referral, "\"start\": \"2024-05-20T09:15:00+07:00\"", "\"start\": \"2024-05-20\""), "E_FHIR_VALUE",
         "Bundle.entry[4].resource.period.start"},
        {"no admission", replaced(referral, "\"start\": \"2024-05-20T09:15:00+07:00\",", ""), "E_FHIR",
         "Bundle.entry[4].resource.period.start"},
        {"a dateTime without zone",
         replaced(referral, "\"end\": \"2024-05-20T11:40:00+07:00\"", "\"end\": \"2024-05-20T11:40:00\""),
         "E_FHIR_VALUE", "Bundle.entry[4].resource.period.end"},
        {"a Condition the Encounter does not list",
         replaced(referral, "\"diagnosis\": [", "\"diagnosis\": [], \"x\": ["), "E_FHIR", "Bundle.entry[5].resource"},
        {"an unknown gender", replaced(referral, "\"gender\": \"female\"", "\"gender\": \"f\""), "E_FHIR_VALUE",
         "Bundle.entry[0].resource.gender"},
        {"an Encounter class with no visit type", replaced(referral, "\"code\": \"AMB\"", "\"code\": \"EMER\""),
         "E_FHIR_VALUE", "Bundle.entry[4].resource.class"},
        {"a modifier extension",
         replaced(immunization, "\"lotNumber\"",
                  "\"modifierExtension\": [{\"url\": \"x:y\", \"valueBoolean\": true}], \"lotNumber\""),
         "E_FHIR_VALUE", "Bundle.entry[3].resource.modifierExtension"},
        {"a contained reference",
         replaced(immunization, "\"patient\": {", "\"patient\": {\"reference\": \"#p\"}, \"x\": {"), "E_FHIR_REFERENCE",
         "Bundle.entry[3].resource.patient.reference"},
        {"a reference to the wrong type",
         replaced(referral, "\"reference\": \"urn:uuid:6f1c0a10-0000-4a00-8000-000000000003\"",
                  "\"reference\": \"urn:uuid:6f1c0a10-0000-4a00-8000-000000000001\""),
         "E_FHIR_REFERENCE", "Bundle.entry[4].resource.serviceProvider.reference"},
        {"a referral note that names no field",
         replaced(referral, "\"url\": \"urn:ehb:fhir:bhyt-note-field\"", "\"url\": \"urn:example:note\""),
         "E_FHIR_VALUE", "Bundle.entry[6].resource.note[0]"},
        {"a diagnosis without an ICD-10 code",
         replaced(referral, "\"http://hl7.org/fhir/sid/icd-10\"", "\"http://snomed.info/sct\""), "E_FHIR_VALUE",
         "Bundle.entry[5].resource.code"},
        {"a coded lab result", replaced(inpatient, "\"valueQuantity\"", "\"valueCodeableConcept\""), "E_FHIR_VALUE",
         "Bundle.entry[8].resource.valueCodeableConcept"},
        {"a bhyt-field value of another type", replaced(inpatient, "\"valueString\": \"1\"", "\"valueCode\": \"1\""),
         "E_FHIR_VALUE", "Bundle.entry[5].resource.extension[0].valueCode"},
        {"a field name with a bad escape",
         replaced(inpatient, "\"url\": \"urn:ehb:fhir:bhyt-field:STT\"", "\"url\": \"urn:ehb:fhir:bhyt-field:S%T\""),
         "E_FHIR_VALUE", "Bundle.entry[5].resource.extension[0].url"},
        {"a duplicate key",
         replaced(immunization, "\"lotNumber\": \"Y012345\"", "\"lotNumber\": \"A\", \"lotNumber\": \"B\""),
         "E_DUPLICATE_KEY", "Bundle.entry[3].resource.lotNumber"},
        {"a duplicate key after a dangling reference",
         replaced(replaced(immunization, "\"patient\": {", "\"patient\": {\"reference\": \"#p\"}, \"x\": {"),
                  "\"lotNumber\": \"Y012345\"", "\"lotNumber\": \"A\", \"lotNumber\": \"B\""),
         "E_DUPLICATE_KEY", "Bundle.entry[3].resource.lotNumber"},
        {"a duplicate key in a Bundle that is not one record",
         replaced(replaced(immunization, "\"resourceType\": \"Patient\"", "\"resourceType\": \"Organization\""),
                  "\"lotNumber\": \"Y012345\"", "\"lotNumber\": \"A\", \"lotNumber\": \"B\""),
         "E_DUPLICATE_KEY", "Bundle.entry[3].resource.lotNumber"},
        {"not JSON", "{\"resourceType\": \"Bundle\",", "E_JSON", ""},
        {"not UTF-8", "{\"resourceType\": \"Bundle\", \"id\": \"\xff\"}", "E_UTF8", ""},
        {"an array", "[]", "E_FHIR", ""},
    };
    for (const Bad& b : cases) expect_error(b);
    expect_error({"too large", inpatient, "E_TOO_LARGE", ""}, 1000);

    // Regression: fields of a row are looked up one by one, so their number is
    // bounded; 1,001 extensions on the Immunization is refused, not read slowly.
    std::string fields = "\"extension\": [";
    for (int i = 0; i <= 1000; ++i) {
        if (i) fields += ',';
        fields += "{\"url\": \"urn:ehb:fhir:bhyt-field:F";
        fields += std::to_string(i);
        fields += "\", \"valueString\": \"x\"}";
    }
    fields += "], \"lotNumber\": \"Y012345\"";
    const Read wide = read_bundle(replaced(immunization, "\"lotNumber\": \"Y012345\"", fields), 8u << 20);
    ASSERT_FALSE(wide.ok);
    EXPECT_EQ(wide.err.code, "E_FHIR_VALUE");
    EXPECT_NE(wide.err.reason.find("more than 1000 fields"), std::string::npos) << wide.err.reason;
}

TEST(FhirIn, ReadsAReferenceByTypeAndId) {
    // Relative references name the entry's type and id.
    std::string bundle = corpus("bundle_immunization.json");
    bundle = replaced(bundle, "\"reference\": \"urn:uuid:6f1c0a10-0000-4a00-8000-000000000001\"",
                      "\"reference\": \"Patient/child-1\"");
    bundle = replaced(bundle, "\"resourceType\": \"Patient\",", "\"resourceType\": \"Patient\", \"id\": \"child-1\",");
    const Doc d(read_ok(bundle));
    EXPECT_EQ(d.get("TIEM_CHUNG", "HO_TEN"), "Phạm Minh Khôi");
}

TEST(FhirIn, LooksLikeAResource) {
    for (std::string_view name : kGoodBundles) EXPECT_TRUE(looks_like_fhir(corpus(name))) << name;
    EXPECT_TRUE(looks_like_fhir(
        " {\"id\": \"}\\\"{\", \"meta\": {\"a\": [1, {\"b\": \"]\"}]}, \"resourceType\": \"Bundle\"}"));
    EXPECT_TRUE(looks_like_fhir("{\"resource\\u0054ype\":\"Bund\\u006ce\"}"));
    EXPECT_TRUE(looks_like_fhir(corpus("bad_not_bundle.json"))) << "a Patient: the reader says it is not a Bundle";
    EXPECT_FALSE(looks_like_fhir("{\"XML1\": {\"resourceType\": \"Bundle\"}}"));
    EXPECT_FALSE(looks_like_fhir("{\"entry\": [], \"resourceType\": 7}"));
    EXPECT_FALSE(looks_like_fhir("[{\"resourceType\": \"Bundle\"}]"));
    EXPECT_FALSE(looks_like_fhir("{\"resourceType\" \"Bundle\"}"));
    EXPECT_FALSE(looks_like_fhir(""));
}

// ---------------------------------------------------------------------------
// Round trips.

TEST(FhirRoundTrip, CorpusBundles) {
    for (std::string_view name : kGoodBundles) expect_round_trip(read_ok(corpus(name)), name);
}

// The stored form of a document, as the canonical form treats it: table
// fields that are "" or null dropped, numbers the same content as their text.
std::string stored_form(std::string_view json) {
    simdjson::dom::parser parser;
    element root;
    EXPECT_EQ(parser.parse(json.data(), json.size()).get(root), simdjson::SUCCESS);
    std::string out = "{";
    auto row = [&](const element& r) {
        out += '{';
        bool first = true;
        const simdjson::dom::object fields = r.get_object().value_unsafe();
        for (auto kv : fields) {
            if (kv.value.is_null() || (kv.value.is_string() && kv.value.get_string().value_unsafe().empty())) continue;
            out += first ? "" : ",";
            first = false;
            append_canonical_string(out, kv.key);
            out += ':';
            append_canonical_string(out, kv.value.is_string() ? std::string(kv.value.get_string().value_unsafe())
                                                              : simdjson::minify(kv.value));
        }
        out += '}';
    };
    const simdjson::dom::object top = root.get_object().value_unsafe();
    for (auto kv : top) {
        if (out.size() > 1) out += ',';
        append_canonical_string(out, kv.key);
        out += ':';
        if (kv.value.is_object()) {
            row(kv.value);
            continue;
        }
        out += '[';
        const simdjson::dom::array rows = kv.value.get_array().value_unsafe();
        for (element r : rows) {
            if (out.back() != '[') out += ',';
            row(r);
        }
        out += ']';
    }
    return canon(out + "}");
}

TEST(FhirRoundTrip, DocsExample) {
    std::string path = __FILE__;  // <repo>/tests/test_fhir.cpp
    path = path.substr(0, path.rfind("/tests/")) + "/docs/records.md";
    const std::string md = read_text(path);
    const std::size_t start = md.find("```json\n");
    ASSERT_NE(start, std::string::npos);
    const std::size_t end = md.find("\n```", start + 8);
    const std::string doc = canon(md.substr(start + 8, end - start - 8));

    std::string bundle;
    Issue err;
    ASSERT_TRUE(record_fhir(doc, bundle, err)) << err.reason;
    EXPECT_EQ(test::fhir_violations(bundle), std::vector<std::string>()) << bundle;
    const std::string back = read_ok(bundle);
    EXPECT_EQ(stored_form(back), stored_form(doc));
    // Numbers with no FHIR element of their own keep their JSON type.
    const Doc d(back);
    EXPECT_EQ(d.get("XML1", "T_BHTT"), "1216000");
    EXPECT_NE(canon(back).find("\"T_BHTT\":1216000"), std::string::npos);
    ParsedRecord rec;
    EpisodeParser parser;
    EXPECT_TRUE(parser.parse(back, rec, err)) << err.code << " " << err.reason;
    expect_round_trip(back, "the example, once more");
}

TEST(FhirRoundTrip, CheckIn) {
    const std::string doc = canon(R"({"XML0":{"MA_LK":"LK-0815","STT":"1","MA_BN":"BN0815","HO_TEN":"Lê Văn Cường",
        "SO_CCCD":"001090012345","NGAY_SINH":"199005150000","GIOI_TINH":"1","MA_THE_BHYT":"DN4010123456789",
        "MA_DKBD":"01001","GT_THE_TU":"20250101","GT_THE_DEN":"20251231","MA_DOITUONG_KCB":"1.1",
        "NGAY_VAO":"202501100800","MA_LOAI_KCB":"01","MA_CSKCB":"01001","MA_DICH_VU":"02.1896",
        "TEN_DICH_VU":"Khám Nội","NGAY_YL":"202501100805"}})");
    expect_round_trip(doc, "check-in");
    std::string bundle;
    Issue err;
    ASSERT_TRUE(record_fhir(doc, bundle, err));
    const BundleView v(bundle);
    ASSERT_EQ(v.of("Encounter").size(), 1u);
    EXPECT_EQ(BundleView::str(v.of("Encounter")[0]["status"]), "in-progress");
    EXPECT_EQ(BundleView::str(v.of("Encounter")[0]["period"]["start"]), "2025-01-10T08:00:00+07:00");
    EXPECT_EQ(Doc(read_ok(bundle)).tables(), std::vector<std::string>{"XML0"});
}

// Values the core elements cannot hold exactly travel in extensions.
TEST(FhirRoundTrip, ValuesWithoutAnExactFhirElement) {
    const std::string doc = canon(R"({
      "XML1": {"MA_LK": "LK1", "MA_BN": "BN1", "HO_TEN": "Hoàng Thị Mai", "NGAY_SINH": "19851231",
               "GIOI_TINH": "2", "SO_CCCD": "EID-0042", "MA_THE_BHYT": "HN4010123456789;HN4010123456789",
               "MA_DKBD": "01001", "GT_THE_TU": "20240101;20240701", "GT_THE_DEN": "20240630;20241231",
               "MA_BENH_CHINH": "J18.9", "MA_BENH_KT": "I10; E11", "NGAY_VAO": "202403150830",
               "NGAY_RA": "202403181000", "KET_QUA_DTRI": 1, "MA_LOAI_RV": "01", "MA_LOAI_KCB": "03",
               "MA_CSKCB": "01001", "T_TONGCHI_BV": 150000.5, "DA_KIEM_TRA": true, "CHI_TIET": {"a": [1, "b"]}},
      "XML2": [{"MA_THUOC": "40.1004", "SO_LUONG": "10.0", "MA_LK": "LK1"}],
      "XML3": [{"MA_LK": "LK1", "STT": 1, "MA_DICH_VU": "02.1896", "TEN_DICH_VU": "Khám Nội"},
               {"MA_LK": "LK1", "STT": 2, "MA_DICH_VU": "18.0001.0001", "DON_GIA": 35000.25}],
      "XML4": [{"MA_DICH_VU": "23.0166.1494", "MA_CHI_SO": "GLU", "GIA_TRI": "5.60", "DON_VI_DO": "mmol/L",
                "KET_LUAN": "A"},
               {"MA_DICH_VU": "23.0166.1494", "MA_CHI_SO": "URE", "GIA_TRI": "007", "DON_VI_DO": "mmol/L"},
               {"MA_LK": "LK1", "GIA_TRI": "Âm tính", "NGAY_KQ": "2024"}],
      "XML7": {"MA_LK": "LK1", "SO_LUU_TRU": "RV-01"},
      "XML8": {},
      "XML12": [1, "x"],
      "XML13": {"MA_LK": "LK1"}
    })");
    expect_round_trip(doc, "odd values");

    const std::string dose = canon(R"({"TIEM_CHUNG": {"HE_THONG_NGUON": "so y te/HN", "MA_BAN_GHI": "42",
        "MA_VACCINE": "BCG", "TEN_VACCINE": "Vắc xin BCG", "MUI_THU": "01", "NGAY_TIEM": "202404100930",
        "NOI_TIEM": "Trạm Y tế xã Đông Anh", "HO_TEN": "Đỗ Gia Bảo", "NGAY_SINH": "202404080715", "GIOI_TINH": "3",
        "MA_THE_BHYT": "TE1010123400001"}})");
    expect_round_trip(dose, "a dose with a time, a dose number with a leading zero and a source with a space");
}

// A field's or table's name travels in its extension's url, percent-encoded
// where a uri needs it.
TEST(FhirRoundTrip, NamesInExtensionUrls) {
    const std::string doc = canon(R"({
      "XML1": {"MA_LK": "LK1", "MA_CSKCB": "01001", "NGAY_VAO": "202403150830", "MA_LOAI_KCB": "01",
               "Ghi chú: 100%": "x"},
      "XML3": [{"MA_LK": "LK1", "Đơn giá": 5}]
    })");
    expect_round_trip(doc, "names with a space, a colon, a percent sign and letters outside ASCII");
    std::string bundle;
    Issue err;
    ASSERT_TRUE(record_fhir(doc, bundle, err)) << err.reason;
    EXPECT_NE(bundle.find("{\"url\":\"urn:ehb:fhir:bhyt-field:Ghi%20ch%C3%BA%3A%20100%25\",\"valueString\":\"x\"}"),
              std::string::npos)
        << bundle;
    EXPECT_NE(bundle.find("{\"url\":\"urn:ehb:fhir:bhyt-table:XML3\",\"extension\":[{\"url\":\"row\""),
              std::string::npos)
        << bundle;
    EXPECT_NE(bundle.find("{\"url\":\"urn:ehb:fhir:bhyt-field:%C4%90%C6%A1n%20gi%C3%A1\",\"valueDecimal\":5}"),
              std::string::npos)
        << bundle;
}

// ---------------------------------------------------------------------------
// Writing.

TEST(FhirOut, CoreElementsOfAVisit) {
    std::string bundle;
    Issue err;
    ASSERT_TRUE(record_fhir(read_ok(corpus("bundle_inpatient.json")), bundle, err));
    const BundleView v(bundle);
    EXPECT_EQ(v.of("Patient").size(), 1u);
    EXPECT_EQ(v.of("Coverage").size(), 1u);
    EXPECT_EQ(v.of("Condition").size(), 2u);
    EXPECT_EQ(v.of("Observation").size(), 3u);
    EXPECT_EQ(v.of("DiagnosticReport").size(), 2u);
    EXPECT_EQ(v.of("MedicationRequest").size(), 2u);
    EXPECT_EQ(v.of("Appointment").size(), 1u);

    const element enc = v.of("Encounter")[0];
    EXPECT_EQ(BundleView::str(enc["class"]["code"]), "IMP");
    EXPECT_EQ(BundleView::str(enc["period"]["start"]), "2024-03-15T08:30:00+07:00");
    const element provider = v.resolve(BundleView::str(enc["serviceProvider"]["reference"]));
    EXPECT_EQ(BundleView::str(provider["identifier"].at(0)["value"]), "01001");

    const element glucose = v.of("Observation")[0];
    EXPECT_EQ(BundleView::str(glucose["status"]), "final");
    EXPECT_EQ(BundleView::str(glucose["valueQuantity"]["unit"]), "mmol/L");
    EXPECT_EQ(double(glucose["valueQuantity"]["value"]), 5.6);
    EXPECT_EQ(BundleView::str(v.of("Observation")[2]["status"]), "registered");
    EXPECT_EQ(BundleView::str(v.of("DiagnosticReport")[1]["status"]), "partial");

    const element patient = v.of("Patient")[0];
    EXPECT_EQ(BundleView::str(patient["birthDate"]), "1985-03-15");
    EXPECT_EQ(BundleView::str(patient["identifier"].at(0)["system"]),
              "http://fhir.ehealth.gov.vn/core/sid/national_id");
}

TEST(FhirOut, BirthTimeAndPartialBirthDate) {
    std::string bundle;
    Issue err;
    ASSERT_TRUE(record_fhir(read_ok(corpus("bundle_newborn.json")), bundle, err));
    const BundleView newborn(bundle);
    const element baby = newborn.of("Patient")[0];
    EXPECT_EQ(BundleView::str(baby["birthDate"]), "2024-06-01");
    EXPECT_EQ(BundleView::str(baby["_birthDate"]["extension"].at(0)["valueDateTime"]), "2024-06-01T06:20:00+07:00");
    ASSERT_TRUE(record_fhir(read_ok(corpus("bundle_referral.json")), bundle, err));
    const BundleView referral(bundle);
    EXPECT_EQ(BundleView::str(referral.of("Patient")[0]["birthDate"]), "1990");
}

TEST(FhirOut, NotARecord) {
    std::string bundle;
    Issue err;
    EXPECT_FALSE(record_fhir("{\"XML2\": []}", bundle, err));
    EXPECT_EQ(err.code, "E_FHIR");
    EXPECT_FALSE(record_fhir("not json", bundle, err));
    EXPECT_EQ(err.code, "E_FHIR");
}

TEST(FhirOut, Book) {
    Book book;
    book.root = schema::PersonKey::citizen("001085012345");
    book.filed_under = {book.root};
    for (std::string_view name : kGoodBundles) {
        BookEpisode& ep = book.episodes.emplace_back();
        ep.versions = 1;
        ep.current.canonical = canon(read_ok(corpus(name)));
    }
    const std::string out = book_fhir(book);
    EXPECT_EQ(test::fhir_violations(out), std::vector<std::string>()) << out;
    EXPECT_EQ(book_fhir(book), out);
    const BundleView v(out);
    ASSERT_EQ(v.of("Patient").size(), 1u);
    EXPECT_EQ(v.of("Encounter").size(), 3u);
    EXPECT_EQ(v.of("Immunization").size(), 1u);

    auto contains = [&](std::string_view fact) { EXPECT_NE(out.find(fact), std::string::npos) << fact; };
    for (std::string_view code : {"\"K29.1\"", "\"I10\"", "\"I21.9\"", "\"P59.9\""}) contains(code);  // diagnoses
    contains("\"value\":5.6,\"unit\":\"mmol/L\"");  // lab values, units
    contains("\"value\":78,\"unit\":\"µmol/L\"");
    for (std::string_view drug :
         {"\"40.1004\"", "\"40.1016\"", "\"1 viên/lần * 2 lần/ngày * 5 ngày\"", "\"Uống sau ăn\""})
        contains(drug);
    contains("\"start\":\"2024-03-25T08:00:00+07:00\"");  // appointment
    contains("\"MMR\"");                                  // vaccine, lot, dose
    contains("\"lotNumber\":\"Y012345\"");
    contains("\"doseNumberPositiveInt\":1");

    // The referral's destination is an Organization with the facility code.
    const std::vector<element> referrals = v.of("ServiceRequest");
    ASSERT_EQ(referrals.size(), 1u);
    const element to = v.resolve(BundleView::str(referrals[0]["performer"].at(0)["reference"]));
    EXPECT_EQ(BundleView::str(to["identifier"].at(0)["value"]), "79001");

    // The one Patient carries every record's identifiers.
    const std::string patient = simdjson::minify(v.of("Patient")[0]);
    for (std::string_view id :
         {"\"001085012345\"", "\"079190012345\"", "\"001222004567\"", "\"BN123456\"", "\"SS240601\""})
        EXPECT_NE(patient.find(id), std::string::npos) << id;
}

}  // namespace
}  // namespace ehb
