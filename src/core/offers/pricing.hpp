#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/money.hpp"
#include "core/result.hpp"

namespace andel::core {

// What an offer does (issue 6 §1, R_OFF_1). Price offers lower what lines cost; bonus offers add reward.
enum class OfferKind {
    kMemberPrice,  // target at member_price_minor per unit (per kg when weighed)
    kPercentOff,   // percent_bp off the target (or the basket)
    kAmountOff,    // amount_minor off each unit of the target, or once off a basket of min_spend_minor
    kMultiBuy,  // buy_quantity units for bundle_price_minor ("2 for 50 kr"), or for pay_quantity ("3 for 2")
    kExtraBonus,   // bonus_bp more bonus on the target's net (money markets: "11 % bonus on fruit")
    kExtraPoints,  // points_per_unit more points per whole currency unit of the target's net (points markets:
                   // at a base rate of 1 point per krona, 1 more is "double points")
    kPointsBonus,  // points once, when the basket holds the target (or reaches min_spend_minor)
};
std::optional<OfferKind> OfferKindFromName(const std::string& name);
const char* OfferKindName(OfferKind k);
bool IsPriceOffer(OfferKind k);

enum class OfferTarget { kProducts, kCategory, kBasket };

// An offer as the pricing sees it: what it does, on what, and how many more times it may be used.
struct PricedOffer {
    int64_t id = 0;
    std::string code;
    OfferKind kind = OfferKind::kPercentOff;
    OfferTarget target = OfferTarget::kProducts;
    std::vector<std::string> eans;  // kProducts
    std::string category;           // kCategory: this category and all below it
    int64_t member_price_minor = 0, percent_bp = 0, amount_minor = 0, buy_quantity = 0, pay_quantity = 0,
            bundle_price_minor = 0, bonus_bp = 0, points_per_unit = 0, points = 0, min_spend_minor = 0;
    std::optional<int64_t> per_receipt;  // most units (multi-buy: bundles) one basket may use it for
};

struct BasketLine {
    std::string sku;                      // the EAN, as the till scanned it
    std::vector<std::string> categories;  // the line's category and its ancestors
    int64_t quantity = 1;                 // units, or grams when weighed
    int64_t amount_minor = 0;             // before any discount; >= 0
    bool weighed = false;
};

struct LineResult {
    int64_t discount_minor = 0;
    std::optional<int64_t> price_offer;  // index into PricedBasket::used
};

struct OfferUse {
    int64_t offer_id = 0;
    std::string code;
    int64_t units = 0;  // units (grams: 1 per line) or bundles it applied to
    int64_t discount_minor = 0, bonus_minor = 0, points = 0;
};

struct PricedBasket {
    std::vector<LineResult> lines;  // in the basket's order
    std::vector<OfferUse> used;
    int64_t total_minor = 0, discount_minor = 0, bonus_minor = 0, points = 0;
};

// Prices a basket with the offers that apply to this customer (the caller has chosen them: audience,
// activation, validity, per-member and total limits). Stacking rules (docs/offers.md):
//  1. A line takes at most one price offer. Line price offers are chosen greedily: the offer that alone
//     would give the largest discount on the lines still free takes them; then the next, on what is left.
//     Ties go to the lower offer id. A multi-buy groups the units of its free lines, dearest first, into
//     bundles; a "3 for 2" makes the cheapest unit of each bundle free.
//  2. Then at most one basket price offer (percent or amount off the whole basket), the largest, on the net.
//  3. Bonus offers stack on the price offers: each line earns at most one extra bonus and one extra points
//     offer (the largest), on its net; points bonuses add once each.
//  4. per_receipt caps the units (bundles) an offer is used for; a discount never makes a line negative.
// Amounts are rounded half-even at the minor unit; weighed lines count as one unit.
PricedBasket PriceBasket(const std::vector<BasketLine>& lines, const std::vector<PricedOffer>& offers);

}  // namespace andel::core
