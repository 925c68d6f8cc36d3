// The connectivity monitor (docs/monitor.md) and the statistics routes
// (docs/http.md, "Statistics") on a real ehbd process: facilities of two
// provinces push over the binary protocol (rejected documents among them), a
// feed consumer subscribes, and headless Chromium loads the monitor's page
// from ehbd and runs it; the test reads the DOM Chromium dumps. The same
// ehbd answers the plain HTTP checks of /v1/monitor and /v1/stats/*.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "engine/book.hpp"
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
using namespace std::chrono_literals;

// One request on a new connection; gives up after 10 s.
Answer request(uint16_t port, bhttp::verb method, const std::string& target, const std::string& authorization = {}) {
    HttpClient client(port);
    if (authorization.empty()) return client.request(method, target);
    return client.request(method, target, {{"Authorization", authorization}});
}

// "HH:MM:SS"
bool is_clock(const std::string& s) {
    if (s.size() != 8 || s[2] != ':' || s[5] != ':') return false;
    for (std::size_t i : {0, 1, 3, 4, 6, 7})
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

// The elements of an array member, none when it is not one.
std::vector<simdjson::dom::element> items(simdjson::dom::element e, const char* key) {
    std::vector<simdjson::dom::element> out;
    simdjson::dom::array a;
    if (e[key].get(a) == simdjson::SUCCESS)
        for (simdjson::dom::element x : a) out.push_back(x);
    return out;
}
int64_t num(simdjson::dom::element e, const char* key) {
    int64_t v = -1;
    return e[key].get(v) == simdjson::SUCCESS ? v : -1;
}

// Vietnam's local time (UTC+7) `ago` before now, as yyyymmddHHMM.
std::string vietnam_time(std::chrono::hours ago) {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + 7h - ago);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[384];
    std::strftime(buf, sizeof buf, "%Y%m%d%H%M", &tm);
    return buf;
}

// "2025-01-10" of 20250110.
std::string dashed(uint32_t day) {
    char buf[384];
    std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", day / 10000, day / 100 % 100, day % 100);
    return buf;
}

// The text of the first `open` … `close` in `s`, empty when absent.
std::string between(const std::string& s, const std::string& open, const std::string& close, std::size_t from = 0) {
    const std::size_t a = s.find(open, from);
    if (a == std::string::npos) return {};
    const std::size_t b = s.find(close, a + open.size());
    return b == std::string::npos ? std::string() : s.substr(a + open.size(), b - a - open.size());
}

// The rows of a table body in a dumped DOM, in order: the row's `key` attribute and each cell's text by data-col.
struct Row {
    std::string key;
    std::map<std::string, std::string> cells;
};
std::vector<Row> table_rows(const std::string& dom, const std::string& tbody_id, const std::string& key) {
    const std::string body = between(dom, "<tbody id=\"" + tbody_id + "\">", "</tbody>");
    std::vector<Row> rows;
    for (std::size_t at = 0; (at = body.find("<tr", at)) != std::string::npos; ++at) {
        const std::string tr = body.substr(at, body.find("</tr>", at) - at);
        Row& row = rows.emplace_back();
        row.key = between(tr, key + "=\"", "\"");
        for (std::size_t c = 0; (c = tr.find("data-col=\"", c)) != std::string::npos; ++c) {
            const std::string col = between(tr, "data-col=\"", "\"", c);
            row.cells[col] = between(tr, ">", "</td>", c);
        }
    }
    return rows;
}

// Where chromium is on PATH, or empty.
std::filesystem::path find_chromium() {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    for (std::size_t at = 0; at <= dirs.size();) {
        const std::size_t colon = std::min(dirs.find(':', at), dirs.size());
        const std::filesystem::path candidate = std::filesystem::path(dirs.substr(at, colon - at)) / "chromium";
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        at = colon + 1;
    }
    return {};
}

struct Browser {
    int exit = -1;
    std::string dom, log;
    double seconds = 0;
};

