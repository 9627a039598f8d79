#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/money.hpp"

namespace andel::core {

enum class RewardKind { kBonusMoney, kBonusAndDividend, kPoints };  // DK, NO, SE

// One band of the SE points ladder (R_BON_3): spend in the calendar month from `from_minor` (inclusive)
// earns `points_per_unit` points per whole currency unit, marginally.
struct LadderBand {
    int64_t from_minor = 0;
    int64_t points_per_unit = 0;
};

// Every (config) number of DOMAIN.md for one market, read from config/markets/<code>.toml.
struct MarketRules {
    std::string code;      // "dk", "no", "se"
    std::string name;      // "Danmark"
    std::string currency;  // ISO 4217
    RewardKind reward = RewardKind::kPoints;
    std::string language;   // "da", "nb", "sv"
    std::string time_zone;  // IANA, e.g. "Europe/Stockholm"

    // Membership (R_MEM_3, R_MEM_4, R_MEM_5)
    int member_min_age = 18;
    int64_t share_minor = 0;                     // the cooperative share
    std::vector<std::string> profile_functions;  // what a customer with a profile may use (R_MEM_1)
    BasisPoints profile_savings_rate_bp = 0;     // R_MEM_2: savings of a customer with a profile; 0 = none

    // Households (R_HH_2, R_HH_3, R_HH_8)
    int owner_min_age = 18;
    int participant_min_age = 10;
    int max_participants = 19;
    bool family_requires_new_login = false;

    // Earning (R_BON_2, R_BON_3, R_BON_6, R_BON_7)
    std::vector<std::string> excluded_categories;
    std::vector<std::string> excluded_tenders;
    BasisPoints bonus_rate_bp = 0;    // DK/NO bonus in money
    std::vector<LadderBand> ladder;   // SE
    int64_t monthly_points_cap = 0;   // SE; 0 = none
    int points_validity_months = 36;  // R_BON_4
    int64_t voucher_points = 0;       // R_BON_5: points per voucher
    int64_t voucher_value_minor = 0;
    BasisPoints dividend_own_bp = 0;  // R_BON_7
    BasisPoints dividend_other_bp = 0;
    BasisPoints dividend_min_bp = 0;

    // Lifecycle and privacy (R_LIFE_3, R_PRIV_3)
    int inactivity_months = 36;
    int erasure_months = 12;
    // R_LIFE_2: when an owner's membership ends, "hand_over" passes the household to a participant who may
    // own it (its bonus and points stay), "end_household" ends it (they are forfeited).
    std::string owner_exit = "hand_over";
    int inactivity_notice_days = 30;  // R_LIFE_3: notice this long before an automatic ending

    // Self-scanning (R_SCAN_1) and login (R_AUTH_4)
    int self_scan_min_age = 18;
    bool bankid_login = false;  // BankID may replace password + SMS code (NO, SE)
};

}  // namespace andel::core
