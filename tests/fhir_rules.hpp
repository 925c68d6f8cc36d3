// The FHIR R4 JSON rules our Bundles must meet, checked without a FHIR
// server: resourceType and a valid id on every resource, a fullUrl on every
// entry, references that resolve inside the Bundle, no empty or null values,
// date/dateTime/instant values of the R4 forms, extensions with a url (a
// uri: no whitespace) and either a value or nested extensions, and each
// resource type's required elements. fhir_violations() lists what is wrong
// (empty: nothing).
#pragma once

#include <simdjson.h>

#include <map>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ehb::test {

namespace fhir_rules_detail {

using simdjson::dom::element;
using simdjson::dom::element_type;

// R4 datatypes (hl7.org/fhir/R4/datatypes.html), hour range as published in later errata.
inline const std::regex& date_re() {
    static const std::regex re(
        "([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?");
    return re;
}
inline const std::regex& datetime_re() {
    static const std::regex re(
        "([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])"
        "(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)"
        "?");
    return re;
}
inline const std::regex& instant_re() {
    static const std::regex re(
        "([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])"
        "T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))");
    return re;
}
inline const std::regex& id_re() {
    static const std::regex re("[A-Za-z0-9\\-\\.]{1,64}");
    return re;
}

struct Checker {
    std::vector<std::string> problems;
    std::set<std::string> targets;  // fullUrls and Type/id of the entries

    void report(const std::string& where, const std::string& what) { problems.push_back(where + ": " + what); }

    static bool has(const element& o, std::string_view key) {
        element v;
        return o.type() == element_type::OBJECT &&
               o.get_object().value_unsafe().at_key(key).get(v) == simdjson::SUCCESS;
    }
    static bool has_prefix_member(const element& o, std::string_view prefix) {
        const simdjson::dom::object obj = o.get_object().value_unsafe();
        for (auto kv : obj)
            if (kv.key.substr(0, prefix.size()) == prefix) return true;
        return false;
    }
    static std::string_view str(const element& o, std::string_view key) {
        std::string_view s;
        if (o.type() != element_type::OBJECT || o[key].get(s) != simdjson::SUCCESS) return {};
        return s;
    }

    // The kind of date an element of this name holds in the resource type.
    static const std::regex* date_kind(std::string_view type, std::string_view key) {
        if (key == "birthDate") return &date_re();
        if (type == "Appointment" && (key == "start" || key == "end")) return &instant_re();
        if (key == "start" || key == "end" || key == "authoredOn" || key == "created" || key == "recorded" ||
            (key.size() > 8 && key.substr(key.size() - 8) == "DateTime"))
            return &datetime_re();
        return nullptr;
    }

    void values(const element& e, const std::string& where, std::string_view type) {
        switch (e.type()) {
            case element_type::NULL_VALUE: report(where, "null value"); return;
            case element_type::STRING:
                if (e.get_string().value_unsafe().empty()) report(where, "empty string");
                return;
            case element_type::ARRAY: {
                const simdjson::dom::array a = e.get_array().value_unsafe();
                if (a.size() == 0) report(where, "empty array");
                std::size_t i = 0;
                for (element x : a) values(x, where + "[" + std::to_string(i++) + "]", type);
                return;
            }
            case element_type::OBJECT: break;
            default: return;
        }
        const simdjson::dom::object o = e.get_object().value_unsafe();
        if (o.size() == 0) report(where, "empty object");
        for (auto kv : o) {
            const std::string at = where + "." + std::string(kv.key);
            if (kv.key == "reference" && kv.value.type() == element_type::STRING &&
                !targets.count(std::string(kv.value.get_string().value_unsafe())))
                report(at, "reference does not resolve inside the Bundle");
            if (kv.key == "extension" && kv.value.type() == element_type::ARRAY) {
                std::size_t i = 0;
                const simdjson::dom::array list = kv.value.get_array().value_unsafe();
                for (element x : list) {
                    const std::string xat = at + "[" + std::to_string(i++) + "]";
                    const std::string_view url = str(x, "url");
                    if (url.empty()) report(xat, "extension without url");
                    if (url.find_first_of(" \t\n\r") != std::string_view::npos) report(xat, "url is not a uri");
                    const bool value = x.type() == element_type::OBJECT && has_prefix_member(x, "value");
                    if (value == has(x, "extension"))
                        report(xat, "extension needs a value[x] or nested extensions, not both");
                }
            }
            if (kv.value.type() == element_type::STRING) {
                if (const std::regex* re = date_kind(type, kv.key)) {
                    const std::string v(kv.value.get_string().value_unsafe());
                    if (!std::regex_match(v, *re)) report(at, "\"" + v + "\" is not a valid date/dateTime/instant");
                }
            }
            values(kv.value, at, type);
        }
    }

