#include "core/ledger/rewards.hpp"

#include <gtest/gtest.h>

namespace andel::core {
namespace {

MarketRules Se() {
    MarketRules r;
    r.code = "se";
    r.ladder = {{0, 2}, {200000, 3}, {750000, 4}, {1500000, 5}, {4000000, 6}};
    r.monthly_points_cap = 235500;
    r.points_validity_months = 36;
    return r;
}

TEST(Rewards, LotExpiresAtTheEndOfTheMonthItTurns36MonthsOld_R_BON_4) {
    EXPECT_EQ(ExpiryMonth(202311, 36), 202611);
    EXPECT_EQ(ExpiryMonth(202301, 36), 202601);
    EXPECT_EQ(ExpiryMonth(202312, 36), 202612);
}

TEST(Rewards, ShowsWhatExpiresInTheNextThreeMonths_R_BON_4) {
    std::vector<LotBalance> lots = {{202310, 100}, {202311, 200}, {202312, 0}, {202401, 400}, {202402, 800}};
    auto soon = PointsExpiringSoon(lots, 202611, 36, 3);
    // November 2026: the lot of November 2023; December: nothing left; January 2027: January 2024's lot.
    ASSERT_EQ(soon.size(), 2u);
    EXPECT_EQ(soon[0].month, 202611);
    EXPECT_EQ(soon[0].points, 200);
    EXPECT_EQ(soon[1].month, 202701);
    EXPECT_EQ(soon[1].points, 400);
}

TEST(Rewards, LadderProgressAtAndAroundABandEdge_R_BON_3) {
    auto below = Progress(Se(), 199999, 3999);
    EXPECT_EQ(below.current_points_per_unit, 2);
    EXPECT_EQ(below.next_band_from_minor, 200000);
    EXPECT_EQ(below.spend_to_next_band_minor, 1);
    EXPECT_EQ(below.next_points_per_unit, 3);
    auto at = Progress(Se(), 200000, 4000);
    EXPECT_EQ(at.current_points_per_unit, 3);
    EXPECT_EQ(at.spend_to_next_band_minor, 550000);
}

TEST(Rewards, TopBandAndCapHaveNoNextBand_R_BON_3) {
    auto top = Progress(Se(), 4500000, 200000);
    EXPECT_EQ(top.current_points_per_unit, 6);
    EXPECT_FALSE(top.next_band_from_minor);
    EXPECT_FALSE(top.capped);
    auto capped = Progress(Se(), 3000000, 235500);
    EXPECT_TRUE(capped.capped);
    EXPECT_FALSE(capped.spend_to_next_band_minor);
}

}  // namespace
}  // namespace andel::core
