#include "http/test_app.hpp"

#include <stdexcept>

#include "app/demo/generator.hpp"
#include "app/transaction.hpp"
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
    till_cache = std::make_unique<app::TillCardCache>(*db, app::TillCardCache::Options{});
    till_cache->Reload();
    membership->UseTillCache(till_cache.get());
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
    offers = std::make_unique<app::OfferService>(*db, clock, config.markets, *sealer);
    services->offers = offers.get();
    receipts->SetOffers(offers.get());
    self_scan = std::make_unique<app::SelfScanService>(*db, clock, config.markets, *offers, *receipts,
                                                       config.self_scan);
    services->self_scan = self_scan.get();
    portal = std::make_unique<app::PortalService>(*db, clock, config.markets, *sealer, *auth, *catalogue,
                                                  *offers, *receipts);
    services->portal = portal.get();
    psp = std::make_unique<http::DevPaymentProvider>("test-psp-key", std::chrono::milliseconds(1000));
    psp->Start();
    provider = std::make_unique<app::HttpPaymentProvider>(psp->base_url(), "test-psp-key", 400);
    coopay = std::make_unique<app::CoopayService>(*db, clock, config.markets, *provider, *sealer,
                                                  config.secret_key);
    services->coopay = coopay.get();
    router = std::make_unique<http::Router>(http::ApiKeyAuthenticator(*keys, *auth));
    http::AddAllRoutes(*router, *services);
}

app::DemoPortal TestApp::SeedPortal() {
    app::SeedDemoCatalogue(*db, config.markets, clock);
    app::SeedDemoOffers(*db, config.markets, clock);
    return app::SeedDemoPortal(*db, *auth, *portal, clock);
}

std::pair<int, nlohmann::json> TestApp::Call(const std::string& method, const std::string& path,
                                             const nlohmann::json& body, const std::string& token) {
    http::Request r;
    r.method = method;
    r.target = path;
    auto q = path.find('?');
    r.path = path.substr(0, q);
    if (q != std::string::npos) {
        const std::string rest = path.substr(q + 1);
        for (size_t start = 0; start <= rest.size();) {
            size_t amp = rest.find('&', start);
            std::string kv = rest.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
            auto eq = kv.find('=');
            r.query.emplace(kv.substr(0, eq), eq == std::string::npos ? "" : kv.substr(eq + 1));
            if (amp == std::string::npos) break;
            start = amp + 1;
        }
    }
    r.body = body.is_null() ? "" : body.dump();
    r.request_id = "test";
    r.remote_address = "192.0.2.60";
    r.headers = {{"content-type", "application/json"}};
    if (!token.empty()) r.headers.emplace_back("authorization", "Bearer " + token);
    auto response = router->Handle(r);
    return {response.status, nlohmann::json::parse(response.body, nullptr, false)};
}

std::string TestApp::MemberSession(int64_t member_id, const std::string& method) {
    auto s = app::InTransaction(*db, [&](store::Connection& c) {
        return auth->OpenSession(c, auth->EnsureMemberAccount(c, member_id), "app", method, "test");
    });
    if (!s) throw std::runtime_error(s.error().detail);
    return s->token;
}

app::MemberView TestApp::RegisterDanishProfile() {
    app::RegisterInput p;
    p.market = "dk";
    p.kind = "profile";
    p.national_id = "0707901234";
    p.first_name = "Pia";
    p.last_name = "Profil";
    p.contact = {std::string("pia@example.org"), std::nullopt, "Vej 3", "5000", "Odense"};
    auto r = membership->Register(p, "test");
    if (!r) throw std::runtime_error(r.error().detail);
    return *r;
}

}  // namespace andel::test
