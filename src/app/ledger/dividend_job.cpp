#include "app/ledger/dividend_job.hpp"

#include <date/tz.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "app/jobs/job_lease.hpp"
#include "app/ledger/job_batch.hpp"
#include "app/local_time.hpp"
#include "app/transaction.hpp"
#include "core/ledger/journal.hpp"
#include "store/ledger/dividend_run_repository.hpp"
#include "store/ledger/ledger_repository.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;
using store::Int;
using store::Text;
namespace kind = core::account_kind;

constexpr const char* kJob = "dividend";
constexpr const char* kSourceKind = "dividend";
constexpr const char* kActor = "job:dividend";

struct Market {
    std::string code;
    const core::MarketRules* rules;
    int64_t run_id = 0;  // dividend_runs row of a real run
};

// The receipts of the market's year that accrued dividend to a household. $1 market, $2 first month, $3
// last month.
constexpr const char* kYearReceipts =
    "FROM receipts r JOIN stores s ON s.id = r.store_id JOIN cooperatives co ON co.id = s.cooperative_id "
    "WHERE co.market = $1 AND r.month BETWEEN $2 AND $3 AND r.household_id IS NOT NULL "
    "AND (r.dividend_base_minor <> 0 OR r.dividend_minor <> 0) ";

// The next households (by id, after `after`) with receipts of the year: paid or not, a household is looked
// at by every run, since a late receipt may have reached it after its payment.
std::vector<int64_t> Households(store::Connection& c, const Market& m, int year, int64_t after, int limit) {
    std::vector<int64_t> out;
    for (const auto& r :
         c.Query(std::string("SELECT DISTINCT r.household_id ") + kYearReceipts +
                     "AND r.household_id > $4 ORDER BY r.household_id LIMIT $5",
                 {Text(m.code), Int(year * 100 + 1), Int(year * 100 + 12), Int(after), Int(limit)}))
        out.push_back(r.Int(0));
    return out;
}

int64_t CountHouseholds(store::Connection& c, const Market& m, int year) {
    return c
        .QueryOne(std::string("SELECT COUNT(DISTINCT r.household_id) ") + kYearReceipts,
                  {Text(m.code), Int(year * 100 + 1), Int(year * 100 + 12)})
        ->Int(0);
}

struct Sums {
    int64_t receipts = 0, base = 0, amount = 0;
    bool zero() const { return receipts == 0 && base == 0 && amount == 0; }
};

struct Line {
    int64_t cooperative_id = 0;
    Sums sums;
    int64_t rate_bp = 0;
};

// What one household is paid now: the lines of its first payment (supplement 0), or of its next supplement
// (what its receipts of the year accrued since the lines recorded so far), and their sum.
struct Payment {
    int64_t household_id = 0;
    int supplement = 0;
    std::vector<Line> lines;
    int64_t sum = 0;
};

// amount / base in basis points, half away from zero.
int64_t Rate(int64_t amount, int64_t base) {
    if (base == 0) return 0;
    __int128 q = static_cast<__int128>(amount) * 10'000, b = base;
    bool negative = (q < 0) != (b < 0);
    if (q < 0) q = -q;
    if (b < 0) b = -b;
    auto r = static_cast<int64_t>((2 * q + b) / (2 * b));
    return negative ? -r : r;
}

struct Plan {
    std::vector<Payment> payments;
    int64_t already_paid = 0;  // households of the batch with lines of an earlier run
};

