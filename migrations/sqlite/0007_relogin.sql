-- Staged re-login (R_AUTH_5, R_AUTH_6): the operator requires a login method of every member with a digital
-- account, in waves; members are told, reminded, and at their wave's deadline logged out on every device
-- unless they have logged in with the method. The membership itself is untouched.
CREATE TABLE relogin_campaigns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    market TEXT,                                        -- NULL: every market
    required_method TEXT NOT NULL CHECK (required_method IN ('two_step', 'bankid')),
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE relogin_waves (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES relogin_campaigns(id),
    number INTEGER NOT NULL,                            -- 1, 2, ... in order
    share_from_bp INTEGER NOT NULL,                     -- members whose bucket (0-9999) is in [from, to)
    share_to_bp INTEGER NOT NULL,
    born_from TEXT,                                     -- cohort: birth date on or after (YYYY-MM-DD)
    born_before TEXT,                                   -- cohort: birth date before
    starts_at INTEGER NOT NULL,
    deadline_at INTEGER NOT NULL,
    reminder_days TEXT NOT NULL DEFAULT '',             -- days before the deadline, e.g. '7,3,1'
    UNIQUE (campaign_id, number)
);

CREATE TABLE relogin_participants (
    campaign_id INTEGER NOT NULL REFERENCES relogin_campaigns(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    wave_id INTEGER NOT NULL REFERENCES relogin_waves(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    notified_at INTEGER,
    reminders_sent INTEGER NOT NULL DEFAULT 0,
    last_reminded_at INTEGER,
    done_at INTEGER,
    logged_out_at INTEGER,
    PRIMARY KEY (campaign_id, member_id)
);
CREATE INDEX relogin_participants_wave ON relogin_participants(wave_id);
CREATE INDEX relogin_participants_account ON relogin_participants(account_id);
