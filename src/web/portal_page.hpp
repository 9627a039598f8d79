#pragma once
// What the ordering portal's pages share (src/web/portal.cpp, portal_admin.cpp): who is using it, the gate,
// the layout's data, ids and quantities read from a path or a form, and a refusal in the page's language.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

#include "app/portal/portal_service.hpp"
#include "http/api/api.hpp"
#include "web/page.hpp"

namespace andel::web::portal {

// A portal user on a page: the service's view of them, their organisation, and the page's language
// (Swedish for a Swedish organisation unless the visitor chose another).
struct Visitor {
    app::PortalUser who;
    app::OrganisationView org;
    std::string name;  // the user's display name
    std::string lang;
};

// A portal user with a page session (role orderer or portal_admin, no member behind it).
bool IsPortalSession(const http::Context& ctx);

// The visitor, or the response for anyone else: a forged form 403, no session to the login, a member or
// staff 403, no portal in this program 404. `admin` also refuses an orderer (403).
std::variant<Visitor, http::Response> Enter(const http::Context& ctx, http::Services& s, bool admin = false);

// BaseData with the portal's navigation (Slutkunder, Sparade varukorgar, Administration for admins), its
// log out, and the organisation and the user in the header.
nlohmann::json PortalData(const http::Context& ctx, http::Services& s, const Visitor& v,
                          const std::string& title_key, const std::string& active = {});

// A portal page that explains a refusal (400, 403, 404 ...) with a way back.
http::Response PortalError(const http::Context& ctx, http::Services& s, const Visitor& v, int status,
                           const std::string& message, const std::string& back = "/portal");

// A positive id as it comes in a path or a form ("12"); nullopt for anything else ("abc", "-1", "1e3").
std::optional<int64_t> ParseId(const std::string& text);
// A whole number 0..max as typed ("3"); nullopt for anything else (empty, "abc", "100000").
std::optional<int64_t> ParseCount(const std::string& text, int64_t max);

// A refusal of the service in the page's language: the rule's own text (portal_rule_R_OMB_7 ...) where the
// catalogue has it, else by kind of error.
std::string ErrorText(const core::Error& e, const std::string& lang);
int StatusOf(const core::Error& e);

// json null (false in a template) for an empty text, so {{#x}} shows nothing for it.
nlohmann::json Opt(const std::string& text);

// Money in the organisation's currency, instants in its time zone.
std::string Money(const Visitor& v, int64_t minor);
std::string When(const Visitor& v, int64_t unix_ms);

// An end customer's status for the list (R_OMB_8): "none", "ordered", "picking", "delivered", "cancelled".
std::string StatusText(const std::optional<std::string>& status, const std::string& lang);
// "Faktura till ..." or "Kort ..." as the end customer's preset payment (R_OMB_7).
std::string PaymentText(const std::string& method, const std::string& label, const std::string& lang);

}  // namespace andel::web::portal
