// Follow-ups within one health book (docs/records.md, "Follow-ups"): a
// re-examination appointment (XML14) is attended when a later visit at the
// appointment's facility carries its slip number in GIAY_CHUYEN_TUYEN, and
// missed once its day has passed without one; a referral (XML13) leads to the
// visit at the receiving facility that names the referring facility in
// MA_NOI_DI and the referral paper in GIAY_CHUYEN_TUYEN.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/record.hpp"

namespace simdjson::dom {
class element;
}

namespace ehb {

struct Book;

enum class AppointmentStatus : uint8_t { booked, attended, missed };
std::string_view appointment_status_name(AppointmentStatus s) noexcept;

// What follow-ups need of one stored record, read from its canonical document.
struct FollowUpFacts {
    RecordKind kind = RecordKind::episode;
    std::string facility;           // XML1.MA_CSKCB
    uint64_t admitted = 0;          // NGAY_VAO, yyyymmddHHMM
    uint64_t discharged = 0;        // NGAY_RA, yyyymmddHHMM (0 unless closed)
    std::string slip;               // XML1.GIAY_CHUYEN_TUYEN: the referral or appointment slip it came with
    std::string came_from;          // XML1.MA_NOI_DI
    std::string appointment_slip;   // XML14.SO_GIAYHEN_KL, empty without XML14
    std::string appointment_facility;  // XML14.MA_CSKCB
    uint64_t appointment_due = 0;   // XML14.NGAY_HEN_KL, yyyymmddHHMM
    std::string referral_paper;     // XML13.GIAY_CHUYEN_TUYEN, empty without XML13
    std::string referral_to;        // XML13.MA_CSKCB_DEN
};

// Reads the facts from a record's canonical document (already parsed).
FollowUpFacts follow_up_facts(const simdjson::dom::element& document, RecordKind kind);

// The follow-up state of each record of a book (indexes into the same list).
struct FollowUp {
    std::optional<AppointmentStatus> appointment;  // set when the record has XML14
    std::optional<std::size_t> attended_in;         // the visit that kept the appointment
    std::optional<std::size_t> led_to;              // the visit the record's referral led to
    std::optional<std::size_t> referred_from;       // the record whose referral led to this visit
};

// `today` is yyyymmdd (local time): an appointment whose day is before it is missed.
std::vector<FollowUp> follow_ups(const std::vector<FollowUpFacts>& facts, uint32_t today);

}  // namespace ehb
