#include "app/portal/portal_service.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "app/crypto.hpp"
#include "app/transaction.hpp"
#include "core/catalogue/ean.hpp"
#include "notify/outbox.hpp"
#include "store/catalogue/catalogue_repository.hpp"

namespace andel::app {
namespace {

using core::Error;
using core::Result;
using store::Int;
using store::Text;

// `auto var = *expr`, or return its error.
#define PORTAL_TRY_ASSIGN(var, expr)                                  \
    auto var##_result_ = (expr);                                      \
    if (!var##_result_.ok()) return std::move(var##_result_).error(); \
    auto var = std::move(*var##_result_)

// An amount for an e-mail: "1234,50 SEK" (da, nb, sv), "SEK 1234.50" (en).
std::string MoneyText(int64_t minor, const std::string& currency, const std::string& lang) {
    char buf[64];
    int64_t a = minor < 0 ? -minor : minor;
    std::snprintf(buf, sizeof buf, "%s%lld%c%02lld", minor < 0 ? "-" : "", static_cast<long long>(a / 100),
                  lang == "en" ? '.' : ',', static_cast<long long>(a % 100));
    return lang == "en" ? currency + " " + buf : std::string(buf) + " " + currency;
}

std::string Trim(const std::string& s) {
    size_t a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return {};
    size_t b = s.find_last_not_of(" \t\r\n");
    return s.substr(a, b - a + 1);
}

// Text of 1..max bytes without control characters, trimmed.
Result<std::string> Required(const std::string& raw, size_t max, const std::string& field) {
    std::string s = Trim(raw);
    if (s.empty()) return Error::Invalid(field + " is required", field);
    if (s.size() > max)
        return Error::Invalid(field + " is at most " + std::to_string(max) + " characters", field);
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f) return Error::Invalid(field + " has a control character", field);
    return s;
}

Result<std::string> Optional(const std::string& raw, size_t max, const std::string& field) {
    std::string s = Trim(raw);
    if (s.size() > max)
        return Error::Invalid(field + " is at most " + std::to_string(max) + " characters", field);
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f) return Error::Invalid(field + " has a control character", field);
    return s;
}

// "HH:MM" -> minutes after midnight, or -1.
int ClockMinutes(const std::string& hhmm) {
    if (hhmm.size() != 5 || hhmm[2] != ':') return -1;
    for (size_t i : {0u, 1u, 3u, 4u})
        if (hhmm[i] < '0' || hhmm[i] > '9') return -1;
    int h = (hhmm[0] - '0') * 10 + (hhmm[1] - '0'), m = (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
    if (h > 23 || m > 59) return -1;
    return h * 60 + m;
}

std::optional<date::local_days> ParseLocalDate(const std::string& s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    for (size_t i = 0; i < s.size(); ++i)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return std::nullopt;
    date::year_month_day ymd{date::year{std::stoi(s.substr(0, 4))},
                             date::month{static_cast<unsigned>(std::stoi(s.substr(5, 2)))},
                             date::day{static_cast<unsigned>(std::stoi(s.substr(8, 2)))}};
    if (!ymd.ok()) return std::nullopt;
    return date::local_days{ymd};
}

std::string FormatLocalDate(date::local_days d) { return date::format("%F", d); }

int64_t LocalMillis(const date::time_zone* zone, date::local_days day, int minutes) {
    auto local = day + std::chrono::minutes(minutes);
    auto sys = zone->to_sys(local, date::choose::earliest);
    return std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count();
}

int64_t LineAmount(const store::ProductRecord& p, int64_t quantity) {
    // Weighed: the price is per kg and the quantity in grams, rounded to the nearest minor unit.
    return p.weighed ? (p.unit_price_minor * quantity + 500) / 1000 : p.unit_price_minor * quantity;
}

Result<void> CheckQuantity(const store::ProductRecord& p, int64_t quantity, bool allow_zero) {
    int64_t max = p.weighed ? PortalService::kMaxWeighedGrams : PortalService::kMaxQuantity;
    if (quantity < (allow_zero ? 0 : 1) || quantity > max)
        return Error::Invalid(p.weighed ? "a weight of 1 to 10 000 grams" : "a quantity of 1 to 99",
                              "quantity");
    return {};
}

Result<void> RequireAdmin(const PortalUser& who) {
    if (!who.admin) return Error::Forbidden("only the portal's administrators manage it");
    return {};
}

}  // namespace

// --- organisations, users, units, slots --------------------------------------------------------------------

Result<OrganisationView> PortalService::OrganisationOf(store::Connection& c, int64_t organisation_id) {
    auto org = store::PortalRepository(c).FindOrganisation(organisation_id);
    if (!org) return Error::NotFound("no such organisation");
    auto rules = markets_.find(org->market);
    if (rules == markets_.end())
        return Error::Invalid("the organisation's market is not configured", "market");
    return OrganisationView{*org, rules->second.currency, rules->second.time_zone};
}

Result<OrganisationView> PortalService::CreateOrganisation(const std::string& market,
                                                           const std::string& name_raw,
                                                           const std::string& org_number_raw,
                                                           const std::string& store_code,
                                                           const std::string& actor) {
    if (!markets_.count(market)) return Error::Invalid("no market " + market, "market");
    PORTAL_TRY_ASSIGN(name, Required(name_raw, 200, "name"));
    PORTAL_TRY_ASSIGN(org_number, Required(org_number_raw, 32, "org_number"));
    return InTransaction(db_, [&](store::Connection& c) -> Result<OrganisationView> {
        auto st = c.QueryOne(
            "SELECT s.id FROM stores s JOIN cooperatives c ON c.id = s.cooperative_id "
            "WHERE s.code = $1 AND c.market = $2",
            {Text(store_code), Text(market)});
        if (!st) return Error::Invalid("no store " + store_code + " in market " + market, "store_code");
        store::PortalRepository repo(c);
        if (c.QueryOne("SELECT id FROM portal_organisations WHERE market = $1 AND org_number = $2",
                       {Text(market), Text(org_number)}))
            return Error::Conflict("an organisation with this number exists");
        store::OrganisationRecord r;
        r.market = market;
        r.name = name;
        r.org_number = org_number;
        r.store_id = st->Int(0);
        r.created_at = core::ToMillis(clock_.Now());
        int64_t id = repo.InsertOrganisation(r);
        c.Execute(
            "INSERT INTO audit_log (actor, action, subject_member_id, detail, at) VALUES ($1, $2, NULL, $3, "
            "$4)",
            {Text(actor), Text("portal_create_organisation"), Text("organisation=" + std::to_string(id)),
             Int(r.created_at)});
        return OrganisationOf(c, id);
    });
}

Result<std::vector<OrganisationView>> PortalService::Organisations() {
    auto c = db_.Read();
    std::vector<OrganisationView> out;
    for (const auto& o : store::PortalRepository(*c).ListOrganisations()) {
        auto v = OrganisationOf(*c, o.id);
        if (v) out.push_back(*v);
    }
    return out;
}

Result<OrganisationView> PortalService::Organisation(int64_t organisation_id) {
    auto c = db_.Read();
    return OrganisationOf(*c, organisation_id);
}

Result<int64_t> PortalService::AddUser(const PortalUser& who, const std::string& email,
                                       const std::string& name, const std::string& role,
                                       const std::string& language) {
    ANDEL_TRY(RequireAdmin(who));
    return AddUserAsOperator(who.organisation_id, email, name, role, language, who.actor);
}

Result<int64_t> PortalService::AddUserAsOperator(int64_t organisation_id, const std::string& email,
                                                 const std::string& name, const std::string& role,
                                                 const std::string& language, const std::string& actor) {
    if (role != auth::kRoleOrderer && role != auth::kRolePortalAdmin)
        return Error::Invalid("role must be orderer or portal_admin", "role");
    PORTAL_TRY_ASSIGN(org, Organisation(organisation_id));
    std::string lang = language;
    if (lang.empty()) {
        auto rules = markets_.find(org.record.market);
        lang = rules != markets_.end() ? rules->second.language : "en";
    }
    // R_OMB_2: the welcome e-mail with a link to set the password, valid 24 hours.
    return auth_.CreateStaffAccount(actor, email, name, role, organisation_id, lang, org.record.name);
}

Result<std::vector<store::PortalAccountRecord>> PortalService::Users(const PortalUser& who) {
    ANDEL_TRY(RequireAdmin(who));
    auto c = db_.Read();
    return store::PortalRepository(*c).ListAccounts(who.organisation_id);
}

Result<store::PortalAccountRecord> PortalService::SetUserActive(const PortalUser& who, int64_t account_id,
                                                                bool active) {
    ANDEL_TRY(RequireAdmin(who));
    if (account_id == who.account_id && !active)
        return Error::Invalid("you cannot deactivate yourself", "account_id");
    return InTransaction(db_, [&](store::Connection& c) -> Result<store::PortalAccountRecord> {
        store::PortalRepository repo(c);
        int64_t now = core::ToMillis(clock_.Now());
        if (!repo.SetAccountStatus(who.organisation_id, account_id, active ? "active" : "disabled", now))
            return Error::NotFound("no such user");
        c.Execute(
            "INSERT INTO audit_log (actor, action, subject_member_id, detail, at) VALUES ($1, $2, NULL, $3, "
            "$4)",
            {Text(who.actor), Text(active ? "portal_activate_user" : "portal_deactivate_user"),
             Text("account=" + std::to_string(account_id)), Int(now)});
        return *repo.FindAccount(who.organisation_id, account_id);
    });
}

Result<UnitView> PortalService::CreateUnit(const PortalUser& who, const std::string& name_raw,
                                           const std::string& area_raw) {
    ANDEL_TRY(RequireAdmin(who));
    PORTAL_TRY_ASSIGN(name, Required(name_raw, 120, "name"));
    PORTAL_TRY_ASSIGN(area, Optional(area_raw, 300, "delivery_area"));
    return InTransaction(db_, [&](store::Connection& c) -> Result<UnitView> {
        store::PortalRepository repo(c);
        for (const auto& u : repo.ListUnits(who.organisation_id))
            if (u.name == name) return Error::Conflict("a unit with this name exists");
        store::UnitRecord u;
        u.organisation_id = who.organisation_id;
        u.name = name;
        u.delivery_area = area;
        u.created_at = core::ToMillis(clock_.Now());
        u.id = repo.InsertUnit(u);
        return UnitView{u, {}};
    });
}

Result<std::vector<UnitView>> PortalService::Units(const PortalUser& who) {
    auto c = db_.Read();
    store::PortalRepository repo(*c);
    std::vector<UnitView> out;
    for (auto& u : repo.ListUnits(who.organisation_id)) {
        auto slots = repo.ListSlots(u.id, false);
        out.push_back(UnitView{std::move(u), std::move(slots)});
    }
    return out;
}

Result<UnitView> PortalService::Unit(const PortalUser& who, int64_t unit_id) {
    auto c = db_.Read();
    store::PortalRepository repo(*c);
    auto u = repo.FindUnit(who.organisation_id, unit_id);
    if (!u) return Error::NotFound("no such unit");
    return UnitView{*u, repo.ListSlots(u->id, false)};
}

Result<store::SlotRecord> PortalService::AddSlot(const PortalUser& who, int64_t unit_id, int64_t weekday,
                                                 const std::string& window_start,
                                                 const std::string& window_end, int64_t capacity,
                                                 int64_t cutoff_minutes) {
    ANDEL_TRY(RequireAdmin(who));
    if (weekday < 1 || weekday > 7) return Error::Invalid("weekday is 1 (Monday) to 7 (Sunday)", "weekday");
    int start = ClockMinutes(window_start), end = ClockMinutes(window_end);
    if (start < 0) return Error::Invalid("a time HH:MM", "window_start");
    if (end < 0) return Error::Invalid("a time HH:MM", "window_end");
    if (end <= start) return Error::Invalid("the window ends after it starts", "window_end");
    if (capacity < 1 || capacity > 1000) return Error::Invalid("capacity is 1 to 1000 orders", "capacity");
    if (cutoff_minutes < 0 || cutoff_minutes > 7 * 24 * 60)
        return Error::Invalid("the cut-off is 0 to 10 080 minutes (a week) before the window",
                              "cutoff_minutes");
    return InTransaction(db_, [&](store::Connection& c) -> Result<store::SlotRecord> {
        store::PortalRepository repo(c);
        if (!repo.FindUnit(who.organisation_id, unit_id)) return Error::NotFound("no such unit");
        store::SlotRecord s;
        s.unit_id = unit_id;
        s.weekday = weekday;
        s.window_start = window_start;
        s.window_end = window_end;
        s.capacity = capacity;
        s.cutoff_minutes = cutoff_minutes;
        s.created_at = core::ToMillis(clock_.Now());
        s.id = repo.InsertSlot(s);
        return s;
    });
}

Result<store::SlotRecord> PortalService::SetSlotActive(const PortalUser& who, int64_t slot_id, bool active) {
    ANDEL_TRY(RequireAdmin(who));
    return InTransaction(db_, [&](store::Connection& c) -> Result<store::SlotRecord> {
        store::PortalRepository repo(c);
        auto s = repo.FindSlot(slot_id);
        if (!s || !repo.FindUnit(who.organisation_id, s->unit_id)) return Error::NotFound("no such slot");
        repo.SetSlotActive(slot_id, active);
        s->active = active;
        return *s;
    });
}

// --- end customers -----------------------------------------------------------------------------------------

Result<EndCustomerView> PortalService::CustomerOf(store::Connection& c, const PortalUser& who, int64_t id) {
    store::PortalRepository repo(c);
    auto e = repo.FindEndCustomer(who.organisation_id, id);
    if (!e) return Error::NotFound("no such end customer");
    auto unit = repo.FindUnit(who.organisation_id, e->unit_id);
    return EndCustomerView{*e, unit ? unit->name : std::string(), repo.StatusOf(e->id)};
}

Result<EndCustomerView> PortalService::SaveCustomer(const PortalUser& who, std::optional<int64_t> id,
                                                    const EndCustomerInput& in) {
    ANDEL_TRY(RequireAdmin(who));
    store::EndCustomerRecord r;
    PORTAL_TRY_ASSIGN(name, Required(in.name, 200, "name"));
    PORTAL_TRY_ASSIGN(street, Required(in.street, 200, "street"));
    PORTAL_TRY_ASSIGN(postal_code, Required(in.postal_code, 16, "postal_code"));
    PORTAL_TRY_ASSIGN(city, Required(in.city, 100, "city"));
    PORTAL_TRY_ASSIGN(note, Optional(in.note, 500, "note"));
    PORTAL_TRY_ASSIGN(label, Optional(in.payment_label, 100, "payment_label"));
    if (in.payment_method != "invoice" && in.payment_method != "card")
        return Error::Invalid("payment_method is invoice or card", "payment_method");
    if (in.payment_method == "card" && label.empty())
        return Error::Invalid("name the card on file (e.g. Visa •••• 4242)", "payment_label");
    r.name = name;
    r.street = street;
    r.postal_code = postal_code;
    r.city = city;
    r.note = note;
    r.payment_method = in.payment_method;
    r.payment_label = label;
    r.active = in.active;
    return InTransaction(db_, [&](store::Connection& c) -> Result<EndCustomerView> {
        store::PortalRepository repo(c);
        PORTAL_TRY_ASSIGN(org, OrganisationOf(c, who.organisation_id));
        auto unit = repo.FindUnit(who.organisation_id, in.unit_id);
        if (!unit) return Error::Invalid("no such unit in the organisation", "unit_id");
        r.organisation_id = who.organisation_id;
        r.unit_id = unit->id;
        if (r.payment_label.empty())
            r.payment_label = org.record.name;  // the invoice goes to the organisation
        if (in.member_number && !Trim(*in.member_number).empty()) {
            auto m = c.QueryOne(
                "SELECT id FROM members WHERE member_number = $1 AND market = $2 AND status = 'active'",
                {Text(Trim(*in.member_number)), Text(org.record.market)});
            if (!m) return Error::Invalid("no active member with this number in the market", "member_number");
            r.member_id = m->Int(0);
        }
        int64_t now = core::ToMillis(clock_.Now());
        r.updated_at = now;
        if (id) {
            auto old = repo.FindEndCustomer(who.organisation_id, *id);
            if (!old) return Error::NotFound("no such end customer");
            r.id = *id;
            r.created_at = old->created_at;
            repo.UpdateEndCustomer(r);
        } else {
            r.created_at = now;
            r.id = repo.InsertEndCustomer(r);
        }
        return CustomerOf(c, who, r.id);
    });
}

Result<EndCustomerView> PortalService::CreateEndCustomer(const PortalUser& who, const EndCustomerInput& in) {
    return SaveCustomer(who, std::nullopt, in);
}

Result<EndCustomerView> PortalService::UpdateEndCustomer(const PortalUser& who, int64_t id,
                                                         const EndCustomerInput& in) {
    return SaveCustomer(who, id, in);
}

Result<EndCustomerPage> PortalService::EndCustomers(const PortalUser& who, const std::string& text,
                                                    int64_t limit, int64_t offset, bool include_inactive) {
    if (limit < 1 || limit > 200) return Error::Invalid("limit is 1 to 200", "limit");
    if (offset < 0 || offset > 100'000) return Error::Invalid("offset is 0 to 100 000", "offset");
    if (text.size() > 100) return Error::Invalid("a search is at most 100 characters", "q");
    auto c = db_.Read();
    store::PortalRepository repo(*c);
    std::map<int64_t, std::string> units;
    for (const auto& u : repo.ListUnits(who.organisation_id)) units[u.id] = u.name;
    EndCustomerPage page;
    for (auto& e : repo.SearchEndCustomers(who.organisation_id, Trim(text), include_inactive && who.admin,
                                           limit, offset, &page.total)) {
        auto status = repo.StatusOf(e.id);
        std::string unit = units[e.unit_id];
        page.items.push_back(EndCustomerView{std::move(e), unit, status});
    }
    return page;
}

Result<EndCustomerView> PortalService::EndCustomer(const PortalUser& who, int64_t id) {
    auto c = db_.Read();
    return CustomerOf(*c, who, id);
}

// --- the shop ----------------------------------------------------------------------------------------------

Result<ProductPage> PortalService::Search(const PortalUser& who, int64_t end_customer_id,
                                          const std::string& text,
                                          const std::optional<std::string>& category_code, int64_t limit,
                                          int64_t offset) {
    return SearchIn(who, end_customer_id, text, category_code, limit, offset, true);
}

Result<ProductPage> PortalService::CurrentItems(const PortalUser& who, int64_t end_customer_id,
                                                int64_t limit) {
    return SearchIn(who, end_customer_id, "", std::nullopt, limit, 0, false);
}

Result<ProductPage> PortalService::SearchIn(const PortalUser& who, int64_t end_customer_id,
                                            const std::string& text,
                                            const std::optional<std::string>& category_code, int64_t limit,
                                            int64_t offset, bool count) {
    OrganisationView org;
    {
        auto c = db_.Read();
        PORTAL_TRY_ASSIGN(o, OrganisationOf(*c, who.organisation_id));
        org = std::move(o);
        ANDEL_TRY(CustomerOf(*c, who, end_customer_id));
    }
    CatalogueService::Query q;
    q.market = org.record.market;
    q.text = text;
    q.category_code = category_code;
    q.store_code = org.record.store_code;
    q.limit = limit;
    q.offset = offset;
    q.count = count;
    return catalogue_.Search(q);
}

Result<std::vector<CategoryNode>> PortalService::Categories(const PortalUser& who) {
    PORTAL_TRY_ASSIGN(org, Organisation(who.organisation_id));
    return catalogue_.Categories(org.record.market);
}

Result<std::vector<PortalService::ShopOffer>> PortalService::Offers(const PortalUser& who,
                                                                    int64_t end_customer_id) {
    PORTAL_TRY_ASSIGN(customer, EndCustomer(who, end_customer_id));
    PORTAL_TRY_ASSIGN(org, Organisation(who.organisation_id));
    PORTAL_TRY_ASSIGN(all, offers_.List(org.record.market));
    std::vector<ShopOffer> out;
    for (auto& o : all) {
        // Member campaigns in force; an offer for members only shows when the end customer is one.
        if (o.state != "active" || o.record.audience != "all") continue;
        if (o.record.members_only && !customer.customer.member_id) continue;
        ShopOffer s{o, {}};
        if (o.record.target_kind == "products") {
            auto c = db_.Read();
            store::CatalogueRepository repo(*c);
            for (const auto& p : repo.FindProducts(org.record.market, o.priced.eans))
                if (p.active && s.products.size() < 6 && repo.SoldIn(p, org.record.store_id))
                    s.products.push_back(p);
        } else if (o.record.target_kind == "category") {
            CatalogueService::Query q;
            q.market = org.record.market;
            q.category_code = o.priced.category;
            q.store_code = org.record.store_code;
            q.limit = 6;
            if (auto page = catalogue_.Search(q))
                for (auto& v : page->items) s.products.push_back(std::move(v.product));
        }
        out.push_back(std::move(s));
    }
    return out;
}

Result<store::ProductRecord> PortalService::ProductFor(store::Connection& c, const OrganisationView& org,
                                                       const std::string& ean_raw) {
    auto ean = core::NormaliseEan(ean_raw);
    if (!ean) return Error::Invalid("not a product number (EAN)", "ean");
    store::CatalogueRepository repo(c);
    auto p = repo.FindProduct(org.record.market, *ean);
    if (!p || !p->active) return Error::NotFound("no such product");
    if (!repo.SoldIn(*p, org.record.store_id))
        return Error::Invalid("the store does not sell this product", "ean");
    return *p;
}

Result<CartView> PortalService::CartOf(store::Connection& c, const PortalUser& who, int64_t end_customer_id) {
    PORTAL_TRY_ASSIGN(customer, CustomerOf(c, who, end_customer_id));
    PORTAL_TRY_ASSIGN(org, OrganisationOf(c, who.organisation_id));
    store::PortalRepository repo(c);
    store::CatalogueRepository products(c);
    CartView v;
    v.customer = customer;
    v.currency = org.currency;
    for (const auto& item : repo.Cart(who.account_id, end_customer_id)) {
        auto p = c.QueryOne("SELECT market, ean FROM products WHERE id = $1", {Int(item.product_id)});
        if (!p) continue;
        auto product = products.FindProduct(p->Text(0), p->Text(1));
        if (!product) continue;
        CartLine line;
        line.product = *product;
        line.quantity = item.quantity;
        line.substitute = item.substitute;
        line.amount_minor = LineAmount(*product, item.quantity);
        v.items += product->weighed ? 1 : item.quantity;
        v.subtotal_minor += line.amount_minor;
        v.lines.push_back(std::move(line));
    }
    v.total_minor = v.subtotal_minor;
    return v;
}

Result<CartView> PortalService::Cart(const PortalUser& who, int64_t end_customer_id) {
    CartView v;
    int64_t store_id = 0;
    {
        auto c = db_.Read();
        PORTAL_TRY_ASSIGN(raw, CartOf(*c, who, end_customer_id));
        PORTAL_TRY_ASSIGN(org, OrganisationOf(*c, who.organisation_id));
        v = std::move(raw);
        store_id = org.record.store_id;
    }
    if (v.lines.empty()) return v;
    // The offers the end customer gets in the store, as the till would price the basket (with no connection
    // held: pricing reads on its own).
    BasketInput basket;
    basket.member_number = v.customer.customer.member_number;
    for (const auto& l : v.lines)
        basket.lines.push_back(
            TillBasketLine{l.product.ean, l.product.category_code, l.quantity, l.amount_minor});
    auto quote = offers_.Price(store_id, basket);
    if (!quote) return v;  // priced at the shelf: offers are a bonus, never a reason to refuse the cart
    for (size_t i = 0; i < v.lines.size() && i < quote->priced.lines.size(); ++i) {
        const auto& r = quote->priced.lines[i];
        v.lines[i].discount_minor = r.discount_minor;
        if (r.price_offer && *r.price_offer < static_cast<int64_t>(quote->used.size()))
            v.lines[i].offer_titles.push_back(quote->used[static_cast<size_t>(*r.price_offer)].record.title);
    }
    v.discount_minor = quote->priced.discount_minor;
    v.total_minor = v.subtotal_minor - quote->priced.discount_minor;
    v.bonus_minor = quote->bonus_minor;
    v.points = quote->points;
    return v;
}

Result<CartView> PortalService::AddToCart(const PortalUser& who, int64_t end_customer_id,
                                          const std::string& ean, int64_t quantity) {
    auto done = InTransaction(db_, [&](store::Connection& c) -> Result<bool> {
        ANDEL_TRY(CustomerOf(c, who, end_customer_id));
        PORTAL_TRY_ASSIGN(org, OrganisationOf(c, who.organisation_id));
        PORTAL_TRY_ASSIGN(p, ProductFor(c, org, ean));
        ANDEL_TRY(CheckQuantity(p, quantity, false));
        store::PortalRepository repo(c);
        auto items = repo.Cart(who.account_id, end_customer_id);
        int64_t have = 0;
        for (const auto& i : items)
            if (i.product_id == p.id) have = i.quantity;
        if (have == 0 && items.size() >= kMaxCartLines)
            return Error::Invalid("a cart has at most 200 products", "ean");
        int64_t max = p.weighed ? kMaxWeighedGrams : kMaxQuantity;
        repo.SetCartItem(who.account_id, end_customer_id, p.id, std::min(have + quantity, max), std::nullopt,
                         core::ToMillis(clock_.Now()));
        return true;
    });
    if (!done) return done.error();
    return Cart(who, end_customer_id);
}

Result<CartView> PortalService::SetQuantity(const PortalUser& who, int64_t end_customer_id,
                                            const std::string& ean, int64_t quantity) {
    auto done = InTransaction(db_, [&](store::Connection& c) -> Result<bool> {
        ANDEL_TRY(CustomerOf(c, who, end_customer_id));
        PORTAL_TRY_ASSIGN(org, OrganisationOf(c, who.organisation_id));
        auto normal = core::NormaliseEan(ean);
        if (!normal) return Error::Invalid("not a product number (EAN)", "ean");
        auto p = store::CatalogueRepository(c).FindProduct(org.record.market, *normal);
        if (!p) return Error::NotFound("no such product");
        ANDEL_TRY(CheckQuantity(*p, quantity, true));
        store::PortalRepository repo(c);
        auto items = repo.Cart(who.account_id, end_customer_id);
        bool in_cart =
            std::any_of(items.begin(), items.end(), [&](const auto& i) { return i.product_id == p->id; });
        if (!in_cart && quantity == 0) return true;
        if (!in_cart) {
            ANDEL_TRY(ProductFor(c, org, ean));  // a new line must be on sale
            if (items.size() >= kMaxCartLines)
                return Error::Invalid("a cart has at most 200 products", "ean");
        }
        repo.SetCartItem(who.account_id, end_customer_id, p->id, quantity, std::nullopt,
                         core::ToMillis(clock_.Now()));
        return true;
    });
    if (!done) return done.error();
    return Cart(who, end_customer_id);
}

Result<CartView> PortalService::SetSubstitute(const PortalUser& who, int64_t end_customer_id,
                                              const std::string& ean, bool substitute) {
    auto done = InTransaction(db_, [&](store::Connection& c) -> Result<bool> {
        ANDEL_TRY(CustomerOf(c, who, end_customer_id));
        store::PortalRepository repo(c);
        if (ean.empty()) {  // R_OMB_6: "substitute all"
            repo.SetSubstitute(who.account_id, end_customer_id, std::nullopt, substitute);
            return true;
        }
        PORTAL_TRY_ASSIGN(org, OrganisationOf(c, who.organisation_id));
        auto normal = core::NormaliseEan(ean);
        if (!normal) return Error::Invalid("not a product number (EAN)", "ean");
        auto p = store::CatalogueRepository(c).FindProduct(org.record.market, *normal);
        auto items = repo.Cart(who.account_id, end_customer_id);
        if (!p ||
            std::none_of(items.begin(), items.end(), [&](const auto& i) { return i.product_id == p->id; }))
            return Error::NotFound("the product is not in the cart");
        repo.SetSubstitute(who.account_id, end_customer_id, p->id, substitute);
        return true;
    });
    if (!done) return done.error();
    return Cart(who, end_customer_id);
}

// --- delivery and checkout ---------------------------------------------------------------------------------

Result<std::vector<DeliveryOption>> PortalService::OpenDeliveries(store::Connection& c,
                                                                  const OrganisationView& org,
                                                                  int64_t unit_id) {
    const date::time_zone* zone = date::locate_zone(org.time_zone);
    auto now_sys = clock_.Now();
    int64_t now = core::ToMillis(now_sys);
    auto today = date::floor<date::days>(zone->to_local(now_sys));
    store::PortalRepository repo(c);
    auto slots = repo.ListSlots(unit_id, true);
    std::vector<DeliveryOption> out;
    for (int d = 0; d < kDeliveryDays; ++d) {
        date::local_days day = today + date::days{d};
        int64_t weekday = date::weekday{day}.iso_encoding();
        for (const auto& s : slots) {
            if (s.weekday != weekday) continue;
            DeliveryOption o;
            o.slot = s;
            o.delivery_date = FormatLocalDate(day);
            o.window_start_at = LocalMillis(zone, day, ClockMinutes(s.window_start));
            o.window_end_at = LocalMillis(zone, day, ClockMinutes(s.window_end));
            o.cutoff_at = o.window_start_at - s.cutoff_minutes * 60'000;
            if (now >= o.cutoff_at) continue;
            o.places_left = s.capacity - repo.Booked(s.id, o.delivery_date);
            if (o.places_left <= 0) continue;
            out.push_back(std::move(o));
        }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return a.window_start_at != b.window_start_at ? a.window_start_at < b.window_start_at
                                                      : a.slot.id < b.slot.id;
    });
    return out;
}

Result<std::vector<DeliveryOption>> PortalService::Deliveries(const PortalUser& who,
                                                              int64_t end_customer_id) {
    auto c = db_.Read();
    PORTAL_TRY_ASSIGN(customer, CustomerOf(*c, who, end_customer_id));
    PORTAL_TRY_ASSIGN(org, OrganisationOf(*c, who.organisation_id));
    // R_OMB_7: only the slots of the unit the end customer belongs to.
    return OpenDeliveries(*c, org, customer.customer.unit_id);
}

Result<OrderView> PortalService::ViewOf(store::Connection& c, store::OrderRecord o) {
    PORTAL_TRY_ASSIGN(org, OrganisationOf(c, o.organisation_id));
    OrderView v;
    store::PortalRepository repo(c);
    if (auto e = repo.FindEndCustomer(o.organisation_id, o.end_customer_id)) v.end_customer_name = e->name;
    if (auto u = repo.FindUnit(o.organisation_id, o.unit_id)) v.unit_name = u->name;
    if (auto a = repo.FindAccount(o.organisation_id, o.orderer_account_id)) v.orderer_name = a->name;
    v.currency = org.currency;
    for (const auto& l : o.lines)
        if (l.substitute_product_id)
            if (auto p = c.QueryOne("SELECT market, ean FROM products WHERE id = $1",
                                    {Int(*l.substitute_product_id)}))
                if (auto product = store::CatalogueRepository(c).FindProduct(p->Text(0), p->Text(1)))
                    v.substitutes[*l.substitute_product_id] = *product;
    v.cancellable = o.status == "ordered" && core::ToMillis(clock_.Now()) < o.cutoff_at;
    v.order = std::move(o);
    return v;
}

Result<OrderView> PortalService::Checkout(const PortalUser& who, const CheckoutInput& in) {
    if (in.checkout_key.size() < 16 || in.checkout_key.size() > 64)
        return Error::Invalid("a checkout key of 16 to 64 characters", "checkout_key");
    for (char ch : in.checkout_key)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_')
            return Error::Invalid("a checkout key of letters, digits, - and _", "checkout_key");
    std::string key = std::to_string(who.account_id) + ":" + in.checkout_key;
    {
        auto c = db_.Read();
        if (auto done = store::PortalRepository(*c).FindOrderByCheckoutKey(key)) {
            if (done->orderer_account_id != who.account_id) return Error::Conflict("this checkout was used");
            return ViewOf(*c, *done);  // "Complete purchase" twice: the same order
        }
    }
    auto day = ParseLocalDate(in.delivery_date);
    if (!day) return Error::Invalid("a delivery date YYYY-MM-DD", "delivery_date");
    PORTAL_TRY_ASSIGN(cart, Cart(who, in.end_customer_id));  // priced outside the write transaction
    if (cart.lines.empty()) return Error::Invalid("the cart is empty", "cart");

    auto order = InTransaction(db_, [&](store::Connection& c) -> Result<store::OrderRecord> {
        store::PortalRepository repo(c);
        if (auto done = repo.FindOrderByCheckoutKey(key)) return *done;
        PORTAL_TRY_ASSIGN(org, OrganisationOf(c, who.organisation_id));
        PORTAL_TRY_ASSIGN(customer, CustomerOf(c, who, in.end_customer_id));
        if (!customer.customer.active)
            return Error::Invalid("the end customer is not active", "end_customer_id");
        // The cart as priced is the cart now: another tab may have changed it since.
        auto items = repo.Cart(who.account_id, in.end_customer_id);
        if (items.size() != cart.lines.size()) return Error::Conflict("the cart changed; look it over again");
        for (size_t i = 0; i < items.size(); ++i)
            if (items[i].product_id != cart.lines[i].product.id ||
                items[i].quantity != cart.lines[i].quantity)
                return Error::Conflict("the cart changed; look it over again");
        // R_OMB_7: a slot of the end customer's own unit, before its cut-off, with room.
        auto slot = repo.FindSlot(in.slot_id);
        if (!slot || !repo.FindUnit(who.organisation_id, slot->unit_id))
            return Error::NotFound("no such delivery time");
        if (slot->unit_id != customer.customer.unit_id)
            return Error::Rule("R_OMB_7",
                               "this delivery time belongs to another unit than the end customer's");
        if (!slot->active) return Error::Rule("R_OMB_7", "this delivery time is no longer offered");
        const date::time_zone* zone = date::locate_zone(org.time_zone);
        auto today = date::floor<date::days>(zone->to_local(clock_.Now()));
        if (date::weekday{*day}.iso_encoding() != static_cast<unsigned>(slot->weekday) || *day < today ||
            *day >= today + date::days{kDeliveryDays})
            return Error::Invalid("the delivery time is not on this date", "delivery_date");
        int64_t now = core::ToMillis(clock_.Now());
        store::OrderRecord o;
        o.window_start_at = LocalMillis(zone, *day, ClockMinutes(slot->window_start));
        o.window_end_at = LocalMillis(zone, *day, ClockMinutes(slot->window_end));
        o.cutoff_at = o.window_start_at - slot->cutoff_minutes * 60'000;
        if (now >= o.cutoff_at) return Error::Rule("R_OMB_7", "ordering for this delivery time has closed");
        if (!repo.Book(slot->id, in.delivery_date, slot->capacity))
            return Error::Rule("R_OMB_7", "this delivery time is full; choose another");
        o.checkout_key = key;
        o.organisation_id = who.organisation_id;
        o.unit_id = customer.customer.unit_id;
        o.end_customer_id = customer.customer.id;
        o.orderer_account_id = who.account_id;
        o.store_id = org.record.store_id;
        o.slot_id = slot->id;
        o.delivery_date = in.delivery_date;
        // R_OMB_7: the portal's address and preset payment; the reference is left empty.
        o.delivery_name = customer.customer.name;
        o.delivery_street = customer.customer.street;
        o.delivery_postal_code = customer.customer.postal_code;
        o.delivery_city = customer.customer.city;
        o.note = customer.customer.note;
        o.payment_method = customer.customer.payment_method;
        o.payment_label = customer.customer.payment_label;
        o.reference = "";
        o.status = "ordered";  // R_OMB_8
        o.total_minor = cart.total_minor;
        o.created_at = o.status_at = now;
        o.status_by = who.actor;
        int64_t line_no = 0;
        for (const auto& l : cart.lines) {
            store::OrderLineRecord r;
            r.line_no = ++line_no;
            r.product_id = l.product.id;
            r.ean = l.product.ean;
            r.name = l.product.name;
            r.size = l.product.size;
            r.category_code = l.product.category_code;
            r.quantity = l.quantity;
            r.unit_price_minor = l.product.unit_price_minor;
            r.amount_minor = l.amount_minor;
            r.discount_minor = l.discount_minor;
            r.substitute = l.substitute;
            o.lines.push_back(std::move(r));
        }
        repo.InsertOrder(o);
        repo.ClearCart(who.account_id, in.end_customer_id);
        // The confirmation, to the orderer.
        if (auto a = repo.FindAccount(who.organisation_id, who.account_id)) {
            notify::OutgoingMessage m;
            m.account_id = a->id;
            m.channel = "email";
            m.recipient = a->email;
            m.template_key = "portal_order_confirmation";
            m.language = a->language;
            std::string lines;
            for (const auto& l : o.lines)
                lines += "- " + std::to_string(l.quantity) + (l.substitute ? "" : " (!)") + " " + l.name +
                         " " + l.size + "\n";
            char window[64];
            std::snprintf(window, sizeof window, "%s %s-%s", o.delivery_date.c_str(),
                          slot->window_start.c_str(), slot->window_end.c_str());
            m.params = {
                {"order_number", o.order_number},
                {"customer", o.delivery_name},
                {"address", o.delivery_street + ", " + o.delivery_postal_code + " " + o.delivery_city},
                {"delivery", std::string(window)},
                {"total", MoneyText(o.total_minor, org.currency, a->language)},
                {"lines", lines}};
            ANDEL_TRY(notify::Enqueue(c, sealer_, m, clock_.Now()));
        }
        return o;
    });
    if (!order) return order.error();
    auto c = db_.Read();
    auto stored = store::PortalRepository(*c).FindOrder(order->order_number);
    if (!stored) return Error::NotFound("no such order");
    return ViewOf(*c, *stored);
}

Result<std::vector<OrderView>> PortalService::Orders(const PortalUser& who, int64_t end_customer_id) {
    auto c = db_.Read();
    ANDEL_TRY(CustomerOf(*c, who, end_customer_id));
    std::vector<OrderView> out;
    for (auto& o : store::PortalRepository(*c).OrdersOf(end_customer_id, 50)) {
        PORTAL_TRY_ASSIGN(v, ViewOf(*c, std::move(o)));
        out.push_back(std::move(v));
    }
    return out;
}

Result<OrderView> PortalService::Order(const PortalUser& who, const std::string& order_number) {
    auto c = db_.Read();
    auto o = store::PortalRepository(*c).FindOrder(order_number);
    if (!o || o->organisation_id != who.organisation_id) return Error::NotFound("no such order");
    return ViewOf(*c, std::move(*o));
}

Result<OrderView> PortalService::Cancel(const PortalUser& who, const std::string& order_number) {
    auto done = InTransaction(db_, [&](store::Connection& c) -> Result<bool> {
        store::PortalRepository repo(c);
        auto o = repo.FindOrder(order_number);
        if (!o || o->organisation_id != who.organisation_id) return Error::NotFound("no such order");
        if (o->status == "cancelled") return true;
        if (o->status != "ordered") return Error::Conflict("the store has started picking this order");
        int64_t now = core::ToMillis(clock_.Now());
        if (now >= o->cutoff_at)
            return Error::Conflict("the cut-off has passed; call the store to change the order");
        o->status = "cancelled";
        o->status_at = now;
        o->status_by = who.actor;
        repo.UpdateOrderStatus(*o);
        repo.Release(o->slot_id, o->delivery_date);
        return true;
    });
    if (!done) return done.error();
    return Order(who, order_number);
}

// --- saved carts -------------------------------------------------------------------------------------------

namespace {

Result<SavedCartView> SavedView(store::Connection& c, store::SavedCartRecord r) {
    SavedCartView v;
    store::CatalogueRepository products(c);
    for (const auto& [product_id, quantity] : r.items) {
        auto p = c.QueryOne("SELECT market, ean FROM products WHERE id = $1", {Int(product_id)});
        if (!p) continue;
        auto product = products.FindProduct(p->Text(0), p->Text(1));
        if (!product || !product->active) continue;
        v.total_minor += LineAmount(*product, quantity);
        v.items.emplace_back(*product, quantity);
    }
    v.cart = std::move(r);
    return v;
}

}  // namespace

Result<SavedCartView> PortalService::SaveCart(const PortalUser& who, int64_t end_customer_id,
                                              const std::string& name_raw) {
    PORTAL_TRY_ASSIGN(name, Required(name_raw, 100, "name"));
    return InTransaction(db_, [&](store::Connection& c) -> Result<SavedCartView> {
        ANDEL_TRY(CustomerOf(c, who, end_customer_id));
        store::PortalRepository repo(c);
        auto items = repo.Cart(who.account_id, end_customer_id);
        if (items.empty()) return Error::Invalid("the cart is empty", "cart");
        if (repo.FindSavedCartByName(who.account_id, name))
            return Error::Conflict("a saved cart with this name exists");
        if (repo.ListSavedCarts(who.account_id).size() >= 100)
            return Error::Invalid("at most 100 saved carts", "name");
        store::SavedCartRecord r;
        r.account_id = who.account_id;
        r.name = name;
        r.created_at = r.updated_at = core::ToMillis(clock_.Now());
        for (const auto& i : items) r.items.emplace_back(i.product_id, i.quantity);
        repo.InsertSavedCart(r);
        return SavedView(c, r);
    });
}

Result<std::vector<SavedCartView>> PortalService::SavedCarts(const PortalUser& who) {
    auto c = db_.Read();
    std::vector<SavedCartView> out;
    for (auto& r : store::PortalRepository(*c).ListSavedCarts(who.account_id)) {
        PORTAL_TRY_ASSIGN(v, SavedView(*c, std::move(r)));
        out.push_back(std::move(v));
    }
    return out;
}

Result<SavedCartView> PortalService::SavedCart(const PortalUser& who, int64_t id) {
    auto c = db_.Read();
    auto r = store::PortalRepository(*c).FindSavedCart(who.account_id, id);
    if (!r) return Error::NotFound("no such saved cart");
    return SavedView(*c, std::move(*r));
}

Result<SavedCartView> PortalService::UpdateSavedCart(
    const PortalUser& who, int64_t id, const std::string& name_raw,
    const std::vector<std::pair<std::string, int64_t>>& items) {
    PORTAL_TRY_ASSIGN(name, Required(name_raw, 100, "name"));
    if (items.size() > kMaxCartLines) return Error::Invalid("a cart has at most 200 products", "items");
    return InTransaction(db_, [&](store::Connection& c) -> Result<SavedCartView> {
        store::PortalRepository repo(c);
        auto r = repo.FindSavedCart(who.account_id, id);
        if (!r) return Error::NotFound("no such saved cart");
        if (auto other = repo.FindSavedCartByName(who.account_id, name); other && *other != id)
            return Error::Conflict("a saved cart with this name exists");
        PORTAL_TRY_ASSIGN(org, OrganisationOf(c, who.organisation_id));
        r->name = name;
        r->items.clear();
        std::set<int64_t> seen;
        for (size_t i = 0; i < items.size(); ++i) {
            auto normal = core::NormaliseEan(items[i].first);
            if (!normal)
                return Error::Invalid("not a product number (EAN)", "items[" + std::to_string(i) + "].ean");
            auto p = store::CatalogueRepository(c).FindProduct(org.record.market, *normal);
            if (!p) return Error::NotFound("no product " + *normal);
            ANDEL_TRY(CheckQuantity(*p, items[i].second, true));
            if (items[i].second == 0 || !seen.insert(p->id).second) continue;
            r->items.emplace_back(p->id, items[i].second);
        }
        r->updated_at = core::ToMillis(clock_.Now());
        repo.ReplaceSavedCart(*r);
        return SavedView(c, *r);
    });
}

Result<void> PortalService::DeleteSavedCart(const PortalUser& who, int64_t id) {
    return InTransaction(db_, [&](store::Connection& c) -> Result<void> {
        store::PortalRepository repo(c);
        if (!repo.FindSavedCart(who.account_id, id)) return Error::NotFound("no such saved cart");
        repo.DeleteSavedCart(id);
        return {};
    });
}

Result<CartView> PortalService::AddSavedCart(const PortalUser& who, int64_t id, int64_t end_customer_id) {
    auto done = InTransaction(db_, [&](store::Connection& c) -> Result<bool> {
        ANDEL_TRY(CustomerOf(c, who, end_customer_id));
        PORTAL_TRY_ASSIGN(org, OrganisationOf(c, who.organisation_id));
        store::PortalRepository repo(c);
        auto saved = repo.FindSavedCart(who.account_id, id);
        if (!saved) return Error::NotFound("no such saved cart");
        auto items = repo.Cart(who.account_id, end_customer_id);
        std::map<int64_t, int64_t> have;
        for (const auto& i : items) have[i.product_id] = i.quantity;
        int64_t now = core::ToMillis(clock_.Now());
        store::CatalogueRepository products(c);
        for (const auto& [product_id, quantity] : saved->items) {
            auto p = c.QueryOne("SELECT market, ean FROM products WHERE id = $1", {Int(product_id)});
            if (!p) continue;
            auto product = products.FindProduct(p->Text(0), p->Text(1));
            // What the store no longer sells is left out (the saved cart keeps it).
            if (!product || !product->active || !products.SoldIn(*product, org.record.store_id)) continue;
            if (!have.count(product_id) && have.size() >= kMaxCartLines) break;
            int64_t max = product->weighed ? kMaxWeighedGrams : kMaxQuantity;
            int64_t q = std::min(have[product_id] + quantity, max);
            have[product_id] = q;
            repo.SetCartItem(who.account_id, end_customer_id, product_id, q, std::nullopt, now);
        }
        return true;
    });
    if (!done) return done.error();
    return Cart(who, end_customer_id);
}

// --- the store ---------------------------------------------------------------------------------------------

Result<std::vector<OrderView>> PortalService::StoreOrders(int64_t store_id, const std::string& status) {
    static const std::set<std::string> kStatuses = {"ordered", "picking", "delivered", "cancelled"};
    if (!kStatuses.contains(status))
        return Error::Invalid("status is ordered, picking, delivered or cancelled", "status");
    auto c = db_.Read();
    std::vector<OrderView> out;
    for (auto& o : store::PortalRepository(*c).StoreOrders(store_id, status, 200)) {
        PORTAL_TRY_ASSIGN(v, ViewOf(*c, std::move(o)));
        out.push_back(std::move(v));
    }
    return out;
}

Result<OrderView> PortalService::StoreOrder(int64_t store_id, const std::string& order_number) {
    auto c = db_.Read();
    auto o = store::PortalRepository(*c).FindOrder(order_number);
    if (!o || o->store_id != store_id) return Error::NotFound("no such order");
    return ViewOf(*c, std::move(*o));
}

Result<OrderView> PortalService::StartPicking(int64_t store_id, const std::string& order_number,
                                              const std::string& actor) {
    auto done = InTransaction(db_, [&](store::Connection& c) -> Result<bool> {
        store::PortalRepository repo(c);
        auto o = repo.FindOrder(order_number);
        if (!o || o->store_id != store_id) return Error::NotFound("no such order");
        if (o->status == "picking") return true;
        if (o->status != "ordered") return Error::Conflict("the order is " + o->status);
        o->status = "picking";
        o->status_at = core::ToMillis(clock_.Now());
        o->status_by = actor;
        repo.UpdateOrderStatus(*o);
        return true;
    });
    if (!done) return done.error();
    return StoreOrder(store_id, order_number);
}

Result<OrderView> PortalService::Deliver(int64_t store_id, const std::string& order_number,
                                         const std::vector<PickedLine>& picked, const std::string& actor) {
    PORTAL_TRY_ASSIGN(current, StoreOrder(store_id, order_number));
    store::OrderRecord o = current.order;
    if (o.status == "delivered") return current;
    if (o.status != "picking") return Error::Conflict("start picking the order before delivering it");
    if (picked.size() != o.lines.size())
        return Error::Invalid("report every line of the order once", "lines");

    // Every line as picked: the product itself, and a substitute for the rest where the line allows it.
    std::vector<store::OrderLineRecord> lines = o.lines;
    std::vector<core::ReceiptLine> receipt_lines;
    int64_t total = 0;
    {
        auto c = db_.Read();
        PORTAL_TRY_ASSIGN(org, OrganisationOf(*c, o.organisation_id));
        std::set<int64_t> seen;
        for (size_t i = 0; i < picked.size(); ++i) {
            const PickedLine& p = picked[i];
            std::string at = "lines[" + std::to_string(i) + "].";
            auto it = std::find_if(lines.begin(), lines.end(),
                                   [&](const auto& l) { return l.line_no == p.line_no; });
            if (it == lines.end() || !seen.insert(p.line_no).second)
                return Error::Invalid("no such line, or a line twice", at + "line_no");
            auto& line = *it;
            auto product = c->QueryOne("SELECT weighed FROM products WHERE id = $1", {Int(line.product_id)});
            bool weighed = product && product->Bool(0);
            // A weighed line may come out a little heavier than ordered.
            int64_t max = weighed ? line.quantity + line.quantity / 5 : line.quantity;
            if (p.picked_quantity < 0 || p.picked_quantity > max)
                return Error::Invalid("picked quantity is 0 to what was ordered", at + "picked_quantity");
            line.picked_quantity = p.picked_quantity;
            int64_t amount = weighed ? (line.unit_price_minor * p.picked_quantity + 500) / 1000
                                     : line.unit_price_minor * p.picked_quantity;
            // The offer's discount follows the share that was delivered.
            int64_t discount =
                line.quantity > 0
                    ? std::min(amount, line.discount_minor * std::min(p.picked_quantity, line.quantity) /
                                           line.quantity)
                    : 0;
            if (p.picked_quantity > 0) {
                receipt_lines.push_back(
                    core::ReceiptLine{line.ean, line.category_code, p.picked_quantity, amount, discount});
                total += amount - discount;
            }
            line.substitute_product_id.reset();
            line.substitute_quantity.reset();
            line.substitute_amount_minor.reset();
            if (p.substitute_ean) {
                // R_OMB_6: only where the orderer allowed it, and only for what was missing.
                if (!line.substitute)
                    return Error::Rule("R_OMB_6", "the orderer chose no substitute for " + at + "line_no");
                if (p.picked_quantity >= line.quantity)
                    return Error::Invalid("nothing was missing to substitute", at + "substitute_ean");
                PORTAL_TRY_ASSIGN(sub, ProductFor(*c, org, *p.substitute_ean));
                int64_t sub_max = sub.weighed ? kMaxWeighedGrams : kMaxQuantity;
                if (p.substitute_quantity < 1 || p.substitute_quantity > sub_max)
                    return Error::Invalid("a substitute quantity of 1 to 99", at + "substitute_quantity");
                int64_t sub_amount = LineAmount(sub, p.substitute_quantity);
                line.substitute_product_id = sub.id;
                line.substitute_quantity = p.substitute_quantity;
                line.substitute_amount_minor = sub_amount;
                receipt_lines.push_back(
                    core::ReceiptLine{sub.ean, sub.category_code, p.substitute_quantity, sub_amount, 0});
                total += sub_amount;
            }
        }
    }

    // The receipt: the end customer earns on what was delivered (R_OMB_10); idempotent on the order number.
    std::optional<int64_t> receipt_row;
    std::optional<std::string> member_number;
    {
        auto c = db_.Read();
        if (auto e = store::PortalRepository(*c).FindEndCustomer(o.organisation_id, o.end_customer_id))
            member_number = e->member_number;
    }
    if (!receipt_lines.empty()) {
        ReceiptInput in;
        in.receipt_id = o.order_number;
        in.till = "portal";
        in.occurred_at = clock_.Now();
        in.member_number = member_number;
        in.lines = receipt_lines;
        in.tenders = {core::Tender{o.payment_method == "card" ? "card" : "invoice", total}};
        std::string canonical = o.order_number + (member_number ? *member_number : std::string("-"));
        for (const auto& l : receipt_lines)
            canonical += "|" + l.sku + ":" + std::to_string(l.quantity) + ":" +
                         std::to_string(l.amount_minor) + ":" + std::to_string(l.discount_minor);
        in.body_hash = Sha256Hex(canonical);
        auto posted = receipts_.Post(store_id, in, actor);
        if (!posted) return posted.error();
        receipt_row = posted->receipt.id;
    }

    auto done = InTransaction(db_, [&](store::Connection& c) -> Result<bool> {
        store::PortalRepository repo(c);
        auto now_order = repo.FindOrder(order_number);
        if (!now_order) return Error::NotFound("no such order");
        if (now_order->status == "delivered") return true;
        if (now_order->status != "picking") return Error::Conflict("the order is " + now_order->status);
        for (const auto& l : lines) repo.UpdatePicked(now_order->id, l);
        now_order->status = "delivered";
        now_order->delivered_total_minor = total;
        now_order->receipt_id = receipt_row;
        now_order->status_at = core::ToMillis(clock_.Now());
        now_order->status_by = actor;
        repo.UpdateOrderStatus(*now_order);
        // The delivery note, to the orderer.
        if (auto a = repo.FindAccount(now_order->organisation_id, now_order->orderer_account_id)) {
            PORTAL_TRY_ASSIGN(org, OrganisationOf(c, now_order->organisation_id));
            notify::OutgoingMessage m;
            m.account_id = a->id;
            m.channel = "email";
            m.recipient = a->email;
            m.template_key = "portal_delivery_note";
            m.language = a->language;
            std::string text;
            for (const auto& l : lines) {
                text += "- " + std::to_string(l.picked_quantity.value_or(0)) + "/" +
                        std::to_string(l.quantity) + " " + l.name + " " + l.size + "\n";
                if (l.substitute_product_id)
                    text += "  -> " + std::to_string(l.substitute_quantity.value_or(0)) + " (" +
                            MoneyText(l.substitute_amount_minor.value_or(0), org.currency, a->language) +
                            ")\n";
            }
            m.params = {{"order_number", now_order->order_number},
                        {"customer", now_order->delivery_name},
                        {"total", MoneyText(total, org.currency, a->language)},
                        {"lines", text}};
            ANDEL_TRY(notify::Enqueue(c, sealer_, m, clock_.Now()));
        }
        return true;
    });
    if (!done) return done.error();
    return StoreOrder(store_id, order_number);
}

}  // namespace andel::app
