#include "net/http/router.hpp"

#include "net/http/url.hpp"

namespace ehb::net::http {

namespace {

std::vector<std::string_view> split(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.starts_with('/')) path.remove_prefix(1);
    while (true) {
        const std::size_t slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

bool is_param(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

bool allows(Access access, Role role) {
    switch (access) {
        case Access::open:
        case Access::authenticated: return true;
        case Access::readers: return role == Role::reader || role == Role::admin || role == Role::province;
        case Access::stewards: return role == Role::steward || role == Role::admin;
        case Access::admins: return role == Role::admin;
    }
    return false;
}

void Router::add(boost::beast::http::verb method, std::string_view pattern, Access access, Handler handler) {
    Route r{method, {}, access, handler};
    for (std::string_view s : split(pattern)) r.segments.emplace_back(s);
    routes_.push_back(std::move(r));
}

Router::Match Router::match(boost::beast::http::verb method, std::string_view path) const {
    Match m;
    std::vector<std::string> decoded;
    for (std::string_view s : split(path)) {
        if (!percent_decode(s, decoded.emplace_back(), false)) {
            m.bad_path = true;
            return m;
        }
    }
    for (const Route& r : routes_) {
        if (r.segments.size() != decoded.size()) continue;
        std::vector<std::pair<std::string, std::string>> params;
        bool same = true;
        for (std::size_t i = 0; same && i < decoded.size(); ++i) {
            if (is_param(r.segments[i])) {
                same = !decoded[i].empty();
                params.emplace_back(r.segments[i].substr(1, r.segments[i].size() - 2), decoded[i]);
            } else {
                same = r.segments[i] == decoded[i];
            }
        }
        if (!same) continue;
        if (r.method == method) {
            m.route = &r;
            m.params = std::move(params);
            return m;
        }
        const std::string_view name = boost::beast::http::to_string(r.method);
        if (m.allow.find(name) == std::string::npos) {
            if (!m.allow.empty()) m.allow += ", ";
            m.allow.append(name);
        }
    }
    return m;
}

}  // namespace ehb::net::http
