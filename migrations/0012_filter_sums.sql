-- Schema 12: the all-time /donations COUNTRY and /partner NAME read their item totals from running
-- sums, like the all-time /totals (migration 0004), instead of every item row of the filter's
-- donations; and the one pass over a filter's donations (store::reports::donation_scan) reads their
-- recipients from an index alone.
--
-- A donation counts once in each country it reached and once for each partner it reached (a donation
-- to NRW and Mantova adds its items to Germany and to Italy), exactly as the filters select donations.
-- Kept by store::records::apply_sums on every write, over live donations only; unit '' is "no unit".

CREATE TABLE country_item_sums (
    internal INTEGER NOT NULL,
    country  TEXT NOT NULL,
    item_key TEXT NOT NULL,
    unit     TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (typeof(quantity) = 'integer'),
    item     TEXT NOT NULL,
    PRIMARY KEY (country, internal, item_key, unit)
) WITHOUT ROWID;

CREATE TABLE partner_item_sums (
    internal   INTEGER NOT NULL,
    partner_id INTEGER NOT NULL,
    item_key   TEXT NOT NULL,
    unit       TEXT NOT NULL,
    quantity   INTEGER NOT NULL CHECK (typeof(quantity) = 'integer'),
    item       TEXT NOT NULL,
    PRIMARY KEY (partner_id, internal, item_key, unit)
) WITHOUT ROWID;

-- A donation's recipients from the index alone (the primary key's index holds only donation_id, seq).
CREATE INDEX donation_recipients_by_donation ON donation_recipients(donation_id, partner_id, country);

-- backfill (store::records::rebuild_sums runs what follows again, after a bulk load)
INSERT INTO country_item_sums (internal, country, item_key, unit, quantity, item)
SELECT d.internal, c.country, i.item_key, COALESCE(i.unit, ''), SUM(i.quantity), MAX(i.item)
FROM donation_items i JOIN donations d ON d.id = i.donation_id
JOIN (SELECT DISTINCT donation_id, country FROM donation_recipients) c ON c.donation_id = d.id
WHERE d.deleted_at IS NULL GROUP BY d.internal, c.country, i.item_key, COALESCE(i.unit, '');

INSERT INTO partner_item_sums (internal, partner_id, item_key, unit, quantity, item)
SELECT d.internal, c.partner_id, i.item_key, COALESCE(i.unit, ''), SUM(i.quantity), MAX(i.item)
FROM donation_items i JOIN donations d ON d.id = i.donation_id
JOIN (SELECT DISTINCT donation_id, partner_id FROM donation_recipients WHERE partner_id IS NOT NULL) c ON c.donation_id = d.id
WHERE d.deleted_at IS NULL GROUP BY d.internal, c.partner_id, i.item_key, COALESCE(i.unit, '');
