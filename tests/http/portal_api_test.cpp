// Ombudshandel Online through the API on SQLite and PostgreSQL (issue 7, R_OMB_1..10): the operator sets up
// an organisation whose administrator gets the welcome link; orderers see only their organisation's end
// customers and shop for them (cart, substitutions, the unit's slots, the preset payment, an empty
// reference); the store picks and delivers and the end customer earns their own points. The demo's
// organisation (Västerås stad, hemtjänst) is seeded; the clock is Monday 2026-11-23 13:00 in Stockholm, so
// Centrum's Tuesday 10-12 slot (cut-off 18 hours before) is open and closes at 16:00 today.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/demo/generator.hpp"
#include "app/transaction.hpp"
#include "http/test_app.hpp"
#include "notify/outbox.hpp"
#include "test_support.hpp"

namespace andel::http {
namespace {

using nlohmann::json;

constexpr const char* kMilk = "7350000000016";     // Mellanmjölk, 16,95
constexpr const char* kOatmeal = "7350000000122";  // Havregryn, 27,95
constexpr const char* kSalmon = "7350000000108";   // Laxfilé, 59,95

class PortalApiTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ANDEL_SKIP_UNLESS_ENGINE(GetParam());
        app_ = std::make_unique<test::TestApp>(GetParam());
        demo_ = app_->SeedPortal();
        orderer_ = Session(demo_.orderer_account_id);
        admin_ = Session(demo_.admin_account_id);
        auto key = app_->keys->Issue(app::kRoleTill, "pickers", std::string("se-vasteras-1"));
        ASSERT_TRUE(key.ok());
        store_ = key->token;
    }
    std::string Session(int64_t account_id) {
        auto s = app::InTransaction(*app_->db, [&](store::Connection& c) {
            return app_->auth->OpenSession(c, account_id, "app", "password+email", "portal test");
        });
        EXPECT_TRUE(s.ok());
        return s.value().token;
    }
    std::string Customer(int64_t id) { return "/api/v1/portal/end-customers/" + std::to_string(id); }
    // The first open delivery of an end customer: slot id and date.
    std::pair<int64_t, std::string> FirstDelivery(int64_t customer, const std::string& token) {
        auto [status, d] = app_->Call("GET", Customer(customer) + "/deliveries", nullptr, token);
        EXPECT_EQ(status, 200) << d.dump();
        if (!d.contains("items") || d["items"].empty()) return {0, ""};
        return {d["items"][0]["slot_id"].get<int64_t>(), d["items"][0]["delivery_date"].get<std::string>()};
    }
    json Checkout(int64_t customer, int64_t slot, const std::string& date, const std::string& key,
                  int* status, const std::string& token = {}) {
        auto [s, body] = app_->Call("POST", Customer(customer) + "/orders",
                                    {{"slot_id", slot}, {"delivery_date", date}, {"checkout_key", key}},
                                    token.empty() ? orderer_ : token);
        *status = s;
        return body;
    }
    int64_t OutboxCount(const std::string& template_key) {
        auto c = app_->db->Read();
        return c->QueryOne("SELECT COUNT(*) FROM outbox WHERE template = $1", {store::Text(template_key)})
            ->Int(0);
    }
    std::unique_ptr<test::TestApp> app_;
    app::DemoPortal demo_;
    std::string orderer_, admin_, store_;
};

TEST_P(PortalApiTest, R_OMB_1_R_OMB_2_TheOperatorSetsUpAnOrganisationWhoseAdministratorAddsAnOrderer) {
    auto [status, org] = app_->Call("POST", "/api/v1/portal/organisations",
                                    {{"market", "se"},
                                     {"name", "Umeå kommun, hemtjänst"},
                                     {"org_number", "212000-2723"},
                                     {"store", "se-umea-1"},
                                     {"admin_email", "Admin@Umea.example"},
                                     {"admin_name", "Ulla Admin"}},
                                    app::kDemoBackOfficeToken);
    ASSERT_EQ(status, 201) << org.dump();
    EXPECT_EQ(org["store"], "se-umea-1");
    ASSERT_TRUE(org["admin"].contains("account_id")) << org.dump();
    // The welcome e-mail names the organisation and carries a set-password link (R_OMB_2).
    auto c = app_->db->Read();
    auto mails = notify::ListOutbox(*c, *app_->sealer, 0, 50, std::string("admin@umea.example"));
    ASSERT_EQ(mails.size(), 1u);
    EXPECT_EQ(mails[0].template_key, "welcome_link");
    EXPECT_NE(mails[0].body.find("Umeå kommun, hemtjänst"), std::string::npos) << mails[0].body;
    EXPECT_NE(mails[0].body.find("/reset-password?token=w."), std::string::npos);
    EXPECT_EQ(mails[0].language, "sv");
    // The same number twice is a conflict; an unknown store is refused with its field.
    auto again = app_->Call("POST", "/api/v1/portal/organisations",
                            {{"market", "se"},
                             {"name", "x"},
                             {"org_number", "212000-2723"},
                             {"store", "se-umea-1"},
                             {"admin_email", "b@umea.example"},
                             {"admin_name", "B"}},
                            app::kDemoBackOfficeToken);
    EXPECT_EQ(again.first, 409);
    auto bad_store = app_->Call("POST", "/api/v1/portal/organisations",
                                {{"market", "se"},
                                 {"name", "x"},
                                 {"org_number", "1"},
                                 {"store", "dk-odense-1"},
                                 {"admin_email", "c@umea.example"},
                                 {"admin_name", "C"}},
                                app::kDemoBackOfficeToken);
    EXPECT_EQ(bad_store.first, 422);
    EXPECT_EQ(bad_store.second["field"], "store_code");

    // The demo's administrator adds an orderer: the welcome link goes out; an orderer may not add users.
    auto [added, user] =
        app_->Call("POST", "/api/v1/portal/users",
                   {{"email", "ny.bestallare@vasteras.example"}, {"name", "Nils Ny"}}, admin_);
    ASSERT_EQ(added, 201) << user.dump();
    EXPECT_EQ(
        notify::ListOutbox(*c, *app_->sealer, 0, 50, std::string("ny.bestallare@vasteras.example")).size(),
        1u);
    EXPECT_EQ(
        app_->Call("POST", "/api/v1/portal/users", {{"email", "x@vasteras.example"}, {"name", "X"}}, orderer_)
            .first,
        403);
    auto [listed, users] = app_->Call("GET", "/api/v1/portal/users", nullptr, admin_);
    ASSERT_EQ(listed, 200);
    EXPECT_EQ(users["items"].size(), 3u);
    // Deactivating ends the user's sessions; an administrator cannot deactivate themselves.
    EXPECT_EQ(app_->Call("PUT", "/api/v1/portal/users/" + std::to_string(demo_.admin_account_id),
                         {{"active", false}}, admin_)
                  .first,
              422);
    EXPECT_EQ(app_->Call("PUT", "/api/v1/portal/users/" + std::to_string(demo_.orderer_account_id),
                         {{"active", false}}, admin_)
                  .first,
              200);
    EXPECT_EQ(app_->Call("GET", "/api/v1/portal/end-customers", nullptr, orderer_).first, 401);
}

