// GET /v1/appointments: re-examination appointments falling due, by pages
// (docs/http.md; the JSON of `ehb appointments`, docs/operations.md).
#include "engine/appointments.hpp"
#include "engine/book.hpp"
#include "engine/canonical.hpp"
#include "net/http/routes.hpp"
#include "net/http/url.hpp"

namespace ehb::net::http {

namespace {

// yyyy-mm-dd or yyyymmdd, a real day.
bool day_param(Exchange& x, std::string_view name, uint32_t& day) {
    const auto text = x.query.get(name);
    std::string digits(text.value_or(""));
    if (digits.size() == 10 && digits[4] == '-' && digits[7] == '-') digits.erase(7, 1).erase(4, 1);
    if (text && parse_day(digits, day)) return true;
    x.response = bad_parameter(name, text ? "not a day yyyy-mm-dd or yyyymmdd" : "required (a day yyyy-mm-dd)");
    return false;
}

}  // namespace

boost::asio::awaitable<void> get_appointments(Exchange& x) {
    if (!only_params(x, {"from", "to", "province", "limit", "cursor"})) co_return;
    AppointmentQuery q;
    if (!day_param(x, "from", q.from) || !day_param(x, "to", q.to)) co_return;
    if (q.to < q.from) {
        x.response = bad_parameter("to", "before from");
        co_return;
    }
    const auto province = province_param(x, "province");
    const auto limit = number_param(x, "limit", 100, 1, 1000);
    if (!province || !limit) co_return;
    // A province lists the appointments at its own facilities, whatever it asks.
    if (x.principal->role == Role::province) q.province = x.principal->province;
    else if (*province != 0) q.province.assign(*x.query.get("province"));
    q.limit = *limit;
    if (auto cursor = x.query.get("cursor");
        cursor && (!from_hex(*cursor, q.after) || q.after.size() <= 4 + schema::kFacilityLength)) {
        x.response = bad_parameter("cursor", "not a cursor this server gave");
        co_return;
    }
    q.today = vietnam_today();
    x.response = co_await on_readers(x.server, [&] {
        std::string last;
        Response r;
        r.body = appointments_json(x.server.store(), q, &last);
        if (!last.empty()) {
            r.body.pop_back();  // the closing brace
            append_json_member(r.body, "next_cursor", to_hex(last));
            r.body += '}';
        }
        return r;
    });
}

}  // namespace ehb::net::http
