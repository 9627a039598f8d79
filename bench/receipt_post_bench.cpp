// Benchmark (issue 3 §8): single receipts, POST /api/v1/till/receipts, at a fixed rate. Target: p99 < 10 ms
// at 1 000 requests/s. Not a test: record the figures in docs/benchmarks.md; bench/receipt_post.sh runs it
// against a server on a generated population.
//
//   ninja -C build receipt_post_bench
//   ./build/bench/receipt_post_bench --port PORT --key KEY [--key KEY ...] --cards FILE [--rate 1000]
//                                    [--seconds 30] [--connections 32] [--run-id ID]
//
// An open-loop load: request k is due at start + k / rate, whether or not earlier answers have come, and its
// latency is counted from when it was due, so a slow answer that holds up the next requests shows in their
// latencies too (no coordinated omission). A request due while every connection waits for an answer queues
// and its wait counts. Request k is a receipt of the store of the (k mod n)-th key: 1 000 receipts a second
// come from many stores, not one. Each receipt has 5 lines, a card tender and the card of a member taken at
// random from FILE; receipt ids are unique per run, so every request posts (none is a replay). Prints the
// rate reached, the latency percentiles, the answers by status, and exits 1 if any answer was not 201.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    int port = 0;
    std::vector<std::string> keys;
    std::string cards_file;
    double rate = 1000;
    double seconds = 30;
    int connections = 32;
    std::string run_id;
};

class Load {
  public:
    Load(asio::io_context& io, const Options& options, std::vector<std::string> cards)
        : io_(io), options_(options), cards_(std::move(cards)), timer_(io), rng_(7) {}

