// The ordering portal's administration (issue 7 §1, R_OMB_1, R_OMB_2): a portal_admin manages the
// organisation's users (an added orderer or administrator gets the welcome e-mail with a 24-hour link),
// units with their delivery slots, and end customers (name, address, unit, note, preset payment, member
// number). An orderer gets a 403 page here; every call names the visitor's organisation.
#include <algorithm>

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

#define ADMIN_ENTER(v)                                            \
    auto v##_entered = portal::Enter(ctx, s, true);               \
    if (auto* r = std::get_if<Response>(&v##_entered)) return *r; \
    Visitor& v = std::get<Visitor>(v##_entered)

std::string Trim(const std::string& v) {
    size_t a = v.find_first_not_of(" \t\r\n"), b = v.find_last_not_of(" \t\r\n");
    return a == std::string::npos ? std::string() : v.substr(a, b - a + 1);
}

// A refused admin form, to show next to it on the page again with what was typed.
struct Outcome {
    int status = 200;
    std::string form;     // user | unit | slot-<unit id>
    std::string message;  // in the page's language
    Form fields;
};

bool ValidTime(const std::string& t) {
    return t.size() == 5 && std::isdigit(static_cast<unsigned char>(t[0])) &&
           std::isdigit(static_cast<unsigned char>(t[1])) && t[2] == ':' &&
           std::isdigit(static_cast<unsigned char>(t[3])) && std::isdigit(static_cast<unsigned char>(t[4])) &&
           std::stoi(t.substr(0, 2)) < 24 && std::stoi(t.substr(3, 2)) < 60;
}

std::string RoleText(const std::string& role, const std::string& lang) {
    return Cat().Text(role == "portal_admin" ? "portal_role_admin" : "portal_role_orderer", lang);
}

Response AdminPage(const Context& ctx, http::Services& s, const Visitor& v, const Outcome& out = {}) {
    json d = portal::PortalData(ctx, s, v, "portal_admin_title", "admin");
    d["organisation"] = v.org.record.name;
    auto form_error = [&](const std::string& id) -> json {
        return out.form == id && !out.message.empty() ? json(out.message) : json(nullptr);
    };
    auto typed = [&](const std::string& id, const std::string& field) -> std::string {
        return out.form == id ? Field(out.fields, field) : std::string();
    };
    // Users.
    json users = json::array();
    if (auto list = s.portal->Users(v.who)) {
        for (const auto& u : *list) {
            bool active = u.status == "active";
            users.push_back(
                {{"id", std::to_string(u.id)},
                 {"name", u.name},
                 {"email", u.email},
                 {"role", RoleText(u.role, v.lang)},
                 {"status", Cat().Text(active ? "portal_user_active" : "portal_user_inactive", v.lang)},
                 {"password",
                  Cat().Text(u.password_set ? "portal_user_password_set" : "portal_user_password_pending",
                             v.lang)},
                 {"active", active},
                 {"you", u.id == v.who.account_id}});
        }
    }
    d["users"] = users;
    d["user_error"] = form_error("user");
    d["user_name"] = typed("user", "name");
    d["user_email"] = typed("user", "email");
    d["user_role_admin"] = typed("user", "role") == "portal_admin";
    // Units and their slots.
    json units = json::array();
    json unit_options = json::array();
    if (auto list = s.portal->Units(v.who)) {
        for (const auto& u : *list) {
            std::string id = std::to_string(u.unit.id);
            std::string form = "slot-" + id;
            json slots = json::array();
            for (const auto& sl : u.slots)
                slots.push_back(
                    {{"id", std::to_string(sl.id)},
                     {"weekday", Cat().Text("portal_weekday_" + std::to_string(sl.weekday), v.lang)},
                     {"window", sl.window_start + "–" + sl.window_end},
                     {"capacity", std::to_string(sl.capacity)},
                     {"cutoff", Cat().Format("portal_cutoff_hours", v.lang,
                                             {{"hours", FormatNumber(sl.cutoff_minutes / 60, v.lang)}})},
                     {"active", sl.active},
                     {"status",
                      Cat().Text(sl.active ? "portal_slot_active" : "portal_slot_inactive", v.lang)}});
            json weekdays = json::array();
            std::string chosen = typed(form, "weekday");
            for (int w = 1; w <= 7; ++w)
                weekdays.push_back({{"value", std::to_string(w)},
                                    {"label", Cat().Text("portal_weekday_" + std::to_string(w), v.lang)},
                                    {"selected", chosen == std::to_string(w)}});
            units.push_back({{"id", id},
                             {"name", u.unit.name},
                             {"area", portal::Opt(u.unit.delivery_area)},
                             {"slots", slots},
                             {"has_slots", !slots.empty()},
                             {"weekdays", weekdays},
                             {"slot_error", form_error(form)},
                             {"start", typed(form, "start")},
                             {"end", typed(form, "end")},
                             {"capacity", typed(form, "capacity")},
                             {"cutoff_hours", typed(form, "cutoff_hours")}});
            unit_options.push_back({{"id", id}, {"name", u.unit.name}});
        }
    }
    d["units"] = units;
    d["has_units"] = !units.empty();
    d["unit_error"] = form_error("unit");
    d["unit_name"] = typed("unit", "name");
    d["unit_area"] = typed("unit", "delivery_area");
    // End customers.
    json customers = json::array();
    if (auto list = s.portal->EndCustomers(v.who, "", 200, 0, true)) {
        for (const auto& e : list->items)
            customers.push_back(
                {{"name", e.customer.name},
                 {"href", "/portal/admin/customers/" + std::to_string(e.customer.id)},
                 {"unit", e.unit_name},
                 {"address", e.customer.street + ", " + e.customer.postal_code + " " + e.customer.city},
                 {"payment",
                  portal::PaymentText(e.customer.payment_method, e.customer.payment_label, v.lang)},
                 {"inactive", !e.customer.active}});
        d["customers_more"] = list->total > 200;
    }
    d["customers"] = customers;
    d["has_customers"] = !customers.empty();
    if (auto done = ctx.request.Query("done")) {
        std::string key = "portal_admin_done_" + *done;
        std::replace(key.begin(), key.end(), '-', '_');
        if (Cat().Has(key) && out.message.empty()) d["notice"] = Cat().Text(key, v.lang);
    }
    return Html(ctx, out.status, RenderPage("portal_admin", d));
}

// The end customer's form (new, or an existing one's), with what was typed and why it was refused.
Response CustomerForm(const Context& ctx, http::Services& s, const Visitor& v,
                      std::optional<app::EndCustomerView> existing, int status, const Form* typed,
                      const std::string& error) {
    json d = portal::PortalData(
        ctx, s, v, existing ? "portal_customer_edit_title" : "portal_customer_new_title", "admin");
    std::map<std::string, std::string> f;
    if (existing) {
        const auto& c = existing->customer;
        f = {{"name", c.name},
             {"street", c.street},
             {"postal_code", c.postal_code},
             {"city", c.city},
             {"note", c.note},
             {"payment_method", c.payment_method},
             {"payment_label", c.payment_label},
             {"member_number", c.member_number.value_or("")},
             {"unit_id", std::to_string(c.unit_id)},
             {"active", c.active ? "yes" : ""}};
        d["action"] = "/portal/admin/customers/" + std::to_string(c.id);
        d["edit"] = true;
        d["title"] = c.name + " – " + Cat().Text("portal_customer_edit_title", v.lang);
    } else {
        d["action"] = "/portal/admin/customers";
        f["active"] = "yes";
        f["payment_method"] = "invoice";
    }
    if (typed)
        for (const char* k : {"name", "street", "postal_code", "city", "note", "payment_method",
                              "payment_label", "member_number", "unit_id", "active"})
            f[k] = Field(*typed, k);
    for (const auto& [k, val] : f) d["f_" + k] = val;
    d["card"] = f["payment_method"] == "card";
    d["invoice"] = f["payment_method"] != "card";
    d["active"] = f["active"] == "yes";
    json units = json::array();
    if (auto list = s.portal->Units(v.who))
        for (const auto& u : *list)
            units.push_back({{"id", std::to_string(u.unit.id)},
                             {"name", u.unit.name},
                             {"selected", std::to_string(u.unit.id) == f["unit_id"]}});
    d["units"] = units;
    if (!error.empty()) d["error"] = error;
    if (auto done = ctx.request.Query("done"); done && *done == "saved")
        d["notice"] = Cat().Text("portal_admin_done_customer", v.lang);
    return Html(ctx, status, RenderPage("portal_customer_form", d));
}

// The form's fields as the service takes them, or the key of what is wrong.
std::variant<app::EndCustomerInput, std::string> CustomerInput(const Form& form) {
    app::EndCustomerInput in;
    in.name = Trim(Field(form, "name"));
    in.street = Trim(Field(form, "street"));
    in.postal_code = Trim(Field(form, "postal_code"));
    in.city = Trim(Field(form, "city"));
    in.note = Trim(Field(form, "note"));
    in.payment_method = Field(form, "payment_method");
    in.payment_label = Trim(Field(form, "payment_label"));
    std::string member = Trim(Field(form, "member_number"));
    if (!member.empty()) in.member_number = member;
    in.active = form.find("active") == form.end() || Field(form, "active") == "yes";
    auto unit = portal::ParseId(Field(form, "unit_id"));
    if (in.name.empty() || in.street.empty() || in.postal_code.empty() || in.city.empty() || !unit)
        return std::string("portal_customer_error_missing");
    if (in.name.size() > 200 || in.street.size() > 200 || in.postal_code.size() > 20 ||
        in.city.size() > 100 || in.note.size() > 500 || in.payment_label.size() > 100 || member.size() > 20)
        return std::string("portal_customer_error_long");
    if (in.payment_method != "invoice" && in.payment_method != "card")
        return std::string("portal_customer_error_payment");
    in.unit_id = *unit;
    return in;
}

}  // namespace

void AddPortalAdminPages(http::Router& router, http::Services& s) {
    router.Add("GET", "/portal/admin", {}, [&s](Context& ctx) {
        ADMIN_ENTER(v);
        return AdminPage(ctx, s, v);
    });
    // An orderer or administrator: the welcome e-mail with a 24-hour link (R_OMB_2).
    router.Add("POST", "/portal/admin/users", {}, [&s](Context& ctx) {
        ADMIN_ENTER(v);
        auto form = ParseForm(ctx.request);
        if (!form) return AdminPage(ctx, s, v, {400, "user", Cat().Text("portal_error_invalid", v.lang), {}});
        std::string name = Trim(Field(*form, "name")), email = Trim(Field(*form, "email")),
                    role = Field(*form, "role");
        if (name.empty() || email.empty() || email.find('@') == std::string::npos || name.size() > 200 ||
            email.size() > 254)
            return AdminPage(ctx, s, v, {400, "user", Cat().Text("portal_admin_error_user", v.lang), *form});
        if (role != "orderer" && role != "portal_admin")
            return AdminPage(ctx, s, v, {400, "user", Cat().Text("portal_error_invalid", v.lang), *form});
        auto done = s.portal->AddUser(v.who, email, name, role, v.lang);
        if (!done)
            return AdminPage(ctx, s, v,
                             {portal::StatusOf(done.error()), "user",
                              done.error().code == core::ErrorCode::kConflict
                                  ? Cat().Text("portal_admin_error_email_taken", v.lang)
                                  : portal::ErrorText(done.error(), v.lang),
                              *form});
        return SeeOther("/portal/admin?done=user#users");
    });
    router.Add("POST", "/portal/admin/users/{id}/active", {}, [&s](Context& ctx) {
        ADMIN_ENTER(v);
        auto id = portal::ParseId(ctx.Param("id"));
        auto form = ParseForm(ctx.request);
        if (!id)
            return portal::PortalError(ctx, s, v, 404, Cat().Text("portal_error_not_found", v.lang),
                                       "/portal/admin");
        std::string active = form ? Field(*form, "active") : "";
        if (active != "yes" && active != "no")
            return portal::PortalError(ctx, s, v, 400, Cat().Text("portal_error_invalid", v.lang),
                                       "/portal/admin");
        auto done = s.portal->SetUserActive(v.who, *id, active == "yes");
        if (!done)
            return AdminPage(
                ctx, s, v,
                {portal::StatusOf(done.error()), "user", portal::ErrorText(done.error(), v.lang), {}});
        return SeeOther(std::string("/portal/admin?done=") + (active == "yes" ? "activated" : "deactivated") +
                        "#users");
    });
    router.Add("POST", "/portal/admin/units", {}, [&s](Context& ctx) {
        ADMIN_ENTER(v);
        auto form = ParseForm(ctx.request);
        if (!form) return AdminPage(ctx, s, v, {400, "unit", Cat().Text("portal_error_invalid", v.lang), {}});
        std::string name = Trim(Field(*form, "name")), area = Trim(Field(*form, "delivery_area"));
        if (name.empty() || name.size() > 200 || area.size() > 200)
            return AdminPage(ctx, s, v, {400, "unit", Cat().Text("portal_admin_error_unit", v.lang), *form});
        auto done = s.portal->CreateUnit(v.who, name, area);
        if (!done)
            return AdminPage(
                ctx, s, v,
                {portal::StatusOf(done.error()), "unit", portal::ErrorText(done.error(), v.lang), *form});
        return SeeOther("/portal/admin?done=unit#units");
    });
    // A weekly delivery time: weekday, window, capacity and the order cut-off in hours before it.
    router.Add("POST", "/portal/admin/units/{id}/slots", {}, [&s](Context& ctx) {
        ADMIN_ENTER(v);
        auto id = portal::ParseId(ctx.Param("id"));
        if (!id)
            return portal::PortalError(ctx, s, v, 404, Cat().Text("portal_error_not_found", v.lang),
                                       "/portal/admin");
        std::string form_id = "slot-" + std::to_string(*id);
        auto form = ParseForm(ctx.request);
        if (!form)
            return AdminPage(ctx, s, v, {400, form_id, Cat().Text("portal_error_invalid", v.lang), {}});
        auto weekday = portal::ParseCount(Field(*form, "weekday"), 7);
        auto capacity = portal::ParseCount(Field(*form, "capacity"), 1000);
        auto cutoff = portal::ParseCount(Field(*form, "cutoff_hours"), 168);
        std::string start = Trim(Field(*form, "start")), end = Trim(Field(*form, "end"));
        if (!weekday || *weekday < 1 || !capacity || *capacity < 1 || !cutoff || !ValidTime(start) ||
            !ValidTime(end) || end <= start)
            return AdminPage(ctx, s, v, {400, form_id, Cat().Text("portal_admin_error_slot", v.lang), *form});
        auto done = s.portal->AddSlot(v.who, *id, *weekday, start, end, *capacity, *cutoff * 60);
        if (!done) {
            if (done.error().code == core::ErrorCode::kNotFound)
                return portal::PortalError(ctx, s, v, 404, Cat().Text("portal_error_not_found", v.lang),
                                           "/portal/admin");
            return AdminPage(
                ctx, s, v,
                {portal::StatusOf(done.error()), form_id, portal::ErrorText(done.error(), v.lang), *form});
        }
        return SeeOther("/portal/admin?done=slot#unit-" + std::to_string(*id));
    });
    router.Add("POST", "/portal/admin/slots/{id}/active", {}, [&s](Context& ctx) {
        ADMIN_ENTER(v);
        auto id = portal::ParseId(ctx.Param("id"));
        if (!id)
            return portal::PortalError(ctx, s, v, 404, Cat().Text("portal_error_not_found", v.lang),
                                       "/portal/admin");
        auto form = ParseForm(ctx.request);
        std::string active = form ? Field(*form, "active") : "";
        if (active != "yes" && active != "no")
            return portal::PortalError(ctx, s, v, 400, Cat().Text("portal_error_invalid", v.lang),
                                       "/portal/admin");
        auto done = s.portal->SetSlotActive(v.who, *id, active == "yes");
        if (!done)
            return portal::PortalError(ctx, s, v, portal::StatusOf(done.error()),
                                       portal::ErrorText(done.error(), v.lang), "/portal/admin");
        return SeeOther("/portal/admin?done=slot-changed#units");
    });

    // End customers: add and edit.
    router.Add("GET", "/portal/admin/customers/new", {}, [&s](Context& ctx) {
        ADMIN_ENTER(v);
        return CustomerForm(ctx, s, v, std::nullopt, 200, nullptr, "");
    });
    router.Add("POST", "/portal/admin/customers", {}, [&s](Context& ctx) {
        ADMIN_ENTER(v);
        auto form = ParseForm(ctx.request);
        if (!form)
            return CustomerForm(ctx, s, v, std::nullopt, 400, nullptr,
                                Cat().Text("portal_error_invalid", v.lang));
        auto in = CustomerInput(*form);
        if (auto* key = std::get_if<std::string>(&in))
            return CustomerForm(ctx, s, v, std::nullopt, 400, &*form, Cat().Text(*key, v.lang));
        auto done = s.portal->CreateEndCustomer(v.who, std::get<app::EndCustomerInput>(in));
        if (!done)
            return CustomerForm(ctx, s, v, std::nullopt, portal::StatusOf(done.error()), &*form,
                                portal::ErrorText(done.error(), v.lang));
        return SeeOther("/portal/admin/customers/" + std::to_string(done->customer.id) + "?done=saved");
    });
    router.Add("GET", "/portal/admin/customers/{id}", {}, [&s](Context& ctx) {
        ADMIN_ENTER(v);
        auto id = portal::ParseId(ctx.Param("id"));
        if (!id)
            return portal::PortalError(ctx, s, v, 404, Cat().Text("portal_error_not_found", v.lang),
                                       "/portal/admin");
        auto existing = s.portal->EndCustomer(v.who, *id);
        if (!existing)
            return portal::PortalError(ctx, s, v, portal::StatusOf(existing.error()),
                                       portal::ErrorText(existing.error(), v.lang), "/portal/admin");
        return CustomerForm(ctx, s, v, *existing, 200, nullptr, "");
    });
    router.Add("POST", "/portal/admin/customers/{id}", {}, [&s](Context& ctx) {
        ADMIN_ENTER(v);
        auto id = portal::ParseId(ctx.Param("id"));
        if (!id)
            return portal::PortalError(ctx, s, v, 404, Cat().Text("portal_error_not_found", v.lang),
                                       "/portal/admin");
        auto existing = s.portal->EndCustomer(v.who, *id);
        if (!existing)
            return portal::PortalError(ctx, s, v, portal::StatusOf(existing.error()),
                                       portal::ErrorText(existing.error(), v.lang), "/portal/admin");
        auto form = ParseForm(ctx.request);
        if (!form)
            return CustomerForm(ctx, s, v, *existing, 400, nullptr,
                                Cat().Text("portal_error_invalid", v.lang));
        // An unticked "active" box is not sent: here, on the edit form, that is "inactive".
        Form fields = *form;
        if (fields.find("active") == fields.end()) fields.emplace("active", "no");
        auto in = CustomerInput(fields);
        if (auto* key = std::get_if<std::string>(&in))
            return CustomerForm(ctx, s, v, *existing, 400, &fields, Cat().Text(*key, v.lang));
        auto done = s.portal->UpdateEndCustomer(v.who, *id, std::get<app::EndCustomerInput>(in));
        if (!done)
            return CustomerForm(ctx, s, v, *existing, portal::StatusOf(done.error()), &fields,
                                portal::ErrorText(done.error(), v.lang));
        return SeeOther("/portal/admin/customers/" + std::to_string(*id) + "?done=saved");
    });
}

}  // namespace andel::web
