-- Scheduled jobs take a lease so one node runs each job at a time (DESIGN.md "Running"): a row per job,
-- taken with an upsert that only replaces a lease whose time is up, renewed as the job goes, deleted at
-- the end. A node that dies leaves its lease to run out.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,       -- the job, e.g. 'expiry'
    holder TEXT NOT NULL,        -- who holds it: host, process and run
    expires_at BIGINT NOT NULL   -- Unix milliseconds; after this another node may take it
);