    void Start() {
        for (int i = 0; i < options_.connections; ++i) {
            auto c = std::make_unique<Connection>(io_);
            c->socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), options_.port));
            c->socket.set_option(tcp::no_delay(true));
            idle_.push_back(c.get());
            connections_.push_back(std::move(c));
        }
        start_ = Clock::now();
        total_ = static_cast<int64_t>(options_.rate * options_.seconds);
        Tick();
    }

    void Report() const {
        double elapsed = std::chrono::duration<double>(last_answer_ - start_).count();
        std::vector<double> ms = latencies_ms_;
        std::sort(ms.begin(), ms.end());
        auto at = [&](double q) {
            if (ms.empty()) return 0.0;
            size_t i = std::min(ms.size() - 1, static_cast<size_t>(q * static_cast<double>(ms.size())));
            return ms[i];
        };
        std::printf("%zu answers in %.1f s: %.0f requests/s (asked for %.0f/s over %d connections)\n",
                    ms.size(), elapsed, static_cast<double>(ms.size()) / elapsed, options_.rate,
                    options_.connections);
        std::printf("latency from when due, ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n",
                    at(0.50), at(0.90), at(0.99), at(0.999), ms.empty() ? 0.0 : ms.back());
        std::printf("answers by status:");
        for (const auto& [status, n] : statuses_) std::printf(" %d: %lld", status, static_cast<long long>(n));
        std::printf("; errors: %lld\n", static_cast<long long>(errors_));
    }

    bool AllPosted() const {
        return errors_ == 0 && statuses_.size() == 1 && statuses_.begin()->first == 201 &&
               statuses_.begin()->second == total_;
    }

  private:
    struct Connection {
        explicit Connection(asio::io_context& io) : socket(io) {}
        tcp::socket socket;
        beast::flat_buffer buffer;
        http::request<http::string_body> request;
        http::response<http::string_body> response;
        Clock::time_point due;
    };

    // Every millisecond: the requests now due join the queue, and idle connections take them.
    void Tick() {
        auto now = Clock::now();
        int64_t due_now = std::min<int64_t>(
            total_,
            static_cast<int64_t>(std::chrono::duration<double>(now - start_).count() * options_.rate) + 1);
        for (; issued_ < due_now; ++issued_) {
            due_.push_back(start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                        static_cast<double>(issued_) / options_.rate)));
        }
        Dispatch();
        if (issued_ < total_) {
            timer_.expires_at(now + std::chrono::milliseconds(1));
            timer_.async_wait([this](beast::error_code ec) {
                if (!ec) Tick();
            });
        }
    }

    void Dispatch() {
        while (!due_.empty() && !idle_.empty()) {
            Connection* c = idle_.back();
            idle_.pop_back();
            c->due = due_.front();
            due_.pop_front();
            Send(*c, sent_++);
        }
    }

    std::string Body(int64_t n) {
        static const char* kCategories[] = {"groceries", "groceries", "groceries", "dairy", "bakery"};
        std::uniform_int_distribution<int> amount(500, 20000), sku(0, 4999), cat(0, 4);
        std::uniform_int_distribution<size_t> card(0, cards_.size() - 1);
        std::string lines;
        int64_t total = 0;
        for (int i = 0; i < 5; ++i) {
            int a = amount(rng_);
            total += a;
            lines += (i ? "," : "") + std::string("{\"sku\":\"") + std::to_string(7300000000000 + sku(rng_)) +
                     "\",\"category\":\"" + kCategories[cat(rng_)] +
                     "\",\"amount_minor\":" + std::to_string(a) + "}";
        }
        return "{\"receipt_id\":\"P" + options_.run_id + "-" + std::to_string(n) +
               "\",\"till\":\"2\",\"occurred_at\":\"2026-11-23T12:00:00Z\",\"customer\":{\"card\":\"" +
               cards_[card(rng_)] + "\"},\"lines\":[" + lines +
               "],\"tenders\":[{\"kind\":\"card\",\"amount_minor\":" + std::to_string(total) + "}]}";
    }

    void Send(Connection& c, int64_t n) {
        c.request = {http::verb::post, "/api/v1/till/receipts", 11};
        c.request.set(http::field::host, "127.0.0.1");
        c.request.set(http::field::authorization,
                      "Bearer " + options_.keys[static_cast<size_t>(n) % options_.keys.size()]);
        c.request.set(http::field::content_type, "application/json");
        c.request.body() = Body(n);
        c.request.prepare_payload();
        http::async_write(c.socket, c.request, [this, &c](beast::error_code ec, size_t) {
            if (ec) return Fail(c);
            c.response = {};
            http::async_read(c.socket, c.buffer, c.response, [this, &c](beast::error_code ec, size_t) {
                if (ec) return Fail(c);
                last_answer_ = Clock::now();
                latencies_ms_.push_back(
                    std::chrono::duration<double, std::milli>(last_answer_ - c.due).count());
                ++statuses_[c.response.result_int()];
                idle_.push_back(&c);
                Dispatch();
            });
        });
    }

    // A broken connection is counted and not used again.
    void Fail(Connection&) { ++errors_; }

    asio::io_context& io_;
    Options options_;
    std::vector<std::string> cards_;
    asio::steady_timer timer_;
    std::mt19937_64 rng_;
    std::vector<std::unique_ptr<Connection>> connections_;
    std::vector<Connection*> idle_;
    std::deque<Clock::time_point> due_;
    Clock::time_point start_, last_answer_;
    int64_t total_ = 0, issued_ = 0, sent_ = 0, errors_ = 0;
    std::vector<double> latencies_ms_;
    std::map<int, int64_t> statuses_;
};

}  // namespace

int main(int argc, char** argv) {
    Options options;
    CLI::App app{"Single receipts at a fixed rate against an `andel serve` on 127.0.0.1"};
    app.add_option("--port", options.port, "the server's port")->required();
    app.add_option("--key", options.keys, "till keys, of the stores the receipts are posted in, in turn")
        ->required();
    app.add_option("--cards", options.cards_file, "a file of card numbers, one per line")->required();
    app.add_option("--rate", options.rate, "requests per second")->check(CLI::PositiveNumber);
    app.add_option("--seconds", options.seconds, "how long to send")->check(CLI::PositiveNumber);
    app.add_option("--connections", options.connections, "keep-alive connections")
        ->check(CLI::Range(1, 1000));
    app.add_option("--run-id", options.run_id,
                   "makes the receipt ids unique across runs (default: the time)");
    CLI11_PARSE(app, argc, argv);
    if (options.run_id.empty()) {
        options.run_id =
            std::to_string(std::chrono::system_clock::now().time_since_epoch().count() / 1000000);
    }
    std::vector<std::string> cards;
    std::ifstream in(options.cards_file);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) cards.push_back(line);
    }
    if (cards.empty()) {
        std::fprintf(stderr, "no card numbers in %s\n", options.cards_file.c_str());
        return 2;
    }
    asio::io_context io;
    Load load(io, options, std::move(cards));
    load.Start();
    io.run();
    load.Report();
    return load.AllPosted() ? 0 : 1;
}
