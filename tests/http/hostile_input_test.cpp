// Every route, with every kind of bad input: never a 500, always a problem+json (issue: foundation §3).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/access/api_key_service.hpp"
#include "app/config.hpp"
#include "app/demo/generator.hpp"
#include "app/membership/membership_service.hpp"
#include "http/api/api.hpp"
#include "http/test_app.hpp"
#include "test_support.hpp"

namespace andel {
namespace {

class HostileInput : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        router_ = app_->router.get();
    }

    http::Response Send(const std::string& method, const std::string& path, const std::string& body,
                        const std::string& token = app::kDemoBackOfficeToken) {
        http::Request r;
        r.method = method;
        r.path = path;
        r.target = path;
        r.body = body;
        r.request_id = "test";
        r.headers = {{"authorization", "Bearer " + token}, {"content-type", "application/json"}};
        return router_->Handle(r);
    }

    static std::string Fill(std::string pattern, const std::string& value_for_numbers) {
        for (const char* p :
             {"{member_number}", "{participant}", "{partner_code}", "{agreement_id}", "{sale_id}",
              "{method_id}", "{ean}", "{offer_code}", "{session_id}", "{store_code}", "{organisation_id}",
              "{account_id}", "{unit_id}", "{slot_id}", "{end_customer_id}", "{order_number}", "{cart_id}"}) {
            auto i = pattern.find(p);
            if (i != std::string::npos) pattern.replace(i, std::string(p).size(), value_for_numbers);
        }
        if (auto m = pattern.find("{market}"); m != std::string::npos) pattern.replace(m, 8, "se");
        auto i = pattern.find("{card_number}");
        if (i != std::string::npos) pattern.replace(i, 13, "6047000000000010");
        return pattern;
    }

    std::unique_ptr<test::TestApp> app_;
    http::Router* router_ = nullptr;
};

TEST_P(HostileInput, NoRouteAnswers500ToBadInput) {
    const std::vector<std::string> bodies = {
        "{",         // broken JSON
        "[]",        // not an object
        "\"text\"",  // not an object
        R"({"market": 7, "first_name": [], "home_store": {}, "reason": 1, "version": false})",  // wrong types
        R"({"unknown_field": "x"})",                                    // unknown field
        "{\"first_name\": \"\xff\xfe\"}",                               // bad UTF-8
        R"({"share_paid_minor": 99999999999999999999999})",             // number out of range
        R"({"person": {"national_id": "1", "first_name": "\u0000"}})",  // control characters, bad id
        std::string(200'000, '['),                                      // deep nesting
        "",                                                             // empty
    };
    const std::vector<std::string> numbers = {"33216744", "33216745", "abc", "1", std::string(300, '9')};
    for (const auto& route : router_->Routes()) {
        for (const auto& number : numbers) {
            std::string path = Fill(route.pattern, number);
            for (const auto& body : bodies) {
                // As a role the route admits, so the body is read (tills post receipts, partners their
                // sales; the rest is back office).
                auto r =
                    Send(route.method, path, body,
                         route.roles.contains("backoffice") || route.roles.empty() ? app::kDemoBackOfficeToken
                         : route.roles.contains("partner")                         ? app::kDemoPartnerToken
                                                                                   : app::kDemoTillToken);
                EXPECT_LT(r.status, 500)
                    << route.method << " " << path << " body " << body.substr(0, 40) << " -> " << r.body;
                if (r.status >= 400) {
                    EXPECT_EQ(r.content_type, "application/problem+json") << route.method << " " << path;
                    auto j = nlohmann::json::parse(r.body, nullptr, false);
                    ASSERT_FALSE(j.is_discarded()) << r.body;
                    EXPECT_EQ(j["status"], r.status);
                }
            }
        }
    }
}

TEST_P(HostileInput, EveryProtectedRouteRefusesAnonymousAndWrongKeys) {
    for (const auto& route : router_->Routes()) {
        if (route.roles.empty()) continue;
        std::string path = Fill(route.pattern, "33216744");
        http::Request r;
        r.method = route.method;
        r.path = path;
        r.request_id = "test";
        EXPECT_EQ(router_->Handle(r).status, 401) << route.method << " " << path;
        EXPECT_EQ(Send(route.method, path, "{}", "andel_0000000000000000_" + std::string(64, 'x')).status,
                  401)
            << route.method << " " << path;
        EXPECT_EQ(Send(route.method, path, "{}", "garbage").status, 401) << route.method << " " << path;
    }
}

TEST_P(HostileInput, TillKeyCannotReachBackOfficeRoutes) {
    for (const auto& route : router_->Routes()) {
        if (route.roles.empty() || route.roles.contains("till")) continue;
        auto r = Send(route.method, Fill(route.pattern, "33216744"), "{}", app::kDemoTillToken);
        EXPECT_EQ(r.status, 403) << route.method << " " << route.pattern;
    }
}

TEST_P(HostileInput, UnknownPathIs404AndWrongMethodIs405) {
    EXPECT_EQ(Send("GET", "/api/v1/nothing", "").status, 404);
    EXPECT_EQ(Send("PATCH", "/api/v1/members/33216744", "{}").status, 405);
}

INSTANTIATE_TEST_SUITE_P(Engines, HostileInput, ::testing::ValuesIn(test::Engines()));

}  // namespace
}  // namespace andel
