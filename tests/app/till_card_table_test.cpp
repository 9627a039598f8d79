// TillCardTable, the compact table behind the tills' copy of till_cards in memory (R_CARD_2): what goes in
// comes out, removed cards are gone, it grows without losing a card, and a row its 32-byte slot cannot hold
// sends the till to the database instead of answering wrongly.
#include "app/membership/till_card_table.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace andel::app {
namespace {

constexpr int64_t kFirstCard = 6'047'000'000'000'010;

store::TillIdentityRecord Member(int64_t id) {
    store::TillIdentityRecord r;
    r.member_id = id;
    r.member_number = "33216744";
    r.first_name = "Åsa";
    r.kind = "member";
    r.status = "active";
    r.market = "se";
    r.household_id = 7;
    r.household_role = "owner";
    r.owner_member_number = "33216744";
    r.household_size = 3;
    return r;
}

std::string Describe(const store::TillIdentityRecord& t) {
    return std::to_string(t.member_id) + "|" + t.member_number.value_or("-") + "|" + t.first_name + "|" +
           t.kind + "|" + t.status + "|" + t.market + "|" +
           (t.household_id ? std::to_string(*t.household_id) : "-") + "|" + t.household_role.value_or("-") +
           "|" + t.owner_member_number.value_or("-") + "|" + std::to_string(t.household_size);
}

TEST(TillCardTable, GivesBackWhatWasPutWithAndWithoutAHousehold_R_CARD_2) {
    TillCardTable table;
    auto owner = Member(1);
    store::TillIdentityRecord alone = Member(2);
    alone.kind = "customer";
    alone.member_number.reset();
    alone.household_id.reset();
    alone.household_role.reset();
    alone.owner_member_number.reset();
    alone.household_size = 0;
    table.Put(kFirstCard, owner);
    table.Put(kFirstCard + 1, alone);
    store::TillIdentityRecord out;
    ASSERT_EQ(table.Find(kFirstCard, out), TillCardTable::Found::kYes);
    EXPECT_EQ(Describe(out), Describe(owner));
    ASSERT_EQ(table.Find(kFirstCard + 1, out), TillCardTable::Found::kYes);
    EXPECT_EQ(Describe(out), Describe(alone));
    EXPECT_EQ(table.Find(kFirstCard + 2, out), TillCardTable::Found::kNo);
    EXPECT_EQ(table.size(), 2u);

    auto zeros = Member(3);
    zeros.member_number = "00000018";  // leading zeros survive
    table.Put(kFirstCard + 3, zeros);
    ASSERT_EQ(table.Find(kFirstCard + 3, out), TillCardTable::Found::kYes);
    EXPECT_EQ(out.member_number, "00000018");
}

TEST(TillCardTable, ReplacesRemovesAndReusesSlots_R_CARD_1) {
    TillCardTable table;
    table.Put(kFirstCard, Member(1));
    auto blocked = Member(1);
    blocked.status = "ended";
    table.Put(kFirstCard, blocked);  // the same card again: replaced, not added
    EXPECT_EQ(table.size(), 1u);
    store::TillIdentityRecord out;
    ASSERT_EQ(table.Find(kFirstCard, out), TillCardTable::Found::kYes);
    EXPECT_EQ(out.status, "ended");
    table.Remove(kFirstCard);
    table.Remove(kFirstCard);  // twice: nothing happens
    table.Remove(kFirstCard + 99);
    EXPECT_EQ(table.Find(kFirstCard, out), TillCardTable::Found::kNo);
    EXPECT_EQ(table.size(), 0u);
    // Many puts and removes in a small table: removed slots are reused or swept, never a card lost.
    const size_t capacity = table.capacity();
    for (int round = 0; round < 50; ++round) {
        for (int i = 0; i < 40; ++i) table.Put(kFirstCard + round * 100 + i, Member(i + 1));
        for (int i = 0; i < 40; ++i)
            if (i % 4 != 0) table.Remove(kFirstCard + round * 100 + i);
    }
    EXPECT_EQ(table.size(), 500u);
    for (int round = 0; round < 50; ++round)
        for (int i = 0; i < 40; ++i) {
            auto found = table.Find(kFirstCard + round * 100 + i, out);
            ASSERT_EQ(found, i % 4 == 0 ? TillCardTable::Found::kYes : TillCardTable::Found::kNo)
                << round << " " << i;
            if (found == TillCardTable::Found::kYes) {
                EXPECT_EQ(out.member_id, i + 1);
            }
        }
    EXPECT_GT(table.capacity(), capacity);
}

TEST(TillCardTable, GrowsPastItsExpectedSizeKeepingEveryCard_R_CARD_2) {
    TillCardTable table(1'000);
    const size_t first_capacity = table.capacity();
    for (int i = 0; i < 100'000; ++i) table.Put(kFirstCard + i * 10, Member(i + 1));
    EXPECT_EQ(table.size(), 100'000u);
    EXPECT_GT(table.capacity(), first_capacity);
    EXPECT_LT(table.capacity(), 150'000u);  // about 0.8 full after growing
    store::TillIdentityRecord out;
    for (int i = 0; i < 100'000; ++i) {
        ASSERT_EQ(table.Find(kFirstCard + i * 10, out), TillCardTable::Found::kYes) << i;
        ASSERT_EQ(out.member_id, i + 1);
        ASSERT_EQ(table.Find(kFirstCard + i * 10 + 1, out), TillCardTable::Found::kNo) << i;
    }
    // Built for its size, a table is about 0.85 full: 32 bytes a slot.
    TillCardTable sized(100'000);
    EXPECT_LT(sized.capacity() * 32, 100'000u * 38);
}

TEST(TillCardTable, SendsToTheDatabaseWhatItsSlotCannotHold_R_CARD_2) {
    TillCardTable table;
    auto big_id = Member(int64_t{1} << 32);  // beyond 32 bits
    auto big_household = Member(2);
    big_household.household_size = 256;
    auto odd_number = Member(3);
    odd_number.member_number = "1234567";  // not 8 digits
    table.Put(kFirstCard, big_id);
    table.Put(kFirstCard + 1, big_household);
    table.Put(kFirstCard + 2, odd_number);
    auto fits = Member(4);
    fits.household_size = 255;
    table.Put(kFirstCard + 3, fits);
    store::TillIdentityRecord out;
    EXPECT_EQ(table.Find(kFirstCard, out), TillCardTable::Found::kAskDatabase);
    EXPECT_EQ(table.Find(kFirstCard + 1, out), TillCardTable::Found::kAskDatabase);
    EXPECT_EQ(table.Find(kFirstCard + 2, out), TillCardTable::Found::kAskDatabase);
    ASSERT_EQ(table.Find(kFirstCard + 3, out), TillCardTable::Found::kYes);
    EXPECT_EQ(out.household_size, 255);
    // Fifteen kinds fit in their four bits; the sixteenth does not.
    for (int i = 0; i < 15; ++i) {
        auto r = Member(10 + i);
        r.kind = "kind" + std::to_string(i);
        table.Put(kFirstCard + 10 + i, r);
    }
    auto sixteenth = Member(30);
    sixteenth.kind = "kind-sixteen";
    table.Put(kFirstCard + 30, sixteenth);
    EXPECT_EQ(table.Find(kFirstCard + 30, out), TillCardTable::Found::kAskDatabase);
    // 14 kinds of the loop and "member" fill the fifteen: the loop's last is the one that did not fit.
    EXPECT_EQ(table.Find(kFirstCard + 24, out), TillCardTable::Found::kAskDatabase);
    ASSERT_EQ(table.Find(kFirstCard + 23, out), TillCardTable::Found::kYes);
    EXPECT_EQ(out.kind, "kind13");
    // A row that fits again replaces the marker.
    table.Put(kFirstCard, Member(5));
    EXPECT_EQ(table.Find(kFirstCard, out), TillCardTable::Found::kYes);
}

}  // namespace
}  // namespace andel::app
