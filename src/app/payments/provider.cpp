#include "app/payments/provider.hpp"

#include <cctype>
#include <nlohmann/json.hpp>

#include "notify/http_client.hpp"

namespace andel::app {
namespace {

using nlohmann::json;

bool SafeId(const std::string& id) {
    if (id.empty() || id.size() > 100) return false;
    for (char c : id)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
    return true;
}

}  // namespace

ProviderAnswer HttpPaymentProvider::Call(const std::string& method, const std::string& path,
                                         const std::string& body) {
    notify::HttpRequest r;
    r.method = method;
    r.url = base_ + path;
    r.body = body;
    r.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + key_}};
    r.timeout_ms = timeout_ms_;
    auto got = notify::Fetch(r);
    ProviderAnswer a;
    if (!got.error.empty()) {
        // No answer: refused (nothing happened) or timed out (anything may have happened). Either way the
        // caller treats it as unknown and looks it up later.
        a.outcome = ProviderOutcome::kTimeout;
        a.reason = got.error;
        return a;
    }
    auto j = json::parse(got.body, nullptr, false);
    if (got.status == 402) {
        a.outcome = ProviderOutcome::kDeclined;
        a.reason = j.is_object() && j.contains("reason") && j["reason"].is_string()
                       ? j["reason"].get<std::string>()
                       : "declined";
        return a;
    }
    if (got.status == 404) {
        a.outcome = ProviderOutcome::kNotFound;
        return a;
    }
    if (got.status < 200 || got.status >= 300 || (!got.body.empty() && !j.is_object())) {
        a.outcome = ProviderOutcome::kError;
        a.reason = "provider answered " + std::to_string(got.status);
        return a;
    }
    a.outcome = ProviderOutcome::kOk;
    if (j.is_object()) {
        if (j.contains("id") && j["id"].is_string()) a.id = j["id"].get<std::string>();
        if (j.contains("label") && j["label"].is_string()) a.label = j["label"].get<std::string>();
        if (j.contains("status") && j["status"].is_string()) a.status = j["status"].get<std::string>();
    }
    if (!a.id.empty() && !SafeId(a.id)) {
        a.outcome = ProviderOutcome::kError;
        a.reason = "provider answered an unusable id";
    }
    return a;
}

ProviderAnswer HttpPaymentProvider::Verify(const std::string& token) {
    return Call("POST", "/v1/tokens/verify", json{{"token", token}}.dump());
}

ProviderAnswer HttpPaymentProvider::Authorise(const std::string& token, int64_t amount_minor,
                                              const std::string& currency, const std::string& reference) {
    auto a = Call("POST", "/v1/authorisations",
                  json{{"token", token},
                       {"amount_minor", amount_minor},
                       {"currency", currency},
                       {"reference", reference}}
                      .dump());
    if (a.outcome == ProviderOutcome::kOk && a.id.empty()) {
        a.outcome = ProviderOutcome::kError;
        a.reason = "provider answered no id";
    }
    return a;
}

ProviderAnswer HttpPaymentProvider::Capture(const std::string& id, int64_t amount_minor) {
    if (!SafeId(id)) return {ProviderOutcome::kError, "", "", "bad id", ""};
    return Call("POST", "/v1/authorisations/" + id + "/capture", json{{"amount_minor", amount_minor}}.dump());
}

ProviderAnswer HttpPaymentProvider::Refund(const std::string& id, int64_t amount_minor,
                                           const std::string& reference) {
    if (!SafeId(id)) return {ProviderOutcome::kError, "", "", "bad id", ""};
    return Call("POST", "/v1/authorisations/" + id + "/refunds",
                json{{"amount_minor", amount_minor}, {"reference", reference}}.dump());
}

ProviderAnswer HttpPaymentProvider::Void(const std::string& id) {
    if (!SafeId(id)) return {ProviderOutcome::kError, "", "", "bad id", ""};
    return Call("POST", "/v1/authorisations/" + id + "/void", "{}");
}

ProviderAnswer HttpPaymentProvider::Lookup(const std::string& reference) {
    auto a = Call("GET", "/v1/authorisations?reference=" + notify::UrlEncode(reference), "");
    return a;
}

}  // namespace andel::app
