#include "engine/fhir_in.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <vector>

#include "engine/canonical.hpp"
#include "engine/fhir_common.hpp"

namespace ehb {

// ---------------------------------------------------------------------------
// looks_like_fhir_bundle: a scan of the top-level object's members.

namespace {

struct Scanner {
    const char* p;
    const char* end;

    void skip_ws() {
        while (p != end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
    }

    // At a '"': moves past the string; `equal` says whether its unescaped
    // text is `target` (ASCII). False on a malformed string.
    bool string(std::string_view target, bool& equal) {
        ++p;
        std::size_t pos = 0;
        equal = true;
        auto compare = [&](unsigned unit) {
            equal = equal && pos < target.size() && unit == static_cast<unsigned char>(target[pos]);
            ++pos;
        };
        while (p != end) {
            const auto c = static_cast<unsigned char>(*p++);
            if (c == '"') {
                equal = equal && pos == target.size();
                return true;
            }
            if (c < 0x20) return false;
            if (c != '\\') {
                compare(c);
                continue;
            }
            if (p == end) return false;
            const char e = *p++;
            switch (e) {
                case '"':
                case '\\':
                case '/': compare(static_cast<unsigned char>(e)); break;
                case 'b': compare('\b'); break;
                case 'f': compare('\f'); break;
                case 'n': compare('\n'); break;
                case 'r': compare('\r'); break;
                case 't': compare('\t'); break;
                case 'u': {
                    unsigned unit = 0;
                    for (int i = 0; i < 4; ++i, ++p) {
                        if (p == end) return false;
                        const char h = *p;
                        const int v = h >= '0' && h <= '9'   ? h - '0'
                                      : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                      : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                                             : -1;
                        if (v < 0) return false;
                        unit = unit * 16 + static_cast<unsigned>(v);
                    }
                    compare(unit);
                    break;
                }
                default: return false;
            }
        }
        return false;
    }

    // Moves past one value (nested containers by bracket depth, their strings
    // scanned so that brackets inside them do not count).
    bool value() {
        if (p == end) return false;
        bool unused;
        if (*p == '"') return string({}, unused);
        if (*p != '{' && *p != '[') {
            while (p != end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\t' && *p != '\n' &&
                   *p != '\r')
                ++p;
            return true;
        }
        std::size_t depth = 0;
        while (p != end) {
            const char c = *p;
            if (c == '"') {
                if (!string({}, unused)) return false;
                continue;
            }
            ++p;
            if (c == '{' || c == '[')
                ++depth;
            else if ((c == '}' || c == ']') && --depth == 0)
                return true;
        }
        return false;
    }
};

}  // namespace

bool looks_like_fhir_bundle(std::string_view bytes) noexcept {
    Scanner s{bytes.data(), bytes.data() + bytes.size()};
    s.skip_ws();
    if (s.p == s.end || *s.p != '{') return false;
    ++s.p;
    for (;;) {
        s.skip_ws();
        bool is_type;
        if (s.p == s.end || *s.p != '"' || !s.string("resourceType", is_type)) return false;
        s.skip_ws();
        if (s.p == s.end || *s.p != ':') return false;
        ++s.p;
        s.skip_ws();
        if (is_type) {
            bool is_bundle;
            return s.p != s.end && *s.p == '"' && s.string("Bundle", is_bundle) && is_bundle;
        }
        if (!s.value()) return false;
        s.skip_ws();
        if (s.p == s.end || *s.p != ',') return false;
        ++s.p;
    }
}

// ---------------------------------------------------------------------------
// The reader.

namespace {

using namespace fhir;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;

// The deepest nesting read: a field of a table row carried on the Encounter
// sits at depth 12.
constexpr std::size_t kMaxDepth = 64;
constexpr std::size_t kInitialCapacity = 64u << 10;

enum class Type : uint8_t {
    patient,
    encounter,
    condition,
    observation,
    diagnostic_report,
    medication_request,
    service_request,
    appointment,
    immunization,
    coverage,
    organization,
    location,
};
constexpr std::pair<std::string_view, Type> kTypes[] = {
    {"Patient", Type::patient},
    {"Encounter", Type::encounter},
    {"Condition", Type::condition},
    {"Observation", Type::observation},
    {"DiagnosticReport", Type::diagnostic_report},
    {"MedicationRequest", Type::medication_request},
    {"ServiceRequest", Type::service_request},
    {"Appointment", Type::appointment},
    {"Immunization", Type::immunization},
    {"Coverage", Type::coverage},
    {"Organization", Type::organization},
    {"Location", Type::location},
};
constexpr std::string_view kTypeList =
    "Patient, Encounter, Condition, Observation, DiagnosticReport, MedicationRequest, ServiceRequest, "
    "Appointment, Immunization, Coverage, Organization, Location";

// Why a Bundle holds at most one resource of these types.
std::string_view one_only(Type t) {
    switch (t) {
        case Type::patient: return "a Bundle carries the record of one person";
        case Type::encounter: return "a Bundle carries one record (one visit)";
        case Type::immunization: return "a Bundle carries one record (one dose)";
        case Type::service_request: return "a visit has one referral paper (XML13)";
        default: return "a visit has one re-examination appointment (XML14)";
    }
}

std::string_view type_name(Type t) {
    for (const auto& [name, type] : kTypes)
        if (type == t) return name;
    return {};
}

// Where an element is, for error fields: Bundle.entry[3].resource.period.start.
// A Path points to its parent: keep the parent alive (name it) while the
// child is in use.
struct Path {
    const Path* parent = nullptr;
    std::string_view key;  // empty: a position in the parent array
    std::size_t index = 0;
    bool indexed = false;

    Path operator/(std::string_view k) const { return {this, k, 0, false}; }
    Path operator[](std::size_t i) const { return {this, {}, i, true}; }
    Path item(std::string_view k, std::size_t i) const { return {this, k, i, true}; }  // this.k[i]
    std::string str() const {
        std::string s = parent ? parent->str() : std::string();
        if (!key.empty()) {
            if (parent) s += '.';
            s += key;
        }
        if (indexed) {
            s += '[';
            s += std::to_string(index);
            s += ']';
        }
        return s;
    }
};

std::string quoted(std::string_view s) {
    std::string q = "\"";
    q += s;
    q += '"';
    return q;
}

// The document being built.
struct Value {
    enum class Kind : uint8_t { string, number, boolean, json };
    Kind kind = Kind::string;
    std::string text;
};

struct Row {
    std::vector<std::pair<std::string, Value>> fields;

    void set(std::string_view name, Value v) {
        for (auto& f : fields)
            if (f.first == name) {
                f.second = std::move(v);
                return;
            }
        fields.emplace_back(std::string(name), std::move(v));
    }
    void set(std::string_view name, std::string_view text) {
        if (!text.empty()) set(name, Value{Value::Kind::string, std::string(text)});
    }
    void erase(std::string_view name) {
        fields.erase(std::remove_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == name; }),
                     fields.end());
    }
    std::string_view str(std::string_view name) const {
        for (const auto& f : fields)
            if (f.first == name && f.second.kind == Value::Kind::string) return f.second.text;
        return {};
    }
};

struct Table {
    enum class Shape : uint8_t { object, rows, json };
    std::string name;
    Shape shape = Shape::object;
    std::vector<Row> rows;
    std::string json;
};

struct Entry {
    element resource;
    Type type;
    std::string_view full_url;
    std::string_view id;
    bool used = false;  // a Condition listed by the Encounter, an Observation in a report
};

// "Bundle.entry[i].resource" as a Path chain the caller keeps alive.
struct EntryPath {
    Path bundle{nullptr, "Bundle", 0, false};
    Path entry = bundle / "entry";
    Path at;
    Path resource;
    explicit EntryPath(std::size_t i) : at(entry[i]), resource(at / "resource") {}
    EntryPath(const EntryPath&) = delete;
};

}  // namespace

