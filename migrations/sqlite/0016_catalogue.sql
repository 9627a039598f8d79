-- The product catalogue, shared by offers, the price checker, self-scanning and the ordering portal: a
-- category tree and products per market (prices are in the market's currency), with the stores that sell
-- each product. Loaded by `andel import catalogue FILE` (docs/catalogue.md).
CREATE TABLE catalogue_categories (
    id INTEGER PRIMARY KEY,
    market TEXT NOT NULL,
    code TEXT NOT NULL,                  -- e.g. 'frugt-groent'; offers name categories by it
    parent_id INTEGER REFERENCES catalogue_categories(id),
    name TEXT NOT NULL,                  -- in the market's language
    position INTEGER NOT NULL DEFAULT 0, -- order among its siblings
    updated_at INTEGER NOT NULL,
    UNIQUE (market, code)
);
CREATE INDEX catalogue_categories_parent ON catalogue_categories(parent_id);

CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    market TEXT NOT NULL,
    ean TEXT NOT NULL,                   -- GTIN-8 or GTIN-13 (core::NormaliseEan)
    name TEXT NOT NULL,
    brand TEXT NOT NULL,
    size TEXT NOT NULL,                  -- as printed: '1 l', '500 g', '6 x 33 cl'
    unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0),  -- the shelf price (per kg when weighed)
    comparison_price_minor INTEGER CHECK (comparison_price_minor >= 0),
    comparison_unit TEXT,                -- 'kg' | 'l' | 'piece' | 'm' | 'wash'
    category_id INTEGER NOT NULL REFERENCES catalogue_categories(id),
    labels TEXT NOT NULL,                -- JSON array: allergens and marks ('gluten', 'organic', ...)
    weighed INTEGER NOT NULL CHECK (weighed IN (0, 1)),  -- sold by weight: quantity in grams
    age_limit INTEGER NOT NULL CHECK (age_limit BETWEEN 0 AND 25),  -- 0, or 16/18 (alcohol, tobacco)
    all_stores INTEGER NOT NULL CHECK (all_stores IN (0, 1)),  -- sold in every store of the market
    active INTEGER NOT NULL CHECK (active IN (0, 1)),
    updated_at INTEGER NOT NULL,
    UNIQUE (market, ean)
);
CREATE INDEX products_category ON products(category_id);

-- Where a product with all_stores = 0 is sold.
CREATE TABLE product_stores (
    product_id INTEGER NOT NULL REFERENCES products(id),
    store_id INTEGER NOT NULL REFERENCES stores(id),
    PRIMARY KEY (product_id, store_id)
);
CREATE INDEX product_stores_store ON product_stores(store_id);

-- Full-text search over name, brand, category and labels; rowid is products.id. Written by the repository.
CREATE VIRTUAL TABLE products_fts USING fts5(name, brand, category, labels,
                                             tokenize = 'unicode61 remove_diacritics 0');
