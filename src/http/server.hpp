#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

#include "http/message.hpp"

namespace andel::http {

// The HTTP/1.1 server: keep-alive, limits, timeouts, graceful shutdown. It parses requests, calls
// Handler::Handle on an io thread and writes the Response; everything else (routing, auth) is the
// handler's. Boost.Beast stays behind the pimpl, in server.cpp.
//
// Threads: one io_context per thread (ServerOptions::threads); a connection lives on one of them for its
// whole life, so a connection needs no locks. Connections beyond ServerOptions::max_connections are
// accepted, sent a best-effort "503 Service Unavailable" with "Retry-After: 1", and closed.
class Server {
  public:
    Server(ServerOptions options, Handler& handler);
    ~Server();  // Stop()s
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and listens (throws std::runtime_error if it cannot), starts the io threads; returns at once.
    void Start();
    // The bound port (useful when ServerOptions::port is 0).
    uint16_t port() const;
    // Graceful: stops accepting, closes idle keep-alive connections, lets in-flight requests finish (up to
    // shutdown_grace, then closes what is left), joins the threads. Idempotent; callable from any thread
    // except an io thread (i.e. not from inside Handler::Handle).
    void Stop();
    // Blocks until Stop() has finished.
    void Wait();
    size_t active_connections() const;

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace andel::http
