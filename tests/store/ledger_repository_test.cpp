// LedgerRepository on SQLite and PostgreSQL: double-entry posting, idempotency on the source, member accounts
// never below zero, points lots by month (R_BON_4), history paging, and the ledger check (DESIGN.md "The
// ledger").
#include "store/ledger/ledger_repository.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/ledger/journal.hpp"
#include "store/batch_sql.hpp"
#include "test_support.hpp"

namespace andel::store {
namespace {

using core::AccountRef;
using core::ErrorCode;
using core::JournalEntry;
using core::PostingLine;
using core::Result;
namespace kind = core::account_kind;

constexpr int64_t kNow = 1'795'435'200'000;  // 2026-11-23T08:00:00Z

AccountRef Bonus(int64_t household) { return {kind::kHouseholdBonus, "household", household, "DKK"}; }
AccountRef Points(int64_t household) { return {kind::kHouseholdPoints, "household", household, "points"}; }
AccountRef FundingDkk(int64_t store) { return {kind::kStoreFunding, "store", store, "DKK"}; }
AccountRef FundingPoints(int64_t store) { return {kind::kStoreFunding, "store", store, "points"}; }

// An entry moving `amount` into `to` from `from`; `lot` is the month of the points lot credited.
JournalEntry Move(const std::string& key, const AccountRef& to, const AccountRef& from, int64_t amount,
                  std::optional<int> lot = std::nullopt) {
    JournalEntry e;
    e.source_kind = "test";
    e.source_key = key;
    e.description = "test " + key;
    e.actor = "test";
    e.occurred_at = kNow;
    e.postings.push_back({to, amount, lot});
    e.postings.push_back({from, -amount, std::nullopt});
    return e;
}

template <typename T>
::testing::AssertionResult Fails(const Result<T>& r, ErrorCode code, const std::string& rule = {}) {
    if (r.ok()) return ::testing::AssertionFailure() << "succeeded; expected " << core::Describe(code).slug;
    if (r.error().code != code || r.error().rule != rule)
        return ::testing::AssertionFailure()
               << "expected " << core::Describe(code).slug << " [" << rule << "], got "
               << core::Describe(r.error().code).slug << " [" << r.error().rule << "]: " << r.error().detail;
    return ::testing::AssertionSuccess();
}

// Problems that contain `needle`.
int Mentions(const std::vector<std::string>& problems, const std::string& needle) {
    int n = 0;
    for (const auto& p : problems) n += p.find(needle) != std::string::npos;
    return n;
}

std::string Join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += "\n  " + s;
    return out;
}

class LedgerRepositoryTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        db_ = test::FreshDatabase(GetParam());
    }

    // Posts in a transaction of its own, committed only when the post succeeds (as the services do).
    Result<int64_t> Post(const JournalEntry& e) {
        Transaction tx(*db_);
        auto r = LedgerRepository(tx.conn()).Post(e, kNow);
        if (r.ok()) tx.Commit();
        return r;
    }
    int64_t Balance(const AccountRef& ref) {
        auto c = db_->Read();
        auto a = LedgerRepository(*c).FindAccount(ref);
        return a ? a->balance : 0;
    }
    int64_t Id(const AccountRef& ref) {
        auto c = db_->Write();
        return LedgerRepository(*c).AccountId(ref, kNow);
    }
    int64_t Count(const std::string& table) {
        auto c = db_->Read();
        return c->QueryOne("SELECT COUNT(*) FROM " + table)->Int(0);
    }
    std::vector<int64_t> Rows() {
        return {Count("ledger_accounts"), Count("ledger_entries"), Count("ledger_postings"),
                Count("points_lots")};
    }
    void Exec(const std::string& sql, std::initializer_list<Value> params) {
        auto c = db_->Write();
        c->Execute(sql, params);
    }
    std::vector<std::string> Check() {
        auto c = db_->Read();
        return LedgerRepository(*c).Check(100);
    }
    std::vector<LotRecord> Lots(const AccountRef& ref) {
        auto c = db_->Read();
        return LedgerRepository(*c).Lots(Id(ref));
    }

    // PostMany in a transaction of its own, committed only when it succeeds.
    Result<PostedBatch> PostMany(const std::vector<JournalEntry>& entries) {
        Transaction tx(*db_);
        auto r = LedgerRepository(tx.conn()).PostMany(entries, kNow);
        if (r.ok()) tx.Commit();
        return r;
    }

    std::unique_ptr<Database> db_;
};

