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

// The yearly purchase dividend run (kjøpeutbytte, R_BON_7), `andel jobs run dividend --year Y`, for every
// market whose reward is bonus and dividend (NO).
//
// What is paid: a receipt accrues its dividend when it is posted (ReceiptService): dividend_minor =
// dividend_base_minor at the own cooperative's rate (3 %) or another cooperative's (1 %), from the
// household's {dividend_accrual, household, currency} account against the store's cooperative's
// {dividend_payable}. A receipt belongs to the year of its local month (receipts.month, in the market's
// time zone), so a purchase at 2026-12-31T23:30Z is Oslo's 2027. For each household and each cooperative
// whose stores it bought in during the year, a line: base = sum of dividend_base_minor, amount = sum of
// dividend_minor, both over sales and returns (returns are negative) — that is, each receipt at the rate it
// accrued at (the member's cooperative then, not at run time, R_MEM_8) — and rate_bp = amount / base in
// basis points, rounded half away from zero (exactly 300 or 100 unless a move or rounding mixed rates).
//
// How it is paid: one journal entry per (year, household), source ("dividend", "year:<Y>/household:<H>"),
// moves the sum of the household's lines from its dividend_accrual account to its household_bonus money
// account, where the member can spend it (R_BON_6); occurred_at is the end of the year (local midnight of
// 1 January Y+1). What is paid never exceeds what the accrual account holds (a return in Y+1 of a Y sale
// may already have taken some back) and is never negative; when the lines sum to 0 or less nothing is
// posted and the lines carry no entry. The lines (dividend_lines, unique per year, household, cooperative
// and supplement) are written in the entry's transaction, so a household is recorded exactly when it has
// lines, and each payment's lines (cooperative, receipts, base, rate, amount, entry) are on record.
//
// Late receipts (a till's late upload of a year-Y receipt after Y was paid): every run, first or repeat,
// compares per household and cooperative what the receipts of Y accrued now with the sum of the lines
// recorded so far. A household without lines gets its first payment (supplement 0); one whose receipts
// changed gets supplement n (1, 2, ...; the household's last + 1): lines with the difference (receipts,
// base and amount added since; rate = amount / base of the difference) and, when they sum to more than 0,
// an entry ("dividend", "year:<Y>/household:<H>/supplement:<n>") moving that sum (capped at what the
// accrual holds) to the bonus, occurred_at the instant of the run. A late RETURN of a Y sale after the
// payment: the member was paid that dividend already, and ReceiptService took the return's dividend from
// the accrual account when it was posted (at most what it held: the receipt's dividend_minor is what was
// taken), so it is settled there and in the next payment from that account (its cap); the supplement
// records its negative line, pays nothing, takes nothing back from the bonus, and the difference is not
// carried into a later supplement (it would be recovered twice). A repeat with nothing new writes no
// lines and posts nothing; its report counts the households as already_paid.
//
// Households are processed in batches of kBatchHouseholds (households with receipts of Y, by id), one
// transaction each: a run that is stopped keeps the batches done, and the next run carries on; since a
// batch's lines and entries are written together and a household's next supplement is computed from its
// lines, nothing is paid twice.
// A batch is a few statements whatever its size: its households and their sums read, their accrual (and,
// on PostgreSQL, bonus) accounts locked in id order and read, their sources looked up at once, the entries
// posted by LedgerRepository::PostMany and the lines written multi-row.
//
// Every real run is a row of dividend_runs (market, year, started_at, finished_at, what that run paid and,
// of it, what supplements paid to how many households: late_minor, late_households).
//
// A year that has not ended in the market's time zone is refused (kRule R_BON_7), dry run or not.
//
// One node at a time: a real run takes the lease row job_leases('dividend') like the expiry job, renews it
// with every batch and deletes it at the end; a run that cannot take it fails with kConflict. A dry run
// writes nothing, takes no lease, and reports what a real run would pay now.
class DividendJob {
  public:
    static constexpr int kBatchHouseholds = 1'000;
    static constexpr int64_t kLeaseMillis = 10 * 60 * 1000;  // renewed with every batch

    DividendJob(store::Database& db, const core::Clock& clock,
                const std::map<std::string, core::MarketRules>& markets)
        : db_(db), clock_(clock), markets_(markets) {}

    struct Report {
        int year = 0;
        bool dry_run = false;
        // What this run paid (a dry run: would pay), first payments and supplements; what was recorded
        // before is not counted.
        int64_t households = 0, lines = 0;  // households recorded (paid, or lines with nothing to pay)
        int64_t base_minor = 0;             // sum of the lines' base
        int64_t amount_minor = 0;           // sum of the lines' amount (accrued)
        int64_t paid_minor = 0;       // moved to the households' bonus (amount, capped at the accrual, >= 0)
        int64_t already_paid = 0;     // households of the year with lines of an earlier run
        int64_t late_households = 0;  // of `households`: those given a supplement (receipts after payment)
        int64_t late_minor = 0;       // of `paid_minor`: what the supplements paid
    };

    // progress(done, total) is called after every batch (outside its transaction), in households.
    core::Result<Report> Run(int year, bool dry_run,
                             std::function<void(int64_t done, int64_t total)> progress = {});

    // For tests: smaller batches.
    void set_batch_households(int n) { batch_households_ = n; }
    // For tests: called in each batch's transaction after its payments are planned and before the accrual
    // accounts are locked and read (where a concurrent return may take from them).
    void set_after_batch_plan(std::function<void(store::Connection&)> fn) {
        after_batch_plan_ = std::move(fn);
    }

  private:
    store::Database& db_;
    const core::Clock& clock_;
    const std::map<std::string, core::MarketRules>& markets_;
    int batch_households_ = kBatchHouseholds;
    std::function<void(store::Connection&)> after_batch_plan_;
};

}  // namespace andel::app
