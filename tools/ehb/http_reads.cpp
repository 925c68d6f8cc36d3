#include "tools/ehb/http_reads.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>
#include <mutex>
#include <random>
#include <thread>

#include "net/tls.hpp"
#include "tools/ehb/summary.hpp"

namespace ehb::cli {

namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

std::string basic_authorization(const net::Credentials& c) {
    const std::string plain = c.principal + ":" + c.credential;
    std::string encoded(boost::beast::detail::base64::encoded_size(plain.size()), '\0');
    encoded.resize(boost::beast::detail::base64::encode(encoded.data(), plain.data(), plain.size()));
    return "Basic " + encoded;
}

}  // namespace

HttpReads read_books_over_http(const net::Endpoint& endpoint, const net::Credentials& credentials,
                               std::size_t connections, std::chrono::seconds duration, uint64_t citizens,
                               const std::function<std::string(uint64_t)>& citizen_id) {
    const std::string authorization = basic_authorization(credentials);
    const auto start = std::chrono::steady_clock::now(), stop = start + duration;
    std::mutex mutex;
    HttpReads total;
    std::vector<double> latencies_ms;
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < connections; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937_64 rng(t + 1);
            HttpReads mine;
            std::vector<double> mine_ms;
            try {
                asio::io_context io;
                asio::ip::tcp::socket socket(io);
                asio::ip::tcp::resolver resolver(io);
                asio::connect(socket, resolver.resolve(endpoint.host, std::to_string(endpoint.port)));
                socket.set_option(asio::ip::tcp::no_delay(true));
                bhttp::request<bhttp::empty_body> request;
                request.version(11);
                request.method(bhttp::verb::get);
                request.set(bhttp::field::host, endpoint.host);
                request.set(bhttp::field::authorization, authorization);
                request.keep_alive(true);
                auto read_books = [&](auto& stream) {
                    boost::beast::flat_buffer buffer;
                    while (std::chrono::steady_clock::now() < stop) {
                        request.target("/v1/books/" + citizen_id(rng() % citizens));
                        const auto sent = std::chrono::steady_clock::now();
                        bhttp::write(stream, request);
                        bhttp::response<bhttp::string_body> response;
                        bhttp::read(stream, buffer, response);
                        mine_ms.push_back(
                            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent).count());
                        ++mine.reads;
                        mine.bytes += response.body().size();
                        if (response.result() == bhttp::status::ok) ++mine.ok;
                        else if (response.result() == bhttp::status::not_found) ++mine.not_found;
                        else ++mine.errors;
                    }
                };
                if (endpoint.tls) {
                    asio::ssl::stream<asio::ip::tcp::socket&> tls(socket, endpoint.tls->context());
                    net::expect_host(tls.native_handle(), endpoint.host);
                    tls.handshake(asio::ssl::stream_base::client);
                    read_books(tls);
                } else {
                    read_books(socket);
                }
            } catch (const std::exception& e) {
                std::fprintf(stderr, "ehb bench: HTTP connection %zu: %s\n", t + 1, e.what());
                ++mine.errors;
            }
            std::lock_guard lock(mutex);
            total.reads += mine.reads;
            total.ok += mine.ok;
            total.not_found += mine.not_found;
            total.errors += mine.errors;
            total.bytes += mine.bytes;
            latencies_ms.insert(latencies_ms.end(), mine_ms.begin(), mine_ms.end());
        });
    }
    for (auto& t : threads) t.join();
    total.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    total.p50_ms = percentile(latencies_ms, 0.50);
    total.p99_ms = percentile(latencies_ms, 0.99);
    total.p999_ms = percentile(latencies_ms, 0.999);
    return total;
}

}  // namespace ehb::cli
