// `ehb stats`' measurement and its --json object, also the "space" member of `ehb bench --scale`'s
// result (docs/operations.md, "Space: `ehb stats`").
#pragma once

#include <filesystem>
#include <string>

#include "storage/space.hpp"

namespace ehb::cli {

inline constexpr double kStoreToReceivedTarget = 0.40;  // issue 8: the store at most 40% of the input it holds

double ratio(uint64_t a, uint64_t b);
// Opens the store in `data` read-only (safe beside a running ehbd) and
// measures it, its tables largest first.
StoreSpace measure_data_dir(const std::filesystem::path& data);
std::string space_json(const StoreSpace& s);

}  // namespace ehb::cli
