#include "http/server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>

namespace andel::http {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// A tiny handler: /hello answers JSON, /echo describes the request it got, /throw throws, /slow sleeps.
class TestHandler : public Handler {
  public:
    Response Handle(Request& request) override {
        if (request.path == "/hello") return Response::Json(200, R"({"hello":"world"})");
        if (request.path == "/throw") throw std::runtime_error("boom");
        if (request.path == "/slow") {
            slow_started.store(true);
            std::this_thread::sleep_for(200ms);
            return Response::Text(200, "slow done");
        }
        json query = json::array();
        for (const auto& [k, v] : request.query) query.push_back({k, v});
        json echo = {{"method", request.method},
                     {"target", request.target},
                     {"path", request.path},
                     {"query", query},
                     {"body", request.body},
                     {"request_id", request.request_id},
                     {"remote", request.remote_address},
                     {"x_test", request.Header("x-test").value_or("")}};
        Response response = Response::Json(200, echo.dump());
        response.headers.emplace_back("X-Extra", "1");
        return response;
    }
    std::atomic<bool> slow_started{false};
};

struct Reply {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    std::string Header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// A raw TCP client on 127.0.0.1: the test sees exactly the bytes the server sends.
class Client {
  public:
    explicit Client(uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd_ < 0) throw std::runtime_error("socket");
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
            throw std::runtime_error("connect");
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~Client() { ::close(fd_); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    bool Send(std::string_view data) {
        while (!data.empty()) {
            const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            data.remove_prefix(static_cast<size_t>(n));
        }
        return true;
    }

    // Reads one response; nullopt if the connection closes (or nothing comes within `timeout`) first.
    std::optional<Reply> Read(bool head = false, std::chrono::milliseconds timeout = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        size_t header_end;
        while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos)
            if (!Fill(deadline)) return std::nullopt;
        Reply reply;
        const std::string head_text = pending_.substr(0, header_end);
        pending_.erase(0, header_end + 4);
        size_t line_end = head_text.find("\r\n");
        const std::string status_line = head_text.substr(0, line_end);
        reply.status = std::stoi(status_line.substr(status_line.find(' ') + 1, 3));
        while (line_end != std::string::npos) {
            const size_t start = line_end + 2;
            line_end = head_text.find("\r\n", start);
            const std::string line =
                head_text.substr(start, line_end == std::string::npos ? line_end : line_end - start);
            const size_t colon = line.find(':');
            if (colon == std::string::npos) continue;
            std::string value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            reply.headers[Lower(line.substr(0, colon))] = value;
        }
        if (head || reply.status == 100 || reply.status == 204 || reply.status == 304) return reply;
        const size_t length = std::stoul(reply.headers.at("content-length"));
        while (pending_.size() < length)
            if (!Fill(deadline)) return std::nullopt;
        reply.body = pending_.substr(0, length);
        pending_.erase(0, length);
        return reply;
    }

    // True when the server closes the connection (EOF or reset) within `timeout`.
    bool ClosedWithin(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return false;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
            char buf[4096];
            const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) return true;  // EOF or ECONNRESET
            pending_.append(buf, static_cast<size_t>(n));
        }
    }

    const std::string& pending() const { return pending_; }

  private:
    bool Fill(std::chrono::steady_clock::time_point deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        char buf[16384];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) return false;
        pending_.append(buf, static_cast<size_t>(n));
        return true;
    }

    int fd_ = -1;
    std::string pending_;
};

ServerOptions TestOptions() {
    ServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.max_header_bytes = 1024;
    options.max_body_bytes = 1024;
    options.read_timeout = 300ms;
    options.idle_timeout = 5s;
    options.write_timeout = 5s;
    options.shutdown_grace = 5s;
    return options;
}

class ServerTest : public ::testing::Test {
  protected:
    void SetUp() override { Start(TestOptions()); }
    void Start(ServerOptions options) {
        if (server_) server_->Stop();
        server_ = std::make_unique<Server>(options, handler_);
        server_->Start();
    }
    uint16_t port() const { return server_->port(); }

    TestHandler handler_;
    std::unique_ptr<Server> server_;
};

std::string Get(const std::string& target, const std::string& extra_headers = "") {
    return "GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extra_headers + "\r\n";
}

void ExpectProblem(const Reply& reply, int status, const std::string& slug) {
    EXPECT_EQ(reply.status, status);
    EXPECT_EQ(reply.Header("content-type"), "application/problem+json");
    const json problem = json::parse(reply.body);
    EXPECT_EQ(problem.at("type"), "https://andel.coop/problems/" + slug);
    EXPECT_EQ(problem.at("status"), status);
    EXPECT_TRUE(problem.at("title").is_string());
    EXPECT_TRUE(problem.at("detail").is_string());
    EXPECT_FALSE(reply.Header("x-request-id").empty());
}