// Headless Chromium loads `url`, runs it for `budget_ms` of virtual time (timers fire at once, the network
// is waited for), and prints the DOM. In a process group of its own, killed whole if it hangs.
Browser dump_dom(const std::filesystem::path& chromium, const std::string& url, int budget_ms,
                 const std::filesystem::path& dir) {
    static int runs = 0;
    const std::string n = std::to_string(++runs);
    const std::filesystem::path out = dir / ("chromium-" + n + ".html"), err = dir / ("chromium-" + n + ".log");
    std::vector<std::string> args = {chromium.string(),
                                     "--headless=new",
                                     "--no-sandbox",  // tests may run as root
                                     "--disable-gpu",
                                     "--disable-dev-shm-usage",
                                     "--no-first-run",
                                     "--disable-extensions",
                                     "--disable-background-networking",
                                     "--disable-component-update",
                                     std::string("--user-data-dir=") + (dir / ("chromium-profile-" + n)).string(),
                                     std::string("--virtual-time-budget=") + std::to_string(budget_ms),
                                     "--dump-dom",
                                     url};
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        if (!std::freopen(out.c_str(), "w", stdout) || !std::freopen(err.c_str(), "w", stderr)) _exit(126);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    Browser b;
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() - start > 60s) {
            ::kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            break;
        }
        std::this_thread::sleep_for(20ms);
    }
    b.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    b.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream o(out), e(err);
    std::stringstream so, se;
    so << o.rdbuf();
    se << e.rdbuf();
    b.dom = so.str();
    b.log = se.str();
    return b;
}

class Monitor : public ::testing::Test {
protected:
    test::TempDir dir;
    std::filesystem::path data = dir / "data";
    net::Credentials admin = test::add_principal_to(data, "ops", Role::admin);
    net::Credentials portal = test::add_principal_to(data, "portal", Role::portal);
    net::Credentials reader = test::add_principal_to(data, "vneid", Role::reader);
    net::Credentials hcm = test::add_principal_to(data, "so-yte-79", Role::province, "79");
    net::Credentials bv = test::add_principal_to(data, "bv-01001", Role::facility, "01001");
    std::unique_ptr<test::EhbdProcess> ehbd;
    uint32_t batch = 0;
    int episodes = 0;

    void SetUp() override {
        ehbd = std::make_unique<test::EhbdProcess>(
            data, std::vector<std::string>{"--http", "127.0.0.1:0", "--http-port-file", (dir / "http.port").string()});
        ASSERT_NE(ehbd->http_port(), 0);
        push_sample();
    }
    void TearDown() override {
        if (HasFailure() && ehbd) std::cerr << "--- ehbd's log:\n" << ehbd->log();
    }

    Answer get(const std::string& target, const net::Credentials& who) {
        return request(ehbd->http_port(), bhttp::verb::get, target, basic(who));
    }

    // A visit to `facility`, discharged 3 hours ago (or, not recent, in January 2025).
    test::Doc visit(const std::string& facility, bool recent = true) {
        test::Doc d;
        d.facility = facility;
        d.ma_lk = test::key("LK", {++episodes});
        if (recent) {
            d.admitted = vietnam_time(5h);
            d.discharged = vietnam_time(3h);
        }
        return d;
    }
    void push(const net::Credentials& who, const std::vector<std::string>& docs, std::vector<Status> expected) {
        net::Client c(ehbd->endpoint(), who);
        std::vector<std::string_view> views(docs.begin(), docs.end());
        std::vector<Status> got;
        for (const auto& r : c.push(1, ++batch, views).results) got.push_back(r.status);
        ASSERT_EQ(got, expected);
    }

    // Today, in province 01: 01001 (its own principal) 4 pushed, 1 rejected (another facility's episode);
    // 01002 5 pushed, 3 rejected (E_DATE_ORDER twice, E_CODE); 01003 a visit of January 2025 with an
    // appointment, and its resend. In 79: 79001 1 accepted, 5 rejected (E_CODE); 79002 2 accepted.
    void push_sample() {
        const auto S = Status::accepted, R = Status::rejected;
        push(bv, {visit("01001").json(), visit("01001").json(), visit("01001").json(), visit("79001").json()},
             {S, S, S, R});
        test::Doc late = visit("01002"), late2 = visit("01002"), odd = visit("01002");
        std::swap(late.admitted, late.discharged);
        std::swap(late2.admitted, late2.discharged);
        odd.sex = "7";
        push(portal, {visit("01002").json(), late.json(), visit("01002").json(), late2.json(), odd.json()},
             {S, R, S, R, R});
        test::Doc old = visit("01003", false);
        old.tables = test::appointment(old, "GH000123", "202501200800");
        push(portal, {old.json()}, {S});
        push(portal, {old.json()}, {Status::duplicate});
        std::vector<std::string> docs = {visit("79001").json()};
        for (int i = 0; i < 5; ++i) {
            test::Doc bad = visit("79001");
            bad.sex = "7";
            docs.push_back(bad.json());
        }
        push(portal, docs, {S, R, R, R, R, R});
        push(portal, {visit("79002").json(), visit("79002").json()}, {S, S});
    }

