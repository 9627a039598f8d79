// Coopay through the API (R_PAY_1, R_PAY_2), on SQLite and PostgreSQL: the member's app adds a card and
// activates Coopay in a BankID session, asks for a code; the till redeems it, posts the receipt with its
// mobile tender (which captures the payment) and a return (which refunds part of it); the member's history
// shows it. A password session cannot activate; a code is refused the second time with problem+json naming
// the rule.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/demo/generator.hpp"
#include "app/transaction.hpp"
#include "http/test_app.hpp"
#include "notify/http_client.hpp"
#include "test_support.hpp"

namespace andel::http {
namespace {

using nlohmann::json;

class CoopayApiTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        auto c = app_->db->Read();
        owner_ = c->QueryOne("SELECT id FROM members WHERE member_number = '33216744'")->Int(0);
    }
    // A session token of the demo member's login, opened with `method`.
    std::string Session(const std::string& method) {
        auto s = app::InTransaction(*app_->db, [&](store::Connection& c) {
            return app_->auth->OpenSession(c, app_->auth->EnsureMemberAccount(c, owner_), "app", method,
                                           "api");
        });
        EXPECT_TRUE(s.ok());
        return s->token;
    }
    std::pair<int, json> Send(const std::string& method, const std::string& path, const json& body,
                              const std::string& token) {
        Request r;
        r.method = method;
        r.path = path;
        r.target = path;
        r.body = body.is_null() ? "" : body.dump();
        r.request_id = "coopay";
        r.remote_address = "192.0.2.60";
        r.headers = {{"content-type", "application/json"}, {"authorization", "Bearer " + token}};
        auto response = app_->router->Handle(r);
        return {response.status, json::parse(response.body, nullptr, false)};
    }
    std::string Token() {
        notify::HttpRequest r;
        r.method = "POST";
        r.url = app_->psp->base_url() + "/v1/tokens";
        r.body = R"({"card_number": "4242424242424242"})";
        r.headers = {{"Authorization", "Bearer test-psp-key"}, {"Content-Type", "application/json"}};
        return json::parse(notify::Fetch(r).body).at("token").get<std::string>();
    }
    json Receipt(const std::string& id, int64_t amount, const std::string& original = "") {
        json r = {
            {"receipt_id", id},
            {"till", "1"},
            {"occurred_at", "2026-11-23T12:00:00Z"},
            {"customer", {{"card", "6047000000000010"}}},
            {"lines", {{{"sku", "5701234000011"}, {"category", "groceries"}, {"amount_minor", amount}}}},
            {"tenders", {{{"kind", "mobile"}, {"amount_minor", amount}}}}};
        if (!original.empty()) r["original_receipt_id"] = original;
        return r;
    }
    std::unique_ptr<test::TestApp> app_;
    int64_t owner_ = 0;
};

TEST_P(CoopayApiTest, TheAppActivatesTheTillRedeemsTheReceiptCapturesAndAReturnRefunds_R_PAY_1_R_PAY_2) {
    const std::string till = app::kDemoTillToken;
    std::string password = Session("password+sms"), bankid = Session("bankid");
    auto [added_status, method] = Send("POST", "/api/v1/me/payment-methods", {{"token", Token()}}, password);
    ASSERT_EQ(added_status, 201) << method.dump();
    EXPECT_EQ(method["label"], "Visa •••• 4242");
    auto [refused_status, refused] =
        Send("POST", "/api/v1/me/coopay/activation", {{"method_id", method["id"]}}, password);
    EXPECT_EQ(refused_status, 422);
    EXPECT_EQ(refused["rule"], "R_PAY_2") << refused.dump();
    auto [active_status, active] =
        Send("POST", "/api/v1/me/coopay/activation", {{"method_id", method["id"]}}, bankid);
    ASSERT_EQ(active_status, 200) << active.dump();
    EXPECT_EQ(active["active"], true);

    auto [code_status, code] = Send("POST", "/api/v1/me/coopay/codes", json(), password);
    ASSERT_EQ(code_status, 201) << code.dump();
    json pay = {{"code", code["code"]}, {"receipt_id", "API-CP-1"}, {"amount_minor", 25'000}};
    auto [paid_status, paid] = Send("POST", "/api/v1/till/coopay/payments", pay, till);
    ASSERT_EQ(paid_status, 201) << paid.dump();
    EXPECT_EQ(paid["status"], "authorised");
    EXPECT_EQ(Send("POST", "/api/v1/till/coopay/payments", pay, till).first, 200) << "a retry";
    pay["receipt_id"] = "API-CP-2";
    auto [again_status, again] = Send("POST", "/api/v1/till/coopay/payments", pay, till);
    EXPECT_EQ(again_status, 422);
    EXPECT_EQ(again["rule"], "R_PAY_1") << "used once already";

    ASSERT_EQ(Send("POST", "/api/v1/till/receipts", Receipt("API-CP-1", 25'000), till).first, 201);
    ASSERT_EQ(Send("POST", "/api/v1/till/receipts", Receipt("API-CP-1-R", -5'000, "API-CP-1"), till).first,
              201);
    auto [history_status, history] = Send("GET", "/api/v1/me/payments", json(), password);
    ASSERT_EQ(history_status, 200);
    ASSERT_EQ(history["items"].size(), 1u) << history.dump();
    EXPECT_EQ(history["items"][0]["status"], "captured");
    EXPECT_EQ(history["items"][0]["captured_minor"], 25'000);
    EXPECT_EQ(history["items"][0]["refunded_minor"], 5'000);
    EXPECT_EQ(history["items"][0]["store"], "dk-odense-1");
}

INSTANTIATE_TEST_SUITE_P(Engines, CoopayApiTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::http
