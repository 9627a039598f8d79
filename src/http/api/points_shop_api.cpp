// The points shop (Poängshoppen, R_BON_5): the catalogue, back office's rewards, members' redemptions
// (Idempotency-Key) and the tills' use of the vouchers they issue.
#include "app/crypto.hpp"
#include "app/ledger/points_shop_service.hpp"
#include "http/api/api.hpp"
#include "http/json_body.hpp"

namespace andel::http {
namespace {

using nlohmann::json;
constexpr int64_t kMaxPoints = 1'000'000'000;
constexpr int64_t kMaxValueMinor = 100'000'000;  // 1 000 000.00

json RewardJson(const store::ShopRewardRecord& r) {
    return {{"code", r.code},     {"market", r.market},           {"name", r.name},    {"kind", r.kind},
            {"points", r.points}, {"value_minor", r.value_minor}, {"active", r.active}};
}

json MonthJson(int yyyymm) {
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02d", yyyymm / 100 % 10000, yyyymm % 100);
    return std::string(out);
}

json RedemptionJson(const app::RedemptionOutcome& o) {
    json lots = json::array();
    for (const auto& [month, points] : o.lots)
        lots.push_back({{"month", MonthJson(month)}, {"points", points}});
    json voucher = nullptr;
    if (o.voucher)
        voucher = {{"code", o.voucher->code ? json(*o.voucher->code) : json(nullptr)},
                   {"value_minor", o.voucher->value_minor},
                   {"currency", o.voucher->currency},
                   {"expires_at", core::FormatTimestamp(o.voucher->expires_at)}};
    return {{"redemption_id", o.redemption_id},
            {"member_number", o.member_number},
            {"reward", RewardJson(o.reward)},
            {"points", o.points},
            {"lots", lots},
            {"balance", {{"amount", o.balance_after}, {"unit", "points"}}},
            {"voucher", voucher},
            {"replayed", o.replayed}};
}

}  // namespace

void AddPointsShopRoutes(Router& router, Services& s) {
    // The rewards a market's members may buy now (R_BON_5).
    router.Add("GET", "/api/v1/points-shop/{market}/rewards", {app::kRoleTill, app::kRoleBackOffice},
               [&s](Context& ctx) {
                   auto r = s.points_shop.Catalogue(ctx.Param("market"));
                   if (!r) return Problem(r.error(), ctx.request.request_id);
                   json items = json::array();
                   for (const auto& reward : *r) items.push_back(RewardJson(reward));
                   return JsonResponse(200, {{"items", items}});
               });

    router.Add("POST", "/api/v1/points-shop/rewards", {app::kRoleBackOffice}, [&s](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        app::RewardInput in;
        in.market = f.RequiredString("market", 8);
        in.code = f.RequiredString("code", 64);
        in.name = f.RequiredString("name", 200);
        in.kind = f.RequiredString("kind", 16);
        in.points = f.RequiredInt("points", 1, kMaxPoints);
        in.value_minor = f.RequiredInt("value_minor", 0, kMaxValueMinor);
        in.active = f.OptionalBool("active").value_or(true);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto r = s.points_shop.AddReward(in);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(201, RewardJson(*r));
    });

    // A member's household spends points on a reward, the oldest first (R_BON_4, R_BON_5). The
    // Idempotency-Key makes a retry safe: the same body answers 200 with the first result (a voucher's code
    // is shown only in the first answer: it is stored hashed), another body is 409.
    router.Add(
        "POST", "/api/v1/members/{member_number}/redemptions", {app::kRoleBackOffice}, [&s](Context& ctx) {
            auto key = ctx.request.Header("idempotency-key");
            if (!key || key->empty() || key->size() > 64)
                return Problem(
                    core::Error::Malformed("an Idempotency-Key header of 1 to 64 characters is required",
                                           "Idempotency-Key"),
                    ctx.request.request_id);
            auto body = ParseObject(ctx.request);
            if (!body) return Problem(body.error(), ctx.request.request_id);
            Fields f(*body);
            auto reward_code = f.RequiredString("reward_code", 64);
            if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
            auto r = s.points_shop.Redeem(ctx.Param("member_number"), reward_code, std::string(*key),
                                          app::Sha256Hex(Dump(*body)), ctx.principal.Actor());
            if (!r) return Problem(r.error(), ctx.request.request_id);
            return JsonResponse(r->replayed ? 200 : 201, RedemptionJson(*r));
        });

    // A till takes a bonus voucher as payment for a receipt: once, before it expires, in its market.
    router.Add("POST", "/api/v1/till/vouchers/{code}/redeem", {app::kRoleTill}, [&s](Context& ctx) {
        if (!ctx.principal.store_id)
            return Problem(core::Error::Forbidden("this key belongs to no store"), ctx.request.request_id);
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        auto receipt_id = f.RequiredString("receipt_id", 64);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto r = s.points_shop.RedeemVoucher(*ctx.principal.store_id, ctx.Param("code"), receipt_id);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(200, {{"status", "used"},
                                  {"market", r->market},
                                  {"value_minor", r->value_minor},
                                  {"currency", r->currency},
                                  {"receipt_id", r->receipt_id},
                                  {"used_at", core::FormatTimestamp(r->used_at)}});
    });
}

}  // namespace andel::http
