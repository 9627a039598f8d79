#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ledger/rewards.hpp"
#include "core/market.hpp"
#include "core/result.hpp"
#include "store/database.hpp"
#include "store/ledger/ledger_repository.hpp"
#include "store/ledger/receipt_repository.hpp"
#include "store/membership/records.hpp"

namespace andel::app {

// What a member sees of their household's rewards (R_BON_8): balance, what expires soon (R_BON_4), the
// ladder this month (R_BON_3), dividend accrued (R_BON_7), savings (R_MEM_2).
// Partner bonus held back until its day (R_PART_3: e.g. a journey's date).
struct PendingPartnerBonus {
    std::string partner_code, partner_name, sale_id, sale_date, release_on;
    int64_t amount = 0;  // in the summary's unit
};

struct RewardsSummary {
    std::string member_number, market, unit;  // unit: "points" or the currency
    std::optional<int64_t> household_id;
    int64_t balance = 0;
    int64_t savings_minor = 0;
    int64_t dividend_accrued_minor = 0;
    int current_month = 0;
    std::vector<core::ExpiringPoints> expiring;
    std::optional<core::LadderProgress> ladder;
    int64_t pending = 0;  // partner bonus not yet available
    std::vector<PendingPartnerBonus> pending_items;
    // The last 12 months, this one included, oldest first; a month without purchases is there with zeros.
    std::vector<store::MonthTotal> months;
};

// Which partner sale a history entry comes from (R_PART_3: members see the partner and the sale date).
struct HistoryPartner {
    std::string code, name, sale_id, sale_date;
};

struct HistoryPage {
    std::string unit;
    std::vector<store::PostingRecord> items;     // newest first
    std::optional<int64_t> next_before;          // pass as `before` for the next page
    std::map<int64_t, HistoryPartner> partners;  // by entry id, for the partner entries among the items
};

struct ReceiptPage {
    std::vector<store::ReceiptRecord> items;  // newest first
    std::optional<int64_t> next_before;
};

class RewardsService {
  public:
    RewardsService(store::Database& db, const core::Clock& clock,
                   const std::map<std::string, core::MarketRules>& markets)
        : db_(db), clock_(clock), markets_(markets) {}

    core::Result<RewardsSummary> Summary(const std::string& member_number);
    // The same by member id: a customer with a profile has no member number (R_MEM_1), only savings.
    core::Result<RewardsSummary> SummaryById(int64_t member_id);
    core::Result<HistoryPage> History(const std::string& member_number, int limit, int64_t before);
    core::Result<ReceiptPage> Receipts(const std::string& member_number, int limit, int64_t before);

  private:
    core::Result<RewardsSummary> SummaryOf(store::Connection& c, const store::MemberRecord& member,
                                           const core::MarketRules& rules);
    store::Database& db_;
    const core::Clock& clock_;
    const std::map<std::string, core::MarketRules>& markets_;
};

}  // namespace andel::app
