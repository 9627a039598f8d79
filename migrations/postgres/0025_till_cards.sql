-- What a till needs about an active card (R_CARD_2), in one row keyed by the card number: the till's
-- look-up reads one row of one B-tree instead of seven (card index, card, member, person, household place,
-- household, owner).
-- Derived data: the triggers below keep it equal to its sources in the same transaction as every change to
-- them, so a blocked card stops identifying at the commit that blocked it. Only active cards have a row.
CREATE TABLE till_cards (
    card_number BIGINT PRIMARY KEY,  -- the 16 digits as a number: an integer key is the fastest look-up
    member_id BIGINT NOT NULL,
    member_number TEXT,
    first_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    market TEXT NOT NULL,
    household_id BIGINT,
    household_role TEXT,
    owner_member_id BIGINT,
    owner_member_number TEXT,
    household_size BIGINT NOT NULL
);
CREATE INDEX till_cards_member ON till_cards(member_id);

INSERT INTO till_cards
SELECT CAST(c.card_number AS BIGINT), m.id, m.member_number, p.first_name, m.kind, m.status, m.market,
       hm.household_id, hm.role, h.owner_member_id, om.member_number,
       CASE WHEN hm.household_id IS NULL THEN 0
            ELSE (SELECT COUNT(*) FROM household_members x WHERE x.household_id = hm.household_id) END
FROM cards c JOIN members m ON m.id = c.member_id JOIN persons p ON p.id = m.person_id
LEFT JOIN household_members hm ON hm.member_id = m.id LEFT JOIN households h ON h.id = hm.household_id
LEFT JOIN members om ON om.id = h.owner_member_id
WHERE c.status = 'active';

-- The triggers' functions. Each first takes one transaction-scoped advisory lock, so the changes to till_cards
-- are made one transaction at a time; each statement after it reads a fresh snapshot (READ COMMITTED), which
-- holds every change committed before, so two transactions that change one household at once cannot leave
-- a size or an owner that neither of them saw. A deadlock this lock takes part in is retried like any other.
CREATE FUNCTION till_cards_write_card(a_card BIGINT, a_member BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO till_cards
    SELECT a_card, m.id, m.member_number, p.first_name, m.kind, m.status, m.market, hm.household_id, hm.role,
           h.owner_member_id, om.member_number,
           CASE WHEN hm.household_id IS NULL THEN 0
                ELSE (SELECT COUNT(*) FROM household_members x WHERE x.household_id = hm.household_id) END
    FROM members m JOIN persons p ON p.id = m.person_id
    LEFT JOIN household_members hm ON hm.member_id = m.id LEFT JOIN households h ON h.id = hm.household_id
    LEFT JOIN members om ON om.id = h.owner_member_id
    WHERE m.id = a_member;
END $$;

CREATE FUNCTION till_cards_count_household(a_household BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE till_cards SET household_size = (SELECT COUNT(*) FROM household_members WHERE household_id = a_household)
    WHERE member_id IN (SELECT member_id FROM household_members WHERE household_id = a_household);
END $$;

CREATE FUNCTION till_cards_leave(a_member BIGINT, a_household BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE till_cards SET household_id = NULL, household_role = NULL, owner_member_id = NULL,
                          owner_member_number = NULL, household_size = 0
    WHERE member_id = a_member;
    PERFORM till_cards_count_household(a_household);
END $$;

CREATE FUNCTION till_cards_join(a_member BIGINT, a_household BIGINT, a_role TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE till_cards SET household_id = a_household, household_role = a_role,
                          owner_member_id = (SELECT owner_member_id FROM households WHERE id = a_household),
                          owner_member_number = (SELECT om.member_number FROM households h
                                                 JOIN members om ON om.id = h.owner_member_id
                                                 WHERE h.id = a_household)
    WHERE member_id = a_member;
    PERFORM till_cards_count_household(a_household);
END $$;

-- A card issued, changed or removed: its row is written afresh from its member.
CREATE FUNCTION till_cards_on_card() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7291025);
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM till_cards WHERE card_number = CAST(OLD.card_number AS BIGINT);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'active' THEN
        PERFORM till_cards_write_card(CAST(NEW.card_number AS BIGINT), NEW.member_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER till_cards_card AFTER INSERT OR DELETE OR UPDATE OF card_number, member_id, status ON cards
FOR EACH ROW EXECUTE FUNCTION till_cards_on_card();

-- A member's number, kind, status or market: its own cards, and as the owner, its household's cards.
CREATE FUNCTION till_cards_on_member() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7291025);
    UPDATE till_cards SET member_number = NEW.member_number, kind = NEW.kind, status = NEW.status,
                          market = NEW.market,
                          first_name = (SELECT first_name FROM persons WHERE id = NEW.person_id)
    WHERE member_id = NEW.id;
    UPDATE till_cards SET owner_member_number = NEW.member_number
    WHERE member_id IN (SELECT x.member_id FROM households h JOIN household_members x ON x.household_id = h.id
                        WHERE h.owner_member_id = NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER till_cards_member AFTER UPDATE OF person_id, member_number, kind, status, market ON members
FOR EACH ROW EXECUTE FUNCTION till_cards_on_member();

CREATE FUNCTION till_cards_on_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7291025);
    UPDATE till_cards SET first_name = NEW.first_name
    WHERE member_id IN (SELECT id FROM members WHERE person_id = NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER till_cards_person AFTER UPDATE OF first_name ON persons
FOR EACH ROW EXECUTE FUNCTION till_cards_on_person();

-- A household place taken, left or changed: the member's household, and every member's household size.
CREATE FUNCTION till_cards_on_place() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7291025);
    IF TG_OP <> 'INSERT' THEN
        PERFORM till_cards_leave(OLD.member_id, OLD.household_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM till_cards_join(NEW.member_id, NEW.household_id, NEW.role);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER till_cards_place AFTER INSERT OR DELETE OR UPDATE OF member_id, household_id, role
ON household_members FOR EACH ROW EXECUTE FUNCTION till_cards_on_place();

-- A household handed to a new owner (R_HH_8): every member's card shows the new owner.
CREATE FUNCTION till_cards_on_household() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7291025);
    UPDATE till_cards SET owner_member_id = NEW.owner_member_id,
                          owner_member_number = (SELECT member_number FROM members WHERE id = NEW.owner_member_id)
    WHERE member_id IN (SELECT member_id FROM household_members WHERE household_id = NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER till_cards_household AFTER UPDATE OF owner_member_id ON households
FOR EACH ROW EXECUTE FUNCTION till_cards_on_household();
