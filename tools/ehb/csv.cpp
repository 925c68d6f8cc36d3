#include "tools/ehb/csv.hpp"

namespace ehb::cli {

bool CsvReader::next(std::vector<std::string_view>& fields) {
    fields.clear();
    unquoted_.clear();
    if (pos_ >= text_.size()) return false;
    ++line_;
    std::vector<std::pair<size_t, std::string>> escaped;  // field index → its unescaped text
    const size_t n = text_.size();
    for (;;) {
        if (pos_ < n && text_[pos_] == '"') {
            const size_t start = ++pos_;
            std::string value;
            bool has_escape = false;
            size_t end = start;
            while (pos_ < n) {
                if (text_[pos_] == '"') {
                    if (pos_ + 1 < n && text_[pos_ + 1] == '"') {
                        value.append(text_, end, pos_ + 1 - end);
                        pos_ += 2;
                        end = pos_;
                        has_escape = true;
                        continue;
                    }
                    break;
                }
                if (text_[pos_] == '\n') ++line_;
                ++pos_;
            }
            if (has_escape) {
                value.append(text_, end, pos_ - end);
                escaped.emplace_back(fields.size(), std::move(value));
                fields.emplace_back();
            } else {
                fields.emplace_back(text_.data() + start, pos_ - start);
            }
            if (pos_ < n) ++pos_;  // the closing quote
            while (pos_ < n && text_[pos_] != ',' && text_[pos_] != '\n') ++pos_;  // junk after it
        } else {
            const size_t start = pos_;
            while (pos_ < n && text_[pos_] != ',' && text_[pos_] != '\n') ++pos_;
            size_t end = pos_;
            if (end > start && text_[end - 1] == '\r') --end;
            fields.emplace_back(text_.data() + start, end - start);
        }
        if (pos_ >= n || text_[pos_] == '\n') {
            ++pos_;
            break;
        }
        ++pos_;  // the comma
    }
    unquoted_.reserve(escaped.size());
    for (auto& [i, v] : escaped) {
        unquoted_.push_back(std::move(v));
        fields[i] = unquoted_.back();
    }
    return true;
}

void csv_field(std::string& out, std::string_view value) {
    if (value.find_first_of(",\"\n\r") == std::string_view::npos) {
        out += value;
        return;
    }
    out += '"';
    for (char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

}  // namespace ehb::cli
