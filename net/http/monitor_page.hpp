// The connectivity monitor's page (docs/monitor.md), served at GET /. Its
// source is net/http/monitor_page.html; CMake embeds it into
// monitor_page.cpp (from monitor_page.cpp.in) at build time.
#pragma once

#include <string_view>

namespace ehb::net::http {

std::string_view monitor_page();

}  // namespace ehb::net::http
