#include "app/ledger/points_shop_service.hpp"

#include <cstdio>
#include <limits>

#include "app/crypto.hpp"
#include "app/transaction.hpp"
#include "core/ledger/journal.hpp"
#include "core/membership/numbers.hpp"
#include "store/ledger/ledger_repository.hpp"
#include "store/membership/membership_repository.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;
namespace kind = core::account_kind;

// kVoucherDigits uniformly random digits (libsodium), by rejection so that no digit string is likelier.
std::string RandomVoucherCode() {
    constexpr uint64_t kRange = 1'000'000'000'000;  // 10^12
    constexpr uint64_t kLimit = std::numeric_limits<uint64_t>::max() / kRange * kRange;
    for (;;) {
        uint64_t v = std::stoull(RandomHex(8), nullptr, 16);
        if (v >= kLimit) continue;
        char out[16];
        std::snprintf(out, sizeof out, "%012llu", static_cast<unsigned long long>(v % kRange));
        return out;
    }
}

// "123456789012" -> "1234-5678-9012", as printed for the member (and safe in a URL).
std::string GroupedCode(const std::string& digits) {
    return digits.substr(0, 4) + "-" + digits.substr(4, 4) + "-" + digits.substr(8, 4);
}

// The same instant `months` calendar months later (UTC), on the month's last day when the day is missing.
core::Timestamp AddCalendarMonths(core::Timestamp t, int months) {
    using namespace std::chrono;
    auto day = floor<days>(t);
    year_month_day ymd{day};
    year_month_day later = ymd + std::chrono::months{months};
    if (!later.ok()) later = later.year() / later.month() / last;
    return core::Timestamp(sys_days(later)) + (t - day);
}

}  // namespace

std::optional<std::string> NormalizeVoucherCode(const std::string& code) {
    std::string digits;
    if (code.size() > 32) return std::nullopt;
    for (char ch : code) {
        if (ch >= '0' && ch <= '9')
            digits += ch;
        else if (ch != ' ' && ch != '-')
            return std::nullopt;
    }
    if (digits.size() != PointsShopService::kVoucherDigits) return std::nullopt;
    return digits;
}

Result<std::vector<store::ShopRewardRecord>> PointsShopService::Catalogue(const std::string& market) {
    if (!markets_.contains(market)) return Error::NotFound("no market " + market);
    auto c = db_.Read();
    return store::PointsShopRepository(*c).ActiveRewards(market);
}

