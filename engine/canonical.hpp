// Canonical JSON (docs/records.md, "Canonical form") and its XXH3-128 hash.
//
// The same content always gives the same bytes: object members sorted by key
// bytes (memcmp order), arrays in order, no whitespace, strings re-escaped
// minimally, integers in decimal, doubles in shortest round-trip form. Key
// order, whitespace and escape spelling of the input do not matter.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/record.hpp"

namespace simdjson::dom {
class element;
}

namespace ehb {

// Reusable, single-threaded: its per-depth member buffers are recycled, so
// steady-state writing does not allocate (beyond growing `out` once).
class CanonicalWriter {
public:
    CanonicalWriter();
    ~CanonicalWriter();
    CanonicalWriter(CanonicalWriter&&) noexcept;
    CanonicalWriter& operator=(CanonicalWriter&&) noexcept;

    // Replaces `out` with the canonical form of `root`. False if some object
    // has the same key twice (compared after unescaping); `duplicate_path`
    // then names it, e.g. "XML1.HO_TEN" or "XML2[3].MA_LK" (0-based index),
    // and `out` is unspecified.
    bool write(const simdjson::dom::element& root, std::string& out, std::string& duplicate_path);

    // The canonical form of an episode document (docs/records.md section 7):
    // as write(), and inside every table (an object, or each object row of an
    // array) fields carry their stored names (current_field_name for `g`),
    // fields whose value is null or "" are left out (they hold no value in
    // any of the formats), and number fields (is_numeric_field) given as a
    // number or a decimal string are written as a decimal number without
    // redundant zeros, so "2", 2 and 2.0 are the same content.
    bool write_document(const simdjson::dom::element& root, Generation g, std::string& out,
                        std::string& duplicate_path);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Appends `utf8` as a canonical JSON string literal (with the quotes):
// `"` and `\` escaped, control characters as \b \f \n \r \t or \u00xx,
// everything else literal.
void append_canonical_string(std::string& out, std::string_view utf8);
// A time (microseconds since the epoch) as a JSON string, ISO 8601 UTC with
// microseconds: "2026-11-22T06:48:12.314723Z".
void append_json_time(std::string& out, int64_t us);
// A member after the first of an object being written: `,"key":"value"`
// (a canonical string) and `,"key":123`.
void append_json_member(std::string& out, std::string_view key, std::string_view value);
void append_json_number(std::string& out, std::string_view key, uint64_t value);

// XXH3-128 of the bytes.
Hash128 canonical_hash(std::string_view canonical) noexcept;

// Convenience for tools and tests (allocates a parser per call): parses any
// JSON text and writes its canonical form. False with `error` on invalid JSON
// or a duplicate key.
bool canonicalize_json(std::string_view json, std::string& out, std::string& error);

}  // namespace ehb
