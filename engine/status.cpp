#include "engine/record.hpp"

namespace ehb {

std::string_view status_name(Status s) {
    switch (s) {
        case Status::accepted: return "accepted";
        case Status::duplicate: return "duplicate";
        case Status::new_version: return "new_version";
        case Status::rejected: return "rejected";
    }
    return "unknown";
}

}  // namespace ehb
