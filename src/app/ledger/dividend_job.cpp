#include "app/ledger/dividend_job.hpp"

#include <date/tz.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <vector>

#include "app/jobs/job_lease.hpp"
#include "app/local_time.hpp"
#include "app/transaction.hpp"
#include "core/ledger/journal.hpp"
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

// The receipts of the market's year that accrued dividend to a household, not yet paid (the household has
// no lines for the year). $1 market, $2 first month, $3 last month, $4 year.
constexpr const char* kYearReceipts =
    "FROM receipts r JOIN stores s ON s.id = r.store_id JOIN cooperatives co ON co.id = s.cooperative_id "
    "WHERE co.market = $1 AND r.month BETWEEN $2 AND $3 AND r.household_id IS NOT NULL "
    "AND (r.dividend_base_minor <> 0 OR r.dividend_minor <> 0) "
    "AND NOT EXISTS (SELECT 1 FROM dividend_lines d WHERE d.year = $4 AND d.household_id = r.household_id) ";

std::vector<int64_t> Households(store::Connection& c, const Market& m, int year, int64_t after, int limit) {
    std::vector<int64_t> out;
    for (const auto& r : c.Query(
             std::string("SELECT DISTINCT r.household_id ") + kYearReceipts +
                 "AND r.household_id > $5 ORDER BY r.household_id LIMIT $6",
             {Text(m.code), Int(year * 100 + 1), Int(year * 100 + 12), Int(year), Int(after), Int(limit)}))
        out.push_back(r.Int(0));
    return out;
}

int64_t CountHouseholds(store::Connection& c, const Market& m, int year) {
    return c
        .QueryOne(std::string("SELECT COUNT(DISTINCT r.household_id) ") + kYearReceipts,
                  {Text(m.code), Int(year * 100 + 1), Int(year * 100 + 12), Int(year)})
        ->Int(0);
}

