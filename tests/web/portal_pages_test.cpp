// The ordering portal's pages (issue 7, R_OMB_1..9), without script, on SQLite and PostgreSQL: an orderer
// logs in, finds the end customer, shops (search, categories, the cart), chooses substitutions, reads the
// summary, picks a delivery of the end customer's unit and completes the purchase, after which the list says
// "Beställd"; every shop page names whom the order is for and their note; another organisation's end
// customer, order and saved cart are 404 on every page; an orderer cannot open the administration; the
// welcome link's page after 24 hours; a full slot, a passed cut-off and another unit's slot shown next to the
// choice; saved carts; hostile input never a 500.
#include <gtest/gtest.h>

#include <regex>

#include "app/demo/demo_portal.hpp"
#include "http/test_app.hpp"
#include "notify/outbox.hpp"
#include "test_support.hpp"
#include "web/browser.hpp"
#include "web/web.hpp"

namespace andel::web {
namespace {

using namespace std::chrono_literals;

std::string Match(const std::string& text, const std::string& pattern, int group = 1) {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex(pattern))) return {};
    return m[group].str();
}

class PortalPagesTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        demo_ = app_->SeedPortal();
        AddWebRoutes(*app_->router, *app_->services);
        orderer_ = {demo_.orderer_account_id, demo_.organisation_id, false, "test"};
        admin_ = {demo_.admin_account_id, demo_.organisation_id, true, "test"};
    }
    std::string LastMessageTo(const std::string& to) {
        auto c = app_->db->Read();
        auto items = notify::ListOutbox(*c, *app_->sealer, 0, 1, to);
        return items.empty() ? std::string() : items.front().body;
    }
    // Logs in with the e-mail, the password and the code e-mailed (the second step); lands on /portal.
    Browser LogIn(const std::string& email, const std::string& password = app::kDemoPortalPassword) {
        Browser b(*app_->router);
        auto step = b.Post("/login", {{"login", email}, {"password", password}});
        EXPECT_EQ(step.status, 200) << step.body;
        std::string challenge = Match(step.body, "name=\"challenge\" value=\"([^\"]+)\"");
        std::string code = Match(LastMessageTo(email), "\\b([0-9]{6})\\b");
        auto done = b.Post("/login/verify", {{"challenge", challenge}, {"code", code}});
        EXPECT_EQ(done.status, 303) << done.body;
        EXPECT_EQ(b.Get("/").Header("Location"), "/portal") << "a portal user starts in the portal";
        return b;
    }
    std::string Shop(int64_t id) { return "/portal/shop/" + std::to_string(id); }
    // The first delivery offered on the page (its radio's value "<slot>_<date>").
    static std::string FirstDelivery(const std::string& html) {
        return Match(html, "name=\"delivery\" type=\"radio\" value=\"([0-9]+_[0-9-]+)\"");
    }
    // Through the service: Elsa's cart with milk and oats, and her order on the first delivery.
    app::OrderView OrderForElsa(const std::string& key = "test-order-key-0001") {
        EXPECT_TRUE(app_->portal->AddToCart(orderer_, demo_.elsa_id, "7350000000016", 2));
        EXPECT_TRUE(app_->portal->AddToCart(orderer_, demo_.elsa_id, "7350000000122", 1));
        auto d = app_->portal->Deliveries(orderer_, demo_.elsa_id);
        EXPECT_TRUE(d && !d->empty());
        auto o = app_->portal->Checkout(orderer_,
                                        {demo_.elsa_id, d->front().slot.id, d->front().delivery_date, key});
        EXPECT_TRUE(o) << (o ? "" : o.error().detail);
        return *o;
    }
    std::unique_ptr<test::TestApp> app_;
    app::DemoPortal demo_;
    app::PortalUser orderer_, admin_;
};

