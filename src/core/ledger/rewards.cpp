#include "core/ledger/rewards.hpp"

#include "core/ledger/journal.hpp"

namespace andel::core {

int ExpiryMonth(int lot_month, int validity_months) { return AddMonths(lot_month, validity_months); }

std::vector<ExpiringPoints> PointsExpiringSoon(const std::vector<LotBalance>& lots, int current_month,
                                               int validity_months, int months) {
    std::vector<ExpiringPoints> out;
    for (int k = 0; k < months; ++k) {
        int month = AddMonths(current_month, k);
        int64_t sum = 0;
        for (const auto& lot : lots)
            if (ExpiryMonth(lot.month, validity_months) == month) sum += lot.remaining;
        if (sum > 0) out.push_back({month, sum});
    }
    return out;
}

LadderProgress Progress(const MarketRules& rules, int64_t month_spend_minor, int64_t points_this_month) {
    LadderProgress p;
    p.month_spend_minor = month_spend_minor;
    p.points_this_month = points_this_month;
    p.capped = rules.monthly_points_cap > 0 && points_this_month >= rules.monthly_points_cap;
    for (size_t i = 0; i < rules.ladder.size(); ++i) {
        if (rules.ladder[i].from_minor <= month_spend_minor) {
            p.current_points_per_unit = rules.ladder[i].points_per_unit;
            continue;
        }
        if (!p.capped) {
            p.next_band_from_minor = rules.ladder[i].from_minor;
            p.next_points_per_unit = rules.ladder[i].points_per_unit;
            p.spend_to_next_band_minor = rules.ladder[i].from_minor - month_spend_minor;
        }
        break;
    }
    return p;
}

}  // namespace andel::core
