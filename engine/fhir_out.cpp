#include "engine/fhir_out.hpp"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <initializer_list>
#include <unordered_set>
#include <vector>

#include "engine/canonical.hpp"
#include "engine/fhir_common.hpp"
#include "engine/validate.hpp"

namespace ehb {

namespace {

using namespace fhir;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

std::string cat(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (std::string_view p : parts) out += p;
    return out;
}

// A name-based UUID (RFC 9562 version 8, XXH3-128 of the seed): the same
// record always gets the same ids.
std::string uuid_of(std::string_view seed) {
    const Hash128 h = canonical_hash(seed);
    const uint64_t hi = (h.hi & ~uint64_t{0xF000}) | 0x8000;
    const uint64_t lo = (h.lo & ~(uint64_t{3} << 62)) | (uint64_t{2} << 62);
    char buf[40];
    using ull = unsigned long long;
    std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx", ull(hi >> 32), ull((hi >> 16) & 0xFFFF),
                  ull(hi & 0xFFFF), ull(lo >> 48), ull(lo & 0xFFFFFFFFFFFFull));
    return buf;
}

std::string url_of(std::string_view id) { return cat({"urn:uuid:", id}); }

std::vector<std::string_view> split_list(std::string_view s) {
    std::vector<std::string_view> items;
    for (std::size_t start = 0;;) {
        const std::size_t semi = s.find(';', start);
        items.push_back(s.substr(start, semi - start));
        if (semi == std::string_view::npos) return items;
        start = semi + 1;
    }
}

// -?[0-9]+(\.[0-9]+)? : what GIA_TRI or SO_LUONG holds when it is a number.
bool is_plain_decimal(std::string_view s) {
    std::size_t i = !s.empty() && s[0] == '-';
    const std::size_t int_start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == int_start) return false;
    if (i == s.size()) return true;
    if (s[i] != '.') return false;
    const std::size_t frac_start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i == s.size() && i > frac_start;
}

// The JSON number to write for a plain decimal: itself when it reads back
// unchanged, else its shortest double form; "" when it is not a finite decimal.
std::string quantity_value(std::string_view s) {
    if (!is_plain_decimal(s)) return {};
    if (is_exact_number_text(s)) return std::string(s);
    double d;
    if (std::from_chars(s.data(), s.data() + s.size(), d).ec != std::errc()) return {};
    char buf[32];
    return std::string(buf, std::to_chars(buf, buf + sizeof buf, d).ptr);
}

// A positiveInt as FHIR spells it (no sign, no leading zero, at most 2^31-1).
bool is_positive_int(std::string_view s) {
    if (s.empty() || s.size() > 10 || s[0] == '0') return false;
    int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    return v <= INT32_MAX;
}

// JSON written by appending. A container left empty at end() is removed with
// its key, since FHIR forbids empty arrays and objects; string() skips "".
class JsonOut {
public:
    explicit JsonOut(std::string& out) : o_(out) {}
    void begin_object(std::string_view key = {}) { open(key, '{', '}'); }
    void begin_array(std::string_view key = {}) { open(key, '[', ']'); }
    void end() {
        const Frame f = stack_.back();
        stack_.pop_back();
        if (first_) {
            o_.resize(f.rollback);
            first_ = f.parent_first;
        } else {
            o_ += f.close;
            first_ = false;
        }
    }
    void string(std::string_view key, std::string_view v) {
        if (v.empty()) return;
        member(key);
        append_canonical_string(o_, v);
    }
    void raw(std::string_view key, std::string_view json) {
        if (json.empty()) return;
        member(key);
        o_ += json;
    }

private:
    struct Frame {
        std::size_t rollback;
        bool parent_first;
        char close;
    };
    void member(std::string_view key) {
        if (!first_) o_ += ',';
        first_ = false;
        if (!key.empty()) {
            append_canonical_string(o_, key);
            o_ += ':';
        }
    }
    void open(std::string_view key, char open, char close) {
        stack_.push_back({o_.size(), first_, close});
        member(key);
        o_ += open;
        first_ = true;
    }
    std::string& o_;
    std::vector<Frame> stack_;
    bool first_ = true;
};

void reference(JsonOut& j, std::string_view key, std::string_view url) {
    if (url.empty()) return;
    j.begin_object(key);
    j.string("reference", url);
    j.end();
}

// A CodeableConcept: one coding (when `code` is not empty) and a text.
void codeable_concept(JsonOut& j, std::string_view key, std::string_view system, std::string_view code,
                      std::string_view text = {}, std::string_view display = {}) {
    j.begin_object(key);
    if (!code.empty()) {
        j.begin_array("coding");
        j.begin_object();
        j.string("system", system);
        j.string("code", code);
        j.string("display", display);
        j.end();
        j.end();
    }
    j.string("text", text);
    j.end();
}

void identifier(JsonOut& j, std::string_view system, std::string_view value) {
    if (value.empty()) return;
    j.begin_object();
    j.string("system", system);
    j.string("value", value);
    j.end();
}

// One row of a table: its fields, and which of them the core elements carry.
class Fields {
public:
    explicit Fields(object o) : obj_(o) {}
    const object& obj() const { return obj_; }

