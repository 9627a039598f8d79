-- The shop's start page and category browsing list a market's products by name (the ordering portal's
-- "current items", issue 7): an index in that order lets PostgreSQL stop after the page instead of sorting
-- the whole assortment (docs/benchmarks.md, "Portal search"). SQLite's planner keeps its own road (the
-- repository's query steers it), so there the index costs a little on import and nothing on reads.
CREATE INDEX products_market_name ON products(market, name, id);
