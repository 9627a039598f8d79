#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "app/access/api_key_service.hpp"
#include "app/config.hpp"
#include "app/demo/demo_portal.hpp"
#include "app/ledger/points_shop_service.hpp"
#include "app/ledger/receipt_service.hpp"
#include "app/ledger/rewards_service.hpp"
#include "app/membership/membership_service.hpp"
#include "app/membership/till_card_cache.hpp"
#include "http/api/api.hpp"
#include "http/dev_psp.hpp"
#include "http/router.hpp"

namespace andel::test {

// The services and router of `andel serve` (src/cli/main.cpp) over a fresh database of `engine`, with the
// shipped configuration, a fixed clock (2026-11-23T12:00:00Z) and, when `demo` is set, the demo dataset
// with its logins. Passwords are hashed at argon2id's lowest cost here, so suites with many logins stay fast
// (tests/app/password_test.cpp checks the configured cost).
struct TestApp {
    explicit TestApp(const std::string& engine, bool demo = true);
    app::Config config;
    core::FixedClock clock{core::FromMillis(1'795'435'200'000)};
    std::unique_ptr<store::Database> db;
    // As `andel serve` has it, read at once and without its thread: this process's writes reach it before
    // each look-up.
    std::unique_ptr<app::TillCardCache> till_cache;
    std::unique_ptr<app::MembershipService> membership;
    std::unique_ptr<app::ApiKeyService> keys;
    std::unique_ptr<app::ReceiptService> receipts;
    std::unique_ptr<app::RewardsService> rewards;
    std::unique_ptr<app::PointsShopService> points_shop;
    std::unique_ptr<notify::Sealer> sealer;
    std::unique_ptr<app::auth::AuthService> auth;
    std::unique_ptr<app::auth::ReloginService> relogin;
    std::unique_ptr<app::MarketingChoicesService> marketing;
    std::unique_ptr<app::PartnerService> partners;
    std::unique_ptr<app::CatalogueService> catalogue;
    std::unique_ptr<app::OfferService> offers;
    std::unique_ptr<app::SelfScanService> self_scan;
    std::unique_ptr<app::PortalService> portal;
    // Coopay against Andel's own provider on 127.0.0.1; the client gives up after 400 ms, the provider's
    // slow card answers after 1 s.
    std::unique_ptr<http::DevPaymentProvider> psp;
    std::unique_ptr<app::HttpPaymentProvider> provider;
    std::unique_ptr<app::CoopayService> coopay;
    std::unique_ptr<http::Services> services;
    std::unique_ptr<http::Router> router;

    // A request through the router as a client would send it: a JSON body (none when null) and, when given,
    // "Authorization: Bearer <token>"; the status and the parsed body (discarded when not JSON).
    std::pair<int, nlohmann::json> Call(const std::string& method, const std::string& path,
                                        const nlohmann::json& body = nullptr, const std::string& token = {});
    // A session of the member's login (its account made when missing), opened with `method`: the token.
    std::string MemberSession(int64_t member_id, const std::string& method = "password+sms");
    // Pia Profil, a Danish customer with a profile (R_MEM_1), registered with a card.
    app::MemberView RegisterDanishProfile();
    // The demo's catalogue, offers and portal organisation (Västerås stad, hemtjänst): its ids. The logins'
    // password is app::kDemoPortalPassword.
    app::DemoPortal SeedPortal();
};

}  // namespace andel::test
