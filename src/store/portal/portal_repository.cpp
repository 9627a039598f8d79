#include "store/portal/portal_repository.hpp"

namespace andel::store {
namespace {

constexpr std::string_view kOrganisationColumns =
    "SELECT o.id, o.market, o.name, o.org_number, o.store_id, s.code, o.status, o.created_at "
    "FROM portal_organisations o JOIN stores s ON s.id = o.store_id ";

OrganisationRecord ToOrganisation(const Row& r) {
    return OrganisationRecord{r.Int(0), r.Text(1), r.Text(2), r.Text(3),
                              r.Int(4), r.Text(5), r.Text(6), r.Int(7)};
}

constexpr std::string_view kUnitColumns =
    "SELECT id, organisation_id, name, delivery_area, active, created_at FROM portal_units ";

UnitRecord ToUnit(const Row& r) {
    return UnitRecord{r.Int(0), r.Int(1), r.Text(2), r.Text(3), r.Bool(4), r.Int(5)};
}

constexpr std::string_view kSlotColumns =
    "SELECT id, unit_id, weekday, window_start, window_end, capacity, cutoff_minutes, active, created_at "
    "FROM portal_slots ";

SlotRecord ToSlot(const Row& r) {
    return SlotRecord{r.Int(0), r.Int(1), r.Int(2),  r.Text(3), r.Text(4),
                      r.Int(5), r.Int(6), r.Bool(7), r.Int(8)};
}

constexpr std::string_view kEndCustomerColumns =
    "SELECT e.id, e.organisation_id, e.unit_id, e.name, e.street, e.postal_code, e.city, e.note, "
    "e.payment_method, e.payment_label, e.member_id, m.member_number, e.active, e.created_at, e.updated_at "
    "FROM portal_end_customers e LEFT JOIN members m ON m.id = e.member_id ";

EndCustomerRecord ToEndCustomer(const Row& r) {
    EndCustomerRecord e;
    e.id = r.Int(0);
    e.organisation_id = r.Int(1);
    e.unit_id = r.Int(2);
    e.name = r.Text(3);
    e.street = r.Text(4);
    e.postal_code = r.Text(5);
    e.city = r.Text(6);
    e.note = r.Text(7);
    e.payment_method = r.Text(8);
    e.payment_label = r.Text(9);
    e.member_id = r.OptInt(10);
    e.member_number = r.OptText(11);
    e.active = r.Bool(12);
    e.created_at = r.Int(13);
    e.updated_at = r.Int(14);
    return e;
}

// Lower case for the search: ASCII, and the capitals of the Nordic languages (SQLite's LOWER knows only
// ASCII, so the key is made here for both engines).
std::string SearchKey(const std::string& s) {
    static const std::pair<std::string_view, std::string_view> kUpper[] = {
        {"Å", "å"}, {"Ä", "ä"}, {"Ö", "ö"}, {"Æ", "æ"}, {"Ø", "ø"}, {"É", "é"}, {"Ü", "ü"}};
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 'A' && c <= 'Z') {
            out += static_cast<char>(c - 'A' + 'a');
            ++i;
            continue;
        }
        bool mapped = false;
        for (const auto& [up, low] : kUpper)
            if (s.compare(i, up.size(), up) == 0) {
                out += low;
                i += up.size();
                mapped = true;
                break;
            }
        if (!mapped) out += s[i++];
    }
    return out;
}

std::string KeyOf(const EndCustomerRecord& r) {
    return SearchKey(r.name + " " + r.street + " " + r.postal_code + " " + r.city);
}

// A LIKE pattern that matches `text` anywhere, its wildcards escaped.
std::string Contains(const std::string& text) {
    std::string p = "%";
    for (char ch : SearchKey(text)) {
        if (ch == '%' || ch == '_' || ch == '\\') p += '\\';
        p += ch;
    }
    return p + "%";
}

