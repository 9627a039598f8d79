#include "app/ledger/expiry_job.hpp"

#include <date/tz.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>
#include <vector>

#include "app/jobs/job_lease.hpp"
#include "app/local_time.hpp"
#include "app/transaction.hpp"
#include "core/ledger/journal.hpp"
#include "core/ledger/rewards.hpp"
#include "store/ledger/ledger_repository.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;
using store::Int;
using store::Text;

constexpr const char* kJob = "expiry";
constexpr const char* kSourceKind = "expiry";
constexpr const char* kActor = "job:expiry";
constexpr const char* kExpiryAccountKind = core::account_kind::kExpiry;  // the operator's counter-account

std::string MonthText(int yyyymm) {
    char s[16];
    std::snprintf(s, sizeof s, "%04d-%02d", yyyymm / 100, yyyymm % 100);
    return s;
}

struct Market {
    std::string code;
    const core::MarketRules* rules;
    int before;  // lots earned before this month (YYYYMM) have expired
};

struct Lot {
    int64_t account_id = 0, household_id = 0;
    int month = 0;
    int64_t remaining = 0;
};

// The market's household points lots that have expired and still hold points, after (account, month) in
// that order. The lots drive the join (SQLite: CROSS JOIN keeps that order), walked in their primary key's
// order from (after_account, after_month): a batch reads about its own lots. Driven from the accounts
// instead, SQLite read and sorted every household's lots for every batch (quadratic: over 1 000 000
// households, docs/benchmarks.md).
std::vector<Lot> ExpiredLots(store::Connection& c, const Market& m, int64_t after_account, int after_month,
                             int limit) {
    std::vector<Lot> out;
    for (const auto& r :
         c.Query("SELECT l.account_id, a.owner_id, l.month, l.remaining FROM points_lots l "
                 "CROSS JOIN ledger_accounts a CROSS JOIN households h CROSS JOIN members m "
                 "WHERE a.id = l.account_id AND h.id = a.owner_id AND m.id = h.owner_member_id "
                 "AND a.kind = $1 AND a.owner_kind = 'household' AND a.unit = 'points' AND m.market = $2 "
                 "AND l.remaining > 0 AND l.month < $3 AND (l.account_id, l.month) > ($4, $5) "
                 "ORDER BY l.account_id, l.month LIMIT $6",
                 {Text(core::account_kind::kHouseholdPoints), Text(m.code), Int(m.before), Int(after_account),
                  Int(after_month), Int(limit)}))
        out.push_back({r.Int(0), r.Int(1), static_cast<int>(r.Int(2)), r.Int(3)});
    return out;
}

int64_t CountExpiredLots(store::Connection& c, const Market& m) {
    return c
        .QueryOne(
            "SELECT COUNT(*) FROM points_lots l JOIN ledger_accounts a ON a.id = l.account_id "
            "JOIN households h ON h.id = a.owner_id JOIN members m ON m.id = h.owner_member_id "
            "WHERE a.kind = $1 AND a.owner_kind = 'household' AND a.unit = 'points' AND m.market = $2 "
            "AND l.remaining > 0 AND l.month < $3",
            {Text(core::account_kind::kHouseholdPoints), Text(m.code), Int(m.before)})
        ->Int(0);
}

// The source key under which the lot's points expire now: the first of "<base>", "<base>/2", ... not yet
// posted (more than one only when points reached the lot after it had expired).
std::string FreeSourceKey(store::LedgerRepository& ledger, const Lot& lot) {
    std::string base =
        "household_points:" + std::to_string(lot.account_id) + "/lot:" + std::to_string(lot.month);
    std::string key = base;
    for (int n = 2; ledger.FindEntry(kSourceKind, key); ++n) key = base + "/" + std::to_string(n);
    return key;
}

struct Expired {
    int64_t account_id = 0, points = 0;
};

}  // namespace

