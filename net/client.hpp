// The blocking client of the push protocol (docs/protocol.md), used by the
// command-line tools and the integration tests. One connection, one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "net/person_op.hpp"
#include "net/wire.hpp"

namespace ehb::net {

class TlsClient;  // net/tls.hpp

struct Endpoint {
    std::string host;  // a name or an address; IPv6 without its brackets
    uint16_t port = 0;
    // TLS to reach it: whom to trust, what certificate to show; nullptr: plaintext.
    // The server's certificate must name `host`.
    std::shared_ptr<TlsClient> tls = nullptr;
    // "HOST:PORT" or "[IPV6]:PORT"; throws std::invalid_argument.
    static Endpoint parse(std::string_view host_port);
};

struct Credentials {
    std::string principal;
    std::string credential;
};
// The values of --principal and --credential-file, each falling back when empty
// to the environment: EHB_PRINCIPAL, EHB_CREDENTIAL (the credential itself).
// Trailing whitespace of the credential is dropped. Throws std::invalid_argument
// when either is missing, std::runtime_error when the file cannot be read.
Credentials resolve_credentials(std::string_view principal, const std::string& credential_file);

// An ERROR frame from the server: "ehbd: BAD_CHECKSUM: <its message>".
class ProtocolError : public std::runtime_error {
public:
    ProtocolError(wire::ErrorCode code, uint32_t request_id, std::string_view message);
    wire::ErrorCode code() const noexcept { return code_; }
    uint32_t request_id() const noexcept { return request_id_; }
    // The server closes the connection after a fatal error.
    bool fatal() const noexcept { return wire::is_fatal(code_); }

private:
    wire::ErrorCode code_;
    uint32_t request_id_;
};

struct ClientOptions {
    std::string client_name = "ehb";
    std::chrono::milliseconds connect_timeout{10'000};
    // The longest wait for the socket to become readable or writable; 0: no limit.
    std::chrono::milliseconds timeout{120'000};
};

// The content of a frame the server sent, by type.
struct Book {
    std::string json;
};
struct Pong {
    std::string payload;
};
struct Bye {};
struct Reply {
    wire::Header header;
    std::variant<wire::PushResult, Book, Pong, wire::Error, Bye> body;
};

// Network failures and timeouts throw std::system_error; TLS failures (a
// certificate that does not verify, a refused client certificate) throw
// net::TlsError; a frame from the server that breaks the protocol (bad magic,
// checksum or layout, unexpected type) throws std::runtime_error. After either, or a fatal ProtocolError,
// the connection is unusable. A moved-from Client may only be destroyed or assigned to.
class Client {
public:
    // Connects, then HELLO and AUTH.
    Client(const Endpoint& endpoint, const Credentials& credentials, ClientOptions options = {});
    // Connects only, for tests that send frames before (or instead of) the handshake.
    static Client connect_only(const Endpoint& endpoint, ClientOptions options = {});
    ~Client();
    Client(Client&&) noexcept;
    Client& operator=(Client&&) noexcept;

    // The two steps of the handshake, for a client from connect_only.
    const wire::HelloOk& hello();
    const wire::AuthOk& authenticate(const Credentials& credentials);

    // The server's limits (the protocol's defaults before hello()) and who we are.
    const wire::HelloOk& limits() const { return limits_; }
    const wire::AuthOk& identity() const { return identity_; }

    void set_timeout(std::chrono::milliseconds timeout);

    // Pipelining: each send returns the request id its reply will carry;
    // receive() returns the next frame (answering a server's PING itself).
    // A batch over the server's max_records or max_frame throws
    // std::invalid_argument before anything is sent.
    // With `signatures` (one per document) the PUSH is format 2, signed.
    uint32_t send_push(uint32_t stream, uint64_t batch_seq, std::span<const std::string_view> documents,
                       std::span<const wire::DocumentSignature> signatures = {});
    uint32_t send_get_book(std::string_view id, bool history = false, bool fhir = false,
                           std::string_view purpose = {});
    uint32_t send_ping(std::string_view payload = {});
    void send_bye();
    Reply receive();

    // One request, waiting for its reply; no other request may be outstanding.
    // An ERROR reply throws ProtocolError.
    wire::PushResult push(uint32_t stream, uint64_t batch_seq, std::span<const std::string_view> documents,
                          std::span<const wire::DocumentSignature> signatures = {});
    std::string get_book(std::string_view id, bool history = false, bool fhir = false, std::string_view purpose = {});
    // Appointments due from day `from` to day `to` (yyyymmdd), as JSON.
    std::string appointments(uint32_t from, uint32_t to, std::string_view province = {});
    // The server's statistics as JSON (docs/protocol.md, STATS).
    std::string stats();
    // A steward's operation: what `ehb person|review|merge|...` prints, without
    // its newline (empty for decide, unmerge, relink). A refusal throws
    // ProtocolError PERSON_OP_FAILED; the connection stays usable.
    std::string person_op(const wire::PersonOp& op);
    void ping();
    // The change feed (docs/feed.md): SUBSCRIBE returns the request id every
    // FEED carries; next_feed() reads the next one (its events are views
    // valid until the next read), nullopt when the server says BYE or closes
    // (it is shutting down); an ERROR throws ProtocolError. ack_feed() tells
    // the server the consumer holds everything before `next`.
    uint32_t subscribe(const wire::Subscribe& request);
    std::optional<wire::Feed> next_feed(uint32_t request_id);
    void ack_feed(uint64_t next);
    // Sends BYE and reads (dropping what arrives) until the server's BYE or EOF, then closes.
    void bye();

    // Low level, for tests: bytes as they are, and the next frame (checksum
    // verified) or nullopt at EOF.
    void send_raw(std::string_view bytes);
    std::optional<std::pair<wire::Header, std::string>> read_frame();

private:
    struct Socket;
    Client(const Endpoint& endpoint, const ClientOptions& options);

    // A frame is built in out_: begin_frame(), append the payload, finish_frame() sends it.
    void begin_frame();
    uint32_t new_id();
    uint32_t finish_frame(wire::Type type, uint32_t request_id);
    // The next frame's header, its payload in payload_; false at EOF.
    bool next_frame(wire::Header& header);
    // next_frame(), answering the server's PINGs on the way; false at EOF.
    bool next_answering_pings(wire::Header& header);
    // The same; throws at EOF.
    wire::Header next_reply();
    // The reply to `request_id`, which must be of type `expected`; its payload in payload_.
    wire::Header expect(uint32_t request_id, wire::Type expected);

    std::unique_ptr<Socket> socket_;
    std::string client_name_;
    wire::HelloOk limits_;
    wire::AuthOk identity_;
    uint32_t next_id_ = 1;
    std::string out_;      // the frame being sent
    std::string payload_;  // the payload of the frame last read
};

}  // namespace ehb::net