constexpr std::string_view kOrderColumns =
    "SELECT id, order_number, checkout_key, organisation_id, unit_id, end_customer_id, orderer_account_id, "
    "store_id, slot_id, delivery_date, window_start_at, window_end_at, cutoff_at, delivery_name, "
    "delivery_street, delivery_postal_code, delivery_city, note, payment_method, payment_label, reference, "
    "status, total_minor, delivered_total_minor, receipt_id, created_at, status_at, status_by "
    "FROM portal_orders ";

OrderRecord ToOrder(const Row& r) {
    OrderRecord o;
    o.id = r.Int(0);
    o.order_number = r.Text(1);
    o.checkout_key = r.Text(2);
    o.organisation_id = r.Int(3);
    o.unit_id = r.Int(4);
    o.end_customer_id = r.Int(5);
    o.orderer_account_id = r.Int(6);
    o.store_id = r.Int(7);
    o.slot_id = r.Int(8);
    o.delivery_date = r.Text(9);
    o.window_start_at = r.Int(10);
    o.window_end_at = r.Int(11);
    o.cutoff_at = r.Int(12);
    o.delivery_name = r.Text(13);
    o.delivery_street = r.Text(14);
    o.delivery_postal_code = r.Text(15);
    o.delivery_city = r.Text(16);
    o.note = r.Text(17);
    o.payment_method = r.Text(18);
    o.payment_label = r.Text(19);
    o.reference = r.Text(20);
    o.status = r.Text(21);
    o.total_minor = r.Int(22);
    o.delivered_total_minor = r.OptInt(23);
    o.receipt_id = r.OptInt(24);
    o.created_at = r.Int(25);
    o.status_at = r.Int(26);
    o.status_by = r.Text(27);
    return o;
}

}  // namespace

int64_t PortalRepository::InsertOrganisation(const OrganisationRecord& r) {
    return c_
        .QueryOne(
            "INSERT INTO portal_organisations (market, name, org_number, store_id, status, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            {Text(r.market), Text(r.name), Text(r.org_number), Int(r.store_id), Text(r.status),
             Int(r.created_at)})
        ->Int(0);
}

std::optional<OrganisationRecord> PortalRepository::FindOrganisation(int64_t id) {
    auto row = c_.QueryOne(std::string(kOrganisationColumns) + "WHERE o.id = $1", {Int(id)});
    if (!row) return std::nullopt;
    return ToOrganisation(*row);
}

std::vector<OrganisationRecord> PortalRepository::ListOrganisations() {
    std::vector<OrganisationRecord> out;
    for (const auto& r : c_.Query(std::string(kOrganisationColumns) + "ORDER BY o.name, o.id"))
        out.push_back(ToOrganisation(r));
    return out;
}

int64_t PortalRepository::InsertUnit(const UnitRecord& r) {
    return c_
        .QueryOne(
            "INSERT INTO portal_units (organisation_id, name, delivery_area, active, created_at) "
            "VALUES ($1, $2, $3, $4, $5) RETURNING id",
            {Int(r.organisation_id), Text(r.name), Text(r.delivery_area), Int(r.active ? 1 : 0),
             Int(r.created_at)})
        ->Int(0);
}

std::optional<UnitRecord> PortalRepository::FindUnit(int64_t organisation_id, int64_t id) {
    auto row = c_.QueryOne(std::string(kUnitColumns) + "WHERE id = $1 AND organisation_id = $2",
                           {Int(id), Int(organisation_id)});
    if (!row) return std::nullopt;
    return ToUnit(*row);
}

std::vector<UnitRecord> PortalRepository::ListUnits(int64_t organisation_id) {
    std::vector<UnitRecord> out;
    for (const auto& r : c_.Query(std::string(kUnitColumns) + "WHERE organisation_id = $1 ORDER BY name, id",
                                  {Int(organisation_id)}))
        out.push_back(ToUnit(r));
    return out;
}

void PortalRepository::SetUnitActive(int64_t id, bool active) {
    c_.Execute("UPDATE portal_units SET active = $1 WHERE id = $2", {Int(active ? 1 : 0), Int(id)});
}

