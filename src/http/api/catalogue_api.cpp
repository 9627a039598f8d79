// The product catalogue's routes (issue 6 §0): anyone may browse products, prices and categories (the
// price checker, the portal and the app show them); the back office uploads a catalogue file. A member's own
// "Recommended for you" and the ranking of their searches are personalised content (R_OFF_4).
#include <set>
#include <sstream>

#include "app/catalogue/catalogue_service.hpp"
#include "http/api/api.hpp"
#include "http/json_body.hpp"

namespace andel::http {
namespace {

using nlohmann::json;

// The people with purchases of their own: members, family members and customers with a profile (R_MEM_1).
const std::set<std::string> kCustomers = {app::auth::kRoleMember, app::auth::kRoleFamilyMember,
                                          app::auth::kRoleProfile};

json CategoryJson(const app::CategoryNode& n) {
    json children = json::array();
    for (const auto& c : n.children) children.push_back(CategoryJson(c));
    return {{"code", n.category.code}, {"name", n.category.name}, {"children", children}};
}

}  // namespace

json ProductJson(const app::ProductView& v) {
    const auto& p = v.product;
    json j = {{"ean", p.ean},
              {"name", p.name},
              {"brand", p.brand},
              {"size", p.size},
              {"unit_price_minor", p.unit_price_minor},
              {"comparison_price_minor",
               p.comparison_price_minor ? json(*p.comparison_price_minor) : json(nullptr)},
              {"comparison_unit", p.comparison_unit ? json(*p.comparison_unit) : json(nullptr)},
              {"category", {{"code", p.category_code}, {"name", v.category_name}}},
              {"labels", v.labels},
              {"weighed", p.weighed},
              {"age_limit", p.age_limit}};
    if (v.sold_in_store) j["sold_in_store"] = *v.sold_in_store;
    return j;
}

void AddCatalogueRoutes(Router& router, Services& s) {
    if (!s.catalogue) return;
    app::CatalogueService& catalogue = *s.catalogue;

    router.Add("GET", "/api/v1/catalogue/categories", {}, [&catalogue](Context& ctx) {
        auto tree = catalogue.Categories(ctx.request.Query("market").value_or(""));
        if (!tree) return Problem(tree.error(), ctx.request.request_id);
        json items = json::array();
        for (const auto& n : *tree) items.push_back(CategoryJson(n));
        return JsonResponse(200, {{"items", items}});
    });

    router.Add("GET", "/api/v1/catalogue/products", {}, [&catalogue](Context& ctx) {
        app::CatalogueService::Query q;
        q.market = ctx.request.Query("market").value_or("");
        q.text = ctx.request.Query("q").value_or("");
        q.category_code = ctx.request.Query("category");
        q.store_code = ctx.request.Query("store");
        for (auto [name, into] : {std::pair{"limit", &q.limit}, std::pair{"offset", &q.offset}})
            if (auto v = ctx.request.Query(name)) {
                auto n = ParseId(*v);
                if (!n)
                    return Problem(core::Error::Invalid(std::string(name) + " is a number", name),
                                   ctx.request.request_id);
                *into = *n;
            }
        // R_OFF_4: a signed-in member's search is ranked by what they are likely to want when they consented
        // ("personalised_content"); personalised=false asks for the plain order.
        auto personalised = ctx.request.Query("personalised").value_or("true");
        if (personalised != "true" && personalised != "false")
            return Problem(core::Error::Invalid("personalised is true or false", "personalised"),
                           ctx.request.request_id);
        if (personalised == "true" && ctx.principal.member_id && ctx.principal.HasAny(kCustomers))
            q.personalise_for = ctx.principal.member_id;
        auto page = catalogue.Search(q);
        if (!page) return Problem(page.error(), ctx.request.request_id);
        json items = json::array();
        for (const auto& v : page->items) items.push_back(ProductJson(v));
        return JsonResponse(200, {{"items", items},
                                  {"total", page->total},
                                  {"limit", q.limit},
                                  {"offset", q.offset},
                                  {"personalised", page->personalised}});
    });

    // "Recommended for you" (R_OFF_4, R_PRIV_2): the member's top products from their own purchases; an empty
    // list with personalised false while they have not consented to "personalised_content".
    router.Add("GET", "/api/v1/me/recommendations", kCustomers, [&catalogue](Context& ctx) {
        int64_t limit = 10;
        if (auto v = ctx.request.Query("limit")) {
            auto n = ParseId(*v);
            if (!n)
                return Problem(core::Error::Invalid("limit is a number from 1 to 50", "limit"),
                               ctx.request.request_id);
            limit = *n;
        }
        auto r = catalogue.Recommended(*ctx.principal.member_id, limit);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        json items = json::array();
        for (const auto& v : r->items) items.push_back(ProductJson(v));
        return JsonResponse(200, {{"personalised", r->personalised},
                                  {"consent_purpose", app::RecommendationService::kPurpose},
                                  {"items", items}});
    });

    router.Add("GET", "/api/v1/catalogue/products/{ean}", {}, [&catalogue](Context& ctx) {
        auto v = catalogue.Product(ctx.request.Query("market").value_or(""), ctx.Param("ean"),
                                   ctx.request.Query("store"));
        if (!v) return Problem(v.error(), ctx.request.request_id);
        return JsonResponse(200, ProductJson(*v));
    });

    // The same import as `andel import catalogue`: the body is the file (text/csv or application/json).
    router.Add("POST", "/api/v1/catalogue/imports", {app::kRoleBackOffice}, [&catalogue](Context& ctx) {
        app::CatalogueImportOptions o;
        o.market = ctx.request.Query("market").value_or("");
        auto type = ctx.request.Header("content-type").value_or("");
        o.format = type.starts_with("text/csv") ? "csv" : type.starts_with("application/json") ? "json" : "";
        if (o.format.empty())
            return Problem(
                core::Error::Invalid("send the file as text/csv or application/json", "content-type"),
                ctx.request.request_id);
        o.full = ctx.request.Query("full").value_or("false") == "true";
        o.dry_run = ctx.request.Query("dry_run").value_or("false") == "true";
        std::istringstream in(ctx.request.body);
        auto r = catalogue.Import(in, o, ctx.principal.Actor());
        if (!r) return Problem(r.error(), ctx.request.request_id);
        json problems = json::array();
        for (const auto& p : r->problems)
            problems.push_back({{"line", p.line}, {"field", p.field}, {"detail", p.detail}});
        return JsonResponse(200, {{"market", o.market},
                                  {"dry_run", o.dry_run},
                                  {"categories", r->categories},
                                  {"created", r->created},
                                  {"updated", r->updated},
                                  {"unchanged", r->unchanged},
                                  {"deactivated", r->deactivated},
                                  {"refused", r->refused},
                                  {"problems", problems}});
    });
}

}  // namespace andel::http