TEST_P(PortalApiTest, R_OMB_2_TheWelcomeLinkSetsThePasswordForTwentyFourHoursOnly) {
    auto created = app_->portal->AddUserAsOperator(demo_.organisation_id, "tjugofyra@vasteras.example", "T",
                                                   "orderer", "", "test");
    ASSERT_TRUE(created.ok()) << created.error().detail;
    auto link_of = [&](const std::string& to) {
        auto c = app_->db->Read();
        auto mails = notify::ListOutbox(*c, *app_->sealer, 0, 50, to);
        EXPECT_FALSE(mails.empty());
        if (mails.empty()) return std::string();
        auto at = mails.back().body.find("token=");
        std::string token = mails.back().body.substr(at + 6);
        return token.substr(0, token.find_first_of(" \n"));
    };
    std::string token = link_of("tjugofyra@vasteras.example");
    app_->clock.Advance(std::chrono::hours(24) + std::chrono::milliseconds(1));
    auto late = app_->auth->CompleteReset(token, "", "ett nytt lösenord 2026", "192.0.2.1");
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().rule, "R_OMB_2");

    auto second = app_->portal->AddUserAsOperator(demo_.organisation_id, "i-tid@vasteras.example", "I",
                                                  "orderer", "", "test");
    ASSERT_TRUE(second.ok());
    std::string in_time = link_of("i-tid@vasteras.example");
    app_->clock.Advance(std::chrono::hours(24) - std::chrono::milliseconds(1));
    EXPECT_TRUE(app_->auth->CompleteReset(in_time, "", "ett nytt lösenord 2026", "192.0.2.1").ok());
}

TEST_P(PortalApiTest, R_OMB_8_TheListShowsEachEndCustomersStatusThroughTheOrdersLife) {
    auto status_of = [&](int64_t id) {
        auto [s, list] = app_->Call("GET", "/api/v1/portal/end-customers?q=elsa", nullptr, orderer_);
        EXPECT_EQ(s, 200) << list.dump();
        for (const auto& e : list["items"])
            if (e["id"] == id) return e;
        return json();
    };
    EXPECT_EQ(status_of(demo_.elsa_id)["status"], "none");
    EXPECT_TRUE(status_of(demo_.elsa_id)["next_delivery_at"].is_null());
    ASSERT_EQ(app_->Call("POST", Customer(demo_.elsa_id) + "/cart/items", {{"ean", kMilk}, {"quantity", 2}},
                         orderer_)
                  .first,
              200);
    auto [slot, date] = FirstDelivery(demo_.elsa_id, orderer_);
    ASSERT_GT(slot, 0);
    EXPECT_EQ(date, "2026-11-24");
    int status = 0;
    auto order = Checkout(demo_.elsa_id, slot, date, "checkout-key-000000000001", &status);
    ASSERT_EQ(status, 201) << order.dump();
    auto shown = status_of(demo_.elsa_id);
    EXPECT_EQ(shown["status"], "ordered");
    EXPECT_EQ(shown["latest_order"], order["order_number"]);
    EXPECT_EQ(shown["next_delivery_at"], "2026-11-24T09:00:00.000Z");  // 10:00 in Stockholm

    std::string number = order["order_number"];
    auto [picking, p] =
        app_->Call("POST", "/api/v1/store/portal-orders/" + number + "/picking", nullptr, store_);
    ASSERT_EQ(picking, 200) << p.dump();
    EXPECT_EQ(status_of(demo_.elsa_id)["status"], "picking");
    // Once picking started, the orderer can no longer cancel.
    EXPECT_EQ(
        app_->Call("POST", "/api/v1/portal/orders/" + number + "/cancellation", nullptr, orderer_).first,
        409);
    auto [delivered, d] = app_->Call("POST", "/api/v1/store/portal-orders/" + number + "/delivery",
                                     {{"lines", {{{"line_no", 1}, {"picked_quantity", 2}}}}}, store_);
    ASSERT_EQ(delivered, 200) << d.dump();
    EXPECT_EQ(d["status"], "delivered");
    auto after = status_of(demo_.elsa_id);
    EXPECT_EQ(after["status"], "delivered");
    EXPECT_TRUE(after["next_delivery_at"].is_null());
    EXPECT_EQ(OutboxCount("portal_order_confirmation"), 1);
    EXPECT_EQ(OutboxCount("portal_delivery_note"), 1);
}

