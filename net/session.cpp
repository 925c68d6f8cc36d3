#include "net/session.hpp"

#include <xxhash.h>

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "engine/access_log.hpp"
#include "engine/appointments.hpp"
#include "engine/book.hpp"
#include "engine/fhir_out.hpp"
#include "engine/provinces.hpp"
#include "net/feed_pump.hpp"
#include "net/log.hpp"
#include "net/person_op.hpp"
#include "net/server.hpp"
#include "net/steward_ops.hpp"

namespace ehb::net {

namespace asio = boost::asio;
using asio::use_awaitable;
using asio::ip::tcp;
using wire::ErrorCode;
using wire::Type;

namespace {

// What a PUSH holds while it waits for its commit: its payload, and about as
// much again for the prepared records (canonical form, compressed copy).
// A consumer's window is capped: unacknowledged changes are held in the outbox.
constexpr std::size_t kMaxFeedWindow = 10'000;

std::size_t charge_for(const wire::Header& h) {
    return h.type == uint8_t(Type::push) ? 2 * std::size_t{h.length} + 4096 : h.length;
}

// A coroutine function rather than a capturing lambda: g++ 12 destroys a
// coroutine lambda's captures twice when co_spawn moves it.
asio::awaitable<std::optional<Principal>> check_credentials(const Store& store, wire::Auth auth) {
    co_return authenticate(store, auth.principal, auth.credential);
}

// PERSON_REPLY with `json`, or ERROR PERSON_OP_FAILED with the refusal.
std::string person_op_answer(uint32_t request_id, bool refused, std::string json) {
    std::string frame;
    if (!refused && json.size() > wire::kMaxFrame) {
        refused = true;
        json = "the answer is over 16 MiB: ask for fewer review items";
    }
    if (refused) {
        std::string out;
        wire::encode(out, wire::Error{ErrorCode::person_op_failed, std::move(json)});
        wire::append_frame(frame, Type::error, request_id, out);
    } else {
        wire::append_frame(frame, Type::person_reply, request_id, json);
    }
    return frame;
}

// What a retried batch must repeat exactly: the PUSH's bytes after batch_seq,
// except a signed batch's signatures. An ECDSA signature differs each time
// it is made, so a client that signs its documents again when it resends
// them gets the stored answer, not BATCH_MISMATCH.
XXH128_hash_t batch_hash(std::string_view payload, const wire::Push& m) {
    const std::string_view body = wire::push_body(payload);
    if (m.signatures.empty()) return XXH3_128bits(body.data(), body.size());
    std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(), XXH3_freeState);
    if (!state) throw std::bad_alloc();
    XXH3_128bits_reset(state.get());
    const char* from = body.data();
    for (const wire::DocumentSignature& s : m.signatures) {
        const char* length = s.signature.data() - 4;  // the signature's blob length
        XXH3_128bits_update(state.get(), from, static_cast<std::size_t>(length - from));
        from = s.signature.data() + s.signature.size();
    }
    XXH3_128bits_update(state.get(), from, static_cast<std::size_t>(body.data() + body.size() - from));
    return XXH3_128bits_digest(state.get());
}

}  // namespace

Session::Session(Server& server, tcp::socket socket)
    : server_(server),
      stream_(std::move(socket), server.tls()),
      deadline_(server.io()),
      wake_(server.io()),
      account_(server.anonymous()) {
    boost::system::error_code ec;
    auto remote = stream_.socket().remote_endpoint(ec);
    peer_ = ec ? "?" : remote.address().to_string() + ":" + std::to_string(remote.port());
    if (!ec) address_ = remote.address();
    stream_.socket().set_option(tcp::no_delay(true), ec);
    deadline_.expires_at(asio::steady_timer::time_point::max());
}

void Session::start() {
    reading_ = true;
    auto self = shared_from_this();
    asio::co_spawn(server_.io(), [self] { return self->read_loop(); }, asio::detached);
    asio::co_spawn(server_.io(), [self] { return self->watchdog(); }, asio::detached);
}

void Session::refuse() {
    refused_ = true;
    start();
}

