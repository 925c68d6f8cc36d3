// XmlSubmissionReader: the official XML submission file (GIAMDINHHS) into the
// episode document. The corpus in tests/data/xml holds real-looking
// submissions of each generation; their signatures are well-formed XMLDSig
// blocks with made-up values (nothing here verifies them).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "engine/parse.hpp"
#include "engine/xml_submission.hpp"

namespace ehb {
namespace {

std::string data_file(std::string_view name) {
    const std::string file = std::string(EHB_TEST_DATA) + "/xml/" + std::string(name);
    std::ifstream in(file, std::ios::binary);
    EXPECT_TRUE(in.good()) << file;
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string base64(std::string_view bytes) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
        if (i + 2 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 2]);
        out += kAlphabet[v >> 18 & 63];
        out += kAlphabet[v >> 12 & 63];
        out += i + 1 < bytes.size() ? kAlphabet[v >> 6 & 63] : '=';
        out += i + 2 < bytes.size() ? kAlphabet[v & 63] : '=';
    }
    return out;
}

// ---------------------------------------------------------------------------
// Submissions built in the test: one HOSO of FILEHOSO (LOAIHOSO, NOIDUNGFILE text).

using Files = std::vector<std::pair<std::string, std::string>>;

std::string hoso(const Files& files) {
    std::string s = "<HOSO>";
    for (const auto& [loai, content] : files) {
        s += "<FILEHOSO><LOAIHOSO>" + loai + "</LOAIHOSO><NOIDUNGFILE>" + content + "</NOIDUNGFILE></FILEHOSO>";
    }
    return s + "</HOSO>";
}

std::string envelope(std::string_view hoso_list, std::string_view count = "1", std::string_view facility = "01001",
                     std::string_view tail = "") {
    std::string s = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<GIAMDINHHS>\n  <THONGTINDONVI><MACSKCB>";
    s += facility;
    s += "</MACSKCB></THONGTINDONVI>\n  <THONGTINHOSO><NGAYLAP>20240318</NGAYLAP><SOLUONGHOSO>";
    s += count;
    s += "</SOLUONGHOSO>\n    <DANHSACHHOSO>";
    s += hoso_list;
    s += "</DANHSACHHOSO>\n  </THONGTINHOSO>\n";
    s += tail;
    return s + "</GIAMDINHHS>\n";
}

// A submission of inner documents given as XML text.
std::string submission(const Files& inner, std::string_view facility = "01001", std::string_view tail = "") {
    Files encoded;
    for (const auto& [loai, doc] : inner) encoded.emplace_back(loai, base64(doc));
    return envelope(hoso(encoded), "1", facility, tail);
}

std::string tong_hop(std::string_view fields) {
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<TONG_HOP>" + std::string(fields) + "</TONG_HOP>";
}

constexpr std::string_view kXml1 = "<MA_LK>LK1</MA_LK><MA_CSKCB>01001</MA_CSKCB>";

std::string drugs(std::string_view rows) {
    return "<CHITIEU_CHITIET_THUOC><DSACH_CHI_TIET_THUOC>" + std::string(rows) +
           "</DSACH_CHI_TIET_THUOC></CHITIEU_CHITIET_THUOC>";
}

struct Result {
    bool ok = false;
    XmlSubmission out;
    Issue error;
};

Result read(XmlSubmissionReader& reader, std::string_view xml) {
    Result r;
    r.ok = reader.read(xml, r.out, r.error);
    return r;
}

Result read(std::string_view xml) {
    XmlSubmissionReader reader;
    return read(reader, xml);
}

// The document of a successful read, parsed.
class Doc {
public:
    explicit Doc(const Result& r) {
        EXPECT_TRUE(r.ok) << r.error.code << " " << r.error.field << ": " << r.error.reason;
        json_ = r.out.document;
        EXPECT_EQ(parser_.parse(json_).get(root_), simdjson::SUCCESS) << json_;
    }

    std::string str(const char* pointer) const {
        std::string_view v;
        EXPECT_EQ(root_.at_pointer(pointer).get(v), simdjson::SUCCESS) << pointer;
        return std::string(v);
    }

    // The tables in document order: name and row count (-1 for an object table).
    std::vector<std::pair<std::string, int>> tables() const {
        std::vector<std::pair<std::string, int>> t;
        simdjson::dom::object top;
        EXPECT_EQ(root_.get(top), simdjson::SUCCESS);
        for (auto [key, value] : top) {
            simdjson::dom::array rows;
            const bool list = value.get(rows) == simdjson::SUCCESS;
            t.emplace_back(std::string(key), list ? static_cast<int>(rows.size()) : -1);
        }
        return t;
    }

private:
    std::string json_;
    simdjson::dom::parser parser_;
    simdjson::dom::element root_;
};

// ---------------------------------------------------------------------------
// The corpus.

