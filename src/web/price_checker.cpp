// The store's price checker (issue 6 §2, R_OFF_2) as a kiosk page: large text, high contrast, a barcode
// scanner that types the code and Enter into the one field, back to the idle screen after 30 seconds
// (a meta refresh: no script needed). A product shows its price, member price and the offers on it; a
// member card shows the member's first name and offers, each activated with one tap. Nothing else about
// the member is shown, and the card number never reaches the page: the member is named by a sealed,
// short-lived token bound to this kiosk's store.
//
// The kiosk is set up once with its store's price-checker key (role price_checker), kept in an HttpOnly,
// SameSite=Strict cookie limited to /price-checker.
#include "app/demo/generator.hpp"
#include "app/membership/membership_service.hpp"
#include "core/catalogue/ean.hpp"
#include "core/membership/numbers.hpp"
#include "http/urlencoded.hpp"
#include "web/page.hpp"
#include "web/render.hpp"
#include "web/web.hpp"

namespace andel::web {
namespace {

using http::Context;
using http::Response;
using nlohmann::json;

constexpr const char* kKioskCookie = "andel_kiosk";
constexpr int64_t kMemberTokenMs = 5 * 60 * 1000;  // a scanned card's offers stay tappable this long
constexpr int kIdleSeconds = 30;

const Catalogue& Cat() { return Catalogue::Embedded(); }

struct Kiosk {
    int64_t store_id = 0;
    std::string market, store_code, currency, language;
};

std::optional<Kiosk> KioskOf(const Context& ctx, http::Services& s) {
    auto token = http::CookieValue(ctx.request, kKioskCookie);
    if (!token || !s.offers) return std::nullopt;
    auto key = s.api_keys.Verify(*token);
    if (!key || key->role != app::kRoleKiosk || !key->store_id) return std::nullopt;
    auto store = s.offers->StoreOf(*key->store_id);
    if (!store) return std::nullopt;
    auto rules = s.markets.find(store->first);
    if (rules == s.markets.end()) return std::nullopt;
    return Kiosk{*key->store_id, store->first, store->second, rules->second.currency, rules->second.language};
}

// The kiosk's language: the market's, unless someone at the kiosk chose another.
std::string KioskLanguage(const Context& ctx, const std::optional<Kiosk>& k) {
    return ChooseLanguage(ctx.request, k ? k->language : std::string());
}

json KioskData(const Context& ctx, http::Services& s, const std::string& lang, bool idle_return) {
    json d = BaseData(ctx, s, lang, "kiosk_title");
    d["kiosk"] = true;
    d["signed_in"] = false;
    d.erase("nav");
    if (idle_return) d["refresh"] = std::to_string(kIdleSeconds);
    return d;
}

Response SetupPage(const Context& ctx, http::Services& s, const std::string& lang, int status,
                   const std::string& error_key) {
    json d = KioskData(ctx, s, lang, false);
    d["title"] = Cat().Text("kiosk_setup_title", lang);
    if (!error_key.empty()) d["error"] = Cat().Text(error_key, lang);
    if (s.dev_routes) d["demo_key"] = Cat().Format("kiosk_setup_demo", lang, {{"key", app::kDemoKioskToken}});
    return Html(ctx, status, RenderPage("kiosk_setup", d));
}

Response IdlePage(const Context& ctx, http::Services& s, const std::string& lang, int status,
                  const std::string& message_key) {
    json d = KioskData(ctx, s, lang, !message_key.empty());
    if (!message_key.empty()) d["message"] = Cat().Text(message_key, lang);
    return Html(ctx, status, RenderPage("kiosk", d));
}

std::string MemberToken(http::Services& s, int64_t member_id, int64_t store_id) {
    json t = {{"k", "kiosk"},
              {"m", member_id},
              {"s", store_id},
              {"e", core::ToMillis(s.clock.Now()) + kMemberTokenMs}};
    return s.sealer.Seal(t.dump());
}

std::optional<int64_t> OpenMemberToken(http::Services& s, const std::string& token, int64_t store_id) {
    if (token.size() > 1024) return std::nullopt;
    auto plain = s.sealer.Open(token);
    if (!plain) return std::nullopt;
    json t = json::parse(*plain, nullptr, false);
    if (!t.is_object() || t.value("k", "") != "kiosk" || !t["m"].is_number_integer() ||
        !t["s"].is_number_integer() || !t["e"].is_number_integer())
        return std::nullopt;
    if (t["s"].get<int64_t>() != store_id || t["e"].get<int64_t>() < core::ToMillis(s.clock.Now()))
        return std::nullopt;
    return t["m"].get<int64_t>();
}

Response MemberPage(const Context& ctx, http::Services& s, const Kiosk& k, const std::string& lang,
                    int64_t member_id, const std::string& first_name, const std::string& activated) {
    auto list = s.offers->ForMember(member_id);
    if (!list) return IdlePage(ctx, s, lang, 404, "kiosk_card_unknown");
    json d = KioskData(ctx, s, lang, true);
    d["greeting"] = Cat().Format("kiosk_hello", lang, {{"name", first_name}});
    std::string token = MemberToken(s, member_id, k.store_id);
    json items = json::array();
    for (const auto& m : *list) {
        const auto& r = m.offer.record;
        items.push_back({{"code", r.code},
                         {"title", r.title},
                         {"description", r.description},
                         {"activated", m.activated},
                         {"needs_activation", r.requires_activation && !m.activated},
                         {"just_activated", r.code == activated},
                         {"token", token}});
    }
    d["items"] = items;
    d["empty"] = items.empty();
    return Html(ctx, 200, RenderPage("kiosk_member", d));
}

Response ProductPage(const Context& ctx, http::Services& s, const Kiosk& k, const std::string& lang,
                     const std::string& ean) {
    if (!s.catalogue) return IdlePage(ctx, s, lang, 404, "kiosk_product_unknown");
    auto product = s.catalogue->Product(k.market, ean, k.store_code);
    if (!product) return IdlePage(ctx, s, lang, 404, "kiosk_product_unknown");
    auto campaigns = s.offers->CampaignsOn(k.store_id, product->product);
    const auto& p = product->product;
    json d = KioskData(ctx, s, lang, true);
    d["name"] = p.name;
    d["brand"] = p.brand;
    d["size"] = p.size;
    std::string per = p.weighed ? Cat().Text("kiosk_per_kg", lang) : std::string();
    d["price"] = FormatMoney(p.unit_price_minor, k.currency, lang) + per;
    if (p.comparison_price_minor)
        d["comparison"] = Cat().Format("kiosk_comparison", lang,
                                       {{"price", FormatMoney(*p.comparison_price_minor, k.currency, lang)},
                                        {"unit", p.comparison_unit.value_or("")}});
    if (product->sold_in_store && !*product->sold_in_store) d["not_here"] = true;
    json offers = json::array();
    if (campaigns) {
        if (campaigns->member_price_minor)
            d["member_price"] = FormatMoney(*campaigns->member_price_minor, k.currency, lang) + per;
        for (const auto& o : campaigns->offers)
            offers.push_back({{"title", o.record.title},
                              {"description", o.record.description},
                              {"needs_activation", o.record.requires_activation}});
    }
    d["offers"] = offers;
    d["has_offers"] = !offers.empty();
    return Html(ctx, 200, RenderPage("kiosk_product", d));
}

}  // namespace

void AddPriceCheckerPages(http::Router& router, http::Services& s) {
    router.Add("GET", "/price-checker", {}, [&s](Context& ctx) {
        auto k = KioskOf(ctx, s);
        std::string lang = KioskLanguage(ctx, k);
        if (!k) return SetupPage(ctx, s, lang, 200, "");
        return IdlePage(ctx, s, lang, 200, "");
    });
    router.Add("POST", "/price-checker/setup", {}, [&s](Context& ctx) {
        std::string lang = ChooseLanguage(ctx.request);
        auto form = ParseForm(ctx.request);
        std::string token = form ? Field(*form, "key") : std::string();
        if (token.empty() || token.size() > 200) return SetupPage(ctx, s, lang, 400, "kiosk_setup_missing");
        auto key = s.api_keys.Verify(token);
        if (!key || key->role != app::kRoleKiosk || !key->store_id)
            return SetupPage(ctx, s, lang, 401, "kiosk_setup_wrong");
        Response r = SeeOther("/price-checker");
        r.headers.emplace_back("Set-Cookie", std::string(kKioskCookie) + "=" + token +
                                                 "; Path=/price-checker; HttpOnly; Secure; SameSite=Strict; "
                                                 "Max-Age=31536000");
        return r;
    });
    // What the scanner typed: a member card (16 digits, R_CARD_1) or a product's barcode.
    router.Add("GET", "/price-checker/scan", {}, [&s](Context& ctx) {
        auto k = KioskOf(ctx, s);
        std::string lang = KioskLanguage(ctx, k);
        if (!k) return SetupPage(ctx, s, lang, 401, "kiosk_setup_needed");
        std::string code = ctx.request.Query("code").value_or("");
        // Scanners may add spaces or a trailing newline.
        std::erase_if(code, [](char c) { return c == ' ' || c == '\r' || c == '\n' || c == '\t'; });
        if (code.empty()) return IdlePage(ctx, s, lang, 200, "");
        if (code.size() > 32) return IdlePage(ctx, s, lang, 400, "kiosk_code_unknown");
        if (core::IsValidCardNumber(code)) {
            auto who = s.membership.IdentifyByCard(code);
            if (!who) return IdlePage(ctx, s, lang, 404, "kiosk_card_unknown");
            // R_OFF_2: only members use the price checker; a customer with a profile is told so.
            if (who->member.kind != "member") return IdlePage(ctx, s, lang, 422, "kiosk_members_only");
            return MemberPage(ctx, s, *k, lang, who->member.member_id, who->member.first_name, "");
        }
        if (auto ean = core::NormaliseEan(code)) return ProductPage(ctx, s, *k, lang, *ean);
        return IdlePage(ctx, s, lang, 400, "kiosk_code_unknown");
    });
    // One tap activates an offer for the member whose card was scanned (R_OFF_2, channel price_checker).
    router.Add("POST", "/price-checker/activation", {}, [&s](Context& ctx) {
        auto k = KioskOf(ctx, s);
        std::string lang = KioskLanguage(ctx, k);
        if (!k) return SetupPage(ctx, s, lang, 401, "kiosk_setup_needed");
        auto form = ParseForm(ctx.request);
        if (!form) return IdlePage(ctx, s, lang, 400, "kiosk_code_unknown");
        auto member_id = OpenMemberToken(s, Field(*form, "member"), k->store_id);
        if (!member_id) return IdlePage(ctx, s, lang, 401, "kiosk_scan_again");
        std::string code = Field(*form, "offer_code");
        if (code.empty() || code.size() > 64) return IdlePage(ctx, s, lang, 400, "kiosk_code_unknown");
        auto done = s.offers->Activate(*member_id, code, "price_checker");
        if (!done) return IdlePage(ctx, s, lang, 422, "offers_error_refused");
        auto m = s.membership.GetById(*member_id);
        if (!m) return IdlePage(ctx, s, lang, 404, "kiosk_card_unknown");
        return MemberPage(ctx, s, *k, lang, *member_id, m->member.person.first_name, code);
    });
}

}  // namespace andel::web
