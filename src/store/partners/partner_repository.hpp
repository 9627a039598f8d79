#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/partners/partner_rules.hpp"
#include "store/database.hpp"

namespace andel::store {

struct PartnerRecord {
    int64_t id = 0;
    std::string code, market, name, category, description;
    std::optional<std::string> logo_url, website_url;
    bool sells_online = true, sells_in_shop = false;
    std::string active_from;
    std::optional<std::string> active_to;
    int holding_days = 0;
    int64_t created_at = 0, updated_at = 0;
};

struct PartnerSaleRecord {
    int64_t id = 0, partner_id = 0;
    std::string sale_key;
    int64_t member_id = 0, household_id = 0;
    std::optional<int64_t> home_store_id;
    std::string sale_date, currency;
    int64_t amount_minor = 0, bonus_minor = 0, reward = 0;
    std::string reward_unit, lines_json;
    std::optional<std::string> release_on;
    std::optional<int64_t> released_at, released_entry_id;
    std::optional<int64_t> entry_id;  // none when the sale earned nothing
    std::string body_hash, via;
    int64_t created_at = 0;
};

struct PartnerReversalRecord {
    int64_t id = 0, sale_id = 0;
    std::string reversal_key, reversal_date;
    int64_t amount_minor = 0, bonus_minor = 0, reward = 0, written_off = 0;
    std::string lines_json, body_hash;
    std::optional<int64_t> entry_id;
    int64_t created_at = 0;
};

struct PartnerSettlementRecord {
    int64_t id = 0, partner_id = 0;
    std::string settlement_key;
    int64_t amount_minor = 0;
    std::string paid_on;
    int64_t entry_id = 0, created_at = 0;
    std::string created_by;
};

// Who a partner sale is for: the member behind a member number, with the household that earns (R_HH_6).
struct PartnerEarnerRecord {
    int64_t member_id = 0;
    std::string kind, status, market;
    std::optional<int64_t> household_id, home_store_id;
};

// One row of the partner report (R_PART_4): a partner, category or home store with what was credited and
// taken back in the period, in money.
struct PartnerReportRow {
    std::string key, name;  // partner code / category / store code, and its name
    int64_t sales = 0, amount_minor = 0, bonus_minor = 0, reversed_minor = 0;
};

// Partners, agreements, sales and reversals (migration 0009). Runs in the caller's transaction.
class PartnerRepository {
  public:
    explicit PartnerRepository(Connection& c) : c_(c) {}

    int64_t InsertPartner(const PartnerRecord& p);  // throws DbError kUniqueViolation on a taken code
    void UpdatePartner(const PartnerRecord& p);
    std::optional<PartnerRecord> FindPartner(int64_t id);
    std::optional<PartnerRecord> FindPartnerByCode(const std::string& code);
    // Partners of a market (all when empty), by category and name; `active_on` keeps those active that day.
    std::vector<PartnerRecord> ListPartners(const std::string& market,
                                            const std::optional<std::string>& active_on);

    std::vector<core::PartnerAgreement> Agreements(int64_t partner_id);
    int64_t InsertAgreement(int64_t partner_id, const core::PartnerAgreement& a, const std::string& actor,
                            int64_t now);
    void EndAgreement(int64_t agreement_id, const std::string& valid_to);
    // Whether a sale already booked the agreement on a day after `valid_to` (then it cannot end there).
    bool AgreementUsedAfter(int64_t agreement_id, const std::string& valid_to);

    std::optional<PartnerEarnerRecord> FindEarner(const std::string& member_number);

    std::optional<PartnerSaleRecord> FindSale(int64_t partner_id, const std::string& sale_key);
    std::optional<PartnerSaleRecord> FindSaleById(int64_t sale_id);
    std::optional<PartnerSaleRecord> FindSaleByEntry(int64_t entry_id);
    int64_t InsertSale(const PartnerSaleRecord& s);
    // Serialises reversals of one sale (row lock on PostgreSQL; SQLite has one writer).
    void LockSale(int64_t sale_id);
    std::vector<PartnerReversalRecord> Reversals(int64_t sale_id);
    int64_t InsertReversal(const PartnerReversalRecord& r);
    std::optional<PartnerReversalRecord> FindReversalByEntry(int64_t entry_id);

    // Pending sales whose release day has come (release_on <= date), oldest first, at most `limit`.
    std::vector<PartnerSaleRecord> DueReleases(const std::string& date, int limit);
    void MarkReleased(int64_t sale_id, std::optional<int64_t> entry_id, int64_t now);
    // Sales of a household still pending, for what members see.
    std::vector<PartnerSaleRecord> PendingOfHousehold(int64_t household_id);

    // R_PART_4: sales dated from..to (inclusive), grouped by partner, by the partner's category, or by the
    // home store of the member who earned; reversals count on their own date.
    enum class GroupBy { kPartner, kCategory, kHomeStore };
    std::vector<PartnerReportRow> Report(GroupBy by, const std::string& from, const std::string& to,
                                         const std::string& market);

    std::optional<PartnerSettlementRecord> FindSettlement(int64_t partner_id, const std::string& key);
    int64_t InsertSettlement(const PartnerSettlementRecord& s);

    // What the partner's sales dated from..to and its reversals dated then moved on its receivable
    // (negative: the partner owes more).
    int64_t ReceivableMoved(int64_t partner_id, const std::string& from, const std::string& to);

  private:
    Connection& c_;
};

}  // namespace andel::store
