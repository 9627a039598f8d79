// ExpiryJob (`andel jobs run expiry`) on SQLite and PostgreSQL, over the demo dataset with the shipped
// configuration: SE points expire month by month at the end of the month in which they turn 36 months old,
// in Stockholm time (R_BON_4); the job is idempotent, resumable, has a dry run, and takes a lease. After
// every test the ledger check is clean.
#include "app/ledger/expiry_job.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
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
using test::Personnummer;

using core::ErrorCode;
using core::Result;
namespace kind = core::account_kind;

constexpr const char* kActor = "test";

using test::Utc;

ReceiptInput Receipt(const std::string& id, core::Timestamp at, std::optional<std::string> card,
                     int64_t amount_minor, std::optional<std::string> original = std::nullopt) {
    return test::OneLineReceipt(id, at, amount_minor, std::move(card), std::nullopt, std::move(original));
}

using Report = ExpiryJob::Report;

std::pair<int64_t, int64_t> Pair(int64_t earned, int64_t remaining) { return {earned, remaining}; }

::testing::AssertionResult Reports(const Result<Report>& r, int month, int64_t households, int64_t lots,
                                   int64_t points) {
    if (!r.ok()) return IsOk(r);
    if (r->month == month && r->households == households && r->lots == lots && r->points == points)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "report: month " << r->month << ", households " << r->households
                                         << ", lots " << r->lots << ", points " << r->points << "; expected "
                                         << month << ", " << households << ", " << lots << ", " << points;
}

class ExpiryJobTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        job_ = std::make_unique<ExpiryJob>(*app_->db, app_->clock, app_->config.markets);
        auto c = app_->db->Read();
        se_store_ = store::MembershipRepository(*c).FindStoreByCode("se-umea-1")->id;
    }

    void TearDown() override {
        if (!app_) return;
        test::ExpectLedgerClean(*app_->db);
    }

    // A new Swedish member of the Umeå cooperative who owns a household; returns an active card.
    struct Owner {
        int64_t household = 0;
        std::string card;
    };
    Owner RegisterSe() {
        RegisterInput in;
        in.market = "se";
        in.national_id = Personnummer(1970 + serial_ % 30, 1 + serial_ % 12, 1 + serial_ % 28, 700 + serial_);
        ++serial_;
        in.first_name = "Utga" + std::to_string(serial_);
        in.last_name = "Testsson";
        in.contact.street = "Storgatan 1";
        in.contact.postal_code = "903 26";
        in.contact.city = "Umeå";
        in.home_store_code = "se-umea-1";
        in.share_paid_minor = 10000;  // R_MEM_4
        auto r = app_->membership->Register(in, kActor);
        EXPECT_TRUE(IsOk(r));
        if (!r.ok() || !r->member.household_id) throw std::runtime_error("registration failed");
        for (const auto& c : r->cards)
            if (c.status == "active") return {*r->member.household_id, c.card_number};
        throw std::runtime_error("no active card");
    }

    // Posts a receipt with the clock at its time (as a till would), then puts the clock back.
    ReceiptOutcome MustPost(const ReceiptInput& in) {
        core::Timestamp was = app_->clock.Now();
        app_->clock.Set(in.occurred_at);
        auto r = app_->receipts->Post(se_store_, in, kActor);
        app_->clock.Set(was);
        EXPECT_TRUE(IsOk(r)) << in.receipt_id;
        if (!r.ok()) throw std::runtime_error("post failed: " + r.error().detail);
        return *r;
    }
    // 1 000 SEK of groceries: 2 000 points when it is the household's first purchase of the month (R_BON_3).
    void Earn(const Owner& o, const std::string& id, core::Timestamp at) {
        auto out = MustPost(Receipt(id, at, o.card, 100'000));
        EXPECT_EQ(out.receipt.points, 2'000) << id;
    }

    Result<Report> RunAt(core::Timestamp now, bool dry_run = false) {
        app_->clock.Set(now);
        return job_->Run(dry_run);
    }

    core::AccountRef PointsAccount(int64_t household) {
        return {kind::kHouseholdPoints, "household", household, "points"};
    }
    int64_t Balance(const core::AccountRef& ref) {
        auto c = app_->db->Read();
        auto a = store::LedgerRepository(*c).FindAccount(ref);
        return a ? a->balance : 0;
    }
    int64_t Points(int64_t household) { return Balance(PointsAccount(household)); }
    int64_t Expired() { return Balance({"expiry", "operator", 0, "points"}); }
    int64_t AccountId(int64_t household) {
        auto c = app_->db->Read();
        return store::LedgerRepository(*c).FindAccount(PointsAccount(household))->id;
    }
    // The lot of that month: {earned, remaining}, or {-1, -1} when there is none.
    std::pair<int64_t, int64_t> Lot(int64_t household, int month) {
        auto c = app_->db->Read();
        store::LedgerRepository ledger(*c);
        auto a = ledger.FindAccount(PointsAccount(household));
        if (a)
            for (const auto& l : ledger.Lots(a->id))
                if (l.month == month) return {l.earned, l.remaining};
        return {-1, -1};
    }
    int64_t Count(const std::string& sql) {
        auto c = app_->db->Read();
        return c->QueryOne(sql)->Int(0);
    }
    int64_t ExpiryEntries() {
        return Count("SELECT COUNT(*) FROM ledger_entries WHERE source_kind = 'expiry'");
    }
    int64_t Leases() { return Count("SELECT COUNT(*) FROM job_leases"); }

    std::unique_ptr<test::TestApp> app_;
    std::unique_ptr<ExpiryJob> job_;
    int64_t se_store_ = 0;
    int serial_ = 0;
};

TEST_P(ExpiryJobTest, ExpiresTheLotWhoseExpiryMonthHasEnded_R_BON_4) {
    Owner o = RegisterSe();
    Earn(o, "oct", Utc(2023, 10, 15));
    Earn(o, "nov", Utc(2023, 11, 15));
    ASSERT_EQ(Points(o.household), 4'000);

    // Mid-November 2026: October 2023's lot turned 36 months old in October 2026, which has ended; November
    // 2023's lot expires at the end of November 2026.
    auto r = RunAt(Utc(2026, 11, 15));
    EXPECT_TRUE(Reports(r, 202610, 1, 1, 2'000));
    EXPECT_FALSE(r->dry_run);
    EXPECT_EQ(Points(o.household), 2'000);
    EXPECT_EQ(Lot(o.household, 202310), Pair(2'000, 0));
    EXPECT_EQ(Lot(o.household, 202311), Pair(2'000, 2'000));
    EXPECT_EQ(Expired(), 2'000);
    EXPECT_EQ(Leases(), 0);  // released

    // One entry per lot, on its source, dated when the points expired: midnight starting 2026-11-01 in
    // Stockholm (CET, UTC+1).
    int64_t account = AccountId(o.household);
    auto c = app_->db->Read();
    store::LedgerRepository ledger(*c);
    auto entry = ledger.FindEntry("expiry", "household_points:" + std::to_string(account) + "/lot:202310");
    ASSERT_TRUE(entry);
    auto history = ledger.History(account, 10, 0);
    ASSERT_FALSE(history.empty());
    EXPECT_EQ(history.front().entry_id, *entry);
    EXPECT_EQ(history.front().source_kind, "expiry");
    EXPECT_EQ(history.front().amount, -2'000);
    EXPECT_EQ(history.front().lot_month, 202310);
    EXPECT_EQ(history.front().occurred_at, core::ToMillis(Utc(2026, 10, 31, 23)));
}

TEST_P(ExpiryJobTest, MonthEdgesAreStockholmMidnight_R_BON_4) {
    Owner o = RegisterSe();
    // 23:59:59 on 31 October 2023 in Stockholm (CET since 29 October) earns in October; a second later is
    // 1 November in Stockholm though still October in UTC.
    Earn(o, "last-oct", Utc(2023, 10, 31, 22, 59, 59));
    Earn(o, "first-nov", Utc(2023, 10, 31, 23, 0, 0));
    ASSERT_EQ(Lot(o.household, 202310).second, 2'000);
    ASSERT_EQ(Lot(o.household, 202311).second, 2'000);

    // The last millisecond of October 2026 in Stockholm: October has not ended, nothing expires.
    EXPECT_TRUE(Reports(RunAt(Utc(2026, 10, 31, 22, 59, 59, 999)), 202609, 0, 0, 0));
    EXPECT_EQ(Points(o.household), 4'000);
    // Midnight in Stockholm: October 2023's points are gone, November's stay.
    EXPECT_TRUE(Reports(RunAt(Utc(2026, 10, 31, 23)), 202610, 1, 1, 2'000));
    EXPECT_EQ(Lot(o.household, 202310).second, 0);
    EXPECT_EQ(Lot(o.household, 202311).second, 2'000);
    // The same edge a month later (still CET): November 2023's lot lasts through 30 November 2026.
    EXPECT_TRUE(Reports(RunAt(Utc(2026, 11, 30, 22, 59, 59, 999)), 202610, 0, 0, 0));
    EXPECT_TRUE(Reports(RunAt(Utc(2026, 11, 30, 23)), 202611, 1, 1, 2'000));
    EXPECT_EQ(Points(o.household), 0);
    EXPECT_EQ(Expired(), 4'000);
}

TEST_P(ExpiryJobTest, RunningLateExpiresEveryEndedMonthAndASecondRunPostsNothing_R_BON_4) {
    Owner o = RegisterSe();
    Earn(o, "sep", Utc(2023, 9, 10));
    Earn(o, "oct", Utc(2023, 10, 10));
    Earn(o, "nov", Utc(2023, 11, 10));

    // The job did not run in October: a run in mid-November takes September's and October's lots.
    EXPECT_TRUE(Reports(RunAt(Utc(2026, 11, 15)), 202610, 1, 2, 4'000));
    EXPECT_EQ(ExpiryEntries(), 2);
    int64_t entries = Count("SELECT COUNT(*) FROM ledger_entries");
    int64_t postings = Count("SELECT COUNT(*) FROM ledger_postings");

    EXPECT_TRUE(Reports(RunAt(Utc(2026, 11, 15)), 202610, 0, 0, 0));
    EXPECT_TRUE(Reports(RunAt(Utc(2026, 11, 30, 12)), 202610, 0, 0, 0));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM ledger_entries"), entries);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM ledger_postings"), postings);
    EXPECT_EQ(Points(o.household), 2'000);
    EXPECT_EQ(Expired(), 4'000);
}

TEST_P(ExpiryJobTest, DryRunPostsNothingAndReportsWhatARunExpires) {
    Owner a = RegisterSe(), b = RegisterSe(), c = RegisterSe();
    Earn(a, "a-sep", Utc(2023, 9, 10));
    Earn(a, "a-oct", Utc(2023, 10, 10));
    Earn(a, "a-nov", Utc(2023, 11, 10));
    Earn(b, "b-oct", Utc(2023, 10, 20));
    Earn(c, "c-nov", Utc(2023, 11, 20));  // nothing expired yet
    int64_t entries = Count("SELECT COUNT(*) FROM ledger_entries");

    auto dry = RunAt(Utc(2026, 11, 15), /*dry_run=*/true);
    EXPECT_TRUE(Reports(dry, 202610, 2, 3, 6'000));
    EXPECT_TRUE(dry->dry_run);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM ledger_entries"), entries);
    EXPECT_EQ(Points(a.household), 6'000);
    EXPECT_EQ(Points(b.household), 2'000);
    EXPECT_EQ(Leases(), 0);  // a dry run takes no lease

    auto real = RunAt(Utc(2026, 11, 15));
    EXPECT_TRUE(Reports(real, dry->month, dry->households, dry->lots, dry->points));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM ledger_entries"), entries + 3);
    EXPECT_EQ(Points(a.household), 2'000);
    EXPECT_EQ(Points(b.household), 0);
    EXPECT_EQ(Points(c.household), 2'000);
    // Afterwards the dry run finds nothing either.
    EXPECT_TRUE(Reports(RunAt(Utc(2026, 11, 15), true), 202610, 0, 0, 0));
}

TEST_P(ExpiryJobTest, PointsTakenFromTheOldestLotLeaveOnlyTheRemainderToExpire_R_BON_4) {
    Owner o = RegisterSe();
    Earn(o, "oct", Utc(2023, 10, 15));
    Earn(o, "nov", Utc(2023, 11, 15));
    // In December half of October's purchase comes back: 1 000 points leave the October lot, the oldest.
    auto ret = MustPost(Receipt("oct-ret", Utc(2023, 12, 2), std::nullopt, -50'000, "oct"));
    EXPECT_EQ(ret.receipt.points, -1'000);
    ASSERT_EQ(Lot(o.household, 202310), Pair(2'000, 1'000));

    EXPECT_TRUE(Reports(RunAt(Utc(2026, 11, 15)), 202610, 1, 1, 1'000));
    EXPECT_EQ(Lot(o.household, 202310).second, 0);
    EXPECT_EQ(Points(o.household), 2'000);
    EXPECT_EQ(Expired(), 1'000);

    // A lot emptied before its time leaves nothing to expire.
    auto ret2 = MustPost(Receipt("nov-ret", Utc(2023, 12, 3), std::nullopt, -100'000, "nov"));
    EXPECT_EQ(ret2.receipt.points, -2'000);
    EXPECT_TRUE(Reports(RunAt(Utc(2026, 12, 15)), 202611, 0, 0, 0));
    EXPECT_EQ(Expired(), 1'000);
}

TEST_P(ExpiryJobTest, TheLeaseRefusesAConcurrentRun) {
    Owner o = RegisterSe();
    Earn(o, "oct", Utc(2023, 10, 15));
    app_->clock.Set(Utc(2026, 11, 15));
    int64_t now = core::ToMillis(app_->clock.Now());

    // Another node holds the lease for another minute.
    {
        store::Transaction tx(*app_->db);
        tx.conn().Execute("INSERT INTO job_leases (name, holder, expires_at) VALUES ('expiry', 'node-b', $1)",
                          {store::Int(now + 60'000)});
        tx.Commit();
    }
    auto refused = job_->Run(false);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
    EXPECT_EQ(refused.error().detail, "the expiry job is running elsewhere");
    EXPECT_EQ(Points(o.household), 2'000);
    EXPECT_TRUE(Reports(job_->Run(true), 202610, 1, 1, 2'000));  // a dry run needs no lease

    // That node died: once its lease has run out, a run takes it over, and releases it at the end.
    app_->clock.Advance(std::chrono::seconds(61));
    EXPECT_TRUE(Reports(job_->Run(false), 202610, 1, 1, 2'000));
    EXPECT_EQ(Leases(), 0);

    // While a run is between batches, a run from another node is refused.
    Owner p = RegisterSe(), q = RegisterSe();
    Earn(p, "p-oct", Utc(2023, 10, 16));
    Earn(q, "q-oct", Utc(2023, 10, 17));
    app_->clock.Set(Utc(2026, 11, 15));
    ExpiryJob other(*app_->db, app_->clock, app_->config.markets);
    job_->set_batch_lots(1);
    std::vector<ErrorCode> others;
    auto r = job_->Run(false, [&](int64_t, int64_t) {
        EXPECT_EQ(Leases(), 1);
        auto o2 = other.Run(false);
        others.push_back(o2.ok() ? ErrorCode::kInternal : o2.error().code);
    });
    EXPECT_TRUE(Reports(r, 202610, 2, 2, 4'000));
    ASSERT_EQ(others.size(), 2u);
    EXPECT_EQ(others[0], ErrorCode::kConflict);
    EXPECT_EQ(others[1], ErrorCode::kConflict);
    EXPECT_EQ(Leases(), 0);
}

TEST_P(ExpiryJobTest, ResumesAfterAKillWithTheBatchesDoneKept) {
    Owner a = RegisterSe(), b = RegisterSe(), c = RegisterSe();
    Earn(a, "a-sep", Utc(2023, 9, 10));
    Earn(a, "a-oct", Utc(2023, 10, 10));
    Earn(b, "b-oct", Utc(2023, 10, 11));
    Earn(c, "c-sep", Utc(2023, 9, 12));
    app_->clock.Set(Utc(2026, 11, 15));
    job_->set_batch_lots(1);

    // Killed after the second batch (one lot each): the two lots done stay expired.
    std::vector<std::pair<int64_t, int64_t>> seen;
    EXPECT_THROW(job_->Run(false,
                           [&](int64_t done, int64_t total) {
                               seen.emplace_back(done, total);
                               if (done == 2) throw std::runtime_error("killed");
                           }),
                 std::runtime_error);
    EXPECT_EQ(seen, (std::vector<std::pair<int64_t, int64_t>>{{1, 4}, {2, 4}}));
    EXPECT_EQ(ExpiryEntries(), 2);
    EXPECT_EQ(Expired(), 4'000);
    EXPECT_EQ(Points(a.household), 0);  // the account with the lowest id comes first
    EXPECT_EQ(Leases(), 0);

    // The next run does the rest, and the lots already expired are not touched again.
    EXPECT_TRUE(Reports(job_->Run(false), 202610, 2, 2, 4'000));
    EXPECT_EQ(ExpiryEntries(), 4);
    EXPECT_EQ(Expired(), 8'000);
    EXPECT_EQ(Points(a.household) + Points(b.household) + Points(c.household), 0);
}

TEST_P(ExpiryJobTest, PointsReachingAnExpiredLotExpireOnTheNextRun_R_BON_4) {
    Owner o = RegisterSe();
    Earn(o, "oct", Utc(2023, 10, 15));
    EXPECT_TRUE(Reports(RunAt(Utc(2026, 11, 15)), 202610, 1, 1, 2'000));
    // A till uploads a receipt of October 2023 three years late: its points land on the expired lot.
    auto late = MustPost(Receipt("oct-late", Utc(2023, 10, 20), o.card, 10'000));
    EXPECT_GT(late.receipt.points, 0);
    EXPECT_TRUE(Reports(RunAt(Utc(2026, 11, 16)), 202610, 1, 1, late.receipt.points));
    EXPECT_EQ(Points(o.household), 0);
    auto c = app_->db->Read();
    EXPECT_TRUE(store::LedgerRepository(*c).FindEntry(
        "expiry", "household_points:" + std::to_string(AccountId(o.household)) + "/lot:202310/2"));
}

// What the runs left per household: its points, its lots, and its expiry entries (source key with the
// account id left out, description, instant, amount, lot), to compare two databases.
struct HouseholdState {
    int64_t points = 0;
    std::vector<std::string> lots, entries;
    friend bool operator==(const HouseholdState&, const HouseholdState&) = default;
};

std::ostream& operator<<(std::ostream& os, const HouseholdState& h) {
    os << "points " << h.points << "; lots";
    for (const auto& l : h.lots) os << " [" << l << "]";
    os << "; entries";
    for (const auto& e : h.entries) os << " [" << e << "]";
    return os;
}

// The same households and receipts, expired by runs with batches of 2 lots and with batches of 1 000: the
// same entries, lots and reports. The batches of 2 end inside a household (one with two lots expiring), on a
// lot emptied by a return (skipped), and on a lot expiring a second time (its key "/2").
TEST_P(ExpiryJobTest, BatchesOfTwoExpireWhatBatchesOfAThousandExpire_R_BON_4) {
    auto play = [&](int batch, std::vector<Result<Report>>& reports, int64_t& late_points) {
        job_->set_batch_lots(batch);
        std::vector<Owner> o;
        for (int i = 0; i < 5; ++i) o.push_back(RegisterSe());
        Earn(o[0], "a-sep", Utc(2023, 9, 10));
        Earn(o[0], "a-oct", Utc(2023, 10, 10));
        Earn(o[0], "a-nov", Utc(2023, 11, 10));
        Earn(o[1], "b-oct", Utc(2023, 10, 11));
        MustPost(Receipt("b-ret", Utc(2023, 12, 2), std::nullopt, -50'000, "b-oct"));  // half of it back
        Earn(o[2], "c-nov", Utc(2023, 11, 12));                                        // nothing expires
        Earn(o[3], "d-sep", Utc(2023, 9, 13));
        Earn(o[3], "d-oct", Utc(2023, 10, 13));
        MustPost(Receipt("d-ret", Utc(2023, 12, 3), std::nullopt, -100'000, "d-sep"));  // September's, all
        Earn(o[4], "e-sep", Utc(2023, 9, 14));
        Earn(o[4], "e-oct", Utc(2023, 10, 14));
        reports.push_back(RunAt(Utc(2026, 10, 15)));  // the September lots
        // A late receipt of September: its points land on e's expired lot.
        late_points = MustPost(Receipt("e-sep-late", Utc(2023, 9, 20), o[4].card, 10'000)).receipt.points;
        reports.push_back(RunAt(Utc(2026, 11, 15)));  // October's lots, and e's September lot again
        reports.push_back(RunAt(Utc(2026, 11, 15)));  // nothing
        std::vector<HouseholdState> out;
        for (const auto& owner : o) {
            HouseholdState h;
            h.points = Points(owner.household);
            auto c = app_->db->Read();
            store::LedgerRepository ledger(*c);
            auto account = ledger.FindAccount(PointsAccount(owner.household));
            if (!account) throw std::runtime_error("no points account");
            for (const auto& l : ledger.Lots(account->id))
                h.lots.push_back(std::to_string(l.month) + " " + std::to_string(l.earned) + " " +
                                 std::to_string(l.remaining));
            std::string prefix = "household_points:" + std::to_string(account->id);
            for (const auto& e : ledger.History(account->id, 100, 0)) {
                if (e.source_kind != "expiry") continue;
                EXPECT_TRUE(e.source_key.starts_with(prefix)) << e.source_key;
                h.entries.push_back(e.source_key.substr(prefix.size()) + " " + e.description + " " +
                                    std::to_string(e.occurred_at) + " " + std::to_string(e.amount) + " " +
                                    std::to_string(e.lot_month.value_or(0)));
            }
            out.push_back(std::move(h));
        }
        return out;
    };
    std::vector<Result<Report>> by_two, by_thousand;
    int64_t late_two = 0, late = 0;
    auto two = play(2, by_two, late_two);
    test::ExpectLedgerClean(*app_->db);
    int64_t expired_by_two = Expired();

    app_ = std::make_unique<test::TestApp>(GetParam());  // a fresh database: the same households again
    job_ = std::make_unique<ExpiryJob>(*app_->db, app_->clock, app_->config.markets);
    serial_ = 0;
    auto thousand = play(1'000, by_thousand, late);
    EXPECT_EQ(two, thousand);
    EXPECT_EQ(late_two, late);
    ASSERT_EQ(by_two.size(), by_thousand.size());
    for (size_t i = 0; i < by_two.size(); ++i) {
        ASSERT_TRUE(IsOk(by_thousand[i]));
        EXPECT_TRUE(Reports(by_two[i], by_thousand[i]->month, by_thousand[i]->households,
                            by_thousand[i]->lots, by_thousand[i]->points))
            << "run " << i;
    }
    // September: a, e (d's lot was emptied by its return). November: a, b's half, d, e's October lot and
    // its late September points.
    EXPECT_TRUE(Reports(by_thousand[0], 202609, 2, 2, 4'000));
    EXPECT_GT(late, 0);
    EXPECT_TRUE(Reports(by_thousand[1], 202610, 4, 5, 2'000 + 1'000 + 2'000 + late + 2'000));
    EXPECT_TRUE(Reports(by_thousand[2], 202610, 0, 0, 0));
    EXPECT_EQ(Expired(), expired_by_two);
    ASSERT_EQ(thousand[4].entries.size(), 3u);  // newest first: October's, September's again, September's
    EXPECT_TRUE(thousand[4].entries[1].starts_with("/lot:202309/2 ")) << thousand[4].entries[1];
}

// A return takes points from lots of the batch after the batch's query read them and before they are locked
// and posted: the job expires what the lots hold then (one lot half, one nothing), never more. On PostgreSQL
// the return is a till's, committed on another connection; on SQLite (one writer: no other write can come
// between) it is posted in the batch's own transaction.
TEST_P(ExpiryJobTest, ALotTakenFromAfterTheBatchQueryExpiresWhatItHoldsThen_R_BON_4) {
    Owner o = RegisterSe(), p = RegisterSe();
    Earn(o, "o-oct", Utc(2023, 10, 15));
    Earn(o, "o-nov", Utc(2023, 11, 15));
    Earn(p, "p-oct", Utc(2023, 10, 16));
    int calls = 0;
    job_->set_after_batch_read([&](store::Connection& c) {
        if (calls++) return;
        if (c.engine() == store::Engine::kPostgres) {
            MustPost(Receipt("o-ret", Utc(2023, 12, 2), std::nullopt, -50'000, "o-oct"));   // 1 000 points
            MustPost(Receipt("p-ret", Utc(2023, 12, 2), std::nullopt, -100'000, "p-oct"));  // all 2 000
            return;
        }
        store::LedgerRepository ledger(c);
        for (auto [household, points] :
             {std::pair<int64_t, int64_t>{o.household, 1'000}, {p.household, 2'000}}) {
            core::JournalEntry e;
            e.source_kind = "test";
            e.source_key = "return:" + std::to_string(household);
            e.description = "points taken by a return";
            e.actor = kActor;
            e.occurred_at = core::ToMillis(Utc(2023, 12, 2));
            e.postings.push_back({PointsAccount(household), -points, 202310});
            e.postings.push_back({{kind::kAdjustment, "operator", 0, "points"}, points, std::nullopt});
            ASSERT_TRUE(IsOk(ledger.Post(e, core::ToMillis(app_->clock.Now()))));
        }
    });
    auto r = RunAt(Utc(2026, 11, 15));
    EXPECT_EQ(calls, 1);
    EXPECT_TRUE(Reports(r, 202610, 1, 1, 1'000));
    EXPECT_EQ(Lot(o.household, 202310), Pair(2'000, 0));
    EXPECT_EQ(Lot(o.household, 202311), Pair(2'000, 2'000));
    EXPECT_EQ(Lot(p.household, 202310), Pair(2'000, 0));
    EXPECT_EQ(Points(o.household), 2'000);
    EXPECT_EQ(Points(p.household), 0);
    EXPECT_EQ(Expired(), 1'000);
    EXPECT_EQ(ExpiryEntries(), 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, ExpiryJobTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
