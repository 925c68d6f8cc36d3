// The standard workload generator: determinism, the traffic mix, document
// structure, identities, and the statuses it promises (recomputed here from
// the documents alone by a deliberately simple reference model).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/provinces.hpp"
#include "tools/workload/generator.hpp"

namespace {

using ehb::workload::Config;
using ehb::workload::Counts;
using ehb::workload::Generator;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

Config small(uint64_t citizens, uint64_t episodes, uint64_t seed) {
    Config c;
    c.citizens = citizens;
    c.episodes = episodes;
    c.seed = seed;
    return c;
}

uint64_t fnv(std::string_view s, uint64_t h = 1469598103934665603ULL) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
    return h;
}

bool all_digits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int num(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool real_date(std::string_view s) {  // yyyymmdd
    if (s.size() != 8 || !all_digits(s)) return false;
    const int y = num(s.substr(0, 4)), m = num(s.substr(4, 2)), d = num(s.substr(6, 2));
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1) return false;
    return d <= kDays[m - 1] + (m == 2 && leap(y));
}

bool real_time(std::string_view s) {  // yyyymmddHHMM
    return s.size() == 12 && real_date(s.substr(0, 8)) && all_digits(s.substr(8)) && num(s.substr(8, 2)) < 24 &&
           num(s.substr(10, 2)) < 60;
}

bool province(std::string_view two) { return two.size() == 2 && ehb::is_province_code(two); }

bool card_ok(std::string_view c) {
    if (c.size() != 15) return false;
    return c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' && c[2] >= '1' && c[2] <= '5' &&
           all_digits(c.substr(3)) && province(c.substr(3, 2));
}

// The 12-digit ID agrees with the birth year and sex.
bool citizen_id_ok(std::string_view id, std::string_view birth, int64_t sex) {
    if (id.size() != 12 || !all_digits(id) || id[0] != '0' || !province(id.substr(1, 2))) return false;
    const int g = id[3] - '0';
    const int year = 1900 + 100 * (g / 2) + num(id.substr(4, 2));
    return year == num(birth.substr(0, 4)) && (g % 2 == 0 ? sex == 1 : sex == 2);
}

// Canonical form: keys sorted, no whitespace (strings compared unescaped).
void canonical(element e, std::string& out) {
    switch (e.type()) {
        case element_type::OBJECT: {
            std::vector<std::pair<std::string_view, element>> members;
            for (auto kv : object(e)) members.emplace_back(kv.key, kv.value);
            std::sort(members.begin(), members.end(),
                      [](const auto& a, const auto& b) { return a.first < b.first; });
            out += '{';
            for (size_t i = 0; i < members.size(); ++i) {
                if (i) out += ',';
                out += '"';
                out += members[i].first;
                out += "\":";
                canonical(members[i].second, out);
            }
            out += '}';
            break;
        }
        case element_type::ARRAY: {
            out += '[';
            bool first = true;
            for (element x : e.get_array()) {
                if (!first) out += ',';
                first = false;
                canonical(x, out);
            }
            out += ']';
            break;
        }
        case element_type::STRING:
            out += '"';
            out += std::string_view(e.get_string());
            out += '"';
            break;
        case element_type::INT64:
            out += std::to_string(int64_t(e.get_int64()));
            break;
        case element_type::UINT64:
            out += std::to_string(uint64_t(e.get_uint64()));
            break;
        case element_type::DOUBLE:
            out += std::to_string(double(e.get_double()));
            break;
        case element_type::BOOL:
            out += bool(e.get_bool()) ? "true" : "false";
            break;
        case element_type::NULL_VALUE:
            out += "null";
            break;
    }
}

