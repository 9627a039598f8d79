#pragma once
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/catalogue/recommendation_service.hpp"
#include "core/clock.hpp"
#include "core/market.hpp"
#include "core/result.hpp"
#include "store/catalogue/catalogue_repository.hpp"
#include "store/database.hpp"

namespace andel::app {

struct CategoryNode {
    store::CategoryRecord category;
    std::vector<CategoryNode> children;
};

struct CatalogueImportOptions {
    std::string market;
    std::string format;  // "csv" | "json"
    bool full = false;   // the file is the whole catalogue: products not in it become inactive
    bool dry_run = false;
};

struct CatalogueImportProblem {
    int64_t line = 0;  // CSV line, or 1-based index in the JSON "products" (or "categories") list
    std::string field, detail;
};

struct CatalogueImportReport {
    int64_t categories = 0, created = 0, updated = 0, unchanged = 0, deactivated = 0;
    std::vector<CatalogueImportProblem> problems;  // rows refused; the others are imported
    static constexpr size_t kMaxProblems = 1000;   // at most this many are listed; refused counts them all
    int64_t refused = 0;
};

struct ProductView {
    store::ProductRecord product;
    std::string category_name;
    std::vector<std::string> labels;
    std::optional<bool> sold_in_store;  // when a store was asked about
};

struct ProductPage {
    std::vector<ProductView> items;
    int64_t total = 0;
    bool personalised = false;  // ranked by the member's likely wants (Query::personalise_for, R_OFF_4)
};

// "Recommended for you" (R_OFF_4): nothing, and personalised false, without the member's consent.
struct Recommendations {
    bool personalised = false;
    std::vector<ProductView> items;
};

// The product catalogue (issue 6 §0): categories and products per market, imported from a CSV or JSON
// file (docs/catalogue.md), searched in full text, read by the price checker, offers and self-scanning.
class CatalogueService {
  public:
    CatalogueService(store::Database& db, const core::Clock& clock,
                     const std::map<std::string, core::MarketRules>& markets)
        : db_(db), clock_(clock), markets_(markets), recommendations_(db, clock) {}

    // One transaction: a refused row is reported and skipped, the rest is imported. Errors (not per row):
    // an unknown market or format, a file that is not CSV with the expected header or not a JSON object.
    core::Result<CatalogueImportReport> Import(std::istream& in, const CatalogueImportOptions& options,
                                               const std::string& actor);

    core::Result<std::vector<CategoryNode>> Categories(const std::string& market);
    // `ean` in any GTIN form; `store_code` optional (then sold_in_store is set).
    core::Result<ProductView> Product(const std::string& market, const std::string& ean,
                                      const std::optional<std::string>& store_code);
    struct Query {
        std::string market, text;
        std::optional<std::string> category_code, store_code;
        int64_t limit = 50, offset = 0;
        // R_OFF_4: a signed-in member. When they consented to "personalised_content", the products they are
        // likely to want come first among equal text matches (docs/offers.md); otherwise, and when unset,
        // the order is the plain search's.
        std::optional<int64_t> personalise_for;
        // false: the page only, without counting every match (ProductPage::total is then the page's size);
        // for a page that shows no total, such as the shop's start page.
        bool count = true;
    };
    // A category includes its subcategories.
    core::Result<ProductPage> Search(const Query& q);

    // R_OFF_4: the member's top products, active and without an age limit, best first, at most `limit`
    // (1 to kMaxRecommendations); none without the consent "personalised_content".
    core::Result<Recommendations> Recommended(int64_t member_id, int64_t limit = 10);
    static constexpr int64_t kMaxRecommendations = 50;
    RecommendationService& recommendations() { return recommendations_; }

    static constexpr int64_t kMaxPageSize = 200;
    static constexpr int64_t kMaxOffset = 10'000;

  private:
    core::Result<void> CheckMarket(const std::string& market) const;
    store::Database& db_;
    const core::Clock& clock_;
    const std::map<std::string, core::MarketRules>& markets_;
    RecommendationService recommendations_;
};

}  // namespace andel::app
