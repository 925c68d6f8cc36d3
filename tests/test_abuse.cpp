// Abuse (docs/operations.md "Abuse"), against a real ehbd over loopback:
// connection floods from one address, wrong credentials in bulk, clients
// trickling bytes (slowloris), and one principal flooding the memory budget.
// Linux routes all of 127/8 to loopback, so a client bound to 127.0.0.2 is
// another address.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/detail/base64.hpp>

#include <atomic>
#include <iostream>
#include <optional>
#include <thread>

#include "net/per_address.hpp"
#include "tests/docs.hpp"
#include "tests/ehbd_process.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using net::Client;
using wire::ErrorCode;
using namespace std::chrono_literals;

// A blocking socket from a chosen loopback address: raw bytes, frames, HTTP.
class Raw {
public:
    Raw(const std::string& from, uint16_t port) : socket_(io_) {
        socket_.open(tcp::v4());
        socket_.bind(tcp::endpoint(asio::ip::make_address(from), 0));
        socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        timeval tv{10, 0};
        setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    void send(std::string_view bytes) { asio::write(socket_, asio::buffer(bytes)); }
    void send_frame(wire::Type type, uint32_t id, std::string_view payload) {
        std::string f;
        wire::append_frame(f, type, id, payload);
        send(f);
    }
    // The next frame; nothing when the server closed the connection (or reset it).
    std::optional<std::pair<wire::Header, std::string>> frame() {
        uint8_t raw[wire::kHeaderSize];
        boost::system::error_code ec;
        asio::read(socket_, asio::buffer(raw), ec);
        if (ec) return std::nullopt;
        wire::Header h;
        if (!wire::decode_header(raw, h)) throw std::runtime_error("not a frame");
        std::string payload(h.length, '\0');
        asio::read(socket_, asio::buffer(payload), ec);
        if (ec) return std::nullopt;
        return std::pair{h, std::move(payload)};
    }
    wire::Error error() {
        auto f = frame();
        if (!f) throw std::runtime_error("closed instead of an ERROR");
        EXPECT_EQ(f->first.type, uint8_t(wire::Type::error));
        wire::Error e;
        EXPECT_TRUE(wire::decode(f->second, e));
        return e;
    }
    // HELLO then AUTH: AUTH_OK's role, or the ERROR.
    std::variant<Role, wire::Error> login(const std::string& name, const std::string& credential) {
        std::string out;
        wire::encode(out, wire::Hello{});
        send_frame(wire::Type::hello, 1, out);
        auto hello = frame();
        if (!hello || hello->first.type != uint8_t(wire::Type::hello_ok)) throw std::runtime_error("no HELLO_OK");
        out.clear();
        wire::encode(out, wire::Auth{name, credential});
        send_frame(wire::Type::auth, 2, out);
        auto f = frame();
        if (!f) throw std::runtime_error("closed instead of answering AUTH");
        if (f->first.type == uint8_t(wire::Type::auth_ok)) {
            wire::AuthOk ok;
            EXPECT_TRUE(wire::decode(f->second, ok));
            return ok.role;
        }
        wire::Error e;
        EXPECT_TRUE(wire::decode(f->second, e));
        return e;
    }
    // True once the server sent something or closed, waiting at most `wait`.
    bool readable(std::chrono::milliseconds wait = 0ms) {
        pollfd p{socket_.native_handle(), POLLIN, 0};
        return ::poll(&p, 1, int(wait.count())) == 1;
    }
    // What arrived next; empty when the server closed.
    std::string some() {
        char buf[4096];
        boost::system::error_code ec;
        std::size_t n = socket_.read_some(asio::buffer(buf), ec);
        return std::string(buf, ec ? 0 : n);
    }
    // Everything until the server closes (HTTP with Connection: close); empty when it closed at once.
    std::string rest() {
        std::string all;
        char buf[4096];
        for (;;) {
            boost::system::error_code ec;
            std::size_t n = socket_.read_some(asio::buffer(buf), ec);
            all.append(buf, n);
            if (ec) return all;
        }
    }

private:
    asio::io_context io_;
    tcp::socket socket_;
};

struct HttpAnswer {
    unsigned status = 0;  // 0: closed unanswered
    std::string text;     // head and body
};

HttpAnswer http_get(const std::string& from, uint16_t port, const std::string& target, const net::Credentials* who) {
    Raw r(from, port);
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (who) {
        std::string plain = who->principal + ":" + who->credential, basic(boost::beast::detail::base64::encoded_size(plain.size()), '\0');
        basic.resize(boost::beast::detail::base64::encode(basic.data(), plain.data(), plain.size()));
        request += "Authorization: Basic " + basic + "\r\n";
    }
    boost::system::error_code ec;
    r.send(request + "\r\n");
    HttpAnswer a;
    a.text = r.rest();
    if (a.text.size() > 12) a.status = std::stoul(a.text.substr(9, 3));
    return a;
}

// The value of a metric's sample (the line starting with `series` and a space).
double metric(const std::string& text, const std::string& series) {
    const std::string at = "\n" + series + " ";
    auto p = text.find(at);
    if (p == std::string::npos) throw std::runtime_error("no metric " + series);
    return std::stod(text.substr(p + at.size()));
}

class Abuse : public ::testing::Test {
protected:
    test::TempDir dir;
    std::filesystem::path data = dir / "data";
    net::Credentials portal = test::add_principal_to(data, "portal", Role::portal);
    net::Credentials flood = test::add_principal_to(data, "flood", Role::portal);
    net::Credentials root = test::add_principal_to(data, "root", Role::admin);
    std::unique_ptr<test::EhbdProcess> ehbd;

