#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/market.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace andel::app {

struct AdjustmentInput {
    std::string member_number;
    int64_t amount = 0;  // in the household's unit: points (SE) or minor units (DK/NO); negative takes away
    std::string reason;  // why, in the staff member's words: on the entry and in the member's audit trail
    std::string idempotency_key;
};

struct AdjustmentOutcome {
    int64_t entry_id = 0;
    std::string member_number, unit;  // unit: "points" or the currency
    int64_t amount = 0, balance_after = 0;
    std::vector<std::pair<int, int64_t>> lots;  // points taken (YYYYMM, points), oldest first (R_BON_4)
    bool replayed = false;  // the same key and request answered before: this is the first result again
};

// A back-office adjustment of a household's points or bonus: a goodwill credit after a complaint, or taking
// back what a till posted twice. One balanced entry between the household's account and the operator's
// adjustment account, with the staff member and the reason on the entry and in the member's audit trail.
// Points come into the current month's lot and go out of the oldest lots first (R_BON_4); a balance never
// goes below zero; the demo household's value is not real and is not adjusted (R_MEM_10).
class RewardAdjustments {
  public:
    RewardAdjustments(store::Database& db, const core::Clock& clock,
                      const std::map<std::string, core::MarketRules>& markets)
        : db_(db), clock_(clock), markets_(markets) {}

    // Idempotent on (member, idempotency_key): the same amount and reason answer the first result (replayed);
    // anything else under that key is a Conflict.
    core::Result<AdjustmentOutcome> Adjust(const AdjustmentInput& in, const std::string& actor);

    // At most this much either way in one adjustment (points, or minor units: 10 000,00 kr).
    static constexpr int64_t kMaxAmount = 1'000'000;
    static constexpr size_t kMaxReason = 500;

  private:
    store::Database& db_;
    const core::Clock& clock_;
    const std::map<std::string, core::MarketRules>& markets_;
};

}  // namespace andel::app
