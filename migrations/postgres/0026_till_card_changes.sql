-- The order in which till_cards rows changed, so each server can keep till_cards in memory and bring its
-- copy up to date by reading only what changed since it last looked (app/membership/till_card_cache.hpp).
-- One row per changed card, written by the trigger below in the same transaction as the change; the card's
-- row in till_cards (or its absence) says what it is now. A NULL card_number says that till_cards was filled
-- in bulk with the triggers set aside (andel generate): read the whole table again.
-- Every change to till_cards is made under the advisory lock 7291025 (migration 0025), taken again here for
-- a change made directly: a seq is drawn only while the lock is held and the lock is held until commit, so
-- seqs become visible in their order and a reader that has seen seq N has seen every change before it.
CREATE TABLE till_card_changes (
    seq BIGSERIAL PRIMARY KEY,
    card_number BIGINT,
    at BIGINT NOT NULL  -- Unix ms, the database's clock: rows are pruned by age
);

-- The newest seq ever pruned: a copy that has not read that far has missed changes and reads everything.
CREATE TABLE till_card_feed (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pruned_through BIGINT NOT NULL
);
INSERT INTO till_card_feed (id, pruned_through) VALUES (1, 0);

CREATE FUNCTION till_cards_feed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    now_ms BIGINT := CAST(floor(extract(epoch FROM clock_timestamp()) * 1000) AS BIGINT);
BEGIN
    PERFORM pg_advisory_xact_lock(7291025);
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO till_card_changes (card_number, at) VALUES (NEW.card_number, now_ms);
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.card_number <> NEW.card_number) THEN
        INSERT INTO till_card_changes (card_number, at) VALUES (OLD.card_number, now_ms);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER till_cards_feed AFTER INSERT OR UPDATE OR DELETE ON till_cards
FOR EACH ROW EXECUTE FUNCTION till_cards_feed();
