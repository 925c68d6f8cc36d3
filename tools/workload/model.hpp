// The model: episode kinds, citizens, facilities, the Plan of an episode, and Generator::Impl.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tools/workload/dates.hpp"
#include "tools/workload/generator.hpp"
#include "tools/workload/json_writer.hpp"
#include "tools/workload/random.hpp"
#include "tools/workload/tables.hpp"

namespace ehb::workload {

namespace T = tables;

enum Kind : uint8_t { kNormal, kCardOnly, kOldId, kConflict, kInvalid };
enum DocType : uint8_t { kNew, kResend, kCorrection, kReorder };
enum Invalid : uint8_t { kMissingField, kBadDate, kBadId, kDischargeFirst, kInvalidKinds };

inline constexpr int kAgeMax = 100;
inline constexpr uint64_t kFacilities = 13000;
inline constexpr int kVisitClasses = 5;
// Share of citizens (per 10,000) and visits per year of each visit class:
// mean 0.3*0.3 + 0.35*1 + 0.2*3 + 0.1*6 + 0.05*13 = 2.29 visits a year.
inline constexpr uint32_t kClassShare[kVisitClasses] = {3000, 3500, 2000, 1000, 500};
inline constexpr uint32_t kClassRate10[kVisitClasses] = {3, 10, 30, 60, 130};

// Vietnam's age structure (2019 census, per mille of the population, 5-year groups, last = 95-100).
inline constexpr uint32_t kAgeGroups[21] = {79, 82, 72, 67, 71, 80, 84, 79, 74, 70, 63,
                                            55, 44, 32, 20, 13, 9, 5, 2, 1, 1};

inline constexpr std::string_view kGroupCodes[] = {"TE", "HS", "GD", "DN", "HC", "HN", "CN", "CC", "HT"};
enum Group : uint8_t { gTE, gHS, gGD, gDN, gHC, gHN, gCN, gCC, gHT };
inline constexpr uint8_t kBenefit[] = {1, 4, 4, 4, 4, 2, 3, 1, 3};
inline constexpr uint32_t kRatePct[6] = {0, 100, 100, 95, 80, 100};

struct Citizen {
    uint64_t i = 0;
    uint8_t bprov = 0, rprov = 0, sex = 1, group = 0, benefit = 4;
    bool temp_card = false;
    uint16_t byear = 2000;
    int64_t bday = 0;  // days since epoch
    uint16_t bminute = 0;
    uint32_t serial = 0;
    uint64_t si = 0;
    uint32_t old9 = 0;
    uint64_t h = 0;  // bits for the rest of the person's attributes
    int age() const { return kRunStartYear - 1 - byear; }
};

struct Facility {
    char code[5];
    uint8_t prov;
    uint8_t level;  // 1 central .. 4 commune
    uint32_t rank;
};

struct DrugRow {
    uint16_t drug;
    uint16_t qty;
    uint8_t per_time, times, days;
    int64_t yl, th;
};

struct LabRow {
    uint8_t panel, item, finding;
    int32_t value;
    int64_t kq;
};

struct Plan {
    uint64_t j = 0;
    Kind kind = kNormal;
    uint8_t invalid = 0;
    Citizen a, card;  // the person, and the owner of the card presented
    uint32_t fac = 0;
    uint8_t cls = 0;
    uint8_t loai = 1;
    int64_t day = 0;
    uint32_t within_day = 0;
    int64_t vao = 0, vao_nt = -1, ra = 0, ttoan = -1, hen = -1;
    int so_ngay = 0;
    uint16_t icd = 0;
    uint8_t n_sec = 0;
    uint8_t sec[3] = {};
    uint8_t kq = 2, rv = 1, doituong = 0, tai_nan = 0, doctor = 0, lab_doctor = 0, advice = 0;
    uint32_t noi_di = UINT32_MAX, noi_den = UINT32_MAX;
    int64_t services = 0, vtyt = 0;  // VND
    uint16_t weight10 = 0;           // CAN_NANG in 0.1 kg, 0 = empty
    bool xml13 = false, xml14 = false;
    uint8_t lydo_ct = 1, transport = 0, direction = 0, signs = 0, course = 0;
    bool escort = false;
    uint8_t n_drugs = 0, n_labs = 0;
    uint32_t pending = 0;  // lab rows whose value has not arrived yet
    DrugRow drugs[12];
    LabRow labs[32];
};

inline constexpr std::string_view kDoituong[] = {"1.1", "1.2", "1.3", "1.4", "1.7", "2", "3.1", "3.2", "3.3"};
inline constexpr uint32_t kDoituongW[] = {70, 8, 6, 3, 4, 0, 4, 3, 2};
inline constexpr std::string_view kDept[T::kCatCount] = {"K03", "K05", "K07", "K08", "K15", "K09", "K21", "K13",
                                                         "K19", "K26", "K33", "K31", "K03", "K37", "K16"};
inline constexpr std::string_view kLoai[11] = {"", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10"};
inline constexpr std::string_view kEthnic[] = {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "12"};
inline constexpr std::string_view kJobs[] = {"00000", "61110", "92110", "71110", "23410", "22110", "41100",
                                             "52230", "83220", "75310", "31110", "96290"};
inline constexpr std::string_view kPhone[] = {"90", "91", "93", "94", "96", "97", "98", "32", "33", "34", "35",
                                              "36", "37", "38", "39", "70", "76", "77", "78", "79", "81", "82",
                                              "83", "84", "85", "86", "88", "89"};
inline constexpr std::string_view kBlood[] = {"O+", "O+", "O+", "O+", "B+", "B+", "B+", "A+", "A+", "AB+"};
inline constexpr std::string_view kBadDates[] = {"0431", "0631", "0931", "1131", "0230", "0231", "1315", "0732"};

// Hour-of-day weights of admissions (outpatient mornings dominate).
inline constexpr uint32_t kHourW[24] = {3, 2, 2, 2, 3, 6, 25, 80, 100, 100, 90, 60,
                                        20, 55, 70, 60, 40, 20, 15, 10, 10, 8, 5, 4};

// ======================================================================= Impl

struct Generator::Impl {
    Config cfg;
    uint64_t P = 0, E = 0, total = 0;
    uint64_t rem[4] = {};  // remaining documents per DocType
    uint64_t emitted_new = 0, valid_new = 0;
    Rng sched{0};
    std::vector<uint8_t> versions;
    Counts counts;

    // population
    std::vector<uint64_t> bucket_start;
    std::vector<uint32_t> bucket_info;  // prov | sex << 8 | year << 16
    uint64_t perm1_a = 1, perm1_b = 0, perm2_a = 1, perm2_b = 0;
    uint64_t si_a = 1, si_b = 0, old_a = 1, old_b = 0;
    uint64_t class_lo[kVisitClasses + 1] = {};
    Picker class_picker;
    Picker family, middle_m, middle_f, birth_prov, migrate;

    // facilities
    std::vector<Facility> fac;
    Picker fac_global;
    std::vector<std::vector<uint32_t>> prov_fac;  // by rank
    std::vector<Picker> prov_picker;
    std::vector<uint32_t> top;  // national top facilities by rank

    // episodes
    uint64_t days_span = 1;
    uint16_t tod[4096] = {};
    uint64_t kind_cut[4] = {};  // cumulative thresholds on 32 bits: invalid, conflict, old id, card only
    Picker icd_all, icd_chronic, doituong;
    std::vector<uint16_t> drugs_by_cat[T::kCatCount];

    std::vector<uint32_t> fac_order_;  // facility index by rank

    std::vector<char> buf;
    std::unique_ptr<Plan> plan_ = std::make_unique<Plan>();
    Kind last_kind_ = kNormal;

    explicit Impl(const Config& c);

    // citizens
    Citizen citizen(uint64_t i) const;
    void write_citizen_id(W& w, const Citizen& c) const;
    void write_card(W& w, const Citizen& c) const;
    void write_dkbd(W& w, const Citizen& c) const;
    void write_name(W& w, const Citizen& c) const;
    void write_address(W& w, const Citizen& c) const;
    void write_birth(W& w, const Citizen& c) const;
    void write_ethnic(W& w, const Citizen& c) const;
    void write_job(W& w, const Citizen& c) const;

    // episodes
    Kind base_kind(uint64_t j) const;
    uint64_t sample_citizen(uint64_t j, uint32_t attempt, uint8_t& cls) const;
    Kind resolve(uint64_t j, uint64_t& a, uint64_t& b, uint8_t& cls) const;
    void build(uint64_t j, Plan& p) const;
    void correct(Plan& p, uint32_t version) const;
    void serialize(const Plan& p, W& w) const;
    void write_doctor(W& w, uint32_t facility, uint32_t k) const;
    uint64_t pick_target(DocType t);
    void make_invalid(const Plan& p, std::string& doc) const;
    static void reorder(std::string_view in, std::string& out);
    void emit(uint64_t j, uint32_t version, std::string& doc, bool reordered);
    bool next(std::string& doc);
};

}  // namespace ehb::workload
