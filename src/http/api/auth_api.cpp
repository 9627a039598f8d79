// People's logins (R_AUTH_*): password + second step, sessions, password reset, TOTP, staff help with an
// audit log, the member's inbox, and the demo's outbox.
#include <algorithm>
#include <cctype>

#include "app/membership/contact_change.hpp"
#include "app/membership/terms.hpp"
#include "app/transaction.hpp"
#include "core/csv.hpp"
#include "http/api/api.hpp"
#include "http/json_body.hpp"
#include "notify/outbox.hpp"
#include "store/access/account_repository.hpp"

namespace andel::http {

std::string SessionCookie(const std::string& token, int64_t max_age_s) {
    std::string c = kSessionCookie;
    c += '=';
    c += token;
    c += "; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=";
    c += std::to_string(max_age_s);
    return c;
}

namespace {

using nlohmann::json;
namespace auth = app::auth;

std::string SessionKind(const std::optional<std::string>& kind) { return kind.value_or("app"); }

core::Result<void> CheckSessionKind(const std::string& kind) {
    if (kind != "app" && kind != "web") return core::Error::Invalid("session must be app or web", "session");
    return {};
}

// A new session: an app gets the token in the body; a page gets an HttpOnly cookie and its CSRF token. A
// member who has not accepted a major change of the terms is asked now (R_MEM_9): `terms.answer_needed`.
Response SessionResponse(const auth::IssuedSession& s, const std::string& kind, Services& services) {
    const core::Clock& clock = services.clock;
    json body = {{"status", "logged_in"},
                 {"session_id", s.public_id},
                 {"method", s.method},
                 {"expires_at", IsoMillis(s.expires_at)}};
    {
        auto c = services.db.Read();
        auto member = c->QueryOne("SELECT member_id FROM accounts WHERE id = $1 AND member_id IS NOT NULL",
                                  {store::Int(s.account_id)});
        if (member)
            if (auto terms = app::TermsService::StatusIn(*c, member->Int(0)))
                body["terms"] = {{"version", terms->latest.version}, {"answer_needed", terms->answer_needed}};
    }
    Response r;
    if (kind == "web") {
        body["csrf_token"] = s.csrf_token;
        int64_t max_age = (s.expires_at - core::ToMillis(clock.Now())) / 1000;
        r = JsonResponse(200, body);
        r.headers.emplace_back("Set-Cookie", SessionCookie(s.token, max_age));
    } else {
        body["token"] = s.token;
        r = JsonResponse(200, body);
    }
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

json SessionViewJson(const auth::SessionView& v) {
    return {{"session_id", v.public_id},
            {"kind", v.kind},
            {"method", v.method},
            {"device", v.device},
            {"created_at", IsoMillis(v.created_at)},
            {"last_used_at", IsoMillis(v.last_used_at)},
            {"expires_at", IsoMillis(v.expires_at)},
            {"current", v.current}};
}

json ResetJson(const auth::ResetStarted& r) {
    json j = {
        {"channel", r.channel}, {"destination", r.destination_hint}, {"expires_at", IsoMillis(r.expires_at)}};
    if (!r.challenge.empty()) j["challenge"] = r.challenge;
    return j;
}

// Handlers for a person's own account need the account behind the session.
bool HasAccount(const Context& ctx) { return ctx.principal.account_id.has_value(); }

Response NoAccount(const Context& ctx) {
    return Problem(core::Error::Forbidden("this route is for a person's session, not an API key"),
                   ctx.request.request_id);
}

// The language the signed-in person chose for messages (their account's).
std::string AccountLanguage(Services& s, const Context& ctx) {
    if (!ctx.principal.account_id) return "en";
    auto c = s.db.Read();
    auto a = store::AccountRepository(*c).Find(*ctx.principal.account_id);
    return a ? a->language : "en";
}

const std::set<std::string> kPeople = {
    auth::kRoleMember,         auth::kRoleProfile,     auth::kRoleFamilyMember,
    auth::kRoleHouseholdOwner, auth::kRoleStoreStaff,  auth::kRoleServiceAgent,
    auth::kRoleAdmin,          auth::kRolePortalAdmin, auth::kRoleOrderer};
const std::set<std::string> kMembers = {auth::kRoleMember, auth::kRoleProfile, auth::kRoleFamilyMember,
                                        auth::kRoleHouseholdOwner};
const std::set<std::string> kSupport = {auth::kRoleServiceAgent, auth::kRoleAdmin, app::kRoleBackOffice};

}  // namespace

void AddAuthRoutes(Router& router, Services& s) {
    // First step (R_AUTH_1, R_AUTH_4): member number, e-mail or phone + password.
    router.Add("POST", "/api/v1/auth/login", {}, [&s](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        auth::LoginRequest in;
        in.login = f.RequiredString("login", 254);
        in.password = f.RequiredString("password", 1024);
        in.session_kind = SessionKind(f.OptionalString("session", 8));
        in.device = f.OptionalString("device", 200).value_or("");
        in.second_step = f.OptionalString("second_step", 8).value_or("");
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        if (auto k = CheckSessionKind(in.session_kind); !k) return Problem(k.error(), ctx.request.request_id);
        in.client_address = ctx.request.remote_address;
        auto step = s.auth.Login(in);
        if (!step) return Problem(step.error(), ctx.request.request_id);
        if (step->session) return SessionResponse(*step->session, in.session_kind, s);
        Response r = JsonResponse(200, {{"status", "second_step_required"},
                                        {"challenge", step->challenge},
                                        {"channel", step->channel},
                                        {"destination", step->destination_hint},
                                        {"expires_at", IsoMillis(step->expires_at)}});
        r.headers.emplace_back("Cache-Control", "no-store");
        return r;
    });

    // Second step: the code sent by SMS / e-mail, or from the authenticator app.
    router.Add("POST", "/api/v1/auth/login/verify", {}, [&s](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string challenge = f.RequiredString("challenge", 200);
        std::string code = f.RequiredString("code", 16);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto session = s.auth.Verify(challenge, code, ctx.request.remote_address);
        if (!session) return Problem(session.error(), ctx.request.request_id);
        // The session kind was chosen at the first step; a page session answers with a cookie.
        return SessionResponse(*session, session->kind, s);
    });

    // BankID instead of password + code (R_AUTH_4): the app or browser goes to `authorization_url`; the
    // issuer sends it back to the callback, which opens the session.
    router.Add("GET", "/api/v1/auth/bankid/start", {}, [&s](Context& ctx) {
        if (!s.bankid)
            return Problem(core::Error::NotFound("BankID is not configured on this server"),
                           ctx.request.request_id);
        std::string kind = ctx.request.Query("session").value_or("app");
        std::string device = ctx.request.Query("device").value_or("");
        if (device.size() > 200) device.resize(200);
        auto started = s.bankid->Start(kind, device);
        if (!started) return Problem(started.error(), ctx.request.request_id);
        Response r = JsonResponse(200, {{"authorization_url", started->authorization_url},
                                        {"expires_at", IsoMillis(started->expires_at)}});
        r.headers.emplace_back("Cache-Control", "no-store");
        return r;
    });
    router.Add("GET", "/api/v1/auth/bankid/callback", {}, [&s](Context& ctx) {
        if (!s.bankid)
            return Problem(core::Error::NotFound("BankID is not configured on this server"),
                           ctx.request.request_id);
        if (ctx.request.Query("error"))
            return Problem(
                core::Error::Unauthenticated("the BankID login was cancelled or refused; start again"),
                ctx.request.request_id);
        auto code = ctx.request.Query("code");
        auto state = ctx.request.Query("state");
        if (!code || !state)
            return Problem(core::Error::Malformed("code and state are required", "state"),
                           ctx.request.request_id);
        auto session = s.bankid->Complete(*code, *state);
        if (!session) return Problem(session.error(), ctx.request.request_id);
        if (session->kind == "web") {  // a browser, sent here by the issuer: on to My pages, logged in
            Response r = SessionResponse(*session, session->kind, s);
            r.status = 303;
            r.headers.emplace_back("Location", "/my");
            return r;
        }
        return SessionResponse(*session, session->kind, s);
    });

    // Who is logged in, with the roles the session carries.
    router.Add("GET", "/api/v1/auth/session", kPeople, [&s](Context& ctx) {
        const auto& p = ctx.principal;
        json roles = json::array({p.role});
        for (const auto& r : p.roles) roles.push_back(r);
        json j = {{"session_id", p.session_public_id},
                  {"roles", roles},
                  {"member_number", p.member_number ? json(*p.member_number) : json(nullptr)}};
        if (p.by_cookie) j["csrf_token"] = s.auth.CsrfTokenFor(p.session_token);
        return JsonResponse(200, j);
    });

    router.Add("POST", "/api/v1/auth/logout", kPeople, [&s](Context& ctx) {
        if (!HasAccount(ctx)) return NoAccount(ctx);
        (void)s.auth.EndSession(*ctx.principal.account_id, ctx.principal.session_public_id);
        Response r = JsonResponse(200, {{"status", "logged_out"}});
        if (ctx.principal.by_cookie) r.headers.emplace_back("Set-Cookie", SessionCookie("", 0));
        return r;
    });

    // A person's sessions: each with its device and last use; end one, or all others.
    router.Add("GET", "/api/v1/me/sessions", kPeople, [&s](Context& ctx) {
        if (!HasAccount(ctx)) return NoAccount(ctx);
        json items = json::array();
        for (const auto& v : s.auth.Sessions(*ctx.principal.account_id, ctx.principal.session_public_id))
            items.push_back(SessionViewJson(v));
        return JsonResponse(200, {{"items", items}});
    });
    router.Add("DELETE", "/api/v1/me/sessions/{session_id}", kPeople, [&s](Context& ctx) {
        if (!HasAccount(ctx)) return NoAccount(ctx);
        auto done = s.auth.EndSession(*ctx.principal.account_id, ctx.Param("session_id"));
        if (!done) return Problem(done.error(), ctx.request.request_id);
        return JsonResponse(200, {{"status", "ended"}});
    });
    router.Add("POST", "/api/v1/me/sessions/end-others", kPeople, [&s](Context& ctx) {
        if (!HasAccount(ctx)) return NoAccount(ctx);
        int64_t n = s.auth.EndAllSessions(*ctx.principal.account_id, ctx.principal.session_public_id);
        return JsonResponse(200, {{"ended", n}});
    });

    router.Add("POST", "/api/v1/me/password", kPeople, [&s](Context& ctx) {
        if (!HasAccount(ctx)) return NoAccount(ctx);
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string current = f.RequiredString("current_password", 1024);
        std::string next = f.RequiredString("new_password", 1024);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto done =
            s.auth.ChangePassword(*ctx.principal.account_id, current, next, ctx.principal.session_public_id);
        if (!done) return Problem(done.error(), ctx.request.request_id);
        return JsonResponse(200, {{"status", "changed"}});
    });

    // A member changes their e-mail or mobile number: a code goes to the new address (202); the change is
    // made when it comes back, and the old address is told.
    router.Add("POST", "/api/v1/me/contact-changes", kMembers, [&s](Context& ctx) {
        if (!ctx.principal.member_id) return NoAccount(ctx);
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string channel = f.RequiredString("channel", 8);
        std::string value = f.RequiredString("value", 254);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto started = app::ContactChanges(s.db, s.clock, s.sealer, s.auth)
                           .Start(*ctx.principal.member_id, channel, value, AccountLanguage(s, ctx));
        if (!started) return Problem(started.error(), ctx.request.request_id);
        return JsonResponse(202,
                            {{"challenge", started->challenge},
                             {"channel", started->channel},
                             {"destination_hint", started->destination_hint},
                             {"expires_at", core::FormatTimestamp(core::FromMillis(started->expires_at))}});
    });
    router.Add("POST", "/api/v1/me/contact-changes/confirm", kMembers, [&s](Context& ctx) {
        if (!ctx.principal.member_id) return NoAccount(ctx);
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string challenge = f.RequiredString("challenge", 100);
        std::string code = f.RequiredString("code", 16);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto changed = app::ContactChanges(s.db, s.clock, s.sealer, s.auth)
                           .Confirm(*ctx.principal.member_id, challenge, code, AccountLanguage(s, ctx),
                                    ctx.principal.Actor());
        if (!changed) return Problem(changed.error(), ctx.request.request_id);
        auto opt = [](const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); };
        return JsonResponse(200, {{"status", "changed"},
                                  {"channel", changed->channel},
                                  {"email", opt(changed->email)},
                                  {"phone", opt(changed->phone)}});
    });