TEST_F(ServerTest, GetAnswers200WithBodyAndRequestId) {
    Client client(port());
    ASSERT_TRUE(client.Send(Get("/hello")));
    const auto reply = client.Read();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200);
    EXPECT_EQ(reply->body, R"({"hello":"world"})");
    EXPECT_EQ(reply->Header("content-type"), "application/json");
    EXPECT_EQ(reply->Header("content-length"), "17");
    EXPECT_TRUE(std::regex_match(reply->Header("x-request-id"), std::regex("[0-9a-f]{16}")));
    EXPECT_FALSE(reply->Header("date").empty());
}

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
    Client client(port());
    for (int i = 0; i < 2; ++i) {
        ASSERT_TRUE(client.Send(Get("/hello")));
        const auto reply = client.Read();
        ASSERT_TRUE(reply) << "request " << i;
        EXPECT_EQ(reply->status, 200);
    }
    // Pipelined: two requests in one write, answered in order.
    ASSERT_TRUE(client.Send(Get("/one") + Get("/two")));
    const auto first = client.Read();
    const auto second = client.Read();
    ASSERT_TRUE(first && second);
    EXPECT_EQ(json::parse(first->body).at("path"), "/one");
    EXPECT_EQ(json::parse(second->body).at("path"), "/two");
    EXPECT_EQ(first->Header("x-extra"), "1");
}

TEST_F(ServerTest, Http10ClosesAfterTheResponse) {
    Client client(port());
    ASSERT_TRUE(client.Send("GET /hello HTTP/1.0\r\n\r\n"));
    const auto reply = client.Read();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200);
    EXPECT_TRUE(client.ClosedWithin(2s));
}

TEST_F(ServerTest, HeadSendsHeadersWithoutBody) {
    Client client(port());
    ASSERT_TRUE(client.Send("HEAD /hello HTTP/1.1\r\nHost: test\r\n\r\n"));
    const auto reply = client.Read(/*head=*/true);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200);
    EXPECT_EQ(reply->Header("content-length"), "17");
    // No body bytes: the next response on the connection starts right away.
    ASSERT_TRUE(client.Send(Get("/hello")));
    const auto next = client.Read();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->status, 200);
    EXPECT_EQ(next->body, R"({"hello":"world"})");
}

TEST_F(ServerTest, PostBodyReachesTheHandler) {
    Client client(port());
    ASSERT_TRUE(
        client.Send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nX-Test: yes\r\n\r\nhello"));
    const auto reply = client.Read();
    ASSERT_TRUE(reply);
    const json echo = json::parse(reply->body);
    EXPECT_EQ(echo.at("method"), "POST");
    EXPECT_EQ(echo.at("body"), "hello");
    EXPECT_EQ(echo.at("x_test"), "yes");
    EXPECT_EQ(echo.at("remote"), "127.0.0.1");
    // Chunked bodies are decoded too.
    ASSERT_TRUE(
        client.Send("POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
    const auto chunked = client.Read();
    ASSERT_TRUE(chunked);
    EXPECT_EQ(json::parse(chunked->body).at("body"), "abcde");
}

TEST_F(ServerTest, BodyOverLimitIs413) {
    {
        Client client(port());
        ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 2000\r\n\r\n" +
                                std::string(2000, 'x')));
        const auto reply = client.Read();
        ASSERT_TRUE(reply);
        ExpectProblem(*reply, 413, "too-large");
        EXPECT_TRUE(client.ClosedWithin(3s));
    }
    {
        // Refused from Content-Length alone, before the body is sent.
        Client client(port());
        ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 100000000\r\n\r\n"));
        const auto reply = client.Read();
        ASSERT_TRUE(reply);
        ExpectProblem(*reply, 413, "too-large");
    }
    {
        // Chunked: refused while reading, once the chunks add up past the limit.
        Client client(port());
        const std::string chunk = "200\r\n" + std::string(0x200, 'y') + "\r\n";
        ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n" +
                                chunk + chunk + chunk));
        const auto reply = client.Read();
        ASSERT_TRUE(reply);
        ExpectProblem(*reply, 413, "too-large");
    }
}

TEST_F(ServerTest, HeaderOverLimitIs431) {
    Client client(port());
    ASSERT_TRUE(client.Send(Get("/hello", "X-Big: " + std::string(2000, 'a') + "\r\n")));
    const auto reply = client.Read();
    ASSERT_TRUE(reply);
    ExpectProblem(*reply, 431, "headers-too-large");
    EXPECT_TRUE(client.ClosedWithin(3s));
}

