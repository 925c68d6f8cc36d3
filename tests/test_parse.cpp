// EpisodeParser: document rules, XML1 rules, identifier classification and
// the canonical form (docs/records.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "engine/canonical.hpp"
#include "engine/parse.hpp"
#include "engine/validate.hpp"

namespace ehb {
namespace {

// ---------------------------------------------------------------------------
// Document builder: ordered fields holding raw JSON values.

// JSON string literal. escape_all spells every ASCII letter and '/' with an
// escape, to check that escape spelling does not change the canonical form.
std::string q(std::string_view s, bool escape_all = false) {
    std::string r = "\"";
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            r += '\\';
            r += c;
        } else if (c == '/' && escape_all) {
            r += "\\/";
        } else if (u < 0x20 || (escape_all && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))) {
            char b[8];
            std::snprintf(b, sizeof b, "\\u%04X", u);
            r += b;
        } else {
            r += c;
        }
    }
    return r + "\"";
}

struct Style {
    bool reverse = false;     // members in reverse order
    bool pretty = false;      // whitespace between tokens
    bool escape_all = false;  // strings spelled with escapes
};

struct Fields {
    // value: raw JSON, or (when str) text to quote
    struct F {
        std::string key;
        std::string value;
        bool str;
    };
    std::vector<F> f;

    Fields& s(std::string key, std::string text) { return put(std::move(key), std::move(text), true); }
    Fields& raw(std::string key, std::string json) { return put(std::move(key), std::move(json), false); }
    Fields& erase(const std::string& key) {
        std::erase_if(f, [&](const F& x) { return x.key == key; });
        return *this;
    }
    Fields& put(std::string key, std::string v, bool str) {
        for (auto& x : f)
            if (x.key == key) {
                x.value = std::move(v);
                x.str = str;
                return *this;
            }
        f.push_back({std::move(key), std::move(v), str});
        return *this;
    }

    std::string json(const Style& st = {}) const {
        std::vector<const F*> order;
        for (const auto& x : f) order.push_back(&x);
        if (st.reverse) std::reverse(order.begin(), order.end());
        const char* sep = st.pretty ? " ,\n  " : ",";
        const char* colon = st.pretty ? " :\t" : ":";
        std::string r = st.pretty ? "{ " : "{";
        for (std::size_t i = 0; i < order.size(); ++i) {
            if (i) r += sep;
            r += q(order[i]->key, st.escape_all);
            r += colon;
            r += order[i]->str ? q(order[i]->value, st.escape_all) : order[i]->value;
        }
        return r + (st.pretty ? " }" : "}");
    }
};

constexpr const char* kMaLk = "01001_2024_03_BN123456_K19";

Fields xml1_valid() {
    Fields x;
    x.s("MA_LK", kMaLk)
        .raw("STT", "1")
        .s("MA_BN", "BN123456")
        .s("HO_TEN", "Nguyễn Văn An")
        .s("SO_CCCD", "001085012345")
        .s("NGAY_SINH", "198503150000")
        .raw("GIOI_TINH", "1")
        .s("NHOM_MAU", "O+")
        .s("MA_QUOCTICH", "000")
        .s("MA_DANTOC", "01")
        .s("MA_NGHE_NGHIEP", "00000")
        .s("DIA_CHI", "Số 1 phố Huế, phường Hai Bà Trưng, Hà Nội")
        .s("MATINH_CU_TRU", "01")
        .s("MAHUYEN_CU_TRU", "")
        .s("MAXA_CU_TRU", "00070")
        .s("DIEN_THOAI", "0912345678")
        .s("MA_THE_BHYT", "DN4010123456789")
        .s("MA_DKBD", "01001")
        .s("GT_THE_TU", "20240101")
        .s("GT_THE_DEN", "20241231")
        .s("NGAY_MIEN_CCT", "")
        .s("LY_DO_VV", "Đau bụng vùng thượng vị")
        .s("LY_DO_VNT", "Đau bụng kéo dài")
        .s("MA_LY_DO_VNT", "")
        .s("CHAN_DOAN_VAO", "Viêm dạ dày")
        .s("CHAN_DOAN_RV", "Viêm dạ dày cấp; Tăng huyết áp")
        .s("MA_BENH_CHINH", "K29.1")
        .s("MA_BENH_KT", "I10;E11.9")
        .s("MA_BENH_YHCT", "")
        .s("MA_PTTT_QT", "")
        .s("MA_DOITUONG_KCB", "1.1")
        .s("MA_NOI_DI", "")
        .s("MA_NOI_DEN", "")
        .s("MA_TAI_NAN", "")
        .s("NGAY_VAO", "202403150830")
        .s("NGAY_VAO_NOI_TRU", "202403150900")
        .s("NGAY_RA", "202403181000")
        .s("GIAY_CHUYEN_TUYEN", "")
        .raw("SO_NGAY_DTRI", "4")
        .s("PP_DIEU_TRI", "Nội khoa")
        .raw("KET_QUA_DTRI", "1")
        .raw("MA_LOAI_RV", "1")
        .s("GHI_CHU", "Tái khám sau 7 ngày")
        .s("NGAY_TTOAN", "202403181030")
        .raw("T_THUOC", "152000.5")
        .raw("T_VTYT", "0")
        .raw("T_TONGCHI_BV", "1520000")
        .raw("T_TONGCHI_BH", "1520000")
        .raw("T_BNTT", "0")
        .s("T_BNCCT", "304000.00")
        .raw("T_BHTT", "1216000")
        .raw("T_NGUONKHAC", "0")
        .raw("T_BHTT_GDV", "0")
        .raw("NAM_QT", "2024")
        .raw("THANG_QT", "3")
        .s("MA_LOAI_KCB", "03")
        .s("MA_KHOA", "K19")
        .s("MA_CSKCB", "01001")
        .s("MA_KHUVUC", "")
        .s("CAN_NANG", "65.50")
        .s("CAN_NANG_CON", "")
        .s("NAM_NAM_LIEN_TUC", "")
        .s("NGAY_TAI_KHAM", "20240325")
        .s("MA_HSBA", "HS2024-0001")
        .s("MA_TTDV", "0100123456")
        .s("DU_PHONG", "");
    return x;
}

Fields drug_row(int stt, std::string code, std::string name) {
    Fields r;
    r.s("MA_LK", kMaLk)
        .raw("STT", std::to_string(stt))
        .s("MA_THUOC", std::move(code))
        .s("TEN_THUOC", std::move(name))
        .s("DON_VI_TINH", "Viên")
        .s("HAM_LUONG", "20mg")
        .s("DUONG_DUNG", "1.01")
        .s("LIEU_DUNG", "1 viên/lần * 2 lần/ngày * 5 ngày")
        .raw("SO_LUONG", "10")
        .s("MA_BAC_SI", "000123/HNO-CCHN")
        .s("NGAY_YL", "202403150930");
    return r;
}

