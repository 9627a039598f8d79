// Self-scanning, Shop Express (issue 9 §2, R_SCAN_1..5): the store's systems (a till key: hand scanners,
// self-scan tills, the staff's audit device) and the member's app run scan sessions; customer service and
// the operator keep the right; the back office says which stores offer it.
#include "app/self_scan/self_scan_service.hpp"
#include "http/api/api.hpp"
#include "http/json_body.hpp"

namespace andel::http {
namespace {

using nlohmann::json;

json Opt(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }

json RightJson(const app::SelfScanRight& r) {
    return {{"allowed", r.allowed},
            {"status", r.status},
            {"reason", r.reason ? json(*r.reason) : json(nullptr)},
            {"changed_by", r.changed_by ? json(*r.changed_by) : json(nullptr)},
            {"changed_at", r.changed_at ? json(IsoMillis(*r.changed_at)) : json(nullptr)}};
}

json SessionJson(const app::ScanSession& s) {
    json items = json::array();
    for (const auto& i : s.items)
        items.push_back({{"ean", i.ean},
                         {"name", i.product.name},
                         {"quantity", i.quantity},
                         {"weighed", i.product.weighed},
                         {"unit_price_minor", i.product.unit_price_minor},
                         {"amount_minor", i.amount_minor}});
    return {{"session_id", s.key},
            {"store", s.store_code},
            {"device", s.device},
            {"status", s.status},
            {"items", items},
            {"total_minor", s.total_minor},
            {"started_at", IsoMillis(s.started_at)},
            {"finished_at", s.finished_at ? json(IsoMillis(*s.finished_at)) : json(nullptr)},
            {"scanned_total_minor", Opt(s.scanned_total_minor)},
            {"audit",
             {{"selected", s.audit_selected ? json(*s.audit_selected) : json(nullptr)},
              {"probability_ppm", Opt(s.audit_probability_ppm)},
              {"audited_total_minor", Opt(s.audited_total_minor)},
              {"discrepancy_minor", Opt(s.discrepancy_minor)}}},
            {"receipt_id", s.receipt_id ? json(*s.receipt_id) : json(nullptr)}};
}

json FinishJson(const app::FinishOutcome& o) {
    json j = SessionJson(o.session);
    j["discount_minor"] = o.quote.priced.discount_minor;
    j["to_pay_minor"] = o.quote.priced.total_minor - o.quote.priced.discount_minor;
    json used = json::array();
    for (const auto& u : o.quote.priced.used)
        used.push_back({{"code", u.code},
                        {"discount_minor", u.discount_minor},
                        {"bonus_minor", u.bonus_minor},
                        {"points", u.points}});
    j["offers"] = used;
    j["earned"] = o.receipt ? json{{"bonus_minor", o.receipt->receipt.bonus_minor},
                                   {"points", o.receipt->receipt.points}}
                            : json(nullptr);
    return j;
}

// A till key sees its store's sessions; a member the own.
app::ScanAccess AccessOf(const Principal& p) {
    if (p.role == app::kRoleTill) return {p.store_id, std::nullopt};
    return {std::nullopt, p.member_id};
}

template <typename T, typename F>
Response Reply(Context& ctx, const core::Result<T>& r, int status, F&& to_json) {
    if (!r) return Problem(r.error(), ctx.request.request_id);
    return JsonResponse(status, to_json(*r));
}

}  // namespace

void AddSelfScanRoutes(Router& router, Services& s) {
    if (!s.self_scan) return;
    app::SelfScanService& scan = *s.self_scan;
    const std::set<std::string> kStoreOrMember = {app::kRoleTill, app::auth::kRoleMember};
    const std::set<std::string> kStore = {app::kRoleTill};
    const std::set<std::string> kService = {app::kRoleBackOffice, app::auth::kRoleServiceAgent};

    router.Add("POST", "/api/v1/self-scan/sessions", kStore, [&scan](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string card = f.RequiredString("card", 16);
        std::string device = f.OptionalString("device", 20).value_or("hand_scanner");
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        return Reply(ctx, scan.Start(*ctx.principal.store_id, card, device), 201, SessionJson);
    });
    router.Add("POST", "/api/v1/me/self-scan/sessions", {app::auth::kRoleMember}, [&scan](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string store = f.RequiredString("store", 64);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        return Reply(ctx, scan.StartInApp(*ctx.principal.member_id, store), 201, SessionJson);
    });
    router.Add("GET", "/api/v1/self-scan/sessions/{session_id}", kStoreOrMember, [&scan](Context& ctx) {
        return Reply(ctx, scan.Get(ctx.Param("session_id"), AccessOf(ctx.principal)), 200, SessionJson);
    });
    router.Add(
        "POST", "/api/v1/self-scan/sessions/{session_id}/items", kStoreOrMember, [&scan](Context& ctx) {
            auto body = ParseObject(ctx.request);
            if (!body) return Problem(body.error(), ctx.request.request_id);
            Fields f(*body);
            std::string ean = f.RequiredString("ean", 14);
            int64_t quantity = f.OptionalInt("quantity", -1'000'000, 1'000'000).value_or(1);
            if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
            return Reply(ctx, scan.AddItem(ctx.Param("session_id"), AccessOf(ctx.principal), ean, quantity),
                         200, SessionJson);
        });
    router.Add("DELETE", "/api/v1/self-scan/sessions/{session_id}/items/{ean}", kStoreOrMember,
               [&scan](Context& ctx) {
                   return Reply(
                       ctx,
                       scan.RemoveItem(ctx.Param("session_id"), AccessOf(ctx.principal), ctx.Param("ean")),
                       200, SessionJson);
               });
    router.Add("POST", "/api/v1/self-scan/sessions/{session_id}/cancellation", kStoreOrMember,
               [&scan](Context& ctx) {
                   return Reply(ctx, scan.Cancel(ctx.Param("session_id"), AccessOf(ctx.principal)), 200,
                                SessionJson);
               });
    // At the self-scan till: priced with the member's offers; a receipt, unless an audit was drawn.
    router.Add("POST", "/api/v1/self-scan/sessions/{session_id}/finish", kStore, [&scan](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string tender = f.OptionalString("tender", 10).value_or("card");
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        return Reply(ctx, scan.Finish(ctx.Param("session_id"), AccessOf(ctx.principal), tender), 200,
                     FinishJson);
    });
    router.Add("GET", "/api/v1/self-scan/audits", kStore, [&scan](Context& ctx) {
        return Reply(ctx, scan.AwaitingAudit(*ctx.principal.store_id), 200, [](const auto& list) {
            json items = json::array();
            for (const auto& x : list) items.push_back(SessionJson(x));
            return json{{"items", items}};
        });
    });
    router.Add("POST", "/api/v1/self-scan/sessions/{session_id}/audit", kStore, [&scan](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string staff = f.RequiredString("staff", 64);
        std::vector<std::pair<std::string, int64_t>> counted;
        if (const auto* items = f.Array("items", app::SelfScanService::kMaxItems, true))
            for (size_t i = 0; i < items->size(); ++i) {
                std::string prefix = "items[" + std::to_string(i) + "].";
                if (!(*items)[i].is_object())
                    return Problem(core::Error::Malformed(prefix + " must be an object", "items"),
                                   ctx.request.request_id);
                Fields it((*items)[i], prefix);
                std::string ean = it.RequiredString("ean", 14);
                int64_t quantity = it.OptionalInt("quantity", -1'000'000, 1'000'000).value_or(1);
                if (auto done = it.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
                counted.emplace_back(ean, quantity);
            }
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        return Reply(ctx, scan.RecordAudit(ctx.Param("session_id"), *ctx.principal.store_id, counted, staff),
                     200, FinishJson);
    });

    router.Add("GET", "/api/v1/members/{member_number}/self-scan", kService, [&scan](Context& ctx) {
        return Reply(ctx, scan.Right(ctx.Param("member_number")), 200, RightJson);
    });
    // R_SCAN_5: customer service deactivates at the member's request (and restores); only the operator (the
    // back office) revokes after review and restores a revoked right.
    router.Add("PUT", "/api/v1/members/{member_number}/self-scan", kService, [&scan](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string status = f.RequiredString("status", 20);
        std::string reason = f.RequiredString("reason", 500);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        return Reply(ctx,
                     scan.SetRight(ctx.Param("member_number"), status, reason, ctx.principal.Actor(),
                                   ctx.principal.Has(app::kRoleBackOffice)),
                     200, RightJson);
    });
    router.Add("PUT", "/api/v1/stores/{store_code}/self-scan", {app::kRoleBackOffice}, [&scan](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        auto enabled = f.OptionalBool("enabled");
        if (!enabled) f.Fail("enabled", "is required: true or false");
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto r = scan.SetStore(ctx.Param("store_code"), *enabled);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(200, {{"store", ctx.Param("store_code")}, {"self_scan", *enabled}});
    });
}

}  // namespace andel::http