struct GoodFile {
    const char* name;
    const char* facility;
    std::vector<std::pair<std::string, int>> tables;
};

const std::vector<GoodFile>& good_files() {
    static const std::vector<GoodFile> files = {
        {"xml130_inpatient.xml", "01001",
         {{"XML1", -1}, {"XML2", 2}, {"XML3", 3}, {"XML4", 2}, {"XML5", 2}, {"XML7", -1}, {"XML8", -1}, {"XML14", -1}}},
        {"xml3176_referral.xml", "01013", {{"XML1", -1}, {"XML4", 1}, {"XML13", -1}}},
        {"xml4210_outpatient.xml", "79001", {{"XML1", -1}, {"XML2", 2}}},
        {"xml130_multicard_newborn.xml", "01003", {{"XML1", -1}, {"XML4", 1}}},
        {"xml130_checkin.xml", "01001", {{"XML0", -1}}},
        {"xml130_referral_received.xml", "01001", {{"XML1", -1}, {"XML3", 1}}},
    };
    return files;
}

struct BadFile {
    const char* name;
    const char* code;
    const char* field;
};

const std::vector<BadFile>& bad_files() {
    static const std::vector<BadFile> files = {
        {"bad_broken.xml", "E_XML", ""},
        {"bad_base64.xml", "E_BASE64", "XML2"},
        {"bad_bomb.xml", "E_XML_DOCTYPE", ""},
        {"bad_two_hoso.xml", "E_XML_ENVELOPE", "DANHSACHHOSO.HOSO"},
        {"bad_root_tag.xml", "E_XML_ENVELOPE", "XML3"},
        {"bad_utf8.xml", "E_UTF8", "XML1"},
    };
    return files;
}

TEST(XmlCorpus, EveryGoodFileReadsIntoItsTablesInEnvelopeOrder) {
    for (const GoodFile& f : good_files()) {
        SCOPED_TRACE(f.name);
        const Result r = read(data_file(f.name));
        const Doc doc(r);
        EXPECT_EQ(r.out.facility, f.facility);
        EXPECT_EQ(doc.tables(), f.tables);
    }
}

TEST(XmlCorpus, InpatientValuesAreTheFieldTextsAsSent) {
    const Result r = read(data_file("xml130_inpatient.xml"));
    const Doc doc(r);
    // CDATA with Vietnamese text and markup characters, kept exactly.
    EXPECT_EQ(doc.str("/XML1/HO_TEN"), "Trần Thị Bình");
    EXPECT_EQ(doc.str("/XML1/CHAN_DOAN_RV"),
              "Đái tháo đường típ 2 & tăng huyết áp; glucose lúc đói < 7 mmol/L khi ra viện");
    EXPECT_EQ(doc.str("/XML5/1/DIEN_BIEN_LS"), "Glucose mao mạch < 8 mmol/L & HA 130/80 mmHg, ổn định");
    // Empty elements, <X/> and <X></X>.
    EXPECT_EQ(doc.str("/XML1/MA_LY_DO_VNT"), "");
    EXPECT_EQ(doc.str("/XML7/MA_DINH_CHI_THAI"), "");
    // Numbers stay strings; the canonical form makes them numbers.
    EXPECT_EQ(doc.str("/XML1/T_THUOC"), "23100");
    EXPECT_EQ(doc.str("/XML1/MA_CSKCB"), "01001");
    EXPECT_EQ(doc.str("/XML2/0/TEN_THUOC"), "Metformin");
    EXPECT_EQ(doc.str("/XML2/1/LIEU_DUNG"), "1 viên/lần * 1 lần/ngày * 7 ngày");
    EXPECT_EQ(doc.str("/XML4/0/MA_CHI_SO"), "GLU");
    EXPECT_EQ(doc.str("/XML4/1/MA_CHI_SO"), "HbA1c");
    EXPECT_EQ(doc.str("/XML4/1/GIA_TRI"), "8.1");
    EXPECT_EQ(doc.str("/XML14/NGAY_HEN_KL"), "202404010800");
    EXPECT_GT(doc.str("/XML14/NGAY_HEN_KL"), doc.str("/XML1/NGAY_RA"));
}

TEST(XmlCorpus, ReferralAndItsReceptionAreLinkedByTheReferralPaper) {
    const Doc sent(read(data_file("xml3176_referral.xml")));
    EXPECT_EQ(sent.str("/XML1/MA_LOAI_RV"), "2");
    EXPECT_EQ(sent.str("/XML1/MA_NOI_DEN"), "01001");
    EXPECT_EQ(sent.str("/XML13/MA_CSKCB_DI"), "01013");
    EXPECT_EQ(sent.str("/XML13/MA_CSKCB_DEN"), "01001");
    EXPECT_EQ(sent.str("/XML13/TINH_TRANG_CT"), "Bệnh nhân tỉnh, còn đau ngực, huyết động tạm ổn định");

    const Doc received(read(data_file("xml130_referral_received.xml")));
    EXPECT_EQ(received.str("/XML1/MA_NOI_DI"), sent.str("/XML1/MA_CSKCB"));
    EXPECT_EQ(received.str("/XML1/GIAY_CHUYEN_TUYEN"), sent.str("/XML13/GIAY_CHUYEN_TUYEN"));
    EXPECT_EQ(received.str("/XML1/SO_CCCD"), sent.str("/XML1/SO_CCCD"));
}

