// CSV (RFC 4180): comma-separated, fields optionally in double quotes with ""
// for a quote inside; a quoted field may hold commas and line breaks. Lines
// end with \n or \r\n.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ehb::cli {

class CsvReader {
public:
    explicit CsvReader(std::string text) : text_(std::move(text)) {}
    // The next row's fields; false at the end. Views are valid until the next call.
    bool next(std::vector<std::string_view>& fields);
    size_t line() const { return line_; }

private:
    std::string text_;
    size_t pos_ = 0, line_ = 0;
    std::vector<std::string> unquoted_;  // fields that held "" escapes
};

// Quotes a field when it needs it.
void csv_field(std::string& out, std::string_view value);

}  // namespace ehb::cli
