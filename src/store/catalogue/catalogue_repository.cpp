#include "store/catalogue/catalogue_repository.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace andel::store {
namespace {

constexpr std::string_view kCategoryColumns =
    "SELECT id, market, code, parent_id, name, position FROM catalogue_categories ";

CategoryRecord ToCategory(const Row& r) {
    return CategoryRecord{r.Int(0), r.Text(1), r.Text(2), r.OptInt(3), r.Text(4), r.Int(5)};
}

constexpr std::string_view kProductColumns =
    "SELECT p.id, p.market, p.ean, p.name, p.brand, p.size, p.unit_price_minor, p.comparison_price_minor, "
    "p.comparison_unit, p.category_id, c.code, p.labels, p.weighed, p.age_limit, p.all_stores, p.active, "
    "p.updated_at FROM products p JOIN catalogue_categories c ON c.id = p.category_id ";

ProductRecord ToProduct(const Row& r) {
    ProductRecord p;
    p.id = r.Int(0);
    p.market = r.Text(1);
    p.ean = r.Text(2);
    p.name = r.Text(3);
    p.brand = r.Text(4);
    p.size = r.Text(5);
    p.unit_price_minor = r.Int(6);
    p.comparison_price_minor = r.OptInt(7);
    p.comparison_unit = r.OptText(8);
    p.category_id = r.Int(9);
    p.category_code = r.Text(10);
    p.labels_json = r.Text(11);
    p.weighed = r.Bool(12);
    p.age_limit = r.Int(13);
    p.all_stores = r.Bool(14);
    p.active = r.Bool(15);
    p.updated_at = r.Int(16);
    return p;
}

bool SameContent(const ProductRecord& a, const ProductRecord& b) {
    return a.name == b.name && a.brand == b.brand && a.size == b.size &&
           a.unit_price_minor == b.unit_price_minor && a.comparison_price_minor == b.comparison_price_minor &&
           a.comparison_unit == b.comparison_unit && a.category_id == b.category_id &&
           a.labels_json == b.labels_json && a.weighed == b.weighed && a.age_limit == b.age_limit &&
           a.all_stores == b.all_stores && a.active == b.active;
}

// The words of a search: runs of ASCII letters and digits and of any non-ASCII (UTF-8) bytes, ASCII in
// lower case.
std::vector<std::string> Words(const std::string& text) {
    std::vector<std::string> out;
    std::string word;
    auto flush = [&] {
        if (!word.empty() && out.size() < 8) out.push_back(word.substr(0, 40));
        word.clear();
    };
    for (char ch : text) {
        unsigned char c = static_cast<unsigned char>(ch);
        if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))
            word += ch;
        else if (c >= 'A' && c <= 'Z')
            word += static_cast<char>(c - 'A' + 'a');
        else
            flush();
    }
    flush();
    // A word cut at 40 bytes may end inside a UTF-8 sequence: drop the partial character.
    for (auto& w : out)
        while (!w.empty() && (static_cast<unsigned char>(w.back()) & 0xC0) == 0x80) w.pop_back();
    for (auto& w : out)
        if (!w.empty() && static_cast<unsigned char>(w.back()) >= 0xC0) w.pop_back();
    out.erase(std::remove(out.begin(), out.end(), std::string()), out.end());
    return out;
}

}  // namespace

std::string Fts5Query(const std::string& text) {
    std::string q;
    for (const auto& w : Words(text)) q += (q.empty() ? "\"" : " \"") + w + "\"*";
    return q;
}

std::string TsQuery(const std::string& text) {
    std::string q;
    for (const auto& w : Words(text)) q += (q.empty() ? "" : " & ") + w + ":*";
    return q;
}

std::string TextSearchConfig(const std::string& market) {
    if (market == "dk") return "danish";
    if (market == "no") return "norwegian";
    if (market == "se") return "swedish";
    return "simple";
}

std::vector<CategoryRecord> CatalogueRepository::ListCategories(const std::string& market) {
    std::vector<CategoryRecord> out;
    for (const auto& r : c_.Query(
             std::string(kCategoryColumns) + "WHERE market = $1 ORDER BY position, name, id", {Text(market)}))
        out.push_back(ToCategory(r));
    return out;
}

