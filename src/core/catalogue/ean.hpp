#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace andel::core {

// A product's barcode: a GTIN of 8, 12, 13 or 14 digits with a correct GS1 check digit. Scanners and
// suppliers write the same article with or without leading zeros, so it is kept in one form: GTIN-8 as
// is, the others as 13 digits (a UPC-A gains a leading 0; a GTIN-14 with indicator 0 loses it). Returns
// nullopt for anything else: letters, a wrong length, a wrong check digit, or a GTIN-14 that names a case
// of goods (indicator 1-9), which is not sold at a till.
std::optional<std::string> NormaliseEan(std::string_view code);

// A category code from its name: lower case ASCII letters, digits and '-' ("Frugt & grønt" ->
// "frugt-groent"; æ ae, ø oe, å aa, ä a, ö o, ü u, é e), at most 64 characters; "" when nothing is left.
std::string CategorySlug(std::string_view name);

}  // namespace andel::core