TEST(XmlCorpus, NewbornHasTwoAlignedCardsAndNoCitizenId) {
    const Doc doc(read(data_file("xml130_multicard_newborn.xml")));
    EXPECT_EQ(doc.str("/XML1/SO_CCCD"), "");
    EXPECT_EQ(doc.str("/XML1/MA_THE_BHYT"), "TE1010000004521;TE1010312345678");
    EXPECT_EQ(doc.str("/XML1/GT_THE_TU"), "20240305;20240320");
    EXPECT_EQ(doc.str("/XML1/GT_THE_DEN"), "20240319;20300304");
}

TEST(XmlCorpus, Qd4210NamesAndListRootAreKept) {
    const Doc doc(read(data_file("xml4210_outpatient.xml")));
    EXPECT_EQ(doc.str("/XML1/MA_THE"), "GD4797912345678");
    EXPECT_EQ(doc.str("/XML1/NGAY_SINH"), "19900412");
    EXPECT_EQ(doc.str("/XML1/TINH_TRANG_RV"), "1");
    EXPECT_EQ(doc.str("/XML1/MA_LOAI_KCB"), "1");
    EXPECT_EQ(doc.str("/XML2/1/TEN_THUOC"), "Paracetamol");
    EXPECT_EQ(doc.str("/XML2/1/THANH_TIEN"), "3000");
}

TEST(XmlCorpus, SignatureIsTheExactBytesOfTheInput) {
    for (const GoodFile& f : good_files()) {
        SCOPED_TRACE(f.name);
        const std::string text = data_file(f.name);
        const Result r = read(text);
        ASSERT_TRUE(r.ok) << r.error.reason;
        const std::size_t begin = text.find("<CHUKYDONVI>");
        if (begin == std::string::npos) {
            EXPECT_EQ(r.out.signature, "");
            continue;
        }
        const std::size_t end = text.find("</CHUKYDONVI>") + std::string_view("</CHUKYDONVI>").size();
        EXPECT_EQ(r.out.signature, text.substr(begin, end - begin));
    }
}

TEST(XmlCorpus, EveryBadFileGivesItsErrorCodeAndField) {
    for (const BadFile& f : bad_files()) {
        SCOPED_TRACE(f.name);
        const Result r = read(data_file(f.name));
        EXPECT_FALSE(r.ok);
        EXPECT_EQ(r.error.code, f.code) << r.error.reason;
        EXPECT_EQ(r.error.field, f.field) << r.error.reason;
        EXPECT_FALSE(r.error.reason.empty());
    }
}

TEST(XmlCorpus, BadFileReasonsNameTheProblem) {
    EXPECT_NE(read(data_file("bad_base64.xml")).error.reason.find("'-'"), std::string::npos);
    EXPECT_NE(read(data_file("bad_root_tag.xml")).error.reason.find("<CHITIEU_CHITIET_DVKT_VTYT>"), std::string::npos);
    EXPECT_NE(read(data_file("bad_broken.xml")).error.reason.find("at byte"), std::string::npos);
    EXPECT_NE(read(data_file("bad_two_hoso.xml")).error.reason.find("2 HOSO"), std::string::npos);
}

TEST(XmlCorpus, EpisodeParserAcceptsTheDocuments) {
    struct Expect {
        const char* file;
        const char* ma_lk;
        uint64_t admitted;
    };
    const Expect episodes[] = {
        {"xml130_inpatient.xml", "01001_2024_03_BN204518_K17", 202403110815},
        {"xml3176_referral.xml", "01013_2025_02_BN0781_K03", 202502100745},
        {"xml130_multicard_newborn.xml", "01003_2024_03_SS240305_K48", 202403050400},
        {"xml130_referral_received.xml", "01001_2025_02_BN211734_K02", 202502101215},
    };
    EpisodeParser parser;
    for (const Expect& x : episodes) {
        SCOPED_TRACE(x.file);
        const Result r = read(data_file(x.file));
        ASSERT_TRUE(r.ok) << r.error.reason;
        ParsedRecord record;
        Issue error;
        ASSERT_TRUE(parser.parse(r.out.document, record, error)) << error.code << " " << error.field << ": " << error.reason;
        EXPECT_EQ(record.facility, r.out.facility);
        EXPECT_EQ(record.ma_lk, x.ma_lk);
        EXPECT_EQ(record.admitted, x.admitted);
    }
    ParsedRecord inpatient;
    Issue error;
    ASSERT_TRUE(parser.parse(read(data_file("xml130_inpatient.xml")).out.document, inpatient, error));
    EXPECT_EQ(inpatient.ids.citizen, "001185012345");
    EXPECT_TRUE(inpatient.warnings.empty());

    // The parser's rules for QĐ 4210 names and for check-ins are not this
    // module's: these two only have to come out as documents.
    EXPECT_TRUE(read(data_file("xml4210_outpatient.xml")).ok);
    EXPECT_TRUE(read(data_file("xml130_checkin.xml")).ok);
}

