#include <yaml-cpp/yaml.h>

#include "http/api/api.hpp"
#include "http/json_body.hpp"
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

Authenticator ApiKeyAuthenticator(app::ApiKeyService& keys) {
    return [&keys](const Request& req, core::Error& error) -> std::optional<Principal> {
        auto header = req.Header("authorization");
        if (!header) return Principal{};
        if (!header->starts_with("Bearer ")) {
            error = {core::ErrorCode::kUnauthenticated, "use Authorization: Bearer <key>", {}, {}};
            return std::nullopt;
        }
        auto key = keys.Verify(std::string(header->substr(7)));
        if (!key) {
            error = {core::ErrorCode::kUnauthenticated, "unknown or revoked key", {}, {}};
            return std::nullopt;
        }
        return Principal{key->role, key->key_id, key->store_id};
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
}

}  // namespace andel::http