// The seed's whole story through the pages, without script.
TEST_P(PortalPagesTest, R_OMB_8_AnOrdererShopsForElsaThroughTheFourStepsAndTheListSaysBestalld) {
    Browser b = LogIn(app::kDemoPortalOrdererEmail);
    auto list = b.Get("/portal");
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_TRUE(Contains(list.body, "<html lang=\"sv\">")) << "Swedish by default";
    EXPECT_TRUE(Contains(list.body, "Västerås stad, hemtjänst")) << "the organisation in the header";
    EXPECT_TRUE(Contains(list.body, "Lena Berg")) << "and the user";
    EXPECT_TRUE(Contains(list.body, "Elsa Lindqvist"));
    EXPECT_TRUE(Contains(list.body, "Ingen order"));
    EXPECT_TRUE(Contains(list.body, "href=\"" + Shop(demo_.elsa_id) + "\"")) << "Handla";
    EXPECT_FALSE(Contains(list.body, "/portal/admin")) << "an orderer has no Administration in the menu";
    auto found = b.Get("/portal?q=Vasagatan");
    EXPECT_TRUE(Contains(found.body, "Elsa Lindqvist"));
    EXPECT_FALSE(Contains(found.body, "Gunnar Ek"));
    std::string csrf = CsrfOf(list.body);

    // The start page: offers or current items, the search box and the category tree (R_OMB_4).
    auto start = b.Get(Shop(demo_.elsa_id));
    ASSERT_EQ(start.status, 200) << start.body;
    EXPECT_TRUE(Contains(start.body, "role=\"search\""));
    EXPECT_TRUE(Contains(start.body, "Aktuella varor") || Contains(start.body, "Erbjudanden"));
    std::string category = Match(start.body, "href=\"" + Shop(demo_.elsa_id) + "\\?category=([^\"]+)\"");
    ASSERT_FALSE(category.empty()) << "a category tree";
    auto browsed = b.Get(Shop(demo_.elsa_id) + "?category=" + category);
    EXPECT_EQ(browsed.status, 200);
    EXPECT_TRUE(Contains(browsed.body, "name=\"ean\"")) << "a category lists its products";
    auto search = b.Get(Shop(demo_.elsa_id) + "?q=mellanmj%C3%B6lk");
    ASSERT_EQ(search.status, 200) << search.body;
    EXPECT_TRUE(Contains(search.body, "Mellanmjölk"));
    EXPECT_TRUE(Contains(search.body, "Jämförpris")) << "the comparison price";

    // Fill the cart (R_OMB_5): add, correct a quantity, remove.
    std::string back = Shop(demo_.elsa_id) + "?q=mellanmj%C3%B6lk";
    auto added = b.Post(Shop(demo_.elsa_id) + "/cart/add",
                        {{"csrf_token", csrf}, {"ean", "7350000000016"}, {"quantity", "2"}, {"back", back}});
    ASSERT_EQ(added.status, 303) << added.body;
    EXPECT_EQ(added.Header("Location"), back + "&added=1");
    for (const char* ean : {"7350000000122", "7350000000108"})
        ASSERT_EQ(
            b.Post(Shop(demo_.elsa_id) + "/cart/add", {{"csrf_token", csrf}, {"ean", ean}, {"quantity", "1"}})
                .status,
            303);
    auto cart = b.Get(Shop(demo_.elsa_id) + "/cart");
    ASSERT_EQ(cart.status, 200);
    EXPECT_TRUE(Contains(cart.body, "Varukorg (4)")) << "the cart link counts the items";
    EXPECT_TRUE(Contains(cart.body, "Laxfilé"));
    EXPECT_TRUE(Contains(cart.body, "Gå till kassan"));
    ASSERT_EQ(b.Post(Shop(demo_.elsa_id) + "/cart", {{"csrf_token", csrf},
                                                     {"q_7350000000016", "3"},
                                                     {"q_7350000000122", "1"},
                                                     {"q_7350000000108", "1"}})
                  .status,
              303);
    ASSERT_EQ(
        b.Post(Shop(demo_.elsa_id) + "/cart", {{"csrf_token", csrf}, {"remove", "7350000000108"}}).status,
        303);
    cart = b.Get(Shop(demo_.elsa_id) + "/cart?done=removed");
    EXPECT_FALSE(Contains(cart.body, "Laxfilé"));
    EXPECT_TRUE(Contains(cart.body, "value=\"3\"")) << "the corrected quantity";
    EXPECT_TRUE(Contains(cart.body, "role=\"status\""));

    // Step 1: substitutions, one by one (R_OMB_6): the milk may be substituted, the oats not.
    auto step1 = b.Get(Shop(demo_.elsa_id) + "/checkout");
    ASSERT_EQ(step1.status, 200);
    EXPECT_TRUE(Contains(step1.body, "name=\"substitute_all\""));
    EXPECT_TRUE(Contains(step1.body, "name=\"sub_7350000000016\""));
    auto chosen =
        b.Post(Shop(demo_.elsa_id) + "/checkout", {{"csrf_token", csrf}, {"sub_7350000000016", "yes"}});
    ASSERT_EQ(chosen.status, 303);
    EXPECT_EQ(chosen.Header("Location"), Shop(demo_.elsa_id) + "/checkout/summary");
    auto c = app_->portal->Cart(orderer_, demo_.elsa_id);
    ASSERT_TRUE(c);
    for (const auto& l : c->lines)
        EXPECT_EQ(l.substitute, l.product.ean == "7350000000016") << l.product.name;

    // Step 2: the summary.
    auto step2 = b.Get(Shop(demo_.elsa_id) + "/checkout/summary");
    ASSERT_EQ(step2.status, 200);
    EXPECT_TRUE(Contains(step2.body, "Får ersättas"));
    EXPECT_TRUE(Contains(step2.body, "Ersätts inte"));
    EXPECT_TRUE(Contains(step2.body, "Att betala"));
    EXPECT_TRUE(Contains(step2.body, "aria-current=\"step\""));
    EXPECT_TRUE(Contains(step2.body, "Gå vidare"));

    // Step 3: the address from the portal, not a field; only Centrum's times (R_OMB_7).
    auto step3 = b.Get(Shop(demo_.elsa_id) + "/checkout/delivery");
    ASSERT_EQ(step3.status, 200);
    EXPECT_TRUE(Contains(step3.body, "Vasagatan 12"));
    EXPECT_FALSE(Contains(step3.body, "name=\"street\"")) << "the address cannot be changed";
    auto units = app_->portal->Units(admin_);
    ASSERT_TRUE(units);
    for (const auto& u : *units)
        for (const auto& sl : u.slots) {
            bool offered = Contains(step3.body, "value=\"" + std::to_string(sl.id) + "_");
            EXPECT_EQ(offered, u.unit.id == demo_.centrum_unit_id) << u.unit.name;
        }
    EXPECT_TRUE(Contains(step3.body, "platser kvar"));
    std::string delivery = FirstDelivery(step3.body);
    ASSERT_FALSE(delivery.empty()) << step3.body;

    // Step 4: the preset payment and an empty reference, neither editable.
    auto step4 = b.Get(Shop(demo_.elsa_id) + "/checkout/payment?delivery=" + delivery);
    ASSERT_EQ(step4.status, 200) << step4.body;
    EXPECT_TRUE(std::regex_search(
        step4.body, std::regex("id=\"payment\" type=\"text\" value=\"Faktura[^\"]*\" readonly")));
    EXPECT_TRUE(Contains(step4.body, "id=\"reference\" type=\"text\" value=\"\" readonly"));
    EXPECT_FALSE(Contains(step4.body, "name=\"payment")) << "the payment is not sent, it is preset";
    EXPECT_TRUE(Contains(step4.body, "Slutför köp"));
    std::string key = Match(step4.body, "name=\"checkout_key\" value=\"([^\"]+)\"");
    std::string slot = Match(step4.body, "name=\"slot_id\" value=\"([^\"]+)\"");
    std::string date = Match(step4.body, "name=\"delivery_date\" value=\"([^\"]+)\"");
    ASSERT_FALSE(key.empty());
    std::vector<std::pair<std::string, std::string>> complete = {
        {"csrf_token", csrf}, {"slot_id", slot}, {"delivery_date", date}, {"checkout_key", key}};
    auto done = b.Post(Shop(demo_.elsa_id) + "/checkout/complete", complete);
    ASSERT_EQ(done.status, 303) << done.body;
    std::string order_path = done.Header("Location");
    EXPECT_TRUE(order_path.starts_with("/portal/orders/")) << order_path;
    auto again = b.Post(Shop(demo_.elsa_id) + "/checkout/complete", complete);
    EXPECT_EQ(again.status, 303) << "a double submit is the same order: " << again.body;
    EXPECT_EQ(again.Header("Location"), order_path);

    auto order = b.Get(order_path);
    ASSERT_EQ(order.status, 200) << order.body;
    EXPECT_TRUE(Contains(order.body, "Beställd"));
    EXPECT_TRUE(Contains(order.body, "Mellanmjölk"));
    EXPECT_TRUE(Contains(order.body, "Vasagatan 12"));
    EXPECT_TRUE(Contains(order.body, "Faktura"));
    EXPECT_TRUE(Contains(order.body, "role=\"status\""));
    list = b.Get("/portal?q=Elsa");
    EXPECT_TRUE(Contains(list.body, "Beställd")) << "R_OMB_8";
    EXPECT_TRUE(Contains(list.body, "nästa leverans"));
    auto orders = app_->portal->Orders(orderer_, demo_.elsa_id);
    ASSERT_TRUE(orders);
    EXPECT_EQ(orders->size(), 1u) << "one order for the two submits";
    EXPECT_TRUE(app_->portal->Cart(orderer_, demo_.elsa_id)->lines.empty()) << "the cart is emptied";
}

