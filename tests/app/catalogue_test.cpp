// The product catalogue (issue 6 §0) on SQLite and PostgreSQL: a CSV and a JSON file create categories and
// products, a second run changes only what changed, a full feed makes missing products inactive, refused rows
// are reported by line while the good rows load, and search finds products by word prefix, category subtree
// and store.
#include <gtest/gtest.h>

#include <sstream>

#include "app/catalogue/catalogue_service.hpp"
#include "app/service_test_support.hpp"
#include "http/test_app.hpp"
#include "test_support.hpp"

namespace andel::app {
namespace {

using core::ErrorCode;
using test::Fails;
using test::IsOk;

constexpr const char* kHeader =
    "ean,name,brand,size,unit_price_minor,comparison_price_minor,comparison_unit,category,labels,weighed,"
    "age_limit,stores\n";

constexpr const char* kDairy =
    "5701234000013,Økologisk letmælk,Andel,1 l,1295,1295,l,Mejeri > Mælk,organic|lactose,,,\n"
    "5701234000020,Skummetmælk,Arla,1 l,1095,1095,l,Mejeri > Mælk,lactose,,,\n"
    "5701234000037,Smør,Lurpak,250 g,2495,9980,kg,Mejeri > Smør,lactose,,,\n"
    "5701234000044,Æbler Ingrid Marie,,per kg,2000,2000,kg,Frugt & grønt > Æbler,,true,,dk-odense-1\n"
    "57012346,Classic øl,Odense,33 cl,800,2424,l,Drikkevarer,,,18,\n";

class CatalogueTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());  // the demo's stores, no catalogue
        svc_ = app_->catalogue.get();
    }
    core::Result<CatalogueImportReport> Import(const std::string& text, const std::string& format = "csv",
                                               bool full = false, bool dry_run = false,
                                               const std::string& market = "dk") {
        std::istringstream in(text);
        CatalogueImportOptions o{market, format, full, dry_run};
        return svc_->Import(in, o, "test");
    }
    int64_t Count(const std::string& table) {
        auto c = app_->db->Read();
        return c->QueryOne("SELECT COUNT(*) FROM " + table)->Int(0);
    }
    std::vector<std::string> Names(const CatalogueService::Query& q) {
        auto page = svc_->Search(q);
        EXPECT_TRUE(IsOk(page));
        std::vector<std::string> out;
        if (page)
            for (const auto& v : page->items) out.push_back(v.product.name);
        return out;
    }
    std::unique_ptr<test::TestApp> app_;
    CatalogueService* svc_ = nullptr;
};

TEST_P(CatalogueTest, ACsvFileCreatesTheCategoryTreeAndProductsAndASecondRunChangesNothing) {
    auto r = Import(std::string(kHeader) + kDairy);
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r->created, 5);
    EXPECT_EQ(r->refused, 0);
    EXPECT_EQ(Count("catalogue_categories"),
              6);  // mejeri, -maelk, -smoer, frugt-groent, -aebler, drikkevarer

    auto tree = svc_->Categories("dk");
    ASSERT_TRUE(IsOk(tree));
    ASSERT_EQ(tree->size(), 3u);
    const auto dairy =
        std::find_if(tree->begin(), tree->end(), [](const auto& n) { return n.category.code == "mejeri"; });
    ASSERT_NE(dairy, tree->end());
    ASSERT_EQ(dairy->children.size(), 2u);
    EXPECT_EQ(dairy->children[0].category.code, "mejeri-maelk");
    EXPECT_EQ(dairy->children[0].category.name, "Mælk");

    auto milk = svc_->Product("dk", "5701234000013", std::nullopt);
    ASSERT_TRUE(IsOk(milk));
    EXPECT_EQ(milk->product.unit_price_minor, 1295);
    EXPECT_EQ(milk->product.comparison_unit, "l");
    EXPECT_EQ(milk->category_name, "Mælk");
    EXPECT_EQ(milk->labels, (std::vector<std::string>{"lactose", "organic"}));
    auto beer = svc_->Product("dk", "57012346", std::nullopt);
    ASSERT_TRUE(IsOk(beer));
    EXPECT_EQ(beer->product.age_limit, 18);
    auto apples = svc_->Product("dk", "5701234000044", std::string("dk-odense-1"));
    ASSERT_TRUE(IsOk(apples));
    EXPECT_TRUE(apples->product.weighed);
    EXPECT_EQ(apples->sold_in_store, true);

    auto again = Import(std::string(kHeader) + kDairy);
    ASSERT_TRUE(IsOk(again));
    EXPECT_EQ(again->created, 0);
    EXPECT_EQ(again->updated, 0);
    EXPECT_EQ(again->unchanged, 5);

    std::string dearer =
        std::string(kHeader) +
        "5701234000013,Økologisk letmælk,Andel,1 l,1395,1395,l,Mejeri > Mælk,organic|lactose,,,\n";
    auto changed = Import(dearer);
    ASSERT_TRUE(IsOk(changed));
    EXPECT_EQ(changed->updated, 1);
    EXPECT_EQ(svc_->Product("dk", "5701234000013", std::nullopt)->product.unit_price_minor, 1395);
}

