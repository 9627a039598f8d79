#include "core/ladder.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace andel::core {
namespace {

// The SE ladder of config/markets/se.toml (R_BON_3), in öre: 2/3/4/5/6 points per krona from 0, 2 000,
// 7 500, 15 000 and 40 000 SEK; 235 500 points at 50 000 SEK, the monthly cap.
const std::vector<LadderBand> kBands = {
    {0, 2}, {200'000, 3}, {750'000, 4}, {1'500'000, 5}, {4'000'000, 6},
};
constexpr int64_t kCap = 235'500;
constexpr int64_t kSek = 100;  // öre per krona

TEST(Ladder, NothingForNothing_R_BON_3) {
    EXPECT_EQ(LadderPointsForMonth(kBands, 0), 0);
    EXPECT_EQ(LadderPoints(kBands, 0, 0, kCap), 0);
    EXPECT_EQ(LadderPoints(kBands, 100 * kSek, -50 * kSek, kCap), 0);  // refunds reverse postings instead
}

TEST(Ladder, FirstBandEarnsItsRatePerKrona_R_BON_3) {
    EXPECT_EQ(LadderPoints(kBands, 0, 100 * kSek, kCap), 200);
    EXPECT_EQ(LadderPoints(kBands, 0, 1, kCap), 0);                 // 0.02 points: floored
    EXPECT_EQ(LadderPoints(kBands, 0, 50, kCap), 1);                // 0.50 SEK at 2 per krona = 1 point
    EXPECT_EQ(LadderPoints(kBands, 0, 99 * kSek + 99, kCap), 199);  // 199.98 floored
}

TEST(Ladder, TotalsAtBandEdges_R_BON_3) {
    EXPECT_EQ(LadderPointsForMonth(kBands, 2'000 * kSek), 4'000);
    EXPECT_EQ(LadderPointsForMonth(kBands, 2'000 * kSek - 1), 3'999);  // 1 999.99 SEK: 3 999.98 floored
    EXPECT_EQ(LadderPointsForMonth(kBands, 7'500 * kSek), 20'500);
    EXPECT_EQ(LadderPointsForMonth(kBands, 15'000 * kSek), 50'500);
    EXPECT_EQ(LadderPointsForMonth(kBands, 40'000 * kSek), 175'500);
    EXPECT_EQ(LadderPointsForMonth(kBands, 50'000 * kSek), kCap);
}

TEST(Ladder, BandEdgeBelongsToTheHigherBand_R_BON_3) {
    // The krona that starts at exactly 2 000 SEK earns the second band's rate.
    EXPECT_EQ(LadderPoints(kBands, 2'000 * kSek, 1 * kSek, kCap), 3);
    EXPECT_EQ(LadderPoints(kBands, 1'999 * kSek, 1 * kSek, kCap), 2);
}

TEST(Ladder, PurchaseAcrossAnEdgeIsMarginal_R_BON_3) {
    // 1 900 -> 2 100 SEK: 100 SEK at 2 + 100 SEK at 3.
    EXPECT_EQ(LadderPoints(kBands, 1'900 * kSek, 200 * kSek, kCap), 500);
    // 0 -> 10 000 SEK in one purchase: 4 000 + 16 500 + 2 500 * 4.
    EXPECT_EQ(LadderPoints(kBands, 0, 10'000 * kSek, kCap), 30'500);
}

TEST(Ladder, PurchasesOfAMonthSumToTheMonthsTotal_R_BON_3) {
    // Fractions carry over: 1 000 purchases of 33.33 SEK earn what 33 330 SEK earns at once.
    int64_t before = 0;
    int64_t sum = 0;
    for (int i = 0; i < 1'000; ++i) {
        sum += LadderPoints(kBands, before, 3'333, kCap);
        before += 3'333;
    }
    EXPECT_EQ(sum, LadderPointsForMonth(kBands, before));
    EXPECT_EQ(sum, LadderPoints(kBands, 0, before, kCap));
}

TEST(Ladder, CapStopsEarningAtFiftyThousand_R_BON_3) {
    // 49 000 -> 51 000 SEK: only the 1 000 SEK up to the cap earn (6 per krona).
    EXPECT_EQ(LadderPoints(kBands, 49'000 * kSek, 2'000 * kSek, kCap), 6'000);
    EXPECT_EQ(LadderPoints(kBands, 50'000 * kSek, 1'000 * kSek, kCap), 0);
    EXPECT_EQ(LadderPoints(kBands, 80'000 * kSek, 1 * kSek, kCap), 0);
    EXPECT_EQ(LadderPoints(kBands, 0, 1'000'000 * kSek, kCap), kCap);
    // The last öre before the cap earns its share; the first öre after earns nothing.
    EXPECT_EQ(LadderPoints(kBands, 0, 50'000 * kSek - 100, kCap), kCap - 6);
    EXPECT_EQ(LadderPoints(kBands, 50'000 * kSek - 100, 100, kCap), 6);
}

TEST(Ladder, ZeroCapMeansNoCap_R_BON_3) {
    EXPECT_EQ(LadderPoints(kBands, 50'000 * kSek, 1'000 * kSek, 0), 6'000);
}

TEST(Ladder, OperatorMaySetALowerCap_R_BON_3) {
    EXPECT_EQ(LadderPoints(kBands, 0, 10'000 * kSek, 10'000), 10'000);
    // 3 000 SEK earned 7 000; 5 000 SEK would earn 13 000: only 3 000 fit under the cap.
    EXPECT_EQ(LadderPoints(kBands, 3'000 * kSek, 2'000 * kSek, 10'000), 3'000);
}

TEST(Ladder, NegativeEarlierSpendCountsAsZero_R_BON_3) {
    EXPECT_EQ(LadderPoints(kBands, -500 * kSek, 100 * kSek, kCap), 200);
}

TEST(Ladder, HugeSpendDoesNotOverflow_R_BON_3) {
    const int64_t huge = std::numeric_limits<int64_t>::max() - 5;
    EXPECT_EQ(LadderPoints(kBands, huge, huge, kCap), 0);
    EXPECT_GT(LadderPointsForMonth(kBands, huge), 0);
    EXPECT_EQ(LadderPoints(kBands, 0, huge, 0), LadderPointsForMonth(kBands, huge));
}

TEST(Ladder, SingleFlatBand_R_BON_3) {
    const std::vector<LadderBand> flat = {{0, 1}};
    EXPECT_EQ(LadderPoints(flat, 123'456, 100'000, 0), 1'000);
    EXPECT_EQ(LadderPointsForMonth({}, 100'000), 0);  // no bands: nothing earns
}

}  // namespace
}  // namespace andel::core
