#pragma once
#include <map>
#include <string>

#include "core/clock.hpp"
#include "core/market.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace andel::app {

struct ErasureReport {
    bool dry_run = false;
    int64_t erased = 0;  // memberships whose personal data was deleted (or, in a dry run, would be)
    int64_t messages_emptied =
        0;  // outbox messages older than kMessageRetentionDays, recipient and body removed
};

// How long a message that was sent (or failed, or was suppressed) keeps its recipient and sealed body.
inline constexpr int kMessageRetentionDays = 90;

// R_PRIV_3 (`andel jobs run erasure`; `andel serve` runs it hourly): the market's erasure_months (12) after a
// membership ended, the person's data is deleted or irreversibly anonymised in every table
// (ExportCoverageList() says how, table by table). What book-keeping needs stays without identity: the
// ledger (which still balances), receipts, partner sales, redemptions and dividend lines keep their amounts
// and point at the member row, which is left as an anonymous shell (no number, no person data, erased_at
// set). Batches of memberships in one transaction each; idempotent and resumable (erased_at); one node at a
// time (its lease); a dry run only counts. The same run empties the recipient and body of every outbox
// message older than kMessageRetentionDays that is no longer waiting to be sent, for members and others.
class ErasureJob {
  public:
    ErasureJob(store::Database& db, const core::Clock& clock,
               const std::map<std::string, core::MarketRules>& markets)
        : db_(db), clock_(clock), markets_(markets) {}
    core::Result<ErasureReport> Run(bool dry_run);

  private:
    store::Database& db_;
    const core::Clock& clock_;
    const std::map<std::string, core::MarketRules>& markets_;
};

}  // namespace andel::app
