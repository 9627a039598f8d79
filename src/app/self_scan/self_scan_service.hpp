#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/ledger/receipt_service.hpp"
#include "app/offers/offer_service.hpp"
#include "core/clock.hpp"
#include "core/market.hpp"
#include "core/result.hpp"
#include "core/self_scan/audit.hpp"
#include "store/catalogue/catalogue_repository.hpp"
#include "store/database.hpp"

namespace andel::app {

// Whether a member may self-scan (R_SCAN_1, R_SCAN_5).
struct SelfScanRight {
    bool allowed = false;
    std::string status;  // active | deactivated | revoked | too_young | not_a_member
    std::optional<std::string> reason, changed_by;
    std::optional<int64_t> changed_at;
};

struct ScanItem {
    std::string ean;
    int64_t quantity = 0;  // units, or grams when weighed
    store::ProductRecord product;
    int64_t amount_minor = 0;  // at the shelf price
};

struct ScanSession {
    int64_t id = 0;
    std::string key, store_code, device, status;
    int64_t store_id = 0, member_id = 0;
    std::optional<std::string> member_number;
    std::vector<ScanItem> items;
    int64_t total_minor = 0;  // at shelf prices, before offers
    int64_t started_at = 0;
    std::optional<int64_t> finished_at, scanned_total_minor, audit_probability_ppm, audited_total_minor,
        discrepancy_minor, receipt_row_id;
    std::optional<bool> audit_selected;
    std::optional<std::string> receipt_id;
};

struct FinishOutcome {
    ScanSession session;
    Quote quote;                            // the basket as paid (after an audit: as counted)
    std::optional<ReceiptOutcome> receipt;  // none while it awaits an audit
};

// Who may touch a session: the store's systems (a till key: hand scanners, the self-scan till, staff
// devices) or the member in the app.
struct ScanAccess {
    std::optional<int64_t> store_id, member_id;
};

// Self-scanning, Shop Express (issue 9 §2, R_SCAN_1..5): members of 18 or more start a session with their
// card in a store that offers it, register every item (R_SCAN_2), and finish at a self-scan till, where the
// basket is priced with their offers and becomes a receipt. A finished session may be chosen for an audit
// (R_SCAN_3), more likely after recorded discrepancies (R_SCAN_4); the audit's count then applies.
class SelfScanService {
  public:
    SelfScanService(store::Database& db, const core::Clock& clock,
                    const std::map<std::string, core::MarketRules>& markets, OfferService& offers,
                    ReceiptService& receipts, core::AuditPolicy policy)
        : db_(db), clock_(clock), markets_(markets), offers_(offers), receipts_(receipts), policy_(policy) {}

    core::Result<SelfScanRight> Right(const std::string& member_number);
    // R_SCAN_5: customer service deactivates at the member's request and restores that; only the operator
    // (`by_operator`) revokes after review, or restores a revoked right. A reason is required.
    core::Result<SelfScanRight> SetRight(const std::string& member_number, const std::string& status,
                                         const std::string& reason, const std::string& actor,
                                         bool by_operator);
    core::Result<void> SetStore(const std::string& store_code, bool enabled);

    core::Result<ScanSession> Start(int64_t store_id, const std::string& card, const std::string& device);
    core::Result<ScanSession> StartInApp(int64_t member_id, const std::string& store_code);
    core::Result<ScanSession> Get(const std::string& key, const ScanAccess& who);
    core::Result<ScanSession> AddItem(const std::string& key, const ScanAccess& who, const std::string& ean,
                                      int64_t quantity);
    core::Result<ScanSession> RemoveItem(const std::string& key, const ScanAccess& who,
                                         const std::string& ean);
    core::Result<ScanSession> Cancel(const std::string& key, const ScanAccess& who);
    core::Result<FinishOutcome> Finish(const std::string& key, const ScanAccess& who,
                                       const std::string& tender);
    core::Result<std::vector<ScanSession>> AwaitingAudit(int64_t store_id);
    // The staff's count: [[ean, quantity]]. Where its sum differs from the scan's, it applies and the
    // discrepancy is recorded (R_SCAN_3).
    core::Result<FinishOutcome> RecordAudit(const std::string& key, int64_t store_id,
                                            const std::vector<std::pair<std::string, int64_t>>& counted,
                                            const std::string& staff);

    static constexpr size_t kMaxItems = 500;  // distinct products in one session

  private:
    core::Result<SelfScanRight> RightOf(store::Connection& c, int64_t member_id);
    core::Result<ScanSession> Load(store::Connection& c, const std::string& key, const ScanAccess& who);
    core::Result<ScanSession> StartFor(int64_t store_id, int64_t member_id, const std::string& device);
    core::Result<Quote> PriceItems(const ScanSession& s, const std::vector<ScanItem>& items);
    core::Result<ReceiptOutcome> PostReceipt(const ScanSession& s, const std::vector<ScanItem>& items,
                                             const Quote& q, const std::string& tender);
    store::Database& db_;
    const core::Clock& clock_;
    const std::map<std::string, core::MarketRules>& markets_;
    OfferService& offers_;
    ReceiptService& receipts_;
    core::AuditPolicy policy_;
};

}  // namespace andel::app
