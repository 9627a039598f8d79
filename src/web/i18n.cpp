#include "web/i18n.hpp"

#include <date/tz.h>
#include <toml++/toml.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <kainjow/mustache.hpp>
#include <stdexcept>

#include "store/embedded_files.hpp"

namespace andel::web {
namespace {

namespace mustache = kainjow::mustache;

const char* const kNoBreakSpace = "\u00a0";

bool LocalStyle(const std::string& lang) { return lang == "da" || lang == "nb" || lang == "sv"; }

std::string Group(uint64_t n, const char* separator) {
    std::string digits = std::to_string(n);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += separator;
        out += digits[i];
    }
    return out;
}

struct LocalParts {
    int year = 0;
    unsigned month = 0, day = 0;
    long hour = 0, minute = 0;
};

LocalParts Local(int64_t unix_ms, const std::string& time_zone) {
    auto t = std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(unix_ms));
    auto local = date::locate_zone(time_zone)->to_local(t);
    auto day = date::floor<date::days>(local);
    date::year_month_day ymd{day};
    auto minutes = std::chrono::duration_cast<std::chrono::minutes>(local - day).count();
    return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
            static_cast<unsigned>(ymd.day()), minutes / 60, minutes % 60};
}

std::string DateText(int year, unsigned month, unsigned day, const std::string& lang) {
    char buf[48];
    if (lang == "sv") {
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", year, month, day);
    } else if (lang == "en") {
        std::snprintf(buf, sizeof buf, "%u %s %04d", day,
                      Catalogue::Embedded().Text("month_short_" + std::to_string(month), lang).c_str(), year);
    } else {
        std::snprintf(buf, sizeof buf, "%02u.%02u.%04d", day, month, year);
    }
    return buf;
}

}  // namespace

bool IsLanguage(std::string_view lang) {
    return std::find(kLanguages.begin(), kLanguages.end(), lang) != kLanguages.end();
}

const Catalogue& Catalogue::Embedded() {
    static const Catalogue catalogue = [] {
        // i18n/pages.toml and the other i18n/pages-*.toml (one per area, e.g. the ordering portal's).
        std::string text;
        for (const auto& [name, content] : embedded::Files())
            if (name.starts_with("i18n/pages") && name.ends_with(".toml")) text.append(content).append("\n");
        if (text.empty()) throw std::runtime_error("i18n/pages.toml is not compiled in");
        return Catalogue(text);
    }();
    return catalogue;
}

Catalogue::Catalogue(std::string_view text) {
    toml::table doc;
    try {
        doc = toml::parse(text, std::string_view("i18n/pages*.toml"));
    } catch (const toml::parse_error& e) {
        throw std::runtime_error(std::string("i18n/pages*.toml: ") + std::string(e.description()));
    }
    for (const auto& [key, node] : doc) {
        const toml::table* table = node.as_table();
        if (!table)
            throw std::runtime_error("i18n/pages*.toml: " + std::string(key.str()) + " is not a table");
        auto& by_lang = text_[std::string(key.str())];
        for (const char* lang : kLanguages) {
            auto value = (*table)[lang].value<std::string>();
            if (!value)
                throw std::runtime_error("i18n/pages*.toml: " + std::string(key.str()) + " lacks " + lang);
            by_lang[lang] = *value;
        }
        if (table->size() != kLanguages.size())
            throw std::runtime_error("i18n/pages*.toml: " + std::string(key.str()) +
                                     " has an unknown language");
    }
    for (const char* lang : kLanguages) {
        nlohmann::json j = nlohmann::json::object();
        for (const auto& [key, by_lang] : text_) j[key] = by_lang.at(lang);
        strings_[lang] = std::move(j);
    }
}

const std::string& Catalogue::Text(const std::string& key, const std::string& lang) const {
    auto it = text_.find(key);
    if (it == text_.end()) return key;
    auto l = it->second.find(lang);
    return l == it->second.end() ? it->second.at("en") : l->second;
}

std::string Catalogue::Format(const std::string& key, const std::string& lang,
                              const nlohmann::json& params) const {
    mustache::mustache tmpl(Text(key, lang));
    mustache::data data(mustache::data::type::object);
    for (const auto& [name, value] : params.items())
        data.set(name, value.is_string() ? value.get<std::string>() : value.dump());
    tmpl.set_custom_escape([](const std::string& s) { return s; });
    return tmpl.render(data);
}

const nlohmann::json& Catalogue::Strings(const std::string& lang) const {
    auto it = strings_.find(lang);
    return it == strings_.end() ? strings_.at("en") : it->second;
}

std::vector<std::string> Catalogue::Keys() const {
    std::vector<std::string> keys;
    for (const auto& [key, _] : text_) keys.push_back(key);
    return keys;
}

std::string FormatNumber(int64_t n, const std::string& lang) {
    uint64_t magnitude = n < 0 ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
    std::string out = n < 0 ? "-" : "";
    return out + Group(magnitude, LocalStyle(lang) ? kNoBreakSpace : ",");
}

std::string FormatMoney(int64_t minor, const std::string& currency, const std::string& lang) {
    uint64_t magnitude = minor < 0 ? 0 - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
    char cents[16];
    std::snprintf(cents, sizeof cents, "%02u", static_cast<unsigned>(magnitude % 100));
    std::string sign = minor < 0 ? "-" : "";
    bool kroner = currency == "DKK" || currency == "NOK" || currency == "SEK";
    if (LocalStyle(lang)) {
        std::string amount = sign + Group(magnitude / 100, kNoBreakSpace) + "," + cents;
        return amount + kNoBreakSpace + (kroner ? std::string("kr") : currency);
    }
    return sign + currency + kNoBreakSpace + Group(magnitude / 100, ",") + "." + cents;
}

std::string FormatDate(int64_t unix_ms, const std::string& time_zone, const std::string& lang) {
    auto p = Local(unix_ms, time_zone);
    return DateText(p.year, p.month, p.day, lang);
}

std::string FormatDateTime(int64_t unix_ms, const std::string& time_zone, const std::string& lang) {
    auto p = Local(unix_ms, time_zone);
    char time[48];
    std::snprintf(time, sizeof time, "%02ld:%02ld", p.hour, p.minute);
    return DateText(p.year, p.month, p.day, lang) + (lang == "en" ? ", " : " ") + time;
}

std::string FormatIsoDate(const std::string& iso_date, const std::string& lang) {
    int y = 0;
    unsigned m = 0, d = 0;
    char tail = 0;
    if (iso_date.size() != 10 || std::sscanf(iso_date.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3 ||
        m < 1 || m > 12 || d < 1 || d > 31)
        return iso_date;
    return DateText(y, m, d, lang);
}

std::string FormatMonth(int yyyymm, const std::string& lang, bool with_year) {
    int month = yyyymm % 100;
    if (month < 1 || month > 12) return std::to_string(yyyymm);
    std::string name = Catalogue::Embedded().Text("month_short_" + std::to_string(month), lang);
    return with_year ? name + " " + std::to_string(yyyymm / 100) : name;
}

}  // namespace andel::web
