#include "engine/identity.hpp"

#include <algorithm>

namespace ehb {

using schema::PersonKey;
using schema::PersonType;

// An identifier leads to a person, and merges chain persons; the bound only
// guards against a damaged store.
constexpr int kMaxLinkDepth = 64;

void person_record(const ParsedRecord& rec, person::PersonRecord& out) {
    const Demographics& d = rec.person;
    out.id.clear();
    out.full_name = d.name;
    out.birth = d.birth;
    out.sex.clear();
    if (d.sex == 1 || d.sex == 2) out.sex.push_back(static_cast<char>('0' + d.sex));
    out.address = d.address;
    out.location = d.ward;
    out.province = d.province;
    out.source = person::Source::facility;
    out.ids.clear();
    if (!rec.ids.citizen.empty()) out.ids.push_back({person::IdSystem::cccd, rec.ids.citizen});
    if (!rec.ids.old_id.empty()) out.ids.push_back({person::IdSystem::cmnd, rec.ids.old_id});
    if (!rec.ids.passport.empty()) out.ids.push_back({person::IdSystem::passport, rec.ids.passport});
    for (const std::string& si : rec.ids.si_codes) out.ids.push_back({person::IdSystem::bhxh, si});
    if (!d.patient_number.empty() && rec.kind != RecordKind::vaccination) {
        person::Identifier& mrn = out.ids.emplace_back();
        mrn.system = person::IdSystem::mrn;
        mrn.value.reserve(rec.facility.size() + 1 + d.patient_number.size());
        mrn.value.append(rec.facility).push_back('|');
        mrn.value.append(d.patient_number);
    }
}

PersonKey root_of(const StoreReader& store, PersonKey key) {
    for (int i = 0; i < kMaxLinkDepth; ++i) {
        PersonKey owner = store.owner_of(key);
        if (!owner) return key;
        key = owner;
    }
    return key;
}

void book_keys(const StoreReader& store, PersonKey root, std::vector<PersonKey>& out) {
    out.clear();
    out.push_back(root);
    for (std::size_t i = 0; i < out.size() && i < 4096; ++i) store.members(out[i], out);
    std::sort(out.begin(), out.end(), [](PersonKey a, PersonKey b) {
        return std::pair(a.type, a.value) < std::pair(b.type, b.value);
    });
    out.erase(std::unique(out.begin(), out.end()), out.end());
}

PersonKey lookup_key(std::string_view id) {
    switch (id.size()) {
        case 12: return PersonKey::citizen(id);
        case 15: return PersonKey::social_insurance(id.substr(5));
        case 10: return PersonKey::social_insurance(id);
        case 9: return PersonKey::old_id(id);
        case 8: return PersonKey::passport(id);
        default: return {};
    }
}

}  // namespace ehb
