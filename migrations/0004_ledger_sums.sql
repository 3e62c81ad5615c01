-- Running sums over the whole ledger, kept by every write of a donation (store::records::apply_sums),
-- so that the all-time /totals does not scan a million donations and their items. Per visibility
-- (internal 0/1), over live (not deleted) donations only. A bounded period or a filter still computes
-- from the tables; a test checks both ways agree after creates, edits, deletes and undos.

CREATE TABLE ledger_sums (
    internal    INTEGER PRIMARY KEY,
    donations   INTEGER NOT NULL,
    valued      INTEGER NOT NULL,
    cny_fen     INTEGER NOT NULL,
    usd_cents   INTEGER NOT NULL,
    usd_missing INTEGER NOT NULL,
    shared      INTEGER NOT NULL
);

-- unit '' stands for "no unit" (NULL would never match in a key).
CREATE TABLE item_sums (
    internal INTEGER NOT NULL,
    item_key TEXT NOT NULL,
    unit     TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    item     TEXT NOT NULL,
    PRIMARY KEY (internal, item_key, unit)
);

-- backfill (store::records::rebuild_sums runs what follows again, after a bulk load)
INSERT INTO ledger_sums (internal, donations, valued, cny_fen, usd_cents, usd_missing, shared)
SELECT d.internal, COUNT(*), COUNT(d.value), COALESCE(SUM(d.cny_fen), 0), COALESCE(SUM(d.usd_cents), 0),
       COALESCE(SUM(d.value IS NOT NULL AND d.usd_cents IS NULL), 0),
       COALESCE(SUM((SELECT COUNT(*) FROM donation_recipients r WHERE r.donation_id = d.id) > 1), 0)
FROM donations d WHERE d.deleted_at IS NULL GROUP BY d.internal;

INSERT INTO item_sums (internal, item_key, unit, quantity, item)
SELECT d.internal, i.item_key, COALESCE(i.unit, ''), SUM(i.quantity), MAX(i.item)
FROM donation_items i JOIN donations d ON d.id = i.donation_id
WHERE d.deleted_at IS NULL GROUP BY d.internal, i.item_key, COALESCE(i.unit, '');