struct FhirBundleReader::Impl {
    std::size_t max_bytes;
    simdjson::dom::parser parser;
    simdjson::error_code setup = simdjson::SUCCESS;
    simdjson::dom::parser json_parser;  // values of "json" extensions
    std::unique_ptr<char[]> buf;
    std::size_t buf_cap = 0;
    CanonicalWriter canon;
    std::string scratch, dup;

    std::vector<Entry> entries;
    std::vector<Table> tables;
    Issue* err = nullptr;
    bool failed = false;

    explicit Impl(std::size_t limit) : max_bytes(limit) {
        setup = parser.allocate(std::min(kInitialCapacity, std::max<std::size_t>(max_bytes, 1)), kMaxDepth);
    }

    bool read(std::string_view json, std::string& document, Issue& error);

    // The steps of read().
    struct Carriers {  // entry indexes, -1 when absent
        int patient = -1, encounter = -1, immunization = -1, referral = -1, appointment = -1;
        int* slot(Type t) {
            switch (t) {
                case Type::patient: return &patient;
                case Type::encounter: return &encounter;
                case Type::immunization: return &immunization;
                case Type::service_request: return &referral;
                case Type::appointment: return &appointment;
                default: return nullptr;
            }
        }
    };
    bool parse(std::string_view json, element& root);
    bool index(const element& root, Carriers& found);
    bool record_table(const Carriers& found);
    bool visit_tables();

    // The first problem wins; mapping goes on and its results are discarded.
    bool fail(std::string_view code, const Path& at, std::string reason) {
        if (!failed) {
            err->code.assign(code);
            err->field = at.str();
            err->reason = std::move(reason);
            failed = true;
        }
        return false;
    }
    bool fail(std::string_view code, std::string field, std::string reason) {
        if (!failed) {
            err->code.assign(code);
            err->field = std::move(field);
            err->reason = std::move(reason);
            failed = true;
        }
        return false;
    }

    // ---- typed access; a member of the wrong JSON type is E_FHIR_VALUE ----
    static bool member(const element& o, std::string_view key, element& out) {
        return o.type() == element_type::OBJECT && as_object(o).at_key(key).get(out) == simdjson::SUCCESS;
    }
    std::string_view str(const element& o, std::string_view key, const Path& at) {
        element v;
        if (!member(o, key, v)) return {};
        if (v.type() == element_type::STRING) return v.get_string().value_unsafe();
        fail("E_FHIR_VALUE", at / key, std::string(key) + " must be a JSON string");
        return {};
    }
    bool obj(const element& o, std::string_view key, const Path& at, element& out) {
        if (!member(o, key, out)) return false;
        if (out.type() == element_type::OBJECT) return true;
        return fail("E_FHIR_VALUE", at / key, std::string(key) + " must be a JSON object");
    }
    bool arr(const element& o, std::string_view key, const Path& at, array& out) {
        element v;
        if (!member(o, key, v)) return false;
        if (v.type() == element_type::ARRAY) {
            out = as_array(v);
            return true;
        }
        return fail("E_FHIR_VALUE", at / key, std::string(key) + " must be a JSON array");
    }
    std::string number(const element& o, std::string_view key, const Path& at) {
        element v;
        if (!member(o, key, v)) return {};
        if (v.type() == element_type::INT64 || v.type() == element_type::UINT64 || v.type() == element_type::DOUBLE)
            return number_text(v);
        fail("E_FHIR_VALUE", at / key, std::string(key) + " must be a JSON number");
        return {};
    }

    // ---- times ----
    // A dateTime or instant with a time of day → yyyymmddHHMM (UTC+7).
    std::string time12(const element& o, std::string_view key, const Path& at) {
        const std::string_view s = str(o, key, at);
        if (s.empty()) return {};
        Moment t;
        if (!parse_moment(s, t)) {
            fail("E_FHIR_VALUE", at / key, std::string(key) + " " + quoted(s) + " is not a FHIR dateTime");
            return {};
        }
        if (t.precision != Moment::Precision::minute) {
            fail("E_FHIR_VALUE", at / key,
                 std::string(key) + " " + quoted(s) + " has no time of day; the BHYT field is a time yyyymmddHHMM");
            return {};
        }
        return bhyt_digits(t, 5);
    }
    // A date, or a dateTime's date in UTC+7 → yyyymmdd.
    std::string date8(const element& o, std::string_view key, const Path& at) {
        const std::string_view s = str(o, key, at);
        if (s.empty()) return {};
        Moment t;
        if (!parse_moment(s, t) || t.precision < Moment::Precision::day) {
            fail("E_FHIR_VALUE", at / key, std::string(key) + " " + quoted(s) + " is not a FHIR date with a day");
            return {};
        }
        return bhyt_digits(t, 3);
    }

    // Calls visit(system, value, identifier, path) for each identifier of a
    // resource, until it returns false.
    template <class Visit>
    void identifiers(const element& res, const Path& at, Visit&& visit) {
        array ids;
        if (!arr(res, "identifier", at, ids)) return;
        std::size_t i = 0;
        for (element id : ids) {
            const Path p = at.item("identifier", i++);
            if (!visit(str(id, "system", p), str(id, "value", p), id, p)) return;
        }
    }

    // ---- codes ----
    // The code of the first coding of `system` (of any system when empty) in a CodeableConcept.
    std::string_view code_of(const element& concept_, const Path& at, std::string_view system,
                             std::string_view* display = nullptr) {
        array codings;
        if (!arr(concept_, "coding", at, codings)) return {};
        std::size_t i = 0;
        for (element c : codings) {
            const Path p = at.item("coding", i++);
            if (!system.empty() && str(c, "system", p) != system) continue;
            if (display) *display = str(c, "display", p);
            return str(c, "code", p);
        }
        return {};
    }
    // CodeableConcept.text, else the display of its coding of `system`.
    std::string_view text_of(const element& concept_, const Path& at, std::string_view system) {
        const std::string_view text = str(concept_, "text", at);
        if (!text.empty()) return text;
        std::string_view display;
        code_of(concept_, at, system, &display);
        return display;
    }

    // ---- references ----
    int resolve(std::string_view ref) const;
    Entry* target(const element& ref, const Path& at, std::initializer_list<Type> expected);
    std::string facility_of(const element& ref, const Path& at);
    void walk(const element& e, const Path& at);

    // ---- mapping ----
    void person(const Entry& patient, const Path& at, Row& row, std::string_view table);
    void coverages(Row& row, bool details);
    void encounter(const Entry& e, const Path& at, Row& row);
    void diagnoses(const element& encounter, const Path& at, Row& row);
    void reason_codes(const element& res, const Path& at, Row& row);
    void immunization(const Entry& e, const Path& at, Row& row);
    void medication(const Entry& e, const Path& at, Row& row);
    void observation(const Entry& e, const Path& at, Row& row);
    void referral(const Entry& e, const Path& at, Row& row);
    void appointment(const Entry& e, const Path& at, Row& row);
    void extensions(const element& res, const Path& at, Row& row, bool carries_tables);
    bool field_extension(const element& ext, const Path& at, Row& row);
    void table_extension(const element& ext, const Path& at);
    std::string practitioners(const element& res, std::string_view key, const Path& at);
    std::string notes(const element& res, const Path& at);
    void serialize(std::string& out) const;
};

