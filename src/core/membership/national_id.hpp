#pragma once
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace andel::core {

// A national identity number, normalised so one person always gives the same text (and so the same keyed
// hash, which is all Andel stores of it):
// - SE personnummer: 12 digits YYYYMMDDNNNC; accepts YYMMDD-NNNC / YYMMDD+NNNC (century from the separator
//   and today) and YYYYMMDD-NNNC; Luhn check over the last 10 digits; day + 60 (samordningsnummer) allowed.
// - NO fødselsnummer: 11 digits DDMMYYNNNCC with both mod-11 check digits; D-numbers (day + 40) allowed.
// - DK CPR: 10 digits DDMMYY-SSSS; century from the 7th digit per the CPR office's table; no checksum
//   (dropped in 2007).
struct NationalId {
    std::string normalized;
    Date birth_date;
};

Result<NationalId> ParseNationalId(std::string_view market, std::string_view text, Date today);

}  // namespace andel::core