TEST_P(PortalPagesTest, R_OMB_3_EveryShopPageShowsWhomAndNote) {
    Browser b = LogIn(app::kDemoPortalOrdererEmail);
    ASSERT_TRUE(app_->portal->AddToCart(orderer_, demo_.elsa_id, "7350000000016", 1));
    auto deliveries = app_->portal->Deliveries(orderer_, demo_.elsa_id);
    ASSERT_TRUE(deliveries && !deliveries->empty());
    std::string delivery =
        std::to_string(deliveries->front().slot.id) + "_" + deliveries->front().delivery_date;
    std::string base = Shop(demo_.elsa_id);
    for (const std::string& path :
         {base, base + "?q=havregryn", base + "?category=mejeri", base + "/cart", base + "/checkout",
          base + "/checkout/summary", base + "/checkout/delivery",
          base + "/checkout/payment?delivery=" + delivery,
          "/portal/customers/" + std::to_string(demo_.elsa_id) + "/orders",
          "/portal/saved-carts?customer=" + std::to_string(demo_.elsa_id)}) {
        auto page = b.Get(path);
        EXPECT_EQ(page.status, 200) << path << ": " << page.body.substr(0, 400);
        EXPECT_TRUE(Contains(page.body, "Du handlar åt: Elsa Lindqvist")) << path;
        EXPECT_TRUE(Contains(page.body, "Laktosintolerant")) << path;
    }
}

