// Every route with every role and with none (issue 4 §5): a caller the route admits gets past the role check;
// any other gets 401 (no or dead credentials) or 403 (a role the route does not admit). The roles a route
// admits are its x-andel-roles (tests/http/openapi_test.cpp holds the router and api/openapi.yaml to the
// same sets). Person routes also get hostile bodies from an admitted session: never a 500.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "app/demo/generator.hpp"
#include "app/transaction.hpp"
#include "http/test_app.hpp"
#include "store/access/account_repository.hpp"
#include "test_support.hpp"

namespace andel {
namespace {

struct Caller {
    std::string name;
    std::string token;            // "" = no credentials
    std::set<std::string> roles;  // what this caller is, as the DOMAIN names it
    int64_t account_id = 0;       // a person's: each request gets a fresh session (some routes end it)
};

class RolesTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        auto& auth = *app_->auth;
        auto session_for = [&](int64_t account_id) { return NewSession(account_id); };
        auto member_account = [&](const std::string& number) {
            auto id = auth.SeedMemberPassword(
                number, number == app::kDemoMemberNumber ? app::kDemoMemberPassword : "roles-test-password");
            EXPECT_TRUE(id.ok()) << number;
            return id.value();
        };
        auto staff_account = [&](const std::string& role) {
            auto id = auth.SeedStaffAccount(role + "@roles.example", role, role, "roles-test-password");
            EXPECT_TRUE(id.ok());
            return id.value();
        };
        std::string participant;
        {
            auto c = app_->db->Read();
            participant =
                c->QueryOne(
                     "SELECT m.member_number FROM household_members hm JOIN members m ON m.id = hm.member_id "
                     "JOIN households h ON h.id = hm.household_id JOIN members o ON o.id = h.owner_member_id "
                     "WHERE o.member_number = '33216744' AND hm.role = 'participant' ORDER BY m.id")
                    ->Text(0);
        }
        app::RegisterInput profile;
        profile.market = "dk";
        profile.kind = "profile";
        profile.national_id = "0707901234";
        profile.first_name = "Pia";
        profile.last_name = "Profil";
        profile.contact = {std::string("pia@example.org"), std::nullopt, "Vej 3", "5000", "Odense"};
        auto registered = app_->membership->Register(profile, "test");
        ASSERT_TRUE(registered.ok()) << registered.error().detail;
        int64_t profile_account = 0;
        {
            auto id = app::InTransaction(*app_->db, [&](store::Connection& c) -> core::Result<int64_t> {
                auto member_id = store::AccountRepository(c).FindMemberIdByLogin({}, "pia@example.org", {});
                return auth.EnsureMemberAccount(c, *member_id);
            });
            profile_account = id.value();
        }
        callers_ = {
            {"none", "", {}},
            {"till key", app::kDemoTillToken, {"till"}},
            {"back-office key", app::kDemoBackOfficeToken, {"backoffice"}},
            {"household owner",
             session_for(member_account("33216744")),
             {"member", "household_owner"},
             member_account("33216744")},
            {"family member",
             session_for(member_account(participant)),
             {"member", "family_member"},
             member_account(participant)},
            {"customer with a profile", session_for(profile_account), {"profile"}, profile_account},
            {"store staff",
             session_for(staff_account("store_staff")),
             {"store_staff"},
             staff_account("store_staff")},
            {"service agent",
             session_for(staff_account("service_agent")),
             {"service_agent"},
             staff_account("service_agent")},
            {"back-office admin",
             session_for(staff_account("admin")),
             {"admin", "backoffice"},
             staff_account("admin")},
            {"portal administrator",
             session_for(staff_account("portal_admin")),
             {"portal_admin"},
             staff_account("portal_admin")},
            {"orderer", session_for(staff_account("orderer")), {"orderer"}, staff_account("orderer")},
            {"partner key", app::kDemoPartnerToken, {"partner"}},  // last: tests above pick callers by index
        };
    }

    std::string NewSession(int64_t account_id) {
        auto s = app::InTransaction(*app_->db, [&](store::Connection& c) {
            return app_->auth->OpenSession(c, account_id, "app", "password+sms", "roles test");
        });
        EXPECT_TRUE(s.ok());
        return s.value().token;
    }

