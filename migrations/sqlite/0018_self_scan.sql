-- Self-scanning, Shop Express (R_SCAN_1..5; docs/self-scanning.md): which stores offer it, members whose
-- right was deactivated or revoked, and the scan sessions with their audits and discrepancies.
ALTER TABLE stores ADD COLUMN self_scan INTEGER NOT NULL DEFAULT 0 CHECK (self_scan IN (0, 1));

-- A member of 18 or more may self-scan unless a row here says otherwise (R_SCAN_1, R_SCAN_5).
CREATE TABLE self_scan_rights (
    member_id INTEGER PRIMARY KEY REFERENCES members(id),
    status TEXT NOT NULL CHECK (status IN ('active', 'deactivated', 'revoked')),
    reason TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at INTEGER NOT NULL
);

CREATE TABLE self_scan_sessions (
    id INTEGER PRIMARY KEY,
    session_key TEXT NOT NULL UNIQUE,    -- 'ss_' + 32 hex: what the scanner or the app names it by
    store_id INTEGER NOT NULL REFERENCES stores(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    device TEXT NOT NULL CHECK (device IN ('hand_scanner', 'app')),
    status TEXT NOT NULL CHECK (status IN ('open', 'awaiting_audit', 'completed', 'cancelled')),
    items TEXT NOT NULL,                 -- JSON [[ean, quantity]], in scanning order (R_SCAN_2)
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    scanned_total_minor INTEGER,         -- what the member's scan came to, after offers
    audit_probability_ppm INTEGER,       -- R_SCAN_4: the chance it was given
    audit_selected INTEGER CHECK (audit_selected IN (0, 1)),
    audited_items TEXT,                  -- JSON [[ean, quantity]] as the staff counted them
    audited_total_minor INTEGER,
    discrepancy_minor INTEGER,           -- audited - scanned; 0 when they agree (R_SCAN_3)
    audited_by TEXT,
    audited_at INTEGER,
    tender TEXT,                         -- how the self-scan till was paid
    receipt_id INTEGER REFERENCES receipts(id)
);
CREATE INDEX self_scan_sessions_member ON self_scan_sessions(member_id, status);
CREATE INDEX self_scan_sessions_store ON self_scan_sessions(store_id, status);
CREATE INDEX self_scan_sessions_receipt ON self_scan_sessions(receipt_id);