constexpr std::string_view kXml1Fields[] = {
    "MA_LK", "STT", "MA_BN", "HO_TEN", "SO_CCCD", "NGAY_SINH", "GIOI_TINH", "NHOM_MAU", "MA_QUOCTICH", "MA_DANTOC",
    "MA_NGHE_NGHIEP", "DIA_CHI", "MATINH_CU_TRU", "MAHUYEN_CU_TRU", "MAXA_CU_TRU", "DIEN_THOAI", "MA_THE_BHYT",
    "MA_DKBD", "GT_THE_TU", "GT_THE_DEN", "NGAY_MIEN_CCT", "LY_DO_VV", "LY_DO_VNT", "MA_LY_DO_VNT", "CHAN_DOAN_VAO",
    "CHAN_DOAN_RV", "MA_BENH_CHINH", "MA_BENH_KT", "MA_BENH_YHCT", "MA_PTTT_QT", "MA_DOITUONG_KCB", "MA_NOI_DI",
    "MA_NOI_DEN", "MA_TAI_NAN", "NGAY_VAO", "NGAY_VAO_NOI_TRU", "NGAY_RA", "GIAY_CHUYEN_TUYEN", "SO_NGAY_DTRI",
    "PP_DIEU_TRI", "KET_QUA_DTRI", "MA_LOAI_RV", "GHI_CHU", "NGAY_TTOAN", "T_THUOC", "T_VTYT", "T_TONGCHI_BV",
    "T_TONGCHI_BH", "T_BNTT", "T_BNCCT", "T_BHTT", "T_NGUONKHAC", "T_BHTT_GDV", "NAM_QT", "THANG_QT", "MA_LOAI_KCB",
    "MA_KHOA", "MA_CSKCB", "MA_KHUVUC", "CAN_NANG", "CAN_NANG_CON", "NAM_NAM_LIEN_TUC", "NGAY_TAI_KHAM", "MA_HSBA",
    "MA_TTDV", "DU_PHONG"};
const std::set<std::string_view> kNumeric = {"STT", "GIOI_TINH", "SO_NGAY_DTRI", "KET_QUA_DTRI", "MA_LOAI_RV",
                                             "MA_TAI_NAN", "T_THUOC", "T_VTYT", "T_TONGCHI_BV", "T_TONGCHI_BH",
                                             "T_BNTT", "T_BNCCT", "T_BHTT", "T_NGUONKHAC", "T_BHTT_GDV", "NAM_QT",
                                             "THANG_QT"};

// One parsed document, as the reference model sees it.
struct Doc {
    bool json = false;
    bool valid = false;
    std::string why;  // first rule broken
    std::string key;  // MA_CSKCB|MA_LK
    std::string canon;
    std::string cccd, card, birth, vao;
    int64_t sex = 0;
    bool xml2 = false, xml4 = false, xml13 = false, xml14 = false;
    size_t rows2 = 0, rows4 = 0;
    bool complete = false;  // every official XML1 field present with the right JSON type
};

std::string_view str_or(object o, std::string_view k, bool& present) {
    std::string_view v;
    present = o[k].get(v) == simdjson::SUCCESS;
    return present ? v : std::string_view();
}