// The payments of the households in [first, last]: per household and cooperative, what its receipts of the
// year accrued, less what its lines (of all its payments so far) recorded. A household without lines gets
// its first payment; one whose receipts differ from its lines a supplement; the others nothing.
Plan PlanBatch(store::Connection& c, const Market& m, int year, int64_t first, int64_t last) {
    struct Key {
        int64_t household, cooperative;
        bool operator<(const Key& o) const {
            return household != o.household ? household < o.household : cooperative < o.cooperative;
        }
    };
    std::map<Key, Sums> accrued, recorded;
    std::map<int64_t, int> supplements;  // household -> its last supplement number
    for (const auto& r :
         c.Query(std::string("SELECT r.household_id, s.cooperative_id, COUNT(*), SUM(r.dividend_base_minor), "
                             "SUM(r.dividend_minor) ") +
                     kYearReceipts +
                     "AND r.household_id BETWEEN $4 AND $5 GROUP BY r.household_id, s.cooperative_id",
                 {Text(m.code), Int(year * 100 + 1), Int(year * 100 + 12), Int(first), Int(last)}))
        accrued[{r.Int(0), r.Int(1)}] = {r.Int(2), r.Int(3), r.Int(4)};
    for (const auto& r : c.Query(
             "SELECT d.household_id, d.cooperative_id, SUM(d.receipts), SUM(d.base_minor), "
             "SUM(d.amount_minor), MAX(d.supplement) FROM dividend_lines d JOIN cooperatives co ON co.id = "
             "d.cooperative_id WHERE d.year = $1 AND co.market = $2 AND d.household_id BETWEEN $3 AND $4 "
             "GROUP BY d.household_id, d.cooperative_id",
             {Int(year), Text(m.code), Int(first), Int(last)})) {
        recorded[{r.Int(0), r.Int(1)}] = {r.Int(2), r.Int(3), r.Int(4)};
        int& n = supplements[r.Int(0)];
        n = std::max(n, static_cast<int>(r.Int(5)));
    }
    // Both maps are in (household, cooperative) order: merge them.
    Plan plan;
    auto a = accrued.begin(), d = recorded.begin();
    while (a != accrued.end() || d != recorded.end()) {
        int64_t h = a == accrued.end()    ? d->first.household
                    : d == recorded.end() ? a->first.household
                                          : std::min(a->first.household, d->first.household);
        Payment p;
        p.household_id = h;
        auto was = supplements.find(h);
        p.supplement = was == supplements.end() ? 0 : was->second + 1;
        for (;;) {
            bool in_a = a != accrued.end() && a->first.household == h;
            bool in_d = d != recorded.end() && d->first.household == h;
            if (!in_a && !in_d) break;
            int64_t coop = !in_a   ? d->first.cooperative
                           : !in_d ? a->first.cooperative
                                   : std::min(a->first.cooperative, d->first.cooperative);
            Sums now, before;
            if (in_a && a->first.cooperative == coop) now = (a++)->second;
            if (in_d && d->first.cooperative == coop) before = (d++)->second;
            Line l{coop,
                   {now.receipts - before.receipts, now.base - before.base, now.amount - before.amount},
                   0};
            if (l.sums.zero()) continue;
            l.rate_bp = Rate(l.sums.amount, l.sums.base);
            p.sum += l.sums.amount;
            p.lines.push_back(l);
        }
        if (p.supplement > 0) ++plan.already_paid;
        if (!p.lines.empty()) plan.payments.push_back(std::move(p));
    }
    return plan;
}

struct Batch {
    int64_t households = 0, lines = 0, base = 0, amount = 0, paid = 0;
    int64_t late_households = 0, late_paid = 0, already_paid = 0;
};

void Count(Batch& b, const Payment& p, int64_t paid) {
    b.lines += static_cast<int64_t>(p.lines.size());
    for (const auto& l : p.lines) {
        b.base += l.sums.base;
        b.amount += l.sums.amount;
    }
    b.paid += paid;
    ++b.households;
    if (p.supplement > 0) {
        ++b.late_households;
        b.late_paid += paid;
    }
}

// The source of the household's payment: the first one, or its n-th supplement.
std::string SourceKey(int year, const Payment& p) {
    std::string key = "year:" + std::to_string(year) + "/household:" + std::to_string(p.household_id);
    if (p.supplement > 0) key += "/supplement:" + std::to_string(p.supplement);
    return key;
}

// What the payments' households' accrual accounts hold now, by household (none: no account). With `lock`
// (a real run), on PostgreSQL: locks their accrual and bonus accounts, what the batch's entries change, in
// one statement in id order, and reads what the accruals hold under the lock (a concurrent return may take
// from them). SQLite has one writer. The accounts are found by their keys first, and locked by id: the
// primary key's plan holds whatever the batch's length, where PostgreSQL's generic plan for owner_id =
// ANY($n) turned to a scan of all accounts.
std::unordered_map<int64_t, int64_t> Accruals(store::Connection& c, const std::string& currency,
                                              const std::vector<Payment>& payments, bool lock) {
    std::unordered_map<int64_t, int64_t> out;
    if (payments.empty()) return out;
    lock = lock && c.engine() == store::Engine::kPostgres;
    std::vector<core::AccountRef> refs;
    refs.reserve(payments.size() * 2);
    for (const auto& p : payments) {
        refs.push_back({kind::kDividendAccrual, "household", p.household_id, currency});
        if (lock) refs.push_back({kind::kHouseholdBonus, "household", p.household_id, currency});
    }
    auto found = store::LedgerRepository(c).FindAccounts(refs);
    std::vector<int64_t> ids;
    std::unordered_map<int64_t, int64_t> accrual_owner;  // account id -> household, of the accruals
    for (const auto& [key, account] : found) {
        ids.push_back(account.id);
        if (account.ref.kind == kind::kDividendAccrual) {
            accrual_owner.emplace(account.id, account.ref.owner_id);
            out.emplace(account.ref.owner_id, account.balance);
        }
    }
    if (!lock || ids.empty()) return out;
    std::sort(ids.begin(), ids.end());
    for (const auto& r : c.Query("SELECT id, balance FROM ledger_accounts WHERE id " +
                                     store::InIds(c.engine(), "$1") + " ORDER BY id FOR UPDATE",
                                 {store::IdsParam(c.engine(), ids)}))
        if (auto owner = accrual_owner.find(r.Int(0)); owner != accrual_owner.end())
            out[owner->second] = r.Int(1);
    return out;
}

