// Offers through the API on SQLite and PostgreSQL, over the demo catalogue and the demo's offers: the app
// lists and activates the member's offers (R_OFF_2); the price checker shows a product's member price and,
// for a scanned member card, the first name and the offers to activate, and tells a customer with a profile
// it is for members; the till prices a basket and posts the receipt with the quote, which is redeemed once.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/demo/generator.hpp"
#include "app/transaction.hpp"
#include "http/test_app.hpp"
#include "test_support.hpp"

namespace andel::http {
namespace {

using nlohmann::json;

class OfferApiTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        app::SeedDemoCatalogue(*app_->db, app_->config.markets, app_->clock);
        app::SeedDemoOffers(*app_->db, app_->config.markets, app_->clock);
        auto c = app_->db->Read();
        member_ = c->QueryOne("SELECT id FROM members WHERE member_number = '33216744'")->Int(0);
        card_ = c->QueryOne("SELECT card_number FROM cards WHERE member_id = $1 AND status = 'active'",
                            {store::Int(member_)})
                    ->Text(0);
    }
    std::unique_ptr<test::TestApp> app_;
    int64_t member_ = 0;
    std::string card_;
};

TEST_P(OfferApiTest, TheAppListsAndActivatesTheMembersOffers_R_OFF_2) {
    auto token = app_->MemberSession(member_);
    auto [status, list] = app_->Call("GET", "/api/v1/me/offers", nullptr, token);
    ASSERT_EQ(status, 200) << list.dump();
    std::map<std::string, json> by_code;
    for (const auto& o : list["items"]) by_code[o["code"]] = o;
    ASSERT_TRUE(by_code.count("dk-kaffe-3-for-2")) << list.dump();
    EXPECT_FALSE(by_code["dk-kaffe-3-for-2"]["activated"]);
    EXPECT_TRUE(by_code["dk-medlemspris-maelk"]["activated"]);  // needs no activation
    EXPECT_FALSE(by_code.count("se-kaffe-200-poang"));          // another market's
    EXPECT_FALSE(by_code["dk-kaffe-3-for-2"].contains("audience"));

    auto [a, activated] = app_->Call("POST", "/api/v1/me/offers/dk-kaffe-3-for-2/activation", nullptr, token);
    ASSERT_EQ(a, 200) << activated.dump();
    EXPECT_TRUE(activated["activated"]);
    EXPECT_EQ(app_->Call("POST", "/api/v1/me/offers/se-kaffe-200-poang/activation", nullptr, token).first,
              404);
    EXPECT_EQ(app_->Call("GET", "/api/v1/me/offers", nullptr, app::kDemoTillToken).first, 403);
}

TEST_P(OfferApiTest, ThePriceCheckerShowsPricesAndAMembersOffersToActivate_R_OFF_2) {
    auto [status, product] =
        app_->Call("GET", "/api/v1/price-checker/products/5700000000011", nullptr, app::kDemoKioskToken);
    ASSERT_EQ(status, 200) << product.dump();
    EXPECT_EQ(product["unit_price_minor"], 1295);
    EXPECT_EQ(product["member_price_minor"], 995);
    EXPECT_EQ(product["sold_in_store"], true);
    ASSERT_EQ(product["offers"].size(), 1u);
    auto [plain_status, plain] =
        app_->Call("GET", "/api/v1/price-checker/products/5700000000028", nullptr, app::kDemoKioskToken);
    ASSERT_EQ(plain_status, 200);
    EXPECT_TRUE(plain["member_price_minor"].is_null());
    EXPECT_EQ(app_->Call("GET", "/api/v1/price-checker/products/5700000000012", nullptr, app::kDemoKioskToken)
                  .first,
              422);
    EXPECT_EQ(
        app_->Call("GET", "/api/v1/price-checker/products/5700000000011", nullptr, app::kDemoTillToken).first,
        403);

    auto [m, mine] =
        app_->Call("POST", "/api/v1/price-checker/member-offers", {{"card", card_}}, app::kDemoKioskToken);
    ASSERT_EQ(m, 200) << mine.dump();
    EXPECT_FALSE(mine["first_name"].get<std::string>().empty());
    EXPECT_FALSE(mine.contains("last_name"));
    EXPECT_GE(mine["items"].size(), 3u);
    auto [act, done] =
        app_->Call("POST", "/api/v1/price-checker/activations",
                   {{"card", card_}, {"offer_code", "dk-kaffe-3-for-2"}}, app::kDemoKioskToken);
    ASSERT_EQ(act, 200) << done.dump();
    EXPECT_TRUE(done["activated"]);
    {
        auto c = app_->db->Read();
        EXPECT_EQ(
            c->QueryOne("SELECT channel FROM offer_activations WHERE member_id = $1", {store::Int(member_)})
                ->Text(0),
            "price_checker");
    }
    EXPECT_EQ(app_->Call("POST", "/api/v1/price-checker/member-offers", {{"card", "6047000000000999"}},
                         app::kDemoKioskToken)
                  .first,
              400);  // not a card number (its check digit)

    // A customer with a profile is told the price checker is for members.
    auto profile = app_->RegisterDanishProfile();
    ASSERT_FALSE(profile.cards.empty());
    auto [refused, problem] = app_->Call("POST", "/api/v1/price-checker/member-offers",
                                         {{"card", profile.cards[0].card_number}}, app::kDemoKioskToken);
    EXPECT_EQ(refused, 422);
    EXPECT_EQ(problem["rule"], "R_OFF_2") << problem.dump();
}

