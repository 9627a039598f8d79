#pragma once
#include <map>
#include <string>

#include "core/clock.hpp"
#include "core/market.hpp"
#include "core/result.hpp"
#include "notify/sealer.hpp"
#include "store/database.hpp"

namespace andel::app {

struct InactivityReport {
    bool dry_run = false;
    int64_t households = 0;  // looked at
    int64_t notified = 0;    // told that the household will end (R_LIFE_3)
    int64_t cancelled = 0;   // told before, active (or a cooperative member) again: nothing ends
    int64_t ended = 0;       // households ended at their due day
};

// R_LIFE_3 (`andel jobs run inactivity`; `andel serve` runs it daily): a household in which no one is a
// cooperative member any longer, or that has neither earned nor used value for the market's
// inactivity_months, is told through the outbox inactivity_notice_days ahead and then ended: every member's
// membership ends, the household's value is forfeited and its cards revoked (R_LIFE_2). Idempotent and
// resumable (a notice row per household); one node at a time (its lease); a dry run writes nothing.
class InactivityJob {
  public:
    InactivityJob(store::Database& db, const core::Clock& clock,
                  const std::map<std::string, core::MarketRules>& markets, const notify::Sealer& sealer)
        : db_(db), clock_(clock), markets_(markets), sealer_(sealer) {}
    core::Result<InactivityReport> Run(bool dry_run);

  private:
    store::Database& db_;
    const core::Clock& clock_;
    const std::map<std::string, core::MarketRules>& markets_;
    const notify::Sealer& sealer_;
};

}  // namespace andel::app
