// A statistics report's result: rows summed by the dimensions a query groups
// by, rendered as self-describing JSON or as CSV with a header line.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ehb::stats {

enum class MetricType : uint8_t { count, money };  // money: hundredths of a dong, shown in dong
struct Metric {
    std::string_view name;
    MetricType type = MetricType::count;
};

class Table {
public:
    // `dimensions`: every dimension of the report, in order; `group_by`: the ones kept (a subset).
    Table(std::vector<std::string_view> dimensions, const std::vector<std::string>& group_by,
          std::vector<Metric> metrics);
    // One stored row: a value for every dimension, and its metrics (summed into its group).
    void add(const std::vector<std::string>& dimension_values, const std::vector<int64_t>& metrics);

    // {"report":…, "query":…, "definitions":…, "dimensions":[…], "metrics":[…], "rows":[…], "totals":{…}};
    // `query` and `definitions` are JSON objects given by the caller.
    std::string json(std::string_view report, std::string_view query, std::string_view definitions) const;
    std::string csv() const;

private:
    std::vector<std::size_t> kept_;  // indexes of the kept dimensions
    std::vector<std::string_view> names_;
    std::vector<Metric> metrics_;
    std::map<std::vector<std::string>, std::vector<int64_t>> rows_;
    std::vector<int64_t> totals_;
};

// Parses a comma-separated list of dimension names; false (and `error`) on a name not in `allowed`.
bool parse_group_by(std::string_view list, const std::vector<std::string_view>& allowed,
                    std::vector<std::string>& out, std::string& error);
void append_json_string(std::string& out, std::string_view s);
void append_money(std::string& out, int64_t hundredths);  // 150000.5 from 15000050

}  // namespace ehb::stats
