-- A member's marketing choices (R_PRIV_1): objections to direct marketing per channel, and the ad block
-- (reklamspärr) that stops all addressed advertising. No row: no objection recorded. Service messages are
-- not marketing and always go.
CREATE TABLE marketing_choices (
    member_id INTEGER PRIMARY KEY REFERENCES members(id),
    email INTEGER NOT NULL DEFAULT 1,
    sms INTEGER NOT NULL DEFAULT 1,
    post INTEGER NOT NULL DEFAULT 1,
    app INTEGER NOT NULL DEFAULT 1,
    ad_block INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL
);
