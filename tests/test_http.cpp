// ehbd's HTTP/JSON read API (docs/http.md) on a real ehbd process, over real
// loopback sockets, with a small synchronous Beast client: authentication and
// tokens, books, episodes, persons and reviews, appointments by pages, the
// province scope, ETag and gzip, server-sent events, malformed requests.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <zlib.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <deque>
#include <functional>
#include <iostream>
#include <map>
#include <thread>

#include "tests/docs.hpp"
#include "tests/http_test.hpp"
#include "tests/ehbd_process.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using test::Answer;
using test::basic;
using test::contains;
using test::HttpClient;
using test::Json;
using test::str;
using test::event_ids;

std::string inflate(const std::string& gz) {
    z_stream z{};
    EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
    std::string out(gz.size() * 20 + 1024, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
    z.avail_in = static_cast<uInt>(gz.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(::inflate(&z, Z_FINISH), Z_STREAM_END);
    out.resize(z.total_out);
    inflateEnd(&z);
    return out;
}

uint64_t num(simdjson::dom::element e, const char* key) {
    uint64_t v = 0;
    return e[key].get(v) == simdjson::SUCCESS ? v : UINT64_MAX;
}

test::Doc person(const std::string& ma_lk, const std::string& citizen, const std::string& province,
                 const std::string& facility = "01001") {
    test::Doc d;
    d.ma_lk = ma_lk;
    d.citizen = citizen;
    d.card.clear();
    d.facility = facility;
    d.extra = {{"MATINH_CU_TRU", "\"" + province + "\""}};
    return d;
}

class Http : public ::testing::Test {
protected:
    test::TempDir dir;
    std::filesystem::path data = dir / "data";
    net::Credentials portal = test::add_principal_to(data, "portal", Role::portal);
    net::Credentials reader = test::add_principal_to(data, "vneid", Role::reader);
    net::Credentials hcm = test::add_principal_to(data, "so-yte-79", Role::province, "79");
    net::Credentials steward = test::add_principal_to(data, "steward-1", Role::steward);
    net::Credentials facility = test::add_principal_to(data, "bv-01001", Role::facility, "01001");
    std::unique_ptr<test::EhbdProcess> ehbd;
    uint32_t batch = 0;

    void start(std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"--http", "127.0.0.1:0", "--http-port-file", (dir / "http.port").string()};
        args.insert(args.end(), extra.begin(), extra.end());
        ehbd = std::make_unique<test::EhbdProcess>(data, args);
        ASSERT_NE(ehbd->http_port(), 0);
    }
    void SetUp() override { start(); }
    void TearDown() override {
        if (HasFailure() && ehbd) std::cerr << "--- ehbd's log:\n" << ehbd->log();
    }
    HttpClient http() { return HttpClient(ehbd->http_port()); }

    std::vector<Status> push(const std::vector<std::string>& docs) {
        net::Client c(ehbd->endpoint(), portal);
        std::vector<std::string_view> views(docs.begin(), docs.end());
        std::vector<Status> out;
        for (const auto& r : c.push(1, ++batch, views).results) out.push_back(r.status);
        return out;
    }
};

TEST_F(Http, BasicAuthenticationAcceptsTheCredentialAndRefusesWrongOnesAndRevokedPrincipals) {
    ASSERT_EQ(push({test::Doc{}.json()}), std::vector<Status>{Status::accepted});
    HttpClient c = http();
    Answer a = c.get("/v1/books/001090012345", {{"Authorization", basic(reader)}});
    EXPECT_EQ(a.status, 200u) << a.body;
    EXPECT_TRUE(contains(a.body, "\"ma_lk\":\"LK0001\"")) << a.body;
    EXPECT_EQ(a.field("content-type"), "application/json");
    EXPECT_EQ(a.field("cache-control"), "no-store");

    // Nothing, a wrong credential, an unknown principal, a malformed header: 401 with the challenge.
    net::Credentials wrong = reader;
    wrong.credential[0] = wrong.credential[0] == 'a' ? 'b' : 'a';
    for (const auto& fields : std::vector<std::vector<std::pair<std::string, std::string>>>{
             {},
             {{"Authorization", basic(wrong)}},
             {{"Authorization", basic({"nobody", reader.credential})}},
             {{"Authorization", "Basic !!!"}}}) {
        a = c.get("/v1/books/001090012345", fields);
        EXPECT_EQ(a.status, 401u) << a.body;
        EXPECT_TRUE(contains(a.field("www-authenticate"), "Basic realm=\"ehb\"")) << a.field("www-authenticate");
        Json j;
        EXPECT_EQ(str(j.parse(a.body)["error"], "code"), "UNAUTHORIZED") << a.body;
    }
    // Roles that do not read books: 403.
    a = c.get("/v1/books/001090012345", {{"Authorization", basic(facility)}});
    EXPECT_EQ(a.status, 403u) << a.body;
    EXPECT_TRUE(contains(a.body, "\"code\":\"FORBIDDEN\"")) << a.body;
    EXPECT_EQ(c.get("/v1/books/001090012345", {{"Authorization", basic(steward)}}).status, 403u);

    // Revoked while ehbd runs: refused at the next request, on the same connection.
    {
        Store store(data);
        ASSERT_TRUE(revoke_principal(store, reader.principal));
    }
    EXPECT_EQ(c.get("/v1/books/001090012345", {{"Authorization", basic(reader)}}).status, 401u);
}

TEST_F(Http, BearerTokensAreIssuedUsedRevokedAndSurviveARestart) {
    ASSERT_EQ(push({test::Doc{}.json()}), std::vector<Status>{Status::accepted});
    HttpClient c = http();
    Answer a = c.request(bhttp::verb::post, "/v1/tokens?ttl=600", {{"Authorization", basic(reader)}});
    ASSERT_EQ(a.status, 201u) << a.body;
    Json j;
    auto issued = j.parse(a.body);
    const std::string token = str(issued, "token");
    ASSERT_EQ(token.size(), 64u);
    EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(str(issued, "principal"), "vneid");
    EXPECT_EQ(str(issued, "expires").size(), std::string("2026-11-22T06:48:12.314723Z").size());
    const std::pair<std::string, std::string> bearer{"Authorization", "Bearer " + token};
    EXPECT_EQ(c.get("/v1/books/001090012345", {bearer}).status, 200u);
    // A token does not beget another; bad lifetimes are refused.
    EXPECT_EQ(c.request(bhttp::verb::post, "/v1/tokens", {bearer}).status, 401u);
    for (const char* ttl : {"0", "86401", "x"}) {
        a = c.request(bhttp::verb::post, std::string("/v1/tokens?ttl=") + ttl, {{"Authorization", basic(reader)}});
        EXPECT_EQ(a.status, 400u) << ttl;
        EXPECT_TRUE(contains(a.body, "\"parameter\":\"ttl\"")) << a.body;
    }

    // Only its SHA-256 is stored, durably: a restarted ehbd knows it.
    ASSERT_EQ(ehbd->terminate(), 0);
    std::filesystem::remove(dir / "http.port");
    start();
    HttpClient after = http();
    EXPECT_EQ(after.get("/v1/books/001090012345", {bearer}).status, 200u);
    EXPECT_EQ(after.request(bhttp::verb::delete_, "/v1/tokens/current", {bearer}).status, 204u);
    EXPECT_EQ(after.get("/v1/books/001090012345", {bearer}).status, 401u);
    EXPECT_EQ(after.request(bhttp::verb::delete_, "/v1/tokens/current", {{"Authorization", basic(reader)}}).status,
              400u);

    // A token expires, and dies with its principal.
    a = after.request(bhttp::verb::post, "/v1/tokens?ttl=1", {{"Authorization", basic(reader)}});
    const std::pair<std::string, std::string> brief{"Authorization", "Bearer " + str(j.parse(a.body), "token")};
    a = after.request(bhttp::verb::post, "/v1/tokens", {{"Authorization", basic(reader)}});
    const std::pair<std::string, std::string> longer{"Authorization", "Bearer " + str(j.parse(a.body), "token")};
    EXPECT_EQ(after.get("/v1/books/001090012345", {longer}).status, 200u);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    EXPECT_EQ(after.get("/v1/books/001090012345", {brief}).status, 401u);
    {
        Store store(data);
        ASSERT_TRUE(revoke_principal(store, reader.principal));
    }
    EXPECT_EQ(after.get("/v1/books/001090012345", {longer}).status, 401u);
}

TEST_F(Http, BooksAsJsonAndFhirWithTheirHistoryAnd404And400) {
    test::Doc d;
    ASSERT_EQ(push({d.json()}), std::vector<Status>{Status::accepted});
    d.icd = "I10";
    ASSERT_EQ(push({d.json()}), std::vector<Status>{Status::new_version});
    HttpClient c = http();
    const std::pair<std::string, std::string> auth{"Authorization", basic(reader)};
    Answer a = c.get("/v1/books/001090012345", {auth});
    ASSERT_EQ(a.status, 200u);
    Json j;
    auto book = j.parse(a.body);
    simdjson::dom::array episodes;
    ASSERT_EQ(book["episodes"].get(episodes), simdjson::SUCCESS);
    ASSERT_EQ(episodes.size(), 1u);
    EXPECT_EQ(str(episodes.at(0)["current"]["record"]["XML1"], "MA_BENH_CHINH"), "I10");
    EXPECT_EQ(episodes.at(0)["earlier"].error(), simdjson::NO_SUCH_FIELD);
    // The same book by the card's social-insurance code and with its history.
    a = c.get("/v1/books/DN4010123456789?history=true", {auth});
    ASSERT_EQ(a.status, 200u) << a.body;
    simdjson::dom::array earlier;
    ASSERT_EQ(j.parse(a.body)["episodes"].at(0)["earlier"].get(earlier), simdjson::SUCCESS);
    EXPECT_EQ(earlier.size(), 1u);

    a = c.get("/v1/books/001090012345?format=fhir", {auth});
    ASSERT_EQ(a.status, 200u);
    EXPECT_EQ(a.field("content-type"), "application/fhir+json");
    auto bundle = j.parse(a.body);
    EXPECT_EQ(str(bundle, "resourceType"), "Bundle");
    EXPECT_EQ(str(bundle, "type"), "collection");

    a = c.get("/v1/books/001090099999", {auth});
    EXPECT_EQ(a.status, 404u);
    EXPECT_EQ(str(j.parse(a.body)["error"], "code"), "NOT_FOUND");
    for (const char* bad : {"/v1/books/12345", "/v1/books/00109001234X"}) {
        a = c.get(bad, {auth});
        EXPECT_EQ(a.status, 400u) << bad;
        EXPECT_EQ(str(j.parse(a.body)["error"], "parameter"), "id") << a.body;
    }
    a = c.get("/v1/books/001090012345?format=xml", {auth});
    EXPECT_EQ(a.status, 400u);
    EXPECT_EQ(str(j.parse(a.body)["error"], "parameter"), "format");
    a = c.get("/v1/books/001090012345?histroy=true", {auth});
    EXPECT_EQ(a.status, 400u);
    EXPECT_EQ(str(j.parse(a.body)["error"], "parameter"), "histroy");
}

TEST_F(Http, ETagAnswers304AndGzipInflatesToTheSameBody) {
    test::Doc d;
    d.tables = test::appointment(d, "GH-1", "202501200800");  // a book well over 1 KiB
    ASSERT_EQ(push({d.json()}), std::vector<Status>{Status::accepted});
    HttpClient c = http();
    const std::pair<std::string, std::string> auth{"Authorization", basic(reader)};
    Answer plain = c.get("/v1/books/001090012345", {auth});
    ASSERT_EQ(plain.status, 200u);
    ASSERT_GT(plain.body.size(), 1024u);
    const std::string etag = plain.field("etag");
    ASSERT_EQ(etag.size(), 18u) << etag;  // "16 hex digits"
    EXPECT_EQ(etag.front(), '"');
    EXPECT_EQ(plain.field("vary"), "Accept-Encoding");
    EXPECT_TRUE(plain.field("content-encoding").empty());

    Answer same = c.get("/v1/books/001090012345", {auth, {"If-None-Match", etag}});
    EXPECT_EQ(same.status, 304u);
    EXPECT_TRUE(same.body.empty());
    EXPECT_EQ(same.field("etag"), etag);
    EXPECT_EQ(c.get("/v1/books/001090012345", {auth, {"If-None-Match", "\"0000000000000000\""}}).status, 200u);

    Answer gz = c.get("/v1/books/001090012345", {auth, {"Accept-Encoding", "br, gzip;q=0.8"}});
    ASSERT_EQ(gz.status, 200u);
    EXPECT_EQ(gz.field("content-encoding"), "gzip");
    EXPECT_EQ(gz.field("vary"), "Accept-Encoding");
    EXPECT_LT(gz.body.size(), plain.body.size());
    EXPECT_EQ(inflate(gz.body), plain.body);
    EXPECT_NE(gz.field("etag"), etag);  // another representation, another strong tag
    EXPECT_EQ(c.get("/v1/books/001090012345", {auth, {"Accept-Encoding", "gzip"}, {"If-None-Match", gz.field("etag")}})
                  .status,
              304u);
    Answer refused = c.get("/v1/books/001090012345", {auth, {"Accept-Encoding", "gzip;q=0"}});
    EXPECT_TRUE(refused.field("content-encoding").empty());
}

TEST_F(Http, AProvinceReadsItsOwnResidentsOnlyInBooksFeedAndAppointments) {
    test::Doc saigon = person("HCM1", "079090012345", "79", "79001");
    saigon.tables = test::appointment(saigon, "GH-79", "202501200800");
    test::Doc hanoi = person("HN1", "001090054321", "01", "01001");
    hanoi.tables = test::appointment(hanoi, "GH-01", "202501210800");
    test::Doc saigon2 = person("HCM2", "079090012345", "79", "01001");
    ASSERT_EQ(push({saigon.json(), hanoi.json(), saigon2.json()}),
              (std::vector<Status>{Status::accepted, Status::accepted, Status::accepted}));
    HttpClient c = http();
    const std::pair<std::string, std::string> auth{"Authorization", basic(hcm)};
    EXPECT_EQ(c.get("/v1/books/079090012345", {auth}).status, 200u);
    Answer a = c.get("/v1/books/001090054321", {auth});
    EXPECT_EQ(a.status, 403u);
    EXPECT_TRUE(contains(a.body, "\"code\":\"FORBIDDEN\"")) << a.body;
    EXPECT_EQ(c.get("/v1/episodes/01001/HCM2", {auth}).status, 200u);
    EXPECT_EQ(c.get("/v1/episodes/01001/HN1", {auth}).status, 403u);
    EXPECT_EQ(c.get("/v1/books/001090054321", {{"Authorization", basic(reader)}}).status, 200u);

    // Its appointments are those at its facilities, whatever it asks.
    for (const char* q : {"", "&province=01"}) {
        a = c.get(std::string("/v1/appointments?from=2025-01-01&to=2025-01-31") + q, {auth});
        ASSERT_EQ(a.status, 200u) << a.body;
        EXPECT_TRUE(contains(a.body, "\"ma_lk\":\"HCM1\"")) << a.body;
        EXPECT_FALSE(contains(a.body, "\"ma_lk\":\"HN1\"")) << a.body;
    }
    a = c.get("/v1/appointments?from=20250101&to=20250131", {{"Authorization", basic(reader)}});
    EXPECT_TRUE(contains(a.body, "\"ma_lk\":\"HN1\"")) << a.body;

    // Its feed is its residents' changes, whatever it asks: HCM1, then HCM2, never HN1.
    HttpClient s = http();
    Answer head = s.open_stream("/v1/feed?from=1&types=episode&province=01", {auth});
    ASSERT_EQ(head.status, 200u);
    const std::string& text = s.events(2);
    EXPECT_TRUE(contains(text, "\"ma_lk\":\"HCM1\"")) << text;
    EXPECT_TRUE(contains(text, "\"ma_lk\":\"HCM2\"")) << text;
    EXPECT_FALSE(contains(text, "\"ma_lk\":\"HN1\"")) << text;
    EXPECT_FALSE(contains(text, "\"residence_province\":\"01\"")) << text;
}

TEST_F(Http, AppointmentPagesJoinedAreTheWholeRange) {
    std::vector<std::string> docs;
    const char* days[] = {"202503050800", "202503010800", "202503050800", "202503200800", "202503120800",
                          "202503010800", "202503310800"};
    for (int i = 0; i < 7; ++i) {
        test::Doc d = person(test::key("AP", {i}), "0010900123" + std::to_string(10 + i), "01");
        d.tables = test::appointment(d, test::key("GH", {i}), days[i]);
        docs.push_back(d.json());
    }
    push(docs);
    HttpClient c = http();
    const std::pair<std::string, std::string> auth{"Authorization", basic(reader)};
    Json j;
    auto items = [&](const Answer& a) {
        std::vector<std::string> out;
        simdjson::dom::array list;
        EXPECT_EQ(j.parse(a.body)["appointments"].get(list), simdjson::SUCCESS) << a.body;
        for (auto e : list) out.push_back(str(e, "day") + "/" + str(e, "ma_lk"));
        return out;
    };
    Answer whole = c.get("/v1/appointments?from=2025-03-01&to=2025-03-31&limit=1000", {auth});
    ASSERT_EQ(whole.status, 200u) << whole.body;
    EXPECT_FALSE(contains(whole.body, "next_cursor"));
    const std::vector<std::string> all = items(whole);
    ASSERT_EQ(all.size(), 7u) << whole.body;
    EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));

    std::vector<std::string> joined;
    std::string cursor;
    int pages = 0;
    do {
        Answer page = c.get("/v1/appointments?from=20250301&to=20250331&limit=2" +
                                (cursor.empty() ? std::string() : "&cursor=" + cursor),
                            {auth});
        ASSERT_EQ(page.status, 200u) << page.body;
        for (auto& i : items(page)) joined.push_back(i);
        cursor = str(j.parse(page.body), "next_cursor");
        if (cursor == "<none>") cursor.clear();
        ++pages;
    } while (!cursor.empty() && pages < 10);
    EXPECT_EQ(pages, 4);
    EXPECT_EQ(joined, all);

    EXPECT_EQ(str(j.parse(c.get("/v1/appointments?from=20250231&to=20250301", {auth}).body)["error"], "parameter"),
              "from");
    EXPECT_EQ(str(j.parse(c.get("/v1/appointments?from=20250301&to=20250201", {auth}).body)["error"], "parameter"),
              "to");
    EXPECT_EQ(str(j.parse(c.get("/v1/appointments?to=20250301", {auth}).body)["error"], "parameter"), "from");
    EXPECT_EQ(str(j.parse(c.get("/v1/appointments?from=20250301&to=20250331&cursor=zz", {auth}).body)["error"],
                  "parameter"),
              "cursor");
    EXPECT_EQ(str(j.parse(c.get("/v1/appointments?from=20250301&to=20250331&province=03", {auth}).body)["error"],
                  "parameter"),
              "province");
}

