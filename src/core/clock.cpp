#include "core/clock.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace andel::core {
namespace {

bool ParseInt(std::string_view text, int& out) {
    if (text.empty()) return false;
    for (char c : text)
        if (c < '0' || c > '9') return false;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && p == text.data() + text.size();
}

}  // namespace

Date UtcDate(Timestamp t) { return Date{std::chrono::floor<std::chrono::days>(t)}; }

Timestamp MonthsBefore(Timestamp t, int months) {
    using namespace std::chrono;
    auto day = floor<days>(t);
    year_month_day ymd{day};
    auto target = year_month{ymd.year(), ymd.month()} - std::chrono::months(months);
    auto last = year_month_day_last{target.year(), month_day_last{target.month()}};
    year_month_day moved{target.year(), target.month(), std::min(ymd.day(), last.day())};
    return sys_days(moved) + (t - day);
}

int AgeOn(Date birth, Date on) {
    int age = static_cast<int>(on.year()) - static_cast<int>(birth.year());
    if (std::chrono::month_day{on.month(), on.day()} < std::chrono::month_day{birth.month(), birth.day()})
        --age;
    return age;
}

std::string FormatDate(Date d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                  static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
    return buf;
}

bool ParseDate(std::string_view text, Date& out) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    int y = 0, m = 0, d = 0;
    if (!ParseInt(text.substr(0, 4), y) || !ParseInt(text.substr(5, 2), m) || !ParseInt(text.substr(8, 2), d))
        return false;
    Date date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
              std::chrono::day{static_cast<unsigned>(d)}};
    if (!date.ok()) return false;
    out = date;
    return true;
}

std::string FormatTimestamp(Timestamp t) {
    auto day = std::chrono::floor<std::chrono::days>(t);
    Date date{day};
    std::chrono::hh_mm_ss hms{t - day};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%03dZ", FormatDate(date).c_str(),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
    return buf;
}

bool ParseTimestamp(std::string_view text, Timestamp& out) {
    // YYYY-MM-DDTHH:MM:SS[.fff]Z or with +HH:MM / -HH:MM offset.
    if (text.size() < 20) return false;
    Date date;
    if (!ParseDate(text.substr(0, 10), date)) return false;
    if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return false;
    int hh = 0, mm = 0, ss = 0;
    if (text[13] != ':' || text[16] != ':') return false;
    if (!ParseInt(text.substr(11, 2), hh) || !ParseInt(text.substr(14, 2), mm) ||
        !ParseInt(text.substr(17, 2), ss))
        return false;
    if (hh > 23 || mm > 59 || ss > 60) return false;
    size_t i = 19;
    int millis = 0;
    if (i < text.size() && text[i] == '.') {
        ++i;
        int digits = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            if (digits < 3) millis = millis * 10 + (text[i] - '0');
            ++digits;
            ++i;
        }
        if (digits == 0) return false;
        for (int k = digits; k < 3; ++k) millis *= 10;
    }
    int offset_minutes = 0;
    if (i < text.size() && (text[i] == 'Z' || text[i] == 'z')) {
        ++i;
    } else if (i + 6 == text.size() && (text[i] == '+' || text[i] == '-') && text[i + 3] == ':') {
        int oh = 0, om = 0;
        if (!ParseInt(text.substr(i + 1, 2), oh) || !ParseInt(text.substr(i + 4, 2), om) || oh > 23 ||
            om > 59)
            return false;
        offset_minutes = (oh * 60 + om) * (text[i] == '+' ? 1 : -1);
        i += 6;
    } else {
        return false;
    }
    if (i != text.size()) return false;
    using namespace std::chrono;
    out = time_point_cast<milliseconds>(sys_days{date}) + hours{hh} + minutes{mm} + seconds{ss} +
          milliseconds{millis} - minutes{offset_minutes};
    return true;
}

}  // namespace andel::core
