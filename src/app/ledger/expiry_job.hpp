#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "core/clock.hpp"
#include "core/market.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace andel::app {

// The monthly expiry of points (R_BON_4), `andel jobs run expiry`.
//
// What expires: a lot earned in month M expires at the end of its expiry month E = M + validity
// (core::ExpiryMonth; points_validity_months of the market, 36 in SE), in the market's time zone. A run at
// any instant of local month C expires every lot whose E < C, i.e. every month that has ENDED; a lot whose
// expiry month is C itself still counts until C ends. So the job may run on any day of the month, late, or
// twice: a second run finds nothing more. The boundary is local midnight at the start of E + 1 (Stockholm:
// 2026-11-01T00:00+01:00 for lots of 2023-10).
//
// How: per lot with points left, one journal entry moves what remains from the household's points account
// (lot_month = M) to the operator's counter-account {expiry, operator, 0, points}. The entry's source is
// ("expiry", "household_points:<account id>/lot:<YYYYMM>"), so it is posted at most once; its occurred_at is
// the instant the points expired (the end of E). Lots are processed in batches of kBatchLots, one
// transaction each: after a kill the batches done stay done, and the next run carries on with what is
// left (an expired lot holds 0 and is not selected again). A batch is a few statements whatever its size:
// its lots read, then (PostgreSQL: locked, accounts then lots, each in key order) re-read for what they hold
// now, its source keys looked up at once, and its entries posted by LedgerRepository::PostMany. Points
// credited to a lot after it expired (a receipt of that month arriving very late) expire on the next run
// under the key with "/2", "/3", ...
//
// One node at a time: a real run takes the lease row job_leases('expiry') (taken only when free or when
// its time is up), renews it with every batch inside the batch's transaction, and deletes it at the end;
// a run that cannot take it fails with kConflict. A dry run posts nothing, takes no lease, and reports
// what a real run would expire now.
class ExpiryJob {
  public:
    static constexpr int kBatchLots = 1'000;
    static constexpr int64_t kLeaseMillis = 10 * 60 * 1000;  // renewed with every batch

    ExpiryJob(store::Database& db, const core::Clock& clock,
              const std::map<std::string, core::MarketRules>& markets)
        : db_(db), clock_(clock), markets_(markets) {}

    struct Report {
        int month =
            0;  // YYYYMM: the last month that has ended (C - 1); lots expiring at its end or earlier go
        int64_t households = 0, lots = 0, points = 0;  // expired (or, in a dry run, that would expire)
        bool dry_run = false;
    };

    // progress(done, total) is called after every batch (outside its transaction), in lots.
    core::Result<Report> Run(bool dry_run, std::function<void(int64_t done, int64_t total)> progress = {});

    // For tests: smaller batches.
    void set_batch_lots(int n) { batch_lots_ = n; }
    // For tests: called in each batch's transaction after its lots are read and before they are locked,
    // re-read and posted (where a concurrent return may take from them).
    void set_after_batch_read(std::function<void(store::Connection&)> fn) {
        after_batch_read_ = std::move(fn);
    }

  private:
    store::Database& db_;
    const core::Clock& clock_;
    const std::map<std::string, core::MarketRules>& markets_;
    int batch_lots_ = kBatchLots;
    std::function<void(store::Connection&)> after_batch_read_;
};

}  // namespace andel::app
