// RewardAdjustments on SQLite and PostgreSQL: the back office credits or takes back a household's points
// (SE: into this month's lot, out of the oldest first, R_BON_4) or bonus (DK, R_BON_6) with a reason that
// lands on the entry and in the member's audit trail; never below zero, even with many staff at once; not on
// the demo household (R_MEM_10); idempotent on the key. After every test the ledger check is clean.
#include "app/ledger/adjustment_service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "app/lifecycle/membership_ending.hpp"
#include "app/membership/membership_service.hpp"
#include "app/service_test_support.hpp"
#include "http/test_app.hpp"
#include "store/ledger/ledger_repository.hpp"
#include "store/membership/membership_repository.hpp"
#include "test_support.hpp"

namespace andel::app {
namespace {

using core::ErrorCode;
using test::Fails;
using test::IsOk;
namespace kind = core::account_kind;

constexpr const char* kActor = "staff:7";

class AdjustmentTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        adjustments_ = std::make_unique<RewardAdjustments>(*app_->db, app_->clock, app_->config.markets);
    }
    void TearDown() override {
        if (!app_) return;
        test::ExpectLedgerClean(*app_->db);
    }

    // A new member of `market` who owns a household; returns (member number, card).
    std::pair<std::string, std::string> Register(const std::string& market) {
        RegisterInput in;
        in.market = market;
        ++serial_;
        if (market == "se") {
            in.national_id = test::Personnummer(1960 + serial_, 3, 14, 400 + serial_);
            in.contact = {std::nullopt, std::nullopt, "Storgatan 1", "903 26", "Umeå"};
            in.home_store_code = "se-umea-1";
        } else {
            char cpr[16];
            std::snprintf(cpr, sizeof cpr, "0%d0%d8%d1234", 1 + serial_ % 9, 1 + serial_ % 9, serial_ % 10);
            in.national_id = cpr;
            in.contact = {std::nullopt, std::nullopt, "Vestergade 1", "5000", "Odense"};
            in.home_store_code = "dk-odense-1";
        }
        in.first_name = "Justering" + std::to_string(serial_);
        in.last_name = "Test";
        in.share_paid_minor = market == "se" ? 10000 : 20000;  // R_MEM_4
        auto r = app_->membership->Register(in, "test");
        EXPECT_TRUE(IsOk(r));
        if (!r.ok()) throw std::runtime_error("registration failed");
        for (const auto& card : r->cards)
            if (card.status == "active") return {*r->member.member_number, card.card_number};
        throw std::runtime_error("no active card");
    }
    // Groceries bought at the market's store on `at`: earns points (SE) or bonus (DK).
    void Buy(const std::string& store_code, const std::string& card, const std::string& id,
             core::Timestamp at, int64_t amount_minor) {
        int64_t store;
        {
            auto c = app_->db->Read();
            store = store::MembershipRepository(*c).FindStoreByCode(store_code)->id;
        }
        auto r = app_->receipts->Post(store, test::OneLineReceipt(id, at, amount_minor, card, std::nullopt),
                                      "test");
        ASSERT_TRUE(IsOk(r)) << id;
    }
    core::AccountRef Account(const std::string& number) {
        auto c = app_->db->Read();
        auto m = store::MembershipRepository(*c).FindMemberByNumber(number);
        if (m->market == "se") return {kind::kHouseholdPoints, "household", *m->household_id, "points"};
        return {kind::kHouseholdBonus, "household", *m->household_id, "DKK"};
    }
    int64_t Balance(const std::string& number) {
        auto ref = Account(number);
        auto c = app_->db->Read();
        auto a = store::LedgerRepository(*c).FindAccount(ref);
        return a ? a->balance : 0;
    }
    std::vector<store::LotRecord> Lots(const std::string& number) {
        auto ref = Account(number);
        auto c = app_->db->Read();
        store::LedgerRepository ledger(*c);
        auto a = ledger.FindAccount(ref);
        return a ? ledger.Lots(a->id) : std::vector<store::LotRecord>{};
    }
    core::Result<AdjustmentOutcome> Adjust(const std::string& number, int64_t amount, const std::string& key,
                                           const std::string& reason = "goodwill after complaint 4711") {
        return adjustments_->Adjust({number, amount, reason, key}, kActor);
    }
    int64_t Count(const std::string& sql) {
        auto c = app_->db->Read();
        return c->QueryOne(sql)->Int(0);
    }

