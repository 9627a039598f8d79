#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/auth/auth_service.hpp"
#include "app/catalogue/catalogue_service.hpp"
#include "app/ledger/receipt_service.hpp"
#include "app/offers/offer_service.hpp"
#include "core/clock.hpp"
#include "core/market.hpp"
#include "core/result.hpp"
#include "notify/sealer.hpp"
#include "store/database.hpp"
#include "store/portal/portal_repository.hpp"

namespace andel::app {

// Who is using the portal: a portal account of one organisation (R_OMB_1). Every call names it, and the
// service reads and writes only that organisation's rows.
struct PortalUser {
    int64_t account_id = 0, organisation_id = 0;
    bool admin = false;  // portal_admin: manages orderers, units, slots and end customers
    std::string actor;   // for the audit trail: "orderer:session:<public id>"
};

struct OrganisationView {
    store::OrganisationRecord record;
    std::string currency, time_zone;
};

struct UnitView {
    store::UnitRecord unit;
    std::vector<store::SlotRecord> slots;
};

struct EndCustomerView {
    store::EndCustomerRecord customer;
    std::string unit_name;
    store::EndCustomerStatus status;  // R_OMB_8: none, ordered, picking, delivered, cancelled
};

struct EndCustomerPage {
    std::vector<EndCustomerView> items;
    int64_t total = 0;
};

struct EndCustomerInput {
    int64_t unit_id = 0;
    std::string name, street, postal_code, city, note;
    std::string payment_method = "invoice";    // invoice | card
    std::string payment_label;                 // empty: "Invoice to <organisation>" is filled in
    std::optional<std::string> member_number;  // the end customer's own membership (R_OMB_10)
    bool active = true;
};

struct CartLine {
    store::ProductRecord product;
    int64_t quantity = 0;
    bool substitute = true;
    int64_t amount_minor = 0;    // shelf price x quantity (weighed: per kg x grams / 1000)
    int64_t discount_minor = 0;  // the offers that apply to the end customer
    std::vector<std::string> offer_titles;
};

struct CartView {
    EndCustomerView customer;
    std::vector<CartLine> lines;
    int64_t items = 0;  // units (a weighed line counts one)
    int64_t subtotal_minor = 0, discount_minor = 0, total_minor = 0;
    int64_t bonus_minor = 0, points = 0;  // what the end customer will earn, when a member
    std::string currency;
};

// One delivery of a slot that can still be booked (R_OMB_7).
struct DeliveryOption {
    store::SlotRecord slot;
    std::string delivery_date;  // YYYY-MM-DD, local
    int64_t window_start_at = 0, window_end_at = 0, cutoff_at = 0;
    int64_t places_left = 0;
};

struct CheckoutInput {
    int64_t end_customer_id = 0, slot_id = 0;
    std::string delivery_date;
    std::string checkout_key;  // from the checkout page: the same key twice is the same order
};

struct OrderView {
    store::OrderRecord order;
    std::string end_customer_name, unit_name, orderer_name, currency;
    std::map<int64_t, store::ProductRecord> substitutes;  // by product id, for the lines that were replaced
    bool cancellable = false;                             // ordered, and before the cut-off
};

struct SavedCartView {
    store::SavedCartRecord cart;
    std::vector<std::pair<store::ProductRecord, int64_t>> items;  // active products only, in order
    int64_t total_minor = 0;                                      // at today's shelf prices
};

// What the picker reports for one line: how much of the product was found, and what replaced the rest
// when the line allows it (R_OMB_6).
struct PickedLine {
    int64_t line_no = 0, picked_quantity = 0;
    std::optional<std::string> substitute_ean;
    int64_t substitute_quantity = 0;
};

// Ombudshandel Online (issue 7, R_OMB_1..10): organisations with administrators and orderers, units with
// delivery slots, end customers; orderers shop for an end customer (cart, substitutions, the unit's slots,
// the preset payment) and the store picks and delivers, the end customer earning their own bonus.
class PortalService {
  public:
    PortalService(store::Database& db, const core::Clock& clock,
                  const std::map<std::string, core::MarketRules>& markets, const notify::Sealer& sealer,
                  auth::AuthService& auth, CatalogueService& catalogue, OfferService& offers,
                  ReceiptService& receipts)
        : db_(db),
          clock_(clock),
          markets_(markets),
          sealer_(sealer),
          auth_(auth),
          catalogue_(catalogue),
          offers_(offers),
          receipts_(receipts) {}

