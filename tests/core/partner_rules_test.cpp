// The partner programme's rules as pure functions (R_PART_1, R_PART_3): the rate in force on the sale date,
// a new rate ending the old one, bonus per line rounded half-even, reversals that never take back more than
// the sale earned, the holding period, and points for bonus in a points market.
#include "core/partners/partner_rules.hpp"

#include <gtest/gtest.h>

namespace andel::core {
namespace {

const std::vector<PartnerAgreement> kOptician = {
    {1, "glasses", "Briller", 500, "2026-01-01", std::string("2026-06-30")},
    {2, "glasses", "Briller", 600, "2026-07-01", std::nullopt},
    {3, "subscriptions", "Abonnementer", 100, "2026-01-01", std::nullopt},
};

TEST(PartnerRules, SeedExamplesHoldExactly_R_PART_3) {
    std::vector<PartnerAgreement> tui = {{7, "travel", "Rejser", 500, "2026-01-01", std::nullopt}};
    auto big = PricePartnerSale(tui, {{"travel", 3'000'000}}, "2026-05-01");  // 30 000 DKK
    ASSERT_TRUE(big.ok());
    EXPECT_EQ((*big)[0].bonus_minor, 150'000);                                // 1 500 DKK
    auto small = PricePartnerSale(tui, {{"travel", 200'000}}, "2026-05-01");  // 2 000 DKK
    ASSERT_TRUE(small.ok());
    EXPECT_EQ((*small)[0].bonus_minor, 10'000);  // 100 DKK
}

TEST(PartnerRules, RateOfTheSaleDateApplies_R_PART_1) {
    EXPECT_EQ(AgreementInForce(kOptician, "glasses", "2025-12-31"), nullptr);
    EXPECT_EQ(AgreementInForce(kOptician, "glasses", "2026-01-01")->id, 1);
    EXPECT_EQ(AgreementInForce(kOptician, "glasses", "2026-06-30")->id, 1);  // the last day is in force
    EXPECT_EQ(AgreementInForce(kOptician, "glasses", "2026-07-01")->id, 2);
    EXPECT_EQ(AgreementInForce(kOptician, "frames", "2026-07-01"), nullptr);
}

TEST(PartnerRules, PerCategoryRatesAndHalfEvenRounding_R_PART_1) {
    // 5 % on glasses, 1 % on subscriptions (dk-partner-programme); 10.50 at 1 % is 0.105 -> 0.10 (half-even),
    // 10.70 at 1 % is 0.107 -> 0.11.
    auto r = PricePartnerSale(kOptician, {{"glasses", 100'000}, {"subscriptions", 1'050}, {"glasses", 20}},
                              "2026-03-01");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->size(), 2u);  // lines of one category are added up
    EXPECT_EQ((*r)[0].amount_minor, 100'020);
    EXPECT_EQ((*r)[0].bonus_minor, 5'001);
    EXPECT_EQ((*r)[1].bonus_minor, 10);
    EXPECT_EQ((*PricePartnerSale(kOptician, {{"subscriptions", 1'070}}, "2026-03-01"))[0].bonus_minor, 11);
}

TEST(PartnerRules, RefusesBadSales_R_PART_1) {
    EXPECT_EQ(PricePartnerSale(kOptician, {{"glasses", 100}}, "2025-12-31").error().rule, "R_PART_1");
    EXPECT_EQ(PricePartnerSale(kOptician, {{"frames", 100}}, "2026-03-01").error().rule, "R_PART_1");
    EXPECT_EQ(PricePartnerSale(kOptician, {{"glasses", 0}}, "2026-03-01").error().code, ErrorCode::kInvalid);
    EXPECT_EQ(PricePartnerSale(kOptician, {{"glasses", -1}}, "2026-03-01").error().code, ErrorCode::kInvalid);
    EXPECT_EQ(PricePartnerSale(kOptician, {}, "2026-03-01").error().code, ErrorCode::kMalformed);
}

TEST(PartnerRules, NewRateEndsTheOldOneTheDayBefore_R_PART_1) {
    std::vector<PartnerAgreement> open = {{1, "glasses", "B", 500, "2026-01-01", std::nullopt}};
    auto plan = PlanAgreement(open, {0, "glasses", "B", 700, "2026-09-01", std::nullopt});
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(**plan, 1);
    EXPECT_EQ(AddDays("2026-09-01", -1), "2026-08-31");
    EXPECT_EQ(AddDays("2026-03-01", -1), "2026-02-28");
    // Another category is untouched; one that starts on the same day or later is a conflict.
    EXPECT_FALSE(
        PlanAgreement(open, {0, "frames", "F", 700, "2026-09-01", std::nullopt}).value().has_value());
    EXPECT_EQ(PlanAgreement(open, {0, "glasses", "B", 700, "2026-01-01", std::nullopt}).error().code,
              ErrorCode::kConflict);
    EXPECT_EQ(
        PlanAgreement(open, {0, "glasses", "B", 700, "2026-09-01", std::string("2026-08-01")}).error().code,
        ErrorCode::kInvalid);
}

TEST(PartnerRules, ReversalsTakeBackInProportionAndNeverMore_R_PART_3) {
    std::vector<PricedPartnerLine> sale = {
        {"travel", 1'000'001, 500, 7, 50'000}};  // 50 000.05 rounds to 50 000
    std::map<std::string, PartnerLineLeft> left;
    auto part = PricePartnerReversal(sale, left, {{"travel", 500'000}});
    ASSERT_TRUE(part.ok());
    EXPECT_EQ((*part)[0].bonus_minor, 25'000);
    left["travel"] = {501'001, 25'000};
    // The rest returned in full takes exactly what is left of the bonus, whatever the rounding.
    auto rest = PricePartnerReversal(sale, left, {{"travel", 501'001}});
    ASSERT_TRUE(rest.ok());
    EXPECT_EQ((*rest)[0].bonus_minor, 25'000);
    // One øre more than is left is refused; a category the sale has not is refused.
    EXPECT_EQ(PricePartnerReversal(sale, left, {{"travel", 501'002}}).error().code, ErrorCode::kInvalid);
    EXPECT_EQ(PricePartnerReversal(sale, left, {{"hotel", 1}}).error().code, ErrorCode::kInvalid);
}

TEST(PartnerRules, HoldingPeriodAndJourneyDate_R_PART_3) {
    EXPECT_FALSE(PartnerReleaseDate("2026-11-20", 0, std::nullopt).has_value());
    EXPECT_EQ(*PartnerReleaseDate("2026-11-20", 30, std::nullopt), "2026-12-20");
    EXPECT_EQ(*PartnerReleaseDate("2026-11-20", 30, std::string("2027-02-01")), "2027-02-01");  // the later
    EXPECT_EQ(*PartnerReleaseDate("2026-11-20", 30, std::string("2026-12-01")), "2026-12-20");
    EXPECT_EQ(*PartnerReleaseDate("2026-11-20", 0, std::string("2026-12-24")), "2026-12-24");
    EXPECT_FALSE(PartnerReleaseDate("2026-11-20", 0, std::string("2026-11-20")).has_value());
}

TEST(PartnerRules, PointsForBonusAtThePointsShopRate_R_BON_5) {
    EXPECT_EQ(PointsForBonus(10'000, 20'000, 20'000), 10'000);  // 100 SEK of bonus -> 10 000 points
    EXPECT_EQ(PointsForBonus(3, 20'000, 40'000), 1);            // rounded down
    EXPECT_EQ(PointsForBonus(0, 20'000, 20'000), 0);
    EXPECT_EQ(PointsForBonus(100, 20'000, 0), 0);
}

}  // namespace
}  // namespace andel::core
