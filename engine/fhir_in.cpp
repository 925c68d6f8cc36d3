#include "engine/fhir_in.hpp"

#include <iterator>

#include "engine/fhir_in_impl.hpp"

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

}  // namespace

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
    const auto known = std::find_if(std::begin(kTypes), std::end(kTypes), [&](const auto& t) { return t.first == type; });
    if (known == std::end(kTypes)) return -1;
    const auto key = std::make_tuple(known->second, id, std::size_t{0});
    const auto found = std::lower_bound(by_type_id.begin(), by_type_id.end(), key);
    if (found == by_type_id.end() || std::get<0>(*found) != known->second || std::get<1>(*found) != id) return -1;
    return static_cast<int>(std::get<2>(*found));
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
// The Bundle.

// Parses the bytes into `root`: size, UTF-8, depth, syntax.
bool FhirBundleReader::Impl::parse(std::string_view json, element& root) {
    if (json.size() > max_bytes)
        return fail("E_TOO_LARGE", std::string(),
                    "document is " + std::to_string(json.size()) + " bytes; the limit is " + std::to_string(max_bytes));
    if (setup != simdjson::SUCCESS)
        return fail("E_JSON", std::string(), std::string("parser unavailable: ") + simdjson::error_message(setup));
    if (const auto e = parser.parse(padded.of(json), json.size(), false).get(root)) {
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
    // References by type and id are looked up the same way: one sort, then
    // a binary search each, so a Bundle of many references stays linear-ish.
    by_type_id.clear();
    for (std::size_t i = 0; i < entries.size(); ++i)
        if (!entries[i].id.empty()) by_type_id.emplace_back(entries[i].type, entries[i].id, i);
    std::sort(by_type_id.begin(), by_type_id.end());  // the first of equal (type, id) first
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
