// The labelled person-record generator: the CSV it writes (header, counts,
// determinism, identifier formats, the ground truth and what the Stats say
// about it), and the text corruptions on their own.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tests/tmpdir.hpp"
#include "tools/people/corrupt.hpp"
#include "tools/people/name_tables.hpp"
#include "tools/people/people.hpp"
#include "tools/workload/dates.hpp"
#include "tools/workload/tables.hpp"

namespace {

namespace people = ehb::people;
namespace T = ehb::workload::tables;

enum Col {
    kRecId, kTruePerson, kSource, kName, kBirth, kSex, kAddress, kWard, kProvince, kCccd, kCmnd, kPassport, kCard,
    kBhxh, kFacility, kMrn, kColumns
};

using Row = std::vector<std::string>;

// One CSV line (RFC 4180 quoting; values hold no line breaks).
Row split(std::string_view line) {
    Row out(1);
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                out.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                out.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            out.emplace_back();
        } else {
            out.back() += c;
        }
    }
    return out;
}

struct Generated {
    std::string bytes;
    people::Stats stats;
};

Generated generate(uint64_t records, uint64_t seed) {
    ehb::test::TempDir dir;
    const std::string path = (dir / "people.csv").string();
    std::FILE* f = std::fopen(path.c_str(), "wb");
    EXPECT_NE(f, nullptr);
    Generated g;
    g.stats = people::generate({records, seed}, f);
    EXPECT_EQ(std::fclose(f), 0);
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    g.bytes = ss.str();
    return g;
}

std::vector<std::string_view> lines(std::string_view s) {
    std::vector<std::string_view> out;
    while (!s.empty()) {
        const size_t nl = s.find('\n');
        out.push_back(s.substr(0, nl));
        s.remove_prefix(nl == std::string_view::npos ? s.size() : nl + 1);
    }
    return out;
}

