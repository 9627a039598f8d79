#include "app/catalogue/catalogue_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "core/catalogue/ean.hpp"
#include "core/csv.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;
using nlohmann::json;

constexpr int64_t kMaxPrice = 1'000'000'000;  // 10 million in major units: no grocery costs more
constexpr size_t kMaxJsonBytes = 512u * 1024 * 1024;
const std::set<std::string> kComparisonUnits = {"kg", "l", "piece", "m", "wash", "portion"};

// One product of a file, before it is checked.
struct ProductInput {
    int64_t line = 0;
    std::string ean, name, brand, size, category;  // category: a code (JSON) or a path of names (CSV)
    std::string unit_price, comparison_price, comparison_unit, weighed, age_limit;  // CSV text, or JSON
    std::vector<std::string> labels, stores;
};

std::string Trim(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
    size_t i = 0;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    return s.substr(i);
}

std::vector<std::string> SplitBar(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        size_t bar = s.find('|', start);
        std::string part = Trim(s.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
        if (!part.empty()) out.push_back(part);
        if (bar == std::string::npos) break;
        start = bar + 1;
    }
    return out;
}

std::optional<int64_t> ParseAmount(const std::string& s, int64_t max) {
    if (s.empty() || s.size() > 12 ||
        !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    int64_t v = std::stoll(s);
    if (v > max) return std::nullopt;
    return v;
}

bool ValidUtf8Text(const std::string& s, size_t max_bytes) {
    if (s.size() > max_bytes) return false;
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f) return false;
    return true;
}

class Importer {
  public:
    Importer(store::Connection& c, const CatalogueImportOptions& o, int64_t now)
        : repo_(c), options_(o), now_(now) {
        for (const auto& cat : repo_.ListCategories(o.market)) {
            code_by_id_[cat.id] = cat.code;
            by_code_[cat.code] = cat;
        }
        for (const auto& r : c.Query("SELECT s.id, s.code FROM stores s JOIN cooperatives c ON c.id = "
                                     "s.cooperative_id WHERE c.market = $1",
                                     {store::Text(o.market)}))
            stores_[r.Text(1)] = r.Int(0);
    }

    void Problem(int64_t line, std::string field, std::string detail) {
        ++report.refused;
        if (report.problems.size() < CatalogueImportReport::kMaxProblems)
            report.problems.push_back({line, std::move(field), std::move(detail)});
    }

    // A category given by the JSON list: code, name, parent code, position. A parent is listed (or stored)
    // before its children; moving a category under one of its own descendants is refused.
    void Category(int64_t line, const std::string& code, const std::string& name,
                  const std::optional<std::string>& parent, int64_t position) {
        if (code.empty() || code.size() > 64 || core::CategorySlug(code) != code)
            return Problem(line, "code", "a category code is 1-64 lower-case letters, digits and '-'");
        if (name.empty() || !ValidUtf8Text(name, 100))
            return Problem(line, "name", "a name of 1-100 characters");
        std::optional<int64_t> parent_id;
        if (parent) {
            auto p = by_code_.find(*parent);
            if (p == by_code_.end())
                return Problem(line, "parent", "no category " + *parent + " before this one");
            auto self = by_code_.find(code);
            for (std::optional<int64_t> a = p->second.id; a; a = by_code_.at(code_by_id_.at(*a)).parent_id)
                if (self != by_code_.end() && self->second.id == *a)
                    return Problem(line, "parent", "a category cannot be inside itself");
            parent_id = p->second.id;
        }
        Save(store::CategoryRecord{0, options_.market, code, parent_id, name, position});
    }