TEST_P(PortalApiTest, R_OMB_7_AddressAndPaymentComeFromThePortalAndTheReferenceIsEmpty) {
    ASSERT_EQ(
        app_->Call("POST", Customer(demo_.gunnar_id) + "/cart/items", {{"ean", kOatmeal}}, orderer_).first,
        200);
    auto [slot, date] = FirstDelivery(demo_.gunnar_id, orderer_);
    ASSERT_GT(slot, 0);
    int status = 0;
    auto order = Checkout(demo_.gunnar_id, slot, date, "checkout-key-gunnar-00001", &status);
    ASSERT_EQ(status, 201) << order.dump();
    EXPECT_EQ(order["delivery"]["street"], "Bäckbyvägen 41");
    EXPECT_EQ(order["delivery"]["postal_code"], "723 55");
    EXPECT_EQ(order["payment"]["method"], "card");
    EXPECT_EQ(order["payment"]["label"], "Visa •••• 4242");
    EXPECT_EQ(order["payment"]["reference"], "");
    EXPECT_EQ(order["unit"]["name"], "Hemtjänst Bäckby");
    EXPECT_EQ(order["note"], "Diabetiker – inget socker, ring på dörren två gånger");
    // The checkout takes no address, payment or reference: unknown fields are refused.
    auto [refused, problem] = app_->Call("POST", Customer(demo_.gunnar_id) + "/orders",
                                         {{"slot_id", slot},
                                          {"delivery_date", date},
                                          {"checkout_key", "checkout-key-gunnar-00002"},
                                          {"reference", "x"}},
                                         orderer_);
    EXPECT_EQ(refused, 400) << problem.dump();
}

TEST_P(PortalApiTest, R_OMB_7_OnlyTheEndCustomersUnitsSlotsAreOfferedOrAccepted) {
    auto [s1, elsa] = app_->Call("GET", Customer(demo_.elsa_id) + "/deliveries", nullptr, orderer_);
    auto [s2, gunnar] = app_->Call("GET", Customer(demo_.gunnar_id) + "/deliveries", nullptr, orderer_);
    ASSERT_EQ(s1, 200);
    ASSERT_EQ(s2, 200);
    auto units = app_->portal->Units({demo_.admin_account_id, demo_.organisation_id, true, "t"});
    ASSERT_TRUE(units.ok());
    std::set<int64_t> centrum, backby;
    for (const auto& u : *units)
        for (const auto& s : u.slots) (u.unit.id == demo_.centrum_unit_id ? centrum : backby).insert(s.id);
    ASSERT_FALSE(elsa["items"].empty());
    for (const auto& d : elsa["items"])
        EXPECT_TRUE(centrum.contains(d["slot_id"].get<int64_t>())) << d.dump();
    for (const auto& d : gunnar["items"])
        EXPECT_TRUE(backby.contains(d["slot_id"].get<int64_t>())) << d.dump();
    // Two weeks of Tuesdays and Thursdays for Centrum (tomorrow's Tuesday is still open).
    EXPECT_EQ(elsa["items"].size(), 4u);

    // A Bäckby slot for Elsa (Centrum) is refused by the rule.
    ASSERT_EQ(app_->Call("POST", Customer(demo_.elsa_id) + "/cart/items", {{"ean", kMilk}}, orderer_).first,
              200);
    auto other = gunnar["items"][0];
    int status = 0;
    auto problem = Checkout(demo_.elsa_id, other["slot_id"], other["delivery_date"],
                            "checkout-key-other-unit-1", &status);
    EXPECT_EQ(status, 422) << problem.dump();
    EXPECT_EQ(problem["rule"], "R_OMB_7");
    // A date that is not the slot's weekday is refused too.
    problem = Checkout(demo_.elsa_id, elsa["items"][0]["slot_id"], "2026-11-25", "checkout-key-wrong-day-01",
                       &status);
    EXPECT_EQ(status, 422) << problem.dump();
}