// R_OMB_1: an orderer of another organisation reaches none of this one's end customers, orders or saved
// carts, by any page; each is "not found" (404) and nothing changes.
TEST_P(PortalPagesTest, R_OMB_1_AnOrdererOfOrganisationBGets404ForAsCustomerOrderAndSavedCartOnEveryPage) {
    app::OrderView order = OrderForElsa();
    ASSERT_TRUE(app_->portal->AddToCart(orderer_, demo_.elsa_id, "7350000000030", 1));
    auto saved = app_->portal->SaveCart(orderer_, demo_.elsa_id, "Elsas vecka");
    ASSERT_TRUE(saved) << saved.error().detail;
    auto other = app_->portal->CreateOrganisation("se", "Umeå kommun, hemtjänst", "212000-2460",
                                                  "se-vasteras-1", "test");
    ASSERT_TRUE(other) << other.error().detail;
    auto other_orderer = app_->auth->SeedStaffAccount(
        "bestallare@umea.example", "Bo Berg", app::auth::kRoleOrderer, "umea-orderer-pass", other->record.id);
    auto other_admin = app_->auth->SeedStaffAccount(
        "admin@umea.example", "Ada Berg", app::auth::kRolePortalAdmin, "umea-admin-pass", other->record.id);
    ASSERT_TRUE(other_orderer && other_admin);
    Browser b = LogIn("bestallare@umea.example", "umea-orderer-pass");
    std::string csrf = CsrfOf(b.Get("/portal").body);
    EXPECT_FALSE(Contains(b.Get("/portal?q=Elsa").body, "Elsa Lindqvist")) << "not in B's list";
    std::string elsa = std::to_string(demo_.elsa_id), cart = std::to_string(saved->cart.id);
    std::string number = order.order.order_number;
    for (const std::string& path :
         {Shop(demo_.elsa_id), Shop(demo_.elsa_id) + "?q=mj%C3%B6lk", Shop(demo_.elsa_id) + "/cart",
          Shop(demo_.elsa_id) + "/checkout", Shop(demo_.elsa_id) + "/checkout/summary",
          Shop(demo_.elsa_id) + "/checkout/delivery",
          Shop(demo_.elsa_id) + "/checkout/payment?delivery=1_2026-11-24",
          "/portal/customers/" + elsa + "/orders", "/portal/orders/" + number, "/portal/saved-carts/" + cart,
          "/portal/saved-carts?customer=" + elsa}) {
        auto page = b.Get(path);
        EXPECT_EQ(page.status, 404) << path;
        EXPECT_FALSE(Contains(page.body, "Elsa Lindqvist")) << path;
        EXPECT_FALSE(Contains(page.body, "Laktosintolerant")) << path;
    }
    std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> posts = {
        {Shop(demo_.elsa_id) + "/cart/add",
         {{"csrf_token", csrf}, {"ean", "7350000000016"}, {"quantity", "1"}}},
        {Shop(demo_.elsa_id) + "/cart", {{"csrf_token", csrf}, {"remove", "7350000000030"}}},
        {Shop(demo_.elsa_id) + "/cart/save", {{"csrf_token", csrf}, {"name", "Stulen"}}},
        {Shop(demo_.elsa_id) + "/checkout", {{"csrf_token", csrf}, {"substitute_all", "yes"}}},
        {Shop(demo_.elsa_id) + "/checkout/complete",
         {{"csrf_token", csrf},
          {"slot_id", "1"},
          {"delivery_date", "2026-11-24"},
          {"checkout_key", "b-steals-key-000001"}}},
        {"/portal/orders/" + number + "/cancel", {{"csrf_token", csrf}}},
        {"/portal/saved-carts/" + cart, {{"csrf_token", csrf}, {"name", "Bytt namn"}}},
        {"/portal/saved-carts/" + cart + "/delete", {{"csrf_token", csrf}}},
        {"/portal/saved-carts/" + cart + "/add", {{"csrf_token", csrf}, {"customer_id", elsa}}},
    };
    for (const auto& [path, fields] : posts) EXPECT_EQ(b.Post(path, fields).status, 404) << path;
    // Nothing changed: the order stands, the saved cart is as it was, Elsa's cart holds what A put there.
    EXPECT_EQ(app_->portal->Order(orderer_, number)->order.status, "ordered");
    EXPECT_EQ(app_->portal->SavedCart(orderer_, saved->cart.id)->cart.name, "Elsas vecka");
    // B's administrator cannot open or change A's end customer either.
    Browser ada = LogIn("admin@umea.example", "umea-admin-pass");
    std::string admin_csrf = CsrfOf(ada.Get("/portal/admin").body);
    EXPECT_EQ(ada.Get("/portal/admin/customers/" + elsa).status, 404);
    EXPECT_EQ(ada.Post("/portal/admin/customers/" + elsa, {{"csrf_token", admin_csrf}, {"name", "X"}}).status,
              404);
    EXPECT_EQ(ada.Post("/portal/admin/units/" + std::to_string(demo_.centrum_unit_id) + "/slots",
                       {{"csrf_token", admin_csrf},
                        {"weekday", "1"},
                        {"start", "08:00"},
                        {"end", "09:00"},
                        {"capacity", "5"},
                        {"cutoff_hours", "1"}})
                  .status,
              404);
    EXPECT_EQ(app_->portal->EndCustomer(orderer_, demo_.elsa_id)->customer.name, "Elsa Lindqvist");
}

