// Benchmark (issue 6 §6): a till pricing a 50-line basket with 30 activated offers, POST
// /api/v1/till/baskets; target p99 < 5 ms server-side over HTTP on 2 cores. Prints wrk's latency
// distribution. Not a test: record the figures in docs/benchmarks.md.
//
//   ninja -C build offers_bench && ./build/bench/offers_bench [DIR] [SECONDS] [DELAY_MS]
//
// In one process: the demo dataset and the demo catalogue (21 Danish products) in a fresh SQLite file (WAL,
// durable commits) under DIR, 29 more Danish products imported as CSV so the basket has 50 distinct lines,
// and 30 offers of market dk in force (member prices, percent and amount off, multi-buys "3 for 2" and
// "2 for X", a basket percentage, extra bonus; on products, categories and the basket), half of them needing
// activation and activated for the demo member 33216744. Every request prices the same basket of 50 lines
// for that member with the demo's till key (dk-odense-1); the quote is sealed into the answer, so pricing
// writes nothing (a quote is stored only when a receipt redeems it; the final count shows 0).
// wrk then runs three times for SECONDS each: 2 threads and 10 connections unpaced (as fast as it can), the
// same paced (each connection waiting DELAY_MS, default 20, between requests), and one connection sending
// one request at a time (the service time without queueing).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "app/config.hpp"
#include "app/demo/generator.hpp"
#include "core/catalogue/ean.hpp"
#include "core/membership/numbers.hpp"
#include "http/api/api.hpp"
#include "http/server.hpp"
#include "notify/http_client.hpp"
#include "store/migrator.hpp"

using namespace andel;
using nlohmann::json;

namespace {

struct Product {
    std::string ean;
    int64_t price = 0;
    bool weighed = false;
};

// 29 extra Danish products: 19 in two broad categories, then 10 in five small ones that the category offers
// target. EANs "571000000" + 3 digits + the GS1 check digit.
std::string ExtraCatalogueCsv() {
    static const char* kCategories[] = {"Frost > Is", "Frost > Grønt", "Slik > Chokolade",
                                        "Personlig pleje > Tandpleje", "Dyr > Kattemad"};
    std::ostringstream csv;
    csv << "ean,name,unit_price_minor,category\n";
    for (int j = 0; j < 29; ++j) {
        char digits[4];
        std::snprintf(digits, sizeof digits, "%03d", j + 1);
        std::string body = std::string("571000000") + digits;
        std::string ean = body + core::Gs1CheckDigit(body);
        std::string category = j < 10   ? "Kolonial > Diverse"
                               : j < 19 ? "Husholdning > Diverse"
                                        : kCategories[(j - 19) / 2];
        csv << ean << ",Vare " << (j + 1) << "," << (1000 + 250 * (j % 10)) << "," << category << "\n";
    }
    return csv.str();
}

}  // namespace