    http::Response Send(const std::string& method, const std::string& path, const std::string& body,
                        const std::string& token) {
        http::Request r;
        r.method = method;
        r.path = path;
        r.target = path;
        r.body = body;
        r.request_id = "roles";
        r.remote_address = "192.0.2.55";
        r.headers = {{"content-type", "application/json"}};
        if (!token.empty()) r.headers.emplace_back("authorization", "Bearer " + token);
        return app_->router->Handle(r);
    }

    static std::string Fill(std::string pattern) {
        const std::pair<const char*, const char*> values[] = {{"{member_number}", "33216744"},
                                                              {"{participant}", "33216744"},
                                                              {"{market}", "se"},
                                                              {"{card_number}", "6047000000000010"},
                                                              {"{session_id}", "0000000000000000"},
                                                              {"{message_id}", "1"},
                                                              {"{customer_id}", "1"},
                                                              {"{campaign_id}", "1"},
                                                              {"{code}", "x"},
                                                              {"{partner_code}", "dk-synoptik"},
                                                              {"{agreement_id}", "1"},
                                                              {"{sale_id}", "S-1"},
                                                              {"{purpose}", "tracking_cookies"},
                                                              {"{method_id}", "1"},
                                                              {"{ean}", "5701234000013"},
                                                              {"{offer_code}", "x"},
                                                              {"{store_code}", "dk-odense-1"},
                                                              {"{number}", "33216744"},
                                                              {"{organisation_id}", "1"},
                                                              {"{account_id}", "1"},
                                                              {"{unit_id}", "1"},
                                                              {"{slot_id}", "1"},
                                                              {"{end_customer_id}", "1"},
                                                              {"{order_number}", "P00000001"},
                                                              {"{cart_id}", "1"}};
        for (const auto& [name, value] : values)
            for (auto i = pattern.find(name); i != std::string::npos; i = pattern.find(name))
                pattern.replace(i, std::string(name).size(), value);
        return pattern;
    }

    std::unique_ptr<test::TestApp> app_;
    std::vector<Caller> callers_;
};

TEST_P(RolesTest, EveryRouteWithEveryRoleAndWithNone) {
    const std::string refused_role = "this route is not open to role";
    int admitted = 0, refused = 0;
    for (const auto& route : app_->router->Routes()) {
        std::string path = Fill(route.pattern);
        ASSERT_EQ(path.find('{'), std::string::npos) << "no test value for a parameter of " << route.pattern;
        for (const auto& caller : callers_) {
            bool admits = route.roles.empty();
            for (const auto& r : caller.roles) admits = admits || route.roles.contains(r);
            auto response = Send(route.method, path, "{}",
                                 caller.account_id ? NewSession(caller.account_id) : caller.token);
            auto problem = nlohmann::json::parse(response.body, nullptr, false);
            std::string detail = problem.is_object() ? problem.value("detail", "") : "";
            std::string what = route.method + " " + route.pattern + " as " + caller.name;
            EXPECT_LT(response.status, 500) << what << ": " << response.body;
            if (admits) {
                ++admitted;
                EXPECT_EQ(detail.find(refused_role), std::string::npos) << what;
                EXPECT_NE(detail, "credentials required") << what;
            } else if (caller.token.empty()) {
                ++refused;
                EXPECT_EQ(response.status, 401) << what;
                EXPECT_EQ(detail, "credentials required") << what;
            } else {
                ++refused;
                EXPECT_EQ(response.status, 403) << what << ": " << response.body;
                EXPECT_NE(detail.find(refused_role), std::string::npos) << what;
            }
        }
    }
    EXPECT_GT(admitted, 100);
    EXPECT_GT(refused, 300);
}

