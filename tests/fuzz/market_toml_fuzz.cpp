// libFuzzer target: a market file (config/markets/<code>.toml) read by app::LoadConfig, the input being
// markets/se.toml of a configuration whose andel.toml is the shipped one serving "se" only. LoadConfig must
// accept the file or blame it, and only it; a file it accepts must pass ValidateMarketRules again and be
// safe to use: its time zone loads, and the earning rules give an answer at the receipts' bounds (under
// UndefinedBehaviorSanitizer, an overflow is a crash). toml++ itself is a shared library here, so only
// Andel's reading of the parsed table is instrumented; the dictionary (market_toml.dict) holds the keys.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "app/config.hpp"
#include "app/local_time.hpp"
#include "core/ledger/earning.hpp"
#include "core/ledger/rewards.hpp"
#include "test_support.hpp"

namespace andel::fuzz {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMaxAmount = 100'000'000'000;  // a receipt line's bound (ledger_api.cpp, ValidateReceipt)

[[noreturn]] void Broken(const char* what, std::string_view detail) {
    std::fprintf(stderr, "market toml: %s\n%.*s\n", what, static_cast<int>(detail.size()), detail.data());
    std::abort();
}

// A configuration directory whose andel.toml is the shipped one with `markets = ["se"]`.
struct ConfigDir {
    fs::path dir;
    fs::path market_file;
    ConfigDir() {
        std::string name = (fs::temp_directory_path() / "andel-market-fuzz.XXXXXX").string();
        if (!::mkdtemp(name.data())) Broken("mkdtemp", name);
        dir = name;
        fs::create_directories(dir / "markets");
        market_file = dir / "markets" / "se.toml";
        std::ifstream shipped(test::SourcePath("config/andel.toml"));
        std::string text((std::istreambuf_iterator<char>(shipped)), std::istreambuf_iterator<char>());
        const size_t line = text.find("\nmarkets = ");
        if (line == std::string::npos) Broken("config/andel.toml has no markets line", text);
        text.replace(line + 1, text.find('\n', line + 1) - line - 1, R"(markets = ["se"])");
        std::ofstream(dir / "andel.toml") << text;
    }
    ~ConfigDir() {
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }
};

void UseRules(const core::MarketRules& rules) {
    (void)app::LocalMonth(rules.time_zone, core::FromMillis(1'795'435'200'000));
    for (const int64_t sign : {1, -1}) {
        const std::vector<core::ReceiptLine> lines = {{"1", "groceries", sign, sign * kMaxAmount, 0}};
        const std::vector<core::Tender> tenders = {{"card", sign * kMaxAmount}};
        for (const bool profile : {false, true}) {
            for (const bool own : {false, true}) {
                core::EarningContext context{profile, own, kMaxAmount};
                (void)core::ComputeEarning(lines, tenders, rules, context);
            }
        }
    }
    (void)core::Progress(rules, kMaxAmount, kMaxAmount);
}

}  // namespace
}  // namespace andel::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace andel;
    static const fuzz::ConfigDir config;
    std::ofstream(config.market_file, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    const auto loaded = app::LoadConfig(config.dir.string(), [](const std::string&) { return std::nullopt; });
    if (!loaded) {
        // The problems (one per line, though a value quoted in one may hold a line break) start with the
        // market file's name; andel.toml, which is fine, is never blamed.
        const std::string& detail = loaded.error().detail;
        if (!detail.starts_with(config.market_file.generic_string() + ":"))
            fuzz::Broken("a refusal that does not name the market file first", detail);
        if (detail.find((config.dir / "andel.toml").generic_string()) != std::string::npos)
            fuzz::Broken("andel.toml is blamed", detail);
        return 0;
    }
    const auto market = loaded->markets.find("se");
    if (loaded->markets.size() != 1 || market == loaded->markets.end())
        fuzz::Broken("markets", "not just se");
    const auto problems = app::ValidateMarketRules(market->second, config.market_file.generic_string());
    if (!problems.empty()) fuzz::Broken("accepted rules fail validation", problems.front());
    fuzz::UseRules(market->second);
    return 0;
}
