#include "core/partners/partner_rules.hpp"

#include <algorithm>

namespace andel::core {
namespace {

bool InForce(const PartnerAgreement& a, std::string_view date) {
    // 'YYYY-MM-DD' compares as text in calendar order.
    return a.valid_from <= date && (!a.valid_to || date <= *a.valid_to);
}

}  // namespace

const PartnerAgreement* AgreementInForce(const std::vector<PartnerAgreement>& agreements,
                                         std::string_view category, std::string_view date) {
    const PartnerAgreement* found = nullptr;
    for (const auto& a : agreements)
        if (a.category == category && InForce(a, date) && (!found || a.valid_from > found->valid_from))
            found = &a;
    return found;
}

std::string AddDays(std::string_view date, int days) {
    Date d;
    if (!ParseDate(date, d)) return std::string(date);
    return FormatDate(Date{std::chrono::sys_days(d) + std::chrono::days(days)});
}

Result<std::optional<int64_t>> PlanAgreement(const std::vector<PartnerAgreement>& existing,
                                             const PartnerAgreement& added) {
    if (added.valid_to && *added.valid_to < added.valid_from)
        return Error::Invalid("valid_to is before valid_from", "valid_to");
    std::optional<int64_t> ends;
    for (const auto& a : existing) {
        if (a.category != added.category) continue;
        if (a.valid_from >= added.valid_from)
            return Error::Conflict("an agreement for " + a.category + " already starts on " + a.valid_from +
                                   ": end or change that one instead");
        if (InForce(a, added.valid_from)) ends = a.id;
    }
    return ends;
}

Result<std::vector<PricedPartnerLine>> PricePartnerSale(const std::vector<PartnerAgreement>& agreements,
                                                        const std::vector<PartnerSaleLine>& lines,
                                                        std::string_view sale_date) {
    if (lines.empty()) return Error::Malformed("a sale has at least one line", "lines");
    std::vector<PricedPartnerLine> out;
    for (size_t i = 0; i < lines.size(); ++i) {
        const auto& l = lines[i];
        std::string field = "lines[" + std::to_string(i) + "]";
        if (l.amount_minor <= 0)
            return Error::Invalid("a sale's amounts are positive; report a return as a reversal",
                                  field + ".amount_minor");
        const PartnerAgreement* a = AgreementInForce(agreements, l.category, sale_date);
        if (!a)
            return Error::Rule("R_PART_1",
                               "no agreement for category " + l.category + " on " + std::string(sale_date));
        auto same =
            std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.category == l.category; });
        if (same == out.end()) {
            out.push_back({l.category, l.amount_minor, a->rate_bp, a->id, 0});
        } else {
            same->amount_minor += l.amount_minor;
        }
    }
    for (auto& p : out) p.bonus_minor = ApplyBasisPoints(p.amount_minor, p.rate_bp);
    return out;
}

Result<std::vector<ReversedPartnerLine>> PricePartnerReversal(
    const std::vector<PricedPartnerLine>& sale, const std::map<std::string, PartnerLineLeft>& left,
    const std::vector<PartnerSaleLine>& returned) {
    if (returned.empty()) return Error::Malformed("a reversal has at least one line", "lines");
    std::map<std::string, int64_t> asked;
    for (size_t i = 0; i < returned.size(); ++i) {
        const auto& r = returned[i];
        if (r.amount_minor <= 0)
            return Error::Invalid("a returned amount is positive",
                                  "lines[" + std::to_string(i) + "].amount_minor");
        asked[r.category] += r.amount_minor;
    }
    std::vector<ReversedPartnerLine> out;
    for (const auto& [category, amount] : asked) {
        auto line =
            std::find_if(sale.begin(), sale.end(), [&](const auto& p) { return p.category == category; });
        if (line == sale.end())
            return Error::Invalid("the sale has no line of category " + category, "lines");
        PartnerLineLeft now{line->amount_minor, line->bonus_minor};
        if (auto it = left.find(category); it != left.end()) now = it->second;
        if (amount > now.amount_minor)
            return Error::Invalid("more of " + category + " is returned than the sale has left (" +
                                      std::to_string(now.amount_minor) + ")",
                                  "lines");
        int64_t bonus = amount == now.amount_minor
                            ? now.bonus_minor
                            : std::min(now.bonus_minor, ApplyBasisPoints(amount, line->rate_bp));
        out.push_back({category, amount, bonus});
    }
    return out;
}

std::optional<std::string> PartnerReleaseDate(std::string_view sale_date, int holding_days,
                                              const std::optional<std::string>& available_on) {
    std::optional<std::string> release;
    if (holding_days > 0) release = AddDays(sale_date, holding_days);
    if (available_on && *available_on > sale_date && (!release || *available_on > *release))
        release = *available_on;
    return release;
}

int64_t PointsForBonus(int64_t bonus_minor, int64_t voucher_points, int64_t voucher_value_minor) {
    if (voucher_value_minor <= 0 || bonus_minor <= 0) return 0;
    return static_cast<int64_t>(static_cast<__int128>(bonus_minor) * voucher_points / voucher_value_minor);
}

}  // namespace andel::core
