-- The ledger (DESIGN.md "The ledger"): accounts, journal entries whose postings sum to zero per unit,
-- points held in lots by month earned (R_BON_4), and the tills' receipts that feed it.
CREATE TABLE ledger_accounts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,          -- household_points, household_bonus, savings, dividend_accrual, store_funding, ...
    owner_kind TEXT NOT NULL,    -- household, member, store, cooperative, operator
    owner_id INTEGER NOT NULL,   -- 0 for the operator
    unit TEXT NOT NULL,          -- 'points' or an ISO 4217 currency
    balance INTEGER NOT NULL DEFAULT 0,  -- cached sum of postings; `andel check ledger` proves it
    created_at INTEGER NOT NULL,
    UNIQUE (kind, owner_kind, owner_id, unit)
);

CREATE TABLE ledger_entries (
    id INTEGER PRIMARY KEY,
    source_kind TEXT NOT NULL,   -- receipt, return, adjustment, expiry, dividend, redemption, ...
    source_key TEXT NOT NULL,    -- e.g. "store:12/receipt:A-1001"; an entry is posted once per source
    description TEXT NOT NULL,
    actor TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (source_kind, source_key)
);

CREATE TABLE ledger_postings (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES ledger_entries(id),
    account_id INTEGER NOT NULL REFERENCES ledger_accounts(id),
    amount INTEGER NOT NULL,
    lot_month INTEGER            -- YYYYMM of the points lot credited or debited, for points accounts
);
CREATE INDEX ledger_postings_entry ON ledger_postings(entry_id);
CREATE INDEX ledger_postings_account ON ledger_postings(account_id, id);

-- Points by the month they were earned: redemption takes the oldest first, expiry takes whole months.
CREATE TABLE points_lots (
    account_id INTEGER NOT NULL REFERENCES ledger_accounts(id),
    month INTEGER NOT NULL,      -- YYYYMM, in the market's time zone
    earned INTEGER NOT NULL,
    remaining INTEGER NOT NULL CHECK (remaining >= 0),
    PRIMARY KEY (account_id, month)
);

CREATE TABLE receipts (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores(id),
    receipt_key TEXT NOT NULL,   -- the till's receipt id, unique per store
    till TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    month INTEGER NOT NULL,      -- YYYYMM in the market's time zone
    member_id INTEGER REFERENCES members(id),
    household_id INTEGER REFERENCES households(id),
    identified_by TEXT,
    currency TEXT NOT NULL,
    total_minor INTEGER NOT NULL,
    eligible_minor INTEGER NOT NULL,
    bonus_minor INTEGER NOT NULL,
    savings_minor INTEGER NOT NULL,
    points INTEGER NOT NULL,
    dividend_base_minor INTEGER NOT NULL,
    dividend_minor INTEGER NOT NULL,
    original_receipt_id INTEGER REFERENCES receipts(id),  -- for a return
    lines TEXT NOT NULL,         -- JSON array, packed: one row per receipt, not per line
    tenders TEXT NOT NULL,       -- JSON array
    body_hash TEXT NOT NULL,     -- SHA-256 of the request, to tell a replay from a clash
    entry_id INTEGER REFERENCES ledger_entries(id),
    created_at INTEGER NOT NULL,
    UNIQUE (store_id, receipt_key)
);
CREATE INDEX receipts_member ON receipts(member_id, occurred_at);
CREATE INDEX receipts_household ON receipts(household_id, occurred_at);
CREATE INDEX receipts_original ON receipts(original_receipt_id);

-- The household's eligible spend and points per calendar month: the SE ladder and its cap (R_BON_3).
CREATE TABLE household_month_spend (
    household_id INTEGER NOT NULL REFERENCES households(id),
    month INTEGER NOT NULL,
    eligible_minor INTEGER NOT NULL,
    points INTEGER NOT NULL,
    PRIMARY KEY (household_id, month)
);
