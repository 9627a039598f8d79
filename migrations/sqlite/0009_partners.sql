-- The partner programme (R_PART_1..4, R_BON_1, R_BON_6): partners, their agreements (bonus rate per product
-- category with validity dates), the sales they report and the cancellations or returns of those sales.
-- What a sale earned is booked on the ledger (partner_receivable against the household's bonus or points,
-- pending until release_on when the partner holds bonus back); these rows say which rate applied, so a
-- later agreement never alters a past sale. Dates are 'YYYY-MM-DD' in the partner's market's time zone.
CREATE TABLE partners (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,           -- e.g. 'dk-synoptik'; also the partner's id in files and reports
    market TEXT NOT NULL,                -- dk | no | se: the currency its sales are in
    name TEXT NOT NULL,
    category TEXT NOT NULL,              -- one of [partners] categories of andel.toml (R_PART_2)
    description TEXT NOT NULL,
    logo_url TEXT,
    website_url TEXT,
    sells_online INTEGER NOT NULL CHECK (sells_online IN (0, 1)),   -- how to buy (R_PART_3)
    sells_in_shop INTEGER NOT NULL CHECK (sells_in_shop IN (0, 1)),
    active_from TEXT NOT NULL,
    active_to TEXT,                      -- last active day; NULL: open-ended
    holding_days INTEGER NOT NULL DEFAULT 0 CHECK (holding_days BETWEEN 0 AND 730),  -- bonus pending this long
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX partners_market ON partners(market, category);

CREATE TABLE partner_agreements (
    id INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partners(id),
    category TEXT NOT NULL,              -- the partner's product category, e.g. 'glasses'
    label TEXT NOT NULL,                 -- what members read, e.g. 'Briller og solbriller'
    rate_bp INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),  -- bonus in basis points: 5 % = 500
    valid_from TEXT NOT NULL,
    valid_to TEXT,                       -- last day in force; NULL: until a later agreement ends it
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX partner_agreements_partner ON partner_agreements(partner_id, category, valid_from);

CREATE TABLE partner_sales (
    id INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partners(id),
    sale_key TEXT NOT NULL,              -- the partner's sale id, unique per partner
    member_id INTEGER NOT NULL REFERENCES members(id),
    household_id INTEGER NOT NULL REFERENCES households(id),
    home_store_id INTEGER REFERENCES stores(id),  -- the member's home store at the sale (R_PART_4)
    sale_date TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,       -- what the member paid, sum of the lines
    bonus_minor INTEGER NOT NULL,        -- the bonus it earned in money (SE: the money the points stand for)
    reward INTEGER NOT NULL,             -- what the household was credited, in reward_unit
    reward_unit TEXT NOT NULL,           -- the currency, or 'points' (SE)
    lines TEXT NOT NULL,                 -- JSON [[category, amount_minor, rate_bp, agreement_id, bonus_minor]]
    release_on TEXT,                     -- pending until this day; NULL: available at once
    released_at INTEGER,                  -- when the pending bonus was made available (or nothing was left)
    released_entry_id INTEGER REFERENCES ledger_entries(id),
    entry_id INTEGER REFERENCES ledger_entries(id),   -- NULL when the sale earned nothing (a 0 % rate)
    body_hash TEXT NOT NULL,             -- SHA-256 of the canonical sale, to tell a replay from a clash
    via TEXT NOT NULL CHECK (via IN ('api', 'file')),
    created_at INTEGER NOT NULL,
    UNIQUE (partner_id, sale_key)
);
CREATE INDEX partner_sales_date ON partner_sales(sale_date, partner_id);
CREATE INDEX partner_sales_household ON partner_sales(household_id, id);
CREATE INDEX partner_sales_release ON partner_sales(release_on) WHERE released_at IS NULL;
-- A member's history names the partner sale behind each of its entries.
CREATE INDEX partner_sales_entry ON partner_sales(entry_id);
CREATE INDEX partner_sales_released_entry ON partner_sales(released_entry_id);

CREATE TABLE partner_sale_reversals (
    id INTEGER PRIMARY KEY,
    sale_id INTEGER NOT NULL REFERENCES partner_sales(id),
    reversal_key TEXT NOT NULL,          -- the partner's cancellation or return id, unique per sale
    reversal_date TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,       -- what was cancelled or returned (positive)
    bonus_minor INTEGER NOT NULL,        -- the bonus taken back from the sale, in money (positive)
    reward INTEGER NOT NULL,             -- what was taken from the household, in the sale's reward_unit
    written_off INTEGER NOT NULL,        -- what the household had already spent: the operator's loss
    lines TEXT NOT NULL,                 -- JSON [[category, amount_minor, bonus_minor]]
    body_hash TEXT NOT NULL,
    entry_id INTEGER REFERENCES ledger_entries(id),   -- NULL when nothing was taken back
    created_at INTEGER NOT NULL,
    UNIQUE (sale_id, reversal_key)
);
CREATE INDEX partner_sale_reversals_entry ON partner_sale_reversals(entry_id);

-- What a partner has paid the operator for the bonus its sales earned: each payment settles part of its
-- receivable on the ledger (partner_receivable against partner_paid), once per settlement id.
CREATE TABLE partner_settlements (
    id INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partners(id),
    settlement_key TEXT NOT NULL,        -- e.g. the invoice or bank transfer number
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    paid_on TEXT NOT NULL,
    entry_id INTEGER NOT NULL REFERENCES ledger_entries(id),
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (partner_id, settlement_key)
);

-- A partner's API key is scoped to that partner (member check, sales).
ALTER TABLE api_keys ADD COLUMN partner_id INTEGER REFERENCES partners(id);
