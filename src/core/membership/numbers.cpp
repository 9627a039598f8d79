#include "core/membership/numbers.hpp"

#include <cstdio>

namespace andel::core {

bool AllDigits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

char Gs1CheckDigit(std::string_view body) {
    // Weights 3,1,3,... from the rightmost digit of the body.
    int sum = 0;
    int weight = 3;
    for (size_t i = body.size(); i-- > 0;) {
        sum += (body[i] - '0') * weight;
        weight = weight == 3 ? 1 : 3;
    }
    return static_cast<char>('0' + (10 - sum % 10) % 10);
}

std::string MemberNumberFromBody(int64_t body) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%07lld", static_cast<long long>(body));
    std::string s(buf);
    s.push_back(Gs1CheckDigit(s));
    return s;
}

bool IsValidMemberNumber(std::string_view number) {
    // Bodies start at 1 000 000, so a valid number never begins with 0.
    return number.size() == 8 && AllDigits(number) && number[0] != '0' &&
           Gs1CheckDigit(number.substr(0, 7)) == number[7];
}

char LuhnCheckDigit(std::string_view body) {
    int sum = 0;
    bool twice = true;  // the digit left of the check digit is doubled
    for (size_t i = body.size(); i-- > 0;) {
        int d = body[i] - '0';
        if (twice) {
            d *= 2;
            if (d > 9) d -= 9;
        }
        sum += d;
        twice = !twice;
    }
    return static_cast<char>('0' + (10 - sum % 10) % 10);
}

std::string CardNumberFromSerial(int64_t serial) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "6047%011lld", static_cast<long long>(serial));
    std::string s(buf);
    s.push_back(LuhnCheckDigit(s));
    return s;
}

bool IsValidCardNumber(std::string_view number) {
    return number.size() == 16 && AllDigits(number) && number.starts_with("6047") &&
           LuhnCheckDigit(number.substr(0, 15)) == number[15];
}

}  // namespace andel::core
