#include "tools/ehb/link_columns.hpp"

#include <utility>

namespace ehb::cli {
namespace {

std::string concat(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (std::string_view p : parts) out += p;
    return out;
}

constexpr std::pair<std::string_view, int> kRoles[] = {
    {"id", 0},        {"name", 1},     {"family", 2},   {"middle", 3},   {"given", 4},    {"birth", 5},
    {"sex", 6},       {"address", 7},  {"location", 8}, {"ward", 8},     {"postcode", 8}, {"province", 9},
    {"source", 10},   {"facility", 11},
};

}  // namespace

int ColumnMapping::column(const std::vector<std::string_view>& header, std::string_view name) {
    for (size_t i = 0; i < header.size(); ++i)
        if (header[i] == name) return static_cast<int>(i);
    return -1;
}

bool ColumnMapping::init(std::string_view spec, const std::vector<std::string_view>& header, std::string& error) {
    parts_.clear();
    bool has_id = false, has_facility = false, has_mrn = false;
    while (!spec.empty()) {
        const size_t comma = spec.find(',');
        const std::string_view item = spec.substr(0, comma);
        spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
        const size_t eq = item.find('=');
        if (eq == std::string_view::npos || eq == 0 || eq + 1 == item.size()) {
            error = concat({"bad column mapping '", item, "' (want role=COLUMN)"});
            return false;
        }
        const std::string_view role = item.substr(0, eq);
        Part part;
        if (role.starts_with("id:")) {
            part.kind = Part::identifier;
            const std::string_view system = role.substr(3);
            part.card = system == "card";
            if (!part.card && !person::parse_id_system(system, part.system)) {
                error = concat({"unknown identifier system '", system, "' (cccd, cmnd, passport, bhxh, card, te1, mrn)"});
                return false;
            }
            has_mrn = has_mrn || (!part.card && part.system == person::IdSystem::mrn);
        } else {
            bool found = false;
            for (const auto& [name, kind] : kRoles) {
                if (name == role) part.kind = static_cast<Part::Kind>(kind), found = true;
            }
            if (!found) {
                error = concat({"unknown role '", role, "'"});
                return false;
            }
        }
        has_id = has_id || part.kind == Part::id;
        has_facility = has_facility || part.kind == Part::facility;
        std::string_view cols = item.substr(eq + 1);
        while (!cols.empty()) {
            const size_t plus = cols.find('+');
            const std::string_view col = cols.substr(0, plus);
            cols = plus == std::string_view::npos ? std::string_view() : cols.substr(plus + 1);
            const int c = column(header, col);
            if (c < 0) {
                error = concat({"no column '", col, "' in the header"});
                return false;
            }
            part.columns.push_back(c);
        }
        parts_.push_back(std::move(part));
    }
    if (!has_id) {
        error = "the mapping needs id=COLUMN";
        return false;
    }
    if (has_mrn && !has_facility) {
        error = "id:mrn needs facility=COLUMN (a patient number is only unique within its facility)";
        return false;
    }
    return true;
}

void ColumnMapping::joined(const std::vector<std::string_view>& row, const std::vector<int>& cols, std::string& out) {
    out.clear();
    for (int c : cols) {
        if (static_cast<size_t>(c) >= row.size() || row[c].empty()) continue;
        if (!out.empty()) out += ' ';
        out += row[c];
    }
}

void ColumnMapping::map(const std::vector<std::string_view>& row, person::PersonRecord& out) const {
    out = person::PersonRecord{};
    std::string family, middle, given, facility, value;
    std::vector<std::pair<person::IdSystem, std::string>> mrns;
    for (const Part& p : parts_) {
        joined(row, p.columns, value);
        switch (p.kind) {
            case Part::id: out.id = value; break;
            case Part::name: out.full_name = value; break;
            case Part::family: family = value; break;
            case Part::middle: middle = value; break;
            case Part::given: given = value; break;
            case Part::birth: out.birth = value; break;
            case Part::sex: out.sex = value; break;
            case Part::address: out.address = value; break;
            case Part::location: out.location = value; break;
            case Part::province: out.province = value; break;
            case Part::source: person::parse_source(value, out.source); break;
            case Part::facility: facility = value; break;
            case Part::identifier:
                if (value.empty()) break;
                if (p.card) {
                    person::Identifier id;
                    if (person::card_identifier(value, id)) out.ids.push_back(std::move(id));
                } else if (p.system == person::IdSystem::mrn) {
                    mrns.emplace_back(p.system, value);
                } else {
                    out.ids.push_back({p.system, value});
                }
                break;
        }
    }
    if (out.full_name.empty()) {
        for (const std::string* s : {&family, &middle, &given}) {
            if (s->empty()) continue;
            if (!out.full_name.empty()) out.full_name += ' ';
            out.full_name += *s;
        }
    }
    if (!facility.empty()) {
        for (auto& [system, number] : mrns) out.ids.push_back({system, concat({facility, "|", number})});
    }
}

}  // namespace ehb::cli
