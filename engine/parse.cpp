#include "engine/parse.hpp"

#include <simdjson.h>

#include <algorithm>

#include "engine/canonical.hpp"
#include "engine/padded_copy.hpp"
#include "engine/tables.hpp"
#include "engine/validate.hpp"

namespace ehb {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Deepest nesting a deployment may configure (simdjson's own default).
constexpr std::size_t kMaxDepthCap = 1024;

// Room for a typical episode document; the parser grows past it on demand.
constexpr std::size_t kInitialCapacity = 64u << 10;

enum class TableShape : uint8_t { xml1, array_of_objects, object, unknown };

// XML0..XML15 by name (decimal, no leading zero).
TableShape table_shape(std::string_view key) noexcept {
    if (key.size() < 4 || key.size() > 5 || key.substr(0, 3) != "XML") return TableShape::unknown;
    int n = 0;
    for (char c : key.substr(3)) {
        if (c < '0' || c > '9') return TableShape::unknown;
        n = n * 10 + (c - '0');
    }
    if (key.size() == 5 && key[3] == '0') return TableShape::unknown;
    switch (n) {
        case 1: return TableShape::xml1;
        case 2: case 3: case 4: case 5: case 6: case 9: case 15: return TableShape::array_of_objects;
        case 0: case 7: case 8: case 10: case 11: case 13: case 14: return TableShape::object;
        default: return TableShape::unknown;
    }
}

const char* type_name(element_type t) noexcept {
    switch (t) {
        case element_type::OBJECT: return "an object";
        case element_type::ARRAY: return "an array";
        case element_type::STRING: return "a string";
        case element_type::INT64:
        case element_type::UINT64:
        case element_type::DOUBLE: return "a number";
        case element_type::BOOL: return "a boolean";
        case element_type::NULL_VALUE: return "null";
    }
    return "?";
}

bool fail(Issue& e, std::string_view code, std::string field, std::string reason) {
    e.code.assign(code);
    e.field = std::move(field);
    e.reason = std::move(reason);
    return false;
}

// A row's MA_LK, when present and not null, must equal XML1.MA_LK.
bool check_ma_lk(const element& row, std::string_view ma_lk, std::string_view key, std::size_t index,
                 bool indexed, Issue& e) {
    element v;
    if (row["MA_LK"].get(v) != simdjson::SUCCESS) return true;
    if (v.type() == element_type::NULL_VALUE) return true;
    if (v.type() == element_type::STRING && v.get_string().value_unsafe() == ma_lk) return true;
    std::string where(key);
    if (indexed) {
        where += '[';
        where += std::to_string(index);
        where += ']';
    }
    std::string got = type_name(v.type());
    if (v.type() == element_type::STRING) {
        std::string_view s = v.get_string().value_unsafe();
        const bool cut = s.size() > 100;  // MA_LK is at most 100 characters
        if (cut) {
            std::size_t n = 100;
            while (n > 0 && (static_cast<uint8_t>(s[n]) & 0xC0) == 0x80) --n;  // keep whole code points
            s = s.substr(0, n);
        }
        got.assign(1, '"');
        got += s;
        got += cut ? "...\"" : "\"";
    }
    return fail(e, "E_MA_LK_MISMATCH", where + ".MA_LK",
                where + ".MA_LK " + got + " differs from XML1.MA_LK \"" + std::string(ma_lk) + "\"");
}

}  // namespace

struct EpisodeParser::Impl {
    ParseLimits limits;
    simdjson::dom::parser parser;
    simdjson::error_code setup = simdjson::SUCCESS;
    PaddedCopy padded;
    CanonicalWriter canon;
    Xml1Fields xml1;
    std::string dup_path;

    explicit Impl(ParseLimits l) : limits(l) {
        // The canonical writer recurses once per level: keep the stack bounded.
        limits.max_depth = std::clamp<std::size_t>(limits.max_depth, 1, kMaxDepthCap);
        setup = parser.allocate(std::min(kInitialCapacity, std::max<std::size_t>(limits.max_document_bytes, 1)),
                                limits.max_depth);
    }