TEST(XmlCorpus, OneReaderReadsManySubmissionsAlike) {
    std::vector<std::string> names;
    for (const GoodFile& f : good_files()) names.emplace_back(f.name);
    for (const BadFile& f : bad_files()) names.emplace_back(f.name);
    XmlSubmissionReader reader;
    for (int round = 0; round < 3; ++round) {
        for (const std::string& name : names) {
            SCOPED_TRACE(name);
            const std::string text = data_file(name);
            const Result again = read(reader, text);
            const Result fresh = read(text);
            EXPECT_EQ(again.ok, fresh.ok);
            EXPECT_EQ(again.out.document, fresh.out.document);
            EXPECT_EQ(again.out.facility, fresh.out.facility);
            EXPECT_EQ(again.out.signature, fresh.out.signature);
            EXPECT_EQ(again.error.code, fresh.error.code);
            EXPECT_EQ(again.error.field, fresh.error.field);
        }
    }
}

// ---------------------------------------------------------------------------
// Field text.

TEST(XmlFields, CdataAndCharacterDataMakeTheValue) {
    const Doc doc(read(submission({{"XML1", tong_hop(std::string(kXml1) +
                                                     "<HO_TEN>\n  <![CDATA[ Nguyễn  Văn An ]]>\n</HO_TEN>"
                                                     "<GHI_CHU>  </GHI_CHU>"
                                                     "<CHAN_DOAN_RV>Viêm &amp; <![CDATA[<cấp>]]> tính</CHAN_DOAN_RV>"
                                                     "<MA_BN>BN<!-- note -->01</MA_BN>"
                                                     "<DU_PHONG/>"
                                                     "<LY_DO_VV>\"quoted\" \\ tab\there</LY_DO_VV>")}})));
    EXPECT_EQ(doc.str("/XML1/HO_TEN"), " Nguyễn  Văn An ");
    EXPECT_EQ(doc.str("/XML1/GHI_CHU"), "  ");
    EXPECT_EQ(doc.str("/XML1/CHAN_DOAN_RV"), "Viêm & <cấp> tính");
    EXPECT_EQ(doc.str("/XML1/MA_BN"), "BN01");
    EXPECT_EQ(doc.str("/XML1/DU_PHONG"), "");
    EXPECT_EQ(doc.str("/XML1/LY_DO_VV"), "\"quoted\" \\ tab\there");
}

TEST(XmlFields, LineEndsInsideValuesAreNormalised) {
    const Doc doc(read(submission({{"XML1", tong_hop(std::string(kXml1) + "<GHI_CHU><![CDATA[a\r\nb]]></GHI_CHU>")}})));
    EXPECT_EQ(doc.str("/XML1/GHI_CHU"), "a\nb");
}

TEST(XmlFields, FieldsAreNotRenamed) {
    const Doc doc(read(submission({{"XML1", tong_hop("<MA_LK>LK1</MA_LK><MA_THE>GD4797912345678</MA_THE>")}})));
    EXPECT_EQ(doc.str("/XML1/MA_THE"), "GD4797912345678");
}

TEST(XmlFields, FieldWithChildElementsIsRefused) {
    for (const char* field : {"<HO_TEN><TEN>An</TEN></HO_TEN>", "<HO_TEN>Nguyễn <TEN>An</TEN></HO_TEN>"}) {
        SCOPED_TRACE(field);
        const Result r = read(submission({{"XML1", tong_hop(std::string("<MA_LK>LK1</MA_LK>") + field)}}));
        EXPECT_EQ(r.error.code, "E_XML_ENVELOPE");
        EXPECT_EQ(r.error.field, "XML1.HO_TEN");
        EXPECT_EQ(r.error.reason, "XML1.HO_TEN holds the element <TEN>; a field holds text only");
    }
}

TEST(XmlFields, FieldTwiceInARecordIsRefused) {
    const Result r = read(submission(
        {{"XML1", tong_hop(kXml1)},
         {"XML2", drugs("<CHI_TIET_THUOC><MA_THUOC>40.1</MA_THUOC></CHI_TIET_THUOC>"
                        "<CHI_TIET_THUOC><MA_THUOC>40.2</MA_THUOC><STT>2</STT><MA_THUOC>40.3</MA_THUOC></CHI_TIET_THUOC>")}}));
    EXPECT_EQ(r.error.code, "E_XML_ENVELOPE");
    EXPECT_EQ(r.error.field, "XML2[1].MA_THUOC");
}

