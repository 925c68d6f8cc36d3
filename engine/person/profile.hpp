// A person record as the matcher compares it (docs/persons.md): the raw
// demographics a source sent, and the Profile prepared from them once (folded
// and toned names in family-middle-given order, the birth date split into its
// parts, the address key, identifiers by system).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ehb::person {

// Identifier systems, most authoritative first (a chip-read citizen ID beats a
// hand-typed card number when two identifiers lead to different persons).
enum class IdSystem : uint8_t { cccd = 0, cmnd = 1, passport = 2, bhxh = 3, te1 = 4, mrn = 5 };
inline constexpr int kIdSystems = 6;
std::string_view id_system_name(IdSystem s);
bool parse_id_system(std::string_view name, IdSystem& out);

// Who recorded the demographics, most trusted last (survivorship).
enum class Source : uint8_t { facility = 0, insurance = 1, national = 2 };
bool parse_source(std::string_view name, Source& out);

struct Identifier {
    IdSystem system;
    std::string value;  // bhxh: the 10 digits; te1: the whole card; mrn: "<facility>|<patient number>"
    friend bool operator==(const Identifier&, const Identifier&) = default;
};

// What a source sent. Birth dates are yyyymmdd, yyyy-mm-dd, yyyymm, yyyy or the
// Ministry's yyyymmddHHMM; sex 1/2 (also M/F, nam/nữ).
struct PersonRecord {
    std::string id;
    std::string full_name;  // family middle given, or built from the parts below
    std::string birth;
    std::string sex;
    std::string address;
    std::string location;  // ward code, or postcode
    std::string province;
    Source source = Source::facility;
    std::vector<Identifier> ids;
};

struct NameParts {
    std::string family, middle, given;  // folded with spelling variants
    std::string given_t;                // toned (empty when the name has no diacritics at all)
    friend bool operator==(const NameParts&, const NameParts&) = default;
};

struct Profile {
    NameParts name;
    // The other reading of the order when the last word is a family name too:
    // "Văn Anh Nguyễn" written family-last, or "Trần Thùy Hà" (Hà is a family name).
    NameParts alt;
    uint16_t year = 0;                  // 0: unknown
    uint8_t month = 0, day = 0;         // 0: unknown
    uint8_t sex = 0;                    // 1 male, 2 female, 0 unknown
    bool placeholder = false;           // a placeholder name: never links anything
    bool newborn = false;               // named after the mother ("Con của Nguyễn Thị Hoa"): the name says nothing
    Source source = Source::facility;
    std::string address;                // address key (engine/person/address.hpp)
    std::string location;
    std::string province;
    std::vector<Identifier> ids;        // usable ones only, normalised (placeholders dropped)

    bool has_name() const { return !name.given.empty(); }
    bool has_alt() const { return !alt.given.empty(); }
    bool full_date() const { return year != 0 && month != 0 && day != 0; }
    bool has_national_id() const;  // any identifier but a facility's patient number
    // Equal in everything a comparison looks at: one of them is enough to compare with.
    bool same_demographics(const Profile& o) const;
};

// Prepares a record: unusable identifiers are dropped, a card number becomes
// its social-insurance code (or stays whole when it is a temporary TE1 card).
void prepare(const PersonRecord& in, Profile& out);

// The identifier a health-insurance card number stands for: bhxh (its last 10
// digits) or te1 (a temporary card, whole). False when it is neither.
bool card_identifier(std::string_view card, Identifier& out);

// Identifier values that identify nobody: all one digit, a single repeated
// character, too short for their system.
bool is_placeholder_id(IdSystem system, std::string_view value);

}  // namespace ehb::person