TEST_P(OfferApiTest, TheTillPricesTheBasketAndTheReceiptRedeemsTheQuoteOnce_R_OFF_1) {
    json basket = {
        {"customer", {{"card", card_}}},
        {"lines",
         {{{"sku", "5700000000011"}, {"category", "groceries"}, {"quantity", 1}, {"amount_minor", 1295}},
          {{"sku", "5700000000097"}, {"category", "groceries"}, {"quantity", 500}, {"amount_minor", 1000}}}}};
    auto [status, quote] = app_->Call("POST", "/api/v1/till/baskets", basket, app::kDemoTillToken);
    ASSERT_EQ(status, 200) << quote.dump();
    EXPECT_EQ(quote["lines"][0]["discount_minor"], 300);
    EXPECT_EQ(quote["lines"][0]["offer"], "dk-medlemspris-maelk");
    EXPECT_EQ(quote["to_pay_minor"], 1995);
    ASSERT_TRUE(quote["quote_id"].is_string());
    EXPECT_GT(quote["earns"]["bonus_minor"].get<int64_t>(), 110);  // 11 % of the apples' 10.00, and more

    json receipt = {
        {"receipt_id", "OFFER-1"},
        {"till", "till-1"},
        {"occurred_at", "2026-11-23T11:00:00Z"},
        {"customer", {{"card", card_}}},
        {"quote_id", quote["quote_id"]},
        {"lines",
         {{{"sku", "5700000000011"},
           {"category", "groceries"},
           {"amount_minor", 1295},
           {"discount_minor", 300}},
          {{"sku", "5700000000097"}, {"category", "groceries"}, {"quantity", 500}, {"amount_minor", 1000}}}},
        {"tenders", {{{"kind", "card"}, {"amount_minor", 1995}}}}};
    auto [posted, outcome] = app_->Call("POST", "/api/v1/till/receipts", receipt, app::kDemoTillToken);
    ASSERT_EQ(posted, 201) << outcome.dump();
    EXPECT_EQ(outcome["earned"]["bonus_minor"], quote["earns"]["bonus_minor"]);
    EXPECT_EQ(app_->Call("POST", "/api/v1/till/receipts", receipt, app::kDemoTillToken).first,
              200);  // replay
    receipt["receipt_id"] = "OFFER-2";
    EXPECT_EQ(app_->Call("POST", "/api/v1/till/receipts", receipt, app::kDemoTillToken).first, 409);

    auto [r, report] =
        app_->Call("GET", "/api/v1/offers/dk-frugt-11-procent/report", nullptr, app::kDemoBackOfficeToken);
    ASSERT_EQ(r, 200) << report.dump();
    EXPECT_EQ(report["redeemed"], 1);
    EXPECT_EQ(report["bonus_minor"], 110);

    // Bad baskets: a negative quantity, and no lines.
    basket["lines"][0]["quantity"] = -1;
    EXPECT_EQ(app_->Call("POST", "/api/v1/till/baskets", basket, app::kDemoTillToken).first, 422);
    EXPECT_EQ(
        app_->Call("POST", "/api/v1/till/baskets", {{"lines", json::array()}}, app::kDemoTillToken).first,
        400);
}

TEST_P(OfferApiTest, TheBackOfficeCreatesPausesAndListsOffers) {
    json offer = {{"code", "dk-test-smoer"},
                  {"market", "dk"},
                  {"title", "2 for 40 på smør"},
                  {"kind", "multi_buy"},
                  {"target", {{"kind", "products"}, {"eans", {"5700000000042"}}}},
                  {"params", {{"buy_quantity", 2}, {"bundle_price_minor", 4000}}},
                  {"valid_from", "2026-11-23"},
                  {"valid_to", "2026-12-06"},
                  {"limits", {{"per_receipt", 2}}}};
    auto [status, created] = app_->Call("POST", "/api/v1/offers", offer, app::kDemoBackOfficeToken);
    ASSERT_EQ(status, 201) << created.dump();
    EXPECT_EQ(created["state"], "active");
    EXPECT_EQ(created["params"]["bundle_price_minor"], 4000);
    EXPECT_EQ(app_->Call("POST", "/api/v1/offers", offer, app::kDemoBackOfficeToken).first, 409);
    auto [p, paused] = app_->Call("PUT", "/api/v1/offers/dk-test-smoer/status", {{"status", "paused"}},
                                  app::kDemoBackOfficeToken);
    ASSERT_EQ(p, 200);
    EXPECT_EQ(paused["state"], "paused");
    auto [l, list] = app_->Call("GET", "/api/v1/offers", nullptr, app::kDemoBackOfficeToken);
    ASSERT_EQ(l, 200);
    EXPECT_EQ(list["items"][0]["code"], "dk-test-smoer");  // newest first
    offer["kind"] = "half_price";
    offer["code"] = "dk-test-2";
    auto [bad, problem] = app_->Call("POST", "/api/v1/offers", offer, app::kDemoBackOfficeToken);
    EXPECT_EQ(bad, 422);
    EXPECT_EQ(problem["field"], "kind") << problem.dump();
    EXPECT_EQ(app_->Call("POST", "/api/v1/offers", offer, app::kDemoTillToken).first, 403);
}

INSTANTIATE_TEST_SUITE_P(Engines, OfferApiTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::http
