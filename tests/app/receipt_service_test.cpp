// ReceiptService::Post on SQLite and PostgreSQL, over the demo dataset with the shipped configuration and a
// fixed clock (2026-11-23): what receipts earn (R_BON_2, R_BON_3, R_BON_6), idempotency on (store, receipt
// id), returns, households (R_HH_6, R_HH_7) and concurrent posts. After every test the ledger check is clean.
#include "app/ledger/receipt_service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <latch>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "app/service_test_support.hpp"
#include "core/ladder.hpp"
#include "http/test_app.hpp"
#include "store/ledger/ledger_repository.hpp"
#include "store/ledger/receipt_repository.hpp"
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
constexpr const char* kDemoCard = "6047000000000010";

// Noon UTC on a day of 2026 (the same calendar month in Copenhagen and Stockholm).
core::Timestamp Day(int month, int day) {
    using namespace std::chrono;
    return core::Timestamp(sys_days(year{2026} / std::chrono::month(month) / day)) + hours{12};
}

struct Line {
    std::string category;
    int64_t amount_minor;
};

// A receipt paid by card; the body hash stands for the canonical request (the same content, the same hash).
ReceiptInput Receipt(const std::string& id, core::Timestamp at, std::optional<std::string> card,
                     const std::vector<Line>& lines) {
    ReceiptInput in;
    in.receipt_id = id;
    in.till = "till-1";
    in.occurred_at = at;
    in.card = std::move(card);
    int64_t total = 0;
    std::string hash = id + "@" + std::to_string(core::ToMillis(at));
    for (size_t i = 0; i < lines.size(); ++i) {
        core::ReceiptLine l;
        l.sku = "sku-" + std::to_string(i);
        l.category = lines[i].category;
        l.quantity = lines[i].amount_minor < 0 ? -1 : 1;
        l.amount_minor = lines[i].amount_minor;
        in.lines.push_back(l);
        total += l.amount_minor;
        hash += "|" + l.category + ":" + std::to_string(l.amount_minor);
    }
    in.tenders.push_back({"card", total});
    in.body_hash = hash;
    return in;
}

// A return of goods from `original` (same store).
ReceiptInput Return(const std::string& id, const std::string& original, core::Timestamp at,
                    const std::vector<Line>& lines) {
    ReceiptInput in = Receipt(id, at, std::nullopt, lines);
    in.original_receipt_id = original;
    in.body_hash += "<-" + original;
    return in;
}

class ReceiptServiceTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        auto c = app_->db->Read();
        store::MembershipRepository repo(*c);
        dk_store_ = repo.FindStoreByCode("dk-odense-1")->id;
        se_store_ = repo.FindStoreByCode("se-umea-1")->id;
        auto demo = repo.FindMemberByCard(kDemoCard);
        ASSERT_TRUE(demo && demo->household_id);
        demo_household_ = *demo->household_id;
    }

    void TearDown() override {
        if (!app_) return;
        test::ExpectLedgerClean(*app_->db);
    }

    Result<ReceiptOutcome> Post(int64_t store, const ReceiptInput& in) {
        return app_->receipts->Post(store, in, kActor);
    }
    ReceiptOutcome MustPost(int64_t store, const ReceiptInput& in) {
        auto r = Post(store, in);
        EXPECT_TRUE(IsOk(r)) << in.receipt_id;
        if (!r.ok()) throw std::runtime_error("post failed: " + r.error().detail);
        return *r;
    }

    int64_t Balance(const core::AccountRef& ref) {
        auto c = app_->db->Read();
        auto a = store::LedgerRepository(*c).FindAccount(ref);
        return a ? a->balance : 0;
    }
    int64_t Bonus(int64_t household) {
        return Balance({kind::kHouseholdBonus, "household", household, "DKK"});
    }
    int64_t Points(int64_t household) {
        return Balance({kind::kHouseholdPoints, "household", household, "points"});
    }
    std::vector<store::LotRecord> Lots(int64_t household) {
        auto c = app_->db->Read();
        store::LedgerRepository ledger(*c);
        auto a = ledger.FindAccount({kind::kHouseholdPoints, "household", household, "points"});
        return a ? ledger.Lots(a->id) : std::vector<store::LotRecord>{};
    }
    int64_t Count(const std::string& table) {
        auto c = app_->db->Read();
        return c->QueryOne("SELECT COUNT(*) FROM " + table)->Int(0);
    }
    int64_t EntriesFor(int64_t store, const std::string& receipt_id) {
        auto c = app_->db->Read();
        return c
            ->QueryOne("SELECT COUNT(*) FROM ledger_entries WHERE source_key = $1",
                       {store::Text("store:" + std::to_string(store) + "/receipt:" + receipt_id)})
            ->Int(0);
    }

    // A Swedish adult with a personnummer no one else has.
    RegisterInput SePerson() {
        RegisterInput in;
        in.market = "se";
        in.national_id = Personnummer(1970 + serial_ % 30, 1 + serial_ % 12, 1 + serial_ % 28, 500 + serial_);
        ++serial_;
        in.first_name = "Testa" + std::to_string(serial_);
        in.last_name = "Testsson";
        in.contact.street = "Storgatan 1";
        in.contact.postal_code = "903 26";
        in.contact.city = "Umeå";
        in.home_store_code = "se-umea-1";
        in.share_paid_minor = 10000;  // R_MEM_4
        return in;
    }
    // A new Swedish member of the Umeå cooperative who owns a household.
    MemberView RegisterSe() {
        auto r = app_->membership->Register(SePerson(), kActor);
        EXPECT_TRUE(IsOk(r));
        if (!r.ok()) throw std::runtime_error("registration failed");
        return *r;
    }
    // A new person registered as a participant in `owner`'s household; returns the participant's view.
    MemberView AddParticipant(const MemberView& owner) {
        ParticipantInput p;
        p.person = SePerson();
        p.person->share_paid_minor = 0;
        p.person->home_store_code.clear();  // the owner's
        std::string name = p.person->first_name;
        auto r = app_->membership->AddParticipant(*owner.member.member_number, p, kActor);
        EXPECT_TRUE(IsOk(r));
        if (!r.ok() || !r->household) throw std::runtime_error("adding a participant failed");
        for (const auto& m : r->household->members) {
            if (m.first_name != name) continue;
            auto view = app_->membership->Get(*m.member_number);
            EXPECT_TRUE(IsOk(view));
            if (view.ok()) return *view;
        }
        throw std::runtime_error("the participant is not in the household");
    }
    static std::string Card(const MemberView& m) {
        for (const auto& c : m.cards)
            if (c.status == "active") return c.card_number;
        ADD_FAILURE() << "no active card";
        return {};
    }

    std::unique_ptr<test::TestApp> app_;
    int64_t dk_store_ = 0, se_store_ = 0, demo_household_ = 0;
    int serial_ = 0;
};

