-- What a till needs about an active card (R_CARD_2), in one row keyed by the card number: the till's
-- look-up reads one row of one B-tree instead of seven (card index, card, member, person, household place,
-- household, owner).
-- Derived data: the triggers below keep it equal to its sources in the same transaction as every change to
-- them, so a blocked card stops identifying at the commit that blocked it. Only active cards have a row.
CREATE TABLE till_cards (
    card_number INTEGER PRIMARY KEY,  -- the 16 digits as a number: an integer key is the fastest look-up
    member_id INTEGER NOT NULL,
    member_number TEXT,
    first_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    market TEXT NOT NULL,
    household_id INTEGER,
    household_role TEXT,
    owner_member_id INTEGER,
    owner_member_number TEXT,
    household_size INTEGER NOT NULL
);
CREATE INDEX till_cards_member ON till_cards(member_id);

INSERT INTO till_cards
SELECT CAST(c.card_number AS INTEGER), m.id, m.member_number, p.first_name, m.kind, m.status, m.market,
       hm.household_id, hm.role, h.owner_member_id, om.member_number,
       CASE WHEN hm.household_id IS NULL THEN 0
            ELSE (SELECT COUNT(*) FROM household_members x WHERE x.household_id = hm.household_id) END
FROM cards c JOIN members m ON m.id = c.member_id JOIN persons p ON p.id = m.person_id
LEFT JOIN household_members hm ON hm.member_id = m.id LEFT JOIN households h ON h.id = hm.household_id
LEFT JOIN members om ON om.id = h.owner_member_id
WHERE c.status = 'active';

-- A card issued, changed or removed: its row is written afresh from its member.
CREATE TRIGGER till_cards_card_added AFTER INSERT ON cards WHEN NEW.status = 'active'
BEGIN
    INSERT INTO till_cards
    SELECT CAST(NEW.card_number AS INTEGER), m.id, m.member_number, p.first_name, m.kind, m.status, m.market,
           hm.household_id, hm.role, h.owner_member_id, om.member_number,
           CASE WHEN hm.household_id IS NULL THEN 0
                ELSE (SELECT COUNT(*) FROM household_members x WHERE x.household_id = hm.household_id) END
    FROM members m JOIN persons p ON p.id = m.person_id
    LEFT JOIN household_members hm ON hm.member_id = m.id LEFT JOIN households h ON h.id = hm.household_id
    LEFT JOIN members om ON om.id = h.owner_member_id
    WHERE m.id = NEW.member_id;
END;

CREATE TRIGGER till_cards_card_changed AFTER UPDATE OF card_number, member_id, status ON cards
BEGIN
    DELETE FROM till_cards WHERE card_number = CAST(OLD.card_number AS INTEGER);
    INSERT INTO till_cards
    SELECT CAST(NEW.card_number AS INTEGER), m.id, m.member_number, p.first_name, m.kind, m.status, m.market,
           hm.household_id, hm.role, h.owner_member_id, om.member_number,
           CASE WHEN hm.household_id IS NULL THEN 0
                ELSE (SELECT COUNT(*) FROM household_members x WHERE x.household_id = hm.household_id) END
    FROM members m JOIN persons p ON p.id = m.person_id
    LEFT JOIN household_members hm ON hm.member_id = m.id LEFT JOIN households h ON h.id = hm.household_id
    LEFT JOIN members om ON om.id = h.owner_member_id
    WHERE m.id = NEW.member_id AND NEW.status = 'active';
END;

CREATE TRIGGER till_cards_card_removed AFTER DELETE ON cards
BEGIN
    DELETE FROM till_cards WHERE card_number = CAST(OLD.card_number AS INTEGER);
END;

-- A member's number, kind, status or market: its own cards, and as the owner, its household's cards.
CREATE TRIGGER till_cards_member_changed AFTER UPDATE OF person_id, member_number, kind, status, market ON members
BEGIN
    UPDATE till_cards SET member_number = NEW.member_number, kind = NEW.kind, status = NEW.status,
                          market = NEW.market,
                          first_name = (SELECT first_name FROM persons WHERE id = NEW.person_id)
    WHERE member_id = NEW.id;
    UPDATE till_cards SET owner_member_number = NEW.member_number
    WHERE member_id IN (SELECT x.member_id FROM households h JOIN household_members x ON x.household_id = h.id
                        WHERE h.owner_member_id = NEW.id);
END;

CREATE TRIGGER till_cards_person_renamed AFTER UPDATE OF first_name ON persons
BEGIN
    UPDATE till_cards SET first_name = NEW.first_name
    WHERE member_id IN (SELECT id FROM members WHERE person_id = NEW.id);
END;

-- A household place taken, left or changed: the member's household, and every member's household size.
CREATE TRIGGER till_cards_place_taken AFTER INSERT ON household_members
BEGIN
    UPDATE till_cards SET household_id = NEW.household_id, household_role = NEW.role,
                          owner_member_id = (SELECT owner_member_id FROM households WHERE id = NEW.household_id),
                          owner_member_number = (SELECT om.member_number FROM households h
                                                 JOIN members om ON om.id = h.owner_member_id
                                                 WHERE h.id = NEW.household_id)
    WHERE member_id = NEW.member_id;
    UPDATE till_cards
    SET household_size = (SELECT COUNT(*) FROM household_members WHERE household_id = NEW.household_id)
    WHERE member_id IN (SELECT member_id FROM household_members WHERE household_id = NEW.household_id);
END;

CREATE TRIGGER till_cards_place_left AFTER DELETE ON household_members
BEGIN
    UPDATE till_cards SET household_id = NULL, household_role = NULL, owner_member_id = NULL,
                          owner_member_number = NULL, household_size = 0
    WHERE member_id = OLD.member_id;
    UPDATE till_cards
    SET household_size = (SELECT COUNT(*) FROM household_members WHERE household_id = OLD.household_id)
    WHERE member_id IN (SELECT member_id FROM household_members WHERE household_id = OLD.household_id);
END;

CREATE TRIGGER till_cards_place_changed AFTER UPDATE OF member_id, household_id, role ON household_members
BEGIN
    UPDATE till_cards SET household_id = NULL, household_role = NULL, owner_member_id = NULL,
                          owner_member_number = NULL, household_size = 0
    WHERE member_id = OLD.member_id;
    UPDATE till_cards
    SET household_size = (SELECT COUNT(*) FROM household_members WHERE household_id = OLD.household_id)
    WHERE member_id IN (SELECT member_id FROM household_members WHERE household_id = OLD.household_id);
    UPDATE till_cards SET household_id = NEW.household_id, household_role = NEW.role,
                          owner_member_id = (SELECT owner_member_id FROM households WHERE id = NEW.household_id),
                          owner_member_number = (SELECT om.member_number FROM households h
                                                 JOIN members om ON om.id = h.owner_member_id
                                                 WHERE h.id = NEW.household_id)
    WHERE member_id = NEW.member_id;
    UPDATE till_cards
    SET household_size = (SELECT COUNT(*) FROM household_members WHERE household_id = NEW.household_id)
    WHERE member_id IN (SELECT member_id FROM household_members WHERE household_id = NEW.household_id);
END;

-- A household handed to a new owner (R_HH_8): every member's card shows the new owner.
CREATE TRIGGER till_cards_owner_changed AFTER UPDATE OF owner_member_id ON households
BEGIN
    UPDATE till_cards SET owner_member_id = NEW.owner_member_id,
                          owner_member_number = (SELECT member_number FROM members WHERE id = NEW.owner_member_id)
    WHERE member_id IN (SELECT member_id FROM household_members WHERE household_id = NEW.id);
END;
