// DividendJob (`andel jobs run dividend --year Y`) on SQLite and PostgreSQL, over the demo dataset with the
// shipped configuration: in NO the purchase dividend of a year, accrued by the receipts at 3 % in the own
// cooperative's stores and 1 % in another's (R_BON_7), is paid into the household's bonus once the year has
// ended in Oslo time; the run is repeatable, resumable, has a dry run, takes a lease, and leaves its result
// line by line in dividend_lines; a repeat pays what receipts posted after the payment (a till's late
// upload) added, by a supplement with lines of its own. After every test the ledger check is clean.
#include "app/ledger/dividend_job.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/ledger/receipt_service.hpp"
#include "app/service_test_support.hpp"
#include "http/test_app.hpp"
#include "store/ledger/ledger_repository.hpp"
#include "store/membership/membership_repository.hpp"
#include "test_support.hpp"

namespace andel::app {
namespace {

using test::Fails;
using test::IsOk;

using core::ErrorCode;
using core::Result;
namespace kind = core::account_kind;

constexpr const char* kActor = "test";

core::Timestamp Utc(int y, int mo, int d, int h = 12, int mi = 0) { return test::Utc(y, mo, d, h, mi); }

// A Norwegian fødselsnummer DDMMYYIIIKK born in 19YY (individual number 000-499), with its two mod-11
// check digits; nullopt when the individual number gives no valid first check digit.
std::optional<std::string> Fodselsnummer(int day, int month, int yy, int individual) {
    char body[64];
    std::snprintf(body, sizeof body, "%02d%02d%02d%03d", day % 100, month % 100, yy % 100, individual % 1000);
    int d[11];
    for (int i = 0; i < 9; ++i) d[i] = body[i] - '0';
    const int w1[] = {3, 7, 6, 1, 8, 9, 4, 5, 2}, w2[] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
    int s = 0;
    for (int i = 0; i < 9; ++i) s += w1[i] * d[i];
    d[9] = (11 - s % 11) % 11;
    if (d[9] == 10) return std::nullopt;
    s = 0;
    for (int i = 0; i < 10; ++i) s += w2[i] * d[i];
    d[10] = (11 - s % 11) % 11;
    if (d[10] == 10) return std::nullopt;
    return std::string(body) + std::to_string(d[9]) + std::to_string(d[10]);
}

ReceiptInput Receipt(const std::string& id, core::Timestamp at, const std::string& member_number,
                     int64_t amount_minor, std::optional<std::string> original = std::nullopt) {
    return test::OneLineReceipt(id, at, amount_minor, std::nullopt, member_number, std::move(original));
}

using Report = DividendJob::Report;

::testing::AssertionResult Reports(const Result<Report>& r, int64_t households, int64_t lines, int64_t base,
                                   int64_t amount, int64_t paid) {
    if (!r.ok()) return IsOk(r);
    if (r->households == households && r->lines == lines && r->base_minor == base &&
        r->amount_minor == amount && r->paid_minor == paid)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "report: households " << r->households << ", lines " << r->lines << ", base " << r->base_minor
           << ", amount " << r->amount_minor << ", paid " << r->paid_minor << "; expected " << households
           << ", " << lines << ", " << base << ", " << amount << ", " << paid;
}

class DividendJobTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        job_ = std::make_unique<DividendJob>(*app_->db, app_->clock, app_->config.markets);
        auto c = app_->db->Read();
        store::MembershipRepository repo(*c);
        bergen_ = repo.FindStoreByCode("no-bergen-1")->id;  // no-vestland
        hamar_ = repo.FindStoreByCode("no-hamar-1")->id;    // no-innlandet
        vestland_ = repo.FindStoreByCode("no-bergen-1")->cooperative_id;
        innlandet_ = repo.FindStoreByCode("no-hamar-1")->cooperative_id;
    }

    void TearDown() override {
        if (!app_) return;
        test::ExpectLedgerClean(*app_->db);
    }

    // A new Norwegian member of no-vestland (home store Bergen) who owns a household.
    struct Owner {
        int64_t household = 0;
        std::string number;
    };
    Owner RegisterNo(std::string national_id = "01018000055") {
        RegisterInput in;
        in.market = "no";
        in.national_id = std::move(national_id);
        ++serial_;
        in.first_name = "Ola" + std::to_string(serial_);
        in.last_name = "Nordmann";
        in.home_store_code = "no-bergen-1";
        in.share_paid_minor = 10000;  // R_MEM_4
        auto r = app_->membership->Register(in, kActor);
        EXPECT_TRUE(IsOk(r));
        if (!r.ok() || !r->member.household_id || !r->member.member_number)
            throw std::runtime_error("registration failed");
        return {*r->member.household_id, *r->member.member_number};
    }

    // Posts a receipt with the clock at its time (as a till would), then puts the clock back.
    ReceiptOutcome MustPost(int64_t store, const ReceiptInput& in) {
        core::Timestamp was = app_->clock.Now();
        app_->clock.Set(in.occurred_at);
        auto r = app_->receipts->Post(store, in, kActor);
        app_->clock.Set(was);
        EXPECT_TRUE(IsOk(r)) << in.receipt_id;
        if (!r.ok()) throw std::runtime_error("post failed: " + r.error().detail);
        return *r;
    }

