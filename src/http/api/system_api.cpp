#include <yaml-cpp/yaml.h>

#include "app/crypto.hpp"
#include "http/api/api.hpp"
#include "http/json_body.hpp"
#include "http/urlencoded.hpp"
#include "store/embedded_files.hpp"

namespace andel::http {
namespace {

nlohmann::json ToJson(const YAML::Node& n) {
    switch (n.Type()) {
        case YAML::NodeType::Map: {
            nlohmann::json o = nlohmann::json::object();
            for (const auto& kv : n) o[kv.first.as<std::string>()] = ToJson(kv.second);
            return o;
        }
        case YAML::NodeType::Sequence: {
            nlohmann::json a = nlohmann::json::array();
            for (const auto& v : n) a.push_back(ToJson(v));
            return a;
        }
        case YAML::NodeType::Scalar: {
            const std::string& s = n.Scalar();
            if (n.Tag() == "!") return s;  // quoted: always a string
            if (s == "true") return true;
            if (s == "false") return false;
            if (s == "null" || s == "~") return nullptr;
            if (!s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-')) {
                nlohmann::json num = nlohmann::json::parse(s, nullptr, false);
                if (!num.is_discarded() && num.is_number()) return num;
            }
            return s;
        }
        default:
            return nullptr;
    }
}

}  // namespace

const std::string& OpenApiJson() {
    static const std::string json = [] {
        const auto& files = embedded::Files();
        auto it = files.find("api/openapi.yaml");
        return Dump(ToJson(YAML::Load(std::string(it->second))));
    }();
    return json;
}

std::optional<std::string> CookieValue(const Request& req, std::string_view name) {
    auto header = req.Header("cookie");
    if (!header) return std::nullopt;
    std::string_view rest = *header;
    while (!rest.empty()) {
        size_t end = rest.find(';');
        std::string_view pair = rest.substr(0, end);
        while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
        if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=')
            return std::string(pair.substr(name.size() + 1));
        if (end == std::string_view::npos) break;
        rest.remove_prefix(end + 1);
    }
    return std::nullopt;
}

namespace {

// The csrf_token field of a form post (application/x-www-form-urlencoded), if any.
std::optional<std::string> FormCsrfToken(const Request& req) {
    auto type = req.Header("content-type");
    if (!type || !type->starts_with("application/x-www-form-urlencoded")) return std::nullopt;
    std::multimap<std::string, std::string> fields;
    if (!ParseQuery(req.body, fields)) return std::nullopt;
    auto it = fields.find("csrf_token");
    if (it == fields.end()) return std::nullopt;
    return it->second;
}

Principal FromSession(const app::auth::SessionIdentity& id, const std::string& token, bool by_cookie) {
    Principal p;
    const auto& s = id.principal;
    p.role = id.roles.front();
    p.roles.assign(id.roles.begin() + 1, id.roles.end());
    // A back-office admin is admitted wherever the back office's key is.
    if (p.role == app::auth::kRoleAdmin) p.roles.push_back(app::kRoleBackOffice);
    p.key_id = "session:" + s.session_public_id;
    p.account_id = s.account_id;
    p.member_id = s.member_id;
    p.member_number = s.member_number;
    p.organisation_id = s.organisation_id;
    p.session_public_id = s.session_public_id;
    p.session_token = token;
    p.by_cookie = by_cookie;
    return p;
}

}  // namespace

Authenticator ApiKeyAuthenticator(app::ApiKeyService& keys, app::auth::AuthService& auth) {
    return [&keys, &auth](const Request& req, core::Error& error) -> std::optional<Principal> {
        auto header = req.Header("authorization");
        if (header) {
            if (!header->starts_with("Bearer ")) {
                error = core::Error::Unauthenticated("use Authorization: Bearer <key or session token>");
                return std::nullopt;
            }
            std::string token(header->substr(7));
            if (token.starts_with("s.")) {
                auto id = auth.Authenticate(token);
                if (!id) {  // public routes (log in again) still answer; the others say why they refuse
                    Principal anonymous;
                    anonymous.session_ended = true;
                    return anonymous;
                }
                return FromSession(*id, token, false);
            }
            auto key = keys.Verify(token);
            if (!key) {
                error = core::Error::Unauthenticated("unknown or revoked key");
                return std::nullopt;
            }
            Principal p;
            p.role = key->role;
            p.key_id = key->key_id;
            p.store_id = key->store_id;
            p.partner_id = key->partner_id;
            return p;
        }
        auto cookie = CookieValue(req, kSessionCookie);
        if (!cookie) return Principal{};
        auto id = auth.Authenticate(*cookie);
        if (!id)
            return Principal{};  // a stale cookie is no credential: the page treats the caller as anonymous
        bool safe = req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS";
        if (!safe) {
            // A script sends the token in X-CSRF-Token; a page's plain form in its csrf_token field.
            std::optional<std::string> csrf;
            if (auto h = req.Header("x-csrf-token"))
                csrf = std::string(*h);
            else
                csrf = FormCsrfToken(req);
            if (!csrf || !app::ConstantTimeEquals(*csrf, auth.CsrfTokenFor(*cookie))) {
                // Not the page's own form: the cookie does not count (public routes still answer).
                Principal anonymous;
                anonymous.csrf_refused = true;
                return anonymous;
            }
        }
        return FromSession(*id, *cookie, true);
    };
}

void AddSystemRoutes(Router& router, Services& s) {
    router.Add("GET", "/healthz", {}, [](Context&) { return Response::Json(200, R"({"status":"ok"})"); });
    router.Add("GET", "/readyz", {}, [&s](Context& ctx) {
        if (s.db.Ping()) return Response::Json(200, R"({"status":"ready"})");
        return Problem({core::ErrorCode::kUnavailable, "the database does not answer", {}, {}},
                       ctx.request.request_id);
    });
    router.Add("GET", "/metrics", {}, [&router](Context&) {
        return Response::Text(200, router.MetricsText(), "text/plain; version=0.0.4; charset=utf-8");
    });
    router.Add("GET", "/openapi.json", {}, [](Context&) { return Response::Json(200, OpenApiJson()); });
}

void AddAllRoutes(Router& router, Services& s) {
    AddSystemRoutes(router, s);
    AddMembershipRoutes(router, s);
    AddLedgerRoutes(router, s);
    AddPointsShopRoutes(router, s);
    AddAuthRoutes(router, s);
    AddReloginRoutes(router, s);
    AddPrivacyRoutes(router, s);
    AddPartnerRoutes(router, s);
    AddCoopayRoutes(router, s);
    AddCatalogueRoutes(router, s);
    AddOfferRoutes(router, s);
    AddSelfScanRoutes(router, s);
    AddPortalRoutes(router, s);
}

}  // namespace andel::http
