-- Schema 13: what the ledger itemizes of a reported figure ("6 of 30 local governments", "CNY 0 of
-- ≈CNY 3,500,000"), over any days, without reading the period's donations: running sums per day, kept
-- by store::records::apply_sums on every write, over live donations only, like the whole ledger's
-- (migration 0004).
--
-- * donations.reach: the partner kinds among a donation's recipients, as a bitmask (friendship 1,
--   partner 2, overseas-chinese 4, institution 8, organization 16, embassy 32; 0: countries only),
--   as it was when the donation was added to the sums. A partner whose kind changes moves its
--   donations from one mask to the other (store::records::replace_partner).
-- * reach_sums, reach_items: per day, visibility and mask, the donations' count and fixed money, and
--   each item's quantity: "money of the donations that reached a partner of these kinds" is a sum of
--   the rows whose mask has one of their bits.
-- * reach_partners, reach_countries: per day, which partners (with the recipient row's country) and
--   which countries given to directly had a donation: distinct recipients and countries of any days.
--   Keyed partner (or country) first, then country, then day, so "did it have one in these days?" is
--   one index seek per partner and country (store::reports::itemized).

ALTER TABLE donations ADD COLUMN reach INTEGER NOT NULL DEFAULT 0;

CREATE TABLE reach_sums (
    day       TEXT NOT NULL,
    reach     INTEGER NOT NULL,
    internal  INTEGER NOT NULL,
    donations INTEGER NOT NULL CHECK (typeof(donations) = 'integer'),
    cny_fen   INTEGER NOT NULL CHECK (typeof(cny_fen) = 'integer'),
    usd_cents INTEGER NOT NULL CHECK (typeof(usd_cents) = 'integer'),
    PRIMARY KEY (day, reach, internal)
) WITHOUT ROWID;

CREATE TABLE reach_items (
    item_key TEXT NOT NULL,
    day      TEXT NOT NULL,
    reach    INTEGER NOT NULL,
    internal INTEGER NOT NULL,
    quantity INTEGER NOT NULL CHECK (typeof(quantity) = 'integer'),
    PRIMARY KEY (item_key, day, reach, internal)
) WITHOUT ROWID;

CREATE TABLE reach_partners (
    partner_id INTEGER NOT NULL,
    day        TEXT NOT NULL,
    country    TEXT NOT NULL,
    internal   INTEGER NOT NULL,
    donations  INTEGER NOT NULL CHECK (typeof(donations) = 'integer'),
    PRIMARY KEY (partner_id, country, day, internal)
) WITHOUT ROWID;

-- Every (partner, country) pair reach_partners has ever held (kept, never removed: a pair with no
-- rows left is simply not present in any days), so the pairs of some partners are read directly.
CREATE TABLE reach_partner_countries (
    partner_id INTEGER NOT NULL,
    country    TEXT NOT NULL,
    PRIMARY KEY (partner_id, country)
) WITHOUT ROWID;

CREATE TABLE reach_countries (
    day       TEXT NOT NULL,
    country   TEXT NOT NULL,
    internal  INTEGER NOT NULL,
    donations INTEGER NOT NULL CHECK (typeof(donations) = 'integer'),
    PRIMARY KEY (country, day, internal)
) WITHOUT ROWID;

-- Which days' sums changed last: each change of a donation's share moves its day to the next tick of
-- reach_clock, so "has anything in these days changed since?" is the days' MAX(version). A report's
-- reconciliation is kept across writes that touch none of its days (store::Store::itemized_kept).
CREATE TABLE reach_clock (id INTEGER PRIMARY KEY CHECK (id = 1), tick INTEGER NOT NULL);
INSERT INTO reach_clock (id, tick) VALUES (1, 0);
CREATE TABLE reach_versions (
    day     TEXT PRIMARY KEY,
    version INTEGER NOT NULL
) WITHOUT ROWID;
-- The same tick per partner and per country given to directly: after a write, a kept reconciliation
-- probes again only the partners and countries it touched (store::reports::reckon).
CREATE TABLE reach_partner_versions (
    partner_id INTEGER PRIMARY KEY,
    version    INTEGER NOT NULL
);
CREATE INDEX reach_partner_versions_version ON reach_partner_versions(version);
CREATE TABLE reach_country_versions (
    country TEXT PRIMARY KEY,
    version INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX reach_country_versions_version ON reach_country_versions(version);

-- backfill (store::records::rebuild_sums runs what follows again, after a bulk load)
UPDATE donations SET reach = (
    SELECT COALESCE(SUM(DISTINCT CASE p.kind WHEN 'friendship' THEN 1 WHEN 'partner' THEN 2 WHEN 'overseas-chinese' THEN 4
                                              WHEN 'institution' THEN 8 WHEN 'organization' THEN 16 WHEN 'embassy' THEN 32 END), 0)
    FROM donation_recipients r JOIN partners p ON p.id = r.partner_id WHERE r.donation_id = donations.id);

INSERT INTO reach_sums (day, reach, internal, donations, cny_fen, usd_cents)
SELECT date, reach, internal, COUNT(*), COALESCE(SUM(cny_fen), 0), COALESCE(SUM(usd_cents), 0)
FROM donations WHERE deleted_at IS NULL GROUP BY date, reach, internal;

INSERT INTO reach_items (item_key, day, reach, internal, quantity)
SELECT i.item_key, d.date, d.reach, d.internal, SUM(i.quantity)
FROM donation_items i JOIN donations d ON d.id = i.donation_id
WHERE d.deleted_at IS NULL GROUP BY i.item_key, d.date, d.reach, d.internal;

INSERT INTO reach_partners (partner_id, day, country, internal, donations)
SELECT r.partner_id, d.date, r.country, d.internal, COUNT(DISTINCT d.id)
FROM donation_recipients r JOIN donations d ON d.id = r.donation_id
WHERE d.deleted_at IS NULL AND r.partner_id IS NOT NULL GROUP BY r.partner_id, d.date, r.country, d.internal;

INSERT INTO reach_countries (day, country, internal, donations)
SELECT d.date, r.country, d.internal, COUNT(DISTINCT d.id)
FROM donation_recipients r JOIN donations d ON d.id = r.donation_id
WHERE d.deleted_at IS NULL AND r.partner_id IS NULL GROUP BY d.date, r.country, d.internal;

INSERT OR IGNORE INTO reach_partner_countries (partner_id, country)
SELECT DISTINCT partner_id, country FROM reach_partners;

UPDATE reach_clock SET tick = tick + 1;
INSERT INTO reach_versions (day, version) SELECT DISTINCT date, (SELECT tick FROM reach_clock) FROM donations WHERE true
ON CONFLICT(day) DO UPDATE SET version = excluded.version;
INSERT INTO reach_partner_versions (partner_id, version) SELECT DISTINCT partner_id, (SELECT tick FROM reach_clock) FROM reach_partner_countries WHERE true
ON CONFLICT(partner_id) DO UPDATE SET version = excluded.version;
INSERT INTO reach_country_versions (country, version) SELECT DISTINCT country, (SELECT tick FROM reach_clock) FROM reach_countries WHERE true
ON CONFLICT(country) DO UPDATE SET version = excluded.version;
