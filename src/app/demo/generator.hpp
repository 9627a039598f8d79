#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "app/auth/auth_service.hpp"
#include "core/clock.hpp"
#include "core/market.hpp"
#include "store/database.hpp"

namespace andel::app {

// The demo member of R_MEM_10 (dk-app-guide): member number 33216744, password 123456 (login: identity
// issue).
inline constexpr const char* kDemoMemberNumber = "33216744";
inline constexpr int64_t kDemoMemberBody = 3321674;

// Fixed API keys of the demo dataset, so the README's examples work. Demo only: `andel serve` never creates
// them.
inline constexpr const char* kDemoBackOfficeToken =
    "andel_de00000000000001_d3m0d3m0d3m0d3m0d3m0d3m0d3m0d3m0d3m0d3m0d3m0d3m0d3m0d3m0d3m0d3m0";
inline constexpr const char* kDemoTillToken =  // a till of dk-odense-1
    "andel_de00000000000002_7111d3m07111d3m07111d3m07111d3m07111d3m07111d3m07111d3m07111d3m0";
inline constexpr const char* kDemoTillTokenNo =  // a till of no-bergen-1
    "andel_de00000000000003_7111d3m07111d3m07111d3m07111d3m07111d3m07111d3m07111d3m07111n0rg";
inline constexpr const char* kDemoTillTokenSe =  // a till of se-umea-1
    "andel_de00000000000004_7111d3m07111d3m07111d3m07111d3m07111d3m07111d3m07111d3m07111sver";

inline constexpr const char* kDemoKioskToken =  // the price checker of dk-odense-1 (R_OFF_2)
    "andel_de00000000000007_c4ec3d3mc4ec3d3mc4ec3d3mc4ec3d3mc4ec3d3mc4ec3d3mc4ec3d3mc4ec3d3m";

inline constexpr const char* kDemoPartnerToken =  // the partner dk-synoptik (R_PART_1)
    "andel_de00000000000005_9a27d3m09a27d3m09a27d3m09a27d3m09a27d3m09a27d3m09a27d3m09a27d3m0";
inline constexpr const char* kDemoTravelPartnerToken =  // dk-tui: bonus pending until the journey
    "andel_de00000000000006_9a27d3m09a27d3m09a27d3m09a27d3m09a27d3m09a27d3m09a27d3m09a27t0u1";

struct GenerateOptions {
    int64_t members = 1000;
    uint64_t seed = 42;
    std::function<void(int64_t done, int64_t total)> progress;  // called every batch
};

struct GenerateReport {
    int64_t members = 0, households = 0, cards = 0;
    double seconds = 0;
};

// Cooperatives and stores of the enabled markets (fictional names), created if absent.
void EnsureReferenceData(store::Database& db, const std::map<std::string, core::MarketRules>& markets,
                         int64_t now);

// Members in households of varied size, with cards and valid national ids, in batched transactions.
GenerateReport GenerateMembers(store::Database& db, const std::map<std::string, core::MarketRules>& markets,
                               const std::string& national_id_key, const core::Clock& clock,
                               const GenerateOptions& options);

// The demo dataset (R_MEM_10): reference data, ~1 000 members, the demo member 33216744 with a household,
// terms versions, and the demo API keys. Idempotent: a database that has the demo member is left as it is.
void SeedDemo(store::Database& db, const std::map<std::string, core::MarketRules>& markets,
              const std::string& national_id_key, const core::Clock& clock);

// The demo's product catalogue (src/app/demo/demo_catalogue.hpp): 21 products in Denmark, 12 in Norway and
// 301 in Sweden, with a category tree, for the price checker, offers, self-scanning and the ordering portal.
// Idempotent.
void SeedDemoCatalogue(store::Database& db, const std::map<std::string, core::MarketRules>& markets,
                       const core::Clock& clock);

// The demo's offers (R_OFF_1, R_OFF_2) on the demo catalogue, in force from a week ago for three months: a
// member price, an app coupon to activate, extra bonus or points on fruit. Idempotent.
void SeedDemoOffers(store::Database& db, const std::map<std::string, core::MarketRules>& markets,
                    const core::Clock& clock);

// Logins of the demo (R_MEM_10): the demo member 33216744 / 123456 (no second step), two more members
// with a password and a mobile for the SMS code, and staff. Idempotent.
inline constexpr const char* kDemoMemberPassword = "123456";
inline constexpr const char* kDemoAnnaEmail = "anna@example.org";  // dk, mobile +4520000001
inline constexpr const char* kDemoNoraEmail = "nora@example.org";  // no, mobile +4790000001
inline constexpr const char* kDemoSvenEmail = "sven@example.org";  // se household owner, mobile +46700000001
inline constexpr const char* kDemoPeterEmail =
    "peter@example.org";  // dk customer with a profile, +4520000002
inline constexpr const char* kDemoPersonPassword = "andel-demo";
inline constexpr const char* kDemoAdminEmail = "admin@andel.example";
inline constexpr const char* kDemoAgentEmail = "service@andel.example";
inline constexpr const char* kDemoStaffPassword = "andel-demo-staff";
void SeedDemoLogins(store::Database& db, auth::AuthService& auth,
                    const std::map<std::string, core::MarketRules>& markets,
                    const std::string& national_id_key, const core::Clock& clock);
// Two more for the pages (`andel demo` seeds them): Sven, a Swedish household owner (R_HH_3: up to 19
// participants), and Peter, a Danish customer with a profile who saves towards the share (R_MEM_2, R_MEM_3).
void SeedDemoHouseholdLogins(store::Database& db, auth::AuthService& auth,
                             const std::map<std::string, core::MarketRules>& markets,
                             const std::string& national_id_key, const core::Clock& clock);

}  // namespace andel::app
