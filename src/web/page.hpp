#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "http/api/api.hpp"
#include "web/i18n.hpp"

namespace andel::web {

using Form = std::multimap<std::string, std::string>;

inline constexpr const char* kLanguageCookie = "andel_lang";

// The language of a page: ?lang= (remembered in a cookie), else the cookie, else `preferred` (a member's
// market), else the browser's Accept-Language among da, nb, sv and en, else English.
std::string ChooseLanguage(const http::Request& req, const std::string& preferred = {});

// An HTML page: no caching of personal pages, a strict Content-Security-Policy (no inline script, no
// framing), no sniffing, no referrer beyond the site. Sets the language cookie when ?lang= chose it.
http::Response Html(const http::Context& ctx, int status, std::string body);
// 303 See Other to `location` (after a form post, so reloading does not post again).
http::Response SeeOther(const std::string& location);

// The signed-in member of a My page: their membership, their market's rules and the page's language.
struct Me {
    app::MemberView view;
    const core::MarketRules* rules = nullptr;
    std::string lang;
};
// The signed-in member, or the response that sends anyone else away: a staff or portal session to "/", a
// visitor to /login, a refused CSRF token to a 403 page.
std::variant<Me, http::Response> Member(const http::Context& ctx, http::Services& s);

// The fields of a form post (application/x-www-form-urlencoded); nullopt when the body is not one.
std::optional<Form> ParseForm(const http::Request& req);
std::string Field(const Form& form, const std::string& name);

// What every page's layout needs: the catalogue's text (t), the language and the switcher, whether someone
// is logged in and their first name, the CSRF token of a page session, the navigation with `active`
// marked (a member's, or for staff the back office's with `back_office` set), the page's title (a catalogue
// key), and the demo flag.
nlohmann::json BaseData(const http::Context& ctx, http::Services& s, const std::string& lang,
                        const std::string& title_key, const std::string& active = {});

// An amount as a member reads it: points ("1 234 point") or money in the unit's currency ("1 234,50 kr").
std::string Amount(int64_t amount, const std::string& unit, const std::string& lang);

// A household's ledger entries as the history's rows (date, what, amount, negative), for My pages and the
// back office alike: what comes from the entry's source (source_receipt ...), with the partner's name.
nlohmann::json HistoryRows(const app::HistoryPage& page, const std::string& time_zone,
                           const std::string& lang);

// A page that explains an error in the page's language (404, 403 ...), with a way back.
http::Response ErrorPage(const http::Context& ctx, http::Services& s, const std::string& lang, int status,
                         const std::string& message_key);

}  // namespace andel::web