    void start(std::vector<std::string> extra) {
        extra.insert(extra.end(), {"--http", "127.0.0.1:0", "--http-port-file", (dir / "http.port").string()});
        ehbd = std::make_unique<test::EhbdProcess>(data, extra);
    }
    void TearDown() override {
        if (HasFailure() && ehbd) std::cerr << "--- ehbd's log:\n" << ehbd->log();
    }
    std::string metrics(const std::string& from = "127.0.0.9") {
        HttpAnswer a = http_get(from, ehbd->http_port(), "/metrics", &root);
        EXPECT_EQ(a.status, 200u) << a.text;
        return a.text;
    }
    wire::PushResult push_one(Client& c, uint64_t seq) {
        test::Doc d;
        d.ma_lk = test::key("OK", {(long long)seq});
        const std::string doc = d.json();
        std::string_view view = doc;
        return c.push(1, seq, {&view, 1});
    }
};

TEST_F(Abuse, OneAddressHoldsAtMostItsConnectionsOnEachPortAndOthersStillConnect) {
    start({"--max-connections-per-address", "3"});
    std::vector<Client> binary;
    for (int i = 0; i < 3; ++i) binary.emplace_back(ehbd->endpoint(), portal);  // each answered: accepted and counted
    Raw fourth("127.0.0.1", ehbd->port());
    EXPECT_FALSE(fourth.frame()) << "the fourth connection from 127.0.0.1 is closed unanswered";
    Raw other("127.0.0.2", ehbd->port());
    EXPECT_EQ(std::get<Role>(other.login(portal.principal, portal.credential)), Role::portal);

    std::vector<std::unique_ptr<Raw>> http;
    for (int i = 0; i < 3; ++i) {
        http.push_back(std::make_unique<Raw>("127.0.0.1", ehbd->http_port()));
        http.back()->send("GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");  // answered 404, kept alive
    }
    for (auto& h : http) {
        std::string head;
        while (head.find("\r\n\r\n") == std::string::npos) {
            std::string some = h->some();
            ASSERT_FALSE(some.empty());
            head += some;
        }
        EXPECT_EQ(head.substr(9, 3), "404");
    }
    EXPECT_EQ(http_get("127.0.0.1", ehbd->http_port(), "/nowhere", nullptr).status, 0u);
    EXPECT_EQ(http_get("127.0.0.2", ehbd->http_port(), "/nowhere", nullptr).status, 404u);

    // A connection closed makes room again, once the server has seen it close.
    binary.pop_back();
    http.pop_back();
    bool binary_again = false, http_again = false;
    for (int i = 0; i < 200 && !(binary_again && http_again); ++i) {
        if (!binary_again) {
            try {
                Raw r("127.0.0.1", ehbd->port());
                binary_again = std::holds_alternative<Role>(r.login(portal.principal, portal.credential));
            } catch (const std::exception&) {
                // Still closed at accept.
            }
        }
        if (!http_again) http_again = http_get("127.0.0.1", ehbd->http_port(), "/nowhere", nullptr).status == 404;
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_TRUE(binary_again);
    EXPECT_TRUE(http_again);
    const std::string m = metrics();
    EXPECT_GE(metric(m, "ehb_connections_refused_total{port=\"binary\",reason=\"per_address\"}"), 1);
    EXPECT_GE(metric(m, "ehb_connections_refused_total{port=\"http\",reason=\"per_address\"}"), 1);
    EXPECT_NE(ehbd->log().find("connection refused: 3 already open from this address"), std::string::npos);
}

TEST(FailedLogins, CountFailuresAndLoginsUnderWayOncePerAddressAndForgetTheOldestBeyondTheTable) {
    net::FailedLogins logins(2, 3);
    const auto t0 = std::chrono::steady_clock::now();
    const auto a = asio::ip::make_address("10.0.0.1"), b = asio::ip::make_address("10.0.0.2"),
               c = asio::ip::make_address("10.0.0.3");
    for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(logins.attempt(a, t0), 0u);
        logins.finished(a, false);
    }
    EXPECT_EQ(logins.attempt(a, t0 + 10s), 50u);  // the seconds left in its window
    // Successes do not count, and an address that never failed logs in on many connections at once.
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(logins.attempt(b, t0 + 10s), 0u);
        logins.finished(b, true);
    }
    for (int i = 0; i < 5; ++i) EXPECT_EQ(logins.attempt(b, t0 + 10s), 0u);
    for (int i = 0; i < 5; ++i) logins.finished(b, true);
    // Once it failed, the logins under way count as failures.
    EXPECT_EQ(logins.attempt(c, t0 + 10s), 0u);
    logins.finished(c, false);
    EXPECT_EQ(logins.attempt(c, t0 + 10s), 0u);
    EXPECT_GT(logins.attempt(c, t0 + 10s), 0u);
    logins.finished(c, true);
    EXPECT_EQ(logins.attempt(c, t0 + 10s), 0u);
    logins.finished(c, true);
    for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(logins.attempt(a, t0 + 60s), 0u);  // a new window
        logins.finished(a, false);
    }
    EXPECT_EQ(logins.refused(), 2u);

    // An IPv6 address counts as its /64.
    const auto v6a = asio::ip::make_address("2001:db8:1:2::1"), v6b = asio::ip::make_address("2001:db8:1:2:ffff::9");
    EXPECT_EQ(logins.attempt(v6a, t0 + 61s), 0u);
    logins.finished(v6a, false);
    EXPECT_EQ(logins.attempt(v6b, t0 + 61s), 0u);
    logins.finished(v6b, false);
    EXPECT_GT(logins.attempt(v6a, t0 + 61s), 0u);
    // Three addresses at most: new ones forget the oldest windows (b's, c's, then a's renewed one).
    EXPECT_EQ(logins.addresses(), 3u);
    EXPECT_GT(logins.attempt(a, t0 + 62s), 0u);
    logins.attempt(asio::ip::make_address("10.0.0.4"), t0 + 62s);
    EXPECT_GT(logins.attempt(a, t0 + 62s), 0u) << "a's window is kept";
    logins.attempt(asio::ip::make_address("10.0.0.5"), t0 + 62s);
    EXPECT_EQ(logins.addresses(), 3u);
    EXPECT_EQ(logins.attempt(a, t0 + 62s), 0u) << "a's window was forgotten";
}

