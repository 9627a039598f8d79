-- Outbox retention (R_PRIV_3, R_PRIV_5): a message that was sent, failed or suppressed keeps its recipient
-- and sealed body for 90 days (to answer "did my code arrive?"), then the erasure job empties both; the row
-- stays as a count of what was sent. This index finds the rows still holding them.
CREATE INDEX outbox_retention ON outbox(created_at) WHERE sealed_body <> '';
