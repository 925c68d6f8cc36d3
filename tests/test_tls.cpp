// TLS on ehbd's two ports, as a real process over loopback: the binary
// protocol and HTTP under TLS, certificates that do not verify, plaintext
// clients on a TLS port, mutual TLS binding the certificate's CN to the
// principal, a stalled TLS handshake, and ehbd's refusals at start.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include "net/tls.hpp"
#include "tests/docs.hpp"
#include "tests/ehbd_process.hpp"
#include "tests/tls_certs.hpp"
#include "tests/tmpdir.hpp"

namespace ehb {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using net::Client;
using net::ProtocolError;

const std::string kCitizen = "001090012345";  // the citizen of test::Doc

struct HttpAnswer {
    unsigned status = 0;
    std::string body;
};

// One GET over TLS with HTTP Basic, as a Beast client.
HttpAnswer https_get(uint16_t port, net::TlsClient& tls, const std::string& target, const net::Credentials& who) {
    asio::io_context io;
    tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    asio::ssl::stream<tcp::socket&> stream(socket, tls.context());
    net::expect_host(stream.native_handle(), "127.0.0.1");
    stream.handshake(asio::ssl::stream_base::client);
    const std::string plain = who.principal + ":" + who.credential;
    std::string basic(boost::beast::detail::base64::encoded_size(plain.size()), '\0');
    basic.resize(boost::beast::detail::base64::encode(basic.data(), plain.data(), plain.size()));
    bhttp::request<bhttp::empty_body> request{bhttp::verb::get, target, 11};
    request.set(bhttp::field::host, "127.0.0.1");
    request.set(bhttp::field::authorization, "Basic " + basic);
    bhttp::write(stream, request);
    boost::beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> response;
    bhttp::read(stream, buffer, response);
    return {response.result_int(), response.body()};
}

// A plaintext GET: no answer from a TLS port (Beast throws at the end of the stream or at the alert's bytes).
void http_get_plaintext(uint16_t port, const std::string& target) {
    asio::io_context io;
    tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    bhttp::request<bhttp::empty_body> request{bhttp::verb::get, target, 11};
    request.set(bhttp::field::host, "127.0.0.1");
    bhttp::write(socket, request);
    boost::beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> response;
    bhttp::read(socket, buffer, response);
}

// Opens a TCP connection, sends `bytes` (maybe a partial ClientHello) and
// nothing more; true when the server hangs up within `limit`.
bool hung_up_on_stall(uint16_t port, std::string_view bytes, std::chrono::seconds limit) {
    asio::io_context io;
    tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    if (!bytes.empty()) asio::write(socket, asio::buffer(bytes.data(), bytes.size()));
    pollfd p{socket.native_handle(), POLLIN, 0};
    if (::poll(&p, 1, int(std::chrono::milliseconds(limit).count())) != 1) return false;
    char c;
    return ::recv(socket.native_handle(), &c, 1, 0) <= 0;  // EOF or reset: no byte
}

// The `ehb` binary's stdout and exit status.
std::pair<int, std::string> run_ehb(const std::string& args) {
    std::string cmd = std::string(EHB_BINARY) + " " + args + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    int status = pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class Tls : public ::testing::Test {
protected:
    test::TempDir dir;
    std::filesystem::path data = dir / "data";
    test::TestCa ca{dir.path(), "ca"};
    test::TestCa other_ca{dir.path(), "other-ca"};
    test::CertFiles server_cert = ca.server("server");
    net::Credentials portal = test::add_principal_to(data, "portal", Role::portal);
    net::Credentials reader = test::add_principal_to(data, "vneid", Role::reader);
    std::unique_ptr<test::EhbdProcess> ehbd;

    // ehbd with TLS on both ports, and `extra` flags.
    void start(std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"--tls-cert",     server_cert.cert.string(),
                                         "--tls-key",      server_cert.key.string(),
                                         "--http",         "127.0.0.1:0",
                                         "--http-port-file", (dir / "http.port").string()};
        args.insert(args.end(), extra.begin(), extra.end());
        ehbd = std::make_unique<test::EhbdProcess>(data, args);
    }
    // The server logs a hang-up just after it: wait a little for the line.
    bool logged(const std::string& text) {
        for (int i = 0; i < 500; ++i) {
            if (ehbd->log().find(text) != std::string::npos) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return false;
    }
    void start_mutual() { start({"--tls-client-ca", ca.ca_file().string()}); }
    void TearDown() override {
        if (HasFailure() && ehbd) std::cerr << "--- ehbd's log:\n" << ehbd->log();
    }

    std::shared_ptr<net::TlsClient> trust(const std::filesystem::path& ca_file, const test::CertFiles* mine = nullptr) {
        return std::make_shared<net::TlsClient>(net::TlsClientFiles{
            ca_file.string(), mine ? mine->cert.string() : "", mine ? mine->key.string() : ""});
    }
    net::Endpoint endpoint(std::shared_ptr<net::TlsClient> tls, const std::string& host = "127.0.0.1") {
        net::Endpoint e{host, ehbd->port()};
        e.tls = std::move(tls);
        return e;
    }
    void push_one(const test::CertFiles* mine = nullptr) {
        Client c(endpoint(trust(ca.ca_file(), mine)), portal);
        std::string doc = test::Doc{}.json();
        std::vector<std::string_view> docs = {doc};
        wire::PushResult r = c.push(1, 1, docs);
        ASSERT_EQ(r.results.size(), 1u);
        EXPECT_EQ(r.results[0].status, Status::accepted);
    }
};

TEST_F(Tls, PushAndReadABookOverTlsWithTheClientAndTheEhbTool) {
    start();
    push_one();
    // Host name or address: the certificate names both.
    for (const std::string host : {"127.0.0.1", "localhost"}) {
        Client c(endpoint(trust(ca.ca_file()), host), reader);
        EXPECT_NE(c.get_book(kCitizen).find("LK0001"), std::string::npos);
    }
    std::ofstream(dir / "vneid.credential") << reader.credential << '\n';
    const std::string common = "book " + kCitizen + " --server 127.0.0.1:" + std::to_string(ehbd->port()) +
                               " --principal vneid --credential-file " + (dir / "vneid.credential").string();
    auto [status, out] = run_ehb(common + " --tls-ca " + ca.ca_file().string());
    EXPECT_EQ(status, 0) << out;
    EXPECT_NE(out.find("LK0001"), std::string::npos) << out;
    auto [untrusted, why] = run_ehb(common + " --tls-ca " + other_ca.ca_file().string());
    EXPECT_NE(untrusted, 0);
    EXPECT_NE(why.find("certificate does not verify"), std::string::npos) << why;
}

TEST_F(Tls, AClientTrustingAnotherCaOrAnotherNameIsRejected) {
    server_cert = ca.server("elsewhere", "DNS:ehb.example");  // names neither 127.0.0.1 nor localhost
    start();
    try {
        Client c(endpoint(trust(other_ca.ca_file())), reader);
        FAIL() << "a server certificate from an untrusted CA was accepted";
    } catch (const net::TlsError& e) {
        EXPECT_NE(std::string(e.what()).find("does not verify"), std::string::npos) << e.what();
    }
    try {
        Client c(endpoint(trust(ca.ca_file())), reader);
        FAIL() << "a server certificate for another host was accepted";
    } catch (const net::TlsError& e) {
        EXPECT_NE(std::string(e.what()).find("does not verify"), std::string::npos) << e.what();
    }
}

TEST_F(Tls, APlaintextClientOnATlsPortFailsAndTheServerKeepsServing) {
    start();
    net::Endpoint plain{"127.0.0.1", ehbd->port()};
    EXPECT_ANY_THROW(Client(plain, reader));
    EXPECT_ANY_THROW(http_get_plaintext(ehbd->http_port(), "/v1/books/" + kCitizen));
    push_one();
    Client c(endpoint(trust(ca.ca_file())), reader);
    EXPECT_NE(c.get_book(kCitizen).find("LK0001"), std::string::npos);
    EXPECT_TRUE(logged("TLS handshake failed"));
}

TEST_F(Tls, HttpOverTls) {
    start();
    push_one();
    auto tls = trust(ca.ca_file());
    HttpAnswer a = https_get(ehbd->http_port(), *tls, "/v1/books/" + kCitizen, reader);
    EXPECT_EQ(a.status, 200u) << a.body;
    EXPECT_NE(a.body.find("LK0001"), std::string::npos);
    EXPECT_THROW(https_get(ehbd->http_port(), *trust(other_ca.ca_file()), "/v1/books/" + kCitizen, reader),
                 boost::system::system_error);
}

TEST_F(Tls, MutualTlsRequiresACertificateWhoseCnIsThePrincipal) {
    start_mutual();
    const test::CertFiles vneid = ca.client("vneid-cert", "vneid"), portal_cert = ca.client("portal-cert", "portal");
    const test::CertFiles stranger = other_ca.client("stranger", "vneid");
    // No certificate, or one from another CA: the handshake is refused.
    EXPECT_ANY_THROW(Client(endpoint(trust(ca.ca_file())), reader));
    EXPECT_ANY_THROW(Client(endpoint(trust(ca.ca_file(), &stranger)), reader));
    // The certificate of another principal: AUTH_FAILED, though the credential is right.
    try {
        Client c(endpoint(trust(ca.ca_file(), &portal_cert)), reader);
        FAIL() << "AUTH as vneid with portal's certificate was accepted";
    } catch (const ProtocolError& e) {
        EXPECT_EQ(e.code(), wire::ErrorCode::auth_failed);
        EXPECT_NE(std::string(e.what()).find("the client certificate is for 'portal', not for principal 'vneid'"),
                  std::string::npos)
            << e.what();
    }
    // The right certificate and a wrong credential: still refused (two factors).
    EXPECT_THROW(Client(endpoint(trust(ca.ca_file(), &vneid)), net::Credentials{"vneid", "wrong"}), ProtocolError);
    // Both right.
    push_one(&portal_cert);
    Client c(endpoint(trust(ca.ca_file(), &vneid)), reader);
    EXPECT_NE(c.get_book(kCitizen).find("LK0001"), std::string::npos);
}

TEST_F(Tls, MutualTlsOnHttpBindsTheCertificateToThePrincipal) {
    start_mutual();
    const test::CertFiles vneid = ca.client("vneid-cert", "vneid"), portal_cert = ca.client("portal-cert", "portal");
    push_one(&portal_cert);
    const std::string target = "/v1/books/" + kCitizen;
    HttpAnswer ok = https_get(ehbd->http_port(), *trust(ca.ca_file(), &vneid), target, reader);
    EXPECT_EQ(ok.status, 200u) << ok.body;
    HttpAnswer mismatch = https_get(ehbd->http_port(), *trust(ca.ca_file(), &portal_cert), target, reader);
    EXPECT_EQ(mismatch.status, 403u);
    EXPECT_NE(mismatch.body.find("\"code\":\"CERTIFICATE_MISMATCH\""), std::string::npos) << mismatch.body;
    HttpAnswer wrong = https_get(ehbd->http_port(), *trust(ca.ca_file(), &vneid), target, {"vneid", "wrong"});
    EXPECT_EQ(wrong.status, 401u);
    EXPECT_ANY_THROW(https_get(ehbd->http_port(), *trust(ca.ca_file()), target, reader));  // no certificate
}

TEST_F(Tls, AStalledTlsHandshakeIsCutOffAtTheHandshakeTimeout) {
    start({"--handshake-timeout-ms", "300"});
    const std::string partial_client_hello("\x16\x03\x01\x02\x00", 5);  // a record header, then nothing
    EXPECT_TRUE(hung_up_on_stall(ehbd->port(), "", std::chrono::seconds(10)));
    EXPECT_TRUE(hung_up_on_stall(ehbd->port(), partial_client_hello, std::chrono::seconds(10)));
    EXPECT_TRUE(hung_up_on_stall(ehbd->http_port(), partial_client_hello, std::chrono::seconds(10)));
    EXPECT_TRUE(logged("TLS handshake not completed in time"));
    EXPECT_TRUE(logged("TLS handshake failed: not completed in time"));
    Client c(endpoint(trust(ca.ca_file())), reader);  // and it still serves
    c.ping();
}

// A full server answers ERROR BUSY: under TLS after the handshake (refuse() runs the session's start).
TEST_F(Tls, AFullServerSaysBusyAfterTheTlsHandshakeAndInPlaintext) {
    start({"--max-connections", "1"});
    auto busy = [](const net::Endpoint& e, const net::Credentials& who) {
        Client holder(e, who);
        try {
            Client second(e, who);
            ADD_FAILURE() << "a second connection was served";
        } catch (const ProtocolError& error) {
            EXPECT_EQ(error.code(), wire::ErrorCode::busy) << error.what();
        }
        holder.ping();
    };
    busy(endpoint(trust(ca.ca_file())), reader);
    ehbd.reset();
    ehbd = std::make_unique<test::EhbdProcess>(data, std::vector<std::string>{"--max-connections", "1"});
    busy(ehbd->endpoint(), reader);
}

TEST_F(Tls, EhbdRefusesPlaintextOnANonLoopbackAddress) {
    for (const std::vector<std::string>& flags : {std::vector<std::string>{"--listen", "0.0.0.0:0"},
                                                  std::vector<std::string>{"--http", "0.0.0.0:0"}}) {
        try {
            test::EhbdProcess p(data, flags);
            FAIL() << "ehbd started in plaintext on " << flags[1];
        } catch (const std::runtime_error& e) {
            const std::string why = e.what();
            EXPECT_NE(why.find("refusing plaintext on " + flags[0] + " 0.0.0.0:0"), std::string::npos) << why;
            EXPECT_NE(why.find("--tls-cert FILE --tls-key FILE"), std::string::npos) << why;
        }
    }
}

TEST_F(Tls, TheTlsSettingsInAConfigFile) {
    std::ofstream(dir / "ehbd.conf") << "tls-cert = " << server_cert.cert.string() << "\n"
                                     << "tls-key = " << server_cert.key.string() << "\n"
                                     << "tls-client-ca = " << ca.ca_file().string() << "\n";
    ehbd = std::make_unique<test::EhbdProcess>(data, std::vector<std::string>{"--config", (dir / "ehbd.conf").string()});
    const test::CertFiles vneid = ca.client("vneid-cert", "vneid");
    Client c(endpoint(trust(ca.ca_file(), &vneid)), reader);
    c.ping();
    EXPECT_ANY_THROW(Client(endpoint(trust(ca.ca_file())), reader));  // mutual TLS: no certificate, no connection
}

TEST(TlsHosts, LoopbackIsWherePlaintextIsAllowed) {
    for (const char* host : {"127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost"}) {
        EXPECT_TRUE(net::is_loopback_host(host)) << host;
    }
    for (const char* host : {"0.0.0.0", "10.0.0.1", "::", "[::]", "192.168.1.1", "ehb.example", ""}) {
        EXPECT_FALSE(net::is_loopback_host(host)) << host;
    }
}

TEST_F(Tls, EhbdNamesTheCertificateFileItCannotUse) {
    const test::CertFiles another = ca.client("another", "x");
    struct Case {
        std::vector<std::string> flags;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {{"--tls-cert", (dir / "missing.pem").string(), "--tls-key", server_cert.key.string()},
         "cannot read the TLS certificate " + (dir / "missing.pem").string()},
        {{"--tls-cert", server_cert.cert.string(), "--tls-key", another.key.string()},
         "the TLS key " + another.key.string() + " does not match the certificate " + server_cert.cert.string()},
        {{"--tls-cert", server_cert.cert.string(), "--tls-key", server_cert.key.string(), "--tls-client-ca",
          server_cert.key.string()},
         "cannot load the TLS client CA " + server_cert.key.string()},
        {{"--tls-cert", server_cert.cert.string()}, "--tls-cert and --tls-key go together"},
        {{"--tls-client-ca", ca.ca_file().string()}, "--tls-client-ca needs --tls-cert and --tls-key"},
    };
    for (const Case& c : cases) {
        try {
            test::EhbdProcess p(data, c.flags);
            FAIL() << "ehbd started with " << c.flags[1];
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find(c.expected), std::string::npos) << e.what();
        }
    }
}

}  // namespace
}  // namespace ehb
