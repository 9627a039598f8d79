#include "web/portal_page.hpp"

#include <cctype>

#include "store/access/account_repository.hpp"
#include "web/render.hpp"

namespace andel::web::portal {
namespace {

using http::Context;
using http::Response;
using nlohmann::json;

const Catalogue& Cat() { return Catalogue::Embedded(); }

// The portal's language when nothing else says (its organisations are Swedish so far).
constexpr const char* kPortalLanguage = "sv";

}  // namespace

bool IsPortalSession(const Context& ctx) {
    const http::Principal& p = ctx.principal;
    return p.by_cookie && p.account_id.has_value() && !p.member_id.has_value() &&
           p.organisation_id.has_value() &&
           (p.Has(app::auth::kRoleOrderer) || p.Has(app::auth::kRolePortalAdmin));
}

std::variant<Visitor, Response> Enter(const Context& ctx, http::Services& s, bool admin) {
    if (ctx.principal.csrf_refused)
        return ErrorPage(ctx, s, ChooseLanguage(ctx.request, kPortalLanguage), 403, "error_csrf");
    if (!ctx.principal.by_cookie || !ctx.principal.account_id) return SeeOther("/login");
    if (!IsPortalSession(ctx))
        return ErrorPage(ctx, s, ChooseLanguage(ctx.request), 403, "portal_error_not_portal");
    if (!s.portal)
        return ErrorPage(ctx, s, ChooseLanguage(ctx.request, kPortalLanguage), 404, "error_not_found");
    Visitor v;
    v.who.account_id = *ctx.principal.account_id;
    v.who.organisation_id = *ctx.principal.organisation_id;
    v.who.admin = ctx.principal.Has(app::auth::kRolePortalAdmin);
    v.who.actor = ctx.principal.Actor();
    auto org = s.portal->Organisation(v.who.organisation_id);
    if (!org) return ErrorPage(ctx, s, ChooseLanguage(ctx.request, kPortalLanguage), 404, "error_not_found");
    v.org = std::move(*org);
    auto market = s.markets.find(v.org.record.market);
    v.lang =
        ChooseLanguage(ctx.request, market == s.markets.end() ? kPortalLanguage : market->second.language);
    if (v.org.time_zone.empty())
        v.org.time_zone = market == s.markets.end() ? "UTC" : market->second.time_zone;
    if (v.org.currency.empty()) v.org.currency = market == s.markets.end() ? "SEK" : market->second.currency;
    {
        auto c = s.db.Read();
        if (auto a = store::AccountRepository(*c).Find(v.who.account_id)) v.name = a->display_name;
    }
    if (admin && !v.who.admin) {
        json d = PortalData(ctx, s, v, "error_title");
        d["message"] = Cat().Text("portal_error_admin_only", v.lang);
        d["back"] = "/portal";
        return Html(ctx, 403, RenderPage("portal_error", d));
    }
    return v;
}

json PortalData(const Context& ctx, http::Services& s, const Visitor& v, const std::string& title_key,
                const std::string& active) {
    json d = BaseData(ctx, s, v.lang, title_key, active);
    d["back_office"] = false;
    d["portal"] = true;
    d["signed_in"] = true;
    d["portal_org"] = v.org.record.name;
    d["portal_user"] = Opt(v.name);
    json nav = json::array();
    auto item = [&](const std::string& href, const std::string& key, const std::string& id) {
        nav.push_back({{"href", href}, {"label", Cat().Text(key, v.lang)}, {"current", id == active}});
    };
    item("/portal", "portal_nav_customers", "customers");
    item("/portal/saved-carts", "portal_nav_saved_carts", "saved");
    if (v.who.admin) item("/portal/admin", "portal_nav_admin", "admin");
    d["nav"] = nav;
    return d;
}

Response PortalError(const Context& ctx, http::Services& s, const Visitor& v, int status,
                     const std::string& message, const std::string& back) {
    json d = PortalData(ctx, s, v, "error_title");
    d["message"] = message;
    d["back"] = back;
    return Html(ctx, status, RenderPage("portal_error", d));
}

std::optional<int64_t> ParseId(const std::string& text) {
    if (text.empty() || text.size() > 18) return std::nullopt;
    for (char c : text)
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    int64_t v = std::stoll(text);
    if (v <= 0) return std::nullopt;
    return v;
}

std::optional<int64_t> ParseCount(const std::string& text, int64_t max) {
    std::string t = text;
    while (!t.empty() && t.front() == ' ') t.erase(t.begin());
    while (!t.empty() && t.back() == ' ') t.pop_back();
    if (t.empty() || t.size() > 9) return std::nullopt;
    for (char c : t)
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    int64_t v = std::stoll(t);
    if (v > max) return std::nullopt;
    return v;
}

std::string ErrorText(const core::Error& e, const std::string& lang) {
    if (!e.rule.empty()) {
        // R_OMB_7 refuses a delivery for three reasons; the detail says which (full, cut-off, unit).
        if (e.rule == "R_OMB_7") {
            const std::string& d = e.detail;
            if (d.find("full") != std::string::npos || d.find("capacity") != std::string::npos ||
                d.find("room") != std::string::npos)
                return Cat().Text("portal_rule_R_OMB_7_full", lang);
            if (d.find("cut") != std::string::npos || d.find("past") != std::string::npos ||
                d.find("passed") != std::string::npos || d.find("closed") != std::string::npos)
                return Cat().Text("portal_rule_R_OMB_7_cutoff", lang);
            if (d.find("unit") != std::string::npos) return Cat().Text("portal_rule_R_OMB_7_unit", lang);
        }
        if (Cat().Has("portal_rule_" + e.rule)) return Cat().Text("portal_rule_" + e.rule, lang);
        if (Cat().Has("rule_" + e.rule)) return Cat().Text("rule_" + e.rule, lang);
    }
    // A field at fault with its own text (portal_field_error_payment_label ...).
    if (!e.field.empty() && Cat().Has("portal_field_error_" + e.field))
        return Cat().Text("portal_field_error_" + e.field, lang);
    if (e.code == core::ErrorCode::kConflict) {
        const std::string& d = e.detail;
        if (d.find("cart changed") != std::string::npos) return Cat().Text("portal_error_cart_changed", lang);
        if (d.find("cut-off") != std::string::npos) return Cat().Text("portal_error_cancel_cutoff", lang);
        if (d.find("picking") != std::string::npos) return Cat().Text("portal_error_cancel_picking", lang);
        if (d.find("unit with this name") != std::string::npos)
            return Cat().Text("portal_admin_error_unit_taken", lang);
    }
    switch (e.code) {
        case core::ErrorCode::kConflict:
            return Cat().Text("portal_error_conflict", lang);
        case core::ErrorCode::kNotFound:
            return Cat().Text("portal_error_not_found", lang);
        case core::ErrorCode::kForbidden:
            return Cat().Text("portal_error_forbidden", lang);
        case core::ErrorCode::kUnavailable:
            return Cat().Text("error_unavailable", lang);
        case core::ErrorCode::kMalformed:
        case core::ErrorCode::kInvalid:
            return Cat().Text("portal_error_invalid", lang);
        default:
            return Cat().Text("portal_error_refused", lang);
    }
}

int StatusOf(const core::Error& e) {
    int status = core::Describe(e.code).status;
    return status >= 500 && e.code != core::ErrorCode::kUnavailable ? 422 : status;
}

json Opt(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

std::string Money(const Visitor& v, int64_t minor) { return FormatMoney(minor, v.org.currency, v.lang); }
std::string When(const Visitor& v, int64_t unix_ms) {
    return FormatDateTime(unix_ms, v.org.time_zone, v.lang);
}

std::string StatusText(const std::optional<std::string>& status, const std::string& lang) {
    std::string key = "portal_status_" + status.value_or("none");
    return Cat().Has(key) ? Cat().Text(key, lang) : status.value_or("");
}

std::string PaymentText(const std::string& method, const std::string& label, const std::string& lang) {
    std::string text = Cat().Text(method == "card" ? "portal_payment_card" : "portal_payment_invoice", lang);
    return label.empty() ? text : text + ": " + label;
}

}  // namespace andel::web::portal