TEST(XmlFields, NamesAreComparedWhole) {
    // Names alike in their first eight bytes are different fields; of
    // several repeated names, the first in byte order is named.
    const Doc doc(read(submission({{"XML1", tong_hop(std::string(kXml1) +
                                                     "<NGAY_VAO>202403180800</NGAY_VAO>"
                                                     "<NGAY_VAO_NOI_TRU>202403180900</NGAY_VAO_NOI_TRU>"
                                                     "<NGAY_VAO_NOI_TRUX>x</NGAY_VAO_NOI_TRUX>")}})));
    EXPECT_EQ(doc.str("/XML1/NGAY_VAO"), "202403180800");
    EXPECT_EQ(doc.str("/XML1/NGAY_VAO_NOI_TRU"), "202403180900");
    const Result r = read(submission({{"XML1", tong_hop(std::string(kXml1) +
                                                        "<NGAY_VAO_NOI_TRU>1</NGAY_VAO_NOI_TRU><NGAY_VAO>2</NGAY_VAO>"
                                                        "<NGAY_VAO_NOI_TRU>3</NGAY_VAO_NOI_TRU><NGAY_VAO>4</NGAY_VAO>")}}));
    EXPECT_EQ(r.error.field, "XML1.NGAY_VAO");
    EXPECT_EQ(r.error.reason, "field NGAY_VAO appears more than once in XML1");
}

TEST(XmlFields, TextBesideTheFieldsIsRefused) {
    const Result r = read(submission({{"XML1", tong_hop(kXml1)},
                                      {"XML2", drugs("<CHI_TIET_THUOC>stray<MA_THUOC>40.1</MA_THUOC></CHI_TIET_THUOC>")}}));
    EXPECT_EQ(r.error.code, "E_XML_ENVELOPE");
    EXPECT_EQ(r.error.field, "XML2[0]");
}

TEST(XmlFields, ReferenceToANonCharacterIsNotUtf8) {
    const Result r = read(submission({{"XML1", tong_hop(std::string(kXml1) + "<HO_TEN>&#xD800;</HO_TEN>")}}));
    EXPECT_EQ(r.error.code, "E_UTF8");
    EXPECT_EQ(r.error.field, "XML1");
}

TEST(XmlFields, ReferenceToACharacterXmlForbidsIsRefused) {
    // Regression: &#0; became a NUL that silently cut HO_TEN to "Trần".
    for (const char* ref : {"&#0;", "&#x0;", "&#1;", "&#xFFFE;"}) {
        SCOPED_TRACE(ref);
        const Result r = read(submission(
            {{"XML1", tong_hop(std::string(kXml1) + "<HO_TEN>Trần" + ref + "Thị Bình</HO_TEN>")}}));
        EXPECT_EQ(r.error.code, "E_XML");
        EXPECT_EQ(r.error.field, "XML1");
        EXPECT_NE(r.error.reason.find(ref), std::string::npos) << r.error.reason;
    }
    EXPECT_EQ(read(submission({{"XML1", tong_hop(std::string(kXml1) + "<HO_TEN>A&#x9;B&#65;</HO_TEN>")}})).error.code,
              "");
}

// ---------------------------------------------------------------------------
// Table layouts.

TEST(XmlTables, ListTablesAcceptTheWrappedAndThe4210Layouts) {
    const std::string row = "<CHI_TIET_THUOC><MA_THUOC>40.1</MA_THUOC></CHI_TIET_THUOC>";
    const Doc wrapped(read(submission({{"XML1", tong_hop(kXml1)}, {"XML2", drugs(row)}})));
    const Doc bare(read(submission(
        {{"XML1", tong_hop(kXml1)}, {"XML2", "<DSACH_CHI_TIET_THUOC>" + row + "</DSACH_CHI_TIET_THUOC>"}})));
    EXPECT_EQ(wrapped.str("/XML2/0/MA_THUOC"), "40.1");
    EXPECT_EQ(bare.str("/XML2/0/MA_THUOC"), "40.1");
}

TEST(XmlTables, AnEmptyListIsAnEmptyArray) {
    const Doc doc(read(submission({{"XML1", tong_hop(kXml1)}, {"XML2", drugs("")}, {"XML3", "<CHITIEU_CHITIET_DVKT_VTYT/>"}})));
    EXPECT_EQ(doc.tables(), (std::vector<std::pair<std::string, int>>{{"XML1", -1}, {"XML2", 0}, {"XML3", 0}}));
}

