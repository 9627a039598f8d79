// A member's marketing choices (R_PRIV_1): per channel, and the ad block; by the member, or by customer
// service on the member's behalf (audited).
#include "app/privacy/marketing.hpp"
#include "http/api/api.hpp"
#include "http/json_body.hpp"
#include "store/access/account_repository.hpp"

namespace andel::http {
namespace {

using nlohmann::json;

json ChoicesJson(const store::MarketingChoices& c) {
    return {{"email", c.email},
            {"sms", c.sms},
            {"post", c.post},
            {"app", c.app},
            {"ad_block", c.ad_block},
            {"updated_at",
             c.updated_at ? json(core::FormatTimestamp(core::FromMillis(*c.updated_at))) : json(nullptr)}};
}

core::Result<store::MarketingChoices> ReadChoices(const Request& request) {
    auto body = ParseObject(request);
    if (!body) return body.error();
    Fields f(*body);
    store::MarketingChoices c;
    auto read = [&](const char* name, bool& out) {
        auto v = f.OptionalBool(name);
        if (!v && f.ok()) f.Fail(name, "is required (true or false)");
        if (v) out = *v;
    };
    read("email", c.email);
    read("sms", c.sms);
    read("post", c.post);
    read("app", c.app);
    read("ad_block", c.ad_block);
    ANDEL_TRY(f.Finish());
    return c;
}

}  // namespace

void AddPrivacyRoutes(Router& router, Services& s) {
    const std::set<std::string> members = {app::auth::kRoleMember, app::auth::kRoleProfile,
                                           app::auth::kRoleFamilyMember, app::auth::kRoleHouseholdOwner};
    const std::set<std::string> support = {app::auth::kRoleServiceAgent, app::auth::kRoleAdmin,
                                           app::kRoleBackOffice};

    router.Add("GET", "/api/v1/me/marketing", members, [&s](Context& ctx) {
        auto c = s.marketing->Get(*ctx.principal.member_id);
        if (!c) return Problem(c.error(), ctx.request.request_id);
        return JsonResponse(200, ChoicesJson(*c));
    });
    router.Add("PUT", "/api/v1/me/marketing", members, [&s](Context& ctx) {
        auto in = ReadChoices(ctx.request);
        if (!in) return Problem(in.error(), ctx.request.request_id);
        auto c = s.marketing->Set(*ctx.principal.member_id, *in, ctx.principal.Actor(), false);
        if (!c) return Problem(c.error(), ctx.request.request_id);
        return JsonResponse(200, ChoicesJson(*c));
    });

    auto member_id = [&s](Context& ctx) -> core::Result<int64_t> {
        auto conn = s.db.Read();
        auto id = store::AccountRepository(*conn).FindMemberIdByLogin(ctx.Param("member_number"), {}, {});
        if (!id) return core::Error::NotFound("no member with number " + ctx.Param("member_number"));
        return *id;
    };
    router.Add("GET", "/api/v1/members/{member_number}/marketing", support, [&s, member_id](Context& ctx) {
        auto id = member_id(ctx);
        if (!id) return Problem(id.error(), ctx.request.request_id);
        auto c = s.marketing->Get(*id);
        if (!c) return Problem(c.error(), ctx.request.request_id);
        return JsonResponse(200, ChoicesJson(*c));
    });
    router.Add("PUT", "/api/v1/members/{member_number}/marketing", support, [&s, member_id](Context& ctx) {
        auto id = member_id(ctx);
        if (!id) return Problem(id.error(), ctx.request.request_id);
        auto in = ReadChoices(ctx.request);
        if (!in) return Problem(in.error(), ctx.request.request_id);
        auto c = s.marketing->Set(*id, *in, ctx.principal.Actor(), true);
        if (!c) return Problem(c.error(), ctx.request.request_id);
        return JsonResponse(200, ChoicesJson(*c));
    });
}

}  // namespace andel::http