    bool parse(std::string_view json, ParsedRecord& out, Issue& e);
};

bool EpisodeParser::Impl::parse(std::string_view json, ParsedRecord& out, Issue& e) {
    out.kind = RecordKind::episode;
    out.generation = Generation::qd130;
    out.facility.clear();
    out.ma_lk.clear();
    out.ids.citizen.clear();
    out.ids.old_id.clear();
    out.ids.passport.clear();
    out.ids.si_codes.clear();
    out.person.clear();
    out.admitted = 0;
    out.discharged = 0;
    out.appointment = 0;
    out.canonical.clear();
    out.hash = {};
    out.warnings.clear();

    if (json.size() > limits.max_document_bytes)
        return fail(e, "E_TOO_LARGE", "",
                    "document is " + std::to_string(json.size()) + " bytes; the limit is " +
                        std::to_string(limits.max_document_bytes));
    if (setup != simdjson::SUCCESS)
        return fail(e, "E_JSON", "", std::string("parser unavailable: ") + simdjson::error_message(setup));


    element root;
    if (const auto err = parser.parse(padded.of(json), json.size(), false).get(root)) {
        const std::string msg = simdjson::error_message(err);
        switch (err) {
            case simdjson::UTF8_ERROR: return fail(e, "E_UTF8", "", "document is not valid UTF-8: " + msg);
            case simdjson::DEPTH_ERROR:
                return fail(e, "E_DEPTH", "",
                            "objects and arrays are nested deeper than " + std::to_string(limits.max_depth) +
                                " levels");
            default: return fail(e, "E_JSON", "", "invalid JSON: " + msg);
        }
    }
    if (root.type() != element_type::OBJECT)
        return fail(e, "E_NOT_OBJECT", "",
                    std::string("the document must be a JSON object of tables, got ") + type_name(root.type()));

    const simdjson::dom::object top = root.get_object().value_unsafe();

    // What the document records: an episode (XML1), a check-in (XML0 alone)
    // or a vaccination (TIEM_CHUNG alone).
    element x1, x0, vaccination;
    const bool has_xml1 = top.at_key("XML1").get(x1) == simdjson::SUCCESS;
    const bool has_vaccination = top.at_key("TIEM_CHUNG").get(vaccination) == simdjson::SUCCESS;
    const bool checkin = !has_xml1 && top.size() == 1 && top.at_key("XML0").get(x0) == simdjson::SUCCESS;
    out.kind = has_vaccination ? RecordKind::vaccination : checkin ? RecordKind::checkin : RecordKind::episode;
    out.generation = out.kind == RecordKind::episode ? detect_generation(top) : Generation::qd130;

    // Canonical form first: it sorts every object, which also finds duplicate keys.
    if (!canon.write_document(root, out.generation, out.canonical, dup_path))
        return fail(e, "E_DUPLICATE_KEY", dup_path, "key " + dup_path + " appears more than once in its object");

    if (has_vaccination && top.size() != 1)
        return fail(e, "E_TABLES", "TIEM_CHUNG",
                    "a vaccination document holds the table TIEM_CHUNG alone, not with other tables");
    if (!has_xml1 && !has_vaccination && !checkin)
        return fail(e, "E_NO_XML1", "XML1",
                    "the document has no XML1 (episode summary) table, and is neither a check-in (XML0 alone) nor a "
                    "vaccination (TIEM_CHUNG alone)");

    if (out.kind == RecordKind::vaccination) {
        if (vaccination.type() != element_type::OBJECT)
            return fail(e, "E_TYPE", "TIEM_CHUNG",
                        std::string("TIEM_CHUNG must be an object, got ") + type_name(vaccination.type()));
        if (!validate_vaccination(vaccination.get_object().value_unsafe(), out, e)) return false;
        out.hash = canonical_hash(out.canonical);
        return true;
    }
    if (out.kind == RecordKind::checkin) {
        if (x0.type() != element_type::OBJECT)
            return fail(e, "E_TYPE", "XML0", std::string("XML0 must be an object, got ") + type_name(x0.type()));
        if (!validate_checkin(x0.get_object().value_unsafe(), out, e)) return false;
        out.hash = canonical_hash(out.canonical);
        return true;
    }

    // Tables: XML1 first, then the others in document order.
    if (x1.type() != element_type::OBJECT)
        return fail(e, "E_TYPE", "XML1", std::string("XML1 must be an object, got ") + type_name(x1.type()));
    for (auto kv : top) {
        switch (table_shape(kv.key)) {
            case TableShape::xml1: break;
            case TableShape::object:
                if (kv.value.type() != element_type::OBJECT)
                    return fail(e, "E_TYPE", std::string(kv.key),
                                std::string(kv.key) + " must be an object, got " + type_name(kv.value.type()));
                break;
            case TableShape::array_of_objects: {
                if (kv.value.type() != element_type::ARRAY)
                    return fail(e, "E_TYPE", std::string(kv.key),
                                std::string(kv.key) + " must be an array of objects, got " +
                                    type_name(kv.value.type()));
                const simdjson::dom::array rows = kv.value.get_array().value_unsafe();
                std::size_t i = 0;
                for (element row : rows) {
                    if (row.type() != element_type::OBJECT) {
                        std::string where(kv.key);
                        where += '[';
                        where += std::to_string(i);
                        where += ']';
                        return fail(e, "E_TYPE", where,
                                    where + " must be an object (one row), got " + type_name(row.type()));
                    }
                    ++i;
                }
                break;
            }
            case TableShape::unknown: {
                Issue& w = out.warnings.emplace_back();
                w.code = "W_UNKNOWN_KEY";
                w.field.assign(kv.key);
                w.reason = "top-level key " + std::string(kv.key) + " is not a known table; stored unchecked";
                break;
            }
        }
    }

    // XML1: one pass into slots (under the stored names), then the rules.
    xml1.reset();
    const simdjson::dom::object x1_fields = x1.get_object().value_unsafe();
    for (auto kv : x1_fields) {
        const int slot = xml1_field_index(current_field_name(out.generation, "XML1", kv.key));
        if (slot >= 0) read_field_value(kv.value, xml1.slot[static_cast<std::size_t>(slot)]);
    }
    if (!validate_xml1(xml1, out.generation, out, e)) return false;
    out.discharged = digits_value(xml1.slot[X1::NGAY_RA].text);

    // Every row that names its episode must name this one.
    for (auto kv : top) {
        if (table_shape(kv.key) == TableShape::xml1) continue;
        if (kv.value.type() == element_type::OBJECT) {
            if (!check_ma_lk(kv.value, out.ma_lk, kv.key, 0, false, e)) return false;
        } else if (kv.value.type() == element_type::ARRAY) {
            const simdjson::dom::array rows = kv.value.get_array().value_unsafe();
            std::size_t i = 0;
            for (element row : rows) {
                if (row.type() == element_type::OBJECT && !check_ma_lk(row, out.ma_lk, kv.key, i, true, e))
                    return false;
                ++i;
            }
        }
    }
    if (!validate_tables(top, out.generation, out, e)) return false;
    element appointment;
    std::string_view due;
    if (top.at_key("XML14").get(appointment) == simdjson::SUCCESS &&
        appointment["NGAY_HEN_KL"].get(due) == simdjson::SUCCESS && due.size() == 12)
        out.appointment = static_cast<uint32_t>(digits_value(due) / 10000);

    out.hash = canonical_hash(out.canonical);
    return true;
}

EpisodeParser::EpisodeParser(ParseLimits limits) : impl_(std::make_unique<Impl>(limits)) {}
EpisodeParser::~EpisodeParser() = default;
EpisodeParser::EpisodeParser(EpisodeParser&&) noexcept = default;
EpisodeParser& EpisodeParser::operator=(EpisodeParser&&) noexcept = default;

bool EpisodeParser::parse(std::string_view json, ParsedRecord& out, Issue& error) {
    return impl_->parse(json, out, error);
}

}  // namespace ehb