// The entry that pays `pay` of the payment from the household's accrual to its bonus (R_BON_6).
core::JournalEntry PaymentEntry(int year, const Payment& p, std::string key, int64_t pay, int64_t occurred_at,
                                const std::string& currency) {
    core::JournalEntry entry;
    entry.source_kind = kSourceKind;
    entry.source_key = std::move(key);
    entry.description = p.supplement == 0 ? "purchase dividend for " + std::to_string(year) + " (R_BON_7)"
                                          : "purchase dividend for " + std::to_string(year) +
                                                ", supplement " + std::to_string(p.supplement) +
                                                " for receipts posted after its payment (R_BON_7)";
    if (pay < p.sum)
        entry.description += ", " + std::to_string(p.sum - pay) + " of it taken back by returns since";
    entry.actor = kActor;
    entry.occurred_at = occurred_at;
    entry.postings.push_back(
        {{kind::kDividendAccrual, "household", p.household_id, currency}, -pay, std::nullopt});
    entry.postings.push_back(
        {{kind::kHouseholdBonus, "household", p.household_id, currency}, pay, std::nullopt});
    return entry;
}

}  // namespace

Result<DividendJob::Report> DividendJob::Run(int year, bool dry_run,
                                             std::function<void(int64_t, int64_t)> progress) {
    core::Timestamp started = clock_.Now();
    Report report;
    report.year = year;
    report.dry_run = dry_run;
    if (year < 1970 || year > 9998) return Error::Invalid("the year is out of range", "year");
    std::vector<Market> markets;
    for (const auto& [code, rules] : markets_) {
        if (rules.reward != core::RewardKind::kBonusAndDividend) continue;
        int current = LocalMonth(rules.time_zone, started) / 100;
        if (year >= current)
            return Error::Rule("R_BON_7", "the dividend of " + std::to_string(year) +
                                              " is paid after the year has ended in " + code + " (" +
                                              rules.time_zone + ")");
        markets.push_back({code, &rules, 0});
    }
    if (markets.empty()) return report;

    std::optional<JobLease> lease;
    if (!dry_run) {
        auto taken = JobLease::Take(db_, kJob, core::ToMillis(started), kLeaseMillis);
        if (!taken) return taken.error();
        lease = std::move(*taken);
    }
    LeaseGuard release(db_, lease);

    int64_t total = 0, done = 0;
    {
        auto c = db_.Read();
        for (const auto& m : markets) total += CountHouseholds(*c, m, year);
    }

    for (auto& m : markets) {
        const std::string& currency = m.rules->currency;
        const int64_t year_end = LocalMonthStartMillis(m.rules->time_zone, (year + 1) * 100 + 1);
        if (!dry_run) {
            store::Transaction tx(db_);
            m.run_id = tx.conn()
                           .QueryOne(
                               "INSERT INTO dividend_runs (year, market, started_at, dry_run) VALUES "
                               "($1, $2, $3, 0) RETURNING id",
                               {Int(year), Text(m.code), Int(core::ToMillis(started))})
                           ->Int(0);
            tx.Commit();
        }
        int64_t after = 0;
        for (;;) {
            std::vector<int64_t> households;
            Batch batch;
            if (dry_run) {
                auto c = db_.Read();
                households = Households(*c, m, year, after, batch_households_);
                if (!households.empty()) {
                    auto plan = PlanBatch(*c, m, year, households.front(), households.back());
                    batch.already_paid = plan.already_paid;
                    auto held = Accruals(*c, currency, plan.payments, /*lock=*/false);
                    for (const auto& p : plan.payments) {
                        auto account = held.find(p.household_id);
                        Count(batch, p,
                              std::clamp<int64_t>(p.sum, 0, account == held.end() ? 0 : account->second));
                    }
                }
            } else {
                auto written = InTransaction(db_, [&](store::Connection& c) -> Result<Batch> {
                    int64_t now = core::ToMillis(clock_.Now());
                    if (!lease->Renew(c, now))
                        return Error::Conflict("the dividend job's lease ran out and another run took it");
                    Batch b;
                    households = Households(c, m, year, after, batch_households_);
                    if (households.empty()) return b;
                    auto plan = PlanBatch(c, m, year, households.front(), households.back());
                    b.already_paid = plan.already_paid;
                    if (after_batch_plan_) after_batch_plan_(c);
                    auto held = Accruals(c, currency, plan.payments, /*lock=*/true);
                    std::vector<std::string> keys;
                    keys.reserve(plan.payments.size());
                    for (const auto& p : plan.payments) keys.push_back(SourceKey(year, p));
                    auto posted_before = PostedEntries(c, kSourceKind, keys);

                    // Per payment: what it pays, and the entry that pays it (posted before, or below).
                    std::vector<int64_t> pays(plan.payments.size());
                    std::vector<std::optional<int64_t>> entry_ids(plan.payments.size());
                    std::vector<size_t> posting;  // the payments posted now, in the order of `entries`
                    std::vector<core::JournalEntry> entries;
                    for (size_t i = 0; i < plan.payments.size(); ++i) {
                        const Payment& p = plan.payments[i];
                        // Never more than the accrual holds, never below zero: a supplement whose lines sum
                        // to less than zero (a late return) pays nothing and takes nothing back.
                        auto account = held.find(p.household_id);
                        pays[i] = std::clamp<int64_t>(p.sum, 0, account == held.end() ? 0 : account->second);
                        if (auto was = posted_before.find(keys[i]); was != posted_before.end()) {
                            // Paid, its lines lost: not possible while both are written together.
                            pays[i] = 0;
                            entry_ids[i] = was->second;
                        } else if (pays[i] > 0) {
                            entries.push_back(PaymentEntry(year, p, std::move(keys[i]), pays[i],
                                                           p.supplement == 0 ? year_end : now, currency));
                            posting.push_back(i);
                        }
                    }
                    store::LedgerRepository ledger(c);
                    auto posted = PostBatch(ledger, entries, now);
                    if (!posted) return posted.error();
                    for (size_t k = 0; k < posting.size(); ++k) entry_ids[posting[k]] = posted->entry_ids[k];

                    std::vector<store::DividendLineRecord> lines;
                    for (size_t i = 0; i < plan.payments.size(); ++i) {
                        const Payment& p = plan.payments[i];
                        for (const Line& l : p.lines)
                            lines.push_back({m.run_id, year, p.household_id, l.cooperative_id, p.supplement,
                                             l.sums.receipts, l.sums.base, l.rate_bp, l.sums.amount,
                                             entry_ids[i]});
                        Count(b, p, pays[i]);
                    }
                    store::DividendRunRepository(c).AddLines(lines);
                    c.Execute(
                        "UPDATE dividend_runs SET households = households + $2, lines = lines + $3, "
                        "base_minor = base_minor + $4, amount_minor = amount_minor + $5, late_households = "
                        "late_households + $6, late_minor = late_minor + $7 WHERE id = $1",
                        {Int(m.run_id), Int(b.households), Int(b.lines), Int(b.base), Int(b.paid),
                         Int(b.late_households), Int(b.late_paid)});
                    return b;
                });
                if (!written) return written.error();
                batch = *written;
            }
            if (households.empty()) break;
            after = households.back();
            report.households += batch.households;
            report.lines += batch.lines;
            report.base_minor += batch.base;
            report.amount_minor += batch.amount;
            report.paid_minor += batch.paid;
            report.late_households += batch.late_households;
            report.late_minor += batch.late_paid;
            report.already_paid += batch.already_paid;
            done += static_cast<int64_t>(households.size());
            if (progress) progress(done, std::max(total, done));
            if (static_cast<int>(households.size()) < batch_households_) break;
        }

        if (!dry_run) {
            store::Transaction tx(db_);
            tx.conn().Execute("UPDATE dividend_runs SET finished_at = $2 WHERE id = $1",
                              {Int(m.run_id), Int(core::ToMillis(clock_.Now()))});
            tx.Commit();
        }
    }
    return report;
}

}  // namespace andel::app
