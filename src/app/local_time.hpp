#pragma once
#include <string>

#include "core/clock.hpp"

namespace andel::app {

// The calendar month (YYYYMM) of an instant in a market's time zone (IANA name): the SE ladder's month and
// the points lots run on local months (R_BON_3, R_BON_4). Throws std::runtime_error for an unknown zone
// (configuration is validated at start-up, so that is a bug).
int LocalMonth(const std::string& time_zone, core::Timestamp t);

// The instant a month (YYYYMM) begins in the zone: local midnight on its first day, in Unix milliseconds.
int64_t LocalMonthStartMillis(const std::string& time_zone, int yyyymm);

}  // namespace andel::app

namespace andel::app {

// The calendar date of an instant in a market's time zone: a partner sale's day (R_PART_1).
core::Date LocalDate(const std::string& time_zone, core::Timestamp t);

}  // namespace andel::app
