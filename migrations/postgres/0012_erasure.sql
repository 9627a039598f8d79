-- Erasure (R_PRIV_3, `andel jobs run erasure`): 12 months after a membership ended, the person's data is
-- deleted or irreversibly anonymised. The member row stays as an anonymous shell (its id, market,
-- cooperative and dates) because the ledger, receipts and partner sales kept for book-keeping refer to it;
-- erased_at says it holds no identity any longer. The indexes find a member's rows in the tables the job
-- clears without scanning them.
ALTER TABLE members ADD COLUMN erased_at BIGINT;
CREATE INDEX members_erasure_due ON members(ended_at) WHERE status = 'ended' AND erased_at IS NULL;
CREATE INDEX cards_replaces ON cards(replaces_card_id) WHERE replaces_card_id IS NOT NULL;
CREATE INDEX household_events_member ON household_events(member_id);
CREATE INDEX outbox_account ON outbox(account_id);
CREATE INDEX partner_sales_member ON partner_sales(member_id);
CREATE INDEX relogin_participants_member ON relogin_participants(member_id);
