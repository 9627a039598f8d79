// Offers (issue 6, R_OFF_1, R_OFF_2, R_MEM_1): the back office creates, schedules, pauses, assigns and
// reports on offers; members list and activate theirs in the app or on the web; the store's price checker
// shows a product's prices and a member's offers and activates them; the till prices a basket.
#include "app/offers/offer_service.hpp"
#include "http/api/api.hpp"
#include "http/api/offer_json.hpp"
#include "http/json_body.hpp"

namespace andel::http {
namespace {

using nlohmann::json;
constexpr int64_t kMax = 1'000'000'000;

json Opt(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }

json OfferJson(const app::OfferView& v) {
    const auto& r = v.record;
    const auto& p = v.priced;
    json target = {{"kind", r.target_kind}};
    if (r.target_kind == "products") target["eans"] = p.eans;
    if (r.target_kind == "category") target["category"] = p.category;
    json params = json::object();
    for (auto [name, value] :
         {std::pair{"member_price_minor", p.member_price_minor}, std::pair{"percent_bp", p.percent_bp},
          std::pair{"amount_minor", p.amount_minor}, std::pair{"buy_quantity", p.buy_quantity},
          std::pair{"pay_quantity", p.pay_quantity}, std::pair{"bundle_price_minor", p.bundle_price_minor},
          std::pair{"bonus_bp", p.bonus_bp}, std::pair{"points_per_unit", p.points_per_unit},
          std::pair{"points", p.points}, std::pair{"min_spend_minor", p.min_spend_minor}})
        if (value != 0 || (std::string(name) == "member_price_minor" && r.kind == "member_price"))
            params[name] = value;
    json segment = json::object();
    const auto& s = v.segment;
    if (!s.cooperatives.empty()) segment["cooperatives"] = s.cooperatives;
    if (!s.home_stores.empty()) segment["home_stores"] = s.home_stores;
    for (auto [name, value] :
         {std::pair{"household_size_min", s.household_size_min},
          std::pair{"household_size_max", s.household_size_max}, std::pair{"age_min", s.age_min},
          std::pair{"age_max", s.age_max}, std::pair{"min_receipts_90d", s.min_receipts_90d}})
        if (value) segment[name] = *value;
    return {{"code", r.code},
            {"market", r.market},
            {"title", r.title},
            {"description", r.description},
            {"kind", r.kind},
            {"target", target},
            {"params", params},
            {"audience", r.audience},
            {"segment", segment},
            {"members_only", r.members_only},
            {"requires_activation", r.requires_activation},
            {"valid_from", r.valid_from},
            {"valid_to", r.valid_to},
            {"limits",
             {{"per_member", Opt(r.limit_per_member)},
              {"per_receipt", Opt(r.limit_per_receipt)},
              {"total", Opt(r.limit_total)}}},
            {"status", r.status},
            {"state", v.state},
            {"redeemed", r.redeemed}};
}

// What a member sees of an offer: no audience rules, limits or counters.
json MemberOfferJson(const app::MemberOffer& m) {
    json j = OfferJson(m.offer);
    for (const char* k : {"audience", "segment", "redeemed", "status", "market"}) j.erase(k);
    j["activated"] = m.activated;
    j["uses_left"] = Opt(m.uses_left);
    return j;
}

core::Result<app::OfferInput> ReadOffer(const json& body, bool creating) {
    Fields f(body);
    app::OfferInput in;
    if (creating) {
        in.code = f.RequiredString("code", 64);
        in.market = f.RequiredString("market", 2);
    }
    in.title = f.RequiredString("title", 100);
    in.description = f.OptionalString("description", 1000).value_or("");
    in.kind = f.RequiredString("kind", 20);
    if (const auto* t = f.OptionalObject("target")) {
        Fields tf(*t, "target.");
        in.target_kind = tf.RequiredString("kind", 10);
        if (const auto* eans = tf.Array("eans", 500, false))
            for (const auto& e : *eans) {
                if (!e.is_string()) return core::Error::Malformed("target.eans are strings", "target.eans");
                in.eans.push_back(e.get<std::string>());
            }
        in.category = tf.OptionalString("category", 64).value_or("");
        ANDEL_TRY(tf.Finish());
    } else {
        f.Fail("target", "is required: {\"kind\": \"products\" | \"category\" | \"basket\", ...}");
    }
    if (const auto* p = f.OptionalObject("params")) {
        Fields pf(*p, "params.");
        in.member_price_minor = pf.OptionalInt("member_price_minor", -kMax, kMax).value_or(0);
        in.percent_bp = pf.OptionalInt("percent_bp", -kMax, kMax).value_or(0);
        in.amount_minor = pf.OptionalInt("amount_minor", -kMax, kMax).value_or(0);
        in.buy_quantity = pf.OptionalInt("buy_quantity", -kMax, kMax).value_or(0);
        in.pay_quantity = pf.OptionalInt("pay_quantity", -kMax, kMax).value_or(0);
        in.bundle_price_minor = pf.OptionalInt("bundle_price_minor", -kMax, kMax).value_or(0);
        in.bonus_bp = pf.OptionalInt("bonus_bp", -kMax, kMax).value_or(0);
        in.points_per_unit = pf.OptionalInt("points_per_unit", -kMax, kMax).value_or(0);
        in.points = pf.OptionalInt("points", -kMax, kMax).value_or(0);
        in.min_spend_minor = pf.OptionalInt("min_spend_minor", -kMax, kMax).value_or(0);
        ANDEL_TRY(pf.Finish());
    }
    in.audience = f.OptionalString("audience", 10).value_or("all");
    if (const auto* seg = f.OptionalObject("segment")) {
        Fields sf(*seg, "segment.");
        for (auto [name, into] : {std::pair{"cooperatives", &in.segment.cooperatives},
                                  std::pair{"home_stores", &in.segment.home_stores}})
            if (const auto* list = sf.Array(name, 100, false))
                for (const auto& e : *list) {
                    if (!e.is_string() || e.get<std::string>().size() > 64)
                        return core::Error::Malformed(std::string("segment.") + name + " are codes",
                                                      "segment");
                    into->push_back(e.get<std::string>());
                }
        in.segment.household_size_min = sf.OptionalInt("household_size_min", -kMax, kMax);
        in.segment.household_size_max = sf.OptionalInt("household_size_max", -kMax, kMax);
        in.segment.age_min = sf.OptionalInt("age_min", -kMax, kMax);
        in.segment.age_max = sf.OptionalInt("age_max", -kMax, kMax);
        in.segment.min_receipts_90d = sf.OptionalInt("min_receipts_90d", -kMax, kMax);
        ANDEL_TRY(sf.Finish());
    }
    in.members_only = f.OptionalBool("members_only").value_or(true);
    in.requires_activation = f.OptionalBool("requires_activation").value_or(false);
    in.valid_from = f.RequiredString("valid_from", 10);
    in.valid_to = f.RequiredString("valid_to", 10);
    if (const auto* l = f.OptionalObject("limits")) {
        Fields lf(*l, "limits.");
        in.limit_per_member = lf.OptionalInt("per_member", -kMax, kMax);
        in.limit_per_receipt = lf.OptionalInt("per_receipt", -kMax, kMax);
        in.limit_total = lf.OptionalInt("total", -kMax, kMax);
        ANDEL_TRY(lf.Finish());
    }
    ANDEL_TRY(f.Finish());
    return in;
}

json QuoteJson(const app::Quote& q, const std::vector<app::TillBasketLine>& in) {
    json lines = json::array();
    for (size_t i = 0; i < in.size(); ++i) {
        const auto& l = q.priced.lines[i];
        json offer = nullptr;
        if (l.price_offer) offer = q.priced.used[static_cast<size_t>(*l.price_offer)].code;
        lines.push_back({{"sku", in[i].sku},
                         {"amount_minor", in[i].amount_minor},
                         {"discount_minor", l.discount_minor},
                         {"net_minor", in[i].amount_minor - l.discount_minor},
                         {"offer", offer}});
    }
    json used = json::array();
    for (size_t i = 0; i < q.priced.used.size(); ++i) {
        const auto& u = q.priced.used[i];
        used.push_back({{"code", u.code},
                        {"title", i < q.used.size() ? json(q.used[i].record.title) : json(nullptr)},
                        {"units", u.units},
                        {"discount_minor", u.discount_minor},
                        {"bonus_minor", u.bonus_minor},
                        {"points", u.points}});
    }
    return {{"quote_id", q.quote_id ? json(*q.quote_id) : json(nullptr)},
            {"member_number", q.member_number ? json(*q.member_number) : json(nullptr)},
            {"currency", q.currency},
            {"lines", lines},
            {"offers", used},
            {"total_minor", q.priced.total_minor},
            {"discount_minor", q.priced.discount_minor},
            {"to_pay_minor", q.priced.total_minor - q.priced.discount_minor},
            {"earns", {{"bonus_minor", q.bonus_minor}, {"points", q.points}}},
            {"expires_at", q.quote_id ? json(IsoMillis(q.expires_at)) : json(nullptr)}};
}

core::Result<app::BasketInput> ReadBasket(const json& body) {
    Fields f(body);
    app::BasketInput in;
    if (const auto* customer = f.OptionalObject("customer")) {
        Fields c(*customer, "customer.");
        in.card = c.OptionalString("card", 16);
        in.member_number = c.OptionalString("member_number", 8);
        ANDEL_TRY(c.Finish());
    }
    if (const auto* lines = f.Array("lines", app::OfferService::kMaxLines, true))
        for (size_t i = 0; i < lines->size(); ++i) {
            std::string prefix = "lines[" + std::to_string(i) + "].";
            if (!(*lines)[i].is_object())
                return core::Error::Malformed(prefix + " must be an object", "lines");
            Fields l((*lines)[i], prefix);
            app::TillBasketLine line;
            line.sku = l.RequiredString("sku", 64);
            line.category = l.OptionalString("category", 64).value_or("");
            line.quantity = l.OptionalInt("quantity", -1'000'000, 1'000'000).value_or(1);
            line.amount_minor = l.RequiredInt("amount_minor", -100'000'000'000, 100'000'000'000);
            ANDEL_TRY(l.Finish());
            in.lines.push_back(std::move(line));
        }
    ANDEL_TRY(f.Finish());
    return in;
}

template <typename T, typename F>
Response Reply(Context& ctx, const core::Result<T>& r, int status, F&& to_json) {
    if (!r) return Problem(r.error(), ctx.request.request_id);
    return JsonResponse(status, to_json(*r));
}

}  // namespace

core::Result<app::OfferInput> ReadOfferJson(const nlohmann::json& body, bool creating) {
    return ReadOffer(body, creating);
}

nlohmann::json OfferViewJson(const app::OfferView& v) { return OfferJson(v); }

nlohmann::json OfferReportJson(const app::OfferReport& r) {
    const auto& n = r.counts;
    return json{
        {"offer", OfferJson(r.offer)},  {"assigned", n.assigned}, {"activated", n.activated},
        {"redeemed", n.redemptions},    {"units", n.units},       {"discount_minor", n.discount_minor},
        {"bonus_minor", n.bonus_minor}, {"points", n.points}};
}

void AddOfferRoutes(Router& router, Services& s) {
    if (!s.offers) return;
    app::OfferService& offers = *s.offers;
    const std::set<std::string> kBackOffice = {app::kRoleBackOffice};
    const std::set<std::string> kCustomers = {app::auth::kRoleMember, app::auth::kRoleFamilyMember,
                                              app::auth::kRoleProfile};
    const std::set<std::string> kKiosk = {app::kRoleKiosk};

    router.Add("POST", "/api/v1/offers", kBackOffice, [&offers](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        auto in = ReadOffer(*body, true);
        if (!in) return Problem(in.error(), ctx.request.request_id);
        return Reply(ctx, offers.Create(*in, ctx.principal.Actor()), 201, OfferJson);
    });
    router.Add("GET", "/api/v1/offers", kBackOffice, [&offers](Context& ctx) {
        return Reply(ctx, offers.List(ctx.request.Query("market").value_or("")), 200, [](const auto& list) {
            json items = json::array();
            for (const auto& v : list) items.push_back(OfferJson(v));
            return json{{"items", items}};
        });
    });
    router.Add("GET", "/api/v1/offers/{offer_code}", kBackOffice, [&offers](Context& ctx) {
        return Reply(ctx, offers.Get(ctx.Param("offer_code")), 200, OfferJson);
    });
    router.Add("PUT", "/api/v1/offers/{offer_code}", kBackOffice, [&offers](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        auto in = ReadOffer(*body, false);
        if (!in) return Problem(in.error(), ctx.request.request_id);
        return Reply(ctx, offers.Update(ctx.Param("offer_code"), *in, ctx.principal.Actor()), 200, OfferJson);
    });
    // Pause or resume (scheduling is by the validity dates).
    router.Add("PUT", "/api/v1/offers/{offer_code}/status", kBackOffice, [&offers](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string status = f.RequiredString("status", 10);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        return Reply(ctx, offers.SetStatus(ctx.Param("offer_code"), status, ctx.principal.Actor()), 200,
                     OfferJson);
    });
    router.Add("POST", "/api/v1/offers/{offer_code}/assignments", kBackOffice, [&offers](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::vector<std::string> numbers;
        if (const auto* list = f.Array("member_numbers", 10'000, true))
            for (const auto& n : *list) {
                if (!n.is_string())
                    return Problem(core::Error::Malformed("member numbers are strings", "member_numbers"),
                                   ctx.request.request_id);
                numbers.push_back(n.get<std::string>());
            }
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        return Reply(ctx, offers.Assign(ctx.Param("offer_code"), numbers, ctx.principal.Actor()), 200,
                     [](int64_t added) {
                         return json{{"assigned", added}};
                     });
    });
    router.Add("GET", "/api/v1/offers/{offer_code}/report", kBackOffice, [&offers](Context& ctx) {
        return Reply(ctx, offers.Report(ctx.Param("offer_code")), 200, OfferReportJson);
    });

    // The member's own offers, in the app (bearer session) or on the web (cookie).
    router.Add("GET", "/api/v1/me/offers", kCustomers, [&offers](Context& ctx) {
        return Reply(ctx, offers.ForMember(*ctx.principal.member_id), 200, [](const auto& list) {
            json items = json::array();
            for (const auto& m : list) items.push_back(MemberOfferJson(m));
            return json{{"items", items}};
        });
    });
    router.Add("POST", "/api/v1/me/offers/{offer_code}/activation", kCustomers, [&offers](Context& ctx) {
        return Reply(ctx,
                     offers.Activate(*ctx.principal.member_id, ctx.Param("offer_code"),
                                     ctx.principal.by_cookie ? "web" : "app"),
                     200, MemberOfferJson);
    });

    // The till prices a basket for the identified customer (issue 6 §3).
    router.Add("POST", "/api/v1/till/baskets", {app::kRoleTill}, [&offers](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        auto in = ReadBasket(*body);
        if (!in) return Problem(in.error(), ctx.request.request_id);
        auto q = offers.Price(*ctx.principal.store_id, *in);
        if (!q) return Problem(q.error(), ctx.request.request_id);
        return JsonResponse(200, QuoteJson(*q, in->lines));
    });

    // The store's price checker (R_OFF_2): a scanned member card shows the first name and the member's
    // offers; one tap activates. Only members: a customer with a profile is told so.
    auto member_by_card = [&s](const std::string& card) -> core::Result<app::TillIdentity> {
        auto who = s.membership.IdentifyByCard(card);
        if (!who) return who.error();
        if (who->member.kind != "member")
            return core::Error::Rule(
                "R_OFF_2", "the price checker is for members; a customer with a profile cannot use it");
        return who;
    };
    router.Add("POST", "/api/v1/price-checker/member-offers", kKiosk,
               [&offers, member_by_card](Context& ctx) {
                   auto body = ParseObject(ctx.request);
                   if (!body) return Problem(body.error(), ctx.request.request_id);
                   Fields f(*body);
                   std::string card = f.RequiredString("card", 16);
                   if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
                   auto who = member_by_card(card);
                   if (!who) return Problem(who.error(), ctx.request.request_id);
                   auto list = offers.ForMember(who->member.member_id);
                   if (!list) return Problem(list.error(), ctx.request.request_id);
                   json items = json::array();
                   for (const auto& m : *list) items.push_back(MemberOfferJson(m));
                   return JsonResponse(200, {{"first_name", who->member.first_name}, {"items", items}});
               });
    router.Add("POST", "/api/v1/price-checker/activations", kKiosk, [&offers, member_by_card](Context& ctx) {
        auto body = ParseObject(ctx.request);
        if (!body) return Problem(body.error(), ctx.request.request_id);
        Fields f(*body);
        std::string card = f.RequiredString("card", 16);
        std::string code = f.RequiredString("offer_code", 64);
        if (auto done = f.Finish(); !done) return Problem(done.error(), ctx.request.request_id);
        auto who = member_by_card(card);
        if (!who) return Problem(who.error(), ctx.request.request_id);
        return Reply(ctx, offers.Activate(who->member.member_id, code, "price_checker"), 200,
                     MemberOfferJson);
    });
    // A scanned product: its shelf price and the member campaigns on it (no member needed).
    router.Add("GET", "/api/v1/price-checker/products/{ean}", kKiosk, [&s, &offers](Context& ctx) {
        if (!s.catalogue) return Problem(core::Error::NotFound("no catalogue"), ctx.request.request_id);
        auto store = offers.StoreOf(*ctx.principal.store_id);
        if (!store) return Problem(store.error(), ctx.request.request_id);
        auto product = s.catalogue->Product(store->first, ctx.Param("ean"), store->second);
        if (!product) return Problem(product.error(), ctx.request.request_id);
        auto campaigns = offers.CampaignsOn(*ctx.principal.store_id, product->product);
        if (!campaigns) return Problem(campaigns.error(), ctx.request.request_id);
        json list = json::array();
        for (const auto& c : campaigns->offers)
            list.push_back(MemberOfferJson({c, !c.record.requires_activation, std::nullopt}));
        json j = ProductJson(*product);
        j["member_price_minor"] = Opt(campaigns->member_price_minor);
        j["offers"] = list;
        return JsonResponse(200, j);
    });
}

}  // namespace andel::http