void Session::drain() {
    if (closed_) return;
    closing_ = true;
    say_bye_ = true;
    boost::system::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_receive, ec);  // the read loop sees the end of the stream
    wake_.cancel();
    end_subscription();
    maybe_finish();
}

asio::awaitable<void> Session::read_loop() {
    const ServerConfig& cfg = server_.config();
    uint8_t raw[wire::kHeaderSize];
    auto handshake_end = asio::steady_timer::clock_type::now() + cfg.handshake_timeout;
    try {
        if (stream_.tls()) {
            // Within the handshake timeout, like HELLO and AUTH: a client that stalls here is cut off.
            deadline_.expires_at(handshake_end);
            boost::system::error_code ec;
            co_await stream_.async_handshake(asio::redirect_error(use_awaitable, ec));
            if (ec) {
                log(LogLevel::info, "%s: TLS handshake failed: %s", peer_.c_str(), ec.message().c_str());
                closing_ = true;
            }
            certificate_cn_ = stream_.peer_common_name();
        }
        secured_ = true;
        if (refused_ && !closing_) {
            log(LogLevel::warn, "%s: refused: %u connections already open", peer_.c_str(), cfg.max_connections);
            error(0, ErrorCode::busy, "the server holds its maximum number of connections; try again later");
        }
        while (!closing_) {
            if (in_flight_ >= cfg.max_in_flight) {
                disarm();  // the client is waiting for us, not we for it
                wake_.expires_at(asio::steady_timer::time_point::max());
                boost::system::error_code ec;
                co_await wake_.async_wait(asio::redirect_error(use_awaitable, ec));
                continue;
            }
            if (state_ != State::authenticated) {
                deadline_.expires_at(handshake_end);
            } else if (in_flight_ == 0) {
                arm(cfg.idle_timeout);
            } else {
                disarm();
            }
            awaiting_header_ = true;
            std::size_t got = co_await stream_.async_read_some(asio::buffer(raw), use_awaitable);
            awaiting_header_ = false;
            // From its first byte, a frame must arrive whole within the frame timeout, however it trickles in
            // (slowloris); time spent waiting for the budget is the server's, not the client's.
            auto frame_end = asio::steady_timer::clock_type::now() + cfg.frame_timeout;
            if (state_ == State::authenticated) deadline_.expires_at(frame_end);
            if (got < sizeof raw) {
                co_await asio::async_read(stream_, asio::buffer(raw + got, sizeof raw - got), use_awaitable);
            }
            wire::Header h;
            if (!wire::decode_header(raw, h) || h.version != wire::kFrameVersion) {
                error(0, ErrorCode::bad_frame, "not an ehb frame (wrong magic or frame version): cannot continue");
                break;
            }
            if (h.length > cfg.max_frame) {
                error(h.request_id, ErrorCode::too_large,
                      "payload of " + std::to_string(h.length) + " bytes above max_frame " +
                          std::to_string(cfg.max_frame));
                break;
            }
            std::size_t charge = charge_for(h);
            disarm();
            const auto waiting_since = asio::steady_timer::clock_type::now();
            if (!co_await server_.budget().acquire(account_, charge)) break;
            deadline_.expires_at(frame_end + (asio::steady_timer::clock_type::now() - waiting_since));
            std::string payload(h.length, '\0');
            boost::system::error_code ec;
            co_await asio::async_read(stream_, asio::buffer(payload), asio::redirect_error(use_awaitable, ec));
            if (ec || wire::checksum(payload) != h.checksum) {
                server_.budget().release(*account_, charge);
                if (ec) break;
                error(h.request_id, ErrorCode::bad_checksum, "payload does not match the header's checksum; ignored");
                continue;
            }
            if (h.type == uint8_t(Type::auth)) {
                server_.budget().release(*account_, charge);
                if (!co_await authenticate(h.request_id, std::move(payload))) break;
                continue;
            }
            dispatch(h, std::move(payload), charge);
        }
    } catch (const boost::system::system_error&) {
        // The end of the stream, a reset or a closed socket: nothing more to read.
    } catch (const std::exception& e) {
        log(LogLevel::error, "%s: %s", peer_.c_str(), e.what());
        error(0, ErrorCode::internal, e.what());
    }
    reading_ = false;
    maybe_finish();
}

