-- Receipts of a year that arrive after the year's dividend was paid (a till's late upload, R_BON_7): a
-- repeat of the run pays them by a supplementary entry, and records what it paid as supplementary lines.
-- dividend_lines.supplement is 0 for the lines of the first payment of (year, household) and n for those of
-- its n-th supplement ("year:<Y>/household:<H>/supplement:<n>"): the lines of one (year, household,
-- cooperative) sum to what its receipts of the year accrued when last paid. SQLite cannot change a UNIQUE
-- constraint, so the table is rebuilt (nothing refers to it).
CREATE TABLE dividend_lines_0023 (
    run_id INTEGER NOT NULL REFERENCES dividend_runs(id),
    year INTEGER NOT NULL,
    household_id INTEGER NOT NULL REFERENCES households(id),
    cooperative_id INTEGER NOT NULL REFERENCES cooperatives(id),  -- the stores' cooperative
    supplement INTEGER NOT NULL DEFAULT 0 CHECK (supplement >= 0),  -- 0: the first payment; n: the n-th
    receipts INTEGER NOT NULL,        -- receipts (sales and returns) of the year in its stores (a supplement: added since)
    base_minor INTEGER NOT NULL,      -- sum of receipts.dividend_base_minor (returns negative)
    rate_bp INTEGER NOT NULL,         -- amount / base in basis points: the rate the receipts accrued at
    amount_minor INTEGER NOT NULL,    -- sum of receipts.dividend_minor: the dividend accrued
    entry_id INTEGER REFERENCES ledger_entries(id),  -- the household's payment; NULL when nothing to pay
    UNIQUE (year, household_id, cooperative_id, supplement)
);
INSERT INTO dividend_lines_0023 (run_id, year, household_id, cooperative_id, supplement, receipts, base_minor,
                                 rate_bp, amount_minor, entry_id)
    SELECT run_id, year, household_id, cooperative_id, 0, receipts, base_minor, rate_bp, amount_minor, entry_id
    FROM dividend_lines;
DROP TABLE dividend_lines;
ALTER TABLE dividend_lines_0023 RENAME TO dividend_lines;
CREATE INDEX dividend_lines_run ON dividend_lines(run_id);

-- Of what a run paid (amount_minor), the part paid by supplements, and to how many households.
ALTER TABLE dividend_runs ADD COLUMN late_households INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dividend_runs ADD COLUMN late_minor INTEGER NOT NULL DEFAULT 0;