TEST_P(PortalApiTest, R_OMB_7_AfterTheCutOffTheDeliveryIsNeitherOfferedNorBooked) {
    ASSERT_EQ(app_->Call("POST", Customer(demo_.elsa_id) + "/cart/items", {{"ean", kMilk}}, orderer_).first,
              200);
    auto [slot, date] = FirstDelivery(demo_.elsa_id, orderer_);
    ASSERT_EQ(date, "2026-11-24");
    // Tuesday 10:00 minus 18 hours: Monday 16:00 in Stockholm, 15:00 UTC; the clock is at 12:00 UTC.
    app_->clock.Advance(std::chrono::hours(3) - std::chrono::milliseconds(1));
    EXPECT_EQ(FirstDelivery(demo_.elsa_id, orderer_).second, "2026-11-24")
        << "open until the last millisecond";
    app_->clock.Advance(std::chrono::milliseconds(1));
    EXPECT_NE(FirstDelivery(demo_.elsa_id, orderer_).second, "2026-11-24");
    int status = 0;
    auto problem = Checkout(demo_.elsa_id, slot, date, "checkout-key-too-late-0001", &status);
    EXPECT_EQ(status, 422) << problem.dump();
    EXPECT_EQ(problem["rule"], "R_OMB_7");
    EXPECT_NE(problem["detail"].get<std::string>().find("closed"), std::string::npos);
}

TEST_P(PortalApiTest, R_OMB_7_AFullSlotIsRefusedAndNoLongerOffered) {
    // A slot with one place: the first order takes it, the second is refused.
    app::PortalUser admin{demo_.admin_account_id, demo_.organisation_id, true, "test"};
    auto slot = app_->portal->AddSlot(admin, demo_.centrum_unit_id, 3, "08:00", "09:00", 1, 60);
    ASSERT_TRUE(slot.ok()) << slot.error().detail;
    const std::string wednesday = "2026-11-25";
    int status = 0;
    ASSERT_EQ(app_->Call("POST", Customer(demo_.elsa_id) + "/cart/items", {{"ean", kMilk}}, orderer_).first,
              200);
    Checkout(demo_.elsa_id, slot->id, wednesday, "checkout-key-full-slot-01", &status);
    ASSERT_EQ(status, 201);
    // Maj-Britt is in Centrum too.
    auto list = app_->portal->EndCustomers(admin, "maj-britt", 10, 0);
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->items.size(), 1u);
    int64_t maj = list->items[0].customer.id;
    ASSERT_EQ(app_->Call("POST", Customer(maj) + "/cart/items", {{"ean", kMilk}}, orderer_).first, 200);
    auto [s, offered] = app_->Call("GET", Customer(maj) + "/deliveries", nullptr, orderer_);
    for (const auto& d : offered["items"])
        EXPECT_FALSE(d["slot_id"] == slot->id && d["delivery_date"] == wednesday)
            << "a full slot is not offered";
    auto problem = Checkout(maj, slot->id, wednesday, "checkout-key-full-slot-02", &status);
    EXPECT_EQ(status, 422) << problem.dump();
    EXPECT_EQ(problem["rule"], "R_OMB_7");
    // Cancelling the first order frees the place.
    auto first =
        app_->portal->Orders({demo_.orderer_account_id, demo_.organisation_id, false, "t"}, demo_.elsa_id);
    ASSERT_TRUE(first.ok());
    ASSERT_EQ(first->size(), 1u);
    ASSERT_EQ(app_->Call("POST", "/api/v1/portal/orders/" + first->at(0).order.order_number + "/cancellation",
                         nullptr, orderer_)
                  .first,
              200);
    Checkout(maj, slot->id, wednesday, "checkout-key-full-slot-03", &status);
    EXPECT_EQ(status, 201);
}

TEST_P(PortalApiTest, R_OMB_7_TheCapacityHoldsUnderConcurrentCheckouts) {
    // 200 orderers race for a slot with 50 places (issue 7 §6): exactly 50 orders, never more.
    app::PortalUser admin{demo_.admin_account_id, demo_.organisation_id, true, "test"};
    auto slot = app_->portal->AddSlot(admin, demo_.centrum_unit_id, 4, "07:00", "08:00", 50, 0);
    ASSERT_TRUE(slot.ok());
    constexpr int kOrderers = 200;
    constexpr int kPlaces = 50;
    std::vector<app::PortalUser> users;
    for (int i = 0; i < kOrderers; ++i) {
        auto id = app_->auth->SeedStaffAccount("race" + std::to_string(i) + "@vasteras.example", "R",
                                               "orderer", "race-password-2026", demo_.organisation_id);
        ASSERT_TRUE(id.ok());
        users.push_back({*id, demo_.organisation_id, false, "orderer:race"});
        ASSERT_TRUE(app_->portal->AddToCart(users.back(), demo_.elsa_id, kMilk, 1).ok());
    }
    std::atomic<int> ok{0}, full{0}, other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kOrderers; ++i)
        threads.emplace_back([&, i] {
            app::CheckoutInput in{demo_.elsa_id, slot->id, "2026-11-26",
                                  "race-checkout-key-" + std::to_string(i)};
            auto r = app_->portal->Checkout(users[static_cast<size_t>(i)], in);
            if (r.ok())
                ++ok;
            else if (r.error().rule == "R_OMB_7")
                ++full;
            else
                ++other;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), kPlaces);
    EXPECT_EQ(full.load(), kOrderers - kPlaces);
    EXPECT_EQ(other.load(), 0);
    auto c = app_->db->Read();
    EXPECT_EQ(
        c->QueryOne("SELECT COUNT(*) FROM portal_orders WHERE slot_id = $1", {store::Int(slot->id)})->Int(0),
        kPlaces);
    EXPECT_EQ(
        c->QueryOne("SELECT booked FROM portal_slot_bookings WHERE slot_id = $1", {store::Int(slot->id)})
            ->Int(0),
        kPlaces);
}

