#include "core/membership/national_id.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace andel::core {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

constexpr Date kToday{year{2026}, month{5}, day{10}};

Date D(int y, unsigned m, unsigned d) { return Date{year{y}, month{m}, day{d}}; }

// The check digits below were computed by hand (and cross-checked with an independent script) with each
// market's published algorithm; none of these numbers belongs to a known real person.

void ExpectParsed(std::string_view market, std::string_view text, const std::string& normalized, Date birth,
                  Date today = kToday) {
    Result<NationalId> r = ParseNationalId(market, text, today);
    ASSERT_TRUE(r.ok()) << market << " " << text << ": " << r.error().detail;
    EXPECT_EQ(r->normalized, normalized) << text;
    EXPECT_EQ(r->birth_date, birth) << text;
}

void ExpectRejected(std::string_view market, std::string_view text, Date today = kToday) {
    Result<NationalId> r = ParseNationalId(market, text, today);
    ASSERT_FALSE(r.ok()) << market << " " << text << " was accepted as " << r->normalized;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(r.error().field, "national_id");
}

// --- SE personnummer ---------------------------------------------------------------------------------

TEST(NationalId, SwedishTestPersonnummerInEveryForm) {
    // 811218-9876: Luhn over 811218987 (weights 2,1,...): 7+1+2+2+2+8+9+8+5 = 44 -> 6.
    ExpectParsed("se", "811218-9876", "198112189876", D(1981, 12, 18));
    ExpectParsed("se", "8112189876", "198112189876", D(1981, 12, 18));
    ExpectParsed("se", "19811218-9876", "198112189876", D(1981, 12, 18));
    ExpectParsed("se", "198112189876", "198112189876", D(1981, 12, 18));
    ExpectParsed("se", " 811218 9876 ", "198112189876", D(1981, 12, 18));
}

TEST(NationalId, SwedishWrongCheckDigitIsRejected) {
    for (char c = '0'; c <= '9'; ++c) {
        if (c == '6') continue;
        std::string text = "811218-987";
        text.push_back(c);
        ExpectRejected("se", text);
        ExpectRejected("se", "19" + text);
    }
    ExpectRejected("se", "811218-9867");  // adjacent digits swapped
}

TEST(NationalId, SwedishCheckDigitIgnoresCentury) {
    // The Luhn digit covers only the last 10 digits, so 18/19/20 before 811218-9876 all check; the century
    // chosen decides the birth date.
    ExpectParsed("se", "18811218-9876", "188112189876", D(1881, 12, 18));
    ExpectRejected("se", "20811218-9876");  // 2081: in the future
}

TEST(NationalId, SwedishCenturyIsMostRecentYearNotInFuture) {
    ExpectParsed("se", "260101-1238", "202601011238", D(2026, 1, 1));  // this year, already past
    ExpectParsed("se", "000101-1238", "200001011238", D(2000, 1, 1));
    ExpectParsed("se", "991231-1231", "199912311231", D(1999, 12, 31));
    ExpectParsed("se", "270101-1237", "192701011237", D(1927, 1, 1));  // 2027 is next year: 1927
    ExpectParsed("se", "190101-1237", "201901011237", D(2019, 1, 1));
}

TEST(NationalId, SwedishPlusMarksHundredYearsOrMore) {
    ExpectParsed("se", "811218+9876", "188112189876", D(1881, 12, 18));
    ExpectParsed("se", "260101+1238", "192601011238", D(1926, 1, 1));
    // '+' is used from the calendar year the person turns 100, so one born 1926-06-01 already has it.
    ExpectParsed("se", "260601+1233", "192606011233", D(1926, 6, 1));
    ExpectParsed("se", "270101+1237", "182701011237", D(1827, 1, 1));
}

TEST(NationalId, SwedishFutureBirthDateIsRefused) {
    // 2026-06-01 is later this year: with '-' the person would be unborn (with '+' it is 1926, above).
    ExpectRejected("se", "260601-1233");
    ExpectRejected("se", "202606011233");
    ExpectParsed("se", "260601-1233", "202606011233", D(2026, 6, 1), D(2026, 6, 1));  // born today
}

