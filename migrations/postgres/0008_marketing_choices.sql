-- A member's marketing choices (R_PRIV_1): objections to direct marketing per channel, and the ad block
-- (reklamspärr) that stops all addressed advertising. No row: no objection recorded. Service messages are
-- not marketing and always go.
CREATE TABLE marketing_choices (
    member_id BIGINT PRIMARY KEY REFERENCES members(id),
    email BIGINT NOT NULL DEFAULT 1,
    sms BIGINT NOT NULL DEFAULT 1,
    post BIGINT NOT NULL DEFAULT 1,
    app BIGINT NOT NULL DEFAULT 1,
    ad_block BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);
