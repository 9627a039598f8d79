// My pages (issue 8 §1): a member's own pages in the browser, in four languages, as plain HTML forms that
// work without script. They call the same services as the API; a page session is an HttpOnly cookie and
// every form post carries the session's CSRF token (http/api/system_api.cpp checks it).
#include <algorithm>
#include <cstdio>

#include "app/membership/terms.hpp"
#include "http/urlencoded.hpp"
#include "web/page.hpp"
#include "web/render.hpp"
#include "web/web.hpp"

namespace andel::web {
namespace {

using http::Context;
using http::Response;
using nlohmann::json;

const Catalogue& Cat() { return Catalogue::Embedded(); }

bool SignedIn(const Context& ctx) { return ctx.principal.member_id.has_value() && ctx.principal.by_cookie; }
// Anyone with a page session: a member, or staff (whose pages are the back office's).
bool SignedInPerson(const Context& ctx) {
    return ctx.principal.account_id.has_value() && ctx.principal.by_cookie;
}

// The member's market (its language is the pages' default, its time zone the pages' clock).
const core::MarketRules* MarketOf(http::Services& s, const Context& ctx) {
    auto m = s.membership.GetById(*ctx.principal.member_id);
    if (!m) return nullptr;
    auto it = s.markets.find(m->member.market);
    return it == s.markets.end() ? nullptr : &it->second;
}

std::string MemberLanguage(http::Services& s, const Context& ctx) {
    const core::MarketRules* rules = SignedIn(ctx) ? MarketOf(s, ctx) : nullptr;
    return ChooseLanguage(ctx.request, rules ? rules->language : std::string());
}

// A page only a logged-in member sees: others go to the login; a form post whose CSRF token is missing or
// wrong is refused (403) rather than sent round again.
std::optional<Response> Gate(const Context& ctx, http::Services& s) {
    if (SignedIn(ctx)) return std::nullopt;
    std::string lang = ChooseLanguage(ctx.request);
    if (ctx.principal.csrf_refused) return ErrorPage(ctx, s, lang, 403, "error_csrf");
    return SeeOther(SignedInPerson(ctx) ? "/" : "/login");
}

// "Recommended for you" (R_OFF_4): a few products with name, size and price when the member consented to
// personalised content; otherwise `off`, and the page says where to consent (/my/privacy).
json RecommendedBlock(app::CatalogueService& catalogue, int64_t member_id, const core::MarketRules& rules,
                      const std::string& lang) {
    auto r = catalogue.Recommended(member_id, 5);
    if (!r || !r->personalised) return {{"off", true}};
    json items = json::array();
    for (const auto& v : r->items) {
        std::string price = FormatMoney(v.product.unit_price_minor, rules.currency, lang);
        if (v.product.weighed) price = Cat().Format("overview_recommended_per_kg", lang, {{"price", price}});
        items.push_back({{"name", v.product.name}, {"size", v.product.size}, {"price", price}});
    }
    return {{"has_items", !items.empty()}, {"none_yet", items.empty()}, {"items", items}};
}

// The last 12 months as an inline SVG bar chart; a table beside it says the same for screen readers.
std::string MonthChart(const std::vector<store::MonthTotal>& months, bool points, const std::string& lang) {
    int64_t max = 1;
    for (const auto& m : months) max = std::max(max, points ? m.points : m.bonus_minor);
    const int bar = 22, gap = 8, height = 100, top = 8;
    std::string svg = "<svg class=\"chart\" viewBox=\"0 0 " +
                      std::to_string(months.size() * (bar + gap) + gap) +
                      " 136\" role=\"img\" aria-labelledby=\"chart-title\" focusable=\"false\">";
    svg += "<title id=\"chart-title\">" + Cat().Text("overview_chart_title", lang) + "</title>";
    int x = gap;
    for (const auto& m : months) {
        int64_t v = points ? m.points : m.bonus_minor;
        int h = v <= 0 ? 0 : static_cast<int>(std::max<int64_t>(2, v * height / max));
        svg += "<rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(top + height - h) +
               "\" width=\"" + std::to_string(bar) + "\" height=\"" + std::to_string(h) +
               "\" rx=\"3\"></rect>";
        svg += "<text x=\"" + std::to_string(x + bar / 2) + "\" y=\"" + std::to_string(top + height + 20) +
               "\" text-anchor=\"middle\">" + FormatMonth(m.month, lang, false) + "</text>";
        x += bar + gap;
    }
    svg += "</svg>";
    return svg;
}

Response LoginPage(const Context& ctx, http::Services& s, const std::string& lang, int status,
                   const std::string& login, const std::string& error_key) {
    json d = BaseData(ctx, s, lang, "login_title");
    d["login"] = login;
    if (!error_key.empty()) d["error"] = Cat().Text(error_key, lang);
    d["bankid"] = s.bankid != nullptr;
    return Html(ctx, status, RenderPage("login", d));
}

Response CodePage(const Context& ctx, http::Services& s, const std::string& lang, int status,
                  const std::string& challenge, const std::string& channel, const std::string& destination,
                  const std::string& error_key) {
    json d = BaseData(ctx, s, lang, "code_title");
    d["challenge"] = challenge;
    d["sent_to"] = Cat().Format(channel == "totp" ? "code_from_app" : "code_sent_to", lang,
                                {{"destination", destination}});
    if (!error_key.empty()) d["error"] = Cat().Text(error_key, lang);
    return Html(ctx, status, RenderPage("login_code", d));
}

// A refused login as the page says it: wrong login or password, too many tries, or the form was wrong.
std::string LoginErrorKey(const core::Error& e) {
    if (e.code == core::ErrorCode::kRateLimited) return "error_too_many_tries";
    if (e.code == core::ErrorCode::kUnauthenticated) return "login_error_wrong";
    return "error_form";
}

Response SignedInResponse(const Context& ctx, http::Services& s, const app::auth::IssuedSession& session) {
    Response r = SeeOther("/");
    int64_t max_age = (session.expires_at - core::ToMillis(s.clock.Now())) / 1000;
    r.headers.emplace_back("Set-Cookie", http::SessionCookie(session.token, max_age));
    (void)ctx;
    return r;
}

json OfferJson(const app::MemberOffer& m, const std::string& lang, const core::MarketRules& rules) {
    const auto& rec = m.offer.record;
    json j = {
        {"code", rec.code},
        {"title", rec.title},
        {"description", rec.description},
        {"activated", m.activated},
        {"needs_activation", rec.requires_activation && !m.activated},
        {"valid_to", Cat().Format("offers_valid_to", lang, {{"date", FormatIsoDate(rec.valid_to, lang)}})}};
    if (m.uses_left) j["uses_left"] = Cat().Format("offers_uses_left", lang, {{"count", *m.uses_left}});
    (void)rules;
    return j;
}

}  // namespace

void AddMyPages(http::Router& router, http::Services& s) {
    // Where a person starts: a member on My pages, a portal user (orderer, portal_admin) in the ordering
    // portal, staff in the back office, anyone else at the login.
    router.Add("GET", "/", {}, [](Context& ctx) {
        if (SignedIn(ctx)) return SeeOther("/my");
        if (SignedInPerson(ctx) && ctx.principal.organisation_id &&
            (ctx.principal.Has(app::auth::kRoleOrderer) || ctx.principal.Has(app::auth::kRolePortalAdmin)))
            return SeeOther("/portal");
        if (SignedInPerson(ctx)) return SeeOther("/back-office");
        return SeeOther("/login");
    });

    // Log in (R_AUTH_1): member number, e-mail or phone and the password; then the second step's code.
    router.Add("GET", "/login", {}, [&s](Context& ctx) {
        if (SignedInPerson(ctx)) return SeeOther("/");
        return LoginPage(ctx, s, ChooseLanguage(ctx.request), 200, "", "");
    });
    router.Add("POST", "/login", {}, [&s](Context& ctx) {
        std::string lang = ChooseLanguage(ctx.request);
        auto form = ParseForm(ctx.request);
        if (!form) return LoginPage(ctx, s, lang, 400, "", "error_form");
        std::string login = Field(*form, "login"), password = Field(*form, "password");
        if (login.empty() || password.empty() || login.size() > 254 || password.size() > 1024)
            return LoginPage(ctx, s, lang, 400, login.substr(0, 254), "login_error_missing");
        app::auth::LoginRequest in;
        in.login = login;
        in.password = password;
        in.session_kind = "web";
        in.device = std::string(ctx.request.Header("user-agent").value_or("")).substr(0, 200);
        in.client_address = ctx.request.remote_address;
        auto step = s.auth.Login(in);
        if (!step) {
            int status = step.error().code == core::ErrorCode::kRateLimited ? 429 : 401;
            return LoginPage(ctx, s, lang, status, login, LoginErrorKey(step.error()));
        }
        if (step->session) return SignedInResponse(ctx, s, *step->session);
        return CodePage(ctx, s, lang, 200, step->challenge, step->channel, step->destination_hint, "");
    });
    router.Add("POST", "/login/verify", {}, [&s](Context& ctx) {
        std::string lang = ChooseLanguage(ctx.request);
        auto form = ParseForm(ctx.request);
        if (!form) return LoginPage(ctx, s, lang, 400, "", "error_form");
        std::string challenge = Field(*form, "challenge"), code = Field(*form, "code");
        if (challenge.empty() || challenge.size() > 200)
            return LoginPage(ctx, s, lang, 400, "", "error_form");
        if (code.empty() || code.size() > 16)
            return CodePage(ctx, s, lang, 400, challenge, Field(*form, "channel"),
                            Field(*form, "destination"), "code_error_missing");
        auto session = s.auth.Verify(challenge, code, ctx.request.remote_address);
        if (!session) {
            // A wrong code may be tried again on the same challenge; an expired or used one starts over.
            const core::Error& e = session.error();
            if (e.code == core::ErrorCode::kUnauthenticated && e.detail.starts_with("the code is wrong; ") &&
                !e.detail.ends_with("new code"))
                return CodePage(ctx, s, lang, 401, challenge, Field(*form, "channel"),
                                Field(*form, "destination"), "code_error_wrong");
            return LoginPage(ctx, s, lang, session.error().code == core::ErrorCode::kRateLimited ? 429 : 401,
                             "",
                             session.error().code == core::ErrorCode::kRateLimited ? "error_too_many_tries"
                                                                                   : "code_error_expired");
        }
        return SignedInResponse(ctx, s, *session);
    });
    // BankID (R_AUTH_4): off to the issuer; its callback (/api/v1/auth/bankid/callback) opens the session
    // and, for a page, comes back to /my.
    router.Add("GET", "/login/bankid", {}, [&s](Context& ctx) {
        std::string lang = ChooseLanguage(ctx.request);
        if (!s.bankid) return ErrorPage(ctx, s, lang, 404, "error_not_found");
        auto started =
            s.bankid->Start("web", std::string(ctx.request.Header("user-agent").value_or("")).substr(0, 200));
        if (!started) return LoginPage(ctx, s, lang, 503, "", "login_error_bankid");
        return SeeOther(started->authorization_url);
    });
    router.Add("POST", "/logout", {}, [&s](Context& ctx) {
        if (auto gate = Gate(ctx, s)) return *gate;
        (void)s.auth.EndSession(*ctx.principal.account_id, ctx.principal.session_public_id);
        Response r = SeeOther("/login");
        r.headers.emplace_back("Set-Cookie", http::SessionCookie("", 0));
        return r;
    });

    // Overview (R_BON_8): balance or points, what expires soon (R_BON_4), the ladder (R_BON_3) with the
    // last 12 months, dividend accrued (R_BON_7), savings of a customer with a profile (R_MEM_2).
    router.Add("GET", "/my", {}, [&s](Context& ctx) {
        if (auto gate = Gate(ctx, s)) return *gate;
        std::string lang = MemberLanguage(s, ctx);
        auto member = s.membership.GetById(*ctx.principal.member_id);
        if (!member) return ErrorPage(ctx, s, lang, 404, "error_not_found");
        // R_MEM_9: a major change of the terms not yet accepted is asked for first, after login.
        {
            auto c = s.db.Read();
            auto terms = app::TermsService::StatusIn(*c, member->member.id);
            if (terms && terms->answer_needed) return SeeOther("/my/terms");
        }
        auto summary = s.rewards.SummaryById(member->member.id);
        if (!summary) return ErrorPage(ctx, s, lang, 404, "error_not_found");
        const core::MarketRules& rules = s.markets.at(summary->market);
        const bool points = summary->unit == "points";
        json d = BaseData(ctx, s, lang, "overview_title", "overview");
        d["member_number"] = member->member.member_number.value_or("");
        d["profile"] = member->member.kind == "profile";
        if (ctx.request.Query("welcome")) d["welcome"] = Cat().Text("membership_welcome", lang);
        d["balance"] = Amount(summary->balance, summary->unit, lang);
        d["points_market"] = points;
        if (member->member.kind == "profile")
            d["savings"] = FormatMoney(summary->savings_minor, rules.currency, lang);
        if (summary->dividend_accrued_minor > 0 || rules.reward == core::RewardKind::kBonusAndDividend)
            d["dividend"] = FormatMoney(summary->dividend_accrued_minor, rules.currency, lang);
        json expiring = json::array();
        for (const auto& e : summary->expiring)
            expiring.push_back({{"text", Cat().Format("overview_expires_at_end_of", lang,
                                                      {{"amount", Amount(e.points, "points", lang)},
                                                       {"month", FormatMonth(e.month, lang)}})}});
        d["has_expiring"] = !expiring.empty();
        d["expiring"] = expiring;
        if (summary->pending > 0) d["pending"] = Amount(summary->pending, summary->unit, lang);
        if (summary->ladder) {
            const auto& l = *summary->ladder;
            json ladder = {
                {"spend", FormatMoney(l.month_spend_minor, rules.currency, lang)},
                {"rate", Cat().Format("overview_ladder_rate", lang,
                                      {{"points", l.current_points_per_unit},
                                       {"currency", rules.currency == "SEK" ? "kr" : rules.currency}})}};
            if (l.spend_to_next_band_minor && l.next_band_from_minor && *l.next_band_from_minor > 0) {
                ladder["to_next"] =
                    Cat().Format("overview_ladder_to_next", lang,
                                 {{"amount", FormatMoney(*l.spend_to_next_band_minor, rules.currency, lang)},
                                  {"points", l.next_points_per_unit.value_or(0)}});
                int64_t pct =
                    std::clamp<int64_t>(l.month_spend_minor * 100 / *l.next_band_from_minor, 0, 100);
                ladder["percent"] = std::to_string(pct);
            } else {
                ladder["top"] = true;
                ladder["percent"] = "100";
            }
            d["ladder"] = ladder;
        }
        d["chart"] = MonthChart(summary->months, points, lang);
        json months = json::array();
        for (const auto& m : summary->months)
            months.push_back({{"month", FormatMonth(m.month, lang)},
                              {"earned", Amount(points ? m.points : m.bonus_minor, summary->unit, lang)}});
        d["months"] = months;
        d["no_purchases"] = std::all_of(summary->months.begin(), summary->months.end(),
                                        [](const store::MonthTotal& m) { return m.eligible_minor == 0; });
        if (s.catalogue)
            d["recommendations"] = RecommendedBlock(*s.catalogue, member->member.id, rules, lang);
        return Html(ctx, 200, RenderPage("overview", d));
    });

    // History: the household's ledger entries, newest first, 50 a page.
    router.Add("GET", "/my/history", {}, [&s](Context& ctx) {
        if (auto gate = Gate(ctx, s)) return *gate;
        std::string lang = MemberLanguage(s, ctx);
        auto member = s.membership.GetById(*ctx.principal.member_id);
        if (!member || !member->member.member_number) return ErrorPage(ctx, s, lang, 404, "error_not_found");
        int64_t before = 0;
        if (auto b = ctx.request.Query("before")) {
            char* end = nullptr;
            long long v = std::strtoll(b->c_str(), &end, 10);
            if (b->empty() || *end != '\0' || v <= 0) return ErrorPage(ctx, s, lang, 400, "error_form");
            before = v;
        }
        auto page = s.rewards.History(*member->member.member_number, 50, before);
        if (!page) return ErrorPage(ctx, s, lang, 400, "error_form");
        const std::string& tz = s.markets.at(member->member.market).time_zone;
        json d = BaseData(ctx, s, lang, "history_title", "history");
        json items = HistoryRows(*page, tz, lang);
        d["items"] = items;
        d["empty"] = items.empty();
        if (page->next_before) d["next"] = "/my/history?before=" + std::to_string(*page->next_before);
        return Html(ctx, 200, RenderPage("history", d));
    });

    // Offers (R_OFF_2): the member's offers; those that need it are activated here, with one button.
    router.Add("GET", "/my/offers", {}, [&s](Context& ctx) {
        if (auto gate = Gate(ctx, s)) return *gate;
        std::string lang = MemberLanguage(s, ctx);
        const core::MarketRules* rules = MarketOf(s, ctx);
        auto list = s.offers ? s.offers->ForMember(*ctx.principal.member_id)
                             : core::Result<std::vector<app::MemberOffer>>(std::vector<app::MemberOffer>{});
        if (!list || !rules) return ErrorPage(ctx, s, lang, 404, "error_not_found");
        json d = BaseData(ctx, s, lang, "offers_title", "offers");
        json items = json::array();
        for (const auto& m : *list) items.push_back(OfferJson(m, lang, *rules));
        d["items"] = items;
        d["empty"] = items.empty();
        if (auto done = ctx.request.Query("activated"))
            for (const auto& m : *list)
                if (m.offer.record.code == *done)
                    d["notice"] = Cat().Format("offers_activated", lang, {{"title", m.offer.record.title}});
        return Html(ctx, 200, RenderPage("offers", d));
    });
    router.Add("POST", "/my/offers/{offer_code}/activation", {}, [&s](Context& ctx) {
        if (auto gate = Gate(ctx, s)) return *gate;
        std::string lang = MemberLanguage(s, ctx);
        if (!s.offers) return ErrorPage(ctx, s, lang, 404, "error_not_found");
        auto done = s.offers->Activate(*ctx.principal.member_id, ctx.Param("offer_code"), "web");
        if (!done) {
            if (done.error().code == core::ErrorCode::kNotFound)
                return ErrorPage(ctx, s, lang, 404, "offers_error_gone");
            return ErrorPage(ctx, s, lang, 422, "offers_error_refused");
        }
        return SeeOther("/my/offers?activated=" + http::PercentEncode(ctx.Param("offer_code")));
    });

    // Sessions and devices (R_AUTH_3): every session of the login, ending one or all the others.
    router.Add("GET", "/my/sessions", {}, [&s](Context& ctx) {
        if (auto gate = Gate(ctx, s)) return *gate;
        std::string lang = MemberLanguage(s, ctx);
        const core::MarketRules* rules = MarketOf(s, ctx);
        const std::string tz = rules ? rules->time_zone : "UTC";
        json d = BaseData(ctx, s, lang, "sessions_title", "sessions");
        json items = json::array();
        int others = 0;
        for (const auto& v : s.auth.Sessions(*ctx.principal.account_id, ctx.principal.session_public_id)) {
            if (!v.current) ++others;
            items.push_back(
                {{"id", v.public_id},
                 {"device", v.device.empty() ? Cat().Text("sessions_unknown_device", lang) : v.device},
                 {"kind", Cat().Text(v.kind == "web" ? "sessions_kind_web" : "sessions_kind_app", lang)},
                 {"created", FormatDateTime(v.created_at, tz, lang)},
                 {"last_used", FormatDateTime(v.last_used_at, tz, lang)},
                 {"current", v.current}});
        }
        d["items"] = items;
        d["others"] = others > 0;
        if (auto n = ctx.request.Query("ended"))
            d["notice"] = Cat().Text(*n == "others" ? "sessions_others_ended" : "sessions_one_ended", lang);
        return Html(ctx, 200, RenderPage("sessions", d));
    });
    router.Add("POST", "/my/sessions/{session_id}/end", {}, [&s](Context& ctx) {
        if (auto gate = Gate(ctx, s)) return *gate;
        std::string lang = MemberLanguage(s, ctx);
        if (ctx.Param("session_id") == ctx.principal.session_public_id) {
            (void)s.auth.EndSession(*ctx.principal.account_id, ctx.principal.session_public_id);
            Response r = SeeOther("/login");
            r.headers.emplace_back("Set-Cookie", http::SessionCookie("", 0));
            return r;
        }
        auto done = s.auth.EndSession(*ctx.principal.account_id, ctx.Param("session_id"));
        if (!done) return ErrorPage(ctx, s, lang, 404, "sessions_error_gone");
        return SeeOther("/my/sessions?ended=one");
    });
    router.Add("POST", "/my/sessions/end-others", {}, [&s](Context& ctx) {
        if (auto gate = Gate(ctx, s)) return *gate;
        s.auth.EndAllSessions(*ctx.principal.account_id, ctx.principal.session_public_id);
        return SeeOther("/my/sessions?ended=others");
    });
}

}  // namespace andel::web