    // A CSV category: a path of names "Frugt & grønt > Æbler"; each level's code is its parent's code, '-'
    // and its own name's slug ("frugt-groent-aebler"), created when new and renamed when the name changed.
    std::optional<std::string> CategoryFromPath(int64_t line, const std::string& path) {
        std::optional<int64_t> parent_id;
        std::string code;
        size_t start = 0;
        for (int depth = 1;; ++depth) {
            size_t gt = path.find('>', start);
            std::string name =
                Trim(path.substr(start, gt == std::string::npos ? std::string::npos : gt - start));
            std::string slug = core::CategorySlug(name);
            if (name.empty() || slug.empty() || !ValidUtf8Text(name, 100) || depth > 6) {
                Problem(line, "category", "a category path is 1-6 names separated by '>'");
                return std::nullopt;
            }
            code = (code.empty() ? "" : code + "-") + slug;
            if (code.size() > 64) code.resize(64);
            auto known = by_code_.find(code);
            if (known == by_code_.end() || known->second.name != name || known->second.parent_id != parent_id)
                Save(store::CategoryRecord{0, options_.market, code, parent_id, name,
                                           known == by_code_.end() ? 0 : known->second.position});
            parent_id = by_code_.at(code).id;
            if (gt == std::string::npos) return code;
            start = gt + 1;
        }
    }

    void Save(store::CategoryRecord r) {
        r.id = repo_.UpsertCategory(r, now_);
        code_by_id_[r.id] = r.code;
        by_code_[r.code] = r;
        ++report.categories;
    }

    const std::string& market() const { return options_.market; }

    void Product(ProductInput in, bool category_is_path) {
        auto ean = core::NormaliseEan(in.ean);
        if (!ean)
            return Problem(in.line, "ean", "not a valid EAN/GTIN (8, 12, 13 or 14 digits, GS1 check digit)");
        if (seen_eans_.count(*ean))
            return Problem(in.line, "ean", "the EAN " + *ean + " is in the file twice");
        if (in.name.empty() || !ValidUtf8Text(in.name, 200))
            return Problem(in.line, "name", "a name of 1-200 characters");
        if (!ValidUtf8Text(in.brand, 100)) return Problem(in.line, "brand", "at most 100 characters");
        if (!ValidUtf8Text(in.size, 50)) return Problem(in.line, "size", "at most 50 characters");
        auto price = ParseAmount(in.unit_price, kMaxPrice);
        if (!price) return Problem(in.line, "unit_price_minor", "a whole number of minor units, 0 to 10^9");
        std::optional<int64_t> comparison;
        if (!in.comparison_price.empty()) {
            comparison = ParseAmount(in.comparison_price, kMaxPrice);
            if (!comparison)
                return Problem(in.line, "comparison_price_minor", "a whole number of minor units, 0 to 10^9");
            if (!kComparisonUnits.count(in.comparison_unit))
                return Problem(in.line, "comparison_unit", "one of kg, l, piece, m, wash, portion");
        } else if (!in.comparison_unit.empty()) {
            return Problem(in.line, "comparison_price_minor", "a comparison unit needs a comparison price");
        }
        bool weighed = false;
        if (in.weighed == "1" || in.weighed == "true" || in.weighed == "yes")
            weighed = true;
        else if (!in.weighed.empty() && in.weighed != "0" && in.weighed != "false" && in.weighed != "no")
            return Problem(in.line, "weighed", "true or false");
        int64_t age_limit = 0;
        if (!in.age_limit.empty()) {
            auto a = ParseAmount(in.age_limit, 25);
            if (!a) return Problem(in.line, "age_limit", "an age from 0 to 25");
            age_limit = *a;
        }
        if (in.labels.size() > 20) return Problem(in.line, "labels", "at most 20 labels");
        std::set<std::string> labels;
        for (const auto& l : in.labels) {
            if (l.empty() || l.size() > 40 || core::CategorySlug(l) != l)
                return Problem(in.line, "labels", "a label is 1-40 lower-case letters, digits and '-': " + l);
            labels.insert(l);
        }
        std::vector<int64_t> store_ids;
        for (const auto& code : in.stores) {
            auto s = stores_.find(code);
            if (s == stores_.end())
                return Problem(in.line, "stores", "no store " + code + " in market " + options_.market);
            store_ids.push_back(s->second);
        }
        std::string code = in.category;
        if (category_is_path) {
            auto c = CategoryFromPath(in.line, in.category);
            if (!c) return;
            code = *c;
        }
        auto cat = by_code_.find(code);
        if (cat == by_code_.end()) return Problem(in.line, "category", "no category " + code);

        store::ProductRecord p;
        p.market = options_.market;
        p.ean = *ean;
        p.name = in.name;
        p.brand = in.brand;
        p.size = in.size;
        p.unit_price_minor = *price;
        p.comparison_price_minor = comparison;
        if (comparison) p.comparison_unit = in.comparison_unit;
        p.category_id = cat->second.id;
        p.labels_json = json(std::vector<std::string>(labels.begin(), labels.end())).dump();
        p.weighed = weighed;
        p.age_limit = age_limit;
        p.all_stores = store_ids.empty();
        p.active = true;
        switch (repo_.UpsertProduct(p, store_ids, cat->second.name, now_)) {
            case store::CatalogueRepository::Upserted::kCreated:
                ++report.created;
                break;
            case store::CatalogueRepository::Upserted::kUpdated:
                ++report.updated;
                break;
            case store::CatalogueRepository::Upserted::kUnchanged:
                ++report.unchanged;
                break;
        }
        seen_eans_.insert(*ean);
        kept_.push_back(p.id);
    }

