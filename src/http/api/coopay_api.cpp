// Coopay, paying with the app at the till (R_PAY_1, R_PAY_2): the member's payment methods, activation with
// BankID, one-time payment codes, the payment history and family members' limits; the till redeems a code.
#include "app/payments/coopay_service.hpp"
#include "http/api/api.hpp"
#include "http/json_body.hpp"

namespace andel::http {
namespace {

using nlohmann::json;

std::string Time(int64_t ms) { return core::FormatTimestamp(core::FromMillis(ms)); }

json MethodJson(const app::PaymentMethodView& m) {
    json j = {{"label", m.label}, {"status", m.status}, {"created_at", Time(m.created_at)}};
    j["id"] = m.id > 0 ? json(m.id) : json(nullptr);
    return j;
}

json StatusJson(const app::CoopayStatus& s) {
    return {{"active", s.active},
            {"method", s.method ? MethodJson(*s.method) : json(nullptr)},
            {"family_member", s.family_member},
            {"monthly_limit_minor", s.monthly_limit_minor ? json(*s.monthly_limit_minor) : json(nullptr)},
            {"spent_this_month_minor",
             s.spent_this_month_minor ? json(*s.spent_this_month_minor) : json(nullptr)}};
}

json PaymentJson(const app::PaymentView& p) {
    return {{"id", p.id},
            {"store", p.store},
            {"receipt_id", p.receipt_id},
            {"currency", p.currency},
            {"status", p.status},
            {"amount_minor", p.amount_minor},
            {"captured_minor", p.captured_minor},
            {"refunded_minor", p.refunded_minor},
            {"paid_by", p.paid_by ? json(*p.paid_by) : json(nullptr)},
            {"created_at", Time(p.created_at)}};
}

Response NotConfigured(Context& ctx) {
    return Problem(core::Error::NotFound("Coopay is not configured on this server"), ctx.request.request_id);
}

}  // namespace

void SettleCoopay(Services& s, int64_t store_id, const app::ReceiptInput& in) {
    if (!s.coopay) return;
    int64_t mobile = 0;
    for (const auto& t : in.tenders)
        if (t.kind == "mobile") mobile += t.amount_minor;
    if (in.original_receipt_id) {
        if (mobile < 0)
            (void)s.coopay->RefundReturn(store_id, *in.original_receipt_id, in.receipt_id, -mobile);
        return;
    }
    (void)s.coopay->SettleReceipt(store_id, in.receipt_id, mobile);
}

void AddCoopayRoutes(Router& router, Services& s) {
    const std::set<std::string> payers = {app::auth::kRoleMember, app::auth::kRoleFamilyMember};
    const std::set<std::string> owners = {app::auth::kRoleHouseholdOwner};

    router.Add("GET", "/api/v1/me/coopay", payers, [&s](Context& ctx) {
        if (!s.coopay) return NotConfigured(ctx);
        auto r = s.coopay->Status(*ctx.principal.member_id);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(200, StatusJson(*r));
    });
    router.Add("GET", "/api/v1/me/payment-methods", payers, [&s](Context& ctx) {
        if (!s.coopay) return NotConfigured(ctx);
        auto r = s.coopay->Methods(*ctx.principal.member_id);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        json items = json::array();
        for (const auto& m : *r) items.push_back(MethodJson(m));
        return JsonResponse(200, {{"items", items}});
    });
    router.Add("POST", "/api/v1/me/payment-methods", payers, [&s](Context& ctx) {
        if (!s.coopay) return NotConfigured(ctx);
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string token = f.RequiredString("token", 200);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto r = s.coopay->AddMethod(*ctx.principal.member_id, token);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(201, MethodJson(*r));
    });
    router.Add("DELETE", "/api/v1/me/payment-methods/{method_id}", payers, [&s](Context& ctx) {
        if (!s.coopay) return NotConfigured(ctx);
        const std::string& raw = ctx.Param("method_id");
        if (raw.empty() || raw.size() > 18 || raw.find_first_not_of("0123456789") != std::string::npos)
            return Problem(core::Error::NotFound("no such payment method"), ctx.request.request_id);
        auto r = s.coopay->RemoveMethod(*ctx.principal.member_id, std::stoll(raw));
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(200, {{"status", "removed"}});
    });
    router.Add("POST", "/api/v1/me/coopay/activation", payers, [&s](Context& ctx) {
        if (!s.coopay) return NotConfigured(ctx);
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        auto method = f.OptionalInt("method_id", 1, 1'000'000'000'000'000'000);
        if (!method && f.ok()) f.Fail("method_id", "is required: the payment method to pay with");
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto r = s.coopay->Activate(*ctx.principal.member_id, *method, ctx.principal.session_public_id);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(200, StatusJson(*r));
    });
    router.Add("DELETE", "/api/v1/me/coopay/activation", payers, [&s](Context& ctx) {
        if (!s.coopay) return NotConfigured(ctx);
        auto r = s.coopay->Deactivate(*ctx.principal.member_id);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(200, {{"status", "deactivated"}});
    });
    router.Add("POST", "/api/v1/me/coopay/codes", payers, [&s](Context& ctx) {
        if (!s.coopay) return NotConfigured(ctx);
        auto r = s.coopay->IssueCode(*ctx.principal.member_id, ctx.principal.session_public_id);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        Response out =
            JsonResponse(201, {{"code", r->code}, {"qr", r->qr}, {"expires_at", Time(r->expires_at)}});
        out.headers.emplace_back("Cache-Control", "no-store");
        return out;
    });
    router.Add("GET", "/api/v1/me/payments", payers, [&s](Context& ctx) {
        if (!s.coopay) return NotConfigured(ctx);
        auto r = s.coopay->History(*ctx.principal.member_id, 100);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        json items = json::array();
        for (const auto& p : *r) items.push_back(PaymentJson(p));
        return JsonResponse(200, {{"items", items}});
    });
    router.Add("PUT", "/api/v1/me/coopay/family-limits/{member_number}", owners, [&s](Context& ctx) {
        if (!s.coopay) return NotConfigured(ctx);
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        auto limit = f.OptionalInt("monthly_limit_minor", 0, 1'000'000'000);
        if (!limit && f.ok())
            f.Fail("monthly_limit_minor", "is required (0 stops the family member's payments)");
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto r = s.coopay->SetFamilyLimit(*ctx.principal.member_id, ctx.Param("member_number"), *limit);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(200, StatusJson(*r));
    });

    // The till redeems a code for a receipt's amount: authorised with the provider, captured when the
    // receipt (its "mobile" tender) is posted. Idempotent on (store, receipt id).
    router.Add("POST", "/api/v1/till/coopay/payments", {app::kRoleTill}, [&s](Context& ctx) {
        if (!s.coopay) return NotConfigured(ctx);
        if (!ctx.principal.store_id)
            return Problem(core::Error::Forbidden("this key belongs to no store"), ctx.request.request_id);
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        app::RedeemInput in;
        in.code = f.RequiredString("code", 16);
        in.receipt_id = f.RequiredString("receipt_id", 64);
        auto amount = f.OptionalInt("amount_minor", 1, 1'000'000'000);
        if (!amount && f.ok()) f.Fail("amount_minor", "is required");
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        in.amount_minor = *amount;
        auto r = s.coopay->Redeem(*ctx.principal.store_id, in);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(r->replayed ? 200 : 201, PaymentJson(*r));
    });
}

}  // namespace andel::http