Doc inspect(simdjson::dom::parser& parser, const std::string& text) {
    Doc d;
    element root;
    if (parser.parse(text).get(root) != simdjson::SUCCESS) return d;
    d.json = true;
    object top, x1;
    if (root.get(top) != simdjson::SUCCESS || top["XML1"].get(x1) != simdjson::SUCCESS) {
        d.why = "no XML1";
        return d;
    }
    canonical(root, d.canon);
    auto fail = [&](std::string why) {
        if (d.why.empty()) d.why = std::move(why);
    };
    d.complete = true;
    for (std::string_view f : kXml1Fields) {
        element v;
        if (x1[f].get(v) != simdjson::SUCCESS) {
            d.complete = false;
            continue;
        }
        const bool number = v.is_int64() || v.is_uint64() || v.is_double();
        if (kNumeric.count(f) ? !number : !v.is_string()) d.complete = false;
    }
    bool p;
    const std::string_view ma_lk = str_or(x1, "MA_LK", p);
    const std::string_view facility = str_or(x1, "MA_CSKCB", p);
    d.key = std::string(facility) + "|" + std::string(ma_lk);
    for (std::string_view f : {"MA_LK", "MA_BN", "HO_TEN", "NGAY_SINH", "MA_CSKCB", "NGAY_VAO", "NGAY_RA",
                               "MA_LOAI_KCB", "MA_BENH_CHINH"})
        if (str_or(x1, f, p).empty()) fail("missing " + std::string(f));
    int64_t sex = 0, kq = 0, rv = 0;
    if (x1["GIOI_TINH"].get(sex) != simdjson::SUCCESS || sex < 1 || sex > 3) fail("GIOI_TINH");
    if (x1["KET_QUA_DTRI"].get(kq) != simdjson::SUCCESS || kq < 1 || kq > 8) fail("KET_QUA_DTRI");
    if (x1["MA_LOAI_RV"].get(rv) != simdjson::SUCCESS || rv < 1 || rv > 5) fail("MA_LOAI_RV");
    d.sex = sex;
    if (ma_lk.size() > 100) fail("MA_LK length");
    if (facility.size() != 5 || !province(facility.substr(0, 2))) fail("MA_CSKCB");
    const std::string_view loai = str_or(x1, "MA_LOAI_KCB", p);
    if (loai.size() != 2 || !all_digits(loai) || num(loai) < 1 || num(loai) > 10) fail("MA_LOAI_KCB");
    if (str_or(x1, "MA_BENH_CHINH", p).size() > 7) fail("MA_BENH_CHINH length");
    const std::string_view kt = str_or(x1, "MA_BENH_KT", p);
    if (!kt.empty() && std::count(kt.begin(), kt.end(), ';') + 1 > 12) fail("MA_BENH_KT count");
    d.birth = str_or(x1, "NGAY_SINH", p);
    d.vao = str_or(x1, "NGAY_VAO", p);
    const std::string vnt(str_or(x1, "NGAY_VAO_NOI_TRU", p)), ra(str_or(x1, "NGAY_RA", p));
    if (!real_time(d.birth)) fail("NGAY_SINH");
    if (!real_time(d.vao)) fail("NGAY_VAO");
    if (!real_time(ra)) fail("NGAY_RA");
    if (!vnt.empty() && !real_time(vnt)) fail("NGAY_VAO_NOI_TRU");
    if (ra < d.vao) fail("NGAY_RA before NGAY_VAO");
    if (!vnt.empty() && (vnt < d.vao || ra < vnt)) fail("NGAY_VAO_NOI_TRU order");
    for (std::string_view f : {"GT_THE_TU", "GT_THE_DEN"}) {
        const std::string_view v = str_or(x1, f, p);
        if (!v.empty() && !real_date(v)) fail(std::string(f));
    }
    d.cccd = str_or(x1, "SO_CCCD", p);
    if (!d.cccd.empty() && d.cccd.size() != 9 && !citizen_id_ok(d.cccd, d.birth, sex)) fail("SO_CCCD");
    if (d.cccd.size() == 9 && !all_digits(d.cccd)) fail("SO_CCCD 9");
    d.card = str_or(x1, "MA_THE_BHYT", p);
    if (!d.card.empty() && !card_ok(d.card)) fail("MA_THE_BHYT");

    auto rows = [&](std::string_view table, bool& present, size_t& count) {
        simdjson::dom::array arr;
        if (top[table].get(arr) != simdjson::SUCCESS) return;
        present = true;
        for (element r : arr) {
            ++count;
            std::string_view lk;
            if (r["MA_LK"].get(lk) != simdjson::SUCCESS || lk != ma_lk) fail(std::string(table) + ".MA_LK");
        }
    };
    rows("XML2", d.xml2, d.rows2);
    rows("XML4", d.xml4, d.rows4);
    for (std::string_view table : {"XML13", "XML14"}) {
        object o;
        if (top[table].get(o) != simdjson::SUCCESS) continue;
        (table == "XML13" ? d.xml13 : d.xml14) = true;
        if (str_or(o, "MA_LK", p) != ma_lk) fail(std::string(table) + ".MA_LK");
        if (table == "XML14" && !(str_or(o, "NGAY_HEN_KL", p) > ra)) fail("NGAY_HEN_KL");
    }
    if ((rv == 2 || rv == 5) != d.xml13) fail("MA_LOAI_RV vs XML13");
    d.valid = d.why.empty();
    return d;
}