    // A string field's value; "" when absent, "", or not a string.
    std::string_view str(std::string_view name) const {
        element e;
        if (obj_.at_key(name).get(e) != simdjson::SUCCESS || e.type() != element_type::STRING) return {};
        return e.get_string().value_unsafe();
    }
    // A number field's value as text, from a string or a number.
    std::string num(std::string_view name) const {
        element e;
        if (obj_.at_key(name).get(e) != simdjson::SUCCESS) return {};
        if (e.type() == element_type::STRING) return std::string(e.get_string().value_unsafe());
        return number_text(e);
    }
    bool present(std::string_view name) const {
        element e;
        if (obj_.at_key(name).get(e) != simdjson::SUCCESS) return false;
        return e.type() != element_type::NULL_VALUE &&
               !(e.type() == element_type::STRING && e.get_string().value_unsafe().empty());
    }
    void claim(std::string_view name) { claimed_.push_back(name); }
    bool claimed(std::string_view name) const {
        for (std::string_view c : claimed_)
            if (c == name) return true;
        return false;
    }
    // A field the reader would fill in but the row does not have.
    void mark_absent(std::string_view name) {
        absent_.push_back(name);
        claim(name);
    }
    const std::vector<std::string_view>& absent() const { return absent_; }

private:
    object obj_;
    std::vector<std::string_view> claimed_;
    std::vector<std::string_view> absent_;
};

// Has a member that the extensions would write (not null, not "").
bool has_content(const object& o) {
    for (auto kv : o) {
        const element& v = kv.value;
        if (v.type() == element_type::NULL_VALUE) continue;
        if (v.type() == element_type::STRING && v.get_string().value_unsafe().empty()) continue;
        return true;
    }
    return false;
}

// The codes of a diagnosis: MA_BENH_CHINH (with the text CHAN_DOAN_RV) and
// the MA_BENH_KT list, as far as they are FHIR codes.
struct Diagnoses {
    std::string_view text;
    std::vector<std::string_view> codes;  // principal first
};
Diagnoses diagnoses(Fields& f) {
    Diagnoses d;
    const std::string_view principal = f.str("MA_BENH_CHINH");
    if (!is_fhir_code(principal)) return d;
    f.claim("MA_BENH_CHINH");
    d.codes.push_back(principal);
    d.text = f.str("CHAN_DOAN_RV");
    if (!d.text.empty()) f.claim("CHAN_DOAN_RV");
    const std::string_view others = f.str("MA_BENH_KT");
    if (others.empty()) return d;
    const std::vector<std::string_view> items = split_list(others);
    for (std::string_view c : items)
        if (!is_fhir_code(c)) return d;
    d.codes.insert(d.codes.end(), items.begin(), items.end());
    f.claim("MA_BENH_KT");
    return d;
}

// As reasonCode: the principal code with the text, then one per other code.
void reason_codes(JsonOut& j, const Diagnoses& d) {
    j.begin_array("reasonCode");
    for (std::size_t i = 0; i < d.codes.size(); ++i)
        codeable_concept(j, {}, kCsIcd10, d.codes[i], i == 0 ? d.text : "");
    j.end();
}

// A CodeableConcept of one code from a field, when it is a FHIR code.
void coded_field(JsonOut& j, std::string_view key, Fields& f, std::string_view field, std::string_view system,
                 bool numeric = false) {
    const std::string code = numeric ? f.num(field) : std::string(f.str(field));
    if (!is_fhir_code(code)) return;
    f.claim(field);
    codeable_concept(j, key, system, code);
}

// The CodeableConcept of a coded thing with a name (a drug, an indicator, a
// vaccine); R4 requires it, so with neither it says the code is unknown.
void named_code(JsonOut& j, std::string_view key, Fields& f, std::string_view code_field, std::string_view name_field,
                std::string_view system) {
    const std::string_view code = f.str(code_field);
    const std::string_view name = f.str(name_field);
    const bool coded = is_fhir_code(code);
    if (coded) f.claim(code_field);
    if (!name.empty()) f.claim(name_field);
    if (!coded && name.empty())
        codeable_concept(j, key, kCsDataAbsent, "unknown");
    else
        codeable_concept(j, key, system, coded ? code : "", name);
}

// A string element from a field, which it then carries.
void string_field(JsonOut& j, std::string_view key, Fields& f, std::string_view field) {
    const std::string_view v = f.str(field);
    if (v.empty()) return;
    j.string(key, v);
    f.claim(field);
}

// A dateTime (or, with fhir_date, a date) element from a field that converts exactly.
void time_field(JsonOut& j, std::string_view key, Fields& f, std::string_view field,
                std::string (*to_fhir)(std::string_view) = fhir_time) {
    const std::string t = to_fhir(f.str(field));
    if (t.empty()) return;
    j.string(key, t);
    f.claim(field);
}

void identifier_field(JsonOut& j, std::string_view system, Fields& f, std::string_view field) {
    const std::string_view value = f.str(field);
    if (value.empty()) return;
    identifier(j, system, value);
    f.claim(field);
}

// A logical reference to a practitioner by licence (CCHN) number.
void practitioner_field(JsonOut& j, std::string_view key, Fields& f, std::string_view field) {
    const std::string_view licence = f.str(field);
    if (licence.empty()) return;
    j.begin_object(key);
    j.begin_object("identifier");
    j.string("system", kSidPractitioner);
    j.string("value", licence);
    j.end();
    j.end();
    f.claim(field);
}