TEST_P(RolesTest, AnEndedSessionIsRefusedOnProtectedRoutesButMayLogInAgain) {
    auto token = callers_[3].token;
    ASSERT_EQ(Send("POST", "/api/v1/auth/logout", "", token).status, 200);
    auto r = Send("GET", "/api/v1/me/sessions", "", token);
    EXPECT_EQ(r.status, 401);
    EXPECT_NE(r.body.find("the session has ended"), std::string::npos);
    auto login = Send("POST", "/api/v1/auth/login", R"({"login": "33216744", "password": "123456"})", token);
    EXPECT_EQ(login.status, 200) << login.body;
}

TEST_P(RolesTest, PageSessionsNeedTheirCsrfTokenForUnsafeRequests) {
    auto send_cookie = [&](const std::string& method, const std::string& path, const std::string& cookie,
                           const std::string& csrf) {
        http::Request r;
        r.method = method;
        r.path = path;
        r.target = path;
        r.request_id = "csrf";
        r.headers = {{"content-type", "application/json"}, {"cookie", "theme=dark; andel_session=" + cookie}};
        if (!csrf.empty()) r.headers.emplace_back("x-csrf-token", csrf);
        return app_->router->Handle(r);
    };
    std::string token = callers_[3].token;
    std::string csrf = app_->auth->CsrfTokenFor(token);
    EXPECT_EQ(send_cookie("GET", "/api/v1/me/sessions", token, "").status, 200)
        << "reading needs no CSRF token";
    auto forged = send_cookie("POST", "/api/v1/me/sessions/end-others", token, "");
    EXPECT_EQ(forged.status, 403);
    EXPECT_NE(forged.body.find("CSRF"), std::string::npos);
    EXPECT_EQ(send_cookie("POST", "/api/v1/me/sessions/end-others", token, std::string(64, 'a')).status, 403);
    EXPECT_EQ(send_cookie("POST", "/api/v1/me/sessions/end-others", token, csrf).status, 200);
    // Another session's CSRF token does not fit.
    EXPECT_EQ(send_cookie("POST", "/api/v1/me/sessions/end-others", token,
                          app_->auth->CsrfTokenFor(callers_[4].token))
                  .status,
              403);
}

TEST_P(RolesTest, SessionFixationALoginNeverKeepsAPresentedToken) {
    // A token planted before the login (by an attacker) is not what the login answers with.
    std::string planted = "s." + std::string(64, 'a');
    http::Request r;
    r.method = "POST";
    r.path = r.target = "/api/v1/auth/login";
    r.request_id = "fixation";
    r.body = R"({"login": "33216744", "password": "123456", "session": "web"})";
    r.headers = {{"content-type", "application/json"}, {"cookie", "andel_session=" + planted}};
    auto response = app_->router->Handle(r);
    ASSERT_EQ(response.status, 200) << response.body;
    std::string set_cookie;
    for (const auto& [k, v] : response.headers)
        if (k == "Set-Cookie") set_cookie = v;
    EXPECT_EQ(set_cookie.find(planted), std::string::npos);
    EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(set_cookie.find("Secure"), std::string::npos);
    EXPECT_NE(set_cookie.find("SameSite=Lax"), std::string::npos);
    EXPECT_FALSE(app_->auth->Authenticate(planted).has_value());
}

TEST_P(RolesTest, PersonRoutesNeverAnswer500ToBadInput) {
    const std::vector<std::string> bodies = {"{",
                                             "[]",
                                             R"({"login": 7, "password": []})",
                                             R"({"unknown": 1})",
                                             "{\"code\": \"\xff\xfe\"}",
                                             std::string(100'000, '['),
                                             ""};
    for (const auto& route : app_->router->Routes()) {
        if (route.roles.empty() || route.roles.contains("backoffice") || route.roles.contains("till") ||
            route.roles.contains("partner"))
            continue;
        for (const auto& caller : callers_) {
            bool admits = false;
            for (const auto& r : caller.roles) admits = admits || route.roles.contains(r);
            if (!admits) continue;
            for (const auto& body : bodies) {
                auto response = Send(route.method, Fill(route.pattern), body, NewSession(caller.account_id));
                EXPECT_LT(response.status, 500)
                    << route.method << " " << route.pattern << " " << response.body;
            }
            break;  // one admitted caller per route is enough here
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Engines, RolesTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel
