#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "store/database.hpp"

namespace andel::store {

struct ShopRewardRecord {
    int64_t id = 0;
    std::string market, code, name, kind;  // kind: "voucher" | "partner"
    int64_t points = 0, value_minor = 0;
    bool active = true;
    int64_t created_at = 0;
};

struct RedemptionRecord {
    int64_t id = 0;
    int64_t household_id = 0, member_id = 0, reward_id = 0, points = 0;
    std::string idempotency_key, request_hash;
    int64_t entry_id = 0;
    std::optional<int64_t> voucher_id;
    int64_t balance_after = 0;
    int64_t created_at = 0;
};

struct VoucherRecord {
    int64_t id = 0;
    std::string code_hash, market;
    int64_t value_minor = 0;
    std::string currency, status;  // status: "issued" | "used" | "void"
    int64_t issued_at = 0, expires_at = 0;
    std::optional<int64_t> used_at, used_store_id;
    std::optional<std::string> used_receipt_id;
    // What a receipt's bonus_voucher tender paid with it (<= value_minor; the rest lapses: no change). Null
    // while issued, and when taken by the separate till call without a receipt tender booking it.
    std::optional<int64_t> used_amount_minor;
};

// Persistence of the points shop (R_BON_5): rewards, redemptions and vouchers. Runs on the caller's
// connection or transaction.
class PointsShopRepository {
  public:
    explicit PointsShopRepository(Connection& c) : c_(c) {}

    // Conflict when the code is taken.
    core::Result<int64_t> InsertReward(const ShopRewardRecord& r);
    std::vector<ShopRewardRecord> ActiveRewards(const std::string& market);
    std::optional<ShopRewardRecord> FindReward(int64_t id);
    std::optional<ShopRewardRecord> FindRewardByCode(const std::string& code);

    // Throws DbError kUniqueViolation when (member, key) is taken (a concurrent request): retried.
    int64_t InsertRedemption(const RedemptionRecord& r);
    std::optional<RedemptionRecord> FindRedemption(int64_t member_id, const std::string& idempotency_key);
    // The points lots an entry debited, oldest first: (month, points).
    std::vector<std::pair<int, int64_t>> DebitedLots(int64_t entry_id);

    // Throws DbError kUniqueViolation on a code hash clash (retried with a new code).
    int64_t InsertVoucher(const VoucherRecord& v);
    std::optional<VoucherRecord> FindVoucher(int64_t id);
    std::optional<VoucherRecord> FindVoucherByHash(const std::string& code_hash);
    // Marks an issued voucher used; false when it was no longer issued (used by a concurrent request).
    bool UseVoucher(int64_t id, int64_t store_id, const std::string& receipt_id, int64_t now);
    // Marks a voucher used as the tender of receipt `receipt_id` of `store_id`, paying `amount_minor`: an
    // issued one, or one the separate till call took for this very store and receipt and no tender booked
    // yet. False when neither (a concurrent receipt used it).
    bool UseVoucherAsTender(int64_t id, int64_t store_id, const std::string& receipt_id, int64_t amount_minor,
                            int64_t now);

  private:
    Connection& c_;
};

}  // namespace andel::store
