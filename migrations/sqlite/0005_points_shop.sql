-- The points shop (Poängshoppen, R_BON_5): rewards a household's points buy, the redemptions that spent
-- them (oldest lots first, R_BON_4; idempotent per member and Idempotency-Key), and the bonus vouchers
-- issued for them, used once at a till of the voucher's market.
CREATE TABLE shop_rewards (
    id INTEGER PRIMARY KEY,
    market TEXT NOT NULL,        -- the market whose members may buy it ('se')
    code TEXT NOT NULL UNIQUE,   -- stable, e.g. 'se-vardecheck-200'
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('voucher', 'partner')),
    points INTEGER NOT NULL CHECK (points > 0),
    value_minor INTEGER NOT NULL CHECK (value_minor >= 0),  -- a voucher's value; a partner reward's worth
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);
CREATE INDEX shop_rewards_market ON shop_rewards(market, active);

-- A voucher's code is shown once, to the member; only its SHA-256 is kept (DESIGN.md: secrets hashed).
CREATE TABLE vouchers (
    id INTEGER PRIMARY KEY,
    code_hash TEXT NOT NULL UNIQUE,
    market TEXT NOT NULL,
    value_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('issued', 'used', 'void')),
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    used_store_id INTEGER REFERENCES stores(id),
    used_receipt_id TEXT         -- the till's receipt id the voucher paid
);

CREATE TABLE redemptions (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    reward_id INTEGER NOT NULL REFERENCES shop_rewards(id),
    points INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,  -- SHA-256 of the request, to tell a replay from a clash
    entry_id INTEGER NOT NULL REFERENCES ledger_entries(id),
    voucher_id INTEGER REFERENCES vouchers(id),
    balance_after INTEGER NOT NULL,  -- the household's points after, for the replayed answer
    created_at INTEGER NOT NULL,
    UNIQUE (member_id, idempotency_key)
);
CREATE INDEX redemptions_household ON redemptions(household_id, created_at);
