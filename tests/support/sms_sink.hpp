#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "support/local_server.hpp"

namespace andel::test {

// A local SMS gateway for tests, on 127.0.0.1 and an ephemeral port: a minimal HTTP/1.1 server that answers
// every POST with 200 and records it, or with 503 while told to fail. One connection at a time, in a
// background thread; stopped by the destructor.
class SmsSink {
  public:
    struct Request {
        std::string method, path, content_type, authorization, body;
        int status = 0;  // what the sink answered
    };

    SmsSink();
    SmsSink(const SmsSink&) = delete;
    SmsSink& operator=(const SmsSink&) = delete;

    int port() const { return server_.port(); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port()) + "/sms"; }
    // The requests answered with 2xx (the messages "sent").
    std::vector<Request> Messages() const;
    // Every request, failed ones included.
    std::vector<Request> Requests() const;
    // The next `n` requests are answered 503 (and not counted as messages).
    void FailNext(int n);
    // Waits until at least `count` messages have been accepted; false on timeout.
    bool WaitFor(size_t count, std::chrono::milliseconds timeout) const;

  private:
    void Handle(ClientStream& client);

    mutable std::mutex mu_;
    mutable std::condition_variable cv_;
    std::vector<Request> requests_;
    int fail_next_ = 0;
    LocalServer server_;  // last: stopped first, before the state its thread uses
};

}  // namespace andel::test
