// A small synchronous HTTP client for tests of ehbd's HTTP API (test_http,
// test_monitor), over a real loopback socket, and helpers to read answers.
#pragma once

#include <simdjson.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <gtest/gtest.h>

#include <cctype>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "net/client.hpp"

namespace ehb::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

struct Answer {
    unsigned status = 0;
    std::map<std::string, std::string> fields;  // lower-case names; repeated fields joined by "\n"
    std::string body;
    std::string field(const std::string& name) const {
        auto it = fields.find(name);
        return it == fields.end() ? std::string() : it->second;
    }
};

inline std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// The ids of the events in a stream's text, in order.
inline std::vector<uint64_t> event_ids(const std::string& text) {
    std::vector<uint64_t> ids;
    for (std::size_t at = 0; (at = text.find("id: ", at)) != std::string::npos; at += 4) {
        if (at == 0 || text[at - 1] == '\n') ids.push_back(std::stoull(text.substr(at + 4)));
    }
    return ids;
}

// One keep-alive connection; every read gives up after 10 s.
class HttpClient {
public:
    explicit HttpClient(uint16_t port) : socket_(io_) {
        socket_.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        timeval tv{10, 0};
        setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }

    Answer request(bhttp::verb method, const std::string& target,
                   std::vector<std::pair<std::string, std::string>> fields = {}, const std::string& body = {}) {
        bhttp::request<bhttp::string_body> req{method, target, 11};
        req.set(bhttp::field::host, "127.0.0.1");
        for (const auto& [k, v] : fields) req.set(k, v);
        req.body() = body;
        req.prepare_payload();
        bhttp::write(socket_, req);
        return read();
    }
    Answer get(const std::string& target, std::vector<std::pair<std::string, std::string>> fields = {}) {
        return request(bhttp::verb::get, target, std::move(fields));
    }

    Answer read() {
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(64u << 20);
        bhttp::read(socket_, buffer_, parser);
        return to_answer(parser.get());
    }
    void send_raw(const std::string& bytes) { asio::write(socket_, asio::buffer(bytes)); }
    // True when the server closed the connection (reads EOF).
    bool closed() {
        boost::system::error_code ec;
        char c;
        socket_.read_some(asio::buffer(&c, 1), ec);
        return ec == asio::error::eof || ec == asio::error::connection_reset;
    }

    // Server-sent events: the head, then the body's text as it arrives.
    Answer open_stream(const std::string& target, std::vector<std::pair<std::string, std::string>> fields) {
        bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
        req.set(bhttp::field::host, "127.0.0.1");
        for (const auto& [k, v] : fields) req.set(k, v);
        bhttp::write(socket_, req);
        stream_ = std::make_unique<bhttp::response_parser<bhttp::empty_body>>();
        stream_->on_chunk_body(on_chunk_);
        bhttp::read_header(socket_, buffer_, *stream_);
        return to_answer(stream_->get());
    }
    // Reads until the stream's text holds `events` whole events (or it ends); returns all the text so far.
    const std::string& events(std::size_t events) {
        auto whole = [&] {
            const std::size_t end = text_.rfind("\n\n");  // an event ends with an empty line
            return end == std::string::npos ? 0 : event_ids(text_.substr(0, end)).size();
        };
        while (whole() < events && !stream_->is_done()) bhttp::read_some(socket_, buffer_, *stream_);
        return text_;
    }
    // Reads the stream to its end (the last chunk, or the connection closing).
    const std::string& to_end() {
        boost::system::error_code ec;
        while (!stream_->is_done() && !ec) bhttp::read_some(socket_, buffer_, *stream_, ec);
        return text_;
    }
    bool stream_done() const { return stream_->is_done(); }

private:
    template <class Message>
    static Answer to_answer(const Message& m) {
        Answer a;
        a.status = m.result_int();
        for (const auto& f : m) {
            std::string& v = a.fields[lower(std::string(f.name_string()))];
            if (!v.empty()) v += '\n';
            v.append(f.value().data(), f.value().size());
        }
        if constexpr (std::is_same_v<typename Message::body_type, bhttp::string_body>) a.body = m.body();
        return a;
    }

    asio::io_context io_;
    asio::ip::tcp::socket socket_;
    beast::flat_buffer buffer_;
    std::unique_ptr<bhttp::response_parser<bhttp::empty_body>> stream_;
    std::string text_;
    // The parser keeps a reference to its chunk callback.
    std::function<std::size_t(std::uint64_t, beast::string_view, boost::system::error_code&)> on_chunk_ =
        [this](std::uint64_t, beast::string_view data, boost::system::error_code&) {
            text_.append(data.data(), data.size());
            return data.size();
        };
};

inline std::string basic(const net::Credentials& c) {
    const std::string plain = c.principal + ":" + c.credential;
    std::string out(beast::detail::base64::encoded_size(plain.size()), '\0');
    out.resize(beast::detail::base64::encode(out.data(), plain.data(), plain.size()));
    return "Basic " + out;
}

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

class Json {
public:
    simdjson::dom::element parse(const std::string& text) {
        simdjson::dom::element e;
        EXPECT_EQ(parsers_.emplace_back().parse(texts_.emplace_back(text)).get(e), simdjson::SUCCESS) << text;
        return e;
    }

private:
    std::deque<std::string> texts_;
    std::deque<simdjson::dom::parser> parsers_;
};

inline std::string str(simdjson::dom::element e, const char* key) {
    std::string_view v;
    return e[key].get(v) == simdjson::SUCCESS ? std::string(v) : std::string("<none>");
}

}  // namespace ehb::test