// ---------------------------------------------------------------------------
// References.

int FhirBundleReader::Impl::resolve(std::string_view ref) const {
    if (ref.empty() || ref[0] == '#') return -1;
    for (std::size_t i = 0; i < entries.size(); ++i)
        if (!entries[i].full_url.empty() && entries[i].full_url == ref) return static_cast<int>(i);
    if (ref.find(':') != std::string_view::npos) return -1;  // absolute: only by fullUrl
    if (const std::size_t h = ref.find("/_history/"); h != std::string_view::npos) ref = ref.substr(0, h);
    const std::size_t slash = ref.find('/');
    if (slash == std::string_view::npos || ref.find('/', slash + 1) != std::string_view::npos) return -1;
    const std::string_view type = ref.substr(0, slash);
    const std::string_view id = ref.substr(slash + 1);
    for (std::size_t i = 0; i < entries.size(); ++i)
        if (type_name(entries[i].type) == type && entries[i].id == id) return static_cast<int>(i);
    return -1;
}

// Every "reference" must name an entry; modifier extensions change meaning,
// so one we do not understand rejects the Bundle.
void FhirBundleReader::Impl::walk(const element& e, const Path& at) {
    if (failed) return;
    if (e.type() == element_type::ARRAY) {
        std::size_t i = 0;
        for (element x : as_array(e)) walk(x, at[i++]);
        return;
    }
    if (e.type() != element_type::OBJECT) return;
    for (auto kv : as_object(e)) {
        const Path p = at / kv.key;
        if (kv.key == "modifierExtension") {
            fail("E_FHIR_VALUE", p, "modifier extensions are not understood; the Bundle cannot be read safely");
            return;
        }
        if (kv.key == "reference" && kv.value.type() == element_type::STRING) {
            const std::string_view ref = kv.value.get_string().value_unsafe();
            if (resolve(ref) < 0) {
                fail("E_FHIR_REFERENCE", p, "reference " + quoted(ref) + " points to no entry of the Bundle");
                return;
            }
            continue;
        }
        walk(kv.value, p);
    }
}

// The entry a Reference points to (null when it has no "reference").
Entry* FhirBundleReader::Impl::target(const element& ref, const Path& at, std::initializer_list<Type> expected) {
    const std::string_view r = str(ref, "reference", at);
    if (r.empty()) return nullptr;
    const int i = resolve(r);
    if (i < 0) return nullptr;  // reported by walk()
    Entry& e = entries[static_cast<std::size_t>(i)];
    if (std::find(expected.begin(), expected.end(), e.type) != expected.end()) return &e;
    std::string want;
    for (Type t : expected) {
        if (!want.empty()) want += " or ";
        want += type_name(t);
    }
    fail("E_FHIR_REFERENCE", at / "reference",
         "reference " + quoted(r) + " points to a " + std::string(type_name(e.type)) + ", expected a " + want);
    return nullptr;
}

// A facility code from a Reference: the facility identifier of the
// Organization or Location it points to, or its own logical identifier.
std::string FhirBundleReader::Impl::facility_of(const element& ref, const Path& at) {
    element id;
    if (obj(ref, "identifier", at, id) && str(id, "system", at / "identifier") == kSidFacility)
        return std::string(str(id, "value", at / "identifier"));
    const Entry* e = target(ref, at, {Type::organization, Type::location});
    if (!e) return {};
    array ids;
    if (arr(e->resource, "identifier", at, ids)) {
        for (element x : ids)
            if (str(x, "system", at) == kSidFacility) return std::string(str(x, "value", at));
    }
    fail("E_FHIR_VALUE", at / "reference",
         std::string(type_name(e->type)) + " " + quoted(str(ref, "reference", at)) +
             " has no facility code (an identifier of system " + std::string(kSidFacility) + ")");
    return {};
}

// ---------------------------------------------------------------------------
// Extensions.

bool FhirBundleReader::Impl::field_extension(const element& ext, const Path& at, Row& row) {
    array parts;
    if (!arr(ext, "extension", at, parts)) return fail("E_FHIR_VALUE", at, "a bhyt-field extension has no parts");
    std::string_view name;
    bool has_value = false;
    Value value;
    std::size_t i = 0;
    for (element part : parts) {
        const Path p = at.item("extension", i++);
        const std::string_view url = str(part, "url", p);
        if (url == "name") {
            name = str(part, "valueString", p);
            continue;
        }
        element v;
        if (url == "json") {
            const std::string_view text = str(part, "valueString", p);
            element parsed;
            if (const auto e = json_parser.parse(text.data(), text.size()).get(parsed))
                return fail("E_FHIR_VALUE", p / "valueString",
                            std::string("not valid JSON: ") + simdjson::error_message(e));
            if (!canon.write(parsed, scratch, dup))
                return fail("E_FHIR_VALUE", p / "valueString", "key " + dup + " appears more than once in its object");
            value = {Value::Kind::json, scratch};
        } else if (url != "value") {
            return fail("E_FHIR_VALUE", p / "url", "a bhyt-field extension has no part " + quoted(url));
        } else if (member(part, "valueString", v)) {
            value = {Value::Kind::string, std::string(str(part, "valueString", p))};
        } else if (member(part, "valueDecimal", v)) {
            value = {Value::Kind::number, number(part, "valueDecimal", p)};
        } else if (member(part, "valueInteger", v)) {
            value = {Value::Kind::number, number(part, "valueInteger", p)};
        } else if (member(part, "valueBoolean", v) && v.type() == element_type::BOOL) {
            value = {Value::Kind::boolean, v.get_bool().value_unsafe() ? "true" : "false"};
        } else {
            return fail("E_FHIR_VALUE", p,
                        "a bhyt-field value must be a valueString, valueDecimal, valueInteger or valueBoolean");
        }
        has_value = true;
    }
    if (name.empty()) return fail("E_FHIR_VALUE", at, "a bhyt-field extension has no name");
    if (has_value)
        row.set(name, std::move(value));
    else
        row.erase(name);
    return true;
}

