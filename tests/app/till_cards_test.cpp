// till_cards (migration 0025), the one-row-per-active-card table a till's look-up by card reads (R_CARD_2):
// after every kind of change to its sources, on SQLite and PostgreSQL, it holds exactly what the seven-table
// join says, and the till sees the change at once. The copy in memory the till reads (TillCardCache, fed by
// till_card_changes, migration 0026) holds the same after each change, and follows other nodes' changes.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/config.hpp"
#include "app/demo/generator.hpp"
#include "app/membership/membership_service.hpp"
#include "app/membership/till_card_cache.hpp"
#include "app/service_test_support.hpp"
#include "core/membership/numbers.hpp"
#include "store/membership/membership_repository.hpp"
#include "test_support.hpp"

namespace andel::app {
namespace {

using core::ErrorCode;
using test::Fails;
using test::IsOk;
using test::Personnummer;

constexpr const char* kActor = "test";

// The truth till_cards must equal: every active card, with its member, person and household.
constexpr const char* kSources =
    "SELECT c.card_number, m.id, m.member_number, p.first_name, m.kind, m.status, m.market, hm.household_id, "
    "hm.role, h.owner_member_id, om.member_number, CASE WHEN hm.household_id IS NULL THEN 0 ELSE (SELECT "
    "COUNT(*) FROM household_members x WHERE x.household_id = hm.household_id) END "
    "FROM cards c JOIN members m ON m.id = c.member_id JOIN persons p ON p.id = m.person_id "
    "LEFT JOIN household_members hm ON hm.member_id = m.id LEFT JOIN households h ON h.id = hm.household_id "
    "LEFT JOIN members om ON om.id = h.owner_member_id WHERE c.status = 'active' ORDER BY c.card_number";
constexpr const char* kTable =
    "SELECT card_number, member_id, member_number, first_name, kind, status, market, household_id, "
    "household_role, owner_member_id, owner_member_number, household_size FROM till_cards ORDER BY "
    "card_number";

class TillCardsTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        auto config =
            LoadConfig(test::SourcePath("config"),
                       [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
        ASSERT_TRUE(IsOk(config));
        markets_ = config->markets;
        national_id_key_ = config->national_id_key;
        db_ = test::FreshDatabase(GetParam(), url_);
        EnsureReferenceData(*db_, markets_, core::ToMillis(clock_.Now()));
        service_ = std::make_unique<MembershipService>(*db_, clock_, markets_, national_id_key_);
        cache_ = std::make_unique<TillCardCache>(*db_, TillCardCache::Options{});
        cache_->Reload();
        ASSERT_TRUE(cache_->ready());
        service_->UseTillCache(cache_.get());
    }

    RegisterInput Se(int year) {
        RegisterInput in;
        in.market = "se";
        in.national_id = Personnummer(year, 5, 17, next_serial_++);
        in.first_name = "Förnamn" + std::to_string(next_serial_);
        in.last_name = "Efternamn";
        in.contact.street = "Storgatan 1";
        in.contact.postal_code = "722 11";
        in.contact.city = "Västerås";
        in.home_store_code = "se-vasteras-1";
        in.share_paid_minor = 10000;
        return in;
    }
    MemberView Register(int year) {
        auto r = service_->Register(Se(year), kActor);
        EXPECT_TRUE(IsOk(r));
        return *r;
    }
    MemberView AddTo(const MemberView& owner, int year) {
        ParticipantInput p;
        auto person = Se(year);
        person.share_paid_minor = 0;
        person.home_store_code.clear();
        p.person = person;
        auto r = service_->AddParticipant(*owner.member.member_number, p, kActor);
        EXPECT_TRUE(IsOk(r));
        auto number = r->household->members.back().member_number;
        return *service_->Get(*number);
    }

    // Every row of a query, each column as text ("NULL" for null), for comparison.
    std::vector<std::vector<std::string>> Rows(const char* sql) {
        auto c = db_->Read();
        std::vector<std::vector<std::string>> out;
        for (const auto& r : c->Query(sql)) {
            std::vector<std::string> row;
            for (int i = 0; i < 12; ++i)
                row.push_back(r.IsNull(i)                             ? "NULL"
                              : i == 1 || i == 7 || i == 9 || i == 11 ? std::to_string(r.Int(i))
                                                                      : r.Text(i));
            out.push_back(std::move(row));
        }
        return out;
    }
    // till_cards equals its sources, and the copy in memory equals till_cards; `what` says after which
    // change.
    void ExpectInStep(const std::string& what) {
        auto sources = Rows(kSources);
        EXPECT_EQ(Rows(kTable), sources) << "after " << what;
        EXPECT_FALSE(sources.empty()) << what;
        ExpectCopyInStep(what);
    }
    static std::string Describe(const store::TillIdentityRecord& t) {
        auto opt = [](const auto& v) {
            if (!v) return std::string("NULL");
            if constexpr (std::is_same_v<std::decay_t<decltype(*v)>, std::string>)
                return *v;
            else
                return std::to_string(*v);
        };
        return std::to_string(t.member_id) + " " + opt(t.member_number) + " " + t.first_name + " " + t.kind +
               " " + t.status + " " + t.market + " " + opt(t.household_id) + " " + opt(t.household_role) +
               " " + opt(t.owner_member_number) + " " + std::to_string(t.household_size);
    }
    // Every card of till_cards, as the copy in memory has it; nothing more.
    void ExpectCopyInStep(const std::string& what) {
        auto rows = Rows(kTable);
        for (const auto& row : rows) {
            store::TillIdentityRecord copy;
            ASSERT_EQ(cache_->Find(std::stoll(row[0]), copy), TillCardTable::Found::kYes) << what;
            auto c = db_->Read();
            auto stored = store::MembershipRepository(*c).FindTillIdentity(
                store::MembershipRepository::IdentifyBy::kCard, row[0]);
            ASSERT_TRUE(stored) << what;
            EXPECT_EQ(Describe(copy), Describe(*stored)) << "card " << row[0] << " after " << what;
        }
        EXPECT_EQ(cache_->size(), rows.size()) << what;
    }
    TillCardTable::Found CopyFinds(const std::string& card) {
        store::TillIdentityRecord ignored;
        return cache_->Find(std::stoll(card), ignored);
    }
    void Sql(const std::string& sql) { db_->Write()->Execute(sql); }
    int64_t SizeSeenByTill(const std::string& card) {
        auto t = service_->IdentifyByCard(card);
        EXPECT_TRUE(IsOk(t));
        return t.ok() ? t->member.household_size : -1;
    }

    core::FixedClock clock_{
        core::Timestamp(std::chrono::sys_days(std::chrono::year{2026} / std::chrono::November / 23)) +
        std::chrono::hours{10}};
    std::map<std::string, core::MarketRules> markets_;
    std::string national_id_key_, url_;
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<TillCardCache> cache_;
    std::unique_ptr<MembershipService> service_;
    int next_serial_ = 100;
};

TEST_P(TillCardsTest, FollowsEveryChangeToCardsMembersPersonsAndHouseholds_R_CARD_2_R_HH_5_R_CARD_1) {
    MemberView owner = Register(1970);
    ExpectInStep("a registration");
    const std::string owner_card = owner.cards[0].card_number;
    EXPECT_EQ(SizeSeenByTill(owner_card), 1);

    MemberView p1 = AddTo(owner, 1990);
    MemberView p2 = AddTo(owner, 1991);
    ExpectInStep("two participants added");
    EXPECT_EQ(SizeSeenByTill(owner_card), 3);
    EXPECT_EQ(SizeSeenByTill(p1.cards[0].card_number), 3);

    ASSERT_TRUE(
        IsOk(service_->RemoveParticipant(*owner.member.member_number, *p1.member.member_number, kActor)));
    ExpectInStep("a participant removed");
    EXPECT_EQ(SizeSeenByTill(owner_card), 2);
    auto alone = service_->IdentifyByCard(p1.cards[0].card_number);
    ASSERT_TRUE(IsOk(alone));
    EXPECT_FALSE(alone->member.household_id);
    EXPECT_FALSE(alone->may_earn);

    ASSERT_TRUE(IsOk(service_->LeaveHousehold(*p2.member.member_number, kActor)));
    ExpectInStep("a participant left");
    EXPECT_EQ(SizeSeenByTill(owner_card), 1);

    // Cards: blocked, replaced, ordered (not active: no row) and activated.
    ASSERT_TRUE(IsOk(service_->BlockCard(owner_card, "lost", kActor)));
    EXPECT_EQ(CopyFinds(owner_card), TillCardTable::Found::kNo);  // at once, on the node that blocked it
    ExpectInStep("a card blocked");
    EXPECT_TRUE(Fails(service_->IdentifyByCard(owner_card), ErrorCode::kNotFound));
    auto fresh = service_->ReplaceCard(owner_card, "lost", kActor);
    ASSERT_TRUE(IsOk(fresh));
    ExpectInStep("a card replaced");
    EXPECT_EQ(SizeSeenByTill(fresh->card_number), 1);
    auto ordered = service_->OrderCard(*p1.member.member_number, kActor);
    ASSERT_TRUE(IsOk(ordered));
    ExpectInStep("a card ordered");
    EXPECT_TRUE(Fails(service_->IdentifyByCard(ordered->card_number), ErrorCode::kNotFound));
    ASSERT_TRUE(IsOk(service_->ActivateCard(ordered->card_number, kActor)));
    ExpectInStep("an ordered card activated");
    EXPECT_TRUE(IsOk(service_->IdentifyByCard(ordered->card_number)));

    // The rest through SQL, the way a job or an operator would change the sources.
    MemberView heir = AddTo(owner, 1992);
    const std::string household = std::to_string(*owner.member.household_id);
    Sql("UPDATE households SET owner_member_id = " + std::to_string(heir.member.id) +
        " WHERE id = " + household);
    Sql("UPDATE household_members SET role = 'participant' WHERE member_id = " +
        std::to_string(owner.member.id));
    Sql("UPDATE household_members SET role = 'owner' WHERE member_id = " + std::to_string(heir.member.id));
    ExpectInStep("a household handed over (R_HH_8)");
    auto seen = service_->IdentifyByCard(fresh->card_number);
    ASSERT_TRUE(IsOk(seen));
    EXPECT_EQ(seen->member.owner_member_number, heir.member.member_number);
    EXPECT_EQ(seen->member.household_role, "participant");

    Sql("UPDATE persons SET first_name = 'Astrid' WHERE id = " + std::to_string(heir.member.person_id));
    Sql("UPDATE members SET member_number = '" + core::MemberNumberFromBody(9'999'990) +
        "' WHERE id = " + std::to_string(heir.member.id));
    ExpectInStep("the owner renamed and renumbered");
    seen = service_->IdentifyByCard(fresh->card_number);
    ASSERT_TRUE(IsOk(seen));
    EXPECT_EQ(seen->member.owner_member_number, core::MemberNumberFromBody(9'999'990));
    EXPECT_EQ(service_->IdentifyByCard(heir.cards[0].card_number)->member.first_name, "Astrid");

    Sql("UPDATE members SET status = 'ended' WHERE id = " + std::to_string(p2.member.id));
    ExpectInStep("a membership ended");
    auto ended = service_->IdentifyByCard(p2.cards[0].card_number);
    ASSERT_TRUE(IsOk(ended));
    EXPECT_EQ(ended->member.status, "ended");
    EXPECT_FALSE(ended->may_earn);

    // A place moved to another household in one statement.
    MemberView other = Register(1960);
    Sql("UPDATE household_members SET household_id = " + std::to_string(*other.member.household_id) +
        " WHERE member_id = " + std::to_string(owner.member.id));
    ExpectInStep("a place moved to another household");
    EXPECT_EQ(SizeSeenByTill(other.cards[0].card_number), 2);
    EXPECT_EQ(SizeSeenByTill(heir.cards[0].card_number), 1);

    // Erasure's order: the places and cards go, then the person is emptied (R_PRIV_3).
    Sql("DELETE FROM household_members WHERE member_id = " + std::to_string(p1.member.id));
    Sql("DELETE FROM cards WHERE member_id = " + std::to_string(p1.member.id));
    ExpectInStep("a member's cards deleted");
    EXPECT_TRUE(Fails(service_->IdentifyByCard(ordered->card_number), ErrorCode::kNotFound));
}

TEST_P(TillCardsTest, StaysInStepWhenOneHouseholdChangesFromSeveralThreadsAtOnce_R_HH_3) {
    MemberView owner = Register(1970);
    std::vector<RegisterInput> people;
    for (int i = 0; i < 8; ++i) people.push_back(Se(1980 + i));
    std::vector<std::thread> threads;
    std::atomic<bool> adding{true};
    std::thread till([&] {  // a till asking all the while, from the copy
        while (adding.load()) EXPECT_TRUE(IsOk(service_->IdentifyByCard(owner.cards[0].card_number)));
    });
    for (auto& person : people)
        threads.emplace_back([&, person]() mutable {
            ParticipantInput p;
            person.share_paid_minor = 0;
            person.home_store_code.clear();
            p.person = person;
            EXPECT_TRUE(IsOk(service_->AddParticipant(*owner.member.member_number, p, kActor)));
        });
    for (auto& t : threads) t.join();
    adding.store(false);
    till.join();
    ExpectInStep("eight participants added at once");
    EXPECT_EQ(SizeSeenByTill(owner.cards[0].card_number), 9);
}

TEST_P(TillCardsTest, AreWrittenByTheGeneratorsBulkLoadWhichPutsTheTriggersBack_R_CARD_2) {
    MemberView before = Register(1970);
    GenerateOptions options;
    options.members = 300;
    EXPECT_EQ(GenerateMembers(*db_, markets_, national_id_key_, clock_, options).members, 300);
    // The bulk fill wrote no change per card, only that it happened: the copy reads everything again, and
    // meanwhile the database answers.
    EXPECT_EQ(CopyFinds(before.cards[0].card_number), TillCardTable::Found::kAskDatabase);
    EXPECT_FALSE(cache_->ready());
    EXPECT_TRUE(IsOk(service_->IdentifyByCard(before.cards[0].card_number)));
    cache_->Reload();
    EXPECT_TRUE(cache_->ready());
    ExpectInStep("andel generate");
    EXPECT_EQ(Rows(kTable).size(), 301u);
    // The triggers are back: a change after the load reaches the till.
    ASSERT_TRUE(IsOk(service_->BlockCard(before.cards[0].card_number, "lost", kActor)));
    ExpectInStep("a card blocked after the load");
    EXPECT_EQ(Rows(kTable).size(), 300u);
}

TEST_P(TillCardsTest, TheCopyInMemoryFollowsAnotherNodesChangesWhenItNextReads_R_CARD_2) {
    MemberView member = Register(1970);
    Register(1971);
    const std::string card = member.cards[0].card_number;
    EXPECT_EQ(CopyFinds(card), TillCardTable::Found::kYes);
    // Another node (or a command on the same file) blocks the card: this process wrote nothing, so the copy
    // learns of it when it next reads (every poll_every in `andel serve`), not before.
    auto other = store::Open(url_);
    other->Write()->Execute("UPDATE cards SET status = 'blocked' WHERE card_number = $1",
                            {store::Text(card)});
    EXPECT_EQ(CopyFinds(card), TillCardTable::Found::kYes);
    cache_->CatchUp();
    EXPECT_EQ(CopyFinds(card), TillCardTable::Found::kNo);
    EXPECT_TRUE(Fails(service_->IdentifyByCard(card), ErrorCode::kNotFound));
    ExpectInStep("a card blocked by another node");
}

TEST_P(TillCardsTest,
       ACopyThatMissedPrunedChangesReadsEverythingAgainAndTheDatabaseAnswersMeanwhile_R_CARD_2) {
    MemberView a = Register(1970);
    MemberView b = Register(1971);
    auto other = store::Open(url_);
    auto prune_all = [&] {
        store::Transaction tx(*other);
        int64_t gone = store::MembershipRepository(tx.conn()).PruneTillCardChanges(INT64_MAX);
        tx.Commit();
        return gone;
    };
    // Pruning what the copy has already read changes nothing for it.
    cache_->CatchUp();
    EXPECT_GT(prune_all(), 0);
    cache_->CatchUp();
    EXPECT_TRUE(cache_->ready());
    EXPECT_EQ(CopyFinds(a.cards[0].card_number), TillCardTable::Found::kYes);

    // Another node blocks a card and every change is pruned before this copy read it.
    other->Write()->Execute("UPDATE cards SET status = 'blocked' WHERE card_number = $1",
                            {store::Text(a.cards[0].card_number)});
    EXPECT_GT(prune_all(), 0);
    cache_->CatchUp();
    EXPECT_FALSE(cache_->ready());
    EXPECT_EQ(CopyFinds(b.cards[0].card_number), TillCardTable::Found::kAskDatabase);
    EXPECT_TRUE(Fails(service_->IdentifyByCard(a.cards[0].card_number), ErrorCode::kNotFound));
    EXPECT_TRUE(IsOk(service_->IdentifyByCard(b.cards[0].card_number)));
    cache_->Reload();
    EXPECT_TRUE(cache_->ready());
    EXPECT_EQ(CopyFinds(a.cards[0].card_number), TillCardTable::Found::kNo);
    ExpectInStep("a reading after pruned changes");
}

TEST_P(TillCardsTest, TheCopyInMemoryStartsAndFollowsOnItsOwnThread_R_CARD_2) {
    MemberView member = Register(1970);
    TillCardCache::Options options;
    options.poll_every = std::chrono::milliseconds(5);
    TillCardCache running(*db_, options);
    EXPECT_FALSE(running.ready());  // until its thread has read the table, the database answers
    store::TillIdentityRecord seen;
    EXPECT_EQ(running.Find(std::stoll(member.cards[0].card_number), seen),
              TillCardTable::Found::kAskDatabase);
    running.Start();
    auto other = store::Open(url_);
    other->Write()->Execute("UPDATE persons SET first_name = 'Greta' WHERE id = $1",
                            {store::Int(member.member.person_id)});
    // Another node's change arrives within a few polls, without this process asking.
    std::string name;
    for (int i = 0; i < 400 && name != "Greta"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        if (running.ready() &&
            running.Find(std::stoll(member.cards[0].card_number), seen) == TillCardTable::Found::kYes)
            name = seen.first_name;
    }
    EXPECT_EQ(name, "Greta");
}

INSTANTIATE_TEST_SUITE_P(Engines, TillCardsTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
