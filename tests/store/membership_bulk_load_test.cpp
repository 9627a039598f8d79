// MembershipBulkLoad (andel generate's writer) on SQLite and PostgreSQL: drawn ids follow what is there and
// what comes after follows them; rows written many to a statement read back as the single inserts would; a
// clash anywhere in the load leaves none of it.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "store/membership/membership_repository.hpp"
#include "test_support.hpp"

namespace andel::store {
namespace {

constexpr int64_t kNow = 1'795'428'000'000;  // 2026-11-23T10:00:00Z

class MembershipBulkLoadTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        db_ = test::FreshDatabase(GetParam());
    }

    static PersonRecord Person(const std::string& hash) {
        PersonRecord p;
        p.market = "se";
        p.national_id_hash = hash;
        p.first_name = "Astrid";
        p.last_name = "Lind";
        p.birth_date = "1980-05-17";
        p.street = "Storgatan 1";
        p.postal_code = "722 11";
        p.city = "Västerås";
        return p;
    }
    int64_t InsertPerson(const std::string& hash) {
        auto c = db_->Write();
        auto id = MembershipRepository(*c).InsertPerson(Person(hash), kNow);
        EXPECT_TRUE(id.ok());
        return id.ok() ? *id : 0;
    }
    int64_t Count(const std::string& table) {
        return db_->Read()->QueryOne("SELECT COUNT(*) FROM " + table)->Int(0);
    }
    // `n` members, each the owner of a household of one, with an active card and its till row.
    static void AddMembers(MembershipBulkLoad& load, int n, const std::string& hash_prefix,
                           std::vector<int64_t>* member_ids_out) {
        auto persons = load.DrawIds("persons", n);
        auto members = load.DrawIds("members", n);
        auto cards = load.DrawIds("cards", n);
        auto households = load.DrawIds("households", n);
        for (int i = 0; i < n; ++i) {
            PersonRecord p = Person(hash_prefix + std::to_string(i));
            p.id = persons[i];
            p.first_name = "Bulk" + std::to_string(i);
            load.AddPerson(p, kNow);
            MemberRecord m;
            m.id = members[i];
            m.person_id = p.id;
            m.member_number = std::to_string(70'000'000 + i);
            m.kind = "member";
            m.status = "active";
            m.market = "se";
            m.joined_at = kNow;
            load.AddMember(m);
            CardRecord c;
            c.id = cards[i];
            c.card_number = std::to_string(6047'0000'0000'0000 + i);
            c.member_id = m.id;
            c.status = "active";
            c.issued_at = kNow;
            load.AddCard(c);
            load.AddHousehold(households[i], m.id, kNow);
            load.AddPlace(households[i], m.id, "owner", kNow);
            TillCardRecord t;
            t.card_number = 6047'0000'0000'0000 + i;
            t.identity = {m.id, m.member_number, p.first_name, "member",        "active",
                          "se", households[i],   "owner",      m.member_number, 1};
            load.AddTillCard(t, m.id);
            if (member_ids_out) member_ids_out->push_back(m.id);
        }
    }

    std::unique_ptr<Database> db_;
};

TEST_P(MembershipBulkLoadTest, WritesManyRowsAStatementWithIdsAfterThoseThereAndBeforeThoseThatFollow) {
    const int64_t first = InsertPerson("hash-before");
    std::vector<int64_t> member_ids;
    {
        Transaction tx(*db_);
        MembershipBulkLoad load(tx.conn());
        // 250 rows: two statements of 100 rows, then 50 of one row.
        AddMembers(load, 250, "bulk-", &member_ids);
        load.Flush();
        tx.Commit();
    }
    EXPECT_EQ(Count("persons"), 251);
    EXPECT_EQ(Count("members"), 250);
    EXPECT_EQ(Count("cards"), 250);
    EXPECT_EQ(Count("households"), 250);
    EXPECT_EQ(Count("household_members"), 250);
    EXPECT_EQ(Count("till_cards"), 250);
    EXPECT_TRUE(std::is_sorted(member_ids.begin(), member_ids.end()));
    EXPECT_EQ(std::set<int64_t>(member_ids.begin(), member_ids.end()).size(), 250u);
    auto low = db_->Read()->QueryOne("SELECT MIN(id), MAX(id) FROM persons WHERE id <> $1", {Int(first)});
    EXPECT_GT(low->Int(0), first);

    // Read back as the single inserts would have written them: the 180th member (a one-row statement's)
    // and the 7th (a hundred-row statement's), with person, card and household place.
    for (int i : {7, 180}) {
        auto c = db_->Read();
        MembershipRepository repo(*c);
        auto m = repo.FindMember(member_ids[i]);
        ASSERT_TRUE(m) << i;
        EXPECT_EQ(m->person.first_name, "Bulk" + std::to_string(i));
        EXPECT_EQ(m->person.city, "Västerås");
        EXPECT_EQ(m->member_number, std::to_string(70'000'000 + i));
        EXPECT_EQ(m->household_role, "owner");
        auto by_card = repo.FindMemberByCard(std::to_string(6047'0000'0000'0000 + i));
        ASSERT_TRUE(by_card) << i;
        EXPECT_EQ(by_card->id, member_ids[i]);
        auto till = repo.FindTillIdentity(MembershipRepository::IdentifyBy::kCard,
                                          std::to_string(6047'0000'0000'0000 + i));
        ASSERT_TRUE(till) << i;
        EXPECT_EQ(till->household_size, 1);
    }
    // The name search key is written as InsertPerson writes it.
    EXPECT_EQ(db_->Read()->QueryOne("SELECT COUNT(*) FROM persons WHERE name_key = 'lind bulk9'")->Int(0), 1);

    // What is inserted afterwards takes ids after the load's (on PostgreSQL the sequence moved on).
    EXPECT_GT(InsertPerson("hash-after"), low->Int(1));
}

TEST_P(MembershipBulkLoadTest, AClashAnywhereInTheLoadLeavesNoneOfIt) {
    InsertPerson("bulk-120");  // the 121st person of the load has the same national id hash
    {
        Transaction tx(*db_);
        MembershipBulkLoad load(tx.conn());
        AddMembers(load, 150, "bulk-", nullptr);
        EXPECT_THROW(load.Flush(), DbError);
    }  // not committed: rolled back
    EXPECT_EQ(Count("persons"), 1);
    EXPECT_EQ(Count("members"), 0);
    EXPECT_EQ(Count("till_cards"), 0);
    // The database takes the next load as if nothing happened.
    {
        Transaction tx(*db_);
        MembershipBulkLoad load(tx.conn());
        AddMembers(load, 3, "other-", nullptr);
        load.Flush();
        tx.Commit();
    }
    EXPECT_EQ(Count("members"), 3);
}

TEST_P(MembershipBulkLoadTest, DrawsIdsOnlyForTheTablesItLoads) {
    Transaction tx(*db_);
    MembershipBulkLoad load(tx.conn());
    EXPECT_THROW(load.DrawIds("till_cards; DROP TABLE persons", 1), DbError);
    EXPECT_EQ(load.DrawIds("cards", 3).size(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Engines, MembershipBulkLoadTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace andel::store