// The engine's rules, applied to the documents in order.
struct Reference {
    Counts counts;
    std::unordered_map<std::string, uint64_t> current;  // key -> hash of canonical content
    std::unordered_map<std::string, std::string> si_owner;

    void feed(const Doc& d, size_t bytes) {
        ++counts.records;
        counts.bytes += bytes;
        if (!d.valid) {
            ++counts.rejected;
            return;
        }
        const uint64_t h = fnv(d.canon);
        auto it = current.find(d.key);
        if (it == current.end()) {
            current.emplace(d.key, h);
            ++counts.accepted;
        } else if (it->second == h) {
            ++counts.duplicate;
            return;
        } else {
            it->second = h;
            ++counts.new_version;
        }
        if (d.cccd.size() == 12 && d.card.size() == 15) {
            const std::string si = d.card.substr(5);
            auto [owner, fresh] = si_owner.emplace(si, d.cccd);
            if (!fresh && owner->second != d.cccd) ++counts.flagged;
        }
    }
};

void expect_same(const Counts& a, const Counts& b) {
    EXPECT_EQ(a.records, b.records);
    EXPECT_EQ(a.accepted, b.accepted);
    EXPECT_EQ(a.duplicate, b.duplicate);
    EXPECT_EQ(a.new_version, b.new_version);
    EXPECT_EQ(a.rejected, b.rejected);
    EXPECT_EQ(a.flagged, b.flagged);
    EXPECT_EQ(a.bytes, b.bytes);
}

uint64_t stream_hash(const Config& c, uint64_t* n = nullptr) {
    Generator g(c);
    std::string doc;
    uint64_t h = 1469598103934665603ULL, count = 0;
    while (g.next(doc)) {
        h = fnv(doc, h);
        h = fnv("\n", h);
        ++count;
    }
    if (n) *n = count;
    return h;
}

}  // namespace

TEST(Workload, SameSeedSameBytesOtherSeedOtherBytes) {
    const uint64_t a = stream_hash(small(2000, 3000, 42));
    EXPECT_EQ(a, stream_hash(small(2000, 3000, 42)));
    EXPECT_NE(a, stream_hash(small(2000, 3000, 43)));
    EXPECT_NE(a, stream_hash(small(2001, 3000, 42)));
}

TEST(Workload, DocumentsTotalIsWhatNextProduces) {
    for (uint64_t episodes : {0ull, 1ull, 7ull, 100ull, 4600ull}) {
        Generator g(small(500, episodes, 5));
        std::string doc;
        uint64_t n = 0;
        while (g.next(doc)) ++n;
        EXPECT_EQ(n, g.documents_total()) << episodes;
        EXPECT_EQ(g.expected().records, n);
        EXPECT_FALSE(g.next(doc));
        EXPECT_EQ(g.documents_total(), static_cast<uint64_t>(static_cast<double>(episodes) / 0.92 + 0.5));
        const Counts& c = g.expected();
        EXPECT_EQ(c.accepted + c.rejected, episodes);  // every new episode is accepted or rejected
    }
}

TEST(Workload, RejectsImpossibleConfigs) {
    EXPECT_THROW(Generator(small(0, 10, 1)), std::invalid_argument);
    Config c = small(10, 10, 1);
    c.mix.resend = 0.5;
    c.mix.correction = 0.5;
    EXPECT_THROW(Generator{c}, std::invalid_argument);
    c = small(10, 10, 1);
    c.mix.invalid = -0.1;
    EXPECT_THROW(Generator{c}, std::invalid_argument);
}