int64_t PortalRepository::InsertSlot(const SlotRecord& r) {
    return c_
        .QueryOne(
            "INSERT INTO portal_slots (unit_id, weekday, window_start, window_end, capacity, cutoff_minutes, "
            "active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            {Int(r.unit_id), Int(r.weekday), Text(r.window_start), Text(r.window_end), Int(r.capacity),
             Int(r.cutoff_minutes), Int(r.active ? 1 : 0), Int(r.created_at)})
        ->Int(0);
}

std::optional<SlotRecord> PortalRepository::FindSlot(int64_t id) {
    auto row = c_.QueryOne(std::string(kSlotColumns) + "WHERE id = $1", {Int(id)});
    if (!row) return std::nullopt;
    return ToSlot(*row);
}

std::vector<SlotRecord> PortalRepository::ListSlots(int64_t unit_id, bool active_only) {
    std::vector<SlotRecord> out;
    for (const auto& r :
         c_.Query(std::string(kSlotColumns) + "WHERE unit_id = $1" + (active_only ? " AND active = 1" : "") +
                      " ORDER BY weekday, window_start, id",
                  {Int(unit_id)}))
        out.push_back(ToSlot(r));
    return out;
}

void PortalRepository::SetSlotActive(int64_t id, bool active) {
    c_.Execute("UPDATE portal_slots SET active = $1 WHERE id = $2", {Int(active ? 1 : 0), Int(id)});
}

int64_t PortalRepository::Booked(int64_t slot_id, const std::string& delivery_date) {
    auto row =
        c_.QueryOne("SELECT booked FROM portal_slot_bookings WHERE slot_id = $1 AND delivery_date = $2",
                    {Int(slot_id), Text(delivery_date)});
    return row ? row->Int(0) : 0;
}

bool PortalRepository::Book(int64_t slot_id, const std::string& delivery_date, int64_t capacity) {
    // The row exists before the conditional increment, so the increment is one atomic statement that a
    // concurrent writer waits for (PostgreSQL: row lock; SQLite: one writer).
    c_.Execute(
        "INSERT INTO portal_slot_bookings (slot_id, delivery_date, booked) VALUES ($1, $2, 0) "
        "ON CONFLICT (slot_id, delivery_date) DO NOTHING",
        {Int(slot_id), Text(delivery_date)});
    return c_.Execute(
               "UPDATE portal_slot_bookings SET booked = booked + 1 "
               "WHERE slot_id = $1 AND delivery_date = $2 AND booked < $3",
               {Int(slot_id), Text(delivery_date), Int(capacity)}) == 1;
}

void PortalRepository::Release(int64_t slot_id, const std::string& delivery_date) {
    c_.Execute(
        "UPDATE portal_slot_bookings SET booked = booked - 1 "
        "WHERE slot_id = $1 AND delivery_date = $2 AND booked > 0",
        {Int(slot_id), Text(delivery_date)});
}

int64_t PortalRepository::InsertEndCustomer(const EndCustomerRecord& r) {
    return c_
        .QueryOne(
            "INSERT INTO portal_end_customers (organisation_id, unit_id, name, street, postal_code, city, "
            "note, payment_method, payment_label, member_id, search_key, active, created_at, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
            {Int(r.organisation_id), Int(r.unit_id), Text(r.name), Text(r.street), Text(r.postal_code),
             Text(r.city), Text(r.note), Text(r.payment_method), Text(r.payment_label),
             r.member_id ? Int(*r.member_id) : Null(), Text(KeyOf(r)), Int(r.active ? 1 : 0),
             Int(r.created_at), Int(r.updated_at)})
        ->Int(0);
}