    // Forgotten password (R_AUTH_2): a code by SMS when a mobile is on file, else an e-mail link.
    router.Add("POST", "/api/v1/auth/password/forgot", {}, [&s](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string login = f.RequiredString("login", 254);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto started = s.auth.StartReset(login, ctx.request.remote_address);
        if (!started) return Problem(started.error(), ctx.request.request_id);
        return JsonResponse(202, ResetJson(*started));
    });
    router.Add("POST", "/api/v1/auth/password/reset", {}, [&s](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string token = f.RequiredString("token", 200);
        std::string code = f.OptionalString("code", 16).value_or("");
        std::string password = f.RequiredString("new_password", 1024);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto done = s.auth.CompleteReset(token, code, password, ctx.request.remote_address);
        if (!done) return Problem(done.error(), ctx.request.request_id);
        return JsonResponse(200, {{"status", "password_set"}});
    });

    // TOTP (RFC 6238) as the second step.
    router.Add("POST", "/api/v1/me/totp", kPeople, [&s](Context& ctx) {
        if (!HasAccount(ctx)) return NoAccount(ctx);
        auto e = s.auth.StartTotp(*ctx.principal.account_id);
        if (!e) return Problem(e.error(), ctx.request.request_id);
        Response r = JsonResponse(200, {{"challenge", e->challenge},
                                        {"secret", e->secret_base32},
                                        {"provisioning_uri", e->provisioning_uri}});
        r.headers.emplace_back("Cache-Control", "no-store");
        return r;
    });
    router.Add("POST", "/api/v1/me/totp/confirm", kPeople, [&s](Context& ctx) {
        if (!HasAccount(ctx)) return NoAccount(ctx);
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string challenge = f.RequiredString("challenge", 200);
        std::string code = f.RequiredString("code", 16);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto done = s.auth.ConfirmTotp(*ctx.principal.account_id, challenge, code);
        if (!done) return Problem(done.error(), ctx.request.request_id);
        return JsonResponse(200, {{"status", "enrolled"}});
    });
    router.Add("DELETE", "/api/v1/me/totp", kPeople, [&s](Context& ctx) {
        if (!HasAccount(ctx)) return NoAccount(ctx);
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string password = f.RequiredString("current_password", 1024);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto done = s.auth.RemoveTotp(*ctx.principal.account_id, password);
        if (!done) return Problem(done.error(), ctx.request.request_id);
        return JsonResponse(200, {{"status", "removed"}});
    });