TEST_P(LedgerRepositoryTest, BalancedEntryUpdatesBothBalances) {
    auto id = Post(Move("a", Bonus(1), FundingDkk(7), 500));
    ASSERT_TRUE(id.ok()) << id.error().detail;
    EXPECT_EQ(Balance(Bonus(1)), 500);
    EXPECT_EQ(Balance(FundingDkk(7)), -500);  // an operator account may go below zero
    {
        auto c = db_->Read();
        EXPECT_EQ(LedgerRepository(*c).FindEntry("test", "a"), *id);
        EXPECT_EQ(LedgerRepository(*c).FindEntry("test", "b"), std::nullopt);
    }
    EXPECT_EQ(Count("ledger_postings"), 2);

    ASSERT_TRUE(Post(Move("b", Bonus(1), FundingDkk(7), 250)).ok());
    EXPECT_EQ(Balance(Bonus(1)), 750);
    EXPECT_EQ(Balance(FundingDkk(7)), -750);
    EXPECT_TRUE(Check().empty()) << Join(Check());
}

TEST_P(LedgerRepositoryTest, AccountIdIsStablePerAccount) {
    int64_t a = Id(Bonus(1));
    EXPECT_EQ(Id(Bonus(1)), a);
    EXPECT_NE(Id(Bonus(2)), a);
    EXPECT_NE(Id({kind::kHouseholdBonus, "household", 1, "SEK"}), a);  // the unit is part of the account
    EXPECT_EQ(Count("ledger_accounts"), 3);
}

TEST_P(LedgerRepositoryTest, UnbalancedEntryIsRefusedAndNothingWritten) {
    // Sums to zero over all postings but not per unit: 100 DKK in, 100 points out.
    JournalEntry mixed = Move("mixed", Bonus(1), FundingPoints(7), 100);
    EXPECT_TRUE(Fails(Post(mixed), ErrorCode::kInvalid));

    JournalEntry off = Move("off", Bonus(1), FundingDkk(7), 100);
    off.postings[1].amount = -99;
    EXPECT_TRUE(Fails(Post(off), ErrorCode::kInvalid));

    JournalEntry one = Move("one", Bonus(1), FundingDkk(7), 100);
    one.postings.pop_back();
    EXPECT_TRUE(Fails(Post(one), ErrorCode::kInvalid));

    JournalEntry zero = Move("zero", Bonus(1), FundingDkk(7), 0);
    EXPECT_TRUE(Fails(Post(zero), ErrorCode::kInvalid));

    // Three postings in two units, each unit balanced except the points.
    JournalEntry three = Move("three", Bonus(1), FundingDkk(7), 100);
    three.postings.push_back({Points(1), 5, 202611});
    EXPECT_TRUE(Fails(Post(three), ErrorCode::kInvalid));

    EXPECT_EQ(Rows(), (std::vector<int64_t>{0, 0, 0, 0}));
}

TEST_P(LedgerRepositoryTest, SameSourceTwiceIsConflictAndChangesNothing) {
    auto first = Post(Move("r-1", Bonus(1), FundingDkk(7), 300));
    ASSERT_TRUE(first.ok());
    auto rows = Rows();
    EXPECT_TRUE(Fails(Post(Move("r-1", Bonus(1), FundingDkk(7), 300)), ErrorCode::kConflict));
    EXPECT_TRUE(Fails(Post(Move("r-1", Bonus(2), FundingDkk(8), 999)), ErrorCode::kConflict));
    EXPECT_EQ(Balance(Bonus(1)), 300);
    EXPECT_EQ(Balance(Bonus(2)), 0);
    EXPECT_EQ(Balance(FundingDkk(7)), -300);
    EXPECT_EQ(Rows(), rows);
    {
        auto c = db_->Read();
        EXPECT_EQ(LedgerRepository(*c).FindEntry("test", "r-1"), *first);
    }
    // The key is (source_kind, source_key): another kind with the same key is another source.
    JournalEntry other = Move("r-1", Bonus(1), FundingDkk(7), 1);
    other.source_kind = "adjustment";
    EXPECT_TRUE(Post(other).ok());
    EXPECT_EQ(Balance(Bonus(1)), 301);
}

