// An open event stream (GET /v1/feed) ends when its principal is revoked, by
// `ehb admin principal revoke` in another process, or when its bearer token
// is revoked: a last `revoked` event, then the stream's end. Streams of
// others go on. A real ehbd; the revocation through engine/principals.hpp.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <future>
#include <iostream>

#include "tests/docs.hpp"
#include "tests/ehbd_process.hpp"
#include "tests/http_test.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

using Field = std::pair<std::string, std::string>;

class FeedRevocation : public ::testing::Test {
protected:
    test::TempDir dir;
    std::filesystem::path data = dir / "data";
    net::Credentials portal = test::add_principal_to(data, "portal", Role::portal);
    net::Credentials reader = test::add_principal_to(data, "vneid", Role::reader);
    net::Credentials admin = test::add_principal_to(data, "auditor", Role::admin);
    std::unique_ptr<test::EhbdProcess> ehbd;

    void SetUp() override {
        ehbd = std::make_unique<test::EhbdProcess>(
            data, std::vector<std::string>{"--http", "127.0.0.1:0", "--http-port-file", (dir / "http.port").string()});
        push("LK0001");
    }
    void TearDown() override {
        if (HasFailure() && ehbd) std::cerr << "--- ehbd's log:\n" << ehbd->log();
    }
    void push(const std::string& ma_lk) {
        static uint64_t batch = 0;
        net::Client c(ehbd->endpoint(), portal);
        test::Doc d;
        d.ma_lk = ma_lk;
        const std::string doc = d.json();
        std::string_view view = doc;
        ASSERT_EQ(c.push(1, ++batch, {&view, 1}).results.at(0).status, Status::accepted);
    }
    // A stream open from the first change, which it has received.
    std::unique_ptr<test::HttpClient> open_feed(const Field& auth) {
        auto s = std::make_unique<test::HttpClient>(ehbd->http_port());
        EXPECT_EQ(s->open_stream("/v1/feed?from=1", {auth}).status, 200u);
        EXPECT_EQ(test::event_ids(s->events(1)), std::vector<uint64_t>{1});
        return s;
    }
    // The stream's text to its end. Waits 10 s at most: then ehbd is killed, which
    // ends every stream without a `revoked` event.
    std::string to_end(test::HttpClient& s) {
        auto text = std::async(std::launch::async, [&s] { return s.to_end(); });
        if (text.wait_for(std::chrono::seconds(10)) == std::future_status::timeout) {
            ADD_FAILURE() << "the stream did not end";
            ::kill(ehbd->pid(), SIGKILL);
        }
        return text.get();
    }
};

constexpr std::string_view kRevoked = "event: revoked\ndata: {\"error\":{\"code\":\"REVOKED\",";

TEST_F(FeedRevocation, ARevokedPrincipalsStreamEnds) {
    auto revoked = open_feed({"Authorization", test::basic(reader)});
    auto other = open_feed({"Authorization", test::basic(admin)});
    {
        Store store(data);  // as `ehb admin principal revoke` does, beside the running ehbd
        ASSERT_TRUE(revoke_principal(store, "vneid"));
    }
    // Within the revocation watch's second.
    const std::string text = to_end(*revoked);
    EXPECT_TRUE(revoked->stream_done()) << text;
    const std::size_t last = text.rfind("\n\n", text.size() - 3);
    ASSERT_NE(last, std::string::npos) << text;
    EXPECT_TRUE(text.substr(last + 2).starts_with(kRevoked)) << text;
    EXPECT_TRUE(text.ends_with("\"}}\n\n")) << text;

    // Nothing more reaches the revoked principal; the others' streams go on.
    push("LK0002");
    EXPECT_EQ(test::event_ids(other->events(2)), (std::vector<uint64_t>{1, 2}));
    EXPECT_FALSE(test::contains(other->events(2), "event: revoked"));
    EXPECT_EQ(test::event_ids(text), std::vector<uint64_t>{1});
}

TEST_F(FeedRevocation, ARevokedTokensStreamEndsAndItsPrincipalsOtherStreamsGoOn) {
    test::HttpClient c(ehbd->http_port());
    test::Answer a = c.request(test::bhttp::verb::post, "/v1/tokens?ttl=600", {{"Authorization", test::basic(reader)}});
    ASSERT_EQ(a.status, 201u) << a.body;
    test::Json json;
    const Field bearer{"Authorization", "Bearer " + test::str(json.parse(a.body), "token")};
    auto by_token = open_feed(bearer);
    auto by_credential = open_feed({"Authorization", test::basic(reader)});
    ASSERT_EQ(c.request(test::bhttp::verb::delete_, "/v1/tokens/current", {bearer}).status, 204u);

    const std::string text = to_end(*by_token);
    EXPECT_TRUE(by_token->stream_done()) << text;
    EXPECT_TRUE(test::contains(text, std::string(kRevoked))) << text;
    push("LK0002");
    EXPECT_EQ(test::event_ids(by_credential->events(2)), (std::vector<uint64_t>{1, 2}));
    EXPECT_FALSE(test::contains(by_credential->events(2), "event: revoked"));
}

}  // namespace
}  // namespace ehb