void FhirBundleReader::Impl::table_extension(const element& ext, const Path& at) {
    array parts;
    if (!arr(ext, "extension", at, parts)) {
        fail("E_FHIR_VALUE", at, "a bhyt-table extension has no parts");
        return;
    }
    Table t;
    bool shaped = false;
    std::size_t i = 0;
    for (element part : parts) {
        const Path p = at.item("extension", i++);
        const std::string_view url = str(part, "url", p);
        if (url == "name") {
            t.name = str(part, "valueString", p);
            continue;
        }
        const Table::Shape shape = url == "row"      ? Table::Shape::rows
                                   : url == "object" ? Table::Shape::object
                                                     : Table::Shape::json;
        if (url != "row" && url != "object" && url != "json") {
            fail("E_FHIR_VALUE", p / "url", "a bhyt-table extension has no part " + quoted(url));
            return;
        }
        if (shaped && (shape != t.shape || shape != Table::Shape::rows)) {
            fail("E_FHIR_VALUE", p, "a bhyt-table holds rows, one object or one json value, not a mix");
            return;
        }
        shaped = true;
        t.shape = shape;
        if (shape == Table::Shape::json) {
            const std::string_view text = str(part, "valueString", p);
            element parsed;
            if (const auto e = json_parser.parse(text.data(), text.size()).get(parsed)) {
                fail("E_FHIR_VALUE", p / "valueString", std::string("not valid JSON: ") + simdjson::error_message(e));
                return;
            }
            if (!canon.write(parsed, t.json, dup)) {
                fail("E_FHIR_VALUE", p / "valueString", "key " + dup + " appears more than once in its object");
                return;
            }
            continue;
        }
        Row& row = t.rows.emplace_back();
        array fields;
        if (!arr(part, "extension", p, fields)) continue;
        std::size_t k = 0;
        for (element f : fields) {
            const Path q = p.item("extension", k++);
            if (str(f, "url", q) != kExtField) {
                fail("E_FHIR_VALUE", q / "url", "a row of a bhyt-table holds only bhyt-field extensions");
                return;
            }
            field_extension(f, q, row);
        }
    }
    if (t.name.empty()) {
        fail("E_FHIR_VALUE", at, "a bhyt-table extension has no name");
        return;
    }
    if (!shaped) {
        fail("E_FHIR_VALUE", at, "bhyt-table " + t.name + " has no rows, object or json value");
        return;
    }
    for (const Table& other : tables)
        if (other.name == t.name) {
            fail("E_FHIR_VALUE", at, "table " + t.name + " is carried twice");
            return;
        }
    tables.push_back(std::move(t));
}

// Our extensions on a resource: its table's fields, and (on the Encounter or
// Immunization) the tables with no resource of their own. Others are ignored.
void FhirBundleReader::Impl::extensions(const element& res, const Path& at, Row& row, bool carries_tables) {
    array exts;
    if (!arr(res, "extension", at, exts)) return;
    std::size_t i = 0;
    for (element ext : exts) {
        const Path p = at.item("extension", i++);
        const std::string_view url = str(ext, "url", p);
        if (url == kExtField) {
            field_extension(ext, p, row);
        } else if (url == kExtTable) {
            if (carries_tables)
                table_extension(ext, p);
            else
                fail("E_FHIR_VALUE", p, "a bhyt-table extension belongs on the Encounter or Immunization");
        }
    }
}

// ---------------------------------------------------------------------------
// The person.

void FhirBundleReader::Impl::person(const Entry& e, const Path& at, Row& row, std::string_view table) {
    const element& r = e.resource;
    const PersonMapping pm = person_mapping(table);

    array names;
    if (arr(r, "name", at, names)) {
        element chosen;  // the official name, else the first
        bool found = false;
        for (element n : names) {
            if (!found) chosen = n;
            found = true;
            if (str(n, "use", at) == "official") {
                chosen = n;
                break;
            }
        }
        if (found) {
            std::string name(str(chosen, "text", at));
            if (name.empty()) {
                name = str(chosen, "family", at);
                array given;
                if (arr(chosen, "given", at, given))
                    for (element g : given)
                        if (g.type() == element_type::STRING) {
                            if (!name.empty()) name += ' ';
                            name += g.get_string().value_unsafe();
                        }
            }
            row.set("HO_TEN", name);
        }
    }
    if (const std::string_view g = str(r, "gender", at); !g.empty()) {
        const std::string_view code = bhyt_gender(g);
        if (code.empty()) fail("E_FHIR_VALUE", at / "gender", "gender " + quoted(g) + " is not an R4 gender");
        row.set("GIOI_TINH", code);
    }
    if (const std::string_view b = str(r, "birthDate", at); !b.empty()) {
        Moment t;
        if (!parse_moment(b, t) || t.precision == Moment::Precision::minute)
            fail("E_FHIR_VALUE", at / "birthDate", "birthDate " + quoted(b) + " is not a FHIR date");
        std::string birth = bhyt_digits(t, 5);
        element under;
        array exts;
        if (obj(r, "_birthDate", at, under) && arr(under, "extension", at / "_birthDate", exts)) {
            for (element x : exts) {
                if (str(x, "url", at) != kExtBirthTime) continue;
                const std::string time = time12(x, "valueDateTime", at / "_birthDate");
                if (!time.empty()) birth = time;
            }
        }
        row.set("NGAY_SINH", birth);
    }

    std::string_view ids[3];  // citizen ID, old ID, passport
    std::string_view mrn;
    const std::string_view facility = row.str("MA_CSKCB");
    identifiers(r, at, [&](std::string_view system, std::string_view value, const element& id, const Path& p) {
        if (value.empty()) return true;
        const int slot = system == kSidNationalId ? 0 : system == kSidCitizenId ? 1 : system == kSidPassport ? 2 : -1;
        if (slot >= 0 && ids[slot].empty()) ids[slot] = value;
        if (system != kSidPatientInternal) return true;
        element assigner;
        const bool ours = obj(id, "assigner", p, assigner) && facility_of(assigner, p / "assigner") == facility;
        if (mrn.empty() || ours) mrn = value;
        return true;
    });
    for (std::string_view id : ids)
        if (!id.empty()) {
            row.set("SO_CCCD", id);
            break;
        }
    if (pm.ma_bn) row.set("MA_BN", mrn);

    if (pm.address_phone) {
        array addresses, telecoms;
        if (arr(r, "address", at, addresses))
            for (element a : addresses) {
                row.set("DIA_CHI", str(a, "text", at));
                break;
            }
        if (arr(r, "telecom", at, telecoms))
            for (element t : telecoms)
                if (str(t, "system", at) == "phone") {
                    row.set("DIEN_THOAI", str(t, "value", at));
                    break;
                }
    }
}

// The cards, one per Coverage in Bundle order; MA_DKBD, GT_THE_TU and
// GT_THE_DEN as lists aligned with them.
void FhirBundleReader::Impl::coverages(Row& row, bool details) {
    std::string lists[4];  // MA_THE_BHYT, MA_DKBD, GT_THE_TU, GT_THE_DEN
    auto add = [](std::string& list, std::string_view item) {
        if (item.empty()) return;
        if (!list.empty()) list += ';';
        list += item;
    };
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const Entry& e = entries[i];
        if (e.type != Type::coverage) continue;
        const EntryPath ep(i);
        const Path& at = ep.resource;
        std::string_view card = str(e.resource, "subscriberId", at);
        array ids;
        if (card.empty() && arr(e.resource, "identifier", at, ids))
            for (element id : ids)
                if (str(id, "system", at) == kSidInsurance) {
                    card = str(id, "value", at);
                    break;
                }
        if (card.empty()) {
            fail("E_FHIR_VALUE", at,
                 "Coverage has no card code (subscriberId, or an identifier of system " + std::string(kSidInsurance) +
                     ")");
            return;
        }
        add(lists[0], card);
        array exts;
        if (arr(e.resource, "extension", at, exts))
            for (element x : exts) {
                element id;
                if (str(x, "url", at) == kExtRegisteredFacility && obj(x, "valueIdentifier", at, id))
                    add(lists[1], str(id, "value", at / "extension"));
            }
        element period;
        if (obj(e.resource, "period", at, period)) {
            add(lists[2], date8(period, "start", at / "period"));
            add(lists[3], date8(period, "end", at / "period"));
        }
    }
    row.set("MA_THE_BHYT", lists[0]);
    if (!details) return;
    row.set("MA_DKBD", lists[1]);
    row.set("GT_THE_TU", lists[2]);
    row.set("GT_THE_DEN", lists[3]);
}

// ---------------------------------------------------------------------------
// The visit.