TEST(NationalId, SwedishSamordningsnummer) {
    // Day + 60: 850761 is born 1985-07-01.
    ExpectParsed("se", "850761-1237", "198507611237", D(1985, 7, 1));
    ExpectRejected("se", "850761-1238");
}

TEST(NationalId, SwedishInvalidCalendarDateIsRefused) {
    ExpectParsed("se", "240229-1237", "202402291237", D(2024, 2, 29));  // leap year
    ExpectRejected("se", "250229-1236");                                // no 29 February in 2025
    ExpectRejected("se", "811318-9875");                                // month 13 (Luhn-valid)
}

TEST(NationalId, SwedishWrongLengthOrCharactersIsRefused) {
    ExpectRejected("se", "");
    ExpectRejected("se", "-");
    ExpectRejected("se", "81121-9876");
    ExpectRejected("se", "811218-98765");
    ExpectRejected("se", "1981121898761");
    ExpectRejected("se", "81121X-9876");
    ExpectRejected("se", "811218/9876");
    ExpectRejected("se", "811218--9876");             // two separators
    ExpectRejected("se", "811218-+9876");             // two separators
    ExpectRejected("se", "811218-9876    00000000");  // longer than 20 characters
}

// --- NO fødselsnummer --------------------------------------------------------------------------------

TEST(NationalId, NorwegianFodselsnummer) {
    // 010107 501: k1 = 11 - (0*3+1*7+0*6+1*1+0*8+7*9+5*4+0*5+1*2) % 11 = 11 - 93 % 11 = 6;
    // k2 = 11 - (0*5+1*4+0*3+1*2+0*7+7*6+5*5+0*4+1*3+6*2) % 11 = 11 - 88 % 11 = 11 -> 0.
    // Individual number 501 with year 07: born 2007.
    ExpectParsed("no", "01010750160", "01010750160", D(2007, 1, 1));
    ExpectParsed("no", "010107 50160", "01010750160", D(2007, 1, 1));
    ExpectParsed("no", "15058512343", "15058512343", D(1985, 5, 15));  // individual 123: 1900s
    ExpectParsed("no", "29022050034", "29022050034", D(2020, 2, 29));
}

TEST(NationalId, NorwegianWrongCheckDigitsAreRejected) {
    ExpectRejected("no", "01010750161");  // second check digit
    ExpectRejected("no", "01010750170");  // first check digit
    ExpectRejected("no", "01010750106");  // both swapped
    ExpectRejected("no", "01010750000");  // 010107500 has no first check digit (it would be 10)
    ExpectRejected("no", "01012750200");  // 010127502 likewise
}

TEST(NationalId, NorwegianCenturyFromIndividualNumber) {
    ExpectParsed("no", "31129949980", "31129949980", D(1999, 12, 31));  // 000-499: 1900-1999
    ExpectParsed("no", "01015560041", "01015560041", D(1855, 1, 1));    // 500-749, 54-99: 1854-1899
    ExpectParsed("no", "01016095040", "01016095040", D(1960, 1, 1));    // 900-999, 40-99: 1940-1999
    ExpectParsed("no", "01012050190", "01012050190", D(2020, 1, 1));    // 500-999, 00-39: 2000-2039
}

TEST(NationalId, NorwegianDNumber) {
    // Day + 40: 410107 is born 2007-01-01; the D-number is kept as given.
    ExpectParsed("no", "41010750154", "41010750154", D(2007, 1, 1));
    ExpectRejected("no", "41010750160");  // the fødselsnummer's check digits do not fit the D-number
}

TEST(NationalId, NorwegianFutureOrInvalidBirthDateIsRefused) {
    ExpectRejected("no", "01012750036");  // individual 500, year 27: 2027-01-01
    ExpectRejected("no", "29022150055");  // 2021-02-29
}

TEST(NationalId, NorwegianWrongLengthOrPlusIsRefused) {
    ExpectRejected("no", "0101075016");
    ExpectRejected("no", "010107501600");
    ExpectRejected("no", "010107+50160");  // '+' is Swedish only
    ExpectRejected("no", "0101075016a");
}

// --- DK CPR ------------------------------------------------------------------------------------------

