// fuzz_validate: the XML1 rules (engine/validate.*) driven directly, with any
// value in any field slot, without the JSON parser in between. The input is
// a generation byte, then edits of a valid XML1 row: a slot byte, a kind byte
// (engine/table_fields.hpp's JsonKind, modulo its count) and the value: a
// 2-byte little-endian length and that many bytes for a string, 8 little-endian bytes for a
// number, 1 byte for a boolean (object and array carry none). Starting from a
// valid row keeps acceptances common, so both sides of the contract get
// exercised: a rejection names an E_ code, an XML1 field and a reason; an
// acceptance yields a well-formed record (its key, admission, identifiers and
// sex read from the slots, its warnings named like errors). Validating twice
// gives the same answer, and warnings are appended to what the record held.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>
#include <utility>

#include "engine/validate.hpp"
#include "tests/fuzz/harness.hpp"

namespace {

using namespace ehb;
using ehb::fuzz::require;

// The starting row: an inpatient episode that the rules accept (tests/data/json/inpatient_as_json.json).
constexpr std::pair<std::string_view, std::string_view> kValidRow[] = {
    {"MA_LK", "01001_2024_03_BN204518_K17"}, {"MA_BN", "BN204518"},         {"HO_TEN", "Trần Thị Bình"},
    {"SO_CCCD", "001185012345"},            {"NGAY_SINH", "198507200000"}, {"GIOI_TINH", "2"},
    {"MATINH_CU_TRU", "01"},                {"MA_THE_BHYT", "HC4010123456780"},
    {"GT_THE_TU", "20240101"},              {"GT_THE_DEN", "20241231"},    {"MA_BENH_CHINH", "E11.9"},
    {"MA_BENH_KT", "I10;E78.5"},            {"NGAY_VAO", "202403110815"},  {"NGAY_VAO_NOI_TRU", "202403110930"},
    {"NGAY_RA", "202403181000"},            {"KET_QUA_DTRI", "2"},         {"MA_LOAI_RV", "1"},
    {"NGAY_TTOAN", "202403181030"},         {"MA_LOAI_KCB", "03"},         {"MA_CSKCB", "01001"},
    {"NGAY_TAI_KHAM", "20240401"},
};

class Input {
public:
    explicit Input(std::string_view bytes) : rest_(bytes) {}
    bool empty() const { return rest_.empty(); }
    uint8_t byte() {
        if (rest_.empty()) return 0;
        const auto b = static_cast<uint8_t>(rest_.front());
        rest_.remove_prefix(1);
        return b;
    }
    std::string_view bytes(std::size_t n) {
        const std::string_view b = rest_.substr(0, n);
        rest_.remove_prefix(b.size());
        return b;
    }
    template <class T>
    T number() {
        T v{};
        const std::string_view b = bytes(sizeof v);
        std::memcpy(&v, b.data(), b.size());
        return v;
    }

private:
    std::string_view rest_;
};

void read_row(Input& in, Xml1Fields& row) {
    row.reset();
    for (auto [name, value] : kValidRow) {
        FieldValue& f = row.slot[xml1_field_index(name)];
        f.kind = JsonKind::string;
        f.text = value;
    }
    while (!in.empty()) {
        FieldValue& f = row.slot[in.byte() % kXml1FieldCount];
        f = FieldValue{};
        f.kind = static_cast<JsonKind>(in.byte() % (static_cast<int>(JsonKind::array) + 1));
        switch (f.kind) {
            case JsonKind::string: f.text = in.bytes(in.number<uint16_t>()); break;
            case JsonKind::int64: f.i64 = in.number<int64_t>(); break;
            case JsonKind::uint64: f.u64 = in.number<uint64_t>(); break;
            case JsonKind::dbl: f.dbl = in.number<double>(); break;
            case JsonKind::boolean: f.i64 = in.byte() & 1; break;
            default: break;
        }
    }
}

bool all_digits(std::string_view s, std::size_t n) {
    return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool named(const Issue& i, std::string_view prefix) {
    return i.code.starts_with(prefix) && i.field.starts_with("XML1.") && xml1_field_index(i.field.substr(5)) >= 0 &&
           !i.reason.empty();
}

void check_accepted(const Xml1Fields& row, const ParsedRecord& r) {
    const auto text = [&row](uint8_t slot) {
        const FieldValue& f = row.slot[slot];
        return f.kind == JsonKind::string ? f.text : std::string_view();
    };
    require(r.facility == text(X1::MA_CSKCB) && r.facility.size() == 5 &&
                std::all_of(r.facility.begin(), r.facility.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }),
            "an accepted record's facility is MA_CSKCB, 5 letters or digits");
    require(!r.ma_lk.empty() && r.ma_lk == text(X1::MA_LK), "an accepted record's MA_LK is the slot's");
    require(std::to_string(r.admitted) == text(X1::NGAY_VAO) && is_real_timestamp12(text(X1::NGAY_VAO)),
            "an accepted record's admission is NGAY_VAO, a real moment");
    const PersonIds& ids = r.ids;
    require(ids.citizen.empty() || (all_digits(ids.citizen, 12) && ids.citizen == text(X1::SO_CCCD)),
            "a citizen ID is SO_CCCD's 12 digits");
    require(ids.old_id.empty() || (all_digits(ids.old_id, 9) && ids.old_id == text(X1::SO_CCCD)),
            "an old ID is SO_CCCD's 9 digits");
    require(ids.passport.empty() || (ids.passport.size() == 8 && ids.passport[0] >= 'A' && ids.passport[0] <= 'Z' &&
                                     all_digits(std::string_view(ids.passport).substr(1), 7)),
            "a passport is a letter and 7 digits");
    require(ids.citizen.empty() + ids.old_id.empty() + ids.passport.empty() >= 2, "SO_CCCD is one kind of identifier");
    for (std::size_t i = 0; i < ids.si_codes.size(); ++i) {
        require(all_digits(ids.si_codes[i], 10) && text(X1::MA_THE_BHYT).find(ids.si_codes[i]) != std::string_view::npos,
                "a social-insurance code is 10 digits of a card");
        require(std::count(ids.si_codes.begin(), ids.si_codes.end(), ids.si_codes[i]) == 1,
                "social-insurance codes are unique");
    }
    require(r.person.sex <= 2, "the person's sex is 0, 1 or 2");
    for (const Issue& w : r.warnings) require(named(w, "W_"), "a warning names a W_ code, an XML1 field and a reason");
}

}  // namespace

void ehb::fuzz::validate(std::string_view input) {
    Input in(input);
    const auto generation = static_cast<Generation>(in.byte() % 3);
    Xml1Fields row;
    read_row(in, row);

    ParsedRecord record, again;
    Issue error, error_again;
    const bool ok = validate_xml1(row, generation, record, error);
    again.warnings.push_back({"W_EARLIER", "XML1.MA_LK", "held before validation"});
    require(validate_xml1(row, generation, again, error_again) == ok, "validation is deterministic");
    if (!ok) {
        require(named(error, "E_"), "a rejection names an E_ code, an XML1 field and a reason");
        require(error_again.code == error.code && error_again.field == error.field && error_again.reason == error.reason,
                "a rejection is deterministic");
        return;
    }
    check_accepted(row, record);
    require(again.warnings.size() == record.warnings.size() + 1 && again.warnings[0].code == "W_EARLIER",
            "warnings are appended to the record's");
    require(again.facility == record.facility && again.ma_lk == record.ma_lk && again.admitted == record.admitted &&
                again.ids.si_codes == record.ids.si_codes,
            "an acceptance is deterministic");
}

EHB_FUZZ_ENTRY(ehb::fuzz::validate)
