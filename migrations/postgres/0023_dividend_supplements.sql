-- Receipts of a year that arrive after the year's dividend was paid (a till's late upload, R_BON_7): a
-- repeat of the run pays them by a supplementary entry, and records what it paid as supplementary lines.
-- dividend_lines.supplement is 0 for the lines of the first payment of (year, household) and n for those of
-- its n-th supplement ("year:<Y>/household:<H>/supplement:<n>"): the lines of one (year, household,
-- cooperative) sum to what its receipts of the year accrued when last paid.
ALTER TABLE dividend_lines ADD COLUMN supplement BIGINT NOT NULL DEFAULT 0 CHECK (supplement >= 0);
ALTER TABLE dividend_lines DROP CONSTRAINT dividend_lines_year_household_id_cooperative_id_key;
ALTER TABLE dividend_lines ADD CONSTRAINT dividend_lines_year_household_id_cooperative_id_supplement_key
    UNIQUE (year, household_id, cooperative_id, supplement);

-- Of what a run paid (amount_minor), the part paid by supplements, and to how many households.
ALTER TABLE dividend_runs ADD COLUMN late_households BIGINT NOT NULL DEFAULT 0;
ALTER TABLE dividend_runs ADD COLUMN late_minor BIGINT NOT NULL DEFAULT 0;
