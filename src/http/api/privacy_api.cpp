// A member's marketing choices (R_PRIV_1): per channel, and the ad block; by the member, or by customer
// service on the member's behalf (audited).
#include "app/lifecycle/membership_ending.hpp"
#include "app/membership/terms.hpp"
#include "app/privacy/consent.hpp"
#include "app/privacy/data_export.hpp"
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

    // Consents per purpose (R_PRIV_2), with their history; customer service reads them.
    auto consents_json = [](const std::vector<app::ConsentState>& all) {
        json out = json::array();
        for (const auto& c : all)
            out.push_back(
                {{"purpose", c.purpose},
                 {"given", c.given},
                 {"at", c.at ? json(core::FormatTimestamp(core::FromMillis(*c.at))) : json(nullptr)},
                 {"channel", c.at ? json(c.channel) : json(nullptr)},
                 {"text_version", c.at ? json(c.text_version) : json(nullptr)}});
        return json{{"consents", out}};
    };
    router.Add("GET", "/api/v1/me/consents", members, [&s, consents_json](Context& ctx) {
        app::ConsentService consents(s.db, s.clock);
        auto r = consents.Get(*ctx.principal.member_id);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(200, consents_json(*r));
    });
    router.Add("PUT", "/api/v1/me/consents/{purpose}", members, [&s](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        auto given = f.OptionalBool("given");
        std::string text_version = f.RequiredString("text_version", 40);
        std::string channel =
            f.OptionalString("channel", 20).value_or(ctx.principal.by_cookie ? "web" : "app");
        if (!given) f.Fail("given", "is required: true gives the consent, false withdraws it");
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        if (channel != "app" && channel != "web")
            return Problem(core::Error::Malformed("a member answers in the app or on the web", "channel"),
                           ctx.request.request_id);
        app::ConsentService consents(s.db, s.clock);
        auto r = consents.Set(*ctx.principal.member_id, ctx.Param("purpose"), *given, channel, text_version,
                              ctx.principal.Actor());
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(200, {{"purpose", r->purpose},
                                  {"given", r->given},
                                  {"at", core::FormatTimestamp(core::FromMillis(*r->at))},
                                  {"channel", r->channel},
                                  {"text_version", r->text_version}});
    });
    auto history_json = [](const std::vector<app::ConsentEvent>& all) {
        json out = json::array();
        for (const auto& e : all)
            out.push_back({{"purpose", e.purpose},
                           {"given", e.given},
                           {"at", core::FormatTimestamp(core::FromMillis(e.at))},
                           {"channel", e.channel},
                           {"text_version", e.text_version}});
        return json{{"events", out}};
    };
    router.Add("GET", "/api/v1/me/consents/history", members, [&s, history_json](Context& ctx) {
        app::ConsentService consents(s.db, s.clock);
        auto r = consents.History(*ctx.principal.member_id);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(200, history_json(*r));
    });

    // Ending a membership (R_LIFE_1, R_LIFE_2): what would be forfeited, then the ending itself.
    auto ending_json = [](const app::MembershipEndOutcome& o) {
        json forfeited = json::array();
        for (const auto& f : o.forfeited)
            forfeited.push_back({{"account", f.kind}, {"unit", f.unit}, {"amount", f.amount}});
        return json{{"member_number", o.member_number.empty() ? json(nullptr) : json(o.member_number)},
                    {"ended", o.ended},
                    {"forfeited", forfeited},
                    {"household", o.household},
                    {"new_owner", o.new_owner ? json(*o.new_owner) : json(nullptr)},
                    {"cards_revoked", o.cards_revoked},
                    {"sessions_ended", o.sessions_ended},
                    {"left_cooperative", o.left_cooperative},
                    {"share_refund_minor", o.share_refund_minor}};
    };
    const std::set<std::string> members_only = {app::auth::kRoleMember};
    // A customer with a profile ends the profile the same way (R_LIFE_1, R_MEM_1).
    const std::set<std::string> can_end = {app::auth::kRoleMember, app::auth::kRoleProfile};
    router.Add("GET", "/api/v1/me/membership/ending", can_end, [&s, ending_json](Context& ctx) {
        app::MembershipEnding ending(s.db, s.clock, s.markets);
        auto r = ending.PreviewById(*ctx.principal.member_id);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(200, ending_json(*r));
    });
    router.Add("POST", "/api/v1/me/membership/ending", can_end, [&s, ending_json](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        bool confirm = f.OptionalBool("confirm").value_or(false);
        bool leave_cooperative = f.OptionalBool("leave_cooperative").value_or(false);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        if (!confirm)
            return Problem(
                core::Error::Invalid("confirm with \"confirm\": true, having read what is forfeited "
                                     "(GET /api/v1/me/membership/ending)",
                                     "confirm"),
                ctx.request.request_id);
        app::MembershipEnding ending(s.db, s.clock, s.markets);
        auto r = ending.EndById(*ctx.principal.member_id, "", leave_cooperative, ctx.principal.Actor());
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(200, ending_json(*r));
    });
    router.Add("POST", "/api/v1/members/{member_number}/ending", {app::kRoleBackOffice},
               [&s, ending_json](Context& ctx) {
                   auto body = ParseObject(ctx.request);
                   if (!body) return Problem(body.error(), ctx.request.request_id);
                   Fields f(*body);
                   std::string reason = f.RequiredString("reason", 200);
                   bool leave_cooperative = f.OptionalBool("leave_cooperative").value_or(false);
                   if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
                   app::MembershipEnding ending(s.db, s.clock, s.markets);
                   auto r = ending.End(ctx.Param("member_number"), true, reason, leave_cooperative,
                                       ctx.principal.Actor());
                   if (!r) return Problem(r.error(), ctx.request.request_id);
                   return JsonResponse(200, ending_json(*r));
               });

    // The member terms (R_MEM_9): where the member stands, accepting the latest, or declining a major change,
    // which ends the membership.
    auto terms_status_json = [](const app::TermsStatus& t) {
        return json{
            {"latest",
             {{"version", t.latest.version},
              {"major", t.latest.major},
              {"summary", t.latest.summary},
              {"body", t.latest.body},
              {"published_at", core::FormatTimestamp(core::FromMillis(t.latest.published_at))}}},
            {"accepted_version", t.accepted_version ? json(*t.accepted_version) : json(nullptr)},
            {"accepted_at",
             t.accepted_at ? json(core::FormatTimestamp(core::FromMillis(*t.accepted_at))) : json(nullptr)},
            {"answer_needed", t.answer_needed}};
    };
    router.Add("GET", "/api/v1/me/terms", members, [&s, terms_status_json](Context& ctx) {
        app::TermsService terms(s.db, s.clock, s.markets, s.sealer);
        auto r = terms.Status(*ctx.principal.member_id);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(200, terms_status_json(*r));
    });
    router.Add("POST", "/api/v1/me/terms/acceptance", members, [&s, terms_status_json](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string version = f.RequiredString("version", 32);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        app::TermsService terms(s.db, s.clock, s.markets, s.sealer);
        auto r = terms.Accept(*ctx.principal.member_id, version, ctx.principal.by_cookie ? "web" : "app");
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(200, terms_status_json(*r));
    });
    router.Add("POST", "/api/v1/me/terms/decline", members_only, [&s, ending_json](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string version = f.RequiredString("version", 32);
        bool confirm = f.OptionalBool("confirm").value_or(false);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        if (!confirm)
            return Problem(core::Error::Invalid("declining the terms ends the membership: confirm with "
                                                "\"confirm\": true, having read what is forfeited (GET "
                                                "/api/v1/me/membership/ending)",
                                                "confirm"),
                           ctx.request.request_id);
        app::TermsService terms(s.db, s.clock, s.markets, s.sealer);
        auto r = terms.Decline(*ctx.principal.member_id, version, ctx.principal.Actor());
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(200, ending_json(*r));
    });

    // R_PRIV_4: everything Andel holds about the member, as one JSON document (a download on the pages).
    router.Add("GET", "/api/v1/me/data-export", members, [&s](Context& ctx) {
        app::DataExport exporter(s.db, s.clock);
        auto j = exporter.ForMember(*ctx.principal.member_id);
        if (!j) return Problem(j.error(), ctx.request.request_id);
        Response r = JsonResponse(200, *j);
        r.headers.emplace_back("Content-Disposition", "attachment; filename=\"andel-data.json\"");
        r.headers.emplace_back("Cache-Control", "no-store");
        return r;
    });
    // ... and for customer service helping a member who asked for it; the read is in the audit log.
    router.Add("GET", "/api/v1/members/{member_number}/data-export", support, [&s](Context& ctx) {
        app::DataExport exporter(s.db, s.clock);
        auto j = exporter.ForMemberNumber(ctx.Param("member_number"), ctx.principal.Actor());
        if (!j) return Problem(j.error(), ctx.request.request_id);
        Response r = JsonResponse(200, *j);
        r.headers.emplace_back("Cache-Control", "no-store");
        return r;
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