TEST(XmlTables, Xml6AcceptsAnyRowElement) {
    const Doc doc(read(submission(
        {{"XML1", tong_hop(kXml1)},
         {"XML6", "<CHI_TIEU_HO_SO_BENH_AN_CHAM_SOC_VA_DIEU_TRI_HIV_AIDS>"
                  "<DSACH_HO_SO_BENH_AN_CHAM_SOC_VA_DIEU_TRI_HIV_AIDS>"
                  "<HO_SO_BENH_AN_CHAM_SOC_VA_DIEU_TRI_HIV_AIDS><MA_LK>LK1</MA_LK></HO_SO_BENH_AN_CHAM_SOC_VA_DIEU_TRI_HIV_AIDS>"
                  "<CHI_TIET_DIEN_BIEN_BENH><MA_LK>LK1</MA_LK></CHI_TIET_DIEN_BIEN_BENH>"
                  "</DSACH_HO_SO_BENH_AN_CHAM_SOC_VA_DIEU_TRI_HIV_AIDS>"
                  "</CHI_TIEU_HO_SO_BENH_AN_CHAM_SOC_VA_DIEU_TRI_HIV_AIDS>"}})));
    EXPECT_EQ(doc.tables()[1], (std::pair<std::string, int>{"XML6", 2}));
}

TEST(XmlTables, WrongRowTagIsRefused) {
    const Result r = read(submission({{"XML1", tong_hop(kXml1)},
                                      {"XML2", drugs("<CHI_TIET_DVKT><MA_DICH_VU>1</MA_DICH_VU></CHI_TIET_DVKT>")}}));
    EXPECT_EQ(r.error.code, "E_XML_ENVELOPE");
    EXPECT_EQ(r.error.field, "XML2[0]");
    EXPECT_NE(r.error.reason.find("<CHI_TIET_THUOC>"), std::string::npos);
}

TEST(XmlTables, WrongRootTagNamesTheExpectedOne) {
    const Result r = read(submission({{"XML1", "<TONGHOP><MA_LK>LK1</MA_LK></TONGHOP>"}}));
    EXPECT_EQ(r.error.code, "E_XML_ENVELOPE");
    EXPECT_EQ(r.error.field, "XML1");
    EXPECT_NE(r.error.reason.find("<TONG_HOP>"), std::string::npos);
}

TEST(XmlTables, Xml12IsPassedThrough) {
    const Doc doc(read(submission({{"XML1", tong_hop(kXml1)}, {"XML12", "<GIAM_DINH_Y_KHOA><MA_LK>LK1</MA_LK></GIAM_DINH_Y_KHOA>"}})));
    EXPECT_EQ(doc.str("/XML12/MA_LK"), "LK1");
}

TEST(XmlTables, InnerDoctypeIsRefused) {
    const Result r = read(submission(
        {{"XML1", "<?xml version=\"1.0\"?><!DOCTYPE TONG_HOP [<!ENTITY x \"y\">]><TONG_HOP><MA_LK>&x;</MA_LK></TONG_HOP>"}}));
    EXPECT_EQ(r.error.code, "E_XML_DOCTYPE");
    EXPECT_EQ(r.error.field, "XML1");
}

TEST(XmlTables, InnerDocumentMustBeWellFormed) {
    const Result broken = read(submission({{"XML1", "<TONG_HOP><MA_LK>LK1</MA_LK>"}}));
    EXPECT_EQ(broken.error.code, "E_XML");
    EXPECT_EQ(broken.error.field, "XML1");
    const Result two_roots = read(submission({{"XML1", "<TONG_HOP/><TONG_HOP/>"}}));
    EXPECT_EQ(two_roots.error.code, "E_XML");
    EXPECT_EQ(two_roots.error.field, "XML1");
}

// ---------------------------------------------------------------------------
// Base64.

TEST(XmlBase64, LineBreaksAndSpacesBetweenCharactersAreSkipped) {
    const std::string inner = tong_hop(std::string(kXml1) + "<HO_TEN><![CDATA[Nguyễn Văn An]]></HO_TEN>");
    const std::string flat = base64(inner);
    std::string wrapped = "\r\n";
    for (std::size_t i = 0; i < flat.size(); i += 76) wrapped += flat.substr(i, 76) + "\r\n";
    std::string spaced;
    for (std::size_t i = 0; i < flat.size(); i += 4) spaced += flat.substr(i, 4) + (i % 8 == 0 ? " " : "\t");

    const Result a = read(envelope(hoso({{"XML1", flat}})));
    const Result b = read(envelope(hoso({{"XML1", wrapped}})));
    const Result c = read(envelope(hoso({{"XML1", "<![CDATA[" + spaced + "]]>"}})));
    ASSERT_TRUE(a.ok) << a.error.reason;
    EXPECT_EQ(b.out.document, a.out.document) << b.error.reason;
    EXPECT_EQ(c.out.document, a.out.document) << c.error.reason;
}

