#include "net/http/exchange.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>

#include <memory>

#include "net/http/url.hpp"

namespace ehb::net::http {

bool Query::parse(std::string_view query, std::string& bad) {
    params_.clear();
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty()) continue;
        const std::size_t eq = pair.find('=');
        std::string name, value;
        if (!percent_decode(pair.substr(0, eq), name, true) ||
            (eq != std::string_view::npos && !percent_decode(pair.substr(eq + 1), value, true)) || name.empty()) {
            bad.assign(pair);
            return false;
        }
        params_.emplace_back(std::move(name), std::move(value));
    }
    return true;
}

std::optional<std::string_view> Query::get(std::string_view name) const {
    for (const auto& [n, v] : params_) {
        if (n == name) return std::string_view(v);
    }
    return std::nullopt;
}

std::string_view Query::unknown(std::initializer_list<std::string_view> allowed) const {
    for (const auto& [n, v] : params_) {
        bool known = false;
        for (std::string_view a : allowed) known = known || n == a;
        if (!known) return n;
    }
    return {};
}

std::string_view Exchange::param(std::string_view name) const {
    for (const auto& [n, v] : path_params) {
        if (n == name) return v;
    }
    return {};
}

std::string_view Exchange::header(bhttp::field field) const {
    auto it = request.find(field);
    return it == request.end() ? std::string_view() : std::string_view(it->value().data(), it->value().size());
}

std::string_view Exchange::header(std::string_view name) const {
    auto it = request.find(name);
    return it == request.end() ? std::string_view() : std::string_view(it->value().data(), it->value().size());
}

asio::awaitable<Written> write(Server& server, Pipeline::WriteJob job) {
    auto initiate = [&server](auto handler, Pipeline::WriteJob j) {
        // The pipeline's callbacks are copyable; the coroutine's handler is not.
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        auto resume = [h, &io = server.io()](Written w) {
            asio::post(io, [h, w = std::move(w)]() mutable { std::move (*h)(std::move(w)); });
        };
        try {
            server.pipeline().submit_write(std::move(j), [resume](bool refused, std::string answer) {
                resume(Written{refused ? Written::refused : Written::done, std::move(answer)});  // on the writer thread
            });
        } catch (const std::exception& e) {
            server.fail(e.what());
            resume(Written{Written::failed, e.what()});
        }
    };
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(Written)>(initiate, asio::use_awaitable,
                                                                                         std::move(job));
}

}  // namespace ehb::net::http