// Every count the generator promises, recomputed from the documents alone.
void check_against_reference(const Config& cfg) {
    Generator g(cfg);
    simdjson::dom::parser parser;
    Reference ref;
    std::string doc;
    std::string last_vao;
    uint64_t first_versions = 0, with2 = 0, with4 = 0, with13 = 0, with14 = 0, rows2 = 0, rows4 = 0, size = 0;
    uint64_t incomplete = 0, reordered = 0;
    std::unordered_set<std::string> seen_keys;
    std::unordered_set<uint64_t> seen_bytes;
    while (g.next(doc)) {
        const Doc d = inspect(parser, doc);
        ASSERT_TRUE(d.json) << doc.substr(0, 200);
        ASSERT_FALSE(d.canon.empty()) << d.why;
        ASSERT_EQ(doc.find('\n'), std::string::npos);
        ref.feed(d, doc.size());
        const bool fresh_bytes = seen_bytes.insert(fnv(doc)).second;
        if (!d.valid) continue;
        if (!d.complete) ++incomplete;
        if (seen_keys.insert(d.key).second) {
            // A new episode: admissions never go back in time; MA_LK starts with the admission date.
            EXPECT_LE(last_vao, d.vao);
            last_vao = d.vao;
            EXPECT_EQ(d.key.substr(6, 8), d.vao.substr(0, 8));
            ++first_versions;
            with2 += d.xml2;
            with4 += d.xml4;
            with13 += d.xml13;
            with14 += d.xml14;
            rows2 += d.rows2;
            rows4 += d.rows4;
            size += doc.size();
        } else if (fresh_bytes && ref.current[d.key] == fnv(d.canon) && doc.front() == ' ') {
            ++reordered;  // same content, other bytes
        }
    }
    expect_same(g.expected(), ref.counts);
    EXPECT_EQ(incomplete, 0u) << "valid documents must carry every XML1 field with its JSON type";
    EXPECT_GT(reordered, 0u);

    if (cfg.episodes >= 40000 && cfg.mix.resend == Config{}.mix.resend) {
        const double e = static_cast<double>(first_versions);
        const double docs = static_cast<double>(ref.counts.records);
        EXPECT_NEAR(ref.counts.duplicate / docs, 0.06, 0.002);
        EXPECT_NEAR(ref.counts.new_version / docs, 0.02, 0.002);
        EXPECT_NEAR(ref.counts.rejected / static_cast<double>(cfg.episodes), 0.005, 0.0015);
        EXPECT_NEAR(ref.counts.flagged / static_cast<double>(cfg.episodes), 0.002, 0.001);
        EXPECT_NEAR(with2 / e, 0.60, 0.04);
        EXPECT_NEAR(with4 / e, 0.40, 0.04);
        EXPECT_NEAR(with13 / e, 0.05, 0.01);
        EXPECT_NEAR(with14 / e, 0.10, 0.02);
        EXPECT_NEAR(static_cast<double>(rows2) / with2, 4.0, 0.5);
        EXPECT_NEAR(static_cast<double>(rows4) / with4, 8.0, 1.0);
        const double avg = size / e;
        EXPECT_GT(avg, 3500);
        EXPECT_LT(avg, 5500);
    }
}

TEST(Workload, StandardMixMatchesReferenceModel) { check_against_reference(small(20000, 46000, 3)); }

TEST(Workload, HeavyMixMatchesReferenceModel) {
    Config c = small(3000, 8000, 9);  // few citizens: many visits each
    c.mix.resend = 0.2;
    c.mix.correction = 0.25;
    c.mix.reorder = 0.1;
    c.mix.card_only = 0.1;
    c.mix.old_id = 0.1;
    c.mix.conflict = 0.05;
    c.mix.invalid = 0.05;
    check_against_reference(c);
    Generator g(c);
    std::string doc;
    while (g.next(doc)) {
    }
    EXPECT_GT(g.expected().flagged, 300u);
    EXPECT_GT(g.expected().new_version, 3000u);
}