    // The member's in-app inbox.
    router.Add("GET", "/api/v1/me/inbox", kMembers, [&s](Context& ctx) {
        if (!ctx.principal.member_id) return NoAccount(ctx);
        int limit = 50;
        std::optional<int64_t> before;
        if (auto v = ctx.request.Query("before"); v) {
            before = ParseId(*v);
            if (!before)
                return Problem(core::Error::Malformed("before must be a message id", "before"),
                               ctx.request.request_id);
        }
        auto conn = s.db.Read();
        json items = json::array();
        for (const auto& m : notify::ListInbox(*conn, *ctx.principal.member_id, before, limit))
            items.push_back({{"id", m.id},
                             {"subject", m.subject},
                             {"body", m.body},
                             {"created_at", core::FormatTimestamp(m.created_at)},
                             {"read", m.read_at.has_value()}});
        return JsonResponse(200, {{"items", items}});
    });
    router.Add("POST", "/api/v1/me/inbox/{message_id}/read", kMembers, [&s](Context& ctx) {
        if (!ctx.principal.member_id) return NoAccount(ctx);
        auto parsed = ParseId(ctx.Param("message_id"));
        if (!parsed) return Problem(core::Error::NotFound("no such message"), ctx.request.request_id);
        int64_t id = *parsed;
        bool marked = false;
        (void)app::InTransaction(s.db, [&](store::Connection& c) -> core::Result<void> {
            marked = notify::MarkInboxRead(c, *ctx.principal.member_id, id, s.clock.Now());
            return {};
        });
        return JsonResponse(200, {{"status", marked ? "read" : "unchanged"}});
    });