void FhirBundleReader::Impl::diagnoses(const element& enc, const Path& at, Row& row) {
    array list;
    if (!arr(enc, "diagnosis", at, list)) return;
    struct Diagnosis {
        std::size_t rank;
        std::size_t order;
        std::string_view code;
        std::string_view text;
    };
    std::vector<Diagnosis> found;
    std::size_t i = 0;
    for (element d : list) {
        const Path p = at.item("diagnosis", i);
        element ref;
        if (!obj(d, "condition", p, ref)) {
            fail("E_FHIR_VALUE", p, "diagnosis has no condition");
            return;
        }
        Entry* c = target(ref, p / "condition", {Type::condition});
        if (!c) {
            fail("E_FHIR_VALUE", p / "condition", "diagnosis.condition must reference a Condition of the Bundle");
            return;
        }
        c->used = true;
        const std::string rank = number(d, "rank", p);
        const std::size_t index = static_cast<std::size_t>(c - entries.data());
        const EntryPath cp(index);
        element concept_;
        std::string_view code;
        if (obj(c->resource, "code", cp.resource, concept_)) code = code_of(concept_, cp.resource / "code", kCsIcd10);
        if (code.empty()) {
            fail("E_FHIR_VALUE", cp.resource / "code",
                 "Condition has no ICD-10 code (a coding of system " + std::string(kCsIcd10) + ")");
            return;
        }
        found.push_back(
            {rank.empty() ? SIZE_MAX : std::stoull(rank), i, code, str(concept_, "text", cp.resource / "code")});
        ++i;
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const Diagnosis& a, const Diagnosis& b) { return a.rank < b.rank; });
    if (found.empty()) return;
    row.set("MA_BENH_CHINH", found[0].code);
    row.set("CHAN_DOAN_RV", found[0].text);
    std::string others;
    for (std::size_t k = 1; k < found.size(); ++k) {
        if (!others.empty()) others += ';';
        others += found[k].code;
    }
    row.set("MA_BENH_KT", others);
}

namespace {

// HL7 discharge dispositions a sender may give instead of MA_LOAI_RV.
std::string_view discharge_type(std::string_view hl7) {
    if (hl7 == "home") return "1";
    if (hl7 == "other-hcf" || hl7 == "hosp" || hl7 == "long" || hl7 == "rehab" || hl7 == "snf") return "2";
    if (hl7 == "aadvice") return "4";
    return {};
}

}  // namespace

void FhirBundleReader::Impl::encounter(const Entry& e, const Path& at, Row& row) {
    const element& r = e.resource;
    identifiers(r, at, [&](std::string_view system, std::string_view value, const element&, const Path&) {
        if (system != kSidMaLk) return true;
        row.set("MA_LK", value);
        return false;
    });
    array types;
    if (arr(r, "type", at, types)) {
        std::size_t i = 0;
        for (element t : types) {
            const Path p = at.item("type", i++);
            row.set("MA_LOAI_KCB", code_of(t, p, kCsVisitType));
            row.set("MA_DOITUONG_KCB", code_of(t, p, kCsVisitObject));
        }
    }
    element cls;
    if (row.str("MA_LOAI_KCB").empty() && obj(r, "class", at, cls)) {
        const std::string_view code = str(cls, "code", at / "class");
        const std::string_view visit = str(cls, "system", at / "class") == kCsActCode ? visit_type_of_class(code) : "";
        if (visit.empty())
            fail("E_FHIR_VALUE", at / "class",
                 "Encounter.class " + quoted(code) +
                     " has no BHYT visit type; give MA_LOAI_KCB as an Encounter.type coding of system " +
                     std::string(kCsVisitType));
        row.set("MA_LOAI_KCB", visit);
    }
    element period;
    if (obj(r, "period", at, period)) {
        row.set("NGAY_VAO", time12(period, "start", at / "period"));
        row.set("NGAY_RA", time12(period, "end", at / "period"));
    }
    array reasons;
    if (arr(r, "reasonCode", at, reasons)) {
        std::string text;
        std::size_t i = 0;
        for (element c : reasons) {
            const std::string_view t = text_of(c, at.item("reasonCode", i++), {});
            if (t.empty()) continue;
            if (!text.empty()) text += "; ";
            text += t;
        }
        row.set("LY_DO_VV", text);
    }
    diagnoses(r, at, row);
    element hosp;
    if (obj(r, "hospitalization", at, hosp)) {
        const Path h = at / "hospitalization";
        element ref, disposition;
        if (obj(hosp, "origin", h, ref)) row.set("MA_NOI_DI", facility_of(ref, h / "origin"));
        if (obj(hosp, "destination", h, ref)) row.set("MA_NOI_DEN", facility_of(ref, h / "destination"));
        if (obj(hosp, "dischargeDisposition", h, disposition)) {
            const Path d = h / "dischargeDisposition";
            std::string_view type = code_of(disposition, d, kCsDischargeType);
            if (type.empty()) {
                const std::string_view hl7 = code_of(disposition, d, kCsDischargeDisposition);
                type = discharge_type(hl7);
                if (type.empty())
                    fail("E_FHIR_VALUE", d,
                         "dischargeDisposition " + quoted(hl7) +
                             " has no BHYT discharge type; give MA_LOAI_RV as a coding of system " +
                             std::string(kCsDischargeType));
            }
            row.set("MA_LOAI_RV", type);
        }
    }
    element provider;
    if (obj(r, "serviceProvider", at, provider)) row.set("MA_CSKCB", facility_of(provider, at / "serviceProvider"));
}

void FhirBundleReader::Impl::reason_codes(const element& res, const Path& at, Row& row) {
    array reasons;
    if (!arr(res, "reasonCode", at, reasons)) return;
    std::string others;
    std::size_t i = 0;
    for (element c : reasons) {
        const Path p = at.item("reasonCode", i);
        const std::string_view code = code_of(c, p, kCsIcd10);
        if (code.empty()) {
            fail("E_FHIR_VALUE", p, "reasonCode has no ICD-10 code (a coding of system " + std::string(kCsIcd10) + ")");
            return;
        }
        if (i++ == 0) {
            row.set("MA_BENH_CHINH", code);
            row.set("CHAN_DOAN_RV", str(c, "text", p));
            continue;
        }
        if (!others.empty()) others += ';';
        others += code;
    }
    row.set("MA_BENH_KT", others);
}

std::string FhirBundleReader::Impl::practitioners(const element& res, std::string_view key, const Path& at) {
    element one;
    array many;
    std::string out;
    auto add = [&](const element& ref, const Path& p) {
        element id;
        if (!obj(ref, "identifier", p, id) || str(id, "system", p / "identifier") != kSidPractitioner) return;
        if (!out.empty()) out += ';';
        out += str(id, "value", p / "identifier");
    };
    if (member(res, key, one) && one.type() == element_type::ARRAY) {
        arr(res, key, at, many);
        std::size_t i = 0;
        for (element ref : many) add(ref, (at / key)[i++]);
    } else if (obj(res, key, at, one)) {
        add(one, at / key);
    }
    return out;
}

std::string FhirBundleReader::Impl::notes(const element& res, const Path& at) {
    array list;
    std::string out;
    if (!arr(res, "note", at, list)) return out;
    for (element n : list) {
        const std::string_view text = str(n, "text", at / "note");
        if (text.empty()) continue;
        if (!out.empty()) out += '\n';
        out += text;
    }
    return out;
}