// note: [{text}] from a field.
void note_field(JsonOut& j, Fields& f, std::string_view field) {
    j.begin_array("note");
    j.begin_object();
    string_field(j, "text", f, field);
    j.end();
    j.end();
}

// A resource being written, from its type and id on.
struct Resource {
    Resource(std::string_view type, std::string_view id) : j(json) {
        j.begin_object();
        j.string("resourceType", type);
        j.string("id", id);
    }
    std::string json;
    JsonOut j;
};

struct PatientData {
    std::string name, gender, birth_date, birth_time, address, phone;
    std::vector<std::pair<std::string_view, std::string>> ids;  // system, value
    std::vector<std::pair<std::string, std::string>> mrns;      // facility, MA_BN
};

constexpr std::string_view kXml13NoteFields[] = {"DAU_HIEU_LS", "QT_BENHLY", "TOMTAT_KQ", "HUONG_DIEU_TRI",
                                                 "TINH_TRANG_CT"};

// The tables of an episode that have resources of their own.
bool is_array_of_objects(const element& v) {
    if (v.type() != element_type::ARRAY) return false;
    const simdjson::dom::array a = as_array(v);
    if (a.size() == 0) return false;
    for (element row : a)
        if (row.type() != element_type::OBJECT) return false;
    return true;
}
bool has_resources(std::string_view table, const element& v) {
    if (table == "XML2" || table == "XML4") return is_array_of_objects(v);
    if (table == "XML13" || table == "XML14") return v.type() == element_type::OBJECT;
    return false;
}

bool is_source_code(std::string_view s) {
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return false;
    return !s.empty();
}

}  // namespace

struct FhirBookWriter::Impl {
    simdjson::dom::parser parser;
    CanonicalWriter canon;
    std::string canonical;  // the record being added
    std::string scratch, dup;

    std::string seed;
    std::vector<std::string> entries;
    std::unordered_set<std::string> shared;  // ids of Organizations and Locations already written
    PatientData patient;

    // The record being added.
    std::string rec;         // seed of its resource ids
    std::string enc_url;     // its Encounter's fullUrl
    std::string episode_lk;  // the MA_LK its rows link to

    std::string id_for(std::initializer_list<std::string_view> parts) const {
        std::string s = rec;
        for (std::string_view p : parts) {
            s += '|';
            s += p;
        }
        return uuid_of(s);
    }
    std::string patient_url() const { return url_of(uuid_of(cat({seed, "|Patient"}))); }

    void add_entry(std::string_view id, std::string_view resource) {
        std::string e;
        JsonOut j(e);
        j.begin_object();
        j.string("fullUrl", url_of(id));
        j.raw("resource", resource);
        j.end();
        entries.push_back(std::move(e));
    }
    void done(Resource& r, std::string_view id) {
        r.j.end();
        add_entry(id, r.json);
    }
    // A resource of a visit's row: subject, encounter, then (by the caller) the rest.
    void link(JsonOut& j) {
        reference(j, "subject", patient_url());
        reference(j, "encounter", enc_url);
    }

    // Organizations and Locations are shared by the records of a book: one
    // entry per content, its members written by `body`.
    template <class Body>
    std::string shared_entry(std::string_view type, std::string_view content, Body&& body) {
        const std::string id = uuid_of(cat({type, "|", content}));
        if (shared.insert(id).second) {
            Resource r(type, id);
            body(r.j);
            done(r, id);
        }
        return url_of(id);
    }
    // An Organization or Location identified by a facility code.
    std::string facility_entry(std::string_view type, std::string_view code) {
        if (code.empty()) return {};
        return shared_entry(type, cat({"facility|", code}), [&](JsonOut& j) {
            j.begin_array("identifier");
            identifier(j, kSidFacility, code);
            j.end();
        });
    }
    std::string named_location(std::string_view name) {
        return shared_entry("Location", cat({"name|", name}), [&](JsonOut& j) { j.string("name", name); });
    }
    std::string payor() {
        return shared_entry("Organization", "payor|BHXH", [&](JsonOut& j) {
            j.begin_array("identifier");
            identifier(j, kSidPayor, "BHXH");
            j.end();
            j.string("name", "Vietnam Social Security");
            j.begin_array("alias");
            j.string({}, "Bảo hiểm xã hội Việt Nam");
            j.end();
        });
    }

    bool add(std::string_view document, Issue& error);
    void person(Fields& c, std::string_view table);
    void coverages(Fields& c, bool details);
    void encounter(const object& top, Fields& c, std::string_view table);
    void conditions(const Diagnoses& d);
    void immunization(const object& top, Fields& c);
    void medication(Fields& row, std::size_t index);
    void lab_results(const simdjson::dom::array& rows);
    void referral(Fields& row);
    void appointment(Fields& row);
    void link_row(Fields& row);
    void extensions(JsonOut& j, const Fields& f, const object* top = nullptr, std::string_view table = {});
    void field_extensions(JsonOut& j, const Fields& f);
    void table_extension(JsonOut& j, std::string_view name, const element& value);
    void value_extension(JsonOut& j, std::string_view name, const element& value);
    std::string patient_resource();
};