    // Staff help a member who cannot log in (R_AUTH_3): a reset link, or lifting a lock-out. Audited.
    router.Add("POST", "/api/v1/members/{member_number}/login-help/reset", kSupport, [&s](Context& ctx) {
        auto r = s.auth.StaffSendReset(ctx.principal.Actor(), ctx.Param("member_number"));
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(202, ResetJson(*r));
    });
    router.Add("POST", "/api/v1/members/{member_number}/login-help/unlock", kSupport, [&s](Context& ctx) {
        auto r = s.auth.StaffUnlock(ctx.principal.Actor(), ctx.Param("member_number"));
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(200, {{"status", "unlocked"}});
    });

    // The audit log of staff actions: JSON pages, or CSV for export.
    router.Add("GET", "/api/v1/audit", {auth::kRoleAdmin, app::kRoleBackOffice}, [&s](Context& ctx) {
        int64_t after = 0;
        std::optional<int64_t> member_id;
        auto conn = s.db.Read();
        if (auto v = ctx.request.Query("after")) {
            auto parsed = ParseId(*v);
            if (!parsed)
                return Problem(core::Error::Malformed("after must be an entry id", "after"),
                               ctx.request.request_id);
            after = *parsed;
        }
        if (auto v = ctx.request.Query("member_number")) {
            auto id = store::AccountRepository(*conn).FindMemberIdByLogin(*v, {}, {});
            if (!id)
                return Problem(core::Error::NotFound("no member with number " + *v), ctx.request.request_id);
            member_id = id;
        }
        auto entries = store::AccountRepository(*conn).ListAudit(member_id, after, 500);
        std::string format = ctx.request.Query("format").value_or("json");
        if (format != "json" && format != "csv")
            return Problem(core::Error::Malformed("format must be json or csv", "format"),
                           ctx.request.request_id);
        if (format == "csv") {
            std::string csv = "id,at,actor,action,member_number,detail\r\n";
            auto field = [](const std::string& v) { return core::CsvField(v); };
            for (const auto& e : entries)
                csv += std::to_string(e.id) + "," + IsoMillis(e.at) + "," + field(e.actor) + "," +
                       field(e.action) + "," + field(e.subject_member_number.value_or("")) + "," +
                       field(e.detail) + "\r\n";
            Response r = Response::Text(200, csv, "text/csv; charset=utf-8");
            r.headers.emplace_back("Content-Disposition", "attachment; filename=\"andel-audit.csv\"");
            // A page holds at most 500 entries; the next page starts after the last id.
            if (entries.size() == 500)
                r.headers.emplace_back("X-Next-After", std::to_string(entries.back().id));
            return r;
        }
        json items = json::array();
        for (const auto& e : entries)
            items.push_back(
                {{"id", e.id},
                 {"at", IsoMillis(e.at)},
                 {"actor", e.actor},
                 {"action", e.action},
                 {"member_number", e.subject_member_number ? json(*e.subject_member_number) : json(nullptr)},
                 {"detail", e.detail}});
        json page = {{"items", items}};
        if (entries.size() == 500) page["next_after"] = entries.back().id;
        return JsonResponse(200, page);
    });