void Session::revoked() {
    if (closed_ || closing_) return;
    log(LogLevel::warn, "%s: principal '%s' revoked: closing", peer_.c_str(), principal_->name.c_str());
    error(0, ErrorCode::auth_failed, "principal " + principal_->name + " was revoked");
    end_subscription();
    boost::system::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_receive, ignored);
    wake_.cancel();
}

asio::awaitable<void> Session::watchdog() {
    while (!closed_) {
        boost::system::error_code ec;
        co_await deadline_.async_wait(asio::redirect_error(use_awaitable, ec));
        if (closed_ || deadline_.expiry() > asio::steady_timer::clock_type::now()) continue;  // re-armed
        deadline_.expires_at(asio::steady_timer::time_point::max());
        boost::system::error_code ignored;
        if (!secured_) {
            // No frame can be sent before the TLS handshake: just hang up.
            log(LogLevel::info, "%s: TLS handshake not completed in time", peer_.c_str());
            stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
            continue;
        }
        log(LogLevel::info, "%s: timed out", peer_.c_str());
        error(0, ErrorCode::timeout,
              state_ == State::authenticated ? "no complete frame in time" : "handshake not completed in time");
        stream_.socket().shutdown(tcp::socket::shutdown_receive, ignored);
    }
}

void Session::arm(std::chrono::milliseconds timeout) { deadline_.expires_after(timeout); }
void Session::disarm() { deadline_.expires_at(asio::steady_timer::time_point::max()); }
void Session::wake_reader() { wake_.cancel(); }

asio::awaitable<bool> Session::authenticate(uint32_t request_id, std::string payload) {
    if (state_ != State::greeted) {
        error(request_id, ErrorCode::protocol, state_ == State::fresh ? "AUTH before HELLO" : "AUTH sent twice");
        co_return false;
    }
    wire::Auth auth;
    if (!wire::decode(payload, auth)) {
        error(request_id, ErrorCode::bad_payload, "AUTH payload is not two strings");
        co_return true;
    }
    // Mutual TLS binds the connection to the principal its certificate names;
    // the credential is checked as well (two factors).
    if (!server_.config().tls_client_ca.empty() && auth.principal != certificate_cn_) {
        log(LogLevel::warn, "%s: principal '%s' is not the client certificate's CN '%s'", peer_.c_str(),
            auth.principal.c_str(), certificate_cn_.c_str());
        error(request_id, ErrorCode::auth_failed,
              "the client certificate is for '" + certificate_cn_ + "', not for principal '" + auth.principal + "'");
        co_return false;
    }
    // Beyond its logins for the minute, an address is refused before the slow check (docs/operations.md "Abuse").
    if (unsigned wait = server_.failed_logins().attempt(address_, Clock::now())) {
        log(LogLevel::warn, "%s: login for principal '%s' refused unchecked: too many failed from this address",
            peer_.c_str(), auth.principal.c_str());
        error(request_id, ErrorCode::auth_failed,
              "too many failed logins from this address; try again in " + std::to_string(wait) + " s");
        co_return false;
    }
    Store& store = server_.store();
    // Credentials are checked on their own thread: a database read and a slow hash (Server::credential_checks).
    server_.credential_check_started();
    std::optional<Principal> found =
        co_await asio::co_spawn(server_.credential_checks(), check_credentials(store, auth), use_awaitable);
    server_.failed_logins().finished(address_, found.has_value());
    if (!found) {
        log(LogLevel::warn, "%s: authentication failed for principal '%s'", peer_.c_str(), auth.principal.c_str());
        error(request_id, ErrorCode::auth_failed, "unknown principal, wrong credential or revoked");
        co_return false;
    }
    std::shared_ptr<Budget::Account> account = server_.admit_principal(found->name);
    if (!account) {
        error(request_id, ErrorCode::busy, "principal " + found->name + " holds its maximum number of connections");
        co_return false;
    }
    account_ = std::move(account);
    principal_ = std::move(found);
    state_ = State::authenticated;
    log(LogLevel::debug, "%s: authenticated as %s (%s)", peer_.c_str(), principal_->name.c_str(),
        std::string(role_name(principal_->role)).c_str());
    std::string out;
    wire::encode(out, wire::AuthOk{principal_->role, principal_->facility});
    send(Type::auth_ok, request_id, out);
    co_return true;
}

