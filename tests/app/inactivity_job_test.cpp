// The automatic ending of R_LIFE_3 on SQLite and PostgreSQL: a household that has neither earned nor used
// points for 36 months, or in which no one is a cooperative member any longer, is told through the outbox 30
// days ahead and then ended (its points forfeited, cards revoked, R_LIFE_2); shopping again in between
// keeps it. Idempotent; a dry run writes nothing. After every test the ledger check is clean.
#include "app/lifecycle/inactivity_job.hpp"

#include <gtest/gtest.h>

#include "app/service_test_support.hpp"
#include "core/ledger/journal.hpp"
#include "http/test_app.hpp"
#include "store/ledger/ledger_repository.hpp"
#include "store/membership/membership_repository.hpp"
#include "test_support.hpp"

namespace andel::app {
namespace {

using test::IsOk;
namespace kind = core::account_kind;

class InactivityJobTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        job_ = std::make_unique<InactivityJob>(*app_->db, app_->clock, app_->config.markets, *app_->sealer);
        auto c = app_->db->Read();
        store_ = store::MembershipRepository(*c).FindStoreByCode("se-umea-1")->id;
    }
    void TearDown() override {
        if (!app_) return;
        test::ExpectLedgerClean(*app_->db);
    }
    // A Swedish member registered and shopping on `day`; returns (member number, card).
    std::pair<std::string, std::string> Member(core::Timestamp day) {
        app_->clock.Set(day);
        RegisterInput in;
        in.market = "se";
        in.national_id = test::Personnummer(1960 + serial_, 3, 1 + serial_, 500 + serial_);
        ++serial_;
        in.first_name = "Vila" + std::to_string(serial_);
        in.last_name = "Testsson";
        in.contact = {std::string("vila") + std::to_string(serial_) + "@example.org", std::nullopt,
                      "Storgatan 1", "903 26", "Umeå"};
        in.home_store_code = "se-umea-1";
        in.share_paid_minor = 10'000;
        auto r = app_->membership->Register(in, "test");
        EXPECT_TRUE(IsOk(r));
        std::string card = r->cards.front().card_number;
        Buy(card, day);
        return {*r->member.member_number, card};
    }
    void Buy(const std::string& card, core::Timestamp day) {
        app_->clock.Set(day);
        auto id = "I-" + card + "-" + std::to_string(core::ToMillis(day));
        ASSERT_TRUE(IsOk(
            app_->receipts->Post(store_, test::OneLineReceipt(id, day, 20'000, card, std::nullopt), "t")));
    }
    std::string Status(const std::string& number) {
        auto c = app_->db->Read();
        return store::MembershipRepository(*c).FindMemberByNumber(number)->status;
    }
    int64_t Notices(const std::string& template_key) {
        auto c = app_->db->Read();
        return c->QueryOne("SELECT COUNT(*) FROM outbox WHERE template = $1", {store::Text(template_key)})
            ->Int(0);
    }
    int64_t Points(const std::string& number) {
        auto c = app_->db->Read();
        auto m = store::MembershipRepository(*c).FindMemberByNumber(number);
        if (!m->household_id) return 0;
        auto a = store::LedgerRepository(*c).FindAccount(
            {kind::kHouseholdPoints, "household", *m->household_id, "points"});
        return a ? a->balance : 0;
    }
    std::unique_ptr<test::TestApp> app_;
    std::unique_ptr<InactivityJob> job_;
    int64_t store_ = 0;
    int serial_ = 0;
};

TEST_P(InactivityJobTest, ThreeYearsWithoutEarningOrSpendingEndAfterANotice_R_LIFE_3) {
    auto [idle, idle_card] = Member(test::Utc(2023, 11, 1));
    auto [busy, busy_card] = Member(test::Utc(2023, 11, 1));
    Buy(busy_card, test::Utc(2026, 10, 1));
    ASSERT_GT(Points(idle), 0);
    app_->clock.Set(test::Utc(2026, 11, 23));
    auto dry = job_->Run(true);
    ASSERT_TRUE(IsOk(dry));
    EXPECT_EQ(Notices("inactivity_notice"), 0);  // a dry run writes nothing
    auto first = job_->Run(false);
    ASSERT_TRUE(IsOk(first));
    EXPECT_EQ(first->notified, dry->notified);
    EXPECT_EQ(Notices("inactivity_notice"), 1);  // the idle household only
    EXPECT_EQ(job_->Run(false)->notified, 0);    // told once
    // The full notice period: due 30 days after the notice, 2026-12-23.
    app_->clock.Set(test::Utc(2026, 12, 23, 11));
    EXPECT_EQ(job_->Run(false)->ended, 0);
    EXPECT_EQ(Status(idle), "active");
    app_->clock.Set(test::Utc(2026, 12, 23, 12, 0, 1));
    auto due = job_->Run(false);
    ASSERT_TRUE(IsOk(due));
    EXPECT_EQ(due->ended, 1);
    EXPECT_EQ(Status(idle), "ended");
    EXPECT_EQ(Status(busy), "active");
    EXPECT_EQ(job_->Run(false)->ended, 0);  // idempotent
    auto c = app_->db->Read();
    EXPECT_EQ(
        c->QueryOne(
             "SELECT COUNT(*) FROM cards k JOIN members m ON m.id = k.member_id WHERE m.member_number = "
             "$1 AND k.status = 'active'",
             {store::Text(idle)})
            ->Int(0),
        0);
}

TEST_P(InactivityJobTest, ShoppingAfterTheNoticeKeepsTheMembership_R_LIFE_3) {
    auto [member, card] = Member(test::Utc(2023, 11, 1));
    app_->clock.Set(test::Utc(2026, 11, 23));
    ASSERT_EQ(job_->Run(false)->notified, 1);
    Buy(card, test::Utc(2026, 12, 1));
    app_->clock.Set(test::Utc(2027, 1, 10));
    auto r = job_->Run(false);
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r->cancelled, 1);
    EXPECT_EQ(r->ended, 0);
    EXPECT_EQ(Status(member), "active");
}

TEST_P(InactivityJobTest, AHouseholdWithoutCooperativeMembersEnds_R_LIFE_3_R_MEM_4) {
    auto [member, card] = Member(test::Utc(2026, 11, 20));
    {
        store::Transaction tx(*app_->db);  // the share was refunded: no cooperative member any longer
        tx.conn().Execute("UPDATE members SET share_paid_minor = 0 WHERE member_number = $1",
                          {store::Text(member)});
        tx.Commit();
    }
    app_->clock.Set(test::Utc(2026, 11, 23));
    ASSERT_TRUE(IsOk(job_->Run(false)));
    EXPECT_EQ(Notices("no_cooperative_member_notice"), 1);
    app_->clock.Set(test::Utc(2026, 12, 24));
    ASSERT_TRUE(IsOk(job_->Run(false)));
    EXPECT_EQ(Status(member), "ended");
    EXPECT_EQ(Points(member), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, InactivityJobTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
