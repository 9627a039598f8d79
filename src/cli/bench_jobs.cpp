#include "cli/bench_jobs.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/demo/generator.hpp"
#include "app/ledger/dividend_job.hpp"
#include "app/ledger/expiry_job.hpp"
#include "app/local_time.hpp"
#include "core/clock.hpp"
#include "core/ledger/journal.hpp"
#include "store/ledger/ledger_repository.hpp"
#include "store/migrator.hpp"

namespace andel::cli {
namespace {

using Clock = std::chrono::steady_clock;
namespace kind = core::account_kind;

double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string S(int64_t v) { return std::to_string(v); }

// A new SQLite file, or a new schema in the PostgreSQL database of the URL; removed at the end (unless kept).
class BenchDatabase {
  public:
    BenchDatabase(const std::string& url, bool keep) : keep_(keep) {
        if (url.empty()) {
            path_ = "/tmp/andel-bench-jobs-" + std::to_string(getpid()) + ".db";
            Remove();
            db_ = store::Open("sqlite:" + path_);
        } else if (url.starts_with("postgres")) {
            admin_ = store::Open(url);
            schema_ = "andel_bench_jobs_" + std::to_string(getpid());
            admin_->Write()->ExecScript("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE; CREATE SCHEMA " +
                                        schema_);
            db_ = store::Open(url + (url.find('?') == std::string::npos ? "?" : "&") +
                              "options=-csearch_path%3D" + schema_);
        } else {
            db_ = store::Open(url);  // a SQLite file of the caller's: it must be empty
        }
    }
    ~BenchDatabase() {
        db_.reset();
        try {
            if (admin_ && !keep_)
                admin_->Write()->ExecScript("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
        } catch (const std::exception& e) {
            std::fprintf(stderr, "andel: could not drop the schema %s: %s\n", schema_.c_str(), e.what());
        }
        Remove();
    }
    BenchDatabase(const BenchDatabase&) = delete;
    BenchDatabase& operator=(const BenchDatabase&) = delete;
    store::Database& db() { return *db_; }
    std::string where() const {
        return !schema_.empty() ? "schema " + schema_ : !path_.empty() ? path_ : "the given database";
    }

  private:
    void Remove() {
        if (!path_.empty() && !keep_)
            for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
    }
    bool keep_;
    std::string path_, schema_;
    std::unique_ptr<store::Database> admin_, db_;
};

int64_t MaxId(store::Connection& c, const char* table) {
    return c.QueryOne(std::string("SELECT COALESCE(MAX(id), 0) FROM ") + table)->Int(0);
}

double PeakRssMb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0;  // Linux: KiB
}

// FNV-1a of the fields of one row; the rows' hashes are added, so the fingerprint does not depend on the
// order rows were written or read in (nor on ids, which are left out).
struct Fingerprint {
    uint64_t sum = 0;
    int64_t rows = 0;
    void Add(const store::Row& r, size_t n) {
        uint64_t h = 1469598103934665603ull;
        auto mix = [&](const std::string& s) {
            for (unsigned char ch : s) h = (h ^ ch) * 1099511628211ull;
            h = (h ^ 0xff) * 1099511628211ull;
        };
        for (size_t i = 0; i < n; ++i) mix(r.IsNull(i) ? std::string("\\N") : r.Text(i));
        sum += h;
        ++rows;
    }
};

// Adds the rows of `sql` whose `key` column of `table` is in [$1, $2), range by range over the column's
// values: never all the rows in memory at once, so the peak RSS printed is the jobs' rather than this read's.
void AddByRanges(store::Connection& c, Fingerprint& f, const std::string& sql, size_t columns,
                 const char* table, const char* key) {
    constexpr int64_t kRange = 100'000;
    auto bounds = c.QueryOne(std::string("SELECT COALESCE(MIN(") + key + "), 0), COALESCE(MAX(" + key +
                             "), -1) FROM " + table);
    for (int64_t from = bounds->Int(0); from <= bounds->Int(1); from += kRange)
        for (const auto& r : c.Query(sql, {store::Int(from), store::Int(from + kRange)})) f.Add(r, columns);
}

// What the jobs wrote: their entries with their postings (by account kind and owner, not id), and the
// dividend lines (by the source of the entry that paid them).
Fingerprint JournalFingerprint(store::Connection& c) {
    Fingerprint f;
    AddByRanges(c, f,
                "SELECT e.source_kind, e.source_key, e.description, CAST(e.occurred_at AS TEXT), a.kind, "
                "a.owner_kind, CAST(a.owner_id AS TEXT), a.unit, CAST(p.amount AS TEXT), "
                "CAST(p.lot_month AS TEXT) FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id "
                "JOIN ledger_accounts a ON a.id = p.account_id WHERE e.source_kind IN ('expiry', 'dividend') "
                "AND e.id >= $1 AND e.id < $2",
                10, "ledger_entries", "id");
    AddByRanges(
        c, f,
        "SELECT CAST(d.year AS TEXT), CAST(d.household_id AS TEXT), CAST(d.cooperative_id AS TEXT), "
        "CAST(d.supplement AS TEXT), CAST(d.receipts AS TEXT), CAST(d.base_minor AS TEXT), "
        "CAST(d.rate_bp AS TEXT), CAST(d.amount_minor AS TEXT), e.source_key FROM dividend_lines d "
        "LEFT JOIN ledger_entries e ON e.id = d.entry_id WHERE d.household_id >= $1 AND d.household_id < $2",
        9, "dividend_lines", "household_id");
    AddByRanges(c, f,
                "SELECT CAST(account_id AS TEXT), CAST(month AS TEXT), CAST(earned AS TEXT), "
                "CAST(remaining AS TEXT) FROM points_lots WHERE account_id >= $1 AND account_id < $2",
                4, "points_lots", "account_id");
    return f;
}

struct StoreRow {
    int64_t store_id = 0, coop_id = 0, other_store_id = 0, other_coop_id = 0;
};

}  // namespace

int BenchJobs(const app::Config& cfg, const BenchJobsOptions& options) {
    if (!cfg.markets.count("se") || !cfg.markets.count("no")) {
        std::fprintf(stderr, "andel: bench jobs needs the markets se (points) and no (dividend)\n");
        return 2;
    }
    if (options.households < 1) {
        std::fprintf(stderr, "andel: --households must be at least 1\n");
        return 2;
    }
    const auto& se = cfg.markets.at("se");
    const auto& no = cfg.markets.at("no");
    // The run: 2027-01-15T12:00:00Z. The expiry is of the months ended (lots of 2023-12 and older expire at
    // the end of 2026-12), the dividend of 2026.
    core::FixedClock clock(core::FromMillis(1'800'014'400'000));
    const int64_t now = core::ToMillis(clock.Now());
    const int year = 2026;
    const int64_t n = options.households;

    BenchDatabase bench(options.database, options.keep);
    store::Database& db = bench.db();
    store::Migrate(db, now);
    app::EnsureReferenceData(db, cfg.markets, now);
    const bool pg = db.engine() == store::Engine::kPostgres;
    std::string version;
    std::map<std::string, std::vector<StoreRow>> stores;
    int64_t p0 = 0, m0 = 0, h0 = 0, a0 = 0, e0 = 0, r0 = 0;
    {
        auto c = db.Read();
        version =
            c->QueryOne(pg ? "SELECT current_setting('server_version')" : "SELECT sqlite_version()")->Text(0);
        for (const char* market : {"se", "no"}) {
            std::vector<std::pair<int64_t, int64_t>> all;
            for (const auto& r :
                 c->Query("SELECT s.id, s.cooperative_id FROM stores s JOIN cooperatives co ON co.id = "
                          "s.cooperative_id WHERE co.market = $1 ORDER BY s.id",
                          {store::Text(market)}))
                all.emplace_back(r.Int(0), r.Int(1));
            for (const auto& [id, coop] : all) {
                StoreRow row{id, coop, id, coop};
                for (const auto& [other, other_coop] : all)
                    if (other_coop != coop) {
                        row.other_store_id = other;
                        row.other_coop_id = other_coop;
                        break;
                    }
                stores[market].push_back(row);
            }
        }
        p0 = MaxId(*c, "persons");
        m0 = MaxId(*c, "members");
        h0 = MaxId(*c, "households");
        a0 = MaxId(*c, "ledger_accounts");
        e0 = MaxId(*c, "ledger_entries");
        r0 = MaxId(*c, "receipts");
    }
    if (stores["se"].empty() || stores["no"].empty() || stores["no"].front().other_coop_id == 0 ||
        stores["no"].front().other_coop_id == stores["no"].front().coop_id) {
        std::fprintf(stderr, "andel: se needs stores and no stores of two cooperatives\n");
        return 1;
    }
    std::printf("andel bench jobs (%lld households in se, %lld in no; %s %s, %s)\n",
                static_cast<long long>(n), static_cast<long long>(n),
                std::string(store::EngineName(db.engine())).c_str(), version.c_str(), bench.where().c_str());
    std::fflush(stdout);

    // --- seeding
    // --------------------------------------------------------------------------------------------- Global
    // household index g: 1..n in se, n+1..2n in no. Person, member and household ids are base + g; the
    // household's points (se) or dividend accrual (no) account is a0 + g; the stores' counter-accounts follow
    // (a0 + 2n + ...). se entries: e0 + (g-1)*4 + k + 1 (lot k); no entries: e0 + 4n + (j-1)*3 + k + 1 and
    // receipts r0 + (j-1)*3 + k + 1 (receipt k of no household j = g - n).
    const int64_t batch = std::min<int64_t>(100'000, n);
    auto started = Clock::now();
    int64_t seeded = 0;
    {
        store::Transaction tx(db);
        auto& c = tx.conn();
        c.ExecScript(
            "CREATE TABLE bench_numbers (i BIGINT PRIMARY KEY); "
            "CREATE TABLE bench_stores (market TEXT NOT NULL, idx BIGINT NOT NULL, store_id BIGINT NOT NULL, "
            "coop_id BIGINT NOT NULL, other_store_id BIGINT NOT NULL, other_coop_id BIGINT NOT NULL, "
            "account_id BIGINT NOT NULL, other_account_id BIGINT NOT NULL); "
            "CREATE TABLE bench_months (market TEXT NOT NULL, k BIGINT NOT NULL, month BIGINT NOT NULL, "
            "occurred_at BIGINT NOT NULL)");
        for (int64_t i = 1; i <= batch;) {
            std::string sql = "INSERT INTO bench_numbers (i) VALUES ";
            for (int j = 0; j < 1000 && i <= batch; ++j, ++i) sql += (j ? ",(" : "(") + S(i) + ")";
            c.Execute(sql);
        }
        // Counter-accounts: se, each store's points funding; no, each cooperative's dividend payable.
        int64_t account = a0 + 2 * n;
        std::map<int64_t, int64_t> payable;  // no cooperative -> account
        auto add_account = [&](const char* k, const char* owner_kind, int64_t owner, const char* unit) {
            c.Execute(
                "INSERT INTO ledger_accounts (id, kind, owner_kind, owner_id, unit, balance, created_at) "
                "VALUES "
                "($1, $2, $3, $4, $5, 0, $6)",
                {store::Int(++account), store::Text(k), store::Text(owner_kind), store::Int(owner),
                 store::Text(unit), store::Int(now)});
            return account;
        };
        for (const auto& s : stores["no"]) {
            if (!payable.count(s.coop_id))
                payable[s.coop_id] = add_account(kind::kDividendPayable, "cooperative", s.coop_id, "NOK");
            if (!payable.count(s.other_coop_id))
                payable[s.other_coop_id] =
                    add_account(kind::kDividendPayable, "cooperative", s.other_coop_id, "NOK");
        }
        for (const char* market : {"se", "no"}) {
            int64_t idx = 0;
            for (const auto& s : stores[market]) {
                int64_t acc = std::string(market) == "se"
                                  ? add_account(kind::kStoreFunding, "store", s.store_id, "points")
                                  : payable[s.coop_id];
                int64_t other = std::string(market) == "se" ? acc : payable[s.other_coop_id];
                c.Execute("INSERT INTO bench_stores VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                          {store::Text(market), store::Int(idx++), store::Int(s.store_id),
                           store::Int(s.coop_id), store::Int(s.other_store_id), store::Int(s.other_coop_id),
                           store::Int(acc), store::Int(other)});
            }
        }
        // se lots: one of 2023-12 (expiring at the end of 2026-12: expires now), 2024-01 (expires at the end
        // of 2027-01: not yet), 2025-06, 2026-11. no receipts: 2026-03, 2026-09, 2026-11.
        int k = 0;
        for (int month : {202312, 202401, 202506, 202611})
            c.Execute("INSERT INTO bench_months VALUES ('se', $1, $2, $3)",
                      {store::Int(k++), store::Int(month),
                       store::Int(app::LocalMonthStartMillis(se.time_zone, month) + 14 * 86'400'000LL +
                                  43'200'000LL)});
        k = 0;
        for (int month : {202603, 202609, 202611})
            c.Execute("INSERT INTO bench_months VALUES ('no', $1, $2, $3)",
                      {store::Int(k++), store::Int(month),
                       store::Int(app::LocalMonthStartMillis(no.time_zone, month) + 14 * 86'400'000LL +
                                  43'200'000LL)});
        tx.Commit();
    }
    const int64_t se_stores = static_cast<int64_t>(stores["se"].size());
    const int64_t no_stores = static_cast<int64_t>(stores["no"].size());
    const std::string ts = S(now);
    for (const bool sweden : {true, false}) {
        const std::string market = sweden ? "se" : "no";
        const int64_t nst = sweden ? se_stores : no_stores;
        for (int64_t lo = 1; lo <= n; lo += batch) {
            const int64_t count = std::min(batch, n - lo + 1);
            const int64_t off = (sweden ? 0 : n) + lo - 1;  // g = off + i
            const std::string g = "(" + S(off) + " + n.i)";
            const std::string where = " WHERE n.i <= " + S(count);
            const std::string join = " FROM bench_numbers n JOIN bench_stores st ON st.market = '" + market +
                                     "' AND st.idx = " + g + " % " + S(nst);
            const std::string from = join + where;
            const std::string months_from =
                join + " JOIN bench_months k ON k.market = '" + market + "'" + where;
            store::Transaction tx(db);
            auto& c = tx.conn();
            seeded += c.Execute(
                "INSERT INTO persons (id, market, first_name, last_name, name_key, birth_date, created_at, "
                "updated_at) SELECT " +
                S(p0) + " + " + g + ", '" + market +
                "', 'Bench', 'Household', 'household bench', '1970-01-01', " + ts + ", " + ts + from);
            seeded += c.Execute(
                "INSERT INTO members (id, person_id, member_number, kind, status, market, cooperative_id, "
                "home_store_id, joined_at) SELECT " +
                S(m0) + " + " + g + ", " + S(p0) + " + " + g + ", CAST(80000000 + " + g +
                " AS TEXT), 'member', " + "'active', '" + market + "', st.coop_id, st.store_id, " + ts +
                from);
            seeded += c.Execute("INSERT INTO households (id, owner_member_id, created_at) SELECT " + S(h0) +
                                " + " + g + ", " + S(m0) + " + " + g + ", " + ts + from);
            seeded +=
                c.Execute("INSERT INTO household_members (member_id, household_id, role, joined_at) SELECT " +
                          S(m0) + " + " + g + ", " + S(h0) + " + " + g + ", 'owner', " + ts + from);
            seeded += c.Execute(
                "INSERT INTO ledger_accounts (id, kind, owner_kind, owner_id, unit, balance, created_at) "
                "SELECT " +
                S(a0) + " + " + g + ", '" + (sweden ? kind::kHouseholdPoints : kind::kDividendAccrual) +
                "', 'household', " + S(h0) + " + " + g + ", '" + (sweden ? "points" : "NOK") + "', 0, " + ts +
                from);
            if (sweden) {
                const std::string entry = S(e0) + " + (" + g + " - 1) * 4 + k.k + 1";
                const std::string points = "(50 + (" + g + " * 7 + k.k * 13) % 400)";
                seeded += c.Execute(
                    "INSERT INTO ledger_entries (id, source_kind, source_key, description, actor, "
                    "occurred_at, "
                    "created_at) SELECT " +
                    entry + ", 'receipt', 'store:' || CAST(st.store_id AS TEXT) || '/receipt:B' || CAST(" +
                    g +
                    " AS TEXT) || '-' || CAST(k.k AS TEXT), 'receipt', 'till:bench', k.occurred_at, "
                    "k.occurred_at" +
                    months_from);
                seeded += c.Execute(
                    "INSERT INTO ledger_postings (entry_id, account_id, amount, lot_month) SELECT " + entry +
                    ", " + S(a0) + " + " + g + ", " + points + ", k.month" + months_from);
                seeded += c.Execute(
                    "INSERT INTO ledger_postings (entry_id, account_id, amount, lot_month) SELECT " + entry +
                    ", st.account_id, -" + points + ", NULL" + months_from);
                seeded += c.Execute("INSERT INTO points_lots (account_id, month, earned, remaining) SELECT " +
                                    S(a0) + " + " + g + ", k.month, " + points + ", " + points + months_from);
            } else {
                const std::string j = "(" + S(lo - 1) + " + n.i)";
                const std::string entry = S(e0 + 4 * n) + " + (" + j + " - 1) * 3 + k.k + 1";
                const std::string receipt = S(r0) + " + (" + j + " - 1) * 3 + k.k + 1";
                const std::string total = "(10000 * (1 + (" + g + " + k.k) % 20))";
                const std::string own = "k.k < 2";
                const std::string dividend =
                    "(" + total + " * (CASE WHEN " + own + " THEN 300 ELSE 100 END) / 10000)";
                const std::string store =
                    "(CASE WHEN " + own + " THEN st.store_id ELSE st.other_store_id END)";
                seeded += c.Execute(
                    "INSERT INTO ledger_entries (id, source_kind, source_key, description, actor, "
                    "occurred_at, "
                    "created_at) SELECT " +
                    entry + ", 'receipt', 'store:' || CAST(" + store + " AS TEXT) || '/receipt:B' || CAST(" +
                    g +
                    " AS TEXT) || '-' || CAST(k.k AS TEXT), 'receipt', 'till:bench', k.occurred_at, "
                    "k.occurred_at" +
                    months_from);
                seeded += c.Execute(
                    "INSERT INTO receipts (id, store_id, receipt_key, till, occurred_at, month, member_id, "
                    "household_id, identified_by, currency, total_minor, eligible_minor, bonus_minor, "
                    "savings_minor, points, dividend_base_minor, dividend_minor, lines, tenders, body_hash, "
                    "entry_id, created_at) SELECT " +
                    receipt + ", " + store + ", 'B' || CAST(" + g +
                    " AS TEXT) || '-' || CAST(k.k AS TEXT), 'bench', " + "k.occurred_at, k.month, " + S(m0) +
                    " + " + g + ", " + S(h0) + " + " + g + ", 'card', 'NOK', " + total + ", " + total +
                    ", 0, 0, 0, " + total + ", " + dividend + ", '[]', '[]', 'bench', " + entry +
                    ", k.occurred_at" + months_from);
                seeded += c.Execute(
                    "INSERT INTO ledger_postings (entry_id, account_id, amount, lot_month) SELECT " + entry +
                    ", " + S(a0) + " + " + g + ", " + dividend + ", NULL" + months_from);
                seeded += c.Execute(
                    "INSERT INTO ledger_postings (entry_id, account_id, amount, lot_month) SELECT " + entry +
                    ", CASE WHEN " + own + " THEN st.account_id ELSE st.other_account_id END, -" + dividend +
                    ", NULL" + months_from);
            }
            c.Execute(
                "UPDATE ledger_accounts SET balance = (SELECT COALESCE(SUM(p.amount), 0) FROM "
                "ledger_postings "
                "p WHERE p.account_id = ledger_accounts.id) WHERE id BETWEEN " +
                S(a0 + off + 1) + " AND " + S(a0 + off + count));
            tx.Commit();
        }
    }
    {
        store::Transaction tx(db);
        tx.conn().Execute(
            "UPDATE ledger_accounts SET balance = (SELECT COALESCE(SUM(p.amount), 0) FROM ledger_postings p "
            "WHERE p.account_id = ledger_accounts.id) WHERE id > " +
            S(a0 + 2 * n));
        tx.conn().ExecScript("DROP TABLE bench_numbers; DROP TABLE bench_stores; DROP TABLE bench_months");
        tx.Commit();
    }
    if (pg) {
        // Explicit ids do not move PostgreSQL's identity sequences: move them past the rows seeded.
        for (const char* table :
             {"persons", "members", "households", "ledger_accounts", "ledger_entries", "receipts"})
            db.Write()->Query(std::string("SELECT setval(pg_get_serial_sequence('") + table +
                              "', 'id'), (SELECT "
                              "MAX(id) FROM " +
                              table + "))");
        db.Write()->ExecScript("VACUUM ANALYZE");  // what autovacuum does soon after such a load
    }
    const double seed_seconds = Since(started);
    std::printf("seeded %lld rows in %.1f s (%.0f rows/s)%s\n", static_cast<long long>(seeded), seed_seconds,
                static_cast<double>(seeded) / seed_seconds, pg ? ", with VACUUM ANALYZE" : "");
    std::fflush(stdout);

    // --- the jobs, as `andel jobs run` runs them -----------------------------------------------------------
    int64_t last = -1;
    auto progress = [&](const char* what) {
        return [what, &last](int64_t done, int64_t total) {
            int64_t tenth = total > 0 ? done * 10 / total : 10;
            if (tenth != last)
                std::fprintf(stderr, "%s: %lld of %lld\n", what, static_cast<long long>(done),
                             static_cast<long long>(total));
            last = tenth;
        };
    };
    started = Clock::now();
    app::ExpiryJob expiry(db, clock, cfg.markets);
    auto expired = expiry.Run(false, progress("expiry"));
    const double expiry_seconds = Since(started);
    if (!expired) {
        std::fprintf(stderr, "andel: the expiry failed: %s\n", expired.error().detail.c_str());
        return 1;
    }
    std::printf(
        "expiry (ExpiryJob::Run): %lld points in %lld lots of %lld households in %.1f s: %.0f lots/s "
        "(target < 60 s: %s)\n",
        static_cast<long long>(expired->points), static_cast<long long>(expired->lots),
        static_cast<long long>(expired->households), expiry_seconds,
        static_cast<double>(expired->lots) / expiry_seconds, expiry_seconds < 60 ? "met" : "NOT met");
    std::fflush(stdout);

    last = -1;
    started = Clock::now();
    app::DividendJob dividend(db, clock, cfg.markets);
    auto paid = dividend.Run(year, false, progress("dividend"));
    const double dividend_seconds = Since(started);
    if (!paid) {
        std::fprintf(stderr, "andel: the dividend run failed: %s\n", paid.error().detail.c_str());
        return 1;
    }
    std::printf(
        "dividend (DividendJob::Run %d): %lld paid to %lld households in %lld lines in %.1f s: %.0f "
        "households/s (target < 60 s: %s)\n",
        year, static_cast<long long>(paid->paid_minor), static_cast<long long>(paid->households),
        static_cast<long long>(paid->lines), dividend_seconds,
        static_cast<double>(paid->households) / dividend_seconds, dividend_seconds < 60 ? "met" : "NOT met");
    std::fflush(stdout);

    last = -1;
    started = Clock::now();
    auto again = dividend.Run(year, false, progress("dividend repeat"));
    const double repeat_seconds = Since(started);
    if (!again) {
        std::fprintf(stderr, "andel: the repeat failed: %s\n", again.error().detail.c_str());
        return 1;
    }
    std::printf(
        "dividend repeat (nothing new): %lld paid, %lld households looked at in %.1f s: %.0f "
        "households/s\n",
        static_cast<long long>(again->paid_minor), static_cast<long long>(again->already_paid),
        repeat_seconds, static_cast<double>(again->already_paid) / repeat_seconds);
    std::fflush(stdout);

    started = Clock::now();
    std::vector<std::string> problems;
    Fingerprint fp;
    {
        auto c = db.Read();
        problems = store::LedgerRepository(*c).Check(20);
        const double check_seconds = Since(started);
        fp = JournalFingerprint(*c);
        std::printf(
            "check ledger: %s in %.1f s\n",
            problems.empty() ? "clean" : (S(static_cast<int64_t>(problems.size())) + " problems").c_str(),
            check_seconds);
    }
    for (const auto& p : problems) std::printf("  %s\n", p.c_str());
    std::printf("fingerprint of what the jobs wrote: %016llx over %lld rows\n",
                static_cast<unsigned long long>(fp.sum), static_cast<long long>(fp.rows));
    std::printf("peak RSS %.0f MB\n", PeakRssMb());
    return problems.empty() ? 0 : 1;
}

}  // namespace andel::cli
