#pragma once
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/market.hpp"
#include "core/partners/partner_rules.hpp"
#include "core/result.hpp"
#include "store/database.hpp"
#include "store/partners/partner_repository.hpp"

namespace andel::app {

// A category members browse partners by (R_PART_2), with its name in each language (andel.toml [partners]).
struct PartnerCategory {
    std::string code;
    std::map<std::string, std::string> labels;  // "da", "nb", "sv", "en"
};

// The default categories of the DK partner programme (dk-partner-programme): car & transport, holiday &
// hotel, home, experiences.
std::vector<PartnerCategory> DefaultPartnerCategories();

struct PartnerInput {
    std::string code, market, name, category, description;
    std::optional<std::string> logo_url, website_url;
    bool sells_online = true, sells_in_shop = false;
    std::string active_from;
    std::optional<std::string> active_to;
    int holding_days = 0;
};

struct PartnerView {
    store::PartnerRecord partner;
    std::vector<core::PartnerAgreement> agreements;
};

struct PartnerSaleInput {
    std::string sale_id;  // the partner's id, unique per partner
    std::string member_number;
    std::string sale_date;  // 'YYYY-MM-DD'
    std::string currency;
    std::vector<core::PartnerSaleLine> lines;
    std::optional<std::string> available_on;  // e.g. a journey's date: bonus pending until then
    std::string via = "api";                  // api | file
};

struct PartnerSaleOutcome {
    store::PartnerSaleRecord sale;
    std::vector<core::PricedPartnerLine> lines;
    bool replayed = false;
    bool pending = false;
};

// A cancellation (no lines: all that is left of the sale) or a return of part of it.
struct PartnerReversalInput {
    std::string sale_id, reversal_id;
    std::string date;  // 'YYYY-MM-DD'
    std::vector<core::PartnerSaleLine> lines;
};

struct PartnerReversalOutcome {
    store::PartnerReversalRecord reversal;
    std::string sale_id;
    bool replayed = false;
};

struct PartnerReleaseReport {
    int64_t sales = 0, released = 0;  // released: bonus or points made available
};

// One row of an import's result file: accepted, replayed (booked before: nothing booked again) or rejected.
struct PartnerImportRow {
    int64_t line = 0;
    std::string sale_id, status;  // "accepted", "replayed", "rejected"
    int64_t bonus_minor = 0, reward = 0;
    std::string unit, error, rule;
};

struct PartnerImportReport {
    int64_t rows = 0, sales = 0, accepted = 0, replayed = 0, rejected = 0;
    int64_t bonus_minor = 0;
};

// R_PART_4: what partner bonus was credited in a period, per partner / category / home store, and what each
// partner owes the operator for it (from the ledger's partner receivable).
struct PartnerReport {
    std::string from, to, group_by, market;
    std::vector<store::PartnerReportRow> rows;
    int64_t bonus_minor = 0, reversed_minor = 0;
    // Per partner: what its sales and reversals of the period moved on its receivable (positive: owed), and
    // what it owes in all (the receivable's balance).
    struct Owed {
        std::string partner_code, currency;
        int64_t period_minor = 0, outstanding_minor = 0;
    };
    std::vector<Owed> owed;
};

// The partner programme (R_PART_1..4, R_BON_1, R_BON_6, R_CARD_2): partners and their agreements, the
// member check at a partner's checkout, sales reported by API or file and their reversals, the release of
// held-back bonus, and the reports. Every sale and reversal is one transaction with its ledger entry,
// idempotent on (partner, sale id) and (sale, reversal id).
class PartnerService {
  public:
    PartnerService(store::Database& db, const core::Clock& clock,
                   const std::map<std::string, core::MarketRules>& markets,
                   std::vector<PartnerCategory> categories)
        : db_(db), clock_(clock), markets_(markets), categories_(std::move(categories)) {}

    const std::vector<PartnerCategory>& categories() const { return categories_; }

    core::Result<store::PartnerRecord> Create(const PartnerInput& in, const std::string& actor);
    // Changes what a partner shows and its active period and holding; its code and market stay.
    core::Result<store::PartnerRecord> Update(const std::string& code, const PartnerInput& in,
                                              const std::string& actor);
    core::Result<PartnerView> Get(const std::string& code);
    std::vector<PartnerView> List(const std::string& market, bool active_only);

    // A new rate for a category from a date; the agreement in force then ends the day before (R_PART_1).
    core::Result<core::PartnerAgreement> AddAgreement(const std::string& code,
                                                      const core::PartnerAgreement& a,
                                                      const std::string& actor);
    // Ends an agreement on a day; refused when a booked sale after that day used it (past sales stay).
    core::Result<core::PartnerAgreement> EndAgreement(const std::string& code, int64_t agreement_id,
                                                      const std::string& valid_to);

    // R_CARD_2: whether a member number is an active membership that may earn at this partner today.
    core::Result<bool> MayEarn(int64_t partner_id, const std::string& member_number);

    core::Result<PartnerSaleOutcome> ReportSale(int64_t partner_id, const PartnerSaleInput& in,
                                                const std::string& actor);
    core::Result<PartnerReversalOutcome> ReverseSale(int64_t partner_id, const PartnerReversalInput& in,
                                                     const std::string& actor);

    // A CSV file of sales (docs/integrating-partners.md): streamed, booked in transactions of a few hundred
    // rows with a savepoint per sale; every row gets a result. `progress` is told the bytes read.
    static constexpr int64_t kMaxImportRows = 2'000'000;
    core::Result<PartnerImportReport> ImportSales(int64_t partner_id, std::istream& csv,
                                                  const std::function<void(const PartnerImportRow&)>& row,
                                                  const std::function<void(int64_t bytes)>& progress,
                                                  const std::string& actor);

    // A payment from the partner for what it owes (R_PART_4): settles that much of its receivable; once per
    // settlement id (the same again answers the first; another amount under it is a conflict); never more
    // than it owes.
    struct Settlement {
        store::PartnerSettlementRecord record;
        int64_t outstanding_minor = 0;  // what the partner owes after it
        bool replayed = false;
    };
    core::Result<Settlement> Settle(const std::string& code, const std::string& settlement_id,
                                    int64_t amount_minor, const std::string& paid_on,
                                    const std::string& actor);

    // Makes held-back bonus available on its day (`andel jobs run partner-release`, hourly in serve), under
    // a lease; idempotent.
    core::Result<PartnerReleaseReport> ReleaseDue();

    core::Result<PartnerReport> Report(const std::string& from, const std::string& to,
                                       const std::string& group_by, const std::string& market);

    // The canonical form of a sale, whose SHA-256 tells a replay from a clash (API and file alike).
    static std::string CanonicalSale(const PartnerSaleInput& in);

  private:
    struct Context {
        store::PartnerRecord partner;
        const core::MarketRules* rules = nullptr;
        std::vector<core::PartnerAgreement> agreements;
    };
    core::Result<Context> Load(store::Connection& c, int64_t partner_id);
    core::Result<void> CheckPartner(const PartnerInput& in, bool creating) const;
    core::Result<PartnerSaleOutcome> SaleIn(store::Connection& c, const Context& ctx,
                                            const PartnerSaleInput& in, const std::string& actor);
    std::string Today(const core::MarketRules& rules) const;

    store::Database& db_;
    const core::Clock& clock_;
    const std::map<std::string, core::MarketRules>& markets_;
    std::vector<PartnerCategory> categories_;
};

}  // namespace andel::app
