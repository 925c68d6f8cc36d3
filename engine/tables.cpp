#include "engine/tables.hpp"

#include <simdjson.h>

#include <algorithm>
#include <charconv>

#include "engine/calendar.hpp"
#include "engine/provinces.hpp"
#include "engine/table_specs.hpp"

namespace ehb {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

std::string_view generation_name(Generation g) noexcept {
    switch (g) {
        case Generation::qd130: return "130/4750";
        case Generation::qd4210: return "4210";
        case Generation::qd3176: return "3176";
    }
    return "?";
}

// ---------------------------------------------------------------------------
// Names across generations.

namespace {

struct Rename {
    std::string_view table, former, stored;
};

// QĐ 4210 fields whose later name has the same meaning. Kept under their own
// name (different or unsure meaning): XML1 MA_LYDO_VVIEN (reason-for-visit
// code, no successor), MA_NOI_CHUYEN (origin or destination), T_TONGCHI
// (T_TONGCHI_BV or T_TONGCHI_BH), T_NGOAIDS; XML2 THANH_TIEN; XML3 TYLE_TT,
// DON_GIA, THANH_TIEN (each split in two); XML5 NGAY_YL. 4210 had no XML13:
// a 4210 document that sends one uses the 4750 names.
constexpr Rename k4210Renames[] = {
    {"XML1", "MA_BENH", "MA_BENH_CHINH"},    {"XML1", "MA_BENHKHAC", "MA_BENH_KT"},
    {"XML1", "MA_THE", "MA_THE_BHYT"},       {"XML1", "MIEN_CUNG_CT", "NGAY_MIEN_CCT"},
    {"XML1", "TEN_BENH", "CHAN_DOAN_RV"},    {"XML1", "TINH_TRANG_RV", "MA_LOAI_RV"},
    {"XML2", "TYLE_TT", "TYLE_TT_BH"},       {"XML5", "DIEN_BIEN", "DIEN_BIEN_LS"},
    {"XML13", "MA_NOI_DEN", "MA_CSKCB_DEN"}, {"XML13", "MA_NOI_DI", "MA_CSKCB_DI"},
};
// QĐ 3176 renamed two XML13 fields; 130/4750 wrote the old names.
constexpr Rename k130Renames[] = {{"XML13", "MA_NOI_DEN", "MA_CSKCB_DEN"}, {"XML13", "MA_NOI_DI", "MA_CSKCB_DI"}};

std::span<const Rename> renames(Generation g) noexcept {
    switch (g) {
        case Generation::qd4210: return k4210Renames;
        case Generation::qd130: return k130Renames;
        case Generation::qd3176: break;
    }
    return {};
}

}  // namespace

std::string_view current_field_name(Generation g, std::string_view table, std::string_view field) noexcept {
    for (const Rename& r : renames(g))
        if (r.former == field && r.table == table) return r.stored;
    return field;
}

std::string_view former_field_name(Generation g, std::string_view table, std::string_view stored) noexcept {
    for (const Rename& r : renames(g))
        if (r.stored == stored && r.table == table) return r.former;
    return stored;
}

Generation detect_generation(const object& top) noexcept {
    object table;
    if (top.at_key("XML1").get(table) == simdjson::SUCCESS) {
        static constexpr std::string_view kOnly4210[] = {"MA_THE",        "MA_BENH",       "MA_BENHKHAC",
                                                         "TEN_BENH",      "TINH_TRANG_RV", "T_TONGCHI",
                                                         "MA_LYDO_VVIEN", "MA_NOI_CHUYEN"};
        bool old_names = false, new_names = false;
        for (auto kv : table) {
            old_names = old_names || std::ranges::find(kOnly4210, kv.key) != std::end(kOnly4210);
            new_names = new_names || kv.key == "MA_THE_BHYT" || kv.key == "MA_BENH_CHINH";
        }
        if (old_names && !new_names) return Generation::qd4210;
    }
    if (top.at_key("XML13").get(table) == simdjson::SUCCESS)
        for (auto kv : table)
            if (kv.key == "MA_CSKCB_DI" || kv.key == "MA_CSKCB_DEN" || kv.key == "TINH_TRANG_CT")
                return Generation::qd3176;
    return Generation::qd130;
}

void read_field_value(const element& el, FieldValue& v) noexcept {
    switch (el.type()) {
        case element_type::STRING:
            v.kind = JsonKind::string;
            v.text = el.get_string().value_unsafe();
            break;
        case element_type::INT64:
            v.kind = JsonKind::int64;
            v.i64 = el.get_int64().value_unsafe();
            break;
        case element_type::UINT64:
            v.kind = JsonKind::uint64;
            v.u64 = el.get_uint64().value_unsafe();
            break;
        case element_type::DOUBLE:
            v.kind = JsonKind::dbl;
            v.dbl = el.get_double().value_unsafe();
            break;
        case element_type::NULL_VALUE: v.kind = JsonKind::null; break;
        case element_type::BOOL: v.kind = JsonKind::boolean; break;
        case element_type::OBJECT: v.kind = JsonKind::object; break;
        case element_type::ARRAY: v.kind = JsonKind::array; break;
    }
}

// ---------------------------------------------------------------------------
// Table rules.

namespace {

constexpr std::array<FieldSpec, X4::count_> xml4_fields_3176() {
    auto f = kXml4Fields;
    f[X4::MA_DICH_VU].max_len = 20;
    return f;
}
constexpr auto kXml4Fields3176 = xml4_fields_3176();

constexpr FieldIndex kXml0Index = build_field_index(kXml0Fields);
constexpr FieldIndex kXml2Index = build_field_index(kXml2Fields);
constexpr FieldIndex kXml4Index = build_field_index(kXml4Fields);
constexpr FieldIndex kXml7Index = build_field_index(kXml7Fields);
constexpr FieldIndex kXml8Index = build_field_index(kXml8Fields);
constexpr FieldIndex kXml13Index = build_field_index(kXml13Fields);
constexpr FieldIndex kXml14Index = build_field_index(kXml14Fields);
constexpr FieldIndex kTiemChungIndex = build_field_index(kTiemChungFields);

constexpr std::size_t kMaxFields = 48;
static_assert(X2::count_ <= kMaxFields && X13::count_ <= kMaxFields && X0::count_ <= kMaxFields);
using Values = std::array<FieldValue, kMaxFields>;

// What the other tables of an episode are checked against (XML1, validated).
struct Facts {
    std::string_view facility;  // XML1.MA_CSKCB; "" outside an episode
    uint64_t vao = 0;           // XML1.NGAY_VAO, yyyymmddHHMM
    uint64_t ra = 0;            // XML1.NGAY_RA
    int64_t rv = 0;             // XML1.MA_LOAI_RV
    int admit_year = 0;         // year of XML1.NGAY_VAO
};

struct TableRules {
    std::string_view name;
    std::span<const FieldSpec> fields;
    const FieldIndex* index;
    int year_field = -1;  // the field whose year bounds NGAY_SINH; -1: XML1.NGAY_VAO
    bool (*table_if)(std::string_view path, const Facts&, Issue&) = nullptr;  // may the table be sent at all?
    bool (*required_if)(const Row&, Issue&) = nullptr;                        // after the declared requirements
    bool (*order)(const Row&, const Facts&, Issue&) = nullptr;                // after the dates (E_DATE_ORDER)
    bool (*cross)(const Row&, const Facts&, Issue&) = nullptr;                // after the codes: links to XML1
};

bool require(const Row& row, std::size_t i, std::string_view why, Issue& e) {
    if (present(row[i])) return true;
    std::string reason = required_reason(row.specs[i].name, row[i]);
    reason += ": ";
    reason += why;
    return field_error(e, "E_REQUIRED", row.ref(i), std::move(reason));
}

// `later` (when given) is not before `earlier` (when given); both checked times or dates.
bool not_before(const Row& row, std::size_t earlier, std::size_t later, Issue& e) {
    if (!present(row[earlier]) || !present(row[later])) return true;
    if (digits_value(row.text(later)) >= digits_value(row.text(earlier))) return true;
    return field_error(e, "E_DATE_ORDER", row.ref(later),
                       std::string(row.specs[later].name) + " " + std::string(row.text(later)) + " is before " +
                           std::string(row.specs[earlier].name) + " " + std::string(row.text(earlier)));
}

bool same_facility(const Row& row, std::size_t i, const Facts& facts, Issue& e) {
    if (facts.facility.empty() || row.text(i) == facts.facility) return true;
    return field_error(e, "E_FACILITY", row.ref(i),
                       std::string(row.specs[i].name) + " " + show(row.text(i)) + " differs from XML1.MA_CSKCB " +
                           show(facts.facility) + ": the episode's papers are issued by its facility");
}


// --- XML0

bool xml0_order(const Row& row, const Facts&, Issue& e) {
    return not_before(row, X0::NGAY_VAO, X0::NGAY_VAO_NOI_TRU, e);
}
bool xml0_cross(const Row& row, const Facts& facts, Issue& e) { return same_facility(row, X0::MA_CSKCB, facts, e); }

// --- XML4: a value may come late (sent empty, filled by a later version); once
// it is there it has a time, within the stay or up to 60 days after it (TB cultures).

constexpr int64_t kLateResultDays = 60;

bool xml4_required(const Row& row, Issue& e) {
    if (!present(row[X4::GIA_TRI])) return true;
    return require(row, X4::NGAY_KQ, "GIA_TRI holds a result, which needs the time of the result", e);
}

bool xml4_order(const Row& row, const Facts& facts, Issue& e) {
    if (!present(row[X4::GIA_TRI]) || !present(row[X4::NGAY_KQ]) || facts.vao == 0) return true;
    const std::string kq(row.text(X4::NGAY_KQ));
    const uint64_t t = digits_value(kq);
    if (t < facts.vao)
        return field_error(e, "E_DATE_ORDER", row.ref(X4::NGAY_KQ),
                           "NGAY_KQ " + kq + " is before XML1.NGAY_VAO " + std::to_string(facts.vao));
    if (minutes_of(t) > minutes_of(facts.ra) + kLateResultDays * 1440)
        return field_error(e, "E_DATE_ORDER", row.ref(X4::NGAY_KQ),
                           "NGAY_KQ " + kq + " is more than 60 days after XML1.NGAY_RA " + std::to_string(facts.ra) +
                               ": a late result is sent within 60 days of the end of the visit");
    return true;
}

// --- XML7: a termination of pregnancy states its cause, time and week; the
// days of outpatient leave come with their first and last day.

bool xml7_required(const Row& row, Issue& e) {
    int64_t terminated = 0;
    if (int_value(row[X7::MA_DINH_CHI_THAI], terminated) && terminated == 1)
        for (std::size_t i :
             {std::size_t{X7::NGUYENNHAN_DINHCHI}, std::size_t{X7::THOIGIAN_DINHCHI}, std::size_t{X7::TUOI_THAI}})
            if (!require(row, i, "MA_DINH_CHI_THAI is 1 (termination of pregnancy)", e)) return false;
    constexpr std::size_t kLeave[] = {X7::SO_NGAY_NGHI, X7::NGOAITRU_TUNGAY, X7::NGOAITRU_DENNGAY};
    const bool any = std::ranges::any_of(kLeave, [&](std::size_t i) { return present(row[i]); });
    if (any)
        for (std::size_t i : kLeave)
            if (!require(row, i, "SO_NGAY_NGHI, NGOAITRU_TUNGAY and NGOAITRU_DENNGAY go together", e)) return false;
    return true;
}

bool xml7_order(const Row& row, const Facts&, Issue& e) {
    return not_before(row, X7::NGAY_VAO, X7::NGAY_RA, e) &&
           not_before(row, X7::NGOAITRU_TUNGAY, X7::NGOAITRU_DENNGAY, e);
}

// --- XML8

bool xml8_order(const Row& row, const Facts&, Issue& e) {
    return not_before(row, X8::NGAY_VAO, X8::NGAY_RA, e) && not_before(row, X8::NGAY_SINHCON, X8::NGAY_CONCHET, e);
}

// --- XML13: sent only for a referral (MA_LOAI_RV 2 or 5).

bool is_referral(int64_t rv) noexcept { return rv == 2 || rv == 5; }

bool xml13_if(std::string_view path, const Facts& facts, Issue& e) {
    if (is_referral(facts.rv)) return true;
    e.code = "E_CONDITION";
    e.field.assign(path);
    e.reason = "XML13 (referral paper) is sent only for a referral, but XML1.MA_LOAI_RV is " +
               std::to_string(facts.rv) + "; expected 2 or 5";
    return false;
}

bool xml13_cross(const Row& row, const Facts& facts, Issue& e) {
    if (!same_facility(row, X13::MA_CSKCB, facts, e)) return false;
    int64_t rv = 0;
    int_value(row[X13::MA_LOAI_RV], rv);
    if (is_referral(rv)) return true;
    return field_error(e, "E_CODE", row.ref(X13::MA_LOAI_RV),
                       "MA_LOAI_RV " + value_text(row[X13::MA_LOAI_RV]) +
                           " is not a referral: expected 2 (professional referral) or 5 (at the patient's request)");
}

// --- XML14: the appointment follows the visit.

bool xml14_order(const Row& row, const Facts& facts, Issue& e) {
    if (facts.ra == 0 || digits_value(row.text(X14::NGAY_HEN_KL)) > facts.ra) return true;
    return field_error(e, "E_DATE_ORDER", row.ref(X14::NGAY_HEN_KL),
                       "NGAY_HEN_KL " + std::string(row.text(X14::NGAY_HEN_KL)) + " is not after XML1.NGAY_RA " +
                           std::to_string(facts.ra) + ": a re-examination is booked for after the visit");
}

bool xml14_cross(const Row& row, const Facts& facts, Issue& e) { return same_facility(row, X14::MA_CSKCB, facts, e); }

// --- TIEM_CHUNG: a dose was given somewhere.

bool tiem_chung_required(const Row& row, Issue& e) {
    if (present(row[XTC::NOI_TIEM])) return true;
    return require(row, XTC::MA_CSKCB, "a dose names where it was given (MA_CSKCB or NOI_TIEM)", e);
}

constexpr TableRules kXml0Rules{.name = "XML0",
                                .fields = kXml0Fields,
                                .index = &kXml0Index,
                                .year_field = X0::NGAY_VAO,
                                .order = xml0_order,
                                .cross = xml0_cross};
constexpr TableRules kXml2Rules{.name = "XML2", .fields = kXml2Fields, .index = &kXml2Index};
constexpr TableRules kXml4Rules{
    .name = "XML4", .fields = kXml4Fields, .index = &kXml4Index, .required_if = xml4_required, .order = xml4_order};
constexpr TableRules kXml4Rules3176{
    .name = "XML4", .fields = kXml4Fields3176, .index = &kXml4Index, .required_if = xml4_required, .order = xml4_order};
constexpr TableRules kXml7Rules{
    .name = "XML7", .fields = kXml7Fields, .index = &kXml7Index, .required_if = xml7_required, .order = xml7_order};
constexpr TableRules kXml8Rules{.name = "XML8", .fields = kXml8Fields, .index = &kXml8Index, .order = xml8_order};
constexpr TableRules kXml13Rules{
    .name = "XML13", .fields = kXml13Fields, .index = &kXml13Index, .table_if = xml13_if, .cross = xml13_cross};
constexpr TableRules kXml14Rules{
    .name = "XML14", .fields = kXml14Fields, .index = &kXml14Index, .order = xml14_order, .cross = xml14_cross};
constexpr TableRules kTiemChungRules{.name = "TIEM_CHUNG",
                                     .fields = kTiemChungFields,
                                     .index = &kTiemChungIndex,
                                     .year_field = XTC::NGAY_TIEM,
                                     .required_if = tiem_chung_required};

// 0..15 for XML0..XML15, 16 for TIEM_CHUNG, -1 for anything else.
int table_number(std::string_view name) noexcept {
    if (name == "TIEM_CHUNG") return 16;
    if (name.size() < 4 || name.size() > 5 || name.substr(0, 3) != "XML") return -1;
    if (name.size() == 5 && name[3] == '0') return -1;
    int n = 0;
    for (char c : name.substr(3)) {
        if (c < '0' || c > '9') return -1;
        n = n * 10 + (c - '0');
    }
    return n <= 15 ? n : -1;
}

// The rules of a table validated field by field, or null.
const TableRules* rules_for(std::string_view table, Generation g) noexcept {
    switch (table_number(table)) {
        case 0: return &kXml0Rules;
        case 2: return &kXml2Rules;
        case 4: return g == Generation::qd3176 ? &kXml4Rules3176 : &kXml4Rules;
        case 7: return &kXml7Rules;
        case 8: return &kXml8Rules;
        case 13: return &kXml13Rules;
        case 14: return &kXml14Rules;
        case 16: return &kTiemChungRules;
        default: return nullptr;
    }
}

// One row of `rules` in the documented passes; `values` keeps what it held.
bool check_row(const TableRules& rules, const object& fields, std::string_view path, Generation g, const Facts& facts,
               Values& values, Issue& e) {
    if (rules.table_if && !rules.table_if(path, facts, e)) return false;
    values = {};
    for (auto kv : fields) {
        const int i = find_field(rules.fields, *rules.index, current_field_name(g, rules.name, kv.key));
        if (i >= 0) read_field_value(kv.value, values[static_cast<std::size_t>(i)]);
    }
    const Row row{rules.fields, values.data(), rules.name, path, g};
    if (!check_types(row, e) || !check_required(row, e) || (rules.required_if && !rules.required_if(row, e)) ||
        !check_lengths(row, e) || !check_facilities(row, e) || !check_dates(row, e))
        return false;
    const bool own_year = rules.year_field >= 0;
    const int admit_year =
        own_year ? static_cast<int>(digits_value(row.text(static_cast<std::size_t>(rules.year_field)).substr(0, 4)))
                 : facts.admit_year;
    const std::string_view admit_field =
        own_year ? rules.fields[static_cast<std::size_t>(rules.year_field)].name : std::string_view("NGAY_VAO");
    return check_births(row, admit_year, admit_field, e) && (!rules.order || rules.order(row, facts, e)) &&
           check_codes(row, e) && (!rules.cross || rules.cross(row, facts, e));
}

// XML1's NGAY_RA and MA_LOAI_RV, under whatever name `g` gave them.
void read_xml1_facts(const object& top, Generation g, Facts& facts) {
    object x1;
    if (top.at_key("XML1").get(x1) != simdjson::SUCCESS) return;
    for (auto kv : x1) {
        const std::string_view name = current_field_name(g, "XML1", kv.key);
        FieldValue v;
        if (name == "NGAY_RA") {
            read_field_value(kv.value, v);
            facts.ra = v.kind == JsonKind::string ? digits_value(v.text) : 0;
        } else if (name == "MA_LOAI_RV") {
            read_field_value(kv.value, v);
            int_value(v, facts.rv);
        }
    }
}

void warn_facility_province(std::string_view row, std::string_view facility, std::vector<Issue>& warnings) {
    if (facility.empty() || is_province_code(facility.substr(0, 2))) return;
    field_warning(warnings, "W_PROVINCE", FieldRef{row, "MA_CSKCB", {}},
                  "MA_CSKCB " + show(facility) + " does not start with a known province code");
}

}  // namespace

std::string_view stored_4210_text(std::string_view field, const element& value, char (&buf)[32]) noexcept {
    FieldValue v;
    read_field_value(value, v);
    int64_t n = 0;
    if (field == "MA_LOAI_KCB" && int_value(v, n) && n >= 1 && n <= 9) {
        buf[0] = '0';
        buf[1] = static_cast<char>('0' + n);
        return {buf, 2};
    }
    if (field == "CAN_NANG" && (v.kind == JsonKind::int64 || v.kind == JsonKind::uint64 || v.kind == JsonKind::dbl)) {
        const auto r = v.kind == JsonKind::dbl ? std::to_chars(buf, buf + sizeof buf, v.dbl)
                       : v.kind == JsonKind::int64 ? std::to_chars(buf, buf + sizeof buf, v.i64)
                                                   : std::to_chars(buf, buf + sizeof buf, v.u64);
        if (r.ec == std::errc()) return {buf, static_cast<std::size_t>(r.ptr - buf)};
    }
    return {};
}

bool is_numeric_field(std::string_view table, std::string_view field) noexcept {
    auto listed = [&](std::span<const std::string_view> names) { return std::ranges::binary_search(names, field); };
    const int n = table_number(table);
    if (n == 1) {
        const int i = xml1_field_index(field);
        return i >= 0 ? kXml1Fields[static_cast<std::size_t>(i)].type == FieldType::num : listed(kXml1Numbers4210);
    }
    if (const TableRules* rules = rules_for(table, Generation::qd130)) {
        const int i = find_field(rules->fields, *rules->index, field);
        if (i >= 0) return rules->fields[static_cast<std::size_t>(i)].type == FieldType::num;
        return n == 2 && listed(kXml2Numbers4210);
    }
    switch (n) {
        case 3: return listed(kXml3Numbers);
        case 5: return listed(kXml5Numbers);
        case 6: return listed(kXml6Numbers);
        case 9: return listed(kXml9Numbers);
        case 10: return listed(kXml10Numbers);
        case 11: return listed(kXml11Numbers);
        case 15: return listed(kXml15Numbers);
        default: return false;
    }
}

bool validate_tables(const object& top, Generation g, ParsedRecord& out, Issue& e) {
    Facts facts;
    facts.facility = out.facility;
    facts.vao = out.admitted;
    facts.admit_year = static_cast<int>(out.admitted / 100000000);
    read_xml1_facts(top, g, facts);
    Values values;
    for (auto kv : top) {
        const TableRules* rules = kv.key == "TIEM_CHUNG" ? nullptr : rules_for(kv.key, g);
        if (!rules) continue;
        if (kv.value.type() == element_type::OBJECT) {
            const object fields = kv.value.get_object().value_unsafe();
            if (!check_row(*rules, fields, kv.key, g, facts, values, e)) return false;
        } else if (kv.value.type() == element_type::ARRAY) {
            const simdjson::dom::array rows = kv.value.get_array().value_unsafe();
            std::size_t i = 0;
            for (element row : rows) {
                std::string path(kv.key);
                path += '[';
                path += std::to_string(i++);
                path += ']';
                if (row.type() != element_type::OBJECT) continue;
                const object fields = row.get_object().value_unsafe();
                if (!check_row(*rules, fields, path, g, facts, values, e)) return false;
            }
        }
    }
    return true;
}

bool validate_checkin(const object& xml0, ParsedRecord& out, Issue& e) {
    const Generation g = Generation::qd130;
    Values v;
    if (!check_row(kXml0Rules, xml0, "XML0", g, Facts{}, v, e)) return false;
    const Row row{kXml0Rules.fields, v.data(), "XML0", "XML0", g};
    int64_t sex = 0;
    int_value(v[X0::GIOI_TINH], sex);
    const PersonFields person{"XML0",
                              g,
                              row.text(X0::SO_CCCD),
                              row.text(X0::MA_THE_BHYT),
                              row.text(X0::NGAY_SINH),
                              sex,
                              static_cast<int>(digits_value(row.text(X0::NGAY_VAO).substr(0, 4)))};
    PersonIds ids;
    if (!read_person_ids(person, ids, e)) return false;

    out.kind = RecordKind::checkin;
    out.facility.assign(row.text(X0::MA_CSKCB));
    out.ma_lk.assign(row.text(X0::MA_LK));
    out.admitted = digits_value(row.text(X0::NGAY_VAO));
    out.ids = std::move(ids);
    out.person.name.assign(row.text(X0::HO_TEN));
    out.person.birth.assign(row.text(X0::NGAY_SINH));
    out.person.patient_number.assign(row.text(X0::MA_BN));
    out.person.sex = sex == 1 || sex == 2 ? static_cast<uint8_t>(sex) : 0;
    warn_facility_province("XML0", out.facility, out.warnings);
    warn_person_ids(person, out.ids, out.warnings);
    return true;
}

bool validate_vaccination(const object& tiem_chung, ParsedRecord& out, Issue& e) {
    const Generation g = Generation::qd130;
    Values v;
    if (!check_row(kTiemChungRules, tiem_chung, "TIEM_CHUNG", g, Facts{}, v, e)) return false;
    const Row row{kTiemChungRules.fields, v.data(), "TIEM_CHUNG", "TIEM_CHUNG", g};
    const std::string_view given = row.text(XTC::NGAY_TIEM);
    int64_t sex = 0;
    int_value(v[XTC::GIOI_TINH], sex);
    const PersonFields person{"TIEM_CHUNG",
                              g,
                              row.text(XTC::SO_CCCD),
                              row.text(XTC::MA_THE_BHYT),
                              row.text(XTC::NGAY_SINH),
                              sex,
                              static_cast<int>(digits_value(given.substr(0, 4)))};
    PersonIds ids;
    if (!read_person_ids(person, ids, e)) return false;

    out.kind = RecordKind::vaccination;
    out.facility.assign(kVaccinationFacility);
    out.ma_lk.assign(row.text(XTC::HE_THONG_NGUON));
    out.ma_lk += '|';
    out.ma_lk += row.text(XTC::MA_BAN_GHI);
    out.admitted = given.size() == 8 ? digits_value(given) * 10000 : digits_value(given);  // a date starts at 0000
    out.ids = std::move(ids);
    out.person.name.assign(row.text(XTC::HO_TEN));
    out.person.birth.assign(row.text(XTC::NGAY_SINH));
    out.person.sex = sex == 1 || sex == 2 ? static_cast<uint8_t>(sex) : 0;
    warn_facility_province("TIEM_CHUNG", row.text(XTC::MA_CSKCB), out.warnings);
    warn_person_ids(person, out.ids, out.warnings);
    return true;
}

}  // namespace ehb
