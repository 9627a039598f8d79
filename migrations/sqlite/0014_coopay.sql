-- Paying with the app at the till, Coopay (R_PAY_1, R_PAY_2). A payment method is a token of the payment
-- service provider (never a card number), sealed with the deployment's key. A member activates Coopay
-- with a strong login (BankID) and a method on file; the app then asks for one-time payment codes (stored
-- as a keyed hash, valid 60 s, single use, tied to the session that asked); a till redeems a code with the
-- amount and its receipt id, Andel authorises with the provider, captures when the receipt is posted and
-- refunds on a return. Family members (household participants) pay with the owner's method within the
-- monthly limit the owner sets; their payments are the owner's to see.
CREATE TABLE payment_methods (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members(id),
    token_sealed TEXT NOT NULL,          -- the provider's token, sealed
    label TEXT NOT NULL,                 -- what the provider says to show, e.g. 'Visa •••• 4242'
    status TEXT NOT NULL CHECK (status IN ('active', 'removed')),
    created_at INTEGER NOT NULL,
    removed_at INTEGER
);
CREATE INDEX payment_methods_member ON payment_methods(member_id);

CREATE TABLE coopay_activations (
    member_id INTEGER PRIMARY KEY REFERENCES members(id),
    method_id INTEGER NOT NULL REFERENCES payment_methods(id),
    activated_at INTEGER NOT NULL,
    login_method TEXT NOT NULL           -- the strong login it was activated with (R_PAY_2)
);

CREATE TABLE family_payment_limits (
    member_id INTEGER PRIMARY KEY REFERENCES members(id),   -- the family member
    owner_member_id INTEGER NOT NULL REFERENCES members(id),
    monthly_limit_minor INTEGER NOT NULL CHECK (monthly_limit_minor >= 0),
    updated_at INTEGER NOT NULL
);
CREATE INDEX family_payment_limits_owner ON family_payment_limits(owner_member_id);

CREATE TABLE payment_codes (
    id INTEGER PRIMARY KEY,
    code_hash TEXT NOT NULL,             -- HMAC-SHA-256 of the code, keyed with security.secret_key
    member_id INTEGER NOT NULL REFERENCES members(id),      -- who pays (the owner or a family member)
    session_id INTEGER NOT NULL REFERENCES sessions(id),    -- ending the session voids the code
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX payment_codes_hash ON payment_codes(code_hash);
CREATE INDEX payment_codes_member ON payment_codes(member_id);
CREATE INDEX payment_codes_session ON payment_codes(session_id);

CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores(id),
    receipt_key TEXT NOT NULL,           -- the till's receipt id
    member_id INTEGER NOT NULL REFERENCES members(id),       -- who paid
    owner_member_id INTEGER NOT NULL REFERENCES members(id), -- whose method paid (the member, or the household owner)
    method_id INTEGER NOT NULL REFERENCES payment_methods(id),
    code_id INTEGER REFERENCES payment_codes(id),           -- NULL once the code is erased (R_PRIV_3)
    currency TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),  -- authorised
    captured_minor INTEGER NOT NULL DEFAULT 0,
    refunded_minor INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('authorising', 'authorised', 'declined', 'captured', 'voided',
                                           'unknown')),
    provider_id TEXT,                    -- the provider's authorisation id
    decline_reason TEXT,
    body_hash TEXT NOT NULL,             -- the till's request, to tell a replay from a clash
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (store_id, receipt_key)
);
CREATE INDEX payments_member ON payments(member_id, id);
CREATE INDEX payments_owner ON payments(owner_member_id, id);
CREATE INDEX payments_open ON payments(status, updated_at) WHERE status IN ('authorising', 'authorised', 'unknown');
CREATE INDEX payments_code ON payments(code_id);
CREATE INDEX payments_method ON payments(method_id);

-- A refund for a return receipt, recorded before the provider is asked so that a retry never refunds twice.
CREATE TABLE payment_refunds (
    id INTEGER PRIMARY KEY,
    payment_id INTEGER NOT NULL REFERENCES payments(id),
    store_id INTEGER NOT NULL REFERENCES stores(id),
    receipt_key TEXT NOT NULL,           -- the return receipt's id
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    created_at INTEGER NOT NULL,
    UNIQUE (store_id, receipt_key)
);
CREATE INDEX payment_refunds_payment ON payment_refunds(payment_id);