void FhirBundleReader::Impl::medication(const Entry& e, const Path& at, Row& row) {
    const element& r = e.resource;
    element concept_;
    if (obj(r, "medicationCodeableConcept", at, concept_)) {
        const Path p = at / "medicationCodeableConcept";
        row.set("MA_THUOC", code_of(concept_, p, kCsDrug));
        row.set("TEN_THUOC", text_of(concept_, p, kCsDrug));
    }
    row.set("NGAY_YL", time12(r, "authoredOn", at));
    row.set("MA_BAC_SI", practitioners(r, "requester", at));
    array dosage;
    if (arr(r, "dosageInstruction", at, dosage)) {
        if (dosage.size() > 1)
            fail("E_FHIR_VALUE", at / "dosageInstruction",
                 "MedicationRequest has " + std::to_string(dosage.size()) +
                     " dosage instructions; an XML2 row holds one");
        for (element d : dosage) {
            const Path p = at.item("dosageInstruction", 0);
            row.set("LIEU_DUNG", str(d, "text", p));
            row.set("CACH_DUNG", str(d, "patientInstruction", p));
            element route;
            if (obj(d, "route", p, route)) row.set("DUONG_DUNG", code_of(route, p / "route", kCsRoute));
        }
    }
    element dispense, quantity;
    if (obj(r, "dispenseRequest", at, dispense) && obj(dispense, "quantity", at / "dispenseRequest", quantity)) {
        const Path dispense_path = at / "dispenseRequest";
        const Path p = dispense_path / "quantity";
        row.set("SO_LUONG", number(quantity, "value", p));
        row.set("DON_VI_TINH", str(quantity, "unit", p));
    }
}

void FhirBundleReader::Impl::observation(const Entry& e, const Path& at, Row& row) {
    const element& r = e.resource;
    element concept_;
    if (obj(r, "code", at, concept_)) {
        row.set("MA_CHI_SO", code_of(concept_, at / "code", kCsIndicator));
        row.set("TEN_CHI_SO", text_of(concept_, at / "code", kCsIndicator));
    }
    for (auto kv : as_object(r)) {
        const std::string_view key = kv.key;
        if (key.substr(0, 5) == "value" && key != "valueQuantity" && key != "valueString" && key != "valueInteger")
            fail("E_FHIR_VALUE", at / key,
                 std::string(key) + ": an XML4 result (GIA_TRI) is a Quantity, string or integer");
        if (key.substr(0, 9) == "effective" && key != "effectiveDateTime")
            fail("E_FHIR_VALUE", at / key,
                 std::string(key) + ": an XML4 result time (NGAY_KQ) is an effectiveDateTime");
    }
    element quantity;
    if (obj(r, "valueQuantity", at, quantity)) {
        row.set("GIA_TRI", number(quantity, "value", at / "valueQuantity"));
        std::string_view unit = str(quantity, "unit", at / "valueQuantity");
        if (unit.empty()) unit = str(quantity, "code", at / "valueQuantity");
        row.set("DON_VI_DO", unit);
    }
    row.set("GIA_TRI", str(r, "valueString", at));
    row.set("GIA_TRI", number(r, "valueInteger", at));
    row.set("NGAY_KQ", time12(r, "effectiveDateTime", at));
    row.set("MA_BS_DOC_KQ", practitioners(r, "performer", at));
    row.set("MO_TA", notes(r, at));
}

void FhirBundleReader::Impl::referral(const Entry& e, const Path& at, Row& row) {
    const element& r = e.resource;
    identifiers(r, at, [&](std::string_view system, std::string_view value, const element&, const Path&) {
        if (system == kSidReferralPaper)
            row.set("GIAY_CHUYEN_TUYEN", value);
        else if (system == kSidReferralFile)
            row.set("SO_HOSO", value);
        else if (system == kSidReferralRegister)
            row.set("SO_CHUYENTUYEN", value);
        return true;
    });
    row.set("MA_BAC_SI", practitioners(r, "requester", at));
    array performers;
    if (arr(r, "performer", at, performers)) {
        std::size_t i = 0;
        for (element p : performers) {
            const std::string to = facility_of(p, at.item("performer", i++));
            if (to.empty()) continue;
            row.set("MA_CSKCB_DEN", to);
            break;
        }
    }
    reason_codes(r, at, row);
    array list;
    if (arr(r, "note", at, list)) {
        std::size_t i = 0;
        for (element n : list) {
            const Path p = at.item("note", i++);
            std::string_view field;
            array exts;
            if (arr(n, "extension", p, exts))
                for (element x : exts)
                    if (str(x, "url", p) == kExtNoteField) field = str(x, "valueString", p / "extension");
            if (field.empty()) {
                fail("E_FHIR_VALUE", p,
                     "a referral note must name the XML13 field it holds (extension " + std::string(kExtNoteField) +
                         ")");
                return;
            }
            row.set(field, str(n, "text", p));
        }
    }
}

void FhirBundleReader::Impl::appointment(const Entry& e, const Path& at, Row& row) {
    const element& r = e.resource;
    identifiers(r, at, [&](std::string_view system, std::string_view value, const element&, const Path&) {
        if (system == kSidAppointmentSlip) row.set("SO_GIAYHEN_KL", value);
        return true;
    });
    row.set("NGAY_HEN_KL", time12(r, "start", at));
    row.set("NGAY_CT", date8(r, "created", at));
    array participants;
    if (arr(r, "participant", at, participants)) {
        std::size_t i = 0;
        for (element p : participants) {
            const Path pp = at.item("participant", i++);
            element actor;
            if (!obj(p, "actor", pp, actor)) continue;
            const int t = resolve(str(actor, "reference", pp / "actor"));
            if (t < 0 || (entries[static_cast<std::size_t>(t)].type != Type::location &&
                          entries[static_cast<std::size_t>(t)].type != Type::organization))
                continue;
            row.set("MA_CSKCB", facility_of(actor, pp / "actor"));
            break;
        }
    }
    reason_codes(r, at, row);
}

// ---------------------------------------------------------------------------
// The vaccination.

