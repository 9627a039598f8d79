#include "app/ledger/expiry_job.hpp"

#include <date/tz.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/jobs/job_lease.hpp"
#include "app/ledger/job_batch.hpp"
#include "app/local_time.hpp"
#include "app/transaction.hpp"
#include "core/ledger/journal.hpp"
#include "core/ledger/rewards.hpp"
#include "store/batch_sql.hpp"
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
// households, docs/benchmarks.md). `a.id >= $4` (implied by the lots' key) lets PostgreSQL, which merges
// the lots with the accounts, start the accounts there too rather than at the first account every batch.
std::vector<Lot> ExpiredLots(store::Connection& c, const Market& m, int64_t after_account, int after_month,
                             int limit) {
    std::vector<Lot> out;
    for (const auto& r :
         c.Query("SELECT l.account_id, a.owner_id, l.month, l.remaining FROM points_lots l "
                 "CROSS JOIN ledger_accounts a CROSS JOIN households h CROSS JOIN members m "
                 "WHERE a.id = l.account_id AND h.id = a.owner_id AND m.id = h.owner_member_id "
                 "AND a.kind = $1 AND a.owner_kind = 'household' AND a.unit = 'points' AND m.market = $2 "
                 "AND l.remaining > 0 AND l.month < $3 AND (l.account_id, l.month) > ($4, $5) AND a.id >= $4 "
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

// What the batch's lots (in (account, month) order, as ExpiredLots reads them) hold now, by (account, month):
// a concurrent return may have taken from a lot since ExpiredLots read it. PostgreSQL: locks the lots'
// accounts in one statement in id order, then the lots in key order (the order Post() and PostMany() take
// them in: account, then lot), so the batch and a receipt of the same household wait for each other rather
// than cross. SQLite has one writer.
std::map<std::pair<int64_t, int>, int64_t> HeldLots(store::Connection& c, const std::vector<Lot>& lots) {
    std::map<std::pair<int64_t, int>, int64_t> held;
    if (lots.empty()) return held;
    bool pg = c.engine() == store::Engine::kPostgres;
    if (pg) {
        std::vector<int64_t> accounts;
        for (const auto& lot : lots)
            if (accounts.empty() || accounts.back() != lot.account_id) accounts.push_back(lot.account_id);
        c.Query("SELECT id FROM ledger_accounts WHERE id " + store::InIds(c.engine(), "$1") +
                    " ORDER BY id FOR UPDATE",
                {store::IdsParam(c.engine(), accounts)});
    }
    std::vector<store::Value> params;
    store::ForEachChunk(lots.size(), [&](size_t begin, size_t n) {
        params.clear();
        params.reserve(2 * n);
        for (size_t i = begin; i < begin + n; ++i) {
            params.push_back(Int(lots[i].account_id));
            params.push_back(Int(lots[i].month));
        }
        // IN (SELECT ... FROM (VALUES ...)), not IN (VALUES ...): SQLite scans the whole table for the
        // latter.
        for (const auto& r :
             c.Query("SELECT account_id, month, remaining FROM points_lots WHERE (account_id, "
                     "month) IN (SELECT v.column1, v.column2 FROM (VALUES " +
                         store::ValuesRows(n, 2, 1, true) + ") AS v) ORDER BY account_id, month" +
                         (pg ? " FOR UPDATE" : ""),
                     params))
            held[{r.Int(0), static_cast<int>(r.Int(1))}] = r.Int(2);
    });
    return held;
}

// The source keys under which the lots' points expire now, in their order: per lot the first of "<base>",
// "<base>/2", ... not yet posted (more than one only when points reached the lot after it had expired). One
// look-up of the batch's keys per round; a second round only for the lots found posted in the first.
std::vector<std::string> FreeSourceKeys(store::Connection& c, const std::vector<Lot>& lots) {
    std::vector<std::string> base(lots.size()), keys(lots.size());
    std::vector<size_t> open(lots.size());
    for (size_t i = 0; i < lots.size(); ++i) {
        base[i] = "household_points:" + std::to_string(lots[i].account_id) +
                  "/lot:" + std::to_string(lots[i].month);
        open[i] = i;
    }
    for (int n = 1; !open.empty(); ++n) {
        std::vector<std::string> asked;
        asked.reserve(open.size());
        for (size_t i : open) {
            keys[i] = n == 1 ? base[i] : base[i] + "/" + std::to_string(n);
            asked.push_back(keys[i]);
        }
        auto posted = PostedEntries(c, kSourceKind, asked);
        std::vector<size_t> taken;
        for (size_t i : open)
            if (posted.contains(keys[i])) taken.push_back(i);
        open = std::move(taken);
    }
    return keys;
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
        std::map<int, int64_t> ends;  // expiry month -> the instant it ended (the entries' occurred_at)
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
                    lots = ExpiredLots(c, m, after_account, after_month, batch_lots_);
                    if (after_batch_read_) after_batch_read_(c);
                    auto held = HeldLots(c, lots);
                    // The lots that hold points now, with what they hold.
                    std::vector<Lot> left;
                    for (const auto& lot : lots) {
                        auto it = held.find({lot.account_id, lot.month});
                        if (it == held.end() || it->second <= 0) continue;
                        left.push_back(lot);
                        left.back().remaining = it->second;
                    }
                    auto keys = FreeSourceKeys(c, left);
                    std::vector<core::JournalEntry> entries;
                    entries.reserve(left.size());
                    std::vector<Expired> out;
                    out.reserve(left.size());
                    core::AccountRef expiry{kExpiryAccountKind, "operator", 0, "points"};
                    for (size_t i = 0; i < left.size(); ++i) {
                        const Lot& lot = left[i];
                        int expires = core::ExpiryMonth(lot.month, m.rules->points_validity_months);
                        core::JournalEntry& entry = entries.emplace_back();
                        entry.source_kind = kSourceKind;
                        entry.source_key = std::move(keys[i]);
                        entry.description = "points earned in " + MonthText(lot.month) +
                                            " expired at the end of " + MonthText(expires) + " (R_BON_4)";
                        entry.actor = kActor;
                        auto end = ends.find(expires);
                        if (end == ends.end())
                            end = ends.emplace(expires, LocalMonthStartMillis(m.rules->time_zone,
                                                                              core::AddMonths(expires, 1)))
                                      .first;
                        entry.occurred_at = end->second;
                        entry.postings.push_back(
                            {{core::account_kind::kHouseholdPoints, "household", lot.household_id, "points"},
                             -lot.remaining,
                             lot.month});
                        entry.postings.push_back({expiry, lot.remaining, std::nullopt});
                        out.push_back({lot.account_id, lot.remaining});
                    }
                    store::LedgerRepository ledger(c);
                    auto posted = PostBatch(ledger, entries, now);
                    if (!posted) return posted.error();
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