TEST_P(PortalPagesTest, R_OMB_1_AnOrdererCannotOpenTheAdministration_AnAdministratorCan) {
    Browser b = LogIn(app::kDemoPortalOrdererEmail);
    std::string csrf = CsrfOf(b.Get("/portal").body);
    auto page = b.Get("/portal/admin");
    EXPECT_EQ(page.status, 403);
    EXPECT_TRUE(Contains(page.body, "role=\"alert\""));
    EXPECT_EQ(b.Post("/portal/admin/units", {{"csrf_token", csrf}, {"name", "Smyg"}}).status, 403);
    EXPECT_EQ(
        b.Post("/portal/admin/users",
               {{"csrf_token", csrf}, {"name", "X"}, {"email", "x@example.org"}, {"role", "portal_admin"}})
            .status,
        403);
    EXPECT_EQ(b.Get("/portal/admin/customers/new").status, 403);
    EXPECT_EQ(app_->portal->Units(admin_)->size(), 2u) << "nothing was added";

    Browser admin = LogIn(app::kDemoPortalAdminEmail);
    auto panel = admin.Get("/portal/admin");
    ASSERT_EQ(panel.status, 200) << panel.body;
    EXPECT_TRUE(Contains(panel.body, "Hemtjänst Centrum"));
    EXPECT_TRUE(Contains(panel.body, "Lena Berg"));
    EXPECT_TRUE(Contains(panel.body, "href=\"/portal/admin\"")) << "Administration in the admin's menu";
    std::string admin_csrf = CsrfOf(panel.body);
    // A unit, a slot for it (a wrong one first, announced next to its form), an end customer.
    ASSERT_EQ(
        admin
            .Post("/portal/admin/units",
                  {{"csrf_token", admin_csrf}, {"name", "Hemtjänst Skultuna"}, {"delivery_area", "726 30"}})
            .status,
        303);
    int64_t unit = 0;
    auto all_units = app_->portal->Units(admin_);
    ASSERT_TRUE(all_units);
    for (const auto& u : *all_units)
        if (u.unit.name == "Hemtjänst Skultuna") unit = u.unit.id;
    ASSERT_GT(unit, 0);
    std::string slots = "/portal/admin/units/" + std::to_string(unit) + "/slots";
    auto wrong = admin.Post(slots, {{"csrf_token", admin_csrf},
                                    {"weekday", "2"},
                                    {"start", "12:00"},
                                    {"end", "10:00"},
                                    {"capacity", "abc"},
                                    {"cutoff_hours", "2"}});
    EXPECT_EQ(wrong.status, 400);
    EXPECT_TRUE(Contains(wrong.body, "id=\"slot-error-" + std::to_string(unit) + "\" role=\"alert\""));
    EXPECT_TRUE(Contains(wrong.body, "value=\"12:00\"")) << "what was typed is kept";
    ASSERT_EQ(admin
                  .Post(slots, {{"csrf_token", admin_csrf},
                                {"weekday", "2"},
                                {"start", "10:00"},
                                {"end", "12:00"},
                                {"capacity", "4"},
                                {"cutoff_hours", "24"}})
                  .status,
              303);
    auto made = app_->portal->Unit(admin_, unit);
    ASSERT_TRUE(made && made->slots.size() == 1);
    EXPECT_EQ(made->slots[0].cutoff_minutes, 24 * 60);
    auto created = admin.Post("/portal/admin/customers", {{"csrf_token", admin_csrf},
                                                          {"name", "Sixten Ros"},
                                                          {"street", "Skolgatan 2"},
                                                          {"postal_code", "726 31"},
                                                          {"city", "Skultuna"},
                                                          {"unit_id", std::to_string(unit)},
                                                          {"note", "Ring innan"},
                                                          {"payment_method", "invoice"}});
    ASSERT_EQ(created.status, 303) << created.body;
    auto edit = admin.Get(created.Header("Location"));
    EXPECT_EQ(edit.status, 200);
    EXPECT_TRUE(Contains(edit.body, "value=\"Sixten Ros\""));
    // A card payment needs its label; the error is shown and nothing is saved.
    auto card = admin.Post(created.Header("Location").substr(0, created.Header("Location").find('?')),
                           {{"csrf_token", admin_csrf},
                            {"name", "Sixten Ros"},
                            {"street", "Skolgatan 2"},
                            {"postal_code", "726 31"},
                            {"city", "Skultuna"},
                            {"unit_id", std::to_string(unit)},
                            {"payment_method", "card"},
                            {"active", "yes"}});
    EXPECT_GE(card.status, 400);
    EXPECT_LT(card.status, 500);
    EXPECT_TRUE(Contains(card.body, "role=\"alert\""));
    // A new orderer gets the welcome e-mail (R_OMB_2).
    ASSERT_EQ(admin
                  .Post("/portal/admin/users", {{"csrf_token", admin_csrf},
                                                {"name", "Nils Nyman"},
                                                {"email", "nils@vasteras.example"},
                                                {"role", "orderer"}})
                  .status,
              303);
    EXPECT_TRUE(Contains(LastMessageTo("nils@vasteras.example"), "/reset-password?token="));
    EXPECT_TRUE(Contains(admin.Get("/portal/admin").body, "Nils Nyman"));
}