TEST_P(PortalApiTest, CompletePurchaseTwiceWithTheSameKeyIsOneOrder) {
    ASSERT_EQ(app_->Call("POST", Customer(demo_.elsa_id) + "/cart/items", {{"ean", kMilk}}, orderer_).first,
              200);
    auto [slot, date] = FirstDelivery(demo_.elsa_id, orderer_);
    int s1 = 0, s2 = 0;
    auto a = Checkout(demo_.elsa_id, slot, date, "double-submit-key-000001", &s1);
    auto b = Checkout(demo_.elsa_id, slot, date, "double-submit-key-000001", &s2);
    ASSERT_EQ(s1, 201) << a.dump();
    ASSERT_EQ(s2, 201) << b.dump();
    EXPECT_EQ(a["order_number"], b["order_number"]);
    auto c = app_->db->Read();
    EXPECT_EQ(c->QueryOne("SELECT COUNT(*) FROM portal_orders")->Int(0), 1);
    EXPECT_EQ(c->QueryOne("SELECT booked FROM portal_slot_bookings")->Int(0), 1);
    EXPECT_EQ(OutboxCount("portal_order_confirmation"), 1);
    // The cart was emptied: a new key with an empty cart is refused, and nothing is booked.
    int s3 = 0;
    Checkout(demo_.elsa_id, slot, date, "double-submit-key-000002", &s3);
    EXPECT_EQ(s3, 422);
}

TEST_P(PortalApiTest, R_OMB_5_TheCartListsEveryItemAndQuantitiesCanBeCorrectedAndItemsRemoved) {
    const std::string cart = Customer(demo_.elsa_id) + "/cart";
    ASSERT_EQ(app_->Call("POST", cart + "/items", {{"ean", kMilk}, {"quantity", 2}}, orderer_).first, 200);
    ASSERT_EQ(app_->Call("POST", cart + "/items", {{"ean", kOatmeal}}, orderer_).first, 200);
    auto [s, added] = app_->Call("POST", cart + "/items", {{"ean", kMilk}}, orderer_);
    ASSERT_EQ(s, 200);
    ASSERT_EQ(added["lines"].size(), 2u);
    EXPECT_EQ(added["lines"][0]["quantity"], 3);
    EXPECT_EQ(added["subtotal_minor"], 3 * 1695 + 2795);
    auto [corrected, c2] = app_->Call("PUT", cart + "/items/" + kMilk, {{"quantity", 1}}, orderer_);
    ASSERT_EQ(corrected, 200);
    EXPECT_EQ(c2["lines"][0]["quantity"], 1);
    auto [removed, c3] = app_->Call("DELETE", cart + "/items/" + kOatmeal, nullptr, orderer_);
    ASSERT_EQ(removed, 200);
    ASSERT_EQ(c3["lines"].size(), 1u);
    EXPECT_EQ(c3["items"], 1);
    // 0 and 100 are out of range for adding; 99 is the most of one product.
    EXPECT_EQ(app_->Call("POST", cart + "/items", {{"ean", kMilk}, {"quantity", 0}}, orderer_).first, 422);
    EXPECT_EQ(app_->Call("PUT", cart + "/items/" + kMilk, {{"quantity", 100}}, orderer_).first, 422);
    EXPECT_EQ(app_->Call("PUT", cart + "/items/" + kMilk, {{"quantity", 99}}, orderer_).first, 200);
    EXPECT_EQ(app_->Call("POST", cart + "/items", {{"ean", "7350000000000"}}, orderer_).first, 422);
    EXPECT_EQ(app_->Call("POST", cart + "/items", {{"ean", "7350000000009"}}, orderer_).first, 404);
    // The cart is the orderer's: another orderer sees their own, empty cart for Elsa.
    auto other = app_->auth->SeedStaffAccount("annan@vasteras.example", "A", "orderer", "another-password-26",
                                              demo_.organisation_id);
    ASSERT_TRUE(other.ok());
    auto [s4, theirs] = app_->Call("GET", cart, nullptr, Session(*other));
    ASSERT_EQ(s4, 200);
    EXPECT_TRUE(theirs["lines"].empty());
}

