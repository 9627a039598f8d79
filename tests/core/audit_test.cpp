// The self-scan audit selection (R_SCAN_3, R_SCAN_4): the documented probability function at its edges, and
// a statistical test of the seeded draw over 100 000 simulated sessions per discrepancy count.
#include "core/self_scan/audit.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace andel::core {
namespace {

TEST(AuditTest, ProbabilityRisesWithDiscrepanciesDecaysWithTimeAndIsCapped_R_SCAN_4) {
    AuditPolicy p;  // 2 % base, +10 % per fresh discrepancy, cap 60 %, half-life 180 days
    EXPECT_EQ(AuditProbabilityPpm(p, {}), 20'000);
    EXPECT_EQ(AuditProbabilityPpm(p, {0}), 120'000);
    EXPECT_EQ(AuditProbabilityPpm(p, {0, 0}), 220'000);
    EXPECT_EQ(AuditProbabilityPpm(p, {180}), 70'000);  // half a step after one half-life
    EXPECT_EQ(AuditProbabilityPpm(p, {360}), 45'000);  // a quarter after two
    EXPECT_EQ(AuditProbabilityPpm(p, {0, 0, 0, 0, 0}), 520'000);
    EXPECT_EQ(AuditProbabilityPpm(p, {0, 0, 0, 0, 0, 0}), 600'000);  // capped: 62 % -> 60 %
    EXPECT_EQ(AuditProbabilityPpm(p, std::vector<double>(100, 0)), 600'000);
    p.cap_ppm = 2'000'000;  // a cap above certainty is certainty
    EXPECT_EQ(AuditProbabilityPpm(p, std::vector<double>(100, 0)), 1'000'000);
}

TEST(AuditTest, TheDrawIsDeterministicPerSeedAndSession_R_SCAN_3) {
    EXPECT_EQ(AuditDraw(1, 42), AuditDraw(1, 42));
    EXPECT_NE(AuditDraw(1, 42), AuditDraw(2, 42));
    EXPECT_FALSE(AuditChosen(1, 42, 0));
    EXPECT_TRUE(AuditChosen(1, 42, 1'000'000));
}

// Over 100 000 sessions for each count of fresh discrepancies (0 to 6), the share chosen is within 4.5
// standard deviations of the configured probability (sd = sqrt(p(1-p)/n): at most 0.16 percentage points).
TEST(AuditTest, ObservedRatesMatchTheConfiguredFunctionOver100000Sessions_R_SCAN_3_R_SCAN_4) {
    AuditPolicy policy;
    constexpr int kSessions = 100'000;
    for (int count = 0; count <= 6; ++count) {
        int64_t ppm = AuditProbabilityPpm(policy, std::vector<double>(static_cast<size_t>(count), 0.0));
        double p = static_cast<double>(ppm) / 1e6;
        int chosen = 0;
        for (int i = 0; i < kSessions; ++i)
            chosen += AuditChosen(policy.seed, int64_t{count} * 1'000'000 + i, ppm) ? 1 : 0;
        double observed = static_cast<double>(chosen) / kSessions;
        double sd = std::sqrt(p * (1 - p) / kSessions);
        EXPECT_NEAR(observed, p, 4.5 * sd)
            << count << " discrepancies: configured " << p << ", observed " << observed;
    }
}

}  // namespace
}  // namespace andel::core