// R_OMB_2: the welcome link sets the password within 24 hours; after that its page says to use "Glömt
// lösenord", which sends a new link.
TEST_P(PortalPagesTest, R_OMB_2_TheWelcomeLinkExpiresAfter24Hours_AndForgotPasswordSendsANewOne) {
    ASSERT_TRUE(app_->portal->AddUser(admin_, "ny@vasteras.example", "Nea Ny", "orderer", "sv"));
    std::string token = Match(LastMessageTo("ny@vasteras.example"), "token=([A-Za-z0-9._-]+)");
    ASSERT_FALSE(token.empty());
    Browser b(*app_->router);
    b.accept_language = "sv-SE";
    auto page = b.Get("/reset-password?token=" + token);
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_TRUE(Contains(page.body, "name=\"password_repeat\""));
    app_->clock.Advance(25h);
    auto expired = b.Get("/reset-password?token=" + token);
    EXPECT_EQ(expired.status, 410);
    EXPECT_TRUE(Contains(expired.body, "Välkomstlänken har gått ut"));
    EXPECT_TRUE(Contains(expired.body, "Glömt lösenord"));
    EXPECT_TRUE(Contains(expired.body, "href=\"/forgot-password\""));
    auto posted =
        b.Post("/reset-password",
               {{"token", token}, {"password", "nea-valde-detta"}, {"password_repeat", "nea-valde-detta"}});
    EXPECT_EQ(posted.status, 410);
    EXPECT_TRUE(Contains(posted.body, "Välkomstlänken har gått ut"));

    // "Glömt lösenord" with the registered e-mail: a new link, which works; the same answer for an unknown
    // one.
    auto login = b.Get("/login");
    EXPECT_TRUE(Contains(login.body, "href=\"/forgot-password\""));
    auto unknown = b.Post("/forgot-password", {{"login", "ingen@vasteras.example"}});
    auto known = b.Post("/forgot-password", {{"login", "ny@vasteras.example"}});
    EXPECT_EQ(unknown.status, 200);
    EXPECT_EQ(known.status, 200);
    EXPECT_EQ(Match(unknown.body, "role=\"status\">([^<]+)<"), Match(known.body, "role=\"status\">([^<]+)<"));
    std::string fresh = Match(LastMessageTo("ny@vasteras.example"), "token=([A-Za-z0-9._-]+)");
    ASSERT_FALSE(fresh.empty());
    ASSERT_NE(fresh, token);
    auto mismatch = b.Post("/reset-password",
                           {{"token", fresh}, {"password", "nea-valde-detta"}, {"password_repeat", "annat"}});
    EXPECT_EQ(mismatch.status, 400);
    EXPECT_TRUE(Contains(mismatch.body, "aria-invalid=\"true\""));
    auto set =
        b.Post("/reset-password",
               {{"token", fresh}, {"password", "nea-valde-detta"}, {"password_repeat", "nea-valde-detta"}});
    ASSERT_EQ(set.status, 200) << set.body;
    EXPECT_EQ(b.Get("/reset-password?token=" + fresh).status, 410) << "a link is used once";
    Browser nea = LogIn("ny@vasteras.example", "nea-valde-detta");
    EXPECT_EQ(nea.Get("/portal").status, 200);
}

