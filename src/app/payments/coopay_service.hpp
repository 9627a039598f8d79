#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/payments/provider.hpp"
#include "core/clock.hpp"
#include "core/market.hpp"
#include "core/result.hpp"
#include "notify/sealer.hpp"
#include "store/database.hpp"

namespace andel::app {

struct PaymentMethodView {
    int64_t id = 0;
    std::string label, status;
    int64_t created_at = 0;
};

struct CoopayStatus {
    bool active = false;  // the member (or, for a family member, the owner) activated Coopay
    std::optional<PaymentMethodView> method;
    bool family_member = false;  // pays with the household owner's method
    std::optional<int64_t> monthly_limit_minor, spent_this_month_minor;
};

struct PaymentCode {
    std::string code;  // 8 digits, for the till to key in
    std::string qr;    // what the QR code holds: "andel-pay:" + code
    int64_t expires_at = 0;
};

struct RedeemInput {
    std::string code, receipt_id;
    int64_t amount_minor = 0;
};

struct PaymentView {
    int64_t id = 0;
    std::string store, receipt_id, currency, status;
    int64_t amount_minor = 0, captured_minor = 0, refunded_minor = 0;
    std::optional<std::string> paid_by;  // a family member's number, in the owner's history
    int64_t created_at = 0;
    bool replayed = false;
};

struct ReconcileReport {
    int64_t captured = 0, voided = 0, still_open = 0;
};

// Coopay, paying with the app at the till (R_PAY_1, R_PAY_2). A member adds a payment method (a token of
// the provider) and activates Coopay with a strong login (BankID) — activation is refused otherwise. While
// logged in, the app asks for a one-time code (60 s, single use, void when its session ends); the till
// redeems it with the amount and its receipt id and Andel authorises the amount with the provider; the
// receipt's "mobile" tender captures it when the receipt is posted, and a return refunds it. Idempotent on
// (store, receipt id). A provider that does not answer leaves the payment 'unknown' and the till is told to
// take another tender; Reconcile() (every minute in serve) looks it up and voids it, and voids
// authorisations whose receipt never came, so no money is taken without a receipt. Family members
// (household participants) pay with the owner's method within the monthly limit the owner sets; their
// purchases earn for the household (R_HH_6) as any receipt of theirs does.
class CoopayService {
  public:
    static constexpr int64_t kCodeValidityMs = 60'000;
    static constexpr int64_t kUncapturedVoidAfterMs = 30 * 60'000;

    CoopayService(store::Database& db, const core::Clock& clock,
                  const std::map<std::string, core::MarketRules>& markets, PaymentProvider& provider,
                  const notify::Sealer& sealer, std::string code_key)
        : db_(db),
          clock_(clock),
          markets_(markets),
          provider_(provider),
          sealer_(sealer),
          code_key_(std::move(code_key)) {}

    core::Result<PaymentMethodView> AddMethod(int64_t member_id, const std::string& token);
    core::Result<std::vector<PaymentMethodView>> Methods(int64_t member_id);
    core::Result<void> RemoveMethod(int64_t member_id, int64_t method_id);
    core::Result<CoopayStatus> Status(int64_t member_id);
    // R_PAY_2: only with a session opened by BankID (`login_method`), and a method of the member's.
    core::Result<CoopayStatus> Activate(int64_t member_id, int64_t method_id,
                                        const std::string& login_method);
    core::Result<void> Deactivate(int64_t member_id);
    core::Result<PaymentCode> IssueCode(int64_t member_id, const std::string& session_public_id);
    // The household owner sets a family member's monthly limit (0 stops their payments).
    core::Result<CoopayStatus> SetFamilyLimit(int64_t owner_member_id, const std::string& member_number,
                                              int64_t monthly_limit_minor);

    // A till of `store_id`: authorises the code's payment.
    core::Result<PaymentView> Redeem(int64_t store_id, const RedeemInput& in);
    // After a receipt was posted: captures its Coopay payment (the receipt's "mobile" tenders, up to what
    // was authorised; nothing: voided). Nothing to do when the receipt has no Coopay payment.
    core::Result<void> SettleReceipt(int64_t store_id, const std::string& receipt_id, int64_t mobile_minor);
    // After a return receipt naming `original_receipt_id` was posted: refunds `amount_minor` of the original
    // Coopay payment, once per return receipt.
    core::Result<void> RefundReturn(int64_t store_id, const std::string& original_receipt_id,
                                    const std::string& return_receipt_id, int64_t amount_minor);
    // The member's payments, and their family members' when they own the household; newest first.
    core::Result<std::vector<PaymentView>> History(int64_t member_id, int limit);
    core::Result<ReconcileReport> Reconcile();

  private:
    std::string CodeHash(const std::string& code) const;
    store::Database& db_;
    const core::Clock& clock_;
    const std::map<std::string, core::MarketRules>& markets_;
    PaymentProvider& provider_;
    const notify::Sealer& sealer_;
    std::string code_key_;
};

}  // namespace andel::app