    void Finish() {
        if (options_.full) report.deactivated = repo_.DeactivateAllBut(options_.market, kept_, now_);
    }

    CatalogueImportReport report;

  private:
    store::CatalogueRepository repo_;
    const CatalogueImportOptions& options_;
    int64_t now_;
    std::unordered_map<std::string, store::CategoryRecord> by_code_;
    std::unordered_map<int64_t, std::string> code_by_id_;
    std::unordered_map<std::string, int64_t> stores_;
    std::set<std::string> seen_eans_;
    std::vector<int64_t> kept_;
};

enum Column {
    kEan,
    kName,
    kBrand,
    kSize,
    kUnitPrice,
    kComparisonPrice,
    kComparisonUnit,
    kCategory,
    kLabels,
    kWeighed,
    kAgeLimit,
    kStores,
    kColumns
};
constexpr const char* kColumnNames[kColumns] = {"ean",
                                                "name",
                                                "brand",
                                                "size",
                                                "unit_price_minor",
                                                "comparison_price_minor",
                                                "comparison_unit",
                                                "category",
                                                "labels",
                                                "weighed",
                                                "age_limit",
                                                "stores"};

Result<void> ImportCsv(std::istream& in, Importer& im) {
    core::CsvReader reader(in);
    core::CsvRecord rec;
    if (!reader.Next(rec) || rec.error)
        return Error::Invalid("the file is empty or its header is not CSV", "file");
    int index[kColumns];
    std::fill(std::begin(index), std::end(index), -1);
    for (size_t i = 0; i < rec.fields.size(); ++i)
        for (int k = 0; k < kColumns; ++k)
            if (Trim(rec.fields[i]) == kColumnNames[k]) index[k] = static_cast<int>(i);
    for (int k : {kEan, kName, kUnitPrice, kCategory})
        if (index[k] < 0)
            return Error::Invalid(std::string("the header has no column ") + kColumnNames[k], "file");
    while (reader.Next(rec)) {
        if (rec.error) {
            im.Problem(rec.line, "", *rec.error);
            continue;
        }
        if (rec.fields.size() == 1 && Trim(rec.fields[0]).empty()) continue;  // a blank line
        auto get = [&](Column k) -> std::string {
            return index[k] >= 0 && static_cast<size_t>(index[k]) < rec.fields.size()
                       ? Trim(rec.fields[index[k]])
                       : std::string();
        };
        ProductInput p;
        p.line = rec.line;
        p.ean = get(kEan);
        p.name = get(kName);
        p.brand = get(kBrand);
        p.size = get(kSize);
        p.unit_price = get(kUnitPrice);
        p.comparison_price = get(kComparisonPrice);
        p.comparison_unit = get(kComparisonUnit);
        p.category = get(kCategory);
        p.labels = SplitBar(get(kLabels));
        p.weighed = get(kWeighed);
        p.age_limit = get(kAgeLimit);
        p.stores = SplitBar(get(kStores));
        im.Product(std::move(p), true);
    }
    return {};
}

// A JSON value as the CSV would have written it, or nullopt when it has the wrong type.
// Text fields must be strings (an EAN as a number would lose its leading zeros); numbers and flags may also
// come as strings, as in the CSV.
std::optional<std::string> Scalar(const json& o, const char* name, bool text_only = false) {
    auto it = o.find(name);
    if (it == o.end() || it->is_null()) return std::string();
    if (it->is_string()) return it->get<std::string>();
    if (text_only) return std::nullopt;
    if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
    if (it->is_boolean()) return std::string(it->get<bool>() ? "true" : "false");
    return std::nullopt;
}

std::optional<std::vector<std::string>> Strings(const json& o, const char* name) {
    std::vector<std::string> out;
    auto it = o.find(name);
    if (it == o.end() || it->is_null()) return out;
    if (!it->is_array() || it->size() > 1000) return std::nullopt;
    for (const auto& v : *it) {
        if (!v.is_string()) return std::nullopt;
        out.push_back(v.get<std::string>());
    }
    return out;
}

Result<void> ImportJson(std::istream& in, Importer& im) {
    std::string text;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<size_t>(in.gcount()));
        if (text.size() > kMaxJsonBytes) return Error::Invalid("a JSON catalogue is at most 512 MB", "file");
    }
    json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        return Error::Invalid("the file is not a JSON object with categories and products", "file");
    static const std::set<std::string> kTop = {"market", "categories", "products"};
    for (const auto& [k, v] : doc.items())
        if (!kTop.count(k))
            return Error::Invalid("unknown member " + k + " (market, categories, products)", "file");
    if (auto m = doc.find("market"); m != doc.end() && *m != json(im.market()))
        return Error::Invalid("the file is for market " + m->dump() + ", not " + im.market(), "market");
    if (auto c = doc.find("categories"); c != doc.end()) {
        if (!c->is_array()) return Error::Invalid("categories is a list", "categories");
        int64_t i = 0;
        for (const auto& cat : *c) {
            ++i;
            if (!cat.is_object()) {
                im.Problem(i, "categories", "a category is an object");
                continue;
            }
            auto code = Scalar(cat, "code", true), name = Scalar(cat, "name", true),
                 parent = Scalar(cat, "parent", true), position = Scalar(cat, "position");
            if (!code || !name || !parent || !position) {
                im.Problem(i, "categories", "code, name and parent are strings, position a number");
                continue;
            }
            auto pos = position->empty() ? std::optional<int64_t>(0) : ParseAmount(*position, 1'000'000);
            if (!pos) {
                im.Problem(i, "position", "a number from 0 to 10^6");
                continue;
            }
            im.Category(i, *code, *name, parent->empty() ? std::nullopt : std::optional(*parent), *pos);
        }
    }
    if (auto p = doc.find("products"); p != doc.end()) {
        if (!p->is_array()) return Error::Invalid("products is a list", "products");
        int64_t i = 0;
        for (const auto& prod : *p) {
            ++i;
            if (!prod.is_object()) {
                im.Problem(i, "products", "a product is an object");
                continue;
            }
            ProductInput in;
            in.line = i;
            bool ok = true;
            auto take = [&](const char* name, std::string& into, bool text_only = true) {
                auto v = Scalar(prod, name, text_only);
                if (!v) {
                    im.Problem(i, name, "has the wrong type");
                    ok = false;
                    return;
                }
                into = Trim(*v);
            };
            take("ean", in.ean);
            if (ok) take("name", in.name);
            if (ok) take("brand", in.brand);
            if (ok) take("size", in.size);
            if (ok) take("unit_price_minor", in.unit_price, false);
            if (ok) take("comparison_price_minor", in.comparison_price, false);
            if (ok) take("comparison_unit", in.comparison_unit);
            if (ok) take("category", in.category);
            if (ok) take("weighed", in.weighed, false);
            if (ok) take("age_limit", in.age_limit, false);
            if (!ok) continue;
            auto labels = Strings(prod, "labels"), stores = Strings(prod, "stores");
            if (!labels || !stores) {
                im.Problem(i, !labels ? "labels" : "stores", "a list of strings");
                continue;
            }
            in.labels = *labels;
            in.stores = *stores;
            im.Product(std::move(in), false);
        }
    }
    return {};
}

