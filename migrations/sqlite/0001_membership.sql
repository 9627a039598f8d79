-- Membership: cooperatives, stores, persons, members, households, cards, terms (R_MEM_*, R_HH_*, R_CARD_*).
-- Times are Unix milliseconds (UTC); dates are 'YYYY-MM-DD'; flags are 0/1 integers. Same shape on PostgreSQL.
CREATE TABLE cooperatives (
    id INTEGER PRIMARY KEY,
    market TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE stores (
    id INTEGER PRIMARY KEY,
    cooperative_id INTEGER NOT NULL REFERENCES cooperatives(id),
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    city TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX stores_cooperative ON stores(cooperative_id);

CREATE TABLE persons (
    id INTEGER PRIMARY KEY,
    market TEXT NOT NULL,
    national_id_hash TEXT UNIQUE,          -- HMAC-SHA-256 of the normalised national id; never the id itself
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    name_key TEXT NOT NULL,                -- lower-case "last first" for search
    birth_date TEXT NOT NULL,
    email TEXT UNIQUE,
    phone TEXT UNIQUE,
    street TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX persons_name_key ON persons(name_key);

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL UNIQUE REFERENCES persons(id),   -- one membership per person (R_MEM_5)
    member_number TEXT UNIQUE,                                   -- NULL for a customer with a profile
    kind TEXT NOT NULL CHECK (kind IN ('member', 'profile')),    -- R_MEM_1
    status TEXT NOT NULL CHECK (status IN ('active', 'ended')),
    market TEXT NOT NULL,
    cooperative_id INTEGER REFERENCES cooperatives(id),
    home_store_id INTEGER REFERENCES stores(id),
    share_paid_minor INTEGER NOT NULL DEFAULT 0,                 -- R_MEM_4
    share_paid_at INTEGER,
    new_login_at INTEGER,                                        -- R_HH_8 / R_AUTH_7
    is_demo INTEGER NOT NULL DEFAULT 0,                          -- R_MEM_10
    joined_at INTEGER NOT NULL,
    ended_at INTEGER,
    end_reason TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX members_cooperative ON members(cooperative_id);

CREATE TABLE households (
    id INTEGER PRIMARY KEY,
    owner_member_id INTEGER NOT NULL UNIQUE REFERENCES members(id),  -- an owner owns exactly one (R_HH_4)
    created_at INTEGER NOT NULL
);

CREATE TABLE household_members (
    member_id INTEGER PRIMARY KEY REFERENCES members(id),   -- in at most one household (R_HH_4)
    household_id INTEGER NOT NULL REFERENCES households(id),
    role TEXT NOT NULL CHECK (role IN ('owner', 'participant')),
    joined_at INTEGER NOT NULL
);
CREATE INDEX household_members_household ON household_members(household_id);

CREATE TABLE household_events (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    kind TEXT NOT NULL CHECK (kind IN ('created', 'added', 'removed', 'left')),
    actor TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX household_events_household ON household_events(household_id);

CREATE TABLE cards (
    id INTEGER PRIMARY KEY,
    card_number TEXT NOT NULL UNIQUE,
    member_id INTEGER NOT NULL REFERENCES members(id),
    status TEXT NOT NULL CHECK (status IN ('ordered', 'active', 'blocked', 'replaced', 'revoked')),
    replaces_card_id INTEGER REFERENCES cards(id),
    issued_at INTEGER NOT NULL,
    status_changed_at INTEGER NOT NULL,
    status_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cards_member ON cards(member_id);

CREATE TABLE terms_versions (
    id INTEGER PRIMARY KEY,
    market TEXT NOT NULL,
    version TEXT NOT NULL,
    major INTEGER NOT NULL,
    summary TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    UNIQUE (market, version)
);

CREATE TABLE terms_acceptances (
    member_id INTEGER NOT NULL REFERENCES members(id),
    terms_version_id INTEGER NOT NULL REFERENCES terms_versions(id),
    accepted_at INTEGER NOT NULL,
    channel TEXT NOT NULL,
    PRIMARY KEY (member_id, terms_version_id)
);

-- What changed on a membership, by whom: home store, address, cooperative moves (R_MEM_8), cards.
CREATE TABLE member_events (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members(id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    actor TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX member_events_member ON member_events(member_id);

CREATE TABLE number_sequences (
    name TEXT PRIMARY KEY,
    next_value INTEGER NOT NULL
);
INSERT INTO number_sequences (name, next_value) VALUES ('member', 1000000), ('card', 1);

-- Machine credentials (back office, tills); only a SHA-256 of the secret is stored.
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    key_id TEXT NOT NULL UNIQUE,        -- public part, shown in lists and logs
    secret_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    store_id INTEGER REFERENCES stores(id),
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
