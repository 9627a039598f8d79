-- People's logins (R_AUTH_*): accounts, sessions, challenges (second step, password reset, welcome link,
-- BankID state), throttles, the staff audit log (R_AUTH_3), and the notification outbox and in-app inbox.
-- Every secret is stored as a SHA-256 (random tokens and codes) or argon2id (passwords) hash; what must be
-- read back (a TOTP seed, a message body holding a code) is sealed with the deployment's secret key
-- (R_PRIV_5).
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('member', 'staff', 'portal')),
    member_id INTEGER UNIQUE REFERENCES members(id),    -- a member's or profile's account
    login_email TEXT UNIQUE,                            -- staff and portal users log in by e-mail
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,                                 -- member | store_staff | service_agent | admin | portal_admin | orderer
    organisation_id INTEGER,                            -- a portal user's organisation (R_OMB_1)
    language TEXT NOT NULL DEFAULT 'en',
    password_hash TEXT,                                 -- argon2id string; NULL until a password is set
    password_changed_at INTEGER,
    totp_sealed TEXT,                                   -- TOTP seed, sealed; NULL when not enrolled
    totp_last_step INTEGER,                             -- last accepted time step (no replay)
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER,
    new_login_at INTEGER,                               -- first login with the required method (R_AUTH_5)
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,                     -- shown in lists; not a credential
    token_hash TEXT NOT NULL UNIQUE,                    -- SHA-256 of the 256-bit token
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL CHECK (kind IN ('app', 'web')),
    method TEXT NOT NULL,                               -- password+sms | password+totp | bankid | demo
    device TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER,
    revoke_reason TEXT
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE auth_challenges (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,                    -- SHA-256 of the challenge token (or link token)
    account_id INTEGER REFERENCES accounts(id),         -- NULL for a BankID login not yet tied to an account
    purpose TEXT NOT NULL CHECK (purpose IN ('login', 'reset', 'welcome', 'oidc', 'totp_enrol')),
    channel TEXT NOT NULL DEFAULT '',                   -- sms | email | totp | oidc
    code_hash TEXT,                                     -- HMAC-SHA-256 of the code, keyed with security.secret_key
    attempts INTEGER NOT NULL DEFAULT 0,
    sealed_payload TEXT,                                -- sealed data the challenge carries (a TOTP seed to confirm)
    session_kind TEXT NOT NULL DEFAULT 'app',
    device TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    consumed_at INTEGER
);
CREATE INDEX auth_challenges_account ON auth_challenges(account_id);

-- Attempts per account and per client address in a window (R_AUTH lock-out, 429 with Retry-After).
CREATE TABLE auth_throttles (
    bucket TEXT PRIMARY KEY,                            -- 'acct:<id>' or 'addr:<sha256 of address>'
    window_start INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    locked_until INTEGER
);

-- Staff actions on members (R_AUTH_3): who, what, whom, when.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    actor TEXT NOT NULL,                                -- "<role>:session:<public id>" or "<role>:<key id>"
    action TEXT NOT NULL,
    subject_member_id INTEGER REFERENCES members(id),
    detail TEXT NOT NULL DEFAULT '',
    at INTEGER NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log(subject_member_id);
CREATE INDEX audit_log_at ON audit_log(at);

-- Messages to send, written in the transaction of the change that causes them; a dispatcher sends them.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES accounts(id),
    member_id INTEGER REFERENCES members(id),
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'inapp')),
    recipient TEXT NOT NULL,                            -- e-mail address, phone number, or '' for in-app
    template TEXT NOT NULL,
    language TEXT NOT NULL,
    marketing INTEGER NOT NULL DEFAULT 0,               -- R_PRIV_1: marketing respects the member's choices
    sealed_body TEXT NOT NULL,                          -- subject + body, sealed (may hold a code or link)
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'suppressed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_until INTEGER,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_member ON outbox(member_id);

-- The in-app inbox a member reads through the API.
CREATE TABLE inbox_messages (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members(id),
    outbox_id INTEGER UNIQUE REFERENCES outbox(id),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    read_at INTEGER
);
CREATE INDEX inbox_messages_member ON inbox_messages(member_id, id);