TEST_P(PortalApiTest, R_OMB_6_SubstitutionsPerItemOrAllAreHonouredAtPicking) {
    const std::string cart = Customer(demo_.elsa_id) + "/cart";
    ASSERT_EQ(app_->Call("POST", cart + "/items", {{"ean", kMilk}, {"quantity", 2}}, orderer_).first, 200);
    ASSERT_EQ(app_->Call("POST", cart + "/items", {{"ean", kSalmon}}, orderer_).first, 200);
    auto [none, c1] = app_->Call("PUT", cart + "/substitutes", {{"substitute", false}}, orderer_);
    ASSERT_EQ(none, 200);
    for (const auto& l : c1["lines"]) EXPECT_FALSE(l["substitute"].get<bool>());
    auto [one, c2] = app_->Call("PUT", cart + "/items/" + kMilk, {{"substitute", true}}, orderer_);
    ASSERT_EQ(one, 200);
    EXPECT_TRUE(c2["lines"][0]["substitute"].get<bool>());
    EXPECT_FALSE(c2["lines"][1]["substitute"].get<bool>());
    auto [slot, date] = FirstDelivery(demo_.elsa_id, orderer_);
    int status = 0;
    auto order = Checkout(demo_.elsa_id, slot, date, "substitutes-checkout-0001", &status);
    ASSERT_EQ(status, 201) << order.dump();
    std::string number = order["order_number"];
    ASSERT_EQ(app_->Call("POST", "/api/v1/store/portal-orders/" + number + "/picking", nullptr, store_).first,
              200);
    // The salmon may not be replaced (R_OMB_6): the store is refused and nothing is delivered.
    auto [refused, problem] = app_->Call("POST", "/api/v1/store/portal-orders/" + number + "/delivery",
                                         {{"lines",
                                           {{{"line_no", 1}, {"picked_quantity", 2}},
                                            {{"line_no", 2},
                                             {"picked_quantity", 0},
                                             {"substitute", {{"ean", "7350000000092"}, {"quantity", 1}}}}}}},
                                         store_);
    EXPECT_EQ(refused, 422) << problem.dump();
    EXPECT_EQ(problem["rule"], "R_OMB_6");
    EXPECT_EQ(app_->Call("GET", "/api/v1/portal/orders/" + number, nullptr, orderer_).second["status"],
              "picking");
    // The milk may: one found, the ecological one for the other.
    auto [delivered, d] = app_->Call("POST", "/api/v1/store/portal-orders/" + number + "/delivery",
                                     {{"lines",
                                       {{{"line_no", 1},
                                         {"picked_quantity", 1},
                                         {"substitute", {{"ean", "7350000000023"}, {"quantity", 1}}}},
                                        {{"line_no", 2}, {"picked_quantity", 0}}}}},
                                     store_);
    ASSERT_EQ(delivered, 200) << d.dump();
    EXPECT_EQ(d["lines"][0]["picked_quantity"], 1);
    EXPECT_EQ(d["lines"][0]["substituted_by"]["ean"], "7350000000023");
    EXPECT_EQ(d["lines"][1]["picked_quantity"], 0);
    EXPECT_EQ(d["delivered_total_minor"], 1695 + 1995);
    // Delivering again answers the same order.
    auto [again, d2] = app_->Call(
        "POST", "/api/v1/store/portal-orders/" + number + "/delivery",
        {{"lines", {{{"line_no", 1}, {"picked_quantity", 2}}, {{"line_no", 2}, {"picked_quantity", 1}}}}},
        store_);
    EXPECT_EQ(again, 200);
    EXPECT_EQ(d2["delivered_total_minor"], 1695 + 1995);
}

TEST_P(PortalApiTest, R_OMB_9_SavedCartsAreSavedListedAddedToTheCartAndEdited) {
    const std::string cart = Customer(demo_.elsa_id) + "/cart";
    ASSERT_EQ(app_->Call("POST", cart + "/items", {{"ean", kMilk}, {"quantity", 2}}, orderer_).first, 200);
    ASSERT_EQ(app_->Call("POST", cart + "/items", {{"ean", kOatmeal}}, orderer_).first, 200);
    auto [saved, s] = app_->Call("POST", "/api/v1/portal/saved-carts",
                                 {{"end_customer_id", demo_.elsa_id}, {"name", "Veckohandling"}}, orderer_);
    ASSERT_EQ(saved, 201) << s.dump();
    EXPECT_EQ(s["items"].size(), 2u);
    EXPECT_EQ(s["total_minor"], 2 * 1695 + 2795);
    EXPECT_EQ(app_->Call("POST", "/api/v1/portal/saved-carts",
                         {{"end_customer_id", demo_.elsa_id}, {"name", "Veckohandling"}}, orderer_)
                  .first,
              409);
    auto [listed, list] = app_->Call("GET", "/api/v1/portal/saved-carts", nullptr, orderer_);
    ASSERT_EQ(listed, 200);
    ASSERT_EQ(list["items"].size(), 1u);
    const std::string path = "/api/v1/portal/saved-carts/" + std::to_string(s["id"].get<int64_t>());
    // Edit: one milk, no oatmeal, salmon added; "save changes".
    auto [edited, e] = app_->Call("PUT", path,
                                  {{"name", "Veckohandling, fredag"},
                                   {"items",
                                    {{{"ean", kMilk}, {"quantity", 1}},
                                     {{"ean", kOatmeal}, {"quantity", 0}},
                                     {{"ean", kSalmon}, {"quantity", 1}}}}},
                                  orderer_);
    ASSERT_EQ(edited, 200) << e.dump();
    EXPECT_EQ(e["name"], "Veckohandling, fredag");
    ASSERT_EQ(e["items"].size(), 2u);
    EXPECT_EQ(e["items"][1]["product"]["ean"], kSalmon);
    // Added to Gunnar's current cart, on top of what is there.
    ASSERT_EQ(app_->Call("POST", Customer(demo_.gunnar_id) + "/cart/items", {{"ean", kMilk}}, orderer_).first,
              200);
    auto [to_cart, c] =
        app_->Call("POST", path + "/to-cart", {{"end_customer_id", demo_.gunnar_id}}, orderer_);
    ASSERT_EQ(to_cart, 200) << c.dump();
    ASSERT_EQ(c["lines"].size(), 2u);
    EXPECT_EQ(c["lines"][0]["quantity"], 2);
    // Another orderer cannot see or use it.
    auto other = app_->auth->SeedStaffAccount("kollega@vasteras.example", "K", "orderer",
                                              "colleague-password-26", demo_.organisation_id);
    ASSERT_TRUE(other.ok());
    std::string colleague = Session(*other);
    EXPECT_EQ(app_->Call("GET", path, nullptr, colleague).first, 404);
    EXPECT_EQ(app_->Call("POST", path + "/to-cart", {{"end_customer_id", demo_.gunnar_id}}, colleague).first,
              404);
    EXPECT_EQ(app_->Call("DELETE", path, nullptr, orderer_).first, 200);
    EXPECT_EQ(app_->Call("GET", path, nullptr, orderer_).first, 404);
}

