#include "engine/followups.hpp"

#include <simdjson.h>

namespace ehb {

namespace {

using simdjson::dom::element;

std::string_view text(const element& table, const char* field) {
    std::string_view v;
    if (table[field].get(v) != simdjson::SUCCESS) return {};
    return v;
}

// A yyyymmddHHMM (or yyyymmdd) string as a number; 0 when it is not digits.
uint64_t time_of(std::string_view s) {
    uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return 0;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    return s.size() == 8 ? v * 10000 : v;
}

}  // namespace

std::string_view appointment_status_name(AppointmentStatus s) noexcept {
    switch (s) {
        case AppointmentStatus::booked: return "booked";
        case AppointmentStatus::attended: return "attended";
        case AppointmentStatus::missed: return "missed";
    }
    return "?";
}

FollowUpFacts follow_up_facts(const element& document, RecordKind kind) {
    FollowUpFacts f;
    f.kind = kind;
    element t;
    if (document["XML1"].get(t) == simdjson::SUCCESS) {
        f.facility = text(t, "MA_CSKCB");
        f.admitted = time_of(text(t, "NGAY_VAO"));
        f.discharged = time_of(text(t, "NGAY_RA"));
        f.slip = text(t, "GIAY_CHUYEN_TUYEN");
        f.came_from = text(t, "MA_NOI_DI");
    } else if (document["XML0"].get(t) == simdjson::SUCCESS) {
        f.facility = text(t, "MA_CSKCB");
        f.admitted = time_of(text(t, "NGAY_VAO"));
    }
    if (document["XML14"].get(t) == simdjson::SUCCESS) {
        f.appointment_slip = text(t, "SO_GIAYHEN_KL");
        f.appointment_facility = text(t, "MA_CSKCB");
        if (f.appointment_facility.empty()) f.appointment_facility = f.facility;
        f.appointment_due = time_of(text(t, "NGAY_HEN_KL"));
    }
    if (document["XML13"].get(t) == simdjson::SUCCESS) {
        f.referral_paper = text(t, "GIAY_CHUYEN_TUYEN");
        f.referral_to = text(t, "MA_CSKCB_DEN");
    }
    return f;
}

std::vector<FollowUp> follow_ups(const std::vector<FollowUpFacts>& facts, uint32_t today) {
    std::vector<FollowUp> out(facts.size());
    // The earliest closed visit after `from` that satisfies `match`.
    auto earliest = [&](std::size_t from, uint64_t after, auto match) -> std::optional<std::size_t> {
        std::optional<std::size_t> best;
        for (std::size_t j = 0; j < facts.size(); ++j) {
            const FollowUpFacts& v = facts[j];
            if (j == from || v.kind != RecordKind::episode || v.admitted < after || !match(v)) continue;
            if (!best || v.admitted < facts[*best].admitted) best = j;
        }
        return best;
    };
    for (std::size_t i = 0; i < facts.size(); ++i) {
        const FollowUpFacts& f = facts[i];
        if (!f.appointment_slip.empty()) {
            out[i].attended_in = earliest(i, f.discharged, [&](const FollowUpFacts& v) {
                return v.facility == f.appointment_facility && v.slip == f.appointment_slip;
            });
            out[i].appointment = out[i].attended_in            ? AppointmentStatus::attended
                                 : f.appointment_due / 10000 < today ? AppointmentStatus::missed
                                                                     : AppointmentStatus::booked;
        }
        if (!f.referral_paper.empty()) {
            out[i].led_to = earliest(i, f.admitted, [&](const FollowUpFacts& v) {
                return v.facility == f.referral_to && v.came_from == f.facility && v.slip == f.referral_paper;
            });
            if (out[i].led_to) out[*out[i].led_to].referred_from = i;
        }
    }
    return out;
}

}  // namespace ehb
