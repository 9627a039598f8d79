// Self-scanning through the API on SQLite and PostgreSQL (issue 9 §2): the store's hand scanner starts a
// session with the demo member's card, registers items and finishes at the self-scan till; the member's app
// sees the own session and no other; customer service deactivates the right and the scanner is refused
// with R_SCAN_5; only the back office revokes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/demo/generator.hpp"
#include "app/transaction.hpp"
#include "http/test_app.hpp"
#include "test_support.hpp"

namespace andel::http {
namespace {

using nlohmann::json;

class SelfScanApiTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        app::SeedDemoCatalogue(*app_->db, app_->config.markets, app_->clock);
        auto c = app_->db->Read();
        member_ = c->QueryOne("SELECT id FROM members WHERE member_number = '33216744'")->Int(0);
        card_ = c->QueryOne("SELECT card_number FROM cards WHERE member_id = $1 AND status = 'active'",
                            {store::Int(member_)})
                    ->Text(0);
    }
    std::string StaffSession(const std::string& role) {
        auto id = app_->auth->SeedStaffAccount(role + "@scan.example", role, role, "scan-test-password");
        EXPECT_TRUE(id.ok());
        auto s = app::InTransaction(*app_->db, [&](store::Connection& c) {
            return app_->auth->OpenSession(c, id.value(), "app", "password+sms", "api");
        });
        EXPECT_TRUE(s.ok());
        return s->token;
    }
    std::unique_ptr<test::TestApp> app_;
    int64_t member_ = 0;
    std::string card_;
};

TEST_P(SelfScanApiTest, AHandScannerSessionBecomesAReceiptOrAwaitsAnAudit_R_SCAN_2_R_SCAN_3) {
    auto [status, session] =
        app_->Call("POST", "/api/v1/self-scan/sessions", {{"card", card_}}, app::kDemoTillToken);
    ASSERT_EQ(status, 201) << session.dump();
    const std::string path = "/api/v1/self-scan/sessions/" + session["session_id"].get<std::string>();
    auto [added, with_milk] =
        app_->Call("POST", path + "/items", {{"ean", "5700000000011"}, {"quantity", 2}}, app::kDemoTillToken);
    ASSERT_EQ(added, 200) << with_milk.dump();
    EXPECT_EQ(with_milk["total_minor"], 2590);
    EXPECT_EQ(app_->Call("POST", path + "/items", {{"ean", "5700000000097"}, {"quantity", 750}},
                         app::kDemoTillToken)
                  .first,
              200);
    EXPECT_EQ(app_->Call("DELETE", path + "/items/5700000000097", nullptr, app::kDemoTillToken).first, 200);

    // The member's app sees the session; another store's till does not.
    auto [mine, seen] = app_->Call("GET", path, nullptr, app_->MemberSession(member_));
    ASSERT_EQ(mine, 200) << seen.dump();
    EXPECT_EQ(seen["items"].size(), 1u);
    EXPECT_EQ(app_->Call("GET", path, nullptr, app::kDemoTillTokenSe).first, 404);

    auto [finished, done] = app_->Call("POST", path + "/finish", {{"tender", "card"}}, app::kDemoTillToken);
    ASSERT_EQ(finished, 200) << done.dump();
    EXPECT_EQ(done["to_pay_minor"], 2590);
    if (done["audit"]["selected"].get<bool>()) {
        EXPECT_EQ(done["status"], "awaiting_audit");
        EXPECT_TRUE(done["receipt_id"].is_null());
        auto [a, audits] = app_->Call("GET", "/api/v1/self-scan/audits", nullptr, app::kDemoTillToken);
        ASSERT_EQ(a, 200);
        EXPECT_EQ(audits["items"].size(), 1u);
        auto [r, audited] =
            app_->Call("POST", path + "/audit",
                       {{"staff", "S-12"}, {"items", {{{"ean", "5700000000011"}, {"quantity", 2}}}}},
                       app::kDemoTillToken);
        ASSERT_EQ(r, 200) << audited.dump();
        EXPECT_EQ(audited["audit"]["discrepancy_minor"], 0);
        EXPECT_TRUE(audited["receipt_id"].is_string());
    } else {
        EXPECT_EQ(done["status"], "completed");
        EXPECT_TRUE(done["receipt_id"].is_string());
        EXPECT_TRUE(done["earned"].is_object());
        EXPECT_EQ(app_->Call("POST", path + "/audit", {{"staff", "S-12"}, {"items", json::array()}},
                             app::kDemoTillToken)
                      .first,
                  409);
    }
    EXPECT_EQ(app_->Call("POST", path + "/items", {{"ean", "5700000000011"}}, app::kDemoTillToken).first,
              409);
}

