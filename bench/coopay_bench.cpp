// Benchmark (issue 9 §3): a till redeeming Coopay payment codes, POST /api/v1/till/coopay/payments, at a
// paced 500 requests/s; prints wrk's latency distribution. Not a test: record the figures in
// docs/benchmarks.md.
//
//   ninja -C build coopay_bench && ./build/bench/coopay_bench [DIR] [SECONDS]
//
// In one process: the demo dataset in a fresh SQLite file (WAL, durable commits) under DIR, Andel's own
// payment provider on 127.0.0.1 (each redemption is a real HTTP authorisation), up to 200 Danish household
// owners with a card and Coopay activated in a BankID session, and 500 × SECONDS + 1 000 codes issued
// beforehand (the clock is fixed, so they stay valid while the load runs). wrk then sends each code once, 10
// connections each paced by a delay of 18 ms between requests (wrk has no fixed rate; 18 ms gives a little
// over 500/s here).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/config.hpp"
#include "app/demo/generator.hpp"
#include "app/transaction.hpp"
#include "http/api/api.hpp"
#include "http/dev_psp.hpp"
#include "http/server.hpp"
#include "notify/http_client.hpp"
#include "store/migrator.hpp"

using namespace andel;

int main(int argc, char** argv) {
    const std::string dir = argc > 1 ? argv[1] : "/tmp/andel-coopay-bench";
    const int seconds = argc > 2 ? std::atoi(argv[2]) : 20;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto loaded =
        app::LoadConfig(ANDEL_SOURCE_DIR "/config", [](const std::string&) { return std::nullopt; });
    if (!loaded) {
        std::fprintf(stderr, "config: %s\n", loaded.error().detail.c_str());
        return 1;
    }
    app::Config config = *loaded;
    core::FixedClock clock{core::SystemClock().Now()};
    auto db = store::Open("sqlite:" + dir + "/andel.db");
    store::Migrate(*db, core::ToMillis(clock.Now()));
    notify::Sealer sealer(config.secret_key);
    app::auth::AuthService auth(*db, clock, sealer, config.auth, config.secret_key);
    app::SeedDemo(*db, config.markets, config.national_id_key, clock);
    app::MembershipService membership(*db, clock, config.markets, config.national_id_key);
    app::ApiKeyService keys(*db, clock);
    app::ReceiptService receipts(*db, clock, config.markets);
    app::RewardsService rewards(*db, clock, config.markets);
    app::PointsShopService points_shop(*db, clock, config.markets);
    http::DevPaymentProvider psp("bench-psp-key");
    psp.Start();
    app::HttpPaymentProvider provider(psp.base_url(), "bench-psp-key", 5'000);
    app::CoopayService coopay(*db, clock, config.markets, provider, sealer, config.secret_key);
    http::Services services{*db,     clock,       config.markets, membership, keys, receipts,
                            rewards, points_shop, auth,           sealer,     false};
    services.coopay = &coopay;

    // Up to 200 Danish household owners with a card on file, activated in a BankID session.
    std::vector<std::pair<int64_t, std::string>> payers;  // member id, session public id
    {
        auto c = db->Read();
        for (const auto& r :
             c->Query("SELECT m.id FROM members m JOIN household_members hm ON hm.member_id = m.id WHERE "
                      "m.market = 'dk' AND m.status = 'active' AND m.kind = 'member' AND m.is_demo = 0 AND "
                      "hm.role = 'owner' ORDER BY m.id LIMIT 200"))
            payers.emplace_back(r.Int(0), "");
    }
    for (auto& [member, session] : payers) {
        notify::HttpRequest r;
        r.method = "POST";
        r.url = psp.base_url() + "/v1/tokens";
        r.body = R"({"card_number": "4242424242424242"})";
        r.headers = {{"Authorization", "Bearer bench-psp-key"}, {"Content-Type", "application/json"}};
        auto token = nlohmann::json::parse(notify::Fetch(r).body).at("token").get<std::string>();
        auto method = coopay.AddMethod(member, token);
        auto opened = app::InTransaction(*db, [&](store::Connection& c) {
            return auth.OpenSession(c, auth.EnsureMemberAccount(c, member), "app", "bankid", "bench");
        });
        auto activated = method && opened
                             ? coopay.Activate(member, method->id, opened->public_id)
                             : core::Result<app::CoopayStatus>(core::Error::Invalid("no method or session"));
        if (!activated) {
            std::fprintf(stderr, "set-up failed for member %lld: %s\n", static_cast<long long>(member),
                         activated.error().detail.c_str());
            return 1;
        }
        session = opened->public_id;
    }
    const int codes = 500 * seconds + 1'000;
    {
        std::ofstream out(dir + "/codes.lua");
        out << "codes = {";
        for (int i = 0; i < codes; ++i) {
            const auto& [member, session] = payers[static_cast<size_t>(i) % payers.size()];
            auto code = coopay.IssueCode(member, session);
            if (!code) {
                std::fprintf(stderr, "code: %s\n", code.error().detail.c_str());
                return 1;
            }
            out << "\"" << code->code << "\",";
        }
        out << "}\n";
        out << R"LUA(
local counter = 0
local threads = {}
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  n = id
  step = 2
end
request = function()
  local code = codes[n + 1]
  n = n + step
  if code == nil then code = "00000000" end
  local body = string.format('{"code": "%s", "receipt_id": "B-%d", "amount_minor": 12345}', code, n)
  return wrk.format("POST", "/api/v1/till/coopay/payments", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer )LUA"
            << app::kDemoTillToken << R"LUA("}, body)
end
function delay()
  return 18
end
)LUA";
    }
    http::Router router(http::ApiKeyAuthenticator(keys, auth));
    http::AddAllRoutes(router, services);
    http::ServerOptions options;
    options.address = "127.0.0.1";
    options.port = 18191;
    options.threads = 2;
    http::Server server(options, router);
    server.Start();
    std::printf("%zu payers, %d codes issued; %d s of redemptions at about 500/s\n", payers.size(), codes,
                seconds);
    std::fflush(stdout);
    const std::string wrk = "wrk -t2 -c10 -d" + std::to_string(seconds) + "s --latency -s " + dir +
                            "/codes.lua http://127.0.0.1:18191";
    int rc = std::system(wrk.c_str());
    server.Stop();
    auto c = db->Read();
    std::printf("payments authorised: %lld; at the provider: %d\n",
                static_cast<long long>(
                    c->QueryOne("SELECT COUNT(*) FROM payments WHERE status = 'authorised'")->Int(0)),
                psp.authorisations());
    return rc == 0 ? 0 : 1;
}
