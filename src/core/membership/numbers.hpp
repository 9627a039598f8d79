#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace andel::core {

// Member numbers (R_MEM_6): 8 digits, a 7-digit body and a GS1 mod-10 check digit, the scheme of EAN-8,
// so the number prints as an EAN-8 barcode on cards and receipts and a mistyped digit is caught. The demo
// member's 33216744 is such a number (body 3321674, check digit 4).
char Gs1CheckDigit(std::string_view body);
std::string MemberNumberFromBody(int64_t body);  // body in [1 000 000, 9 999 999]
bool IsValidMemberNumber(std::string_view number);

// Card numbers (R_CARD_1): 16 digits, prefix "6047", an 11-digit serial and a Luhn check digit.
char LuhnCheckDigit(std::string_view body);
std::string CardNumberFromSerial(int64_t serial);
bool IsValidCardNumber(std::string_view number);

bool AllDigits(std::string_view s);

}  // namespace andel::core