void Session::dispatch(const wire::Header& h, std::string payload, std::size_t charge) {
    auto type = static_cast<Type>(h.type);
    bool authenticated = state_ == State::authenticated;
    if ((type == Type::push || type == Type::get_book || type == Type::appointments || type == Type::stats ||
         type == Type::person_op || type == Type::subscribe || type == Type::feed_ack) &&
        !authenticated) {
        server_.budget().release(*account_, charge);
        error(h.request_id, ErrorCode::not_authenticated, "authenticate first (HELLO, then AUTH)");
        return;
    }
    if (type == Type::push) return push(h.request_id, std::move(payload), charge);
    server_.budget().release(*account_, charge);
    switch (type) {
        case Type::get_book: return get_book(h.request_id, std::move(payload));
        case Type::appointments: return appointments(h.request_id, std::move(payload));
        case Type::stats: return stats(h.request_id);
        case Type::person_op: return person_op(h.request_id, std::move(payload));
        case Type::subscribe: return subscribe(h.request_id, std::move(payload));
        case Type::feed_ack: return feed_ack(std::move(payload));
        case Type::ping:
            if (payload.size() > 64) return error(h.request_id, ErrorCode::bad_payload, "PING payload above 64 bytes");
            return send(Type::pong, h.request_id, payload);
        case Type::bye:
            closing_ = true;
            say_bye_ = true;
            return;
        case Type::hello: {
            if (state_ != State::fresh) return error(h.request_id, ErrorCode::protocol, "HELLO sent twice");
            wire::Hello hello;
            if (!wire::decode(payload, hello)) {
                return error(h.request_id, ErrorCode::bad_payload, "HELLO payload malformed");
            }
            if (hello.min_version > wire::kProtocolVersion || hello.max_version < wire::kProtocolVersion) {
                return error(h.request_id, ErrorCode::version, "this server speaks protocol version 1 only");
            }
            const ServerConfig& cfg = server_.config();
            std::string out;
            wire::encode(out, wire::HelloOk{wire::kProtocolVersion, cfg.max_frame, cfg.max_records,
                                            cfg.max_in_flight, "ehbd 0.1"});
            state_ = State::greeted;
            return send(Type::hello_ok, h.request_id, out);
        }
        default:
            return error(h.request_id, ErrorCode::unknown_type,
                         "frame type " + std::to_string(h.type) + " is not a request this server accepts");
    }
}

