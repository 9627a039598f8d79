#include "app/local_time.hpp"

#include <date/tz.h>

namespace andel::app {

int LocalMonth(const std::string& time_zone, core::Timestamp t) {
    const date::time_zone* zone = date::locate_zone(time_zone);
    auto local = zone->to_local(t);
    date::year_month_day ymd{date::floor<date::days>(local)};
    return static_cast<int>(ymd.year()) * 100 + static_cast<int>(static_cast<unsigned>(ymd.month()));
}

int64_t LocalMonthStartMillis(const std::string& time_zone, int yyyymm) {
    const date::time_zone* zone = date::locate_zone(time_zone);
    date::local_days first{date::year{yyyymm / 100} / date::month(static_cast<unsigned>(yyyymm % 100)) /
                           date::day{1}};
    auto t = zone->to_sys(first, date::choose::earliest);
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace andel::app

namespace andel::app {

core::Date LocalDate(const std::string& time_zone, core::Timestamp t) {
    auto local = date::locate_zone(time_zone)->to_local(t);
    date::year_month_day ymd{date::floor<date::days>(local)};
    return core::Date{std::chrono::year{static_cast<int>(ymd.year())},
                      std::chrono::month{static_cast<unsigned>(ymd.month())},
                      std::chrono::day{static_cast<unsigned>(ymd.day())}};
}

}  // namespace andel::app
