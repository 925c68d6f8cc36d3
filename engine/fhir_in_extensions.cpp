#include "engine/fhir_in_impl.hpp"

namespace ehb {

// ---------------------------------------------------------------------------
// Extensions.

namespace {

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

}  // namespace

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
    // A row's fields are looked up one by one: bound them, so that a hostile
    // Bundle cannot make reading it quadratic (the widest table has ~70 fields).
    if (row.fields.size() >= kMaxRowFields)
        return fail("E_FHIR_VALUE", at,
                    "a table row carries more than " + std::to_string(kMaxRowFields) + " fields");
    const bool json = kind == Ext::json_field;
    std::string decoded;
    std::string_view name = url_name(url, json ? kExtJsonField : kExtField, at, decoded);
    // The url of a field named "" ends with the prefix: a document may have
    // one, unknown fields being kept as sent. A name that did not decode has failed.
    if (name.empty() && url.size() > (json ? kExtJsonField : kExtField).size()) return false;
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
            if (!field_extension(f, kind, field_url, q, row)) return false;
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
            default:
                if (!field_extension(ext, kind, url, p, row)) return;
                break;
        }
    }
}

}  // namespace ehb
