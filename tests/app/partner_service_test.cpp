// PartnerService on SQLite and PostgreSQL over the demo dataset (partners dk-synoptik: 5 % on glasses, 1 % on
// subscriptions; dk-tui: 5 % on travel, held 30 days; se-liseberg: 5 % as points), with the fixed clock of
// TestApp (2026-11-23): the member check (R_CARD_2), sales by API and file credited to the household
// (R_PART_3, R_HH_6, R_BON_6), the rate of the sale date (R_PART_1), reversals, held-back bonus, and reports
// that add up to the ledger (R_PART_4). After every test the ledger check is clean.
#include "app/partners/partner_service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <sstream>
#include <thread>

#include "app/service_test_support.hpp"
#include "core/ledger/journal.hpp"
#include "http/test_app.hpp"
#include "store/ledger/ledger_repository.hpp"
#include "store/membership/membership_repository.hpp"
#include "store/partners/partner_repository.hpp"
#include "test_support.hpp"

namespace andel::app {
namespace {

using core::ErrorCode;
using test::Fails;
using test::IsOk;
namespace kind = core::account_kind;

constexpr const char* kDemo = "33216744";
constexpr const char* kActor = "test";

class PartnerServiceTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        svc_ = app_->partners.get();
        auto c = app_->db->Read();
        store::PartnerRepository repo(*c);
        synoptik_ = repo.FindPartnerByCode("dk-synoptik")->id;
        tui_ = repo.FindPartnerByCode("dk-tui")->id;
        liseberg_ = repo.FindPartnerByCode("se-liseberg")->id;
        store::MembershipRepository members(*c);
        household_ = *members.FindMemberByNumber(kDemo)->household_id;
        participant_ =
            *c->QueryOne(
                  "SELECT m.member_number FROM household_members hm JOIN members m ON m.id = "
                  "hm.member_id WHERE hm.household_id = $1 AND hm.role = 'participant' ORDER BY m.id",
                  {store::Int(household_)})
                 ->OptText(0);
        se_member_ = c->QueryOne(
                          "SELECT member_number FROM members WHERE market = 'se' AND status = 'active' AND "
                          "kind = 'member' AND id IN (SELECT member_id FROM household_members) ORDER BY id")
                         ->Text(0);
        no_member_ = c->QueryOne(
                          "SELECT member_number FROM members WHERE market = 'no' AND kind = 'member' "
                          "ORDER BY id")
                         ->Text(0);
    }

    void TearDown() override {
        if (!app_) return;
        test::ExpectLedgerClean(*app_->db);
    }

    PartnerSaleInput Sale(const std::string& id, const std::string& member, const std::string& date,
                          std::vector<core::PartnerSaleLine> lines, const std::string& currency = "DKK") {
        PartnerSaleInput in;
        in.sale_id = id;
        in.member_number = member;
        in.sale_date = date;
        in.currency = currency;
        in.lines = std::move(lines);
        return in;
    }
    int64_t Balance(const char* k, const std::string& owner_kind, int64_t owner, const std::string& unit) {
        auto c = app_->db->Read();
        auto a = store::LedgerRepository(*c).FindAccount({k, owner_kind, owner, unit});
        return a ? a->balance : 0;
    }
    int64_t Bonus() { return Balance(kind::kHouseholdBonus, "household", household_, "DKK"); }
    int64_t Pending() { return Balance(kind::kHouseholdBonusPending, "household", household_, "DKK"); }
    int64_t Owed(int64_t partner) { return -Balance(kind::kPartnerReceivable, "partner", partner, "DKK"); }
    int64_t Count(const std::string& sql) {
        auto c = app_->db->Read();
        return c->QueryOne(sql)->Int(0);
    }
    void SetDay(int month, int day) { app_->clock.Set(test::Utc(2026, month, day, 9)); }

    std::unique_ptr<test::TestApp> app_;
    PartnerService* svc_ = nullptr;
    int64_t synoptik_ = 0, tui_ = 0, liseberg_ = 0, household_ = 0;
    std::string participant_, se_member_, no_member_;
};

