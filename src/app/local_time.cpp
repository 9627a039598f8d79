#include "app/local_time.hpp"

#include <date/tz.h>

namespace andel::app {

int LocalMonth(const std::string& time_zone, core::Timestamp t) {
    const date::time_zone* zone = date::locate_zone(time_zone);
    auto local = zone->to_local(t);
    date::year_month_day ymd{date::floor<date::days>(local)};
    return static_cast<int>(ymd.year()) * 100 + static_cast<int>(static_cast<unsigned>(ymd.month()));
}

}  // namespace andel::app