    std::string token() {
        Answer a = request(ehbd->http_port(), bhttp::verb::post, "/v1/tokens?ttl=600", basic(admin));
        EXPECT_EQ(a.status, 201u) << a.body;
        Json j;
        return str(j.parse(a.body), "token");
    }
    std::string page_url(const std::string& query) {
        return std::string("http://127.0.0.1:") + std::to_string(ehbd->http_port()) + "/" + query;
    }
};

TEST_F(Monitor, ThePageInChromiumShowsOneProvinceSortedWithItsCountsAndTheFeedConsumersAndRefreshes) {
    const std::filesystem::path chromium = find_chromium();
    ASSERT_FALSE(chromium.empty()) << "chromium is not installed: the monitor's end-to-end test drives it "
                                      "(tools/install-deps installs it; docs/dependencies.md)";
    // A feed consumer that has read everything and acknowledged nothing: it lags by the whole feed.
    net::Client consumer(ehbd->endpoint(), reader);
    wire::Subscribe subscribe;
    subscribe.follow = true;
    subscribe.name = "dwh-hanoi";
    const uint32_t id = consumer.subscribe(subscribe);
    ASSERT_TRUE(consumer.next_feed(id));
    Json j;
    const auto monitor = j.parse(get("/v1/monitor", admin).body);
    const int64_t head = num(monitor["feed"], "head");
    ASSERT_GT(head, 0);

    const std::string bearer = token();
    const Browser b = dump_dom(chromium, page_url(std::string("?province=01&sort=rejected&dir=desc#token=") + bearer),
                               12000, dir.path());
    ASSERT_EQ(b.exit, 0) << b.log;
    SCOPED_TRACE(b.dom);
    EXPECT_TRUE(contains(b.dom, "<div id=\"message\" role=\"alert\"></div>")) << "an error is shown";

    // Province 01 only, by rejections, most first.
    const std::vector<Row> rows = table_rows(b.dom, "facility-rows", "data-facility");
    std::vector<std::string> order;
    for (const Row& r : rows) order.push_back(r.key);
    ASSERT_EQ(order, (std::vector<std::string>{"01002", "01001", "01003"}));
    const auto expect_row = [&](const Row& r, const std::string& pushed, const std::string& accepted,
                                const std::string& duplicate, const std::string& rejected, const std::string& rate,
                                const std::string& reasons, const std::string& within_24h) {
        SCOPED_TRACE(r.key);
        EXPECT_EQ(r.cells.at("province"), "01");
        EXPECT_EQ(r.cells.at("pushed"), pushed);
        EXPECT_EQ(r.cells.at("accepted"), accepted);
        EXPECT_EQ(r.cells.at("duplicate"), duplicate);
        EXPECT_EQ(r.cells.at("new_version"), "0");
        EXPECT_EQ(r.cells.at("rejected"), rejected);
        EXPECT_EQ(r.cells.at("reject_rate"), rate);
        EXPECT_EQ(r.cells.at("reasons"), reasons);
        EXPECT_EQ(r.cells.at("within_24h"), within_24h);
        EXPECT_TRUE(is_clock(r.cells.at("last_push"))) << r.cells.at("last_push");
    };
    expect_row(rows[0], "5", "2", "0", "3", "60.0%", "E_DATE_ORDER ×2, E_CODE ×1", "100.0%");
    expect_row(rows[1], "4", "3", "0", "1", "25.0%", "E_FORBIDDEN ×1", "100.0%");
    expect_row(rows[2], "2", "1", "1", "0", "0.0%", "", "0.0%");
    EXPECT_EQ(rows[0].cells.at("delay").substr(0, 4), "3 h ") << "discharged 3 hours before it arrived";
    EXPECT_TRUE(contains(b.dom, "data-col=\"rejected\" class=\"num\" aria-sort=\"descending\"")) << "aria-sort";
    EXPECT_TRUE(contains(b.dom, "data-col=\"facility\" aria-sort=\"none\""));
    // Both provinces are offered by the filter.
    EXPECT_TRUE(contains(b.dom, "<option value=\"79\">79</option>"));

    // The consumer, lagging by every change on the feed.
    const std::vector<Row> consumers = table_rows(b.dom, "consumer-rows", "data-consumer");
    ASSERT_EQ(consumers.size(), 1u);
    EXPECT_EQ(consumers[0].key, "dwh-hanoi");
    EXPECT_EQ(consumers[0].cells.at("principal"), "vneid");
    EXPECT_EQ(consumers[0].cells.at("transport"), "binary");
    EXPECT_EQ(consumers[0].cells.at("lag_records"), std::to_string(head));

    // 12 s of virtual time at a refresh every 5 s: loaded three times.
    const int refreshes = std::stoi(std::string("0") + between(b.dom, "<span id=\"refreshes\">", "</span>"));
    EXPECT_GE(refreshes, 2);
    std::cout << "chromium ran for " << b.seconds << " s; the page refreshed " << refreshes << " times\n";
    const std::string updated = between(b.dom, "<span id=\"updated\">", "</span>");
    EXPECT_EQ(updated.substr(0, 8), "updated ");
    EXPECT_TRUE(is_clock(updated.substr(8))) << updated;
    EXPECT_FALSE(contains(ehbd->log(), bearer)) << "the fragment's token reached ehbd's log";
}