void PortalRepository::UpdateEndCustomer(const EndCustomerRecord& r) {
    c_.Execute(
        "UPDATE portal_end_customers SET unit_id = $1, name = $2, street = $3, postal_code = $4, city = $5, "
        "note = $6, payment_method = $7, payment_label = $8, member_id = $9, search_key = $10, active = $11, "
        "updated_at = $12 WHERE id = $13 AND organisation_id = $14",
        {Int(r.unit_id), Text(r.name), Text(r.street), Text(r.postal_code), Text(r.city), Text(r.note),
         Text(r.payment_method), Text(r.payment_label), r.member_id ? Int(*r.member_id) : Null(),
         Text(KeyOf(r)), Int(r.active ? 1 : 0), Int(r.updated_at), Int(r.id), Int(r.organisation_id)});
}

std::optional<EndCustomerRecord> PortalRepository::FindEndCustomer(int64_t organisation_id, int64_t id) {
    auto row = c_.QueryOne(std::string(kEndCustomerColumns) + "WHERE e.id = $1 AND e.organisation_id = $2",
                           {Int(id), Int(organisation_id)});
    if (!row) return std::nullopt;
    return ToEndCustomer(*row);
}

std::vector<EndCustomerRecord> PortalRepository::SearchEndCustomers(int64_t organisation_id,
                                                                    const std::string& text,
                                                                    bool include_inactive, int64_t limit,
                                                                    int64_t offset, int64_t* total) {
    std::string where = "WHERE e.organisation_id = $1 AND e.search_key LIKE $2 ESCAPE '\\'";
    if (!include_inactive) where += " AND e.active = 1";
    std::string pattern = Contains(text);
    if (total)
        *total = c_.QueryOne("SELECT COUNT(*) FROM portal_end_customers e " + where,
                             {Int(organisation_id), Text(pattern)})
                     ->Int(0);
    std::vector<EndCustomerRecord> out;
    for (const auto& r : c_.Query(
             std::string(kEndCustomerColumns) + where + " ORDER BY e.search_key, e.id LIMIT $3 OFFSET $4",
             {Int(organisation_id), Text(pattern), Int(limit), Int(offset)}))
        out.push_back(ToEndCustomer(r));
    return out;
}

EndCustomerStatus PortalRepository::StatusOf(int64_t end_customer_id) {
    EndCustomerStatus s;
    if (auto row = c_.QueryOne("SELECT status, order_number FROM portal_orders WHERE end_customer_id = $1 "
                               "ORDER BY created_at DESC, id DESC LIMIT 1",
                               {Int(end_customer_id)})) {
        s.status = row->Text(0);
        s.order_number = row->Text(1);
    }
    if (auto row = c_.QueryOne("SELECT MIN(window_start_at) FROM portal_orders WHERE end_customer_id = $1 "
                               "AND status IN ('ordered', 'picking')",
                               {Int(end_customer_id)}))
        s.next_delivery_at = row->OptInt(0);
    return s;
}

std::vector<CartItemRecord> PortalRepository::Cart(int64_t account_id, int64_t end_customer_id) {
    std::vector<CartItemRecord> out;
    for (const auto& r :
         c_.Query("SELECT product_id, quantity, substitute, added_at FROM portal_cart_items "
                  "WHERE account_id = $1 AND end_customer_id = $2 ORDER BY added_at, product_id",
                  {Int(account_id), Int(end_customer_id)}))
        out.push_back(CartItemRecord{r.Int(0), r.Int(1), r.Bool(2), r.Int(3)});
    return out;
}

void PortalRepository::SetCartItem(int64_t account_id, int64_t end_customer_id, int64_t product_id,
                                   int64_t quantity, std::optional<bool> substitute, int64_t now) {
    if (quantity <= 0) {
        c_.Execute(
            "DELETE FROM portal_cart_items WHERE account_id = $1 AND end_customer_id = $2 AND product_id = "
            "$3",
            {Int(account_id), Int(end_customer_id), Int(product_id)});
        return;
    }
    c_.Execute(
        "INSERT INTO portal_cart_items (account_id, end_customer_id, product_id, quantity, substitute, "
        "added_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id, end_customer_id, product_id) "
        "DO UPDATE SET quantity = excluded.quantity" +
            std::string(substitute ? ", substitute = excluded.substitute" : ""),
        {Int(account_id), Int(end_customer_id), Int(product_id), Int(quantity),
         Int(substitute.value_or(true) ? 1 : 0), Int(now)});
}