TEST_F(Http, AnEpisodeIsServedWithEveryVersionNewestFirst) {
    test::Doc d;
    d.ma_lk = "EP/1 x";  // a slash and a space: percent-encoded in the path
    ASSERT_EQ(push({d.json()}), std::vector<Status>{Status::accepted});
    d.icd = "I10";
    ASSERT_EQ(push({d.json()}), std::vector<Status>{Status::new_version});
    d.icd = "E11";
    ASSERT_EQ(push({d.json()}), std::vector<Status>{Status::new_version});
    HttpClient c = http();
    const std::pair<std::string, std::string> auth{"Authorization", basic(reader)};
    Answer a = c.get("/v1/episodes/01001/EP%2F1%20x", {auth});
    ASSERT_EQ(a.status, 200u) << a.body;
    Json j;
    auto ep = j.parse(a.body);
    EXPECT_EQ(str(ep, "facility"), "01001");
    EXPECT_EQ(str(ep, "ma_lk"), "EP/1 x");
    EXPECT_EQ(str(ep, "person"), "1");
    simdjson::dom::array versions;
    ASSERT_EQ(ep["versions"].get(versions), simdjson::SUCCESS);
    ASSERT_EQ(versions.size(), 3u);
    const char* icd[] = {"E11", "I10", "J06.9"};
    const char* status[] = {"new_version", "new_version", "accepted"};
    for (std::size_t i = 0; i < 3; ++i) {
        simdjson::dom::element v = versions.at(i);
        EXPECT_EQ(num(v, "version"), 3 - i);
        EXPECT_EQ(str(v, "status"), status[i]);
        EXPECT_EQ(str(v, "principal"), "portal");
        EXPECT_EQ(str(v, "format"), "json");
        EXPECT_EQ(str(v["record"]["XML1"], "MA_BENH_CHINH"), icd[i]);
        EXPECT_EQ(str(v, "arrival").size(), 27u);
    }
    EXPECT_GT(num(versions.at(0), "seq"), num(versions.at(1), "seq"));
    EXPECT_EQ(c.get("/v1/episodes/01001/NOPE", {auth}).status, 404u);
    a = c.get("/v1/episodes/0100/EP1", {auth});
    EXPECT_EQ(a.status, 400u);
    EXPECT_EQ(str(j.parse(a.body)["error"], "parameter"), "facility");
}

