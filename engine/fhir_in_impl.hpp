// Internal to the FHIR reader (engine/fhir_in*.cpp): its types and FhirBundleReader::Impl.
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <deque>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/canonical.hpp"
#include "engine/fhir_common.hpp"
#include "engine/fhir_in.hpp"
#include "engine/padded_copy.hpp"

namespace ehb::fhir_in_detail {

using namespace fhir;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;

// The deepest nesting read: a field of a table row carried on the Encounter
// sits at depth 12.
inline constexpr std::size_t kMaxDepth = 64;
inline constexpr std::size_t kInitialCapacity = 64u << 10;

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
inline Ext extension_kind(std::string_view url) {
    if (url.starts_with(kExtField)) return Ext::field;
    if (url.starts_with(kExtJsonField)) return Ext::json_field;
    if (url == kExtAbsentField) return Ext::absent_field;
    if (url.starts_with(kExtTable)) return Ext::table;
    return Ext::other;
}

inline std::string quoted(std::string_view s) {
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
// The most fields one table row may carry in extensions.
inline constexpr std::size_t kMaxRowFields = 1000;

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

}  // namespace ehb::fhir_in_detail

namespace ehb {

using namespace fhir_in_detail;

struct FhirBundleReader::Impl {
    std::size_t max_bytes;
    simdjson::dom::parser parser;
    simdjson::error_code setup = simdjson::SUCCESS;
    simdjson::dom::parser json_parser;  // values of "json" extensions
    PaddedCopy padded;
    CanonicalWriter canon;
    std::string scratch, dup;

    std::vector<Entry> entries;
    std::vector<std::pair<std::string_view, std::size_t>> by_url;  // (fullUrl, entry index), sorted
    std::vector<std::tuple<Type, std::string_view, std::size_t>> by_type_id;  // (type, id, entry index), sorted
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

}  // namespace ehb