void FhirBundleReader::Impl::immunization(const Entry& e, const Path& at, Row& row) {
    const element& r = e.resource;
    identifiers(r, at, [&](std::string_view system, std::string_view value, const element&, const Path&) {
        if (system.substr(0, kSourcePrefix.size()) != kSourcePrefix) return true;
        row.set("HE_THONG_NGUON", system.substr(kSourcePrefix.size()));
        row.set("MA_BAN_GHI", value);
        return false;
    });
    if (const std::string_view status = str(r, "status", at); status != "completed")
        fail("E_FHIR_VALUE", at / "status",
             "Immunization.status " + quoted(status) + ": a vaccination record is a completed dose");
    element concept_;
    if (obj(r, "vaccineCode", at, concept_)) {
        row.set("MA_VACCINE", code_of(concept_, at / "vaccineCode", kCsVaccine));
        row.set("TEN_VACCINE", text_of(concept_, at / "vaccineCode", kCsVaccine));
    }
    element v;
    if (member(r, "occurrenceString", v))
        fail("E_FHIR_VALUE", at / "occurrenceString",
             "occurrenceString: the time of a dose (NGAY_TIEM) is an occurrenceDateTime");
    if (const std::string_view when = str(r, "occurrenceDateTime", at); !when.empty()) {
        Moment t;
        if (!parse_moment(when, t) || t.precision < Moment::Precision::day)
            fail("E_FHIR_VALUE", at / "occurrenceDateTime",
                 "occurrenceDateTime " + quoted(when) + " is not a FHIR dateTime with a day");
        row.set("NGAY_TIEM", bhyt_digits(t, t.precision == Moment::Precision::minute ? 5 : 3));
    }
    element location;
    if (obj(r, "location", at, location))
        if (const Entry* place = target(location, at / "location", {Type::location}))
            row.set("NOI_TIEM", str(place->resource, "name", at / "location"));
    array performers;
    if (arr(r, "performer", at, performers)) {
        std::size_t i = 0;
        for (element p : performers) {
            const Path pp = at.item("performer", i++);
            element actor;
            if (!obj(p, "actor", pp, actor)) continue;
            const std::string facility = facility_of(actor, pp / "actor");
            if (facility.empty()) continue;
            row.set("MA_CSKCB", facility);
            break;
        }
    }
    row.set("SO_LO", str(r, "lotNumber", at));
    element maker;
    if (obj(r, "manufacturer", at, maker)) {
        std::string_view name = str(maker, "display", at / "manufacturer");
        if (const Entry* org = name.empty() ? target(maker, at / "manufacturer", {Type::organization}) : nullptr)
            name = str(org->resource, "name", at / "manufacturer");
        row.set("NHA_SAN_XUAT", name);
    }
    row.set("GHI_CHU", notes(r, at));
    array protocol;
    if (arr(r, "protocolApplied", at, protocol)) {
        if (protocol.size() > 1)
            fail("E_FHIR_VALUE", at / "protocolApplied",
                 "Immunization has " + std::to_string(protocol.size()) +
                     " protocolApplied; a vaccination record is one dose");
        for (element p : protocol) {
            const Path pp = at.item("protocolApplied", 0);
            row.set("MUI_THU", number(p, "doseNumberPositiveInt", pp));
            row.set("MUI_THU", str(p, "doseNumberString", pp));
        }
    }
}

// ---------------------------------------------------------------------------
// The Bundle.

// Parses the bytes into `root`: size, UTF-8, depth, syntax, duplicate keys.
bool FhirBundleReader::Impl::parse(std::string_view json, element& root) {
    if (json.size() > max_bytes)
        return fail("E_TOO_LARGE", std::string(),
                    "document is " + std::to_string(json.size()) + " bytes; the limit is " + std::to_string(max_bytes));
    if (setup != simdjson::SUCCESS)
        return fail("E_JSON", std::string(), std::string("parser unavailable: ") + simdjson::error_message(setup));
    // simdjson reads up to SIMDJSON_PADDING bytes past the end: parse a padded copy.
    if (!buf || buf_cap < json.size()) {
        const std::size_t cap = std::max(json.size(), buf_cap * 2);
        buf = std::make_unique<char[]>(cap + simdjson::SIMDJSON_PADDING);
        buf_cap = cap;
    }
    if (!json.empty()) std::memcpy(buf.get(), json.data(), json.size());
    std::memset(buf.get() + json.size(), 0, simdjson::SIMDJSON_PADDING);
    if (const auto e = parser.parse(buf.get(), json.size(), false).get(root)) {
        const std::string msg = simdjson::error_message(e);
        if (e == simdjson::UTF8_ERROR) return fail("E_UTF8", std::string(), "document is not valid UTF-8: " + msg);
        if (e == simdjson::DEPTH_ERROR)
            return fail("E_DEPTH", std::string(),
                        "objects and arrays are nested deeper than " + std::to_string(kMaxDepth) + " levels");
        return fail("E_JSON", std::string(), "invalid JSON: " + msg);
    }
    if (!canon.write(root, scratch, dup))
        return fail("E_DUPLICATE_KEY", "Bundle." + dup, "key Bundle." + dup + " appears more than once in its object");
    return true;
}

// The entries, and the one-record rule: one Patient, and one Encounter (a
// visit) or one Immunization (a vaccination, with nothing of a visit).
bool FhirBundleReader::Impl::index(const element& root, Carriers& found) {
    const Path bundle{nullptr, "Bundle"};
    if (root.type() != element_type::OBJECT)
        return fail("E_FHIR", std::string(), "the document is not a FHIR Bundle: it is not a JSON object");
    if (const std::string_view type = str(root, "resourceType", bundle); type != "Bundle")
        return fail("E_FHIR", bundle / "resourceType",
                    type.empty() ? std::string("the document has no resourceType; expected a FHIR Bundle")
                                 : "resourceType is " + quoted(type) + "; expected a FHIR Bundle");
    if (const std::string_view type = str(root, "type", bundle); type != "transaction" && type != "collection")
        return fail("E_FHIR", bundle / "type",
                    "Bundle.type is " + (type.empty() ? std::string("missing") : quoted(type)) +
                        "; expected \"transaction\" or \"collection\"");
    array list;
    if (!arr(root, "entry", bundle, list) || list.size() == 0)
        return fail("E_FHIR", bundle / "entry", "the Bundle has no entries");

    for (element x : list) {
        const EntryPath ep(entries.size());
        element res;
        if (x.type() != element_type::OBJECT || !obj(x, "resource", ep.at, res))
            return fail("E_FHIR", ep.resource, "the entry has no resource");
        const std::string_view type = str(res, "resourceType", ep.resource);
        const auto known =
            std::find_if(std::begin(kTypes), std::end(kTypes), [&](const auto& t) { return t.first == type; });
        if (known == std::end(kTypes))
            return fail("E_FHIR_RESOURCE", ep.resource / "resourceType",
                        "resource type " + quoted(type) + " is not taken; a Bundle carries " + std::string(kTypeList));
        const Type t = known->second;
        int* one = found.slot(t);
        if (one && *one >= 0)
            return fail("E_FHIR", ep.resource, "a second " + std::string(type) + ": " + std::string(one_only(t)));
        if (one) *one = static_cast<int>(entries.size());
        entries.push_back({res, t, str(x, "fullUrl", ep.at), str(res, "id", ep.resource)});
    }
    if (failed) return false;
    if (found.patient < 0) return fail("E_FHIR", bundle / "entry", "the Bundle has no Patient");
    if (found.encounter >= 0 && found.immunization >= 0)
        return fail("E_FHIR", EntryPath(static_cast<std::size_t>(found.immunization)).resource.str(),
                    "an Immunization beside an Encounter: a Bundle carries one record, a visit or a vaccination");
    if (found.encounter < 0 && found.immunization < 0)
        return fail("E_FHIR", bundle / "entry",
                    "the Bundle has neither an Encounter (a visit) nor an Immunization (a vaccination)");
    if (found.immunization >= 0) {
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const Type t = entries[i].type;
            if (t == Type::patient || t == Type::immunization || t == Type::coverage || t == Type::organization ||
                t == Type::location)
                continue;
            return fail(
                "E_FHIR", EntryPath(i).resource.str(),
                "a " + std::string(type_name(t)) + " belongs to a visit; this Bundle is a vaccination (no Encounter)");
        }
    }
    for (std::size_t i = 0; i < entries.size() && !failed; ++i) walk(entries[i].resource, EntryPath(i).resource);
    return !failed;
}