TEST_F(Monitor, ThePageWithoutAUsableTokenSaysWhyShowsNothingAndStopsAsking) {
    const std::filesystem::path chromium = find_chromium();
    ASSERT_FALSE(chromium.empty()) << "chromium is not installed (tools/install-deps installs it)";
    Browser b = dump_dom(chromium, page_url(""), 3000, dir.path());
    ASSERT_EQ(b.exit, 0) << b.log;
    EXPECT_TRUE(contains(b.dom, "No token: open this page with one in its address")) << b.dom;
    EXPECT_TRUE(contains(b.dom, "<span id=\"refreshes\">0</span>")) << b.dom;

    // An unknown token: refused once, and the page asks no more (12 s would be three refreshes).
    const std::string unknown(64, 'a');
    b = dump_dom(chromium, page_url(std::string("#token=") + unknown), 12000, dir.path());
    ASSERT_EQ(b.exit, 0) << b.log;
    EXPECT_TRUE(contains(b.dom, "The token was refused")) << b.dom;
    EXPECT_TRUE(contains(b.dom, "<span id=\"refreshes\">0</span>")) << b.dom;
    const std::string log = ehbd->log();
    std::size_t refusals = 0;
    for (std::size_t at = 0; (at = log.find("authentication failed (bearer token)", at)) != std::string::npos; ++at)
        ++refusals;
    EXPECT_EQ(refusals, 1u) << log;
    EXPECT_FALSE(contains(log, unknown)) << "the fragment's token reached ehbd's log";

    // A reader's token is a real token, but not an admin's.
    Answer a = request(ehbd->http_port(), bhttp::verb::post, "/v1/tokens", basic(reader));
    Json j;
    b = dump_dom(chromium, page_url(std::string("#token=") + str(j.parse(a.body), "token")), 3000, dir.path());
    ASSERT_EQ(b.exit, 0) << b.log;
    EXPECT_TRUE(contains(b.dom, "This token's principal is not an admin.")) << b.dom;
    EXPECT_TRUE(contains(b.dom, "<span id=\"refreshes\">0</span>")) << b.dom;
    EXPECT_EQ(table_rows(b.dom, "facility-rows", "data-facility").size(), 0u);
}

TEST_F(Monitor, ThePageIsStaticOpenAndLocked) {
    Answer a = request(ehbd->http_port(), bhttp::verb::get, "/?province=01&sort=pushed&dir=asc");
    ASSERT_EQ(a.status, 200u) << a.body;
    EXPECT_EQ(a.field("content-type"), "text/html; charset=utf-8");
    EXPECT_TRUE(contains(a.field("content-security-policy"), "default-src 'none'"));
    EXPECT_TRUE(contains(a.field("content-security-policy"), "connect-src 'self'"));
    EXPECT_TRUE(contains(a.body, "<table id=\"facilities\">"));
    EXPECT_FALSE(contains(a.body, "01002")) << "the page holds no data";
    EXPECT_FALSE(contains(a.body, "http://")) << "nor any external resource";
    EXPECT_FALSE(contains(a.body, "https://"));
    a = request(ehbd->http_port(), bhttp::verb::get, "/?token=abc");
    EXPECT_EQ(a.status, 400u);
    EXPECT_TRUE(contains(a.body, "\"parameter\":\"token\"")) << a.body;
}

