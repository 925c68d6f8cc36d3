// Routes: a method, a path pattern with {name} segments, who may call it,
// and the handler. Adding a route is one line in routes.cpp.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/principals.hpp"

namespace ehb::net::http {

struct Exchange;

// Who may call a route (docs/http.md, "Scopes").
enum class Access {
    open,           // anyone, without credentials
    authenticated,  // any principal
    readers,        // reader, admin, province (the province's own residents only)
    stewards,       // steward, admin
    admins,         // admin only
};
bool allows(Access access, Role role);

// A handler sets x.response, or writes its answer itself (x.streamed).
using Handler = boost::asio::awaitable<void> (*)(Exchange& x);

class Router {
public:
    struct Route {
        boost::beast::http::verb method;
        std::vector<std::string> segments;  // "{name}" for a parameter
        Access access;
        Handler handler;
    };
    struct Match {
        const Route* route = nullptr;  // null: no route for this method
        std::vector<std::pair<std::string, std::string>> params;
        std::string allow;  // no route for the method but for others: "GET, POST"
        bool bad_path = false;  // a malformed escape in the path
    };

    void add(boost::beast::http::verb method, std::string_view pattern, Access access, Handler handler);
    Match match(boost::beast::http::verb method, std::string_view path) const;

private:
    std::vector<Route> routes_;
};

// Every route of ehbd's HTTP API.
Router api_routes();

}  // namespace ehb::net::http