    std::unique_ptr<test::TestApp> app_;
    std::unique_ptr<RewardAdjustments> adjustments_;
    int serial_ = 0;
};

// SE points: a credit goes into this month's lot (valid 36 months from it), a debit out of the oldest lots.
TEST_P(AdjustmentTest, PointsComeIntoThisMonthsLotAndGoOutOfTheOldest_R_BON_4) {
    auto [number, card] = Register("se");
    Buy("se-umea-1", card, "r-sep", test::Utc(2026, 9, 10), 100000);  // 1 000 kr in September
    Buy("se-umea-1", card, "r-oct", test::Utc(2026, 10, 10), 100000);
    auto before = Lots(number);
    ASSERT_EQ(before.size(), 2u);
    int64_t september = before[0].remaining;
    ASSERT_GT(september, 0);

    auto credit = Adjust(number, 250, "k-credit");
    ASSERT_TRUE(IsOk(credit));
    EXPECT_EQ(credit->unit, "points");
    EXPECT_FALSE(credit->replayed);
    EXPECT_EQ(credit->balance_after, september + before[1].remaining + 250);
    auto lots = Lots(number);
    ASSERT_EQ(lots.size(), 3u);
    EXPECT_EQ(lots[2].month, 202611);  // the clock's month (2026-11-23)
    EXPECT_EQ(lots[2].remaining, 250);

    // Taking back one more than September holds empties it and takes 1 from October.
    auto debit = Adjust(number, -(september + 1), "k-debit");
    ASSERT_TRUE(IsOk(debit));
    ASSERT_EQ(debit->lots.size(), 2u);
    EXPECT_EQ(debit->lots[0], std::make_pair(202609, september));
    EXPECT_EQ(debit->lots[1], std::make_pair(202610, int64_t{1}));
    lots = Lots(number);
    EXPECT_EQ(lots[0].remaining, 0);
    EXPECT_EQ(lots[1].remaining, before[1].remaining - 1);
    EXPECT_EQ(Balance(number), before[1].remaining - 1 + 250);
}

// DK bonus in kroner and øre (R_BON_6): to exactly zero is allowed, one øre below is refused with no change.
TEST_P(AdjustmentTest, BonusNeverGoesBelowZero_R_BON_6) {
    auto [number, card] = Register("dk");
    ASSERT_TRUE(IsOk(Adjust(number, 1234, "k1")));
    EXPECT_EQ(Balance(number), 1234);
    auto over = Adjust(number, -1235, "k2");
    EXPECT_TRUE(Fails(over, ErrorCode::kInvalid));
    EXPECT_EQ(over.error().field, "amount");
    EXPECT_EQ(Balance(number), 1234);
    auto exact = Adjust(number, -1234, "k3");
    ASSERT_TRUE(IsOk(exact));
    EXPECT_EQ(exact->balance_after, 0);
    EXPECT_EQ(exact->unit, "DKK");
    EXPECT_EQ(Balance(number), 0);
}

// The staff member and the reason are on the entry (the member sees the reason in their history) and in
// the member's audit trail.
TEST_P(AdjustmentTest, TheReasonAndTheStaffMemberAreRecorded) {
    auto [number, card] = Register("dk");
    auto r = Adjust(number, 500, "k1", "Kvittering 88 blev ikke registreret");
    ASSERT_TRUE(IsOk(r));
    auto c = app_->db->Read();
    auto entry = c->QueryOne("SELECT source_kind, description, actor FROM ledger_entries WHERE id = $1",
                             {store::Int(r->entry_id)});
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->Text(0), "adjustment");
    EXPECT_EQ(entry->Text(1), "Kvittering 88 blev ikke registreret");
    EXPECT_EQ(entry->Text(2), kActor);
    store::MembershipRepository repo(*c);
    auto events = repo.ListEvents(repo.FindMemberByNumber(number)->id, 10);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.front().kind, "rewards_adjusted");
    EXPECT_NE(events.front().detail.find("Kvittering 88"), std::string::npos);
    EXPECT_NE(events.front().detail.find("500"), std::string::npos);
    EXPECT_EQ(events.front().actor, kActor);
}