TEST_P(PartnerServiceTest, MemberCheckSaysOnlyWhetherTheMembershipMayEarn_R_CARD_2) {
    EXPECT_TRUE(svc_->MayEarn(synoptik_, kDemo).value());
    EXPECT_TRUE(svc_->MayEarn(synoptik_, participant_).value());
    EXPECT_FALSE(svc_->MayEarn(synoptik_, no_member_).value());  // another market
    EXPECT_FALSE(svc_->MayEarn(synoptik_, "99999995").value());  // valid check digit, no such member
    EXPECT_TRUE(Fails(svc_->MayEarn(synoptik_, "99999996"), ErrorCode::kMalformed));
    {
        store::Transaction tx(*app_->db);
        tx.conn().Execute("UPDATE members SET status = 'ended' WHERE member_number = $1",
                          {store::Text(participant_)});
        tx.Commit();
    }
    EXPECT_FALSE(svc_->MayEarn(synoptik_, participant_).value());  // an ended membership earns nothing
}

TEST_P(PartnerServiceTest, SaleCreditsTheHouseholdAndTheReceivable_R_PART_3_R_BON_6_R_HH_6) {
    int64_t before = Bonus();
    auto r = svc_->ReportSale(synoptik_, Sale("S-1", participant_, "2026-11-20", {{"glasses", 3'000'000}}),
                              kActor);
    ASSERT_TRUE(IsOk(r));
    EXPECT_FALSE(r->replayed);
    EXPECT_FALSE(r->pending);
    EXPECT_EQ(r->sale.bonus_minor, 150'000);  // 30 000 DKK at 5 % -> 1 500 DKK
    EXPECT_EQ(Bonus() - before, 150'000);     // a participant's purchase earns for the owner's household
    EXPECT_EQ(Owed(synoptik_), 150'000);
    // 2 000 DKK on glasses and 500 DKK of subscriptions: 100 DKK + 5 DKK.
    auto two = svc_->ReportSale(
        synoptik_, Sale("S-2", kDemo, "2026-11-21", {{"glasses", 200'000}, {"subscriptions", 50'000}}),
        kActor);
    ASSERT_TRUE(IsOk(two));
    EXPECT_EQ(two->sale.bonus_minor, 10'500);
    EXPECT_EQ(Bonus() - before, 160'500);
}

TEST_P(PartnerServiceTest, SaleIsIdempotentOnPartnerAndSaleId) {
    auto in = Sale("S-9", kDemo, "2026-11-20", {{"glasses", 100'000}});
    ASSERT_TRUE(IsOk(svc_->ReportSale(synoptik_, in, kActor)));
    int64_t after_first = Bonus();
    auto again = svc_->ReportSale(synoptik_, in, kActor);
    ASSERT_TRUE(IsOk(again));
    EXPECT_TRUE(again->replayed);
    EXPECT_EQ(again->sale.bonus_minor, 5'000);
    EXPECT_EQ(Bonus(), after_first);
    auto other = in;
    other.lines[0].amount_minor = 100'001;
    EXPECT_TRUE(Fails(svc_->ReportSale(synoptik_, other, kActor), ErrorCode::kConflict));
    // The same sale id at another partner is another sale.
    auto at_tui = Sale("S-9", kDemo, "2026-11-20", {{"travel", 100'000}});
    EXPECT_TRUE(IsOk(svc_->ReportSale(tui_, at_tui, kActor)));
    EXPECT_EQ(Bonus(), after_first);  // TUI holds its bonus back: pending, not available
    EXPECT_EQ(Pending(), 5'000);
}

TEST_P(PartnerServiceTest, ConcurrentReportsOfOneSaleBookItOnce) {
    // A partner's retries racing each other (e.g. two checkout servers): one booking, the same answer for
    // all.
    int64_t before = Bonus();
    auto in = Sale("RACE-1", kDemo, "2026-11-20", {{"glasses", 100'000}});
    std::vector<std::thread> threads;
    std::atomic<int> booked{0}, replayed{0}, failed{0};
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            auto r = svc_->ReportSale(synoptik_, in, kActor);
            if (!r.ok() || r->sale.bonus_minor != 5'000)
                ++failed;
            else
                ++(r->replayed ? replayed : booked);
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(failed.load(), 0);
    EXPECT_EQ(booked.load(), 1);
    EXPECT_EQ(replayed.load(), 7);
    EXPECT_EQ(Bonus() - before, 5'000);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM ledger_entries WHERE source_kind = 'partner_sale'"), 1);
}

TEST_P(PartnerServiceTest, BadSalesBookNothing_R_PART_1_R_LIFE_2) {
    int64_t before = Bonus();
    auto refuse = [&](PartnerSaleInput in, ErrorCode code, const std::string& rule = {}) {
        EXPECT_TRUE(Fails(svc_->ReportSale(synoptik_, in, kActor), code, rule)) << in.sale_id;
    };
    refuse(Sale("B-1", kDemo, "2025-12-31", {{"glasses", 100}}), ErrorCode::kRuleRefused,
           "R_PART_1");  // before
    refuse(Sale("B-2", kDemo, "2026-11-20", {{"frames", 100}}), ErrorCode::kRuleRefused, "R_PART_1");
    refuse(Sale("B-3", kDemo, "2026-11-20", {{"glasses", -100}}), ErrorCode::kInvalid);
    refuse(Sale("B-4", kDemo, "2026-11-20", {{"glasses", 100}}, "SEK"), ErrorCode::kInvalid);
    refuse(Sale("B-5", "99999995", "2026-11-20", {{"glasses", 100}}), ErrorCode::kInvalid);
    refuse(Sale("B-6", "99999996", "2026-11-20", {{"glasses", 100}}), ErrorCode::kMalformed);
    refuse(Sale("B-7", no_member_, "2026-11-20", {{"glasses", 100}}), ErrorCode::kInvalid);
    refuse(Sale("B-8", kDemo, "2026-11-25", {{"glasses", 100}}), ErrorCode::kInvalid);  // tomorrow + 1
    refuse(Sale("B-9", kDemo, "2026-13-01", {{"glasses", 100}}), ErrorCode::kMalformed);
    refuse(Sale("B 10", kDemo, "2026-11-20", {{"glasses", 100}}), ErrorCode::kMalformed);
    {
        store::Transaction tx(*app_->db);
        tx.conn().Execute("UPDATE members SET status = 'ended' WHERE member_number = $1",
                          {store::Text(participant_)});
        tx.Commit();
    }
    refuse(Sale("B-11", participant_, "2026-11-20", {{"glasses", 100}}), ErrorCode::kRuleRefused, "R_LIFE_2");
    EXPECT_EQ(Bonus(), before);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM partner_sales"), 0);
    // Tomorrow is allowed (a partner's clock or time zone), the day after is not (B-8 above).
    EXPECT_TRUE(
        IsOk(svc_->ReportSale(synoptik_, Sale("B-12", kDemo, "2026-11-24", {{"glasses", 100}}), kActor)));
}

TEST_P(PartnerServiceTest, ANewRateAppliesFromItsDayAndNeverAltersPastSales_R_PART_1) {
    ASSERT_TRUE(
        IsOk(svc_->ReportSale(synoptik_, Sale("R-1", kDemo, "2026-11-10", {{"glasses", 100'000}}), kActor)));
    core::PartnerAgreement up{0, "glasses", "Briller", 800, "2026-11-15", std::nullopt};
    ASSERT_TRUE(IsOk(svc_->AddAgreement("dk-synoptik", up, kActor)));
    auto view = svc_->Get("dk-synoptik");
    ASSERT_TRUE(IsOk(view));
    int ended = 0;
    for (const auto& a : view->agreements)
        if (a.category == "glasses" && a.valid_to == std::optional<std::string>("2026-11-14")) ++ended;
    EXPECT_EQ(ended, 1);
    auto before =
        svc_->ReportSale(synoptik_, Sale("R-2", kDemo, "2026-11-14", {{"glasses", 100'000}}), kActor);
    auto after =
        svc_->ReportSale(synoptik_, Sale("R-3", kDemo, "2026-11-15", {{"glasses", 100'000}}), kActor);
    ASSERT_TRUE(IsOk(before));
    ASSERT_TRUE(IsOk(after));
    EXPECT_EQ(before->sale.bonus_minor, 5'000);
    EXPECT_EQ(after->sale.bonus_minor, 8'000);
    auto replay =
        svc_->ReportSale(synoptik_, Sale("R-1", kDemo, "2026-11-10", {{"glasses", 100'000}}), kActor);
    EXPECT_EQ(replay->sale.bonus_minor, 5'000);  // booked at its day's rate, kept
    // A rate from a day on which sales were already booked at the current rate is refused.
    core::PartnerAgreement late{0, "glasses", "Briller", 900, "2026-11-15", std::nullopt};
    EXPECT_TRUE(Fails(svc_->AddAgreement("dk-synoptik", late, kActor), ErrorCode::kConflict));
    core::PartnerAgreement back{0, "glasses", "Briller", 900, "2026-11-16", std::nullopt};
    ASSERT_TRUE(
        IsOk(svc_->ReportSale(synoptik_, Sale("R-4", kDemo, "2026-11-20", {{"glasses", 100'000}}), kActor)));
    EXPECT_TRUE(Fails(svc_->AddAgreement("dk-synoptik", back, kActor), ErrorCode::kRuleRefused, "R_PART_1"));
}

TEST_P(PartnerServiceTest, HeldBackBonusIsPendingUntilItsDay_R_PART_3) {
    auto in = Sale("T-1", kDemo, "2026-11-20", {{"travel", 3'000'000}});
    in.available_on = "2027-01-05";  // the journey, later than 30 days after the sale
    auto r = svc_->ReportSale(tui_, in, kActor);
    ASSERT_TRUE(IsOk(r));
    EXPECT_TRUE(r->pending);
    EXPECT_EQ(*r->sale.release_on, "2027-01-05");
    int64_t bonus = Bonus();
    EXPECT_EQ(Pending(), 150'000);
    app_->clock.Set(test::Utc(2027, 1, 4, 22, 59));  // 23:59 in Copenhagen: still the day before
    EXPECT_EQ(svc_->ReleaseDue()->released, 0);
    EXPECT_EQ(Pending(), 150'000);
    app_->clock.Set(test::Utc(2027, 1, 4, 23, 0));  // midnight in Copenhagen
    EXPECT_EQ(svc_->ReleaseDue()->released, 1);
    EXPECT_EQ(Pending(), 0);
    EXPECT_EQ(Bonus(), bonus + 150'000);
    EXPECT_EQ(svc_->ReleaseDue()->released, 0);  // idempotent
    EXPECT_EQ(Bonus(), bonus + 150'000);
}

TEST_P(PartnerServiceTest, ReversalsTakeBonusBackInPartOrInFull) {
    ASSERT_TRUE(IsOk(svc_->ReportSale(
        synoptik_, Sale("C-1", kDemo, "2026-11-20", {{"glasses", 300'000}, {"subscriptions", 100'000}}),
        kActor)));
    int64_t bonus = Bonus();  // 15 000 + 1 000
    auto part = svc_->ReverseSale(synoptik_, {"C-1", "RET-1", "2026-11-22", {{"glasses", 100'000}}}, kActor);
    ASSERT_TRUE(IsOk(part));
    EXPECT_EQ(part->reversal.bonus_minor, 5'000);
    EXPECT_EQ(Bonus(), bonus - 5'000);
    EXPECT_EQ(Owed(synoptik_), 11'000);
    // The same reversal again changes nothing; another body under its id is a conflict.
    EXPECT_TRUE(svc_->ReverseSale(synoptik_, {"C-1", "RET-1", "2026-11-22", {{"glasses", 100'000}}}, kActor)
                    ->replayed);
    EXPECT_TRUE(Fails(svc_->ReverseSale(synoptik_, {"C-1", "RET-1", "2026-11-22", {{"glasses", 1}}}, kActor),
                      ErrorCode::kConflict));
    EXPECT_TRUE(
        Fails(svc_->ReverseSale(synoptik_, {"C-1", "RET-2", "2026-11-22", {{"glasses", 200'001}}}, kActor),
              ErrorCode::kInvalid));
    EXPECT_TRUE(
        Fails(svc_->ReverseSale(synoptik_, {"C-1", "RET-3", "2026-11-19", {}}, kActor), ErrorCode::kInvalid));
    EXPECT_TRUE(Fails(svc_->ReverseSale(synoptik_, {"NONE", "RET-4", "2026-11-22", {}}, kActor),
                      ErrorCode::kNotFound));
    // A cancellation takes all that is left; then nothing is left to cancel.
    auto cancel = svc_->ReverseSale(synoptik_, {"C-1", "CAN-1", "2026-11-23", {}}, kActor);
    ASSERT_TRUE(IsOk(cancel));
    EXPECT_EQ(cancel->reversal.bonus_minor, 11'000);
    EXPECT_EQ(Bonus(), bonus - 16'000);
    EXPECT_EQ(Owed(synoptik_), 0);
    EXPECT_TRUE(
        Fails(svc_->ReverseSale(synoptik_, {"C-1", "CAN-2", "2026-11-23", {}}, kActor), ErrorCode::kInvalid));
}

TEST_P(PartnerServiceTest, ReversalOfSpentBonusIsWrittenOffNeverBelowZero_R_BON_1) {
    // A household that earned 100 DKK at a partner and spent it at a till before the partner cancelled.
    std::string member = se_member_;  // placeholder replaced below with a fresh DK household's owner
    auto c = app_->db->Read();
    auto fresh = c->QueryOne(
        "SELECT m.member_number, hm.household_id FROM members m JOIN household_members hm ON hm.member_id = "
        "m.id "
        "WHERE m.market = 'dk' AND m.kind = 'member' AND m.status = 'active' AND m.is_demo = 0 AND hm.role = "
        "'owner' "
        "AND hm.household_id NOT IN (SELECT owner_id FROM ledger_accounts WHERE owner_kind = 'household') "
        "ORDER BY m.id");
    ASSERT_TRUE(fresh.has_value());
    member = fresh->Text(0);
    int64_t h = fresh->Int(1);
    ASSERT_TRUE(
        IsOk(svc_->ReportSale(synoptik_, Sale("W-1", member, "2026-11-20", {{"glasses", 200'000}}), kActor)));
    EXPECT_EQ(Balance(kind::kHouseholdBonus, "household", h, "DKK"), 10'000);
    {
        store::Transaction tx(*app_->db);  // spends 60 DKK of it (as paying with bonus at a till would)
        store::LedgerRepository ledger(tx.conn());
        core::JournalEntry e{"test",
                             "spend-W-1",
                             "spent at a till",
                             kActor,
                             0,
                             {{{kind::kHouseholdBonus, "household", h, "DKK"}, -6'000, std::nullopt},
                              {{kind::kRedemption, "store", 1, "DKK"}, 6'000, std::nullopt}}};
        ASSERT_TRUE(IsOk(ledger.Post(e, 0)));
        tx.Commit();
    }
    auto cancel = svc_->ReverseSale(synoptik_, {"W-1", "CAN", "2026-11-23", {}}, kActor);
    ASSERT_TRUE(IsOk(cancel));
    EXPECT_EQ(cancel->reversal.reward, 4'000);
    EXPECT_EQ(cancel->reversal.written_off, 6'000);
    EXPECT_EQ(Balance(kind::kHouseholdBonus, "household", h, "DKK"), 0);
    EXPECT_EQ(Owed(synoptik_), 0);  // the partner owes nothing for a cancelled sale
    EXPECT_EQ(Balance(kind::kPartnerWriteOff, "partner", synoptik_, "DKK"), -6'000);
}

TEST_P(PartnerServiceTest, PointsMarketCreditsPointsInLots_R_BON_5) {
    auto r = svc_->ReportSale(liseberg_, Sale("L-1", se_member_, "2026-11-20", {{"tickets", 100'000}}, "SEK"),
                              kActor);
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r->sale.bonus_minor, 5'000);  // 50 SEK
    EXPECT_EQ(r->sale.reward, 5'000);       // at 20 000 points per 200 SEK
    EXPECT_EQ(r->sale.reward_unit, "points");
    int64_t h;
    {
        auto c = app_->db->Read();
        h = *store::MembershipRepository(*c).FindMemberByNumber(se_member_)->household_id;
    }
    int64_t points = Balance(kind::kHouseholdPoints, "household", h, "points");
    EXPECT_GE(points, 5'000);
    EXPECT_EQ(-Balance(kind::kPartnerReceivable, "partner", liseberg_, "SEK"), 5'000);
    auto back = svc_->ReverseSale(liseberg_, {"L-1", "X", "2026-11-21", {{"tickets", 50'000}}}, kActor);
    ASSERT_TRUE(IsOk(back));
    EXPECT_EQ(back->reversal.reward, 2'500);
    EXPECT_EQ(Balance(kind::kHouseholdPoints, "household", h, "points"), points - 2'500);
}

TEST_P(PartnerServiceTest, ReportsAddUpToTheLedger_R_PART_4) {
    ASSERT_TRUE(
        IsOk(svc_->ReportSale(synoptik_, Sale("P-1", kDemo, "2026-11-20", {{"glasses", 300'000}}), kActor)));
    ASSERT_TRUE(IsOk(svc_->ReportSale(
        synoptik_, Sale("P-2", participant_, "2026-11-21", {{"subscriptions", 90'000}}), kActor)));
    ASSERT_TRUE(
        IsOk(svc_->ReportSale(tui_, Sale("P-3", kDemo, "2026-11-21", {{"travel", 1'000'000}}), kActor)));
    ASSERT_TRUE(
        IsOk(svc_->ReportSale(synoptik_, Sale("P-4", kDemo, "2026-10-31", {{"glasses", 100'000}}), kActor)));
    ASSERT_TRUE(
        IsOk(svc_->ReverseSale(synoptik_, {"P-1", "R", "2026-11-22", {{"glasses", 100'000}}}, kActor)));
    auto by_partner = svc_->Report("2026-11-01", "2026-11-30", "partner", "dk");
    ASSERT_TRUE(IsOk(by_partner));
    ASSERT_EQ(by_partner->rows.size(), 2u);
    EXPECT_EQ(by_partner->rows[0].key, "dk-synoptik");
    EXPECT_EQ(by_partner->rows[0].sales, 2);  // P-4 is of October
    EXPECT_EQ(by_partner->rows[0].bonus_minor, 15'000 + 900);
    EXPECT_EQ(by_partner->rows[0].reversed_minor, 5'000);
    EXPECT_EQ(by_partner->rows[1].bonus_minor, 50'000);
    int64_t owed_period = 0;
    for (const auto& o : by_partner->owed) owed_period += o.period_minor;
    EXPECT_EQ(owed_period, by_partner->bonus_minor - by_partner->reversed_minor);  // the ledger agrees
    for (const auto& o : by_partner->owed)
        if (o.partner_code == "dk-synoptik") {
            EXPECT_EQ(o.outstanding_minor, Owed(synoptik_));
        }
    auto by_store = svc_->Report("2026-11-01", "2026-11-30", "home_store", "dk");
    ASSERT_TRUE(IsOk(by_store));
    ASSERT_EQ(by_store->rows.size(), 1u);
    EXPECT_EQ(by_store->rows[0].key, "dk-odense-1");  // the demo household's home store
    EXPECT_EQ(by_store->bonus_minor, by_partner->bonus_minor);
    auto by_category = svc_->Report("2026-11-01", "2026-11-30", "category", "");
    ASSERT_TRUE(IsOk(by_category));
    EXPECT_EQ(by_category->bonus_minor, by_partner->bonus_minor);
    EXPECT_TRUE(Fails(svc_->Report("2026-11-30", "2026-11-01", "partner", ""), ErrorCode::kMalformed));
    EXPECT_TRUE(Fails(svc_->Report("2026-11-01", "2026-11-30", "store", ""), ErrorCode::kMalformed));
}

TEST_P(PartnerServiceTest, PaymentsSettleWhatThePartnerOwesOnce_R_PART_4) {
    ASSERT_TRUE(IsOk(
        svc_->ReportSale(synoptik_, Sale("PAY-1", kDemo, "2026-11-20", {{"glasses", 300'000}}), kActor)));
    EXPECT_EQ(Owed(synoptik_), 15'000);
    auto paid = svc_->Settle("dk-synoptik", "INV-1", 10'000, "2026-11-23", kActor);
    ASSERT_TRUE(IsOk(paid));
    EXPECT_EQ(paid->outstanding_minor, 5'000);
    EXPECT_EQ(Owed(synoptik_), 5'000);
    EXPECT_TRUE(svc_->Settle("dk-synoptik", "INV-1", 10'000, "2026-11-23", kActor)->replayed);
    EXPECT_EQ(Owed(synoptik_), 5'000);
    EXPECT_TRUE(
        Fails(svc_->Settle("dk-synoptik", "INV-1", 9'000, "2026-11-23", kActor), ErrorCode::kConflict));
    EXPECT_TRUE(
        Fails(svc_->Settle("dk-synoptik", "INV-2", 5'001, "2026-11-23", kActor), ErrorCode::kInvalid));
    EXPECT_TRUE(IsOk(svc_->Settle("dk-synoptik", "INV-2", 5'000, "2026-11-23", kActor)));
    EXPECT_EQ(Owed(synoptik_), 0);
    EXPECT_TRUE(Fails(svc_->Settle("dk-synoptik", "INV-3", 0, "2026-11-23", kActor), ErrorCode::kInvalid));
    EXPECT_TRUE(Fails(svc_->Settle("dk-nobody", "INV-3", 1, "2026-11-23", kActor), ErrorCode::kNotFound));
    // The period's report still shows what the sales earned; what is outstanding is what is left to pay.
    auto report = svc_->Report("2026-11-01", "2026-11-30", "partner", "dk");
    for (const auto& o : report->owed)
        if (o.partner_code == "dk-synoptik") {
            EXPECT_EQ(o.period_minor, 15'000);
            EXPECT_EQ(o.outstanding_minor, 0);
        }
}

TEST_P(PartnerServiceTest, FileOfSalesBooksGoodRowsListsBadOnesAndNothingTwice_R_PART_3) {
    const std::string file =
        "\xEF\xBB\xBFsale_id,member_number,sale_date,category,amount,currency\r\n"
        "F-1,33216744,2026-11-20,glasses,30000.00,DKK\r\n"
        "F-2,33216744,2026-11-20,glasses,2000,DKK\r\n"
        "F-2,33216744,2026-11-20,subscriptions,500.5,DKK\r\n"
        "F-3,99999995,2026-11-20,glasses,100,DKK\r\n"
        "F-4,33216744,2026-11-20,glasses,\"1,500.00\",DKK\r\n"
        "F-5,33216744,2026-11-20,glasses,100,SEK\r\n"
        "F-6,33216744,2026-11-20,glasses\r\n"
        "\"F-7,33216744,2026-11-20,glasses,100,DKK\r\n";
    auto run = [&](std::vector<PartnerImportRow>& rows) {
        std::istringstream in(file);
        return svc_->ImportSales(
            synoptik_, in, [&](const PartnerImportRow& r) { rows.push_back(r); }, nullptr, kActor);
    };
    int64_t before = Bonus();
    std::vector<PartnerImportRow> rows;
    auto r = run(rows);
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r->rows, 8);
    EXPECT_EQ(r->accepted, 3);  // F-1 and the two rows of F-2
    EXPECT_EQ(r->rejected, 5);
    EXPECT_EQ(Bonus() - before, 150'000 + 10'000 + 500);  // 500.50 at 1 % = 5.005 -> 5.00 (half-even)
    ASSERT_EQ(rows.size(), 8u);
    EXPECT_EQ(rows[0].line, 2);
    EXPECT_EQ(rows[0].status, "accepted");
    EXPECT_EQ(rows[3].line, 5);
    EXPECT_EQ(rows[3].status, "rejected");
    EXPECT_NE(rows[3].error.find("no member"), std::string::npos);
    EXPECT_EQ(rows[4].status, "rejected");  // a thousands separator
    EXPECT_EQ(rows[6].status, "rejected");  // too few fields
    EXPECT_EQ(rows[7].line, 9);             // an unterminated quote
    // The same file again books nothing twice.
    std::vector<PartnerImportRow> again;
    auto r2 = run(again);
    ASSERT_TRUE(IsOk(r2));
    EXPECT_EQ(r2->replayed, 3);
    EXPECT_EQ(r2->accepted, 0);
    EXPECT_EQ(Bonus() - before, 160'500);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM partner_sales WHERE via = 'file'"), 2);
}

TEST_P(PartnerServiceTest, FileWithABadHeaderIsRefusedWhole) {
    auto import = [&](const std::string& text) {
        std::istringstream in(text);
        return svc_->ImportSales(
            synoptik_, in, [](const PartnerImportRow&) {}, nullptr, kActor);
    };
    EXPECT_TRUE(Fails(import(""), ErrorCode::kMalformed));
    EXPECT_TRUE(Fails(import("sale_id,member,sale_date,category,amount,currency\n"), ErrorCode::kMalformed));
    EXPECT_TRUE(Fails(import("sale_id,member_number,sale_date,category,currency\n"), ErrorCode::kMalformed));
    EXPECT_TRUE(Fails(import("sale_id,member_number,sale_date,category,amount,amount_minor,currency\n"),
                      ErrorCode::kMalformed));
    EXPECT_TRUE(Fails(import("\xFF\xFEs\0a"), ErrorCode::kMalformed));  // UTF-16
    auto only_header = import("sale_id,member_number,sale_date,category,amount_minor,currency\n");
    ASSERT_TRUE(IsOk(only_header));
    EXPECT_EQ(only_header->rows, 0);
}

// A stream of `size` bytes made on demand: a header, then one quoted field that never ends.
class EndlessQuote : public std::streambuf {
  public:
    explicit EndlessQuote(int64_t size) : left_(size) {
        std::string head = "sale_id,member_number,sale_date,category,amount,currency\n\"";
        std::copy(head.begin(), head.end(), buf_);
        std::fill(buf_ + head.size(), buf_ + sizeof buf_, 'x');
        first_ = head.size();
    }

  protected:
    int_type underflow() override {
        if (left_ <= 0) return traits_type::eof();
        int64_t n = std::min<int64_t>(left_, static_cast<int64_t>(sizeof buf_));
        if (sent_) std::fill(buf_, buf_ + first_, 'x');  // the header once, then only 'x'
        sent_ = true;
        setg(buf_, buf_, buf_ + n);
        left_ -= n;
        return traits_type::to_int_type(buf_[0]);
    }

  private:
    char buf_[1 << 16];
    size_t first_ = 0;
    int64_t left_;
    bool sent_ = false;
};

TEST_P(PartnerServiceTest, A100MegabyteBrokenFileIsStreamedAndBooksNothing) {
    if (GetParam() != "sqlite") GTEST_SKIP() << "nothing reaches the database: once is enough";
    EndlessQuote source(100LL << 20);
    std::istream in(&source);
    std::vector<PartnerImportRow> rows;
    int64_t last_progress = 0;
    auto r = svc_->ImportSales(
        synoptik_, in, [&](const PartnerImportRow& row) { rows.push_back(row); },
        [&](int64_t bytes) { last_progress = bytes; }, kActor);
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r->accepted, 0);
    EXPECT_EQ(r->rejected, static_cast<int64_t>(rows.size()));
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows[0].line, 2);
    EXPECT_EQ(rows[0].status, "rejected");
    EXPECT_EQ(last_progress, 100LL << 20);  // read to the end, in bounded pieces
    EXPECT_EQ(Count("SELECT COUNT(*) FROM partner_sales"), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, PartnerServiceTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
