-- The yearly purchase dividend run (R_BON_7, `andel jobs run dividend --year Y`): every real run of a
-- market and year is a row of dividend_runs (a run may be repeated; a repeat pays nothing more), and what
-- a household earned per cooperative in the year is a row of dividend_lines, written once, in the same
-- transaction as the ledger entry that pays it: the result, auditable line by line. A dry run writes
-- nothing.
CREATE TABLE dividend_runs (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,            -- the calendar year paid, in the market's time zone
    market TEXT NOT NULL,             -- dk | no | se
    started_at INTEGER NOT NULL,      -- Unix milliseconds
    finished_at INTEGER,              -- NULL while running, or when the run was stopped
    dry_run INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1)),  -- always 0: dry runs are not recorded
    households INTEGER NOT NULL DEFAULT 0,   -- households this run paid (or recorded with nothing to pay)
    lines INTEGER NOT NULL DEFAULT 0,        -- dividend_lines this run wrote
    base_minor INTEGER NOT NULL DEFAULT 0,   -- sum of their base
    amount_minor INTEGER NOT NULL DEFAULT 0  -- sum of what this run moved to the households' bonus
);
CREATE INDEX dividend_runs_year ON dividend_runs(year, market);

CREATE TABLE dividend_lines (
    run_id INTEGER NOT NULL REFERENCES dividend_runs(id),
    year INTEGER NOT NULL,
    household_id INTEGER NOT NULL REFERENCES households(id),
    cooperative_id INTEGER NOT NULL REFERENCES cooperatives(id),  -- the stores' cooperative
    receipts INTEGER NOT NULL,        -- receipts (sales and returns) of the year in its stores
    base_minor INTEGER NOT NULL,      -- sum of receipts.dividend_base_minor (returns negative)
    rate_bp INTEGER NOT NULL,         -- amount / base in basis points: the rate the receipts accrued at
    amount_minor INTEGER NOT NULL,    -- sum of receipts.dividend_minor: the dividend accrued
    entry_id INTEGER REFERENCES ledger_entries(id),  -- the household's payment; NULL when nothing to pay
    UNIQUE (year, household_id, cooperative_id)
);
CREATE INDEX dividend_lines_run ON dividend_lines(run_id);
