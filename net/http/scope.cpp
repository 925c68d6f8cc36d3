#include "net/http/scope.hpp"

#include <simdjson.h>

#include "engine/identity.hpp"
#include "engine/person/person_entry.hpp"

namespace ehb::net::http {

std::string record_province(std::string_view canonical) {
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(canonical.data(), canonical.size()).get(doc) != simdjson::SUCCESS) return {};
    for (const char* table : {"XML1", "XML0"}) {
        std::string_view v;
        if (doc[table]["MATINH_CU_TRU"].get(v) == simdjson::SUCCESS) return std::string(v);
    }
    return {};
}

std::string residence_province(const Book& book) {
    const std::string& best = book.person.best[person::kBestProvince].value;
    if (!best.empty()) return best;
    return book.episodes.empty() ? std::string() : record_province(book.episodes.front().current.canonical);
}

std::string residence_province(const StoreReader& r, schema::PersonKey filed_under, std::string_view canonical) {
    if (filed_under) {
        const schema::PersonKey root = root_of(r, filed_under);
        if (root.type == schema::PersonType::person) {
            auto entry = person::decode_entry(r.person(root.value));
            if (entry && !entry->best[person::kBestProvince].value.empty()) {
                return entry->best[person::kBestProvince].value;
            }
        }
    }
    return record_province(canonical);
}

bool may_read(const Principal& p, std::string_view residence) {
    return p.role != Role::province || residence == p.province;
}

}  // namespace ehb::net::http
