#pragma once
#include <string>

#include "core/result.hpp"

namespace andel::notify {

struct SmtpSettings {
    // smtp://host:port (STARTTLS when the server offers it; required with a username unless the host is
    // this machine) or smtps://host:port.
    std::string url;
    std::string from;                // the sender's address, e.g. no-reply@andel.example
    std::string username, password;  // empty: no authentication
    long timeout_ms = 10'000;
};

// Sends one plain-text UTF-8 e-mail over SMTP (libcurl): an RFC 5322 message with From, To, Subject (RFC
// 2047 encoded when not ASCII), Date, Message-ID, MIME-Version and Content-Type text/plain; charset=utf-8,
// 8bit, CRLF line endings. Invalid when an address is malformed or a header value holds CR or LF (header
// injection); Unavailable when the server cannot be reached or refuses. Error texts never hold the message.
core::Result<void> SendEmail(const SmtpSettings& settings, const std::string& to, const std::string& subject,
                             const std::string& body);

// The RFC 5322 message SendEmail uploads (exposed for tests). `date` and `message_id` are given by the
// caller.
std::string ComposeEmail(const std::string& from, const std::string& to, const std::string& subject,
                         const std::string& body, const std::string& date, const std::string& message_id);
// An RFC 2047 "B" encoding of a header value when it is not plain ASCII (folded into words of at most 75
// characters, split between UTF-8 characters); the value itself when it is.
std::string EncodeHeaderValue(const std::string& value);

}  // namespace andel::notify
