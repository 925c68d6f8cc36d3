#include "engine/stats_table.hpp"

#include <algorithm>

#include "engine/canonical.hpp"

namespace ehb::stats {

Table::Table(std::vector<std::string_view> dimensions, const std::vector<std::string>& group_by,
             std::vector<Metric> metrics)
    : metrics_(std::move(metrics)), totals_(metrics_.size(), 0) {
    for (std::size_t i = 0; i < dimensions.size(); ++i) {
        if (std::find(group_by.begin(), group_by.end(), dimensions[i]) == group_by.end()) continue;
        kept_.push_back(i);
        names_.push_back(dimensions[i]);
    }
}

void Table::add(const std::vector<std::string>& dimension_values, const std::vector<int64_t>& metrics) {
    std::vector<std::string> group;
    group.reserve(kept_.size());
    for (std::size_t i : kept_) group.push_back(dimension_values[i]);
    auto& row = rows_.try_emplace(std::move(group), metrics_.size(), 0).first->second;
    for (std::size_t i = 0; i < metrics_.size(); ++i) {
        row[i] += metrics[i];
        totals_[i] += metrics[i];
    }
}

void append_json_string(std::string& out, std::string_view s) { append_canonical_string(out, s); }

void append_money(std::string& out, int64_t hundredths) {
    if (hundredths < 0) out.push_back('-');
    const uint64_t v = hundredths < 0 ? 0 - static_cast<uint64_t>(hundredths) : static_cast<uint64_t>(hundredths);
    out += std::to_string(v / 100);
    if (const uint64_t cents = v % 100; cents != 0) {
        out.push_back('.');
        out.push_back(static_cast<char>('0' + cents / 10));
        if (cents % 10) out.push_back(static_cast<char>('0' + cents % 10));
    }
}

namespace {
void append_csv(std::string& out, std::string_view v) {
    if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
        out.append(v);
        return;
    }
    out.push_back('"');
    for (char c : v) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
}

void append_metric(std::string& out, const Metric& m, int64_t v) {
    if (m.type == MetricType::money) append_money(out, v);
    else out += std::to_string(v);
}
}  // namespace

std::string Table::json(std::string_view report, std::string_view query, std::string_view definitions) const {
    std::string out = "{\"report\":";
    append_json_string(out, report);
    out.append(",\"query\":").append(query).append(",\"definitions\":").append(definitions);
    out += ",\"dimensions\":[";
    for (std::size_t i = 0; i < names_.size(); ++i) {
        if (i) out.push_back(',');
        append_json_string(out, names_[i]);
    }
    out += "],\"metrics\":[";
    for (std::size_t i = 0; i < metrics_.size(); ++i) {
        if (i) out.push_back(',');
        append_json_string(out, metrics_[i].name);
    }
    out += "],\"rows\":[";
    bool first = true;
    for (const auto& [group, values] : rows_) {
        out += first ? "{" : ",{";
        first = false;
        for (std::size_t i = 0; i < names_.size(); ++i) {
            append_json_string(out, names_[i]);
            out.push_back(':');
            append_json_string(out, group[i]);
            out.push_back(',');
        }
        for (std::size_t i = 0; i < metrics_.size(); ++i) {
            if (i) out.push_back(',');
            append_json_string(out, metrics_[i].name);
            out.push_back(':');
            append_metric(out, metrics_[i], values[i]);
        }
        out.push_back('}');
    }
    out += "],\"totals\":{";
    for (std::size_t i = 0; i < metrics_.size(); ++i) {
        if (i) out.push_back(',');
        append_json_string(out, metrics_[i].name);
        out.push_back(':');
        append_metric(out, metrics_[i], totals_[i]);
    }
    out += "}}";
    return out;
}

std::string Table::csv() const {
    std::string out;
    const char* sep = "";
    for (std::string_view n : names_) out.append(sep).append(n), sep = ",";
    for (const Metric& m : metrics_) out.append(sep).append(m.name), sep = ",";
    out.push_back('\n');
    for (const auto& [group, values] : rows_) {
        sep = "";
        for (const std::string& g : group) {
            out.append(sep);
            sep = ",";
            append_csv(out, g);
        }
        for (std::size_t i = 0; i < metrics_.size(); ++i) {
            out.append(sep);
            sep = ",";
            append_metric(out, metrics_[i], values[i]);
        }
        out.push_back('\n');
    }
    return out;
}

bool parse_group_by(std::string_view list, const std::vector<std::string_view>& allowed,
                    std::vector<std::string>& out, std::string& error) {
    out.clear();
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        const std::string_view name = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        if (name.empty()) continue;
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
            error = std::string("group_by: unknown dimension '") + std::string(name) + "'";
            return false;
        }
        out.emplace_back(name);
    }
    return true;
}

}  // namespace ehb::stats