Fields lab_row(int stt, std::string indicator, std::string value) {
    Fields r;
    r.s("MA_LK", kMaLk)
        .raw("STT", std::to_string(stt))
        .s("MA_DICH_VU", "23.0166.1494")
        .s("MA_CHI_SO", std::move(indicator))
        .s("TEN_CHI_SO", "Glucose")
        .s("GIA_TRI", std::move(value))
        .s("DON_VI_DO", "mmol/L")
        .s("MO_TA", "")
        .s("KET_LUAN", "")
        .s("NGAY_KQ", "202403151100")
        .s("MA_BS_DOC_KQ", "000456/HNO-CCHN");
    return r;
}

struct Doc {
    Fields xml1 = xml1_valid();
    std::vector<Fields> xml2 = {drug_row(1, "40.1004", "Omeprazol"), drug_row(2, "40.0012", "Paracetamol")};
    std::vector<Fields> xml4 = {lab_row(1, "GLU", "5.6"), lab_row(2, "HBA1C", "6.1")};
    Fields xml14 = [] {
        Fields f;
        f.s("MA_LK", kMaLk).s("SO_GIAYHEN_KL", "GH-001").s("MA_CSKCB", "01001").s("NGAY_HEN_KL", "202403250800");
        f.s("MA_BENH_CHINH", "K29.1").s("NGAY_CT", "20240318");
        return f;
    }();
    std::vector<std::pair<std::string, std::string>> extra;  // more top-level members, raw JSON

    std::string json(const Style& st = {}) const {
        auto rows = [&](const std::vector<Fields>& v) {
            std::string r = "[";
            for (std::size_t i = 0; i < v.size(); ++i) r += (i ? (st.pretty ? ",\n " : ",") : "") + v[i].json(st);
            return r + "]";
        };
        Fields top;
        top.raw("XML1", xml1.json(st)).raw("XML2", rows(xml2)).raw("XML4", rows(xml4)).raw("XML14", xml14.json(st));
        for (const auto& [k, v] : extra) top.raw(k, v);
        return top.json(st);
    }
};

struct Result {
    bool ok;
    ParsedRecord rec;
    Issue err;
};

Result run(std::string_view json, ParseLimits limits = {}) {
    EpisodeParser p(limits);
    Result r;
    r.ok = p.parse(json, r.rec, r.err);
    return r;
}

Result run(const Doc& d) { return run(d.json()); }

Doc with_xml1(const std::string& key, const std::string& raw_json) {
    Doc d;
    d.xml1.raw(key, raw_json);
    return d;
}
Doc with_xml1_str(const std::string& key, const std::string& text) {
    Doc d;
    d.xml1.s(key, text);
    return d;
}

// Rejected with this code and field; returns the issue for further checks.
#define EXPECT_REJECTED(doc_or_json, code_, field_)                                               \
    [&] {                                                                                         \
        Result r_ = run(doc_or_json);                                                             \
        EXPECT_FALSE(r_.ok) << "accepted; expected " << (code_);                                  \
        EXPECT_EQ(r_.err.code, code_) << r_.err.field << ": " << r_.err.reason;                   \
        EXPECT_EQ(r_.err.field, field_) << r_.err.code << ": " << r_.err.reason;                  \
        if (!r_.ok) {                                                                             \
            EXPECT_FALSE(r_.err.reason.empty()) << "an error needs a reason";                     \
        }                                                                                         \
        return r_.err;                                                                            \
    }()

#define EXPECT_ACCEPTED(doc_or_json)                                                              \
    [&] {                                                                                         \
        Result r_ = run(doc_or_json);                                                             \
        EXPECT_TRUE(r_.ok) << r_.err.code << " " << r_.err.field << ": " << r_.err.reason;        \
        return r_.rec;                                                                            \
    }()

std::vector<std::string> warning_codes(const ParsedRecord& r) {
    std::vector<std::string> v;
    for (const auto& w : r.warnings) v.push_back(w.code + "@" + w.field);
    return v;
}

using Strings = std::vector<std::string>;

// ---------------------------------------------------------------------------
// A valid document.

TEST(Parse, ValidFullDocument) {
    const Result r = run(Doc{});
    ASSERT_TRUE(r.ok) << r.err.code << " " << r.err.field << ": " << r.err.reason;
    EXPECT_EQ(r.rec.facility, "01001");
    EXPECT_EQ(r.rec.ma_lk, kMaLk);
    EXPECT_EQ(r.rec.ids.citizen, "001085012345");
    EXPECT_EQ(r.rec.ids.old_id, "");
    EXPECT_EQ(r.rec.ids.passport, "");
    EXPECT_EQ(r.rec.ids.si_codes, Strings{"0123456789"});
    EXPECT_EQ(r.rec.admitted, 202403150830u);
    EXPECT_TRUE(r.rec.warnings.empty()) << warning_codes(r.rec).front();
    // Tables in key-byte order: "XML1" < "XML14" < "XML2" < "XML4".
    EXPECT_EQ(r.rec.canonical.rfind("{\"XML1\":{\"CAN_NANG\":\"65.50\",", 0), 0u) << r.rec.canonical.substr(0, 80);
    EXPECT_LT(r.rec.canonical.find("\"XML14\":"), r.rec.canonical.find("\"XML2\":"));
    EXPECT_LT(r.rec.canonical.find("\"XML2\":"), r.rec.canonical.find("\"XML4\":"));
    EXPECT_NE(r.rec.canonical.find("\"HO_TEN\":\"Nguyễn Văn An\""), std::string::npos);
    EXPECT_EQ(r.rec.canonical.find('\n'), std::string::npos);
    EXPECT_EQ(r.rec.canonical.find("\": "), std::string::npos);
    EXPECT_EQ(r.rec.hash, canonical_hash(r.rec.canonical));
    EXPECT_NE(r.rec.hash, Hash128{});
}

TEST(Parse, NumericFieldsAcceptNumbersAndStrings) {
    Doc d;
    d.xml1.s("GIOI_TINH", "1").s("KET_QUA_DTRI", "2").s("MA_LOAI_RV", "1").s("STT", "7").s("T_THUOC", "-1.25");
    d.xml1.raw("T_VTYT", "1.5e3").raw("NAM_QT", "2024").s("SO_NGAY_DTRI", "");
    EXPECT_ACCEPTED(d);
}

TEST(Parse, UnknownXml1FieldsAreKept) {
    Doc d;
    d.xml1.s("TRUONG_MOI", "giá trị").raw("EXTRA_OBJ", R"({"b":1,"a":[2,3]})");
    const ParsedRecord r = EXPECT_ACCEPTED(d);
    EXPECT_NE(r.canonical.find(R"("EXTRA_OBJ":{"a":[2,3],"b":1})"), std::string::npos);
    EXPECT_NE(r.canonical.find(R"("TRUONG_MOI":"giá trị")"), std::string::npos);
    EXPECT_TRUE(r.warnings.empty());
}

// ---------------------------------------------------------------------------
// Canonical form.

TEST(Canonical, IndependentOfKeyOrderWhitespaceAndEscapes) {
    const Doc d;
    const Result plain = run(d.json());
    ASSERT_TRUE(plain.ok) << plain.err.reason;
    for (Style st : {Style{true, false, false}, Style{false, true, false}, Style{false, false, true},
                     Style{true, true, true}}) {
        const std::string other = d.json(st);
        ASSERT_NE(other, d.json());
        const Result r = run(other);
        ASSERT_TRUE(r.ok) << r.err.code << " " << r.err.reason;
        EXPECT_EQ(r.rec.canonical, plain.rec.canonical);
        EXPECT_EQ(r.rec.hash, plain.rec.hash);
    }
}

