-- A points-shop voucher as a receipt tender (R_BON_5): what the receipt's `bonus_voucher` tender paid with
-- it, in minor units (at most its value_minor; a voucher gives no change, so a smaller basket uses it fully
-- and the rest lapses). NULL while the voucher is issued, and when it was taken by the separate
-- POST /api/v1/till/vouchers/{code}/redeem without (yet) a receipt tender booking it.
ALTER TABLE vouchers ADD COLUMN used_amount_minor BIGINT CHECK (used_amount_minor > 0);
