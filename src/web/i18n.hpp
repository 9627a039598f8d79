#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace andel::web {

// The languages of the pages; the first is the fallback of last resort.
inline constexpr std::array<const char*, 4> kLanguages = {"en", "da", "nb", "sv"};
bool IsLanguage(std::string_view lang);

// The pages' text (i18n/pages.toml, compiled in): one table per key with its text in da, nb, sv and en.
// Text may name mustache variables ({{count}}), filled by Format.
class Catalogue {
  public:
    // The catalogue compiled into the program.
    static const Catalogue& Embedded();
    // Parses a catalogue; throws std::runtime_error naming the key when a table lacks a language or a value
    // is not a string.
    explicit Catalogue(std::string_view toml);

    // The text of `key` in `lang`; the key itself when the catalogue lacks it (a test proves none is).
    const std::string& Text(const std::string& key, const std::string& lang) const;
    // Text with its {{variables}} filled from `params` (strings or numbers), HTML not escaped.
    std::string Format(const std::string& key, const std::string& lang, const nlohmann::json& params) const;
    // Every key's text in `lang`, as a template's `t`.
    const nlohmann::json& Strings(const std::string& lang) const;
    std::vector<std::string> Keys() const;
    bool Has(const std::string& key) const { return text_.contains(key); }

  private:
    std::map<std::string, std::map<std::string, std::string>> text_;  // key -> lang -> text
    std::map<std::string, nlohmann::json> strings_;                   // lang -> {key: text}
};

// Numbers, money and dates as each language writes them: "1 234,50 kr" in da, nb and sv, "DKK 1,234.50" in
// en. Grouping uses a no-break space, so an amount never wraps.
std::string FormatNumber(int64_t n, const std::string& lang);
std::string FormatMoney(int64_t minor, const std::string& currency, const std::string& lang);
// An instant in a market's time zone (IANA): "23.11.2026" (da, nb), "2026-11-23" (sv), "23 Nov 2026" (en);
// with the time: "23.11.2026 14:05".
std::string FormatDate(int64_t unix_ms, const std::string& time_zone, const std::string& lang);
std::string FormatDateTime(int64_t unix_ms, const std::string& time_zone, const std::string& lang);
// A calendar date "YYYY-MM-DD" as FormatDate writes it; the text itself when it is not such a date.
std::string FormatIsoDate(const std::string& iso_date, const std::string& lang);
// A month (YYYYMM): "nov. 2026" and the like, from the catalogue's month names.
std::string FormatMonth(int yyyymm, const std::string& lang, bool with_year = true);

}  // namespace andel::web