TEST_F(Http, StewardsReadPersonsAndReviewPages) {
    // Twins without identifiers at one home: review items (docs/persons.md).
    test::Doc first;
    first.extra = {{"DIA_CHI", "\"Số 12, Đường Trần Phú, Phường Tân Định, Quận 1, TP Hồ Chí Minh\""},
                   {"MAXA_CU_TRU", "\"26734\""},
                   {"MATINH_CU_TRU", "\"79\""}};
    std::vector<std::string> docs = {first.json()};
    for (const char* name : {"Nguyễn Văn Toàn", "Nguyễn Văn Hoàn", "Nguyễn Văn Loàn"}) {
        test::Doc twin = first;
        twin.ma_lk = std::string("TWIN-") + std::to_string(docs.size());
        twin.citizen.clear();
        twin.card.clear();
        twin.name = name;
        docs.push_back(twin.json());
    }
    push(docs);
    HttpClient c = http();
    const std::pair<std::string, std::string> auth{"Authorization", basic(steward)};
    Json j;
    Answer a = c.get("/v1/persons/1", {auth});
    ASSERT_EQ(a.status, 200u) << a.body;
    EXPECT_EQ(str(j.parse(a.body), "id"), "1");
    EXPECT_EQ(c.get("/v1/persons/P1", {auth}).body, a.body);
    EXPECT_EQ(c.get("/v1/persons/1/audit", {auth}).status, 200u);
    EXPECT_EQ(c.get("/v1/persons/999", {auth}).status, 404u);
    EXPECT_EQ(c.get("/v1/persons/x1", {auth}).status, 400u);
    EXPECT_EQ(c.get("/v1/persons/1", {{"Authorization", basic(reader)}}).status, 403u);
    EXPECT_EQ(c.get("/v1/reviews", {{"Authorization", basic(hcm)}}).status, 403u);

    a = c.get("/v1/reviews?limit=1000", {auth});
    ASSERT_EQ(a.status, 200u) << a.body;
    std::vector<std::string> all, joined;
    simdjson::dom::array list;
    ASSERT_EQ(j.parse(a.body)["reviews"].get(list), simdjson::SUCCESS);
    for (auto e : list) all.push_back(simdjson::to_string(e));
    ASSERT_GE(all.size(), 1u) << a.body;
    std::string cursor;
    do {
        a = c.get("/v1/reviews?limit=1" + (cursor.empty() ? std::string() : "&cursor=" + cursor), {auth});
        ASSERT_EQ(a.status, 200u) << a.body;
        auto page = j.parse(a.body);
        ASSERT_EQ(page["reviews"].get(list), simdjson::SUCCESS);
        EXPECT_EQ(list.size(), 1u);
        for (auto e : list) joined.push_back(simdjson::to_string(e));
        cursor = str(page, "next_cursor");
        if (cursor == "<none>") cursor.clear();
    } while (!cursor.empty() && joined.size() < 10);
    EXPECT_EQ(joined, all);
}