TEST(Canonical, ChangesWhenAValueChanges) {
    const Result base = run(Doc{});
    Doc lab_filled;
    lab_filled.xml4[1].s("GIA_TRI", "6.2");
    Doc icd;
    icd.xml1.s("MA_BENH_CHINH", "K29.0");
    Doc number;
    number.xml1.raw("T_THUOC", "152000.25");
    for (const Doc& d : {lab_filled, icd, number}) {
        const Result r = run(d);
        ASSERT_TRUE(r.ok) << r.err.reason;
        EXPECT_NE(r.rec.canonical, base.rec.canonical);
        EXPECT_NE(r.rec.hash, base.rec.hash);
    }
    // Row order is content.
    Doc swapped;
    std::swap(swapped.xml2[0], swapped.xml2[1]);
    EXPECT_NE(run(swapped).rec.hash, base.rec.hash);
}

TEST(Canonical, ExactBytes) {
    std::string out, err;
    ASSERT_TRUE(canonicalize_json(
        " { \"b\" : [ true , false , null ] , \"a\" : { \"z\":1, \"y\":\"x\\u0041\\/\" } ,\n \"_\": {} , \"c\":[] } ", out,
        err))
        << err;
    EXPECT_EQ(out, R"({"_":{},"a":{"y":"xA/","z":1},"b":[true,false,null],"c":[]})");
}

TEST(Canonical, KeysSortByBytes) {
    std::string out, err;
    ASSERT_TRUE(canonicalize_json(R"({"é":1,"a":2,"_":3,"B":4,"ab":5,"":6})", out, err)) << err;
    EXPECT_EQ(out, R"({"":6,"B":4,"_":3,"a":2,"ab":5,"é":1})");
}

TEST(Canonical, StringEscapes) {
    std::string out, err;
    ASSERT_TRUE(canonicalize_json(R"(["\u0001\b\f\n\r\t\"\\\/\u00e9\u001F\u007f\ud83d\ude00 ✓"])", out, err)) << err;
    EXPECT_EQ(out, "[\"\\u0001\\b\\f\\n\\r\\t\\\"\\\\/\xC3\xA9\\u001f\x7F\xF0\x9F\x98\x80 \xE2\x9C\x93\"]");
}

// Every byte value at every position around the 8-byte scanning blocks, against a plain reference.
TEST(Canonical, StringEscapesEveryByteEveryPosition) {
    auto reference = [](std::string_view v) {
        std::string r = "\"";
        for (char c : v) {
            const auto u = static_cast<unsigned char>(c);
            if (c == '"' || c == '\\') {
                r += '\\';
                r += c;
            } else if (c == '\b') r += "\\b";
            else if (c == '\f') r += "\\f";
            else if (c == '\n') r += "\\n";
            else if (c == '\r') r += "\\r";
            else if (c == '\t') r += "\\t";
            else if (u < 0x20) {
                char b[8];
                std::snprintf(b, sizeof b, "\\u%04x", u);
                r += b;
            } else r += c;
        }
        return r + "\"";
    };
    for (int c = 0; c < 256; ++c) {
        for (std::size_t len : {1u, 7u, 8u, 9u, 17u}) {
            for (std::size_t at = 0; at < len; ++at) {
                std::string v(len, 'a');
                v[at] = static_cast<char>(c);
                if (len == 17) v[16 - at] = '"';
                std::string out = "x";
                append_canonical_string(out, v);
                std::string expected = "x";
                expected += reference(v);
                ASSERT_EQ(out, expected) << "byte " << c << " at " << at << " of " << len;
            }
        }
    }
}

TEST(Canonical, KeysWithLongSharedPrefixesSortByBytes) {
    std::vector<std::string> keys = {"MA_BENH_CHINH", "MA_BENH_KT", "MA_BENH_YHCT", "MA_BENH_", "MA_BENH", "MA_BENH_\xC3\xA9",
                                     "MA_BENH_CHINH2", "MA_BENH\x01", "MA_BEN", "NGAY_VAO", "NGAY_VAO_NOI_TRU",
                                     "NGAY_VA", "T_TONGCHI_BV", "T_TONGCHI_BH", "\x7F", "A", ""};
    std::string json = "{";
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (i) json += ",";
        json += q(keys[i]) + ":" + std::to_string(i);
    }
    json += "}";
    std::vector<std::pair<std::string, std::size_t>> sorted;
    for (std::size_t i = 0; i < keys.size(); ++i) sorted.emplace_back(keys[i], i);
    std::sort(sorted.begin(), sorted.end());  // std::string: char_traits<char> order = unsigned bytes
    std::string expected = "{";
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        if (i) expected += ",";
        std::string k;
        append_canonical_string(k, sorted[i].first);
        expected += k + ":" + std::to_string(sorted[i].second);
    }
    expected += "}";
    std::string out, err;
    ASSERT_TRUE(canonicalize_json(json, out, err)) << err;
    EXPECT_EQ(out, expected);
}

TEST(Canonical, Numbers) {
    std::string out, err;
    ASSERT_TRUE(canonicalize_json(
        R"([1.0,-0,1e2,18446744073709551615,-9223372036854775808,0.1,1.5E-7,123456789012,2.5e300,-3])", out, err))
        << err;
    EXPECT_EQ(out, "[1,0,100,18446744073709551615,-9223372036854775808,0.1,1.5e-07,123456789012,2.5e+300,-3]");
}

TEST(Canonical, DuplicateKeyNamesItsPath) {
    std::string out, err;
    EXPECT_FALSE(canonicalize_json(R"({"a":[{"x":1},{"y":{"k":1,"k":2}}]})", out, err));
    EXPECT_EQ(err, "duplicate key a[1].y.k");
}

// ---------------------------------------------------------------------------
// Document-level errors.

TEST(DocumentErrors, TooLarge) {
    Doc d;
    d.xml1.s("GHI_CHU", std::string(10u << 20, 'x'));
    const std::string big = d.json();
    ASSERT_GT(big.size(), 10u << 20);
    EXPECT_REJECTED(big, "E_TOO_LARGE", "");
    // The limit is the configured one, and not the parser's capacity: a 1 MB note is fine.
    Doc medium;
    medium.xml1.s("GHI_CHU", std::string(1u << 20, 'y'));
    EXPECT_ACCEPTED(medium.json());
    Result small = run(Doc{}.json(), ParseLimits{.max_document_bytes = 1000, .max_depth = 32});
    EXPECT_FALSE(small.ok);
    EXPECT_EQ(small.err.code, "E_TOO_LARGE");
}

TEST(DocumentErrors, MalformedJson) {
    Issue e = EXPECT_REJECTED(R"({"XML1": {"MA_LK": "x")", "E_JSON", "");
    EXPECT_NE(e.reason.find("invalid JSON"), std::string::npos) << e.reason;
    EXPECT_REJECTED(R"({"XML1": {},})", "E_JSON", "");
    EXPECT_REJECTED(R"({"XML1": {"A": tru}})", "E_JSON", "");
    EXPECT_REJECTED(R"({"XML1": {"A": "\ud800"}})", "E_JSON", "");
    EXPECT_REJECTED("", "E_JSON", "");
    EXPECT_REJECTED("{} {}", "E_JSON", "");
}

