// The statistics for health management (engine/stats.hpp) on a real store:
// hand-computed cases, a differential recount from the log, and `ehb report`.
#include <gtest/gtest.h>

#include <simdjson.h>

#include <cstdio>
#include <map>
#include <random>
#include <tuple>

#include "engine/ingest.hpp"
#include "engine/stats.hpp"
#include "engine/stats_keys.hpp"
#include "storage/codec.hpp"
#include "tests/docs.hpp"
#include "tests/tmpdir.hpp"
#include "tools/workload/generator.hpp"

namespace ehb {
namespace {

using test::appointment;
using test::referral;
using test::Doc;
using test::TempDir;


class StatsTest : public ::testing::Test {
protected:
    TempDir dir;
    Store store{dir.path()};
    Engine engine{store};
    simdjson::dom::parser parser;
    std::string text_;

    Status push(const std::string& doc) {
        std::string_view v = doc;
        return engine.ingest({&v, 1}, "hospital").at(0).status;
    }
    simdjson::dom::element parse(std::string json) {
        text_ = std::move(json);
        return parser.parse(text_).value();
    }
    // The rows of a report as "dim=value,…" → metric.
    std::map<std::string, int64_t> rows(std::string json, const char* metric) {
        std::map<std::string, int64_t> out;
        simdjson::dom::element doc = parse(std::move(json));
        for (simdjson::dom::element row : doc["rows"].get_array()) {
            std::string key;
            for (std::string_view dim : doc["dimensions"].get_array()) {
                std::string_view v = row[dim].get_string().value();
                key.append(key.empty() ? "" : ",").append(dim).append("=").append(v);
            }
            double m = 0;
            EXPECT_EQ(row[metric].get(m), simdjson::SUCCESS) << metric;
            out[key] = static_cast<int64_t>(m);
        }
        return out;
    }
    std::map<std::string, int64_t> by_code(uint32_t from, uint32_t to) {
        DiagnosisQuery q;
        q.from = from, q.to = to, q.group_by = {"code"};
        return rows(diagnoses_json(store, q), "visits");
    }
    std::map<std::string, int64_t> appointments(uint32_t today, const char* metric) {
        AppointmentStatsQuery q;
        q.from = 20250101, q.to = 20250228, q.today = today, q.group_by = {"day"};
        return rows(appointment_adherence_json(store, q), metric);
    }
};

TEST(StatsDefinitions, IsoWeeksAgeBandsChaptersAndCodes) {
    EXPECT_EQ(stats::iso_week(20241229), 202452u);  // a Sunday
    EXPECT_EQ(stats::iso_week(20241230), 202501u);  // the Monday of 2025's first week
    EXPECT_EQ(stats::iso_week(20210103), 202053u);
    EXPECT_EQ(stats::iso_week(20250110), 202502u);
    EXPECT_EQ(stats::iso_week_monday(202501), 20241230u);
    EXPECT_EQ(stats::iso_week_monday(202053), 20201228u);
    EXPECT_EQ(stats::age_band("202001100000", 202501100800), 1);  // 5 on the day
    EXPECT_EQ(stats::age_band("20200111", 202501100800), 0);      // 4 for one more day
    EXPECT_EQ(stats::age_band("198000000000", 202501100800), 4);  // unknown day and month: 1 January
    EXPECT_EQ(stats::age_band("196001100000", 202501100800), 5);
    EXPECT_EQ(stats::age_band("202501110000", 202501100800), stats::kUnknownAgeBand);
    EXPECT_EQ(stats::icd_chapter("A09"), 1);
    EXPECT_EQ(stats::icd_chapter("D50"), 3);
    EXPECT_EQ(stats::icd_chapter("H60"), 8);
    EXPECT_EQ(stats::icd_chapter("J069"), 10);
    EXPECT_EQ(stats::icd_chapter("T98"), 19);
    EXPECT_EQ(stats::icd_chapter("U07"), 22);
    EXPECT_EQ(stats::icd_chapter("Z00"), 21);
    EXPECT_EQ(stats::icd_chapter("D49"), 0);
    EXPECT_EQ(stats::icd_text(stats::icd_key("j06.9")), "J06.9");
    EXPECT_EQ(stats::vietnam_day(1736528400LL * 1'000'000), 20250111u);  // 2025-01-10 17:00 UTC
}

TEST_F(StatsTest, CountsByCodeWeekAgeSexAndFacility) {
    Doc a;  // male, 34, J06.9, 150000.5 dong
    Doc b;
    b.ma_lk = "LK0002", b.citizen = "001222012345", b.birth = "202301010000", b.sex = "2", b.name = "Trần Thị Bé";
    Doc c;  // the Sunday before: ISO week 2025-W01
    c.ma_lk = "LK0003", c.admitted = "202501051000", c.discharged = "202501051100", c.icd = "k29.1";
    for (const Doc* d : {&a, &b, &c}) ASSERT_EQ(push(d->json()), Status::accepted);

    DiagnosisQuery q;
    q.from = 20250101, q.to = 20250112;
    auto all = rows(diagnoses_json(store, q), "visits");
    EXPECT_EQ(all, (std::map<std::string, int64_t>{
                       {"week=2025-W01,province=01,code=K29.1,age=25-44,sex=male", 1},
                       {"week=2025-W02,province=01,code=J06.9,age=0-4,sex=female", 1},
                       {"week=2025-W02,province=01,code=J06.9,age=25-44,sex=male", 1}}));
    q.group_by = {"chapter"};
    EXPECT_EQ(rows(diagnoses_json(store, q), "cost_vnd"),
              (std::map<std::string, int64_t>{{"chapter=X", 300001}, {"chapter=XI", 150000}}));
    q.from = 20250106;  // whole ISO weeks: W02 only
    EXPECT_EQ(rows(diagnoses_json(store, q), "visits"), (std::map<std::string, int64_t>{{"chapter=X", 2}}));
    q.province = "79";
    EXPECT_TRUE(rows(diagnoses_json(store, q), "visits").empty());

    FacilityQuery f;
    f.from = 20250101, f.to = 20250131;
    EXPECT_EQ(rows(facilities_json(store, f), "visits"),
              (std::map<std::string, int64_t>{{"day=2025-01-05,facility=01001", 1},
                                              {"day=2025-01-10,facility=01001", 2}}));
    EXPECT_EQ(facilities_csv(store, f),
              "day,facility,visits,cost_vnd\n2025-01-05,01001,1,150000.5\n2025-01-10,01001,2,300001\n");
}

TEST_F(StatsTest, ADuplicateChangesNothingAndANewVersionMovesItsCounts) {
    Doc a;
    ASSERT_EQ(push(a.json()), Status::accepted);
    FacilityQuery f;
    f.from = 20250101, f.to = 20250131;
    const std::string before = facilities_json(store, f);
    ASSERT_EQ(push(a.json_reordered()), Status::duplicate);
    EXPECT_EQ(facilities_json(store, f), before);
    EXPECT_EQ(by_code(20250101, 20250131), (std::map<std::string, int64_t>{{"code=J06.9", 1}}));

    a.icd = "J18.9";  // a corrected diagnosis
    ASSERT_EQ(push(a.json()), Status::new_version);
    EXPECT_EQ(by_code(20250101, 20250131), (std::map<std::string, int64_t>{{"code=J18.9", 1}}));
    EXPECT_EQ(facilities_json(store, f), before);

    a.admitted = "202502030800", a.discharged = "202502031000";  // a corrected admission moves week and day
    ASSERT_EQ(push(a.json()), Status::new_version);
    EXPECT_TRUE(by_code(20250101, 20250131).empty());
    EXPECT_EQ(by_code(20250201, 20250228), (std::map<std::string, int64_t>{{"code=J18.9", 1}}));
    // No row is left behind for what moved away.
    std::size_t facility_rows = 0;
    store.read([&](const StoreReader& r) {
        lmdb::Cursor c(r.txn(), r.tables().stats);
        std::string_view k, v;
        for (bool ok = c.get(k, v, MDB_FIRST); ok; ok = c.get(k, v, MDB_NEXT)) facility_rows += k[0] == 'F';
        return 0;
    });
    EXPECT_EQ(facility_rows, 1u);
}

TEST_F(StatsTest, AnAppointmentIsAttendedByALaterVisitWithItsSlip) {
    Doc a;
    a.tables = appointment(a, "GH000123", "202501200800");
    ASSERT_EQ(push(a.json()), Status::accepted);
    EXPECT_EQ(appointments(20250115, "pending"), (std::map<std::string, int64_t>{{"day=2025-01-20", 1}}));
    EXPECT_EQ(appointments(20250125, "missed"), (std::map<std::string, int64_t>{{"day=2025-01-20", 1}}));

    Doc visit;
    visit.ma_lk = "LK0009", visit.admitted = "202501200830", visit.discharged = "202501200930";
    visit.extra = {{"GIAY_CHUYEN_TUYEN", "\"GH000123\""}};
    ASSERT_EQ(push(visit.json()), Status::accepted);
    EXPECT_EQ(appointments(20250125, "attended"), (std::map<std::string, int64_t>{{"day=2025-01-20", 1}}));
    EXPECT_EQ(appointments(20250125, "missed"), (std::map<std::string, int64_t>{{"day=2025-01-20", 0}}));

    visit.extra.clear();  // corrected: the visit came without the slip after all
    ASSERT_EQ(push(visit.json()), Status::new_version);
    EXPECT_EQ(appointments(20250125, "attended"), (std::map<std::string, int64_t>{{"day=2025-01-20", 0}}));

    // A visit at another facility, or before the appointment's discharge, keeps nothing.
    Doc elsewhere = visit;
    elsewhere.facility = "01002", elsewhere.extra = {{"GIAY_CHUYEN_TUYEN", "\"GH000123\""}};
    Doc earlier = visit;
    earlier.ma_lk = "LK0010", earlier.admitted = "202501090800", earlier.discharged = "202501090900";
    earlier.extra = elsewhere.extra;
    ASSERT_EQ(push(elsewhere.json()), Status::accepted);
    ASSERT_EQ(push(earlier.json()), Status::accepted);
    EXPECT_EQ(appointments(20250125, "attended"), (std::map<std::string, int64_t>{{"day=2025-01-20", 0}}));

    // The appointment moved to another day by a new version: its attendance is counted again there.
    visit.extra = elsewhere.extra;
    ASSERT_EQ(push(visit.json()), Status::new_version);
    a.tables = appointment(a, "GH000123", "202501180800");
    ASSERT_EQ(push(a.json()), Status::new_version);
    EXPECT_EQ(appointments(20250125, "booked"), (std::map<std::string, int64_t>{{"day=2025-01-18", 1}}));
    EXPECT_EQ(appointments(20250125, "attended"), (std::map<std::string, int64_t>{{"day=2025-01-18", 1}}));
}

TEST_F(StatsTest, AVisitBeforeItsAppointmentArrivesStillCounts) {
    Doc visit;
    visit.ma_lk = "LK0009", visit.admitted = "202501200830", visit.discharged = "202501200930";
    visit.extra = {{"GIAY_CHUYEN_TUYEN", "\"GH7\""}};
    ASSERT_EQ(push(visit.json()), Status::accepted);
    Doc a;
    a.tables = appointment(a, "GH7", "202501200800");
    ASSERT_EQ(push(a.json()), Status::accepted);
    EXPECT_EQ(appointments(20250125, "attended"), (std::map<std::string, int64_t>{{"day=2025-01-20", 1}}));
}

TEST_F(StatsTest, ReferralFlowsByMonth) {
    Doc sent;
    sent.extra = {{"MA_LOAI_RV", "2"}, {"MA_NOI_DEN", "\"79001\""}};
    sent.tables = referral(sent, "CT2025/0001", "79001");
    ASSERT_EQ(push(sent.json()), Status::accepted);
    Doc arrived;
    arrived.facility = "79001", arrived.ma_lk = "LK0100", arrived.admitted = "202502011000";
    arrived.discharged = "202502011200", arrived.extra = {{"MA_NOI_DI", "\"01001\""}};
    ASSERT_EQ(push(arrived.json()), Status::accepted);

    ReferralQuery q;
    q.from = 20250101, q.to = 20250228;
    EXPECT_EQ(rows(referrals_json(store, q), "referred"),
              (std::map<std::string, int64_t>{{"month=2025-01,from=01001,to=79001", 1},
                                              {"month=2025-02,from=01001,to=79001", 0}}));
    EXPECT_EQ(rows(referrals_json(store, q), "arrived"),
              (std::map<std::string, int64_t>{{"month=2025-01,from=01001,to=79001", 0},
                                              {"month=2025-02,from=01001,to=79001", 1}}));
    q.group_by = {"from_province", "to_province"};
    q.province = "79";
    EXPECT_EQ(rows(referrals_json(store, q), "referred"),
              (std::map<std::string, int64_t>{{"from_province=01,to_province=79", 1}}));
}

TEST_F(StatsTest, TheMonitorCountsEveryOutcomePerFacility) {
    Doc a;
    ASSERT_EQ(push(a.json()), Status::accepted);
    ASSERT_EQ(push(a.json()), Status::duplicate);
    Doc bad = a;
    bad.ma_lk = "LK0002", bad.admitted = "2025-01-10";
    ASSERT_EQ(push(bad.json()), Status::rejected);
    ASSERT_EQ(push("not json"), Status::rejected);

    MonitorQuery q;
    q.day = stats::vietnam_day(now_us());
    simdjson::dom::element m = parse(facility_monitor_json(store, q));
    simdjson::dom::array facilities = m["facilities"].get_array();
    ASSERT_EQ(facilities.size(), 2u);
    EXPECT_EQ(facilities.at(0)["facility"].get_string().value(), "unknown");  // all zeros: first
    EXPECT_EQ(facilities.at(0)["reject_codes"].at(0)["code"].get_string().value(), "E_JSON");
    simdjson::dom::element f = facilities.at(1).value();
    EXPECT_EQ(f["facility"].get_string().value(), "01001");
    EXPECT_EQ(f["pushed"].get_int64().value(), 3);
    EXPECT_EQ(f["accepted"].get_int64().value(), 1);
    EXPECT_EQ(f["duplicate"].get_int64().value(), 1);
    EXPECT_EQ(f["rejected"].get_int64().value(), 1);
    EXPECT_EQ(f["reject_codes"].at(0)["code"].get_string().value(), "E_DATE");
    EXPECT_EQ(f["discharge_to_arrival"]["count"].get_int64().value(), 1);
    EXPECT_EQ(f["discharge_to_arrival"]["buckets"][">7d"].get_int64().value(), 1);  // discharged in January 2025
    EXPECT_EQ(m["totals"]["pushed"].get_int64().value(), 4);
}

// ---- differential: the counters against a recount of the current versions in the log ----

using Counters = std::map<std::string, std::array<int64_t, 2>>;

std::string key_of(stats::Kind kind, uint32_t first, std::string_view rest) {
    return stats::kind_key(kind, first).append(rest);
}

// What the counter rows of `stats` hold (the monitor left out), as two numbers each.
Counters stored_counters(const Store& store) {
    Counters out;
    store.read([&](const StoreReader& r) {
        lmdb::Cursor c(r.txn(), r.tables().stats);
        std::string_view k, v;
        for (bool ok = c.get(k, v, MDB_FIRST); ok; ok = c.get(k, v, MDB_NEXT)) {
            if (k[0] == 'M') continue;
            const bool money = k[0] == 'D' || k[0] == 'F';
            out[std::string(k)] = {schema::load<uint32_t>(v.data()),
                                   money ? schema::load<int64_t>(v.data() + 4) : int64_t{schema::load<uint32_t>(v.data() + 4)}};
        }
        return 0;
    });
    return out;
}

struct Recounted {
    std::string facility, slip, appointment_slip;
    uint64_t admitted = 0, discharged = 0;
    uint32_t due = 0;
};

std::string_view str(simdjson::dom::element t, const char* field) {
    std::string_view s;
    return t[field].get(s) == simdjson::SUCCESS ? s : std::string_view();
}

std::string fac(std::string_view code) {
    std::string f(code.substr(0, 5));
    f.resize(5, '\0');
    return f;
}

// The statistics of every current version, computed from the canonical records.
Counters recount(const Store& store) {
    Counters out;
    std::vector<Recounted> visits;
    store.read([&](const StoreReader& r) {
        Decompressor decompressor(&store.dictionaries());
        simdjson::dom::parser parser;
        std::string canonical;
        for (uint64_t seq = 1; seq <= r.last_seq(); ++seq) {
            const auto e = r.entry(seq);
            if (!e || r.episode(e->episode_key)->current_seq != seq || e->kind != schema::EntryKind::episode) continue;
            decompressor.decompress(e->codec, e->payload, e->raw_size, canonical);
            simdjson::dom::element doc = parser.parse(canonical).value();
            simdjson::dom::element x1 = doc["XML1"].value();
            const std::string facility(str(x1, "MA_CSKCB"));
            const uint64_t admitted = std::stoull(std::string(str(x1, "NGAY_VAO")));
            const uint64_t discharged = std::stoull(std::string(str(x1, "NGAY_RA")));
            const auto day = static_cast<uint32_t>(admitted / 10000);
            int64_t cost = 0;
            double d = 0;
            if (x1["T_TONGCHI_BV"].get(d) == simdjson::SUCCESS) cost = std::llround(d * 100);
            uint64_t sex = 0;
            if (x1["GIOI_TINH"].get(sex) != simdjson::SUCCESS) sex = 0;
            const std::string_view residence = str(x1, "MATINH_CU_TRU");
            const stats::Icd icd = stats::icd_key(str(x1, "MA_BENH_CHINH"));
            std::string rest(1, static_cast<char>(schema::province_number(facility)));
            rest.append(icd.data(), icd.size());
            rest.push_back(static_cast<char>(stats::age_band(str(x1, "NGAY_SINH"), admitted)));
            rest.push_back(static_cast<char>(sex));
            rest.push_back(static_cast<char>(residence.size() == 2 ? schema::province_number(residence) : 0));
            auto& dg = out[key_of(stats::Kind::diagnoses, stats::iso_week(day), rest)];
            dg[0] += 1, dg[1] += cost;
            auto& fc = out[key_of(stats::Kind::facilities, day, fac(facility))];
            fc[0] += 1, fc[1] += cost;
            simdjson::dom::element t;
            if (doc["XML13"].get(t) == simdjson::SUCCESS) {
                const std::string_view from = str(t, "MA_CSKCB_DI");
                out[key_of(stats::Kind::referrals, static_cast<uint32_t>(discharged / 1000000),
                           fac(from.empty() ? facility : from) + fac(str(t, "MA_CSKCB_DEN")))][0] += 1;
            }
            if (const std::string_view came = str(x1, "MA_NOI_DI"); !came.empty() && came != facility)
                out[key_of(stats::Kind::referrals, static_cast<uint32_t>(admitted / 1000000), fac(came) + fac(facility))][1] += 1;
            Recounted v{facility, std::string(str(x1, "GIAY_CHUYEN_TUYEN")), {}, admitted, discharged, 0};
            if (doc["XML14"].get(t) == simdjson::SUCCESS) {
                v.appointment_slip = str(t, "SO_GIAYHEN_KL");
                v.due = static_cast<uint32_t>(std::stoull(std::string(str(t, "NGAY_HEN_KL"))) / 10000);
            }
            visits.push_back(std::move(v));
        }
        return 0;
    });
    // Attendance by brute force over every pair.
    for (std::size_t i = 0; i < visits.size(); ++i) {
        const Recounted& a = visits[i];
        if (a.appointment_slip.empty()) continue;
        bool kept = false;
        for (std::size_t j = 0; j < visits.size() && !kept; ++j)
            kept = j != i && visits[j].facility == a.facility && visits[j].slip == a.appointment_slip &&
                   visits[j].admitted >= a.discharged;
        auto& c = out[key_of(stats::Kind::appointments, a.due,
                             std::string(1, static_cast<char>(schema::province_number(a.facility))))];
        c[0] += 1, c[1] += kept;
    }
    std::erase_if(out, [](const auto& kv) { return kv.second[0] == 0 && kv.second[1] == 0; });
    return out;
}

TEST(StatsDifferential, CountersEqualARecountOfTheLog) {
    TempDir dir;
    Store store(dir.path());
    Engine engine(store);
    workload::Config config;
    config.citizens = 2000;
    config.episodes = 5000;
    config.seed = 11;
    workload::Generator gen(config);
    std::vector<std::string> docs;
    for (std::string doc; gen.next(doc);) docs.push_back(doc);

    // Appointments and the visits that may keep them, with corrections and resends, mixed in.
    std::mt19937_64 rng(5);
    std::vector<std::string> followups;
    for (int i = 0; i < 300; ++i) {
        Doc d;
        d.facility = i % 2 ? "01001" : "79002";
        d.ma_lk = test::key("F", {i});
        d.citizen = "0010900" + std::to_string(10000 + i);
        const int day = 10 + static_cast<int>(rng() % 15);
        d.admitted = "202503" + std::to_string(day) + "0800";
        d.discharged = "202503" + std::to_string(day) + "0900";
        const std::string slip = test::key("GH", {static_cast<long long>(rng() % 40)});
        if (rng() % 3 == 0) d.tables = appointment(d, slip, "2025040" + std::to_string(1 + rng() % 9) + "0800");
        if (rng() % 2 == 0) d.extra = {{"GIAY_CHUYEN_TUYEN", "\"" + test::key("GH", {static_cast<long long>(rng() % 40)}) + "\""}};
        followups.push_back(d.json());
        if (rng() % 4 == 0) {  // a correction: the slip removed or the appointment dropped
            if (rng() % 2) d.extra.clear();
            else d.tables.clear();
            followups.push_back(d.json());
        }
        if (rng() % 5 == 0) followups.push_back(followups[rng() % followups.size()]);  // a resend
    }
    for (std::string& f : followups) docs.insert(docs.begin() + static_cast<std::ptrdiff_t>(rng() % docs.size()), std::move(f));

    std::size_t accepted = 0, rejected = 0;
    for (std::size_t at = 0; at < docs.size();) {
        const std::size_t n = std::min<std::size_t>(docs.size() - at, 1 + rng() % 2000);
        std::vector<std::string_view> batch(docs.begin() + static_cast<std::ptrdiff_t>(at),
                                            docs.begin() + static_cast<std::ptrdiff_t>(at + n));
        for (const RecordResult& r : engine.ingest(batch, "portal")) {
            accepted += r.status != Status::rejected;
            rejected += r.status == Status::rejected;
        }
        at += n;
    }
    const Counters want = recount(store);
    const Counters got = stored_counters(store);
    ASSERT_GT(want.size(), 1000u);
    std::size_t kept = 0;
    for (const auto& [k, v] : want) kept += k[0] == 'A' ? v[1] : 0;
    EXPECT_GT(kept, 10u);  // the follow-ups exercised attendance
    EXPECT_EQ(got.size(), want.size());
    for (const auto& [k, v] : want) {
        auto it = got.find(k);
        ASSERT_NE(it, got.end()) << "missing counter of kind " << k[0];
        EXPECT_EQ(it->second, v) << "counter of kind " << k[0];
    }

    // The monitor saw every document.
    MonitorQuery q;
    q.day = stats::vietnam_day(now_us());
    simdjson::dom::parser parser;
    const std::string monitor = facility_monitor_json(store, q);
    simdjson::dom::element totals = parser.parse(monitor)["totals"].value();
    EXPECT_EQ(totals["pushed"].get_int64().value(), static_cast<int64_t>(docs.size()));
    EXPECT_EQ(totals["rejected"].get_int64().value(), static_cast<int64_t>(rejected));
    EXPECT_EQ(totals["accepted"].get_int64().value() + totals["duplicate"].get_int64().value() +
                  totals["new_version"].get_int64().value(),
              static_cast<int64_t>(accepted));
}

// ---- ehb report ----

std::string run(const std::string& args, int& status) {
    const std::string cmd = std::string(EHB_BINARY) + " " + args + " 2>/dev/null";
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    status = pclose(p);
    return out;
}

TEST(StatsCli, ReportPrintsJsonAndCsv) {
    TempDir dir;
    {
        Store store(dir.path());
        Engine engine(store);
        Doc a;
        std::string doc = a.json();
        std::string_view v = doc;
        ASSERT_EQ(engine.ingest({&v, 1}, "hospital").at(0).status, Status::accepted);
    }
    const std::string data = " --data " + dir.path().string();
    int status = 0;
    const std::string csv = run("report diagnoses" + data + " --from 20250101 --to 20250131 --group-by week,code --csv", status);
    EXPECT_EQ(status, 0);
    EXPECT_EQ(csv, "week,code,visits,cost_vnd\n2025-W02,J06.9,1,150000.5\n");
    const std::string json = run("report facilities" + data + " --from 20250101 --to 20250131 --province 01", status);
    EXPECT_EQ(status, 0);
    simdjson::dom::parser parser;
    simdjson::dom::element e = parser.parse(json).value();
    EXPECT_EQ(e["report"].get_string().value(), "facilities");
    EXPECT_EQ(e["totals"]["visits"].get_int64().value(), 1);
    EXPECT_EQ(run("report appointments" + data + " --from 20250101 --to 20250131 --csv", status),
              "week,province,booked,attended,missed,pending\n");
    EXPECT_EQ(run("report referrals" + data + " --from 20250131 --to 20250101", status), "");
    EXPECT_NE(status, 0);
    run("report diagnoses" + data + " --from 20250101 --to 20250131 --group-by nonsense", status);
    EXPECT_NE(status, 0);
    run("report nonsense" + data, status);
    EXPECT_NE(status, 0);
}

}  // namespace
}  // namespace ehb