TEST_P(CatalogueTest, AFullFeedMakesMissingProductsInactiveAndADryRunChangesNothing) {
    ASSERT_TRUE(IsOk(Import(std::string(kHeader) + kDairy)));
    std::string only_milk =
        std::string(kHeader) +
        "5701234000013,Økologisk letmælk,Andel,1 l,1295,1295,l,Mejeri > Mælk,organic|lactose,,,\n";
    auto dry = Import(only_milk, "csv", true, true);
    ASSERT_TRUE(IsOk(dry));
    EXPECT_EQ(dry->deactivated, 4);
    EXPECT_TRUE(IsOk(svc_->Product("dk", "5701234000020", std::nullopt)));  // still there

    auto full = Import(only_milk, "csv", true);
    ASSERT_TRUE(IsOk(full));
    EXPECT_EQ(full->deactivated, 4);
    EXPECT_TRUE(Fails(svc_->Product("dk", "5701234000020", std::nullopt), ErrorCode::kNotFound));
    CatalogueService::Query q;
    q.market = "dk";
    EXPECT_EQ(Names(q), (std::vector<std::string>{"Økologisk letmælk"}));
}

TEST_P(CatalogueTest, RefusedRowsAreReportedByLineAndTheGoodRowsLoad) {
    std::string file = std::string(kHeader) +
                       "5701234000014,Wrong check digit,,,100,,,Mejeri,,,,\n"        // line 2
                       "5701234000013,Letmælk,,,100,,,Mejeri,,,,\n"                  // line 3: good
                       "5701234000013,Twice,,,100,,,Mejeri,,,,\n"                    // line 4
                       "5701234000020,Negative,,,-5,,,Mejeri,,,,\n"                  // line 5
                       "5701234000037,Unit without price,,,100,,kg,Mejeri,,,,\n"     // line 6
                       "5701234000044,Unknown store,,,100,,,Mejeri,,,,dk-nowhere\n"  // line 7
                       "5701234000051,,,,100,,,Mejeri,,,,\n"                         // line 8: no name
                       "5701234000068,Bad label,,,100,,,Mejeri,Gluten Free,,,\n"     // line 9
                       "7350000000016,Too old,,,100,,,Mejeri,,,26,\n"                // line 10
                       "7350000000023,No category,,,100,,, > ,,,,\n";                // line 11
    auto r = Import(file);
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r->created, 1);
    EXPECT_EQ(r->refused, 9);
    ASSERT_EQ(r->problems.size(), 9u);
    std::vector<std::pair<int64_t, std::string>> got;
    for (const auto& p : r->problems) got.emplace_back(p.line, p.field);
    EXPECT_EQ(got, (std::vector<std::pair<int64_t, std::string>>{{2, "ean"},
                                                                 {4, "ean"},
                                                                 {5, "unit_price_minor"},
                                                                 {6, "comparison_price_minor"},
                                                                 {7, "stores"},
                                                                 {8, "name"},
                                                                 {9, "labels"},
                                                                 {10, "age_limit"},
                                                                 {11, "category"}}));
    EXPECT_EQ(Count("products"), 1);
}

TEST_P(CatalogueTest, AFileWithoutTheRequiredColumnsOrOfAnUnknownMarketIsRefusedWhole) {
    EXPECT_TRUE(Fails(Import("ean,name,category\n5701234000013,Milk,Mejeri\n"), ErrorCode::kInvalid));
    EXPECT_TRUE(Fails(Import(""), ErrorCode::kInvalid));
    EXPECT_TRUE(Fails(Import(std::string(kHeader) + kDairy, "csv", false, false, "xx"), ErrorCode::kInvalid));
    EXPECT_TRUE(Fails(Import("[1, 2]", "json"), ErrorCode::kInvalid));
    EXPECT_TRUE(Fails(Import(R"({"market": "se", "products": []})", "json"), ErrorCode::kInvalid));
    EXPECT_TRUE(Fails(Import(R"({"products": [], "extra": 1})", "json"), ErrorCode::kInvalid));
    EXPECT_EQ(Count("products"), 0);
}

