#include "http/test_app.hpp"

#include <stdexcept>

#include "app/demo/generator.hpp"
#include "test_support.hpp"

namespace andel::test {

TestApp::TestApp(const std::string& engine, bool demo) {
    auto loaded = app::LoadConfig(SourcePath("config"), [](const std::string&) { return std::nullopt; });
    if (!loaded) throw std::runtime_error(loaded.error().detail);
    config = std::move(*loaded);
    db = FreshDatabase(engine);
    config.auth.password_cost = {1, 8 * 1024};
    config.auth.session_cache_ms =
        0;  // tests move the clock and revoke from other services; see the cache test
    sealer = std::make_unique<notify::Sealer>(config.secret_key);
    auth = std::make_unique<app::auth::AuthService>(*db, clock, *sealer, config.auth, config.secret_key);
    if (demo) {
        app::SeedDemo(*db, config.markets, config.national_id_key, clock);
        app::SeedDemoLogins(*db, *auth, config.markets, config.national_id_key, clock);
    }
    membership = std::make_unique<app::MembershipService>(*db, clock, config.markets, config.national_id_key);
    keys = std::make_unique<app::ApiKeyService>(*db, clock);
    receipts = std::make_unique<app::ReceiptService>(*db, clock, config.markets);
    rewards = std::make_unique<app::RewardsService>(*db, clock, config.markets);
    points_shop = std::make_unique<app::PointsShopService>(*db, clock, config.markets);
    services = std::make_unique<http::Services>(http::Services{*db, clock, config.markets, *membership, *keys,
                                                               *receipts, *rewards, *points_shop, *auth,
                                                               *sealer, true});
    relogin = std::make_unique<app::auth::ReloginService>(*db, clock, *sealer);
    services->relogin = relogin.get();
    marketing = std::make_unique<app::MarketingChoicesService>(*db, clock);
    services->marketing = marketing.get();
    partners = std::make_unique<app::PartnerService>(*db, clock, config.markets, config.partner_categories);
    services->partners = partners.get();
    catalogue = std::make_unique<app::CatalogueService>(*db, clock, config.markets);
    services->catalogue = catalogue.get();
    offers = std::make_unique<app::OfferService>(*db, clock, config.markets);
    services->offers = offers.get();
    self_scan = std::make_unique<app::SelfScanService>(*db, clock, config.markets, *offers, *receipts,
                                                       config.self_scan);
    services->self_scan = self_scan.get();
    psp = std::make_unique<http::DevPaymentProvider>("test-psp-key", std::chrono::milliseconds(1000));
    psp->Start();
    provider = std::make_unique<app::HttpPaymentProvider>(psp->base_url(), "test-psp-key", 400);
    coopay = std::make_unique<app::CoopayService>(*db, clock, config.markets, *provider, *sealer,
                                                  config.secret_key);
    services->coopay = coopay.get();
    router = std::make_unique<http::Router>(http::ApiKeyAuthenticator(*keys, *auth));
    http::AddAllRoutes(*router, *services);
}

}  // namespace andel::test