TEST_P(ReceiptServiceTest, DkReceiptEarnsOnePercentOnEligibleLinesOnly_R_BON_6_R_BON_2) {
    int64_t before = Bonus(demo_household_);
    auto out = MustPost(dk_store_, Receipt("dk-1", Day(11, 20), kDemoCard,
                                           {{"groceries", 12'345},
                                            {"alcohol", 9'900},
                                            {"tobacco", 6'500},
                                            {"gift_cards", 20'000},
                                            {"dairy", 7'655}}));
    EXPECT_FALSE(out.replayed);
    EXPECT_EQ(out.receipt.total_minor, 56'400);
    EXPECT_EQ(out.receipt.eligible_minor, 20'000);
    EXPECT_EQ(out.receipt.bonus_minor, 200);  // 1 % of 200.00 DKK, in øre: money, not points
    EXPECT_EQ(out.receipt.points, 0);
    EXPECT_EQ(out.receipt.household_id, demo_household_);
    EXPECT_EQ(out.balance_unit, "DKK");
    EXPECT_EQ(out.balance, before + 200);
    EXPECT_EQ(Bonus(demo_household_), before + 200);
    EXPECT_EQ(EntriesFor(dk_store_, "dk-1"), 1);

    // Only excluded goods: nothing earned, nothing posted.
    auto none = MustPost(dk_store_, Receipt("dk-2", Day(11, 20), kDemoCard, {{"tobacco", 5'000}}));
    EXPECT_EQ(none.receipt.eligible_minor, 0);
    EXPECT_EQ(none.receipt.bonus_minor, 0);
    EXPECT_EQ(none.receipt.entry_id, std::nullopt);
    EXPECT_EQ(Bonus(demo_household_), before + 200);

    // Half-even rounding at the øre: 1 % of 12.50 DKK is 0.125 → 0.12.
    auto small = MustPost(dk_store_, Receipt("dk-3", Day(11, 20), kDemoCard, {{"groceries", 1'250}}));
    EXPECT_EQ(small.receipt.bonus_minor, 12);
    EXPECT_EQ(Bonus(demo_household_), before + 212);

    // Not identified: stored, earns nothing.
    auto anon = MustPost(dk_store_, Receipt("dk-4", Day(11, 20), std::nullopt, {{"groceries", 10'000}}));
    EXPECT_EQ(anon.receipt.household_id, std::nullopt);
    EXPECT_EQ(anon.receipt.bonus_minor, 0);
    EXPECT_EQ(Bonus(demo_household_), before + 212);
}

TEST_P(ReceiptServiceTest, ReplayReturnsTheFirstResultAndPostsNothing) {
    auto in = Receipt("dk-replay", Day(11, 21), kDemoCard, {{"groceries", 50'000}});
    auto first = MustPost(dk_store_, in);
    EXPECT_FALSE(first.replayed);
    int64_t entries = Count("ledger_entries"), postings = Count("ledger_postings"),
            receipts = Count("receipts");
    int64_t balance = Bonus(demo_household_);

    for (int i = 0; i < 2; ++i) {
        auto again = MustPost(dk_store_, in);
        EXPECT_TRUE(again.replayed);
        EXPECT_EQ(again.receipt.id, first.receipt.id);
        EXPECT_EQ(again.receipt.bonus_minor, first.receipt.bonus_minor);
        EXPECT_EQ(again.receipt.entry_id, first.receipt.entry_id);
        EXPECT_EQ(again.receipt.eligible_minor, 50'000);
    }
    EXPECT_EQ(Count("ledger_entries"), entries);
    EXPECT_EQ(Count("ledger_postings"), postings);
    EXPECT_EQ(Count("receipts"), receipts);
    EXPECT_EQ(Bonus(demo_household_), balance);

    // The same id with another body is a conflict, and changes nothing either.
    auto other = Receipt("dk-replay", Day(11, 21), kDemoCard, {{"groceries", 50'001}});
    EXPECT_TRUE(Fails(Post(dk_store_, other), ErrorCode::kConflict));
    EXPECT_EQ(Count("ledger_entries"), entries);
    EXPECT_EQ(Bonus(demo_household_), balance);

    // The id is unique per store: another store may use it.
    auto c = app_->db->Read();
    int64_t svendborg = store::MembershipRepository(*c).FindStoreByCode("dk-svendborg-1")->id;
    auto elsewhere = MustPost(svendborg, in);
    EXPECT_FALSE(elsewhere.replayed);
    EXPECT_NE(elsewhere.receipt.id, first.receipt.id);
}

TEST_P(ReceiptServiceTest, PartialReturnsTakeBackInProportionThenOverReturnIsRefused) {
    int64_t start = Bonus(demo_household_);
    auto sale =
        MustPost(dk_store_, Receipt("sale-1", Day(11, 10), kDemoCard,
                                    {{"groceries", 30'000}, {"groceries", 20'000}, {"alcohol", 8'000}}));
    EXPECT_EQ(sale.receipt.bonus_minor, 500);
    EXPECT_EQ(Bonus(demo_household_), start + 500);

    auto r1 = MustPost(dk_store_, Return("ret-1", "sale-1", Day(11, 11), {{"groceries", -20'000}}));
    EXPECT_EQ(r1.receipt.eligible_minor, -20'000);
    EXPECT_EQ(r1.receipt.bonus_minor, -200);
    EXPECT_EQ(r1.receipt.household_id, demo_household_);  // the sale's household, without a card
    EXPECT_EQ(Bonus(demo_household_), start + 300);

    // Returning an excluded line takes back nothing.
    auto r2 = MustPost(dk_store_, Return("ret-2", "sale-1", Day(11, 11), {{"alcohol", -8'000}}));
    EXPECT_EQ(r2.receipt.bonus_minor, 0);
    EXPECT_EQ(r2.receipt.entry_id, std::nullopt);

    auto r3 = MustPost(dk_store_, Return("ret-3", "sale-1", Day(11, 12), {{"groceries", -10'000}}));
    EXPECT_EQ(r3.receipt.bonus_minor, -100);
    EXPECT_EQ(Bonus(demo_household_), start + 200);

    // 20 000 eligible left: 20 001 is more than the sale has left.
    int64_t entries = Count("ledger_entries"), receipts = Count("receipts");
    EXPECT_TRUE(Fails(Post(dk_store_, Return("ret-4", "sale-1", Day(11, 12), {{"groceries", -20'001}})),
                      ErrorCode::kInvalid));
    EXPECT_EQ(Count("ledger_entries"), entries);
    EXPECT_EQ(Count("receipts"), receipts);
    EXPECT_EQ(Bonus(demo_household_), start + 200);

    // The rest, exactly: everything the sale earned is back, and then nothing more may be returned.
    auto r5 = MustPost(dk_store_, Return("ret-5", "sale-1", Day(11, 13), {{"groceries", -20'000}}));
    EXPECT_EQ(r5.receipt.bonus_minor, -200);
    EXPECT_EQ(Bonus(demo_household_), start);
    EXPECT_TRUE(Fails(Post(dk_store_, Return("ret-6", "sale-1", Day(11, 13), {{"groceries", -1}})),
                      ErrorCode::kInvalid));

    // A return must name a sale of this store.
    EXPECT_TRUE(Fails(Post(dk_store_, Return("ret-7", "no-such-sale", Day(11, 13), {{"groceries", -100}})),
                      ErrorCode::kInvalid));
    EXPECT_TRUE(Fails(Post(dk_store_, Return("ret-8", "ret-1", Day(11, 13), {{"groceries", -100}})),
                      ErrorCode::kInvalid));
    EXPECT_EQ(Bonus(demo_household_), start);
}

TEST_P(ReceiptServiceTest, ReturnTakesPointsBackFromTheSalesLotFirst_R_BON_4) {
    MemberView owner = RegisterSe();
    int64_t h = *owner.member.household_id;
    std::string card = Card(owner);
    auto october = MustPost(se_store_, Receipt("oct", Day(10, 15), card, {{"groceries", 100'000}}));
    auto november = MustPost(se_store_, Receipt("nov", Day(11, 15), card, {{"groceries", 100'000}}));
    EXPECT_EQ(october.receipt.points, 2'000);  // 1 000 SEK at 2 points per krona
    EXPECT_EQ(november.receipt.points, 2'000);
    EXPECT_EQ(Points(h), 4'000);

    // Half of November's sale comes back: November's lot gives the points, not the older October lot.
    auto ret = MustPost(se_store_, Return("nov-ret", "nov", Day(11, 16), {{"groceries", -50'000}}));
    EXPECT_EQ(ret.receipt.points, -1'000);
    EXPECT_EQ(Points(h), 3'000);
    auto lots = Lots(h);
    ASSERT_EQ(lots.size(), 2u);
    EXPECT_EQ(lots[0].month, 202610);
    EXPECT_EQ(lots[0].remaining, 2'000);
    EXPECT_EQ(lots[1].month, 202611);
    EXPECT_EQ(lots[1].earned, 2'000);
    EXPECT_EQ(lots[1].remaining, 1'000);
}

TEST_P(ReceiptServiceTest, SeLadderAcrossABandEdgeAndAFreshMonth_R_BON_3) {
    MemberView owner = RegisterSe();
    int64_t h = *owner.member.household_id;
    std::string card = Card(owner);
    // October: 1 500 SEK at 2 points per krona.
    auto a = MustPost(se_store_, Receipt("a", Day(10, 3), card, {{"groceries", 150'000}}));
    EXPECT_EQ(a.receipt.points, 3'000);
    EXPECT_EQ(a.balance_unit, "points");
    EXPECT_EQ(a.balance, 3'000);
    // 1 000 SEK more crosses the 2 000 SEK edge: 500 at 2 and 500 at 3. Alcohol earns nothing and does not
    // count as spend.
    auto b =
        MustPost(se_store_, Receipt("b", Day(10, 20), card, {{"groceries", 100'000}, {"alcohol", 40'000}}));
    EXPECT_EQ(b.receipt.eligible_minor, 100'000);
    EXPECT_EQ(b.receipt.points, 1'000 + 1'500);
    // Fractions carry over within the month: 0.50 SEK at 3 points per krona is 1.5 points.
    auto c1 = MustPost(se_store_, Receipt("c1", Day(10, 21), card, {{"groceries", 50}}));
    auto c2 = MustPost(se_store_, Receipt("c2", Day(10, 22), card, {{"groceries", 50}}));
    EXPECT_EQ(c1.receipt.points + c2.receipt.points, 3);
    // November starts again at the bottom band.
    auto d = MustPost(se_store_, Receipt("d", Day(11, 2), card, {{"groceries", 100'000}}));
    EXPECT_EQ(d.receipt.points, 2'000);

    const auto& rules = app_->config.markets.at("se");
    EXPECT_EQ(a.receipt.points + b.receipt.points + c1.receipt.points + c2.receipt.points,
              core::LadderPointsForMonth(rules.ladder, 250'100));
    EXPECT_EQ(Points(h), 3'000 + 2'500 + 3 + 2'000);
    auto lots = Lots(h);
    ASSERT_EQ(lots.size(), 2u);
    EXPECT_EQ(lots[0].month, 202610);
    EXPECT_EQ(lots[0].earned, 5'503);
    EXPECT_EQ(lots[1].month, 202611);
    EXPECT_EQ(lots[1].earned, 2'000);
}

// The batch upload posts runs of plain sales in bulk and anything else one by one (issue 3 §2, §8): its
// results must be exactly those of posting the same receipts one at a time, in order. Two new households get
// the same receipts, one posted singly and one as a batch: the ladder across receipts of one month (R_BON_3),
// a replay and a conflicting body of the same id, a return between sales, a customer of another market, a new
// month.
TEST_P(ReceiptServiceTest, BatchPostsWhatOneByOneWould_R_BON_3) {
    auto sequence = [&](const std::string& p, const std::string& card) {
        std::vector<ReceiptInput> in;
        in.push_back(Receipt(p + "a", Day(10, 3), card, {{"groceries", 150'000}}));
        in.push_back(Receipt(p + "b", Day(10, 20), card, {{"groceries", 100'000}, {"alcohol", 40'000}}));
        in.push_back(Receipt(p + "a", Day(10, 3), card, {{"groceries", 150'000}}));  // a replay
        in.push_back(Return(p + "ret", p + "a", Day(10, 21), {{"groceries", -50'000}}));
        in.push_back(Receipt(p + "c1", Day(10, 21), card, {{"groceries", 50}}));
        in.push_back(Receipt(p + "c2", Day(10, 22), card, {{"groceries", 50}}));
        in.push_back(Receipt(p + "dk", Day(10, 22), kDemoCard, {{"groceries", 5'000}}));  // another market
        in.push_back(Receipt(p + "c2", Day(10, 22), card, {{"groceries", 70}}));          // another body: 409
        in.push_back(Receipt(p + "d", Day(11, 2), card, {{"groceries", 100'000}}));
        in.push_back(Receipt(p + "e", Day(11, 3), card, {{"groceries", 2'000}, {"tobacco", 1'000}}));
        return in;
    };
    MemberView one = RegisterSe(), many = RegisterSe();
    auto singly = sequence("one-", Card(one));
    std::vector<Result<ReceiptOutcome>> expected;
    for (const auto& in : singly) expected.push_back(Post(se_store_, in));
    auto got = app_->receipts->PostBatch(se_store_, sequence("many-", Card(many)), kActor);
    ASSERT_EQ(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i) {
        SCOPED_TRACE(singly[i].receipt_id + " #" + std::to_string(i));
        ASSERT_EQ(got[i].ok(), expected[i].ok());
        if (!got[i].ok()) {
            EXPECT_EQ(got[i].error().code, expected[i].error().code);
            EXPECT_EQ(got[i].error().field, expected[i].error().field);
            continue;
        }
        EXPECT_EQ(got[i]->replayed, expected[i]->replayed);
        EXPECT_EQ(got[i]->receipt.eligible_minor, expected[i]->receipt.eligible_minor);
        EXPECT_EQ(got[i]->receipt.points, expected[i]->receipt.points);
        EXPECT_EQ(got[i]->receipt.bonus_minor, expected[i]->receipt.bonus_minor);
        EXPECT_EQ(got[i]->receipt.month, expected[i]->receipt.month);
        EXPECT_EQ(got[i]->balance, expected[i]->balance);
        EXPECT_EQ(got[i]->balance_unit, expected[i]->balance_unit);
        EXPECT_EQ(got[i]->receipt.entry_id.has_value(), expected[i]->receipt.entry_id.has_value());
        EXPECT_NE(got[i]->receipt.id, 0);
    }
    EXPECT_EQ(Points(*many.member.household_id), Points(*one.member.household_id));
    auto a = Lots(*one.member.household_id), b = Lots(*many.member.household_id);
    ASSERT_EQ(a.size(), 2u);
    ASSERT_EQ(b.size(), a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(b[i].month, a[i].month);
        EXPECT_EQ(b[i].earned, a[i].earned);
        EXPECT_EQ(b[i].remaining, a[i].remaining);
    }
    auto c = app_->db->Read();
    for (const auto& h : {*one.member.household_id, *many.member.household_id}) {
        SCOPED_TRACE(h);
        EXPECT_EQ(
            c->QueryOne("SELECT eligible_minor, points FROM household_month_spend WHERE household_id = $1 "
                        "AND month = 202610",
                        {store::Int(h)})
                ->Int(0),
            100'000 + 100'000 + 100);
    }
}

TEST_P(ReceiptServiceTest, ParticipantsPurchasesAccrueToTheOwnersHousehold_R_HH_6) {
    MemberView owner = RegisterSe();
    int64_t h = *owner.member.household_id;
    MemberView kid = AddParticipant(owner);
    ASSERT_EQ(kid.member.household_id, h);
    ASSERT_EQ(kid.member.household_role, "participant");

    auto own = MustPost(se_store_, Receipt("own", Day(11, 5), Card(owner), {{"groceries", 100'000}}));
    auto theirs = MustPost(se_store_, Receipt("theirs", Day(11, 6), Card(kid), {{"groceries", 150'000}}));
    EXPECT_EQ(theirs.receipt.member_id, kid.member.id);
    EXPECT_EQ(theirs.receipt.household_id, h);
    // One ladder for the household: the participant's purchase continues from the owner's spend.
    EXPECT_EQ(own.receipt.points, 2'000);
    EXPECT_EQ(theirs.receipt.points, 2'000 + 1'500);
    EXPECT_EQ(theirs.balance, 5'500);
    EXPECT_EQ(Points(h), 5'500);

    // By member number too (R_CARD_2).
    ReceiptInput by_number = Receipt("theirs-2", Day(11, 7), std::nullopt, {{"groceries", 10'000}});
    by_number.member_number = *kid.member.member_number;
    auto second = MustPost(se_store_, by_number);
    EXPECT_EQ(second.receipt.household_id, h);
    EXPECT_EQ(second.receipt.points, 300);
    EXPECT_EQ(Points(h), 5'800);
}

TEST_P(ReceiptServiceTest, RemovedParticipantKeepsNothingAndNoLongerEarnsForTheHousehold_R_HH_7) {
    MemberView owner = RegisterSe();
    int64_t h = *owner.member.household_id;
    MemberView kid = AddParticipant(owner);
    std::string kid_card = Card(kid);
    MustPost(se_store_, Receipt("before", Day(11, 5), kid_card, {{"groceries", 100'000}}));
    EXPECT_EQ(Points(h), 2'000);

    auto removed =
        app_->membership->RemoveParticipant(*owner.member.member_number, *kid.member.member_number, kActor);
    ASSERT_TRUE(IsOk(removed));
    EXPECT_EQ(Points(h), 2'000);  // the household keeps what it earned

    auto after = MustPost(se_store_, Receipt("after", Day(11, 6), kid_card, {{"groceries", 100'000}}));
    EXPECT_EQ(after.receipt.member_id, kid.member.id);  // who bought is recorded; nobody earns
    EXPECT_EQ(after.receipt.household_id, std::nullopt);
    EXPECT_EQ(after.receipt.points, 0);
    EXPECT_EQ(Points(h), 2'000);
    // Nothing was posted anywhere for the former participant.
    EXPECT_EQ(after.receipt.entry_id, std::nullopt);
    EXPECT_EQ(EntriesFor(se_store_, "after"), 0);
    auto view = app_->membership->Get(*kid.member.member_number);
    ASSERT_TRUE(IsOk(view));
    EXPECT_EQ(view->member.household_id, std::nullopt);
    // And the household's ladder does not count their spend.
    auto owners =
        MustPost(se_store_, Receipt("owner-after", Day(11, 7), Card(owner), {{"groceries", 100'000}}));
    EXPECT_EQ(owners.receipt.points, 2'000);
}

TEST_P(ReceiptServiceTest, ConcurrentDistinctReceiptsForOneHousehold) {
    MemberView owner = RegisterSe();
    int64_t h = *owner.member.household_id;
    MemberView kid = AddParticipant(owner);
    const std::vector<std::string> cards = {Card(owner), Card(kid)};
    constexpr int kThreads = 8, kEach = 25;
    std::vector<std::vector<Result<ReceiptOutcome>>> results(kThreads);
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            start.arrive_and_wait();
            for (int i = 0; i < kEach; ++i) {
                // 50 .. 242 SEK, 29 200 SEK in all: the month's total crosses three band edges, below the
                // cap.
                int64_t amount = 5'000 + 800 * ((t * kEach + i) % 25);
                auto in = Receipt("c-" + std::to_string(t) + "-" + std::to_string(i), Day(11, 1 + i % 20),
                                  cards[(t + i) % 2], {{"groceries", amount}});
                results[t].push_back(app_->receipts->Post(se_store_, in, kActor));
            }
        });
    }
    for (auto& th : threads) th.join();

    int64_t earned = 0, spend = 0;
    for (const auto& per_thread : results) {
        ASSERT_EQ(per_thread.size(), static_cast<size_t>(kEach));
        for (const auto& r : per_thread) {
            ASSERT_TRUE(IsOk(r));
            EXPECT_FALSE(r->replayed);
            EXPECT_EQ(r->receipt.household_id, h);
            earned += r->receipt.points;
            spend += r->receipt.eligible_minor;
        }
    }
    EXPECT_EQ(Points(h), earned);
    // The household's ladder saw every purchase once, whatever the order (R_BON_3).
    const auto& rules = app_->config.markets.at("se");
    EXPECT_EQ(earned, std::min(core::LadderPointsForMonth(rules.ladder, spend), rules.monthly_points_cap));
    auto lots = Lots(h);
    ASSERT_EQ(lots.size(), 1u);
    EXPECT_EQ(lots[0].remaining, earned);
    auto c = app_->db->Read();
    EXPECT_EQ(store::ReceiptRepository(*c).MonthSpend(h, 202611), std::make_pair(spend, earned));
    EXPECT_TRUE(store::LedgerRepository(*c).Check(100).empty());
}

TEST_P(ReceiptServiceTest, ConcurrentSameReceiptIsPostedOnce) {
    auto in = Receipt("same", Day(11, 22), kDemoCard, {{"groceries", 77'700}});
    int64_t before = Bonus(demo_household_);
    constexpr int kThreads = 8;
    std::vector<std::optional<Result<ReceiptOutcome>>> results(kThreads);
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            start.arrive_and_wait();
            results[t] = app_->receipts->Post(dk_store_, in, kActor);
        });
    }
    for (auto& th : threads) th.join();

    int fresh = 0;
    std::optional<int64_t> id;
    for (const auto& r : results) {
        ASSERT_TRUE(r.has_value());
        ASSERT_TRUE(IsOk(*r));
        fresh += !(*r)->replayed;
        if (!id) id = (*r)->receipt.id;
        EXPECT_EQ((*r)->receipt.id, *id);
        EXPECT_EQ((*r)->receipt.bonus_minor, 777);
    }
    EXPECT_EQ(fresh, 1);
    EXPECT_EQ(EntriesFor(dk_store_, "same"), 1);
    EXPECT_EQ(Bonus(demo_household_), before + 777);
}

INSTANTIATE_TEST_SUITE_P(Engines, ReceiptServiceTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
