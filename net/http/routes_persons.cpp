// GET /v1/persons/{n}, /v1/persons/{n}/audit and /v1/reviews: the stewards'
// reads (docs/persons.md, "Stewards"), as `ehb person`, `ehb audit` and
// `ehb review list` print them.
#include <simdjson.h>

#include <vector>

#include "engine/canonical.hpp"
#include "engine/person/steward.hpp"
#include "net/http/routes.hpp"
#include "net/http/url.hpp"

namespace ehb::net::http {

namespace {

// "12" or "P12": the person's number as person_of takes it ("P12"); empty when malformed.
std::string person_id(std::string_view n) {
    if (n.starts_with('P')) n.remove_prefix(1);
    if (n.empty() || n.size() > 19 || n.find_first_not_of("0123456789") != std::string_view::npos) return {};
    return std::string("P").append(n);
}

enum class PersonRead { person, audit };

boost::asio::awaitable<void> read_person(Exchange& x, PersonRead what) {
    if (!only_params(x, {})) co_return;
    const std::string id = person_id(x.param("n"));
    if (id.empty()) {
        x.response = bad_parameter("n", "not a person's number (12, or P12)");
        co_return;
    }
    x.response = co_await on_readers(x.server, [&]() -> Response {
        const Store& store = x.server.store();
        person::Steward steward(&store.dictionaries());
        return store.read([&](const StoreReader& r) -> Response {
            const uint64_t p = person::person_of(r, id);
            if (p == 0) return error(bhttp::status::not_found, "NOT_FOUND", std::string("no person ").append(id));
            Response out;
            out.body = what == PersonRead::person ? steward.person_json(r, p) : steward.audit_json(r, p);
            return out;
        });
    });
}

}  // namespace

boost::asio::awaitable<void> get_person(Exchange& x) { return read_person(x, PersonRead::person); }
boost::asio::awaitable<void> get_person_audit(Exchange& x) { return read_person(x, PersonRead::audit); }

// Pages of the review queue, most uncertain first. The cursor is the queue
// key (uncertainty, id) of the last item given: items decided meanwhile
// shift no page.
boost::asio::awaitable<void> get_reviews(Exchange& x) {
    if (!only_params(x, {"limit", "cursor"})) co_return;
    const auto limit = number_param(x, "limit", 100, 1, 1000);
    if (!limit) co_return;
    std::string after;
    if (auto cursor = x.query.get("cursor"); cursor && (!from_hex(*cursor, after) || after.size() != 12)) {
        x.response = bad_parameter("cursor", "not a cursor this server gave");
        co_return;
    }
    x.response = co_await on_readers(x.server, [&]() -> Response {
        const Store& store = x.server.store();
        person::Steward steward(&store.dictionaries());
        std::string json;
        std::vector<std::string> keys;  // the queue's keys, up to one past the page
        std::size_t skip = 0;
        store.read([&](const StoreReader& r) {
            lmdb::Cursor c(r.txn(), r.tables().review_queue);
            std::string_view k, v;
            for (bool ok = c.get(k, v, MDB_FIRST); ok && keys.size() < skip + *limit + 1; ok = c.get(k, v, MDB_NEXT)) {
                if (!after.empty() && k <= after) ++skip;
                keys.emplace_back(k);
            }
            json = steward.reviews_json(r, keys.size());
            return 0;
        });
        simdjson::dom::parser parser;
        simdjson::dom::array items;
        if (parser.parse(json)["reviews"].get(items) != simdjson::SUCCESS) {
            throw std::runtime_error("reviews: unexpected JSON");
        }
        Response out;
        out.body = "{\"reviews\":[";
        std::size_t i = 0, given = 0;
        for (simdjson::dom::element item : items) {
            if (i++ < skip) continue;
            if (given == *limit) break;
            if (given++) out.body += ',';
            out.body += simdjson::to_string(item);
        }
        out.body += ']';
        if (keys.size() > skip + *limit) append_json_member(out.body, "next_cursor", to_hex(keys[skip + *limit - 1]));
        out.body += '}';
        return out;
    });
}

}  // namespace ehb::net::http