TEST_P(PortalApiTest, R_OMB_10_TheEndCustomerEarnsOwnPointsAndTheOrdererCannotSpendThem) {
    // Elsa is a member: the delivered order earns into her household, not the organisation's.
    auto c = app_->db->Read();
    auto member = c->QueryOne(
        "SELECT m.member_number, m.id FROM members m WHERE m.market = 'se' AND m.status = 'active' AND "
        "m.kind = "
        "'member' AND m.is_demo = 0 ORDER BY m.id LIMIT 1");
    ASSERT_TRUE(member);
    app::PortalUser admin{demo_.admin_account_id, demo_.organisation_id, true, "test"};
    auto elsa = app_->portal->EndCustomer(admin, demo_.elsa_id);
    ASSERT_TRUE(elsa.ok());
    app::EndCustomerInput in{elsa->customer.unit_id,
                             elsa->customer.name,
                             elsa->customer.street,
                             elsa->customer.postal_code,
                             elsa->customer.city,
                             elsa->customer.note,
                             "invoice",
                             "",
                             member->Text(0),
                             true};
    ASSERT_TRUE(app_->portal->UpdateEndCustomer(admin, demo_.elsa_id, in).ok());
    auto points_before = app_->rewards->SummaryById(member->Int(1));
    ASSERT_TRUE(points_before.ok());

    ASSERT_EQ(app_->Call("POST", Customer(demo_.elsa_id) + "/cart/items", {{"ean", kSalmon}, {"quantity", 2}},
                         orderer_)
                  .first,
              200);
    auto [slot, date] = FirstDelivery(demo_.elsa_id, orderer_);
    int status = 0;
    auto order = Checkout(demo_.elsa_id, slot, date, "member-earns-checkout-001", &status);
    ASSERT_EQ(status, 201) << order.dump();
    std::string number = order["order_number"];
    ASSERT_EQ(app_->Call("POST", "/api/v1/store/portal-orders/" + number + "/picking", nullptr, store_).first,
              200);
    auto [delivered, d] = app_->Call("POST", "/api/v1/store/portal-orders/" + number + "/delivery",
                                     {{"lines", {{{"line_no", 1}, {"picked_quantity", 2}}}}}, store_);
    ASSERT_EQ(delivered, 200) << d.dump();
    auto receipt = c->QueryOne("SELECT member_id, total_minor, points FROM receipts WHERE receipt_key = $1",
                               {store::Text(number)});
    ASSERT_TRUE(receipt);
    EXPECT_EQ(receipt->Int(0), member->Int(1));
    EXPECT_EQ(receipt->Int(1), 2 * 5995);
    EXPECT_GT(receipt->Int(2), 0);
    auto points_after = app_->rewards->SummaryById(member->Int(1));
    ASSERT_TRUE(points_after.ok());
    EXPECT_GT(points_after->balance, points_before->balance);
    // Points are spent by the end customer's own login (BankID) or through customer service with them present
    // (R_OMB_10): no route that spends points or money is open to a portal session.
    for (const auto& route : app_->router->Routes()) {
        if (route.method == "GET") continue;
        bool spends = false;
        for (const char* part : {"/redemptions", "/coopay", "/payment-methods", "/till/", "/vouchers"})
            spends = spends || route.pattern.find(part) != std::string::npos;
        if (!spends) continue;
        EXPECT_FALSE(route.roles.contains(app::auth::kRoleOrderer) ||
                     route.roles.contains(app::auth::kRolePortalAdmin))
            << route.method << " " << route.pattern;
    }
    EXPECT_EQ(
        app_->Call("POST", "/api/v1/members/" + member->Text(0) + "/redemptions", {{"reward", "x"}}, orderer_)
            .first,
        403);
    EXPECT_EQ(app_->Call("POST", "/api/v1/me/coopay/codes", json::object(), orderer_).first, 403);
}

