#pragma once
#include <cstdint>
#include <vector>

#include "core/market.hpp"

namespace andel::core {

// Minor units per whole currency unit for the markets' currencies (DKK, NOK, SEK all have two decimals).
inline constexpr int64_t kMinorPerUnit = 100;

// R_BON_3: points the ladder gives for a calendar month's spend from 0 to `month_spend_minor`, without the
// cap. Each band earns `points_per_unit` per whole currency unit on the part of the spend inside it (marginal
// bands), computed on minor units and floored once, on the total: floor(sum(rate * minor_in_band) / 100).
// `bands` must start at 0 and be strictly increasing in from_minor (ValidateMarketRules checks the config).
// Spend at or below 0 gives 0; a result beyond int64 saturates.
int64_t LadderPointsForMonth(const std::vector<LadderBand>& bands, int64_t month_spend_minor);

// R_BON_3: points earned by one purchase of `spend_minor`, given the household's spend earlier in the same
// calendar month (`month_spend_before_minor`), with the monthly cap (`cap`; 0 = no cap):
//   min(LadderPointsForMonth(before + spend), cap) - min(LadderPointsForMonth(before), cap).
// Rounding: the floor is taken on the month's running total, not per purchase, so fractions of a point carry
// over to the next purchase and the purchases of a month always sum to the points of the month's total spend.
// A purchase of 0 or less earns 0 (a refund reverses the original purchase's posting instead); a negative
// `month_spend_before_minor` counts as 0.
int64_t LadderPoints(const std::vector<LadderBand>& bands, int64_t month_spend_before_minor,
                     int64_t spend_minor, int64_t cap);

}  // namespace andel::core