void Session::push(uint32_t request_id, std::string payload, std::size_t charge) {
    wire::Push m;
    const char* problem = nullptr;
    if (!wire::decode(payload, m)) {
        problem = "PUSH payload malformed";
    } else if (m.documents.size() > server_.config().max_records) {
        problem = "PUSH holds more documents than max_records";
    }
    if (problem) {
        server_.budget().release(*account_, charge);
        return error(request_id, ErrorCode::bad_payload, problem);
    }
    // Allowed, not refused, roles: a role added later may not push until it is listed here.
    const Role role = principal_->role;
    if (role != Role::facility && role != Role::portal && role != Role::admin) {
        server_.budget().release(*account_, charge);
        std::string why = "a ";
        why += role_name(principal_->role);
        why += " may not push";
        return error(request_id, ErrorCode::forbidden, std::move(why));
    }
    std::vector<Pipeline::Span> spans;
    spans.reserve(m.documents.size());
    for (std::string_view d : m.documents) spans.emplace_back(d.data() - payload.data(), d.size());
    const auto range = [&](std::string_view v) {
        return std::make_pair(static_cast<std::size_t>(v.data() - payload.data()), v.size());
    };
    BatchSource source;
    source.signatures.reserve(m.signatures.size());
    for (const wire::DocumentSignature& s : m.signatures)
        source.signatures.push_back({range(s.key_id), range(s.signature)});
    const XXH128_hash_t hash = batch_hash(payload, m);
    source.principal = principal_->name;
    if (principal_->role == Role::facility) source.facility = principal_->facility;
    source.origin = BatchOrigin{principal_->name, m.stream, m.batch_seq, {hash.low64, hash.high64}};
    ++in_flight_;
    auto self = shared_from_this();
    uint32_t stream = m.stream;
    uint64_t batch_seq = m.batch_seq;
    auto done = [self, request_id, stream, batch_seq, charge](BatchVerdict verdict,
                                                              std::span<const RecordResult> results) {
        // On the writer thread, right after the commit: encode, then hand over.
        std::string out, frame;
        if (verdict == BatchVerdict::fresh || verdict == BatchVerdict::replay) {
            wire::encode_push_result(out, stream, batch_seq, verdict == BatchVerdict::replay, results);
            wire::append_frame(frame, Type::push_result, request_id, out);
        } else if (verdict == BatchVerdict::no_space) {
            wire::encode(out, wire::Error{ErrorCode::unavailable, "the server's disk is full: batch " +
                                                                      std::to_string(batch_seq) +
                                                                      " was not stored; send it again later"});
            wire::append_frame(frame, Type::error, request_id, out);
        } else {
            bool order = verdict == BatchVerdict::order;
            wire::encode(out, wire::Error{order ? ErrorCode::batch_order : ErrorCode::batch_mismatch,
                                          order ? "batch " + std::to_string(batch_seq) +
                                                      " comes after a later batch of its stream and was never committed"
                                                : "batch " + std::to_string(batch_seq) +
                                                      " was committed with other documents"});
            wire::append_frame(frame, Type::error, request_id, out);
        }
        asio::post(self->server_.io(), [self, frame = std::move(frame), charge]() mutable {
            self->answer(std::move(frame), charge);
        });
    };
    try {
        server_.pipeline().submit(std::move(payload), spans, std::move(source), std::move(done));
    } catch (const std::exception& e) {
        --in_flight_;
        server_.budget().release(*account_, charge);
        error(request_id, ErrorCode::internal, std::string("cannot write: ") + e.what());
        server_.fail(e.what());
    }
}

void Session::get_book(uint32_t request_id, std::string payload) {
    wire::GetBook m;
    if (!wire::decode(payload, m)) return error(request_id, ErrorCode::bad_payload, "GET_BOOK payload malformed");
    if (principal_->role != Role::reader && principal_->role != Role::admin) {
        return error(request_id, ErrorCode::forbidden, "only a reader or an admin may read books");
    }
    if (m.purpose.size() > kMaxPurpose) {
        return error(request_id, ErrorCode::bad_payload, "GET_BOOK purpose above 512 bytes");
    }
    ++in_flight_;
    auto self = shared_from_this();
    asio::post(server_.readers(), [self, request_id, m = std::move(m), who = principal_->name,
                                   role = principal_->role] {
        // One reader per pool thread, for as long as the server (and its store) lives.
        thread_local std::unique_ptr<BookReader> reader;
        thread_local const Store* reader_store = nullptr;
        if (!reader || reader_store != &self->server_.store()) {
            reader = std::make_unique<BookReader>(self->server_.store());
            reader_store = &self->server_.store();
        }
        auto reply = [self](std::string frame) {
            asio::post(self->server_.io(), [self, frame = std::move(frame)]() mutable { self->answer(std::move(frame), 0); });
        };
        std::string frame, out;
        try {
            Book book;
            if (!reader->read(m.id, book, m.history)) {
                wire::encode(out, wire::Error{ErrorCode::bad_id, "not a citizen ID, card number, social-insurance "
                                                                 "code or old ID: '" + m.id + "'"});
                wire::append_frame(frame, Type::error, request_id, out);
                return reply(std::move(frame));
            }
            wire::append_frame(frame, Type::book, request_id, m.fhir ? book_fhir(book) : book_json(book));
            // The book leaves only once the access audit holds its read (engine/access_log.hpp).
            AccessRecord read{now_us(), book.root, who, role,
                              AccessChannel::wire, m.fhir ? AccessWhat::book_fhir : AccessWhat::book, m.history,
                              book.episodes.empty() ? AccessOutcome::no_records : AccessOutcome::served,
                              static_cast<uint32_t>(book.episodes.size()), m.id, m.purpose};
            self->server_.pipeline().submit_note(
                [read = std::move(read)](StoreWriter& w) { append_access(w, read); },
                [reply, request_id, frame = std::make_shared<std::string>(std::move(frame))](bool stored) {
                    if (stored) return reply(std::move(*frame));
                    std::string refusal, why;
                    wire::encode(why, wire::Error{ErrorCode::unavailable, "the server's disk is full: the read "
                                                                          "cannot be recorded, so it is not served"});
                    wire::append_frame(refusal, Type::error, request_id, why);
                    reply(std::move(refusal));
                });
            return;
        } catch (const std::exception& e) {
            log(LogLevel::error, "reading book %s: %s", m.id.c_str(), e.what());
            frame.clear();
            wire::encode(out, wire::Error{ErrorCode::internal, e.what()});
            wire::append_frame(frame, Type::error, request_id, out);
        }
        reply(std::move(frame));
    });
}

