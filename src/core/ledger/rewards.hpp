#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "core/market.hpp"

namespace andel::core {

// R_BON_4: a lot earned in month M (YYYYMM) turns `validity_months` old in month M + validity and expires
// at the end of that month. This is the month it expires in.
int ExpiryMonth(int lot_month, int validity_months);

struct LotBalance {
    int month = 0;  // YYYYMM earned
    int64_t remaining = 0;
};

struct ExpiringPoints {
    int month = 0;  // YYYYMM at whose end they expire
    int64_t points = 0;
};

// The points that expire at the end of this month and the next `months - 1`, month by month (R_BON_4),
// for showing members what is about to go. Months with nothing expiring are left out.
std::vector<ExpiringPoints> PointsExpiringSoon(const std::vector<LotBalance>& lots, int current_month,
                                               int validity_months, int months);

// Where a household stands on the SE ladder this month (R_BON_3): the rate it earns at now, and how much
// more it must spend to reach the next band (none at the top band or at the cap).
struct LadderProgress {
    int64_t month_spend_minor = 0;
    int64_t points_this_month = 0;
    int64_t current_points_per_unit = 0;
    std::optional<int64_t> next_band_from_minor;
    std::optional<int64_t> next_points_per_unit;
    std::optional<int64_t> spend_to_next_band_minor;
    bool capped = false;
};
LadderProgress Progress(const MarketRules& rules, int64_t month_spend_minor, int64_t points_this_month);

}  // namespace andel::core