int64_t CatalogueRepository::UpsertCategory(const CategoryRecord& r, int64_t now) {
    auto row = c_.QueryOne(
        "INSERT INTO catalogue_categories (market, code, parent_id, name, position, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (market, code) DO UPDATE SET parent_id = "
        "excluded.parent_id, "
        "name = excluded.name, position = excluded.position, updated_at = excluded.updated_at RETURNING id",
        {Text(r.market), Text(r.code), r.parent_id ? Int(*r.parent_id) : Null(), Text(r.name),
         Int(r.position), Int(now)});
    return row->Int(0);
}

std::optional<ProductRecord> CatalogueRepository::FindProduct(const std::string& market,
                                                              const std::string& ean) {
    auto r = c_.QueryOne(std::string(kProductColumns) + "WHERE p.market = $1 AND p.ean = $2",
                         {Text(market), Text(ean)});
    if (!r) return std::nullopt;
    return ToProduct(*r);
}

std::vector<ProductRecord> CatalogueRepository::FindProducts(const std::string& market,
                                                             const std::vector<std::string>& eans) {
    std::vector<ProductRecord> out;
    if (eans.empty()) return out;
    std::string sql = std::string(kProductColumns) + "WHERE p.market = $1 AND p.ean ";
    sql +=
        c_.engine() == Engine::kSqlite ? "IN (SELECT value FROM json_each($2))" : "= ANY(CAST($2 AS TEXT[]))";
    std::string list;
    if (c_.engine() == Engine::kSqlite) {
        list = nlohmann::json(eans).dump();
    } else {
        list = "{";
        for (size_t i = 0; i < eans.size(); ++i) list += (i ? "," : "") + eans[i];  // digits only: no quoting
        list += "}";
    }
    for (const auto& r : c_.Query(sql, {Text(market), Text(list)})) out.push_back(ToProduct(r));
    return out;
}

CatalogueRepository::Upserted CatalogueRepository::UpsertProduct(ProductRecord& r,
                                                                 const std::vector<int64_t>& store_ids,
                                                                 const std::string& category_name,
                                                                 int64_t now) {
    auto before = FindProduct(r.market, r.ean);
    std::vector<int64_t> stores = r.all_stores ? std::vector<int64_t>{} : store_ids;
    std::sort(stores.begin(), stores.end());
    stores.erase(std::unique(stores.begin(), stores.end()), stores.end());
    if (before && SameContent(*before, r) && StoresOf(before->id) == stores) {
        r.id = before->id;
        return Upserted::kUnchanged;
    }
    const bool pg = c_.engine() == Engine::kPostgres;
    const std::string search_text = r.name + " " + r.brand + " " + category_name + " " + r.labels_json;
    std::vector<Value> params = {Text(r.market),
                                 Text(r.ean),
                                 Text(r.name),
                                 Text(r.brand),
                                 Text(r.size),
                                 Int(r.unit_price_minor),
                                 r.comparison_price_minor ? Int(*r.comparison_price_minor) : Null(),
                                 OptionalText(r.comparison_unit),
                                 Int(r.category_id),
                                 Text(r.labels_json),
                                 Int(r.weighed ? 1 : 0),
                                 Int(r.age_limit),
                                 Int(r.all_stores ? 1 : 0),
                                 Int(r.active ? 1 : 0),
                                 Int(now)};
    if (pg) {
        params.push_back(Text(TextSearchConfig(r.market)));
        params.push_back(Text(search_text));
    }
    std::string cols =
        "market, ean, name, brand, size, unit_price_minor, comparison_price_minor, comparison_unit, "
        "category_id, "
        "labels, weighed, age_limit, all_stores, active, updated_at";
    std::string values = "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15";
    std::string sets =
        "name = excluded.name, brand = excluded.brand, size = excluded.size, unit_price_minor = "
        "excluded.unit_price_minor, comparison_price_minor = excluded.comparison_price_minor, "
        "comparison_unit = "
        "excluded.comparison_unit, category_id = excluded.category_id, labels = excluded.labels, weighed = "
        "excluded.weighed, age_limit = excluded.age_limit, all_stores = excluded.all_stores, active = "
        "excluded.active, updated_at = excluded.updated_at";
    if (pg) {
        cols += ", search";
        values += ", to_tsvector(CAST($16 AS regconfig), $17)";
        sets += ", search = excluded.search";
    }
    auto row = c_.QueryOne("INSERT INTO products (" + cols + ") VALUES (" + values +
                               ") ON CONFLICT (market, ean) DO UPDATE SET " + sets + " RETURNING id",
                           params);
    r.id = row->Int(0);
    r.updated_at = now;
    c_.Execute("DELETE FROM product_stores WHERE product_id = $1", {Int(r.id)});
    for (int64_t s : stores)
        c_.Execute("INSERT INTO product_stores (product_id, store_id) VALUES ($1, $2)", {Int(r.id), Int(s)});
    if (!pg) {
        c_.Execute("DELETE FROM products_fts WHERE rowid = $1", {Int(r.id)});
        c_.Execute(
            "INSERT INTO products_fts (rowid, name, brand, category, labels) VALUES ($1, $2, $3, $4, $5)",
            {Int(r.id), Text(r.name), Text(r.brand), Text(category_name), Text(r.labels_json)});
    }
    return before ? Upserted::kUpdated : Upserted::kCreated;
}

