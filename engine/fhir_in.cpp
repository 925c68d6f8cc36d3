#include "engine/fhir_in.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <iterator>
#include <utility>
#include <vector>

#include "engine/canonical.hpp"
#include "engine/fhir_common.hpp"

namespace ehb {

// ---------------------------------------------------------------------------
// looks_like_fhir: a scan of the top-level object's members.

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

bool looks_like_fhir(std::string_view bytes) noexcept {
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
        if (is_type) return s.p != s.end && *s.p == '"';
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

// Our extensions (fhir_common.hpp), by url.
enum class Ext : uint8_t { other, field, json_field, absent_field, table };
Ext extension_kind(std::string_view url) {
    if (url.starts_with(kExtField)) return Ext::field;
    if (url.starts_with(kExtJsonField)) return Ext::json_field;
    if (url == kExtAbsentField) return Ext::absent_field;
    if (url.starts_with(kExtTable)) return Ext::table;
    return Ext::other;
}

// The value[x] of an extension: its first member whose name starts with "value".
bool value_member(const element& ext, std::string_view& key, element& value) {
    if (ext.type() != element_type::OBJECT) return false;
    for (auto kv : as_object(ext))
        if (kv.key.starts_with("value")) {
            key = kv.key;
            value = kv.value;
            return true;
        }
    return false;
}

std::string quoted(std::string_view s) {
    std::string q = "\"";
    q += s;
    q += '"';
    return q;
}

// The document being built. Its names and values are views, valid until the
// next read(): into the parsed Bundle, of literals, or of text the reader
// made and kept (Impl::keep).
struct Value {
    enum class Kind : uint8_t { string, number, boolean, json };
    Kind kind = Kind::string;
    std::string_view text;
};

// A row's fields, in the order first set. A name is looked up by a cheap
// fingerprint first (an XML1 row has some 60 fields, most set by name once):
// the names of a row mostly differ in length, first, middle or last letter.
struct Row {
    std::vector<std::pair<std::string_view, Value>> fields;
    std::vector<uint32_t> fingerprints;  // of the names of `fields`

    static uint32_t fingerprint(std::string_view name) {
        if (name.empty()) return 0;
        const auto at = [&](std::size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(name[i])); };
        return static_cast<uint32_t>(name.size()) << 24 ^ at(0) << 16 ^ at(name.size() / 2) << 8 ^ at(name.size() - 1);
    }
    std::size_t find(std::string_view name, uint32_t f) const {
        for (std::size_t i = 0; i < fingerprints.size(); ++i)
            if (fingerprints[i] == f && fields[i].first == name) return i;
        return fields.size();
    }
    void set(std::string_view name, Value v) {
        const uint32_t f = fingerprint(name);
        if (const std::size_t i = find(name, f); i < fields.size()) {
            fields[i].second = v;
            return;
        }
        fields.emplace_back(name, v);
        fingerprints.push_back(f);
    }
    void set(std::string_view name, std::string_view text) {
        if (!text.empty()) set(name, Value{Value::Kind::string, text});
    }
    // Text the reader made must be kept first: Impl::keep.
    void set(std::string_view name, const std::string& text) = delete;
    void clear() {
        fields.clear();
        fingerprints.clear();
    }
    void erase(std::string_view name) {
        if (const std::size_t i = find(name, fingerprint(name)); i < fields.size()) {
            fields.erase(fields.begin() + static_cast<std::ptrdiff_t>(i));
            fingerprints.erase(fingerprints.begin() + static_cast<std::ptrdiff_t>(i));
        }
    }
    std::string_view str(std::string_view name) const {
        const std::size_t i = find(name, fingerprint(name));
        return i < fields.size() && fields[i].second.kind == Value::Kind::string ? fields[i].second.text
                                                                                 : std::string_view();
    }
};

struct Table {
    enum class Shape : uint8_t { object, rows, json };
    std::string name;
    Shape shape = Shape::object;
    std::vector<Row> rows;
    std::string json;
};

// A member of a JSON object.
struct Member {
    std::string_view key;
    element value;
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
    std::vector<std::pair<std::string_view, std::size_t>> by_url;  // (fullUrl, entry index), sorted
    std::vector<Member> members;         // scratch of check(): the members of the objects being checked
    std::vector<std::string_view> keys;  // scratch of push_members()
    std::vector<Table> tables;
    std::vector<Row> spare_rows;   // see new_row()
    std::deque<std::string> kept;  // text made while reading; the strings are reused by the next read
    std::size_t kept_used = 0;
    Issue* err = nullptr;
    bool failed = false;