void Session::appointments(uint32_t request_id, std::string payload) {
    wire::Appointments m;
    if (!wire::decode(payload, m)) return error(request_id, ErrorCode::bad_payload, "APPOINTMENTS payload malformed");
    if (principal_->role != Role::reader && principal_->role != Role::admin) {
        return error(request_id, ErrorCode::forbidden, "only a reader or an admin may list appointments");
    }
    AppointmentQuery query;
    if (!parse_day(std::to_string(m.from), query.from) || !parse_day(std::to_string(m.to), query.to) ||
        query.from > query.to || !(m.province.empty() || is_province_code(m.province))) {
        return error(request_id, ErrorCode::bad_payload,
                     "APPOINTMENTS needs real days yyyymmdd, from <= to, and a two-digit province code or none");
    }
    query.province = std::move(m.province);
    query.today = vietnam_today();
    ++in_flight_;
    auto self = shared_from_this();
    asio::post(server_.readers(), [self, request_id, query = std::move(query)] {
        std::string frame, out;
        try {
            wire::append_frame(frame, Type::appointments_reply, request_id,
                               appointments_json(self->server_.store(), query));
        } catch (const std::exception& e) {
            log(LogLevel::error, "listing appointments: %s", e.what());
            wire::encode(out, wire::Error{ErrorCode::internal, e.what()});
            wire::append_frame(frame, Type::error, request_id, out);
        }
        asio::post(self->server_.io(), [self, frame = std::move(frame)]() mutable { self->answer(std::move(frame), 0); });
    });
}

void Session::stats(uint32_t request_id) {
    ++in_flight_;
    auto self = shared_from_this();
    std::size_t connections = server_.connections(), budget = server_.budget().in_use();
    std::string feed = feed_stats_json(server_.feed(), now_us());  // the hub lives on this thread
    asio::post(server_.readers(), [self, request_id, connections, budget, feed = std::move(feed)] {
        Store& store = self->server_.store();
        PipelineStats p = self->server_.pipeline().stats();
        auto [entries, episodes] = store.read([](const StoreReader& r) {
            return std::pair(r.last_seq(), r.entries(r.tables().episodes));
        });
        uint64_t bytes = store.bytes_on_disk();
        std::string json = "{\"log_entries\":" + std::to_string(entries);
        json.append(",\"episodes\":").append(std::to_string(episodes));
        json.append(",\"store_bytes\":").append(std::to_string(bytes));
        json.append(",\"store_bytes_per_entry\":").append(std::to_string(entries ? bytes / entries : 0));
        json.append(",\"commits\":").append(std::to_string(p.commits));
        json.append(",\"batches\":").append(std::to_string(p.batches));
        json.append(",\"records\":").append(std::to_string(p.records));
        json.append(",\"writer_seconds\":").append(std::to_string(p.write_seconds));
        json.append(",\"connections\":").append(std::to_string(connections));
        json.append(",\"budget_bytes_in_use\":").append(std::to_string(budget));
        json.append(",\"feed\":").append(feed).append("}");
        std::string frame;
        wire::append_frame(frame, Type::stats_reply, request_id, json);
        asio::post(self->server_.io(), [self, frame = std::move(frame)]() mutable { self->answer(std::move(frame), 0); });
    });
}

