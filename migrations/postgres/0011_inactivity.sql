-- Automatic ending (R_LIFE_3, `andel jobs run inactivity`): a household that has neither earned nor used
-- value for the market's inactivity period, or in which no one is a cooperative member any longer, is told
-- through the outbox and ends at due_at unless it is active (or a cooperative member) again by then. A row
-- per household so the job is idempotent and resumable; it is removed when the household becomes active.
CREATE TABLE inactivity_notices (
    household_id BIGINT PRIMARY KEY REFERENCES households(id),
    reason TEXT NOT NULL CHECK (reason IN ('inactive', 'no_cooperative_member')),
    last_activity_at BIGINT NOT NULL,     -- the household's last earning or spending when told (or its start)
    notified_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,               -- the household ends then
    ended_at BIGINT                       -- when the job ended it
);
