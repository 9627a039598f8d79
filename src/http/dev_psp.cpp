#include "http/dev_psp.hpp"

#include <nlohmann/json.hpp>
#include <random>
#include <thread>

namespace andel::http {
namespace {

using nlohmann::json;

Response Json(int status, const json& body) {
    Response r;
    r.status = status;
    r.body = body.dump();
    return r;
}

std::string RandomHex(size_t n) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < n; ++i) out += kHex[rng() % 16];
    return out;
}

}  // namespace

DevPaymentProvider::DevPaymentProvider(std::string key, std::chrono::milliseconds slow)
    : key_(std::move(key)), slow_(slow) {}

DevPaymentProvider::~DevPaymentProvider() { Stop(); }

void DevPaymentProvider::Start(uint16_t port) {
    ServerOptions options;
    options.address = "127.0.0.1";
    options.port = port;
    options.threads = 2;
    options.shutdown_grace = std::chrono::milliseconds(100);
    server_ = std::make_unique<Server>(options, *this);
    server_->Start();
}

void DevPaymentProvider::Stop() {
    if (server_) server_->Stop();
    server_.reset();
}

std::string DevPaymentProvider::base_url() const {
    return "http://127.0.0.1:" + std::to_string(server_ ? server_->port() : 0);
}

std::optional<DevPaymentProvider::Authorisation> DevPaymentProvider::FindByReference(
    const std::string& reference) const {
    std::lock_guard lock(mu_);
    auto it = by_reference_.find(reference);
    if (it == by_reference_.end()) return std::nullopt;
    return by_id_.at(it->second);
}

int DevPaymentProvider::authorisations() const {
    std::lock_guard lock(mu_);
    return static_cast<int>(by_id_.size());
}

Response DevPaymentProvider::Handle(Request& request) {
    try {
        return Route(request);
    } catch (const std::exception&) {
        return Json(400, {{"reason", "bad request"}});
    }
}

Response DevPaymentProvider::Route(Request& request) {
    if (request.Header("authorization") != std::optional<std::string_view>("Bearer " + key_))
        return Json(401, {{"reason", "unknown key"}});
    json body = request.body.empty() ? json::object() : json::parse(request.body);
    const std::string& path = request.path;
    if (request.method == "POST" && path == "/v1/tokens") {
        std::string card = body.at("card_number").get<std::string>();
        if (card.size() < 12 || card.size() > 19) return Json(400, {{"reason", "card number"}});
        std::string kind = card == "4000000000000002"   ? "decline"
                           : card == "4000000000000119" ? "slow"
                                                        : "ok";
        std::string token = "tok_" + kind + "_" + RandomHex(24);
        std::string label = "Visa •••• " + card.substr(card.size() - 4);
        std::lock_guard lock(mu_);
        tokens_[token] = label;
        return Json(201, {{"token", token}, {"label", label}});
    }
    if (request.method == "POST" && path == "/v1/tokens/verify") {
        std::string token = body.at("token").get<std::string>();
        std::lock_guard lock(mu_);
        auto it = tokens_.find(token);
        if (it == tokens_.end()) return Json(402, {{"reason", "unknown token"}});
        return Json(200, {{"label", it->second}});
    }
    if (request.method == "POST" && path == "/v1/authorisations") {
        Authorisation a;
        a.token = body.at("token").get<std::string>();
        a.amount_minor = body.at("amount_minor").get<int64_t>();
        a.currency = body.at("currency").get<std::string>();
        a.reference = body.at("reference").get<std::string>();
        {
            std::lock_guard lock(mu_);
            if (!tokens_.contains(a.token)) return Json(402, {{"reason", "unknown token"}});
            if (a.token.starts_with("tok_decline")) return Json(402, {{"reason", "insufficient funds"}});
            if (auto it = by_reference_.find(a.reference); it != by_reference_.end())
                return Json(201, {{"id", it->second}});  // the same reference: the same authorisation
            a.id = "auth_" + std::to_string(next_++);
            a.status = "authorised";
            by_reference_[a.reference] = a.id;
            by_id_[a.id] = a;
        }
        // Authorised, but the answer comes too late for the caller: it cannot know.
        if (a.token.starts_with("tok_slow")) std::this_thread::sleep_for(slow_);
        return Json(201, {{"id", a.id}});
    }
    if (request.method == "GET" && path == "/v1/authorisations") {
        std::lock_guard lock(mu_);
        auto it = by_reference_.find(request.Query("reference").value_or(""));
        if (it == by_reference_.end()) return Json(404, {{"reason", "no such reference"}});
        const auto& a = by_id_.at(it->second);
        return Json(200, {{"id", a.id}, {"status", a.status}});
    }
    const std::string prefix = "/v1/authorisations/";
    if (request.method == "POST" && path.starts_with(prefix)) {
        auto rest = path.substr(prefix.size());
        auto slash = rest.find('/');
        if (slash == std::string::npos) return Json(404, {{"reason", "no such route"}});
        std::string id = rest.substr(0, slash), action = rest.substr(slash + 1);
        std::lock_guard lock(mu_);
        auto it = by_id_.find(id);
        if (it == by_id_.end()) return Json(404, {{"reason", "no such authorisation"}});
        auto& a = it->second;
        if (action == "capture") {
            int64_t amount = body.at("amount_minor").get<int64_t>();
            if (a.status == "captured" && a.captured_minor == amount) return Json(200, {{"id", a.id}});
            if (a.status != "authorised" || amount <= 0 || amount > a.amount_minor)
                return Json(409, {{"reason", "cannot capture"}});
            a.status = "captured";
            a.captured_minor = amount;
            return Json(200, {{"id", a.id}});
        }
        if (action == "refunds") {
            int64_t amount = body.at("amount_minor").get<int64_t>();
            if (a.status != "captured" || amount <= 0 || a.refunded_minor + amount > a.captured_minor)
                return Json(409, {{"reason", "cannot refund"}});
            a.refunded_minor += amount;
            return Json(200, {{"id", a.id}});
        }
        if (action == "void") {
            if (a.status == "captured") return Json(409, {{"reason", "captured"}});
            a.status = "voided";
            return Json(200, {{"id", a.id}});
        }
    }
    return Json(404, {{"reason", "no such route"}});
}

}  // namespace andel::http