Result<ExpiryJob::Report> ExpiryJob::Run(bool dry_run, std::function<void(int64_t, int64_t)> progress) {
    core::Timestamp started = clock_.Now();
    Report report;
    report.dry_run = dry_run;
    std::vector<Market> markets;
    for (const auto& [code, rules] : markets_) {
        if (rules.reward != core::RewardKind::kPoints) continue;
        int current = LocalMonth(rules.time_zone, started);
        report.month = std::max(report.month, core::AddMonths(current, -1));
        // ExpiryMonth(M, v) < current  <=>  M + v < current  <=>  M < current - v.
        markets.push_back({code, &rules, core::AddMonths(current, -rules.points_validity_months)});
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
        for (const auto& m : markets) total += CountExpiredLots(*c, m);
    }
    int64_t last_household_account = 0;
    auto count = [&](const std::vector<Expired>& expired) {
        for (const auto& e : expired) {
            if (e.account_id != last_household_account) ++report.households;
            last_household_account = e.account_id;
            ++report.lots;
            report.points += e.points;
        }
    };

    for (const auto& m : markets) {
        int64_t after_account = 0;
        int after_month = 0;
        for (;;) {
            std::vector<Lot> lots;
            std::vector<Expired> expired;
            if (dry_run) {
                auto c = db_.Read();
                lots = ExpiredLots(*c, m, after_account, after_month, batch_lots_);
                for (const auto& lot : lots) expired.push_back({lot.account_id, lot.remaining});
            } else {
                auto batch = InTransaction(db_, [&](store::Connection& c) -> Result<std::vector<Expired>> {
                    int64_t now = core::ToMillis(clock_.Now());
                    if (!lease->Renew(c, now))
                        return Error::Conflict("the expiry job's lease ran out and another run took it");
                    bool pg = c.engine() == store::Engine::kPostgres;
                    store::LedgerRepository ledger(c);
                    lots = ExpiredLots(c, m, after_account, after_month, batch_lots_);
                    std::vector<Expired> out;
                    core::AccountRef expiry{kExpiryAccountKind, "operator", 0, "points"};
                    for (const auto& lot : lots) {
                        // PostgreSQL: lock the account, then the lot (Post()'s order), and read what the lot
                        // holds now; a concurrent return may have taken from it. SQLite has one writer.
                        if (pg)
                            c.Query("SELECT id FROM ledger_accounts WHERE id = $1 FOR UPDATE",
                                    {Int(lot.account_id)});
                        auto held =
                            c.QueryOne(std::string("SELECT remaining FROM points_lots WHERE account_id "
                                                   "= $1 AND month = $2") +
                                           (pg ? " FOR UPDATE" : ""),
                                       {Int(lot.account_id), Int(lot.month)});
                        int64_t remaining = held ? held->Int(0) : 0;
                        if (remaining <= 0) continue;
                        int expires = core::ExpiryMonth(lot.month, m.rules->points_validity_months);
                        core::JournalEntry entry;
                        entry.source_kind = kSourceKind;
                        entry.source_key = FreeSourceKey(ledger, lot);
                        entry.description = "points earned in " + MonthText(lot.month) +
                                            " expired at the end of " + MonthText(expires) + " (R_BON_4)";
                        entry.actor = kActor;
                        entry.occurred_at =
                            LocalMonthStartMillis(m.rules->time_zone, core::AddMonths(expires, 1));
                        entry.postings.push_back(
                            {{core::account_kind::kHouseholdPoints, "household", lot.household_id, "points"},
                             -remaining,
                             lot.month});
                        entry.postings.push_back({expiry, remaining, std::nullopt});
                        auto posted = ledger.Post(entry, now);
                        // Posted meanwhile by another run (not while we hold the lease): retried, and found.
                        if (!posted && posted.error().code == core::ErrorCode::kConflict)
                            throw store::DbError(store::DbError::Kind::kUniqueViolation,
                                                 posted.error().detail);
                        if (!posted) return posted.error();
                        out.push_back({lot.account_id, remaining});
                    }
                    return out;
                });
                if (!batch) return batch.error();
                expired = std::move(*batch);
            }
            if (lots.empty()) break;
            after_account = lots.back().account_id;
            after_month = lots.back().month;
            count(expired);
            done += static_cast<int64_t>(lots.size());
            if (progress) progress(done, std::max(total, done));
            if (static_cast<int>(lots.size()) < batch_lots_) break;
        }
    }
    return report;
}

}  // namespace andel::app
