// Names, string similarity and addresses for the person index (engine/person/names.hpp,
// similarity.hpp, address.hpp). Decomposed (NFD) strings are spelled with explicit \u escapes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <random>
#include <string>
#include <vector>

#include "engine/person/address.hpp"
#include "engine/person/names.hpp"
#include "engine/person/similarity.hpp"

namespace ehb::person {
namespace {

// ---------------------------------------------------------------------------
// fold

TEST(Fold, PrecomposedDecomposedUppercaseAndPlainAgree) {
    const char* forms[] = {
        "Nguyễn Thị Thuỷ",                                // NFC, old tone placement
        "Nguye\u0302\u0303n Thi\u0323 Thuy\u0309",        // NFD
        "NGUYỄN THỊ THỦY",                                // uppercase, new placement
        "NGUYE\u0302\u0303N THI\u0323 THU\u0309Y",        // uppercase NFD
        "Nguyen Thi Thuy",                                // typed without diacritics
        "nguyen thi thuy",
    };
    for (const char* f : forms) EXPECT_EQ(fold(f), "nguyen thi thuy") << f;

    EXPECT_EQ(fold("Đặng Văn Hùng"), "dang van hung");
    EXPECT_EQ(fold("D\u0323a\u0306ng Va\u0306n Hu\u0300ng"), "dang van hung");  // D without stroke + marks
    EXPECT_EQ(fold("Trương Ngọc Ánh"), "truong ngoc anh");
    EXPECT_EQ(fold("Tru\u031Bo\u031Bng Ngo\u0323c A\u0301nh"), "truong ngoc anh");
    EXPECT_EQ(fold("HUỲNH THỊ ƠN"), "huynh thi on");
    EXPECT_EQ(fold("Bùi Đức Lợi"), "bui duc loi");
    EXPECT_EQ(fold("Lê Quý Đôn"), "le quy don");
}

TEST(Fold, DStrokeAndItsLookAlike) {
    EXPECT_EQ(fold("Đinh"), "dinh");
    EXPECT_EQ(fold("đinh"), "dinh");
    EXPECT_EQ(fold("ĐINH"), "dinh");
    EXPECT_EQ(fold("\u00D0inh"), "dinh");  // Ð (eth), put for Đ by legacy encodings
    EXPECT_EQ(fold("\u00F0inh"), "dinh");
}

TEST(Fold, PunctuationAndAnyWhitespaceSeparate) {
    EXPECT_EQ(fold("  Lê-Văn_Tám.  (Bé) "), "le van tam be");
    EXPECT_EQ(fold("Lê\u00A0Văn\u00A0Tám"), "le van tam");  // NBSP
    EXPECT_EQ(fold("Lê\tVăn\r\nTám"), "le van tam");
    EXPECT_EQ(fold("Lê\u3000Văn\u2003Tám\u202F"), "le van tam");  // ideographic, em, narrow NBSP
    EXPECT_EQ(fold("H'Hen Niê"), "h hen nie");
    EXPECT_EQ(fold("Trần/Văn,Nam;(An)"), "tran van nam an");
    EXPECT_EQ(fold("Lê – Văn “Tám”"), "le van tam");  // en dash, curly quotes
    EXPECT_EQ(fold("...,,,"), "");
    EXPECT_EQ(fold(""), "");
}

TEST(Fold, InvisibleCharactersDoNotSplitAWord) {
    EXPECT_EQ(fold("Nguy\u00ADễn"), "nguyen");    // soft hyphen
    EXPECT_EQ(fold("Nguy\u200Bễn"), "nguyen");    // zero-width space
    EXPECT_EQ(fold("\uFEFFNguyễn"), "nguyen");    // BOM
}

TEST(Fold, DigitsKeptOtherLettersFoldedOrDropped) {
    EXPECT_EQ(fold("Nguyễn Văn A 2"), "nguyen van a 2");
    EXPECT_EQ(fold("Müller Çelik"), "muller celik");          // Latin letters of other languages
    EXPECT_EQ(fold("Mu\u0308ller"), "muller");                 // the same, decomposed
    EXPECT_EQ(fold("Lý 李 Minh"), "ly minh");                   // other scripts dropped
    EXPECT_EQ(fold("Lý李Minh"), "lyminh");                      // dropped, not a separator
    EXPECT_EQ(fold("ＮＧＵＹＥＮ　ＶＡＮ"), "nguyen van");        // fullwidth
    EXPECT_EQ(fold("a\xFF" "b\xC3"), "ab");                     // invalid UTF-8 bytes dropped
    EXPECT_EQ(fold("\xE1\xBB"), "");                             // truncated sequence
    EXPECT_EQ(fold("\u0301\u0302 An"), "an");                    // marks with nothing to mark
}

TEST(Fold, ClearsAndReusesTheBuffer) {
    std::string out = "previous contents";
    fold("Hà Nội", out);
    EXPECT_EQ(out, "ha noi");
    toned("Hà Nội", out);
    EXPECT_EQ(out, "ha2 nooi5");
}

// ---------------------------------------------------------------------------
// toned

TEST(Toned, Examples) {
    EXPECT_EQ(toned("Nguyễn Thị Thuỷ"), "nguyeen4 thi5 thuy3");
    EXPECT_EQ(toned("Hoà"), "hoa2");
    EXPECT_EQ(toned("Đặng"), "ddawng5");
    EXPECT_EQ(toned("Trương Ngọc Ánh"), "truwowng ngoc5 anh1");
    EXPECT_EQ(toned("Nguyen Van An"), "nguyen van an");  // no diacritics: no tone digits
    EXPECT_EQ(toned("  Lê-Văn_Tám. "), "lee vawn tam1");
}

TEST(Toned, TonePlacementAndNormalisationDoNotMatter) {
    const std::pair<const char*, const char*> same[] = {
        {"Hoà", "Hòa"},         {"Thuỷ", "Thủy"},       {"Khoẻ", "Khỏe"},      {"Hoá", "Hóa"},
        {"Quỳnh", "Quỳnh"},     {"HOÀ", "hòa"},         {"Thuý", "Thúy"},      {"Uỷ", "Ủy"},
        {"Hoà", "Ho\u0300a"},   {"Hòa", "Hoa\u0300"},   {"Thủy", "Thuy\u0309"},
        {"Nguyễn", "Nguye\u0302\u0303n"}, {"Nguyễn", "Nguye\u0303\u0302n"},  // either mark order
    };
    for (const auto& [a, b] : same) EXPECT_EQ(toned(a), toned(b)) << a << " / " << b;
    EXPECT_EQ(toned("Hoà"), "hoa2");
    EXPECT_EQ(toned("Thuỷ"), "thuy3");
}

TEST(Toned, TonesAndModifiersAreKept) {
    EXPECT_NE(toned("Hà"), toned("Hạ"));
    EXPECT_NE(toned("Lan"), toned("Lân"));
    EXPECT_NE(toned("Tâm"), toned("Tăm"));
    EXPECT_NE(toned("Đông"), toned("Dông"));
    EXPECT_EQ(fold("Hà"), fold("Hạ"));
}

// The twelve vowels by tone (index = tone digit), their Telex spelling, and the combining modifier
// that builds each from its base letter.
struct Vowel {
    const char* telex;
    const char* modifier;  // combining mark, "" for none
    const char* by_tone[6];
};
const Vowel kVowels[] = {
    {"a", "", {"a", "á", "à", "ả", "ã", "ạ"}},         {"aw", "\u0306", {"ă", "ắ", "ằ", "ẳ", "ẵ", "ặ"}},
    {"aa", "\u0302", {"â", "ấ", "ầ", "ẩ", "ẫ", "ậ"}},  {"e", "", {"e", "é", "è", "ẻ", "ẽ", "ẹ"}},
    {"ee", "\u0302", {"ê", "ế", "ề", "ể", "ễ", "ệ"}},  {"i", "", {"i", "í", "ì", "ỉ", "ĩ", "ị"}},
    {"o", "", {"o", "ó", "ò", "ỏ", "õ", "ọ"}},         {"oo", "\u0302", {"ô", "ố", "ồ", "ổ", "ỗ", "ộ"}},
    {"ow", "\u031B", {"ơ", "ớ", "ờ", "ở", "ỡ", "ợ"}},  {"u", "", {"u", "ú", "ù", "ủ", "ũ", "ụ"}},
    {"uw", "\u031B", {"ư", "ứ", "ừ", "ử", "ữ", "ự"}},  {"y", "", {"y", "ý", "ỳ", "ỷ", "ỹ", "ỵ"}},
};
const char* kToneMarks[6] = {"", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"};

// Uppercase of the NFC letters above: Latin-1 letters are 0x20 below their lowercase, the others one.
std::string upper_nfc(const std::string& lower) {
    std::string out;
    for (std::size_t i = 0; i < lower.size();) {
        const auto c = static_cast<unsigned char>(lower[i]);
        char32_t cp;
        std::size_t len;
        if (c < 0x80) cp = c, len = 1;
        else if (c < 0xE0) cp = ((c & 0x1F) << 6) | (lower[i + 1] & 0x3F), len = 2;
        else cp = ((c & 0x0F) << 12) | ((lower[i + 1] & 0x3F) << 6) | (lower[i + 2] & 0x3F), len = 3;
        i += len;
        if (cp < 0x80) cp = static_cast<char32_t>(std::toupper(static_cast<int>(cp)));
        else if (cp >= 0xE0 && cp <= 0xFF) cp -= 0x20;
        else cp -= 1;
        if (cp < 0x80) out += static_cast<char>(cp);
        else if (cp < 0x800) out += static_cast<char>(0xC0 | (cp >> 6)), out += static_cast<char>(0x80 | (cp & 0x3F));
        else
            out += static_cast<char>(0xE0 | (cp >> 12)), out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return out;
}

TEST(Toned, AllTwelveVowelsBySixTones) {
    for (const Vowel& v : kVowels) {
        const std::string base(1, v.telex[0]);
        for (int tone = 0; tone < 6; ++tone) {
            std::string expected = "t";
            expected += v.telex;
            expected += "m";
            if (tone) expected += static_cast<char>('0' + tone);
            const std::string nfc = std::string("t") + v.by_tone[tone] + "m";
            const std::string nfd = "t" + base + v.modifier + kToneMarks[tone] + "m";
            const std::string nfd_tone_first = "t" + base + kToneMarks[tone] + v.modifier + "m";
            EXPECT_EQ(toned(nfc), expected) << nfc;
            EXPECT_EQ(toned(nfd), expected) << nfc;
            EXPECT_EQ(toned(nfd_tone_first), expected) << nfc;
            EXPECT_EQ(toned(upper_nfc(nfc)), expected) << nfc;
            EXPECT_EQ(fold(nfc), "t" + base + "m") << nfc;
            EXPECT_EQ(fold(nfd), "t" + base + "m") << nfc;
        }
    }
}

TEST(Toned, DStroke) {
    EXPECT_EQ(toned("Đ"), "dd");
    EXPECT_EQ(toned("đ"), "dd");
    EXPECT_EQ(toned("Đỗ Đức"), "ddoo4 dduwc1");
    EXPECT_EQ(toned("\u00D0ỗ"), "ddoo4");
}

TEST(Toned, TwoToneMarksKeepTheLast) {
    EXPECT_EQ(toned("a\u0301\u0300"), "a2");
    EXPECT_EQ(toned("Hóà"), "hoa2");
}

TEST(Toned, SameTokensAsFold) {
    const char* names[] = {"Nguyễn  Thị\u00A0Thuỷ", "Lý 李 Minh", "  -Đặng-Văn- ", "\u0301 An", "Ngô\u200BQuyền 2"};
    for (const char* n : names) {
        const std::string f = fold(n), t = toned(n);
        EXPECT_EQ(std::count(f.begin(), f.end(), ' '), std::count(t.begin(), t.end(), ' ')) << n;
    }
}

// ---------------------------------------------------------------------------
// spelling variants

std::string variants(std::string s) {
    spelling_variants(s);
    return s;
}

TEST(SpellingVariants, FinalYAfterAConsonantBecomesI) {
    EXPECT_EQ(variants("quy"), "qui");
    EXPECT_EQ(variants("my"), "mi");
    EXPECT_EQ(variants("ly"), "li");
    EXPECT_EQ(variants("ky"), "ki");
    EXPECT_EQ(variants("vy"), "vi");
    EXPECT_EQ(variants("sy"), "si");
    EXPECT_EQ(variants("le quy don"), "le qui don");
    EXPECT_EQ(variants("nguyen thi my"), "nguyen thi mi");
    EXPECT_EQ(variants(fold("Lê Quý Đôn")), variants(fold("Lê Quí Đôn")));
    EXPECT_EQ(variants(fold("Lý Thị Mỹ")), variants(fold("Lí Thị Mĩ")));
}

TEST(SpellingVariants, ToneDigitStaysLast) {
    EXPECT_EQ(variants("quy1"), "qui1");
    EXPECT_EQ(variants("my4 ky2"), "mi4 ki2");
    EXPECT_EQ(variants(toned("Lê Quý Đôn")), variants(toned("Lê Quí Đôn")));
    EXPECT_EQ(variants(toned("Kỳ Mỹ")), variants(toned("Kì Mĩ")));
}

TEST(SpellingVariants, YAfterAVowelStays) {
    for (const char* s : {"huy", "duy", "thuy", "thuy3", "nguy", "y", "y1", "tay", "uy", "nguyen", "huy1"})
        EXPECT_EQ(variants(s), s);
    EXPECT_EQ(variants(""), "");
    EXPECT_EQ(variants("12y"), "12y");
}

// ---------------------------------------------------------------------------
// family names

TEST(FamilyNames, TheCommonOnes) {
    for (const char* n : {"nguyen", "tran", "le",    "pham", "hoang", "huynh", "phan", "vu",   "vo",   "dang",
                          "bui",    "do",   "ho",    "ngo",  "duong", "ly",    "li",   "dinh", "doan", "truong",
                          "lam",    "mai",  "trinh", "cao",  "luong", "ha",    "dao",  "ta",   "to",   "chau",
                          "thai",   "trieu", "luu",  "quach", "kieu", "la",    "vuong", "tu",  "tang", "nong",
                          "lo",     "hua"})
        EXPECT_TRUE(is_family_name(n)) << n;
}

TEST(FamilyNames, GivenAndMiddleNamesAreNot) {
    for (const char* n : {"anh", "minh", "thi", "van", "son", "thang", "trang", "", "nguyen van", "Nguyen", "nguyeen4"})
        EXPECT_FALSE(is_family_name(n)) << n;
}

// ---------------------------------------------------------------------------
// placeholders and newborns

TEST(Placeholders, KnownPlaceholderNames) {
    for (const char* n : {"khong ro ten", "khong ten", "chua ro ten", "vo danh", "benh nhan vo danh", "bn vo danh",
                          "nguoi vo danh", "an danh", "khong xac dinh", "unknown", "no name", "noname", "test", "xxx",
                          "x", "nn", "chua co ten", "vo danh 12", "bn 3", "benh nhan khong ten 01", "xx xxx",
                          "12345", "1 2", "a", "", "n a"})
        EXPECT_TRUE(is_placeholder_name(n)) << n;
    EXPECT_TRUE(is_placeholder_name(fold("BN VÔ DANH (12)")));
    EXPECT_TRUE(is_placeholder_name(fold("N/A")));
}

TEST(Placeholders, RealNamesAreNot) {
    for (const char* n : {"nguyen van a", "an", "thi", "le x", "vo danh tuong", "con cua nguyen thi lan", "be trai",
                          "test nguyen", "bn nguyen van b", "xa"})
        EXPECT_FALSE(is_placeholder_name(n)) << n;
}

TEST(Newborns, NamedAfterTheMother) {
    for (const char* n : {"con cua nguyen thi lan", "con ba nguyen thi lan", "con me lan", "con", "be trai",
                          "be gai", "be gai cua tran thi b", "so sinh nguyen thi c", "tre so sinh"}) {
        EXPECT_TRUE(is_newborn_name(n)) << n;
        EXPECT_FALSE(is_placeholder_name(n)) << n;
    }
    EXPECT_TRUE(is_newborn_name(fold("Con của Nguyễn Thị Lan")));
    EXPECT_TRUE(is_newborn_name(fold("BÉ GÁI - Trần Thị B")));
}

TEST(Newborns, OtherNamesAreNot) {
    for (const char* n : {"nguyen van con", "cong phuong", "be", "bea trai", "nguyen be trai", "", "so"})
        EXPECT_FALSE(is_newborn_name(n)) << n;
}

// ---------------------------------------------------------------------------
// Jaro–Winkler

TEST(JaroWinkler, KnownValues) {
    EXPECT_NEAR(jaro_winkler("MARTHA", "MARHTA"), 0.961, 0.001);
    EXPECT_NEAR(jaro_winkler("DWAYNE", "DUANE"), 0.840, 0.001);
    EXPECT_NEAR(jaro_winkler("DIXON", "DICKSONX"), 0.813, 0.001);
    EXPECT_NEAR(jaro_winkler("JELLYFISH", "SMELLYFISH"), 0.896, 0.001);  // no common prefix: plain Jaro
    EXPECT_DOUBLE_EQ(jaro_winkler("nguyen", "nguyen"), 1.0);
    EXPECT_DOUBLE_EQ(jaro_winkler("abc", "xyz"), 0.0);
}

TEST(JaroWinkler, EmptyAndSymmetric) {
    EXPECT_DOUBLE_EQ(jaro_winkler("", ""), 1.0);
    EXPECT_DOUBLE_EQ(jaro_winkler("an", ""), 0.0);
    EXPECT_DOUBLE_EQ(jaro_winkler("", "an"), 0.0);
    EXPECT_DOUBLE_EQ(jaro_winkler("thuy", "thuong"), jaro_winkler("thuong", "thuy"));
    EXPECT_GT(jaro_winkler("nguyen", "nguyn"), jaro_winkler("nguyen", "ngo"));
}

TEST(JaroWinkler, PrefixBoostOnlyAboveSevenTenths) {
    // Jaro("ab", "ac") = 2/3: no prefix boost below the threshold.
    EXPECT_NEAR(jaro_winkler("ab", "ac"), 2.0 / 3.0, 1e-9);
}

TEST(JaroWinkler, LongStringsComparedOnTheirFirst64Bytes) {
    const std::string a = std::string(64, 'a') + "xyz", b = std::string(64, 'a') + "q";
    EXPECT_DOUBLE_EQ(jaro_winkler(a, b), 1.0);
    EXPECT_LT(jaro_winkler(std::string(63, 'a') + "b", std::string(64, 'a')), 1.0);
}

// ---------------------------------------------------------------------------
// edit distance

// Full-matrix optimal string alignment distance, the dumb reference.
unsigned osa_reference(const std::string& a, const std::string& b) {
    std::vector<std::vector<unsigned>> d(a.size() + 1, std::vector<unsigned>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<unsigned>(i);
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<unsigned>(j);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

TEST(EditDistance, KnownValuesAndLimit) {
    EXPECT_EQ(edit_distance_within("kitten", "sitting", 5), 3u);
    EXPECT_EQ(edit_distance_within("kitten", "sitting", 3), 3u);
    EXPECT_EQ(edit_distance_within("kitten", "sitting", 2), 3u);  // limit + 1
    EXPECT_EQ(edit_distance_within("kitten", "sitting", 0), 1u);
    EXPECT_EQ(edit_distance_within("nguyen", "nguyen", 0), 0u);
    EXPECT_EQ(edit_distance_within("nguyen", "ngyuen", 1), 1u);  // adjacent transposition
    EXPECT_EQ(edit_distance_within("ca", "abc", 5), 3u);          // OSA, not unrestricted Damerau (2)
    EXPECT_EQ(edit_distance_within("", "abc", 5), 3u);
    EXPECT_EQ(edit_distance_within("abc", "", 1), 2u);
    EXPECT_EQ(edit_distance_within("", "", 0), 0u);
    EXPECT_EQ(edit_distance_within("abcdefgh", "ab", 3), 4u);      // lengths alone exceed the limit
    EXPECT_EQ(edit_distance_within("abc", "xyz", UINT_MAX), 3u);   // no overflow
}

TEST(EditDistance, AgreesWithFullMatrixReference) {
    std::mt19937 rng(7);
    auto random_string = [&](std::size_t max_len) {
        std::string s(std::uniform_int_distribution<std::size_t>(0, max_len)(rng), 'a');
        for (char& c : s) c = static_cast<char>('a' + rng() % 3);
        return s;
    };
    for (int n = 0; n < 3000; ++n) {
        const std::size_t max_len = n % 10 == 0 ? 90 : 12;  // some beyond 64 bytes (rows on the heap)
        const std::string a = random_string(max_len), b = random_string(max_len);
        const unsigned ref = osa_reference(a, b);
        for (unsigned limit : {0u, 1u, 2u, 3u, 5u, 100u})
            ASSERT_EQ(edit_distance_within(a, b, limit), std::min(ref, limit + 1)) << a << " / " << b << " " << limit;
    }
}

// ---------------------------------------------------------------------------
// typo_close

TEST(TypoClose, HandTypedIdentifiers) {
    EXPECT_TRUE(typo_close("079201001234", "079201001234", 0));
    EXPECT_TRUE(typo_close("079201001234", "079201001284", 1));   // one digit
    EXPECT_FALSE(typo_close("079201001234", "079201001284", 0));
    EXPECT_FALSE(typo_close("079201001234", "079201051284", 1));  // two digits
    EXPECT_TRUE(typo_close("079201001234", "079201051284", 2));
    EXPECT_TRUE(typo_close("079201001234", "079201001243", 1));   // adjacent transposition
    EXPECT_TRUE(typo_close("079201001234", "079201001243", 0));
    EXPECT_TRUE(typo_close("079201001234", "709201001234", 0));   // at the start
    EXPECT_FALSE(typo_close("079201001234", "079201001432", 1));  // not adjacent
    EXPECT_FALSE(typo_close("079201001234", "079201012343", 1));  // a shift, not a transposition
    EXPECT_FALSE(typo_close("079201001234", "07920100123", 5));   // length mismatch
    EXPECT_TRUE(typo_close("", "", 0));
}

// ---------------------------------------------------------------------------
// addresses

std::string key(std::string_view address) {
    std::string out;
    address_key(address, out);
    return out;
}

TEST(AddressKey, FullAndAbbreviatedFormsAreEqual) {
    const std::string urban = "12 tran phu tan dinh hai chau da nang";
    for (const char* a : {"Số 12, Đường Trần Phú, Phường Tân Định, Quận Hải Châu, Thành phố Đà Nẵng",
                          "12 Trần Phú, P. Tân Định, Q. Hải Châu, TP. Đà Nẵng",
                          "12 Tran Phu, P.Tan Dinh, Q.Hai Chau, Tp Da Nang",
                          "so 12 duong tran phu phuong tan dinh quan hai chau thanh pho da nang",
                          "SỐ NHÀ 12 TRẦN PHÚ - P.TÂN ĐỊNH - Q.HẢI CHÂU - TP.ĐÀ NẴNG - VIỆT NAM"})
        EXPECT_EQ(key(a), urban) << a;

    const std::string rural = "3 an phu long thanh binh duong";
    for (const char* a : {"Thôn 3, Xã An Phú, Huyện Long Thạnh, Tỉnh Bình Dương",
                          "Thôn 3, X. An Phú, H. Long Thạnh, T. Bình Dương",
                          "Thon 3 Xa An Phu Huyen Long Thanh Tinh Binh Duong"})
        EXPECT_EQ(key(a), rural) << a;
}

TEST(AddressKey, NumberedWardsAndDistrictsKeepTheirNumber) {
    EXPECT_EQ(key("Phường 12, Quận 3, Tp HCM"), "12 3 ho chi minh");
    EXPECT_EQ(key("P12, Q3, TP.HCM"), "12 3 ho chi minh");
    EXPECT_EQ(key("F.12, Q.03, Thành phố Hồ Chí Minh"), "12 3 ho chi minh");
    EXPECT_EQ(key("Quận 3"), "3");
}

TEST(AddressKey, LevelWordsThatArePlaceNamesStay) {
    EXPECT_EQ(key("Tỉnh Bình Dương"), "binh duong");
    EXPECT_EQ(key("Tỉnh Hải Dương"), "hai duong");
    EXPECT_EQ(key("Huyện Sơn Tịnh, Tỉnh Quảng Ngãi"), "son tinh quang ngai");
    EXPECT_EQ(key("Huyện Sơn Tịnh Tỉnh Quảng Ngãi"), "son tinh quang ngai");
    EXPECT_EQ(key("Ngõ 5 Phố Huế, Hà Nội"), "5 hue ha noi");
    // Folded alike on both sides, so equal keys whichever way they are written.
    EXPECT_EQ(key("Quận Ngô Quyền, Hải Phòng"), key("Q. Ngô Quyền, Hải Phòng"));
    EXPECT_EQ(key("Quận Ngô Quyền, Hải Phòng"), key("Ngô Quyền, Hải Phòng"));
    EXPECT_EQ(key("Phường Phương Mai"), key("P. Phương Mai"));
}

TEST(AddressKey, EmptyAndClearsTheBuffer) {
    EXPECT_EQ(key(""), "");
    EXPECT_EQ(key(" , ; "), "");
    EXPECT_EQ(key("P., Q."), "");
    std::string out = "old";
    address_key("Hà Nội", out);
    EXPECT_EQ(out, "ha noi");
}

TEST(AddressSimilarity, TokenSets) {
    EXPECT_DOUBLE_EQ(address_similarity("12 tran phu da nang", "12 tran phu da nang"), 1.0);
    EXPECT_DOUBLE_EQ(address_similarity("12 tran phu", "14 tran phu"), 0.5);  // {tran phu} / {12 14 tran phu}
    EXPECT_DOUBLE_EQ(address_similarity("tan phu tan binh", "tan phu"), 2.0 / 3.0);  // sets: "tan" once
    EXPECT_DOUBLE_EQ(address_similarity("ha noi", "da nang"), 0.0);
    EXPECT_DOUBLE_EQ(address_similarity("", "ha noi"), -1.0);
    EXPECT_DOUBLE_EQ(address_similarity("ha noi", ""), -1.0);
    EXPECT_DOUBLE_EQ(address_similarity(key("12 Trần Phú, P. Tân Định, Q. Hải Châu, TP. Đà Nẵng"),
                                        key("Số 12, Đường Trần Phú, Phường Tân Định, Quận Hải Châu, Đà Nẵng")),
                     1.0);
}

}  // namespace
}  // namespace ehb::person
