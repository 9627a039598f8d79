// api/openapi.yaml (served as /openapi.json) and the router agree: every registered route is described, every
// described operation is registered, and the roles each operation names in x-andel-roles are the route's.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "app/access/api_key_service.hpp"
#include "app/config.hpp"
#include "app/membership/membership_service.hpp"
#include "core/clock.hpp"
#include "http/api/api.hpp"
#include "http/router.hpp"
#include "http/test_app.hpp"
#include "test_support.hpp"

namespace andel {
namespace {

using nlohmann::json;

// "GET /api/v1/members/{member_number}"
using Operation = std::string;

const std::set<std::string> kHttpMethods = {"get",     "put",  "post",  "delete",
                                            "options", "head", "patch", "trace"};

std::string Upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    return s;
}

std::string Lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string List(const std::set<Operation>& ops) {
    std::string out;
    for (const auto& op : ops) out += "\n  " + op;
    return out;
}

std::string Roles(const std::set<std::string>& roles) {
    std::string out = "[";
    for (const auto& r : roles) out += (out.size() > 1 ? ", " : "") + r;
    return out + "]";
}

// The real router of `andel serve` (src/cli/main.cpp Serve) over a fresh SQLite database.
class OpenApiTest : public ::testing::Test {
  protected:
    void SetUp() override { app_ = std::make_unique<test::TestApp>("sqlite", false); }

    json Spec() const {
        json spec = json::parse(http::OpenApiJson(), nullptr, false);
        EXPECT_FALSE(spec.is_discarded()) << "OpenApiJson() is not JSON";
        return spec;
    }

    // Method + pattern of every registered route, with its roles.
    std::map<Operation, std::set<std::string>> RouterOperations() const {
        std::map<Operation, std::set<std::string>> out;
        for (const auto& r : app_->router->Routes()) out[Upper(r.method) + " " + r.pattern] = r.roles;
        return out;
    }

    // Method + path of every operation of the spec, with the JSON of the operation.
    static std::map<Operation, json> SpecOperations(const json& spec) {
        std::map<Operation, json> out;
        if (!spec.contains("paths") || !spec["paths"].is_object()) return out;
        for (const auto& [path, item] : spec["paths"].items()) {
            if (!item.is_object()) continue;
            for (const auto& [method, op] : item.items())
                if (kHttpMethods.contains(Lower(method))) out[Upper(method) + " " + path] = op;
        }
        return out;
    }

    std::unique_ptr<test::TestApp> app_;
};

TEST_F(OpenApiTest, IsOpenApi31Json) {
    json spec = Spec();
    ASSERT_TRUE(spec.is_object());
    ASSERT_TRUE(spec.contains("openapi"));
    EXPECT_EQ(spec["openapi"], "3.1.0");
    ASSERT_TRUE(spec.contains("info") && spec["info"].is_object());
    EXPECT_TRUE(spec["info"]["version"].is_string()) << "info.version must stay a string";
    ASSERT_TRUE(spec.contains("paths") && spec["paths"].is_object());
    EXPECT_FALSE(spec["paths"].empty());
    ASSERT_TRUE(spec.contains("components") && spec["components"].contains("schemas"));
    for (const char* name : {"Problem", "Member", "MemberSummary", "Card", "Household", "TillIdentity",
                             "Market", "Cooperative", "Store", "Terms"})
        EXPECT_TRUE(spec["components"]["schemas"].contains(name))
            << "components.schemas." << name << " missing";
    EXPECT_TRUE(spec["components"]["securitySchemes"].contains("apiKey"));
}

TEST_F(OpenApiTest, ServedAtOpenApiJson) {
    http::Request request;
    request.method = "GET";
    request.target = request.path = "/openapi.json";
    request.request_id = "openapi-test";
    http::Response response = app_->router->Handle(request);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, http::OpenApiJson());
}

TEST_F(OpenApiTest, EveryRouteIsDescribedAndEveryDescribedOperationIsRouted) {
    auto routed = RouterOperations();
    auto described = SpecOperations(Spec());
    ASSERT_FALSE(routed.empty());
    std::set<Operation> undocumented, unrouted;
    for (const auto& [op, roles] : routed)
        if (!described.contains(op)) undocumented.insert(op);
    for (const auto& [op, body] : described)
        if (!routed.contains(op)) unrouted.insert(op);
    EXPECT_TRUE(undocumented.empty())
        << "routes registered by the router but missing from api/openapi.yaml:" << List(undocumented);
    EXPECT_TRUE(unrouted.empty()) << "operations in api/openapi.yaml that the router does not register:"
                                  << List(unrouted);
}

TEST_F(OpenApiTest, RolesMatchTheRouter) {
    auto routed = RouterOperations();
    std::string mismatches;
    for (const auto& [op, body] : SpecOperations(Spec())) {
        auto it = routed.find(op);
        if (it == routed.end()) continue;  // reported by the test above
        if (!body.contains("x-andel-roles") || !body["x-andel-roles"].is_array()) {
            mismatches += "\n  " + op + ": no x-andel-roles list (router: " + Roles(it->second) + ")";
            continue;
        }
        std::set<std::string> roles;
        for (const auto& r : body["x-andel-roles"])
            if (r.is_string()) roles.insert(r.get<std::string>());
        if (roles != it->second)
            mismatches += "\n  " + op + ": x-andel-roles " + Roles(roles) + ", router " + Roles(it->second);
        // A public route needs no key; a route with roles takes the bearer key (the document's default).
        bool public_in_spec =
            body.contains("security") && body["security"].is_array() && body["security"].empty();
        if (public_in_spec != it->second.empty())
            mismatches += "\n  " + op +
                          (it->second.empty() ? ": public route should say security: []"
                                              : ": route with roles must not say security: []");
    }
    EXPECT_TRUE(mismatches.empty()) << "roles in api/openapi.yaml differ from the router's:" << mismatches;
}

}  // namespace
}  // namespace andel
