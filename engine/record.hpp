// The record as the engine sees it after parsing: what every later stage
// (identity, storage, the differential model) works from.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/hash128.hpp"

namespace ehb {

enum class Status : uint8_t {
    accepted = 1,     // new episode key
    duplicate = 2,    // same key, same canonical content as the current version
    new_version = 3,  // same key, different content: appended, becomes current
    rejected = 4,     // structural error; nothing stored
};

std::string_view status_name(Status s);

// An error (rejects the record) or a warning (stored with it).
// `code` is a stable identifier from docs/records.md, `field` a path such as
// "XML1.NGAY_RA" (empty when the problem is the whole document).
struct Issue {
    std::string code;
    std::string field;
    std::string reason;
};

// Identifiers of the person, as classified from XML1.
struct PersonIds {
    std::string citizen;               // 12-digit citizen ID, or empty
    std::string old_id;                // legacy 9-digit ID, or empty
    std::string passport;              // [A-Z] + 7 digits, or empty
    std::vector<std::string> si_codes; // 10-digit social-insurance codes of the card(s), unique, in card order
};

// Who the record says the person is, as written: what the person index
// matches on (docs/persons.md).
struct Demographics {
    std::string name;            // HO_TEN
    std::string birth;           // NGAY_SINH
    std::string address;         // DIA_CHI
    std::string ward;            // MAXA_CU_TRU
    std::string province;        // MATINH_CU_TRU
    std::string patient_number;  // MA_BN (the facility's)
    uint8_t sex = 0;             // GIOI_TINH 1 or 2; 0 otherwise
    void clear() {
        name.clear(), birth.clear(), address.clear(), ward.clear(), province.clear(), patient_number.clear();
        sex = 0;
    }
};

// What a document records (docs/records.md section 1).
enum class RecordKind : uint8_t {
    episode = 1,      // XML1 and the tables of one visit
    checkin = 2,      // XML0 alone: the visit is open, its full record has not arrived
    vaccination = 3,  // TIEM_CHUNG: one dose, from an immunisation system
};

// Which generation of the Ministry's standard a document follows, told apart
// by its fields (engine/tables.hpp).
enum class Generation : uint8_t {
    qd130 = 0,   // QĐ 130/QĐ-BYT as amended by QĐ 4750 (the default)
    qd4210 = 1,  // QĐ 4210/QĐ-BYT (2017): MA_THE, MA_BENH, TINH_TRANG_RV, ...
    qd3176 = 2,  // QĐ 3176/QĐ-BYT (2024): XML13 MA_CSKCB_DI/MA_CSKCB_DEN, TINH_TRANG_CT
};

// Which input format a document arrived in.
enum class SourceFormat : uint8_t { json = 0, xml = 1, fhir = 2 };

struct ParsedRecord {
    RecordKind kind = RecordKind::episode;
    Generation generation = Generation::qd130;
    std::string facility;     // MA_CSKCB (5 characters); "#VACC" for a vaccination
    std::string ma_lk;        // MA_LK; for a vaccination HE_THONG_NGUON + "|" + MA_BAN_GHI
    PersonIds ids;
    Demographics person;
    uint64_t admitted = 0;    // NGAY_VAO (NGAY_TIEM for a vaccination) as the integer yyyymmddHHMM
    uint64_t discharged = 0;  // XML1.NGAY_RA as yyyymmddHHMM; 0 for a check-in or a vaccination
    uint32_t appointment = 0; // the day of XML14.NGAY_HEN_KL as yyyymmdd; 0 without one
    std::string canonical;    // canonical JSON: sorted keys, no insignificant whitespace
    Hash128 hash;             // XXH3-128 of `canonical`
    std::vector<Issue> warnings;
};

}  // namespace ehb
