#include "notify/sms_gateway.hpp"

#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>

#include "notify/http_client.hpp"

namespace andel::notify {
namespace {

bool IsFormEncoded(const std::string& content_type) {
    return content_type.rfind("application/x-www-form-urlencoded", 0) == 0;
}

// The value escaped for where it lands: inside a JSON string, or a form field.
std::string Escape(const std::string& value, bool form) {
    if (form) return UrlEncode(value);
    std::string quoted = nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return quoted.substr(1, quoted.size() - 2);
}

}  // namespace

core::Result<std::string> SmsRequestBody(const SmsGatewaySettings& settings, const std::string& to,
                                         const std::string& text) {
    namespace mustache = kainjow::mustache;
    bool form = IsFormEncoded(settings.content_type);
    mustache::mustache tmpl(settings.body_template);
    tmpl.set_custom_escape([](const std::string& s) { return s; });  // escaped below, for the content type
    if (!tmpl.is_valid()) return core::Error::Invalid("the SMS body template is not valid mustache", "sms");
    mustache::data data(mustache::data::type::object);
    data.set("to", Escape(to, form));
    data.set("text", Escape(text, form));
    std::string body = tmpl.render(data);
    if (!tmpl.is_valid()) return core::Error::Invalid("the SMS body template is not valid mustache", "sms");
    return body;
}

core::Result<void> SendSms(const SmsGatewaySettings& settings, const std::string& to,
                           const std::string& text) {
    auto body = SmsRequestBody(settings, to, text);
    if (!body.ok()) return body.error();
    HttpRequest request;
    request.method = "POST";
    request.url = settings.url;
    request.body = std::move(body).value();
    request.timeout_ms = settings.timeout_ms;
    request.headers.emplace_back("Content-Type", settings.content_type);
    if (!settings.authorization.empty())
        request.headers.emplace_back("Authorization", settings.authorization);
    HttpResult result = Fetch(request);
    if (result.Ok()) return core::Ok();
    std::string detail;
    if (!result.error.empty()) {
        detail = "gateway unreachable: ";
        detail += result.error;
    } else {
        detail = "gateway answered ";
        detail += std::to_string(result.status);
    }
    core::Error error;
    error.code = core::ErrorCode::kUnavailable;
    error.detail = std::move(detail);
    return error;
}

}  // namespace andel::notify
