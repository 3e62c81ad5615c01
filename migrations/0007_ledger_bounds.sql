-- Schema 7: the ledger's numbers are bounded and its rates keep their history.
--
-- * The running sums can never hold anything but integers: SQLite turns an overflowing integer sum
--   into a REAL, which once made every /totals fail. The tables are made again with CHECKs, and
--   store::migrate refills them from the donations (after soft-deleting, with a history entry, any
--   donation whose fixed amount is above the bound a write now enforces).
-- * Each donation keeps the dates of the rates its value was fixed at, and how many days the oldest
--   of them is older than the value date (rate_age), so replies and /totals can say when an amount
--   rests on a stale rate. Older rows get the dates of the rates that were current at their value date.
-- * rate_changes: every /rate, with who set it and the rate it replaced (rates keeps the current one).

DROP TABLE ledger_sums;
CREATE TABLE ledger_sums (
    internal    INTEGER PRIMARY KEY,
    donations   INTEGER NOT NULL CHECK (typeof(donations) = 'integer'),
    valued      INTEGER NOT NULL CHECK (typeof(valued) = 'integer'),
    cny_fen     INTEGER NOT NULL CHECK (typeof(cny_fen) = 'integer'),
    usd_cents   INTEGER NOT NULL CHECK (typeof(usd_cents) = 'integer'),
    usd_missing INTEGER NOT NULL CHECK (typeof(usd_missing) = 'integer'),
    shared      INTEGER NOT NULL CHECK (typeof(shared) = 'integer')
);

DROP TABLE item_sums;
CREATE TABLE item_sums (
    internal INTEGER NOT NULL,
    item_key TEXT NOT NULL,
    unit     TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (typeof(quantity) = 'integer'),
    item     TEXT NOT NULL,
    PRIMARY KEY (internal, item_key, unit)
);

ALTER TABLE donations ADD COLUMN rate_from TEXT;
ALTER TABLE donations ADD COLUMN usd_rate_from TEXT;
ALTER TABLE donations ADD COLUMN rate_age INTEGER;

UPDATE donations SET rate_from = (
    SELECT MAX(r.date) FROM rates r WHERE r.currency = donations.currency AND r.date <= donations.value_date)
WHERE value IS NOT NULL AND currency <> 'CNY';
UPDATE donations SET usd_rate_from = (
    SELECT MAX(r.date) FROM rates r WHERE r.currency = 'USD' AND r.date <= donations.value_date)
WHERE value IS NOT NULL AND usd_cents IS NOT NULL;
UPDATE donations SET rate_age = MAX(
    COALESCE(CAST(julianday(value_date) - julianday(rate_from) AS INTEGER), 0),
    COALESCE(CAST(julianday(value_date) - julianday(usd_rate_from) AS INTEGER), 0))
WHERE rate_from IS NOT NULL OR usd_rate_from IS NOT NULL;
CREATE INDEX donations_rate_age ON donations(rate_age);

CREATE TABLE rate_changes (
    id           INTEGER PRIMARY KEY,
    currency     TEXT NOT NULL,
    date         TEXT NOT NULL,
    cny_per_unit TEXT NOT NULL,
    replaced     TEXT,                  -- the rate of the same currency and day it replaced, if any
    source       TEXT,
    set_by       TEXT NOT NULL,
    set_at       TEXT NOT NULL
);
CREATE INDEX rate_changes_currency ON rate_changes(currency, id);
INSERT INTO rate_changes (currency, date, cny_per_unit, replaced, source, set_by, set_at)
SELECT currency, date, cny_per_unit, NULL, source, created_by, created_at FROM rates ORDER BY created_at;