    // The operator (back office) creates an organisation and its first administrator, who gets the welcome
    // link (R_OMB_2).
    core::Result<OrganisationView> CreateOrganisation(const std::string& market, const std::string& name,
                                                      const std::string& org_number,
                                                      const std::string& store_code,
                                                      const std::string& actor);
    core::Result<std::vector<OrganisationView>> Organisations();
    core::Result<OrganisationView> Organisation(int64_t organisation_id);

    // Administrators (R_OMB_1, R_OMB_2). `role` orderer | portal_admin. The new user gets the welcome e-mail
    // with a link valid 24 hours.
    core::Result<int64_t> AddUser(const PortalUser& who, const std::string& email, const std::string& name,
                                  const std::string& role, const std::string& language);
    // The operator adds an organisation's first administrator.
    core::Result<int64_t> AddUserAsOperator(int64_t organisation_id, const std::string& email,
                                            const std::string& name, const std::string& role,
                                            const std::string& language, const std::string& actor);
    core::Result<std::vector<store::PortalAccountRecord>> Users(const PortalUser& who);
    // Deactivating ends the user's sessions; an administrator cannot deactivate themselves.
    core::Result<store::PortalAccountRecord> SetUserActive(const PortalUser& who, int64_t account_id,
                                                           bool active);

    core::Result<UnitView> CreateUnit(const PortalUser& who, const std::string& name,
                                      const std::string& delivery_area);
    core::Result<std::vector<UnitView>> Units(const PortalUser& who);
    core::Result<UnitView> Unit(const PortalUser& who, int64_t unit_id);
    // weekday 1..7 (Monday first), "HH:MM" local, the window's end after its start; capacity 1..1000;
    // cut-off 0..10080 minutes (a week) before the window starts.
    core::Result<store::SlotRecord> AddSlot(const PortalUser& who, int64_t unit_id, int64_t weekday,
                                            const std::string& window_start, const std::string& window_end,
                                            int64_t capacity, int64_t cutoff_minutes);
    core::Result<store::SlotRecord> SetSlotActive(const PortalUser& who, int64_t slot_id, bool active);

    core::Result<EndCustomerView> CreateEndCustomer(const PortalUser& who, const EndCustomerInput& in);
    core::Result<EndCustomerView> UpdateEndCustomer(const PortalUser& who, int64_t id,
                                                    const EndCustomerInput& in);

    // Orderers (and administrators) of the organisation. The list: search by name, address or postal
    // code; with each end customer's latest order's status and the next delivery (R_OMB_8).
    core::Result<EndCustomerPage> EndCustomers(const PortalUser& who, const std::string& text, int64_t limit,
                                               int64_t offset, bool include_inactive = false);
    core::Result<EndCustomerView> EndCustomer(const PortalUser& who, int64_t id);

    // The shop for an end customer (R_OMB_3, R_OMB_4): the organisation's store's assortment.
    core::Result<ProductPage> Search(const PortalUser& who, int64_t end_customer_id, const std::string& text,
                                     const std::optional<std::string>& category_code, int64_t limit,
                                     int64_t offset);
    // The start page's "current items": the first of the store's assortment, not counted.
    core::Result<ProductPage> CurrentItems(const PortalUser& who, int64_t end_customer_id, int64_t limit);
    core::Result<std::vector<CategoryNode>> Categories(const PortalUser& who);
    // The start page's offers: member campaigns in force in the store, with their products.
    struct ShopOffer {
        OfferView offer;
        std::vector<store::ProductRecord> products;  // the offer's products sold in the store (at most 6)
    };
    core::Result<std::vector<ShopOffer>> Offers(const PortalUser& who, int64_t end_customer_id);

    // The cart (R_OMB_5, R_OMB_6). Add adds to the quantity; Set sets it (0 removes).
    static constexpr int64_t kMaxQuantity = 99;  // units of one product
    static constexpr int64_t kMaxWeighedGrams = 10'000;
    static constexpr size_t kMaxCartLines = 200;
    core::Result<CartView> Cart(const PortalUser& who, int64_t end_customer_id);
    core::Result<CartView> AddToCart(const PortalUser& who, int64_t end_customer_id, const std::string& ean,
                                     int64_t quantity);
    core::Result<CartView> SetQuantity(const PortalUser& who, int64_t end_customer_id, const std::string& ean,
                                       int64_t quantity);
    // One line (ean) or every line (ean empty).
    core::Result<CartView> SetSubstitute(const PortalUser& who, int64_t end_customer_id,
                                         const std::string& ean, bool substitute);

