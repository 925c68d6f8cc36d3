#include "net/http/access.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>

#include <memory>

#include "engine/canonical.hpp"
#include "net/http/routes.hpp"

namespace ehb::net::http {

std::optional<std::string> purpose_param(Exchange& x) {
    const std::string_view purpose = x.query.get("purpose").value_or("");
    if (purpose.size() > kMaxPurpose) {
        x.response = bad_parameter("purpose", "at most 512 bytes");
        return std::nullopt;
    }
    return std::string(purpose);
}

asio::awaitable<bool> record_read(Exchange& x, AccessRecord read) {
    Server& server = x.server;
    auto initiate = [&server](auto handler, AccessRecord r) {
        // The pipeline's callbacks are copyable; the coroutine's handler is not.
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        auto resume = [h, &io = server.io()](bool stored) {
            asio::post(io, [h, stored]() mutable { std::move(*h)(stored); });
        };
        try {
            // On the writer thread, once the commit is durable or a full disk refused it.
            server.pipeline().submit_note([r = std::move(r)](StoreWriter& w) { append_access(w, r); }, resume);
        } catch (const std::exception& e) {
            server.fail(e.what());
            resume(false);
        }
    };
    const bool stored = co_await asio::async_initiate<decltype(asio::use_awaitable), void(bool)>(
        initiate, asio::use_awaitable, std::move(read));
    if (!stored) {
        x.response = error(bhttp::status::service_unavailable, "UNAVAILABLE",
                           "the access audit cannot be written (is the disk full?): nothing is served");
    }
    co_return stored;
}

asio::awaitable<void> get_book_reads(Exchange& x) {
    if (!only_params(x, {"limit", "before", "purpose"})) co_return;
    const auto limit = number_param(x, "limit", 100, 1, 1000);
    if (!limit) co_return;
    const auto before = number_param(x, "before", 0, 0, UINT64_MAX);
    if (!before) co_return;
    auto purpose = purpose_param(x);
    if (!purpose) co_return;
    const std::string id(x.param("id"));
    // Reading the history is itself a read of the book's audit, recorded like one.
    AccessRecord read{0, {}, x.principal->name, x.principal->role, AccessChannel::http, AccessWhat::access_history,
                      false, AccessOutcome::served, 0, id, std::move(*purpose)};
    Response response = co_await on_readers(x.server, [&]() -> Response {
        std::vector<AccessRow> rows;
        x.server.store().read([&](const StoreReader& r) {
            read.person = book_person(r, id);
            if (read.person && x.principal->role != Role::province) rows = *reads_of(r, id, *limit, *before);
            return 0;
        });
        if (!read.person) {
            return bad_parameter("id", "not a citizen ID (12 digits), card number (15 characters), social-insurance "
                                       "code (10 digits) or old ID (9 digits)");
        }
        if (x.principal->role == Role::province) {
            read.outcome = AccessOutcome::denied;
            return error(bhttp::status::forbidden, "FORBIDDEN",
                         "a book's access history is for its citizen (through a reader) and for admins");
        }
        Response out;
        out.body = "{\"identifier\":";
        append_canonical_string(out.body, id);
        out.body += ",\"reads\":[";
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (i) out.body += ',';
            append_access_json(out.body, rows[i]);
        }
        out.body += ']';
        // The cursor for the next page: older reads than the last one shown.
        if (rows.size() == *limit) append_json_number(out.body, "next_before", rows.back().seq);
        out.body += '}';
        return out;
    });
    if (read.person) {
        read.at_us = now_us();
        if (!co_await record_read(x, std::move(read))) co_return;
    }
    x.response = std::move(response);
}

}  // namespace ehb::net::http