TEST_F(Http, ServerSentEventsFromTheStartLiveAndResumedAfterLastEventId) {
    ASSERT_EQ(push({person("F1", "001090000001", "01").json(), person("F2", "001090000002", "01").json(),
                    person("F3", "001090000003", "01").json()}),
              (std::vector<Status>{Status::accepted, Status::accepted, Status::accepted}));
    const std::pair<std::string, std::string> auth{"Authorization", basic(reader)};
    HttpClient s = http();
    Answer head = s.open_stream("/v1/feed?from=1&name=test-consumer", {auth});
    ASSERT_EQ(head.status, 200u);
    EXPECT_TRUE(head.field("content-type").starts_with("text/event-stream")) << head.field("content-type");
    EXPECT_EQ(head.field("cache-control"), "no-store");
    std::string text = s.events(3);
    EXPECT_EQ(event_ids(text), (std::vector<uint64_t>{1, 2, 3})) << text;
    EXPECT_TRUE(text.starts_with("id: 1\nevent: episode\ndata: {\"seq\":1,")) << text;
    EXPECT_TRUE(text.ends_with("\"ma_lk\":\"F3\",\"log_seq\":3,\"version\":1,\"person\":3,\"facility_province\":\"01\","
                               "\"residence_province\":\"01\",\"principal\":\"portal\"}\n\n"))
        << text;

    // A change committed while the stream is open arrives on it.
    ASSERT_EQ(push({person("F4", "001090000004", "01").json()}), std::vector<Status>{Status::accepted});
    text = s.events(4);
    EXPECT_EQ(event_ids(text), (std::vector<uint64_t>{1, 2, 3, 4})) << text;
    EXPECT_TRUE(contains(text, "\"ma_lk\":\"F4\"")) << text;

    // Resumed after the last id received: exactly the changes after it, whatever `from` says.
    HttpClient r = http();
    ASSERT_EQ(r.open_stream("/v1/feed?from=1&records=true", {auth, {"Last-Event-ID", "2"}}).status, 200u);
    text = r.events(2);
    EXPECT_EQ(event_ids(text), (std::vector<uint64_t>{3, 4})) << text;
    EXPECT_TRUE(contains(text, "\"record\":{\"XML1\":")) << text;

    HttpClient bad = http();
    Answer a = bad.get("/v1/feed?types=episode,visits", {auth});
    EXPECT_EQ(a.status, 400u);
    EXPECT_TRUE(contains(a.body, "\"parameter\":\"types\"")) << a.body;
    EXPECT_EQ(bad.get("/v1/feed?province=00", {auth}).status, 400u);
    EXPECT_EQ(bad.get("/v1/feed", {auth, {"Last-Event-ID", "x"}}).status, 400u);

    // SIGTERM ends the streams and ehbd exits cleanly.
    EXPECT_EQ(ehbd->terminate(), 0);
    s.to_end();
    EXPECT_TRUE(s.stream_done());
}