TEST(XmlBase64, AnythingElseIsAnError) {
    const char* bad[] = {
        "QUJ",       // the last group is short: padding missing
        "QUI=QUJD",  // data after the padding
        "Q===",      // '=' where a character must be
        "QUJD*",     // not in the alphabet
        "QUJD-_",    // the URL-safe alphabet
        "QR==",      // padding bits not zero
        "QUI==",     // one '=' too many
    };
    for (const char* body : bad) {
        SCOPED_TRACE(body);
        const Result r = read(envelope(hoso({{"XML1", body}})));
        EXPECT_EQ(r.error.code, "E_BASE64") << r.error.reason;
        EXPECT_EQ(r.error.field, "XML1");
    }
    // Valid base64 of something that is not XML gets past the decoder.
    EXPECT_EQ(read(envelope(hoso({{"XML1", "QUJD\nQUJD"}}))).error.code, "E_XML");
}

TEST(XmlBase64, ReasonsSayWhereInTheText) {
    // Offsets count the characters of NOIDUNGFILE's text (its pieces end to
    // end, line ends normalised), whole groups and single characters alike.
    const std::pair<const char*, const char*> cases[] = {
        {"QUJDQUJD*QUJD", "'*' at offset 8 is not in the base64 alphabet (A-Z a-z 0-9 + /)"},
        {"QUJD\r\nQUJ*", "'*' at offset 8 is not in the base64 alphabet (A-Z a-z 0-9 + /)"},
        {"<![CDATA[QU]]>JD<![CDATA[Q*]]>", "'*' at offset 5 is not in the base64 alphabet (A-Z a-z 0-9 + /)"},
        {"QUJDQQ==QUJD", "data follows the '=' padding at offset 8"},
        {"QUJDQUJ", "it ends inside a group of four characters (after 7 characters; is the '=' padding missing?)"},
        {"QUJDQR==", "the group ending at offset 7 has padding bits that are not zero"},
        {"QUJD QUI=\n=", "'=' at offset 10 is misplaced (padding ends the last group of four)"},
    };
    for (const auto& [body, why] : cases) {
        SCOPED_TRACE(body);
        const Result r = read(envelope(hoso({{"XML1", body}})));
        EXPECT_EQ(r.error.code, "E_BASE64");
        EXPECT_EQ(r.error.reason, std::string("NOIDUNGFILE of XML1 is not valid base64: ") + why);
    }
}

TEST(XmlBase64, GroupsSplitAcrossPiecesDecodeAlike) {
    const std::string inner = tong_hop(std::string(kXml1) + "<HO_TEN><![CDATA[Nguyễn Văn An]]></HO_TEN>");
    const std::string flat = base64(inner);
    const Result whole = read(envelope(hoso({{"XML1", flat}})));
    ASSERT_TRUE(whole.ok) << whole.error.reason;
    for (std::size_t cut = 1; cut < 12; ++cut) {
        SCOPED_TRACE(cut);
        const std::string split = "<![CDATA[" + flat.substr(0, cut) + "]]>" + flat.substr(cut, cut) + " " + flat.substr(2 * cut);
        const Result r = read(envelope(hoso({{"XML1", split}})));
        EXPECT_EQ(r.out.document, whole.out.document) << r.error.reason;
    }
}

// ---------------------------------------------------------------------------
// The envelope.

TEST(XmlEnvelope, ItsErrorsNameThePart) {
    const std::string xml1 = base64(tong_hop(kXml1));
    struct Case {
        const char* what;
        std::string xml;
        const char* code;
        const char* field;
    };
    const Case cases[] = {
        {"wrong root", "<GIAMDINH/>", "E_XML_ENVELOPE", "GIAMDINHHS"},
        {"no THONGTINDONVI",
         "<GIAMDINHHS><THONGTINHOSO><NGAYLAP>20240318</NGAYLAP><SOLUONGHOSO>1</SOLUONGHOSO><DANHSACHHOSO>" +
             hoso({{"XML1", xml1}}) + "</DANHSACHHOSO></THONGTINHOSO></GIAMDINHHS>",
         "E_XML_ENVELOPE", "THONGTINDONVI"},
        {"unknown part", envelope(hoso({{"XML1", xml1}}), "1", "01001", "<GHICHU>x</GHICHU>"), "E_XML_ENVELOPE",
         "GHICHU"},
        {"two signatures", envelope(hoso({{"XML1", xml1}}), "1", "01001", "<CHUKYDONVI/><CHUKYDONVI/>"),
         "E_XML_ENVELOPE", "CHUKYDONVI"},
        {"empty facility", envelope(hoso({{"XML1", xml1}}), "1", ""), "E_XML_ENVELOPE", "THONGTINDONVI.MACSKCB"},
        {"no HOSO", envelope("", "0"), "E_XML_ENVELOPE", "DANHSACHHOSO.HOSO"},
        {"count differs", envelope(hoso({{"XML1", xml1}}), "2"), "E_XML_ENVELOPE", "THONGTINHOSO.SOLUONGHOSO"},
        {"unknown table", envelope(hoso({{"XML1", xml1}, {"XML16", xml1}})), "E_XML_ENVELOPE",
         "FILEHOSO[1].LOAIHOSO"},
        {"table twice", envelope(hoso({{"XML1", xml1}, {"XML1", xml1}})), "E_XML_ENVELOPE", "FILEHOSO[1].LOAIHOSO"},
        {"no NOIDUNGFILE",
         envelope("<HOSO><FILEHOSO><LOAIHOSO>XML1</LOAIHOSO></FILEHOSO></HOSO>"), "E_XML_ENVELOPE",
         "FILEHOSO[0].NOIDUNGFILE"},
        {"facility differs from XML1", envelope(hoso({{"XML1", xml1}}), "1", "79001"), "E_XML_ENVELOPE",
         "THONGTINDONVI.MACSKCB"},
        {"facility differs from XML0",
         submission({{"XML0", "<CHI_TIEU_TRANG_THAI_KCB><MA_LK>LK1</MA_LK><MA_CSKCB>01002</MA_CSKCB>"
                              "</CHI_TIEU_TRANG_THAI_KCB>"}}),
         "E_XML_ENVELOPE", "THONGTINDONVI.MACSKCB"},
        {"not UTF-8", envelope(hoso({{"XML1", xml1}}), "1", "0100\xC1"), "E_UTF8", ""},
        {"not well-formed", "<GIAMDINHHS><THONGTINDONVI></GIAMDINHHS>", "E_XML", ""},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.what);
        const Result r = read(c.xml);
        EXPECT_FALSE(r.ok);
        EXPECT_EQ(r.error.code, c.code) << r.error.reason;
        EXPECT_EQ(r.error.field, c.field) << r.error.reason;
    }
}