TEST(NationalId, DanishCpr) {
    ExpectParsed("dk", "010180-1234", "0101801234", D(1980, 1, 1));
    ExpectParsed("dk", "0101801234", "0101801234", D(1980, 1, 1));
    ExpectParsed("dk", "010180 1234", "0101801234", D(1980, 1, 1));
}

TEST(NationalId, DanishCenturyFromSeventhDigit) {
    // 0-3: 1900-1999.
    ExpectParsed("dk", "010100-0123", "0101000123", D(1900, 1, 1));
    ExpectParsed("dk", "311299-3999", "3112993999", D(1999, 12, 31));
    // 4 and 9: 00-36 -> 2000s, 37-99 -> 1900s.
    ExpectParsed("dk", "010126-4123", "0101264123", D(2026, 1, 1));
    ExpectParsed("dk", "010137-4123", "0101374123", D(1937, 1, 1));
    ExpectParsed("dk", "010110-9000", "0101109000", D(2010, 1, 1));
    ExpectParsed("dk", "010137-9123", "0101379123", D(1937, 1, 1));
    // 5-8: 00-57 -> 2000s, 58-99 -> 1800s.
    ExpectParsed("dk", "010120-5123", "0101205123", D(2020, 1, 1));
    ExpectParsed("dk", "010158-5123", "0101585123", D(1858, 1, 1));
    ExpectParsed("dk", "010180-8123", "0101808123", D(1880, 1, 1));
    ExpectParsed("dk", "010100-6123", "0101006123", D(2000, 1, 1));
}

TEST(NationalId, DanishFutureBirthDateIsRefused) {
    ExpectRejected("dk", "010136-4123");                              // 2036
    ExpectRejected("dk", "010136-9000");                              // 2036
    ExpectRejected("dk", "010157-5123");                              // 2057
    ExpectRejected("dk", "110526-4123");                              // 2026-05-11, tomorrow
    ExpectParsed("dk", "100526-4123", "1005264123", D(2026, 5, 10));  // today
}

TEST(NationalId, DanishInvalidCalendarDateIsRefused) {
    ExpectParsed("dk", "290200-4123", "2902004123", D(2000, 2, 29));
    ExpectRejected("dk", "290200-1234");  // 1900 was no leap year
    ExpectRejected("dk", "310499-1234");
    ExpectRejected("dk", "011399-1234");
    ExpectRejected("dk", "000199-1234");
}

TEST(NationalId, DanishWrongLengthOrPlusIsRefused) {
    ExpectRejected("dk", "010180-123");
    ExpectRejected("dk", "010180-12345");
    ExpectRejected("dk", "010180+1234");
    ExpectRejected("dk", "O10180-1234");  // letter O
}

TEST(NationalId, UnknownMarketIsRefused) {
    ExpectRejected("fi", "010180-1234");
    ExpectRejected("", "010180-1234");
    ExpectRejected("SE", "811218-9876");  // market codes are lower case
}

}  // namespace
}  // namespace andel::core

namespace andel::core {
namespace {

TEST(NationalId, NorwegianIndividualNumberMustFitTheBirthYear) {
    // Individual numbers 750-899 are issued only for births 1855-1899 (with 500-749) or 2000-2039.
    Date today{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{23}};
    for (int ind = 750; ind <= 899; ++ind) {
        // Build DDMMYY=010150 with individual `ind` and valid check digits, if any exist for it.
        std::string body = "010150" + std::to_string(ind);
        static const int k1[] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
        static const int k2[] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
        int s1 = 0;
        for (int k = 0; k < 9; ++k) s1 += (body[k] - '0') * k1[k];
        int c1 = (11 - s1 % 11) % 11;
        if (c1 == 10) continue;
        body.push_back(static_cast<char>('0' + c1));
        int s2 = 0;
        for (int k = 0; k < 10; ++k) s2 += (body[k] - '0') * k2[k];
        int c2 = (11 - s2 % 11) % 11;
        if (c2 == 10) continue;
        body.push_back(static_cast<char>('0' + c2));
        EXPECT_FALSE(ParseNationalId("no", body, today).ok()) << body;
    }
}

}  // namespace
}  // namespace andel::core
