#include "engine/fhir_out_impl.hpp"

namespace ehb {

// ---- extensions ----

namespace {

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

}  // namespace ehb