TEST_F(ServerTest, GarbageRequestLineIs400AndCloses) {
    Client client(port());
    ASSERT_TRUE(client.Send("HELLO THERE\r\n\r\n"));
    const auto reply = client.Read();
    ASSERT_TRUE(reply);
    ExpectProblem(*reply, 400, "malformed-request");
    EXPECT_EQ(reply->Header("connection"), "close");
    EXPECT_TRUE(client.ClosedWithin(3s));
}

TEST_F(ServerTest, MalformedHeadersAndChunksAre400) {
    const std::string cases[] = {
        "GET / HTTP/1.1\r\nHost: test\r\nBad Header: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: test\r\nContent-Length: abc\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
        "GET / HTTP/9.9\r\nHost: test\r\n\r\n",
        std::string("GET /\x01 HTTP/1.1\r\n\r\n"),
    };
    for (const auto& request : cases) {
        Client client(port());
        ASSERT_TRUE(client.Send(request));
        const auto reply = client.Read();
        ASSERT_TRUE(reply) << request;
        ExpectProblem(*reply, 400, "malformed-request");
    }
    // And the server is still fine.
    Client client(port());
    ASSERT_TRUE(client.Send(Get("/hello")));
    ASSERT_TRUE(client.Read());
}

TEST_F(ServerTest, HandlerExceptionIs500AndServerKeepsServing) {
    Client client(port());
    ASSERT_TRUE(client.Send(Get("/throw")));
    const auto reply = client.Read();
    ASSERT_TRUE(reply);
    ExpectProblem(*reply, 500, "internal");
    EXPECT_EQ(json::parse(reply->body).at("detail").get<std::string>().find("boom"), std::string::npos);
    // Same connection, next request.
    ASSERT_TRUE(client.Send(Get("/hello")));
    const auto next = client.Read();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->status, 200);
}

TEST_F(ServerTest, SlowClientIsCutOffAfterReadTimeout) {
    // Slow-loris: a byte every 50 ms keeps the connection busy, but the read timeout (300 ms) runs from the
    // request's first byte, so the server closes it anyway.
    Client client(port());
    const std::string partial = "GET /hello HTTP/1.1\r\nHost: test\r\nX-Slow: ";
    ASSERT_TRUE(client.Send(partial));
    const auto start = std::chrono::steady_clock::now();
    bool closed = false;
    while (std::chrono::steady_clock::now() - start < 5s) {
        if (client.ClosedWithin(50ms) || !client.Send("a")) {
            closed = true;
            break;
        }
    }
    EXPECT_TRUE(closed);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
}

TEST_F(ServerTest, IdleConnectionIsClosedAfterIdleTimeout) {
    ServerOptions options = TestOptions();
    options.idle_timeout = 200ms;
    Start(options);
    Client client(port());
    ASSERT_TRUE(client.Send(Get("/hello")));
    ASSERT_TRUE(client.Read());
    EXPECT_TRUE(client.ClosedWithin(3s));
}

TEST_F(ServerTest, StopLetsAnInFlightRequestFinish) {
    Client client(port());
    Client idle(port());
    ASSERT_TRUE(idle.Send(Get("/hello")));
    ASSERT_TRUE(idle.Read());
    ASSERT_TRUE(client.Send(Get("/slow")));
    while (!handler_.slow_started.load()) std::this_thread::sleep_for(1ms);
    auto stopped = std::async(std::launch::async, [&] { server_->Stop(); });
    const auto reply = client.Read();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200);
    EXPECT_EQ(reply->body, "slow done");
    EXPECT_EQ(reply->Header("connection"), "close");
    EXPECT_EQ(stopped.wait_for(5s), std::future_status::ready);
    EXPECT_TRUE(idle.ClosedWithin(1s));
    EXPECT_EQ(server_->active_connections(), 0u);
    server_->Stop();  // idempotent
    server_->Wait();  // returns at once once stopped
}

TEST_F(ServerTest, WaitReturnsAfterStopFromAnotherThread) {
    auto waiter = std::async(std::launch::async, [&] { server_->Wait(); });
    EXPECT_EQ(waiter.wait_for(50ms), std::future_status::timeout);
    server_->Stop();
    EXPECT_EQ(waiter.wait_for(5s), std::future_status::ready);
}

