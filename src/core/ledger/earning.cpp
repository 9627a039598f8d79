#include "core/ledger/earning.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "core/ladder.hpp"

namespace andel::core {
namespace {

// Limits of ValidateReceipt (earning.hpp; STYLE.md: a bound on every input).
constexpr size_t kMaxLines = 10'000;
constexpr size_t kMaxTenders = 50;
constexpr int64_t kMaxAmountMinor = 100'000'000'000;  // 10^11 minor units, either sign

constexpr std::array<std::string_view, 10> kTenderKinds = {
    "card",   "cash",    "gift_card",       "deposit_voucher", "bonus",
    "mobile", "invoice", "cash_withdrawal", "atm_withdrawal",  kBonusVoucherTender,
};

bool IsKnownTender(std::string_view kind) {
    return std::find(kTenderKinds.begin(), kTenderKinds.end(), kind) != kTenderKinds.end();
}

// Money handed out at the till: negative on a sale.
bool IsWithdrawal(std::string_view kind) { return kind == "cash_withdrawal" || kind == "atm_withdrawal"; }

bool Contains(const std::vector<std::string>& list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// R_BON_2: a tender whose value paid for goods earns nothing: deposit-return vouchers, bonus and points-shop
// bonus vouchers (R_BON_5: bought with points already earned) always, and whatever else the market lists.
// Withdrawals in the market's list are not payments and are handled by sign.
bool IsExcludedPayment(const Tender& tender, const MarketRules& rules) {
    if (IsWithdrawal(tender.kind)) return false;
    return tender.kind == "deposit_voucher" || tender.kind == "bonus" || tender.kind == kBonusVoucherTender ||
           Contains(rules.excluded_tenders, tender.kind);
}

bool WithinBounds(int64_t amount_minor) {
    return amount_minor >= -kMaxAmountMinor && amount_minor <= kMaxAmountMinor;
}

std::string LineField(size_t i, std::string_view name) {
    return "lines[" + std::to_string(i) + "]." + std::string(name);
}

std::string TenderField(size_t i, std::string_view name) {
    return "tenders[" + std::to_string(i) + "]." + std::string(name);
}

Result<void> ValidateLine(const ReceiptLine& line, size_t i) {
    if (!WithinBounds(line.amount_minor)) {
        return Error::Malformed("amount out of range (at most 10^11 minor units either way)",
                                LineField(i, "amount_minor"));
    }
    if (!WithinBounds(line.discount_minor)) {
        return Error::Malformed("discount out of range (at most 10^11 minor units either way)",
                                LineField(i, "discount_minor"));
    }
    // A sale line's discount lies in [0, amount]; a return line gives back its discount with the sign
    // flipped, in [amount, 0], so that its net never refunds more than the amount.
    const bool sale_line = line.amount_minor >= 0;
    const bool ok = sale_line ? (line.discount_minor >= 0 && line.discount_minor <= line.amount_minor)
                              : (line.discount_minor <= 0 && line.discount_minor >= line.amount_minor);
    if (!ok) {
        return Error::Invalid(sale_line ? "a sale line's discount must be between 0 and its amount"
                                        : "a return line's discount must be between its amount and 0",
                              LineField(i, "discount_minor"));
    }
    return Ok();
}

int64_t LinesTotal(const std::vector<ReceiptLine>& lines) {
    int64_t total = 0;
    for (const auto& line : lines) total += line.Net();  // bounded: 10^4 lines x 2 x 10^11 fits int64
    return total;
}

// a * b / c rounded half-even, for a, b >= 0 and c > 0.
int64_t MulDivHalfEven(int64_t a, int64_t b, int64_t c) {
    const __int128 num = static_cast<__int128>(a) * b;
    __int128 q = num / c;
    const __int128 r = num % c;
    if (r * 2 > c || (r * 2 == c && q % 2 != 0)) ++q;
    return static_cast<int64_t>(q);
}

// The part of `field` (of an original earning with eligible amount `eligible`) that the returns so far,
// `returned_so_far` of that eligible amount in all, take back; rounding is on the running total, so a
// receipt returned in parts gives back exactly what a full return would.
int64_t ShareOf(int64_t field, int64_t returned_so_far, int64_t eligible) {
    if (field <= 0) return 0;
    return MulDivHalfEven(field, std::clamp<int64_t>(returned_so_far, 0, eligible), eligible);
}

}  // namespace

Result<void> ValidateReceipt(const std::vector<ReceiptLine>& lines, const std::vector<Tender>& tenders) {
    if (lines.empty()) return Error::Malformed("a receipt has at least one line", "lines");
    if (lines.size() > kMaxLines) return Error::Malformed("a receipt has at most 10000 lines", "lines");
    if (tenders.size() > kMaxTenders) return Error::Malformed("a receipt has at most 50 tenders", "tenders");
    for (size_t i = 0; i < lines.size(); ++i) ANDEL_TRY(ValidateLine(lines[i], i));

    int64_t tenders_total = 0;
    for (size_t i = 0; i < tenders.size(); ++i) {
        if (!IsKnownTender(tenders[i].kind)) {
            return Error::Invalid("unknown tender kind '" + tenders[i].kind + "'", TenderField(i, "kind"));
        }
        if (!WithinBounds(tenders[i].amount_minor)) {
            return Error::Malformed("amount out of range (at most 10^11 minor units either way)",
                                    TenderField(i, "amount_minor"));
        }
        tenders_total += tenders[i].amount_minor;
    }

    // A sale (total >= 0) is paid with positive tenders and hands out withdrawals as negative ones; a
    // return (total < 0) has every sign flipped.
    const int64_t total = LinesTotal(lines);
    const bool sale = total >= 0;
    for (size_t i = 0; i < tenders.size(); ++i) {
        const bool withdrawal = IsWithdrawal(tenders[i].kind);
        const bool positive_expected = sale != withdrawal;
        const int64_t amount = tenders[i].amount_minor;
        if (positive_expected ? amount <= 0 : amount >= 0) {
            std::string what = withdrawal ? "a withdrawal" : "a payment";
            return Error::Invalid(what + " must be " + (positive_expected ? "positive" : "negative") +
                                      " on a " + (sale ? "sale" : "return"),
                                  TenderField(i, "amount_minor"));
        }
    }
    if (tenders_total != total) {
        return Error::Invalid("tenders sum to " + std::to_string(tenders_total) + " but the lines total " +
                                  std::to_string(total),
                              "tenders");
    }
    return Ok();
}

Result<Earning> ComputeEarning(const std::vector<ReceiptLine>& lines, const std::vector<Tender>& tenders,
                               const MarketRules& rules, const EarningContext& context) {
    ANDEL_TRY(ValidateReceipt(lines, tenders));

    Earning earning;
    int64_t included = 0;  // lines whose category earns (R_BON_2)
    for (const auto& line : lines) {
        earning.total_minor += line.Net();
        if (!Contains(rules.excluded_categories, line.category)) included += line.Net();
    }
    // Validation guarantees payments carry the receipt's sign, so this is >= 0 on a sale, <= 0 on a return.
    int64_t paid_excluded = 0;
    for (const auto& tender : tenders) {
        if (IsExcludedPayment(tender, rules)) paid_excluded += tender.amount_minor;
    }
    const int64_t eligible = included - paid_excluded;

    if (earning.total_minor < 0) {  // a return: what it takes back is Reversal's business
        earning.eligible_minor = std::min<int64_t>(eligible, 0);
        return earning;
    }
    earning.eligible_minor = std::max<int64_t>(eligible, 0);

    switch (rules.reward) {
        case RewardKind::kBonusMoney:  // DK (R_BON_6); a customer with a profile saves instead (R_MEM_2)
            if (context.profile_customer) {
                earning.savings_minor =
                    ApplyBasisPoints(earning.eligible_minor, rules.profile_savings_rate_bp);
            } else {
                earning.bonus_minor = ApplyBasisPoints(earning.eligible_minor, rules.bonus_rate_bp);
            }
            break;
        case RewardKind::kBonusAndDividend:  // NO (R_BON_7): members only
            if (context.profile_customer) break;
            earning.bonus_minor = ApplyBasisPoints(earning.eligible_minor, rules.bonus_rate_bp);
            earning.dividend_base_minor = earning.eligible_minor;
            earning.dividend_bp = context.own_cooperative ? rules.dividend_own_bp : rules.dividend_other_bp;
            break;
        case RewardKind::kPoints:  // SE (R_BON_3): members only
            if (context.profile_customer) break;
            earning.points = LadderPoints(rules.ladder, context.household_month_spend_before_minor,
                                          earning.eligible_minor, rules.monthly_points_cap);
            break;
    }
    return earning;
}

Earning Reversal(const Earning& original, const Earning& already_reversed, int64_t returned_eligible_minor) {
    Earning back;
    const int64_t eligible = original.eligible_minor;
    const int64_t before =
        std::clamp<int64_t>(already_reversed.eligible_minor, 0, std::max<int64_t>(eligible, 0));
    if (returned_eligible_minor <= 0 || eligible <= 0 || before >= eligible) return back;

    const int64_t after = before + std::min(returned_eligible_minor, eligible - before);
    back.eligible_minor = after - before;
    back.dividend_bp = original.dividend_bp;
    // Each field: its share of the running total of returns, less what earlier returns took, within what
    // the original still holds.
    auto take = [&](int64_t original_field, int64_t reversed_field) {
        const int64_t remaining = std::max<int64_t>(original_field - std::max<int64_t>(reversed_field, 0), 0);
        const int64_t due = ShareOf(original_field, after, eligible) - std::max<int64_t>(reversed_field, 0);
        return std::clamp<int64_t>(due, 0, remaining);
    };
    back.bonus_minor = take(original.bonus_minor, already_reversed.bonus_minor);
    back.savings_minor = take(original.savings_minor, already_reversed.savings_minor);
    back.points = take(original.points, already_reversed.points);
    back.dividend_base_minor = take(original.dividend_base_minor, already_reversed.dividend_base_minor);
    return back;
}

}  // namespace andel::core