TEST_P(LedgerRepositoryTest, MemberValueAccountBelowZeroIsRefusedAndRolledBack) {
    for (const char* k :
         {kind::kHouseholdPoints, kind::kHouseholdBonus, kind::kSavings, kind::kDividendAccrual}) {
        SCOPED_TRACE(k);
        AccountRef member{k, "household", 1, "DKK"};
        {
            Transaction tx(*db_);
            LedgerRepository ledger(tx.conn());
            // The caller's transaction holds other writes too: they all go when it rolls back.
            ASSERT_TRUE(
                ledger.Post(Move(std::string("ok-") + k, FundingDkk(9), FundingDkk(7), 5), kNow).ok());
            auto r = ledger.Post(Move(std::string("neg-") + k, FundingDkk(7), member, 1), kNow);
            EXPECT_TRUE(Fails(r, ErrorCode::kInvalid));
        }  // not committed: rolled back
        EXPECT_EQ(Rows(), (std::vector<int64_t>{0, 0, 0, 0}));
        EXPECT_EQ(Balance(member), 0);
        EXPECT_EQ(Balance(FundingDkk(7)), 0);
    }
    // Down to exactly zero is allowed; one below is not, and the committed balance stays.
    ASSERT_TRUE(Post(Move("in", Bonus(1), FundingDkk(7), 100)).ok());
    EXPECT_TRUE(Fails(Post(Move("out-101", FundingDkk(7), Bonus(1), 101)), ErrorCode::kInvalid));
    EXPECT_EQ(Balance(Bonus(1)), 100);
    ASSERT_TRUE(Post(Move("out-100", FundingDkk(7), Bonus(1), 100)).ok());
    EXPECT_EQ(Balance(Bonus(1)), 0);
    EXPECT_TRUE(Check().empty()) << Join(Check());
}

TEST_P(LedgerRepositoryTest, PointsAreCreditedToLotsByMonth_R_BON_4) {
    ASSERT_TRUE(Post(Move("p1", Points(1), FundingPoints(7), 100, 202601)).ok());
    ASSERT_TRUE(Post(Move("p2", Points(1), FundingPoints(7), 200, 202602)).ok());
    ASSERT_TRUE(Post(Move("p3", Points(1), FundingPoints(7), 50, 202601)).ok());
    auto lots = Lots(Points(1));
    ASSERT_EQ(lots.size(), 2u);
    EXPECT_EQ(lots[0].month, 202601);
    EXPECT_EQ(lots[0].earned, 150);
    EXPECT_EQ(lots[0].remaining, 150);
    EXPECT_EQ(lots[1].month, 202602);
    EXPECT_EQ(lots[1].earned, 200);
    EXPECT_EQ(lots[1].remaining, 200);
    EXPECT_EQ(Balance(Points(1)), 350);
    EXPECT_TRUE(Lots(Points(2)).empty());
    EXPECT_TRUE(Check().empty()) << Join(Check());
}

