#pragma once
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace andel::store {

struct CategoryRecord {
    int64_t id = 0;
    std::string market, code;
    std::optional<int64_t> parent_id;
    std::string name;
    int64_t position = 0;
};

struct ProductRecord {
    int64_t id = 0;
    std::string market, ean, name, brand, size;
    int64_t unit_price_minor = 0;
    std::optional<int64_t> comparison_price_minor;
    std::optional<std::string> comparison_unit;
    int64_t category_id = 0;
    std::string category_code;       // read with the product; not written
    std::string labels_json = "[]";  // JSON array of strings
    bool weighed = false;
    int64_t age_limit = 0;
    bool all_stores = true;
    bool active = true;
    int64_t updated_at = 0;
};

struct ProductSearch {
    std::string market;
    std::string text;                   // words; each matches a word that starts with it
    std::vector<int64_t> category_ids;  // empty: every category
    std::optional<int64_t> store_id;    // only what this store sells
    int64_t limit = 50, offset = 0;
    // R_OFF_4: EANs the member is likely to want, most first (at most a few hundred). When given, a product
    // whose name holds every word ranks before one matched only by brand, category or labels, and within
    // each of those the preferred come first (products without an age limit only), then the text rank.
    std::vector<std::string> prefer;
};

// The catalogue's categories and products (migration 0016).
class CatalogueRepository {
  public:
    explicit CatalogueRepository(Connection& c) : c_(c) {}

    std::vector<CategoryRecord> ListCategories(const std::string& market);
    // Inserts or updates by (market, code); returns the id.
    int64_t UpsertCategory(const CategoryRecord& r, int64_t now);

    std::optional<ProductRecord> FindProduct(const std::string& market, const std::string& ean);
    std::vector<ProductRecord> FindProducts(const std::string& market, const std::vector<std::string>& eans);
    enum class Upserted { kCreated, kUpdated, kUnchanged };
    // Inserts or updates by (market, ean), with the stores that sell it (used when !all_stores) and the
    // category's name for the search index. Sets r.id.
    Upserted UpsertProduct(ProductRecord& r, const std::vector<int64_t>& store_ids,
                           const std::string& category_name, int64_t now);
    // Marks inactive every active product of the market not in `keep` (a full feed); returns how many.
    int64_t DeactivateAllBut(const std::string& market, const std::vector<int64_t>& keep, int64_t now);
    bool SoldIn(const ProductRecord& p, int64_t store_id);
    std::vector<int64_t> StoresOf(int64_t product_id);
    // Active products matching `q`, best match first with text, else by name (with `prefer`, as it says);
    // and how many match in all.
    std::vector<ProductRecord> Search(const ProductSearch& q, int64_t* total);

  private:
    Connection& c_;
};

// The words of a search box as an FTS5 query ("mælk øko" -> "\"mælk\"* \"øko\"*") and as a PostgreSQL
// tsquery ("mælk:* & øko:*"): at most 8 words of letters and digits, each at most 40 bytes; "" when none.
std::string Fts5Query(const std::string& text);
std::string TsQuery(const std::string& text);
// The PostgreSQL text search configuration of a market: danish, norwegian, swedish, else simple.
std::string TextSearchConfig(const std::string& market);

}  // namespace andel::store