TEST(XmlEnvelope, FacilityOfACheckInIsXml0s) {
    const Result r = read(submission({{"XML0", "<CHI_TIEU_TRANG_THAI_KCB><MA_LK>LK1</MA_LK><MA_CSKCB>01001</MA_CSKCB>"
                                               "</CHI_TIEU_TRANG_THAI_KCB>"}}));
    ASSERT_TRUE(r.ok) << r.error.reason;
    EXPECT_EQ(r.out.facility, "01001");
}

TEST(XmlEnvelope, NoTablesIsAnEmptyDocument) {
    const Result r = read(envelope("<HOSO/>"));
    ASSERT_TRUE(r.ok) << r.error.reason;
    EXPECT_EQ(r.out.document, "{}");
}

TEST(XmlEnvelope, SignatureIsDelimitedByPositionNotByText) {
    const std::string tricky =
        "<CHUKYDONVI>\n <!-- </CHUKYDONVI> in a comment -->\n"
        " <Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\" Id='a>b'>"
        "<SignatureValue><![CDATA[</CHUKYDONVI>]]>AbC=</SignatureValue></Signature>\n</CHUKYDONVI>";
    const Result r = read(submission({{"XML1", tong_hop(kXml1)}}, "01001", "  " + tricky + "\n  "));
    ASSERT_TRUE(r.ok) << r.error.reason;
    EXPECT_EQ(r.out.signature, tricky);

    const Result empty = read(submission({{"XML1", tong_hop(kXml1)}}, "01001", "<CHUKYDONVI />"));
    ASSERT_TRUE(empty.ok) << empty.error.reason;
    EXPECT_EQ(empty.out.signature, "<CHUKYDONVI />");
}

TEST(XmlEnvelope, ByteOrderMarkIsAllowed) {
    const std::string text = data_file("xml130_inpatient.xml");
    const Result plain = read(text);
    const Result marked = read("\xEF\xBB\xBF" + text);
    ASSERT_TRUE(marked.ok) << marked.error.reason;
    EXPECT_EQ(marked.out.document, plain.out.document);
    EXPECT_EQ(marked.out.signature, plain.out.signature);
}

TEST(XmlEnvelope, SizeLimitIsTheWholeInput) {
    const std::string text = data_file("xml130_inpatient.xml");
    XmlSubmissionReader small(text.size() - 1);
    const Result over = read(small, text);
    EXPECT_EQ(over.error.code, "E_TOO_LARGE");
    EXPECT_EQ(over.error.field, "");
    XmlSubmissionReader exact(text.size());
    EXPECT_TRUE(read(exact, text).ok);
}

TEST(XmlEnvelope, LooksLikeXml) {
    EXPECT_TRUE(looks_like_xml("<GIAMDINHHS/>"));
    EXPECT_TRUE(looks_like_xml("\xEF\xBB\xBF \r\n\t<?xml version=\"1.0\"?>"));
    EXPECT_FALSE(looks_like_xml("{\"XML1\": {}}"));
    EXPECT_FALSE(looks_like_xml("  "));
    EXPECT_FALSE(looks_like_xml(""));
}

}  // namespace
}  // namespace ehb