// ---- extensions ----

namespace {

// An extension url: a prefix, then a field or table name.
std::string named_url(std::string_view prefix, std::string_view name) {
    std::string url(prefix);
    append_url_name(url, name);
    return url;
}

}  // namespace

// One field no core element carries: bhyt-field with its value, or (an
// object or array) bhyt-json with its JSON.
void FhirBookWriter::Impl::value_extension(JsonOut& j, std::string_view name, const element& v) {
    std::string text;
    std::string_view kind = "valueString";
    switch (v.type()) {
        case element_type::NULL_VALUE: return;
        case element_type::STRING:
            if (v.get_string().value_unsafe().empty()) return;
            break;
        case element_type::INT64:
        case element_type::UINT64:
        case element_type::DOUBLE:
            kind = "valueDecimal";
            text = number_text(v);
            break;
        case element_type::BOOL:
            kind = "valueBoolean";
            text = v.get_bool().value_unsafe() ? "true" : "false";
            break;
        case element_type::OBJECT:
        case element_type::ARRAY: canon.write(v, scratch, dup); break;
    }
    const bool nested = v.type() == element_type::OBJECT || v.type() == element_type::ARRAY;
    j.begin_object();
    j.string("url", named_url(nested ? kExtJsonField : kExtField, name));
    if (v.type() == element_type::STRING)
        j.string(kind, v.get_string().value_unsafe());
    else if (nested)
        j.string(kind, scratch);
    else
        j.raw(kind, text);
    j.end();
}

void FhirBookWriter::Impl::field_extensions(JsonOut& j, const Fields& f) {
    for (auto kv : f.obj())
        if (!f.claimed(kv.key)) value_extension(j, kv.key, kv.value);
    for (std::string_view name : f.absent()) {
        j.begin_object();
        j.string("url", kExtAbsentField);
        j.string("valueString", name);
        j.end();
    }
}

void FhirBookWriter::Impl::table_extension(JsonOut& j, std::string_view name, const element& value) {
    j.begin_object();
    j.string("url", named_url(kExtTable, name));
    bool rows = value.type() == element_type::ARRAY;
    if (rows) {
        const simdjson::dom::array a = as_array(value);
        rows = a.size() > 0;
        for (element row : a) rows = rows && row.type() == element_type::OBJECT && has_content(as_object(row));
    }
    auto part = [&](std::string_view url, const element& row) {
        j.begin_object();
        j.string("url", url);
        j.begin_array("extension");
        field_extensions(j, Fields(as_object(row)));
        j.end();
        j.end();
    };
    if (rows) {
        j.begin_array("extension");
        for (element row : as_array(value)) part("row", row);
        j.end();
    } else if (value.type() == element_type::OBJECT && has_content(as_object(value))) {
        j.begin_array("extension");
        part("object", value);
        j.end();
    } else {
        canon.write(value, scratch, dup);
        j.string("valueString", scratch);
    }
    j.end();
}

// The extension array of a resource: the fields its core elements do not
// carry and, on the Encounter or Immunization (`top` given), the tables
// with no resource of their own.
void FhirBookWriter::Impl::extensions(JsonOut& j, const Fields& f, const object* top, std::string_view table) {
    j.begin_array("extension");
    field_extensions(j, f);
    if (top) {
        const bool visit = table != kVaccinationTable;
        for (auto kv : *top)
            if (kv.key != table && !(visit && has_resources(kv.key, kv.value))) table_extension(j, kv.key, kv.value);
    }
    j.end();
}

// A row of a resource table names its episode: the reader gives every such
// row the episode's MA_LK, so a row without one says so.
void FhirBookWriter::Impl::link_row(Fields& row) {
    if (episode_lk.empty()) return;
    if (row.str("MA_LK") == episode_lk) {
        row.claim("MA_LK");
    } else if (!row.present("MA_LK")) {
        row.mark_absent("MA_LK");
    }
}

// ---- the person ----

void FhirBookWriter::Impl::person(Fields& c, std::string_view table) {
    const PersonMapping pm = person_mapping(table);
    PatientData& p = patient;
    auto keep = [&](std::string& slot, std::string_view field) {
        const std::string_view v = c.str(field);
        if (v.empty()) return;
        if (slot.empty()) slot = v;
        c.claim(field);
    };
    keep(p.name, "HO_TEN");
    if (const std::string_view g = fhir_gender(c.num("GIOI_TINH")); !g.empty()) {
        if (p.gender.empty()) p.gender = g;
        c.claim("GIOI_TINH");
    }
    const FhirBirth birth = fhir_birth(c.str("NGAY_SINH"));
    if (!birth.date.empty() && p.birth_date.empty()) {
        p.birth_date = birth.date;
        p.birth_time = birth.time;
    }
    if (birth.exact) c.claim("NGAY_SINH");

    std::string_view system;
    const std::string_view id = c.str("SO_CCCD");
    switch (classify_so_cccd(id)) {
        case SoCccdKind::citizen: system = kSidNationalId; break;
        case SoCccdKind::old_id: system = kSidCitizenId; break;
        case SoCccdKind::passport: system = kSidPassport; break;
        default: break;
    }
    if (!system.empty()) {
        const std::pair<std::string_view, std::string> entry{system, std::string(id)};
        if (std::find(p.ids.begin(), p.ids.end(), entry) == p.ids.end()) p.ids.push_back(entry);
        c.claim("SO_CCCD");
    }
    if (const std::string_view mrn = c.str("MA_BN"); pm.ma_bn && !mrn.empty()) {
        const std::pair<std::string, std::string> entry{std::string(c.str("MA_CSKCB")), std::string(mrn)};
        if (std::find(p.mrns.begin(), p.mrns.end(), entry) == p.mrns.end()) p.mrns.push_back(entry);
        c.claim("MA_BN");
    }
    if (pm.address_phone) {
        keep(p.address, "DIA_CHI");
        keep(p.phone, "DIEN_THOAI");
    }
    coverages(c, pm.card_details);
}