void PortalRepository::SetSubstitute(int64_t account_id, int64_t end_customer_id,
                                     std::optional<int64_t> product_id, bool substitute) {
    if (product_id)
        c_.Execute(
            "UPDATE portal_cart_items SET substitute = $1 "
            "WHERE account_id = $2 AND end_customer_id = $3 AND product_id = $4",
            {Int(substitute ? 1 : 0), Int(account_id), Int(end_customer_id), Int(*product_id)});
    else
        c_.Execute(
            "UPDATE portal_cart_items SET substitute = $1 WHERE account_id = $2 AND end_customer_id = $3",
            {Int(substitute ? 1 : 0), Int(account_id), Int(end_customer_id)});
}

void PortalRepository::ClearCart(int64_t account_id, int64_t end_customer_id) {
    c_.Execute("DELETE FROM portal_cart_items WHERE account_id = $1 AND end_customer_id = $2",
               {Int(account_id), Int(end_customer_id)});
}

int64_t PortalRepository::InsertSavedCart(SavedCartRecord& r) {
    r.id = c_.QueryOne(
                 "INSERT INTO portal_saved_carts (account_id, name, created_at, updated_at) "
                 "VALUES ($1, $2, $3, $4) RETURNING id",
                 {Int(r.account_id), Text(r.name), Int(r.created_at), Int(r.updated_at)})
               ->Int(0);
    ReplaceSavedCart(r);
    return r.id;
}

void PortalRepository::ReplaceSavedCart(const SavedCartRecord& r) {
    c_.Execute("UPDATE portal_saved_carts SET name = $1, updated_at = $2 WHERE id = $3",
               {Text(r.name), Int(r.updated_at), Int(r.id)});
    c_.Execute("DELETE FROM portal_saved_cart_items WHERE saved_cart_id = $1", {Int(r.id)});
    int64_t position = 0;
    for (const auto& [product_id, quantity] : r.items)
        c_.Execute(
            "INSERT INTO portal_saved_cart_items (saved_cart_id, product_id, quantity, position) "
            "VALUES ($1, $2, $3, $4)",
            {Int(r.id), Int(product_id), Int(quantity), Int(position++)});
}

std::optional<SavedCartRecord> PortalRepository::FindSavedCart(int64_t account_id, int64_t id) {
    auto row = c_.QueryOne(
        "SELECT id, account_id, name, created_at, updated_at FROM portal_saved_carts "
        "WHERE id = $1 AND account_id = $2",
        {Int(id), Int(account_id)});
    if (!row) return std::nullopt;
    SavedCartRecord s{row->Int(0), row->Int(1), row->Text(2), row->Int(3), row->Int(4), {}};
    for (const auto& r :
         c_.Query("SELECT product_id, quantity FROM portal_saved_cart_items WHERE saved_cart_id = $1 "
                  "ORDER BY position",
                  {Int(id)}))
        s.items.emplace_back(r.Int(0), r.Int(1));
    return s;
}

std::optional<int64_t> PortalRepository::FindSavedCartByName(int64_t account_id, const std::string& name) {
    auto row = c_.QueryOne("SELECT id FROM portal_saved_carts WHERE account_id = $1 AND name = $2",
                           {Int(account_id), Text(name)});
    if (!row) return std::nullopt;
    return row->Int(0);
}

std::vector<SavedCartRecord> PortalRepository::ListSavedCarts(int64_t account_id) {
    std::vector<SavedCartRecord> out;
    for (const auto& r : c_.Query("SELECT id FROM portal_saved_carts WHERE account_id = $1 ORDER BY name, id",
                                  {Int(account_id)}))
        if (auto s = FindSavedCart(account_id, r.Int(0))) out.push_back(std::move(*s));
    return out;
}