TEST_P(SelfScanApiTest, TheAppStartsItsOwnSessionInAStoreThatOffersIt_R_SCAN_1) {
    auto token = app_->MemberSession(member_);
    EXPECT_EQ(app_->Call("POST", "/api/v1/me/self-scan/sessions", {{"store", "dk-roskilde-1"}}, token)
                  .second["rule"],
              "R_SCAN_1");
    auto [status, session] =
        app_->Call("POST", "/api/v1/me/self-scan/sessions", {{"store", "dk-odense-1"}}, token);
    ASSERT_EQ(status, 201) << session.dump();
    EXPECT_EQ(session["device"], "app");
    EXPECT_EQ(app_->Call("POST", "/api/v1/me/self-scan/sessions", {{"store", "dk-odense-1"}}, token).first,
              409);
    // Only the store's self-scan till finishes.
    EXPECT_EQ(app_->Call("POST",
                         "/api/v1/self-scan/sessions/" + session["session_id"].get<std::string>() + "/finish",
                         json::object(), token)
                  .first,
              403);
}

TEST_P(SelfScanApiTest, CustomerServiceDeactivatesTheBackOfficeRevokes_R_SCAN_5) {
    auto agent = StaffSession("service_agent");
    auto [off, right] = app_->Call("PUT", "/api/v1/members/33216744/self-scan",
                                   {{"status", "deactivated"}, {"reason", "the member asked"}}, agent);
    ASSERT_EQ(off, 200) << right.dump();
    EXPECT_FALSE(right["allowed"]);
    auto [refused, problem] =
        app_->Call("POST", "/api/v1/self-scan/sessions", {{"card", card_}}, app::kDemoTillToken);
    EXPECT_EQ(refused, 422);
    EXPECT_EQ(problem["rule"], "R_SCAN_5");
    auto [no, why] = app_->Call("PUT", "/api/v1/members/33216744/self-scan",
                                {{"status", "revoked"}, {"reason", "review"}}, agent);
    EXPECT_EQ(no, 422);
    EXPECT_EQ(why["rule"], "R_SCAN_5");
    auto [yes, revoked] =
        app_->Call("PUT", "/api/v1/members/33216744/self-scan", {{"status", "revoked"}, {"reason", "review"}},
                   app::kDemoBackOfficeToken);
    ASSERT_EQ(yes, 200) << revoked.dump();
    EXPECT_EQ(revoked["status"], "revoked");
    EXPECT_EQ(app_->Call("GET", "/api/v1/members/33216744/self-scan", nullptr, agent).second["status"],
              "revoked");
    EXPECT_EQ(app_->Call("PUT", "/api/v1/stores/dk-roskilde-1/self-scan", {{"enabled", true}},
                         app::kDemoBackOfficeToken)
                  .first,
              200);
    EXPECT_EQ(app_->Call("PUT", "/api/v1/stores/dk-nowhere/self-scan", {{"enabled", true}},
                         app::kDemoBackOfficeToken)
                  .first,
              404);
}

INSTANTIATE_TEST_SUITE_P(Engines, SelfScanApiTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::http
