#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace andel::core {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;  // UTC
using Date = std::chrono::year_month_day;

// The clock is injected (DESIGN.md) so expiry, links and inactivity are testable without sleeping.
class Clock {
  public:
    virtual ~Clock() = default;
    virtual Timestamp Now() const = 0;
};

class SystemClock final : public Clock {
  public:
    Timestamp Now() const override {
        return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    }
};

// A clock that says what it is told; safe to set from a test while server threads read it.
class FixedClock final : public Clock {
  public:
    explicit FixedClock(Timestamp now) : ms_(now.time_since_epoch().count()) {}
    Timestamp Now() const override { return Timestamp(std::chrono::milliseconds(ms_.load())); }
    void Set(Timestamp now) { ms_.store(now.time_since_epoch().count()); }
    void Advance(std::chrono::milliseconds d) { ms_.fetch_add(d.count()); }

  private:
    std::atomic<int64_t> ms_;
};

// UTC calendar date of a timestamp.
Date UtcDate(Timestamp t);
// Whole years between birth and on (the birthday counts: born 2008-11-23 is 18 on 2026-11-23).
int AgeOn(Date birth, Date on);
// "2026-11-23"; ParseDate accepts exactly that form and a valid calendar date.
std::string FormatDate(Date d);
bool ParseDate(std::string_view text, Date& out);
// RFC 3339 UTC with milliseconds: "2026-11-23T16:06:23.000Z".
std::string FormatTimestamp(Timestamp t);
bool ParseTimestamp(std::string_view text, Timestamp& out);
// The instant `months` calendar months before `t`: the same time on the same day of the month, clamped to
// that month's last day (2026-03-31 less one month is 2026-02-28).
Timestamp MonthsBefore(Timestamp t, int months);
inline int64_t ToMillis(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromMillis(int64_t ms) { return Timestamp(std::chrono::milliseconds(ms)); }

}  // namespace andel::core