// The record's own table (XML1, XML0 or TIEM_CHUNG) from the Encounter or
// Immunization, its Patient and Coverages, and the tables they carry.
bool FhirBundleReader::Impl::record_table(const Carriers& found) {
    const bool visit = found.encounter >= 0;
    const std::size_t index = static_cast<std::size_t>(visit ? found.encounter : found.immunization);
    const Entry& carrier = entries[index];
    const EntryPath cp(index);
    Table main;
    Row& row = main.rows.emplace_back();
    if (visit) {
        const std::string_view status = str(carrier.resource, "status", cp.resource);
        if (status == "finished")
            main.name = kEpisodeTable;
        else if (status == "in-progress")
            main.name = kCheckinTable;
        else
            return fail("E_FHIR_VALUE", cp.resource / "status",
                        "Encounter.status " + quoted(status) +
                            ": a visit is finished (its record) or in-progress (its check-in)");
        encounter(carrier, cp.resource, row);
    } else {
        main.name = kVaccinationTable;
        immunization(carrier, cp.resource, row);
    }
    const EntryPath pp(static_cast<std::size_t>(found.patient));
    person(entries[static_cast<std::size_t>(found.patient)], pp.resource, row, main.name);
    coverages(row, person_mapping(main.name).card_details);
    extensions(carrier.resource, cp.resource, row, true);
    if (failed) return false;

    if (visit) {
        if (row.str("MA_LK").empty())
            return fail("E_FHIR", cp.resource / "identifier",
                        "Encounter has no MA_LK (an identifier of system " + std::string(kSidMaLk) + ")");
        if (row.str("MA_CSKCB").empty())
            return fail("E_FHIR", cp.resource / "serviceProvider",
                        "Encounter has no serviceProvider with a facility code (MA_CSKCB)");
        if (row.str("NGAY_VAO").empty())
            return fail("E_FHIR", (cp.resource / "period") / "start", "Encounter.period.start (NGAY_VAO) is required");
    } else {
        if (row.str("HE_THONG_NGUON").empty() || row.str("MA_BAN_GHI").empty())
            return fail("E_FHIR", cp.resource / "identifier",
                        "Immunization has no record id (an identifier whose system is " + std::string(kSourcePrefix) +
                            "<source system>)");
        if (row.str("NGAY_TIEM").empty())
            return fail("E_FHIR", cp.resource / "occurrenceDateTime",
                        "Immunization.occurrenceDateTime (NGAY_TIEM) is required");
    }
    for (const Table& t : tables)
        if (t.name == main.name)
            return fail("E_FHIR_VALUE", cp.resource / "extension", "table " + t.name + " is carried twice");
    tables.insert(tables.begin(), std::move(main));
    return true;
}

// XML2, XML4, XML13 and XML14 from their resources, in Bundle order, after the record's table.
bool FhirBundleReader::Impl::visit_tables() {
    const std::string episode_lk(tables.front().rows.front().str("MA_LK"));
    Table xml2{"XML2", Table::Shape::rows, {}, {}}, xml4{"XML4", Table::Shape::rows, {}, {}};
    Table xml13{"XML13", Table::Shape::object, {}, {}}, xml14{"XML14", Table::Shape::object, {}, {}};
    struct Report {
        std::string_view service, conclusion;
    };
    std::vector<Report> report_of(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].type != Type::diagnostic_report) continue;
        const EntryPath ep(i);
        const element& r = entries[i].resource;
        element concept_;
        Report rep;
        if (obj(r, "code", ep.resource, concept_)) rep.service = code_of(concept_, ep.resource / "code", kCsService);
        rep.conclusion = str(r, "conclusion", ep.resource);
        array results;
        if (!arr(r, "result", ep.resource, results) || results.size() == 0)
            return fail("E_FHIR", ep.resource, "a DiagnosticReport without results: XML4 holds results, one row each");
        std::size_t k = 0;
        for (element ref : results) {
            const Path p = ep.resource.item("result", k++);
            Entry* o = target(ref, p, {Type::observation});
            if (!o)
                return fail("E_FHIR_REFERENCE", p,
                            "a DiagnosticReport result must reference an Observation of the Bundle");
            if (o->used) return fail("E_FHIR", p, "an Observation is a result of two DiagnosticReports");
            o->used = true;
            report_of[static_cast<std::size_t>(o - entries.data())] = rep;
        }
    }
    for (std::size_t i = 0; i < entries.size() && !failed; ++i) {
        const Entry& e = entries[i];
        const EntryPath ep(i);
        Table* table = e.type == Type::medication_request ? &xml2
                       : e.type == Type::observation      ? &xml4
                       : e.type == Type::service_request  ? &xml13
                       : e.type == Type::appointment      ? &xml14
                                                          : nullptr;
        if (e.type == Type::condition && !e.used)
            return fail("E_FHIR", ep.resource, "a Condition not listed in Encounter.diagnosis would be lost");
        if (!table) continue;
        Row& r = table->rows.emplace_back();
        r.set("MA_LK", episode_lk);
        switch (e.type) {
            case Type::medication_request: medication(e, ep.resource, r); break;
            case Type::observation:
                r.set("MA_DICH_VU", report_of[i].service);
                r.set("KET_LUAN", report_of[i].conclusion);
                observation(e, ep.resource, r);
                break;
            case Type::service_request: referral(e, ep.resource, r); break;
            default: appointment(e, ep.resource, r); break;
        }
        extensions(e.resource, ep.resource, r, false);
    }
    if (failed) return false;
    std::size_t at = 1;
    for (Table* t : {&xml2, &xml4, &xml13, &xml14}) {
        if (t->rows.empty()) continue;
        for (const Table& other : tables)
            if (other.name == t->name)
                return fail("E_FHIR_VALUE", t->name,
                            "table " + t->name + " is carried both by resources and by a bhyt-table extension");
        tables.insert(tables.begin() + static_cast<std::ptrdiff_t>(at++), std::move(*t));
    }
    return true;
}

bool FhirBundleReader::Impl::read(std::string_view json, std::string& document, Issue& error) {
    err = &error;
    failed = false;
    entries.clear();
    tables.clear();
    document.clear();
    element root;
    Carriers found;
    if (!parse(json, root) || !index(root, found) || !record_table(found) || !visit_tables()) return false;
    serialize(document);
    return true;
}

void FhirBundleReader::Impl::serialize(std::string& out) const {
    auto write_row = [&](const Row& row) {
        out += '{';
        for (std::size_t i = 0; i < row.fields.size(); ++i) {
            if (i) out += ',';
            append_canonical_string(out, row.fields[i].first);
            out += ':';
            const Value& v = row.fields[i].second;
            if (v.kind == Value::Kind::string)
                append_canonical_string(out, v.text);
            else
                out += v.text;
        }
        out += '}';
    };
    out += '{';
    for (std::size_t i = 0; i < tables.size(); ++i) {
        const Table& t = tables[i];
        if (i) out += ',';
        append_canonical_string(out, t.name);
        out += ':';
        if (t.shape == Table::Shape::json) {
            out += t.json;
        } else if (t.shape == Table::Shape::object) {
            write_row(t.rows.front());
        } else {
            out += '[';
            for (std::size_t k = 0; k < t.rows.size(); ++k) {
                if (k) out += ',';
                write_row(t.rows[k]);
            }
            out += ']';
        }
    }
    out += '}';
}

FhirBundleReader::FhirBundleReader(std::size_t max_bytes) : impl_(std::make_unique<Impl>(max_bytes)) {}
FhirBundleReader::~FhirBundleReader() = default;
FhirBundleReader::FhirBundleReader(FhirBundleReader&&) noexcept = default;
FhirBundleReader& FhirBundleReader::operator=(FhirBundleReader&&) noexcept = default;

bool FhirBundleReader::read(std::string_view bundle_json, std::string& document, Issue& error) {
    return impl_->read(bundle_json, document, error);
}

}  // namespace ehb