TEST(DocumentErrors, NotAnObject) {
    EXPECT_REJECTED("[1,2]", "E_NOT_OBJECT", "");
    EXPECT_REJECTED(R"("XML1")", "E_NOT_OBJECT", "");
    EXPECT_REJECTED("42", "E_NOT_OBJECT", "");
}

TEST(DocumentErrors, Depth) {
    auto nested = [](int levels) {  // root object + XML1 object + `levels` arrays in an unknown field
        Doc d;
        d.xml1.raw("SAU", std::string(levels, '[') + std::string(levels, ']'));
        return d.json();
    };
    EXPECT_REJECTED(nested(98), "E_DEPTH", "");  // depth 100
    EXPECT_ACCEPTED(nested(30));                 // depth 32 = the default limit
    EXPECT_REJECTED(nested(31), "E_DEPTH", "");
    Result r = run(nested(3), ParseLimits{.max_document_bytes = 1u << 20, .max_depth = 4});
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.err.code, "E_DEPTH");
}

TEST(DocumentErrors, InvalidUtf8) {
    for (std::string bad : {"\xFF", "\xC0\xAF", "\xE1\x80", "\xED\xA0\x80", "Nguy\xE1\xBB"}) {
        Doc d;
        d.xml1.s("HO_TEN", "An " + bad + " B");
        EXPECT_REJECTED(d, "E_UTF8", "");
    }
}

TEST(DocumentErrors, DuplicateKeys) {
    EXPECT_REJECTED(R"({"XML1":{},"XML1":{}})", "E_DUPLICATE_KEY", "XML1");
    {
        Doc d;
        std::string j = d.json();
        j.insert(j.find("\"HO_TEN\""), R"("HO_TEN":"Trần Thị B",)");
        EXPECT_REJECTED(j, "E_DUPLICATE_KEY", "XML1.HO_TEN");
    }
    {
        Doc d;
        std::string j = d.json();
        j.insert(j.find("\"HO_TEN\""), R"("HO_T\u0045N":"Trần Thị B",)");  // same key, other spelling
        EXPECT_REJECTED(j, "E_DUPLICATE_KEY", "XML1.HO_TEN");
    }
    {
        Doc d;
        d.xml2[1].raw("MA_THUOC_DUP", "1");
        std::string j = d.json();
        const std::size_t at = j.find("\"MA_THUOC_DUP\"");
        j.replace(at, std::string("\"MA_THUOC_DUP\"").size(), "\"MA_THUOC\"");
        EXPECT_REJECTED(j, "E_DUPLICATE_KEY", "XML2[1].MA_THUOC");
    }
    EXPECT_REJECTED(R"({"XML1":{},"X":{"a":[1,{"b":{"c":1,"c":2}}]}})", "E_DUPLICATE_KEY", "X.a[1].b.c");
}

TEST(DocumentErrors, MissingXml1) {
    EXPECT_REJECTED(R"({"XML2":[]})", "E_NO_XML1", "XML1");
    EXPECT_REJECTED("{}", "E_NO_XML1", "XML1");
}

TEST(DocumentErrors, TableTypes) {
    EXPECT_REJECTED(R"({"XML1":[]})", "E_TYPE", "XML1");
    EXPECT_REJECTED(R"({"XML1":"x"})", "E_TYPE", "XML1");
    Doc d;
    d.extra = {{"XML3", "{}"}};
    EXPECT_REJECTED(d, "E_TYPE", "XML3");
    d.extra = {{"XML3", R"([{"MA_LK":"01001_2024_03_BN123456_K19"}, 5])"}};
    EXPECT_REJECTED(d, "E_TYPE", "XML3[1]");
    d.extra = {{"XML13", "[]"}};
    EXPECT_REJECTED(d, "E_TYPE", "XML13");
    d.extra = {{"XML0", "null"}};
    EXPECT_REJECTED(d, "E_TYPE", "XML0");
    for (const char* t : {"XML5", "XML6", "XML9", "XML15"}) {
        d.extra = {{t, "[]"}};
        EXPECT_ACCEPTED(d);
    }
    // Object tables without rules of their own are stored as sent, even empty
    // (XML0, XML7, XML8, XML13 have required fields: tests/test_tables.cpp).
    for (const char* t : {"XML10", "XML11"}) {
        d.extra = {{t, "{}"}};
        EXPECT_ACCEPTED(d);
    }
}

TEST(DocumentErrors, MaLkMismatch) {
    {
        Doc d;
        d.xml2[1].s("MA_LK", "01001_2024_03_BN999999_K19");
        const Issue e = EXPECT_REJECTED(d, "E_MA_LK_MISMATCH", "XML2[1].MA_LK");
        EXPECT_NE(e.reason.find("BN999999"), std::string::npos) << e.reason;
    }
    {
        Doc d;
        d.xml14.s("MA_LK", "other");
        EXPECT_REJECTED(d, "E_MA_LK_MISMATCH", "XML14.MA_LK");
    }
    {
        Doc d;
        d.xml4[0].raw("MA_LK", "12");
        EXPECT_REJECTED(d, "E_MA_LK_MISMATCH", "XML4[0].MA_LK");
    }
    {
        Doc d;
        d.extra = {{"XML99", R"([{"MA_LK":"x"}])"}};
        EXPECT_REJECTED(d, "E_MA_LK_MISMATCH", "XML99[0].MA_LK");
    }
    {
        Doc d;  // rows without MA_LK, or with null, belong to the episode
        d.xml2[0].erase("MA_LK");
        d.xml4[0].raw("MA_LK", "null");
        EXPECT_ACCEPTED(d);
    }
}

TEST(DocumentWarnings, UnknownTopLevelKey) {
    Doc d;
    d.extra = {{"XML99", R"({"a":1})"}, {"XML12", "[]"}, {"ghi_chu", "\"x\""}};
    const ParsedRecord r = EXPECT_ACCEPTED(d);
    EXPECT_EQ(warning_codes(r), (Strings{"W_UNKNOWN_KEY@XML99", "W_UNKNOWN_KEY@XML12", "W_UNKNOWN_KEY@ghi_chu"}));
    EXPECT_NE(r.canonical.find(R"("XML99":{"a":1})"), std::string::npos);
}

// ---------------------------------------------------------------------------
// XML1 field errors.

