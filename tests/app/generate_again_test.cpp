// `andel generate` on a database that already has generated members (the demo's, an earlier run) adds
// more instead of clashing on the e-mail or national id of a synthetic person it made before (issue 11:
// `andel bench load --prepare` generates on top of the demo dataset).
#include <gtest/gtest.h>

#include "app/config.hpp"
#include "app/demo/generator.hpp"
#include "core/clock.hpp"
#include "test_support.hpp"

namespace andel::app {
namespace {

class GenerateAgain : public ::testing::TestWithParam<std::string> {};

TEST_P(GenerateAgain, OnTopOfTheDemoDatasetAddsMembers) {
    ANDEL_SKIP_UNLESS_ENGINE(GetParam());
    auto cfg = LoadConfig(test::SourcePath("config"), [](const std::string&) { return std::nullopt; });
    ASSERT_TRUE(cfg.ok());
    auto db = test::FreshDatabase(GetParam());
    core::FixedClock clock(core::FromMillis(1795435200000));  // 2026-11-23T12:00:00Z
    SeedDemo(*db, cfg->markets, cfg->national_id_key, clock);
    auto count = [&] { return db->Read()->QueryOne("SELECT COUNT(*) FROM members")->Int(0); };
    const int64_t before = count();
    for (int run = 0; run < 2; ++run) {
        GenerateOptions options;
        options.members = 300;
        options.seed = 7 + static_cast<uint64_t>(run);
        EXPECT_EQ(GenerateMembers(*db, cfg->markets, cfg->national_id_key, clock, options).members, 300);
    }
    EXPECT_EQ(count(), before + 600);
}

INSTANTIATE_TEST_SUITE_P(Engines, GenerateAgain, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace andel::app
