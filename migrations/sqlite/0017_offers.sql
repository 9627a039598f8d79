-- Offers, app coupons and member campaigns (R_OFF_1, R_OFF_2, R_MEM_1; docs/offers.md): what each offer
-- does and to whom, which members were given a personal offer, who activated which, the priced baskets
-- (quotes) a till gets, and what each receipt redeemed. Dates are 'YYYY-MM-DD' in the market's time zone.
CREATE TABLE offers (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,           -- e.g. 'dk-2026-w49-coffee'
    market TEXT NOT NULL,
    title TEXT NOT NULL,                 -- what members read, in the market's language
    description TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('member_price', 'percent_off', 'amount_off', 'multi_buy', 'extra_bonus',
                                       'extra_points', 'points_bonus')),
    target_kind TEXT NOT NULL CHECK (target_kind IN ('products', 'category', 'basket')),
    target TEXT NOT NULL,                -- products: JSON list of EANs; category: its code; basket: ''
    params TEXT NOT NULL,                -- JSON: member_price_minor, percent_bp, ... (core::PricedOffer)
    audience TEXT NOT NULL CHECK (audience IN ('all', 'segment', 'personal')),
    segment TEXT NOT NULL,               -- JSON rules for audience 'segment'; '{}' otherwise
    members_only INTEGER NOT NULL CHECK (members_only IN (0, 1)),   -- R_MEM_1: 0 = also customers with a profile
    requires_activation INTEGER NOT NULL CHECK (requires_activation IN (0, 1)),  -- R_OFF_2
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL,              -- last day
    limit_per_member INTEGER CHECK (limit_per_member > 0),    -- receipts a member may use it on
    limit_per_receipt INTEGER CHECK (limit_per_receipt > 0),  -- units (multi-buy: bundles) in one basket
    limit_total INTEGER CHECK (limit_total > 0),              -- receipts in all
    status TEXT NOT NULL CHECK (status IN ('active', 'paused')),
    redeemed INTEGER NOT NULL DEFAULT 0, -- receipts that used it
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX offers_market ON offers(market, valid_to);

CREATE TABLE offer_assignments (
    offer_id INTEGER NOT NULL REFERENCES offers(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    source TEXT NOT NULL,                -- 'backoffice' or 'personalise'
    assigned_at INTEGER NOT NULL,
    PRIMARY KEY (offer_id, member_id)
);
CREATE INDEX offer_assignments_member ON offer_assignments(member_id);

CREATE TABLE offer_activations (
    offer_id INTEGER NOT NULL REFERENCES offers(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    channel TEXT NOT NULL CHECK (channel IN ('app', 'web', 'price_checker', 'backoffice')),
    activated_at INTEGER NOT NULL,
    PRIMARY KEY (offer_id, member_id)
);
CREATE INDEX offer_activations_member ON offer_activations(member_id);

-- A priced basket a receipt redeemed: the offers it used and what they gave. The till holds the quote itself
-- (sealed); it is written here only when redeemed, its key the SHA-256 of the quote, so it redeems once.
CREATE TABLE basket_quotes (
    id INTEGER PRIMARY KEY,
    quote_key TEXT NOT NULL UNIQUE,      -- SHA-256 of the sealed quote the receipt named
    store_id INTEGER NOT NULL REFERENCES stores(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    total_minor INTEGER NOT NULL,
    discount_minor INTEGER NOT NULL,
    bonus_minor INTEGER NOT NULL,        -- extra bonus from offers (money markets)
    points INTEGER NOT NULL,             -- extra points from offers (points markets)
    used TEXT NOT NULL,                  -- JSON [[offer_id, units, discount_minor, bonus_minor, points]]
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    receipt_id INTEGER REFERENCES receipts(id)  -- the receipt that redeemed it
);
CREATE INDEX basket_quotes_member ON basket_quotes(member_id);
CREATE INDEX basket_quotes_expires ON basket_quotes(expires_at) WHERE receipt_id IS NULL;
CREATE INDEX basket_quotes_receipt ON basket_quotes(receipt_id);

CREATE TABLE offer_redemptions (
    id INTEGER PRIMARY KEY,
    offer_id INTEGER NOT NULL REFERENCES offers(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    store_id INTEGER NOT NULL REFERENCES stores(id),
    receipt_id INTEGER NOT NULL REFERENCES receipts(id),
    units INTEGER NOT NULL,
    discount_minor INTEGER NOT NULL,
    bonus_minor INTEGER NOT NULL,
    points INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (offer_id, receipt_id)
);
CREATE INDEX offer_redemptions_member ON offer_redemptions(member_id, offer_id);
CREATE INDEX offer_redemptions_receipt ON offer_redemptions(receipt_id);
