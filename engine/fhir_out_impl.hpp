// Internal to the FHIR writer (engine/fhir_out*.cpp): its helpers and FhirBookWriter::Impl.
#pragma once

#include <simdjson.h>

#include <cstdio>
#include <initializer_list>
#include <unordered_set>
#include <vector>

#include "engine/canonical.hpp"
#include "engine/fhir_common.hpp"
#include "engine/fhir_out.hpp"

namespace ehb::fhir_out_detail {

using namespace fhir;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

inline std::string cat(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (std::string_view p : parts) out += p;
    return out;
}

// A name-based UUID (RFC 9562 version 8, XXH3-128 of the seed): the same
// record always gets the same ids.
inline std::string uuid_of(std::string_view seed) {
    const Hash128 h = canonical_hash(seed);
    const uint64_t hi = (h.hi & ~uint64_t{0xF000}) | 0x8000;
    const uint64_t lo = (h.lo & ~(uint64_t{3} << 62)) | (uint64_t{2} << 62);
    char buf[40];
    using ull = unsigned long long;
    std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx", ull(hi >> 32), ull((hi >> 16) & 0xFFFF),
                  ull(hi & 0xFFFF), ull(lo >> 48), ull(lo & 0xFFFFFFFFFFFFull));
    return buf;
}

inline std::string url_of(std::string_view id) { return cat({"urn:uuid:", id}); }

inline std::vector<std::string_view> split_list(std::string_view s) {
    std::vector<std::string_view> items;
    for (std::size_t start = 0;;) {
        const std::size_t semi = s.find(';', start);
        items.push_back(s.substr(start, semi - start));
        if (semi == std::string_view::npos) return items;
        start = semi + 1;
    }
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

inline void reference(JsonOut& j, std::string_view key, std::string_view url) {
    if (url.empty()) return;
    j.begin_object(key);
    j.string("reference", url);
    j.end();
}

inline void identifier(JsonOut& j, std::string_view system, std::string_view value) {
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

// The codes of a diagnosis: MA_BENH_CHINH (with the text CHAN_DOAN_RV) and
// the MA_BENH_KT list, as far as they are FHIR codes.
struct Diagnoses {
    std::string_view text;
    std::vector<std::string_view> codes;  // principal first
};
inline Diagnoses diagnoses(Fields& f) {
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

// The tables of an episode that have resources of their own.
inline bool is_array_of_objects(const element& v) {
    if (v.type() != element_type::ARRAY) return false;
    const simdjson::dom::array a = as_array(v);
    if (a.size() == 0) return false;
    for (element row : a)
        if (row.type() != element_type::OBJECT) return false;
    return true;
}
inline bool has_resources(std::string_view table, const element& v) {
    if (table == "XML2" || table == "XML4") return is_array_of_objects(v);
    if (table == "XML13" || table == "XML14") return v.type() == element_type::OBJECT;
    return false;
}

}  // namespace ehb::fhir_out_detail

namespace ehb {

using namespace fhir_out_detail;

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

}  // namespace ehb
