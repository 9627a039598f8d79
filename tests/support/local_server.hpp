#pragma once
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace andel::test {

// A client connection of a LocalServer: blocking reads that give up when the server stops, the peer closes,
// or nothing comes for a while.
class ClientStream {
  public:
    ClientStream(int fd, int wake_fd) : fd_(fd), wake_fd_(wake_fd) {}
    // One line without its CR LF; false at the end of the stream. Lines are bounded (64 KiB).
    bool ReadLine(std::string& line);
    // Exactly `n` bytes (after any buffered ones); false at the end of the stream.
    bool ReadExactly(size_t n, std::string& out);
    bool Write(std::string_view data);

  private:
    bool Fill();
    int fd_, wake_fd_;
    std::string buffer_;
};

// A TCP server on 127.0.0.1 and an ephemeral port for the tests' stand-ins of the outside world. Serves one
// connection at a time in a background thread; the destructor stops it (waking any blocked read) and joins.
class LocalServer {
  public:
    using Handler = std::function<void(ClientStream&)>;
    explicit LocalServer(Handler handler);
    ~LocalServer();
    LocalServer(const LocalServer&) = delete;
    LocalServer& operator=(const LocalServer&) = delete;
    int port() const { return port_; }

  private:
    void Serve();
    Handler handler_;
    int listen_fd_ = -1;
    int wake_[2] = {-1, -1};
    int port_ = 0;
    std::thread thread_;
};

}  // namespace andel::test
