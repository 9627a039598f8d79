#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "app/access/api_key_service.hpp"
#include "app/auth/auth_service.hpp"
#include "app/auth/bankid_login.hpp"
#include "app/auth/relogin_service.hpp"
#include "app/catalogue/catalogue_service.hpp"
#include "app/ledger/points_shop_service.hpp"
#include "app/ledger/receipt_service.hpp"
#include "app/ledger/rewards_service.hpp"
#include "app/membership/membership_service.hpp"
#include "app/offers/offer_service.hpp"
#include "app/partners/partner_service.hpp"
#include "app/payments/coopay_service.hpp"
#include "app/portal/portal_service.hpp"
#include "app/privacy/marketing.hpp"
#include "app/self_scan/self_scan_service.hpp"
#include "core/market.hpp"
#include "http/router.hpp"
#include "store/database.hpp"

namespace andel::http {

// What the API handlers need; owned by the caller (andel serve, or a test).
struct Services {
    store::Database& db;
    const core::Clock& clock;
    const std::map<std::string, core::MarketRules>& markets;
    app::MembershipService& membership;
    app::ApiKeyService& api_keys;
    app::ReceiptService& receipts;
    app::RewardsService& rewards;
    app::PointsShopService& points_shop;
    app::auth::AuthService& auth;
    const notify::Sealer& sealer;
    bool dev_routes = false;                   // the demo's /dev/outbox: never on in production
    app::auth::BankIdLogin* bankid = nullptr;  // null when no OpenID issuer is configured
    app::auth::ReloginService* relogin = nullptr;
    app::MarketingChoicesService* marketing = nullptr;
    app::PartnerService* partners = nullptr;
    app::CoopayService* coopay = nullptr;  // null when no payment provider is configured (R_PAY_1)
    app::CatalogueService* catalogue = nullptr;
    app::OfferService* offers = nullptr;
    app::SelfScanService* self_scan = nullptr;
    app::PortalService* portal = nullptr;  // the proxy-ordering portal (issue 7)
};

// An authenticator that accepts "Authorization: Bearer andel_..." API keys, and people's sessions: an app's
// "Authorization: Bearer s...." or a page's HttpOnly cookie, whose unsafe requests (POST, PUT, DELETE) must
// carry the session's CSRF token in X-CSRF-Token.
Authenticator ApiKeyAuthenticator(app::ApiKeyService& keys, app::auth::AuthService& auth);

inline constexpr const char* kSessionCookie = "andel_session";
// The value of the request's cookie `name`, if it came.
std::optional<std::string> CookieValue(const Request& req, std::string_view name);
// The Set-Cookie value of a page's session (HttpOnly, Secure, SameSite=Lax); an empty token and 0 clear it.
std::string SessionCookie(const std::string& token, int64_t max_age_s);

void AddSystemRoutes(Router& router, Services& s);
void AddMembershipRoutes(Router& router, Services& s);
void AddLedgerRoutes(Router& router, Services& s);
void AddPointsShopRoutes(Router& router, Services& s);
void AddAuthRoutes(Router& router, Services& s);
void AddReloginRoutes(Router& router, Services& s);
void AddPrivacyRoutes(Router& router, Services& s);
void AddPartnerRoutes(Router& router, Services& s);
void AddCoopayRoutes(Router& router, Services& s);
void AddCatalogueRoutes(Router& router, Services& s);
void AddOfferRoutes(Router& router, Services& s);
void AddSelfScanRoutes(Router& router, Services& s);
void AddPortalRoutes(Router& router, Services& s);
// A product as the API shows it (catalogue, price checker, self-scanning).
nlohmann::json ProductJson(const app::ProductView& v);
// After a till's receipt was posted (not replayed): settles its Coopay payment, or refunds the original
// receipt's payment for a return (R_PAY_1). Failures are left to the reconcile job.
void SettleCoopay(Services& s, int64_t store_id, const app::ReceiptInput& in);

// All routes of the API on one router.
void AddAllRoutes(Router& router, Services& s);

// The OpenAPI description (api/openapi.yaml, compiled in) as JSON.
const std::string& OpenApiJson();

}  // namespace andel::http
