// The catalogue through the API, on SQLite and PostgreSQL, over the demo catalogue: anyone can search and
// look up products and the category tree; only the back office uploads a file, which answers what it did.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/demo/generator.hpp"
#include "http/test_app.hpp"
#include "test_support.hpp"

namespace andel::http {
namespace {

using nlohmann::json;

class CatalogueApiTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        app::SeedDemoCatalogue(*app_->db, app_->config.markets, app_->clock);
        backoffice_ = app_->keys->Issue(app::kRoleBackOffice, "test", std::nullopt)->token;
    }
    std::pair<int, json> Send(const std::string& method, const std::string& target,
                              const std::string& body = "", const std::string& token = "",
                              const std::string& type = "application/json") {
        Request r;
        r.method = method;
        r.target = target;
        auto q = target.find('?');
        r.path = target.substr(0, q);
        if (q != std::string::npos) {
            std::string rest = target.substr(q + 1);
            for (size_t start = 0; start <= rest.size();) {
                size_t amp = rest.find('&', start);
                std::string kv =
                    rest.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
                auto eq = kv.find('=');
                r.query.emplace(kv.substr(0, eq), eq == std::string::npos ? "" : kv.substr(eq + 1));
                if (amp == std::string::npos) break;
                start = amp + 1;
            }
        }
        r.body = body;
        r.request_id = "catalogue";
        r.remote_address = "192.0.2.61";
        r.headers = {{"content-type", type}};
        if (!token.empty()) r.headers.emplace_back("authorization", "Bearer " + token);
        auto response = app_->router->Handle(r);
        return {response.status, json::parse(response.body, nullptr, false)};
    }
    std::unique_ptr<test::TestApp> app_;
    std::string backoffice_;
};

TEST_P(CatalogueApiTest, AnyoneSearchesAndLooksUpProductsAndCategories) {
    auto [status, page] = Send("GET", "/api/v1/catalogue/products?market=dk&q=mælk&limit=10");
    ASSERT_EQ(status, 200) << page.dump();
    ASSERT_GE(page["items"].size(), 2u);
    for (const auto& p : page["items"]) EXPECT_EQ(p["category"]["code"], "mejeri-maelk") << p.dump();

    auto [one, product] = Send("GET", "/api/v1/catalogue/products/5700000000011?market=dk&store=dk-odense-1");
    ASSERT_EQ(one, 200) << product.dump();
    EXPECT_EQ(product["name"], "Økologisk letmælk");
    EXPECT_EQ(product["unit_price_minor"], 1295);
    EXPECT_EQ(product["sold_in_store"], true);
    EXPECT_EQ(product["labels"], json::array({"lactose", "organic"}));

    auto [tree_status, tree] = Send("GET", "/api/v1/catalogue/categories?market=se");
    ASSERT_EQ(tree_status, 200);
    bool dairy = false;
    for (const auto& c : tree["items"])
        if (c["code"] == "mejeri") dairy = !c["children"].empty();
    EXPECT_TRUE(dairy) << tree.dump();

    EXPECT_EQ(Send("GET", "/api/v1/catalogue/products/5700000000012?market=dk").first, 422);  // check digit
    EXPECT_EQ(Send("GET", "/api/v1/catalogue/products/7350000000016?market=dk").first, 404);
    EXPECT_EQ(Send("GET", "/api/v1/catalogue/products?market=xx").first, 422);
    EXPECT_EQ(Send("GET", "/api/v1/catalogue/products?market=dk&limit=abc").first, 422);
    EXPECT_EQ(Send("GET", "/api/v1/catalogue/products?market=dk&offset=10001").first, 422);
}

TEST_P(CatalogueApiTest, TheBackOfficeUploadsAFileAndSeesWhatItDid) {
    std::string csv =
        "ean,name,unit_price_minor,category\n5701234000013,Kærnemælk,1495,Mejeri > Mælk\n"
        "123,Bad,1,Mejeri\n";
    EXPECT_EQ(Send("POST", "/api/v1/catalogue/imports?market=dk", csv, "", "text/csv").first, 401);
    EXPECT_EQ(Send("POST", "/api/v1/catalogue/imports?market=dk", csv, app::kDemoTillToken, "text/csv").first,
              403);
    EXPECT_EQ(Send("POST", "/api/v1/catalogue/imports?market=dk", csv, backoffice_, "text/plain").first, 422);

    auto [dry_status, dry] =
        Send("POST", "/api/v1/catalogue/imports?market=dk&dry_run=true", csv, backoffice_, "text/csv");
    ASSERT_EQ(dry_status, 200) << dry.dump();
    EXPECT_EQ(dry["created"], 1);
    EXPECT_EQ(Send("GET", "/api/v1/catalogue/products/5701234000013?market=dk").first, 404);

    auto [status, report] = Send("POST", "/api/v1/catalogue/imports?market=dk", csv, backoffice_, "text/csv");
    ASSERT_EQ(status, 200) << report.dump();
    EXPECT_EQ(report["created"], 1);
    EXPECT_EQ(report["refused"], 1);
    EXPECT_EQ(report["problems"][0]["line"], 3);
    EXPECT_EQ(report["problems"][0]["field"], "ean");
    EXPECT_EQ(Send("GET", "/api/v1/catalogue/products/5701234000013?market=dk").second["name"], "Kærnemælk");
}

INSTANTIATE_TEST_SUITE_P(Engines, CatalogueApiTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::http