    // Posts a receipt with the clock as it is: a till uploading it late.
    ReceiptOutcome MustPostNow(int64_t store, const ReceiptInput& in) {
        auto r = app_->receipts->Post(store, in, kActor);
        EXPECT_TRUE(IsOk(r)) << in.receipt_id;
        if (!r.ok()) throw std::runtime_error("post failed: " + r.error().detail);
        return *r;
    }

    // The year of purchases: in 2026, 1 000 NOK in Bergen (own cooperative, 3 %: 30 NOK), 500 NOK in
    // Hamar (another cooperative, 1 %: 5 NOK), 200 NOK of the Bergen purchase returned (-6 NOK); and on
    // 2026-12-31T23:30Z, which is 2027-01-01 in Oslo, 100 NOK in Bergen (3 NOK, in 2027).
    void YearOfPurchases(const Owner& o) {
        EXPECT_EQ(
            MustPost(bergen_, Receipt("B-1", Utc(2026, 3, 10), o.number, 100'000)).receipt.dividend_minor,
            3'000);
        EXPECT_EQ(MustPost(hamar_, Receipt("H-1", Utc(2026, 6, 10), o.number, 50'000)).receipt.dividend_minor,
                  500);
        auto ret = MustPost(bergen_, Receipt("B-2", Utc(2026, 7, 1), o.number, -20'000, "B-1")).receipt;
        EXPECT_EQ(ret.dividend_base_minor, -20'000);
        EXPECT_EQ(ret.dividend_minor, -600);
        auto late = MustPost(bergen_, Receipt("B-3", Utc(2026, 12, 31, 23, 30), o.number, 10'000)).receipt;
        EXPECT_EQ(late.month, 202701);
        EXPECT_EQ(late.dividend_minor, 300);
        EXPECT_EQ(Accrued(o.household), 3'200);
        EXPECT_EQ(Bonus(o.household), 0);
    }

    Result<Report> RunAt(core::Timestamp now, int year, bool dry_run = false) {
        app_->clock.Set(now);
        return job_->Run(year, dry_run);
    }

    int64_t Balance(const core::AccountRef& ref) {
        auto c = app_->db->Read();
        auto a = store::LedgerRepository(*c).FindAccount(ref);
        return a ? a->balance : 0;
    }
    int64_t Accrued(int64_t h) { return Balance({kind::kDividendAccrual, "household", h, "NOK"}); }
    int64_t Bonus(int64_t h) { return Balance({kind::kHouseholdBonus, "household", h, "NOK"}); }
    int64_t Count(const std::string& sql) {
        auto c = app_->db->Read();
        return c->QueryOne(sql)->Int(0);
    }
    int64_t DividendEntries() {
        return Count("SELECT COUNT(*) FROM ledger_entries WHERE source_kind = 'dividend'");
    }

    struct LineRow {
        int64_t cooperative_id, receipts, base, rate_bp, amount;
        bool has_entry;
        int64_t supplement = 0;
        std::optional<int64_t> entry_id;
    };
    // The household's lines of the year, of the payment `supplement` (0: the first).
    std::vector<LineRow> LinesOf(int64_t household, int year, int64_t supplement = 0) {
        auto c = app_->db->Read();
        std::vector<LineRow> out;
        for (const auto& r : c->Query("SELECT cooperative_id, receipts, base_minor, rate_bp, amount_minor, "
                                      "entry_id, supplement FROM dividend_lines "
                                      "WHERE household_id = $1 AND year = $2 AND supplement = $3 "
                                      "ORDER BY cooperative_id",
                                      {store::Int(household), store::Int(year), store::Int(supplement)}))
            out.push_back(
                {r.Int(0), r.Int(1), r.Int(2), r.Int(3), r.Int(4), !r.IsNull(5), r.Int(6), r.OptInt(5)});
        return out;
    }
    std::optional<LineRow> LineFor(int64_t household, int year, int64_t cooperative, int64_t supplement = 0) {
        for (const auto& l : LinesOf(household, year, supplement))
            if (l.cooperative_id == cooperative) return l;
        return std::nullopt;
    }
    std::optional<int64_t> Entry(const std::string& key) {
        auto c = app_->db->Read();
        return store::LedgerRepository(*c).FindEntry("dividend", key);
    }
    std::string Key(int64_t household, int year, int supplement = 0) {
        std::string k = "year:" + std::to_string(year) + "/household:" + std::to_string(household);
        return supplement ? k + "/supplement:" + std::to_string(supplement) : k;
    }

    std::unique_ptr<test::TestApp> app_;
    std::unique_ptr<DividendJob> job_;
    int64_t bergen_ = 0, hamar_ = 0, vestland_ = 0, innlandet_ = 0;
    int serial_ = 0;
};

TEST_P(DividendJobTest, PaysTheAccruedDividendLineByLinePerCooperative_R_BON_7) {
    Owner o = RegisterNo();
    YearOfPurchases(o);

    auto r = RunAt(Utc(2027, 1, 2), 2026);
    // Vestland: 1 000 - 200 NOK at 3 % = 24 NOK; Innlandet: 500 NOK at 1 % = 5 NOK.
    EXPECT_TRUE(Reports(r, 1, 2, 130'000, 2'900, 2'900));
    EXPECT_EQ(Bonus(o.household), 2'900);
    EXPECT_EQ(Accrued(o.household), 300);  // the 2027 purchase stays accrued

    auto lines = LinesOf(o.household, 2026);
    ASSERT_EQ(lines.size(), 2u);
    auto v = LineFor(o.household, 2026, vestland_);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->receipts, 2);
    EXPECT_EQ(v->base, 80'000);
    EXPECT_EQ(v->rate_bp, 300);
    EXPECT_EQ(v->amount, 2'400);
    EXPECT_TRUE(v->has_entry);
    auto i = LineFor(o.household, 2026, innlandet_);
    ASSERT_TRUE(i);
    EXPECT_EQ(i->receipts, 1);
    EXPECT_EQ(i->base, 50'000);
    EXPECT_EQ(i->rate_bp, 100);
    EXPECT_EQ(i->amount, 500);

    // One entry for the household and year, from the accrual to the bonus, at the end of the Oslo year.
    auto c = app_->db->Read();
    auto entry = store::LedgerRepository(*c).FindEntry("dividend",
                                                       "year:2026/household:" + std::to_string(o.household));
    ASSERT_TRUE(entry);
    auto when = c->QueryOne("SELECT occurred_at FROM ledger_entries WHERE id = $1", {store::Int(*entry)});
    EXPECT_EQ(when->Int(0), core::ToMillis(Utc(2026, 12, 31, 23, 0)));  // 2027-01-01T00:00+01:00
    EXPECT_EQ(Count("SELECT COUNT(*) FROM dividend_lines WHERE entry_id = " + std::to_string(*entry)), 2);
    EXPECT_EQ(
        Count("SELECT COUNT(*) FROM dividend_runs WHERE year = 2026 AND market = 'no' AND finished_at IS "
              "NOT NULL AND households = 1 AND lines = 2 AND amount_minor = 2900"),
        1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM job_leases"), 0);
}

TEST_P(DividendJobTest, ASecondRunPostsNothing_R_BON_7) {
    Owner o = RegisterNo();
    YearOfPurchases(o);
    EXPECT_TRUE(Reports(RunAt(Utc(2027, 1, 2), 2026), 1, 2, 130'000, 2'900, 2'900));
    auto again = RunAt(Utc(2027, 1, 3), 2026);
    EXPECT_TRUE(Reports(again, 0, 0, 0, 0, 0));
    EXPECT_EQ(again->already_paid, 1);
    EXPECT_EQ(again->late_minor, 0);
    EXPECT_EQ(DividendEntries(), 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM dividend_lines"), 2);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM dividend_runs"), 2);  // both runs are on record
    EXPECT_EQ(Bonus(o.household), 2'900);
    EXPECT_EQ(Accrued(o.household), 300);
}

TEST_P(DividendJobTest, DryRunWritesNothingAndReportsWhatARunPays_R_BON_7) {
    Owner o = RegisterNo();
    YearOfPurchases(o);
    auto dry = RunAt(Utc(2027, 1, 2), 2026, true);
    EXPECT_TRUE(Reports(dry, 1, 2, 130'000, 2'900, 2'900));
    EXPECT_TRUE(dry->dry_run);
    EXPECT_EQ(DividendEntries(), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM dividend_lines"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM dividend_runs"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM job_leases"), 0);
    EXPECT_EQ(Bonus(o.household), 0);
    EXPECT_EQ(Accrued(o.household), 3'200);
    EXPECT_TRUE(Reports(RunAt(Utc(2027, 1, 2), 2026), 1, 2, 130'000, 2'900, 2'900));
    // After the run, a dry run finds nothing more to pay.
    auto after = RunAt(Utc(2027, 1, 2), 2026, true);
    EXPECT_TRUE(Reports(after, 0, 0, 0, 0, 0));
    EXPECT_EQ(after->already_paid, 1);
}

TEST_P(DividendJobTest, AYearNotOverInOsloIsRefused_R_BON_7) {
    Owner o = RegisterNo();
    YearOfPurchases(o);
    for (bool dry : {false, true}) {
        auto r = RunAt(Utc(2027, 1, 2), 2027, dry);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::kRuleRefused);
        EXPECT_EQ(r.error().rule, "R_BON_7");
    }
    // 2026-12-31T22:59Z is 23:59 in Oslo: 2026 has not ended; at 23:00Z it has.
    auto early = RunAt(Utc(2026, 12, 31, 22, 59), 2026);
    ASSERT_FALSE(early.ok());
    EXPECT_EQ(early.error().rule, "R_BON_7");
    EXPECT_EQ(DividendEntries(), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM dividend_runs"), 0);
    EXPECT_TRUE(Reports(RunAt(Utc(2026, 12, 31, 23, 0), 2026), 1, 2, 130'000, 2'900, 2'900));
}

TEST_P(DividendJobTest, APurchaseOnNewYearsEveInUtcBelongsToTheNextOsloYear_R_BON_7) {
    Owner o = RegisterNo();
    YearOfPurchases(o);
    EXPECT_TRUE(Reports(RunAt(Utc(2027, 1, 2), 2026), 1, 2, 130'000, 2'900, 2'900));
    auto old = LineFor(o.household, 2026, vestland_);
    ASSERT_TRUE(old);
    EXPECT_EQ(old->receipts, 2);
    // 2027: only the purchase of 2026-12-31T23:30Z, 100 NOK at 3 %.
    auto r = RunAt(Utc(2028, 1, 2), 2027);
    EXPECT_TRUE(Reports(r, 1, 1, 10'000, 300, 300));
    auto v = LineFor(o.household, 2027, vestland_);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->receipts, 1);
    EXPECT_EQ(v->rate_bp, 300);
    EXPECT_EQ(Bonus(o.household), 3'200);
    EXPECT_EQ(Accrued(o.household), 0);
}

TEST_P(DividendJobTest, ResumesAfterAStopInBatchesAndHonoursTheLease_R_BON_7) {
    std::vector<Owner> owners;
    for (int individual = 0; owners.size() < 3; ++individual) {
        auto id = Fodselsnummer(15, 3, 71, individual);
        if (id) owners.push_back(RegisterNo(*id));
    }
    for (int n = 1; n <= 3; ++n)
        MustPost(bergen_,
                 Receipt("R-" + std::to_string(n), Utc(2026, 5, n), owners[n - 1].number, 10'000 * n));
    // 100, 200 and 300 NOK at 3 %: 3, 6 and 9 NOK.

    app_->clock.Set(Utc(2027, 1, 2));
    {
        auto c = app_->db->Write();
        c->Execute("INSERT INTO job_leases (name, holder, expires_at) VALUES ('dividend', 'elsewhere', $1)",
                   {store::Int(core::ToMillis(Utc(2027, 1, 2, 12, 5)))});
    }
    auto busy = job_->Run(2026, false);
    ASSERT_FALSE(busy.ok());
    EXPECT_EQ(busy.error().code, ErrorCode::kConflict);
    EXPECT_EQ(DividendEntries(), 0);
    EXPECT_TRUE(Reports(job_->Run(2026, true), 3, 3, 60'000, 1'800, 1'800));  // a dry run needs no lease

    app_->clock.Set(Utc(2027, 1, 2, 12, 6));  // the other node's lease has run out
    job_->set_batch_households(1);
    int batches = 0;
    auto stop = [&](int64_t done, int64_t total) {
        ++batches;
        EXPECT_EQ(total, 3);
        EXPECT_EQ(done, 1);
        throw std::runtime_error("stopped");
    };
    EXPECT_THROW((void)job_->Run(2026, false, stop), std::runtime_error);
    EXPECT_EQ(batches, 1);
    EXPECT_EQ(DividendEntries(), 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM job_leases"), 0);  // released on the way out
    EXPECT_EQ(Count("SELECT COUNT(*) FROM dividend_runs WHERE finished_at IS NULL"), 1);

    std::vector<std::pair<int64_t, int64_t>> seen;
    auto rest = job_->Run(2026, false, [&](int64_t done, int64_t total) { seen.emplace_back(done, total); });
    EXPECT_TRUE(Reports(rest, 2, 2, 50'000, 1'500, 1'500));
    EXPECT_EQ(rest->already_paid, 1);
    // Every household with receipts of the year is looked at (a paid one may have late receipts).
    EXPECT_EQ(seen, (std::vector<std::pair<int64_t, int64_t>>{{1, 3}, {2, 3}, {3, 3}}));
    EXPECT_EQ(DividendEntries(), 3);
    for (size_t k = 0; k < owners.size(); ++k) {
        EXPECT_EQ(Bonus(owners[k].household), 300 * static_cast<int64_t>(k + 1));
        EXPECT_EQ(Accrued(owners[k].household), 0);
    }
    EXPECT_EQ(Count("SELECT COALESCE(SUM(amount_minor), 0) FROM dividend_lines WHERE year = 2026"), 1'800);
}

TEST_P(DividendJobTest, PaysNoMoreThanTheAccrualHoldsAndNothingBelowZero_R_BON_7) {
    Owner o = RegisterNo();
    MustPost(bergen_, Receipt("B-1", Utc(2026, 12, 20), o.number, 100'000));  // 30 NOK in 2026
    // In January, before the run, most of it is returned: the accrual holds 6 NOK of the 30.
    MustPost(bergen_, Receipt("B-2", Utc(2027, 1, 1, 9), o.number, -80'000, "B-1"));
    EXPECT_EQ(Accrued(o.household), 600);
    auto r = RunAt(Utc(2027, 1, 2), 2026);
    EXPECT_TRUE(Reports(r, 1, 1, 100'000, 3'000, 600));
    EXPECT_EQ(Bonus(o.household), 600);
    EXPECT_EQ(Accrued(o.household), 0);
    // 2027 holds only the return: a line with a negative amount, and nothing posted.
    auto next = RunAt(Utc(2028, 1, 2), 2027);
    EXPECT_TRUE(Reports(next, 1, 1, -80'000, -2'400, 0));
    auto line = LineFor(o.household, 2027, vestland_);
    ASSERT_TRUE(line);
    EXPECT_FALSE(line->has_entry);
    EXPECT_EQ(line->rate_bp, 300);
    EXPECT_EQ(DividendEntries(), 1);
}

// A till uploads a receipt of 2026 after 2026 was paid: the repeat pays its dividend by a supplement, with
// a line of its own, exactly once.
TEST_P(DividendJobTest, ARepeatPaysAReceiptPostedAfterThePaymentOnceBySupplement_R_BON_7) {
    Owner o = RegisterNo();
    YearOfPurchases(o);
    EXPECT_TRUE(Reports(RunAt(Utc(2027, 1, 2), 2026), 1, 2, 130'000, 2'900, 2'900));
    EXPECT_EQ(Accrued(o.household), 300);  // the 2027 purchase

    app_->clock.Set(Utc(2027, 1, 5));
    auto late = MustPostNow(bergen_, Receipt("B-4", Utc(2026, 12, 30), o.number, 20'000)).receipt;
    EXPECT_EQ(late.month, 202612);
    EXPECT_EQ(late.dividend_minor, 600);  // 200 NOK at 3 %
    EXPECT_EQ(Accrued(o.household), 900);

    auto r = RunAt(Utc(2027, 1, 6), 2026);
    EXPECT_TRUE(Reports(r, 1, 1, 20'000, 600, 600));
    EXPECT_EQ(r->late_households, 1);
    EXPECT_EQ(r->late_minor, 600);
    EXPECT_EQ(r->already_paid, 1);
    EXPECT_EQ(Bonus(o.household), 3'500);
    EXPECT_EQ(Accrued(o.household), 300);

    // The supplement's line: what the receipts added since the payment, and the entry that paid it.
    auto supplement = LinesOf(o.household, 2026, 1);
    ASSERT_EQ(supplement.size(), 1u);
    EXPECT_EQ(supplement[0].cooperative_id, vestland_);
    EXPECT_EQ(supplement[0].receipts, 1);
    EXPECT_EQ(supplement[0].base, 20'000);
    EXPECT_EQ(supplement[0].rate_bp, 300);
    EXPECT_EQ(supplement[0].amount, 600);
    auto entry = Entry(Key(o.household, 2026, 1));
    ASSERT_TRUE(entry);
    EXPECT_EQ(supplement[0].entry_id, entry);
    EXPECT_EQ(LinesOf(o.household, 2026, 0).size(), 2u);  // the first payment's lines are unchanged
    // All lines of the (year, household, cooperative) sum to what its receipts accrued.
    EXPECT_EQ(Count("SELECT SUM(amount_minor) FROM dividend_lines WHERE year = 2026 AND cooperative_id = " +
                    std::to_string(vestland_)),
              3'000);
    {
        auto c = app_->db->Read();
        auto when = c->QueryOne("SELECT occurred_at FROM ledger_entries WHERE id = $1", {store::Int(*entry)});
        EXPECT_EQ(when->Int(0), core::ToMillis(Utc(2027, 1, 6)));  // paid when the repeat ran
    }
    EXPECT_EQ(Count("SELECT COUNT(*) FROM dividend_runs WHERE finished_at IS NOT NULL AND households = 1 AND "
                    "lines = 1 AND amount_minor = 600 AND late_households = 1 AND late_minor = 600"),
              1);

    // A second repeat finds nothing new.
    auto again = RunAt(Utc(2027, 1, 7), 2026);
    EXPECT_TRUE(Reports(again, 0, 0, 0, 0, 0));
    EXPECT_EQ(again->late_minor, 0);
    EXPECT_EQ(again->already_paid, 1);
    EXPECT_EQ(DividendEntries(), 2);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM dividend_lines"), 3);
    EXPECT_EQ(Bonus(o.household), 3'500);

    // 2027 is paid as before: the purchase of 2026-12-31T23:30Z.
    EXPECT_TRUE(Reports(RunAt(Utc(2028, 1, 2), 2027), 1, 1, 10'000, 300, 300));
    EXPECT_EQ(Accrued(o.household), 0);
}

// A till uploads a return of a 2026 sale after 2026 was paid: the member was paid that dividend already, and
// the return took it from the accrual account when posted. The repeat records the negative line, pays
// nothing and takes nothing back from the bonus; a late sale after it is paid by a supplement of its own,
// not netted with the return (which the accrual recovered already: the next payment from it is smaller).
TEST_P(DividendJobTest, ALateReturnAfterThePaymentIsRecordedAndPaysNothing_R_BON_7) {
    Owner o = RegisterNo();
    YearOfPurchases(o);
    EXPECT_TRUE(Reports(RunAt(Utc(2027, 1, 2), 2026), 1, 2, 130'000, 2'900, 2'900));

    app_->clock.Set(Utc(2027, 1, 5));
    // 200 of the 500 NOK bought in Hamar (1 %: 2 NOK back), dated in 2026.
    auto ret = MustPostNow(hamar_, Receipt("H-2", Utc(2026, 12, 28), o.number, -20'000, "H-1")).receipt;
    EXPECT_EQ(ret.month, 202612);
    EXPECT_EQ(ret.dividend_minor, -200);
    EXPECT_EQ(Accrued(o.household), 100);  // taken from the 2027 accrual

    auto dry = RunAt(Utc(2027, 1, 6), 2026, true);
    EXPECT_TRUE(Reports(dry, 1, 1, -20'000, -200, 0));
    auto r = RunAt(Utc(2027, 1, 6), 2026);
    EXPECT_TRUE(Reports(r, 1, 1, -20'000, -200, 0));
    EXPECT_EQ(r->late_households, 1);
    EXPECT_EQ(r->late_minor, 0);
    auto line = LineFor(o.household, 2026, innlandet_, 1);
    ASSERT_TRUE(line);
    EXPECT_EQ(line->receipts, 1);
    EXPECT_EQ(line->base, -20'000);
    EXPECT_EQ(line->rate_bp, 100);
    EXPECT_EQ(line->amount, -200);
    EXPECT_FALSE(line->has_entry);
    EXPECT_EQ(DividendEntries(), 1);
    EXPECT_EQ(Bonus(o.household), 2'900);  // nothing taken back
    EXPECT_EQ(Accrued(o.household), 100);
    EXPECT_TRUE(Reports(RunAt(Utc(2027, 1, 6, 13), 2026), 0, 0, 0, 0, 0));  // recorded: not again

    // Then a late sale of 2026 in Bergen: 100 NOK at 3 %, paid in full by supplement 2.
    MustPostNow(bergen_, Receipt("B-5", Utc(2026, 12, 29), o.number, 10'000));
    EXPECT_EQ(Accrued(o.household), 400);
    auto sale = RunAt(Utc(2027, 1, 7), 2026);
    EXPECT_TRUE(Reports(sale, 1, 1, 10'000, 300, 300));
    EXPECT_EQ(sale->late_minor, 300);
    EXPECT_TRUE(Entry(Key(o.household, 2026, 2)));
    EXPECT_FALSE(Entry(Key(o.household, 2026, 1)));
    EXPECT_EQ(Bonus(o.household), 3'200);
    EXPECT_EQ(Accrued(o.household), 100);

    // 2027 accrued 3 NOK, of which the return took 2: its payment is what the accrual holds.
    EXPECT_TRUE(Reports(RunAt(Utc(2028, 1, 2), 2027), 1, 1, 10'000, 300, 100));
    EXPECT_EQ(Bonus(o.household), 3'300);  // 2026 and 2027 net: 3 000 + 300
    EXPECT_EQ(Accrued(o.household), 0);
}

// A household recorded with nothing to pay (its year held only a return) that gets a late sale: the
// supplement pays the sale (what the accrual holds), not the sale less the return.
TEST_P(DividendJobTest, ALateSaleOfAYearWithNothingPaidIsPaidBySupplement_R_BON_7) {
    Owner o = RegisterNo();
    MustPost(bergen_, Receipt("B-1", Utc(2026, 12, 20), o.number, 100'000));          // 30 NOK in 2026
    MustPost(bergen_, Receipt("B-2", Utc(2027, 1, 1, 9), o.number, -80'000, "B-1"));  // -24 NOK in 2027
    EXPECT_TRUE(Reports(RunAt(Utc(2027, 1, 2), 2026), 1, 1, 100'000, 3'000, 600));
    EXPECT_TRUE(Reports(RunAt(Utc(2028, 1, 2), 2027), 1, 1, -80'000, -2'400, 0));
    app_->clock.Set(Utc(2028, 1, 3));
    MustPostNow(bergen_, Receipt("B-3", Utc(2027, 12, 30), o.number, 50'000));  // 15 NOK in 2027
    auto r = RunAt(Utc(2028, 1, 4), 2027);
    EXPECT_TRUE(Reports(r, 1, 1, 50'000, 1'500, 1'500));
    EXPECT_EQ(r->late_minor, 1'500);
    EXPECT_EQ(Bonus(o.household), 2'100);
    EXPECT_EQ(Accrued(o.household), 0);
}

TEST_P(DividendJobTest, ADryRunReportsWhatARepeatWouldPayForLateReceipts_R_BON_7) {
    Owner o = RegisterNo();
    YearOfPurchases(o);
    EXPECT_TRUE(Reports(RunAt(Utc(2027, 1, 2), 2026), 1, 2, 130'000, 2'900, 2'900));
    app_->clock.Set(Utc(2027, 1, 5));
    MustPostNow(bergen_, Receipt("B-4", Utc(2026, 12, 30), o.number, 20'000));
    MustPostNow(hamar_, Receipt("H-3", Utc(2026, 12, 30), o.number, 30'000));
    auto dry = RunAt(Utc(2027, 1, 6), 2026, true);
    EXPECT_TRUE(Reports(dry, 1, 2, 50'000, 900, 900));
    EXPECT_TRUE(dry->dry_run);
    EXPECT_EQ(dry->late_households, 1);
    EXPECT_EQ(dry->late_minor, 900);
    EXPECT_EQ(dry->already_paid, 1);
    EXPECT_EQ(DividendEntries(), 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM dividend_lines"), 2);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM dividend_runs"), 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM job_leases"), 0);
    EXPECT_EQ(Bonus(o.household), 2'900);
    auto r = RunAt(Utc(2027, 1, 6), 2026);
    EXPECT_TRUE(Reports(r, 1, 2, 50'000, 900, 900));
    EXPECT_EQ(r->late_minor, 900);
    EXPECT_EQ(LinesOf(o.household, 2026, 1).size(), 2u);
    EXPECT_TRUE(Reports(RunAt(Utc(2027, 1, 6), 2026, true), 0, 0, 0, 0, 0));
}

// A repeat paying supplements is stopped between batches (as a kill would): the next run pays the rest, and
// no household twice.
TEST_P(DividendJobTest, ARepeatStoppedBetweenBatchesResumesWithoutPayingTwice_R_BON_7) {
    std::vector<Owner> owners;
    for (int individual = 0; owners.size() < 3; ++individual) {
        auto id = Fodselsnummer(15, 3, 71, individual);
        if (id) owners.push_back(RegisterNo(*id));
    }
    for (int n = 1; n <= 3; ++n)
        MustPost(bergen_,
                 Receipt("R-" + std::to_string(n), Utc(2026, 5, n), owners[n - 1].number, 10'000 * n));
    EXPECT_TRUE(Reports(RunAt(Utc(2027, 1, 2), 2026), 3, 3, 60'000, 1'800, 1'800));
    app_->clock.Set(Utc(2027, 1, 3));
    for (int n = 1; n <= 3; ++n)  // 100 NOK each, late: 3 NOK each
        MustPostNow(bergen_,
                    Receipt("L-" + std::to_string(n), Utc(2026, 12, 30), owners[n - 1].number, 10'000));

    app_->clock.Set(Utc(2027, 1, 4));
    job_->set_batch_households(1);
    EXPECT_THROW((void)job_->Run(2026, false, [](int64_t, int64_t) { throw std::runtime_error("stopped"); }),
                 std::runtime_error);
    EXPECT_EQ(DividendEntries(), 4);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM job_leases"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM dividend_runs WHERE finished_at IS NULL AND late_minor = 300"), 1);

    auto rest = job_->Run(2026, false);
    EXPECT_TRUE(Reports(rest, 2, 2, 20'000, 600, 600));
    EXPECT_EQ(rest->late_households, 2);
    EXPECT_EQ(rest->late_minor, 600);
    EXPECT_EQ(rest->already_paid, 3);
    EXPECT_EQ(DividendEntries(), 6);
    for (size_t k = 0; k < owners.size(); ++k) {
        EXPECT_EQ(Bonus(owners[k].household), 300 * static_cast<int64_t>(k + 1) + 300);
        EXPECT_EQ(Accrued(owners[k].household), 0);
        EXPECT_EQ(LinesOf(owners[k].household, 2026, 1).size(), 1u);
        EXPECT_TRUE(LinesOf(owners[k].household, 2026, 2).empty());
    }
    EXPECT_TRUE(Reports(job_->Run(2026, false), 0, 0, 0, 0, 0));
    EXPECT_EQ(DividendEntries(), 6);
    EXPECT_EQ(Count("SELECT COALESCE(SUM(late_minor), 0) FROM dividend_runs WHERE year = 2026"), 900);
}

TEST_P(DividendJobTest, AnEmptyYearPaysNothing_R_BON_7) {
    auto r = RunAt(Utc(2027, 1, 2), 2026);
    EXPECT_TRUE(Reports(r, 0, 0, 0, 0, 0));
    EXPECT_EQ(DividendEntries(), 0);
}

// What the runs left per household, to compare two databases: its bonus and accrual, its lines (payment,
// cooperative, receipts, base, rate, amount, the source of the entry that paid it) and its dividend entries
// (source, description, instant, amount to the bonus).
struct HouseholdPaid {
    int64_t bonus = 0, accrued = 0;
    std::vector<std::string> lines, entries;
    friend bool operator==(const HouseholdPaid&, const HouseholdPaid&) = default;
};

std::ostream& operator<<(std::ostream& os, const HouseholdPaid& h) {
    os << "bonus " << h.bonus << ", accrued " << h.accrued << "; lines";
    for (const auto& l : h.lines) os << " [" << l << "]";
    os << "; entries";
    for (const auto& e : h.entries) os << " [" << e << "]";
    return os;
}

std::string ReportText(const Result<Report>& r) {
    if (!r.ok()) return "error: " + r.error().detail;
    return std::to_string(r->households) + " " + std::to_string(r->lines) + " " +
           std::to_string(r->base_minor) + " " + std::to_string(r->amount_minor) + " " +
           std::to_string(r->paid_minor) + " " + std::to_string(r->already_paid) + " " +
           std::to_string(r->late_households) + " " + std::to_string(r->late_minor);
}

// The same households and receipts paid by runs with batches of 2 households and with batches of 1 000: the
// same lines, entries, balances and reports, for a first payment (one capped by a return since, one of a
// year with only a return) and a repeat paying supplements to some households of each batch.
TEST_P(DividendJobTest, BatchesOfTwoPayWhatBatchesOfAThousandPay_R_BON_7) {
    auto play = [&](int batch, std::vector<std::string>& reports) {
        job_->set_batch_households(batch);
        std::vector<Owner> o;
        for (int individual = 0; o.size() < 5; ++individual) {
            auto id = Fodselsnummer(15, 3, 71, individual);
            if (id) o.push_back(RegisterNo(*id));
        }
        YearOfPurchases(o[0]);
        MustPost(bergen_, Receipt("b-1", Utc(2026, 4, 1), o[1].number, 40'000));
        MustPost(hamar_, Receipt("b-2", Utc(2026, 8, 1), o[1].number, 70'000));
        MustPost(bergen_, Receipt("c-1", Utc(2026, 12, 20), o[2].number, 100'000));
        MustPost(bergen_, Receipt("c-2", Utc(2027, 1, 1, 9), o[2].number, -80'000, "c-1"));  // paid: 6 of 30
        MustPost(hamar_, Receipt("d-1", Utc(2025, 6, 1), o[3].number, 50'000));
        MustPost(hamar_,
                 Receipt("d-2", Utc(2026, 2, 1), o[3].number, -50'000, "d-1"));  // 2026: a return only
        MustPost(bergen_, Receipt("e-1", Utc(2026, 10, 1), o[4].number, 10'000));
        reports.push_back(ReportText(RunAt(Utc(2027, 1, 2), 2026)));
        app_->clock.Set(Utc(2027, 1, 3));  // late uploads of 2026 receipts for a, b and e
        MustPostNow(bergen_, Receipt("a-late", Utc(2026, 12, 30), o[0].number, 20'000));
        MustPostNow(hamar_, Receipt("b-late", Utc(2026, 12, 30), o[1].number, 30'000));
        MustPostNow(bergen_, Receipt("e-late", Utc(2026, 12, 30), o[4].number, 10'000));
        reports.push_back(ReportText(RunAt(Utc(2027, 1, 4), 2026)));
        reports.push_back(ReportText(RunAt(Utc(2027, 1, 5), 2026)));  // nothing new
        std::vector<HouseholdPaid> out;
        for (const auto& owner : o) {
            HouseholdPaid h;
            h.bonus = Bonus(owner.household);
            h.accrued = Accrued(owner.household);
            auto c = app_->db->Read();
            for (const auto& r : c->Query(
                     "SELECT d.supplement, d.cooperative_id, d.receipts, d.base_minor, d.rate_bp, "
                     "d.amount_minor, "
                     "COALESCE(e.source_key, '-') FROM dividend_lines d LEFT JOIN ledger_entries e ON e.id = "
                     "d.entry_id WHERE d.household_id = $1 AND d.year = 2026 ORDER BY d.supplement, "
                     "d.cooperative_id",
                     {store::Int(owner.household)}))
                h.lines.push_back(r.Text(0) + " " + std::to_string(r.Int(1) == vestland_) + " " + r.Text(2) +
                                  " " + r.Text(3) + " " + r.Text(4) + " " + r.Text(5) + " " + r.Text(6));
            auto bonus = store::LedgerRepository(*c).FindAccount(
                {kind::kHouseholdBonus, "household", owner.household, "NOK"});
            if (bonus)
                for (const auto& e : store::LedgerRepository(*c).History(bonus->id, 100, 0))
                    if (e.source_kind == "dividend")
                        h.entries.push_back(e.source_key + " " + e.description + " " +
                                            std::to_string(e.occurred_at) + " " + std::to_string(e.amount));
            out.push_back(std::move(h));
        }
        return out;
    };
    std::vector<std::string> by_two, by_thousand;
    auto two = play(2, by_two);
    test::ExpectLedgerClean(*app_->db);

    app_ = std::make_unique<test::TestApp>(GetParam());  // a fresh database: the same households again
    job_ = std::make_unique<DividendJob>(*app_->db, app_->clock, app_->config.markets);
    serial_ = 0;
    auto thousand = play(1'000, by_thousand);
    EXPECT_EQ(two, thousand);
    EXPECT_EQ(by_two, by_thousand);
    // First: a 29, b 12 + 7, c 30 of which 6 paid, d's return (-5, nothing paid), e 3. Then the supplements
    // of a (6), b (3) and e (3); then nothing.
    ASSERT_EQ(by_thousand.size(), 3u);
    EXPECT_EQ(by_thousand[0], "5 7 " + std::to_string(130'000 + 110'000 + 100'000 - 50'000 + 10'000) + " " +
                                  std::to_string(2'900 + 1'900 + 3'000 - 500 + 300) + " " +
                                  std::to_string(2'900 + 1'900 + 600 + 300) + " 0 0 0");
    EXPECT_EQ(by_thousand[1], "3 3 60000 1200 1200 5 3 1200");
    EXPECT_EQ(by_thousand[2], "0 0 0 0 0 5 0 0");
    ASSERT_EQ(thousand.size(), 5u);
    EXPECT_EQ(thousand[0].bonus, 2'900 + 600);
    EXPECT_EQ(thousand[3].bonus, 0);
    EXPECT_EQ(thousand[3].lines.size(), 1u);
    EXPECT_TRUE(thousand[3].entries.empty());
}

// A return takes from the accrual after the batch's payments were planned and before the accrual is locked
// and read: the payment is what the accrual holds then. On PostgreSQL the return is a till's, committed on
// another connection; on SQLite (one writer: no other write can come between) it is posted in the batch's
// own transaction.
TEST_P(DividendJobTest, AnAccrualTakenFromAfterThePlanPaysWhatItHoldsThen_R_BON_7) {
    Owner o = RegisterNo();
    MustPost(bergen_, Receipt("B-1", Utc(2026, 12, 20), o.number, 100'000));  // 30 NOK in 2026
    EXPECT_EQ(Accrued(o.household), 3'000);
    int calls = 0;
    job_->set_after_batch_plan([&](store::Connection& c) {
        if (calls++) return;
        if (c.engine() == store::Engine::kPostgres) {
            // In January, while the run is between its plan and its payment, most of it comes back.
            MustPost(bergen_, Receipt("B-2", Utc(2027, 1, 2, 9), o.number, -80'000, "B-1"));
            return;
        }
        core::JournalEntry e;
        e.source_kind = "test";
        e.source_key = "return:B-2";
        e.description = "dividend taken back by a return";
        e.actor = kActor;
        e.occurred_at = core::ToMillis(Utc(2027, 1, 2, 9));
        e.postings.push_back(
            {{kind::kDividendAccrual, "household", o.household, "NOK"}, -2'400, std::nullopt});
        e.postings.push_back(
            {{kind::kDividendPayable, "cooperative", vestland_, "NOK"}, 2'400, std::nullopt});
        ASSERT_TRUE(IsOk(store::LedgerRepository(c).Post(e, core::ToMillis(app_->clock.Now()))));
    });
    auto r = RunAt(Utc(2027, 1, 2, 12), 2026);
    EXPECT_EQ(calls, 1);
    EXPECT_TRUE(Reports(r, 1, 1, 100'000, 3'000, 600));
    EXPECT_EQ(Bonus(o.household), 600);
    EXPECT_EQ(Accrued(o.household), 0);
    auto c = app_->db->Read();
    auto entry = c->QueryOne("SELECT description FROM ledger_entries WHERE source_kind = 'dividend'");
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->Text(0), "purchase dividend for 2026 (R_BON_7), 2400 of it taken back by returns since");
}

INSTANTIATE_TEST_SUITE_P(Engines, DividendJobTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
