// Ombudshandel Online (issue 7, R_OMB_1..10) through the API: the operator sets up organisations; the
// portal's administrators and orderers (portal accounts, R_OMB_1) manage and shop for their end customers;
// the organisation's store (a till key) picks and delivers the orders. The pages (src/web/portal*.cpp) call
// the same service.
#include "app/portal/portal_service.hpp"
#include "http/api/api.hpp"
#include "http/json_body.hpp"

namespace andel::http {
namespace {

using nlohmann::json;

json Opt(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }
json OptText(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

json OrganisationJson(const app::OrganisationView& o) {
    return {{"id", o.record.id},
            {"market", o.record.market},
            {"name", o.record.name},
            {"org_number", o.record.org_number},
            {"store", o.record.store_code},
            {"status", o.record.status},
            {"currency", o.currency},
            {"created_at", IsoMillis(o.record.created_at)}};
}

json SlotJson(const store::SlotRecord& s) {
    return {{"id", s.id},
            {"unit_id", s.unit_id},
            {"weekday", s.weekday},
            {"window_start", s.window_start},
            {"window_end", s.window_end},
            {"capacity", s.capacity},
            {"cutoff_minutes", s.cutoff_minutes},
            {"active", s.active}};
}

json UnitJson(const app::UnitView& u) {
    json slots = json::array();
    for (const auto& s : u.slots) slots.push_back(SlotJson(s));
    return {{"id", u.unit.id},
            {"name", u.unit.name},
            {"delivery_area", u.unit.delivery_area},
            {"active", u.unit.active},
            {"slots", slots}};
}

json UserJson(const store::PortalAccountRecord& a) {
    return {{"account_id", a.id},    {"email", a.email},   {"name", a.name},
            {"role", a.role},        {"status", a.status}, {"password_set", a.password_set},
            {"language", a.language}};
}

json CustomerJson(const app::EndCustomerView& v) {
    const auto& e = v.customer;
    return {{"id", e.id},
            {"name", e.name},
            {"address", {{"street", e.street}, {"postal_code", e.postal_code}, {"city", e.city}}},
            {"unit", {{"id", e.unit_id}, {"name", v.unit_name}}},
            {"note", e.note},
            {"payment", {{"method", e.payment_method}, {"label", e.payment_label}}},
            {"member_number", OptText(e.member_number)},
            {"active", e.active},
            {"status", v.status.status ? json(*v.status.status) : json("none")},  // R_OMB_8
            {"latest_order", OptText(v.status.order_number)},
            {"next_delivery_at",
             v.status.next_delivery_at ? json(IsoMillis(*v.status.next_delivery_at)) : json(nullptr)}};
}

json ProductJson(const store::ProductRecord& p) {
    return {{"ean", p.ean},
            {"name", p.name},
            {"brand", p.brand},
            {"size", p.size},
            {"unit_price_minor", p.unit_price_minor},
            {"comparison_price_minor", Opt(p.comparison_price_minor)},
            {"comparison_unit", OptText(p.comparison_unit)},
            {"category", p.category_code},
            {"labels", json::parse(p.labels_json, nullptr, false)},
            {"weighed", p.weighed}};
}

json CartJson(const app::CartView& v) {
    json lines = json::array();
    for (const auto& l : v.lines)
        lines.push_back({{"product", ProductJson(l.product)},
                         {"quantity", l.quantity},
                         {"substitute", l.substitute},
                         {"amount_minor", l.amount_minor},
                         {"discount_minor", l.discount_minor},
                         {"offers", l.offer_titles}});
    return {{"end_customer", CustomerJson(v.customer)},
            {"lines", lines},
            {"items", v.items},
            {"subtotal_minor", v.subtotal_minor},
            {"discount_minor", v.discount_minor},
            {"total_minor", v.total_minor},
            {"earns", {{"bonus_minor", v.bonus_minor}, {"points", v.points}}},
            {"currency", v.currency}};
}

json OrderJson(const app::OrderView& v) {
    const auto& o = v.order;
    json lines = json::array();
    for (const auto& l : o.lines) {
        json line = {{"line_no", l.line_no},
                     {"ean", l.ean},
                     {"name", l.name},
                     {"size", l.size},
                     {"quantity", l.quantity},
                     {"unit_price_minor", l.unit_price_minor},
                     {"amount_minor", l.amount_minor},
                     {"discount_minor", l.discount_minor},
                     {"substitute", l.substitute},
                     {"picked_quantity", Opt(l.picked_quantity)},
                     {"substituted_by", nullptr}};
        if (l.substitute_product_id) {
            auto it = v.substitutes.find(*l.substitute_product_id);
            line["substituted_by"] = {
                {"ean", it != v.substitutes.end() ? json(it->second.ean) : json(nullptr)},
                {"name", it != v.substitutes.end() ? json(it->second.name) : json(nullptr)},
                {"quantity", Opt(l.substitute_quantity)},
                {"amount_minor", Opt(l.substitute_amount_minor)}};
        }
        lines.push_back(std::move(line));
    }
    return {
        {"order_number", o.order_number},
        {"status", o.status},
        {"end_customer", {{"id", o.end_customer_id}, {"name", v.end_customer_name}}},
        {"unit", {{"id", o.unit_id}, {"name", v.unit_name}}},
        {"orderer", v.orderer_name},
        {"delivery",
         {{"date", o.delivery_date},
          {"window_start_at", IsoMillis(o.window_start_at)},
          {"window_end_at", IsoMillis(o.window_end_at)},
          {"cutoff_at", IsoMillis(o.cutoff_at)},
          {"name", o.delivery_name},
          {"street", o.delivery_street},
          {"postal_code", o.delivery_postal_code},
          {"city", o.delivery_city}}},
        {"note", o.note},
        {"payment", {{"method", o.payment_method}, {"label", o.payment_label}, {"reference", o.reference}}},
        {"lines", lines},
        {"total_minor", o.total_minor},
        {"delivered_total_minor", Opt(o.delivered_total_minor)},
        {"currency", v.currency},
        {"cancellable", v.cancellable},
        {"created_at", IsoMillis(o.created_at)},
        {"status_at", IsoMillis(o.status_at)}};
}

json SavedJson(const app::SavedCartView& v) {
    json items = json::array();
    for (const auto& [p, q] : v.items) items.push_back({{"product", ProductJson(p)}, {"quantity", q}});
    return {{"id", v.cart.id},
            {"name", v.cart.name},
            {"items", items},
            {"total_minor", v.total_minor},
            {"updated_at", IsoMillis(v.cart.updated_at)}};
}

template <typename T, typename F>
Response Reply(Context& ctx, const core::Result<T>& r, int status, F&& to_json) {
    if (!r) return Problem(r.error(), ctx.request.request_id);
    return JsonResponse(status, to_json(*r));
}

template <typename T>
json List(const std::vector<T>& items, json (*one)(const T&)) {
    json out = json::array();
    for (const auto& i : items) out.push_back(one(i));
    return {{"items", out}};
}

app::PortalUser UserOf(const Principal& p) {
    return {p.account_id.value_or(0), p.organisation_id.value_or(0), p.Has(app::auth::kRolePortalAdmin),
            p.Actor()};
}

// A path id, or a 404 problem.
std::optional<int64_t> IdParam(Context& ctx, const std::string& name) { return ParseId(ctx.Param(name)); }

Response NotFound(Context& ctx, const std::string& what) {
    return Problem(core::Error::NotFound("no such " + what), ctx.request.request_id);
}

// A body field that must be true or false (a problem is recorded when it is missing); false then.
bool RequiredBool(Fields& f, const std::string& name) {
    auto v = f.OptionalBool(name);
    if (!v) f.Fail(name, "is required: true or false");
    return v.value_or(false);
}

struct Paging {
    int64_t limit = 50, offset = 0;
};
// ?limit= and ?offset= as whole numbers (the service checks their ranges).
core::Result<Paging> PagingOf(const Context& ctx) {
    auto limit = ParseId(std::string(ctx.request.Query("limit").value_or("50")));
    auto offset = ParseId(std::string(ctx.request.Query("offset").value_or("0")));
    if (!limit || !offset) return core::Error::Invalid("limit and offset are whole numbers", "limit");
    return Paging{*limit, *offset};
}

core::Result<app::EndCustomerInput> ReadCustomer(const json& body) {
    Fields f(body);
    app::EndCustomerInput in;
    in.unit_id = f.RequiredInt("unit_id", 1, INT64_MAX);
    in.name = f.RequiredString("name", 200);
    in.street = f.RequiredString("street", 200);
    in.postal_code = f.RequiredString("postal_code", 16);
    in.city = f.RequiredString("city", 100);
    in.note = f.OptionalString("note", 500).value_or("");
    in.payment_method = f.OptionalString("payment_method", 10).value_or("invoice");
    in.payment_label = f.OptionalString("payment_label", 100).value_or("");
    in.member_number = f.OptionalString("member_number", 20);
    in.active = f.OptionalBool("active").value_or(true);
    if (auto done = f.Finish(); !done) return done.error();
    return in;
}

}  // namespace

void AddPortalRoutes(Router& router, Services& s) {
    if (!s.portal) return;
    app::PortalService& portal = *s.portal;
    const std::set<std::string> kOperator = {app::kRoleBackOffice, app::auth::kRoleAdmin};
    const std::set<std::string> kPortal = {app::auth::kRoleOrderer, app::auth::kRolePortalAdmin};
    const std::set<std::string> kAdmin = {app::auth::kRolePortalAdmin};
    const std::set<std::string> kStore = {app::kRoleTill};

    // The operator: organisations and their first administrator (R_OMB_1, R_OMB_2).
    router.Add("GET", "/api/v1/portal/organisations", kOperator, [&portal](Context& ctx) {
        return Reply(ctx, portal.Organisations(), 200,
                     [](const auto& v) { return List<app::OrganisationView>(v, OrganisationJson); });
    });
    router.Add("POST", "/api/v1/portal/organisations", kOperator, [&portal](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string market = f.RequiredString("market", 8);
        std::string name = f.RequiredString("name", 200);
        std::string number = f.RequiredString("org_number", 32);
        std::string store = f.RequiredString("store", 64);
        std::string admin_email = f.RequiredString("admin_email", 254);
        std::string admin_name = f.RequiredString("admin_name", 200);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto org = portal.CreateOrganisation(market, name, number, store, ctx.principal.Actor());
        if (!org) return Problem(org.error(), ctx.request.request_id);
        auto admin = portal.AddUserAsOperator(org->record.id, admin_email, admin_name,
                                              app::auth::kRolePortalAdmin, "", ctx.principal.Actor());
        json j = OrganisationJson(*org);
        j["admin"] = admin ? json{{"account_id", *admin}} : json{{"error", admin.error().detail}};
        return JsonResponse(201, j);
    });
    router.Add(
        "POST", "/api/v1/portal/organisations/{organisation_id}/users", kOperator, [&portal](Context& ctx) {
            auto id = IdParam(ctx, "organisation_id");
            if (!id) return NotFound(ctx, "organisation");
            auto body = ParseObject(ctx.request);
            if (!body) return Problem(body.error(), ctx.request.request_id);
            Fields f(*body);
            std::string email = f.RequiredString("email", 254), name = f.RequiredString("name", 200);
            std::string role = f.OptionalString("role", 20).value_or(app::auth::kRolePortalAdmin);
            std::string language = f.OptionalString("language", 8).value_or("");
            if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
            return Reply(ctx,
                         portal.AddUserAsOperator(*id, email, name, role, language, ctx.principal.Actor()),
                         201, [](int64_t account) {
                             return json{{"account_id", account}};
                         });
        });

    // The organisation's administrators: users, units, slots, end customers.
    router.Add("GET", "/api/v1/portal/users", kAdmin, [&portal](Context& ctx) {
        return Reply(ctx, portal.Users(UserOf(ctx.principal)), 200,
                     [](const auto& v) { return List<store::PortalAccountRecord>(v, UserJson); });
    });
    router.Add("POST", "/api/v1/portal/users", kAdmin, [&portal](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string email = f.RequiredString("email", 254), name = f.RequiredString("name", 200);
        std::string role = f.OptionalString("role", 20).value_or(app::auth::kRoleOrderer);
        std::string language = f.OptionalString("language", 8).value_or("");
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        return Reply(ctx, portal.AddUser(UserOf(ctx.principal), email, name, role, language), 201,
                     [](int64_t account) {
                         return json{{"account_id", account}};
                     });
    });
    router.Add("PUT", "/api/v1/portal/users/{account_id}", kAdmin, [&portal](Context& ctx) {
        auto id = IdParam(ctx, "account_id");
        if (!id) return NotFound(ctx, "user");
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        bool active = RequiredBool(f, "active");
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        return Reply(ctx, portal.SetUserActive(UserOf(ctx.principal), *id, active), 200, UserJson);
    });
    router.Add("GET", "/api/v1/portal/units", kPortal, [&portal](Context& ctx) {
        return Reply(ctx, portal.Units(UserOf(ctx.principal)), 200,
                     [](const auto& v) { return List<app::UnitView>(v, UnitJson); });
    });
    router.Add("POST", "/api/v1/portal/units", kAdmin, [&portal](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string name = f.RequiredString("name", 120);
        std::string area = f.OptionalString("delivery_area", 300).value_or("");
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        return Reply(ctx, portal.CreateUnit(UserOf(ctx.principal), name, area), 201, UnitJson);
    });
    router.Add("POST", "/api/v1/portal/units/{unit_id}/slots", kAdmin, [&portal](Context& ctx) {
        auto id = IdParam(ctx, "unit_id");
        if (!id) return NotFound(ctx, "unit");
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        int64_t weekday = f.RequiredInt("weekday", 1, 7);
        std::string start = f.RequiredString("window_start", 5), end = f.RequiredString("window_end", 5);
        int64_t capacity = f.RequiredInt("capacity", 1, 1000);
        int64_t cutoff = f.RequiredInt("cutoff_minutes", 0, 7 * 24 * 60);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        return Reply(ctx, portal.AddSlot(UserOf(ctx.principal), *id, weekday, start, end, capacity, cutoff),
                     201, SlotJson);
    });
    router.Add("PUT", "/api/v1/portal/slots/{slot_id}", kAdmin, [&portal](Context& ctx) {
        auto id = IdParam(ctx, "slot_id");
        if (!id) return NotFound(ctx, "slot");
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        bool active = RequiredBool(f, "active");
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        return Reply(ctx, portal.SetSlotActive(UserOf(ctx.principal), *id, active), 200, SlotJson);
    });

    // End customers (R_OMB_8: each with its status and next delivery).
    router.Add("GET", "/api/v1/portal/end-customers", kPortal, [&portal](Context& ctx) {
        auto paging = PagingOf(ctx);
        if (!paging) return Problem(paging.error(), ctx.request.request_id);
        auto page = portal.EndCustomers(UserOf(ctx.principal),
                                        std::string(ctx.request.Query("q").value_or("")), paging->limit,
                                        paging->offset, ctx.request.Query("inactive").value_or("") == "true");
        return Reply(ctx, page, 200, [](const app::EndCustomerPage& p) {
            json items = json::array();
            for (const auto& v : p.items) items.push_back(CustomerJson(v));
            return json{{"items", items}, {"total", p.total}};
        });
    });
    router.Add("POST", "/api/v1/portal/end-customers", kAdmin, [&portal](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        auto in = ReadCustomer(*body);
        if (!in) return Problem(in.error(), ctx.request.request_id);
        return Reply(ctx, portal.CreateEndCustomer(UserOf(ctx.principal), *in), 201, CustomerJson);
    });
    router.Add("GET", "/api/v1/portal/end-customers/{end_customer_id}", kPortal, [&portal](Context& ctx) {
        auto id = IdParam(ctx, "end_customer_id");
        if (!id) return NotFound(ctx, "end customer");
        return Reply(ctx, portal.EndCustomer(UserOf(ctx.principal), *id), 200, CustomerJson);
    });
    router.Add("PUT", "/api/v1/portal/end-customers/{end_customer_id}", kAdmin, [&portal](Context& ctx) {
        auto id = IdParam(ctx, "end_customer_id");
        if (!id) return NotFound(ctx, "end customer");
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        auto in = ReadCustomer(*body);
        if (!in) return Problem(in.error(), ctx.request.request_id);
        return Reply(ctx, portal.UpdateEndCustomer(UserOf(ctx.principal), *id, *in), 200, CustomerJson);
    });

    // The shop for one end customer (R_OMB_3..7).
    router.Add(
        "GET", "/api/v1/portal/end-customers/{end_customer_id}/products", kPortal, [&portal](Context& ctx) {
            auto id = IdParam(ctx, "end_customer_id");
            if (!id) return NotFound(ctx, "end customer");
            auto paging = PagingOf(ctx);
            if (!paging) return Problem(paging.error(), ctx.request.request_id);
            std::optional<std::string> category;
            if (auto c = ctx.request.Query("category")) category = std::string(*c);
            auto page =
                portal.Search(UserOf(ctx.principal), *id, std::string(ctx.request.Query("q").value_or("")),
                              category, paging->limit, paging->offset);
            return Reply(ctx, page, 200, [](const app::ProductPage& p) {
                json items = json::array();
                for (const auto& v : p.items) items.push_back(ProductJson(v.product));
                return json{{"items", items}, {"total", p.total}};
            });
        });
    router.Add("GET", "/api/v1/portal/end-customers/{end_customer_id}/offers", kPortal,
               [&portal](Context& ctx) {
                   auto id = IdParam(ctx, "end_customer_id");
                   if (!id) return NotFound(ctx, "end customer");
                   return Reply(ctx, portal.Offers(UserOf(ctx.principal), *id), 200, [](const auto& list) {
                       json items = json::array();
                       for (const auto& o : list) {
                           json products = json::array();
                           for (const auto& p : o.products) products.push_back(ProductJson(p));
                           items.push_back({{"code", o.offer.record.code},
                                            {"title", o.offer.record.title},
                                            {"description", o.offer.record.description},
                                            {"kind", o.offer.record.kind},
                                            {"valid_to", o.offer.record.valid_to},
                                            {"products", products}});
                       }
                       return json{{"items", items}};
                   });
               });
    router.Add("GET", "/api/v1/portal/end-customers/{end_customer_id}/cart", kPortal,
               [&portal](Context& ctx) {
                   auto id = IdParam(ctx, "end_customer_id");
                   if (!id) return NotFound(ctx, "end customer");
                   return Reply(ctx, portal.Cart(UserOf(ctx.principal), *id), 200, CartJson);
               });
    router.Add("POST", "/api/v1/portal/end-customers/{end_customer_id}/cart/items", kPortal,
               [&portal](Context& ctx) {
                   auto id = IdParam(ctx, "end_customer_id");
                   if (!id) return NotFound(ctx, "end customer");
                   auto body = ParseObject(ctx.request);
                   if (!body) return Problem(body.error(), ctx.request.request_id);
                   Fields f(*body);
                   std::string ean = f.RequiredString("ean", 14);
                   int64_t quantity = f.OptionalInt("quantity", -1'000'000, 1'000'000).value_or(1);
                   if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
                   return Reply(ctx, portal.AddToCart(UserOf(ctx.principal), *id, ean, quantity), 200,
                                CartJson);
               });
    router.Add("PUT", "/api/v1/portal/end-customers/{end_customer_id}/cart/items/{ean}", kPortal,
               [&portal](Context& ctx) {
                   auto id = IdParam(ctx, "end_customer_id");
                   if (!id) return NotFound(ctx, "end customer");
                   auto body = ParseObject(ctx.request);
                   if (!body) return Problem(body.error(), ctx.request.request_id);
                   Fields f(*body);
                   auto quantity = f.OptionalInt("quantity", -1'000'000, 1'000'000);
                   auto substitute = f.OptionalBool("substitute");
                   if (!quantity && !substitute) f.Fail("quantity", "give quantity, substitute or both");
                   if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
                   app::PortalUser who = UserOf(ctx.principal);
                   if (quantity) {
                       auto r = portal.SetQuantity(who, *id, ctx.Param("ean"), *quantity);
                       if (!r || !substitute) return Reply(ctx, r, 200, CartJson);
                   }
                   return Reply(ctx, portal.SetSubstitute(who, *id, ctx.Param("ean"), *substitute), 200,
                                CartJson);
               });
    router.Add("DELETE", "/api/v1/portal/end-customers/{end_customer_id}/cart/items/{ean}", kPortal,
               [&portal](Context& ctx) {
                   auto id = IdParam(ctx, "end_customer_id");
                   if (!id) return NotFound(ctx, "end customer");
                   return Reply(ctx, portal.SetQuantity(UserOf(ctx.principal), *id, ctx.Param("ean"), 0), 200,
                                CartJson);
               });
    // R_OMB_6: "substitute all" (or none).
    router.Add("PUT", "/api/v1/portal/end-customers/{end_customer_id}/cart/substitutes", kPortal,
               [&portal](Context& ctx) {
                   auto id = IdParam(ctx, "end_customer_id");
                   if (!id) return NotFound(ctx, "end customer");
                   auto body = ParseObject(ctx.request);
                   if (!body) return Problem(body.error(), ctx.request.request_id);
                   Fields f(*body);
                   bool substitute = RequiredBool(f, "substitute");
                   if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
                   return Reply(ctx, portal.SetSubstitute(UserOf(ctx.principal), *id, "", substitute), 200,
                                CartJson);
               });
    router.Add(
        "GET", "/api/v1/portal/end-customers/{end_customer_id}/deliveries", kPortal, [&portal](Context& ctx) {
            auto id = IdParam(ctx, "end_customer_id");
            if (!id) return NotFound(ctx, "end customer");
            return Reply(ctx, portal.Deliveries(UserOf(ctx.principal), *id), 200, [](const auto& list) {
                json items = json::array();
                for (const auto& d : list)
                    items.push_back({{"slot_id", d.slot.id},
                                     {"delivery_date", d.delivery_date},
                                     {"window_start_at", IsoMillis(d.window_start_at)},
                                     {"window_end_at", IsoMillis(d.window_end_at)},
                                     {"cutoff_at", IsoMillis(d.cutoff_at)},
                                     {"places_left", d.places_left}});
                return json{{"items", items}};
            });
        });
    // "Complete purchase" (R_OMB_7, R_OMB_8).
    router.Add("POST", "/api/v1/portal/end-customers/{end_customer_id}/orders", kPortal,
               [&portal](Context& ctx) {
                   auto id = IdParam(ctx, "end_customer_id");
                   if (!id) return NotFound(ctx, "end customer");
                   auto body = ParseObject(ctx.request);
                   if (!body) return Problem(body.error(), ctx.request.request_id);
                   Fields f(*body);
                   app::CheckoutInput in;
                   in.end_customer_id = *id;
                   in.slot_id = f.RequiredInt("slot_id", 1, INT64_MAX);
                   in.delivery_date = f.RequiredString("delivery_date", 10);
                   in.checkout_key = f.RequiredString("checkout_key", 64);
                   if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
                   return Reply(ctx, portal.Checkout(UserOf(ctx.principal), in), 201, OrderJson);
               });
    router.Add("GET", "/api/v1/portal/end-customers/{end_customer_id}/orders", kPortal,
               [&portal](Context& ctx) {
                   auto id = IdParam(ctx, "end_customer_id");
                   if (!id) return NotFound(ctx, "end customer");
                   return Reply(ctx, portal.Orders(UserOf(ctx.principal), *id), 200,
                                [](const auto& v) { return List<app::OrderView>(v, OrderJson); });
               });
    router.Add("GET", "/api/v1/portal/orders/{order_number}", kPortal, [&portal](Context& ctx) {
        return Reply(ctx, portal.Order(UserOf(ctx.principal), ctx.Param("order_number")), 200, OrderJson);
    });
    router.Add("POST", "/api/v1/portal/orders/{order_number}/cancellation", kPortal, [&portal](Context& ctx) {
        return Reply(ctx, portal.Cancel(UserOf(ctx.principal), ctx.Param("order_number")), 200, OrderJson);
    });

    // Saved carts (R_OMB_9).
    router.Add("GET", "/api/v1/portal/saved-carts", kPortal, [&portal](Context& ctx) {
        return Reply(ctx, portal.SavedCarts(UserOf(ctx.principal)), 200,
                     [](const auto& v) { return List<app::SavedCartView>(v, SavedJson); });
    });
    router.Add("POST", "/api/v1/portal/saved-carts", kPortal, [&portal](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        int64_t customer = f.RequiredInt("end_customer_id", 1, INT64_MAX);
        std::string name = f.RequiredString("name", 100);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        return Reply(ctx, portal.SaveCart(UserOf(ctx.principal), customer, name), 201, SavedJson);
    });
    router.Add("GET", "/api/v1/portal/saved-carts/{cart_id}", kPortal, [&portal](Context& ctx) {
        auto id = IdParam(ctx, "cart_id");
        if (!id) return NotFound(ctx, "saved cart");
        return Reply(ctx, portal.SavedCart(UserOf(ctx.principal), *id), 200, SavedJson);
    });
    router.Add("PUT", "/api/v1/portal/saved-carts/{cart_id}", kPortal, [&portal](Context& ctx) {
        auto id = IdParam(ctx, "cart_id");
        if (!id) return NotFound(ctx, "saved cart");
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string name = f.RequiredString("name", 100);
        std::vector<std::pair<std::string, int64_t>> items;
        if (const auto* list = f.Array("items", app::PortalService::kMaxCartLines, true))
            for (size_t i = 0; i < list->size(); ++i) {
                std::string prefix = "items[" + std::to_string(i) + "].";
                if (!(*list)[i].is_object())
                    return Problem(core::Error::Malformed(prefix + " must be an object", "items"),
                                   ctx.request.request_id);
                Fields it((*list)[i], prefix);
                std::string ean = it.RequiredString("ean", 14);
                int64_t quantity = it.RequiredInt("quantity", -1'000'000, 1'000'000);
                if (auto done = it.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
                items.emplace_back(ean, quantity);
            }
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        return Reply(ctx, portal.UpdateSavedCart(UserOf(ctx.principal), *id, name, items), 200, SavedJson);
    });
    router.Add("DELETE", "/api/v1/portal/saved-carts/{cart_id}", kPortal, [&portal](Context& ctx) {
        auto id = IdParam(ctx, "cart_id");
        if (!id) return NotFound(ctx, "saved cart");
        auto r = portal.DeleteSavedCart(UserOf(ctx.principal), *id);
        if (!r) return Problem(r.error(), ctx.request.request_id);
        return JsonResponse(200, {{"deleted", *id}});
    });
    router.Add("POST", "/api/v1/portal/saved-carts/{cart_id}/to-cart", kPortal, [&portal](Context& ctx) {
        auto id = IdParam(ctx, "cart_id");
        if (!id) return NotFound(ctx, "saved cart");
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        int64_t customer = f.RequiredInt("end_customer_id", 1, INT64_MAX);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        return Reply(ctx, portal.AddSavedCart(UserOf(ctx.principal), *id, customer), 200, CartJson);
    });

    // The store: pickers see the orders, start picking, report what they picked and deliver.
    router.Add("GET", "/api/v1/store/portal-orders", kStore, [&portal](Context& ctx) {
        return Reply(ctx,
                     portal.StoreOrders(*ctx.principal.store_id,
                                        std::string(ctx.request.Query("status").value_or("ordered"))),
                     200, [](const auto& v) { return List<app::OrderView>(v, OrderJson); });
    });
    router.Add("GET", "/api/v1/store/portal-orders/{order_number}", kStore, [&portal](Context& ctx) {
        return Reply(ctx, portal.StoreOrder(*ctx.principal.store_id, ctx.Param("order_number")), 200,
                     OrderJson);
    });
    router.Add("POST", "/api/v1/store/portal-orders/{order_number}/picking", kStore, [&portal](Context& ctx) {
        return Reply(
            ctx,
            portal.StartPicking(*ctx.principal.store_id, ctx.Param("order_number"), ctx.principal.Actor()),
            200, OrderJson);
    });
    router.Add("POST", "/api/v1/store/portal-orders/{order_number}/delivery", kStore,
               [&portal](Context& ctx) {
                   auto body = ParseObject(ctx.request);
                   if (!body) return Problem(body.error(), ctx.request.request_id);
                   Fields f(*body);
                   std::vector<app::PickedLine> picked;
                   if (const auto* list = f.Array("lines", app::PortalService::kMaxCartLines, true))
                       for (size_t i = 0; i < list->size(); ++i) {
                           std::string prefix = "lines[" + std::to_string(i) + "].";
                           if (!(*list)[i].is_object())
                               return Problem(core::Error::Malformed(prefix + " must be an object", "lines"),
                                              ctx.request.request_id);
                           Fields it((*list)[i], prefix);
                           app::PickedLine p;
                           p.line_no = it.RequiredInt("line_no", 1, 1000);
                           p.picked_quantity = it.RequiredInt("picked_quantity", 0, 1'000'000);
                           if (const auto* sub = it.OptionalObject("substitute")) {
                               Fields sf(*sub, prefix + "substitute.");
                               p.substitute_ean = sf.RequiredString("ean", 14);
                               p.substitute_quantity = sf.RequiredInt("quantity", 1, 1'000'000);
                               if (auto done = sf.Finish(); !done)
                                   return Problem(done.error(), ctx.request.request_id);
                           }
                           if (auto done = it.Finish(); !done)
                               return Problem(done.error(), ctx.request.request_id);
                           picked.push_back(std::move(p));
                       }
                   if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
                   return Reply(ctx,
                                portal.Deliver(*ctx.principal.store_id, ctx.Param("order_number"), picked,
                                               ctx.principal.Actor()),
                                200, OrderJson);
               });
}

}  // namespace andel::http
