// Ending a membership on SQLite and PostgreSQL (R_LIFE_1, R_LIFE_2, R_BON_9, R_HH_7, R_MEM_4): by the member
// or by the operator; a participant leaves the household's points behind; an owner hands the household over
// to a participant who may own it, or it ends and its points are forfeited by one ledger entry, lot by lot;
// cards are revoked and sessions end. After every test the ledger check is clean.
#include "app/lifecycle/membership_ending.hpp"

#include <gtest/gtest.h>

#include "app/service_test_support.hpp"
#include "app/transaction.hpp"
#include "core/ledger/journal.hpp"
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

class MembershipEndingTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        ending_ = std::make_unique<MembershipEnding>(*app_->db, app_->clock, app_->config.markets);
        auto c = app_->db->Read();
        store_ = store::MembershipRepository(*c).FindStoreByCode("se-umea-1")->id;
    }
    void TearDown() override {
        if (!app_) return;
        test::ExpectLedgerClean(*app_->db);
    }
    RegisterInput Person(int year, int64_t share) {
        RegisterInput in;
        in.market = "se";
        in.national_id = test::Personnummer(year, 1 + serial_ % 12, 1 + serial_ % 28, 600 + serial_);
        ++serial_;
        in.first_name = "Slut" + std::to_string(serial_);
        in.last_name = "Testsson";
        in.contact.street = "Storgatan 1";
        in.contact.postal_code = "903 26";
        in.contact.city = "Umeå";
        in.home_store_code = "se-umea-1";
        in.share_paid_minor = share;
        return in;
    }
    // An owner, an adult participant with a paid share and a 14-year-old participant; the household has
    // points of two months. Returns (owner, adult, child) member numbers.
    std::tuple<std::string, std::string, std::string> Household() {
        auto owner = app_->membership->Register(Person(1970, 10'000), "test");
        EXPECT_TRUE(IsOk(owner));
        std::string number = *owner->member.member_number;
        auto adult = app_->membership->AddParticipant(number, {std::nullopt, Person(1980, 10'000)}, "test");
        EXPECT_TRUE(IsOk(adult));
        auto child = app_->membership->AddParticipant(number, {std::nullopt, Person(2012, 0)}, "test");
        EXPECT_TRUE(IsOk(child));
        std::string card;
        for (const auto& k : owner->cards)
            if (k.status == "active") card = k.card_number;
        Buy(card, "END-" + number + "-10", test::Utc(2026, 10, 10), 100'000);
        Buy(card, "END-" + number + "-11", test::Utc(2026, 11, 10), 50'000);
        auto c = app_->db->Read();
        auto q =
            "SELECT m.member_number FROM household_members hm JOIN members m ON m.id = hm.member_id WHERE "
            "hm.household_id = $1 AND hm.role = 'participant' ORDER BY hm.joined_at, m.id";
        auto rows = c->Query(q, {store::Int(Household(number))});
        return {number, rows.at(0).Text(0), rows.at(1).Text(0)};
    }
    void Buy(const std::string& card, const std::string& id, core::Timestamp at, int64_t amount) {
        auto r =
            app_->receipts->Post(store_, test::OneLineReceipt(id, at, amount, card, std::nullopt), "test");
        ASSERT_TRUE(IsOk(r)) << id;
    }
    int64_t Household(const std::string& number) {
        auto c = app_->db->Read();
        return store::MembershipRepository(*c).FindMemberByNumber(number)->household_id.value_or(0);
    }
    int64_t Points(int64_t household) {
        auto c = app_->db->Read();
        auto a = store::LedgerRepository(*c).FindAccount(
            {kind::kHouseholdPoints, "household", household, "points"});
        return a ? a->balance : 0;
    }
    std::string Status(const std::string& number) {
        auto c = app_->db->Read();
        return store::MembershipRepository(*c).FindMemberByNumber(number)->status;
    }
    int64_t ActiveCards(const std::string& number) {
        auto c = app_->db->Read();
        return c
            ->QueryOne(
                "SELECT COUNT(*) FROM cards k JOIN members m ON m.id = k.member_id WHERE m.member_number "
                "= $1 AND k.status IN ('active', 'ordered', 'blocked')",
                {store::Text(number)})
            ->Int(0);
    }

    std::unique_ptr<test::TestApp> app_;
    std::unique_ptr<MembershipEnding> ending_;
    int64_t store_ = 0;
    int serial_ = 0;
};

TEST_P(MembershipEndingTest, AParticipantLeavesThePointsWithTheHousehold_R_LIFE_1_R_HH_7) {
    auto [owner, adult, child] = Household();
    int64_t h = Household(owner);
    int64_t points = Points(h);
    ASSERT_GT(points, 0);
    auto preview = ending_->Preview(child);
    ASSERT_TRUE(IsOk(preview));
    EXPECT_FALSE(preview->ended);
    EXPECT_EQ(preview->household, "left");
    EXPECT_TRUE(preview->forfeited.empty());
    EXPECT_EQ(Status(child), "active");  // a preview changes nothing
    auto r = ending_->End(child, false, "", false, "member:test");
    ASSERT_TRUE(IsOk(r));
    EXPECT_TRUE(r->ended);
    EXPECT_EQ(Status(child), "ended");
    EXPECT_EQ(Household(child), 0);
    EXPECT_EQ(Points(h), points);  // the household keeps every point
    EXPECT_EQ(ActiveCards(child), 0);
    EXPECT_TRUE(Fails(ending_->End(child, false, "", false, "member:test"), ErrorCode::kConflict));
}

TEST_P(MembershipEndingTest, AnOwnerHandsTheHouseholdToAParticipantWhoMayOwnIt_R_LIFE_2) {
    auto [owner, adult, child] = Household();
    int64_t h = Household(owner);
    int64_t points = Points(h);
    auto r = ending_->End(owner, false, "", false, "member:test");
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r->household, "handed_over");
    EXPECT_EQ(*r->new_owner, adult);  // the adult cooperative member, not the 14-year-old
    EXPECT_TRUE(r->forfeited.empty());
    EXPECT_EQ(Points(h), points);
    auto view = app_->membership->Get(adult);
    ASSERT_TRUE(IsOk(view));
    EXPECT_EQ(view->member.household_role, std::optional<std::string>("owner"));
    EXPECT_EQ(Household(child), h);  // the child stays, now in the adult's household
}

TEST_P(MembershipEndingTest, WithNoOneToTakeItTheHouseholdEndsAndItsPointsAreForfeited_R_LIFE_2_R_BON_9) {
    auto [owner, adult, child] = Household();
    ASSERT_TRUE(IsOk(ending_->End(adult, false, "", false, "member:test")));  // only the child is left
    int64_t h = Household(owner);
    int64_t points = Points(h);
    auto preview = ending_->Preview(owner);
    ASSERT_TRUE(IsOk(preview));
    EXPECT_EQ(preview->household, "ended");
    ASSERT_EQ(preview->forfeited.size(), 1u);
    EXPECT_EQ(preview->forfeited[0].amount, points);
    EXPECT_EQ(Points(h), points);  // the preview posted nothing
    auto r = ending_->End(owner, true, "misuse of the card", true, "admin:test");
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r->household, "ended");
    EXPECT_EQ(Points(h), 0);
    EXPECT_EQ(Household(child), 0);
    EXPECT_EQ(r->share_refund_minor, 10'000);  // leaving the cooperative too: the share refund is recorded
    auto c = app_->db->Read();
    EXPECT_EQ(
        c->QueryOne("SELECT COALESCE(SUM(remaining), 0) FROM points_lots l JOIN ledger_accounts a ON a.id = "
                    "l.account_id WHERE a.owner_kind = 'household' AND a.owner_id = $1",
                    {store::Int(h)})
            ->Int(0),
        0);
    EXPECT_EQ(c->QueryOne("SELECT COUNT(*) FROM ledger_entries WHERE source_kind = 'membership_end'")->Int(0),
              1);
    EXPECT_EQ(c->QueryOne("SELECT COUNT(*) FROM audit_log WHERE action = 'membership_ended'")->Int(0), 1);
}

TEST_P(MembershipEndingTest, AMarketThatEndsHouseholdsForfeitsEvenWithAnHeir_R_LIFE_2) {
    app_->config.markets.at("se").owner_exit = "end_household";
    auto [owner, adult, child] = Household();
    int64_t h = Household(owner);
    auto r = ending_->End(owner, false, "", false, "member:test");
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r->household, "ended");
    EXPECT_EQ(Points(h), 0);
    EXPECT_EQ(Status(adult), "active");  // the cooperative memberships of the others are untouched
    EXPECT_EQ(Household(adult), 0);
}

TEST_P(MembershipEndingTest, TheCardIsRevokedAndStopsEarning_R_LIFE_2) {
    auto owner = app_->membership->Register(Person(1975, 10'000), "test");
    ASSERT_TRUE(IsOk(owner));
    std::string card = owner->cards.front().card_number;
    ASSERT_TRUE(IsOk(ending_->End(*owner->member.member_number, false, "", false, "member:test")));
    auto r = app_->receipts->Post(
        store_, test::OneLineReceipt("AFTER", test::Utc(2026, 11, 22), 1'000, card, std::nullopt), "test");
    EXPECT_TRUE(Fails(r, ErrorCode::kInvalid));  // no active card
}

TEST_P(MembershipEndingTest, RefusesTheDemoMemberAndAnOperatorWithoutReason_R_MEM_10) {
    EXPECT_TRUE(Fails(ending_->End("33216744", false, "", false, "member:test"), ErrorCode::kRuleRefused,
                      "R_MEM_10"));
    auto [owner, adult, child] = Household();
    EXPECT_TRUE(Fails(ending_->End(owner, true, "", false, "admin:test"), ErrorCode::kMalformed));
    EXPECT_TRUE(Fails(ending_->End("99999995", false, "", false, "x"), ErrorCode::kNotFound));
    EXPECT_TRUE(Fails(ending_->End("33216745", false, "", false, "x"), ErrorCode::kMalformed));
}

// A customer with a profile has no member number, and ends the profile by its id: its savings (R_MEM_2) are
// forfeited, its cards revoked.
TEST_P(MembershipEndingTest, ACustomerWithAProfileEndsItAndForfeitsTheSavings_R_LIFE_1_R_MEM_2) {
    RegisterInput in;
    in.market = "dk";
    in.kind = "profile";
    in.national_id = "0101901239";
    in.first_name = "Profil";
    in.last_name = "Kunde";
    in.contact = {std::string("profil.kunde@example.org"), std::nullopt, "Vej 9", "5000", "Odense"};
    in.home_store_code = "dk-odense-1";
    auto p = app_->membership->Register(in, "test");
    ASSERT_TRUE(IsOk(p));
    ASSERT_FALSE(p->member.member_number);
    ASSERT_FALSE(p->cards.empty());
    int64_t odense;
    {
        auto c = app_->db->Read();
        odense = store::MembershipRepository(*c).FindStoreByCode("dk-odense-1")->id;
    }
    ASSERT_TRUE(IsOk(app_->receipts->Post(odense,
                                          test::OneLineReceipt("END-PROFILE-1", app_->clock.Now(), 40'000,
                                                               p->cards.front().card_number, std::nullopt),
                                          "test")));
    auto savings = [&] {
        auto c = app_->db->Read();
        auto a = store::LedgerRepository(*c).FindAccount({kind::kSavings, "member", p->member.id, "DKK"});
        return a ? a->balance : 0;
    };
    const int64_t saved = savings();
    ASSERT_GT(saved, 0);
    auto preview = ending_->PreviewById(p->member.id);
    ASSERT_TRUE(IsOk(preview));
    EXPECT_FALSE(preview->ended);
    ASSERT_EQ(preview->forfeited.size(), 1u);
    EXPECT_EQ(preview->forfeited[0].amount, saved);
    EXPECT_EQ(savings(), saved) << "a preview changes nothing";
    auto ended = ending_->EndById(p->member.id, "", false, "profile:test");
    ASSERT_TRUE(IsOk(ended));
    EXPECT_TRUE(ended->ended);
    EXPECT_EQ(ended->member_number, "");
    EXPECT_EQ(savings(), 0);
    EXPECT_EQ(ended->cards_revoked, 1);
    EXPECT_TRUE(Fails(ending_->EndById(p->member.id, "", false, "profile:test"), ErrorCode::kConflict));
}

INSTANTIATE_TEST_SUITE_P(Engines, MembershipEndingTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
