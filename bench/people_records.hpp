// Labelled person records for the benchmarks: the generator's CSV (`ehb
// people`, tools/people) read into person records as `ehb link` maps its
// columns, with each record's true person and its prepared profile.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/person/profile.hpp"
#include "tools/people/people.hpp"

namespace ehb::bench {

namespace person = ehb::person;

// The generator's columns, in people::kHeader order.
enum Col {
    kRecId, kTruePerson, kSource, kName, kBirth, kSex, kAddress, kWard, kProvince, kCccd, kCmnd, kPassport, kCard,
    kBhxh, kFacility, kMrn, kColumns
};

// The next CSV row of `text` from `pos` (RFC 4180: quoted fields, "" for a
// quote). Reuses the strings of `fields`; false at the end of the text.
inline bool next_row(std::string_view text, size_t& pos, std::vector<std::string>& fields) {
    if (pos >= text.size()) return false;
    size_t n = 0;
    for (;;) {
        if (n == fields.size()) fields.emplace_back();
        std::string& f = fields[n++];
        f.clear();
        if (pos < text.size() && text[pos] == '"') {
            for (++pos; pos < text.size(); ++pos) {
                if (text[pos] != '"') {
                    f += text[pos];
                } else if (pos + 1 < text.size() && text[pos + 1] == '"') {
                    f += '"';
                    ++pos;
                } else {
                    ++pos;
                    break;
                }
            }
        } else {
            const size_t end = std::min(text.find_first_of(",\n", pos), text.size());
            f.assign(text, pos, end - pos);
            if (!f.empty() && f.back() == '\r') f.pop_back();
            pos = end;
        }
        if (pos >= text.size() || text[pos] == '\n') break;
        ++pos;  // the comma
    }
    ++pos;  // the line end
    fields.resize(n);
    return true;
}

// As `ehb link --columns` maps the generator's columns (tools/ehb/link_columns.cpp).
inline void to_record(const std::vector<std::string>& f, person::PersonRecord& r) {
    r = person::PersonRecord{};
    r.id = f[kRecId];
    r.full_name = f[kName];
    r.birth = f[kBirth];
    r.sex = f[kSex];
    r.address = f[kAddress];
    r.location = f[kWard];
    r.province = f[kProvince];
    person::parse_source(f[kSource], r.source);
    for (auto [col, system] : {std::pair{kCccd, person::IdSystem::cccd}, std::pair{kCmnd, person::IdSystem::cmnd},
                               std::pair{kPassport, person::IdSystem::passport}}) {
        if (!f[col].empty()) r.ids.push_back({system, f[col]});
    }
    person::Identifier card;
    if (!f[kCard].empty() && person::card_identifier(f[kCard], card)) r.ids.push_back(std::move(card));
    if (!f[kBhxh].empty()) r.ids.push_back({person::IdSystem::bhxh, f[kBhxh]});
    if (!f[kMrn].empty() && !f[kFacility].empty()) {
        std::string value = f[kFacility];
        value += '|';
        value += f[kMrn];
        r.ids.push_back({person::IdSystem::mrn, std::move(value)});
    }
}

struct Population {
    std::vector<person::PersonRecord> records;
    std::vector<std::string> truth;  // each record's true person
    std::vector<person::Profile> profiles;
    std::string error;               // set when the generator's output could not be read
};

inline Population generate_population(uint64_t n) {
    Population pop;
    char* buf = nullptr;
    size_t size = 0;
    std::FILE* out = open_memstream(&buf, &size);
    if (out == nullptr) {
        pop.error = "open_memstream failed";
        return pop;
    }
    ehb::people::generate({n, 1}, out);
    const bool written = !std::ferror(out);
    std::fclose(out);
    const std::string_view text(buf, size);
    size_t pos = 0;
    std::vector<std::string> fields;
    if (!written || !next_row(text, pos, fields) || fields.size() != kColumns) pop.error = "bad generator header";
    pop.records.reserve(n);
    pop.truth.reserve(n);
    while (pop.error.empty() && next_row(text, pos, fields)) {
        if (fields.size() != kColumns) {
            pop.error = "a generated row without all its columns";
            break;
        }
        to_record(fields, pop.records.emplace_back());
        pop.truth.push_back(fields[kTruePerson]);
    }
    std::free(buf);
    if (pop.error.empty() && pop.records.size() != n) pop.error = "fewer records than asked for";
    pop.profiles.resize(pop.records.size());
    for (size_t i = 0; i < pop.records.size(); ++i) person::prepare(pop.records[i], pop.profiles[i]);
    return pop;
}

}  // namespace ehb::bench