    explicit Impl(std::size_t limit) : max_bytes(limit) {
        setup = parser.allocate(std::min(kInitialCapacity, std::max<std::size_t>(max_bytes, 1)), kMaxDepth);
    }

    bool read(std::string_view json, std::string& document, Issue& error);

    // A new last row of `t`. Rows of earlier reads are reused, emptied: their
    // vectors keep their capacity, so that a read does not allocate them anew.
    Row& new_row(Table& t) {
        if (spare_rows.empty()) return t.rows.emplace_back();
        t.rows.push_back(std::move(spare_rows.back()));
        spare_rows.pop_back();
        return t.rows.back();
    }
    // Empties `tables`, keeping some of their rows for new_row().
    void recycle_rows() {
        constexpr std::size_t kSpareRows = 64;  // more than a usual Bundle has; a huge one's are not all kept
        for (Table& t : tables)
            for (Row& r : t.rows) {
                if (spare_rows.size() == kSpareRows) break;
                r.clear();
                spare_rows.push_back(std::move(r));
            }
        tables.clear();
    }

    // A copy of `text` that lives until the next read().
    std::string_view keep(std::string_view text) {
        if (text.empty()) return {};
        if (kept_used == kept.size()) kept.emplace_back();
        std::string& k = kept[kept_used++];
        k.assign(text);
        return k;
    }

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
    bool check(const element& root);
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
    std::string_view number(const element& o, std::string_view key, const Path& at) {
        element v;
        if (!member(o, key, v)) return {};
        if (v.type() == element_type::INT64 || v.type() == element_type::UINT64 || v.type() == element_type::DOUBLE)
            return keep(number_text(v));
        fail("E_FHIR_VALUE", at / key, std::string(key) + " must be a JSON number");
        return {};
    }

