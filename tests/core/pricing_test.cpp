// Pricing a basket with offers (core::PriceBasket, R_OFF_1): every kind, the stacking rules of
// docs/offers.md, per-receipt caps, and rounding.
#include "core/offers/pricing.hpp"

#include <gtest/gtest.h>

namespace andel::core {
namespace {

BasketLine Line(std::string sku, std::string category, int64_t quantity, int64_t amount,
                bool weighed = false) {
    return {std::move(sku), {std::move(category), "food"}, quantity, amount, weighed};
}

PricedOffer Offer(int64_t id, OfferKind kind, OfferTarget target, std::string on) {
    PricedOffer o;
    o.id = id;
    o.code = "o" + std::to_string(id);
    o.kind = kind;
    o.target = target;
    if (target == OfferTarget::kProducts) o.eans = {on};
    if (target == OfferTarget::kCategory) o.category = on;
    return o;
}

TEST(PricingTest, MemberPricePercentAndAmountOff_R_OFF_1) {
    auto member = Offer(1, OfferKind::kMemberPrice, OfferTarget::kProducts, "A");
    member.member_price_minor = 1000;
    auto percent = Offer(2, OfferKind::kPercentOff, OfferTarget::kCategory, "dairy");
    percent.percent_bp = 2500;
    auto amount = Offer(3, OfferKind::kAmountOff, OfferTarget::kProducts, "C");
    amount.amount_minor = 300;
    auto p = PriceBasket({Line("A", "bakery", 2, 3000), Line("B", "dairy", 1, 1995),
                          Line("C", "meat", 3, 600), Line("D", "meat", 1, 500)},
                         {member, percent, amount});
    EXPECT_EQ(p.lines[0].discount_minor, 1000);  // 2 x 15.00 at 10.00
    EXPECT_EQ(p.lines[1].discount_minor, 499);   // 25 % of 19.95 = 4.9875, half-even to 4.99
    EXPECT_EQ(p.lines[2].discount_minor, 600);   // 3 off of 2.00 each: never below zero
    EXPECT_EQ(p.lines[3].discount_minor, 0);
    EXPECT_EQ(p.discount_minor, 2099);
    EXPECT_EQ(p.total_minor, 6095);
    EXPECT_EQ(p.used.size(), 3u);
}

TEST(PricingTest, ThreeForTwoMakesTheCheapestOfEachBundleFree) {
    auto o = Offer(1, OfferKind::kMultiBuy, OfferTarget::kCategory, "snacks");
    o.buy_quantity = 3;
    o.pay_quantity = 2;
    // Units dearest first: 30 30 25 | 25 20 10 | 10 (left over) -> free: 25 and 10.
    auto p = PriceBasket({Line("X", "snacks", 2, 6000), Line("Y", "snacks", 2, 5000),
                          Line("Z", "snacks", 1, 2000), Line("W", "snacks", 2, 2000)},
                         {o});
    EXPECT_EQ(p.discount_minor, 2500 + 1000);
    EXPECT_EQ(p.lines[1].discount_minor, 2500);
    EXPECT_EQ(p.lines[3].discount_minor, 1000);
    ASSERT_EQ(p.used.size(), 1u);
    EXPECT_EQ(p.used[0].units, 2);  // bundles
}

TEST(PricingTest, TwoForFiftySpreadsTheDiscountAndCapsBundlesPerReceipt) {
    auto o = Offer(1, OfferKind::kMultiBuy, OfferTarget::kProducts, "K");
    o.buy_quantity = 2;
    o.bundle_price_minor = 5000;
    o.per_receipt = 2;
    auto p = PriceBasket({Line("K", "coffee", 5, 5 * 4995)}, {o});
    EXPECT_EQ(p.discount_minor, 2 * (2 * 4995 - 5000));  // two bundles, the fifth unit at full price
    EXPECT_EQ(p.used.at(0).units, 2);
    auto none = PriceBasket({Line("K", "coffee", 1, 4995)}, {o});
    EXPECT_EQ(none.discount_minor, 0);
    EXPECT_TRUE(none.used.empty());
}

TEST(PricingTest, ALineTakesOnlyTheBestPriceOfferAndTheRestGoElsewhere) {
    auto small = Offer(1, OfferKind::kPercentOff, OfferTarget::kCategory, "dairy");
    small.percent_bp = 1000;
    auto big = Offer(2, OfferKind::kMemberPrice, OfferTarget::kProducts, "M");
    big.member_price_minor = 500;
    auto p = PriceBasket({Line("M", "dairy", 1, 1500), Line("N", "dairy", 1, 1000)}, {small, big});
    EXPECT_EQ(p.lines[0].discount_minor, 1000);  // member price beats 10 %
    EXPECT_EQ(p.lines[1].discount_minor, 100);   // the 10 % still applies to the other line
    EXPECT_EQ(p.discount_minor, 1100);
}

TEST(PricingTest, ABasketOfferNeedsItsMinimumSpendAndTheLargestWins) {
    auto fifty = Offer(1, OfferKind::kAmountOff, OfferTarget::kBasket, "");
    fifty.amount_minor = 5000;
    fifty.min_spend_minor = 30000;
    auto ten = Offer(2, OfferKind::kPercentOff, OfferTarget::kBasket, "");
    ten.percent_bp = 1000;
    auto under = PriceBasket({Line("A", "x", 1, 29999)}, {fifty});
    EXPECT_EQ(under.discount_minor, 0);
    auto at = PriceBasket({Line("A", "x", 1, 20000), Line("B", "x", 1, 10000)}, {fifty, ten});
    EXPECT_EQ(at.discount_minor, 5000);
    EXPECT_EQ(at.lines[0].discount_minor + at.lines[1].discount_minor, 5000);
    EXPECT_EQ(at.lines[0].discount_minor, 3334);  // by net (3 333.3), the remainder to the first line
    auto big = PriceBasket({Line("A", "x", 1, 80000)}, {fifty, ten});
    EXPECT_EQ(big.discount_minor, 8000);  // 10 % of 800 beats 50 off
}

TEST(PricingTest, BonusOffersStackOnPriceOffersOnTheNet) {
    auto member = Offer(1, OfferKind::kMemberPrice, OfferTarget::kProducts, "APPLE");
    member.member_price_minor = 1500;  // per kg
    auto fruit = Offer(2, OfferKind::kExtraBonus, OfferTarget::kCategory, "fruit");
    fruit.bonus_bp = 1100;
    auto lower = Offer(3, OfferKind::kExtraBonus, OfferTarget::kCategory, "food");
    lower.bonus_bp = 200;
    // 1 234 g of apples at 20.00/kg = 24.68; member price 15.00/kg = 18.51; 11 % of 18.51 = 2.0361 -> 2.04.
    auto p = PriceBasket({Line("APPLE", "fruit", 1234, 2468, true), Line("BREAD", "bakery", 1, 1000)},
                         {member, fruit, lower});
    EXPECT_EQ(p.lines[0].discount_minor, 2468 - 1851);
    EXPECT_EQ(p.bonus_minor, 204 + 20);  // the bread earns the 2 % offer; the apples only the larger 11 %
}

TEST(PricingTest, ExtraPointsPerKronaAndAFixedPointsBonus) {
    auto twice = Offer(1, OfferKind::kExtraPoints, OfferTarget::kCategory, "fruit");
    twice.points_per_unit = 1;
    auto fixed = Offer(2, OfferKind::kPointsBonus, OfferTarget::kProducts, "COFFEE");
    fixed.points = 500;
    auto spend = Offer(3, OfferKind::kPointsBonus, OfferTarget::kBasket, "");
    spend.points = 100;
    spend.min_spend_minor = 50000;
    auto p = PriceBasket({Line("APPLE", "fruit", 1, 4599), Line("COFFEE", "coffee", 1, 5995)},
                         {twice, fixed, spend});
    EXPECT_EQ(p.points, 45 + 500);  // whole kronor of the fruit, and the coffee's bonus; 105.94 < 500
    EXPECT_EQ(p.discount_minor, 0);
}

TEST(PricingTest, NoOfferNoDiscountAndAnEmptyBasketIsZero) {
    auto p = PriceBasket({Line("A", "x", 1, 100)}, {});
    EXPECT_EQ(p.discount_minor, 0);
    EXPECT_TRUE(p.used.empty());
    auto empty = PriceBasket({}, {Offer(1, OfferKind::kPercentOff, OfferTarget::kBasket, "")});
    EXPECT_EQ(empty.total_minor, 0);
    EXPECT_TRUE(empty.used.empty());
}

}  // namespace
}  // namespace andel::core