int64_t CatalogueRepository::DeactivateAllBut(const std::string& market, const std::vector<int64_t>& keep,
                                              int64_t now) {
    return c_.Execute(
        "UPDATE products SET active = 0, updated_at = $3 WHERE market = $1 AND active = 1 AND NOT (id " +
            InIds(c_.engine(), "$2") + ")",
        {Text(market), IdsParam(c_.engine(), keep), Int(now)});
}

bool CatalogueRepository::SoldIn(const ProductRecord& p, int64_t store_id) {
    if (p.all_stores) return true;
    return c_
        .QueryOne("SELECT 1 FROM product_stores WHERE product_id = $1 AND store_id = $2",
                  {Int(p.id), Int(store_id)})
        .has_value();
}

std::vector<int64_t> CatalogueRepository::StoresOf(int64_t product_id) {
    std::vector<int64_t> out;
    for (const auto& r :
         c_.Query("SELECT store_id FROM product_stores WHERE product_id = $1 ORDER BY store_id",
                  {Int(product_id)}))
        out.push_back(r.Int(0));
    return out;
}

std::vector<ProductRecord> CatalogueRepository::Search(const ProductSearch& q, int64_t* total) {
    const bool pg = c_.engine() == Engine::kPostgres;
    // On SQLite, "+" keeps the planner off the (market, ean) index: without statistics it takes market = ?
    // for a few rows and walks every product of the market through it, where the category's index (or a plain
    // scan, or the full-text index) is the better road (docs/benchmarks.md, "Portal search").
    std::string where = pg ? "WHERE p.market = $1 AND p.active = 1" : "WHERE +p.market = $1 AND p.active = 1";
    std::vector<Value> params = {Text(q.market)};
    std::string order = " ORDER BY p.name, p.id";
    std::string from = std::string(kProductColumns);
    const std::string words = pg ? TsQuery(q.text) : Fts5Query(q.text);
    if (!words.empty()) {
        params.push_back(Text(words));
        const std::string n = "$" + std::to_string(params.size());
        if (pg) {
            params.push_back(Text(TextSearchConfig(q.market)));
            const std::string cfg = "CAST($" + std::to_string(params.size()) + " AS regconfig)";
            where += " AND p.search @@ to_tsquery(" + cfg + ", " + n + ")";
            order = " ORDER BY ts_rank(p.search, to_tsquery(" + cfg + ", " + n + ")) DESC, p.name, p.id";
        } else {
            // The full-text index drives the join (CROSS JOIN keeps SQLite from reordering it): left to
            // itself, without statistics, the planner walks the market's products and runs the MATCH once
            // for each (seconds at 50 000 products; docs/benchmarks.md, "Portal search").
            from.replace(from.find(" FROM products p "), std::string_view(" FROM products p ").size(),
                         " FROM products_fts f CROSS JOIN products p ON p.id = f.rowid ");
            where += " AND products_fts MATCH " + n;
            order = " ORDER BY bm25(products_fts), p.name, p.id";
        }
    }
    if (!q.category_ids.empty()) {
        params.push_back(IdsParam(c_.engine(), q.category_ids));
        where += " AND p.category_id " + InIds(c_.engine(), "$" + std::to_string(params.size()));
    }
    if (q.store_id) {
        params.push_back(Int(*q.store_id));
        const std::string store = "$" + std::to_string(params.size());
        // On PostgreSQL the store's own products as one uncorrelated list, not a correlated EXISTS: under the
        // OR, it costs that as one index probe a row (a plan cost of 420 000 for a scan of 2 700), over
        // jit_above_cost, and compiling the plan then takes longer than running it. SQLite's probe a row is
        // cheaper than building the list for a page of words.
        const std::string sold_here =
            pg ? "p.id IN (SELECT s.product_id FROM product_stores s WHERE s.store_id = " + store + ")"
               : "EXISTS (SELECT 1 FROM product_stores s WHERE s.product_id = p.id AND s.store_id = " +
                     store + ")";
        where += " AND (p.all_stores = 1 OR " + sold_here + ")";
    }
    if (total) {
        // Without the category: every product has one (a foreign key), and the join is a third of the count.
        std::string count_from = from;
        count_from.replace(0, count_from.find(" FROM "), "SELECT COUNT(*)");
        count_from.erase(count_from.find("JOIN catalogue_categories c "),
                         std::string_view("JOIN catalogue_categories c ON c.id = p.category_id ").size());
        *total = c_.QueryOne(count_from + where, params)->Int(0);
    }
    if (!q.prefer.empty()) {
        // The preferred EANs with a weight, the first highest: a JSON array of pairs on SQLite, two arrays on
        // PostgreSQL; joined on the page's query only (the count is the same).
        std::string eans, weights;
        const auto n = static_cast<int64_t>(q.prefer.size());
        for (int64_t i = 0; i < n; ++i) {
            const std::string& ean = q.prefer[static_cast<size_t>(i)];
            if (ean.empty() ||
                !std::all_of(ean.begin(), ean.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
                continue;  // EANs are digits: nothing to quote
            if (!eans.empty()) eans += ',', weights += ',';
            eans += pg ? ean : "[\"" + ean + "\"," + std::to_string(n - i) + "]";
            weights += std::to_string(n - i);
        }
        if (pg) {
            params.push_back(Text("{" + eans + "}"));
            params.push_back(Text("{" + weights + "}"));
            from += "LEFT JOIN unnest(CAST($" + std::to_string(params.size() - 1) + " AS TEXT[]), CAST($" +
                    std::to_string(params.size()) +
                    " AS BIGINT[])) AS pref(ean, weight) ON pref.ean = p.ean ";
        } else {
            params.push_back(Text("[" + eans + "]"));
            from +=
                "LEFT JOIN (SELECT json_extract(value, '$[0]') AS ean, json_extract(value, '$[1]') AS "
                "weight FROM json_each($" +
                std::to_string(params.size()) + ")) pref ON pref.ean = p.ean ";
        }
        const std::string preferred =
            "CASE WHEN p.age_limit = 0 THEN COALESCE(pref.weight, 0) ELSE 0 END DESC";
        if (words.empty()) {
            order = " ORDER BY " + preferred + ", p.name, p.id";
        } else if (pg) {
            // The word parameter and the configuration were bound above, as $2 and $3.
            order =
                " ORDER BY CASE WHEN to_tsvector(CAST($3 AS regconfig), p.name) @@ to_tsquery(CAST($3 AS "
                "regconfig), $2) THEN 0 ELSE 1 END, " +
                preferred + ", ts_rank(p.search, to_tsquery(CAST($3 AS regconfig), $2)) DESC, p.name, p.id";
        } else {
            params.push_back(Text("name : (" + words + ")"));
            order = " ORDER BY CASE WHEN p.id IN (SELECT rowid FROM products_fts WHERE products_fts MATCH $" +
                    std::to_string(params.size()) + ") THEN 0 ELSE 1 END, " + preferred +
                    ", bm25(products_fts), p.name, p.id";
        }
    }
    params.push_back(Int(q.limit));
    params.push_back(Int(q.offset));
    std::vector<ProductRecord> out;
    for (const auto& r : c_.Query(from + where + order + " LIMIT $" + std::to_string(params.size() - 1) +
                                      " OFFSET $" + std::to_string(params.size()),
                                  params))
        out.push_back(ToProduct(r));
    return out;
}

}  // namespace andel::store