// The same key and request again answers the first result and posts nothing; another request under the key
// is a conflict.
TEST_P(AdjustmentTest, IsIdempotentOnTheKey) {
    auto [number, card] = Register("dk");
    auto first = Adjust(number, 700, "same");
    ASSERT_TRUE(IsOk(first));
    auto again = Adjust(number, 700, "same");
    ASSERT_TRUE(IsOk(again));
    EXPECT_TRUE(again->replayed);
    EXPECT_EQ(again->entry_id, first->entry_id);
    EXPECT_EQ(again->balance_after, 700);
    EXPECT_EQ(Balance(number), 700);
    EXPECT_TRUE(Fails(Adjust(number, 701, "same"), ErrorCode::kConflict));
    EXPECT_TRUE(Fails(Adjust(number, 700, "same", "another reason"), ErrorCode::kConflict));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM ledger_entries WHERE source_kind = 'adjustment'"), 1);
}

// The limits at their edges: 0 changes nothing, ±1 000 000 is the most, the reason is 1 to 500 bytes.
TEST_P(AdjustmentTest, RefusesBadInputAtTheEdges) {
    auto [number, card] = Register("dk");
    EXPECT_TRUE(Fails(Adjust(number, 0, "k0"), ErrorCode::kInvalid));
    EXPECT_TRUE(Fails(Adjust(number, 1'000'001, "k1"), ErrorCode::kInvalid));
    EXPECT_TRUE(IsOk(Adjust(number, 1'000'000, "k2")));
    EXPECT_TRUE(Fails(Adjust(number, -1'000'001, "k3"), ErrorCode::kInvalid));
    EXPECT_TRUE(IsOk(Adjust(number, -1'000'000, "k4")));
    EXPECT_TRUE(Fails(Adjust(number, 10, "k5", ""), ErrorCode::kInvalid));
    EXPECT_TRUE(IsOk(Adjust(number, 10, "k6", std::string(500, 'x'))));
    EXPECT_TRUE(Fails(Adjust(number, 10, "k7", std::string(501, 'x')), ErrorCode::kInvalid));
    EXPECT_TRUE(Fails(Adjust(number, 10, "k8", "bad \xC3\x28 text"), ErrorCode::kInvalid));
    EXPECT_TRUE(Fails(Adjust(number, 10, ""), ErrorCode::kMalformed));
    EXPECT_TRUE(Fails(Adjust(number, 10, "with space"), ErrorCode::kMalformed));
    EXPECT_TRUE(Fails(Adjust("12345678", 10, "k9"), ErrorCode::kMalformed));
    EXPECT_EQ(Balance(number), 10);
}

// The demo household's value is not real (R_MEM_10); an ended membership holds nothing to adjust.
TEST_P(AdjustmentTest, NotTheDemoHouseholdNorAnEndedMembership_R_MEM_10) {
    EXPECT_TRUE(Fails(Adjust("33216744", 100, "demo"), ErrorCode::kRuleRefused, "R_MEM_10"));
    auto [number, card] = Register("dk");
    MembershipEnding ending(*app_->db, app_->clock, app_->config.markets);
    ASSERT_TRUE(IsOk(ending.End(number, true, "moved abroad", false, "test")));
    EXPECT_TRUE(Fails(Adjust(number, 100, "ended"), ErrorCode::kInvalid));
}

// Ten staff members take back 30 points each from a household holding 100 at the same moment: exactly three
// succeed and the balance is 10, never below zero.
TEST_P(AdjustmentTest, ConcurrentDebitsAreSerialised) {
    auto [number, card] = Register("dk");
    ASSERT_TRUE(IsOk(Adjust(number, 100, "seed")));
    std::atomic<int> ok{0}, refused{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 10; ++i)
        threads.emplace_back([&, i] {
            auto r = Adjust(number, -30, "take-" + std::to_string(i));
            (r.ok() ? ok : refused)++;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 3);
    EXPECT_EQ(refused.load(), 7);
    EXPECT_EQ(Balance(number), 10);
}

INSTANTIATE_TEST_SUITE_P(Engines, AdjustmentTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
