#include "net/http/auth.hpp"

#include "net/http/tokens.hpp"
#include "net/http/url.hpp"

namespace ehb::net::http {

namespace {

// The scheme name is case-insensitive (RFC 9110 section 11.1).
bool scheme_is(std::string_view header, std::string_view scheme) {
    if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return false;
    for (std::size_t i = 0; i < scheme.size(); ++i) {
        if ((header[i] | 0x20) != (scheme[i] | 0x20)) return false;
    }
    return true;
}

std::string_view after_scheme(std::string_view header, std::size_t n) {
    header.remove_prefix(n + 1);
    while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
    while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
    return header;
}

}  // namespace

Authorization parse_authorization(std::string_view header) {
    Authorization a;
    if (header.empty()) return a;
    a.scheme = Authorization::malformed;
    if (scheme_is(header, "Basic")) {
        std::string decoded;
        if (!base64_decode(after_scheme(header, 5), decoded)) return a;
        const std::size_t colon = decoded.find(':');
        if (colon == std::string::npos) return a;
        a.scheme = Authorization::basic;
        a.name = decoded.substr(0, colon);
        a.secret = decoded.substr(colon + 1);
    } else if (scheme_is(header, "Bearer")) {
        const std::string_view token = after_scheme(header, 6);
        if (token.empty()) return a;
        a.scheme = Authorization::bearer;
        a.secret.assign(token);
    }
    return a;
}

std::optional<Principal> check(const Store& store, const Authorization& a, int64_t now_us) {
    if (a.scheme == Authorization::basic) return authenticate(store, a.name, a.secret);
    if (a.scheme == Authorization::bearer) {
        return store.read([&](const StoreReader& r) { return token_principal(r, a.secret, now_us); });
    }
    return std::nullopt;
}

}  // namespace ehb::net::http