TEST_P(LedgerRepositoryTest, OldestLotsSplitsADebitOldestFirst_R_BON_4) {
    ASSERT_TRUE(Post(Move("p1", Points(1), FundingPoints(7), 200, 202602)).ok());
    ASSERT_TRUE(Post(Move("p2", Points(1), FundingPoints(7), 100, 202512)).ok());  // posted later, older
    ASSERT_TRUE(Post(Move("p3", Points(1), FundingPoints(7), 300, 202603)).ok());
    int64_t acc = Id(Points(1));
    using Split = std::vector<std::pair<int, int64_t>>;
    {
        auto c = db_->Read();
        LedgerRepository ledger(*c);
        EXPECT_EQ(ledger.OldestLots(acc, 50), (Split{{202512, 50}}));
        EXPECT_EQ(ledger.OldestLots(acc, 250), (Split{{202512, 100}, {202602, 150}}));
        EXPECT_EQ(ledger.OldestLots(acc, 300), (Split{{202512, 100}, {202602, 200}}));
        // More than the lots hold: all of them, fewer points than asked.
        EXPECT_EQ(ledger.OldestLots(acc, 10'000), (Split{{202512, 100}, {202602, 200}, {202603, 300}}));
        EXPECT_TRUE(ledger.OldestLots(acc, 0).empty());
    }
    // Redeem 250 by the split: the oldest lot empties and is skipped next time.
    JournalEntry redeem;
    redeem.source_kind = "redemption";
    redeem.source_key = "v-1";
    redeem.description = "voucher";
    redeem.actor = "test";
    redeem.occurred_at = kNow;
    {
        auto c = db_->Read();
        for (const auto& [month, n] : LedgerRepository(*c).OldestLots(acc, 250))
            redeem.postings.push_back({Points(1), -n, month});
    }
    redeem.postings.push_back({{"redemption", "operator", 0, "points"}, 250, std::nullopt});
    ASSERT_TRUE(Post(redeem).ok());
    auto lots = Lots(Points(1));
    ASSERT_EQ(lots.size(), 3u);
    EXPECT_EQ(lots[0].remaining, 0);
    EXPECT_EQ(lots[0].earned, 100);
    EXPECT_EQ(lots[1].remaining, 50);
    EXPECT_EQ(lots[2].remaining, 300);
    EXPECT_EQ(Balance(Points(1)), 350);
    {
        auto c = db_->Read();
        EXPECT_EQ(LedgerRepository(*c).OldestLots(acc, 60), (Split{{202602, 50}, {202603, 10}}));
    }
    EXPECT_TRUE(Check().empty()) << Join(Check());
}

TEST_P(LedgerRepositoryTest, DebitingALotBelowEmptyIsRefused_R_BON_4) {
    ASSERT_TRUE(Post(Move("p1", Points(1), FundingPoints(7), 100, 202601)).ok());
    ASSERT_TRUE(Post(Move("p2", Points(1), FundingPoints(7), 100, 202602)).ok());
    auto rows = Rows();
    // The account holds 200, so the balance would stay positive: the lot refuses.
    JournalEntry take = Move("take", FundingPoints(7), Points(1), 150);
    take.postings[1].lot_month = 202601;
    EXPECT_TRUE(Fails(Post(take), ErrorCode::kRuleRefused, "R_BON_4"));
    // A month without a lot holds nothing.
    JournalEntry none = Move("none", FundingPoints(7), Points(1), 10);
    none.postings[1].lot_month = 202512;
    EXPECT_TRUE(Fails(Post(none), ErrorCode::kRuleRefused, "R_BON_4"));

    EXPECT_EQ(Rows(), rows);
    EXPECT_EQ(Balance(Points(1)), 200);
    auto lots = Lots(Points(1));
    ASSERT_EQ(lots.size(), 2u);
    EXPECT_EQ(lots[0].remaining, 100);
    EXPECT_EQ(lots[1].remaining, 100);

    // Exactly empty is fine.
    JournalEntry all = Move("all", FundingPoints(7), Points(1), 100);
    all.postings[1].lot_month = 202601;
    ASSERT_TRUE(Post(all).ok());
    EXPECT_EQ(Lots(Points(1))[0].remaining, 0);
    EXPECT_TRUE(Check().empty()) << Join(Check());
}

// PostMany (the till's batch upload, the jobs) writes what Post() would for each entry: more entries than one
// chunk of a multi-row statement, accounts that exist and accounts it creates, points into lots (R_BON_4).
TEST_P(LedgerRepositoryTest, PostManyWritesWhatPostWouldWriteForEachEntry_R_BON_4) {
    ASSERT_TRUE(Post(Move("before", Bonus(1), FundingDkk(7), 40)).ok());
    std::vector<JournalEntry> entries;
    std::map<int64_t, int64_t> bonus, points;
    for (int i = 0; i < 700; ++i) {
        int64_t h = 1 + i % 300;
        entries.push_back(Move("m" + std::to_string(i), Bonus(h), FundingDkk(7), 10 + i));
        bonus[h] += 10 + i;
        if (i % 2 == 0) {
            int month = i < 350 ? 202610 : 202611;
            entries.push_back(Move("p" + std::to_string(i), Points(h), FundingPoints(7), 3, month));
            points[h] += 3;
        }
    }
    auto posted = PostMany(entries);
    ASSERT_TRUE(posted.ok()) << posted.error().detail;
    ASSERT_EQ(posted->entry_ids.size(), entries.size());
    {
        auto c = db_->Read();
        LedgerRepository ledger(*c);
        for (size_t i : {size_t{0}, size_t{511}, size_t{512}, entries.size() - 1})
            EXPECT_EQ(ledger.FindEntry("test", entries[i].source_key), posted->entry_ids[i]) << i;
    }
    EXPECT_EQ(posted->account_ids.at(AccountKey(Bonus(1))), Id(Bonus(1)));  // the account that existed
    EXPECT_EQ(Count("ledger_entries"), 1 + static_cast<int64_t>(entries.size()));
    EXPECT_EQ(Count("ledger_postings"), 2 + 2 * static_cast<int64_t>(entries.size()));
    int64_t all_bonus = 40;
    for (const auto& [h, sum] : bonus) {
        EXPECT_EQ(Balance(Bonus(h)), sum + (h == 1 ? 40 : 0)) << h;
        all_bonus += sum;
    }
    EXPECT_EQ(Balance(FundingDkk(7)), -all_bonus);
    for (const auto& [h, sum] : points) EXPECT_EQ(Balance(Points(h)), sum) << h;
    // The balances after the batch, of every account it changed: as stored.
    EXPECT_EQ(posted->balances.size(), bonus.size() + points.size() + 2);  // and the two funding accounts
    for (const auto& ref : {Bonus(1), Bonus(300), Points(3), FundingDkk(7), FundingPoints(7)})
        EXPECT_EQ(posted->BalanceOf(AccountKey(ref)), Balance(ref)) << AccountKey(ref);
    EXPECT_EQ(posted->BalanceOf(AccountKey(Bonus(301))), std::nullopt)
        << "an account the batch did not change";
    // Household 1 earned points in entries 0 and 300 (October) and 600 (November).
    auto lots = Lots(Points(1));
    ASSERT_EQ(lots.size(), 2u);
    EXPECT_EQ(lots[0].month, 202610);
    EXPECT_EQ(lots[0].earned, 6);
    EXPECT_EQ(lots[0].remaining, 6);
    EXPECT_EQ(lots[1].month, 202611);
    EXPECT_EQ(lots[1].remaining, 3);
    EXPECT_TRUE(Check().empty()) << Join(Check());
}

TEST_P(LedgerRepositoryTest, PostManyTakesFromLotsAndAddsToALotOnce_R_BON_4) {
    ASSERT_TRUE(Post(Move("p1", Points(1), FundingPoints(7), 100, 202601)).ok());
    ASSERT_TRUE(Post(Move("p2", Points(2), FundingPoints(7), 50, 202601)).ok());
    std::vector<JournalEntry> entries;
    JournalEntry take = Move("take", FundingPoints(7), Points(1), 100);  // exactly empty
    take.postings[1].lot_month = 202601;
    entries.push_back(take);
    entries.push_back(Move("more", Points(2), FundingPoints(7), 5, 202601));
    JournalEntry part = Move("part", FundingPoints(7), Points(2), 30);
    part.postings[1].lot_month = 202601;
    entries.push_back(part);
    ASSERT_TRUE(PostMany(entries).ok());
    auto lots = Lots(Points(1));
    ASSERT_EQ(lots.size(), 1u);
    EXPECT_EQ(lots[0].remaining, 0);
    lots = Lots(Points(2));
    ASSERT_EQ(lots.size(), 1u);
    EXPECT_EQ(lots[0].earned, 55);
    EXPECT_EQ(lots[0].remaining, 25);
    EXPECT_EQ(Balance(Points(2)), 25);
    EXPECT_TRUE(Check().empty()) << Join(Check());
}

TEST_P(LedgerRepositoryTest, PostManyRefusesALotBelowEmptyAndWritesNothing_R_BON_4) {
    ASSERT_TRUE(Post(Move("p1", Points(1), FundingPoints(7), 100, 202601)).ok());
    ASSERT_TRUE(Post(Move("p2", Points(1), FundingPoints(7), 100, 202602)).ok());
    auto rows = Rows();
    // Two takes of 60 from one lot of 100: each alone would do, together they take 120.
    JournalEntry a = Move("a", FundingPoints(7), Points(1), 60);
    a.postings[1].lot_month = 202601;
    JournalEntry b = Move("b", FundingPoints(7), Points(1), 60);
    b.postings[1].lot_month = 202601;
    EXPECT_TRUE(Fails(PostMany({a, b}), ErrorCode::kRuleRefused, "R_BON_4"));
    // A month without a lot holds nothing.
    JournalEntry none = Move("none", FundingPoints(7), Points(1), 10);
    none.postings[1].lot_month = 202512;
    EXPECT_TRUE(Fails(PostMany({Move("ok", Points(2), FundingPoints(7), 1, 202601), none}),
                      ErrorCode::kRuleRefused, "R_BON_4"));
    EXPECT_EQ(Rows(), rows);
    EXPECT_EQ(Balance(Points(1)), 200);
    EXPECT_EQ(Lots(Points(1))[0].remaining, 100);
}

TEST_P(LedgerRepositoryTest, PostManyRefusesAMemberBelowZeroAndWritesNothing) {
    ASSERT_TRUE(Post(Move("in", Bonus(1), FundingDkk(7), 100)).ok());
    auto rows = Rows();
    // 100 held: 60 and 50 taken in one batch is 10 below zero.
    auto r = PostMany({Move("a", FundingDkk(7), Bonus(1), 60), Move("b", FundingDkk(7), Bonus(1), 50)});
    EXPECT_TRUE(Fails(r, ErrorCode::kInvalid));
    EXPECT_EQ(Rows(), rows);
    EXPECT_EQ(Balance(Bonus(1)), 100);
    // 100 exactly is fine; an operator account may go below zero.
    ASSERT_TRUE(
        PostMany({Move("a", FundingDkk(7), Bonus(1), 60), Move("b", FundingDkk(7), Bonus(1), 40)}).ok());
    EXPECT_EQ(Balance(Bonus(1)), 0);
    EXPECT_TRUE(Check().empty()) << Join(Check());
}

TEST_P(LedgerRepositoryTest, PostManyIsIdempotentOnTheSourceAndChecksEachEntry) {
    ASSERT_TRUE(Post(Move("a", Bonus(1), FundingDkk(7), 100)).ok());
    auto rows = Rows();
    // Already posted, or twice in the batch: a conflict, and nothing of the batch is written.
    EXPECT_TRUE(
        Fails(PostMany({Move("b", Bonus(2), FundingDkk(7), 5), Move("a", Bonus(1), FundingDkk(7), 100)}),
              ErrorCode::kConflict));
    EXPECT_TRUE(
        Fails(PostMany({Move("c", Bonus(2), FundingDkk(7), 5), Move("c", Bonus(2), FundingDkk(7), 5)}),
              ErrorCode::kConflict));
    // An entry that does not balance refuses the batch before anything is written.
    JournalEntry bad = Move("d", Bonus(2), FundingDkk(7), 5);
    bad.postings[1].amount = -4;
    EXPECT_FALSE(PostMany({Move("e", Bonus(2), FundingDkk(7), 5), bad}).ok());
    EXPECT_EQ(Rows(), rows);
    EXPECT_EQ(Balance(Bonus(2)), 0);
    // Nothing to post is nothing written.
    auto none = PostMany({});
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->entry_ids.empty());
    EXPECT_EQ(Rows(), rows);
}

TEST_P(LedgerRepositoryTest, FindAccountsReadsOnlyThoseThatExist) {
    ASSERT_TRUE(Post(Move("a", Bonus(1), FundingDkk(7), 100)).ok());
    auto c = db_->Read();
    auto found = LedgerRepository(*c).FindAccounts({Bonus(1), Bonus(2), FundingDkk(7), Bonus(1), Points(1)});
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found.at(AccountKey(Bonus(1))).balance, 100);
    EXPECT_EQ(found.at(AccountKey(FundingDkk(7))).balance, -100);
    EXPECT_EQ(found.at(AccountKey(FundingDkk(7))).ref, FundingDkk(7));
}

