-- Only a return names an original receipt: the index on original_receipt_id holds the returns alone, so a sale
-- (nearly every receipt) writes one index entry less. The look-ups (`original_receipt_id = $1`) imply
-- IS NOT NULL, so both engines use the partial index for them.
DROP INDEX receipts_original;
CREATE INDEX receipts_original ON receipts(original_receipt_id) WHERE original_receipt_id IS NOT NULL;