TEST_F(Monitor, TheMonitorsDataIsForAdminsWithEveryFacilityAndTheFeed) {
    Answer a = get("/v1/monitor", admin);
    ASSERT_EQ(a.status, 200u) << a.body;
    Json j;
    auto m = j.parse(a.body);
    EXPECT_EQ(str(m["query"], "day"), dashed(vietnam_today()));
    std::map<std::string, simdjson::dom::element> by_facility;
    for (auto f : items(m, "facilities")) by_facility[str(f, "facility")] = f;
    ASSERT_EQ(by_facility.size(), 5u) << a.body;
    auto f = by_facility["79001"];
    EXPECT_EQ(num(f, "pushed"), 6);
    EXPECT_EQ(num(f, "rejected"), 5);
    ASSERT_EQ(items(f, "reject_codes").size(), 1u);
    EXPECT_EQ(str(items(f, "reject_codes")[0], "code"), "E_CODE");
    EXPECT_EQ(num(items(f, "reject_codes")[0], "count"), 5);
    EXPECT_EQ(num(by_facility["01001"]["discharge_to_arrival"], "within_24h"), 3);
    EXPECT_EQ(num(m["totals"], "pushed"), 19);
    EXPECT_GT(num(m["feed"], "head"), 0);
    EXPECT_EQ(items(m["feed"], "consumers").size(), 0u) << "nobody reads the feed";

    // The engine's parameters, one to one.
    a = get("/v1/monitor?province=79&top_codes=0", admin);
    ASSERT_EQ(a.status, 200u) << a.body;
    m = j.parse(a.body);
    EXPECT_EQ(items(m, "facilities").size(), 2u);
    EXPECT_EQ(items(items(m, "facilities").at(0), "reject_codes").size(), 0u);
    a = get("/v1/monitor?day=2025-01-10", admin);
    ASSERT_EQ(a.status, 200u) << a.body;
    EXPECT_EQ(items(j.parse(a.body), "facilities").size(), 0u) << "nothing arrived that day";
    for (const char* bad : {"day=2025-02-30", "province=00", "top_codes=x", "bogus=1"}) {
        a = get(std::string("/v1/monitor?") + bad, admin);
        EXPECT_EQ(a.status, 400u) << bad;
        const std::string name(bad, std::strchr(bad, '='));
        EXPECT_TRUE(contains(a.body, "\"parameter\":\"" + name + "\"")) << a.body;
    }
    // Admins only.
    for (const auto& who : {reader, hcm, portal, bv}) EXPECT_EQ(get("/v1/monitor", who).status, 403u) << who.principal;
    EXPECT_EQ(request(ehbd->http_port(), bhttp::verb::get, "/v1/monitor").status, 401u);
}