// One Coverage per card of MA_THE_BHYT; MA_DKBD, GT_THE_TU and GT_THE_DEN
// are spread over them when their items line up with the cards.
void FhirBookWriter::Impl::coverages(Fields& c, bool details) {
    const std::string_view cards_text = c.str("MA_THE_BHYT");
    if (cards_text.empty()) return;
    const std::vector<std::string_view> cards = split_list(cards_text);
    for (std::string_view card : cards)
        if (card.empty()) return;
    c.claim("MA_THE_BHYT");

    constexpr std::string_view kLists[] = {"MA_DKBD", "GT_THE_TU", "GT_THE_DEN"};
    std::vector<std::string> items[3];  // as written in FHIR
    for (int k = 0; details && k < 3; ++k) {
        const std::vector<std::string_view> parts = split_list(c.str(kLists[k]));
        if (parts.size() != cards.size()) continue;
        std::vector<std::string> converted;
        for (std::string_view part : parts) converted.push_back(k == 0 ? std::string(part) : fhir_date(part));
        if (std::find(converted.begin(), converted.end(), std::string()) != converted.end()) continue;
        items[k] = std::move(converted);
        c.claim(kLists[k]);
    }

    const std::string payor_url = payor();
    for (std::size_t i = 0; i < cards.size(); ++i) {
        const std::string id = id_for({"Coverage", std::to_string(i)});
        Resource r("Coverage", id);
        JsonOut& j = r.j;
        if (!items[0].empty()) {
            j.begin_array("extension");
            j.begin_object();
            j.string("url", kExtRegisteredFacility);
            j.begin_object("valueIdentifier");
            j.string("system", kSidFacility);
            j.string("value", items[0][i]);
            j.end();
            j.end();
            j.end();
        }
        j.begin_array("identifier");
        identifier(j, kSidInsurance, cards[i]);
        j.end();
        j.string("status", "active");
        j.string("subscriberId", cards[i]);
        reference(j, "beneficiary", patient_url());
        j.begin_object("period");
        if (!items[1].empty()) j.string("start", items[1][i]);
        if (!items[2].empty()) j.string("end", items[2][i]);
        j.end();
        j.begin_array("payor");
        reference(j, {}, payor_url);
        j.end();
        done(r, id);
    }
}

std::string FhirBookWriter::Impl::patient_resource() {
    const PatientData& p = patient;
    Resource r("Patient", uuid_of(cat({seed, "|Patient"})));
    JsonOut& j = r.j;
    j.begin_array("identifier");
    for (const auto& [system, value] : p.ids) identifier(j, system, value);
    for (const auto& [facility, mrn] : p.mrns) {
        j.begin_object();
        j.string("system", kSidPatientInternal);
        j.string("value", mrn);
        if (!facility.empty()) {
            j.begin_object("assigner");
            j.begin_object("identifier");
            j.string("system", kSidFacility);
            j.string("value", facility);
            j.end();
            j.end();
        }
        j.end();
    }
    j.end();
    j.begin_array("name");
    j.begin_object();
    j.string("text", p.name);
    j.end();
    j.end();
    if (!p.phone.empty()) {
        j.begin_array("telecom");
        j.begin_object();
        j.string("system", "phone");
        j.string("value", p.phone);
        j.end();
        j.end();
    }
    j.string("gender", p.gender);
    j.string("birthDate", p.birth_date);
    j.begin_object("_birthDate");
    j.begin_array("extension");
    if (!p.birth_time.empty()) {
        j.begin_object();
        j.string("url", kExtBirthTime);
        j.string("valueDateTime", p.birth_time);
        j.end();
    }
    j.end();
    j.end();
    j.begin_array("address");
    j.begin_object();
    j.string("text", p.address);
    j.end();
    j.end();
    r.j.end();
    return r.json;
}

// ---- the visit ----