    // The deliveries of the end customer's unit that are open: before their cut-off and with room, in the
    // next `days` days (R_OMB_7).
    static constexpr int kDeliveryDays = 14;
    core::Result<std::vector<DeliveryOption>> Deliveries(const PortalUser& who, int64_t end_customer_id);
    // "Complete purchase": one transaction books the slot (refused when full, past its cut-off or another
    // unit's: R_OMB_7), writes the order at the portal's address and preset payment with an empty reference,
    // empties the cart and mails the confirmation to the orderer. The same checkout key answers the same
    // order again.
    core::Result<OrderView> Checkout(const PortalUser& who, const CheckoutInput& in);
    core::Result<std::vector<OrderView>> Orders(const PortalUser& who, int64_t end_customer_id);
    core::Result<OrderView> Order(const PortalUser& who, const std::string& order_number);
    // Before the cut-off an ordered (not yet picking) order may be cancelled; its place is freed.
    core::Result<OrderView> Cancel(const PortalUser& who, const std::string& order_number);

    // Saved carts under the orderer's profile (R_OMB_9).
    core::Result<SavedCartView> SaveCart(const PortalUser& who, int64_t end_customer_id,
                                         const std::string& name);
    core::Result<std::vector<SavedCartView>> SavedCarts(const PortalUser& who);
    core::Result<SavedCartView> SavedCart(const PortalUser& who, int64_t id);
    // "Save changes": the name and the items (ean, quantity; quantity 0 drops the item).
    core::Result<SavedCartView> UpdateSavedCart(const PortalUser& who, int64_t id, const std::string& name,
                                                const std::vector<std::pair<std::string, int64_t>>& items);
    core::Result<void> DeleteSavedCart(const PortalUser& who, int64_t id);
    // "Add to cart": the saved items are added to the end customer's current cart.
    core::Result<CartView> AddSavedCart(const PortalUser& who, int64_t id, int64_t end_customer_id);

    // The store's pickers (a till key of the organisation's store).
    core::Result<std::vector<OrderView>> StoreOrders(int64_t store_id, const std::string& status);
    core::Result<OrderView> StoreOrder(int64_t store_id, const std::string& order_number);
    core::Result<OrderView> StartPicking(int64_t store_id, const std::string& order_number,
                                         const std::string& actor);
    // Delivered: every line's picked quantity (a substitute only where the line allows it, R_OMB_6); the
    // end customer who is a member earns on what was delivered (R_OMB_10); the delivery note goes to the
    // orderer. Idempotent: delivering a delivered order again answers it.
    core::Result<OrderView> Deliver(int64_t store_id, const std::string& order_number,
                                    const std::vector<PickedLine>& picked, const std::string& actor);

  private:
    core::Result<ProductPage> SearchIn(const PortalUser& who, int64_t end_customer_id,
                                       const std::string& text,
                                       const std::optional<std::string>& category_code, int64_t limit,
                                       int64_t offset, bool count);
    core::Result<OrganisationView> OrganisationOf(store::Connection& c, int64_t organisation_id);
    core::Result<EndCustomerView> CustomerOf(store::Connection& c, const PortalUser& who, int64_t id);
    core::Result<CartView> CartOf(store::Connection& c, const PortalUser& who, int64_t end_customer_id);
    core::Result<OrderView> ViewOf(store::Connection& c, store::OrderRecord o);
    core::Result<store::ProductRecord> ProductFor(store::Connection& c, const OrganisationView& org,
                                                  const std::string& ean);
    core::Result<std::vector<DeliveryOption>> OpenDeliveries(store::Connection& c,
                                                             const OrganisationView& org, int64_t unit_id);
    core::Result<EndCustomerView> SaveCustomer(const PortalUser& who, std::optional<int64_t> id,
                                               const EndCustomerInput& in);
    store::Database& db_;
    const core::Clock& clock_;
    const std::map<std::string, core::MarketRules>& markets_;
    const notify::Sealer& sealer_;
    auth::AuthService& auth_;
    CatalogueService& catalogue_;
    OfferService& offers_;
    ReceiptService& receipts_;
};

}  // namespace andel::app
