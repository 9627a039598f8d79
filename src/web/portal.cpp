// Ombudshandel Online (issue 7, R_OMB_1..10): the portal where care staff (orderers) shop for the people
// they look after (end customers), as plain HTML forms that work without script, Swedish by default. The
// list of end customers with their status (R_OMB_8); the shop for one of them, which names them and their
// note on every page (R_OMB_3), with offers, search and the category tree (R_OMB_4); the cart (R_OMB_5);
// the checkout's four steps: substitutions (R_OMB_6), the summary, the delivery at the portal's address and
// a time of the end customer's unit, the preset payment with an empty reference (R_OMB_7); the order and
// its status; saved carts (R_OMB_9). Every call goes through app::PortalService with the visitor's
// organisation, so another organisation's end customer, order or saved cart is "not found" (404).
#include <algorithm>
#include <cctype>
#include <functional>

#include "app/crypto.hpp"
#include "http/urlencoded.hpp"
#include "web/page.hpp"
#include "web/portal_page.hpp"
#include "web/render.hpp"
#include "web/web.hpp"

namespace andel::web {
namespace {

using http::Context;
using http::Response;
using nlohmann::json;
using portal::Visitor;

const Catalogue& Cat() { return Catalogue::Embedded(); }

constexpr int64_t kListPage = 50;   // end customers a page
constexpr int64_t kShopPage = 24;   // products a page
constexpr size_t kSearchMax = 100;  // characters of a search
constexpr size_t kNameMax = 80;     // a saved cart's name
constexpr int64_t kMaxPageNo = 10000;

// At most `max` bytes of a search, not cutting a character of UTF-8 in two.
std::string Cut(std::string text, size_t max) {
    if (text.size() <= max) return text;
    size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
    return text.substr(0, n);
}

std::string ShopPath(int64_t id) { return "/portal/shop/" + std::to_string(id); }

// The visitor, or the response for anyone else (the pattern of every handler here).
#define PORTAL_ENTER(v)                                           \
    auto v##_entered = portal::Enter(ctx, s);                     \
    if (auto* r = std::get_if<Response>(&v##_entered)) return *r; \
    Visitor& v = std::get<Visitor>(v##_entered)

std::vector<std::string> LabelsOf(const store::ProductRecord& p) {
    std::vector<std::string> out;
    auto j = json::parse(p.labels_json, nullptr, false);
    if (j.is_array())
        for (const auto& l : j)
            if (l.is_string()) out.push_back(l.get<std::string>());
    return out;
}

std::string UnitName(const std::string& unit, const std::string& lang) {
    std::string key = "portal_unit_" + unit;
    return Cat().Has(key) ? Cat().Text(key, lang) : unit;
}

// A product as the shop shows it: price (per kg when weighed), comparison price, size, labels, and what the
// add form needs.
json ProductJson(const Visitor& v, const store::ProductRecord& p, const std::string& list = "p") {
    json j = {
        {"ean", p.ean},
        {"uid", list + "-" + p.ean},
        {"name", p.name},
        // Two products may share a name (Havregryn of two brands): the hidden part of a button's or
        // a field's label says which.
        {"label", p.name + (p.brand.empty() ? "" : ", " + p.brand) + (p.size.empty() ? "" : ", " + p.size)},
        {"brand", portal::Opt(p.brand)},
        {"size", portal::Opt(p.size)},
        {"weighed", p.weighed},
        {"price",
         portal::Money(v, p.unit_price_minor) + (p.weighed ? "/" + UnitName("kg", v.lang) : std::string())},
        {"max",
         std::to_string(p.weighed ? app::PortalService::kMaxWeighedGrams : app::PortalService::kMaxQuantity)},
        {"default", p.weighed ? "500" : "1"}};
    if (p.comparison_price_minor)
        j["comparison"] = Cat().Format("portal_comparison", v.lang,
                                       {{"price", portal::Money(v, *p.comparison_price_minor)},
                                        {"unit", UnitName(p.comparison_unit.value_or("kg"), v.lang)}});
    json labels = json::array();
    for (const auto& l : LabelsOf(p)) {
        std::string key = "portal_label_" + l;
        labels.push_back({{"text", Cat().Has(key) ? Cat().Text(key, v.lang) : l}});
    }
    j["labels"] = labels;
    j["has_labels"] = !labels.empty();
    return j;
}

// The quantity of a cart line or saved item as read: "2 st" or "500 g".
std::string QuantityText(const store::ProductRecord& p, int64_t q, const std::string& lang) {
    return FormatNumber(q, lang) + "\u00a0" + Cat().Text(p.weighed ? "portal_grams" : "portal_pieces", lang);
}

// A return address inside this end customer's shop ("/portal/shop/7?q=mjölk"), else the shop's start page.
std::string BackInShop(const std::string& back, int64_t id) {
    std::string base = ShopPath(id);
    if (back.size() > 600 || back.find("//") != std::string::npos || back.find('\\') != std::string::npos ||
        back.find('\r') != std::string::npos || back.find('\n') != std::string::npos)
        return base;
    if (back == base || back.starts_with(base + "?") || back.starts_with(base + "/")) return back;
    return base;
}

std::string WithQuery(const std::string& path, const std::string& kv) {
    return path + (path.find('?') == std::string::npos ? "?" : "&") + kv;
}

// ---- The shop's frame: whom the order is for and their note (R_OMB_3), search, the cart link ----------

struct Shop {
    app::EndCustomerView customer;
    app::CartView cart;
};

std::variant<Shop, Response> OpenShop(const Context& ctx, http::Services& s, const Visitor& v,
                                      const std::string& id_text) {
    auto id = portal::ParseId(id_text);
    if (!id) return portal::PortalError(ctx, s, v, 404, Cat().Text("portal_error_not_found", v.lang));
    auto customer = s.portal->EndCustomer(v.who, *id);
    if (!customer)
        return portal::PortalError(ctx, s, v, portal::StatusOf(customer.error()),
                                   portal::ErrorText(customer.error(), v.lang));
    auto cart = s.portal->Cart(v.who, *id);
    if (!cart)
        return portal::PortalError(ctx, s, v, portal::StatusOf(cart.error()),
                                   portal::ErrorText(cart.error(), v.lang));
    return Shop{std::move(*customer), std::move(*cart)};
}

json ShopData(const Context& ctx, http::Services& s, const Visitor& v, const Shop& shop,
              const std::string& title_key, const std::string& q = {}) {
    json d = portal::PortalData(ctx, s, v, title_key, "customers");
    const auto& c = shop.customer.customer;
    d["title"] = Cat().Text(title_key, v.lang) + " – " + c.name;
    std::string base = ShopPath(c.id);
    d["whom"] = {{"name", c.name},
                 {"note", portal::Opt(c.note)},
                 {"unit", portal::Opt(shop.customer.unit_name)},
                 {"address", c.street + ", " + c.postal_code + " " + c.city}};
    d["shop"] = {{"id", std::to_string(c.id)},
                 {"home", base},
                 {"cart", base + "/cart"},
                 {"checkout", base + "/checkout"},
                 {"orders", "/portal/customers/" + std::to_string(c.id) + "/orders"},
                 {"saved", "/portal/saved-carts?customer=" + std::to_string(c.id)},
                 {"q", q},
                 {"cart_label", Cat().Format("portal_cart_link", v.lang, {{"count", shop.cart.items}})}};
    return d;
}

json CartLines(const Visitor& v, const app::CartView& cart) {
    json lines = json::array();
    for (const auto& l : cart.lines) {
        json j = ProductJson(v, l.product);
        j["quantity"] = std::to_string(l.quantity);
        j["quantity_text"] = QuantityText(l.product, l.quantity, v.lang);
        j["amount"] = portal::Money(v, l.amount_minor);
        j["discount"] = l.discount_minor > 0 ? json(portal::Money(v, -l.discount_minor)) : json(nullptr);
        j["substitute"] = l.substitute;
        j["substitute_text"] =
            Cat().Text(l.substitute ? "portal_substitute_yes" : "portal_substitute_no", v.lang);
        std::string offers;
        for (const auto& t : l.offer_titles) offers += (offers.empty() ? "" : ", ") + t;
        j["offers"] = portal::Opt(offers);
        lines.push_back(j);
    }
    return lines;
}

void Totals(json& d, const Visitor& v, const app::CartView& cart) {
    d["lines"] = CartLines(v, cart);
    d["empty"] = cart.lines.empty();
    d["subtotal"] = portal::Money(v, cart.subtotal_minor);
    d["discount"] = cart.discount_minor > 0 ? json(portal::Money(v, -cart.discount_minor)) : json(nullptr);
    d["total"] = portal::Money(v, cart.total_minor);
    d["item_count"] = Cat().Format("portal_item_count", v.lang, {{"count", cart.items}});
    if (cart.customer.customer.member_number && (cart.bonus_minor > 0 || cart.points > 0))
        d["earns"] = Cat().Format("portal_earns", v.lang,
                                  {{"name", cart.customer.customer.name},
                                   {"amount", cart.points > 0 ? FormatNumber(cart.points, v.lang) + "\u00a0" +
                                                                    Cat().Text("unit_points", v.lang)
                                                              : portal::Money(v, cart.bonus_minor)}});
}

// The checkout's four steps, the current one marked (aria-current="step").
json Steps(const Visitor& v, int current, int64_t id) {
    json steps = json::array();
    const char* keys[] = {"portal_step_1", "portal_step_2", "portal_step_3", "portal_step_4"};
    const char* paths[] = {"/checkout", "/checkout/summary", "/checkout/delivery", ""};
    for (int i = 0; i < 4; ++i) {
        json st = {{"n", std::to_string(i + 1)},
                   {"label", Cat().Text(keys[i], v.lang)},
                   {"current", i + 1 == current}};
        if (i + 1 < current && paths[i][0]) st["href"] = ShopPath(id) + paths[i];
        steps.push_back(st);
    }
    return steps;
}

// ---- Delivery times (R_OMB_7) -----------------------------------------------------------------------------

std::string Clock(const Visitor& v, int64_t at) {
    std::string t = portal::When(v, at);
    return t.size() >= 5 ? t.substr(t.size() - 5) : t;
}

std::string DeliveryValue(int64_t slot_id, const std::string& date) {
    return std::to_string(slot_id) + "_" + date;
}

std::string DeliveryText(const Visitor& v, const app::DeliveryOption& o) {
    return Cat().Format("portal_delivery_option", v.lang,
                        {{"weekday", Cat().Text("portal_weekday_" + std::to_string(o.slot.weekday), v.lang)},
                         {"date", FormatIsoDate(o.delivery_date, v.lang)},
                         {"start", Clock(v, o.window_start_at)},
                         {"end", Clock(v, o.window_end_at)}});
}

Response DeliveryPage(const Context& ctx, http::Services& s, const Visitor& v, const Shop& shop, int status,
                      const std::string& chosen, const std::string& error) {
    json d = ShopData(ctx, s, v, shop, "portal_delivery_title");
    d["steps"] = Steps(v, 3, shop.customer.customer.id);
    const auto& c = shop.customer.customer;
    d["address"] = {{"name", c.name}, {"street", c.street}, {"postal", c.postal_code + " " + c.city}};
    d["empty"] = shop.cart.lines.empty();
    auto options = s.portal->Deliveries(v.who, c.id);
    json list = json::array();
    if (options) {
        for (const auto& o : *options) {
            std::string value = DeliveryValue(o.slot.id, o.delivery_date);
            list.push_back({{"value", value},
                            {"id", "delivery-" + value},
                            {"label", DeliveryText(v, o)},
                            {"left", Cat().Format("portal_places_left", v.lang, {{"count", o.places_left}})},
                            {"cutoff", Cat().Format("portal_order_by", v.lang,
                                                    {{"when", portal::When(v, o.cutoff_at)}})},
                            {"checked", value == chosen}});
        }
    }
    d["options"] = list;
    d["no_options"] = list.empty();
    d["unit"] = portal::Opt(shop.customer.unit_name);
    if (!error.empty()) d["error"] = error;
    return Html(ctx, status, RenderPage("portal_delivery", d));
}

// "12_2026-11-24" as the delivery chosen: the slot and the date.
std::optional<std::pair<int64_t, std::string>> ParseDelivery(const std::string& value) {
    auto sep = value.find('_');
    if (sep == std::string::npos || value.size() > 40) return std::nullopt;
    auto slot = portal::ParseId(value.substr(0, sep));
    std::string date = value.substr(sep + 1);
    if (!slot || date.size() != 10) return std::nullopt;
    for (size_t i = 0; i < date.size(); ++i) {
        bool dash = i == 4 || i == 7;
        if (dash ? date[i] != '-' : !std::isdigit(static_cast<unsigned char>(date[i]))) return std::nullopt;
    }
    return std::pair{*slot, date};
}

// ---- Pages ---------------------------------------------------------------------------------------------

Response ListPage(const Context& ctx, http::Services& s, const Visitor& v) {
    json d = portal::PortalData(ctx, s, v, "portal_list_title", "customers");
    std::string q = ctx.request.Query("q").value_or("");
    q = Cut(q, kSearchMax);
    int64_t page = 0;
    if (auto p = ctx.request.Query("page")) {
        auto n = portal::ParseCount(*p, kMaxPageNo);
        if (!n) return portal::PortalError(ctx, s, v, 400, Cat().Text("portal_error_invalid", v.lang));
        page = *n;
    }
    auto list = s.portal->EndCustomers(v.who, q, kListPage, page * kListPage);
    if (!list)
        return portal::PortalError(ctx, s, v, portal::StatusOf(list.error()),
                                   portal::ErrorText(list.error(), v.lang));
    json items = json::array();
    for (const auto& e : list->items) {
        const auto& c = e.customer;
        items.push_back(
            {{"id", std::to_string(c.id)},
             {"name", c.name},
             {"address", c.street + ", " + c.postal_code + " " + c.city},
             {"unit", e.unit_name},
             {"note", portal::Opt(c.note)},
             {"status", portal::StatusText(e.status.status, v.lang)},
             {"status_code", e.status.status.value_or("none")},
             {"ordered", e.status.status.value_or("") == "ordered"},
             {"next",
              e.status.next_delivery_at ? json(portal::When(v, *e.status.next_delivery_at)) : json(nullptr)},
             {"order_href", e.status.order_number
                                ? json("/portal/orders/" + http::PercentEncode(*e.status.order_number))
                                : json(nullptr)},
             {"shop", ShopPath(c.id)},
             {"orders", "/portal/customers/" + std::to_string(c.id) + "/orders"}});
    }
    d["items"] = items;
    d["empty"] = items.empty();
    d["q"] = q;
    d["count"] = Cat().Format("portal_list_count", v.lang, {{"count", list->total}});
    std::string qs = q.empty() ? "" : "q=" + http::PercentEncode(q) + "&";
    if (page > 0) d["prev"] = "/portal?" + qs + "page=" + std::to_string(page - 1);
    if ((page + 1) * kListPage < list->total)
        d["next"] = "/portal?" + qs + "page=" + std::to_string(page + 1);
    if (list->total > kListPage)
        d["page_of"] =
            Cat().Format("portal_page_of", v.lang,
                         {{"page", page + 1}, {"pages", (list->total + kListPage - 1) / kListPage}});
    return Html(ctx, 200, RenderPage("portal_list", d));
}

// Categories as a two-level tree (deeper levels join the second), each a link that browses it.
json CategoryTree(const std::vector<app::CategoryNode>& nodes, const std::string& base,
                  const std::string& current) {
    json out = json::array();
    std::function<void(const app::CategoryNode&, json&)> flatten = [&](const app::CategoryNode& n,
                                                                       json& into) {
        into.push_back({{"name", n.category.name},
                        {"href", base + "?category=" + http::PercentEncode(n.category.code)},
                        {"current", n.category.code == current}});
        for (const auto& c : n.children) flatten(c, into);
    };
    for (const auto& top : nodes) {
        json children = json::array();
        for (const auto& c : top.children) flatten(c, children);
        out.push_back({{"name", top.category.name},
                       {"href", base + "?category=" + http::PercentEncode(top.category.code)},
                       {"current", top.category.code == current},
                       {"children", children},
                       {"has_children", !children.empty()}});
    }
    return out;
}

std::string CategoryName(const std::vector<app::CategoryNode>& nodes, const std::string& code) {
    for (const auto& n : nodes) {
        if (n.category.code == code) return n.category.name;
        if (auto name = CategoryName(n.children, code); !name.empty()) return name;
    }
    return {};
}

Response ShopPage(const Context& ctx, http::Services& s, const Visitor& v, const Shop& shop) {
    std::string q = ctx.request.Query("q").value_or("");
    q = Cut(q, kSearchMax);
    std::string category = ctx.request.Query("category").value_or("");
    if (category.size() > 100) category.clear();
    int64_t page = 0;
    if (auto p = ctx.request.Query("page")) {
        auto n = portal::ParseCount(*p, kMaxPageNo);
        if (!n)
            return portal::PortalError(ctx, s, v, 400, Cat().Text("portal_error_invalid", v.lang),
                                       ShopPath(shop.customer.customer.id));
        page = *n;
    }
    const int64_t id = shop.customer.customer.id;
    json d = ShopData(ctx, s, v, shop, "portal_shop_title", q);
    auto categories = s.portal->Categories(v.who);
    std::vector<app::CategoryNode> tree = categories ? *categories : std::vector<app::CategoryNode>{};
    d["categories"] = CategoryTree(tree, ShopPath(id), category);
    std::string here = ShopPath(id);
    if (!q.empty()) here = WithQuery(here, "q=" + http::PercentEncode(q));
    if (!category.empty()) here = WithQuery(here, "category=" + http::PercentEncode(category));
    if (page > 0) here = WithQuery(here, "page=" + std::to_string(page));
    d["back"] = here;
    if (ctx.request.Query("added")) d["notice"] = Cat().Text("portal_added", v.lang);
    if (!q.empty() || !category.empty()) {
        std::optional<std::string> cat_code =
            category.empty() ? std::nullopt : std::optional<std::string>(category);
        auto found = s.portal->Search(v.who, id, q, cat_code, kShopPage, page * kShopPage);
        if (!found)
            return portal::PortalError(ctx, s, v, portal::StatusOf(found.error()),
                                       portal::ErrorText(found.error(), v.lang), ShopPath(id));
        json results = json::array();
        for (const auto& p : found->items) results.push_back(ProductJson(v, p.product, "r"));
        d["results"] = results;
        d["searched"] = true;
        d["no_results"] = results.empty();
        std::string name = category.empty() ? "" : CategoryName(tree, category);
        d["results_heading"] =
            !q.empty()
                ? Cat().Format("portal_results_for", v.lang, {{"q", q}, {"count", found->total}})
                : Cat().Format("portal_results_category", v.lang,
                               {{"category", name.empty() ? category : name}, {"count", found->total}});
        std::string qs;
        if (!q.empty()) qs += "q=" + http::PercentEncode(q) + "&";
        if (!category.empty()) qs += "category=" + http::PercentEncode(category) + "&";
        if (page > 0) d["prev"] = ShopPath(id) + "?" + qs + "page=" + std::to_string(page - 1);
        if ((page + 1) * kShopPage < found->total)
            d["next"] = ShopPath(id) + "?" + qs + "page=" + std::to_string(page + 1);
    } else {
        // The start page: the store's offers with their products, and current items (R_OMB_4).
        json offers = json::array();
        if (auto list = s.portal->Offers(v.who, id)) {
            for (const auto& o : *list) {
                json products = json::array();
                for (const auto& p : o.products)
                    products.push_back(ProductJson(v, p, "o" + std::to_string(offers.size())));
                offers.push_back({{"title", o.offer.record.title},
                                  {"description", portal::Opt(o.offer.record.description)},
                                  {"products", products},
                                  {"has_products", !products.empty()}});
            }
        }
        d["offers"] = offers;
        d["has_offers"] = !offers.empty();
        json current = json::array();
        if (auto found = s.portal->CurrentItems(v.who, id, 12))
            for (const auto& p : found->items) current.push_back(ProductJson(v, p.product, "c"));
        d["current"] = current;
        d["has_current"] = !current.empty();
        d["start"] = true;
    }
    return Html(ctx, 200, RenderPage("portal_shop", d));
}

Response CartPage(const Context& ctx, http::Services& s, const Visitor& v, const Shop& shop, int status,
                  const std::string& error, const std::string& save_error = {},
                  const std::string& name = {}) {
    json d = ShopData(ctx, s, v, shop, "portal_cart_title");
    Totals(d, v, shop.cart);
    if (!error.empty()) d["error"] = error;
    if (!save_error.empty()) d["save_error"] = save_error;
    d["save_name"] = name;
    if (auto done = ctx.request.Query("done")) {
        std::string key = "portal_done_" + *done;
        std::replace(key.begin(), key.end(), '-', '_');
        if (Cat().Has(key)) d["notice"] = Cat().Text(key, v.lang);
    }
    return Html(ctx, status, RenderPage("portal_cart", d));
}

Response OrderPage(const Context& ctx, http::Services& s, const Visitor& v, const app::OrderView& o,
                   int status, const std::string& error) {
    json d = portal::PortalData(ctx, s, v, "portal_order_title", "customers");
    const auto& r = o.order;
    d["title"] = Cat().Text("portal_order_title", v.lang) + " " + r.order_number;
    d["number"] = r.order_number;
    d["status"] = portal::StatusText(r.status, v.lang);
    d["status_code"] = r.status;
    d["customer"] = o.end_customer_name;
    d["unit"] = portal::Opt(o.unit_name);
    d["orderer"] = portal::Opt(o.orderer_name);
    d["created"] = portal::When(v, r.created_at);
    d["delivery"] = Cat().Format("portal_delivery_window", v.lang,
                                 {{"date", FormatIsoDate(r.delivery_date, v.lang)},
                                  {"start", Clock(v, r.window_start_at)},
                                  {"end", Clock(v, r.window_end_at)}});
    d["cutoff"] = portal::When(v, r.cutoff_at);
    d["address"] = {{"name", r.delivery_name},
                    {"street", r.delivery_street},
                    {"postal", r.delivery_postal_code + " " + r.delivery_city}};
    d["note"] = portal::Opt(r.note);
    d["payment"] = portal::PaymentText(r.payment_method, r.payment_label, v.lang);
    d["reference"] = r.reference.empty() ? Cat().Text("portal_reference_empty", v.lang) : r.reference;
    d["total"] = portal::Money(v, r.total_minor);
    if (r.delivered_total_minor) d["delivered_total"] = portal::Money(v, *r.delivered_total_minor);
    json lines = json::array();
    for (const auto& l : r.lines) {
        json j = {{"name", l.name},
                  {"size", portal::Opt(l.size)},
                  {"quantity", FormatNumber(l.quantity, v.lang)},
                  {"amount", portal::Money(v, l.amount_minor)},
                  {"substitute",
                   Cat().Text(l.substitute ? "portal_substitute_yes" : "portal_substitute_no", v.lang)}};
        if (l.picked_quantity) j["picked"] = FormatNumber(*l.picked_quantity, v.lang);
        if (l.substitute_product_id) {
            auto it = o.substitutes.find(*l.substitute_product_id);
            if (it != o.substitutes.end())
                j["replaced_by"] =
                    Cat().Format("portal_replaced_by", v.lang,
                                 {{"name", it->second.name},
                                  {"quantity", FormatNumber(l.substitute_quantity.value_or(0), v.lang)}});
        }
        lines.push_back(j);
    }
    d["lines"] = lines;
    d["cancellable"] = o.cancellable;
    d["orders_href"] = "/portal/customers/" + std::to_string(r.end_customer_id) + "/orders";
    d["shop_href"] = ShopPath(r.end_customer_id);
    if (!error.empty()) d["error"] = error;
    if (auto done = ctx.request.Query("done")) {
        if (*done == "ordered") d["notice"] = Cat().Text("portal_done_ordered", v.lang);
        if (*done == "cancelled") d["notice"] = Cat().Text("portal_done_cancelled", v.lang);
    }
    return Html(ctx, status, RenderPage("portal_order", d));
}

Response SavedCartsPage(const Context& ctx, http::Services& s, const Visitor& v, int status,
                        const std::string& error) {
    json d = portal::PortalData(ctx, s, v, "portal_saved_title", "saved");
    auto carts = s.portal->SavedCarts(v.who);
    if (!carts)
        return portal::PortalError(ctx, s, v, portal::StatusOf(carts.error()),
                                   portal::ErrorText(carts.error(), v.lang));
    // "Add to cart" needs an end customer: the one whose shop the orderer came from, else a choice.
    std::optional<app::EndCustomerView> from;
    if (auto c = ctx.request.Query("customer")) {
        auto id = portal::ParseId(*c);
        if (!id) return portal::PortalError(ctx, s, v, 404, Cat().Text("portal_error_not_found", v.lang));
        auto found = s.portal->EndCustomer(v.who, *id);
        if (!found)
            return portal::PortalError(ctx, s, v, portal::StatusOf(found.error()),
                                       portal::ErrorText(found.error(), v.lang));
        from = *found;
    }
    json customers = json::array();
    if (!from) {
        if (auto list = s.portal->EndCustomers(v.who, "", 200, 0))
            for (const auto& e : list->items)
                customers.push_back({{"id", std::to_string(e.customer.id)}, {"name", e.customer.name}});
    }
    json items = json::array();
    for (const auto& sc : *carts) {
        int64_t count = 0;
        for (const auto& [p, q] : sc.items) count += p.weighed ? 1 : q;
        items.push_back({{"id", std::to_string(sc.cart.id)},
                         {"name", sc.cart.name},
                         {"href", "/portal/saved-carts/" + std::to_string(sc.cart.id)},
                         {"items", Cat().Format("portal_item_count", v.lang, {{"count", count}})},
                         {"total", portal::Money(v, sc.total_minor)},
                         {"customers", customers}});
    }
    d["carts"] = items;
    d["empty"] = items.empty();
    if (from) {
        d["from"] = {{"id", std::to_string(from->customer.id)}, {"name", from->customer.name}};
        d["whom"] = {{"name", from->customer.name}, {"note", portal::Opt(from->customer.note)}};
        d["shop_href"] = ShopPath(from->customer.id);
    }
    d["no_customers"] = !from && customers.empty();
    if (!error.empty()) d["error"] = error;
    if (auto done = ctx.request.Query("done"); done && *done == "deleted")
        d["notice"] = Cat().Text("portal_done_deleted", v.lang);
    return Html(ctx, status, RenderPage("portal_saved_carts", d));
}

Response SavedCartPage(const Context& ctx, http::Services& s, const Visitor& v, const app::SavedCartView& sc,
                       int status, const std::string& error) {
    json d = portal::PortalData(ctx, s, v, "portal_saved_cart_title", "saved");
    d["title"] = sc.cart.name + " – " + Cat().Text("portal_saved_cart_title", v.lang);
    d["id"] = std::to_string(sc.cart.id);
    d["name"] = sc.cart.name;
    json items = json::array();
    for (const auto& [p, q] : sc.items) {
        json j = ProductJson(v, p);
        j["quantity"] = std::to_string(q);
        j["quantity_text"] = QuantityText(p, q, v.lang);
        items.push_back(j);
    }
    d["items"] = items;
    d["empty"] = items.empty();
    d["total"] = portal::Money(v, sc.total_minor);
    if (!error.empty()) d["error"] = error;
    if (auto done = ctx.request.Query("done"); done && *done == "saved")
        d["notice"] = Cat().Text("portal_done_saved_changes", v.lang);
    return Html(ctx, status, RenderPage("portal_saved_cart", d));
}

std::optional<Form> FormOf(const Context& ctx) { return ParseForm(ctx.request); }

}  // namespace

void AddPortalPages(http::Router& router, http::Services& s) {
    // The end customers (R_OMB_8): search by name, address or postal code, 50 a page, each with its status
    // and next delivery, and "Handla".
    router.Add("GET", "/portal", {}, [&s](Context& ctx) {
        PORTAL_ENTER(v);
        return ListPage(ctx, s, v);
    });
    router.Add("POST", "/portal/logout", {}, [&s](Context& ctx) {
        if (ctx.principal.csrf_refused)
            return ErrorPage(ctx, s, ChooseLanguage(ctx.request), 403, "error_csrf");
        if (ctx.principal.account_id && ctx.principal.by_cookie)
            (void)s.auth.EndSession(*ctx.principal.account_id, ctx.principal.session_public_id);
        Response r = SeeOther("/login");
        r.headers.emplace_back("Set-Cookie", http::SessionCookie("", 0));
        return r;
    });

    // The shop for one end customer (R_OMB_3, R_OMB_4): offers and current items, or what was searched or
    // browsed.
    router.Add("GET", "/portal/shop/{customer_id}", {}, [&s](Context& ctx) {
        PORTAL_ENTER(v);
        auto shop = OpenShop(ctx, s, v, ctx.Param("customer_id"));
        if (auto* r = std::get_if<Response>(&shop)) return *r;
        return ShopPage(ctx, s, v, std::get<Shop>(shop));
    });
    router.Add("POST", "/portal/shop/{customer_id}/cart/add", {}, [&s](Context& ctx) {
        PORTAL_ENTER(v);
        auto got = OpenShop(ctx, s, v, ctx.Param("customer_id"));
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Shop& shop = std::get<Shop>(got);
        const int64_t id = shop.customer.customer.id;
        auto form = FormOf(ctx);
        if (!form)
            return portal::PortalError(ctx, s, v, 400, Cat().Text("portal_error_invalid", v.lang),
                                       ShopPath(id));
        std::string ean = Field(*form, "ean");
        std::string back = BackInShop(Field(*form, "back"), id);
        auto quantity = portal::ParseCount(Field(*form, "quantity"), app::PortalService::kMaxWeighedGrams);
        if (ean.empty() || ean.size() > 20)
            return portal::PortalError(ctx, s, v, 400, Cat().Text("portal_error_invalid", v.lang), back);
        if (!quantity || *quantity == 0)
            return portal::PortalError(ctx, s, v, 400, Cat().Text("portal_error_quantity", v.lang), back);
        auto done = s.portal->AddToCart(v.who, id, ean, *quantity);
        if (!done)
            return portal::PortalError(ctx, s, v, portal::StatusOf(done.error()),
                                       portal::ErrorText(done.error(), v.lang), back);
        return SeeOther(WithQuery(back, "added=1"));
    });

    // The cart (R_OMB_5): every line; change a quantity (0 removes) or remove.
    router.Add("GET", "/portal/shop/{customer_id}/cart", {}, [&s](Context& ctx) {
        PORTAL_ENTER(v);
        auto shop = OpenShop(ctx, s, v, ctx.Param("customer_id"));
        if (auto* r = std::get_if<Response>(&shop)) return *r;
        return CartPage(ctx, s, v, std::get<Shop>(shop), 200, "");
    });
    router.Add("POST", "/portal/shop/{customer_id}/cart", {}, [&s](Context& ctx) {
        PORTAL_ENTER(v);
        auto got = OpenShop(ctx, s, v, ctx.Param("customer_id"));
        if (auto* r = std::get_if<Response>(&got)) return *r;
        Shop& shop = std::get<Shop>(got);
        const int64_t id = shop.customer.customer.id;
        auto form = FormOf(ctx);
        if (!form) return CartPage(ctx, s, v, shop, 400, Cat().Text("portal_error_invalid", v.lang));
        // "remove" names one line; otherwise every line's quantity field (q_<ean>) is read.
        std::string remove = Field(*form, "remove");
        std::vector<std::pair<std::string, int64_t>> changes;
        for (const auto& l : shop.cart.lines) {
            if (remove == l.product.ean) {
                changes.emplace_back(l.product.ean, 0);
                continue;
            }
            if (!remove.empty()) continue;
            auto it = form->find("q_" + l.product.ean);
            if (it == form->end()) continue;
            auto q = portal::ParseCount(it->second, l.product.weighed ? app::PortalService::kMaxWeighedGrams
                                                                      : app::PortalService::kMaxQuantity);
            if (!q)
                return CartPage(ctx, s, v, shop, 400,
                                Cat().Format("portal_error_quantity_of", v.lang, {{"name", l.product.name}}));
            if (*q != l.quantity) changes.emplace_back(l.product.ean, *q);
        }
        for (const auto& [ean, q] : changes) {
            auto done = s.portal->SetQuantity(v.who, id, ean, q);
            if (!done) {
                if (auto fresh = s.portal->Cart(v.who, id)) shop.cart = *fresh;
                return CartPage(ctx, s, v, shop, portal::StatusOf(done.error()),
                                portal::ErrorText(done.error(), v.lang));
            }
        }
        return SeeOther(ShopPath(id) + "/cart?done=" + (remove.empty() ? "updated" : "removed"));
    });
    // "Spara varukorg" (R_OMB_9): the cart saved under a name in the orderer's profile.
    router.Add("POST", "/portal/shop/{customer_id}/cart/save", {}, [&s](Context& ctx) {
        PORTAL_ENTER(v);
        auto got = OpenShop(ctx, s, v, ctx.Param("customer_id"));
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Shop& shop = std::get<Shop>(got);
        auto form = FormOf(ctx);
        std::string name = form ? Field(*form, "name") : "";
        while (!name.empty() && name.back() == ' ') name.pop_back();
        while (!name.empty() && name.front() == ' ') name.erase(name.begin());
        if (name.empty() || name.size() > kNameMax)
            return CartPage(ctx, s, v, shop, 400, "", Cat().Text("portal_error_cart_name", v.lang),
                            name.substr(0, kNameMax));
        if (shop.cart.lines.empty())
            return CartPage(ctx, s, v, shop, 422, "", Cat().Text("portal_error_cart_empty", v.lang), name);
        auto saved = s.portal->SaveCart(v.who, shop.customer.customer.id, name);
        if (!saved)
            return CartPage(ctx, s, v, shop, portal::StatusOf(saved.error()), "",
                            saved.error().code == core::ErrorCode::kConflict
                                ? Cat().Text("portal_error_cart_name_taken", v.lang)
                                : portal::ErrorText(saved.error(), v.lang),
                            name);
        return SeeOther(ShopPath(shop.customer.customer.id) + "/cart?done=saved");
    });

    // Checkout, step 1 "Varukorg": may each item be substituted if it is out of stock (R_OMB_6).
    router.Add("GET", "/portal/shop/{customer_id}/checkout", {}, [&s](Context& ctx) {
        PORTAL_ENTER(v);
        auto got = OpenShop(ctx, s, v, ctx.Param("customer_id"));
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Shop& shop = std::get<Shop>(got);
        json d = ShopData(ctx, s, v, shop, "portal_checkout_title");
        d["steps"] = Steps(v, 1, shop.customer.customer.id);
        Totals(d, v, shop.cart);
        d["all"] =
            !shop.cart.lines.empty() && std::all_of(shop.cart.lines.begin(), shop.cart.lines.end(),
                                                    [](const app::CartLine& l) { return l.substitute; });
        return Html(ctx, 200, RenderPage("portal_checkout", d));
    });
    router.Add("POST", "/portal/shop/{customer_id}/checkout", {}, [&s](Context& ctx) {
        PORTAL_ENTER(v);
        auto got = OpenShop(ctx, s, v, ctx.Param("customer_id"));
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Shop& shop = std::get<Shop>(got);
        const int64_t id = shop.customer.customer.id;
        auto form = FormOf(ctx);
        if (!form)
            return portal::PortalError(ctx, s, v, 400, Cat().Text("portal_error_invalid", v.lang),
                                       ShopPath(id) + "/checkout");
        // "Ersätt alla" ticked (or its button) sets every line; otherwise each line's box (an unticked box is
        // not sent: no).
        bool all = Field(*form, "substitute_all") == "yes";
        if (all) {
            auto done = s.portal->SetSubstitute(v.who, id, "", true);
            if (!done)
                return portal::PortalError(ctx, s, v, portal::StatusOf(done.error()),
                                           portal::ErrorText(done.error(), v.lang),
                                           ShopPath(id) + "/checkout");
        } else {
            for (const auto& l : shop.cart.lines) {
                bool want = Field(*form, "sub_" + l.product.ean) == "yes";
                if (want == l.substitute) continue;
                auto done = s.portal->SetSubstitute(v.who, id, l.product.ean, want);
                if (!done)
                    return portal::PortalError(ctx, s, v, portal::StatusOf(done.error()),
                                               portal::ErrorText(done.error(), v.lang),
                                               ShopPath(id) + "/checkout");
            }
        }
        return SeeOther(ShopPath(id) + "/checkout/summary");
    });
    // Step 2: the detailed summary, "Gå vidare".
    router.Add("GET", "/portal/shop/{customer_id}/checkout/summary", {}, [&s](Context& ctx) {
        PORTAL_ENTER(v);
        auto got = OpenShop(ctx, s, v, ctx.Param("customer_id"));
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Shop& shop = std::get<Shop>(got);
        json d = ShopData(ctx, s, v, shop, "portal_summary_title");
        d["steps"] = Steps(v, 2, shop.customer.customer.id);
        Totals(d, v, shop.cart);
        return Html(ctx, 200, RenderPage("portal_summary", d));
    });
    // Step 3 "Beställning och leverans": the portal's address, not editable, and the times of the end
    // customer's unit with places left (R_OMB_7).
    router.Add("GET", "/portal/shop/{customer_id}/checkout/delivery", {}, [&s](Context& ctx) {
        PORTAL_ENTER(v);
        auto got = OpenShop(ctx, s, v, ctx.Param("customer_id"));
        if (auto* r = std::get_if<Response>(&got)) return *r;
        return DeliveryPage(ctx, s, v, std::get<Shop>(got), 200, ctx.request.Query("delivery").value_or(""),
                            "");
    });
    // Step 4 "Betalning": the preset payment, not editable, the reference empty; "Slutför köp" carries the
    // delivery chosen and a checkout key made now, so a double submit is one order.
    router.Add("GET", "/portal/shop/{customer_id}/checkout/payment", {}, [&s](Context& ctx) {
        PORTAL_ENTER(v);
        auto got = OpenShop(ctx, s, v, ctx.Param("customer_id"));
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Shop& shop = std::get<Shop>(got);
        const auto& c = shop.customer.customer;
        std::string chosen = ctx.request.Query("delivery").value_or("");
        auto delivery = ParseDelivery(chosen);
        if (!delivery)
            return DeliveryPage(ctx, s, v, shop, 400, "", Cat().Text("portal_error_choose_delivery", v.lang));
        auto options = s.portal->Deliveries(v.who, c.id);
        const app::DeliveryOption* option = nullptr;
        if (options)
            for (const auto& o : *options)
                if (o.slot.id == delivery->first && o.delivery_date == delivery->second) option = &o;
        if (!option)
            return DeliveryPage(ctx, s, v, shop, 422, "", Cat().Text("portal_error_delivery_gone", v.lang));
        if (shop.cart.lines.empty())
            return DeliveryPage(ctx, s, v, shop, 422, chosen, Cat().Text("portal_error_cart_empty", v.lang));
        json d = ShopData(ctx, s, v, shop, "portal_payment_title");
        d["steps"] = Steps(v, 4, c.id);
        Totals(d, v, shop.cart);
        d["delivery_text"] = DeliveryText(v, *option);
        d["delivery"] = chosen;
        d["slot_id"] = std::to_string(option->slot.id);
        d["delivery_date"] = option->delivery_date;
        d["delivery_back"] = ShopPath(c.id) + "/checkout/delivery?delivery=" + http::PercentEncode(chosen);
        d["address"] = {{"name", c.name}, {"street", c.street}, {"postal", c.postal_code + " " + c.city}};
        d["payment"] = portal::PaymentText(c.payment_method, c.payment_label, v.lang);
        d["checkout_key"] = app::RandomHex(16);
        return Html(ctx, 200, RenderPage("portal_payment", d));
    });
    // "Slutför köp" (R_OMB_7, R_OMB_8): the order, or the delivery step again with why not.
    router.Add("POST", "/portal/shop/{customer_id}/checkout/complete", {}, [&s](Context& ctx) {
        PORTAL_ENTER(v);
        auto got = OpenShop(ctx, s, v, ctx.Param("customer_id"));
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Shop& shop = std::get<Shop>(got);
        auto form = FormOf(ctx);
        if (!form)
            return DeliveryPage(ctx, s, v, shop, 400, "", Cat().Text("portal_error_choose_delivery", v.lang));
        app::CheckoutInput in;
        in.end_customer_id = shop.customer.customer.id;
        auto slot = portal::ParseId(Field(*form, "slot_id"));
        auto delivery = ParseDelivery(Field(*form, "slot_id") + "_" + Field(*form, "delivery_date"));
        in.checkout_key = Field(*form, "checkout_key");
        if (!slot || !delivery || in.checkout_key.empty() || in.checkout_key.size() > 64)
            return DeliveryPage(ctx, s, v, shop, 400, "", Cat().Text("portal_error_choose_delivery", v.lang));
        in.slot_id = *slot;
        in.delivery_date = delivery->second;
        auto order = s.portal->Checkout(v.who, in);
        if (!order) {
            // A full slot, a passed cut-off, another unit's slot: next to the choice of step 3.
            std::string text = portal::ErrorText(order.error(), v.lang);
            int status = portal::StatusOf(order.error());
            if (order.error().code == core::ErrorCode::kNotFound && order.error().rule.empty())
                text = Cat().Text("portal_error_delivery_gone", v.lang), status = 422;
            return DeliveryPage(ctx, s, v, shop, status, "", text);
        }
        return SeeOther("/portal/orders/" + http::PercentEncode(order->order.order_number) + "?done=ordered");
    });

    // An order: status, lines, delivery, address, payment; cancel before the cut-off.
    router.Add("GET", "/portal/orders/{number}", {}, [&s](Context& ctx) {
        PORTAL_ENTER(v);
        const std::string& number = ctx.Param("number");
        if (number.empty() || number.size() > 40)
            return portal::PortalError(ctx, s, v, 404, Cat().Text("portal_error_not_found", v.lang));
        auto order = s.portal->Order(v.who, number);
        if (!order)
            return portal::PortalError(ctx, s, v, portal::StatusOf(order.error()),
                                       portal::ErrorText(order.error(), v.lang));
        return OrderPage(ctx, s, v, *order, 200, "");
    });
    router.Add("POST", "/portal/orders/{number}/cancel", {}, [&s](Context& ctx) {
        PORTAL_ENTER(v);
        const std::string& number = ctx.Param("number");
        if (number.empty() || number.size() > 40)
            return portal::PortalError(ctx, s, v, 404, Cat().Text("portal_error_not_found", v.lang));
        auto done = s.portal->Cancel(v.who, number);
        if (!done) {
            auto order = s.portal->Order(v.who, number);
            if (!order)
                return portal::PortalError(ctx, s, v, portal::StatusOf(done.error()),
                                           portal::ErrorText(done.error(), v.lang));
            return OrderPage(ctx, s, v, *order, portal::StatusOf(done.error()),
                             portal::ErrorText(done.error(), v.lang));
        }
        return SeeOther("/portal/orders/" + http::PercentEncode(number) + "?done=cancelled");
    });
    // An end customer's orders.
    router.Add("GET", "/portal/customers/{customer_id}/orders", {}, [&s](Context& ctx) {
        PORTAL_ENTER(v);
        auto got = OpenShop(ctx, s, v, ctx.Param("customer_id"));
        if (auto* r = std::get_if<Response>(&got)) return *r;
        const Shop& shop = std::get<Shop>(got);
        auto orders = s.portal->Orders(v.who, shop.customer.customer.id);
        if (!orders)
            return portal::PortalError(ctx, s, v, portal::StatusOf(orders.error()),
                                       portal::ErrorText(orders.error(), v.lang));
        json d = ShopData(ctx, s, v, shop, "portal_orders_title");
        json items = json::array();
        for (const auto& o : *orders)
            items.push_back(
                {{"number", o.order.order_number},
                 {"href", "/portal/orders/" + http::PercentEncode(o.order.order_number)},
                 {"status", portal::StatusText(o.order.status, v.lang)},
                 {"created", portal::When(v, o.order.created_at)},
                 {"delivery", Cat().Format("portal_delivery_window", v.lang,
                                           {{"date", FormatIsoDate(o.order.delivery_date, v.lang)},
                                            {"start", Clock(v, o.order.window_start_at)},
                                            {"end", Clock(v, o.order.window_end_at)}})},
                 {"total", portal::Money(v, o.order.total_minor)}});
        d["orders"] = items;
        d["empty"] = items.empty();
        return Html(ctx, 200, RenderPage("portal_orders", d));
    });

    // Saved carts (R_OMB_9): "Mina onlineköp → Sparade varukorgar".
    router.Add("GET", "/portal/saved-carts", {}, [&s](Context& ctx) {
        PORTAL_ENTER(v);
        return SavedCartsPage(ctx, s, v, 200, "");
    });
    router.Add("GET", "/portal/saved-carts/{id}", {}, [&s](Context& ctx) {
        PORTAL_ENTER(v);
        auto id = portal::ParseId(ctx.Param("id"));
        if (!id)
            return portal::PortalError(ctx, s, v, 404, Cat().Text("portal_error_not_found", v.lang),
                                       "/portal/saved-carts");
        auto sc = s.portal->SavedCart(v.who, *id);
        if (!sc)
            return portal::PortalError(ctx, s, v, portal::StatusOf(sc.error()),
                                       portal::ErrorText(sc.error(), v.lang), "/portal/saved-carts");
        return SavedCartPage(ctx, s, v, *sc, 200, "");
    });
    // "Spara ändringar": the name and each item's quantity (0 or "remove" drops it).
    router.Add("POST", "/portal/saved-carts/{id}", {}, [&s](Context& ctx) {
        PORTAL_ENTER(v);
        auto id = portal::ParseId(ctx.Param("id"));
        if (!id)
            return portal::PortalError(ctx, s, v, 404, Cat().Text("portal_error_not_found", v.lang),
                                       "/portal/saved-carts");
        auto sc = s.portal->SavedCart(v.who, *id);
        if (!sc)
            return portal::PortalError(ctx, s, v, portal::StatusOf(sc.error()),
                                       portal::ErrorText(sc.error(), v.lang), "/portal/saved-carts");
        auto form = FormOf(ctx);
        if (!form) return SavedCartPage(ctx, s, v, *sc, 400, Cat().Text("portal_error_invalid", v.lang));
        std::string name = Field(*form, "name");
        while (!name.empty() && name.back() == ' ') name.pop_back();
        while (!name.empty() && name.front() == ' ') name.erase(name.begin());
        if (name.empty() || name.size() > kNameMax)
            return SavedCartPage(ctx, s, v, *sc, 400, Cat().Text("portal_error_cart_name", v.lang));
        std::string remove = Field(*form, "remove");
        std::vector<std::pair<std::string, int64_t>> items;
        for (const auto& [p, q] : sc->items) {
            if (remove == p.ean) continue;
            auto it = form->find("q_" + p.ean);
            int64_t want = q;
            if (it != form->end()) {
                auto n = portal::ParseCount(it->second, p.weighed ? app::PortalService::kMaxWeighedGrams
                                                                  : app::PortalService::kMaxQuantity);
                if (!n)
                    return SavedCartPage(
                        ctx, s, v, *sc, 400,
                        Cat().Format("portal_error_quantity_of", v.lang, {{"name", p.name}}));
                want = *n;
            }
            if (want > 0) items.emplace_back(p.ean, want);
        }
        auto done = s.portal->UpdateSavedCart(v.who, *id, name, items);
        if (!done)
            return SavedCartPage(ctx, s, v, *sc, portal::StatusOf(done.error()),
                                 done.error().code == core::ErrorCode::kConflict
                                     ? Cat().Text("portal_error_cart_name_taken", v.lang)
                                     : portal::ErrorText(done.error(), v.lang));
        return SeeOther("/portal/saved-carts/" + std::to_string(*id) + "?done=saved");
    });
    router.Add("POST", "/portal/saved-carts/{id}/delete", {}, [&s](Context& ctx) {
        PORTAL_ENTER(v);
        auto id = portal::ParseId(ctx.Param("id"));
        if (!id)
            return portal::PortalError(ctx, s, v, 404, Cat().Text("portal_error_not_found", v.lang),
                                       "/portal/saved-carts");
        auto done = s.portal->DeleteSavedCart(v.who, *id);
        if (!done)
            return portal::PortalError(ctx, s, v, portal::StatusOf(done.error()),
                                       portal::ErrorText(done.error(), v.lang), "/portal/saved-carts");
        return SeeOther("/portal/saved-carts?done=deleted");
    });
    // "Lägg i varukorg": the saved items added to an end customer's cart.
    router.Add("POST", "/portal/saved-carts/{id}/add", {}, [&s](Context& ctx) {
        PORTAL_ENTER(v);
        auto id = portal::ParseId(ctx.Param("id"));
        if (!id)
            return portal::PortalError(ctx, s, v, 404, Cat().Text("portal_error_not_found", v.lang),
                                       "/portal/saved-carts");
        auto form = FormOf(ctx);
        auto customer = form ? portal::ParseId(Field(*form, "customer_id")) : std::nullopt;
        if (!customer)
            return SavedCartsPage(ctx, s, v, 400, Cat().Text("portal_error_choose_customer", v.lang));
        auto done = s.portal->AddSavedCart(v.who, *id, *customer);
        if (!done)
            return portal::PortalError(ctx, s, v, portal::StatusOf(done.error()),
                                       portal::ErrorText(done.error(), v.lang), "/portal/saved-carts");
        return SeeOther(ShopPath(*customer) + "/cart?done=saved-added");
    });
}

}  // namespace andel::web