void FhirBookWriter::Impl::encounter(const object& top, Fields& c, std::string_view table) {
    const std::string id = id_for({"Encounter"});
    enc_url = url_of(id);
    episode_lk = c.str("MA_LK");
    person(c, table);

    Resource r("Encounter", id);
    JsonOut& j = r.j;
    j.begin_array("identifier");
    identifier_field(j, kSidMaLk, c, "MA_LK");
    j.end();
    j.string("status", table == kEpisodeTable ? "finished" : "in-progress");
    const ActClass cls = encounter_class(c.str("MA_LOAI_KCB"));
    j.begin_object("class");
    j.string("system", kCsActCode);
    j.string("code", cls.code);
    j.string("display", cls.display);
    j.end();
    j.begin_array("type");
    coded_field(j, {}, c, "MA_LOAI_KCB", kCsVisitType);
    coded_field(j, {}, c, "MA_DOITUONG_KCB", kCsVisitObject);
    j.end();
    reference(j, "subject", patient_url());
    j.begin_object("period");
    time_field(j, "start", c, "NGAY_VAO");
    time_field(j, "end", c, "NGAY_RA");
    j.end();
    j.begin_array("reasonCode");
    j.begin_object();
    string_field(j, "text", c, "LY_DO_VV");
    j.end();
    j.end();
    const Diagnoses d = diagnoses(c);
    j.begin_array("diagnosis");
    for (std::size_t i = 0; i < d.codes.size(); ++i) {
        j.begin_object();
        reference(j, "condition", url_of(id_for({"Condition", std::to_string(i)})));
        j.raw("rank", std::to_string(i + 1));
        j.end();
    }
    j.end();
    j.begin_object("hospitalization");
    for (auto [field, key] : {std::pair{"MA_NOI_DI", "origin"}, std::pair{"MA_NOI_DEN", "destination"}}) {
        const std::string_view code = c.str(field);
        if (code.empty()) continue;
        reference(j, key, facility_entry("Organization", code));
        c.claim(field);
    }
    coded_field(j, "dischargeDisposition", c, "MA_LOAI_RV", kCsDischargeType, true);
    j.end();
    if (const std::string_view facility = c.str("MA_CSKCB"); !facility.empty()) {
        reference(j, "serviceProvider", facility_entry("Organization", facility));
        c.claim("MA_CSKCB");
    }
    extensions(j, c, &top, table);
    done(r, id);
    conditions(d);

    for (auto kv : top) {
        if (kv.key == table || !has_resources(kv.key, kv.value)) continue;
        if (kv.key == "XML4") {
            lab_results(as_array(kv.value));
        } else if (kv.key == "XML2") {
            std::size_t i = 0;
            for (element row : as_array(kv.value)) {
                Fields f(as_object(row));
                medication(f, i++);
            }
        } else {
            Fields f(as_object(kv.value));
            if (kv.key == "XML13")
                referral(f);
            else
                appointment(f);
        }
    }
}

void FhirBookWriter::Impl::conditions(const Diagnoses& d) {
    for (std::size_t i = 0; i < d.codes.size(); ++i) {
        const std::string id = id_for({"Condition", std::to_string(i)});
        Resource r("Condition", id);
        r.j.begin_array("category");
        codeable_concept(r.j, {}, kCsConditionCategory, "encounter-diagnosis");
        r.j.end();
        codeable_concept(r.j, "code", kCsIcd10, d.codes[i], i == 0 ? d.text : "");
        link(r.j);
        done(r, id);
    }
}

void FhirBookWriter::Impl::medication(Fields& f, std::size_t index) {
    const std::string id = id_for({"MedicationRequest", std::to_string(index)});
    link_row(f);
    Resource r("MedicationRequest", id);
    JsonOut& j = r.j;
    j.string("status", "completed");
    j.string("intent", "order");
    named_code(j, "medicationCodeableConcept", f, "MA_THUOC", "TEN_THUOC", kCsDrug);
    link(j);
    time_field(j, "authoredOn", f, "NGAY_YL");
    practitioner_field(j, "requester", f, "MA_BAC_SI");
    j.begin_array("dosageInstruction");
    j.begin_object();
    string_field(j, "text", f, "LIEU_DUNG");
    string_field(j, "patientInstruction", f, "CACH_DUNG");
    coded_field(j, "route", f, "DUONG_DUNG", kCsRoute);
    j.end();
    j.end();
    j.begin_object("dispenseRequest");
    j.begin_object("quantity");
    const std::string amount = f.num("SO_LUONG");
    if (const std::string value = quantity_value(amount); !value.empty()) {
        j.raw("value", value);
        if (value == amount) f.claim("SO_LUONG");
    }
    string_field(j, "unit", f, "DON_VI_TINH");
    j.end();
    j.end();
    extensions(j, f);
    done(r, id);
}

