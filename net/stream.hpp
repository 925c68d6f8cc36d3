// A connection's bytes, plain or under TLS: ehbd's sessions (binary and HTTP)
// are written once against this stream and work the same way on both.
// `Next` is what carries the bytes: a tcp::socket, or Beast's tcp_stream (its
// timeouts then bound the TLS records too). The stream holds the TLS layer
// by reference to its own `Next`: it does not move.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "net/tls.hpp"

namespace ehb::net {

template <class Next>
class Stream {
public:
    using executor_type = typename Next::executor_type;

    // `tls`: ehbd's context, or nullptr for plaintext.
    Stream(Next next, boost::asio::ssl::context* tls) : next_(std::move(next)) {
        if (tls) tls_.emplace(next_, *tls);
    }
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;

    executor_type get_executor() { return next_.get_executor(); }
    Next& next_layer() { return next_; }
    boost::asio::ip::tcp::socket& socket() {
        if constexpr (std::is_same_v<Next, boost::asio::ip::tcp::socket>) {
            return next_;
        } else {
            return next_.socket();
        }
    }
    bool tls() const { return tls_.has_value(); }

    // The server's side of the TLS handshake; only when tls().
    template <class Token>
    auto async_handshake(Token&& token) {
        return tls_->async_handshake(boost::asio::ssl::stream_base::server, std::forward<Token>(token));
    }
    // After the handshake: the CN of the client's certificate, empty without one.
    std::string peer_common_name() { return tls_ ? net::peer_common_name(tls_->native_handle()) : std::string(); }

    template <class Buffers, class Token>
    auto async_read_some(const Buffers& buffers, Token&& token) {
        return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
            [this](auto handler, const Buffers& b) {
                if (tls_) {
                    tls_->async_read_some(b, std::move(handler));
                } else {
                    next_.async_read_some(b, std::move(handler));
                }
            },
            token, buffers);
    }

    template <class Buffers, class Token>
    auto async_write_some(const Buffers& buffers, Token&& token) {
        return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
            [this](auto handler, const Buffers& b) {
                if (tls_) {
                    tls_->async_write_some(b, std::move(handler));
                } else {
                    next_.async_write_some(b, std::move(handler));
                }
            },
            token, buffers);
    }

private:
    Next next_;
    std::optional<boost::asio::ssl::stream<Next&>> tls_;
};

}  // namespace ehb::net
