#include "app/ledger/rewards_service.hpp"

#include "app/local_time.hpp"
#include "core/ledger/journal.hpp"
#include "core/membership/numbers.hpp"
#include "store/membership/membership_repository.hpp"
#include "store/partners/partner_repository.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;
namespace kind = core::account_kind;

struct Context {
    store::MemberRecord member;
    const core::MarketRules* rules;
};

Result<Context> Find(store::Connection& c, const std::map<std::string, core::MarketRules>& markets,
                     const std::string& member_number) {
    if (!core::IsValidMemberNumber(member_number))
        return Error::Malformed("a member number has 8 digits with a valid check digit", "member_number");
    auto m = store::MembershipRepository(c).FindMemberByNumber(member_number);
    if (!m) return Error::NotFound("no member with that number");
    auto it = markets.find(m->market);
    if (it == markets.end()) return Error::Invalid("the member's market is not enabled");
    return Context{*m, &it->second};
}

// The account a market's reward is held on, for a household.
core::AccountRef RewardAccount(const core::MarketRules& rules, int64_t household_id) {
    if (rules.reward == core::RewardKind::kPoints)
        return {kind::kHouseholdPoints, "household", household_id, "points"};
    return {kind::kHouseholdBonus, "household", household_id, rules.currency};
}

Result<void> CheckPage(int limit) {
    if (limit < 1 || limit > 200) return Error::Malformed("limit must be 1 to 200", "limit");
    return core::Ok();
}

}  // namespace

Result<RewardsSummary> RewardsService::Summary(const std::string& member_number) {
    auto c = db_.Read();
    auto ctx = Find(*c, markets_, member_number);
    if (!ctx) return ctx.error();
    return SummaryOf(*c, ctx->member, *ctx->rules);
}

Result<RewardsSummary> RewardsService::SummaryById(int64_t member_id) {
    auto c = db_.Read();
    auto m = store::MembershipRepository(*c).FindMember(member_id);
    if (!m) return Error::NotFound("no such member");
    auto it = markets_.find(m->market);
    if (it == markets_.end()) return Error::Invalid("the member's market is not enabled");
    return SummaryOf(*c, *m, it->second);
}

Result<RewardsSummary> RewardsService::SummaryOf(store::Connection& conn, const store::MemberRecord& member,
                                                 const core::MarketRules& rules) {
    store::Connection* c = &conn;
    const std::string member_number = member.member_number.value_or("");
    store::LedgerRepository ledger(*c);
    RewardsSummary s;
    s.member_number = member_number;
    s.market = rules.code;
    s.household_id = member.household_id;
    s.unit = rules.reward == core::RewardKind::kPoints ? "points" : rules.currency;
    s.current_month = LocalMonth(rules.time_zone, clock_.Now());
    if (auto savings = ledger.FindAccount({kind::kSavings, "member", member.id, rules.currency}))
        s.savings_minor = savings->balance;
    if (!s.household_id) return s;
    int64_t h = *s.household_id;
    auto account = ledger.FindAccount(RewardAccount(rules, h));
    s.balance = account ? account->balance : 0;
    const bool points = rules.reward == core::RewardKind::kPoints;
    if (auto pending =
            ledger.FindAccount({points ? kind::kHouseholdPointsPending : kind::kHouseholdBonusPending,
                                "household", h, points ? "points" : rules.currency}))
        s.pending = pending->balance;
    if (s.pending > 0) {
        store::PartnerRepository partners(*c);
        for (const auto& sale : partners.PendingOfHousehold(h)) {
            int64_t taken = 0;
            for (const auto& r : partners.Reversals(sale.id)) taken += r.reward + r.written_off;
            if (sale.reward - taken <= 0) continue;
            auto p = partners.FindPartner(sale.partner_id);
            s.pending_items.push_back(
                {p->code, p->name, sale.sale_key, sale.sale_date, *sale.release_on, sale.reward - taken});
        }
    }
    {
        int first = s.current_month;
        for (int i = 0; i < 11; ++i) first = first % 100 == 1 ? first - 100 + 11 : first - 1;
        auto totals = store::ReceiptRepository(*c).MonthTotals(h, first);
        size_t next = 0;
        for (int m = first, i = 0; i < 12; ++i, m = m % 100 == 12 ? m + 100 - 11 : m + 1) {
            if (next < totals.size() && totals[next].month == m)
                s.months.push_back(totals[next++]);
            else
                s.months.push_back({m, 0, 0, 0});
        }
    }
    if (rules.reward == core::RewardKind::kPoints) {
        std::vector<core::LotBalance> lots;
        if (account)
            for (const auto& lot : ledger.Lots(account->id)) lots.push_back({lot.month, lot.remaining});
        s.expiring = core::PointsExpiringSoon(lots, s.current_month, rules.points_validity_months, 3);
        auto [spend, points] = store::ReceiptRepository(*c).MonthSpend(h, s.current_month);
        s.ladder = core::Progress(rules, spend, points);
    }
    if (rules.reward == core::RewardKind::kBonusAndDividend) {
        if (auto accrual = ledger.FindAccount({kind::kDividendAccrual, "household", h, rules.currency}))
            s.dividend_accrued_minor = accrual->balance;
    }
    return s;
}

Result<HistoryPage> RewardsService::History(const std::string& member_number, int limit, int64_t before) {
    ANDEL_TRY(CheckPage(limit));
    auto c = db_.Read();
    auto ctx = Find(*c, markets_, member_number);
    if (!ctx) return ctx.error();
    HistoryPage page;
    page.unit = ctx->rules->reward == core::RewardKind::kPoints ? "points" : ctx->rules->currency;
    if (!ctx->member.household_id) return page;
    store::LedgerRepository ledger(*c);
    auto account = ledger.FindAccount(RewardAccount(*ctx->rules, *ctx->member.household_id));
    if (!account) return page;
    page.items = ledger.History(account->id, limit, before);
    if (static_cast<int>(page.items.size()) == limit) page.next_before = page.items.back().entry_id;
    store::PartnerRepository partners(*c);
    for (const auto& item : page.items) {
        if (!item.source_kind.starts_with("partner_")) continue;
        std::optional<store::PartnerSaleRecord> sale = partners.FindSaleByEntry(item.entry_id);
        if (!sale)
            if (auto r = partners.FindReversalByEntry(item.entry_id))
                sale = partners.FindSaleById(r->sale_id);
        if (!sale) continue;
        auto p = partners.FindPartner(sale->partner_id);
        page.partners[item.entry_id] = {p->code, p->name, sale->sale_key, sale->sale_date};
    }
    return page;
}

Result<ReceiptPage> RewardsService::Receipts(const std::string& member_number, int limit, int64_t before) {
    ANDEL_TRY(CheckPage(limit));
    auto c = db_.Read();
    auto ctx = Find(*c, markets_, member_number);
    if (!ctx) return ctx.error();
    ReceiptPage page;
    if (!ctx->member.household_id) return page;
    page.items = store::ReceiptRepository(*c).ForHousehold(*ctx->member.household_id, limit, before);
    if (static_cast<int>(page.items.size()) == limit) page.next_before = page.items.back().id;
    return page;
}

}  // namespace andel::app