void PortalRepository::DeleteSavedCart(int64_t id) {
    c_.Execute("DELETE FROM portal_saved_cart_items WHERE saved_cart_id = $1", {Int(id)});
    c_.Execute("DELETE FROM portal_saved_carts WHERE id = $1", {Int(id)});
}

std::optional<OrderRecord> PortalRepository::FindOrderByCheckoutKey(const std::string& key) {
    auto row = c_.QueryOne(std::string(kOrderColumns) + "WHERE checkout_key = $1", {Text(key)});
    if (!row) return std::nullopt;
    return FindOrder(row->Text(1));
}

int64_t PortalRepository::InsertOrder(OrderRecord& r) {
    // The number follows from the id: inserted under the checkout key first, then named.
    r.id =
        c_.QueryOne(
              "INSERT INTO portal_orders (order_number, checkout_key, organisation_id, unit_id, "
              "end_customer_id, orderer_account_id, store_id, slot_id, delivery_date, window_start_at, "
              "window_end_at, cutoff_at, delivery_name, delivery_street, delivery_postal_code, "
              "delivery_city, "
              "note, payment_method, payment_label, reference, status, total_minor, created_at, status_at, "
              "status_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
              "$17, $18, $19, $20, $21, $22, $23, $24, $25) RETURNING id",
              {Text("new:" + r.checkout_key),
               Text(r.checkout_key),
               Int(r.organisation_id),
               Int(r.unit_id),
               Int(r.end_customer_id),
               Int(r.orderer_account_id),
               Int(r.store_id),
               Int(r.slot_id),
               Text(r.delivery_date),
               Int(r.window_start_at),
               Int(r.window_end_at),
               Int(r.cutoff_at),
               Text(r.delivery_name),
               Text(r.delivery_street),
               Text(r.delivery_postal_code),
               Text(r.delivery_city),
               Text(r.note),
               Text(r.payment_method),
               Text(r.payment_label),
               Text(r.reference),
               Text(r.status),
               Int(r.total_minor),
               Int(r.created_at),
               Int(r.status_at),
               Text(r.status_by)})
            ->Int(0);
    char number[32];
    std::snprintf(number, sizeof number, "P%08lld", static_cast<long long>(r.id));
    r.order_number = number;
    c_.Execute("UPDATE portal_orders SET order_number = $1 WHERE id = $2", {Text(r.order_number), Int(r.id)});
    for (const auto& l : r.lines)
        c_.Execute(
            "INSERT INTO portal_order_lines (order_id, line_no, product_id, ean, name, size, category_code, "
            "quantity, unit_price_minor, amount_minor, discount_minor, substitute) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            {Int(r.id), Int(l.line_no), Int(l.product_id), Text(l.ean), Text(l.name), Text(l.size),
             Text(l.category_code), Int(l.quantity), Int(l.unit_price_minor), Int(l.amount_minor),
             Int(l.discount_minor), Int(l.substitute ? 1 : 0)});
    return r.id;
}

std::optional<OrderRecord> PortalRepository::FindOrder(const std::string& order_number) {
    auto row = c_.QueryOne(std::string(kOrderColumns) + "WHERE order_number = $1", {Text(order_number)});
    if (!row) return std::nullopt;
    OrderRecord o = ToOrder(*row);
    for (const auto& r :
         c_.Query("SELECT line_no, product_id, ean, name, size, category_code, quantity, unit_price_minor, "
                  "amount_minor, discount_minor, substitute, picked_quantity, substitute_product_id, "
                  "substitute_quantity, substitute_amount_minor FROM portal_order_lines WHERE order_id = $1 "
                  "ORDER BY line_no",
                  {Int(o.id)}))
        o.lines.push_back(OrderLineRecord{r.Int(0), r.Int(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5),
                                          r.Int(6), r.Int(7), r.Int(8), r.Int(9), r.Bool(10), r.OptInt(11),
                                          r.OptInt(12), r.OptInt(13), r.OptInt(14)});
    return o;
}

