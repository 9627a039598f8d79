// till_cards (migration 0025), the one-row-per-active-card table a till's look-up by card reads (R_CARD_2):
// after every kind of change to its sources, on SQLite and PostgreSQL, it holds exactly what the seven-table
// join says, and the till sees the change at once.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/config.hpp"
#include "app/demo/generator.hpp"
#include "app/membership/membership_service.hpp"
#include "app/service_test_support.hpp"
#include "core/membership/numbers.hpp"
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
        db_ = test::FreshDatabase(GetParam());
        EnsureReferenceData(*db_, markets_, core::ToMillis(clock_.Now()));
        service_ = std::make_unique<MembershipService>(*db_, clock_, markets_, config->national_id_key);
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
    // till_cards equals its sources; `what` says after which change.
    void ExpectInStep(const std::string& what) {
        auto sources = Rows(kSources);
        EXPECT_EQ(Rows(kTable), sources) << "after " << what;
        EXPECT_FALSE(sources.empty()) << what;
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
    std::unique_ptr<store::Database> db_;
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
    for (auto& person : people)
        threads.emplace_back([&, person]() mutable {
            ParticipantInput p;
            person.share_paid_minor = 0;
            person.home_store_code.clear();
            p.person = person;
            EXPECT_TRUE(IsOk(service_->AddParticipant(*owner.member.member_number, p, kActor)));
        });
    for (auto& t : threads) t.join();
    ExpectInStep("eight participants added at once");
    EXPECT_EQ(SizeSeenByTill(owner.cards[0].card_number), 9);
}

TEST_P(TillCardsTest, AreWrittenByTheGeneratorsBulkLoadWhichPutsTheTriggersBack_R_CARD_2) {
    MemberView before = Register(1970);
    GenerateOptions options;
    options.members = 300;
    auto config = LoadConfig(test::SourcePath("config"),
                             [](const std::string&) -> std::optional<std::string> { return {}; });
    ASSERT_TRUE(IsOk(config));
    EXPECT_EQ(GenerateMembers(*db_, markets_, config->national_id_key, clock_, options).members, 300);
    ExpectInStep("andel generate");
    EXPECT_EQ(Rows(kTable).size(), 301u);
    // The triggers are back: a change after the load reaches the till.
    ASSERT_TRUE(IsOk(service_->BlockCard(before.cards[0].card_number, "lost", kActor)));
    ExpectInStep("a card blocked after the load");
    EXPECT_EQ(Rows(kTable).size(), 300u);
}

INSTANTIATE_TEST_SUITE_P(Engines, TillCardsTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
