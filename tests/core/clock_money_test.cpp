#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>

#include "core/clock.hpp"
#include "core/money.hpp"

namespace andel::core {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

Date D(int y, unsigned m, unsigned d) { return Date{year{y}, month{m}, day{d}}; }

Timestamp At(std::string_view text) {
    Timestamp t{};
    EXPECT_TRUE(ParseTimestamp(text, t)) << text;
    return t;
}

// --- Clock: ages ---------------------------------------------------------------------------------------

TEST(Clock, AgeCountsTheBirthday) {
    EXPECT_EQ(AgeOn(D(2008, 11, 23), D(2026, 11, 23)), 18);
    EXPECT_EQ(AgeOn(D(2008, 11, 23), D(2026, 11, 22)), 17);
    EXPECT_EQ(AgeOn(D(2008, 11, 23), D(2026, 11, 24)), 18);
    EXPECT_EQ(AgeOn(D(2008, 11, 23), D(2008, 11, 23)), 0);
    EXPECT_EQ(AgeOn(D(2008, 11, 23), D(2009, 11, 22)), 0);
    EXPECT_EQ(AgeOn(D(2008, 12, 31), D(2026, 1, 1)), 17);
    EXPECT_EQ(AgeOn(D(2008, 1, 1), D(2026, 12, 31)), 18);
}

TEST(Clock, LeapDayBirthdayFallsOnFirstOfMarch) {
    EXPECT_EQ(AgeOn(D(2008, 2, 29), D(2026, 2, 28)), 17);
    EXPECT_EQ(AgeOn(D(2008, 2, 29), D(2026, 3, 1)), 18);
    EXPECT_EQ(AgeOn(D(2008, 2, 29), D(2028, 2, 28)), 19);
    EXPECT_EQ(AgeOn(D(2008, 2, 29), D(2028, 2, 29)), 20);
}

TEST(Clock, UtcDateOfTimestamp) {
    EXPECT_EQ(UtcDate(FromMillis(0)), D(1970, 1, 1));
    EXPECT_EQ(UtcDate(At("2026-11-23T23:59:59.999Z")), D(2026, 11, 23));
    EXPECT_EQ(UtcDate(At("2026-11-24T00:30:00+01:00")), D(2026, 11, 23));
    EXPECT_EQ(UtcDate(FromMillis(-1)), D(1969, 12, 31));
}

TEST(Clock, FixedClockIsSetAndAdvancedByHand) {
    FixedClock clock(At("2026-11-23T16:06:23Z"));
    EXPECT_EQ(FormatTimestamp(clock.Now()), "2026-11-23T16:06:23.000Z");
    clock.Advance(std::chrono::hours{24});
    EXPECT_EQ(FormatTimestamp(clock.Now()), "2026-11-24T16:06:23.000Z");
    clock.Set(FromMillis(0));
    EXPECT_EQ(ToMillis(clock.Now()), 0);
}

// --- Clock: dates --------------------------------------------------------------------------------------

TEST(Clock, FormatDatePadsWithZeros) {
    EXPECT_EQ(FormatDate(D(2026, 1, 5)), "2026-01-05");
    EXPECT_EQ(FormatDate(D(2026, 11, 23)), "2026-11-23");
    EXPECT_EQ(FormatDate(D(999, 1, 1)), "0999-01-01");
}

TEST(Clock, ParseDateAcceptsValidCalendarDates) {
    Date d;
    ASSERT_TRUE(ParseDate("2026-11-23", d));
    EXPECT_EQ(d, D(2026, 11, 23));
    ASSERT_TRUE(ParseDate("2024-02-29", d));
    EXPECT_EQ(d, D(2024, 2, 29));
    ASSERT_TRUE(ParseDate("2000-02-29", d));
    EXPECT_EQ(d, D(2000, 2, 29));
    ASSERT_TRUE(ParseDate("0001-01-01", d));
    EXPECT_EQ(d, D(1, 1, 1));
}

TEST(Clock, ParseDateRefusesAnythingElse) {
    const Date before = D(2000, 1, 1);
    for (std::string_view text :
         {"", "2026-11-2", "2026-1-23", "2026-11-233", "2026/11/23", "2026-11-23T00:00:00Z", " 2026-11-23",
          "2026-11-23 ", "+026-11-23", "2026-+1-23", "2026-11--3", "abcd-ef-gh", "2026-13-01", "2026-00-10",
          "2026-11-00", "2026-11-31", "2026-02-29", "1900-02-29"}) {
        Date d = before;
        EXPECT_FALSE(ParseDate(text, d)) << text;
        EXPECT_EQ(d, before) << text;  // untouched on failure
    }
}

TEST(Clock, DateRoundTrips) {
    for (Date d : {D(2026, 11, 23), D(2024, 2, 29), D(1970, 1, 1), D(9999, 12, 31)}) {
        Date back;
        ASSERT_TRUE(ParseDate(FormatDate(d), back));
        EXPECT_EQ(back, d);
    }
}

// --- Clock: timestamps ---------------------------------------------------------------------------------

TEST(Clock, FormatTimestampIsUtcWithMilliseconds) {
    EXPECT_EQ(FormatTimestamp(FromMillis(0)), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(FormatTimestamp(FromMillis(1)), "1970-01-01T00:00:00.001Z");
    EXPECT_EQ(FormatTimestamp(FromMillis(86'399'999)), "1970-01-01T23:59:59.999Z");
    // 2026-11-23 is day 20 780 after the epoch.
    EXPECT_EQ(FormatTimestamp(FromMillis(20'780LL * 86'400'000 + 16 * 3'600'000 + 6 * 60'000 + 23'042)),
              "2026-11-23T16:06:23.042Z");
    EXPECT_EQ(FormatTimestamp(FromMillis(-1)), "1969-12-31T23:59:59.999Z");
}

TEST(Clock, ParseTimestampInUtc) {
    EXPECT_EQ(ToMillis(At("1970-01-01T00:00:00Z")), 0);
    EXPECT_EQ(ToMillis(At("1970-01-01T00:00:00.000Z")), 0);
    EXPECT_EQ(ToMillis(At("1970-01-01T00:00:01.5Z")), 1'500);
    EXPECT_EQ(ToMillis(At("1970-01-01T00:00:01.25Z")), 1'250);
    EXPECT_EQ(ToMillis(At("1970-01-01T00:00:01.123456Z")), 1'123);  // beyond milliseconds: truncated
    EXPECT_EQ(At("2026-11-23t16:06:23z"), At("2026-11-23T16:06:23Z"));
    EXPECT_EQ(At("2026-11-23 16:06:23Z"), At("2026-11-23T16:06:23Z"));
    EXPECT_EQ(FormatTimestamp(At("2026-11-23T16:06:23.042Z")), "2026-11-23T16:06:23.042Z");
}

TEST(Clock, ParseTimestampWithOffsets) {
    const Timestamp utc = At("2026-11-23T16:06:23Z");
    EXPECT_EQ(At("2026-11-23T17:06:23+01:00"), utc);  // Europe/Stockholm in winter
    EXPECT_EQ(At("2026-11-23T11:06:23-05:00"), utc);
    EXPECT_EQ(At("2026-11-23T21:36:23+05:30"), utc);
    EXPECT_EQ(At("2026-11-23T16:06:23+00:00"), utc);
    EXPECT_EQ(At("2026-11-23T16:06:23-00:00"), utc);
    EXPECT_EQ(At("2026-11-23T17:06:23.000+01:00"), utc);
    // Offsets that move the UTC date.
    EXPECT_EQ(FormatTimestamp(At("2026-11-24T00:30:00+01:00")), "2026-11-23T23:30:00.000Z");
    EXPECT_EQ(FormatTimestamp(At("2026-12-31T23:30:00-01:00")), "2027-01-01T00:30:00.000Z");
    EXPECT_EQ(FormatTimestamp(At("2024-03-01T00:59:59.999+02:00")), "2024-02-29T22:59:59.999Z");
}

TEST(Clock, ParseTimestampRefusesBadInput) {
    for (std::string_view text : {
             "",
             "2026-11-23",
             "2026-11-23T16:06:23",         // no zone
             "2026-11-23T16:06Z",           // no seconds
             "2026-11-23X16:06:23Z",        // bad separator
             "2026-11-23T16-06-23Z",        // bad time separators
             "2026-11-23T24:00:00Z",        // hour 24
             "2026-11-23T16:60:00Z",        // minute 60
             "2026-11-23T16:06:61Z",        // second 61
             "2026-02-30T16:06:23Z",        // no such day
             "2026-11-23T16:06:23.Z",       // dot without digits
             "2026-11-23T16:06:23.12aZ",    // junk in the fraction
             "2026-11-23T16:06:23ZZ",       // trailing junk
             "2026-11-23T16:06:23Z ",       // trailing space
             "2026-11-23T16:06:23+0100",    // offset without colon
             "2026-11-23T16:06:23+01",      // offset without minutes
             "2026-11-23T16:06:23+01:00Z",  // offset and Z
             "2026-11-23T16:06:23+24:00",   // offset hour 24
             "2026-11-23T16:06:23+01:60",   // offset minute 60
             "2026-11-23T16:06:23+-1:00",   // sign inside the offset
             "2026-11-23T1a:06:23Z",
             "2026-11-23T+1:06:23Z",
         }) {
        Timestamp t = FromMillis(42);
        EXPECT_FALSE(ParseTimestamp(text, t)) << text;
        EXPECT_EQ(ToMillis(t), 42) << text;  // untouched on failure
    }
}

TEST(Clock, TimestampRoundTrips) {
    for (int64_t ms : {0LL, 1LL, 999LL, 1'795'449'983'042LL, 253'402'300'799'999LL, -86'400'000LL}) {
        Timestamp back;
        ASSERT_TRUE(ParseTimestamp(FormatTimestamp(FromMillis(ms)), back)) << ms;
        EXPECT_EQ(ToMillis(back), ms);
    }
}

// --- Money: basis points, half-even --------------------------------------------------------------------

TEST(Money, PartnerBonusExamples_R_PART_3) {
    EXPECT_EQ(ApplyBasisPoints(30000'00, 500), 1500'00);  // 30 000 DKK at 5 % -> 1 500 DKK
    EXPECT_EQ(ApplyBasisPoints(2000'00, 500), 100'00);    // 2 000 DKK at 5 % -> 100 DKK
}

TEST(Money, DividendExamples_R_BON_7) {
    EXPECT_EQ(ApplyBasisPoints(12345'67, 300), 370'37);  // 370.3701 -> 370.37
    EXPECT_EQ(ApplyBasisPoints(12345'67, 100), 123'46);  // 123.4567 -> 123.46
}

TEST(Money, ExactAndTrivialRates) {
    EXPECT_EQ(ApplyBasisPoints(0, 500), 0);
    EXPECT_EQ(ApplyBasisPoints(12345, 0), 0);
    EXPECT_EQ(ApplyBasisPoints(12345, 10000), 12345);  // 100 %
    EXPECT_EQ(ApplyBasisPoints(12345, 20000), 24690);  // 200 %
    EXPECT_EQ(ApplyBasisPoints(100, 1), 0);            // 0.01 minor
}

TEST(Money, RoundsHalfToEven) {
    EXPECT_EQ(ApplyBasisPoints(50, 100), 0);   // 0.5 -> 0
    EXPECT_EQ(ApplyBasisPoints(150, 100), 2);  // 1.5 -> 2
    EXPECT_EQ(ApplyBasisPoints(250, 100), 2);  // 2.5 -> 2
    EXPECT_EQ(ApplyBasisPoints(350, 100), 4);  // 3.5 -> 4
    EXPECT_EQ(ApplyBasisPoints(450, 100), 4);  // 4.5 -> 4
    EXPECT_EQ(ApplyBasisPoints(1, 5000), 0);   // 0.5 -> 0
    EXPECT_EQ(ApplyBasisPoints(3, 5000), 2);   // 1.5 -> 2
}

TEST(Money, RoundsOtherFractionsToNearest) {
    EXPECT_EQ(ApplyBasisPoints(249, 100), 2);  // 2.49
    EXPECT_EQ(ApplyBasisPoints(251, 100), 3);  // 2.51
    EXPECT_EQ(ApplyBasisPoints(49, 100), 0);   // 0.49
    EXPECT_EQ(ApplyBasisPoints(51, 100), 1);   // 0.51
    EXPECT_EQ(ApplyBasisPoints(1, 4999), 0);   // 0.4999
    EXPECT_EQ(ApplyBasisPoints(1, 5001), 1);   // 0.5001
    EXPECT_EQ(ApplyBasisPoints(1, 9999), 1);   // 0.9999
}

TEST(Money, NegativeAmountsRoundSymmetrically) {
    EXPECT_EQ(ApplyBasisPoints(-30000'00, 500), -1500'00);  // a returned partner purchase
    EXPECT_EQ(ApplyBasisPoints(-50, 100), 0);               // -0.5 -> 0
    EXPECT_EQ(ApplyBasisPoints(-150, 100), -2);             // -1.5 -> -2
    EXPECT_EQ(ApplyBasisPoints(-250, 100), -2);             // -2.5 -> -2
    EXPECT_EQ(ApplyBasisPoints(-350, 100), -4);             // -3.5 -> -4
    EXPECT_EQ(ApplyBasisPoints(-249, 100), -2);
    EXPECT_EQ(ApplyBasisPoints(-251, 100), -3);
    EXPECT_EQ(ApplyBasisPoints(-1, 5001), -1);
    EXPECT_EQ(ApplyBasisPoints(350, -100), -4);  // a negative rate likewise
    EXPECT_EQ(ApplyBasisPoints(-350, -100), 4);
    for (int64_t a : {1LL, 49LL, 50LL, 51LL, 150LL, 250LL, 12345'67LL})
        for (BasisPoints bp : {1LL, 100LL, 300LL, 500LL, 5000LL})
            EXPECT_EQ(ApplyBasisPoints(-a, bp), -ApplyBasisPoints(a, bp)) << a << " at " << bp;
}

TEST(Money, LargeAmountsDoNotOverflow) {
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    EXPECT_EQ(ApplyBasisPoints(kMax, 10000), kMax);
    EXPECT_EQ(ApplyBasisPoints(kMax, 5000), kMax / 2 + 1);  // 4 611 686 018 427 387 903.5 -> ...904 (even)
    EXPECT_EQ(ApplyBasisPoints(-kMax, 10000), -kMax);
    EXPECT_EQ(ApplyBasisPoints(9'000'000'000'000'000'000LL, 500), 450'000'000'000'000'000LL);
}

TEST(Money, MoneyComparesAmountAndCurrency) {
    EXPECT_EQ((Money{100, "SEK"}), (Money{100, "SEK"}));
    EXPECT_NE((Money{100, "SEK"}), (Money{100, "NOK"}));
    EXPECT_NE((Money{100, "SEK"}), (Money{101, "SEK"}));
}

}  // namespace
}  // namespace andel::core