TEST_F(Monitor, StatisticsAsJsonAndCsvWithTheProvinceScope) {
    const std::string range = std::string("from=2025-01-01&to=") + dashed(vietnam_today());
    Json j;
    // Facilities: visits per facility.
    Answer a = get("/v1/stats/facilities?" + range + "&group_by=facility", reader);
    ASSERT_EQ(a.status, 200u) << a.body;
    EXPECT_EQ(a.field("content-type"), "application/json");
    auto r = j.parse(a.body);
    EXPECT_EQ(str(r, "report"), "facilities");
    std::map<std::string, int64_t> visits;
    for (auto row : items(r, "rows")) visits[str(row, "facility")] = num(row, "visits");
    EXPECT_EQ(visits, (std::map<std::string, int64_t>{{"01001", 3}, {"01002", 2}, {"01003", 1}, {"79001", 1},
                                                      {"79002", 2}}));
    a = get("/v1/stats/facilities?" + range + "&group_by=facility&format=csv", reader);
    ASSERT_EQ(a.status, 200u) << a.body;
    EXPECT_EQ(a.field("content-type"), "text/csv; charset=utf-8");
    EXPECT_EQ(a.field("content-disposition"), std::string("attachment; filename=\"facilities-20250101-") +
                                                  std::to_string(vietnam_today()) + ".csv\"");
    EXPECT_EQ(a.body.substr(0, a.body.find('\n')), "facility,visits,cost_vnd");
    EXPECT_TRUE(contains(a.body, "\n01001,3,450001.5\n")) << a.body;

    // A province sees its own facilities whatever it asks.
    a = get("/v1/stats/facilities?" + range + "&group_by=facility&province=01", hcm);
    ASSERT_EQ(a.status, 200u) << a.body;
    r = j.parse(a.body);
    EXPECT_EQ(str(r["query"], "province"), "79");
    visits.clear();
    for (auto row : items(r, "rows")) visits[str(row, "facility")] = num(row, "visits");
    EXPECT_EQ(visits, (std::map<std::string, int64_t>{{"79001", 1}, {"79002", 2}}));

    // Diagnoses by the facility's province.
    a = get("/v1/stats/diagnoses?" + range + "&group_by=province,code", admin);
    ASSERT_EQ(a.status, 200u) << a.body;
    r = j.parse(a.body);
    std::map<std::string, int64_t> by_province;
    for (auto row : items(r, "rows")) {
        EXPECT_EQ(str(row, "code"), "J06.9");
        by_province[str(row, "province")] = num(row, "visits");
    }
    EXPECT_EQ(by_province, (std::map<std::string, int64_t>{{"01", 6}, {"79", 3}}));
    a = get("/v1/stats/diagnoses?" + range + "&group_by=code&format=csv", hcm);
    EXPECT_EQ(a.body, "code,visits,cost_vnd\nJ06.9,3,450001.5\n");
    EXPECT_EQ(a.field("content-disposition"), std::string("attachment; filename=\"diagnoses-20250101-") +
                                                  std::to_string(vietnam_today()) + "-79.csv\"");

    // Appointments: 01003's, due 2025-01-20, missed by the 25th; not a province 79 facility's.
    a = get("/v1/stats/appointments?from=20250101&to=20250131&today=2025-01-25&group_by=province", reader);
    ASSERT_EQ(a.status, 200u) << a.body;
    r = j.parse(a.body);
    ASSERT_EQ(items(r, "rows").size(), 1u) << a.body;
    EXPECT_EQ(str(items(r, "rows")[0], "province"), "01");
    EXPECT_EQ(num(items(r, "rows")[0], "booked"), 1);
    EXPECT_EQ(num(items(r, "rows")[0], "missed"), 1);
    a = get("/v1/stats/appointments?from=20250101&to=20250131&today=2025-01-25&group_by=province", hcm);
    EXPECT_EQ(items(j.parse(a.body), "rows").size(), 0u) << a.body;

    // Referrals: none in the sample, an empty report all the same.
    a = get("/v1/stats/referrals?" + range, reader);
    ASSERT_EQ(a.status, 200u) << a.body;
    EXPECT_EQ(str(j.parse(a.body), "report"), "referrals");
    a = get("/v1/stats/referrals?" + range + "&format=csv", reader);
    EXPECT_EQ(a.body, "month,from,to,referred,arrived\n");
}

TEST_F(Monitor, StatisticsRefuseBadParametersNamingThemAndOtherRoles) {
    const std::map<std::string, std::string> bad = {
        {"/v1/stats/diagnoses?from=2025-01-01&to=2025-01-31&bogus=1", "bogus"},
        {"/v1/stats/diagnoses?from=2025-01-01&to=2025-01-31&chapter=XXX", "chapter"},
        {"/v1/stats/diagnoses?to=2025-01-31", "from"},
        {"/v1/stats/facilities?from=2025-01-01&to=2025-01-32", "to"},
        {"/v1/stats/facilities?from=2025-02-01&to=2025-01-31", "to"},
        {"/v1/stats/facilities?from=2025-01-01&to=2025-01-31&facility=0100100", "facility"},
        {"/v1/stats/referrals?from=2025-01-01&to=2025-01-31&province=ab", "province"},
        {"/v1/stats/referrals?from=2025-01-01&to=2025-01-31&group_by=week", "group_by"},
        {"/v1/stats/appointments?from=2025-01-01&to=2025-01-31&format=xml", "format"},
        {"/v1/stats/appointments?from=2025-01-01&to=2025-01-31&today=x", "today"},
    };
    for (const auto& [target, parameter] : bad) {
        const Answer a = get(target, reader);
        EXPECT_EQ(a.status, 400u) << target;
        EXPECT_TRUE(contains(a.body, "\"parameter\":\"" + parameter + "\"")) << target << ": " << a.body;
    }
    for (const char* report : {"diagnoses", "facilities", "referrals", "appointments"}) {
        const std::string target = std::string("/v1/stats/") + report + "?from=2025-01-01&to=2025-01-31";
        EXPECT_EQ(get(target, bv).status, 403u) << report;
        EXPECT_EQ(get(target, portal).status, 403u) << report;
        EXPECT_EQ(request(ehbd->http_port(), bhttp::verb::get, target).status, 401u) << report;
        EXPECT_EQ(get(target, hcm).status, 200u) << report;
    }
}

}  // namespace
}  // namespace ehb
