// The labelled person-record generator (`ehb people`): CSV records of
// Vietnamese people as hospitals, the insurance system and the national
// population database hold them, with realistic corruption and the ground
// truth (the person each record belongs to), to measure the person index's
// precision and recall. Deterministic for a seed; streams its output and
// keeps O(persons) in memory.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ehb::people {

struct Config {
    uint64_t records = 100000;  // stop after this many records
    uint64_t seed = 1;
};

struct Stats {
    uint64_t persons = 0, records = 0;
    uint64_t no_national_id = 0;  // records with none of cccd, cmnd, passport, card, bhxh
    uint64_t true_pairs = 0;      // pairs of records of one person
    uint64_t placeholders = 0;    // unknown-patient records
    uint64_t households = 0, twin_pairs = 0, movers = 0;
    // How many records each corruption (or variant form) was applied to, in a fixed order.
    std::vector<std::pair<std::string, uint64_t>> corruptions;
};

// Every serial (citizen-ID serial per birth bucket, MRN, passport) stays unique up to this.
inline constexpr uint64_t kMaxRecords = 100'000'000;

inline constexpr std::string_view kHeader =
    "rec_id,true_person,source,full_name,birth_date,sex,address,ward,province,cccd,cmnd,passport,card,bhxh,"
    "facility,mrn";

// Writes the header line and `cfg.records` record lines (CSV, RFC 4180
// quoting when a value has , or "). Throws std::invalid_argument when
// cfg.records > kMaxRecords. Write errors show in ferror(out).
Stats generate(const Config& cfg, std::FILE* out);

// ============================================================== rates
// Every probability of the generator, per 10,000 (Rng::per10k), unless said otherwise.
namespace rate {

// ---- persons and households
inline constexpr uint32_t kHouseholdSize[6] = {15, 23, 25, 23, 9, 5};  // sizes 1..6 (per 100): mean 3.03
inline constexpr uint32_t kCoupleOfTwo = 6000;    // two-person households that are a couple (else parent + child)
inline constexpr uint32_t kCoupleOfMore = 8500;   // larger households headed by a couple (else a single parent)
inline constexpr uint32_t kSingleMother = 7000;   // single parents who are the mother
inline constexpr uint32_t kGrandparent = 3000;    // households of 4 or more that include a grandparent
inline constexpr uint32_t kTwins = 200;           // households with children that have twins
inline constexpr uint32_t kTwinsSameSex = 6500;   // twin pairs of one sex (they then share the middle name)
inline constexpr uint32_t kCompoundGiven = 1500;  // two-syllable given names ("Minh Anh")
inline constexpr uint32_t kBornElsewhere = 1500;  // born outside the residence province (the ID's province)
inline constexpr uint32_t kChildCccd = 6000;      // children under 14 with a citizen ID (everyone 14+ has one)
inline constexpr uint32_t kCmnd = 3000;           // people born before 1990 who still have an old 9-digit CMND
inline constexpr uint32_t kPassport = 500;        // adults with a passport
inline constexpr uint32_t kMover = 300;           // persons who move once (later records: the new address)
inline constexpr uint32_t kMoveAway = 5000;       // of moves: to another province (else another ward)
inline constexpr uint32_t kTwoFacilities = 5000;  // persons who use two facilities of their province (else one)
inline constexpr uint32_t kSecondFacility = 3500; // of their home-province visits: to the second facility
inline constexpr uint32_t kRecordsPerPerson[5] = {35, 25, 15, 10, 15};  // 1, 2, 3, 4, 5-12 records (per 100)
inline constexpr uint32_t kPlaceholderPerMille = 1;  // unknown-patient records (per 1,000 records)

// ---- who recorded it (the rest: a facility)
inline constexpr uint32_t kNational = 500;
inline constexpr uint32_t kInsurance = 1500;

// ---- insurance records
inline constexpr uint32_t kInsuranceTypo = 100;     // one typo in the name
inline constexpr uint32_t kInsuranceCccd = 7000;    // the citizen ID is on file
inline constexpr uint32_t kInsuranceAddress = 8000; // the address and ward are on file

// ---- facility records: what is recorded
inline constexpr uint32_t kHomeFacility = 8500;  // a facility of the residence province (else elsewhere)
inline constexpr uint32_t kAwayCentral = 6000;   // of persons' facility elsewhere: a big city's central hospital
inline constexpr uint32_t kMrn = 9500;           // the facility's patient number is filled in
inline constexpr uint32_t kFacilityCccd = 4500;  // the citizen ID
inline constexpr uint32_t kFacilityCard = 4500;  // the insurance card (then bhxh is left empty)
inline constexpr uint32_t kCmndForCccd = 300;    // of records with the citizen ID: the old CMND instead, if any
inline constexpr uint32_t kPassportShown = 2000; // of passport holders' records: the passport too
inline constexpr uint32_t kDateDashed = 1500;    // birth date written yyyy-mm-dd

// ---- facility records: corruption of the name
inline constexpr uint32_t kFolded = 2500;         // diacritics removed
inline constexpr uint32_t kCaps = 1500;           // ALL CAPS (with or without diacritics, as drawn above)
inline constexpr uint32_t kTypo = 400;            // one typo in one token
inline constexpr uint32_t kWestern = 200;         // middle and given first, family last
inline constexpr uint32_t kMiddleDropped = 300;   // middle name left out
inline constexpr uint32_t kVariant = 300;         // of names that have one: the old spelling ("Hoà", "Quí")
inline constexpr uint32_t kNfd = 200;             // decomposed Unicode
inline constexpr uint32_t kDoubleSpace = 200;     // two spaces between two tokens

// ---- facility records: corruption of the birth date, sex and address
inline constexpr uint32_t kDayMonthSwapped = 150;   // when both are <= 12 and differ
inline constexpr uint32_t kYearOnly = 300;          // only the year
inline constexpr uint32_t kYearOnlyOld = 1500;      // only the year, for people born before 1950
inline constexpr uint32_t kDateDigit = 100;         // one digit wrong (still a valid date)
inline constexpr uint32_t kDateMissing = 50;
inline constexpr uint32_t kSexMissing = 200;
inline constexpr uint32_t kSexWrong = 30;
inline constexpr uint32_t kAbbreviated = 2000;      // "P.", "Q.", "TP.", "X.", "H.", "T.", "Tp", no "Số"
inline constexpr uint32_t kAddressMissing = 300;
inline constexpr uint32_t kWardMissing = 1000;

// ---- facility records: corruption of the identifiers
inline constexpr uint32_t kCardDigit = 150;      // of records with a card: one wrong digit in its last 10
inline constexpr uint32_t kCccdDigit = 20;       // of records with a citizen ID: one wrong digit
inline constexpr uint32_t kHouseholdCard = 10;   // a household member's card instead of one's own, no citizen ID

// ---- unknown patients
inline constexpr uint32_t kPlaceholderYear = 4000;    // a guessed birth year (else no birth date)
inline constexpr uint32_t kPlaceholderSex = 6000;     // sex recorded
inline constexpr uint32_t kPlaceholderZeroId = 3333;  // citizen ID "000000000000"

}  // namespace rate

