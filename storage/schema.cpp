#include "storage/schema.hpp"

namespace ehb::schema {

std::string dictionary_meta_key(uint32_t id) {
    std::string digits = std::to_string(id);
    return std::string(kMetaDictionaryPrefix) + std::string(10 - digits.size(), '0') + digits;
}

std::string PersonKey::text() const {
    auto digits = [](std::size_t n, uint64_t v) {
        std::string s(n, '0');
        for (std::size_t i = n; i-- > 0; v /= 10) s[i] = char('0' + v % 10);
        return s;
    };
    switch (type) {
        case PersonType::citizen: return digits(12, value);
        case PersonType::social_insurance: return digits(10, value);
        case PersonType::old_id: return digits(9, value);
        case PersonType::passport: return char('A' + value / 10'000'000) + digits(7, value % 10'000'000);
        case PersonType::temp_card: {
            std::string s = "TE1";
            s += digits(12, value);
            return s;
        }
        case PersonType::person: return std::to_string(value);
        case PersonType::patient_number: break;  // a hash: the number itself is in the records
        case PersonType::none: break;
    }
    return {};
}

void LogEntry::encode(char* p) const {
    p = store(p, kLayout);
    p = store(p, static_cast<uint8_t>(status));
    p = store(p, flags);
    p = store(p, static_cast<uint8_t>(codec));
    p = store(p, raw_size);
    p = store(p, arrival_us);
    p = store(p, prev_seq);
    p = store(p, version);
    p = store(p, hash.lo);
    p = store(p, hash.hi);
    p = store(p, admitted);
    auto key = filed_under.bytes();
    std::memcpy(p, key.data(), key.size());
    p += key.size();
    p = store(p, static_cast<uint8_t>(kind));
    p = store(p, generation);
    p = store(p, format);
    p = store(p, timing.closed_us);
    p = store(p, timing.discharged);
    p = store(p, static_cast<uint8_t>(principal.size()));
    p = store(p, static_cast<uint16_t>(episode_key.size()));
    p = store(p, static_cast<uint32_t>(warnings.size()));
    p = store(p, static_cast<uint32_t>(source.size()));
    p = store(p, static_cast<uint32_t>(signature.size()));
    for (std::string_view part : {principal, episode_key, warnings, source, signature, payload}) {
        if (part.empty()) continue;  // an empty view may have no data pointer, which memcpy must not get
        std::memcpy(p, part.data(), part.size());
        p += part.size();
    }
}

std::optional<LogEntry> LogEntry::decode(std::string_view b) {
    if (b.size() < kHeaderSize || load<uint8_t>(b.data()) != kLayout) return std::nullopt;
    const char* p = b.data() + 1;
    LogEntry e;
    e.status = static_cast<EntryStatus>(load<uint8_t>(p));
    e.flags = load<uint8_t>(p + 1);
    e.codec = static_cast<Codec>(load<uint8_t>(p + 2));
    e.raw_size = load<uint32_t>(p + 3);
    e.arrival_us = load<int64_t>(p + 7);
    e.prev_seq = load<uint64_t>(p + 15);
    e.version = load<uint32_t>(p + 23);
    e.hash = {load<uint64_t>(p + 27), load<uint64_t>(p + 35)};
    e.admitted = load<uint64_t>(p + 43);
    e.filed_under = PersonKey::from_bytes({p + 51, PersonKey::kSize});
    e.kind = static_cast<EntryKind>(load<uint8_t>(p + 60));
    e.generation = load<uint8_t>(p + 61);
    e.format = load<uint8_t>(p + 62);
    e.timing = {load<int64_t>(p + 63), load<uint64_t>(p + 71)};
    std::size_t principal_len = load<uint8_t>(p + 79);
    std::size_t key_len = load<uint16_t>(p + 80);
    std::size_t warnings_len = load<uint32_t>(p + 82);
    std::size_t source_len = load<uint32_t>(p + 86);
    std::size_t signature_len = load<uint32_t>(p + 90);
    std::size_t offset = kHeaderSize;
    if (offset + principal_len + key_len + warnings_len + source_len + signature_len > b.size()) return std::nullopt;
    e.principal = b.substr(offset, principal_len);
    offset += principal_len;
    e.episode_key = b.substr(offset, key_len);
    offset += key_len;
    e.warnings = b.substr(offset, warnings_len);
    offset += warnings_len;
    e.source = b.substr(offset, source_len);
    offset += source_len;
    e.signature = b.substr(offset, signature_len);
    offset += signature_len;
    e.payload = b.substr(offset);
    return e;
}

}  // namespace ehb::schema
