#include "support/local_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace andel::test {
namespace {

constexpr size_t kMaxLine = 64 * 1024;
constexpr int kIdleTimeoutMs = 10'000;

// Waits until `fd` is readable; false when the server is stopping or nothing came in time.
bool WaitReadable(int fd, int wake_fd, int timeout_ms) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
    for (;;) {
        int n = ::poll(fds, 2, timeout_ms);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        if (fds[1].revents) return false;
        return fds[0].revents != 0;
    }
}

}  // namespace

bool ClientStream::Fill() {
    if (!WaitReadable(fd_, wake_fd_, kIdleTimeoutMs)) return false;
    char chunk[4096];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
}

bool ClientStream::ReadLine(std::string& line) {
    for (;;) {
        size_t end = buffer_.find('\n');
        if (end != std::string::npos) {
            line.assign(buffer_, 0, end);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            buffer_.erase(0, end + 1);
            return true;
        }
        if (buffer_.size() > kMaxLine || !Fill()) return false;
    }
}

bool ClientStream::ReadExactly(size_t n, std::string& out) {
    while (buffer_.size() < n)
        if (!Fill()) return false;
    out.assign(buffer_, 0, n);
    buffer_.erase(0, n);
    return true;
}

bool ClientStream::Write(std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

LocalServer::LocalServer(Handler handler) : handler_(std::move(handler)) {
    if (::pipe(wake_) != 0) throw std::runtime_error("pipe failed");
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::runtime_error("socket failed");
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 128) != 0)
        throw std::runtime_error("bind/listen on 127.0.0.1 failed");
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
}

LocalServer::~LocalServer() {
    char byte = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_[1], &byte, 1);
    if (thread_.joinable()) thread_.join();
    ::close(listen_fd_);
    ::close(wake_[0]);
    ::close(wake_[1]);
}

void LocalServer::Serve() {
    for (;;) {
        if (!WaitReadable(listen_fd_, wake_[0], -1)) return;
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        ClientStream stream(fd, wake_[0]);
        handler_(stream);
        ::close(fd);
    }
}

}  // namespace andel::test