// XML4: an Observation per row, and a DiagnosticReport per MA_DICH_VU with
// those rows as results. KET_LUAN is the report's conclusion when all its
// rows share it, else each row's own.
void FhirBookWriter::Impl::lab_results(const simdjson::dom::array& rows) {
    std::vector<Fields> fs;
    for (element row : rows) fs.emplace_back(as_object(row));
    struct Group {
        std::string_view service;
        std::vector<std::size_t> rows;
        std::string_view conclusion;
    };
    std::vector<Group> groups;
    for (std::size_t i = 0; i < fs.size(); ++i) {
        const std::string_view service = fs[i].str("MA_DICH_VU");
        if (!is_fhir_code(service)) continue;
        fs[i].claim("MA_DICH_VU");
        auto g = std::find_if(groups.begin(), groups.end(), [&](const Group& x) { return x.service == service; });
        if (g == groups.end()) g = groups.insert(groups.end(), Group{service, {}, {}});
        g->rows.push_back(i);
    }
    for (Group& g : groups) {
        const std::string_view conclusion = fs[g.rows[0]].str("KET_LUAN");
        bool shared_by_all = !conclusion.empty();
        for (std::size_t i : g.rows) shared_by_all = shared_by_all && fs[i].str("KET_LUAN") == conclusion;
        if (!shared_by_all) continue;
        g.conclusion = conclusion;
        for (std::size_t i : g.rows) fs[i].claim("KET_LUAN");
    }

    for (std::size_t i = 0; i < fs.size(); ++i) {
        Fields& f = fs[i];
        const std::string id = id_for({"Observation", std::to_string(i)});
        link_row(f);
        Resource r("Observation", id);
        JsonOut& j = r.j;
        j.string("status", f.present("GIA_TRI") ? "final" : "registered");
        named_code(j, "code", f, "MA_CHI_SO", "TEN_CHI_SO", kCsIndicator);
        link(j);
        time_field(j, "effectiveDateTime", f, "NGAY_KQ");
        j.begin_array("performer");
        practitioner_field(j, {}, f, "MA_BS_DOC_KQ");
        j.end();
        const std::string_view value = f.str("GIA_TRI");
        if (const std::string number = quantity_value(value); !number.empty() && !f.str("DON_VI_DO").empty()) {
            j.begin_object("valueQuantity");
            j.raw("value", number);
            string_field(j, "unit", f, "DON_VI_DO");
            j.end();
            if (number == value) f.claim("GIA_TRI");
        } else {
            string_field(j, "valueString", f, "GIA_TRI");
        }
        note_field(j, f, "MO_TA");
        extensions(j, f);
        done(r, id);
    }

    for (std::size_t g = 0; g < groups.size(); ++g) {
        const std::string id = id_for({"DiagnosticReport", std::to_string(g)});
        bool complete = true;
        for (std::size_t i : groups[g].rows) complete = complete && fs[i].present("GIA_TRI");
        Resource r("DiagnosticReport", id);
        JsonOut& j = r.j;
        j.string("status", complete ? "final" : "partial");
        codeable_concept(j, "code", kCsService, groups[g].service);
        link(j);
        j.begin_array("result");
        for (std::size_t i : groups[g].rows) reference(j, {}, url_of(id_for({"Observation", std::to_string(i)})));
        j.end();
        j.string("conclusion", groups[g].conclusion);
        done(r, id);
    }
}

void FhirBookWriter::Impl::referral(Fields& f) {
    const std::string id = id_for({"ServiceRequest"});
    link_row(f);
    Resource r("ServiceRequest", id);
    JsonOut& j = r.j;
    j.begin_array("identifier");
    identifier_field(j, kSidReferralPaper, f, "GIAY_CHUYEN_TUYEN");
    identifier_field(j, kSidReferralFile, f, "SO_HOSO");
    identifier_field(j, kSidReferralRegister, f, "SO_CHUYENTUYEN");
    j.end();
    j.string("status", "completed");
    j.string("intent", "order");
    j.begin_array("category");
    codeable_concept(j, {}, kCsSnomed, "3457005", {}, "Patient referral");
    j.end();
    link(j);
    practitioner_field(j, "requester", f, "MA_BAC_SI");
    if (const std::string_view to = f.str("MA_CSKCB_DEN"); !to.empty()) {
        j.begin_array("performer");
        reference(j, {}, facility_entry("Organization", to));
        j.end();
        f.claim("MA_CSKCB_DEN");
    }
    reason_codes(j, diagnoses(f));
    j.begin_array("note");
    for (std::string_view field : kXml13NoteFields) {
        if (f.str(field).empty()) continue;
        j.begin_object();
        j.begin_array("extension");
        j.begin_object();
        j.string("url", kExtNoteField);
        j.string("valueString", field);
        j.end();
        j.end();
        string_field(j, "text", f, field);
        j.end();
    }
    j.end();
    extensions(j, f);
    done(r, id);
}

void FhirBookWriter::Impl::appointment(Fields& f) {
    const std::string id = id_for({"Appointment"});
    link_row(f);
    const std::string start = fhir_time(f.str("NGAY_HEN_KL"));
    if (!start.empty()) f.claim("NGAY_HEN_KL");
    Resource r("Appointment", id);
    JsonOut& j = r.j;
    j.begin_array("identifier");
    identifier_field(j, kSidAppointmentSlip, f, "SO_GIAYHEN_KL");
    j.end();
    // R4 (app-3): a booked appointment has a start and an end.
    j.string("status", start.empty() ? "proposed" : "booked");
    reason_codes(j, diagnoses(f));
    j.string("start", start);
    j.string("end", start);
    time_field(j, "created", f, "NGAY_CT", fhir_date);
    // R4 Appointment.participant.actor takes a Location, not an Organization.
    const std::string facility = facility_entry("Location", f.str("MA_CSKCB"));
    if (!facility.empty()) f.claim("MA_CSKCB");
    j.begin_array("participant");
    for (const std::string& actor : {patient_url(), facility}) {
        if (actor.empty()) continue;
        j.begin_object();
        reference(j, "actor", actor);
        j.string("status", "accepted");
        j.end();
    }
    j.end();
    extensions(j, f);
    done(r, id);
}

// ---- the vaccination ----