void Session::person_op(uint32_t request_id, std::string payload) {
    if (principal_->role != Role::steward && principal_->role != Role::admin) {
        return error(request_id, ErrorCode::forbidden, "only a steward or an admin may run person operations");
    }
    if (payload.size() > wire::kMaxPersonOp) {
        return error(request_id, ErrorCode::bad_payload, "PERSON_OP payload above 4096 bytes");
    }
    wire::PersonOp op;
    std::string problem;
    if (!wire::decode(payload, op, problem)) return error(request_id, ErrorCode::bad_payload, std::move(problem));
    log(LogLevel::info, "%s: %s: person operation %s", peer_.c_str(), principal_->name.c_str(),
        std::string(wire::op_name(op.kind)).c_str());
    ++in_flight_;
    auto self = shared_from_this();
    auto reply = [self](std::string frame) {
        asio::post(self->server_.io(), [self, frame = std::move(frame)]() mutable { self->answer(std::move(frame), 0); });
    };
    if (!wire::writes(op.kind)) {
        asio::post(server_.readers(), [self, request_id, op = std::move(op), reply] {
            Store& store = self->server_.store();
            std::string frame;
            try {
                person::Steward steward(&store.dictionaries());
                std::string json = store.read([&](const StoreReader& r) { return read_person_op(steward, r, op); });
                frame = person_op_answer(request_id, false, std::move(json));
            } catch (const person::StewardError& e) {
                frame = person_op_answer(request_id, true, e.what());
            } catch (const std::exception& e) {
                log(LogLevel::error, "person operation %s: %s", std::string(wire::op_name(op.kind)).c_str(), e.what());
                std::string out;
                wire::encode(out, wire::Error{ErrorCode::internal, e.what()});
                wire::append_frame(frame, Type::error, request_id, out);
            }
            reply(std::move(frame));
        });
        return;
    }
    // The actor is the authenticated principal; the audit entry is dated when the writer runs the job.
    auto job = [op = std::move(op), who = principal_->name, dictionaries = &server_.store().dictionaries()](
                   StoreWriter& w) {
        person::Steward steward(dictionaries);
        return write_person_op(steward, w, op, person::Actor{who, op.why, now_us()});
    };
    try {
        server_.pipeline().submit_write(std::move(job), [request_id, reply](bool refused, std::string json) {
            reply(person_op_answer(request_id, refused, std::move(json)));  // on the writer thread, after the commit
        });
    } catch (const std::exception& e) {
        --in_flight_;
        error(request_id, ErrorCode::internal, std::string("cannot write: ") + e.what());
        server_.fail(e.what());
    }
}