TEST(Xml1, RequiredFields) {
    for (const char* f : {"MA_LK", "MA_BN", "HO_TEN", "NGAY_SINH", "GIOI_TINH", "MA_CSKCB", "NGAY_VAO", "NGAY_RA",
                          "MA_LOAI_KCB", "MA_BENH_CHINH", "KET_QUA_DTRI", "MA_LOAI_RV"}) {
        SCOPED_TRACE(f);
        const std::string path = std::string("XML1.") + f;
        Doc absent;
        absent.xml1.erase(f);
        if (std::string(f) == "MA_LK")  // rows would otherwise name a different episode first
            for (auto* rows : {&absent.xml2, &absent.xml4})
                for (auto& row : *rows) row.erase("MA_LK");
        EXPECT_REJECTED(absent, "E_REQUIRED", path);
        EXPECT_REJECTED(with_xml1(f, "null"), "E_REQUIRED", path);
        EXPECT_REJECTED(with_xml1(f, "\"\""), "E_REQUIRED", path);
    }
    // Optional fields may be absent, null or "".
    Doc d;
    d.xml1.erase("DIEN_THOAI").raw("SO_NGAY_DTRI", "null").s("NGAY_VAO_NOI_TRU", "");
    EXPECT_ACCEPTED(d);
}

TEST(Xml1, FieldTypes) {
    EXPECT_REJECTED(with_xml1("HO_TEN", "123"), "E_TYPE", "XML1.HO_TEN");
    EXPECT_REJECTED(with_xml1("MA_CSKCB", "1001"), "E_TYPE", "XML1.MA_CSKCB");
    EXPECT_REJECTED(with_xml1("MA_LOAI_KCB", "3"), "E_TYPE", "XML1.MA_LOAI_KCB");
    EXPECT_REJECTED(with_xml1("DU_PHONG", "[]"), "E_TYPE", "XML1.DU_PHONG");
    EXPECT_REJECTED(with_xml1("GIOI_TINH", "true"), "E_TYPE", "XML1.GIOI_TINH");
    EXPECT_REJECTED(with_xml1("T_THUOC", "{}"), "E_TYPE", "XML1.T_THUOC");
    const Issue e = EXPECT_REJECTED(with_xml1_str("T_THUOC", "152.000,5"), "E_TYPE", "XML1.T_THUOC");
    EXPECT_NE(e.reason.find("152.000,5"), std::string::npos) << e.reason;
    EXPECT_REJECTED(with_xml1_str("STT", "1a"), "E_TYPE", "XML1.STT");
    EXPECT_REJECTED(with_xml1_str("NAM_QT", "."), "E_TYPE", "XML1.NAM_QT");
}

TEST(Xml1, Lengths) {
    EXPECT_REJECTED(with_xml1_str("MA_BN", std::string(101, 'A')), "E_LENGTH", "XML1.MA_BN");
    EXPECT_ACCEPTED(with_xml1_str("MA_BN", std::string(100, 'A')));
    // Code points, not bytes: 255 three-byte characters fit HO_TEN.
    std::string name;
    for (int i = 0; i < 255; ++i) name += "ễ";
    EXPECT_ACCEPTED(with_xml1_str("HO_TEN", name));
    const Issue e = EXPECT_REJECTED(with_xml1_str("HO_TEN", name + "a"), "E_LENGTH", "XML1.HO_TEN");
    EXPECT_NE(e.reason.find("256"), std::string::npos) << e.reason;
    EXPECT_REJECTED(with_xml1_str("DIA_CHI", std::string(1025, 'x')), "E_LENGTH", "XML1.DIA_CHI");
    EXPECT_ACCEPTED(with_xml1_str("MA_BENH_CHINH", "K29.123"));
    EXPECT_REJECTED(with_xml1_str("MA_BENH_CHINH", "K29.1234"), "E_LENGTH", "XML1.MA_BENH_CHINH");
    EXPECT_REJECTED(with_xml1_str("MA_TTDV", "01001234567"), "E_LENGTH", "XML1.MA_TTDV");
    EXPECT_REJECTED(with_xml1_str("CAN_NANG", "1234.56"), "E_LENGTH", "XML1.CAN_NANG");
    // MA_BENH_KT: at most 12 codes.
    std::string twelve = "A00", thirteen;
    for (int i = 1; i < 12; ++i) twelve += ";B0" + std::to_string(i % 10);
    thirteen = twelve + ";C00";
    EXPECT_ACCEPTED(with_xml1_str("MA_BENH_KT", twelve));
    const Issue kt = EXPECT_REJECTED(with_xml1_str("MA_BENH_KT", thirteen), "E_LENGTH", "XML1.MA_BENH_KT");
    EXPECT_NE(kt.reason.find("13 codes"), std::string::npos) << kt.reason;
}

TEST(Xml1, Facility) {
    EXPECT_REJECTED(with_xml1_str("MA_CSKCB", "0100"), "E_FACILITY", "XML1.MA_CSKCB");
    EXPECT_REJECTED(with_xml1_str("MA_CSKCB", "010011"), "E_FACILITY", "XML1.MA_CSKCB");
    EXPECT_REJECTED(with_xml1_str("MA_CSKCB", "0100Đ"), "E_FACILITY", "XML1.MA_CSKCB");  // 5 characters, 6 bytes
    EXPECT_REJECTED(with_xml1_str("MA_CSKCB", "01 01"), "E_FACILITY", "XML1.MA_CSKCB");
    Doc elsewhere;  // the appointment slip is issued by the same facility
    elsewhere.xml1.s("MA_CSKCB", "99001");
    elsewhere.xml14.s("MA_CSKCB", "99001");
    const ParsedRecord r = EXPECT_ACCEPTED(elsewhere);
    EXPECT_EQ(r.facility, "99001");
    EXPECT_EQ(warning_codes(r), Strings{"W_PROVINCE@XML1.MA_CSKCB"});
}

TEST(Xml1, ImpossibleTimestamps) {
    {
        Doc d;
        d.xml1.s("NGAY_VAO", "202402280800").s("NGAY_VAO_NOI_TRU", "").s("NGAY_RA", "202402301200");
        const Issue e = EXPECT_REJECTED(d, "E_DATE", "XML1.NGAY_RA");
        EXPECT_EQ(e.reason, "NGAY_RA 202402301200 is not a real time: February has no day 30");
    }
    {
        const Issue e = EXPECT_REJECTED(with_xml1_str("NGAY_VAO", "202303152400"), "E_DATE", "XML1.NGAY_VAO");
        EXPECT_NE(e.reason.find("hour 24"), std::string::npos) << e.reason;
    }
    EXPECT_REJECTED(with_xml1_str("NGAY_VAO", "202403150860"), "E_DATE", "XML1.NGAY_VAO");
    EXPECT_REJECTED(with_xml1_str("NGAY_VAO", "202413150800"), "E_DATE", "XML1.NGAY_VAO");
    EXPECT_REJECTED(with_xml1_str("NGAY_VAO", "202404310800"), "E_DATE", "XML1.NGAY_VAO");
    EXPECT_REJECTED(with_xml1_str("NGAY_VAO", "20240315083"), "E_DATE", "XML1.NGAY_VAO");
    EXPECT_REJECTED(with_xml1_str("NGAY_VAO", "2024-03-15 08:30"), "E_DATE", "XML1.NGAY_VAO");
    EXPECT_REJECTED(with_xml1_str("NGAY_RA", "210103181000"), "E_DATE", "XML1.NGAY_RA");
    EXPECT_REJECTED(with_xml1_str("NGAY_TTOAN", "202403180000x"), "E_DATE", "XML1.NGAY_TTOAN");
    EXPECT_REJECTED(with_xml1_str("NGAY_VAO_NOI_TRU", "202403150"), "E_DATE", "XML1.NGAY_VAO_NOI_TRU");
    // Leap years.
    Doc leap;
    leap.xml1.s("NGAY_VAO", "202402290800").s("NGAY_VAO_NOI_TRU", "").s("NGAY_RA", "202402291000");
    EXPECT_ACCEPTED(leap);
    Doc not_leap = leap;
    not_leap.xml1.s("NGAY_VAO", "202302290800").s("NGAY_RA", "202303011000");
    const Issue e = EXPECT_REJECTED(not_leap, "E_DATE", "XML1.NGAY_VAO");
    EXPECT_NE(e.reason.find("February 2023 has no day 29"), std::string::npos) << e.reason;
}