TEST_P(LedgerRepositoryTest, HistoryPagesByEntryId) {
    std::vector<int64_t> ids;
    for (int i = 0; i < 5; ++i) {
        auto id = Post(Move("h" + std::to_string(i), Points(1), FundingPoints(7), 10 * (i + 1), 202601 + i));
        ASSERT_TRUE(id.ok());
        ids.push_back(*id);
        ASSERT_TRUE(Post(Move("other" + std::to_string(i), Points(2), FundingPoints(7), 1, 202601)).ok());
    }
    JournalEntry spend = Move("spend", FundingPoints(7), Points(1), 5);
    spend.postings[1].lot_month = 202601;
    auto spent = Post(spend);
    ASSERT_TRUE(spent.ok());
    ids.push_back(*spent);

    int64_t acc = Id(Points(1));
    auto c = db_->Read();
    LedgerRepository ledger(*c);
    auto page1 = ledger.History(acc, 2, 0);
    ASSERT_EQ(page1.size(), 2u);
    EXPECT_EQ(page1[0].entry_id, ids[5]);  // newest first
    EXPECT_EQ(page1[0].amount, -5);
    EXPECT_EQ(page1[0].source_key, "spend");
    EXPECT_EQ(page1[0].lot_month, 202601);
    EXPECT_EQ(page1[1].entry_id, ids[4]);
    EXPECT_EQ(page1[1].amount, 50);
    EXPECT_EQ(page1[1].lot_month, 202605);
    EXPECT_EQ(page1[1].source_kind, "test");
    EXPECT_EQ(page1[1].description, "test h4");

    auto page2 = ledger.History(acc, 2, page1.back().entry_id);
    ASSERT_EQ(page2.size(), 2u);
    EXPECT_EQ(page2[0].entry_id, ids[3]);
    EXPECT_EQ(page2[1].entry_id, ids[2]);
    auto page3 = ledger.History(acc, 2, page2.back().entry_id);
    ASSERT_EQ(page3.size(), 2u);
    EXPECT_EQ(page3[0].entry_id, ids[1]);
    EXPECT_EQ(page3[1].entry_id, ids[0]);
    EXPECT_EQ(page3[1].amount, 10);
    EXPECT_TRUE(ledger.History(acc, 2, page3.back().entry_id).empty());
    EXPECT_EQ(ledger.History(acc, 100, 0).size(), 6u);
    EXPECT_EQ(ledger.History(Id(Points(2)), 100, 0).size(), 5u);  // the other account's entries only
}