// R_OMB_7: another unit's slot, a full slot, a passed cut-off: the delivery step again with why, next to the
// choice; never a 500.
TEST_P(PortalPagesTest, R_OMB_7_AnotherUnitsSlotAFullSlotAndAPassedCutOffAreShownOnTheDeliveryStep) {
    Browser b = LogIn(app::kDemoPortalOrdererEmail);
    std::string csrf = CsrfOf(b.Get("/portal").body);
    ASSERT_TRUE(app_->portal->AddToCart(orderer_, demo_.elsa_id, "7350000000016", 1));
    auto complete = [&](int64_t slot, const std::string& date, const std::string& key) {
        return b.Post(Shop(demo_.elsa_id) + "/checkout/complete", {{"csrf_token", csrf},
                                                                   {"slot_id", std::to_string(slot)},
                                                                   {"delivery_date", date},
                                                                   {"checkout_key", key}});
    };
    // Another unit's (Bäckby's) slot.
    auto backby = app_->portal->Deliveries(orderer_, demo_.gunnar_id);
    ASSERT_TRUE(backby && !backby->empty());
    auto page = complete(backby->front().slot.id, backby->front().delivery_date, "key-other-unit-0001");
    EXPECT_EQ(page.status, 422) << page.body;
    EXPECT_TRUE(Contains(page.body, "id=\"delivery-error\" role=\"alert\""));
    EXPECT_TRUE(Contains(page.body, "hör inte till slutkundens enhet"));
    EXPECT_TRUE(Contains(page.body, "name=\"delivery\"")) << "the choice is offered again";
    // A full slot: a Centrum slot with one place, taken by Maj-Britt's order.
    auto slot = app_->portal->AddSlot(admin_, demo_.centrum_unit_id, 3, "08:00", "09:00", 1, 60);
    ASSERT_TRUE(slot) << slot.error().detail;
    auto options = app_->portal->Deliveries(orderer_, demo_.elsa_id);
    ASSERT_TRUE(options);
    std::string date;
    for (const auto& o : *options)
        if (o.slot.id == slot->id) date = o.delivery_date;
    ASSERT_FALSE(date.empty());
    auto list = app_->portal->EndCustomers(orderer_, "Maj-Britt", 10, 0);
    ASSERT_TRUE(list && !list->items.empty());
    int64_t maj = list->items.front().customer.id;
    ASSERT_TRUE(app_->portal->AddToCart(orderer_, maj, "7350000000122", 1));
    ASSERT_TRUE(app_->portal->Checkout(orderer_, {maj, slot->id, date, "key-maj-britt-00001"}));
    page = complete(slot->id, date, "key-full-slot-00001");
    EXPECT_EQ(page.status, 422) << page.body;
    EXPECT_TRUE(Contains(page.body, "fullbokad"));
    EXPECT_FALSE(Contains(page.body, "value=\"" + std::to_string(slot->id) + "_" + date + "\""))
        << "a full slot is not offered";
    // A passed cut-off: the first open delivery, after its cut-off.
    auto first = app_->portal->Deliveries(orderer_, demo_.elsa_id);
    ASSERT_TRUE(first && !first->empty());
    app::DeliveryOption gone = first->front();
    app_->clock.Set(core::FromMillis(gone.cutoff_at + 60'000));
    page = complete(gone.slot.id, gone.delivery_date, "key-cut-off-000001");
    EXPECT_EQ(page.status, 422) << page.body;
    EXPECT_TRUE(Contains(page.body, "Sista beställningstid för den leveranstiden har passerat"));
    EXPECT_TRUE(app_->portal->Orders(orderer_, demo_.elsa_id)->empty()) << "no order was made";
    // A forged or missing choice on the payment step: the delivery step with a message.
    EXPECT_EQ(b.Get(Shop(demo_.elsa_id) + "/checkout/payment").status, 400);
    EXPECT_EQ(b.Get(Shop(demo_.elsa_id) + "/checkout/payment?delivery=abc").status, 400);
    EXPECT_EQ(b.Get(Shop(demo_.elsa_id) + "/checkout/payment?delivery=999999_2026-11-24").status, 422);
}

// R_OMB_9: save the cart under a name, find it under "Sparade varukorgar", edit it, and add it to another end
// customer's cart; cancel an order before the cut-off (R_OMB_8 shows "Avbeställd").
TEST_P(PortalPagesTest, R_OMB_9_SaveACartEditItAndAddItToAnotherEndCustomersCart) {
    Browser b = LogIn(app::kDemoPortalOrdererEmail);
    std::string csrf = CsrfOf(b.Get("/portal").body);
    for (const char* ean : {"7350000000016", "7350000000122"})
        ASSERT_EQ(
            b.Post(Shop(demo_.elsa_id) + "/cart/add", {{"csrf_token", csrf}, {"ean", ean}, {"quantity", "2"}})
                .status,
            303);
    auto no_name = b.Post(Shop(demo_.elsa_id) + "/cart/save", {{"csrf_token", csrf}, {"name", " "}});
    EXPECT_EQ(no_name.status, 400);
    EXPECT_TRUE(Contains(no_name.body, "id=\"save-error\" role=\"alert\""));
    auto saved = b.Post(Shop(demo_.elsa_id) + "/cart/save", {{"csrf_token", csrf}, {"name", "Elsas vecka"}});
    ASSERT_EQ(saved.status, 303) << saved.body;
    auto taken = b.Post(Shop(demo_.elsa_id) + "/cart/save", {{"csrf_token", csrf}, {"name", "Elsas vecka"}});
    EXPECT_EQ(taken.status, 409);
    EXPECT_TRUE(Contains(taken.body, "samma namn") || Contains(taken.body, "det namnet"));
    auto list = b.Get("/portal/saved-carts");
    ASSERT_EQ(list.status, 200);
    EXPECT_TRUE(Contains(list.body, "Mina onlineköp"));
    EXPECT_TRUE(Contains(list.body, "Elsas vecka"));
    EXPECT_TRUE(Contains(list.body, "name=\"customer_id\"")) << "a choice of end customer";
    std::string path = Match(list.body, "href=\"(/portal/saved-carts/[0-9]+)\"");
    ASSERT_FALSE(path.empty());
    auto edit = b.Get(path);
    ASSERT_EQ(edit.status, 200);
    EXPECT_TRUE(Contains(edit.body, "Spara ändringar"));
    auto bad = b.Post(path, {{"csrf_token", csrf}, {"name", "Veckohandling"}, {"q_7350000000016", "100000"}});
    EXPECT_EQ(bad.status, 400);
    EXPECT_TRUE(Contains(bad.body, "role=\"alert\""));
    ASSERT_EQ(b.Post(path, {{"csrf_token", csrf},
                            {"name", "Veckohandling"},
                            {"q_7350000000016", "5"},
                            {"q_7350000000122", "0"}})
                  .status,
              303);
    auto changed = b.Get(path + "?done=saved");
    EXPECT_TRUE(Contains(changed.body, "<h1>Veckohandling</h1>"));
    EXPECT_TRUE(Contains(changed.body, "value=\"5\""));
    EXPECT_FALSE(Contains(changed.body, "Havregryn"));
    // From Gunnar's shop the saved carts go into his cart.
    auto from_shop = b.Get("/portal/saved-carts?customer=" + std::to_string(demo_.gunnar_id));
    EXPECT_TRUE(Contains(from_shop.body, "Du handlar åt: Gunnar Ek"));
    EXPECT_TRUE(Contains(from_shop.body,
                         "type=\"hidden\" name=\"customer_id\" value=\"" + std::to_string(demo_.gunnar_id)));
    auto added =
        b.Post(path + "/add", {{"csrf_token", csrf}, {"customer_id", std::to_string(demo_.gunnar_id)}});
    ASSERT_EQ(added.status, 303);
    EXPECT_EQ(added.Header("Location"), Shop(demo_.gunnar_id) + "/cart?done=saved-added");
    auto gunnar = app_->portal->Cart(orderer_, demo_.gunnar_id);
    ASSERT_TRUE(gunnar && gunnar->lines.size() == 1);
    EXPECT_EQ(gunnar->lines[0].quantity, 5);
    EXPECT_EQ(b.Post(path + "/add", {{"csrf_token", csrf}}).status, 400) << "no end customer chosen";
    ASSERT_EQ(b.Post(path + "/delete", {{"csrf_token", csrf}}).status, 303);
    EXPECT_EQ(b.Get(path).status, 404);

    // Cancel before the cut-off.
    app::OrderView order = OrderForElsa("test-order-cancel-01");
    std::string order_path = "/portal/orders/" + order.order.order_number;
    auto page = b.Get(order_path);
    EXPECT_TRUE(Contains(page.body, "Avbeställ ordern"));
    ASSERT_EQ(b.Post(order_path + "/cancel", {{"csrf_token", csrf}}).status, 303);
    EXPECT_TRUE(Contains(b.Get(order_path).body, "Avbeställd"));
    EXPECT_TRUE(Contains(b.Get("/portal?q=Elsa").body, "Avbeställd"));
}

// Hostile input: a malformed id, a missing field, a quantity of "abc" or 100000, a form without its token:
// a clear 400, 403 or 404 page, never a 500.
TEST_P(PortalPagesTest, HostileInputGetsA400Or404PageNeverA500) {
    Browser b = LogIn(app::kDemoPortalOrdererEmail);
    std::string csrf = CsrfOf(b.Get("/portal").body);
    for (const std::string& path :
         {std::string("/portal/shop/abc"), std::string("/portal/shop/-1"), std::string("/portal/shop/0"),
          std::string("/portal/shop/99999999999999999999"), std::string("/portal/shop/1e3/cart"),
          std::string("/portal/orders/%00"), std::string("/portal/orders/nope"),
          std::string("/portal/saved-carts/x"), std::string("/portal/saved-carts?customer=abc"),
          std::string("/portal/customers/abc/orders"), std::string("/portal/shop/999999/checkout")}) {
        auto page = b.Get(path);
        EXPECT_EQ(page.status, 404) << path;
        EXPECT_TRUE(Contains(page.body, "role=\"alert\"")) << path;
    }
    EXPECT_EQ(b.Get("/portal?page=abc").status, 400);
    EXPECT_EQ(b.Get(Shop(demo_.elsa_id) + "?q=mj&page=-2").status, 400);
    EXPECT_EQ(b.Get("/portal?q=" + std::string(500, 'x')).status, 200) << "a long search is cut";
    std::string add = Shop(demo_.elsa_id) + "/cart/add";
    for (const char* q : {"abc", "100000", "", "0", "-1", "1.5"}) {
        auto page = b.Post(add, {{"csrf_token", csrf}, {"ean", "7350000000016"}, {"quantity", q}});
        EXPECT_EQ(page.status, 400) << q;
        EXPECT_TRUE(Contains(page.body, "role=\"alert\"")) << q;
    }
    EXPECT_EQ(b.Post(add, {{"csrf_token", csrf}, {"ean", "7350000000016"}, {"quantity", "100"}}).status, 422)
        << "above 99 units";
    EXPECT_EQ(b.Post(add, {{"csrf_token", csrf}, {"quantity", "1"}}).status, 400) << "no product";
    auto unknown = b.Post(add, {{"csrf_token", csrf}, {"ean", "0000000000000"}, {"quantity", "1"}});
    EXPECT_GE(unknown.status, 400);
    EXPECT_LT(unknown.status, 500);
    EXPECT_EQ(b.Post(add, {{"ean", "7350000000016"}, {"quantity", "1"}}).status, 403) << "no CSRF token";
    ASSERT_EQ(b.Post(add, {{"csrf_token", csrf}, {"ean", "7350000000016"}, {"quantity", "1"}}).status, 303);
    EXPECT_EQ(
        b.Post(Shop(demo_.elsa_id) + "/cart", {{"csrf_token", csrf}, {"q_7350000000016", "abc"}}).status,
        400);
    EXPECT_EQ(b.Post(Shop(demo_.elsa_id) + "/checkout/complete", {{"csrf_token", csrf}}).status, 400);
    EXPECT_EQ(b.Post(Shop(demo_.elsa_id) + "/checkout/complete", {{"csrf_token", csrf},
                                                                  {"slot_id", "1"},
                                                                  {"delivery_date", "2026-13-99"},
                                                                  {"checkout_key", "short"}})
                      .status /
                  100,
              4);
    EXPECT_EQ(b.Post("/portal/saved-carts/1/add", {{"csrf_token", csrf}, {"customer_id", "abc"}}).status,
              400);
    EXPECT_EQ(b.Get("/reset-password").status, 400);
    EXPECT_EQ(b.Get("/reset-password?token=" + std::string(300, 'a')).status, 400);
    EXPECT_EQ(
        b.Post("/reset-password", {{"token", "r.nope"}, {"password", "x"}, {"password_repeat", "x"}}).status /
            100,
        4);
    // A member or a visitor does not get in.
    Browser anon(*app_->router);
    EXPECT_EQ(anon.Get("/portal").status, 303);
    EXPECT_EQ(anon.Get("/portal").Header("Location"), "/login");
}

INSTANTIATE_TEST_SUITE_P(Engines, PortalPagesTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::web
