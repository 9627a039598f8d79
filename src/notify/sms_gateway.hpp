#pragma once
#include <string>

#include "core/result.hpp"

namespace andel::notify {

struct SmsGatewaySettings {
    std::string url;  // the gateway's endpoint, e.g. https://sms.example/v1/messages
    // The request body, a mustache template with {{to}} and {{text}}, e.g. {"to":"{{to}}","text":"{{text}}"}.
    // Values are escaped for the content type before substitution: as JSON string contents, or
    // URL-encoded when the content type is application/x-www-form-urlencoded.
    std::string body_template = R"({"to":"{{to}}","text":"{{text}}"})";
    std::string content_type = "application/json";
    std::string authorization;  // the Authorization header's value, e.g. "Bearer ..."; empty: none
    long timeout_ms = 10'000;
};

// Sends one SMS by POSTing to the gateway; a 2xx answer means sent. Otherwise Unavailable with "gateway
// answered <status>" (or why no answer came). Error texts never hold the message.
core::Result<void> SendSms(const SmsGatewaySettings& settings, const std::string& to,
                           const std::string& text);

// The request body SendSms posts (exposed for tests). Invalid when the template is not valid mustache.
core::Result<std::string> SmsRequestBody(const SmsGatewaySettings& settings, const std::string& to,
                                         const std::string& text);

}  // namespace andel::notify