class LedgerCheckTest : public LedgerRepositoryTest {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        LedgerRepositoryTest::SetUp();
        auto e1 = Post(Move("b1", Bonus(1), FundingDkk(7), 500));
        auto e2 = Post(Move("p1", Points(1), FundingPoints(7), 300, 202610));
        ASSERT_TRUE(e1.ok() && e2.ok());
        bonus_entry_ = *e1;
        points_entry_ = *e2;
        bonus_ = Id(Bonus(1));
        points_ = Id(Points(1));
        ASSERT_TRUE(Check().empty()) << Join(Check());
    }
    std::string Account(int64_t id) { return "account " + std::to_string(id); }
    int64_t bonus_entry_ = 0, points_entry_ = 0, bonus_ = 0, points_ = 0;
};

TEST_P(LedgerCheckTest, CleanLedgerHasNoProblems) {
    JournalEntry spend = Move("spend", FundingPoints(7), Points(1), 300);
    spend.postings[1].lot_month = 202610;
    ASSERT_TRUE(Post(spend).ok());
    ASSERT_TRUE(Post(Move("b2", FundingDkk(7), Bonus(1), 500)).ok());
    EXPECT_TRUE(Check().empty()) << Join(Check());
}

TEST_P(LedgerCheckTest, ReportsACachedBalanceThatDiffersFromItsPostings) {
    Exec("UPDATE ledger_accounts SET balance = balance + 1 WHERE id = $1", {Int(bonus_)});
    auto problems = Check();
    ASSERT_EQ(problems.size(), 1u) << Join(problems);
    EXPECT_EQ(Mentions(problems, Account(bonus_) + " (household_bonus): cached balance 501"), 1)
        << problems[0];
    EXPECT_EQ(Mentions(problems, "postings sum to 500"), 1) << problems[0];
}

