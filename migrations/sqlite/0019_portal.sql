-- Ombudshandel Online, the proxy-ordering portal (R_OMB_1..10; docs/portal.md): business customers
-- (organisations) with units, the units' delivery slots, the end customers shopped for, orderers' carts and
-- saved carts, and the orders with their lines as ordered and as picked. Portal users are accounts of kind
-- 'portal' (migration 0006) with the organisation in accounts.organisation_id.
CREATE TABLE portal_organisations (
    id INTEGER PRIMARY KEY,
    market TEXT NOT NULL,
    name TEXT NOT NULL,
    org_number TEXT NOT NULL,            -- the business's registration number
    store_id INTEGER NOT NULL REFERENCES stores(id),  -- the store that picks and delivers its orders
    status TEXT NOT NULL CHECK (status IN ('active', 'closed')),
    created_at INTEGER NOT NULL,
    UNIQUE (market, org_number)
);

-- E.g. a home-care district, with the area it delivers to.
CREATE TABLE portal_units (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES portal_organisations(id),
    name TEXT NOT NULL,
    delivery_area TEXT NOT NULL,         -- as the organisation describes it: postal codes, districts
    active INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at INTEGER NOT NULL,
    UNIQUE (organisation_id, name)
);

-- A weekly delivery window of a unit: weekday (1 = Monday), local start and end, orders it takes per
-- delivery, and how long before the window's start ordering closes.
CREATE TABLE portal_slots (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES portal_units(id),
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    window_start TEXT NOT NULL,          -- 'HH:MM' in the market's time zone
    window_end TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    cutoff_minutes INTEGER NOT NULL CHECK (cutoff_minutes >= 0),
    active INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at INTEGER NOT NULL
);
CREATE INDEX portal_slots_unit ON portal_slots(unit_id);

-- Orders booked on one delivery of a slot; never above the slot's capacity (R_OMB_7).
CREATE TABLE portal_slot_bookings (
    slot_id INTEGER NOT NULL REFERENCES portal_slots(id),
    delivery_date TEXT NOT NULL,         -- 'YYYY-MM-DD'
    booked INTEGER NOT NULL CHECK (booked >= 0),
    PRIMARY KEY (slot_id, delivery_date)
);

-- The people shopped for. Their data is the organisation's; member_id links a member's own bonus (R_OMB_10).
CREATE TABLE portal_end_customers (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES portal_organisations(id),
    unit_id INTEGER NOT NULL REFERENCES portal_units(id),
    name TEXT NOT NULL,
    street TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    city TEXT NOT NULL,
    note TEXT NOT NULL,                  -- shown to whoever shops for them (R_OMB_3)
    payment_method TEXT NOT NULL CHECK (payment_method IN ('invoice', 'card')),
    payment_label TEXT NOT NULL,         -- 'Faktura till ...' or the card on file, masked
    member_id INTEGER REFERENCES members(id),
    search_key TEXT NOT NULL,            -- name, address and postal code in lower case, for the list's search
    active INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX portal_end_customers_org ON portal_end_customers(organisation_id, name);
CREATE INDEX portal_end_customers_member ON portal_end_customers(member_id);

-- An orderer's current cart for one end customer (R_OMB_5, R_OMB_6).
CREATE TABLE portal_cart_items (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    end_customer_id INTEGER NOT NULL REFERENCES portal_end_customers(id),
    product_id INTEGER NOT NULL REFERENCES products(id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    substitute INTEGER NOT NULL CHECK (substitute IN (0, 1)),  -- may be replaced when out of stock
    added_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, end_customer_id, product_id)
);

-- Carts saved under an orderer's profile (R_OMB_9).
CREATE TABLE portal_saved_carts (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (account_id, name)
);

CREATE TABLE portal_saved_cart_items (
    saved_cart_id INTEGER NOT NULL REFERENCES portal_saved_carts(id),
    product_id INTEGER NOT NULL REFERENCES products(id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    position INTEGER NOT NULL,
    PRIMARY KEY (saved_cart_id, product_id)
);

CREATE TABLE portal_orders (
    id INTEGER PRIMARY KEY,
    order_number TEXT NOT NULL UNIQUE,   -- 'P' + 8 digits, on the confirmation and the delivery note
    checkout_key TEXT NOT NULL UNIQUE,   -- the checkout form's key: "Complete purchase" twice is one order
    organisation_id INTEGER NOT NULL REFERENCES portal_organisations(id),
    unit_id INTEGER NOT NULL REFERENCES portal_units(id),
    end_customer_id INTEGER NOT NULL REFERENCES portal_end_customers(id),
    orderer_account_id INTEGER NOT NULL REFERENCES accounts(id),
    store_id INTEGER NOT NULL REFERENCES stores(id),
    slot_id INTEGER NOT NULL REFERENCES portal_slots(id),
    delivery_date TEXT NOT NULL,
    window_start_at INTEGER NOT NULL,    -- Unix ms
    window_end_at INTEGER NOT NULL,
    cutoff_at INTEGER NOT NULL,
    delivery_name TEXT NOT NULL,         -- the address as the portal held it (R_OMB_7)
    delivery_street TEXT NOT NULL,
    delivery_postal_code TEXT NOT NULL,
    delivery_city TEXT NOT NULL,
    note TEXT NOT NULL,
    payment_method TEXT NOT NULL CHECK (payment_method IN ('invoice', 'card')),
    payment_label TEXT NOT NULL,
    reference TEXT NOT NULL,             -- left empty (R_OMB_7)
    status TEXT NOT NULL CHECK (status IN ('ordered', 'picking', 'delivered', 'cancelled')),
    total_minor INTEGER NOT NULL,        -- as ordered
    delivered_total_minor INTEGER,       -- as picked and delivered
    receipt_id INTEGER REFERENCES receipts(id),  -- the end customer's receipt, earning their bonus
    created_at INTEGER NOT NULL,
    status_at INTEGER NOT NULL,
    status_by TEXT NOT NULL
);
CREATE INDEX portal_orders_customer ON portal_orders(end_customer_id, created_at);
CREATE INDEX portal_orders_store ON portal_orders(store_id, status, window_start_at);
CREATE INDEX portal_orders_orderer ON portal_orders(orderer_account_id);

CREATE TABLE portal_order_lines (
    order_id INTEGER NOT NULL REFERENCES portal_orders(id),
    line_no INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products(id),
    ean TEXT NOT NULL,
    name TEXT NOT NULL,
    size TEXT NOT NULL,
    category_code TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_minor INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL,       -- quantity at the shelf price
    discount_minor INTEGER NOT NULL,     -- the offers' discount on it when ordered
    substitute INTEGER NOT NULL CHECK (substitute IN (0, 1)),
    picked_quantity INTEGER,             -- what the picker found of the product itself
    substitute_product_id INTEGER REFERENCES products(id),  -- what replaced the rest, when allowed
    substitute_quantity INTEGER,
    substitute_amount_minor INTEGER,
    PRIMARY KEY (order_id, line_no)
);
