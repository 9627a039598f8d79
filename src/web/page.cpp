#include "web/page.hpp"

#include <algorithm>
#include <cctype>

#include "http/urlencoded.hpp"
#include "web/render.hpp"
#include "web/web.hpp"

namespace andel::web {
namespace {

struct LanguageName {
    const char* code;
    const char* name;
};
// Each language in its own words, as the switcher shows it.
constexpr LanguageName kLanguageNames[] = {
    {"da", "Dansk"}, {"nb", "Norsk"}, {"sv", "Svenska"}, {"en", "English"}};

std::optional<std::string> QueryLanguage(const http::Request& req) {
    auto q = req.Query("lang");
    if (q && IsLanguage(*q)) return q;
    return std::nullopt;
}

std::string FromAcceptLanguage(std::string_view header) {
    // "nb-NO,nb;q=0.9,en;q=0.8": the first listed we have (weights are in order in practice).
    while (!header.empty()) {
        size_t comma = header.find(',');
        std::string_view item = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        std::string code;
        for (char c : item) {
            if (c == '-' || c == ';' || c == '_') break;
            code += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        if (code == "no" || code == "nn") code = "nb";
        if (IsLanguage(code)) return code;
    }
    return "en";
}

}  // namespace

std::string ChooseLanguage(const http::Request& req, const std::string& preferred) {
    if (auto q = QueryLanguage(req)) return *q;
    if (auto c = http::CookieValue(req, kLanguageCookie); c && IsLanguage(*c)) return *c;
    if (IsLanguage(preferred)) return preferred;
    if (auto h = req.Header("accept-language")) return FromAcceptLanguage(*h);
    return "en";
}

http::Response Html(const http::Context& ctx, int status, std::string body) {
    http::Response r = http::Response::Text(status, std::move(body), "text/html; charset=utf-8");
    r.headers.emplace_back("Cache-Control", "no-store");
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                           "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("Referrer-Policy", "same-origin");
    r.headers.emplace_back("X-Frame-Options", "DENY");
    if (auto q = QueryLanguage(ctx.request))
        // The language the visitor chose: strictly necessary to show the site as asked, so no consent.
        r.headers.emplace_back("Set-Cookie", std::string(kLanguageCookie) + "=" + *q +
                                                 "; Path=/; SameSite=Lax; Max-Age=31536000");
    return r;
}

http::Response SeeOther(const std::string& location) {
    http::Response r = http::Response::Text(303, "", "text/plain; charset=utf-8");
    r.headers.emplace_back("Location", location);
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

std::optional<Form> ParseForm(const http::Request& req) {
    auto type = req.Header("content-type");
    if (!type || !type->starts_with("application/x-www-form-urlencoded")) return std::nullopt;
    Form form;
    if (!http::ParseQuery(req.body, form)) return std::nullopt;
    return form;
}

std::string Field(const Form& form, const std::string& name) {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
}

nlohmann::json BaseData(const http::Context& ctx, http::Services& s, const std::string& lang,
                        const std::string& title_key, const std::string& active) {
    const Catalogue& cat = Catalogue::Embedded();
    nlohmann::json d;
    d["t"] = cat.Strings(lang);
    d["lang"] = lang;
    d["title"] = cat.Text(title_key, lang);
    d["demo"] = s.dev_routes;
    nlohmann::json languages = nlohmann::json::array();
    for (const auto& l : kLanguageNames)
        languages.push_back({{"code", l.code}, {"name", l.name}, {"current", lang == l.code}});
    d["languages"] = languages;
    const http::Principal& p = ctx.principal;
    bool member = p.member_id.has_value() && p.by_cookie;
    d["signed_in"] = member;
    if (member) {
        d["csrf"] = s.auth.CsrfTokenFor(p.session_token);
        if (auto m = s.membership.GetById(*p.member_id)) d["first_name"] = m->member.person.first_name;
        nlohmann::json nav = nlohmann::json::array();
        for (const char* key : {"overview", "offers", "partners", "history", "receipts", "household", "cards",
                                "privacy", "sessions"}) {
            std::string k = key;
            nav.push_back({{"href", k == "overview" ? "/my" : "/my/" + k},
                           {"label", cat.Text("nav_" + k, lang)},
                           {"current", k == active}});
        }
        d["nav"] = nav;
    }
    // Staff (a page session without a member behind it) get the back office's navigation and log out
    // through it (src/web/back_office.cpp).
    bool staff = !p.member_id.has_value() && p.account_id.has_value() && p.by_cookie;
    if (staff) {
        d["signed_in"] = true;
        d["back_office"] = true;
        d["csrf"] = s.auth.CsrfTokenFor(p.session_token);
        d["nav"] = BackOfficeNav(p, lang, active);
    }
    return d;
}

std::string Amount(int64_t amount, const std::string& unit, const std::string& lang) {
    if (unit == "points")
        return FormatNumber(amount, lang) + "\u00a0" + Catalogue::Embedded().Text("unit_points", lang);
    return FormatMoney(amount, unit, lang);
}

nlohmann::json HistoryRows(const app::HistoryPage& page, const std::string& time_zone,
                           const std::string& lang) {
    const Catalogue& cat = Catalogue::Embedded();
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& p : page.items) {
        std::string key = "source_" + p.source_kind;
        std::string what = cat.Has(key) ? cat.Text(key, lang) : cat.Text("source_other", lang);
        if (auto it = page.partners.find(p.entry_id); it != page.partners.end())
            what += " · " + it->second.name;
        rows.push_back({{"date", FormatDate(p.occurred_at, time_zone, lang)},
                        {"what", what},
                        {"amount", Amount(p.amount, page.unit, lang)},
                        {"negative", p.amount < 0}});
    }
    return rows;
}

std::variant<Me, http::Response> Member(const http::Context& ctx, http::Services& s) {
    if (!ctx.principal.member_id || !ctx.principal.by_cookie) {
        if (ctx.principal.csrf_refused)
            return ErrorPage(ctx, s, ChooseLanguage(ctx.request), 403, "error_csrf");
        return SeeOther(ctx.principal.account_id && ctx.principal.by_cookie ? "/" : "/login");
    }
    auto view = s.membership.GetById(*ctx.principal.member_id);
    std::string lang = ChooseLanguage(ctx.request);
    if (!view) return ErrorPage(ctx, s, lang, 404, "error_not_found");
    auto rules = s.markets.find(view->member.market);
    if (rules == s.markets.end()) return ErrorPage(ctx, s, lang, 404, "error_not_found");
    return Me{*view, &rules->second, ChooseLanguage(ctx.request, rules->second.language)};
}

http::Response ErrorPage(const http::Context& ctx, http::Services& s, const std::string& lang, int status,
                         const std::string& message_key) {
    nlohmann::json d = BaseData(ctx, s, lang, "error_title");
    d["message"] = Catalogue::Embedded().Text(message_key, lang);
    return Html(ctx, status, RenderPage("error", d));
}

}  // namespace andel::web