TEST_F(ServerTest, IncomingRequestIdIsEchoed) {
    Client client(port());
    ASSERT_TRUE(client.Send(Get("/echo", "X-Request-Id: abc-123_x.Y\r\n")));
    auto reply = client.Read();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->Header("x-request-id"), "abc-123_x.Y");
    EXPECT_EQ(json::parse(reply->body).at("request_id"), "abc-123_x.Y");

    // Not 1..64 of [A-Za-z0-9._-]: replaced by a generated one.
    for (const std::string& bad : std::vector<std::string>{"has space", std::string(65, 'a'), "semi;colon"}) {
        ASSERT_TRUE(client.Send(Get("/echo", "X-Request-Id: " + bad + "\r\n")));
        reply = client.Read();
        ASSERT_TRUE(reply);
        EXPECT_TRUE(std::regex_match(reply->Header("x-request-id"), std::regex("[0-9a-f]{16}"))) << bad;
    }
}

TEST_F(ServerTest, ClientAddressIsThePeerUnlessATrustedProxyForwardedIt) {
    auto remote = [&](const std::string& headers) {
        Client client(port());
        EXPECT_TRUE(client.Send(Get("/echo", headers)));
        auto reply = client.Read();
        return reply ? json::parse(reply->body).at("remote").get<std::string>() : std::string("no reply");
    };
    // Not trusted: a client cannot choose its own address (the per-address login limits count it).
    EXPECT_EQ(remote("X-Forwarded-For: 203.0.113.9\r\n"), "127.0.0.1");
    ServerOptions options = TestOptions();
    options.trusted_proxies = {"127.0.0.1", "10.0.0.2"};
    Start(options);
    EXPECT_EQ(remote(""), "127.0.0.1");
    EXPECT_EQ(remote("X-Forwarded-For: 203.0.113.9\r\n"), "203.0.113.9");
    // Entries left of the first untrusted hop are the client's own words: the rightmost untrusted one counts.
    EXPECT_EQ(remote("X-Forwarded-For: 198.51.100.1, 203.0.113.9, 10.0.0.2\r\n"), "203.0.113.9");
}

TEST_F(ServerTest, PercentDecodesPathAndQuery) {
    Client client(port());
    ASSERT_TRUE(client.Send(Get("/caf%C3%A9/a%20b+c?q=hello+world&x=%26%3D&x=2&flag&empty=")));
    const auto reply = client.Read();
    ASSERT_TRUE(reply);
    const json echo = json::parse(reply->body);
    EXPECT_EQ(echo.at("path"), "/café/a b+c");  // '+' is a space only in the query
    EXPECT_EQ(echo.at("target"), "/caf%C3%A9/a%20b+c?q=hello+world&x=%26%3D&x=2&flag&empty=");
    const json expected_query =
        json::parse(R"([["empty",""],["flag",""],["q","hello world"],["x","&="],["x","2"]])");
    EXPECT_EQ(echo.at("query"), expected_query);
}

TEST_F(ServerTest, BadPercentEscapesAre400) {
    Client client(port());
    for (const std::string target : {"/a%00b", "/a%zzb", "/a%2", "/ok?q=%0", "/ok?q=%00"}) {
        ASSERT_TRUE(client.Send(Get(target)));
        const auto reply = client.Read();
        ASSERT_TRUE(reply) << target;
        ExpectProblem(*reply, 400, "malformed-request");
    }
}

TEST_F(ServerTest, ExpectContinueGetsAnInterimResponse) {
    Client client(port());
    ASSERT_TRUE(client.Send(
        "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
    const auto interim = client.Read();
    ASSERT_TRUE(interim);
    EXPECT_EQ(interim->status, 100);
    ASSERT_TRUE(client.Send("abc"));
    const auto reply = client.Read();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200);
    EXPECT_EQ(json::parse(reply->body).at("body"), "abc");
}

TEST_F(ServerTest, ConnectionsBeyondTheLimitAreRefused) {
    ServerOptions options = TestOptions();
    options.max_connections = 1;
    Start(options);
    Client first(port());
    ASSERT_TRUE(first.Send(Get("/hello")));
    ASSERT_TRUE(first.Read());
    EXPECT_EQ(server_->active_connections(), 1u);
    Client second(port());
    // Best effort 503 with Retry-After, then close.
    const auto reply = second.Read(false, 3s);
    if (reply) {
        ExpectProblem(*reply, 503, "unavailable");
        EXPECT_EQ(reply->Header("retry-after"), "1");
    }
    EXPECT_TRUE(second.ClosedWithin(3s));
    // The first connection is unaffected.
    ASSERT_TRUE(first.Send(Get("/hello")));
    ASSERT_TRUE(first.Read());
}

TEST(Server, StartThrowsWhenThePortIsTaken) {
    TestHandler handler;
    ServerOptions options = TestOptions();
    Server first(options, handler);
    first.Start();
    options.port = first.port();
    Server second(options, handler);
    EXPECT_THROW(second.Start(), std::runtime_error);
}

}  // namespace
}  // namespace andel::http
