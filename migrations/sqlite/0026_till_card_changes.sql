-- The order in which till_cards rows changed, so each server can keep till_cards in memory and bring its
-- copy up to date by reading only what changed since it last looked (app/membership/till_card_cache.hpp).
-- One row per changed card, written by the triggers below in the same transaction as the change; the card's
-- row in till_cards (or its absence) says what it is now. A NULL card_number says that till_cards was filled
-- in bulk with these triggers set aside (andel generate): read the whole table again.
CREATE TABLE till_card_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, even after the newest rows were pruned
    card_number INTEGER,
    at INTEGER NOT NULL                     -- Unix ms, the database's clock: rows are pruned by age
);

-- The newest seq ever pruned: a copy that has not read that far has missed changes and reads everything.
CREATE TABLE till_card_feed (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pruned_through INTEGER NOT NULL
);
INSERT INTO till_card_feed (id, pruned_through) VALUES (1, 0);

CREATE TRIGGER till_cards_feed_added AFTER INSERT ON till_cards
BEGIN
    INSERT INTO till_card_changes (card_number, at)
    VALUES (NEW.card_number, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER till_cards_feed_changed AFTER UPDATE ON till_cards
BEGIN
    INSERT INTO till_card_changes (card_number, at)
    VALUES (NEW.card_number, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
    INSERT INTO till_card_changes (card_number, at)
    SELECT OLD.card_number, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    WHERE OLD.card_number <> NEW.card_number;
END;

CREATE TRIGGER till_cards_feed_removed AFTER DELETE ON till_cards
BEGIN
    INSERT INTO till_card_changes (card_number, at)
    VALUES (OLD.card_number, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