TEST(Xml1, DateLists) {
    EXPECT_ACCEPTED(with_xml1_str("NGAY_TAI_KHAM", "20240325;20240401"));
    EXPECT_ACCEPTED(with_xml1_str("GT_THE_TU", "20230101;20240101"));
    const Issue e = EXPECT_REJECTED(with_xml1_str("GT_THE_DEN", "20230229"), "E_DATE", "XML1.GT_THE_DEN");
    EXPECT_NE(e.reason.find("February 2023 has no day 29"), std::string::npos) << e.reason;
    EXPECT_REJECTED(with_xml1_str("GT_THE_TU", "19000229"), "E_DATE", "XML1.GT_THE_TU");  // 1900: not leap
    EXPECT_REJECTED(with_xml1_str("NGAY_TAI_KHAM", "20240325;2024041"), "E_DATE", "XML1.NGAY_TAI_KHAM");
    EXPECT_REJECTED(with_xml1_str("NGAY_TAI_KHAM", "20240325;"), "E_DATE", "XML1.NGAY_TAI_KHAM");
    EXPECT_REJECTED(with_xml1_str("GT_THE_TU", "2024-01-01"), "E_DATE", "XML1.GT_THE_TU");
    // NGAY_MIEN_CCT: "", 8 digits or 12 digits.
    EXPECT_ACCEPTED(with_xml1_str("NGAY_MIEN_CCT", "20240101"));
    EXPECT_ACCEPTED(with_xml1_str("NGAY_MIEN_CCT", "202401011200"));
    EXPECT_REJECTED(with_xml1_str("NGAY_MIEN_CCT", "2024010112"), "E_DATE", "XML1.NGAY_MIEN_CCT");
    EXPECT_REJECTED(with_xml1_str("NGAY_MIEN_CCT", "20241301"), "E_DATE", "XML1.NGAY_MIEN_CCT");
    EXPECT_REJECTED(with_xml1_str("NGAY_MIEN_CCT", "202401011260"), "E_DATE", "XML1.NGAY_MIEN_CCT");
}

TEST(Xml1, BirthDate) {
    for (const char* ok : {"19850315", "198500000000", "19850000", "198503152359", "188001010000", "202403150000"}) {
        SCOPED_TRACE(ok);
        EXPECT_ACCEPTED(with_xml1_str("NGAY_SINH", ok));
    }
    for (const char* bad : {"198503000000", "198500150000", "198513010000", "198502300000", "198503152400",
                            "198503150060", "187912310000", "202501010000", "1985031", "1985", "1985-03-15"}) {
        SCOPED_TRACE(bad);
        EXPECT_REJECTED(with_xml1_str("NGAY_SINH", bad), "E_DATE", "XML1.NGAY_SINH");
    }
}

TEST(Xml1, DateOrder) {
    {
        Doc d;
        d.xml1.s("NGAY_VAO", "202403181001").s("NGAY_VAO_NOI_TRU", "");
        EXPECT_REJECTED(d, "E_DATE_ORDER", "XML1.NGAY_RA");
    }
    {
        Doc d;  // same minute is fine
        d.xml1.s("NGAY_VAO", "202403181000").s("NGAY_VAO_NOI_TRU", "202403181000");
        for (auto& row : d.xml4) row.s("NGAY_KQ", "202403181000");  // results within the stay
        EXPECT_ACCEPTED(d);
    }
    EXPECT_REJECTED(with_xml1_str("NGAY_VAO_NOI_TRU", "202403150829"), "E_DATE_ORDER", "XML1.NGAY_VAO_NOI_TRU");
    EXPECT_REJECTED(with_xml1_str("NGAY_VAO_NOI_TRU", "202403181001"), "E_DATE_ORDER", "XML1.NGAY_VAO_NOI_TRU");
}

TEST(Xml1, Codes) {
    EXPECT_REJECTED(with_xml1("GIOI_TINH", "4"), "E_CODE", "XML1.GIOI_TINH");
    EXPECT_REJECTED(with_xml1("GIOI_TINH", "0"), "E_CODE", "XML1.GIOI_TINH");
    EXPECT_REJECTED(with_xml1("GIOI_TINH", "1.5"), "E_CODE", "XML1.GIOI_TINH");
    EXPECT_REJECTED(with_xml1_str("GIOI_TINH", "-1"), "E_CODE", "XML1.GIOI_TINH");
    EXPECT_ACCEPTED(with_xml1("GIOI_TINH", "3"));
    EXPECT_REJECTED(with_xml1("KET_QUA_DTRI", "9"), "E_CODE", "XML1.KET_QUA_DTRI");
    EXPECT_ACCEPTED(with_xml1("KET_QUA_DTRI", "8"));
    EXPECT_REJECTED(with_xml1("MA_LOAI_RV", "6"), "E_CODE", "XML1.MA_LOAI_RV");
    {
        Doc d = with_xml1_str("MA_LOAI_RV", "5");  // a referral names where the patient goes
        EXPECT_REJECTED(d, "E_REQUIRED", "XML1.MA_NOI_DEN");
        d.xml1.s("MA_NOI_DEN", "79001");
        EXPECT_ACCEPTED(d);
    }
    for (const char* bad : {"17", "00", "1", "001", "A1"}) {
        SCOPED_TRACE(bad);
        EXPECT_REJECTED(with_xml1_str("MA_LOAI_KCB", bad), "E_CODE", "XML1.MA_LOAI_KCB");
    }
    for (const char* ok : {"01", "10", "16"}) {
        SCOPED_TRACE(ok);
        EXPECT_ACCEPTED(with_xml1_str("MA_LOAI_KCB", ok));
    }
}

// ---------------------------------------------------------------------------
// Identifiers.

TEST(Ids, InvalidCitizenIds) {
    const Issue e11 = EXPECT_REJECTED(with_xml1_str("SO_CCCD", "00108501234"), "E_ID", "XML1.SO_CCCD");
    EXPECT_NE(e11.reason.find("11 digits"), std::string::npos) << e11.reason;
    EXPECT_REJECTED(with_xml1_str("SO_CCCD", "0123456789"), "E_ID", "XML1.SO_CCCD");
    EXPECT_REJECTED(with_xml1_str("SO_CCCD", "1234567890123"), "E_ID", "XML1.SO_CCCD");
    // Century/sex digit 9: born 2385, after the 2024 admission.
    const Issue c = EXPECT_REJECTED(with_xml1_str("SO_CCCD", "001985012345"), "E_ID", "XML1.SO_CCCD");
    EXPECT_NE(c.reason.find("century"), std::string::npos) << c.reason;
    EXPECT_NE(c.reason.find("2385"), std::string::npos) << c.reason;
    EXPECT_REJECTED(with_xml1_str("SO_CCCD", "001230012345"), "E_ID", "XML1.SO_CCCD");  // 2030 > 2024
    EXPECT_REJECTED(with_xml1_str("SO_CCCD", "0010850123456789"), "E_LENGTH", "XML1.SO_CCCD");
}

