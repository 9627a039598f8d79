#include "store/ledger/points_shop_repository.hpp"

namespace andel::store {
namespace {

constexpr const char* kRewardColumns =
    "id, market, code, name, kind, points, value_minor, active, created_at";
constexpr const char* kVoucherColumns =
    "id, code_hash, market, value_minor, currency, status, issued_at, expires_at, used_at, used_store_id, "
    "used_receipt_id, used_amount_minor";
constexpr const char* kRedemptionColumns =
    "id, household_id, member_id, reward_id, points, idempotency_key, request_hash, entry_id, voucher_id, "
    "balance_after, created_at";

ShopRewardRecord ReadReward(const Row& r) {
    return {r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5), r.Int(6), r.Bool(7), r.Int(8)};
}

VoucherRecord ReadVoucher(const Row& r) {
    return {r.Int(0), r.Text(1), r.Text(2),   r.Int(3),    r.Text(4),     r.Text(5),
            r.Int(6), r.Int(7),  r.OptInt(8), r.OptInt(9), r.OptText(10), r.OptInt(11)};
}

RedemptionRecord ReadRedemption(const Row& r) {
    return {r.Int(0),  r.Int(1), r.Int(2),    r.Int(3), r.Int(4), r.Text(5),
            r.Text(6), r.Int(7), r.OptInt(8), r.Int(9), r.Int(10)};
}

}  // namespace

core::Result<int64_t> PointsShopRepository::InsertReward(const ShopRewardRecord& r) {
    try {
        return c_
            .QueryOne(
                "INSERT INTO shop_rewards (market, code, name, kind, points, value_minor, active, "
                "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                {Text(r.market), Text(r.code), Text(r.name), Text(r.kind), Int(r.points), Int(r.value_minor),
                 Int(r.active ? 1 : 0), Int(r.created_at)})
            ->Int(0);
    } catch (const DbError& e) {
        if (e.kind() == DbError::Kind::kUniqueViolation)
            return core::Error::Conflict("a reward with code " + r.code + " exists");
        throw;
    }
}

std::vector<ShopRewardRecord> PointsShopRepository::ActiveRewards(const std::string& market) {
    std::vector<ShopRewardRecord> out;
    for (const auto& r :
         c_.Query(std::string("SELECT ") + kRewardColumns +
                      " FROM shop_rewards WHERE market = $1 AND active = 1 ORDER BY points, code",
                  {Text(market)}))
        out.push_back(ReadReward(r));
    return out;
}

std::optional<ShopRewardRecord> PointsShopRepository::FindReward(int64_t id) {
    auto r =
        c_.QueryOne(std::string("SELECT ") + kRewardColumns + " FROM shop_rewards WHERE id = $1", {Int(id)});
    if (!r) return std::nullopt;
    return ReadReward(*r);
}

std::optional<ShopRewardRecord> PointsShopRepository::FindRewardByCode(const std::string& code) {
    auto r = c_.QueryOne(std::string("SELECT ") + kRewardColumns + " FROM shop_rewards WHERE code = $1",
                         {Text(code)});
    if (!r) return std::nullopt;
    return ReadReward(*r);
}

int64_t PointsShopRepository::InsertRedemption(const RedemptionRecord& r) {
    return c_
        .QueryOne(
            "INSERT INTO redemptions (household_id, member_id, reward_id, points, idempotency_key, "
            "request_hash, "
            "entry_id, voucher_id, balance_after, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
            "$10) "
            "RETURNING id",
            {Int(r.household_id), Int(r.member_id), Int(r.reward_id), Int(r.points), Text(r.idempotency_key),
             Text(r.request_hash), Int(r.entry_id), r.voucher_id ? Int(*r.voucher_id) : Null(),
             Int(r.balance_after), Int(r.created_at)})
        ->Int(0);
}

std::optional<RedemptionRecord> PointsShopRepository::FindRedemption(int64_t member_id,
                                                                     const std::string& idempotency_key) {
    auto r = c_.QueryOne(std::string("SELECT ") + kRedemptionColumns +
                             " FROM redemptions WHERE member_id = $1 AND idempotency_key = $2",
                         {Int(member_id), Text(idempotency_key)});
    if (!r) return std::nullopt;
    return ReadRedemption(*r);
}

std::vector<std::pair<int, int64_t>> PointsShopRepository::DebitedLots(int64_t entry_id) {
    std::vector<std::pair<int, int64_t>> out;
    for (const auto& r : c_.Query("SELECT lot_month, -amount FROM ledger_postings WHERE entry_id = $1 AND "
                                  "lot_month IS NOT NULL AND amount < 0 ORDER BY lot_month",
                                  {Int(entry_id)}))
        out.emplace_back(static_cast<int>(r.Int(0)), r.Int(1));
    return out;
}

int64_t PointsShopRepository::InsertVoucher(const VoucherRecord& v) {
    return c_
        .QueryOne(
            "INSERT INTO vouchers (code_hash, market, value_minor, currency, status, issued_at, expires_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            {Text(v.code_hash), Text(v.market), Int(v.value_minor), Text(v.currency), Text(v.status),
             Int(v.issued_at), Int(v.expires_at)})
        ->Int(0);
}

std::optional<VoucherRecord> PointsShopRepository::FindVoucher(int64_t id) {
    auto r =
        c_.QueryOne(std::string("SELECT ") + kVoucherColumns + " FROM vouchers WHERE id = $1", {Int(id)});
    if (!r) return std::nullopt;
    return ReadVoucher(*r);
}

std::optional<VoucherRecord> PointsShopRepository::FindVoucherByHash(const std::string& code_hash) {
    auto r = c_.QueryOne(std::string("SELECT ") + kVoucherColumns + " FROM vouchers WHERE code_hash = $1",
                         {Text(code_hash)});
    if (!r) return std::nullopt;
    return ReadVoucher(*r);
}

bool PointsShopRepository::UseVoucher(int64_t id, int64_t store_id, const std::string& receipt_id,
                                      int64_t now) {
    return c_.Execute(
               "UPDATE vouchers SET status = 'used', used_at = $2, used_store_id = $3, used_receipt_id = $4 "
               "WHERE id = $1 AND status = 'issued'",
               {Int(id), Int(now), Int(store_id), Text(receipt_id)}) == 1;
}

bool PointsShopRepository::UseVoucherAsTender(int64_t id, int64_t store_id, const std::string& receipt_id,
                                              int64_t amount_minor, int64_t now) {
    return c_.Execute(
               "UPDATE vouchers SET status = 'used', used_at = COALESCE(used_at, $2), used_store_id = $3, "
               "used_receipt_id = $4, "
               "used_amount_minor = $5 WHERE id = $1 AND (status = 'issued' OR (status = 'used' AND "
               "used_store_id = $3 AND used_receipt_id = $4 AND used_amount_minor IS NULL))",
               {Int(id), Int(now), Int(store_id), Text(receipt_id), Int(amount_minor)}) == 1;
}

}  // namespace andel::store