TEST_F(Abuse, AFloodOfWrongCredentialsIsRefusedUncheckedWhileAnotherAddressLogsIn) {
    start({"--auth-failures-per-minute", "5"});
    std::atomic<int> refused_unchecked{0}, wrong{0}, other{0};
    std::vector<std::thread> flooders;
    for (int t = 0; t < 4; ++t) {
        flooders.emplace_back([&] {
            for (int i = 0; i < 10; ++i) {
                Raw r("127.0.0.1", ehbd->port());
                auto answer = r.login(portal.principal, "not-the-credential");
                const auto* e = std::get_if<wire::Error>(&answer);
                if (!e || e->code != ErrorCode::auth_failed) {
                    ++other;
                } else if (e->message.find("too many failed logins") != std::string::npos) {
                    ++refused_unchecked;
                } else {
                    ++wrong;
                }
                EXPECT_FALSE(r.frame()) << "AUTH_FAILED ends the connection";
            }
        });
    }
    // During the flood, from 127.0.0.1 even the right credential is refused over HTTP, with Retry-After;
    // from 127.0.0.2 the right one is accepted.
    while (refused_unchecked == 0) std::this_thread::sleep_for(1ms);
    HttpAnswer limited = http_get("127.0.0.1", ehbd->http_port(), "/metrics", &root);
    EXPECT_EQ(limited.status, 429u) << limited.text;
    EXPECT_NE(limited.text.find("Retry-After: "), std::string::npos) << limited.text;
    EXPECT_NE(limited.text.find("TOO_MANY_LOGINS"), std::string::npos) << limited.text;
    Raw elsewhere("127.0.0.2", ehbd->port());
    EXPECT_EQ(std::get<Role>(elsewhere.login(portal.principal, portal.credential)), Role::portal);
    for (auto& t : flooders) t.join();

    EXPECT_EQ(other.load(), 0);
    // Five failed; once one had, the logins under way counted too: at most four ran at once.
    EXPECT_GE(wrong.load(), 5);
    EXPECT_LE(wrong.load(), 5 + 3);
    EXPECT_EQ(wrong + refused_unchecked, 40);
    const std::string m = metrics("127.0.0.3");
    // The slow checks run: the wrong ones, the login from 127.0.0.2 and this one for /metrics.
    EXPECT_EQ(metric(m, "ehb_credential_checks_total"), wrong + 2);
    EXPECT_EQ(metric(m, "ehb_logins_refused_total"), refused_unchecked + 1);
}