TEST(Workload, InvalidEpisodesAreRejectedForOneReason) {
    Config c = small(2000, 4000, 11);
    c.mix.invalid = 0.25;
    Generator g(c);
    simdjson::dom::parser parser;
    std::string doc;
    std::map<std::string, int> reasons;
    while (g.next(doc)) {
        const Doc d = inspect(parser, doc);
        ASSERT_TRUE(d.json);
        if (!d.valid) ++reasons[d.why.substr(0, d.why.find(' '))];
    }
    EXPECT_EQ(g.expected().rejected, static_cast<uint64_t>([&] {
                  int n = 0;
                  for (auto& [k, v] : reasons) n += v;
                  return n;
              }()));
    // Every kind of error occurs: missing fields, impossible dates, malformed IDs, discharge first.
    EXPECT_GT(reasons["missing"] + reasons["GIOI_TINH"] + reasons["KET_QUA_DTRI"] + reasons["MA_LOAI_RV"], 50);
    EXPECT_GT(reasons["NGAY_SINH"] + reasons["NGAY_VAO"] + reasons["NGAY_RA"] + reasons["GT_THE_TU"] +
                  reasons["GT_THE_DEN"],
              50);
    EXPECT_GT(reasons["SO_CCCD"] + reasons["MA_THE_BHYT"], 50);
}

TEST(Workload, CitizenIdentifiersAreWellFormedAndUnique) {
    const uint64_t P = 50000;
    Generator g(small(P, 10, 1));
    std::unordered_set<std::string> ids, sis;
    for (uint64_t i = 0; i < P; ++i) {
        const std::string id = g.citizen_id(i), card = g.card_number(i);
        ASSERT_EQ(id.size(), 12u);
        ASSERT_TRUE(all_digits(id)) << id;
        ASSERT_EQ(id[0], '0');
        ASSERT_TRUE(province(id.substr(1, 2))) << id;
        ASSERT_TRUE(card_ok(card)) << card;
        EXPECT_TRUE(ids.insert(id).second) << "duplicate citizen ID " << id;
        EXPECT_TRUE(sis.insert(card.substr(5)).second) << "duplicate SI " << card;
        const int g_digit = id[3] - '0';
        if (card.starts_with("TE")) {
            EXPECT_GE(1900 + 100 * (g_digit / 2) + num(id.substr(4, 2)), 2019) << id << " " << card;
        }
    }
    // Sex digit splits about evenly; children under 6 hold TE cards (about 8% of people).
    uint64_t te = 0, female = 0;
    for (uint64_t i = 0; i < P; ++i) {
        te += g.card_number(i).starts_with("TE");
        female += (g.citizen_id(i)[3] - '0') % 2;
    }
    EXPECT_NEAR(static_cast<double>(female) / P, 0.5, 0.02);
    EXPECT_NEAR(static_cast<double>(te) / P, 0.08, 0.02);
}

TEST(Workload, DocumentsCarryTheCitizensIdentifiers) {
    const uint64_t P = 3000;
    Config c = small(P, 12000, 21);
    c.mix.conflict = 0.02;
    Generator g(c);
    std::unordered_map<std::string, std::string> card_of;  // citizen ID -> card
    std::unordered_set<std::string> cards;
    for (uint64_t i = 0; i < P; ++i) {
        card_of[g.citizen_id(i)] = g.card_number(i);
        cards.insert(g.card_number(i));
    }
    simdjson::dom::parser parser;
    Reference ref;
    std::string doc;
    uint64_t mismatched_stored = 0, checked = 0, children = 0, children_te = 0;
    while (g.next(doc)) {
        const Doc d = inspect(parser, doc);
        const Counts before = ref.counts;
        ref.feed(d, doc.size());
        if (!d.valid) continue;
        const bool stored = ref.counts.accepted + ref.counts.new_version > before.accepted + before.new_version;
        EXPECT_TRUE(cards.count(d.card)) << "unknown card " << d.card;
        if (d.cccd.size() == 12) {
            ++checked;
            auto it = card_of.find(d.cccd);
            ASSERT_NE(it, card_of.end()) << "unknown citizen ID " << d.cccd;
            if (it->second != d.card) {
                mismatched_stored += stored;  // a conflict: someone else's card
            } else if (num(d.birth.substr(0, 4)) >= 2019) {
                ++children;
                children_te += d.card.starts_with("TE1");
            }
        }
    }
    EXPECT_GT(checked, 10000u);
    // Only conflicts (and their corrections) carry another person's card, and each is flagged.
    EXPECT_EQ(mismatched_stored, g.expected().flagged);
    EXPECT_GT(g.expected().flagged, 100u);
    EXPECT_GT(children, 100u);
    EXPECT_EQ(children, children_te);
}