Result<store::ShopRewardRecord> PointsShopService::AddReward(const RewardInput& in) {
    auto market = markets_.find(in.market);
    if (market == markets_.end()) return Error::Invalid("no market " + in.market, "market");
    if (market->second.reward != core::RewardKind::kPoints)
        return Error::Rule("R_BON_5", "the points shop is for markets whose members earn points");
    if (in.code.empty() || in.code.size() > 64 ||
        in.code.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
        return Error::Malformed("code is 1 to 64 of a-z, 0-9 and -", "code");
    if (in.name.empty() || in.name.size() > 200)
        return Error::Malformed("name is 1 to 200 characters", "name");
    if (in.kind != "voucher" && in.kind != "partner")
        return Error::Malformed("kind is voucher or partner", "kind");
    if (in.points <= 0) return Error::Invalid("points must be positive", "points");
    if (in.value_minor < 0) return Error::Invalid("value_minor must not be negative", "value_minor");
    if (in.kind == "voucher" && in.value_minor == 0)
        return Error::Invalid("a voucher reward has a value", "value_minor");

    store::ShopRewardRecord r{0,
                              in.market,
                              in.code,
                              in.name,
                              in.kind,
                              in.points,
                              in.value_minor,
                              in.active,
                              core::ToMillis(clock_.Now())};
    store::Transaction tx(db_);
    auto id = store::PointsShopRepository(tx.conn()).InsertReward(r);
    if (!id) return id.error();
    tx.Commit();
    r.id = *id;
    return r;
}

Result<RedemptionOutcome> PointsShopService::Redeem(const std::string& member_number,
                                                    const std::string& reward_code,
                                                    const std::string& idempotency_key,
                                                    const std::string& request_hash,
                                                    const std::string& actor) {
    if (!core::IsValidMemberNumber(member_number))
        return Error::Malformed("a member number has 8 digits with a valid check digit", "member_number");
    if (idempotency_key.empty() || idempotency_key.size() > 64)
        return Error::Malformed("the Idempotency-Key is 1 to 64 characters", "Idempotency-Key");
    if (reward_code.empty() || reward_code.size() > 64)
        return Error::Malformed("reward_code is 1 to 64 characters", "reward_code");
    return InTransaction(db_, [&](store::Connection& c) {
        return RedeemIn(c, member_number, reward_code, idempotency_key, request_hash, actor);
    });
}

Result<RedemptionOutcome> PointsShopService::RedeemIn(store::Connection& c, const std::string& member_number,
                                                      const std::string& reward_code,
                                                      const std::string& idempotency_key,
                                                      const std::string& request_hash,
                                                      const std::string& actor) {
    store::MembershipRepository members(c);
    store::LedgerRepository ledger(c);
    store::PointsShopRepository shop(c);
    auto now_ts = clock_.Now();
    int64_t now = core::ToMillis(now_ts);

    auto member = members.FindMemberByNumber(member_number);
    if (!member) return Error::NotFound("no member with that number");

    // Idempotent on (member, key): the same request answers the first result, another one is a conflict.
    if (auto done = shop.FindRedemption(member->id, idempotency_key)) {
        if (done->request_hash != request_hash)
            return Error::Conflict("this Idempotency-Key was used before with a different request");
        RedemptionOutcome out;
        out.redemption_id = done->id;
        out.member_number = member_number;
        out.reward = *shop.FindReward(done->reward_id);
        out.points = done->points;
        out.lots = shop.DebitedLots(done->entry_id);
        out.balance_after = done->balance_after;
        if (done->voucher_id) {
            auto v = shop.FindVoucher(*done->voucher_id);
            out.voucher =
                IssuedVoucher{std::nullopt, v->value_minor, v->currency, core::FromMillis(v->expires_at)};
        }
        out.replayed = true;
        return out;
    }

    if (member->status != "active") return Error::Invalid("the membership has ended", "member_number");
    auto market = markets_.find(member->market);
    if (market == markets_.end() || market->second.reward != core::RewardKind::kPoints)
        return Error::Rule("R_BON_5", "the points shop is for members who earn points (SE)");
    const core::MarketRules& rules = market->second;
    if (!member->household_id)
        return Error::Invalid("the member belongs to no household, so holds no points", "member_number");
    int64_t household = *member->household_id;
    if (auto h = members.FindHousehold(household)) {
        auto owner = members.FindMember(h->owner_member_id);
        if (owner && owner->is_demo)
            return Error::Rule("R_MEM_10", "the demo household's points are not real and cannot be spent");
    }

    auto reward = shop.FindRewardByCode(reward_code);
    if (!reward) return Error::NotFound("no reward " + reward_code);
    if (!reward->active) return Error::Invalid("the reward is no longer offered", "reward_code");
    if (reward->market != member->market)
        return Error::Rule("R_BON_5", "the reward belongs to another market than the member");

    // Lock the household's points account first, so concurrent redemptions take turns and each sees the
    // balance and lots the one before it left (PostgreSQL runs READ COMMITTED).
    core::AccountRef points{kind::kHouseholdPoints, "household", household, "points"};
    int64_t account_id = ledger.AccountId(points, now);
    int64_t balance =
        c.QueryOne("UPDATE ledger_accounts SET balance = balance WHERE id = $1 RETURNING balance",
                   {store::Int(account_id)})
            ->Int(0);
    if (balance < reward->points)
        return Error::Rule("R_BON_5", "the household has " + std::to_string(balance) + " points; " +
                                          reward->name + " costs " + std::to_string(reward->points));

    core::JournalEntry entry;
    entry.source_kind = "redemption";
    entry.source_key = "member:" + std::to_string(member->id) + "/key:" + idempotency_key;
    entry.description = "points shop: " + reward->name;
    entry.actor = actor;
    entry.occurred_at = now;
    core::AccountRef shop_account{kind::kPointsShop, "operator", 0, "points"};
    auto lots = ledger.OldestLots(account_id, reward->points);  // R_BON_4: the oldest points first
    int64_t taken = 0;
    for (const auto& [month, n] : lots) {
        entry.postings.push_back({points, -n, month});
        taken += n;
    }
    if (taken != reward->points)  // the lots hold the balance (`andel check ledger`); a bug otherwise
        return Error{
            core::ErrorCode::kInternal, "the household's points lots do not hold its balance", {}, {}};
    entry.postings.push_back({shop_account, reward->points, std::nullopt});
    auto entry_id = ledger.Post(entry, now);
    if (!entry_id && entry_id.error().code == core::ErrorCode::kConflict)
        throw store::DbError(store::DbError::Kind::kUniqueViolation, entry_id.error().detail);
    if (!entry_id) return entry_id.error();

    RedemptionOutcome out;
    std::optional<int64_t> voucher_id;
    if (reward->kind == "voucher") {
        std::string code = RandomVoucherCode();
        store::VoucherRecord v;
        v.code_hash = Sha256Hex(code);
        v.market = reward->market;
        v.value_minor = reward->value_minor;
        v.currency = rules.currency;
        v.status = "issued";
        v.issued_at = now;
        v.expires_at = core::ToMillis(AddCalendarMonths(now_ts, kVoucherValidityMonths));
        voucher_id = shop.InsertVoucher(v);
        out.voucher =
            IssuedVoucher{GroupedCode(code), v.value_minor, v.currency, core::FromMillis(v.expires_at)};
    }

    store::RedemptionRecord r;
    r.household_id = household;
    r.member_id = member->id;
    r.reward_id = reward->id;
    r.points = reward->points;
    r.idempotency_key = idempotency_key;
    r.request_hash = request_hash;
    r.entry_id = *entry_id;
    r.balance_after = balance - reward->points;
    r.created_at = now;
    r.voucher_id = voucher_id;
    out.redemption_id = shop.InsertRedemption(r);
    out.member_number = member_number;
    out.reward = *reward;
    out.points = reward->points;
    out.lots = std::move(lots);
    out.balance_after = r.balance_after;
    return out;
}

Result<VoucherUse> PointsShopService::RedeemVoucher(int64_t store_id, const std::string& code,
                                                    const std::string& receipt_id) {
    auto digits = NormalizeVoucherCode(code);
    if (!digits) return Error::Malformed("a voucher code has 12 digits", "code");
    if (receipt_id.empty() || receipt_id.size() > 64)
        return Error::Malformed("receipt_id is 1 to 64 characters", "receipt_id");
    return InTransaction(db_, [&](store::Connection& c) -> Result<VoucherUse> {
        store::PointsShopRepository shop(c);
        store::MembershipRepository members(c);
        auto now_ts = clock_.Now();
        int64_t now = core::ToMillis(now_ts);
        auto v = shop.FindVoucherByHash(Sha256Hex(*digits));
        if (!v) return Error::NotFound("no voucher with that code");
        auto store = members.FindStore(store_id);
        if (!store) return Error::Invalid("the till's store does not exist");
        auto coop = members.FindCooperative(store->cooperative_id);
        if (!coop || coop->market != v->market)
            return Error::Rule("R_BON_5", "the voucher is for the " + v->market + " market's stores");
        if (v->status == "used") return Error::Conflict("the voucher was used before");
        if (v->status != "issued") return Error::Invalid("the voucher is void", "code");
        if (now >= v->expires_at)
            return Error::Rule("R_BON_5", "the voucher expired at " +
                                              core::FormatTimestamp(core::FromMillis(v->expires_at)));
        if (!shop.UseVoucher(v->id, store_id, receipt_id, now))
            return Error::Conflict("the voucher was used before");
        return VoucherUse{v->market, v->currency, receipt_id, v->value_minor, now_ts};
    });
}

}  // namespace andel::app
