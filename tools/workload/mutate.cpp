// Invalid documents: the one structural error (missing field, bad date, bad ID) put into a document.
#include <string>
#include <string_view>

#include "tools/workload/model.hpp"

namespace ehb::workload {

namespace {

// Span of the value of the first `"key":` member (XML1 comes first).
bool find_member(const std::string& doc, std::string_view key, size_t& key_pos, size_t& val_begin, size_t& val_end) {
    std::string pat;
    pat.reserve(key.size() + 3);
    pat += '"';
    pat += key;
    pat += "\":";
    key_pos = doc.find(pat);
    if (key_pos == std::string::npos) return false;
    val_begin = key_pos + pat.size();
    if (doc[val_begin] == '"') {
        size_t i = val_begin + 1;
        while (doc[i] != '"') i += doc[i] == '\\' ? 2 : 1;
        val_end = i + 1;
    } else {
        size_t i = val_begin;
        while (doc[i] != ',' && doc[i] != '}' && doc[i] != ']') ++i;
        val_end = i;
    }
    return true;
}

}  // namespace

void Generator::Impl::make_invalid(const Plan& p, std::string& doc) const {
    Rng r(hash3(cfg.seed, kSaltInvalid, p.j));
    size_t k, b, e;
    switch (p.invalid) {
        case kMissingField: {
            static constexpr std::string_view kRequired[] = {
                "MA_LK",   "MA_BN",    "HO_TEN",      "NGAY_SINH",     "GIOI_TINH",    "MA_CSKCB",
                "NGAY_VAO", "NGAY_RA", "MA_LOAI_KCB", "MA_BENH_CHINH", "KET_QUA_DTRI", "MA_LOAI_RV"};
            const std::string_view key = kRequired[r.below(std::size(kRequired))];
            if (!find_member(doc, key, k, b, e)) return;
            if (doc[b] == '"' && r.per10k(5000)) {
                doc.replace(b, e - b, "\"\"");  // present but empty
            } else if (doc[k - 1] == ',') {
                doc.erase(k - 1, e - (k - 1));  // drop ",\"KEY\":value"
            } else {
                doc.erase(k, e + 1 - k);  // first member: drop "\"KEY\":value,"
            }
            return;
        }
        case kBadDate: {
            static constexpr std::string_view kDates[] = {"NGAY_VAO", "NGAY_RA", "NGAY_SINH", "GT_THE_TU",
                                                          "GT_THE_DEN"};
            const std::string_view key = kDates[r.below(std::size(kDates))];
            if (!find_member(doc, key, k, b, e)) return;
            doc.replace(b + 5, 4, kBadDates[r.below(std::size(kBadDates))]);  // after '"' + yyyy
            return;
        }
        case kBadId: {
            const uint64_t x = r.below(4);
            if (x < 3) {
                if (!find_member(doc, "SO_CCCD", k, b, e)) return;
                if (x < 2)
                    doc.erase(e - 2, 1);  // 11 digits
                else
                    doc.insert(e - 1, 1, static_cast<char>('0' + r.below(10)));  // 13 digits
            } else {
                if (!find_member(doc, "MA_THE_BHYT", k, b, e)) return;
                doc.erase(e - 2, 1);  // 14-character card
            }
            return;
        }
        default:
            return;  // kDischargeFirst is built into the plan
    }
}

}  // namespace ehb::workload