TEST(Ids, CitizenIdCenturyAndSex) {
    Doc d;  // a woman born in 2001: G = 3
    d.xml1.s("SO_CCCD", "079301012345").s("NGAY_SINH", "200107040000").raw("GIOI_TINH", "2");
    const ParsedRecord r = EXPECT_ACCEPTED(d);
    EXPECT_EQ(r.ids.citizen, "079301012345");
    EXPECT_TRUE(r.warnings.empty()) << warning_codes(r).front();
}

TEST(Ids, Warnings) {
    {
        const ParsedRecord r = EXPECT_ACCEPTED(with_xml1_str("SO_CCCD", "003085012345"));  // 03 is no province
        EXPECT_EQ(warning_codes(r), Strings{"W_PROVINCE@XML1.SO_CCCD"});
        EXPECT_EQ(r.ids.citizen, "003085012345");
    }
    {
        const ParsedRecord r = EXPECT_ACCEPTED(with_xml1_str("SO_CCCD", "101085012345"));  // not "0" + province
        EXPECT_EQ(warning_codes(r), Strings{"W_PROVINCE@XML1.SO_CCCD"});
    }
    {
        const ParsedRecord r = EXPECT_ACCEPTED(with_xml1_str("SO_CCCD", "001086012345"));  // 1986 vs 1985
        EXPECT_EQ(warning_codes(r), Strings{"W_BIRTH_YEAR@XML1.SO_CCCD"});
    }
    {
        const ParsedRecord r = EXPECT_ACCEPTED(with_xml1_str("SO_CCCD", "001185012345"));  // odd G: female
        EXPECT_EQ(warning_codes(r), Strings{"W_SEX@XML1.SO_CCCD"});
        EXPECT_EQ(r.ids.citizen, "001185012345");
    }
    {
        Doc d;  // sex 3 (undetermined) is not compared
        d.xml1.s("SO_CCCD", "001185012345").raw("GIOI_TINH", "3");
        EXPECT_TRUE(EXPECT_ACCEPTED(d).warnings.empty());
    }
    {
        Doc d;
        d.xml1.s("MATINH_CU_TRU", "99");
        EXPECT_EQ(warning_codes(EXPECT_ACCEPTED(d)), Strings{"W_PROVINCE@XML1.MATINH_CU_TRU"});
    }
    {
        const ParsedRecord r = EXPECT_ACCEPTED(with_xml1_str("SO_CCCD", "VNEID-8a7f"));
        EXPECT_EQ(warning_codes(r), Strings{"W_SO_CCCD_OTHER@XML1.SO_CCCD"});
        EXPECT_TRUE(r.ids.citizen.empty());
        EXPECT_EQ(r.ids.si_codes, Strings{"0123456789"});
    }
    {
        Doc d;
        d.xml1.s("SO_CCCD", "").s("MA_THE_BHYT", "");
        const ParsedRecord r = EXPECT_ACCEPTED(d);
        EXPECT_EQ(warning_codes(r), Strings{"W_UNIDENTIFIED@XML1.SO_CCCD"});
    }
    {
        Doc d;
        d.xml1.s("SO_CCCD", "b1234567").erase("MA_THE_BHYT");
        EXPECT_EQ(warning_codes(EXPECT_ACCEPTED(d)),
                  (Strings{"W_SO_CCCD_OTHER@XML1.SO_CCCD", "W_UNIDENTIFIED@XML1.SO_CCCD"}));
    }
    {
        Doc d;  // several at once, in the documented order
        d.xml1.s("MA_CSKCB", "00001").s("MATINH_CU_TRU", "00").s("SO_CCCD", "003187012345");
        d.xml14.s("MA_CSKCB", "00001");
        EXPECT_EQ(warning_codes(EXPECT_ACCEPTED(d)),
                  (Strings{"W_PROVINCE@XML1.MA_CSKCB", "W_PROVINCE@XML1.MATINH_CU_TRU", "W_PROVINCE@XML1.SO_CCCD",
                           "W_BIRTH_YEAR@XML1.SO_CCCD", "W_SEX@XML1.SO_CCCD"}));
    }
}

TEST(Ids, OldIdPassportAndCardOnly) {
    {
        const ParsedRecord r = EXPECT_ACCEPTED(with_xml1_str("SO_CCCD", "123456789"));
        EXPECT_EQ(r.ids.old_id, "123456789");
        EXPECT_TRUE(r.ids.citizen.empty());
        EXPECT_TRUE(r.ids.passport.empty());
        EXPECT_TRUE(r.warnings.empty());
    }
    {
        Doc d;
        d.xml1.s("SO_CCCD", "B1234567").s("MA_THE_BHYT", "");
        const ParsedRecord r = EXPECT_ACCEPTED(d);
        EXPECT_EQ(r.ids.passport, "B1234567");
        EXPECT_TRUE(r.ids.citizen.empty());
        EXPECT_TRUE(r.ids.si_codes.empty());
        EXPECT_TRUE(r.warnings.empty());
    }
    {
        Doc d;
        d.xml1.erase("SO_CCCD").s("MA_THE_BHYT", "TE1790123456780");
        const ParsedRecord r = EXPECT_ACCEPTED(d);
        EXPECT_TRUE(r.ids.citizen.empty());
        EXPECT_TRUE(r.ids.old_id.empty());
        EXPECT_TRUE(r.ids.passport.empty());
        EXPECT_EQ(r.ids.si_codes, Strings{"0123456780"});
        EXPECT_TRUE(r.warnings.empty());
    }
}

TEST(Ids, CardsWithTheSameSiCollapse) {
    const ParsedRecord r =
        EXPECT_ACCEPTED(with_xml1_str("MA_THE_BHYT", "DN4010123456789;HT3010123456789;TE1010987654321;GD4790123456789"));
    EXPECT_EQ(r.ids.si_codes, (Strings{"0123456789", "0987654321"}));
}

TEST(Ids, MalformedCards) {
    for (const char* bad : {"DN6010123456789", "DN0010123456789", "dn4010123456789", "DN401012345678",
                            "DN40101234567890", "D14010123456789", "DN4010123456789;", ";DN4010123456789",
                            "DN4010123456789;;HT3010123456789", "DN4010123456789 ", "DN4O10123456789"}) {
        SCOPED_TRACE(bad);
        EXPECT_REJECTED(with_xml1_str("MA_THE_BHYT", bad), "E_CARD", "XML1.MA_THE_BHYT");
    }
}

// ---------------------------------------------------------------------------
// Reuse.