    // ---- times ----
    // A dateTime or instant with a time of day → yyyymmddHHMM (UTC+7).
    std::string_view time12(const element& o, std::string_view key, const Path& at) {
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
        return keep(bhyt_digits(t, 5));
    }
    // A date, or a dateTime's date in UTC+7 → yyyymmdd.
    std::string_view date8(const element& o, std::string_view key, const Path& at) {
        const std::string_view s = str(o, key, at);
        if (s.empty()) return {};
        Moment t;
        if (!parse_moment(s, t) || t.precision < Moment::Precision::day) {
            fail("E_FHIR_VALUE", at / key, std::string(key) + " " + quoted(s) + " is not a FHIR date with a day");
            return {};
        }
        return keep(bhyt_digits(t, 3));
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
    std::string_view facility_of(const element& ref, const Path& at);
    bool push_members(const simdjson::dom::object& o);
    bool scan(const element& e, const Path* resource_at);
    bool report_duplicate_key(const element& root);

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
    bool field_extension(const element& ext, Ext kind, std::string_view url, const Path& at, Row& row);
    bool json_value(const element& ext, const Path& at, std::string& out);
    std::string_view url_name(std::string_view url, std::string_view prefix, const Path& at, std::string& decoded);
    void table_extension(const element& ext, std::string_view url, const Path& at);
    bool table_rows(const array& parts, const Path& at, Table& t);
    std::string_view practitioners(const element& res, std::string_view key, const Path& at);
    std::string_view notes(const element& res, const Path& at);
    void serialize(std::string& out) const;
};

// ---------------------------------------------------------------------------
// References.

int FhirBundleReader::Impl::resolve(std::string_view ref) const {
    if (ref.empty() || ref[0] == '#') return -1;
    const auto url = std::lower_bound(by_url.begin(), by_url.end(), ref,
                                      [](const auto& entry, std::string_view r) { return entry.first < r; });
    if (url != by_url.end() && url->first == ref) return static_cast<int>(url->second);
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

// ---------------------------------------------------------------------------
// The checks of the whole Bundle, in one traversal.

// Pushes the members of `o` onto `members`; false when a key repeats.
// Small objects (nearly all of a Bundle) compare their keys pairwise; larger
// ones sort them, so that no object costs quadratic time.
bool FhirBundleReader::Impl::push_members(const simdjson::dom::object& o) {
    constexpr std::size_t kPairwise = 16;
    const std::size_t first = members.size();
    for (auto kv : o) members.push_back({kv.key, kv.value});
    const std::size_t n = members.size() - first;
    if (n <= kPairwise) {
        for (std::size_t i = first + 1; i < members.size(); ++i)
            for (std::size_t j = first; j < i; ++j)
                if (members[i].key == members[j].key) return false;
        return true;
    }
    keys.clear();
    for (std::size_t i = first; i < members.size(); ++i) keys.push_back(members[i].key);
    std::sort(keys.begin(), keys.end());
    return std::adjacent_find(keys.begin(), keys.end()) == keys.end();
}

// Checks `e` and everything in it: no duplicate key and, inside a resource
// (`resource_at` is then its path), no modifier extension (it changes
// meaning, so one we do not understand rejects the Bundle) and no reference
// that names no entry. False at the first problem: a duplicate key (left to
// report_duplicate_key) or one reported with fail().
bool FhirBundleReader::Impl::scan(const element& e, const Path* resource_at) {
    if (e.type() == element_type::ARRAY) {
        std::size_t i = 0;
        for (element x : as_array(e)) {
            const Path p = resource_at ? (*resource_at)[i] : Path{};
            ++i;
            if (!scan(x, resource_at ? &p : nullptr)) return false;
        }
        return true;
    }
    if (e.type() != element_type::OBJECT) return true;
    const std::size_t first = members.size();
    if (!push_members(as_object(e))) return false;
    const std::size_t end = members.size();
    for (std::size_t i = first; i < end; ++i) {
        const Member m = members[i];  // a copy: deeper objects push onto `members`
        if (!resource_at) {
            if (!scan(m.value, nullptr)) return false;
            continue;
        }
        const Path p = *resource_at / m.key;
        if (m.key == "modifierExtension")
            return fail("E_FHIR_VALUE", p, "modifier extensions are not understood; the Bundle cannot be read safely");
        if (m.key == "reference" && m.value.type() == element_type::STRING) {
            const std::string_view ref = m.value.get_string().value_unsafe();
            if (resolve(ref) < 0)
                return fail("E_FHIR_REFERENCE", p, "reference " + quoted(ref) + " points to no entry of the Bundle");
            continue;
        }
        if (!scan(m.value, &p)) return false;
    }
    members.resize(first);
    return true;
}

// scan() of the whole Bundle, the entries' resources with their paths.
// `root` is as index() found it: an object whose "entry" is an array of
// objects.
bool FhirBundleReader::Impl::check(const element& root) {
    members.clear();
    if (!push_members(as_object(root))) return false;
    const std::size_t top = members.size();
    for (std::size_t k = 0; k < top; ++k) {
        const Member m = members[k];
        if (m.key != "entry") {
            if (!scan(m.value, nullptr)) return false;
            continue;
        }
        std::size_t i = 0;
        for (element x : as_array(m.value)) {
            if (!push_members(as_object(x))) return false;
            const std::size_t end = members.size();
            const EntryPath ep(i++);
            for (std::size_t j = top; j < end; ++j) {
                const Member field = members[j];
                if (!scan(field.value, field.key == "resource" ? &ep.resource : nullptr)) return false;
            }
            members.resize(top);
        }
    }
    return true;
}

// A duplicate key is reported before any other problem, as for a JSON
// document. Called when index() or check() has failed: what it reported
// gives way to the duplicate key the canonical form finds first, if any.
bool FhirBundleReader::Impl::report_duplicate_key(const element& root) {
    if (canon.write(root, scratch, dup)) return false;
    failed = false;
    return fail("E_DUPLICATE_KEY", "Bundle." + dup, "key Bundle." + dup + " appears more than once in its object");
}

// The entry a Reference points to (null when it has no "reference").
Entry* FhirBundleReader::Impl::target(const element& ref, const Path& at, std::initializer_list<Type> expected) {
    const std::string_view r = str(ref, "reference", at);
    if (r.empty()) return nullptr;
    const int i = resolve(r);
    if (i < 0) return nullptr;  // reported by check()
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
std::string_view FhirBundleReader::Impl::facility_of(const element& ref, const Path& at) {
    element id;
    if (obj(ref, "identifier", at, id) && str(id, "system", at / "identifier") == kSidFacility)
        return str(id, "value", at / "identifier");
    const Entry* e = target(ref, at, {Type::organization, Type::location});
    if (!e) return {};
    array ids;
    if (arr(e->resource, "identifier", at, ids)) {
        for (element x : ids)
            if (str(x, "system", at) == kSidFacility) return str(x, "value", at);
    }
    fail("E_FHIR_VALUE", at / "reference",
         std::string(type_name(e->type)) + " " + quoted(str(ref, "reference", at)) +
             " has no facility code (an identifier of system " + std::string(kSidFacility) + ")");
    return {};
}

// ---------------------------------------------------------------------------
// Extensions.

// The name after `prefix` in an extension's url, percent-decoded (into `decoded`
// when it has escapes); "" when it has none or (reported) is malformed.
std::string_view FhirBundleReader::Impl::url_name(std::string_view url, std::string_view prefix, const Path& at,
                                                  std::string& decoded) {
    const std::string_view name = url.substr(prefix.size());
    if (name.find('%') == std::string_view::npos) return name;
    if (decode_url_name(name, decoded) && simdjson::validate_utf8(decoded.data(), decoded.size())) return decoded;
    fail("E_FHIR_VALUE", at / "url", "url " + quoted(url) + " does not end in a percent-encoded UTF-8 name");
    return {};
}

// The valueString of an extension that holds JSON, in canonical form.
bool FhirBundleReader::Impl::json_value(const element& ext, const Path& at, std::string& out) {
    std::string_view text = str(ext, "valueString", at);
    if (text.empty()) text = "";  // not a null pointer, which simdjson would copy from
    element parsed;
    if (const auto e = json_parser.parse(text.data(), text.size()).get(parsed))
        return fail("E_FHIR_VALUE", at / "valueString", std::string("not valid JSON: ") + simdjson::error_message(e));
    if (!canon.write(parsed, out, dup))
        return fail("E_FHIR_VALUE", at / "valueString", "key " + dup + " appears more than once in its object");
    return true;
}

// One of our field extensions (its url is known to be one): the field's
// value, or that the row does not have it. False when it is malformed.
bool FhirBundleReader::Impl::field_extension(const element& ext, Ext kind, std::string_view url, const Path& at,
                                             Row& row) {
    if (kind == Ext::absent_field) {
        const std::string_view name = str(ext, "valueString", at);
        if (name.empty()) return fail("E_FHIR_VALUE", at, "a bhyt-absent extension has no field name");
        row.erase(name);
        return true;
    }
    const bool json = kind == Ext::json_field;
    std::string decoded;
    std::string_view name = url_name(url, json ? kExtJsonField : kExtField, at, decoded);
    if (name.empty()) return fail("E_FHIR_VALUE", at, "a bhyt-field extension has no name");
    if (!decoded.empty()) name = keep(decoded);
    if (json) {
        if (!json_value(ext, at, scratch)) return false;
        row.set(name, Value{Value::Kind::json, keep(scratch)});
        return true;
    }
    Value value;
    std::string_view type;
    element v;
    if (!value_member(ext, type, v))
        return fail("E_FHIR_VALUE", at, "a bhyt-field has no value (valueString, valueDecimal or valueBoolean)");
    const bool number =
        v.type() == element_type::INT64 || v.type() == element_type::UINT64 || v.type() == element_type::DOUBLE;
    if (type == "valueString" && v.type() == element_type::STRING) {
        value = {Value::Kind::string, v.get_string().value_unsafe()};
    } else if ((type == "valueDecimal" || type == "valueInteger") && number) {
        value = {Value::Kind::number, keep(number_text(v))};
    } else if (type == "valueBoolean" && v.type() == element_type::BOOL) {
        value = {Value::Kind::boolean, v.get_bool().value_unsafe() ? "true" : "false"};
    } else {
        return fail("E_FHIR_VALUE", at / type,
                    "a bhyt-field value is a valueString (a JSON string), valueDecimal or valueInteger (a JSON "
                    "number) or valueBoolean");
    }
    row.set(name, value);
    return true;
}

void FhirBundleReader::Impl::table_extension(const element& ext, std::string_view url, const Path& at) {
    Table t;
    std::string decoded;
    t.name = url_name(url, kExtTable, at, decoded);
    if (t.name.empty()) {
        fail("E_FHIR_VALUE", at, "a bhyt-table extension has no name");
        return;
    }
    element json;
    array parts;
    const bool has_json = member(ext, "valueString", json);
    const bool has_parts = arr(ext, "extension", at, parts);
    if (has_json && has_parts) {
        fail("E_FHIR_VALUE", at, "a bhyt-table holds rows, one object or one json value, not a mix");
        return;
    }
    if (has_json) {
        t.shape = Table::Shape::json;
        if (!json_value(ext, at, t.json)) return;
    } else if (!has_parts) {
        fail("E_FHIR_VALUE", at, "bhyt-table " + t.name + " has no rows, object or json value");
        return;
    } else if (!table_rows(parts, at, t)) {
        return;
    }
    for (const Table& other : tables)
        if (other.name == t.name) {
            fail("E_FHIR_VALUE", at, "table " + t.name + " is carried twice");
            return;
        }
    tables.push_back(std::move(t));
}

// The parts of a bhyt-table: one "row" per row, or one "object".
bool FhirBundleReader::Impl::table_rows(const array& parts, const Path& at, Table& t) {
    std::size_t i = 0;
    for (element part : parts) {
        const Path p = at.item("extension", i++);
        const std::string_view url = str(part, "url", p);
        if (url != "row" && url != "object")
            return fail("E_FHIR_VALUE", p / "url", "a bhyt-table extension has no part " + quoted(url));
        const Table::Shape shape = url == "row" ? Table::Shape::rows : Table::Shape::object;
        if (!t.rows.empty() && (shape != t.shape || shape != Table::Shape::rows))
            return fail("E_FHIR_VALUE", p, "a bhyt-table holds rows, one object or one json value, not a mix");
        t.shape = shape;
        Row& row = new_row(t);
        array fields;
        if (!arr(part, "extension", p, fields)) continue;
        std::size_t k = 0;
        for (element f : fields) {
            const Path q = p.item("extension", k++);
            const std::string_view field_url = str(f, "url", q);
            const Ext kind = extension_kind(field_url);
            if (kind != Ext::field && kind != Ext::json_field && kind != Ext::absent_field)
                return fail("E_FHIR_VALUE", q / "url", "a row of a bhyt-table holds only field extensions");
            field_extension(f, kind, field_url, q, row);
        }
    }
    if (t.rows.empty()) return fail("E_FHIR_VALUE", at, "bhyt-table " + t.name + " has no rows, object or json value");
    return true;
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
        switch (const Ext kind = extension_kind(url)) {
            case Ext::other: break;
            case Ext::table:
                if (carries_tables)
                    table_extension(ext, url, p);
                else
                    fail("E_FHIR_VALUE", p, "a bhyt-table extension belongs on the Encounter or Immunization");
                break;
            default: field_extension(ext, kind, url, p, row); break;
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
            row.set("HO_TEN", keep(name));
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
        std::string_view birth = keep(bhyt_digits(t, 5));
        element under;
        array exts;
        if (obj(r, "_birthDate", at, under) && arr(under, "extension", at / "_birthDate", exts)) {
            for (element x : exts) {
                if (str(x, "url", at) != kExtBirthTime) continue;
                const std::string_view time = time12(x, "valueDateTime", at / "_birthDate");
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
    row.set("MA_THE_BHYT", keep(lists[0]));
    if (!details) return;
    row.set("MA_DKBD", keep(lists[1]));
    row.set("GT_THE_TU", keep(lists[2]));
    row.set("GT_THE_DEN", keep(lists[3]));
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
        const std::string_view rank = number(d, "rank", p);
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
        found.push_back({rank.empty() ? SIZE_MAX : std::stoull(std::string(rank)), i, code,
                         str(concept_, "text", cp.resource / "code")});
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
    row.set("MA_BENH_KT", keep(others));
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
        row.set("LY_DO_VV", keep(text));
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
    row.set("MA_BENH_KT", keep(others));
}

std::string_view FhirBundleReader::Impl::practitioners(const element& res, std::string_view key, const Path& at) {
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
    return keep(out);
}

std::string_view FhirBundleReader::Impl::notes(const element& res, const Path& at) {
    array list;
    std::string out;
    if (!arr(res, "note", at, list)) return {};
    for (element n : list) {
        const std::string_view text = str(n, "text", at / "note");
        if (text.empty()) continue;
        if (!out.empty()) out += '\n';
        out += text;
    }
    return keep(out);
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
            const std::string_view to = facility_of(p, at.item("performer", i++));
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
        row.set("NGAY_TIEM", keep(bhyt_digits(t, t.precision == Moment::Precision::minute ? 5 : 3)));
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
            const std::string_view facility = facility_of(actor, pp / "actor");
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

// Parses the bytes into `root`: size, UTF-8, depth, syntax.
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
    by_url.clear();
    for (std::size_t i = 0; i < entries.size(); ++i)
        if (!entries[i].full_url.empty()) by_url.emplace_back(entries[i].full_url, i);
    std::sort(by_url.begin(), by_url.end());  // the first of equal fullUrls first
    return true;
}

// The record's own table (XML1, XML0 or TIEM_CHUNG) from the Encounter or
// Immunization, its Patient and Coverages, and the tables they carry.
bool FhirBundleReader::Impl::record_table(const Carriers& found) {
    const bool visit = found.encounter >= 0;
    const std::size_t index = static_cast<std::size_t>(visit ? found.encounter : found.immunization);
    const Entry& carrier = entries[index];
    const EntryPath cp(index);
    Table main;
    Row& row = new_row(main);
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
    const std::string_view episode_lk = tables.front().rows.front().str("MA_LK");
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
        Row& r = new_row(*table);
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
    recycle_rows();
    kept_used = 0;
    document.clear();
    element root;
    Carriers found;
    if (!parse(json, root)) return false;
    if (!index(root, found) || !check(root)) {
        report_duplicate_key(root);
        return false;
    }
    if (!record_table(found) || !visit_tables()) return false;
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
