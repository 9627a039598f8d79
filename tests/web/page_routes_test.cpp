// Every page route (not /api/: the API has its own walkers in tests/http) with every kind of visitor and
// hostile input, on SQLite and PostgreSQL: anonymous, a member, staff, a portal orderer and administrator,
// each with their page session's cookie and CSRF token; path parameters that are ids, words, huge numbers
// and other organisations'; form bodies that are empty, broken, wrongly typed, invalid UTF-8 or very large.
// No answer is a 500.
#include <gtest/gtest.h>

#include "app/demo/generator.hpp"
#include "app/transaction.hpp"
#include "http/test_app.hpp"
#include "test_support.hpp"
#include "web/web.hpp"

namespace andel::web {
namespace {

class PageRoutesTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        portal_ = app_->SeedPortal();
        AddWebRoutes(*app_->router, *app_->services);
        int64_t demo_member = 0;
        {
            auto c = app_->db->Read();
            demo_member = c->QueryOne("SELECT id FROM members WHERE member_number = $1",
                                      {store::Text(app::kDemoMemberNumber)})
                              ->Int(0);
        }
        auto member_account =
            app::InTransaction(*app_->db, [&](store::Connection& c) -> core::Result<int64_t> {
                return app_->auth->EnsureMemberAccount(c, demo_member);
            });
        ASSERT_TRUE(member_account.ok());
        auto admin =
            app_->auth->SeedStaffAccount("pages-admin@andel.example", "A", "admin", "pages-test-pass-26");
        ASSERT_TRUE(admin.ok());
        visitors_ = {{"anonymous", ""},
                     {"member", Session(*member_account)},
                     {"staff admin", Session(*admin)},
                     {"orderer", Session(portal_.orderer_account_id)},
                     {"portal admin", Session(portal_.admin_account_id)}};
    }
    std::string Session(int64_t account_id) {
        auto s = app::InTransaction(*app_->db, [&](store::Connection& c) {
            return app_->auth->OpenSession(c, account_id, "web", "password+sms", "page walker");
        });
        EXPECT_TRUE(s.ok());
        return s.ok() ? s->token : std::string();
    }
    http::Response Send(const std::string& method, const std::string& target, const std::string& body,
                        const std::string& token) {
        http::Request r;
        r.method = method;
        r.target = target;
        auto q = target.find('?');
        r.path = target.substr(0, q);
        if (q != std::string::npos) r.query.emplace("q", target.substr(q + 1));
        r.body = body;
        r.request_id = "page-walker";
        r.remote_address = "192.0.2.90";
        r.headers = {{"content-type", "application/x-www-form-urlencoded"}, {"user-agent", "PageWalker/1.0"}};
        if (!token.empty()) r.headers.emplace_back("cookie", "andel_session=" + token);
        return app_->router->Handle(r);
    }
    std::unique_ptr<test::TestApp> app_;
    app::DemoPortal portal_;
    std::vector<std::pair<std::string, std::string>> visitors_;
};

TEST_P(PageRoutesTest, NoPageAnswers500ToAnyVisitorOrInput) {
    const std::vector<std::string> values = {std::to_string(portal_.elsa_id), "-1", "P00000001%FF",
                                             std::string(300, '9')};
    int requests = 0, pages = 0;
    for (const auto& route : app_->router->Routes()) {
        if (route.pattern.rfind("/api/", 0) == 0 || route.pattern.rfind("/dev/", 0) == 0) continue;
        ++pages;
        std::vector<std::string> paths;
        for (const auto& v : values) {
            std::string path = route.pattern;
            for (auto open = path.find('{'); open != std::string::npos; open = path.find('{')) {
                auto close = path.find('}', open);
                path.replace(open, close - open + 1, v);
            }
            paths.push_back(path);
            if (path == route.pattern) break;  // no parameters: one path is enough
        }
        for (const auto& [who, token] : visitors_) {
            std::string csrf = token.empty() ? std::string() : app_->auth->CsrfTokenFor(token);
            const std::vector<std::string> bodies = {
                "", "csrf_token=" + csrf,
                "csrf_token=" + csrf + "&quantity=abc&ean=x&name=&slot=1_2026-13-45&delivery=abc&weekday=9" +
                    "&window_start=25:99&capacity=-1&unit_id=abc&version=" + std::string(100, 'v'),
                "csrf_token=" + csrf + "&login=%FF%FE&password=%00&code=%ZZ&quantity=100000&" +
                    std::string(20'000, 'a') + "=1",
                "%%%&&&==="};
            for (const auto& path : paths) {
                if (route.method == "GET") {
                    for (const char* query : {"", "?q=%FF&offset=-5&limit=abc&category=..%2F&delivery=1_x"}) {
                        auto r = Send("GET", path + query, "", token);
                        ++requests;
                        EXPECT_LT(r.status, 500)
                            << "GET " << path << query << " as " << who << ": " << r.body;
                    }
                    continue;
                }
                for (const auto& body : bodies) {
                    auto r = Send(route.method, path, body, token);
                    ++requests;
                    EXPECT_LT(r.status, 500)
                        << route.method << " " << path << " as " << who << ": " << r.body.substr(0, 300);
                }
            }
        }
    }
    EXPECT_GT(pages, 60) << "the walker sees the page routes";
    EXPECT_GT(requests, 1000);
}

INSTANTIATE_TEST_SUITE_P(Engines, PageRoutesTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::web
