#include "app/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "core/ladder.hpp"

namespace andel::app {
namespace {

namespace fs = std::filesystem;
using core::RewardKind;

std::string SourceDir() {
    if (const char* dir = std::getenv("ANDEL_SOURCE_DIR")) return dir;  // set by ctest
    return ANDEL_SOURCE_DIR;                                            // compile definition
}

std::string ShippedConfigDir() { return SourceDir() + "/config"; }

// An environment with no ANDEL_* variables, or with the given ones.
EnvLookup Env(std::map<std::string, std::string> vars = {}) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

Config LoadShipped() {
    auto config = LoadConfig(ShippedConfigDir(), Env());
    if (!config.ok()) ADD_FAILURE() << config.error().detail;
    return config.ok() ? std::move(config).value() : Config{};
}

const core::MarketRules& Market(const Config& config, const std::string& code) {
    static const core::MarketRules kEmpty;
    auto it = config.markets.find(code);
    if (it == config.markets.end()) {
        ADD_FAILURE() << "market " << code << " not loaded";
        return kEmpty;
    }
    return it->second;
}

bool Contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// ---------------------------------------------------------------------------------------------------------
// The shipped config/ loads and carries DOMAIN.md's numbers.

TEST(Config, ShippedConfigLoads) {
    const Config config = LoadShipped();
    EXPECT_EQ(config.server.port, 8080);
    EXPECT_EQ(config.database_url, "sqlite:data/andel.db");
    EXPECT_GE(config.national_id_key.size(), 32u);
    EXPECT_EQ(config.log_level, "info");
    EXPECT_EQ(config.log_format, "json");
    EXPECT_GT(config.server.threads, 0);
    EXPECT_GT(config.server.max_body_bytes, 0u);
    EXPECT_GT(config.server.max_connections, 0u);
    EXPECT_EQ(config.markets.size(), 3u);
    for (const auto& [code, rules] : config.markets) {
        EXPECT_EQ(code, rules.code);
        EXPECT_TRUE(ValidateMarketRules(rules, code).empty());
    }
}

TEST(Config, MarketsHaveTheirCurrencyRewardLanguageAndTimeZone) {
    const Config config = LoadShipped();
    const auto& dk = Market(config, "dk");
    const auto& no = Market(config, "no");
    const auto& se = Market(config, "se");
    EXPECT_EQ(dk.currency, "DKK");
    EXPECT_EQ(no.currency, "NOK");
    EXPECT_EQ(se.currency, "SEK");
    EXPECT_EQ(dk.reward, RewardKind::kBonusMoney);
    EXPECT_EQ(no.reward, RewardKind::kBonusAndDividend);
    EXPECT_EQ(se.reward, RewardKind::kPoints);
    EXPECT_EQ(dk.language, "da");
    EXPECT_EQ(no.language, "nb");
    EXPECT_EQ(se.language, "sv");
    EXPECT_EQ(dk.time_zone, "Europe/Copenhagen");
    EXPECT_EQ(no.time_zone, "Europe/Oslo");
    EXPECT_EQ(se.time_zone, "Europe/Stockholm");
}

TEST(Config, SeAllowsNineteenParticipants_R_HH_3) {
    EXPECT_EQ(Market(LoadShipped(), "se").max_participants, 19);
}

TEST(Config, NoAllowsNineParticipants_R_HH_3) { EXPECT_EQ(Market(LoadShipped(), "no").max_participants, 9); }

TEST(Config, ParticipantMinimumAgeSeTenNoSixteen_R_HH_2) {
    const Config config = LoadShipped();
    EXPECT_EQ(Market(config, "se").participant_min_age, 10);
    EXPECT_EQ(Market(config, "no").participant_min_age, 16);
    for (const auto& [code, rules] : config.markets) {
        EXPECT_EQ(rules.owner_min_age, 18) << code;
        EXPECT_LE(rules.participant_min_age, rules.owner_min_age) << code;
    }
}

TEST(Config, MembersAreAtLeastEighteen_R_MEM_5) {
    for (const auto& [code, rules] : LoadShipped().markets) EXPECT_EQ(rules.member_min_age, 18) << code;
}

TEST(Config, ShareSeHundredKronorDkTwoHundred_R_MEM_4_R_MEM_3) {
    const Config config = LoadShipped();
    EXPECT_EQ(Market(config, "se").share_minor, 10'000);
    EXPECT_EQ(Market(config, "dk").share_minor, 20'000);
}

TEST(Config, SeLadderGivesTheCapAtFiftyThousandKronor_R_BON_3) {
    const Config config = LoadShipped();
    const auto& se = Market(config, "se");
    EXPECT_EQ(se.monthly_points_cap, 235'500);
    EXPECT_EQ(core::LadderPointsForMonth(se.ladder, 50'000 * core::kMinorPerUnit), 235'500);
    EXPECT_LT(core::LadderPointsForMonth(se.ladder, 49'999 * core::kMinorPerUnit), 235'500);
    EXPECT_EQ(core::LadderPoints(se.ladder, 0, 60'000 * core::kMinorPerUnit, se.monthly_points_cap), 235'500);
    ASSERT_FALSE(se.ladder.empty());
    EXPECT_EQ(se.ladder.front().from_minor, 0);
    for (size_t i = 1; i < se.ladder.size(); ++i) {
        EXPECT_GT(se.ladder[i].from_minor, se.ladder[i - 1].from_minor);
        EXPECT_GT(se.ladder[i].points_per_unit, se.ladder[i - 1].points_per_unit);  // progressive
    }
}

TEST(Config, SePointsValidThirtySixMonths_R_BON_4) {
    EXPECT_EQ(Market(LoadShipped(), "se").points_validity_months, 36);
}

TEST(Config, SeVoucherTwentyThousandPointsForTwoHundredKronor_R_BON_5) {
    const Config config = LoadShipped();
    const auto& se = Market(config, "se");
    EXPECT_EQ(se.voucher_points, 20'000);
    EXPECT_EQ(se.voucher_value_minor, 20'000);
}

TEST(Config, DkBonusIsMoney_R_BON_6) {
    const Config config = LoadShipped();
    const auto& dk = Market(config, "dk");
    EXPECT_EQ(dk.reward, RewardKind::kBonusMoney);
    EXPECT_GT(dk.bonus_rate_bp, 0);
    EXPECT_TRUE(dk.ladder.empty());
}

TEST(Config, NoDividendOwnAtLeastOnePercent_R_BON_7) {
    const Config config = LoadShipped();
    const auto& no = Market(config, "no");
    EXPECT_EQ(no.dividend_min_bp, 100);
    EXPECT_GE(no.dividend_own_bp, no.dividend_min_bp);
    EXPECT_EQ(no.dividend_own_bp, 300);
    EXPECT_EQ(no.dividend_other_bp, 100);
}

TEST(Config, NoFamilyRequiresNewLogin_R_HH_8) {
    const Config config = LoadShipped();
    EXPECT_TRUE(Market(config, "no").family_requires_new_login);
    EXPECT_FALSE(Market(config, "se").family_requires_new_login);
    EXPECT_FALSE(Market(config, "dk").family_requires_new_login);
}

TEST(Config, EveryMarketExcludesTheSeedsCategoriesAndTenders_R_BON_2) {
    for (const auto& [code, rules] : LoadShipped().markets) {
        for (const char* category : {"tobacco", "alcohol", "gambling", "lottery", "gift_cards",
                                     "pharmaceuticals", "carrier_bags", "intermediated_services"}) {
            EXPECT_TRUE(Contains(rules.excluded_categories, category)) << code << " " << category;
        }
        for (const char* tender : {"cash_withdrawal", "atm_withdrawal", "deposit_voucher"}) {
            EXPECT_TRUE(Contains(rules.excluded_tenders, tender)) << code << " " << tender;
        }
    }
}

TEST(Config, DkProfileCustomersUseOffersSavingsReceipts_R_MEM_1_R_MEM_2) {
    const Config config = LoadShipped();
    const auto& dk = Market(config, "dk");
    EXPECT_EQ(dk.profile_functions, (std::vector<std::string>{"offers", "savings", "receipts"}));
    EXPECT_GT(dk.profile_savings_rate_bp, 0);
}

TEST(Config, BankIdInNoAndSe_R_AUTH_4) {
    const Config config = LoadShipped();
    EXPECT_TRUE(Market(config, "no").bankid_login);
    EXPECT_TRUE(Market(config, "se").bankid_login);
    EXPECT_FALSE(Market(config, "dk").bankid_login);
}

TEST(Config, LifecycleErasureAndSelfScan_R_LIFE_3_R_PRIV_3_R_SCAN_1) {
    for (const auto& [code, rules] : LoadShipped().markets) {
        EXPECT_EQ(rules.inactivity_months, 36) << code;
        EXPECT_EQ(rules.erasure_months, 12) << code;
        EXPECT_EQ(rules.self_scan_min_age, 18) << code;
    }
}

TEST(Config, SelfScanAuditPolicyAsDocumented_R_SCAN_3_R_SCAN_4) {
    const auto a = LoadShipped().self_scan;
    EXPECT_EQ(a.base_ppm, 20'000);
    EXPECT_EQ(a.step_ppm, 100'000);
    EXPECT_EQ(a.cap_ppm, 600'000);
    EXPECT_EQ(a.half_life_days, 180);
    EXPECT_EQ(a.seed, 20261123u);
}

// ---------------------------------------------------------------------------------------------------------
// Environment overrides.

TEST(Config, EnvironmentOverridesTheFile) {
    auto config =
        LoadConfig(ShippedConfigDir(), Env({{"ANDEL_SERVER_PORT", "9090"},
                                            {"ANDEL_SERVER_ADDRESS", "0.0.0.0"},
                                            {"ANDEL_SERVER_THREADS", "2"},
                                            {"ANDEL_DATABASE_URL", "postgresql://andel@127.0.0.1/andel"},
                                            {"ANDEL_SECURITY_NATIONAL_ID_KEY", std::string(40, 'k')},
                                            {"ANDEL_LOG_LEVEL", "debug"}}));
    ASSERT_TRUE(config.ok()) << config.error().detail;
    EXPECT_EQ(config->server.port, 9090);
    EXPECT_EQ(config->server.address, "0.0.0.0");
    EXPECT_EQ(config->server.threads, 2);
    EXPECT_EQ(config->database_url, "postgresql://andel@127.0.0.1/andel");
    EXPECT_EQ(config->national_id_key, std::string(40, 'k'));
    EXPECT_EQ(config->log_level, "debug");
}

TEST(Config, BadEnvironmentValuesNameTheVariable) {
    auto config = LoadConfig(ShippedConfigDir(), Env({{"ANDEL_SERVER_PORT", "80a"},
                                                      {"ANDEL_SERVER_THREADS", "0"},
                                                      {"ANDEL_DATABASE_URL", "mysql://x"},
                                                      {"ANDEL_SECURITY_NATIONAL_ID_KEY", "short-secret"},
                                                      {"ANDEL_LOG_LEVEL", "loud"}}));
    ASSERT_FALSE(config.ok());
    const std::string& d = config.error().detail;
    EXPECT_NE(d.find("ANDEL_SERVER_PORT: server.port: must be an integer (got \"80a\")"), std::string::npos)
        << d;
    EXPECT_NE(d.find("ANDEL_SERVER_THREADS: server.threads: must be between 1 and 256 (got 0)"),
              std::string::npos)
        << d;
    EXPECT_NE(d.find("ANDEL_DATABASE_URL: database.url: must be"), std::string::npos) << d;
    EXPECT_NE(d.find("ANDEL_SECURITY_NATIONAL_ID_KEY: security.national_id_key: must be at least 32"),
              std::string::npos)
        << d;
    EXPECT_EQ(d.find("short-secret"), std::string::npos) << "the secret must not be echoed: " << d;
    EXPECT_NE(d.find("ANDEL_LOG_LEVEL: log.level: must be one of"), std::string::npos) << d;
}

// ---------------------------------------------------------------------------------------------------------
// Broken files: each problem names the file, the key and the problem.

class BrokenConfig : public ::testing::Test {
  protected:
    void SetUp() override {
        static std::atomic<int> counter{0};
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = fs::temp_directory_path() / ("andel-config-" + std::to_string(::getpid()) + "-" +
                                            std::to_string(counter++) + "-" + info->name());
        fs::remove_all(dir_);
        fs::copy(ShippedConfigDir(), dir_, fs::copy_options::recursive);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string PathOf(const std::string& relative) const { return (dir_ / relative).generic_string(); }

    std::string Read(const std::string& relative) const {
        std::ifstream in(dir_ / relative);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    void Write(const std::string& relative, const std::string& text) const {
        std::ofstream out(dir_ / relative, std::ios::trunc);
        out << text;
    }
    // Replaces the first occurrence of `from` in a file; fails the test if it is not there.
    void Edit(const std::string& relative, const std::string& from, const std::string& to) const {
        std::string text = Read(relative);
        const auto at = text.find(from);
        ASSERT_NE(at, std::string::npos) << relative << " has no " << from;
        text.replace(at, from.size(), to);
        Write(relative, text);
    }
    // 1-based line of the first line containing `needle`.
    size_t LineOf(const std::string& relative, const std::string& needle) const {
        std::istringstream in(Read(relative));
        std::string line;
        for (size_t n = 1; std::getline(in, line); ++n) {
            if (line.find(needle) != std::string::npos) return n;
        }
        return 0;
    }
    // Loads the config, which must fail, and returns the problems.
    std::string Problems(const EnvLookup& env = Env()) const {
        auto config = LoadConfig(dir_.string(), env);
        if (config.ok()) {
            ADD_FAILURE() << "the broken config loaded";
            return {};
        }
        EXPECT_EQ(config.error().code, core::ErrorCode::kInvalid);
        return config.error().detail;
    }
    // Expects exactly this problem line among the problems.
    void ExpectProblem(const std::string& problems, const std::string& file, const std::string& rest) const {
        const std::string line = PathOf(file) + ": " + rest;
        EXPECT_NE(("\n" + problems + "\n").find("\n" + line + "\n"), std::string::npos)
            << "expected the line\n  " << line << "\namong\n"
            << problems;
    }
    void ExpectProblemStarting(const std::string& problems, const std::string& file,
                               const std::string& rest) const {
        const std::string start = PathOf(file) + ": " + rest;
        EXPECT_NE(("\n" + problems).find("\n" + start), std::string::npos)
            << "expected a line starting\n  " << start << "\namong\n"
            << problems;
    }

    fs::path dir_;
};

TEST_F(BrokenConfig, MissingMainFile) {
    fs::remove(dir_ / "andel.toml");
    EXPECT_EQ(Problems(), PathOf("andel.toml") + ": file not found");
}

TEST_F(BrokenConfig, MarketsListNamesAMissingFile) {
    Edit("andel.toml", R"(markets = ["dk", "no", "se"])", R"(markets = ["dk", "no", "se", "fi"])");
    ExpectProblem(Problems(), "andel.toml",
                  "markets: names market \"fi\" but " + PathOf("markets/fi.toml") + " does not exist");
}

TEST_F(BrokenConfig, MarketFileRemoved) {
    fs::remove(dir_ / "markets/no.toml");
    ExpectProblemStarting(Problems(), "andel.toml", "markets: names market \"no\"");
}

TEST_F(BrokenConfig, SyntaxErrorNamesTheLine) {
    const size_t line = LineOf("markets/se.toml", "max_participants = 19");
    ASSERT_GT(line, 0u);
    Edit("markets/se.toml", "max_participants = 19", "max_participants = = 19");
    const std::string p = Problems();
    EXPECT_NE(p.find(PathOf("markets/se.toml") + ":" + std::to_string(line) + ":"), std::string::npos) << p;
    EXPECT_NE(p.find("syntax error"), std::string::npos) << p;
}

TEST_F(BrokenConfig, MissingKey_R_HH_3) {
    Edit("markets/se.toml", "max_participants = 19", "");
    ExpectProblem(Problems(), "markets/se.toml", "households.max_participants: is required");
}

TEST_F(BrokenConfig, MissingKeyDoesNotHideOtherProblems_R_HH_2) {
    Edit("markets/se.toml", "owner_min_age = 18", "");
    Edit("markets/se.toml", R"(currency = "SEK")", R"(currency = "sek")");
    const std::string p = Problems();
    ExpectProblem(p, "markets/se.toml", "households.owner_min_age: is required");
    ExpectProblemStarting(p, "markets/se.toml", "currency: must be an ISO 4217 code");
    // The owner's age is unknown, so the participant's age is not compared with a default.
    EXPECT_EQ(p.find("participant_min_age"), std::string::npos) << p;
    EXPECT_EQ(std::count(p.begin(), p.end(), '\n'), 1) << p;
}

TEST_F(BrokenConfig, MissingSection) {
    Edit("markets/se.toml", "[lifecycle]", "[lifecycel]");
    const std::string p = Problems();
    ExpectProblem(p, "markets/se.toml", "lifecycle: is required");
    ExpectProblem(p, "markets/se.toml", "lifecycel: unknown key (did you mean \"lifecycle\"?)");
}

TEST_F(BrokenConfig, WrongType_R_HH_3) {
    Edit("markets/se.toml", "max_participants = 19", "max_participants = \"19\"");
    ExpectProblem(Problems(), "markets/se.toml",
                  "households.max_participants: must be an integer (got a string)");
}

TEST_F(BrokenConfig, WrongTypeInList_R_BON_2) {
    Edit("markets/dk.toml", R"(excluded_tenders = ["cash_withdrawal")", R"(excluded_tenders = [42)");
    ExpectProblem(Problems(), "markets/dk.toml",
                  "earning.excluded_tenders[0]: must be a string (got an integer)");
}

TEST_F(BrokenConfig, UnknownKeyIsATypo_R_HH_3) {
    Edit("markets/se.toml", "max_participants = 19", "max_participant = 19");
    const std::string p = Problems();
    ExpectProblem(p, "markets/se.toml",
                  "households.max_participant: unknown key (did you mean \"max_participants\"?)");
    ExpectProblem(p, "markets/se.toml", "households.max_participants: is required");
}

TEST_F(BrokenConfig, UnknownKeyInMainFile) {
    Edit("andel.toml", "port = 8080", "port = 8080\nprot = 8081");
    ExpectProblem(Problems(), "andel.toml", "server.prot: unknown key (did you mean \"port\"?)");
}

TEST_F(BrokenConfig, ParticipantsOutOfRange_R_HH_3) {
    Edit("markets/se.toml", "max_participants = 19", "max_participants = -1");
    ExpectProblem(Problems(), "markets/se.toml",
                  "households.max_participants: must be between 0 and 100 (got -1)");
}

TEST_F(BrokenConfig, NegativeShare_R_MEM_4) {
    Edit("markets/se.toml", "share_minor = 10000", "share_minor = -10000");
    ExpectProblem(Problems(), "markets/se.toml", "membership.share_minor: must not be negative (got -10000)");
}

TEST_F(BrokenConfig, CurrencyMustBeThreeUpperCaseLetters) {
    Edit("markets/se.toml", R"(currency = "SEK")", R"(currency = "sek")");
    ExpectProblem(Problems(), "markets/se.toml",
                  "currency: must be an ISO 4217 code of 3 upper-case letters (got \"sek\")");
}

TEST_F(BrokenConfig, UnknownRewardKind) {
    Edit("markets/dk.toml", R"(reward = "bonus_money")", R"(reward = "cashback")");
    const std::string p = Problems();
    ExpectProblemStarting(p, "markets/dk.toml", "reward: unknown reward kind \"cashback\"");
    EXPECT_EQ(p.find("unknown key"), std::string::npos) << p;  // sections are not blamed for it
}

TEST_F(BrokenConfig, TimeZoneMustBeAnIanaZone) {
    Edit("markets/no.toml", R"(time_zone = "Europe/Oslo")", R"(time_zone = "Europe/Atlantis")");
    ExpectProblemStarting(Problems(), "markets/no.toml", "time_zone: unknown time zone \"Europe/Atlantis\"");
}

TEST_F(BrokenConfig, TimeZoneMayNotEscapeTheZoneDirectory) {
    Edit("markets/no.toml", R"(time_zone = "Europe/Oslo")", R"(time_zone = "../../../etc/passwd")");
    ExpectProblemStarting(Problems(), "markets/no.toml", "time_zone: must be an IANA time zone name");
}

TEST_F(BrokenConfig, LadderBandsMustIncrease_R_BON_3) {
    Edit("markets/se.toml", "{ from_minor = 750000, points_per_unit = 4 }",
         "{ from_minor = 200000, points_per_unit = 4 }");
    ExpectProblemStarting(
        Problems(), "markets/se.toml",
        "points.ladder[2].from_minor: bands must be strictly increasing: must be greater than "
        "200000 (got 200000)");
}

TEST_F(BrokenConfig, LadderMustBeProgressive_R_BON_3) {
    Edit("markets/se.toml", "{ from_minor = 4000000, points_per_unit = 6 }",
         "{ from_minor = 4000000, points_per_unit = 1 }");
    ExpectProblemStarting(
        Problems(), "markets/se.toml",
        "points.ladder[4].points_per_unit: the ladder is progressive: must be at least 5 (got 1)");
}

TEST_F(BrokenConfig, LadderBandWithTypo_R_BON_3) {
    Edit("markets/se.toml", "{ from_minor = 0, points_per_unit = 2 }",
         "{ from_minor = 0, point_per_unit = 2 }");
    const std::string p = Problems();
    ExpectProblem(p, "markets/se.toml", "points.ladder[0].points_per_unit: is required");
    ExpectProblem(p, "markets/se.toml",
                  "points.ladder[0].point_per_unit: unknown key (did you mean \"points_per_unit\"?)");
}

TEST_F(BrokenConfig, DividendOwnBelowMinimum_R_BON_7) {
    Edit("markets/no.toml", "own_bp = 300", "own_bp = 50");
    ExpectProblem(Problems(), "markets/no.toml",
                  "dividend.own_bp: must be at least dividend.min_bp (100) (got 50) (R_BON_7)");
}

TEST_F(BrokenConfig, ParticipantOlderThanOwner_R_HH_2) {
    Edit("markets/se.toml", "participant_min_age = 10", "participant_min_age = 20");
    ExpectProblem(
        Problems(), "markets/se.toml",
        "households.participant_min_age: must not exceed households.owner_min_age (18) (got 20) (R_HH_2)");
}

TEST_F(BrokenConfig, PriceCheckerIsForMembersOnly_R_OFF_2) {
    Edit("markets/dk.toml", R"(profile_functions = ["offers")", R"(profile_functions = ["price_checker")");
    ExpectProblem(Problems(), "markets/dk.toml",
                  "membership.profile_functions[0]: the price checker is for members only (R_OFF_2)");
}

TEST_F(BrokenConfig, PayingWithAGiftCardEarns_R_BON_2) {
    Edit("markets/se.toml", R"(excluded_tenders = ["cash_withdrawal")", R"(excluded_tenders = ["gift_card")");
    ExpectProblem(
        Problems(), "markets/se.toml",
        "earning.excluded_tenders[0]: paying with a gift card earns; only buying one is excluded (R_BON_2)");
}

TEST_F(BrokenConfig, PointsSectionInAMoneyMarket_R_BON_6) {
    Write("markets/dk.toml", Read("markets/dk.toml") + "\n[points]\nmonthly_cap = 1\n");
    ExpectProblem(Problems(), "markets/dk.toml",
                  "points: only for reward = \"points\" (this market's reward is \"bonus_money\")");
}

TEST_F(BrokenConfig, CodeMustMatchFileName) {
    Edit("markets/no.toml", R"(code = "no")", R"(code = "se")");
    ExpectProblem(Problems(), "markets/no.toml", "code: must match the file name \"no\" (got \"se\")");
}

TEST_F(BrokenConfig, PortOutOfRange) {
    Edit("andel.toml", "port = 8080", "port = 70000");
    ExpectProblem(Problems(), "andel.toml", "server.port: must be between 1 and 65535 (got 70000)");
}

TEST_F(BrokenConfig, UnknownLogLevel) {
    Edit("andel.toml", R"(level = "info")", R"(level = "verbose")");
    ExpectProblemStarting(Problems(), "andel.toml", "log.level: must be one of");
}

TEST_F(BrokenConfig, EveryProblemIsReportedAtOnce) {
    Edit("andel.toml", "port = 8080", "port = 0");
    Edit("markets/se.toml", R"(currency = "SEK")", R"(currency = "KRONA")");
    Edit("markets/no.toml", "max_participants = 9", "max_participants = 101");
    Edit("markets/dk.toml", "bonus_rate_bp = 100", "bonus_rate_bp = -1");
    const std::string p = Problems();
    EXPECT_EQ(std::count(p.begin(), p.end(), '\n'), 3) << p;
    ExpectProblem(p, "andel.toml", "server.port: must be between 1 and 65535 (got 0)");
    ExpectProblemStarting(p, "markets/se.toml", "currency:");
    ExpectProblem(p, "markets/no.toml", "households.max_participants: must be between 0 and 100 (got 101)");
    ExpectProblem(p, "markets/dk.toml",
                  "earning.bonus_rate_bp: must be between 0 and 10000 (got -1) basis points");
}

TEST_F(BrokenConfig, SelfScanAuditNumbersAreChecked_R_SCAN_4) {
    Edit("andel.toml", "base_ppm = 20000", "base_ppm = 700000");
    ExpectProblem(Problems(), "andel.toml", "self_scan.base_ppm: must not exceed cap_ppm");
}

TEST_F(BrokenConfig, SelfScanHalfLifeIsAtLeastADay_R_SCAN_4) {
    Edit("andel.toml", "half_life_days = 180", "half_life_days = 0");
    ExpectProblemStarting(Problems(), "andel.toml", "self_scan.half_life_days: must be between 1 and 3650");
}

}  // namespace
}  // namespace andel::app