TEST_P(LedgerCheckTest, ReportsAnEntryThatNoLongerSumsToZero) {
    Exec("UPDATE ledger_postings SET amount = amount + 7 WHERE entry_id = $1 AND amount > 0",
         {Int(bonus_entry_)});
    auto problems = Check();
    EXPECT_EQ(Mentions(problems, "entry " + std::to_string(bonus_entry_) + ": postings in DKK sum to 7"), 1)
        << Join(problems);
    // The account's cached balance no longer matches its postings either.
    EXPECT_EQ(Mentions(problems, Account(bonus_) + " (household_bonus): cached balance 500"), 1)
        << Join(problems);
    EXPECT_EQ(Mentions(problems, "entry " + std::to_string(points_entry_)), 0) << Join(problems);
}

TEST_P(LedgerCheckTest, ReportsALotThatNoLongerHoldsTheBalance) {
    Exec("UPDATE points_lots SET remaining = remaining - 1 WHERE account_id = $1", {Int(points_)});
    auto problems = Check();
    ASSERT_EQ(problems.size(), 1u) << Join(problems);
    EXPECT_EQ(Mentions(problems, Account(points_) + ": balance 300 but its lots hold 299"), 1) << problems[0];
}

TEST_P(LedgerCheckTest, ReportsAMemberAccountBelowZero) {
    // Consistently negative: postings, cached balance and entry all agree, only the sign is wrong.
    Exec("UPDATE ledger_postings SET amount = -amount WHERE entry_id = $1", {Int(bonus_entry_)});
    Exec("UPDATE ledger_accounts SET balance = -balance WHERE id = $1 OR id = $2",
         {Int(bonus_), Int(Id(FundingDkk(7)))});
    auto problems = Check();
    ASSERT_EQ(problems.size(), 1u) << Join(problems);
    EXPECT_EQ(Mentions(problems, Account(bonus_) + " (household_bonus): a member's balance below zero: -500"),
              1)
        << problems[0];
}

