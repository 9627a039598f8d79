// libFuzzer target: raw bytes to the HTTP server (src/http/server.cpp: Beast's parser under the server's
// limits, the target's decoding, keep-alive and pipelining, X-Forwarded-For, the response's encoding) in
// front of the router with every API route over test::TestApp. Each input is one TCP connection on
// 127.0.0.1: the bytes are written, the write side is shut, and the answer is read to the server's close.
// The input brings its own credentials (the demo dataset's fixed API keys are in the seeds and
// http.dict). It aborts when a handler's response breaks the API's contract (fuzz::CheckResponse), when
// the server answers with anything but HTTP/1.x, or when it does not close within 10 s.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_app.hpp"
#include "http/server.hpp"

namespace andel::fuzz {
namespace {

using namespace std::chrono_literals;

// The router, checked on every request the server hands it.
class CheckedRouter final : public http::Handler {
  public:
    explicit CheckedRouter(http::Router& router) : router_(router) {}
    http::Response Handle(http::Request& request) override {
        http::Response response = router_.Handle(request);
        CheckResponse(request, response);
        return response;
    }

  private:
    http::Router& router_;
};

// Small limits, so that inputs of a few KiB reach the 413 and 431 paths; short timeouts, so that a request
// the input leaves unfinished ends with the connection. 127.0.0.1 is a trusted proxy: X-Forwarded-For counts.
http::ServerOptions FuzzOptions() {
    http::ServerOptions options;
    options.port = 0;
    options.threads = 1;
    options.max_header_bytes = 2048;
    options.max_body_bytes = 8192;
    options.read_timeout = 2s;
    options.idle_timeout = 2s;
    options.write_timeout = 2s;
    options.shutdown_grace = 100ms;
    options.trusted_proxies = {"127.0.0.1"};
    return options;
}

struct Target {
    FuzzApp app;
    CheckedRouter handler{app.router()};
    http::Server server{FuzzOptions(), handler};
    Target() { server.Start(); }
};

[[noreturn]] void Fail(const char* what, std::string_view answer) {
    std::fprintf(stderr, "http fuzz: %s (errno %d)\n%.*s\n", what, errno, static_cast<int>(answer.size()),
                 answer.data());
    std::abort();
}

int Connect(uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) Fail("socket", {});
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const timeval patience{10, 0};  // the server's own timeouts are 2 s
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &patience, sizeof patience);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) Fail("connect", {});
    return fd;
}

// Writes what it can: the server may refuse the request (413, 431, 400) and close before it is all sent.
void SendAll(int fd, const uint8_t* data, size_t size) {
    while (size > 0) {
        const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n <= 0) return;
        data += n;
        size -= static_cast<size_t>(n);
    }
}

// Everything up to the server's close; a reset after an early refusal ends it too.
std::string ReadToClose(int fd) {
    std::string answer;
    char chunk[16 * 1024];
    for (;;) {
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n > 0) {
            answer.append(chunk, static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) Fail("no close within 10 s", answer);
        return answer;
    }
}

// Empty (the input was not a whole request), or HTTP/1.x; a reset may have cut it short.
bool IsHttpAnswer(std::string_view answer) {
    for (std::string_view version : {"HTTP/1.1 ", "HTTP/1.0 "})
        if (answer.starts_with(version) || version.starts_with(answer)) return true;
    return false;
}

}  // namespace
}  // namespace andel::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace andel::fuzz;
    static Target& target = *[] {
        QuietLogs();
        return new Target();
    }();
    const int fd = Connect(target.server.port());
    SendAll(fd, data, size);
    ::shutdown(fd, SHUT_WR);
    const std::string answer = ReadToClose(fd);
    ::close(fd);
    if (!IsHttpAnswer(answer)) Fail("the answer is not HTTP/1.x", answer);
    return 0;
}