TEST_F(Http, MalformedRequestsUnknownRoutesAndWrongMethods) {
    const std::pair<std::string, std::string> auth{"Authorization", basic(reader)};
    Json j;
    {
        HttpClient c = http();
        Answer a = c.get("/v1/nothing", {auth});
        EXPECT_EQ(a.status, 404u);
        EXPECT_EQ(str(j.parse(a.body)["error"], "code"), "NOT_FOUND");
        a = c.request(bhttp::verb::post, "/v1/books/001090012345", {auth});
        EXPECT_EQ(a.status, 405u);
        EXPECT_EQ(a.field("allow"), "GET");
        EXPECT_EQ(str(j.parse(a.body)["error"], "code"), "METHOD_NOT_ALLOWED");
        a = c.request(bhttp::verb::get, "/v1/tokens", {auth});
        EXPECT_EQ(a.status, 405u);
        EXPECT_EQ(a.field("allow"), "POST");
        a = c.get("/v1/books/%zz", {auth});
        EXPECT_EQ(a.status, 400u);
    }
    {
        HttpClient c = http();
        Answer a = c.get("/v1/books/001090012345", {auth, {"X-Filler", std::string(17 * 1024, 'a')}});
        EXPECT_TRUE(a.status == 431u || a.status == 400u) << a.status;
        EXPECT_TRUE(c.closed());
    }
    {
        HttpClient c = http();
        Answer a = c.request(bhttp::verb::post, "/v1/tokens", {{"Authorization", basic(reader)}},
                             std::string(65 * 1024, 'x'));
        EXPECT_EQ(a.status, 413u);
        EXPECT_EQ(str(j.parse(a.body)["error"], "code"), "PAYLOAD_TOO_LARGE");
    }
    {
        HttpClient c = http();
        c.send_raw("NOT HTTP AT ALL\r\n\r\n");
        EXPECT_EQ(c.read().status, 400u);
        EXPECT_TRUE(c.closed());
    }
    // The server still answers.
    HttpClient c = http();
    EXPECT_EQ(c.get("/v1/books/001090012345", {auth}).status, 404u);
}

