#pragma once
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace andel::store {

struct OrganisationRecord {
    int64_t id = 0;
    std::string market, name, org_number;
    int64_t store_id = 0;
    std::string store_code, status = "active";
    int64_t created_at = 0;
};

struct UnitRecord {
    int64_t id = 0, organisation_id = 0;
    std::string name, delivery_area;
    bool active = true;
    int64_t created_at = 0;
};

struct SlotRecord {
    int64_t id = 0, unit_id = 0;
    int64_t weekday = 1;                   // 1 = Monday
    std::string window_start, window_end;  // "HH:MM", local
    int64_t capacity = 1, cutoff_minutes = 0;
    bool active = true;
    int64_t created_at = 0;
};

struct EndCustomerRecord {
    int64_t id = 0, organisation_id = 0, unit_id = 0;
    std::string name, street, postal_code, city, note;
    std::string payment_method = "invoice", payment_label;
    std::optional<int64_t> member_id;
    std::optional<std::string> member_number;  // read with the record; not written
    bool active = true;
    int64_t created_at = 0, updated_at = 0;
};

// The latest order of an end customer, for the list (R_OMB_8).
struct EndCustomerStatus {
    std::optional<std::string> status, order_number;
    std::optional<int64_t> next_delivery_at;  // the earliest window of an order not yet delivered
};

struct CartItemRecord {
    int64_t product_id = 0, quantity = 0;
    bool substitute = true;
    int64_t added_at = 0;
};

struct SavedCartRecord {
    int64_t id = 0, account_id = 0;
    std::string name;
    int64_t created_at = 0, updated_at = 0;
    std::vector<std::pair<int64_t, int64_t>> items;  // product id, quantity, in the saved order
};

struct OrderLineRecord {
    int64_t line_no = 0, product_id = 0;
    std::string ean, name, size, category_code;
    int64_t quantity = 0, unit_price_minor = 0, amount_minor = 0, discount_minor = 0;
    bool substitute = true;
    std::optional<int64_t> picked_quantity, substitute_product_id, substitute_quantity,
        substitute_amount_minor;
};

struct OrderRecord {
    int64_t id = 0;
    std::string order_number, checkout_key;
    int64_t organisation_id = 0, unit_id = 0, end_customer_id = 0, orderer_account_id = 0, store_id = 0,
            slot_id = 0;
    std::string delivery_date;
    int64_t window_start_at = 0, window_end_at = 0, cutoff_at = 0;
    std::string delivery_name, delivery_street, delivery_postal_code, delivery_city, note, payment_method,
        payment_label, reference;
    std::string status = "ordered";
    int64_t total_minor = 0;
    std::optional<int64_t> delivered_total_minor, receipt_id;
    int64_t created_at = 0, status_at = 0;
    std::string status_by;
    std::vector<OrderLineRecord> lines;
};

struct PortalAccountRecord {
    int64_t id = 0;
    std::string email, name, role, status, language;
    bool password_set = false;
    int64_t created_at = 0;
};

// The proxy-ordering portal's tables (migration 0019). Every read of an organisation's data names the
// organisation, so a caller cannot reach another's rows by id.
class PortalRepository {
  public:
    explicit PortalRepository(Connection& c) : c_(c) {}

    int64_t InsertOrganisation(const OrganisationRecord& r);
    std::optional<OrganisationRecord> FindOrganisation(int64_t id);
    std::vector<OrganisationRecord> ListOrganisations();

    int64_t InsertUnit(const UnitRecord& r);
    std::optional<UnitRecord> FindUnit(int64_t organisation_id, int64_t id);
    std::vector<UnitRecord> ListUnits(int64_t organisation_id);
    void SetUnitActive(int64_t id, bool active);

    int64_t InsertSlot(const SlotRecord& r);
    std::optional<SlotRecord> FindSlot(int64_t id);
    std::vector<SlotRecord> ListSlots(int64_t unit_id, bool active_only);
    void SetSlotActive(int64_t id, bool active);
    int64_t Booked(int64_t slot_id, const std::string& delivery_date);
    // Books one order on a delivery when it has room: false when the slot is full (R_OMB_7). Atomic: two
    // checkouts racing for the last place cannot both get it.
    bool Book(int64_t slot_id, const std::string& delivery_date, int64_t capacity);
    void Release(int64_t slot_id, const std::string& delivery_date);

    int64_t InsertEndCustomer(const EndCustomerRecord& r);
    void UpdateEndCustomer(const EndCustomerRecord& r);
    std::optional<EndCustomerRecord> FindEndCustomer(int64_t organisation_id, int64_t id);
    // Active end customers whose name, address or unit matches `text` (case-insensitive), by name.
    std::vector<EndCustomerRecord> SearchEndCustomers(int64_t organisation_id, const std::string& text,
                                                      bool include_inactive, int64_t limit, int64_t offset,
                                                      int64_t* total);
    EndCustomerStatus StatusOf(int64_t end_customer_id);

    std::vector<CartItemRecord> Cart(int64_t account_id, int64_t end_customer_id);
    // quantity 0 removes the item.
    void SetCartItem(int64_t account_id, int64_t end_customer_id, int64_t product_id, int64_t quantity,
                     std::optional<bool> substitute, int64_t now);
    void SetSubstitute(int64_t account_id, int64_t end_customer_id, std::optional<int64_t> product_id,
                       bool substitute);
    void ClearCart(int64_t account_id, int64_t end_customer_id);

    int64_t InsertSavedCart(SavedCartRecord& r);
    void ReplaceSavedCart(const SavedCartRecord& r);
    std::optional<SavedCartRecord> FindSavedCart(int64_t account_id, int64_t id);
    std::optional<int64_t> FindSavedCartByName(int64_t account_id, const std::string& name);
    std::vector<SavedCartRecord> ListSavedCarts(int64_t account_id);
    void DeleteSavedCart(int64_t id);

    std::optional<OrderRecord> FindOrderByCheckoutKey(const std::string& key);
    int64_t InsertOrder(OrderRecord& r);
    std::optional<OrderRecord> FindOrder(const std::string& order_number);
    std::vector<OrderRecord> OrdersOf(int64_t end_customer_id, int64_t limit);
    std::vector<OrderRecord> StoreOrders(int64_t store_id, const std::string& status, int64_t limit);
    void UpdateOrderStatus(const OrderRecord& r);
    void UpdatePicked(int64_t order_id, const OrderLineRecord& line);

    std::vector<PortalAccountRecord> ListAccounts(int64_t organisation_id);
    std::optional<PortalAccountRecord> FindAccount(int64_t organisation_id, int64_t account_id);
    // Disables or enables a portal account of the organisation; a disabled account's sessions end.
    bool SetAccountStatus(int64_t organisation_id, int64_t account_id, const std::string& status,
                          int64_t now);

  private:
    Connection& c_;
};

}  // namespace andel::store
