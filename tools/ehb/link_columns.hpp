// `ehb link --columns SPEC`: which CSV columns hold which part of a person
// record (docs/persons.md, "ehb link"). SPEC is a comma-separated list of
// role=COLUMN[+COLUMN...]; columns joined by + are concatenated with a space.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/person/profile.hpp"

namespace ehb::cli {

class ColumnMapping {
public:
    // False with `error` set on an unknown role, a missing column or no id role.
    bool init(std::string_view spec, const std::vector<std::string_view>& header, std::string& error);
    void map(const std::vector<std::string_view>& row, person::PersonRecord& out) const;
    // The index of a header column, or -1.
    static int column(const std::vector<std::string_view>& header, std::string_view name);

private:
    struct Part {
        enum Kind { id, name, family, middle, given, birth, sex, address, location, province, source, facility, identifier };
        Kind kind = id;
        person::IdSystem system = person::IdSystem::cccd;
        bool card = false;  // id:card: a card number, read as bhxh or te1
        std::vector<int> columns;
    };
    static void joined(const std::vector<std::string_view>& row, const std::vector<int>& cols, std::string& out);
    std::vector<Part> parts_;
};

}  // namespace ehb::cli
