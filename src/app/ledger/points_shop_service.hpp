#pragma once
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/market.hpp"
#include "core/result.hpp"
#include "store/database.hpp"
#include "store/ledger/points_shop_repository.hpp"

namespace andel::app {

struct RewardInput {
    std::string market, code, name, kind;  // kind: "voucher" | "partner"
    int64_t points = 0, value_minor = 0;
    bool active = true;
};

struct IssuedVoucher {
    std::optional<std::string> code;  // "1234-5678-9012": only in the first answer; null on a replay
    int64_t value_minor = 0;
    std::string currency;
    core::Timestamp expires_at;
};

struct RedemptionOutcome {
    int64_t redemption_id = 0;
    std::string member_number;
    store::ShopRewardRecord reward;
    int64_t points = 0;
    std::vector<std::pair<int, int64_t>> lots;  // (YYYYMM, points) taken, oldest first (R_BON_4)
    int64_t balance_after = 0;                  // the household's points after the redemption
    std::optional<IssuedVoucher> voucher;
    bool replayed = false;  // the same key and request answered before: this is the first result again
};

struct VoucherUse {
    std::string market, currency, receipt_id;
    int64_t value_minor = 0;
    core::Timestamp used_at;
};

// The points shop (Poängshoppen, R_BON_5): a household's points buy rewards of its market, the oldest lots
// first (R_BON_4); a voucher reward issues a bonus voucher a till of the market accepts once.
class PointsShopService {
  public:
    PointsShopService(store::Database& db, const core::Clock& clock,
                      const std::map<std::string, core::MarketRules>& markets)
        : db_(db), clock_(clock), markets_(markets) {}

    // The active rewards of a market (NotFound when the market is not enabled).
    core::Result<std::vector<store::ShopRewardRecord>> Catalogue(const std::string& market);
    // Back office adds a reward; only in a market whose members earn points (R_BON_5).
    core::Result<store::ShopRewardRecord> AddReward(const RewardInput& in);
    // One transaction: checks the member and balance, debits the household's points oldest first and, for a
    // voucher reward, issues the voucher. Idempotent on (member, idempotency_key): the same request_hash
    // answers the first result (replayed, without the voucher code, which is stored hashed only); another
    // request_hash is a Conflict.
    core::Result<RedemptionOutcome> Redeem(const std::string& member_number, const std::string& reward_code,
                                           const std::string& idempotency_key,
                                           const std::string& request_hash, const std::string& actor);
    // A till of `store_id` takes a voucher for receipt `receipt_id`: once, before it expires, in its market.
    core::Result<VoucherUse> RedeemVoucher(int64_t store_id, const std::string& code,
                                           const std::string& receipt_id);

    static constexpr int kVoucherValidityMonths = 12;
    static constexpr int kVoucherDigits = 12;

  private:
    core::Result<RedemptionOutcome> RedeemIn(store::Connection& c, const std::string& member_number,
                                             const std::string& reward_code,
                                             const std::string& idempotency_key,
                                             const std::string& request_hash, const std::string& actor);
    store::Database& db_;
    const core::Clock& clock_;
    const std::map<std::string, core::MarketRules>& markets_;
};

// A voucher code as the member reads it, without spaces or dashes: 12 digits, or nullopt.
std::optional<std::string> NormalizeVoucherCode(const std::string& code);

}  // namespace andel::app