void Session::subscribe(uint32_t request_id, std::string payload) {
    wire::Subscribe m;
    if (!wire::decode(payload, m)) return error(request_id, ErrorCode::bad_payload, "SUBSCRIBE payload malformed");
    if (principal_->role != Role::reader && principal_->role != Role::admin) {
        return error(request_id, ErrorCode::forbidden, "only a reader or an admin may read the feed");
    }
    if (feed_) return error(request_id, ErrorCode::protocol, "one subscription per connection");
    FeedHub::Consumer consumer;
    consumer.principal = principal_->name;
    consumer.name = std::move(m.name);
    consumer.transport = "binary";
    consumer.peer = peer_;
    consumer.filter.types = m.types == 0 ? uint8_t(kFeedAll) : m.types;
    consumer.filter.kinds = m.kinds == 0 ? uint8_t(kKindAll) : m.kinds;
    consumer.filter.residence_province = m.residence_province;
    consumer.filter.facility_province = m.facility_province;
    consumer.filter.records = m.records;
    FeedPump::Options options;
    options.from = m.from;
    options.follow = m.follow;
    options.window = std::clamp<std::size_t>(m.window, 1, kMaxFeedWindow);
    log(LogLevel::info, "%s: %s subscribes from %llu%s", peer_.c_str(), principal_->name.c_str(),
        (unsigned long long)m.from, m.follow ? ", following" : "");
    ++in_flight_;  // until the subscription ends: no idle timeout while it waits for commits
    std::weak_ptr<Session> weak = weak_from_this();
    auto deliver = [weak, request_id](const FeedChunk& chunk, uint64_t next, uint64_t head, bool end) {
        auto self = weak.lock();
        if (!self) return;
        wire::Feed feed{next, head, end, {}};
        feed.events.reserve(chunk.size());
        for (std::size_t i = 0; i < chunk.size(); ++i) feed.events.push_back({chunk.seqs[i], chunk.event(i)});
        std::string out;
        wire::encode(out, feed);
        if (end) {
            // Later, not here: ending the subscription destroys the pump that is calling.
            std::string frame;
            wire::append_frame(frame, Type::feed, request_id, out);
            asio::post(self->server_.io(), [self, frame = std::move(frame)]() mutable {
                self->end_subscription();
                ++self->in_flight_;  // answer() counts this frame as the subscription's answer
                self->answer(std::move(frame), 0);
            });
            return;
        }
        self->send(Type::feed, request_id, out);
    };
    Server& s = server_;
    feed_ = std::make_shared<FeedPump>(s.io(), s.readers(), s.store(), s.feed(), s.feed().add(std::move(consumer)),
                                       options, std::move(deliver));
    feed_->start();
}

void Session::feed_ack(std::string payload) {
    wire::FeedAck m;
    if (!wire::decode(payload, m)) return error(0, ErrorCode::bad_payload, "FEED_ACK payload malformed");
    if (feed_) feed_->acknowledged(m.next);  // an acknowledgement after the end has nothing left to free
}

void Session::end_subscription() {
    if (!feed_) return;
    feed_->stop();
    feed_.reset();
    --in_flight_;
}

void Session::answer(std::string frame, std::size_t charge) {
    send(std::move(frame));
    --in_flight_;
    server_.budget().release(*account_, charge);
    // Nothing outstanding and no frame begun: from now on the client is idle.
    if (in_flight_ == 0 && awaiting_header_ && state_ == State::authenticated) arm(server_.config().idle_timeout);
    wake_reader();
    maybe_finish();
}

void Session::maybe_finish() {
    if (closed_ || reading_ || in_flight_ > 0) return;
    if (say_bye_) {
        say_bye_ = false;
        send(Type::bye, 0, {});
    }
    close_after_flush_ = true;
    if (!writing_) close();
}

void Session::send(Type type, uint32_t request_id, std::string_view payload) {
    std::string frame;
    wire::append_frame(frame, type, request_id, payload);
    send(std::move(frame));
}

void Session::send(std::string frame) {
    if (closed_) return;
    outbox_.push_back(std::move(frame));
    if (!writing_) write_next();
}

void Session::error(uint32_t request_id, ErrorCode code, std::string message) {
    log(LogLevel::debug, "%s: ERROR %s: %s", peer_.c_str(), std::string(wire::error_name(code)).c_str(),
        message.c_str());
    std::string out;
    wire::encode(out, wire::Error{code, std::move(message)});
    send(Type::error, request_id, out);
    if (wire::is_fatal(code)) {
        closing_ = true;
        close_after_flush_ = true;
    }
}

void Session::write_next() {
    if (closed_) return;
    if (outbox_.empty()) {
        writing_ = false;
        if (close_after_flush_) close();
        return;
    }
    writing_ = true;
    asio::async_write(stream_, asio::buffer(outbox_.front()),
                      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                          self->outbox_.pop_front();
                          if (ec) return self->close();
                          self->write_next();
                      });
}

void Session::close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
    deadline_.cancel();
    wake_.cancel();
    if (feed_) feed_->stop();
    if (principal_) server_.release_principal(principal_->name);
    server_.closed(this);
}

}  // namespace ehb::net