    void required(const element& r, const std::string& where, std::string_view type) {
        static const std::map<std::string_view, std::vector<std::string_view>> kRequired = {
            {"Encounter", {"status", "class"}},
            {"Condition", {"subject"}},
            {"Observation", {"status", "code"}},
            {"DiagnosticReport", {"status", "code"}},
            {"ServiceRequest", {"status", "intent", "subject"}},
            {"Appointment", {"status", "participant"}},
            {"Immunization", {"status", "vaccineCode", "patient", "occurrence"}},
            {"MedicationRequest", {"status", "intent", "medication", "subject"}},
            {"Coverage", {"status", "beneficiary", "payor"}},
        };
        const auto it = kRequired.find(type);
        if (it == kRequired.end()) return;
        for (std::string_view key : it->second) {
            const bool choice = key == "occurrence" || key == "medication";
            if (choice ? !has_prefix_member(r, key) : !has(r, key))
                report(where, std::string(type) + " has no " + std::string(key) + (choice ? "[x]" : ""));
        }
        if (type == "Appointment") {
            element parts;
            if (r["participant"].get(parts) == simdjson::SUCCESS && parts.type() == element_type::ARRAY) {
                const simdjson::dom::array list = parts.get_array().value_unsafe();
                for (element p : list)
                    if (!has(p, "status")) report(where, "Appointment.participant without status");
            }
            if (str(r, "status") == "booked" && !(has(r, "start") && has(r, "end")))
                report(where, "a booked Appointment needs start and end (app-3)");
        }
    }
};

}  // namespace fhir_rules_detail

inline std::vector<std::string> fhir_violations(std::string_view json) {
    using namespace fhir_rules_detail;
    Checker c;
    simdjson::dom::parser parser;
    element root;
    if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) return {"not valid JSON"};
    if (Checker::str(root, "resourceType") != "Bundle") return {"not a Bundle"};
    if (!std::regex_match(std::string(Checker::str(root, "id")), id_re())) c.report("Bundle.id", "missing or invalid");
    if (Checker::str(root, "type").empty()) c.report("Bundle.type", "missing");
    element entries;
    if (!Checker::has(root, "entry") || root["entry"].get(entries) || entries.type() != element_type::ARRAY)
        return {"Bundle has no entry array"};
    const simdjson::dom::array list = entries.get_array().value_unsafe();
    for (element e : list) {
        element r;
        if (e["resource"].get(r)) continue;
        c.targets.insert(std::string(Checker::str(e, "fullUrl")));
        c.targets.insert(std::string(Checker::str(r, "resourceType")) + "/" + std::string(Checker::str(r, "id")));
    }
    const simdjson::dom::object top = root.get_object().value_unsafe();
    for (auto kv : top)
        if (kv.key != "entry") c.values(kv.value, "Bundle." + std::string(kv.key), "Bundle");
    std::size_t i = 0;
    for (element e : list) {
        const std::string at = "Bundle.entry[" + std::to_string(i++) + "]";
        if (Checker::str(e, "fullUrl").empty()) c.report(at, "entry without fullUrl");
        element r;
        if (e["resource"].get(r) || r.type() != element_type::OBJECT) {
            c.report(at, "entry without resource");
            continue;
        }
        const std::string_view type = Checker::str(r, "resourceType");
        if (type.empty()) c.report(at, "resource without resourceType");
        if (!std::regex_match(std::string(Checker::str(r, "id")), id_re()))
            c.report(at, "resource id missing or invalid");
        c.values(e, at, type);
        c.required(r, at + ".resource", type);
    }
    return c.problems;
}

}  // namespace ehb::test