void AddNode(std::vector<CategoryNode>& into, const store::CategoryRecord& c,
             const std::multimap<std::optional<int64_t>, store::CategoryRecord>& by_parent) {
    CategoryNode n{c, {}};
    auto [from, to] = by_parent.equal_range(c.id);
    for (auto it = from; it != to; ++it) AddNode(n.children, it->second, by_parent);
    into.push_back(std::move(n));
}

std::vector<int64_t> Subtree(const std::vector<store::CategoryRecord>& all, int64_t root) {
    std::vector<int64_t> out = {root};
    for (size_t i = 0; i < out.size(); ++i)
        for (const auto& c : all)
            if (c.parent_id == out[i]) out.push_back(c.id);
    return out;
}

ProductView View(const store::ProductRecord& p, const std::vector<store::CategoryRecord>& categories) {
    ProductView v{p, p.category_code, {}, std::nullopt};
    for (const auto& c : categories)
        if (c.id == p.category_id) v.category_name = c.name;
    json labels = json::parse(p.labels_json, nullptr, false);
    if (labels.is_array())
        for (const auto& l : labels)
            if (l.is_string()) v.labels.push_back(l.get<std::string>());
    return v;
}

}  // namespace

Result<void> CatalogueService::CheckMarket(const std::string& market) const {
    if (!markets_.count(market)) return Error::Invalid("no market " + market + " is configured", "market");
    return {};
}

Result<CatalogueImportReport> CatalogueService::Import(std::istream& in,
                                                       const CatalogueImportOptions& options,
                                                       const std::string& actor) {
    ANDEL_TRY(CheckMarket(options.market));
    if (options.format != "csv" && options.format != "json")
        return Error::Invalid("the format is csv or json", "format");
    // One transaction, without the retry of InTransaction: the input stream can be read only once.
    store::Transaction tx(db_);
    Importer im(tx.conn(), options, core::ToMillis(clock_.Now()));
    ANDEL_TRY(options.format == "csv" ? ImportCsv(in, im) : ImportJson(in, im));
    im.Finish();
    if (options.dry_run) return im.report;  // rolled back
    tx.Commit();
    spdlog::info(
        "catalogue import for {} by {}: {} created, {} updated, {} unchanged, {} refused, {} deactivated",
        options.market, actor, im.report.created, im.report.updated, im.report.unchanged, im.report.refused,
        im.report.deactivated);
    return im.report;
}

Result<std::vector<CategoryNode>> CatalogueService::Categories(const std::string& market) {
    ANDEL_TRY(CheckMarket(market));
    auto c = db_.Read();
    auto all = store::CatalogueRepository(*c).ListCategories(market);
    std::multimap<std::optional<int64_t>, store::CategoryRecord> by_parent;
    for (const auto& cat : all) by_parent.emplace(cat.parent_id, cat);
    std::vector<CategoryNode> roots;
    auto [from, to] = by_parent.equal_range(std::nullopt);
    for (auto it = from; it != to; ++it) AddNode(roots, it->second, by_parent);
    return roots;
}