struct Line {
    int64_t household_id = 0, cooperative_id = 0, receipts = 0, base = 0, amount = 0;
    int64_t rate_bp = 0;
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

// The lines of the households in [first, last] not yet paid, by household, then cooperative.
std::vector<Line> Lines(store::Connection& c, const Market& m, int year, int64_t first, int64_t last) {
    std::vector<Line> out;
    for (const auto& r : c.Query(
             std::string("SELECT r.household_id, s.cooperative_id, COUNT(*), SUM(r.dividend_base_minor), "
                         "SUM(r.dividend_minor) ") +
                 kYearReceipts +
                 "AND r.household_id BETWEEN $5 AND $6 GROUP BY r.household_id, s.cooperative_id "
                 "ORDER BY r.household_id, s.cooperative_id",
             {Text(m.code), Int(year * 100 + 1), Int(year * 100 + 12), Int(year), Int(first), Int(last)})) {
        Line l{r.Int(0), r.Int(1), r.Int(2), r.Int(3), r.Int(4), 0};
        l.rate_bp = Rate(l.amount, l.base);
        out.push_back(l);
    }
    return out;
}

struct Batch {
    int64_t households = 0, lines = 0, base = 0, amount = 0, paid = 0;
};

void Count(Batch& b, const std::vector<Line>& lines, int64_t paid) {
    b.lines += static_cast<int64_t>(lines.size());
    for (const auto& l : lines) {
        b.base += l.base;
        b.amount += l.amount;
    }
    b.paid += paid;
    ++b.households;
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
                store::LedgerRepository ledger(*c);
                households = Households(*c, m, year, after, batch_households_);
                if (!households.empty()) {
                    auto lines = Lines(*c, m, year, households.front(), households.back());
                    for (size_t i = 0; i < lines.size();) {
                        size_t j = i;
                        int64_t sum = 0;
                        while (j < lines.size() && lines[j].household_id == lines[i].household_id)
                            sum += lines[j++].amount;
                        auto held = ledger.FindAccount(
                            {kind::kDividendAccrual, "household", lines[i].household_id, currency});
                        int64_t pay = std::clamp<int64_t>(sum, 0, held ? held->balance : 0);
                        Count(batch,
                              {lines.begin() + static_cast<std::ptrdiff_t>(i),
                               lines.begin() + static_cast<std::ptrdiff_t>(j)},
                              pay);
                        i = j;
                    }
                }
            } else {
                auto written = InTransaction(db_, [&](store::Connection& c) -> Result<Batch> {
                    int64_t now = core::ToMillis(clock_.Now());
                    if (!lease->Renew(c, now))
                        return Error::Conflict("the dividend job's lease ran out and another run took it");
                    bool pg = c.engine() == store::Engine::kPostgres;
                    store::LedgerRepository ledger(c);
                    Batch b;
                    households = Households(c, m, year, after, batch_households_);
                    if (households.empty()) return b;
                    auto lines = Lines(c, m, year, households.front(), households.back());
                    for (size_t i = 0; i < lines.size();) {
                        size_t j = i;
                        int64_t sum = 0;
                        int64_t h = lines[i].household_id;
                        while (j < lines.size() && lines[j].household_id == h) sum += lines[j++].amount;
                        core::AccountRef accrual{kind::kDividendAccrual, "household", h, currency};
                        core::AccountRef bonus{kind::kHouseholdBonus, "household", h, currency};
                        // PostgreSQL: hold the accrual account while reading what it holds (a concurrent
                        // return may take from it). SQLite has one writer.
                        if (pg)
                            c.Query(
                                "SELECT id FROM ledger_accounts WHERE kind = $1 AND owner_kind = $2 AND "
                                "owner_id = $3 AND unit = $4 FOR UPDATE",
                                {Text(accrual.kind), Text(accrual.owner_kind), Int(h), Text(currency)});
                        auto held = ledger.FindAccount(accrual);
                        int64_t pay = std::clamp<int64_t>(sum, 0, held ? held->balance : 0);
                        std::string key = "year:" + std::to_string(year) + "/household:" + std::to_string(h);
                        std::optional<int64_t> entry_id = ledger.FindEntry(kSourceKind, key);
                        if (entry_id) {
                            pay = 0;  // paid, its lines lost: not possible while both are written together
                        } else if (pay > 0) {
                            core::JournalEntry entry;
                            entry.source_kind = kSourceKind;
                            entry.source_key = key;
                            entry.description =
                                "purchase dividend for " + std::to_string(year) + " (R_BON_7)";
                            if (pay < sum)
                                entry.description +=
                                    ", " + std::to_string(sum - pay) + " of it taken back by returns since";
                            entry.actor = kActor;
                            entry.occurred_at =
                                LocalMonthStartMillis(m.rules->time_zone, (year + 1) * 100 + 1);
                            entry.postings.push_back({accrual, -pay, std::nullopt});
                            entry.postings.push_back({bonus, pay, std::nullopt});
                            auto posted = ledger.Post(entry, now);
                            if (!posted && posted.error().code == core::ErrorCode::kConflict)
                                throw store::DbError(store::DbError::Kind::kUniqueViolation,
                                                     posted.error().detail);
                            if (!posted) return posted.error();
                            entry_id = *posted;
                        }
                        for (size_t k = i; k < j; ++k) {
                            const Line& l = lines[k];
                            c.Execute(
                                "INSERT INTO dividend_lines (run_id, year, household_id, cooperative_id, "
                                "receipts, base_minor, rate_bp, amount_minor, entry_id) VALUES ($1, $2, $3, "
                                "$4, $5, $6, $7, $8, $9)",
                                {Int(m.run_id), Int(year), Int(h), Int(l.cooperative_id), Int(l.receipts),
                                 Int(l.base), Int(l.rate_bp), Int(l.amount),
                                 entry_id ? Int(*entry_id) : store::Null()});
                        }
                        Count(b,
                              {lines.begin() + static_cast<std::ptrdiff_t>(i),
                               lines.begin() + static_cast<std::ptrdiff_t>(j)},
                              pay);
                        i = j;
                    }
                    c.Execute(
                        "UPDATE dividend_runs SET households = households + $2, lines = lines + $3, "
                        "base_minor = base_minor + $4, amount_minor = amount_minor + $5 WHERE id = $1",
                        {Int(m.run_id), Int(b.households), Int(b.lines), Int(b.base), Int(b.paid)});
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
            done += static_cast<int64_t>(households.size());
            if (progress) progress(done, std::max(total, done));
            if (static_cast<int>(households.size()) < batch_households_) break;
        }

        // The households paid before this run, and what their receipts of the year have accrued since.
        {
            auto c = db_.Read();
            auto paid = c->QueryOne(
                "SELECT COUNT(DISTINCT d.household_id) FROM dividend_lines d JOIN cooperatives co ON co.id = "
                "d.cooperative_id WHERE d.year = $1 AND co.market = $2 AND d.run_id <> $3",
                {Int(year), Text(m.code), Int(m.run_id)});
            report.already_paid += paid->Int(0);
            auto late = c->QueryOne(
                "SELECT COALESCE(SUM(r.dividend_minor), 0) FROM receipts r JOIN stores s ON s.id = "
                "r.store_id "
                "JOIN cooperatives co ON co.id = s.cooperative_id WHERE co.market = $1 AND r.month BETWEEN "
                "$2 "
                "AND $3 AND EXISTS (SELECT 1 FROM dividend_lines d WHERE d.year = $4 AND d.household_id = "
                "r.household_id)",
                {Text(m.code), Int(year * 100 + 1), Int(year * 100 + 12), Int(year)});
            auto recorded = c->QueryOne(
                "SELECT COALESCE(SUM(d.amount_minor), 0) FROM dividend_lines d JOIN cooperatives co ON co.id "
                "= "
                "d.cooperative_id WHERE d.year = $1 AND co.market = $2",
                {Int(year), Text(m.code)});
            report.late_minor += late->Int(0) - recorded->Int(0);
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
