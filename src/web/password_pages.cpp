// Choosing a password through a link or a code, for everyone who logs in at /login: "Glömt lösenord"
// (/forgot-password) sends a link by e-mail or a code by SMS (R_AUTH_2), and /reset-password?token=... is
// the link's page, also the welcome e-mail's of a new portal user, valid 24 hours (R_OMB_2): after that the
// page says to use "Glömt lösenord". The same AuthService calls as the API's /auth/password routes.
#include "app/crypto.hpp"
#include "store/access/account_repository.hpp"
#include "web/page.hpp"
#include "web/render.hpp"
#include "web/web.hpp"

namespace andel::web {
namespace {

using http::Context;
using http::Response;
using nlohmann::json;

const Catalogue& Cat() { return Catalogue::Embedded(); }

constexpr size_t kTokenMax = 200;

// A portal's link is Swedish unless the visitor chose another language (the pages' default for the
// welcome e-mail's readers); anyone else's by the browser.
std::string LanguageOf(const Context& ctx) { return ChooseLanguage(ctx.request); }

Response ForgotPage(const Context& ctx, http::Services& s, const std::string& lang, int status,
                    const std::string& login, const std::string& error) {
    json d = BaseData(ctx, s, lang, "portal_password_forgot_title");
    d["login"] = login;
    if (!error.empty()) d["error"] = error;
    return Html(ctx, status, RenderPage("password_forgot", d));
}

// The form that sets the password: with the link's token, or with the SMS code's challenge (`code` set).
Response ResetPage(const Context& ctx, http::Services& s, const std::string& lang, int status,
                   const std::string& token, bool code, const std::string& sent_to, const std::string& error,
                   const std::string& field = {}) {
    json d = BaseData(ctx, s, lang, "portal_password_reset_title");
    d["token"] = token;
    d["code"] = code;
    if (!sent_to.empty()) d["sent_to"] = sent_to;
    if (!error.empty()) {
        d["error"] = error;
        d["error_code"] = field == "code";
        d["error_password"] = field != "code";
    }
    return Html(ctx, status, RenderPage("password_reset", d));
}

// The link cannot be used any more: expired (the welcome link after 24 hours, R_OMB_2) or used; the page
// says what to do instead.
Response DeadLinkPage(const Context& ctx, http::Services& s, const std::string& lang, int status,
                      bool expired, bool welcome) {
    json d = BaseData(ctx, s, lang, "portal_password_reset_title");
    d["message"] =
        Cat().Text(expired ? (welcome ? "portal_password_welcome_expired" : "portal_password_link_expired")
                           : "portal_password_link_used",
                   lang);
    return Html(ctx, status, RenderPage("password_dead_link", d));
}

// What the database knows of a link before the form is filled in: nothing, or its challenge.
std::optional<store::ChallengeRecord> LinkOf(http::Services& s, const std::string& token) {
    if (token.empty() || token.size() > kTokenMax) return std::nullopt;
    auto c = s.db.Read();
    auto ch = store::AccountRepository(*c).FindChallenge(app::Sha256Hex(token));
    if (!ch || (ch->purpose != "reset" && ch->purpose != "welcome")) return std::nullopt;
    return ch;
}

}  // namespace

void AddPasswordPages(http::Router& router, http::Services& s) {
    router.Add("GET", "/forgot-password", {}, [&s](Context& ctx) {
        return ForgotPage(ctx, s, LanguageOf(ctx), 200,
                          ctx.request.Query("login").value_or("").substr(0, 254), "");
    });
    // The same answer whether the login is known or not (StartReset answers an unknown one like a link sent).
    router.Add("POST", "/forgot-password", {}, [&s](Context& ctx) {
        std::string lang = LanguageOf(ctx);
        auto form = ParseForm(ctx.request);
        if (!form) return ForgotPage(ctx, s, lang, 400, "", Cat().Text("error_form", lang));
        std::string login = Field(*form, "login");
        while (!login.empty() && login.back() == ' ') login.pop_back();
        while (!login.empty() && login.front() == ' ') login.erase(login.begin());
        if (login.empty() || login.size() > 254)
            return ForgotPage(ctx, s, lang, 400, login.substr(0, 254),
                              Cat().Text("portal_password_error_login", lang));
        auto started = s.auth.StartReset(login, ctx.request.remote_address);
        if (!started) {
            const core::Error& e = started.error();
            if (e.code == core::ErrorCode::kRateLimited)
                return ForgotPage(ctx, s, lang, 429, login, Cat().Text("error_too_many_tries", lang));
            if (e.rule == "R_MEM_10")
                return ForgotPage(ctx, s, lang, 422, login, Cat().Text("portal_password_error_demo", lang));
            if (e.code == core::ErrorCode::kMalformed)
                return ForgotPage(ctx, s, lang, 400, login, Cat().Text("portal_password_error_login", lang));
            // No way to reach the person, or the membership ended: customer service helps.
            return ForgotPage(ctx, s, lang, 422, login,
                              Cat().Text("portal_password_error_unreachable", lang));
        }
        if (started->channel == "sms")
            return ResetPage(
                ctx, s, lang, 200, started->challenge, true,
                Cat().Format("portal_password_code_sent", lang, {{"destination", started->destination_hint}}),
                "");
        json d = BaseData(ctx, s, lang, "portal_password_forgot_title");
        d["message"] = Cat().Text("portal_password_link_sent", lang);
        return Html(ctx, 200, RenderPage("password_sent", d));
    });

    // The link's page: choose a new password twice.
    router.Add("GET", "/reset-password", {}, [&s](Context& ctx) {
        std::string lang = LanguageOf(ctx);
        std::string token = ctx.request.Query("token").value_or("");
        if (token.empty() || token.size() > kTokenMax) return DeadLinkPage(ctx, s, lang, 400, false, false);
        auto link = LinkOf(s, token);
        if (!link || link->consumed_at)
            return DeadLinkPage(ctx, s, lang, 410, false, link && link->purpose == "welcome");
        if (link->expires_at <= core::ToMillis(s.clock.Now()))
            return DeadLinkPage(ctx, s, lang, 410, true, link->purpose == "welcome");
        return ResetPage(ctx, s, lang, 200, token, link->code_hash.has_value(), "", "");
    });
    router.Add("POST", "/reset-password", {}, [&s](Context& ctx) {
        std::string lang = LanguageOf(ctx);
        auto form = ParseForm(ctx.request);
        if (!form) return DeadLinkPage(ctx, s, lang, 400, false, false);
        std::string token = Field(*form, "token"), code = Field(*form, "code");
        std::string password = Field(*form, "password"), repeat = Field(*form, "password_repeat");
        if (token.empty() || token.size() > kTokenMax) return DeadLinkPage(ctx, s, lang, 400, false, false);
        bool with_code = form->find("code") != form->end();
        if (with_code && (code.empty() || code.size() > 16))
            return ResetPage(ctx, s, lang, 400, token, true, "", Cat().Text("code_error_missing", lang),
                             "code");
        if (password.empty() || password.size() > 1024)
            return ResetPage(ctx, s, lang, 400, token, with_code, "",
                             Cat().Text("portal_password_error_missing", lang));
        if (password != repeat)
            return ResetPage(ctx, s, lang, 400, token, with_code, "",
                             Cat().Text("portal_password_error_mismatch", lang));
        auto done = s.auth.CompleteReset(token, code, password, ctx.request.remote_address);
        if (!done) {
            const core::Error& e = done.error();
            if (e.code == core::ErrorCode::kRateLimited)
                return ResetPage(ctx, s, lang, 429, token, with_code, "",
                                 Cat().Text("error_too_many_tries", lang));
            if (e.rule == "R_AUTH_2" || e.rule == "R_OMB_2") {
                bool expired = e.detail.find("expired") != std::string::npos;
                return DeadLinkPage(ctx, s, lang, 410, expired, e.rule == "R_OMB_2");
            }
            if (e.field == "code")
                return ResetPage(ctx, s, lang, 401, token, true, "", Cat().Text("code_error_wrong", lang),
                                 "code");
            // The password's own rules (8..128 characters, not one character repeated ...).
            return ResetPage(ctx, s, lang, 422, token, with_code, "",
                             Cat().Text("portal_password_error_weak", lang));
        }
        json d = BaseData(ctx, s, lang, "portal_password_reset_title");
        d["message"] = Cat().Text("portal_password_done", lang);
        return Html(ctx, 200, RenderPage("password_sent", d));
    });
}

}  // namespace andel::web
