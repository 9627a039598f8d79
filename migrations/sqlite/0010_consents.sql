-- Consents per purpose (R_PRIV_2): every giving or withdrawal is a row, with when, through which channel and
-- under which version of the text the member read; the latest row of a purpose is the member's answer. No
-- row: not given (nothing non-essential without a consent).
CREATE TABLE consent_events (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members(id),
    purpose TEXT NOT NULL CHECK (purpose IN ('tracking_cookies', 'personalised_offers', 'personalised_content',
                                             'purchase_analysis')),
    given INTEGER NOT NULL CHECK (given IN (0, 1)),
    channel TEXT NOT NULL CHECK (channel IN ('app', 'web', 'store', 'customer_service')),
    text_version TEXT NOT NULL,      -- the version of the consent text shown, e.g. 'cookies-2026-1'
    actor TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX consent_events_member ON consent_events(member_id, purpose, id);
