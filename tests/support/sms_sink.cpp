#include "support/sms_sink.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace andel::test {
namespace {

std::string Lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string TrimmedValue(const std::string& header_line) {
    size_t colon = header_line.find(':');
    size_t b = header_line.find_first_not_of(' ', colon + 1);
    return b == std::string::npos ? std::string() : header_line.substr(b);
}

}  // namespace

SmsSink::SmsSink() : server_([this](ClientStream& c) { Handle(c); }) {}

std::vector<SmsSink::Request> SmsSink::Messages() const {
    std::lock_guard lock(mu_);
    std::vector<Request> out;
    std::copy_if(requests_.begin(), requests_.end(), std::back_inserter(out),
                 [](const Request& r) { return r.status >= 200 && r.status < 300; });
    return out;
}

std::vector<SmsSink::Request> SmsSink::Requests() const {
    std::lock_guard lock(mu_);
    return requests_;
}

void SmsSink::FailNext(int n) {
    std::lock_guard lock(mu_);
    fail_next_ = n;
}

bool SmsSink::WaitFor(size_t count, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] {
        return static_cast<size_t>(std::count_if(requests_.begin(), requests_.end(), [](const Request& r) {
                   return r.status >= 200 && r.status < 300;
               })) >= count;
    });
}

void SmsSink::Handle(ClientStream& client) {
    std::string line;
    if (!client.ReadLine(line)) return;
    Request req;
    std::istringstream request_line(line);
    request_line >> req.method >> req.path;
    size_t content_length = 0;
    bool expect_continue = false;
    while (client.ReadLine(line) && !line.empty()) {
        std::string name = Lower(line.substr(0, line.find(':')));
        if (name == "content-length")
            content_length = std::stoul(TrimmedValue(line));
        else if (name == "content-type")
            req.content_type = TrimmedValue(line);
        else if (name == "authorization")
            req.authorization = TrimmedValue(line);
        else if (name == "expect" && Lower(TrimmedValue(line)) == "100-continue")
            expect_continue = true;
    }
    if (content_length > 1024 * 1024) return;
    if (expect_continue) client.Write("HTTP/1.1 100 Continue\r\n\r\n");
    if (!client.ReadExactly(content_length, req.body)) return;
    {
        std::lock_guard lock(mu_);
        if (fail_next_ > 0) {
            --fail_next_;
            req.status = 503;
        } else {
            req.status = req.method == "POST" ? 200 : 405;
        }
        requests_.push_back(req);
    }
    cv_.notify_all();
    std::string body = req.status == 200 ? R"({"status":"queued"})" : R"({"status":"unavailable"})";
    std::string response = "HTTP/1.1 ";
    response += std::to_string(req.status);
    response +=
        req.status == 200 ? " OK" : (req.status == 503 ? " Service Unavailable" : " Method Not Allowed");
    response += "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ";
    response += std::to_string(body.size());
    response += "\r\n\r\n";
    response += body;
    client.Write(response);
}

}  // namespace andel::test
