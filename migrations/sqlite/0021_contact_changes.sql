-- A member changes their e-mail or mobile number on My pages or in the app (issue 8 §1): the change waits
-- until a code sent to the NEW address comes back, so nobody can move a login to an address they do not
-- hold. The new value is sealed (personal data, R_PRIV_5); the code is stored as an HMAC keyed with the
-- deployment's secret and the challenge, as the login codes are.
CREATE TABLE contact_changes (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members(id),
    channel TEXT NOT NULL CHECK (channel IN ('email', 'phone')),
    new_value_sealed TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,                    -- SHA-256 of the challenge token
    code_hash TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    consumed_at INTEGER                                 -- confirmed, replaced by a newer request, or used up
);
CREATE INDEX contact_changes_member ON contact_changes(member_id, created_at);
