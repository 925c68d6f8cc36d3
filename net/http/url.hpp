// Pieces of URLs and HTTP fields: percent-decoding, hex, Basic credentials.
#pragma once

#include <string>
#include <string_view>

namespace ehb::net::http {

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, as in a
// query); false on a malformed escape or a decoded NUL.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space);

std::string to_hex(std::string_view bytes);
// False unless `hex` is an even number of hex digits.
bool from_hex(std::string_view hex, std::string& out);

// Standard base64 (RFC 4648, padded); false when `in` is not.
bool base64_decode(std::string_view in, std::string& out);

}  // namespace ehb::net::http