// ============================================================== the population (persons.cpp)

inline constexpr uint32_t kNone = UINT32_MAX;
inline constexpr int kReferenceYear = 2024;  // ages are as of the end of this year

struct Address {
    uint8_t prov = 0;  // index into kProvinces
    bool urban = false;
    uint8_t street_kind = 0, street = 0, ward = 0, district = 0;  // indexes into kStreets / kPlaces
    uint16_t number = 0;  // house number (urban) or hamlet (rural)
};

// The 5-digit code of an address's ward: one ward (province, district, ward name) has one code.
uint32_t ward_code(const Address& a);

enum PersonFlag : uint8_t {
    kCompound = 1,     // `given` indexes the compound table
    kHasVariant = 2,   // a token of the name has an old spelling
    kPlaceholder = 4,  // an unknown patient: only `h`, `records` and `bday` (year guess) are meaningful
};

struct Person {
    uint64_t h = 0;             // bits of the attributes derived when a record is written
    int32_t bday = 0;           // days since 1970-01-01
    uint32_t household = 0;     // index into Population::households
    uint32_t home = 0;          // index into Population::addresses
    uint32_t moved_to = kNone;  // the address after the move, kNone when the person does not move
    uint32_t move_at = 0;       // the move's time, in the high 32 bits of arrival times
    uint32_t cccd = kNone;      // 6-digit serial of the citizen ID
    uint32_t cmnd = kNone;      // the old 9-digit ID
    uint32_t passport = kNone;  // the 7 digits after the letter
    uint16_t given = 0;         // into names::kGiven* or names::kCompound* of the person's sex
    uint8_t family = 0, middle = 0, sex = 1, bprov = 0, records = 0, flags = 0;
};

struct Household {
    uint32_t first = 0;  // persons[first, first + size)
    uint32_t size = 0;
};

struct Population {
    std::vector<Person> persons;
    std::vector<Address> addresses;
    std::vector<Household> households;
    uint64_t twin_pairs = 0, movers = 0;
    uint64_t seed = 0;

    // Persons with `regular` records in all, then `placeholders` unknown patients of one record each.
    Population(uint64_t regular, uint64_t placeholders, uint64_t seed);

    // The social-insurance code of person i: unique, 10 digits.
    uint64_t bhxh(uint32_t i) const;
    // Person i's patient number at a facility, below n (a power of ten): unique per facility.
    uint64_t mrn(uint32_t facility, uint32_t i, uint64_t n) const;
};

std::string_view family_name(const Person& p);
std::string_view middle_name(const Person& p);
std::string_view given_name(const Person& p);  // "Anh" or "Minh Anh"
int birth_year(const Person& p);

}  // namespace ehb::people