// A slowloris client sends a frame, or a request, one byte at a time: cut off
// by the frame (request) timeout counted from the first byte, while others are served.
TEST_F(Abuse, AFrameOrARequestTricklingInIsCutOffByItsTimeoutWhileOthersAreServed) {
    // A byte every 200 ms for 600 ms, then nothing, so that no byte arrives after the server gave up (it
    // would reset the connection). Before, a frame's header waited under the idle timeout (300 s).
    start({"--frame-timeout-ms", "1100", "--http-request-timeout-ms", "1100"});
    Client bystander(ehbd->endpoint(), portal);
    std::jthread meanwhile([&] {
        std::this_thread::sleep_for(300ms);
        EXPECT_EQ(push_one(bystander, 1).results.at(0).status, Status::accepted);
        EXPECT_EQ(http_get("127.0.0.2", ehbd->http_port(), "/metrics", &root).status, 200u);
    });
    Raw slow("127.0.0.1", ehbd->port());
    ASSERT_EQ(std::get<Role>(slow.login(portal.principal, portal.credential)), Role::portal);
    std::string ping;
    wire::append_frame(ping, wire::Type::ping, 7, "0123456789");
    for (std::size_t sent = 0; sent < 4; ++sent) {
        slow.send(ping.substr(sent, 1));
        ASSERT_FALSE(slow.readable(200ms));
    }
    ASSERT_TRUE(slow.readable(10s)) << "cut off within the header";
    EXPECT_EQ(slow.error().code, ErrorCode::timeout);
    EXPECT_FALSE(slow.frame());

    Raw slow_http("127.0.0.1", ehbd->http_port());
    const std::string request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(40, 'z') + "\r\n\r\n";
    for (std::size_t sent = 0; sent < 4; ++sent) {
        slow_http.send(request.substr(sent, 1));
        ASSERT_FALSE(slow_http.readable(200ms));
    }
    ASSERT_TRUE(slow_http.readable(10s)) << "cut off within the request line";
    meanwhile.join();
    EXPECT_EQ(slow_http.rest(), "") << "closed unanswered";
    // Logged when the cut-off read completes, which is just after the socket closed.
    const auto logged = [&] { return ehbd->log().find("no complete request in time") != std::string::npos; };
    for (int i = 0; i < 500 && !logged(); ++i) std::this_thread::sleep_for(10ms);
    EXPECT_TRUE(logged()) << ehbd->log();
}