Result<ProductView> CatalogueService::Product(const std::string& market, const std::string& ean,
                                              const std::optional<std::string>& store_code) {
    ANDEL_TRY(CheckMarket(market));
    auto normal = core::NormaliseEan(ean);
    if (!normal) return Error::Invalid("not a valid EAN/GTIN", "ean");
    auto c = db_.Read();
    store::CatalogueRepository repo(*c);
    auto p = repo.FindProduct(market, *normal);
    if (!p || !p->active) return Error::NotFound("no product " + *normal + " in the catalogue");
    auto v = View(*p, repo.ListCategories(market));
    if (store_code) {
        auto s = c->QueryOne(
            "SELECT s.id FROM stores s JOIN cooperatives c ON c.id = s.cooperative_id "
            "WHERE s.code = $1 AND c.market = $2",
            {store::Text(*store_code), store::Text(market)});
        if (!s) return Error::Invalid("no store " + *store_code + " in market " + market, "store");
        v.sold_in_store = repo.SoldIn(*p, s->Int(0));
    }
    return v;
}

Result<ProductPage> CatalogueService::Search(const Query& q) {
    ANDEL_TRY(CheckMarket(q.market));
    if (q.limit < 1 || q.limit > kMaxPageSize) return Error::Invalid("limit is 1 to 200", "limit");
    if (q.offset < 0 || q.offset > kMaxOffset) return Error::Invalid("offset is 0 to 10000", "offset");
    if (q.text.size() > 200) return Error::Invalid("a search is at most 200 characters", "q");
    auto c = db_.Read();
    store::CatalogueRepository repo(*c);
    auto categories = repo.ListCategories(q.market);
    store::ProductSearch s;
    s.market = q.market;
    s.text = q.text;
    s.limit = q.limit;
    s.offset = q.offset;
    if (q.category_code) {
        auto it = std::find_if(categories.begin(), categories.end(),
                               [&](const auto& cat) { return cat.code == *q.category_code; });
        if (it == categories.end()) return Error::NotFound("no category " + *q.category_code);
        s.category_ids = Subtree(categories, it->id);
    }
    if (q.store_code) {
        auto st = c->QueryOne(
            "SELECT s.id FROM stores s JOIN cooperatives c ON c.id = s.cooperative_id "
            "WHERE s.code = $1 AND c.market = $2",
            {store::Text(*q.store_code), store::Text(q.market)});
        if (!st) return Error::Invalid("no store " + *q.store_code + " in market " + q.market, "store");
        s.store_id = st->Int(0);
    }
    ProductPage page;
    if (q.personalise_for) {
        auto mine = recommendations_.ForMember(*c, *q.personalise_for);
        if (mine.consented && mine.market == q.market) {  // R_OFF_4, R_PRIV_2
            page.personalised = true;
            for (const auto& a : mine.products) s.prefer.push_back(a.ean);
        }
    }
    for (const auto& p : repo.Search(s, q.count ? &page.total : nullptr))
        page.items.push_back(View(p, categories));
    if (!q.count) page.total = static_cast<int64_t>(page.items.size());
    return page;
}

Result<Recommendations> CatalogueService::Recommended(int64_t member_id, int64_t limit) {
    if (limit < 1 || limit > kMaxRecommendations) return Error::Invalid("limit is 1 to 50", "limit");
    auto c = db_.Read();
    auto mine = recommendations_.ForMember(*c, member_id);
    Recommendations out;
    out.personalised = mine.consented;
    if (!mine.consented || mine.products.empty()) return out;
    store::CatalogueRepository repo(*c);
    std::vector<std::string> eans;
    for (const auto& a : mine.products) eans.push_back(a.ean);
    std::unordered_map<std::string, store::ProductRecord> by_ean;
    for (auto& p : repo.FindProducts(mine.market, eans)) by_ean.emplace(p.ean, std::move(p));
    auto categories = repo.ListCategories(mine.market);
    for (const auto& a : mine.products) {
        if (static_cast<int64_t>(out.items.size()) >= limit) break;
        auto it = by_ean.find(a.ean);
        // Only what the member can buy and may be shown: no inactive product, none with an age limit.
        if (it == by_ean.end() || !it->second.active || it->second.age_limit > 0) continue;
        out.items.push_back(View(it->second, categories));
    }
    return out;
}

}  // namespace andel::app