std::vector<OrderRecord> PortalRepository::OrdersOf(int64_t end_customer_id, int64_t limit) {
    std::vector<OrderRecord> out;
    for (const auto& r : c_.Query(std::string(kOrderColumns) +
                                      "WHERE end_customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
                                  {Int(end_customer_id), Int(limit)}))
        if (auto o = FindOrder(r.Text(1))) out.push_back(std::move(*o));
    return out;
}

std::vector<OrderRecord> PortalRepository::StoreOrders(int64_t store_id, const std::string& status,
                                                       int64_t limit) {
    std::vector<OrderRecord> out;
    for (const auto& r :
         c_.Query(std::string(kOrderColumns) +
                      "WHERE store_id = $1 AND status = $2 ORDER BY window_start_at, id LIMIT $3",
                  {Int(store_id), Text(status), Int(limit)}))
        if (auto o = FindOrder(r.Text(1))) out.push_back(std::move(*o));
    return out;
}

void PortalRepository::UpdateOrderStatus(const OrderRecord& r) {
    c_.Execute(
        "UPDATE portal_orders SET status = $1, delivered_total_minor = $2, receipt_id = $3, status_at = $4, "
        "status_by = $5 WHERE id = $6",
        {Text(r.status), r.delivered_total_minor ? Int(*r.delivered_total_minor) : Null(),
         r.receipt_id ? Int(*r.receipt_id) : Null(), Int(r.status_at), Text(r.status_by), Int(r.id)});
}

void PortalRepository::UpdatePicked(int64_t order_id, const OrderLineRecord& l) {
    c_.Execute(
        "UPDATE portal_order_lines SET picked_quantity = $1, substitute_product_id = $2, "
        "substitute_quantity = $3, substitute_amount_minor = $4 WHERE order_id = $5 AND line_no = $6",
        {l.picked_quantity ? Int(*l.picked_quantity) : Null(),
         l.substitute_product_id ? Int(*l.substitute_product_id) : Null(),
         l.substitute_quantity ? Int(*l.substitute_quantity) : Null(),
         l.substitute_amount_minor ? Int(*l.substitute_amount_minor) : Null(), Int(order_id),
         Int(l.line_no)});
}

std::vector<PortalAccountRecord> PortalRepository::ListAccounts(int64_t organisation_id) {
    std::vector<PortalAccountRecord> out;
    for (const auto& r :
         c_.Query("SELECT id, login_email, display_name, role, status, language, password_hash IS NOT NULL, "
                  "created_at FROM accounts WHERE kind = 'portal' AND organisation_id = $1 ORDER BY "
                  "display_name, id",
                  {Int(organisation_id)}))
        out.push_back(PortalAccountRecord{r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5),
                                          r.Bool(6), r.Int(7)});
    return out;
}

std::optional<PortalAccountRecord> PortalRepository::FindAccount(int64_t organisation_id,
                                                                 int64_t account_id) {
    for (auto& a : ListAccounts(organisation_id))
        if (a.id == account_id) return a;
    return std::nullopt;
}

bool PortalRepository::SetAccountStatus(int64_t organisation_id, int64_t account_id,
                                        const std::string& status, int64_t now) {
    if (c_.Execute("UPDATE accounts SET status = $1, updated_at = $2 "
                   "WHERE id = $3 AND kind = 'portal' AND organisation_id = $4",
                   {Text(status), Int(now), Int(account_id), Int(organisation_id)}) != 1)
        return false;
    if (status == "disabled")
        c_.Execute(
            "UPDATE sessions SET revoked_at = $1, revoke_reason = 'account_disabled' "
            "WHERE account_id = $2 AND revoked_at IS NULL",
            {Int(now), Int(account_id)});
    return true;
}

}  // namespace andel::store