// One principal holds its half of a small budget with large batches trickling
// in over many connections, and more of its connections wait for the budget:
// another principal's push goes ahead of them and is answered while every one
// of the flood's batches is still unanswered; then the flood completes too.
TEST_F(Abuse, APrincipalFloodingTheBudgetDoesNotStallAnotherPrincipalsPush) {
    start({"--memory-budget-mb", "16", "--frame-timeout-ms", "60000"});
    constexpr int kConnections = 8;
    // About 1 MiB of documents that are not episodes: each charges about 2 MiB, so the flood's
    // 8 MiB share holds three and the other five connections wait.
    std::vector<std::string> junk(1000, "{\"not an episode\":\"" + std::string(1100, 'x') + "\"}");
    std::vector<std::string_view> views(junk.begin(), junk.end());
    std::vector<std::unique_ptr<Raw>> floods;
    std::vector<std::string> frames;
    for (int i = 0; i < kConnections; ++i) {
        floods.push_back(std::make_unique<Raw>("127.0.0.1", ehbd->port()));
        ASSERT_EQ(std::get<Role>(floods.back()->login(flood.principal, flood.credential)), Role::portal);
        std::string payload;
        wire::encode_push(payload, uint32_t(i + 1), 1, views);
        wire::append_frame(frames.emplace_back(), wire::Type::push, 3, payload);
        floods.back()->send(std::string_view(frames.back()).substr(0, frames.back().size() / 2));
    }
    // Until the server read every header: three hold the budget, five wait for it.
    double waiting = 0;
    for (int i = 0; i < 500 && waiting < kConnections - 3; ++i) {
        waiting = metric(metrics(), "ehb_memory_budget_waiting_connections");
        if (waiting < kConnections - 3) std::this_thread::sleep_for(10ms);
    }
    ASSERT_EQ(waiting, kConnections - 3);
    EXPECT_GT(metric(metrics(), "ehb_memory_budget_bytes_in_use"), 6e6);

    Client other(ehbd->endpoint(), portal);
    other.set_timeout(30'000ms);
    EXPECT_EQ(push_one(other, 1).results.at(0).status, Status::accepted);
    for (auto& f : floods) EXPECT_FALSE(f->readable()) << "no batch of the flood was answered first";
    for (int i = 0; i < kConnections; ++i) floods[i]->send(std::string_view(frames[i]).substr(frames[i].size() / 2));
    for (auto& f : floods) {
        auto answer = f->frame();
        ASSERT_TRUE(answer);
        ASSERT_EQ(answer->first.type, uint8_t(wire::Type::push_result));
        wire::PushResult result;
        ASSERT_TRUE(wire::decode(answer->second, result));
        ASSERT_EQ(result.results.size(), junk.size());
        for (const auto& r : result.results) EXPECT_EQ(r.status, Status::rejected);
    }
    EXPECT_EQ(metric(metrics(), "ehb_memory_budget_bytes_in_use"), 0);
}

}  // namespace
}  // namespace ehb
