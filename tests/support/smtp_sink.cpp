#include "support/smtp_sink.hpp"

#include <algorithm>
#include <cctype>

namespace andel::test {
namespace {

std::string Upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    return s;
}

// The path of "MAIL FROM:<a@b> SIZE=1" or "RCPT TO:<a@b>": what is between < and >.
std::string PathOf(const std::string& line) {
    size_t open = line.find('<');
    size_t close = line.find('>', open == std::string::npos ? 0 : open);
    if (open == std::string::npos || close == std::string::npos) return {};
    return line.substr(open + 1, close - open - 1);
}

}  // namespace

SmtpSink::SmtpSink() : server_([this](ClientStream& c) { Handle(c); }) {}

std::vector<SmtpSink::Message> SmtpSink::Messages() const {
    std::lock_guard lock(mu_);
    return messages_;
}

bool SmtpSink::WaitFor(size_t count, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return messages_.size() >= count; });
}

void SmtpSink::Handle(ClientStream& client) {
    if (!client.Write("220 andel-test-sink ESMTP\r\n")) return;
    Message current;
    std::string line;
    while (client.ReadLine(line)) {
        std::string verb = Upper(line.substr(0, line.find(' ')));
        if (Upper(line).rfind("MAIL FROM:", 0) == 0) {
            current = Message{};
            current.from = PathOf(line);
            client.Write("250 OK\r\n");
        } else if (Upper(line).rfind("RCPT TO:", 0) == 0) {
            current.to.push_back(PathOf(line));
            client.Write("250 OK\r\n");
        } else if (verb == "EHLO") {
            client.Write("250-andel-test-sink\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n");
        } else if (verb == "HELO") {
            client.Write("250 andel-test-sink\r\n");
        } else if (verb == "DATA") {
            if (current.to.empty()) {
                client.Write("503 RCPT first\r\n");
                continue;
            }
            client.Write("354 End data with <CR><LF>.<CR><LF>\r\n");
            std::string data;
            bool complete = false;
            while (client.ReadLine(line)) {
                if (line == ".") {
                    complete = true;
                    break;
                }
                if (!line.empty() && line[0] == '.') line.erase(0, 1);  // dot-unstuffing (RFC 5321 4.5.2)
                data += line;
                data += "\r\n";
            }
            if (!complete) return;
            current.data = std::move(data);
            {
                std::lock_guard lock(mu_);
                messages_.push_back(std::move(current));
            }
            cv_.notify_all();
            current = Message{};
            client.Write("250 OK queued\r\n");
        } else if (verb == "RSET") {
            current = Message{};
            client.Write("250 OK\r\n");
        } else if (verb == "NOOP") {
            client.Write("250 OK\r\n");
        } else if (verb == "QUIT") {
            client.Write("221 Bye\r\n");
            return;
        } else {
            client.Write("502 Command not implemented\r\n");
        }
    }
}

}  // namespace andel::test
