#include "engine/identity.hpp"

#include <algorithm>

namespace ehb {

using schema::PersonKey;
using schema::PersonType;

// Links form trees at most three levels deep (O → S → C); the bound only
// guards against a damaged store.
constexpr int kMaxLinkDepth = 4;

PersonKey root_of(const StoreReader& store, PersonKey key) {
    // Only social-insurance codes and old IDs are ever linked to something: a
    // citizen ID owns itself (saves a lookup per record and per book read).
    if (key.type == PersonType::citizen) return key;
    for (int i = 0; i < kMaxLinkDepth; ++i) {
        PersonKey owner = store.owner_of(key);
        if (!owner) return key;
        key = owner;
    }
    return key;
}

void resolve_identity(const StoreReader& store, const PersonIds& ids, Filing& out) {
    out.filed_under = {};
    out.conflict = false;
    out.links.clear();

    PersonKey citizen = PersonKey::citizen(ids.citizen);
    PersonKey old_id = PersonKey::old_id(ids.old_id);
    PersonKey passport = PersonKey::passport(ids.passport);
    PersonKey cards[8];
    std::size_t n_cards = 0;
    for (const auto& si : ids.si_codes) {
        if (PersonKey k = PersonKey::social_insurance(si); k && n_cards < std::size(cards)) cards[n_cards++] = k;
    }

    // The one citizen every identifier of the record must lead to.
    PersonKey person = citizen;
    auto consider = [&](PersonKey root) {
        if (root.type != PersonType::citizen) return;
        if (!person) person = root;
        else if (person != root) out.conflict = true;
    };
    PersonKey card_roots[std::size(cards)];
    for (std::size_t i = 0; i < n_cards; ++i) consider(card_roots[i] = root_of(store, cards[i]));
    PersonKey old_root = old_id ? root_of(store, old_id) : PersonKey{};
    if (old_id) consider(old_root);

    // A conflict is stored and flagged, filed under its first identifier, and
    // never merged: it links nothing.
    if (out.conflict) {
        out.filed_under = citizen ? citizen : n_cards ? cards[0] : old_id ? old_id : passport;
        return;
    }
    // Otherwise filed under the root its identifiers lead to: the citizen when
    // known, else the first card's code, else where the old ID leads, else the
    // passport. (Without a citizen, a card's root is the card itself.)
    out.filed_under = person ? person : n_cards ? card_roots[0] : old_id ? old_root : passport;

    for (std::size_t i = 0; i < n_cards; ++i) {
        if (person && card_roots[i] == cards[i]) out.links.emplace_back(cards[i], person);
    }
    if (old_id && old_root == old_id) {
        if (person) out.links.emplace_back(old_id, person);
        else if (n_cards) out.links.emplace_back(old_id, cards[0]);
    }
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
