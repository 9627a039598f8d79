#include "core/ladder.hpp"

#include <algorithm>
#include <limits>

namespace andel::core {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

int64_t SaturatingAdd(int64_t a, int64_t b) { return a > kInt64Max - b ? kInt64Max : a + b; }

}  // namespace

int64_t LadderPointsForMonth(const std::vector<LadderBand>& bands, int64_t month_spend_minor) {
    if (month_spend_minor <= 0) return 0;
    // 128-bit so that rate * minor cannot overflow whatever the spend.
    __int128 points_times_100 = 0;
    for (size_t i = 0; i < bands.size(); ++i) {
        const int64_t from = std::max<int64_t>(bands[i].from_minor, 0);
        const int64_t to = i + 1 < bands.size() ? bands[i + 1].from_minor : kInt64Max;
        if (month_spend_minor <= from) break;
        if (to <= from) continue;  // not strictly increasing: the band is empty
        const int64_t in_band = std::min(month_spend_minor, to) - from;
        points_times_100 += static_cast<__int128>(bands[i].points_per_unit) * in_band;
    }
    const __int128 points = points_times_100 / kMinorPerUnit;  // floor: both operands are non-negative
    if (points <= 0) return 0;
    return points > kInt64Max ? kInt64Max : static_cast<int64_t>(points);
}

int64_t LadderPoints(const std::vector<LadderBand>& bands, int64_t month_spend_before_minor,
                     int64_t spend_minor, int64_t cap) {
    if (spend_minor <= 0) return 0;
    const int64_t before = std::max<int64_t>(month_spend_before_minor, 0);
    const int64_t after = SaturatingAdd(before, spend_minor);
    int64_t earned_before = LadderPointsForMonth(bands, before);
    int64_t earned_after = LadderPointsForMonth(bands, after);
    if (cap > 0) {
        earned_before = std::min(earned_before, cap);
        earned_after = std::min(earned_after, cap);
    }
    return earned_after - earned_before;
}

}  // namespace andel::core