int main(int argc, char** argv) {
    const std::string dir = argc > 1 ? argv[1] : "/tmp/andel-offers-bench";
    const int seconds = argc > 2 ? std::atoi(argv[2]) : 20;
    const int delay_ms = argc > 3 ? std::atoi(argv[3]) : 20;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    spdlog::set_level(spdlog::level::warn);  // no log line per request (as ANDEL_LOG_LEVEL=warn)
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
    app::SeedDemoCatalogue(*db, config.markets, clock);
    app::MembershipService membership(*db, clock, config.markets, config.national_id_key);
    app::ApiKeyService keys(*db, clock);
    app::ReceiptService receipts(*db, clock, config.markets);
    app::RewardsService rewards(*db, clock, config.markets);
    app::PointsShopService points_shop(*db, clock, config.markets);
    app::CatalogueService catalogue(*db, clock, config.markets);
    app::OfferService offers(*db, clock, config.markets, sealer);
    receipts.SetOffers(&offers);
    http::Services services{*db,     clock,       config.markets, membership, keys, receipts,
                            rewards, points_shop, auth,           sealer,     false};
    services.catalogue = &catalogue;
    services.offers = &offers;

    // 50 Danish products: the demo's 21 and 29 more.
    {
        std::istringstream csv(ExtraCatalogueCsv());
        app::CatalogueImportOptions options;
        options.market = "dk";
        options.format = "csv";
        auto report = catalogue.Import(csv, options, "bench");
        if (!report || report->refused > 0) {
            std::fprintf(
                stderr, "catalogue import: %s\n",
                report ? (report->problems.empty() ? "refused rows" : report->problems.front().detail.c_str())
                       : report.error().detail.c_str());
            return 1;
        }
    }
    std::vector<Product> products;
    int64_t member_id = 0;
    {
        auto c = db->Read();
        for (const auto& r : c->Query(
                 "SELECT ean, unit_price_minor, weighed FROM products WHERE market = 'dk' AND active = 1 "
                 "ORDER BY ean"))
            products.push_back({r.Text(0), r.Int(1), r.Int(2) != 0});
        auto m = c->QueryOne("SELECT id FROM members WHERE member_number = $1",
                             {store::Text(app::kDemoMemberNumber)});
        if (m) member_id = m->Int(0);
    }
    if (products.size() != 50 || member_id == 0) {
        std::fprintf(stderr, "set-up: %zu products (want 50), demo member id %lld\n", products.size(),
                     static_cast<long long>(member_id));
        return 1;
    }

    // 30 offers. 20 price offers on two products each (lines 0-39), five kinds four times; the pair with the
    // two weighed products (lines 8 and 9) gets a percentage, since weighed lines count as one unit.
    enum Kind { kMemberPrice, kPercent, kAmount, kThreeForTwo, kTwoFor };
    static const Kind kPairKinds[20] = {kMemberPrice, kPercent,     kAmount, kThreeForTwo, kPercent,
                                        kTwoFor,      kMemberPrice, kAmount, kThreeForTwo, kTwoFor,
                                        kMemberPrice, kPercent,     kAmount, kThreeForTwo, kTwoFor,
                                        kMemberPrice, kPercent,     kAmount, kThreeForTwo, kTwoFor};
    const auto today = std::chrono::sys_days(core::UtcDate(clock.Now()));
    std::vector<app::OfferInput> inputs;
    auto base = [&](const std::string& code, const std::string& title) {
        app::OfferInput in;
        in.code = code;
        in.market = "dk";
        in.title = title;
        in.valid_from = core::FormatDate(core::Date(today - std::chrono::days(7)));
        in.valid_to = core::FormatDate(core::Date(today + std::chrono::days(30)));
        return in;
    };
    std::vector<int64_t> quantity(products.size(), 1);
    for (size_t i = 0; i < products.size(); ++i) quantity[i] = static_cast<int64_t>(i % 3) + 1;
    for (int k = 0; k < 20; ++k) {
        const Product& a = products[static_cast<size_t>(2 * k)];
        const Product& b = products[static_cast<size_t>(2 * k + 1)];
        const int64_t low = std::min(a.price, b.price);
        auto in = base("bench-pair-" + std::to_string(k), "Tilbud " + std::to_string(k));
        in.target_kind = "products";
        in.eans = {a.ean, b.ean};
        switch (kPairKinds[k]) {
            case kMemberPrice:
                in.kind = "member_price";
                in.member_price_minor = low * 8 / 10;
                break;
            case kPercent:
                in.kind = "percent_off";
                in.percent_bp = 1500;
                break;
            case kAmount:
                in.kind = "amount_off";
                in.amount_minor = 200;
                break;
            case kThreeForTwo:
                in.kind = "multi_buy";
                in.buy_quantity = 3;
                in.pay_quantity = 2;
                quantity[static_cast<size_t>(2 * k)] = quantity[static_cast<size_t>(2 * k + 1)] = 3;
                break;
            case kTwoFor:
                in.kind = "multi_buy";
                in.buy_quantity = 2;
                in.bundle_price_minor = 2 * low * 8 / 10;
                quantity[static_cast<size_t>(2 * k)] = quantity[static_cast<size_t>(2 * k + 1)] = 2;
                break;
        }
        inputs.push_back(in);
    }
    // Five price offers on the small categories of lines 40-49.
    auto category_offer = [&](const std::string& code, const std::string& category, const std::string& kind) {
        auto in = base(code, "Kategoritilbud " + category);
        in.target_kind = "category";
        in.category = category;
        in.kind = kind;
        return in;
    };
    const std::string frost = core::CategorySlug("Frost"), slik = core::CategorySlug("Slik");
    {
        auto in = category_offer("bench-cat-is", frost + "-" + core::CategorySlug("Is"), "percent_off");
        in.percent_bp = 2000;
        inputs.push_back(in);
        in = category_offer("bench-cat-frostgroent", frost + "-" + core::CategorySlug("Grønt"), "amount_off");
        in.amount_minor = 300;
        inputs.push_back(in);
        in = category_offer("bench-cat-slik", slik, "member_price");
        in.member_price_minor = 900;
        inputs.push_back(in);
        in = category_offer("bench-cat-pleje", core::CategorySlug("Personlig pleje"), "percent_off");
        in.percent_bp = 1000;
        inputs.push_back(in);
        in = category_offer("bench-cat-dyr", core::CategorySlug("Dyr"), "multi_buy");
        in.buy_quantity = 2;
        in.pay_quantity = 1;
        quantity[48] = quantity[49] = 2;
        inputs.push_back(in);
    }
    // One basket offer, and four extra bonus offers on disjoint sets of lines.
    {
        auto in = base("bench-basket", "5 % på hele kurven");
        in.target_kind = "basket";
        in.kind = "percent_off";
        in.percent_bp = 500;
        in.min_spend_minor = 50'000;
        inputs.push_back(in);
        for (const auto& [code, root] :
             {std::pair{"bench-bonus-mejeri", "Mejeri"}, std::pair{"bench-bonus-kolonial", "Kolonial"},
              std::pair{"bench-bonus-drikkevarer", "Drikkevarer"}, std::pair{"bench-bonus-frost", "Frost"}}) {
            auto b = category_offer(code, core::CategorySlug(root), "extra_bonus");
            b.bonus_bp = 500;
            inputs.push_back(b);
        }
    }
    for (size_t i = 0; i < inputs.size(); ++i) {
        inputs[i].requires_activation = i % 2 == 1;
        auto created = offers.Create(inputs[i], "bench");
        if (!created) {
            std::fprintf(stderr, "offer %s: %s (%s)\n", inputs[i].code.c_str(),
                         created.error().detail.c_str(), created.error().field.c_str());
            return 1;
        }
        if (inputs[i].requires_activation) {
            auto activated = offers.Activate(member_id, inputs[i].code, "app");
            if (!activated || !activated->activated) {
                std::fprintf(stderr, "activate %s: %s\n", inputs[i].code.c_str(),
                             activated ? "not activated" : activated.error().detail.c_str());
                return 1;
            }
        }
    }

    // The basket: 50 distinct lines (weighed lines in grams).
    json lines = json::array();
    for (size_t i = 0; i < products.size(); ++i) {
        const Product& p = products[i];
        const int64_t q = p.weighed ? 750 + 100 * static_cast<int64_t>(i % 5) : quantity[i];
        const int64_t amount = p.weighed ? p.price * q / 1000 : p.price * q;
        lines.push_back(
            {{"sku", p.ean}, {"category", "groceries"}, {"quantity", q}, {"amount_minor", amount}});
    }
    const std::string body =
        json{{"customer", {{"member_number", app::kDemoMemberNumber}}}, {"lines", lines}}.dump();

    http::Router router(http::ApiKeyAuthenticator(keys, auth));
    http::AddAllRoutes(router, services);
    http::ServerOptions options;
    options.address = "127.0.0.1";
    options.port = 18192;
    options.threads = config.server.threads;
    http::Server server(options, router);
    server.Start();
    const std::string url = "http://127.0.0.1:18192";

    // One request first: it must answer 200 and use many of the offers.
    {
        notify::HttpRequest r;
        r.method = "POST";
        r.url = url + "/api/v1/till/baskets";
        r.body = body;
        r.headers = {{"Authorization", std::string("Bearer ") + app::kDemoTillToken},
                     {"Content-Type", "application/json"}};
        auto answer = notify::Fetch(r);
        if (answer.status != 200) {
            std::fprintf(stderr, "pricing answered %ld: %s%s\n", answer.status, answer.error.c_str(),
                         answer.body.c_str());
            server.Stop();
            return 1;
        }
        auto quote = json::parse(answer.body);
        const size_t used = quote.at("offers").size();
        std::printf(
            "%zu lines, %zu offers (%zu need activation, all activated); one pricing: %zu offers used, "
            "total %lld, discount %lld, to pay %lld, extra bonus %lld (minor units); request body %zu "
            "bytes, answer %zu bytes\n",
            lines.size(), inputs.size(), inputs.size() / 2, used,
            static_cast<long long>(quote.at("total_minor").get<int64_t>()),
            static_cast<long long>(quote.at("discount_minor").get<int64_t>()),
            static_cast<long long>(quote.at("to_pay_minor").get<int64_t>()),
            static_cast<long long>(quote.at("earns").at("bonus_minor").get<int64_t>()), body.size(),
            answer.body.size());
        if (used < 25 || quote.at("quote_id").is_null()) {
            std::fprintf(stderr, "expected at least 25 offers used and a quote: %s\n", answer.body.c_str());
            server.Stop();
            return 1;
        }
    }

    // wrk's scripts: the same POST every time; the paced one waits between requests.
    const std::string lua = "wrk.method = \"POST\"\nwrk.body = " + json(body).dump() +
                            "\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
                            "wrk.headers[\"Authorization\"] = \"Bearer " +
                            app::kDemoTillToken + "\"\n";
    std::ofstream(dir + "/basket.lua") << lua;
    std::ofstream(dir + "/basket_paced.lua") << lua << "function delay()\n  return " << delay_ms << "\nend\n";
    std::printf("server threads: %d\n", options.threads);
    struct Run {
        std::string label, options, script;
    };
    const std::vector<Run> runs = {
        {"unpaced (as fast as it can)", "-t2 -c10", "basket.lua"},
        {"paced, each connection waiting " + std::to_string(delay_ms) + " ms between requests", "-t2 -c10",
         "basket_paced.lua"},
        {"one request at a time (service time)", "-t1 -c1", "basket.lua"},
    };
    int rc = 0;
    for (const auto& run : runs) {
        const std::string wrk = "wrk " + run.options + " -d" + std::to_string(seconds) + "s --latency -s " +
                                dir + "/" + run.script + " " + url + "/api/v1/till/baskets";
        std::printf("\n== %s: %s ==\n", run.label.c_str(), wrk.c_str());
        std::fflush(stdout);
        rc |= std::system(wrk.c_str());
    }
    server.Stop();
    auto c = db->Read();
    std::printf("\nquotes stored (only a redeemed quote is): %lld\n",
                static_cast<long long>(c->QueryOne("SELECT COUNT(*) FROM basket_quotes")->Int(0)));
    return rc == 0 ? 0 : 1;
}
