#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "support/local_server.hpp"

namespace andel::test {

// A local SMTP server for tests, on 127.0.0.1 and an ephemeral port, that accepts every message and keeps
// it: enough SMTP for libcurl (greeting, EHLO/HELO, MAIL FROM, RCPT TO, DATA with dot-unstuffing, RSET,
// NOOP, QUIT). One connection at a time, in a background thread; stopped by the destructor.
class SmtpSink {
  public:
    struct Message {
        std::string from;             // the MAIL FROM path, without < >
        std::vector<std::string> to;  // the RCPT TO paths, without < >
        std::string data;             // the message as received, dot-unstuffed, CRLF line endings
    };

    SmtpSink();
    SmtpSink(const SmtpSink&) = delete;
    SmtpSink& operator=(const SmtpSink&) = delete;

    int port() const { return server_.port(); }
    std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port()); }
    std::vector<Message> Messages() const;
    // Waits until at least `count` messages have arrived; false on timeout.
    bool WaitFor(size_t count, std::chrono::milliseconds timeout) const;

  private:
    void Handle(ClientStream& client);

    mutable std::mutex mu_;
    mutable std::condition_variable cv_;
    std::vector<Message> messages_;
    LocalServer server_;  // last: stopped first, before the state its thread uses
};

}  // namespace andel::test