TEST_F(Http, ConnectionsBeyondTheLimitGet503) {
    ehbd->terminate();
    std::filesystem::remove(dir / "http.port");
    start({"--http-max-connections", "2"});
    HttpClient a = http(), b = http();
    const std::pair<std::string, std::string> auth{"Authorization", basic(reader)};
    EXPECT_EQ(a.get("/v1/books/001090012345", {auth}).status, 404u);
    EXPECT_EQ(b.get("/v1/books/001090012345", {auth}).status, 404u);
    HttpClient refused = http();
    Answer r = refused.read();
    EXPECT_EQ(r.status, 503u);
    EXPECT_EQ(r.field("retry-after"), "1");
    EXPECT_TRUE(refused.closed());
}

}  // namespace
}  // namespace ehb

namespace ehb {
namespace {

// GET /metrics (net/metrics.hpp): Prometheus text with the ingest counters,
// the feed and its consumers' lag, the store and today's per-facility counts.
TEST_F(Http, MetricsShowIngestTheFeedItsConsumersAndEachFacilityToday) {
    ehbd->terminate();
    const net::Credentials admin = test::add_principal_to(data, "ops", Role::admin);
    start();
    test::Doc a = person("M1", "001090011111", "01"), b = person("M2", "001090022222", "01");
    EXPECT_EQ(push({a.json(), b.json(), a.json(), "{\"XML1\":{}}"}),
              (std::vector<Status>{Status::accepted, Status::accepted, Status::duplicate, Status::rejected}));
    net::Client consumer(ehbd->endpoint(), reader);
    wire::Subscribe request;
    request.follow = true;
    request.window = 1;  // holds one change unacknowledged: a lag of 2
    request.name = "dashboard";
    const uint32_t id = consumer.subscribe(request);
    ASSERT_TRUE(consumer.next_feed(id));

    HttpClient c = http();
    EXPECT_EQ(c.get("/metrics").status, 401u);
    EXPECT_EQ(c.get("/metrics", {{"Authorization", basic(reader)}}).status, 403u);
    const Answer m = c.get("/metrics", {{"Authorization", basic(admin)}});
    ASSERT_EQ(m.status, 200u) << m.body;
    EXPECT_EQ(m.field("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    for (const char* line : {"# TYPE ehb_ingest_records_total counter\n",
                             "ehb_ingest_records_total{status=\"accepted\"} 2\n",
                             "ehb_ingest_records_total{status=\"duplicate\"} 1\n",
                             "ehb_ingest_records_total{status=\"rejected\"} 1\n",
                             "ehb_commit_records_count 1\n",
                             "ehb_commit_seconds_bucket{le=\"+Inf\"} 1\n",
                             "ehb_feed_head 2\n",
                             "ehb_feed_consumers 1\n",
                             "ehb_log_entries 2\n",
                             "ehb_episodes 2\n",
                             "ehb_facility_records_today{facility=\"01001\",status=\"accepted\"} 2\n",
                             "ehb_facility_records_today{facility=\"01001\",status=\"duplicate\"} 1\n"}) {
        EXPECT_TRUE(contains(m.body, line)) << line << "\n" << m.body;
    }
    EXPECT_TRUE(contains(m.body, "ehb_feed_consumer_lag_records{principal=\"vneid\",name=\"dashboard\",")) << m.body;
    EXPECT_TRUE(contains(m.body, ",transport=\"binary\"} 2\n")) << m.body;
}

}  // namespace
}  // namespace ehb
