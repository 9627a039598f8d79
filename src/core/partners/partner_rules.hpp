#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/money.hpp"
#include "core/result.hpp"

namespace andel::core {

// One agreement of a partner: the bonus rate on one of its product categories, in force from valid_from to
// valid_to (both inclusive, 'YYYY-MM-DD'; no valid_to: until further notice) (R_PART_1).
struct PartnerAgreement {
    int64_t id = 0;
    std::string category, label;
    BasisPoints rate_bp = 0;
    std::string valid_from;
    std::optional<std::string> valid_to;
};

// The agreement in force on `date` for `category`, or nullptr (R_PART_1: the rate of the sale date).
const PartnerAgreement* AgreementInForce(const std::vector<PartnerAgreement>& agreements,
                                         std::string_view category, std::string_view date);

// A new agreement for a category from `from`: the one in force on that day ends the day before (a change of
// rate from a date); an agreement that starts on or after `from`, or an end before the start, is refused.
// Returns the id of the agreement to end, if any.
Result<std::optional<int64_t>> PlanAgreement(const std::vector<PartnerAgreement>& existing,
                                             const PartnerAgreement& added);

// "2026-11-30" -> "2026-11-29"; and `days` after a date. Dates are valid 'YYYY-MM-DD'.
std::string AddDays(std::string_view date, int days);

struct PartnerSaleLine {
    std::string category;
    int64_t amount_minor = 0;
};

// A line as booked: the rate and agreement that applied and the bonus it earned, rounded half-even at the
// minor unit per category (R_PART_3: 30 000 DKK at 5 % is 1 500 DKK).
struct PricedPartnerLine {
    std::string category;
    int64_t amount_minor = 0;
    BasisPoints rate_bp = 0;
    int64_t agreement_id = 0;
    int64_t bonus_minor = 0;
};

// Prices a sale's lines by the agreements in force on the sale date; lines of one category are added up.
// Refuses an empty sale, a negative or zero amount, and a category with no agreement on that day.
Result<std::vector<PricedPartnerLine>> PricePartnerSale(const std::vector<PartnerAgreement>& agreements,
                                                        const std::vector<PartnerSaleLine>& lines,
                                                        std::string_view sale_date);

// What is left of a sale's category after earlier reversals.
struct PartnerLineLeft {
    int64_t amount_minor = 0, bonus_minor = 0;
};

struct ReversedPartnerLine {
    std::string category;
    int64_t amount_minor = 0, bonus_minor = 0;
};

// A cancellation or return of part of a sale: each returned category takes back the bonus of the sale's
// rate on the amount, and a category returned in full takes back exactly what is left of its bonus, so
// reversals never take back more than the sale earned. Refuses a category the sale has not, or more than is
// left of it.
Result<std::vector<ReversedPartnerLine>> PricePartnerReversal(
    const std::vector<PricedPartnerLine>& sale, const std::map<std::string, PartnerLineLeft>& left,
    const std::vector<PartnerSaleLine>& returned);

// The day a sale's bonus becomes available: `holding_days` after the sale date, or the sale's
// available_on (e.g. a journey's date) when later. nullopt when available at once.
std::optional<std::string> PartnerReleaseDate(std::string_view sale_date, int holding_days,
                                              const std::optional<std::string>& available_on);

// In a points market the bonus is credited as points at the points shop's rate (R_BON_5: voucher_points buy
// voucher_value_minor), rounded down: 100.00 SEK of bonus at 20 000 points per 200 SEK is 10 000 points.
int64_t PointsForBonus(int64_t bonus_minor, int64_t voucher_points, int64_t voucher_value_minor);

}  // namespace andel::core