TEST_P(CatalogueTest, AJsonFileNamesCategoriesByCodeWithTheirParentsFirst) {
    auto r = Import(R"({
      "market": "dk",
      "categories": [
        {"code": "frugt-groent", "name": "Frugt & grønt", "position": 1},
        {"code": "aebler", "name": "Æbler", "parent": "frugt-groent"},
        {"code": "paerer", "name": "Pærer", "parent": "ukendt"},
        {"code": "Bad Code", "name": "x"}
      ],
      "products": [
        {"ean": "5701234000044", "name": "Æbler Ingrid Marie", "unit_price_minor": 2000, "category": "aebler",
         "weighed": true, "labels": ["danish"], "stores": ["dk-odense-1"]},
        {"ean": "5701234000051", "name": "Pære", "unit_price_minor": 500, "category": "paerer"},
        {"ean": "5701234000068", "name": 12, "unit_price_minor": 500, "category": "aebler"},
        "not an object"
      ]
    })",
                    "json");
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r->categories, 2);
    EXPECT_EQ(r->created, 1);
    EXPECT_EQ(r->refused, 5);
    auto apples = svc_->Product("dk", "5701234000044", std::nullopt);
    ASSERT_TRUE(IsOk(apples));
    EXPECT_FALSE(apples->product.all_stores);
    EXPECT_EQ(apples->category_name, "Æbler");

    // Moving the parent under its own child would make a loop.
    auto loop =
        Import(R"({"categories": [{"code": "frugt-groent", "name": "Frugt", "parent": "aebler"}]})", "json");
    ASSERT_TRUE(IsOk(loop));
    EXPECT_EQ(loop->refused, 1);
    EXPECT_EQ(loop->problems.at(0).field, "parent");
}

TEST_P(CatalogueTest, SearchFindsWordPrefixesCategorySubtreesAndWhatAStoreSells) {
    ASSERT_TRUE(IsOk(Import(std::string(kHeader) + kDairy)));
    CatalogueService::Query q;
    q.market = "dk";
    q.text = "øko";
    EXPECT_EQ(Names(q), (std::vector<std::string>{"Økologisk letmælk"}));
    q.text = "LURPAK";  // the brand, in any case
    EXPECT_EQ(Names(q), (std::vector<std::string>{"Smør"}));
    q.text = "";
    q.category_code = "mejeri";  // with its subcategories, by name
    EXPECT_EQ(Names(q), (std::vector<std::string>{"Skummetmælk", "Smør", "Økologisk letmælk"}));
    q.category_code = std::nullopt;
    q.limit = 2;
    auto page = svc_->Search(q);
    ASSERT_TRUE(IsOk(page));
    EXPECT_EQ(page->total, 5);
    EXPECT_EQ(page->items.size(), 2u);
    q.limit = 50;
    q.text = "æbler";
    q.store_code = "dk-odense-1";
    EXPECT_EQ(Names(q), (std::vector<std::string>{"Æbler Ingrid Marie"}));
    q.text = "\"*)(' OR 1=1 --";  // only words are searched
    EXPECT_TRUE(Names(q).empty());
    q.text = "";
    q.category_code = "nothing";
    EXPECT_TRUE(Fails(svc_->Search(q), ErrorCode::kNotFound));
    q.category_code = std::nullopt;
    q.limit = 201;
    EXPECT_TRUE(Fails(svc_->Search(q), ErrorCode::kInvalid));
}

TEST_P(CatalogueTest, AProductIsFoundByAnyFormOfItsBarcode) {
    ASSERT_TRUE(IsOk(Import(std::string(kHeader) + kDairy)));
    EXPECT_TRUE(IsOk(svc_->Product("dk", "05701234000013", std::nullopt)));
    EXPECT_TRUE(Fails(svc_->Product("dk", "5701234000014", std::nullopt), ErrorCode::kInvalid));
    EXPECT_TRUE(Fails(svc_->Product("dk", "7350000000016", std::nullopt), ErrorCode::kNotFound));
    EXPECT_TRUE(Fails(svc_->Product("se", "5701234000013", std::nullopt), ErrorCode::kNotFound));
    EXPECT_TRUE(Fails(svc_->Product("dk", "5701234000013", std::string("se-umea-1")), ErrorCode::kInvalid));
}

INSTANTIATE_TEST_SUITE_P(Engines, CatalogueTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::app