TEST(Reuse, ManyDocumentsGoodAfterBad) {
    EpisodeParser p;
    ParsedRecord rec;
    Issue err;
    const std::string bad_docs[] = {
        "{", "[]", R"({"XML2":[]})", with_xml1_str("NGAY_RA", "202402301200").json(),
        with_xml1_str("SO_CCCD", "00108501234").json(), std::string("{\"XML1\":{\"HO_TEN\":\"\xFF\"}}"),
        R"({"XML1":{},"XML1":{}})"};
    const Result fresh = run(Doc{});
    ASSERT_TRUE(fresh.ok);
    for (int i = 0; i < 300; ++i) {
        const std::string& bad = bad_docs[i % std::size(bad_docs)];
        ASSERT_FALSE(p.parse(bad, rec, err)) << i;
        ASSERT_FALSE(err.code.empty());

        // A good document with per-iteration content.
        Doc d;
        const std::string ma_lk = "LK" + std::to_string(i);
        d.xml1.s("MA_LK", ma_lk).s("MA_THE_BHYT", "HS4790000000" + std::to_string(100 + i % 900));
        for (auto* rows : {&d.xml2, &d.xml4})
            for (auto& row : *rows) row.s("MA_LK", ma_lk);
        d.xml14.s("MA_LK", ma_lk);
        if (i % 3 == 0) d.xml1.s("SO_CCCD", "123456789");
        if (i % 5 == 0) d.xml1.s("MA_CSKCB", "99001"), d.xml14.s("MA_CSKCB", "99001");
        ASSERT_TRUE(p.parse(d.json(), rec, err)) << i << " " << err.code << " " << err.reason;
        EXPECT_EQ(rec.ma_lk, ma_lk);
        EXPECT_EQ(rec.facility, i % 5 == 0 ? "99001" : "01001");
        EXPECT_EQ(rec.ids.citizen, i % 3 == 0 ? "" : "001085012345");
        EXPECT_EQ(rec.ids.old_id, i % 3 == 0 ? "123456789" : "");
        EXPECT_EQ(rec.ids.si_codes, Strings{"0000000" + std::to_string(100 + i % 900)});
        EXPECT_EQ(rec.warnings.size(), i % 5 == 0 ? 1u : 0u);
        EXPECT_EQ(rec.admitted, 202403150830u);
        EXPECT_EQ(rec.hash, canonical_hash(rec.canonical));

        // And the reference document gives the same bytes as a fresh parser.
        ASSERT_TRUE(p.parse(Doc{}.json(), rec, err)) << err.reason;
        EXPECT_EQ(rec.canonical, fresh.rec.canonical);
        EXPECT_EQ(rec.hash, fresh.rec.hash);
        EXPECT_TRUE(rec.warnings.empty());
    }
}

TEST(Reuse, GrowsForALargeDocumentThenKeepsWorking) {
    EpisodeParser p;
    ParsedRecord rec;
    Issue err;
    Doc big;
    big.xml1.s("GHI_CHU", std::string(3u << 20, 'g'));
    ASSERT_TRUE(p.parse(big.json(), rec, err)) << err.reason;
    EXPECT_GT(rec.canonical.size(), 3u << 20);
    ASSERT_TRUE(p.parse(Doc{}.json(), rec, err)) << err.reason;
    EXPECT_EQ(rec.canonical, run(Doc{}).rec.canonical);
}

TEST(Reuse, MovedParserWorks) {
    EpisodeParser a;
    EpisodeParser b(std::move(a));
    ParsedRecord rec;
    Issue err;
    EXPECT_TRUE(b.parse(Doc{}.json(), rec, err)) << err.reason;
    EpisodeParser c;
    c = std::move(b);
    EXPECT_TRUE(c.parse(Doc{}.json(), rec, err)) << err.reason;
}

// ---------------------------------------------------------------------------
// The example in docs/records.md is accepted as documented.

TEST(Docs, ExampleDocumentIsAccepted) {
    std::string path = __FILE__;  // <repo>/tests/test_parse.cpp
    path = path.substr(0, path.rfind("/tests/")) + "/docs/records.md";
    std::ifstream in(path);
    ASSERT_TRUE(in) << "cannot open " << path;
    const std::string md((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t start = md.find("```json\n");
    ASSERT_NE(start, std::string::npos);
    const std::size_t end = md.find("\n```", start + 8);
    ASSERT_NE(end, std::string::npos);
    const Result r = run(md.substr(start + 8, end - start - 8));
    ASSERT_TRUE(r.ok) << r.err.code << " " << r.err.field << ": " << r.err.reason;
    EXPECT_EQ(r.rec.facility, "01001");
    EXPECT_EQ(r.rec.ma_lk, "01001_2024_03_BN123456_K19");
    EXPECT_EQ(r.rec.ids.citizen, "001085012345");
    EXPECT_EQ(r.rec.ids.si_codes, Strings{"0123456789"});
    EXPECT_EQ(r.rec.admitted, 202403150830u);
    EXPECT_TRUE(r.rec.warnings.empty());
}

// ---------------------------------------------------------------------------
// Building blocks.

TEST(Validate, FieldLookup) {
    for (std::size_t i = 0; i < kXml1FieldCount; ++i)
        EXPECT_EQ(xml1_field_index(kXml1Fields[i].name), static_cast<int>(i)) << kXml1Fields[i].name;
    EXPECT_EQ(kXml1FieldCount, 66u);
    for (const char* unknown : {"", "MA", "MA_LK ", "ma_lk", "MA_LKX", "XML1", "MA_THE"})
        EXPECT_EQ(xml1_field_index(unknown), -1) << unknown;
}

TEST(Validate, Helpers) {
    EXPECT_EQ(utf8_length("Nguyễn"), 6u);
    EXPECT_EQ(utf8_length(""), 0u);
    EXPECT_TRUE(is_real_timestamp12("200002292359"));
    EXPECT_FALSE(is_real_timestamp12("210002290000"));  // 2100 is not a leap year
    EXPECT_FALSE(is_real_timestamp12("189912310000"));
    EXPECT_TRUE(is_real_date8("20241231"));
    EXPECT_FALSE(is_real_date8("20240931"));
    EXPECT_EQ(classify_so_cccd("001085012345"), SoCccdKind::citizen);
    EXPECT_EQ(classify_so_cccd("123456789"), SoCccdKind::old_id);
    EXPECT_EQ(classify_so_cccd("C7654321"), SoCccdKind::passport);
    EXPECT_EQ(classify_so_cccd("C765432"), SoCccdKind::other);
    EXPECT_EQ(classify_so_cccd("12345678901"), SoCccdKind::bad_digits);
    EXPECT_EQ(classify_so_cccd(""), SoCccdKind::none);
    EXPECT_TRUE(is_card_code("TE1010987654321"));
    EXPECT_FALSE(is_card_code("TE6010987654321"));
}

TEST(Status, Names) {
    EXPECT_EQ(status_name(Status::accepted), "accepted");
    EXPECT_EQ(status_name(Status::duplicate), "duplicate");
    EXPECT_EQ(status_name(Status::new_version), "new_version");
    EXPECT_EQ(status_name(Status::rejected), "rejected");
}

}  // namespace
}  // namespace ehb
