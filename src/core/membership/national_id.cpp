#include "core/membership/national_id.hpp"

#include "core/membership/numbers.hpp"

namespace andel::core {
namespace {

int Num(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

std::string Digits(std::string_view text, std::string& separator) {
    std::string out;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            out.push_back(c);
        } else if (c == '-' || c == '+') {
            separator.push_back(c);
        } else if (c != ' ') {
            return {};
        }
    }
    return out;
}

bool MakeDate(int y, int m, int d, Date& out) {
    Date date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
              std::chrono::day{static_cast<unsigned>(d)}};
    if (!date.ok()) return false;
    out = date;
    return true;
}

Error Bad(std::string_view what) { return Error::Invalid(std::string(what), "national_id"); }

Result<NationalId> ParseSe(const std::string& digits, const std::string& sep, Date today) {
    std::string full;
    int today_year = static_cast<int>(today.year());
    if (digits.size() == 12) {
        full = digits;
    } else if (digits.size() == 10) {
        // Century: the most recent year not in the future; '+' marks a person aged 100 or more.
        int yy = Num(digits.substr(0, 2));
        int year = (today_year / 100) * 100 + yy;
        if (year > today_year) year -= 100;
        if (sep == "+") year -= 100;
        full = std::to_string(year) + digits.substr(2);
    } else {
        return Bad("a Swedish personnummer has 10 or 12 digits");
    }
    if (LuhnCheckDigit(std::string_view(full).substr(2, 9)) != full[11])
        return Bad("the check digit of the personnummer does not match");
    int day = Num(full.substr(6, 2));
    if (day > 60) day -= 60;  // samordningsnummer
    Date birth;
    if (!MakeDate(Num(full.substr(0, 4)), Num(full.substr(4, 2)), day, birth) || birth > today)
        return Bad("the personnummer does not hold a valid birth date");
    return NationalId{full, birth};
}

Result<NationalId> ParseNo(const std::string& d, Date today) {
    if (d.size() != 11) return Bad("a Norwegian fødselsnummer has 11 digits");
    static const int k1[] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
    static const int k2[] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
    auto check = [&](const int* w, int n) {
        int s = 0;
        for (int i = 0; i < n; ++i) s += (d[i] - '0') * w[i];
        int c = 11 - s % 11;
        return c == 11 ? 0 : c;  // 10 is invalid
    };
    int c1 = check(k1, 9);
    int c2 = check(k2, 10);
    if (c1 == 10 || c2 == 10 || c1 != d[9] - '0' || c2 != d[10] - '0')
        return Bad("the check digits of the fødselsnummer do not match");
    int day = Num(d.substr(0, 2));
    if (day > 40) day -= 40;  // D-number
    int month = Num(d.substr(2, 2));
    int yy = Num(d.substr(4, 2));
    int individual = Num(d.substr(6, 3));
    // Century from the individual number (Skatteetaten): 000-499 1900-1999; 500-749 with 54-99 1855-1899;
    // 500-999 with 00-39 2000-2039; 900-999 with 40-99 1940-1999; other combinations are never issued.
    int year;
    if (individual <= 499) {
        year = 1900 + yy;
    } else if (yy <= 39) {
        year = 2000 + yy;
    } else if (individual <= 749 && yy >= 54) {
        year = 1800 + yy;
    } else if (individual >= 900) {
        year = 1900 + yy;
    } else {
        return Bad("the fødselsnummer's individual number does not fit its birth year");
    }
    Date birth;
    if (!MakeDate(year, month, day, birth) || birth > today)
        return Bad("the fødselsnummer does not hold a valid birth date");
    return NationalId{d, birth};
}

Result<NationalId> ParseDk(const std::string& d, Date today) {
    if (d.size() != 10) return Bad("a Danish CPR number has 10 digits");
    int yy = Num(d.substr(4, 2));
    int seventh = d[6] - '0';
    int year;
    if (seventh <= 3)
        year = 1900 + yy;
    else if (seventh == 4 || seventh == 9)
        year = yy <= 36 ? 2000 + yy : 1900 + yy;
    else
        year = yy <= 57 ? 2000 + yy : 1800 + yy;
    Date birth;
    if (!MakeDate(year, Num(d.substr(2, 2)), Num(d.substr(0, 2)), birth) || birth > today)
        return Bad("the CPR number does not hold a valid birth date");
    return NationalId{d, birth};
}

}  // namespace

Result<NationalId> ParseNationalId(std::string_view market, std::string_view text, Date today) {
    if (text.size() > 20) return Bad("the national id is too long");
    std::string sep;
    std::string digits = Digits(text, sep);
    if (digits.empty()) return Bad("the national id may hold only digits, spaces and one '-' or '+'");
    if (sep.size() > 1) return Bad("the national id has more than one separator");
    if (market == "se") return ParseSe(digits, sep, today);
    if (sep == "+") return Bad("'+' is used only in Swedish personnummer");
    if (market == "no") return ParseNo(digits, today);
    if (market == "dk") return ParseDk(digits, today);
    return Bad("unknown market");
}

}  // namespace andel::core