    // Staff and portal accounts: created with a link to set the password (R_OMB_2: valid 24 hours).
    router.Add(
        "POST", "/api/v1/staff-accounts", {auth::kRoleAdmin, app::kRoleBackOffice}, [&s](Context& ctx) {
            auto body = ParseObject(ctx.request);
            if (!body) return Problem(body.error(), ctx.request.request_id);
            Fields f(*body);
            std::string email = f.RequiredString("email", 254);
            std::string name = f.RequiredString("name", 200);
            std::string role = f.RequiredString("role", 32);
            auto org = f.OptionalInt("organisation_id", 1, INT64_MAX);
            std::string language = f.OptionalString("language", 8).value_or("en");
            if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
            if (language != "da" && language != "nb" && language != "sv" && language != "en")
                return Problem(core::Error::Invalid("language must be da, nb, sv or en", "language"),
                               ctx.request.request_id);
            auto id = s.auth.CreateStaffAccount(ctx.principal.Actor(), email, name, role, org, language);
            if (!id) return Problem(id.error(), ctx.request.request_id);
            std::string login = email;
            login.erase(0, login.find_first_not_of(" \t"));
            login.erase(login.find_last_not_of(" \t") + 1);
            std::transform(login.begin(), login.end(), login.begin(),
                           [](unsigned char c) { return std::tolower(c); });
            return JsonResponse(201, {{"account_id", *id}, {"email", login}, {"role", role}});
        });

    if (s.dev_routes) {
        // The demo's outbox: what would have been sent, so a new user sees the SMS code and the e-mail link.
        router.Add("GET", "/dev/outbox", {}, [&s](Context& ctx) {
            auto conn = s.db.Read();
            json items = json::array();
            auto recipient = ctx.request.Query("to");
            for (const auto& m : notify::ListOutbox(*conn, s.sealer, 0, 50, recipient))
                items.push_back({{"id", m.id},
                                 {"channel", m.channel},
                                 {"to", m.recipient},
                                 {"template", m.template_key},
                                 {"language", m.language},
                                 {"status", m.status},
                                 {"created_at", core::FormatTimestamp(m.created_at)},
                                 {"subject", m.subject},
                                 {"body", m.body}});
            return JsonResponse(200, {{"items", items}});
        });
    }
}

}  // namespace andel::http