TEST_P(PortalApiTest, AnotherOrganisationsDataIsUnreachableByEveryPortalRoute) {
    // Organisation B with its own orderer; every portal route with A's ids answers 404 (or 403 for
    // administration), never A's data.
    auto b =
        app_->portal->CreateOrganisation("se", "Umeå kommun, hemtjänst", "212000-2723", "se-umea-1", "test");
    ASSERT_TRUE(b.ok());
    auto b_admin = app_->auth->SeedStaffAccount("admin@umea.example", "B", "portal_admin", "b-password-2026",
                                                b->record.id);
    ASSERT_TRUE(b_admin.ok());
    std::string intruder = Session(*b_admin);
    // A's order and saved cart exist.
    ASSERT_EQ(app_->Call("POST", Customer(demo_.elsa_id) + "/cart/items", {{"ean", kMilk}}, orderer_).first,
              200);
    auto [saved, cart] = app_->Call("POST", "/api/v1/portal/saved-carts",
                                    {{"end_customer_id", demo_.elsa_id}, {"name", "A:s korg"}}, orderer_);
    ASSERT_EQ(saved, 201);
    auto [slot, date] = FirstDelivery(demo_.elsa_id, orderer_);
    int status = 0;
    auto order = Checkout(demo_.elsa_id, slot, date, "organisation-a-order-0001", &status);
    ASSERT_EQ(status, 201);
    auto units = app_->portal->Units({demo_.admin_account_id, demo_.organisation_id, true, "t"});
    ASSERT_TRUE(units.ok());
    const std::map<std::string, std::string> a_ids = {
        {"{end_customer_id}", std::to_string(demo_.elsa_id)},
        {"{unit_id}", std::to_string(demo_.centrum_unit_id)},
        {"{slot_id}", std::to_string(units->at(0).slots.at(0).id)},
        {"{account_id}", std::to_string(demo_.orderer_account_id)},
        {"{order_number}", order["order_number"].get<std::string>()},
        {"{cart_id}", std::to_string(cart["id"].get<int64_t>())},
        {"{ean}", kMilk},
        {"{organisation_id}", std::to_string(demo_.organisation_id)}};
    const json body = {{"end_customer_id", demo_.elsa_id},
                       {"ean", kMilk},
                       {"quantity", 1},
                       {"substitute", true},
                       {"active", false},
                       {"name", "x"},
                       {"items", json::array()},
                       {"slot_id", slot},
                       {"delivery_date", date},
                       {"checkout_key", "intruder-checkout-key-01"},
                       {"weekday", 2},
                       {"window_start", "10:00"},
                       {"window_end", "11:00"},
                       {"capacity", 1},
                       {"cutoff_minutes", 0},
                       {"unit_id", demo_.centrum_unit_id},
                       {"street", "x"},
                       {"postal_code", "x"},
                       {"city", "x"}};
    int walked = 0;
    for (const auto& route : app_->router->Routes()) {
        if (route.pattern.rfind("/api/v1/portal/", 0) != 0 || route.pattern.find('{') == std::string::npos)
            continue;
        if (!route.roles.contains(app::auth::kRolePortalAdmin)) continue;
        std::string path = route.pattern;
        for (const auto& [name, value] : a_ids)
            for (auto i = path.find(name); i != std::string::npos; i = path.find(name))
                path.replace(i, name.size(), value);
        // A body with every field the route reads (naming A's end customer, unit and slot): the fields it
        // does not read are dropped one by one as the route names them.
        json sent = route.method == "GET" || route.method == "DELETE" ? json() : body;
        auto [code, answer] = app_->Call(route.method, path, sent, intruder);
        while (code == 400 && answer.value("detail", "").starts_with("unknown field ")) {
            sent.erase(answer["field"].get<std::string>());
            std::tie(code, answer) = app_->Call(route.method, path, sent, intruder);
        }
        ++walked;
        EXPECT_TRUE(code == 404 || code == 422)
            << route.method << " " << path << ": " << code << " " << answer.dump();
        EXPECT_EQ(answer.dump().find("Elsa"), std::string::npos) << route.method << " " << path;
    }
    EXPECT_GE(walked, 18);
    // And routes without an id: B's lists hold none of A's rows.
    auto [s1, list] = app_->Call("GET", "/api/v1/portal/end-customers", nullptr, intruder);
    ASSERT_EQ(s1, 200);
    EXPECT_TRUE(list["items"].empty());
    auto [s2, saved_list] = app_->Call("GET", "/api/v1/portal/saved-carts", nullptr, intruder);
    ASSERT_EQ(s2, 200);
    EXPECT_TRUE(saved_list["items"].empty());
    // A's data is untouched.
    auto [s3, still] = app_->Call("GET", "/api/v1/portal/orders/" + order["order_number"].get<std::string>(),
                                  nullptr, orderer_);
    ASSERT_EQ(s3, 200);
    EXPECT_EQ(still["status"], "ordered");
    // Another store's till cannot pick A's order.
    EXPECT_EQ(
        app_->Call("POST",
                   "/api/v1/store/portal-orders/" + order["order_number"].get<std::string>() + "/picking",
                   nullptr, app::kDemoTillTokenSe)
            .first,
        404);
}

TEST_P(PortalApiTest, R_OMB_4_TheShopSearchesTheStoresAssortmentAndHasOffers) {
    auto [s, found] = app_->Call("GET", Customer(demo_.elsa_id) + "/products?q=mjölk", nullptr, orderer_);
    ASSERT_EQ(s, 200) << found.dump();
    ASSERT_FALSE(found["items"].empty());
    bool milk = false;
    for (const auto& p : found["items"]) milk = milk || p["ean"] == kMilk;
    EXPECT_TRUE(milk) << found.dump();
    auto [c, dairy] =
        app_->Call("GET", Customer(demo_.elsa_id) + "/products?category=mejeri&limit=200", nullptr, orderer_);
    ASSERT_EQ(c, 200) << dairy.dump();
    EXPECT_GT(dairy["total"].get<int64_t>(), 5);
    EXPECT_EQ(app_->Call("GET", Customer(demo_.elsa_id) + "/products?limit=abc", nullptr, orderer_).first,
              422);
    auto [o, offers] = app_->Call("GET", Customer(demo_.elsa_id) + "/offers", nullptr, orderer_);
    ASSERT_EQ(o, 200) << offers.dump();
    EXPECT_TRUE(offers["items"].is_array());
}

INSTANTIATE_TEST_SUITE_P(Engines, PortalApiTest, ::testing::ValuesIn(test::Engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace andel::http