TEST_P(LedgerCheckTest, ReportsEveryKindAtOnceUpToTheLimit) {
    Exec("UPDATE ledger_accounts SET balance = balance + 1 WHERE id = $1", {Int(bonus_)});
    Exec("UPDATE points_lots SET remaining = remaining + 2 WHERE account_id = $1", {Int(points_)});
    Exec("UPDATE ledger_postings SET amount = amount - 1000 WHERE entry_id = $1 AND amount > 0",
         {Int(points_entry_)});
    auto problems = Check();
    EXPECT_EQ(Mentions(problems, "entry " + std::to_string(points_entry_)), 1) << Join(problems);
    EXPECT_EQ(Mentions(problems, Account(bonus_) + " (household_bonus): cached balance 501"), 1)
        << Join(problems);
    EXPECT_EQ(Mentions(problems, Account(points_) + " (household_points): cached balance 300"), 1)
        << Join(problems);
    EXPECT_EQ(Mentions(problems, Account(points_) + ": balance 300 but its lots hold 302"), 1)
        << Join(problems);
    auto c = db_->Read();
    EXPECT_EQ(LedgerRepository(*c).Check(2).size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Engines, LedgerRepositoryTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });
INSTANTIATE_TEST_SUITE_P(Engines, LedgerCheckTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::store