void FhirBookWriter::Impl::immunization(const object& top, Fields& c) {
    const std::string id = id_for({"Immunization"});
    person(c, kVaccinationTable);
    Resource r("Immunization", id);
    JsonOut& j = r.j;
    const std::string_view source = c.str("HE_THONG_NGUON");
    if (is_source_code(source) && !c.str("MA_BAN_GHI").empty()) {
        j.begin_array("identifier");
        identifier_field(j, cat({kSourcePrefix, source}), c, "MA_BAN_GHI");
        j.end();
        c.claim("HE_THONG_NGUON");
    }
    j.string("status", "completed");
    named_code(j, "vaccineCode", c, "MA_VACCINE", "TEN_VACCINE", kCsVaccine);
    reference(j, "patient", patient_url());
    time_field(j, "occurrenceDateTime", c, "NGAY_TIEM", fhir_time_or_date);
    if (const std::string_view place = c.str("NOI_TIEM"); !place.empty()) {
        reference(j, "location", named_location(place));
        c.claim("NOI_TIEM");
    }
    string_field(j, "lotNumber", c, "SO_LO");
    j.begin_object("manufacturer");
    string_field(j, "display", c, "NHA_SAN_XUAT");
    j.end();
    if (const std::string_view facility = c.str("MA_CSKCB"); !facility.empty()) {
        j.begin_array("performer");
        j.begin_object();
        reference(j, "actor", facility_entry("Organization", facility));
        j.end();
        j.end();
        c.claim("MA_CSKCB");
    }
    note_field(j, c, "GHI_CHU");
    if (const std::string dose = c.num("MUI_THU"); !dose.empty()) {
        j.begin_array("protocolApplied");
        j.begin_object();
        if (is_positive_int(dose))
            j.raw("doseNumberPositiveInt", dose);
        else
            j.string("doseNumberString", dose);
        j.end();
        j.end();
        c.claim("MUI_THU");
    }
    extensions(j, c, &top, kVaccinationTable);
    done(r, id);
}

// ---- records ----

bool FhirBookWriter::Impl::add(std::string_view document, Issue& error) {
    // Members in canonical order, so that any spelling of a record gives the same bytes.
    element root;
    if (parser.parse(document.data(), document.size()).get(root) != simdjson::SUCCESS ||
        root.type() != element_type::OBJECT || !canon.write(root, canonical, dup) ||
        parser.parse(canonical).get(root) != simdjson::SUCCESS) {
        error = {"E_FHIR", "", "the record is not a JSON object of tables"};
        return false;
    }
    const object top = as_object(root);
    for (std::string_view table : {kEpisodeTable, kCheckinTable, kVaccinationTable}) {
        element carrier;
        if (top.at_key(table).get(carrier) != simdjson::SUCCESS || carrier.type() != element_type::OBJECT) continue;
        Fields c(as_object(carrier));
        if (table == kVaccinationTable) {
            rec = cat({table, "|", c.str("HE_THONG_NGUON"), "|", c.str("MA_BAN_GHI")});
        } else {
            rec = cat({table, "|", c.str("MA_CSKCB"), "|", c.str("MA_LK")});
        }
        if (seed.empty()) seed = rec;
        if (table == kVaccinationTable)
            immunization(top, c);
        else
            encounter(top, c, table);
        return true;
    }
    error = {"E_FHIR", "", "the record has no XML1, XML0 or TIEM_CHUNG table"};
    return false;
}

FhirBookWriter::FhirBookWriter() : impl_(std::make_unique<Impl>()) {}
FhirBookWriter::~FhirBookWriter() = default;
FhirBookWriter::FhirBookWriter(FhirBookWriter&&) noexcept = default;
FhirBookWriter& FhirBookWriter::operator=(FhirBookWriter&&) noexcept = default;

void FhirBookWriter::begin(std::string_view seed) {
    impl_->seed.assign(seed);
    impl_->entries.clear();
    impl_->shared.clear();
    impl_->patient = {};
}

bool FhirBookWriter::add_record(std::string_view document, Issue& error) { return impl_->add(document, error); }

std::string FhirBookWriter::finish() {
    Impl& m = *impl_;
    std::string out;
    JsonOut j(out);
    j.begin_object();
    j.string("resourceType", "Bundle");
    j.string("id", uuid_of(cat({m.seed, "|Bundle"})));
    j.string("type", "collection");
    j.begin_array("entry");
    std::string patient;
    JsonOut p(patient);
    p.begin_object();
    p.string("fullUrl", m.patient_url());
    p.raw("resource", m.patient_resource());
    p.end();
    j.raw({}, patient);
    for (const std::string& e : m.entries) j.raw({}, e);
    j.end();
    j.end();
    return out;
}

bool record_fhir(std::string_view document, std::string& bundle, Issue& error) {
    FhirBookWriter w;
    w.begin({});
    if (!w.add_record(document, error)) return false;
    bundle = w.finish();
    return true;
}

std::string book_fhir(const Book& book) {
    FhirBookWriter w;
    std::string seed = "book|";
    seed += static_cast<char>(book.root.type);
    seed += book.root.text();
    w.begin(seed);
    Issue ignored;  // a stored record is always a document of tables
    for (const BookEpisode& ep : book.episodes) w.add_record(ep.current.canonical, ignored);
    return w.finish();
}

}  // namespace ehb