bool digits(std::string_view s, size_t n) {
    return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool upper_letter(char c) { return c >= 'A' && c <= 'Z'; }

uint64_t count(const people::Stats& st, std::string_view name) {
    for (const auto& [n, v] : st.corruptions)
        if (n == name) return v;
    ADD_FAILURE() << "no corruption named " << name;
    return 0;
}

std::string first_token(const std::string& name) { return name.substr(0, name.find(' ')); }

// 100,000 records, generated and parsed once for the tests that read them.
class PeopleFile : public ::testing::Test {
protected:
    static constexpr uint64_t kRecords = 100000;

    static void SetUpTestSuite() {
        file_ = new Generated(generate(kRecords, 7));
        rows_ = new std::vector<Row>;
        const auto ls = lines(file_->bytes);
        for (size_t k = 1; k < ls.size(); ++k) rows_->push_back(split(ls[k]));
    }
    static void TearDownTestSuite() {
        delete file_;
        delete rows_;
    }
    static const std::vector<Row>& rows() { return *rows_; }
    static const people::Stats& stats() { return file_->stats; }

    static Generated* file_;
    static std::vector<Row>* rows_;
};

Generated* PeopleFile::file_ = nullptr;
std::vector<Row>* PeopleFile::rows_ = nullptr;

TEST_F(PeopleFile, HeaderThenExactlyTheRecordsAskedFor) {
    const auto ls = lines(file_->bytes);
    ASSERT_FALSE(ls.empty());
    EXPECT_EQ(ls[0], "rec_id,true_person,source,full_name,birth_date,sex,address,ward,province,cccd,cmnd,passport,"
                     "card,bhxh,facility,mrn");
    EXPECT_EQ(file_->bytes.back(), '\n');
    ASSERT_EQ(rows().size(), kRecords);
    EXPECT_EQ(stats().records, kRecords);
    for (size_t k = 0; k < rows().size(); ++k) {
        ASSERT_EQ(rows()[k].size(), static_cast<size_t>(kColumns)) << ls[k + 1];
        std::string id = "R";
        id += std::to_string(k + 1);
        ASSERT_EQ(rows()[k][kRecId], id);
    }
    for (const uint64_t n : {0u, 1u, 37u}) {
        const Generated g = generate(n, 3);
        EXPECT_EQ(lines(g.bytes).size(), n + 1) << n;
        EXPECT_EQ(g.stats.records, n);
    }
}

TEST(People, SameSeedSameBytesOtherSeedOtherBytes) {
    const Generated a = generate(5000, 11), b = generate(5000, 11), c = generate(5000, 12);
    EXPECT_EQ(a.bytes, b.bytes);
    EXPECT_NE(a.bytes, c.bytes);
    EXPECT_EQ(a.stats.true_pairs, b.stats.true_pairs);
}

TEST(People, RejectsMoreRecordsThanSerialsAllow) {
    EXPECT_THROW(people::generate({people::kMaxRecords + 1, 1}, nullptr), std::invalid_argument);
}

TEST_F(PeopleFile, EveryValueHasItsFormat) {
    std::set<std::string> provinces;
    for (const auto& p : T::kProvinces) provinces.insert(std::string(p.code));
    for (const Row& r : rows()) {
        SCOPED_TRACE(r[kRecId]);
        ASSERT_EQ(r[kTruePerson][0], 'T');
        ASSERT_TRUE(r[kSource] == "national" || r[kSource] == "insurance" || r[kSource] == "facility");
        ASSERT_FALSE(r[kName].empty());
        const std::string& b = r[kBirth];
        ASSERT_TRUE(b.empty() || digits(b, 4) || digits(b, 8) ||
                    (b.size() == 10 && b[4] == '-' && b[7] == '-' && digits(b.substr(0, 4), 4) &&
                     digits(b.substr(5, 2), 2) && digits(b.substr(8, 2), 2)))
            << b;
        ASSERT_TRUE(r[kSex].empty() || r[kSex] == "1" || r[kSex] == "2");
        ASSERT_TRUE(r[kWard].empty() || digits(r[kWard], 5));
        ASSERT_TRUE(r[kProvince].empty() || provinces.count(r[kProvince]));
        ASSERT_TRUE(r[kCccd].empty() || digits(r[kCccd], 12)) << r[kCccd];
        ASSERT_TRUE(r[kCmnd].empty() || digits(r[kCmnd], 9));
        ASSERT_TRUE(r[kPassport].empty() || (upper_letter(r[kPassport][0]) && digits(r[kPassport].substr(1), 7)));
        // ^[A-Z]{2}[1-5]\d{12}$ (TE1 temporary cards included)
        const std::string& card = r[kCard];
        ASSERT_TRUE(card.empty() || (card.size() == 15 && upper_letter(card[0]) && upper_letter(card[1]) &&
                                     card[2] >= '1' && card[2] <= '5' && digits(card.substr(3), 12)))
            << card;
        ASSERT_TRUE(card.empty() || provinces.count(card.substr(3, 2)));
        ASSERT_TRUE(r[kBhxh].empty() || digits(r[kBhxh], 10));
        ASSERT_TRUE(r[kBhxh].empty() || card.empty() || card.substr(5) == r[kBhxh]);
        ASSERT_TRUE(r[kFacility].empty() || (digits(r[kFacility], 5) && provinces.count(r[kFacility].substr(0, 2))));
        ASSERT_TRUE(r[kMrn].empty() || !r[kFacility].empty());
    }
}

// The exact records: full name, birth date, sex and identifiers as the population database holds them.
TEST_F(PeopleFile, NationalRecordsAreExactAndTheirIdsHaveTheLayout) {
    std::set<std::string> provinces;
    for (const auto& p : T::kProvinces) {
        std::string code = "0";
        code += p.code;
        provinces.insert(code);
    }
    uint64_t national = 0;
    for (const Row& r : rows()) {
        if (r[kSource] != "national") continue;
        ++national;
        SCOPED_TRACE(r[kRecId]);
        ASSERT_TRUE(digits(r[kBirth], 8));
        ASSERT_FALSE(r[kSex].empty());
        ASSERT_FALSE(r[kAddress].empty());
        ASSERT_TRUE(r[kFacility].empty() && r[kMrn].empty() && r[kCard].empty());
        const std::string& id = r[kCccd];
        if (id.empty()) continue;
        EXPECT_TRUE(provinces.count(id.substr(0, 3)));
        const int year = std::stoi(r[kBirth].substr(0, 4));
        EXPECT_EQ(id[3] - '0', (year >= 2000 ? 2 : 0) + (r[kSex] == "2" ? 1 : 0));
        EXPECT_EQ(id.substr(4, 2), r[kBirth].substr(2, 2));
    }
    EXPECT_NEAR(static_cast<double>(national) / kRecords, 0.05, 0.005);
}

TEST_F(PeopleFile, SourcesAndMissingIdentifiersInTheirShares) {
    std::map<std::string, uint64_t> sources;
    uint64_t without = 0;
    for (const Row& r : rows()) {
        ++sources[r[kSource]];
        if (r[kCccd].empty() && r[kCmnd].empty() && r[kPassport].empty() && r[kCard].empty() && r[kBhxh].empty())
            ++without;
    }
    EXPECT_NEAR(static_cast<double>(sources["insurance"]) / kRecords, 0.15, 0.01);
    EXPECT_NEAR(static_cast<double>(sources["facility"]) / kRecords, 0.80, 0.01);
    EXPECT_EQ(without, stats().no_national_id);
    EXPECT_GE(static_cast<double>(without) / kRecords, 0.25);
    EXPECT_LE(static_cast<double>(without) / kRecords, 0.40);
}

TEST_F(PeopleFile, TruePairsAndPersonsMatchTheFile) {
    std::unordered_map<std::string, uint64_t> per_person;
    for (const Row& r : rows()) ++per_person[r[kTruePerson]];
    uint64_t pairs = 0;
    for (const auto& [p, n] : per_person) pairs += n * (n - 1) / 2;
    EXPECT_EQ(pairs, stats().true_pairs);
    EXPECT_EQ(per_person.size(), stats().persons);
    EXPECT_GT(stats().true_pairs, kRecords);  // most persons have several records
}

// Records of one person arrive spread over the file, not one after another.
TEST_F(PeopleFile, RecordsOfAPersonAreInterleaved) {
    std::unordered_map<std::string, size_t> last;
    uint64_t adjacent = 0, repeats = 0;
    for (size_t k = 0; k < rows().size(); ++k) {
        const auto [it, fresh] = last.try_emplace(rows()[k][kTruePerson], k);
        if (!fresh) {
            ++repeats;
            adjacent += it->second + 1 == k;
            it->second = k;
        }
    }
    EXPECT_LT(adjacent * 100, repeats);
}

// Wherever a card or bhxh is present it carries the person's one social-insurance code,
// but for the counted corruptions (a wrong digit, a household member's card).
TEST_F(PeopleFile, OnePersonOneSocialInsuranceCode) {
    std::unordered_map<std::string, std::map<std::string, uint64_t>> codes;
    std::unordered_map<std::string, std::string> insured;  // from insurance records, which are exact
    std::unordered_map<std::string, std::string> owner;
    for (const Row& r : rows()) {
        const std::string code = r[kCard].empty() ? r[kBhxh] : r[kCard].substr(5);
        if (code.empty()) continue;
        ++codes[r[kTruePerson]][code];
        if (r[kSource] != "insurance") continue;
        const auto [it, fresh] = insured.try_emplace(r[kTruePerson], code);
        EXPECT_EQ(it->second, code) << r[kRecId];
        const auto [o, first] = owner.try_emplace(code, r[kTruePerson]);
        EXPECT_EQ(o->second, r[kTruePerson]) << "two persons insured under " << code;
    }
    uint64_t mismatched = 0;
    for (const auto& [person, by_code] : codes) {
        uint64_t total = 0, most = 0;
        for (const auto& [code, n] : by_code) total += n, most = std::max(most, n);
        mismatched += total - most;
    }
    const uint64_t corrupted = count(stats(), "card_digit_wrong") + count(stats(), "household_card");
    EXPECT_GT(mismatched, 0u);
    EXPECT_LE(mismatched, corrupted);
    EXPECT_GE(mismatched * 2, corrupted);
}

// Citizen IDs, CMNDs and passports belong to one person each; a patient number is one
// person's at one facility, and a person keeps it there.
TEST_F(PeopleFile, IdentifiersAreUniqueAndPatientNumbersStable) {
    std::unordered_map<std::string, std::set<std::string>> cccd, cmnd, mrn_owner, person_mrn;
    for (const Row& r : rows()) {
        if (!r[kCccd].empty() && r[kCccd] != "000000000000") cccd[r[kCccd]].insert(r[kTruePerson]);
        if (!r[kCmnd].empty()) cmnd[r[kCmnd]].insert(r[kTruePerson]);
        if (r[kMrn].empty()) continue;
        mrn_owner[r[kFacility] + "/" + r[kMrn]].insert(r[kTruePerson]);
        person_mrn[r[kFacility] + "/" + r[kTruePerson]].insert(r[kMrn]);
    }
    uint64_t shared_cccd = 0;
    for (const auto& [id, who] : cccd) shared_cccd += who.size() > 1;
    EXPECT_LE(shared_cccd, count(stats(), "cccd_digit_wrong"));
    for (const auto& [id, who] : cmnd) EXPECT_EQ(who.size(), 1u) << id;
    for (const auto& [key, who] : mrn_owner) EXPECT_EQ(who.size(), 1u) << key;
    for (const auto& [key, numbers] : person_mrn) EXPECT_EQ(numbers.size(), 1u) << key;
}

// Twins: two persons born the same day with the same family name at the same address.
TEST_F(PeopleFile, TwinsExist) {
    EXPECT_GT(stats().twin_pairs, 0u);
    std::map<std::string, std::set<std::string>> by_key;
    for (const Row& r : rows())
        if (r[kSource] != "facility" && digits(r[kBirth], 8) && !r[kAddress].empty())
            by_key[r[kBirth] + "|" + first_token(r[kName]) + "|" + r[kAddress]].insert(r[kTruePerson]);
    uint64_t twins = 0;
    for (const auto& [key, who] : by_key) twins += who.size() > 1;
    EXPECT_GT(twins, 0u);
}

TEST_F(PeopleFile, PlaceholdersAreUnknownPatientsOfOneRecord) {
    const std::set<std::string> names = {"Không rõ tên", "Vô danh", "Bệnh nhân vô danh", "BN vô danh"};
    std::unordered_map<std::string, uint64_t> per_person;
    for (const Row& r : rows()) ++per_person[r[kTruePerson]];
    uint64_t placeholders = 0;
    for (const Row& r : rows()) {
        if (!names.count(r[kName])) continue;
        ++placeholders;
        EXPECT_EQ(per_person[r[kTruePerson]], 1u);
        EXPECT_TRUE(r[kCccd].empty() || r[kCccd] == "000000000000");
        EXPECT_TRUE(r[kBirth].empty() || r[kBirth].size() == 4);
        EXPECT_FALSE(r[kFacility].empty());
        EXPECT_FALSE(r[kMrn].empty());
        EXPECT_EQ(r[kSource], "facility");
    }
    EXPECT_EQ(placeholders, stats().placeholders);
    EXPECT_EQ(placeholders, kRecords / 1000);
}

TEST_F(PeopleFile, EveryCorruptionOccurs) {
    ASSERT_FALSE(stats().corruptions.empty());
    for (const auto& [name, n] : stats().corruptions) EXPECT_GT(n, 0u) << name;
    EXPECT_GT(stats().movers, 0u);
    // A quarter of the facility records have their name folded to ASCII.
    EXPECT_NEAR(static_cast<double>(count(stats(), "name_folded")) / (kRecords * 0.8), 0.25, 0.01);
}

TEST(PeopleNames, TablesAreWideAndDistinct) {
    for (const auto& table : {std::span<const T::Weighted>(people::names::kGivenMale),
                              std::span<const T::Weighted>(people::names::kGivenFemale)}) {
        std::set<std::string_view> seen;
        for (const auto& g : table) EXPECT_TRUE(seen.insert(g.text).second) << g.text;
        EXPECT_GE(seen.size(), 150u);
    }
    for (std::string_view c : people::names::kCompoundFemale) EXPECT_NE(c.find(' '), std::string_view::npos);
    for (std::string_view c : people::names::kCompoundMale) EXPECT_NE(c.find(' '), std::string_view::npos);
}

// ---- the corruptions' text

std::string name(std::vector<std::string_view> tokens, const people::NameStyle& style) {
    char buf[512];
    people::W w{buf};
    people::write_name(tokens, style, w);
    return std::string(buf, static_cast<size_t>(w.p - buf));
}

std::u32string decode(std::string_view s) {
    std::u32string out;
    for (size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        char32_t cp = n == 1 ? c : c & (0x7F >> n);
        for (int k = 1; k < n; ++k) cp = cp << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        out += cp;
        i += static_cast<size_t>(n);
    }
    return out;
}

// Optimal string alignment distance (adjacent transpositions count 1), ASCII case aside.
size_t distance(std::u32string a, std::u32string b) {
    for (std::u32string* s : {&a, &b})
        for (char32_t& c : *s)
            if (c >= 'A' && c <= 'Z') c += 32;
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i)
        for (size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

TEST(PeopleCorrupt, FoldCapsAndDecompose) {
    const std::vector<std::string_view> n = {"Nguyễn", "Thị", "Thu", "Thủy"};
    EXPECT_EQ(name(n, {}), "Nguyễn Thị Thu Thủy");
    EXPECT_EQ(name(n, {.fold = true}), "Nguyen Thi Thu Thuy");
    EXPECT_EQ(name(n, {.caps = true}), "NGUYỄN THỊ THU THỦY");
    EXPECT_EQ(name(n, {.fold = true, .caps = true}), "NGUYEN THI THU THUY");
    EXPECT_EQ(name(n, {.nfd = true}), "Nguye\u0302\u0303n Thi\u0323 Thu Thu\u0309y");
    EXPECT_EQ(name({"Đặng", "Thị", "Ngọc", "Ánh"}, {.nfd = true}),
              "\u0110a\u0323\u0306ng Thi\u0323 Ngo\u0323c A\u0301nh");  // đ does not decompose
    EXPECT_EQ(name({"Trương", "Ước"}, {.nfd = true}), "Tru\u031Bo\u031Bng U\u031Bo\u031B\u0301c");
    EXPECT_EQ(name({"Đặng", "Ước"}, {.fold = true}), "Dang Uoc");
    EXPECT_EQ(name({"Lê", "Văn", "Tám"}, {.double_space = 0}), "Lê  Văn Tám");
}

// (A deleted initial leaves the next letter capital: "Thị" -> "Hị".)
TEST(PeopleCorrupt, ATypoChangesOneLetterOfOneToken) {
    const std::vector<std::string_view> n = {"Nguyễn", "Thị", "Ngọc", "Ánh"};
    for (uint64_t bits = 0; bits < 2000; ++bits) {
        const int token = static_cast<int>(bits % 4);
        const std::string out = name(n, {.typo_token = token, .typo_bits = bits * 0x9e3779b97f4a7c15ULL});
        std::vector<std::string> got;
        for (size_t at = 0, end; at <= out.size(); at = end + 1) {
            end = std::min(out.find(' ', at), out.size());
            got.push_back(out.substr(at, end - at));
        }
        ASSERT_EQ(got.size(), 4u) << out;
        for (int k = 0; k < 4; ++k)
            if (k == token)
                EXPECT_EQ(distance(decode(n[k]), decode(got[k])), 1u) << out;
            else
                EXPECT_EQ(got[k], n[k]) << out;
    }
}

TEST(PeopleCorrupt, SpellingVariants) {
    EXPECT_EQ(people::spelling_variant("Hòa"), "Hoà");
    EXPECT_EQ(people::spelling_variant("Thủy"), "Thuỷ");
    EXPECT_EQ(people::spelling_variant("Quý"), "Quí");
    EXPECT_EQ(people::spelling_variant("Mỹ"), "Mĩ");
    EXPECT_EQ(people::spelling_variant("Lý"), "Lí");
    EXPECT_EQ(people::spelling_variant("Kỳ"), "Kì");
    EXPECT_EQ(people::spelling_variant("Vy"), "Vi");
    EXPECT_EQ(people::spelling_variant("Nam"), "");
}

int province(std::string_view name) {
    for (int p = 0; p < 63; ++p)
        if (T::kProvinces[p].name == name) return p;
    return -1;
}

int place(std::string_view name) {
    for (size_t k = 0; k < std::size(T::kPlaces); ++k)
        if (T::kPlaces[k] == name) return static_cast<int>(k);
    return -1;
}

std::string address(const people::Address& a, const people::AddressStyle& s) {
    char buf[512];
    people::W w{buf};
    people::write_address(a, s, w);
    return std::string(buf, static_cast<size_t>(w.p - buf));
}

TEST(PeopleCorrupt, AddressesInFullAndAbbreviated) {
    people::Address city;
    city.prov = static_cast<uint8_t>(province("Thành phố Hồ Chí Minh"));
    city.urban = true;
    city.number = 12;
    city.street_kind = 0;
    city.street = static_cast<uint8_t>(place("Lê Lợi"));
    city.ward = static_cast<uint8_t>(place("Tân Định"));
    city.district = static_cast<uint8_t>(place("Hải Châu"));
    EXPECT_EQ(address(city, {}), "Số 12, Đường Lê Lợi, Phường Tân Định, Quận Hải Châu, Thành phố Hồ Chí Minh");
    EXPECT_EQ(address(city, {.abbreviated = true, .tight = true}),
              "12 Đường Lê Lợi, P.Tân Định, Q.Hải Châu, TP.Hồ Chí Minh");
    EXPECT_EQ(address(city, {.abbreviated = true, .tp_short = true}),
              "12 Đường Lê Lợi, P. Tân Định, Q. Hải Châu, Tp Hồ Chí Minh");
    people::Address village;
    village.prov = static_cast<uint8_t>(province("Tỉnh Nam Định"));
    village.number = 3;
    village.ward = static_cast<uint8_t>(place("An Phú"));
    village.district = static_cast<uint8_t>(place("Cầu Giấy"));
    EXPECT_EQ(address(village, {}), "Thôn 3, Xã An Phú, Huyện Cầu Giấy, Tỉnh Nam Định");
    EXPECT_EQ(address(village, {.abbreviated = true}), "Thôn 3, X. An Phú, H. Cầu Giấy, T. Nam Định");
    EXPECT_EQ(people::ward_code(village), people::ward_code(village));
}

std::string ymd(int64_t day) {
    const auto c = ehb::workload::civil_from_days(day);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d%02u%02u", c.y, c.m, c.d);
    return buf;
}

TEST(PeopleCorrupt, BirthDateErrors) {
    using ehb::workload::days_from_civil;
    EXPECT_TRUE(people::day_month_swappable(days_from_civil(2001, 3, 5)));
    EXPECT_FALSE(people::day_month_swappable(days_from_civil(2001, 3, 3)));
    EXPECT_FALSE(people::day_month_swappable(days_from_civil(2001, 3, 13)));
    EXPECT_EQ(ymd(people::swap_day_month(days_from_civil(2001, 3, 5))), "20010503");
    for (const int64_t day :
         {days_from_civil(1996, 2, 29), days_from_civil(2024, 12, 31), days_from_civil(1950, 10, 10)})
        for (uint64_t bits = 0; bits < 200; ++bits) {
            const std::string a = ymd(day), b = ymd(people::with_wrong_digit(day, bits * 0x2545F4914F6CDD1DULL));
            int diff = 0;
            for (size_t k = 0; k < 8; ++k) diff += a[k] != b[k];
            EXPECT_EQ(diff, 1) << a << " -> " << b;
            EXPECT_EQ(a.substr(0, 2), b.substr(0, 2));
            EXPECT_LE(std::stoi(b.substr(0, 4)), people::kReferenceYear);
        }
}

}  // namespace
